//! `lambda_http` handler shapes (feature `lambda-http`): `async fn(Request) -> Result<impl IntoResponse, E>` and any
//! `tower::Service<lambda_http::Request>` such as an axum `Router` (a "lambdalith"), exactly as `lambda_http::run` serves them.
//!
//! The event is converted with `lambda_http::request::from_str`, the crate's own public conversion, so every
//! `RequestExt` accessor, the REST stage prefix in the URI and `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH` behave as in
//! production. The response is turned into the event response of the request's payload version with the rules of
//! `lambda_http`'s (private) `LambdaResponse::from_response`: REST puts every header in `multiValueHeaders`; HTTP API
//! moves `Set-Cookie` into `cookies`.

use std::fmt::Debug;
use std::future::Future;

use aws_lambda_events::apigw::{ApiGatewayProxyResponse, ApiGatewayV2httpResponse};
use aws_lambda_events::encodings::Body;
use http::HeaderMap;
use http::header::SET_COOKIE;
use lambda_http::request::RequestContext;
use lambda_http::{IntoResponse, Request, RequestExt};
use lambda_runtime::{Context, Diagnostic};
use tower::{Service, ServiceExt};

use std::sync::Arc;

use crate::lambda::payload::Payload;

use super::{
    BoxFuture, BoxedHandler, ErasedHandler, FunctionResult, Handler, LocalBoxFuture, failed, serialize_output,
};

/// Marker for `async fn(lambda_http::Request) -> Result<impl IntoResponse, E>` handlers.
#[doc(hidden)]
#[derive(Debug)]
pub struct ViaHttpFn<R, E>(std::marker::PhantomData<fn() -> (R, E)>);
/// Marker for `tower::Service<lambda_http::Request>` handlers (axum routers).
#[doc(hidden)]
#[derive(Debug)]
pub struct ViaHttpService<R, E>(std::marker::PhantomData<fn() -> (R, E)>);

/// Which event response shape a request's origin asks for.
#[derive(Clone, Copy)]
enum Origin {
    V1,
    V2,
}

/// Converts the emulator's event into the `lambda_http::Request` `lambda_http::run` would build from it.
fn to_request(event: &Payload, context: Context) -> Result<(Request, Origin), Diagnostic> {
    let text = event.text();
    // `lambda_http` unwraps the URL it builds from `Host` and the path: the gateway refuses a Host that is not one
    // (400), and an event sent through the Invoke API may still hold one, so its panic is caught here, quietly.
    let request = match super::quiet_panic::catch_quietly(|| lambda_http::request::from_str(&text)) {
        Ok(Ok(request)) => request,
        Ok(Err(e)) => {
            return Err(Diagnostic {
                error_type: "Runtime.DeserializeError".into(),
                error_message: format!("lambda_http could not read the event: {e}"),
            });
        }
        Err(panic) => {
            return Err(Diagnostic {
                error_type: "Runtime.DeserializeError".into(),
                error_message: format!("lambda_http cannot build a request from the event: {panic}"),
            });
        }
    };
    let origin = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV2(_)) => Origin::V2,
        _ => Origin::V1,
    };
    Ok((request.with_lambda_context(context), origin))
}

/// Turns a handler's `IntoResponse` into the JSON event response for `origin`.
async fn to_event_response<R: IntoResponse>(response: R, origin: Origin) -> FunctionResult {
    let (parts, body) = response.into_response().await.into_parts();
    let (is_base64_encoded, body) = match body {
        Body::Empty => (false, None),
        b @ Body::Text(_) => (false, Some(b)),
        b @ Body::Binary(_) => (true, Some(b)),
        _ => (false, None),
    };
    let status_code = i64::from(parts.status.as_u16());
    match origin {
        Origin::V1 => {
            let mut out = ApiGatewayProxyResponse::default();
            out.status_code = status_code;
            out.multi_value_headers = parts.headers;
            out.body = body;
            out.is_base64_encoded = is_base64_encoded;
            serialize_output(out)
        }
        Origin::V2 => {
            let mut headers = parts.headers;
            let cookies =
                headers.get_all(SET_COOKIE).iter().filter_map(|v| v.to_str().ok().map(str::to_owned)).collect();
            headers.remove(SET_COOKIE);
            let mut out = ApiGatewayV2httpResponse::default();
            out.status_code = status_code;
            out.headers = join_repeated(headers);
            out.cookies = cookies;
            out.body = body;
            out.is_base64_encoded = is_base64_encoded;
            serialize_output(out)
        }
    }
}

