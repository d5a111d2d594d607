//! The console's HTTP API on the Lambda listener (`/` and `/console/...`; every other path is the Invoke API): the
//! app's description, the recorded invocations and their live feed (server-sent events), "try it", replay, samples
//! and direct invocations. Every request is served through the app's own gateway or Lambda service.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use axum::body::Body;
use axum::response::IntoResponse;
use axum::response::sse::{Event, KeepAlive, Sse};
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, Method, Request, Response, StatusCode, header};
use serde::Deserialize;
use serde_json::{Value, json};
use tokio::sync::broadcast::error::RecvError;

use crate::App;
use crate::clock;
use crate::dev::console::record::{IdSlot, Recorder, Sinks};
use crate::dev::console::{assets, views};
use crate::gateway::events::percent_decode;
use crate::lambda::InvokeOptions;
use crate::lambda::invoke::InvokeError;

/// The largest request the console's own API reads (a "try it" body, an edited event): Lambda's 6 MB limit and
/// room for the JSON around it.
const MAX_CONSOLE_REQUEST: usize = 8 * 1024 * 1024;

/// What the console serves from.
#[derive(Clone, Debug)]
struct Console {
    app: App,
    recorder: Arc<Recorder>,
    api_url: Arc<str>,
}

/// The Lambda listener's router with the console in front: `/` and `/console/...` here, the rest to the Invoke API.
pub(crate) fn router(app: App, recorder: Arc<Recorder>, api_url: String) -> axum::Router {
    let invoke_api = app.invoke_api_router();
    let console = Console { app, recorder, api_url: api_url.into() };
    axum::Router::new().fallback_service(tower::service_fn(move |req: Request<Body>| {
        let console = console.clone();
        let invoke_api = invoke_api.clone();
        async move {
            let path = req.uri().path();
            if path == "/" || path == "/console" || path.starts_with("/console/") {
                Ok::<_, Infallible>(console.handle(req).await)
            } else {
                let res = tower::ServiceExt::oneshot(invoke_api, req).await;
                Ok(res.unwrap_or_else(|never| match never {}))
            }
        }
    }))
}

/// An error of the console's API: its status and a message for the page to show.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError { status, message: message.into() }
    }

    fn response(self) -> Response<Body> {
        json_response(self.status, &json!({ "message": self.message }))
    }
}

fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut res = Response::new(Body::from(body.to_string()));
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A request the "try it" form (or a replay) sends through the gateway.
#[derive(Debug, Deserialize)]
struct SendRequest {
    method: String,
    /// Path and query, as a client would put them on the request line.
    path: String,
    #[serde(default)]
    headers: Vec<(String, String)>,
    #[serde(default)]
    body: String,
    /// `body` is base64 (a recorded binary body).
    #[serde(default)]
    base64: bool,
}

impl Console {
    async fn handle(&self, req: Request<Body>) -> Response<Body> {
        let (parts, body) = req.into_parts();
        let path = parts.uri.path();
        if parts.method == Method::GET
            && let Some((text, content_type)) = assets::find(path)
        {
            let mut res = Response::new(Body::from(text));
            res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
            return res;
        }
        let Some(rest) = path.strip_prefix("/console/api/") else {
            return ApiError::new(StatusCode::NOT_FOUND, format!("no console page at {path}")).response();
        };
        let segments: Vec<&str> = rest.split('/').collect();
        let result = match (&parts.method, segments.as_slice()) {
            (&Method::GET, ["app"]) => Ok(json_response(StatusCode::OK, &views::app_json(&self.app, &self.api_url))),
            (&Method::GET, ["invocations"]) => Ok(self.list()),
            (&Method::GET, ["live"]) => self.live(),
            (&Method::GET, ["invocations", id]) => self.record(id),
            (&Method::POST, ["invocations", id, "replay"]) => self.replay(id).await,
            (&Method::POST, ["send"]) => match read_json::<SendRequest>(body).await {
                Ok(send) => match self.request(send) {
                    Ok(req) => Ok(self.send(req).await),
                    Err(e) => Err(e),
                },
                Err(e) => Err(e),
            },
            (&Method::GET, ["functions", name, "sample"]) => self.sample(&percent_decode(name), parts.uri.query()),
            (&Method::POST, ["functions", name, "invoke"]) => match read_json::<Value>(body).await {
                Ok(event) => self.invoke(&percent_decode(name), event).await,
                Err(e) => Err(e),
            },
            _ => Err(ApiError::new(StatusCode::NOT_FOUND, format!("no console API {} {path}", parts.method))),
        };
        result.unwrap_or_else(ApiError::response)
    }

