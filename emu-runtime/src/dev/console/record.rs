//! What the console keeps of each invocation: a [`Record`] per request through the gateway (or direct invoke), in a
//! bounded ring, with a live feed of summaries. The gateway fills an [`HttpTrace`] only when a recorder exists.
//!
//! Memory is bounded by [`ConsoleOptions`]: the last `history` records, each body (request, response, the event's and
//! the output's `body`, the log) cut at `body_limit` bytes and marked `truncated`.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Body;
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, Request, Response};
use serde::Serialize;
use serde_json::Value;
use serde_json::value::RawValue;
use tokio::sync::broadcast;

use crate::clock;
use crate::dev::console::ConsoleOptions;
use crate::gateway::errors::GatewayError;
use crate::gateway::routes::{CompiledApi, CompiledRoute};
use crate::lambda::ContextSink;
use crate::lambda::invoke::InvokeError;
use crate::lambda::log::LogSink;

/// How many summaries the live feed buffers for a slow browser before it skips ahead.
const LIVE_BUFFER: usize = 256;

/// Where an invocation came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Source {
    /// An HTTP request through API Gateway (a client, the console's "try it" form, a replay).
    Http,
    /// A direct invocation from the console's Functions view, with no gateway in front.
    Invoke,
}

/// An authorizer's decision on a request (routes with an authorizer only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AuthorizerDecision {
    /// The authorizer's name in the template.
    pub(crate) authorizer: String,
    /// Whether the request was let through.
    pub(crate) allowed: bool,
    /// Whether the decision came from the authorizer's result cache.
    pub(crate) cache_hit: bool,
}

/// The outcome of request validation: `None` for a route without a validator.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct ValidationResult {
    /// Whether the request passed.
    pub(crate) passed: bool,
    /// Why not, as API Gateway's error message says it.
    pub(crate) message: Option<String>,
}

/// A body as kept: its first `limit` bytes (shared with the request or response when it is no longer, copied when
/// it is cut, so a record never holds more than the limit), shown as [`BodyText`] when the page asks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BodyBytes {
    /// The (possibly cut) bytes.
    pub(crate) bytes: Bytes,
    /// The whole body's size.
    pub(crate) size: usize,
}

impl BodyBytes {
    /// `body`, cut at `limit`.
    pub(crate) fn new(body: &Bytes, limit: usize) -> BodyBytes {
        let bytes = if body.len() <= limit { body.clone() } else { Bytes::copy_from_slice(&body[..limit]) };
        BodyBytes { bytes, size: body.len() }
    }

    /// Whether the body was longer than the limit.
    pub(crate) fn truncated(&self) -> bool {
        self.bytes.len() < self.size
    }
}

impl Serialize for BodyBytes {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = BodyText::new(&self.bytes, self.bytes.len());
        text.size = self.size;
        text.truncated = self.truncated();
        text.serialize(serializer)
    }
}

/// A body as the page shows it: UTF-8 text, or base64 when it is not text; cut at the console's body limit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct BodyText {
    /// The (possibly cut) body.
    pub(crate) text: String,
    /// `text` is the base64 of the bytes (they were not UTF-8).
    pub(crate) base64: bool,
    /// The whole body's size in bytes.
    pub(crate) size: usize,
    /// The body was longer than the limit and `text` is its beginning.
    pub(crate) truncated: bool,
}

impl BodyText {
    /// `bytes`, cut at `limit` (on a character boundary for text).
    pub(crate) fn new(bytes: &[u8], limit: usize) -> BodyText {
        let size = bytes.len();
        match std::str::from_utf8(bytes) {
            Ok(text) => {
                let mut end = size.min(limit);
                while !text.is_char_boundary(end) {
                    end -= 1;
                }
                BodyText { text: text[..end].to_owned(), base64: false, size, truncated: end < size }
            }
            Err(_) => {
                let end = size.min(limit);
                let text = base64::engine::general_purpose::STANDARD.encode(&bytes[..end]);
                BodyText { text, base64: true, size, truncated: end < size }
            }
        }
    }
}

/// A request as API Gateway received it, or a response as it sent it.
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HttpMessage {
    /// The request's method.
    pub(crate) method: Option<String>,
    /// The request's path and query, as sent.
    pub(crate) uri: Option<String>,
    /// The response's status.
    pub(crate) status: Option<u16>,
    /// Every header, in order; shown as `[name, value]` pairs, values as text (lossy for non-UTF-8 values).
    #[serde(serialize_with = "header_pairs")]
    pub(crate) headers: HeaderMap,
    /// The body; `None` when the gateway answered before reading it (no route, a preflight).
    pub(crate) body: Option<BodyBytes>,
}