/// Awaits a handler's future and turns its `IntoResponse` into the event response for `origin`.
fn finish_http<Fut, R, E>(fut: Fut, origin: Origin) -> BoxFuture<FunctionResult>
where
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    R: IntoResponse + Send + 'static,
    E: Into<Diagnostic> + Send + 'static,
{
    Box::pin(async move {
        match fut.await {
            Ok(response) => to_event_response(response, origin).await,
            Err(e) => Err(e.into()),
        }
    })
}

/// HTTP API responses have no `multiValueHeaders`: repeated headers are comma-joined into one value.
fn join_repeated(headers: HeaderMap) -> HeaderMap {
    if headers.keys_len() == headers.len() {
        return headers;
    }
    let mut out = HeaderMap::with_capacity(headers.keys_len());
    for name in headers.keys() {
        let joined: Vec<&[u8]> = headers.get_all(name).iter().map(|v| v.as_bytes()).collect();
        if let Ok(value) = http::HeaderValue::from_bytes(&joined.join(&b", "[..])) {
            out.insert(name.clone(), value);
        }
    }
    out
}

struct HttpFn<F, R, E> {
    f: F,
    _marker: std::marker::PhantomData<fn() -> (R, E)>,
}

impl<F, Fut, R, E> ErasedHandler for HttpFn<F, R, E>
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    R: IntoResponse + Send + 'static,
    E: Into<Diagnostic> + Debug + Send + 'static,
{
    fn call(&self, event: Payload, context: Context) -> BoxFuture<FunctionResult> {
        match to_request(&event, context) {
            Ok((request, origin)) => finish_http((self.f)(request), origin),
            Err(d) => failed(d),
        }
    }

    fn run_on_lambda(self: Arc<Self>) -> LocalBoxFuture<Result<(), lambda_runtime::Error>> {
        Box::pin(lambda_http::run(lambda_runtime::service_fn(move |request: Request| (self.f)(request))))
    }
}

impl<F, Fut, R, E> Handler<ViaHttpFn<R, E>> for F
where
    F: Fn(Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    R: IntoResponse + Send + 'static,
    E: Into<Diagnostic> + Debug + Send + 'static,
{
    fn into_function(self) -> BoxedHandler {
        BoxedHandler::new(HttpFn { f: self, _marker: std::marker::PhantomData })
    }
}

struct HttpService<S, R, E> {
    service: S,
    _marker: std::marker::PhantomData<fn() -> (R, E)>,
}

impl<S, R, E> ErasedHandler for HttpService<S, R, E>
where
    S: Service<Request, Response = R, Error = E> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    R: IntoResponse + Send + 'static,
    E: Into<Diagnostic> + Debug + Send + 'static,
{
    fn call(&self, event: Payload, context: Context) -> BoxFuture<FunctionResult> {
        match to_request(&event, context) {
            Ok((request, origin)) => finish_http(self.service.clone().oneshot(request), origin),
            Err(d) => failed(d),
        }
    }

    fn run_on_lambda(self: Arc<Self>) -> LocalBoxFuture<Result<(), lambda_runtime::Error>> {
        Box::pin(lambda_http::run(self.service.clone()))
    }
}

impl<S, R, E> Handler<ViaHttpService<R, E>> for S
where
    S: Service<Request, Response = R, Error = E> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    R: IntoResponse + Send + 'static,
    E: Into<Diagnostic> + Debug + Send + 'static,
{
    fn into_function(self) -> BoxedHandler {
        BoxedHandler::new(HttpService { service: self, _marker: std::marker::PhantomData })
    }
}