    /// `GET invocations`: every kept record's summary, newest first.
    fn list(&self) -> Response<Body> {
        let rows: Vec<Value> = self.recorder.records().iter().rev().map(|r| r.summary()).collect();
        json_response(StatusCode::OK, &Value::Array(rows))
    }

    /// `GET invocations/{id}`: one record, whole.
    fn record(&self, id: &str) -> Result<Response<Body>, ApiError> {
        let record = self.find(id)?;
        let value = serde_json::to_value(&*record)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot encode the record: {e}")))?;
        Ok(json_response(StatusCode::OK, &value))
    }

    fn find(&self, id: &str) -> Result<Arc<super::record::Record>, ApiError> {
        let n: u64 = id
            .parse()
            .map_err(|_| ApiError::new(StatusCode::BAD_REQUEST, format!("`{id}` is not an invocation number")))?;
        self.recorder.get(n).ok_or_else(|| {
            ApiError::new(
                StatusCode::NOT_FOUND,
                format!(
                    "invocation {n} is not kept (the console keeps the last {}; --console-history sets it)",
                    self.recorder.options().history
                ),
            )
        })
    }

    /// `GET live`: a server-sent event `invocation` (the summary) per new record; `lagged` when the page fell behind
    /// and should reload the list. Ends when the server shuts down.
    fn live(&self) -> Result<Response<Body>, ApiError> {
        let rx = self
            .recorder
            .subscribe()
            .ok_or_else(|| ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "the server is shutting down"))?;
        let stream = futures_util::stream::unfold(rx, |mut rx| async move {
            let event = match rx.recv().await {
                Ok(summary) => Event::default().event("invocation").data(&*summary),
                Err(RecvError::Lagged(n)) => Event::default().event("lagged").data(n.to_string()),
                Err(RecvError::Closed) => return None,
            };
            Some((Ok::<_, Infallible>(event), rx))
        });
        Ok(Sse::new(stream).keep_alive(KeepAlive::default()).into_response())
    }

    /// The request a `POST send` describes, as a client would send it (with the API's `Host` when it names none).
    fn request(&self, send: SendRequest) -> Result<Request<Body>, ApiError> {
        let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, m);
        let method = Method::from_bytes(send.method.as_bytes())
            .map_err(|_| bad(format!("`{}` is not an HTTP method", send.method)))?;
        if !send.path.starts_with('/') {
            return Err(bad(format!("the path `{}` must start with /", send.path)));
        }
        let body = if send.base64 {
            base64::engine::general_purpose::STANDARD
                .decode(send.body.as_bytes())
                .map_err(|e| bad(format!("the body is not base64: {e}")))?
        } else {
            send.body.into_bytes()
        };
        let mut builder = Request::builder().method(method).uri(&send.path);
        let mut has_host = false;
        for (name, value) in &send.headers {
            let name = HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| bad(format!("`{name}` is not a header name")))?;
            let value = HeaderValue::from_str(value.trim())
                .map_err(|_| bad(format!("the value of header `{name}` is not valid in a header")))?;
            has_host |= name == header::HOST;
            builder = builder.header(name, value);
        }
        if !has_host && let Some(host) = self.api_url.split("://").nth(1) {
            builder = builder.header(header::HOST, host.trim_end_matches('/'));
        }
        builder.body(Body::from(body)).map_err(|e| bad(format!("cannot build the request: {e}")))
    }

    /// `req` through the app's gateway, as a client's would go; answers with the record's id and the response as
    /// sent.
    async fn send(&self, mut req: Request<Body>) -> Response<Body> {
        let slot = IdSlot::default();
        req.extensions_mut().insert(slot.clone());
        let res = self.app.handle(req).await;
        let status = res.status().as_u16();
        let headers: Vec<(String, String)> = res
            .headers()
            .iter()
            .map(|(k, v)| (k.to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        let bytes = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap_or_default();
        json_response(
            StatusCode::OK,
            &json!({
                "id": slot.0.load(Ordering::Relaxed), "status": status, "headers": headers,
                "body": String::from_utf8_lossy(&bytes),
            }),
        )
    }

    /// `POST invocations/{id}/replay`: the recorded request (HTTP) or event (direct invoke) again.
    async fn replay(&self, id: &str) -> Result<Response<Body>, ApiError> {
        let record = self.find(id)?;
        let conflict = |m: &str| ApiError::new(StatusCode::CONFLICT, m);
        match (&record.request, &record.function) {
            (Some(recorded), _) => {
                let body = recorded.body.as_ref();
                if body.is_some_and(|b| b.truncated()) {
                    return Err(conflict("its body was cut at the console's body limit, so it cannot be replayed"));
                }
                let method = recorded.method.as_deref().unwrap_or("GET");
                let mut req = Request::builder()
                    .method(Method::from_bytes(method.as_bytes()).unwrap_or(Method::GET))
                    .uri(recorded.uri.as_deref().unwrap_or("/"))
                    .body(Body::from(body.map(|b| b.bytes.clone()).unwrap_or_default()))
                    .map_err(|e| conflict(&format!("the recorded request cannot be sent again: {e}")))?;
                *req.headers_mut() = recorded.headers.clone();
                Ok(self.send(req).await)
            }
            (None, Some(function)) => {
                if record.event_truncated {
                    return Err(conflict("its event's body was cut at the console's body limit"));
                }
                let event = record.event.as_ref().and_then(|raw| serde_json::from_str(raw.get()).ok());
                self.invoke(function, event.unwrap_or(Value::Null)).await
            }
            (None, None) => Err(conflict("the record holds neither a request nor a function to replay")),
        }
    }

    /// `GET functions/{name}/sample?event=NAME`: the sample event of one of the function's sources.
    fn sample(&self, function: &str, query: Option<&str>) -> Result<Response<Body>, ApiError> {
        let event = query.and_then(|q| {
            form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "event").map(|(_, v)| v.into_owned())
        });
        match self.app.sample_event(function, event.as_deref()) {
            Ok(sample) => Ok(json_response(StatusCode::OK, &sample)),
            Err(e) => Err(ApiError::new(StatusCode::NOT_FOUND, e.to_string())),
        }
    }

    /// `POST functions/{name}/invoke`: the event to the function through the Lambda service (no gateway); answers
    /// with the whole record: output or error, log, `Context`.
    async fn invoke(&self, function: &str, event: Value) -> Result<Response<Body>, ApiError> {
        let lambda = self.app.lambda();
        let id = lambda.resolve(function).ok_or_else(|| {
            ApiError::new(StatusCode::NOT_FOUND, InvokeError::UnknownFunction(function.to_owned()).to_string())
        })?;
        let logical_id = lambda.entry(id).info.id.clone();
        let sinks = Sinks::default();
        let options = InvokeOptions {
            log_sink: Some(sinks.log.clone()),
            context_sink: Some(sinks.context.clone()),
            ..InvokeOptions::default()
        };
        let started = (clock::now_epoch_ms(), Instant::now());
        let result = lambda.invoke(id, event.clone(), options).await;
        let record = self.recorder.keep_invoke(&logical_id, &event, result.as_ref(), &sinks, started);
        let value = serde_json::to_value(&*record)
            .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("cannot encode the record: {e}")))?;
        Ok(json_response(StatusCode::OK, &value))
    }
}

/// Reads a JSON request body of the console's API.
async fn read_json<T: serde::de::DeserializeOwned>(body: Body) -> Result<T, ApiError> {
    let bytes: Bytes = axum::body::to_bytes(body, MAX_CONSOLE_REQUEST).await.map_err(|e| {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, format!("the request is over {MAX_CONSOLE_REQUEST} bytes: {e}"))
    })?;
    serde_json::from_slice(&bytes).map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, format!("not valid JSON: {e}")))
}