fn header_pairs<S: serde::Serializer>(headers: &HeaderMap, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(headers.iter().map(|(k, v)| (k.as_str(), String::from_utf8_lossy(v.as_bytes()))))
}

/// `value` as JSON text, kept as is (one string, cheaper to keep than a tree of `Value`s).
fn raw(value: &impl Serialize) -> Option<Box<RawValue>> {
    serde_json::value::to_raw_value(value).ok()
}

/// One invocation as the console shows it.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Record {
    /// The record's number in this process (1, 2, ...), in the order requests arrived.
    pub(crate) id: u64,
    /// Through the gateway or invoked directly.
    pub(crate) source: Source,
    /// When it arrived, epoch ms.
    pub(crate) epoch_ms: u64,
    /// ISO 8601 time of arrival.
    pub(crate) time: String,
    /// From arrival to the response, in ms.
    pub(crate) duration_ms: f64,
    /// The request's method and path.
    pub(crate) method: Option<String>,
    /// The request's path (without the query).
    pub(crate) path: Option<String>,
    /// The HTTP status answered.
    pub(crate) status: Option<u16>,
    /// The matched API's logical id.
    pub(crate) api: Option<String>,
    /// The matched route's key (`GET /dogs/{id}`, `$default`).
    pub(crate) route_key: Option<String>,
    /// The payload format version of the event (`1.0`, `2.0`).
    pub(crate) payload: Option<&'static str>,
    /// The function's logical id.
    pub(crate) function: Option<String>,
    /// The gateway's request id (`x-amzn-RequestId` / `apigw-requestid`), the event's `requestContext.requestId`.
    pub(crate) request_id: Option<String>,
    /// API Gateway's own error, when it answered instead of the function (`NoRoute`, `IntegrationFailure`, ...).
    pub(crate) gateway_error: Option<String>,
    /// The authorizer's decision, for routes with an authorizer.
    pub(crate) authorizer: Option<AuthorizerDecision>,
    /// The request validation result (`None` when the route has no validator).
    pub(crate) validation: Option<ValidationResult>,
    /// The request as received.
    pub(crate) request: Option<HttpMessage>,
    /// The event exactly as sent to the function (its `body` cut at the limit, then `event_truncated`).
    pub(crate) event: Option<Box<RawValue>>,
    /// The event's `body` was cut.
    pub(crate) event_truncated: bool,
    /// The `Context` the function was given.
    pub(crate) context: Option<Box<RawValue>>,
    /// The invocation's log: `START` ... `REPORT` and the handler's `tracing` events.
    pub(crate) logs: String,
    /// The log was cut at the limit.
    pub(crate) logs_truncated: bool,
    /// The function's raw output (its `body` cut at the limit, then `output_truncated`).
    pub(crate) output: Option<Box<RawValue>>,
    /// The output's `body` was cut.
    pub(crate) output_truncated: bool,
    /// The invocation's error in Lambda's shape (`errorType`, `errorMessage`).
    pub(crate) error: Option<Value>,
    /// The HTTP response as sent.
    pub(crate) response: Option<HttpMessage>,
}

impl Record {
    fn new(id: u64, source: Source, epoch_ms: u64) -> Record {
        Record {
            id,
            source,
            epoch_ms,
            time: clock::iso_time(epoch_ms),
            duration_ms: 0.0,
            method: None,
            path: None,
            status: None,
            api: None,
            route_key: None,
            payload: None,
            function: None,
            request_id: None,
            gateway_error: None,
            authorizer: None,
            validation: None,
            request: None,
            event: None,
            event_truncated: false,
            context: None,
            logs: String::new(),
            logs_truncated: false,
            output: None,
            output_truncated: false,
            error: None,
            response: None,
        }
    }

    /// The list row and live-feed item: everything but the bodies.
    pub(crate) fn summary(&self) -> Value {
        serde_json::json!({
            "id": self.id, "source": self.source, "time": self.time, "epochMs": self.epoch_ms,
            "durationMs": self.duration_ms, "method": self.method, "path": self.path, "status": self.status,
            "api": self.api, "routeKey": self.route_key, "function": self.function, "requestId": self.request_id,
            "gatewayError": self.gateway_error, "authorizer": self.authorizer, "validation": self.validation,
            "error": self.error.as_ref().and_then(|e| e.get("errorType")),
        })
    }
}

