//! `App::router()` (an axum `Router` serving every route through one fallback service) and `App::invoke()`.
//! One request: match, preflight or 4xx, read the body, build the event once, invoke, parse the output, respond.

use std::convert::Infallible;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use base64::Engine as _;
use emu_template::{ApiKind, PayloadVersion};
use http::{HeaderValue, Method, Request, Response, Version, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;

use crate::app::{App, Binding};
use crate::cors::is_preflight;
use crate::event::{self, RequestInfo};
use crate::gateway::GatewayError;
use crate::invoke::{self, InvokeError};
use crate::response::{self, GatewayResponse, ResponseFormat};
use crate::util;

/// API Gateway's maximum integration timeout for REST APIs.
const REST_INTEGRATION_TIMEOUT: Duration = Duration::from_secs(29);
/// API Gateway's maximum integration timeout for HTTP APIs.
const HTTP_INTEGRATION_TIMEOUT: Duration = Duration::from_secs(30);

impl App {
    /// An axum `Router` serving every route of every API of the app.
    ///
    /// Works with `tower::ServiceExt::oneshot` (the peer address is then 127.0.0.1) and with
    /// `into_make_service_with_connect_info::<SocketAddr>()` (the peer address becomes `sourceIp`).
    pub fn router(&self) -> axum::Router {
        let app = self.clone();
        axum::Router::new().fallback_service(tower::service_fn(move |req: Request<Body>| {
            let app = app.clone();
            async move { Ok::<_, Infallible>(app.handle(req).await) }
        }))
    }

    /// Calls the function with logical id (or deployed name) `function` with a raw event, as `aws lambda invoke` does.
    pub async fn invoke(&self, function: &str, event: Value) -> Result<Value, InvokeError> {
        let c = &self.inner.compiled;
        let entry = c
            .functions
            .iter()
            .find(|f| f.info.id == function)
            .or_else(|| c.functions.iter().find(|f| f.info.name == function))
            .ok_or_else(|| InvokeError::UnknownFunction(function.to_owned()))?;
        match &entry.binding {
            Some(Binding::Bound(f)) => invoke::run(f, &entry.info, event, None, None).await,
            Some(Binding::Ignored) => Err(InvokeError::Ignored(entry.info.id.clone())),
            None => Err(InvokeError::NotBound(entry.info.id.clone())),
        }
    }

    /// Serves one HTTP request as API Gateway would. Never panics on request data.
    pub async fn handle(&self, req: Request<Body>) -> Response<Body> {
        let inner = &*self.inner;
        let c = &inner.compiled;
        let epoch_ms = util::now_epoch_ms();
        let (parts, body) = req.into_parts();
        let raw_path = parts.uri.path();

        if parts.method == Method::OPTIONS
            && let Some(res) = self.preflight(&parts.method, &parts.headers, raw_path)
        {
            return res;
        }

        let Some(matched) = c.table.find(&parts.method, raw_path) else {
            let kind = c.table.miss_kind(raw_path);
            tracing::debug!(method = %parts.method, path = raw_path, "no route matches");
            return GatewayError::NoRoute.response(kind);
        };
        let route = &c.routes[matched.route.route];
        let api = &c.apis[matched.route.api];
        let kind = api.kind;

        // Lambda's 6 MB synchronous payload limit; checked before buffering when Content-Length says so.
        let limit = inner.options.max_request_body;
        let declared = parts.headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > limit as u64) {
            return too_large(kind, limit);
        }
        let body = match Limited::new(body, limit).collect().await {
            Ok(b) => b.to_bytes(),
            Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return too_large(kind, limit),
            Err(e) => {
                tracing::warn!("could not read the request body: {e}");
                return GatewayError::IntegrationFailure.response(kind);
            }
        };

        let request_id = match kind {
            ApiKind::Rest => util::uuid_v4(),
            ApiKind::Http => util::short_request_id(),
        };
        let source_ip =
            parts.extensions.get::<ConnectInfo<SocketAddr>>().map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |ci| ci.0.ip());
        let trace_id = util::trace_id(epoch_ms);
        let info = RequestInfo {
            method: &parts.method,
            path: matched.path,
            raw_query: parts.uri.query().unwrap_or(""),
            headers: &parts.headers,
            body: &body,
            source_ip,
            protocol: protocol(parts.version),
            params: &matched.params,
            request_id: &request_id,
            epoch_ms,
            trace_id: &trace_id,
        };
        let event = match (kind, route.payload) {
            (ApiKind::Http, PayloadVersion::V2) => event::v2::build(&info, api, &route.data),
            _ => event::v1::build(&info, api, &route.data),
        };
        drop(body);
        if event.get("body").and_then(Value::as_str).is_some_and(|b| b.len() > limit) {
            return too_large(kind, limit);
        }

        let mut res = match self.call(matched.route.route, kind, event, trace_id).await {
            Ok(output) => match response::parse(output, route.format) {
                Ok(mut r) => {
                    if route.format == ResponseFormat::RestV1
                        && r.base64
                        && !rest_binary_response(api, &parts.headers, &r)
                    {
                        // AWS converts to binary only for a binary media type of the API; otherwise the client gets
                        // the base64 text, the classic "my image is base64 in production" surprise.
                        tracing::warn!(
                            "isBase64Encoded is true but neither the response Content-Type nor the request's Accept is \
                             one of the API's BinaryMediaTypes: API Gateway sends the base64 text, not the bytes"
                        );
                        r.body = base64::engine::general_purpose::STANDARD.encode(&r.body).into();
                    }
                    let mut res = Response::new(Body::from(r.body));
                    *res.status_mut() = r.status;
                    let h = res.headers_mut();
                    for (n, v) in r.headers {
                        h.append(n, v);
                    }
                    res
                }
                Err(e) => {
                    tracing::error!(
                        target: "lambda",
                        route = %route.data.route_key,
                        "{}",
                        invoke::error_json("MalformedLambdaProxyResponse", &e.to_string())
                    );
                    GatewayError::IntegrationFailure.response(kind)
                }
            },
            Err(GatewayError::IntegrationTimeout) => GatewayError::IntegrationTimeout.response(kind),
            Err(e) => e.response(kind),
        };
        if kind == ApiKind::Http
            && let Some(cors) = &c.cors[matched.route.api]
        {
            cors.http_actual(&parts.headers, res.headers_mut());
        }
        if let Ok(v) = HeaderValue::from_str(&request_id) {
            let name = if kind == ApiKind::Rest { "x-amzn-requestid" } else { "apigw-requestid" };
            res.headers_mut().insert(name, v);
        }
        res
    }

    /// Invokes the function of model route `route`; errors are already logged.
    async fn call(&self, route: usize, kind: ApiKind, event: Value, trace_id: String) -> Result<Value, GatewayError> {
        let c = &self.inner.compiled;
        let r = &self.inner.model.routes[route];
        let Some(fi) = c.routes[route].function else {
            tracing::error!(
                function = %r.function,
                "route {} {} points to function `{}`, which is not in the template: answering as API Gateway does for a failed integration",
                r.method, r.path, r.function
            );
            return Err(GatewayError::IntegrationFailure);
        };
        let entry = &c.functions[fi];
        let f = match &entry.binding {
            Some(Binding::Bound(f)) => f,
            Some(Binding::Ignored) => {
                tracing::warn!(
                    function = %entry.info.id,
                    "{} {} -> {} is ignored in lambda_app!: answering as API Gateway does for a failed integration",
                    r.method, r.path, entry.info.id
                );
                return Err(GatewayError::IntegrationFailure);
            }
            None => {
                tracing::error!(
                    function = %entry.info.id,
                    "{} {} -> {} has no handler bound: bind it in lambda_app! (or ignore it)",
                    r.method, r.path, entry.info.id
                );
                return Err(GatewayError::IntegrationFailure);
            }
        };
        let cap = self.inner.options.gateway_timeouts.then_some(match kind {
            ApiKind::Rest => REST_INTEGRATION_TIMEOUT,
            ApiKind::Http => HTTP_INTEGRATION_TIMEOUT,
        });
        match invoke::run(f, &entry.info, event, cap, Some(trace_id)).await {
            Ok(v) => Ok(v),
            Err(InvokeError::GatewayTimeout { .. }) => Err(GatewayError::IntegrationTimeout),
            Err(_) => Err(GatewayError::IntegrationFailure),
        }
    }

    /// Answers a CORS preflight the way the API's type does, when one applies.
    fn preflight(&self, method: &Method, headers: &http::HeaderMap, raw_path: &str) -> Option<Response<Body>> {
        let c = &self.inner.compiled;
        for entry in &c.table.apis {
            let Some(cors) = &c.cors[entry.api] else { continue };
            let Some(rel) = c.table.relative(entry, raw_path) else { continue };
            match entry.kind {
                ApiKind::Rest => {
                    // SAM adds a mock OPTIONS method to every resource of the API, unless one is declared.
                    let methods = c.table.methods_at(entry, rel);
                    if !methods.is_empty() && !methods.contains(&Some(&Method::OPTIONS)) {
                        return Some(cors.rest_preflight(&methods));
                    }
                }
                ApiKind::Http => {
                    if is_preflight(method, headers) {
                        return Some(cors.http_preflight(headers));
                    }
                }
            }
        }
        None
    }
}

/// REST: whether API Gateway converts a base64 output to binary: the response `Content-Type`, or the first media type
/// of the request's `Accept`, is one of the API's binary media types.
fn rest_binary_response(api: &crate::event::ApiData, req: &http::HeaderMap, res: &GatewayResponse) -> bool {
    let types = &api.binary_media_types;
    if types.is_empty() {
        return false;
    }
    let media = |v: &HeaderValue| -> Option<String> {
        let s = v.to_str().ok()?;
        let first = s.split(',').next()?.split(';').next()?.trim().to_ascii_lowercase();
        Some(first)
    };
    let content_type = res.headers.iter().find(|(n, _)| n == header::CONTENT_TYPE).and_then(|(_, v)| media(v));
    let accept = req.get(header::ACCEPT).and_then(media);
    [content_type, accept].into_iter().flatten().any(|m| crate::event::is_binary_type(&m, types))
}

fn too_large(kind: ApiKind, limit: usize) -> Response<Body> {
    tracing::warn!("request body over {limit} bytes (Lambda's synchronous payload limit): answering 413");
    GatewayError::PayloadTooLarge.response(kind)
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
