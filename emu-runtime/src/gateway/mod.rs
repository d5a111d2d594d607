//! API Gateway: everything between the socket and the function, as a short sequence of named stages.
//! [`Gateway::handle`] reads like AWS's own account of a request: match, preflight, gates, integration, response.
//!
//! Stages, each its own module: `host` (the request head's `Host`), `routes` (match), `cors` (preflight and response headers), `limits` (payload size,
//! integration timeout), `events` (the Lambda event), `integrations` (Lambda proxy), `responses` (output → HTTP),
//! `errors` (API Gateway's own error responses), `gateway_responses` (the API's customizations of them: every error
//! goes through it).

pub(crate) mod auth;
pub(crate) mod cors;
pub(crate) mod errors;
pub(crate) mod events;
pub(crate) mod gateway_responses;
pub(crate) mod host;
pub(crate) mod integrations;
pub(crate) mod limits;
pub(crate) mod responses;
pub(crate) mod routes;
pub(crate) mod validation;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use emu_template::{ApiKind, Model, PayloadVersion};
use http::request::Parts;
use http::{HeaderValue, Request, Response, Version};
use serde_json::Value;

use crate::app::AppOptions;
use crate::dev::console::record::{AuthorizerDecision, HttpTrace, Recorder, ValidationResult};
use crate::gateway::auth::{Access, AuthRequest, Granted};
use crate::gateway::errors::GatewayError;
use crate::gateway::events::RequestInfo;
use crate::gateway::routes::{Matched, Routes};
use crate::lambda::LambdaService;
use crate::lambda::log::error_json;
use crate::lambda::payload::Payload;
use crate::{clock, ids};

/// The APIs of an app, compiled, with the options they are served with.
#[derive(Debug)]
pub(crate) struct Gateway {
    pub(crate) routes: Routes,
    pub(crate) access: Access,
    /// The APIs' gateway responses: every error the gateway answers goes through them.
    responses: gateway_responses::GatewayResponses,
    max_request_body: usize,
    gateway_timeouts: bool,
    /// The console's recorder; `None` (no console) costs the request path one branch.
    recorder: Option<Arc<Recorder>>,
}

/// The ids API Gateway gives one request: its own request id (REST UUID / HTTP API short id) and the X-Ray trace.
#[derive(Debug)]
pub(crate) struct RequestIds {
    request_id: String,
    trace_id: String,
    /// `requestContext.authorizer` once the access gates granted the request, kept only for an API whose gateway
    /// responses may read `$context.authorizer.*`.
    authorizer: Option<Value>,
}

impl RequestIds {
    fn new(kind: ApiKind, epoch_ms: u64) -> RequestIds {
        let request_id = match kind {
            ApiKind::Rest => ids::uuid_v4(),
            ApiKind::Http => ids::short_request_id(),
        };
        RequestIds { request_id, trace_id: ids::trace_id(epoch_ms), authorizer: None }
    }
}

impl Gateway {
    /// Compiles the model's APIs and routes against the functions of `lambda`.
    /// With `recorder`, every request is recorded for the console.
    pub(crate) fn new(
        model: &Model,
        lambda: &LambdaService,
        options: &AppOptions,
        recorder: Option<Arc<Recorder>>,
    ) -> Gateway {
        Gateway {
            routes: Routes::build(model, lambda, options.prepend_stage),
            access: Access::new(model, lambda, &options.access),
            responses: gateway_responses::GatewayResponses::new(model),
            max_request_body: options.max_request_body,
            gateway_timeouts: options.gateway_timeouts,
            recorder,
        }
    }

    /// The console's recorder, when the app records.
    pub(crate) fn recorder(&self) -> Option<&Arc<Recorder>> {
        self.recorder.as_ref()
    }

    /// Serves one HTTP request as API Gateway would, recorded when the console is on. Never panics on request data.
    pub(crate) async fn handle(&self, lambda: &LambdaService, req: Request<Body>) -> Response<Body> {
        let Some(recorder) = &self.recorder else { return self.serve(lambda, req, None).await };
        let mut trace = recorder.begin_http(&req);
        let res = self.serve(lambda, req, Some(&mut trace)).await;
        recorder.finish_http(trace, res).await
    }