/// `value` as kept: JSON text, with a top-level `body` string cut at `limit` bytes; `true` when it was cut.
pub(crate) fn keep_json(value: &Value, limit: usize) -> (Option<Box<RawValue>>, bool) {
    match value.get("body") {
        Some(Value::String(body)) if body.len() > limit => {
            let (cut, _) = cut_body(value, limit);
            (raw(&cut), true)
        }
        _ => (raw(value), false),
    }
}

/// A copy of `value` whose top-level `body` string is cut at `limit` bytes; `true` when it was cut.
fn cut_body(value: &Value, limit: usize) -> (Value, bool) {
    let Value::Object(map) = value else { return (value.clone(), false) };
    let mut cut = false;
    let copy = map
        .iter()
        .map(|(k, v)| match v {
            Value::String(s) if k == "body" && s.len() > limit => {
                let mut end = limit;
                while !s.is_char_boundary(end) {
                    end -= 1;
                }
                cut = true;
                (k.clone(), Value::String(s[..end].to_owned()))
            }
            _ => (k.clone(), v.clone()),
        })
        .collect();
    (Value::Object(copy), cut)
}

/// The sinks one invocation's log lines and `Context` are kept in while it runs.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sinks {
    /// The log lines.
    pub(crate) log: LogSink,
    /// The `Context` as JSON.
    pub(crate) context: ContextSink,
}

impl Sinks {
    /// Moves what the invocation left in the sinks into `record`, cutting the log at `limit`.
    fn drain_into(&self, record: &mut Record, limit: usize) {
        if let Ok(mut ctx) = self.context.lock() {
            record.context = ctx.take();
        }
        if let Ok(mut log) = self.log.lock() {
            let text = std::mem::take(&mut *log);
            let cut = BodyText::new(text.as_bytes(), limit);
            record.logs_truncated = cut.truncated;
            record.logs = cut.text;
        }
    }
}

/// A request the console asks the gateway to serve carries this, so the console learns its record's id.
#[derive(Clone, Debug, Default)]
pub(crate) struct IdSlot(pub(crate) Arc<AtomicU64>);

/// The record of one HTTP request being built as the gateway serves it.
#[derive(Debug)]
pub(crate) struct HttpTrace {
    record: Record,
    started: Instant,
    limit: usize,
    sinks: Sinks,
}

impl HttpTrace {
    /// The request's body, as read by the gateway.
    pub(crate) fn body(&mut self, body: &Bytes) {
        if let Some(req) = &mut self.record.request {
            req.body = Some(BodyBytes::new(body, self.limit));
        }
    }

    /// The route the request matched.
    pub(crate) fn matched(&mut self, api: &CompiledApi, route: &CompiledRoute) {
        self.record.api = Some(api.logical_id.to_string());
        self.record.route_key = Some(route.event.route_key.clone());
        self.record.payload = Some(route.payload.as_str());
        self.record.function = Some(route.target.to_string());
    }

    /// The event sent to the function.
    pub(crate) fn event(&mut self, event: &Value) {
        (self.record.event, self.record.event_truncated) = keep_json(event, self.limit);
    }

    /// The sinks to hand the Lambda service with the invocation.
    pub(crate) fn sinks(&self) -> &Sinks {
        &self.sinks
    }

    /// What the function returned, or why it did not.
    pub(crate) fn outcome(&mut self, outcome: Result<&Value, &InvokeError>) {
        match outcome {
            Ok(output) => (self.record.output, self.record.output_truncated) = keep_json(output, self.limit),
            Err(e) => self.record.error = Some(e.to_json()),
        }
    }

    /// API Gateway answered with its own error.
    pub(crate) fn gateway_error(&mut self, e: &GatewayError) {
        self.record.gateway_error = Some(format!("{e:?}"));
    }

    /// The gateway's request id.
    pub(crate) fn request_id(&mut self, id: &str) {
        self.record.request_id = Some(id.to_owned());
    }

    /// The authorizer's decision, from the gateway's access stage.
    pub(crate) fn authorizer(&mut self, decision: AuthorizerDecision) {
        self.record.authorizer = Some(decision);
    }

    /// The request validation result, from the gateway's validation stage.
    pub(crate) fn validation(&mut self, result: ValidationResult) {
        self.record.validation = Some(result);
    }
}

/// The ring of records and the live feed; one per app served with the console on.
#[derive(Debug)]
pub(crate) struct Recorder {
    options: ConsoleOptions,
    next_id: AtomicU64,
    ring: Mutex<VecDeque<Arc<Record>>>,
    live: Mutex<Option<broadcast::Sender<Arc<str>>>>,
}

impl Recorder {
    /// An empty recorder keeping what `options` says.
    pub(crate) fn new(options: ConsoleOptions) -> Recorder {
        let (live, _) = broadcast::channel(LIVE_BUFFER);
        Recorder {
            ring: Mutex::new(VecDeque::with_capacity(options.history.min(1024))),
            options,
            next_id: AtomicU64::new(1),
            live: Mutex::new(Some(live)),
        }
    }

    /// The options it keeps by.
    pub(crate) fn options(&self) -> &ConsoleOptions {
        &self.options
    }

    /// Starts the record of `req`: its method, URI and headers (the body follows when the gateway reads it).
    pub(crate) fn begin_http(&self, req: &Request<Body>) -> HttpTrace {
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        if let Some(slot) = req.extensions().get::<IdSlot>() {
            slot.0.store(id, Ordering::Relaxed);
        }
        let epoch_ms = clock::now_epoch_ms();
        let mut record = Record::new(id, Source::Http, epoch_ms);
        record.method = Some(req.method().to_string());
        record.path = Some(req.uri().path().to_owned());
        record.request = Some(HttpMessage {
            method: Some(req.method().to_string()),
            uri: Some(req.uri().path_and_query().map_or_else(|| req.uri().path().to_owned(), |p| p.to_string())),
            headers: req.headers().clone(),
            ..HttpMessage::default()
        });
        HttpTrace { record, started: Instant::now(), limit: self.options.body_limit, sinks: Sinks::default() }
    }

    /// Finishes `trace` with the response the gateway sends, keeps it, and hands the response back unchanged.
    pub(crate) async fn finish_http(&self, trace: HttpTrace, res: Response<Body>) -> Response<Body> {
        let HttpTrace { mut record, started, limit, sinks } = trace;
        let (parts, body) = res.into_parts();
        // The gateway's responses are whole buffers already, so this reads no socket.
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap_or_default();
        record.status = Some(parts.status.as_u16());
        record.response = Some(HttpMessage {
            status: Some(parts.status.as_u16()),
            headers: parts.headers.clone(),
            body: Some(BodyBytes::new(&bytes, limit)),
            ..HttpMessage::default()
        });
        sinks.drain_into(&mut record, limit);
        record.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        self.keep(record);
        Response::from_parts(parts, Body::from(bytes))
    }

    /// Records a direct invocation of `function` with `event`: its result, log and `Context`; returns the record.
    pub(crate) fn keep_invoke(
        &self,
        function: &str,
        event: &Value,
        result: Result<&Value, &InvokeError>,
        sinks: &Sinks,
        started: (u64, Instant),
    ) -> Arc<Record> {
        let limit = self.options.body_limit;
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let mut record = Record::new(id, Source::Invoke, started.0);
        record.function = Some(function.to_owned());
        (record.event, record.event_truncated) = keep_json(event, limit);
        match result {
            Ok(output) => (record.output, record.output_truncated) = keep_json(output, limit),
            Err(e) => record.error = Some(e.to_json()),
        }
        sinks.drain_into(&mut record, limit);
        record.duration_ms = started.1.elapsed().as_secs_f64() * 1000.0;
        self.keep(record)
    }

    /// Adds `record` to the ring (dropping the oldest past `history`) and tells the live feed.
    fn keep(&self, record: Record) -> Arc<Record> {
        let record = Arc::new(record);
        if self.options.history > 0
            && let Ok(mut ring) = self.ring.lock()
        {
            while ring.len() >= self.options.history {
                ring.pop_front();
            }
            ring.push_back(record.clone());
        }
        if let Ok(live) = self.live.lock()
            && let Some(tx) = live.as_ref()
            && tx.receiver_count() > 0
        {
            // A browser that went away meanwhile is not an error.
            let _ = tx.send(Arc::from(record.summary().to_string()));
        }
        record
    }

    /// Every kept record, oldest first.
    pub(crate) fn records(&self) -> Vec<Arc<Record>> {
        self.ring.lock().map(|r| r.iter().cloned().collect()).unwrap_or_default()
    }

    /// The kept record `id`, if it is still in the ring.
    pub(crate) fn get(&self, id: u64) -> Option<Arc<Record>> {
        self.ring.lock().ok().and_then(|r| r.iter().find(|rec| rec.id == id).cloned())
    }

    /// A receiver of the live feed (summaries as JSON text), `None` once the server is shutting down.
    pub(crate) fn subscribe(&self) -> Option<broadcast::Receiver<Arc<str>>> {
        self.live.lock().ok().and_then(|l| l.as_ref().map(broadcast::Sender::subscribe))
    }