    /// The pipeline; each `trace` hook is skipped when the console is off.
    async fn serve(
        &self,
        lambda: &LambdaService,
        req: Request<Body>,
        mut trace: Option<&mut HttpTrace>,
    ) -> Response<Body> {
        let epoch_ms = clock::now_epoch_ms();
        let (parts, body) = req.into_parts();
        let from_client = parts.extensions.get::<crate::dev::conn::FromConnection>().is_some();
        if let Err(e) = host::check(parts.version, &parts.headers, from_client) {
            return self.responses.answer(self.routes.miss_api(parts.uri.path()), e, &parts, None, epoch_ms);
        }
        // `//stage/x` is `/stage/x` (docs/fidelity.md, "Repeated slashes"); matching then ignores empty segments.
        let raw_path = routes::collapse_leading_slashes(parts.uri.path());
        if let Some((res, api, rel)) = cors::preflight(&self.routes, &parts.method, &parts.headers, raw_path) {
            let gated = api.preflight_authorizer.is_some() || api.preflight_api_key;
            if let (true, Some(route)) = (gated, api.route_at(rel)) {
                let matched = Matched { api, route, path: rel, params: Vec::new() };
                let ids = RequestIds::new(api.kind, epoch_ms);
                let req = auth_request(&parts, &matched, b"", &ids, epoch_ms);
                let proxy_event = |payload| build_event(&parts, b"", &matched, &ids, epoch_ms, payload, None);
                let checked = self
                    .access
                    .check_preflight(lambda, &req, api.preflight_authorizer, api.preflight_api_key, proxy_event)
                    .await;
                if let Err(failure) = checked {
                    let e = GatewayError::Refused(failure);
                    return self.responses.answer(Some(api), e, &parts, Some((&matched, &ids)), epoch_ms);
                }
            }
            return res;
        }
        let Some(matched) = self.routes.find(&parts.method, raw_path) else {
            tracing::debug!(method = %parts.method, path = raw_path, "no route matches");
            if let Some(t) = trace {
                t.gateway_error(&GatewayError::NoRoute);
            }
            return self.responses.answer(
                self.routes.miss_api(raw_path),
                GatewayError::NoRoute,
                &parts,
                None,
                epoch_ms,
            );
        };
        let kind = matched.api.kind;
        if let Some(t) = trace.as_deref_mut() {
            t.matched(matched.api, matched.route);
        }
        // The access gates (authorizer, then API key) run in `proxy`, after the body is read: SigV4 covers it.
        let mut ids = RequestIds::new(kind, epoch_ms);
        let mut res = match self.proxy(lambda, &parts, body, &matched, &mut ids, epoch_ms, trace.as_deref_mut()).await {
            Ok(res) => res,
            Err(e) => {
                if let Some(t) = trace.as_deref_mut() {
                    t.gateway_error(&e);
                }
                self.responses.answer(Some(matched.api), e, &parts, Some((&matched, &ids)), epoch_ms)
            }
        };
        if let Some(cors) = &matched.api.cors
            && kind == ApiKind::Http
        {
            cors.http_actual(&parts.headers, res.headers_mut());
        }
        if let Ok(v) = HeaderValue::from_str(&ids.request_id) {
            let name = if kind == ApiKind::Rest { "x-amzn-requestid" } else { "apigw-requestid" };
            res.headers_mut().insert(name, v);
        }
        if let Some(t) = trace {
            t.request_id(&ids.request_id);
        }
        res
    }