    /// Ends every live feed, so open browser connections let a graceful shutdown finish.
    pub(crate) fn close(&self) {
        if let Ok(mut live) = self.live.lock() {
            live.take();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recorder(history: usize, body_limit: usize) -> Recorder {
        Recorder::new(ConsoleOptions { history, body_limit })
    }

    async fn one(rec: &Recorder, path: &str) {
        let req = Request::get(path).body(Body::empty()).unwrap();
        let trace = rec.begin_http(&req);
        let _ = rec.finish_http(trace, Response::new(Body::from("ok"))).await;
    }

    #[tokio::test]
    async fn the_ring_keeps_the_last_history_records() {
        let rec = recorder(3, 100);
        for i in 0..5 {
            one(&rec, &format!("/r{i}")).await;
        }
        let paths: Vec<_> = rec.records().iter().map(|r| r.path.clone().unwrap()).collect();
        assert_eq!(paths, ["/r2", "/r3", "/r4"]);
        assert!(rec.get(1).is_none());
        assert_eq!(rec.get(5).unwrap().path.as_deref(), Some("/r4"));
    }

    #[tokio::test]
    async fn a_history_of_zero_keeps_nothing_but_still_feeds_live() {
        let rec = recorder(0, 100);
        let mut live = rec.subscribe().unwrap();
        one(&rec, "/a").await;
        assert!(rec.records().is_empty());
        let summary: Value = serde_json::from_str(&live.recv().await.unwrap()).unwrap();
        assert_eq!(summary["path"], "/a");
        rec.close();
        assert!(rec.subscribe().is_none());
        assert!(live.recv().await.is_err(), "closing ends the feed");
    }

    #[tokio::test]
    async fn the_response_is_passed_on_unchanged_and_recorded() {
        let rec = recorder(10, 4);
        let req = Request::post("/x?a=1").header("h", "v").body(Body::empty()).unwrap();
        let mut trace = rec.begin_http(&req);
        trace.body(&Bytes::from_static(b"hello world"));
        let res = Response::builder().status(201).header("k", "w").body(Body::from("a long answer")).unwrap();
        let res = rec.finish_http(trace, res).await;
        assert_eq!(res.status(), 201);
        assert_eq!(axum::body::to_bytes(res.into_body(), 100).await.unwrap(), "a long answer");
        let r = rec.get(1).unwrap();
        let req = r.request.as_ref().unwrap();
        assert_eq!(req.uri.as_deref(), Some("/x?a=1"));
        assert_eq!(serde_json::to_value(req).unwrap()["headers"], serde_json::json!([["h", "v"]]));
        let body = req.body.as_ref().unwrap();
        assert_eq!((&body.bytes[..], body.size, body.truncated()), (&b"hell"[..], 11, true));
        let shown = serde_json::to_value(body).unwrap();
        assert_eq!(shown, serde_json::json!({ "text": "hell", "base64": false, "size": 11, "truncated": true }));
        let res = r.response.as_ref().unwrap();
        assert_eq!(res.status, Some(201));
        assert_eq!(&res.body.as_ref().unwrap().bytes[..], b"a lo");
    }

    #[test]
    fn bodies_are_cut_on_character_boundaries_and_binary_is_base64() {
        let b = BodyText::new("héllo".as_bytes(), 2);
        assert_eq!((b.text.as_str(), b.truncated, b.base64), ("h", true, false));
        let b = BodyText::new(&[0xff, 0xfe, 0x00], 2);
        assert_eq!((b.text.as_str(), b.truncated, b.base64, b.size), ("//4=", true, true, 3));
        let b = BodyText::new(b"short", 10);
        assert!(!b.truncated);
    }

    #[test]
    fn only_the_top_level_body_of_an_event_is_cut() {
        let event = serde_json::json!({ "body": "0123456789", "headers": { "body": "0123456789" } });
        let (cut, was_cut) = cut_body(&event, 4);
        assert!(was_cut);
        assert_eq!(cut["body"], "0123");
        assert_eq!(cut["headers"]["body"], "0123456789");
        let (same, was_cut) = cut_body(&event, 100);
        assert!(!was_cut);
        assert_eq!(same, event);
        let (kept, was_cut) = keep_json(&event, 4);
        assert!(was_cut);
        assert_eq!(serde_json::from_str::<Value>(kept.unwrap().get()).unwrap()["body"], "0123");
        let (kept, was_cut) = keep_json(&event, 100);
        assert!(!was_cut);
        assert_eq!(serde_json::from_str::<Value>(kept.unwrap().get()).unwrap(), event);
    }
}