    /// The Lambda proxy integration of a matched request: read the body, build the event, invoke, map the output.
    #[expect(clippy::too_many_arguments, reason = "the stage's inputs; the console's trace is the eighth")]
    async fn proxy(
        &self,
        lambda: &LambdaService,
        parts: &Parts,
        body: Body,
        matched: &Matched<'_, '_>,
        ids: &mut RequestIds,
        epoch_ms: u64,
        mut trace: Option<&mut HttpTrace>,
    ) -> Result<Response<Body>, GatewayError> {
        let (api, route) = (matched.api, matched.route);
        let body = limits::read_body(&parts.headers, body, self.max_request_body).await?;
        let auth_request = auth_request(parts, matched, &body, ids, epoch_ms);
        let granted = {
            let ids: &RequestIds = ids;
            let proxy_event = |payload| build_event(parts, b"", matched, ids, epoch_ms, payload, None);
            let checked = self.access.check(lambda, &auth_request, proxy_event).await;
            if let (Some(t), Some(name)) = (trace.as_deref_mut(), route.auth.authorizer()) {
                let cache_hit = checked.as_ref().is_ok_and(|g| g.cache_hit);
                t.authorizer(AuthorizerDecision { authorizer: name.to_owned(), allowed: checked.is_ok(), cache_hit });
            }
            match checked {
                Ok(g) => g,
                Err(failure) => {
                    tracing::debug!(route = %route.event.route_key, "refused: {}", failure.label());
                    return Err(GatewayError::Refused(failure));
                }
            }
        };
        if self.responses.customizes(&api.logical_id) {
            ids.authorizer.clone_from(&granted.authorizer);
        }
        // Request validation: after the access gates, before the integration (docs/fidelity.md).
        if let Some(v) = &route.validation {
            let req = validation::ValidatedRequest {
                headers: &parts.headers,
                raw_query: parts.uri.query().unwrap_or(""),
                path_params: &matched.params,
                body: &body,
            };
            let checked = v.check(&req);
            if let Some(t) = trace.as_deref_mut() {
                t.validation(ValidationResult {
                    passed: checked.is_ok(),
                    message: checked.as_ref().err().map(|e| e.validation_error().to_owned()),
                });
            }
            checked?;
        }
        // Non-proxy Lambda and MOCK integrations map the request and the response with templates.
        if route.integration.is_mapped() {
            let event = build_event(parts, &body, matched, ids, epoch_ms, PayloadVersion::V1, Some(&granted));
            let (max, timeouts, trace_id) =
                (self.max_request_body, self.gateway_timeouts, std::mem::take(&mut ids.trace_id));
            return integrations::serve_mapped(lambda, api, route, parts, &body, event, max, timeouts, trace_id, trace)
                .await;
        }
        // `LambdaEvent<T>` handlers get the event as a `Value`, `lambda_http` ones the bytes (the cheaper for each).
        let event: Payload = if route.function.is_some_and(|f| lambda.prefers_value(f)) {
            build_event(parts, &body, matched, ids, epoch_ms, route.payload, Some(&granted)).into()
        } else {
            write_event(parts, &body, matched, ids, epoch_ms, route.payload, Some(&granted)).into()
        };
        if let Some(t) = trace.as_deref_mut() {
            t.body(&body);
            match &event {
                Payload::Value(value) => t.event(value),
                Payload::Json(bytes) => t.event(&serde_json::from_slice(bytes).unwrap_or(Value::Null)),
            }
        }
        drop(body);
        limits::check_event(&event, limits::head_len(&parts.uri, &parts.headers), self.max_request_body)?;
        // The event has its copy; the trace id moves on to the Lambda context (only the request id is used after).
        let trace_id = std::mem::take(&mut ids.trace_id);
        let output =
            integrations::lambda::invoke(lambda, api, route, event, self.gateway_timeouts, trace_id, trace).await?;
        match responses::parse(output, route.format) {
            Ok(r) => Ok(r.into_http(route.format, &api.event, &parts.headers)),
            Err(e) => {
                let line = error_json("MalformedLambdaProxyResponse", &e.to_string());
                crate::lambda::log::platform_line("API Gateway", &format!("{} {line}", route.event.route_key));
                Err(GatewayError::IntegrationFailure)
            }
        }
    }
}

/// The request as the access gates see it.
fn auth_request<'a>(
    parts: &'a Parts,
    matched: &'a Matched<'_, '_>,
    body: &'a [u8],
    ids: &'a RequestIds,
    epoch_ms: u64,
) -> AuthRequest<'a> {
    AuthRequest {
        api: matched.api,
        route: matched.route,
        method: &parts.method,
        path: matched.path,
        full_path: parts.uri.path(),
        raw_query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body,
        source_ip: source_ip(parts),
        request_id: &ids.request_id,
        now_epoch_secs: epoch_ms / 1000,
    }
}

/// The peer's address (loopback for in-process requests).
fn source_ip(parts: &Parts) -> IpAddr {
    parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |ci| ci.0.ip())
}

/// The event API Gateway sends for this request in `payload` format (2.0 only on HTTP APIs), with what the access
/// gates found out about the caller, as a `Value` (the access stage builds authorizer events from it).
fn build_event(
    parts: &Parts,
    body: &[u8],
    matched: &Matched<'_, '_>,
    ids: &RequestIds,
    epoch_ms: u64,
    payload: PayloadVersion,
    granted: Option<&Granted>,
) -> Value {
    let info = request_info(parts, body, matched, ids, epoch_ms, granted);
    let (api, route) = (&matched.api.event, &matched.route.event);
    match (matched.api.kind, payload) {
        (ApiKind::Http, PayloadVersion::V2) => events::v2::build(&info, api, route),
        _ => events::v1::build(&info, api, route),
    }
}

/// [`build_event`]'s event as the JSON bytes the function is handed, written in one pass (`events/wire.rs`).
fn write_event(
    parts: &Parts,
    body: &[u8],
    matched: &Matched<'_, '_>,
    ids: &RequestIds,
    epoch_ms: u64,
    payload: PayloadVersion,
    granted: Option<&Granted>,
) -> Vec<u8> {
    let info = request_info(parts, body, matched, ids, epoch_ms, granted);
    let (api, route) = (&matched.api.event, &matched.route.event);
    match (matched.api.kind, payload) {
        (ApiKind::Http, PayloadVersion::V2) => events::wire::v2(&info, api, route),
        _ => events::wire::v1(&info, api, route),
    }
}

/// What the event builders read of the request.
fn request_info<'a>(
    parts: &'a Parts,
    body: &'a [u8],
    matched: &'a Matched<'_, '_>,
    ids: &'a RequestIds,
    epoch_ms: u64,
    granted: Option<&'a Granted>,
) -> RequestInfo<'a> {
    RequestInfo {
        method: &parts.method,
        path: matched.path,
        raw_query: parts.uri.query().unwrap_or(""),
        headers: &parts.headers,
        body,
        source_ip: source_ip(parts),
        protocol: protocol(parts.version),
        params: &matched.params,
        request_id: &ids.request_id,
        epoch_ms,
        trace_id: &ids.trace_id,
        granted,
    }
}

/// A request's parts as the bench internals hand them to [`build_event`].
#[cfg(feature = "bench-internals")]
pub(crate) struct BenchParts(Parts);

#[cfg(feature = "bench-internals")]
impl BenchParts {
    pub(crate) fn new(req: &Request<bytes::Bytes>) -> BenchParts {
        let mut b = Request::builder().method(req.method().clone()).uri(req.uri().clone()).version(req.version());
        if let Some(h) = b.headers_mut() {
            h.clone_from(req.headers());
        }
        BenchParts(b.body(()).map(|r| r.into_parts().0).unwrap_or_else(|_| Request::new(()).into_parts().0))
    }
}

/// [`build_event`] with fixed ids and time, for the bench internals.
#[cfg(feature = "bench-internals")]
pub(crate) fn bench_event(parts: &BenchParts, body: &[u8], matched: &Matched<'_, '_>) -> Value {
    let ids = RequestIds {
        request_id: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef".to_owned(),
        trace_id: "Root=1-5ebe3a25-0123456789abcdef01234567".to_owned(),
        authorizer: None,
    };
    build_event(&parts.0, body, matched, &ids, 1_589_522_469_693, matched.route.payload, None)
}

/// [`write_event`] with fixed ids and time, for the bench internals.
#[cfg(feature = "bench-internals")]
pub(crate) fn bench_write_event(parts: &BenchParts, body: &[u8], matched: &Matched<'_, '_>) -> Vec<u8> {
    let ids = RequestIds {
        request_id: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef".to_owned(),
        trace_id: "Root=1-5ebe3a25-0123456789abcdef01234567".to_owned(),
        authorizer: None,
    };
    write_event(&parts.0, body, matched, &ids, 1_589_522_469_693, matched.route.payload, None)
}

fn protocol(v: Version) -> &'static str {
    match v {
        Version::HTTP_09 => "HTTP/0.9",
        Version::HTTP_10 => "HTTP/1.0",
        Version::HTTP_2 => "HTTP/2.0",
        Version::HTTP_3 => "HTTP/3.0",
        _ => "HTTP/1.1",
    }
}
