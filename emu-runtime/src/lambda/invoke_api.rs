//! The Lambda Invoke API (`POST /2015-03-31/functions/{FunctionName}/invocations`) and the read-only
//! ListFunctions / GetFunction calls, as the Lambda service answers them, over the app's Lambda service.
//!
//! The AWS CLI and SDKs reach it with `--endpoint-url` / `AWS_ENDPOINT_URL_LAMBDA`; requests are accepted signed
//! (SigV4, whatever the credentials) or unsigned. Status codes, error types and bodies follow the Lambda API
//! reference ("Invoke", "Errors"); `docs/fidelity.md` lists each rule with its source.

use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Method, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::{Value, json};

use crate::App;
use crate::aws::{ACCOUNT_ID, LATEST, REGION, function_arn};
use crate::gateway::events::percent_decode;
use crate::ids;
use crate::lambda::invoke::InvokeError;
use crate::lambda::log;
use crate::lambda::{FunctionId, InvokeOptions, LambdaService};

/// The version an `AutoPublishAlias` points to locally: the first one a deployment publishes.
const PUBLISHED_VERSION: &str = "1";

/// The Invoke API's synchronous payload limit: 6 MB (6,291,456 bytes), as for API Gateway's invocations.
const SYNC_PAYLOAD_LIMIT: usize = 6 * 1024 * 1024;
/// The asynchronous (`Event`) payload limit: 1 MB.
const ASYNC_PAYLOAD_LIMIT: usize = 1024 * 1024;
/// Lambda retries a failed asynchronous invocation twice (after 1 and 2 minutes on AWS).
const ASYNC_RETRIES: u32 = 2;
/// The delays before each retry here: shortened from AWS's 1 and 2 minutes so a dev loop sees the retries.
const ASYNC_RETRY_DELAYS: [Duration; 2] = [Duration::from_secs(1), Duration::from_secs(2)];

/// `X-Amz-Log-Type: Tail` returns the last 4 KB of the invocation's log, base64-encoded, in `X-Amz-Log-Result`.
const LOG_TAIL_BYTES: usize = 4 * 1024;

/// `X-Amz-Log-Type`: `None` (default) or `Tail`.
fn log_type_tail(headers: &HeaderMap) -> Result<bool, ApiError> {
    match headers.get("x-amz-log-type").map(|v| v.to_str().unwrap_or("")) {
        None | Some("None") => Ok(false),
        Some("Tail") => Ok(true),
        Some(other) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameterValueException",
            format!("X-Amz-Log-Type `{other}` is not one of None, Tail"),
        )),
    }
}

/// The last `n` bytes of `text`, starting on a character boundary.
fn last_bytes(text: &str, n: usize) -> &str {
    let mut start = text.len().saturating_sub(n);
    while !text.is_char_boundary(start) {
        start += 1;
    }
    &text[start..]
}

/// How the caller asked for the function to run (`X-Amz-Invocation-Type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum InvocationType {
    /// Synchronous: 200 with the function's result.
    RequestResponse,
    /// Asynchronous: 202 at once, the function runs in the background with Lambda's retries.
    Event,
    /// Validate the parameters only: 204.
    DryRun,
}

/// An error of the Lambda API itself (not of the function), with its status and error type.
#[derive(Debug)]
struct ApiError {
    status: StatusCode,
    error_type: &'static str,
    message: String,
    /// `Reason` of a throttling error.
    reason: Option<&'static str>,
}

impl ApiError {
    fn new(status: StatusCode, error_type: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, error_type, message: message.into(), reason: None }
    }

    fn not_found(function: &str) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "ResourceNotFoundException", format!("Function not found: {function}"))
    }

    /// Reserved concurrency exhausted: Lambda's 429 with the reason it gives.
    fn throttled() -> ApiError {
        ApiError {
            reason: Some("ReservedFunctionConcurrentInvocationLimitExceeded"),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, "TooManyRequestsException", "Rate Exceeded.")
        }
    }

    /// The response: `x-amzn-ErrorType` (which botocore reads for the error code) and Lambda's JSON body.
    fn response(self) -> Response<Body> {
        let mut body = json!({ "Type": "User", "message": self.message });
        if let Some(reason) = self.reason {
            body["Reason"] = Value::from(reason);
        }
        let mut res = json_response(self.status, &body);
        res.headers_mut().insert("x-amzn-errortype", HeaderValue::from_static(self.error_type));
        res
    }
}

impl App {
    /// An axum `Router` serving the Lambda Invoke API for every function of the app (the second listener of the dev
    /// server, or in-process in tests): `POST /2015-03-31/functions/{name}/invocations`, `GET /2015-03-31/functions/`
    /// and `GET /2015-03-31/functions/{name}`.
    pub fn invoke_api_router(&self) -> axum::Router {
        let app = self.clone();
        axum::Router::new().fallback_service(tower::service_fn(move |req: Request<Body>| {
            let app = app.clone();
            async move { Ok::<_, Infallible>(handle(&app, req).await) }
        }))
    }
}

/// Serves one Invoke API request. Never panics on request data.
async fn handle(app: &App, req: Request<Body>) -> Response<Body> {
    let (parts, body) = req.into_parts();
    let path = parts.uri.path();
    let Some(rest) = path.strip_prefix("/2015-03-31/functions") else {
        return unknown_operation(&parts.method, path);
    };
    let rest = rest.trim_start_matches('/');
    let result = match (&parts.method, rest.split_once('/')) {
        (&Method::GET, None) if rest.is_empty() => Ok(list_functions(app)),
        (&Method::GET, None) => get_function(app, &percent_decode(rest)),
        (&Method::POST, Some((name, "invocations"))) => {
            invoke(app, &percent_decode(name), parts.uri.query(), &parts.headers, body).await
        }
        _ => return unknown_operation(&parts.method, path),
    };
    result.unwrap_or_else(ApiError::response)
}

/// What Lambda answers a path that is no operation of its API.
fn unknown_operation(method: &Method, path: &str) -> Response<Body> {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "UnknownOperationException",
        format!(
            "no Lambda API operation {method} {path} here (this endpoint serves Invoke, ListFunctions and GetFunction)"
        ),
    )
    .response()
}

/// `FunctionName` in any form Lambda accepts — name, logical id, `name:qualifier`, a full ARN
/// (`arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`) or a partial one (`ACCOUNT:function:NAME`) — plus an
/// optional `?Qualifier=`. `$LATEST` always exists; a function with `AutoPublishAlias` also has that alias and the
/// version it points to, `1` (what a first deployment publishes). Returns the function and the executed version.
fn resolve(
    lambda: &LambdaService,
    function_name: &str,
    query: Option<&str>,
) -> Result<(FunctionId, &'static str), ApiError> {
    let (name, qualifier) = split_function_name(function_name);
    let query_qualifier = query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes()).find(|(k, _)| k == "Qualifier").map(|(_, v)| v.into_owned())
    });
    let qualifier = match (qualifier, query_qualifier.as_deref()) {
        (Some(a), Some(b)) if a != b => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "InvalidParameterValueException",
                format!(
                    "The derived qualifier from the function name ({a}) does not match the specified qualifier ({b})."
                ),
            ));
        }
        (Some(a), _) => Some(a.to_owned()),
        (None, b) => b.map(str::to_owned),
    };
    let Some(id) = lambda.resolve(name) else {
        return Err(ApiError::not_found(&qualified_arn(name, qualifier.as_deref())));
    };
    let info = &lambda.entry(id).info;
    match qualifier.as_deref() {
        None | Some(LATEST) => Ok((id, LATEST)),
        Some(q) if info.alias.is_some() && (info.alias.as_deref() == Some(q) || q == PUBLISHED_VERSION) => {
            Ok((id, PUBLISHED_VERSION))
        }
        Some(q) => Err(ApiError::not_found(&qualified_arn(&info.name, Some(q)))),
    }
}

fn qualified_arn(name: &str, qualifier: Option<&str>) -> String {
    let arn = function_arn(name);
    match qualifier {
        Some(q) => format!("{arn}:{q}"),
        None => format!("{arn}:{LATEST}"),
    }
}

/// Splits a `FunctionName` into the function's name and the qualifier it carries, if any.
fn split_function_name(s: &str) -> (&str, Option<&str>) {
    // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER], or the partial ACCOUNT:function:NAME[:QUALIFIER].
    let after_function = s.split_once(":function:").map(|(_, rest)| rest);
    let rest = after_function.unwrap_or(s);
    match rest.split_once(':') {
        Some((name, qualifier)) => (name, Some(qualifier)),
        None => (rest, None),
    }
}

fn invocation_type(headers: &HeaderMap) -> Result<InvocationType, ApiError> {
    match headers.get("x-amz-invocation-type").map(|v| v.to_str().unwrap_or("")) {
        None | Some("RequestResponse") => Ok(InvocationType::RequestResponse),
        Some("Event") => Ok(InvocationType::Event),
        Some("DryRun") => Ok(InvocationType::DryRun),
        Some(other) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameterValueException",
            format!("X-Amz-Invocation-Type `{other}` is not one of RequestResponse, Event, DryRun"),
        )),
    }
}

/// `X-Amz-Client-Context`: base64 of a JSON client context, passed to the function on synchronous invocations.
/// Checked here against `lambda_runtime`'s `ClientContext` (which that crate does not export by name).
fn client_context(headers: &HeaderMap) -> Result<Option<Value>, ApiError> {
    let Some(v) = headers.get("x-amz-client-context") else { return Ok(None) };
    let invalid = |why: String| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameterValueException",
            format!("X-Amz-Client-Context must be the base64 of a JSON client context: {why}"),
        )
    };
    let bytes = base64::engine::general_purpose::STANDARD.decode(v.as_bytes()).map_err(|e| invalid(e.to_string()))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| invalid(e.to_string()))?;
    let mut probe = lambda_runtime::Context::default();
    probe.client_context = Some(serde_json::from_value(value.clone()).map_err(|e| invalid(e.to_string()))?);
    Ok(Some(value))
}

/// Invoke: resolve, check the payload, run as asked.
async fn invoke(
    app: &App,
    function_name: &str,
    query: Option<&str>,
    headers: &HeaderMap,
    body: Body,
) -> Result<Response<Body>, ApiError> {
    let lambda = app.lambda();
    let (id, version) = resolve(lambda, function_name, query)?;
    let kind = invocation_type(headers)?;
    let limit = if kind == InvocationType::Event { ASYNC_PAYLOAD_LIMIT } else { SYNC_PAYLOAD_LIMIT };
    let payload = read_payload(body, limit, kind).await?;
    let event: Value = if payload.is_empty() {
        // The CLI and SDKs send no body when no payload is given; Lambda passes `{}`.
        json!({})
    } else {
        serde_json::from_slice(&payload).map_err(|e| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "InvalidRequestContentException",
                format!("Could not parse request body into json: {e}"),
            )
        })?
    };
    let request_id = ids::uuid_v4();
    let mut res = match kind {
        InvocationType::DryRun => empty(StatusCode::NO_CONTENT),
        InvocationType::Event => {
            spawn_async(app.clone(), id, event, request_id.clone());
            empty(StatusCode::ACCEPTED)
        }
        InvocationType::RequestResponse => {
            let tail = log_type_tail(headers)?.then(|| Arc::new(Mutex::new(String::new())));
            let options = InvokeOptions {
                request_id: Some(request_id.clone()),
                client_context: client_context(headers)?,
                log_sink: tail.clone(),
                ..InvokeOptions::default()
            };
            let mut res = match lambda.invoke(id, event, options).await {
                Ok(output) => json_response(StatusCode::OK, &output),
                Err(e) => function_error(&e, &request_id)?,
            };
            if let Some(tail) = tail {
                let text = tail.lock().map(|t| t.clone()).unwrap_or_default();
                let encoded = base64::engine::general_purpose::STANDARD.encode(last_bytes(&text, LOG_TAIL_BYTES));
                if let Ok(v) = HeaderValue::from_str(&encoded) {
                    res.headers_mut().insert("x-amz-log-result", v);
                }
            }
            res
        }
    };
    let h = res.headers_mut();
    h.insert("x-amz-executed-version", HeaderValue::from_static(version));
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert("x-amzn-requestid", v);
    }
    Ok(res)
}

async fn read_payload(body: Body, limit: usize, kind: InvocationType) -> Result<Bytes, ApiError> {
    match Limited::new(body, limit).collect().await {
        Ok(b) => Ok(b.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "RequestEntityTooLargeException",
            if kind == InvocationType::Event {
                format!("Request must be smaller than {limit} bytes for the Event invocation type")
            } else {
                format!("Request must be smaller than {limit} bytes for the InvokeFunction operation")
            },
        )),
        Err(e) => Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "InvalidRequestContentException",
            format!("could not read the request body: {e}"),
        )),
    }
}

/// The answer for a failed invocation: function errors are 200 with `X-Amz-Function-Error: Unhandled` and Lambda's
/// error payload; a function that cannot run (ignored, unbound) is the API's own error.
fn function_error(e: &InvokeError, request_id: &str) -> Result<Response<Body>, ApiError> {
    let payload = match e {
        InvokeError::UnknownFunction(f) => return Err(ApiError::not_found(f)),
        InvokeError::Throttled { .. } => return Err(ApiError::throttled()),
        InvokeError::Ignored(_) | InvokeError::NotBound(_) => {
            return Err(ApiError::new(
                StatusCode::NOT_FOUND,
                "ResourceNotFoundException",
                e.diagnostic().error_message,
            ));
        }
        InvokeError::Timeout { seconds, .. } => json!({
            "errorType": "Sandbox.Timedout",
            "errorMessage": format!("RequestId: {request_id} Error: Task timed out after {seconds}.00 seconds"),
        }),
        other => other.to_json(),
    };
    let mut res = json_response(StatusCode::OK, &payload);
    res.headers_mut().insert("x-amz-function-error", HeaderValue::from_static("Unhandled"));
    Ok(res)
}

/// Runs an `Event` invocation in the background with Lambda's two retries on error (delays shortened).
fn spawn_async(app: App, id: FunctionId, event: Value, request_id: String) {
    tokio::spawn(async move {
        let lambda = app.lambda();
        for attempt in 0..=ASYNC_RETRIES {
            if attempt > 0 {
                tokio::time::sleep(ASYNC_RETRY_DELAYS[(attempt - 1) as usize]).await;
            }
            let options = InvokeOptions { request_id: Some(request_id.clone()), ..InvokeOptions::default() };
            let name = lambda.entry(id).info.name.clone();
            match lambda.invoke(id, event.clone(), options).await {
                Ok(_) => return,
                Err(e) if attempt < ASYNC_RETRIES => {
                    let line = format!(
                        "asynchronous invocation {request_id} failed ({e}): retry {} of {ASYNC_RETRIES}",
                        attempt + 1
                    );
                    log::platform_line(&name, &line);
                }
                Err(e) => {
                    let line = format!(
                        "asynchronous invocation {request_id} failed after {ASYNC_RETRIES} retries ({e}): the event is discarded"
                    );
                    log::platform_line(&name, &line);
                }
            }
        }
    });
}

/// The configuration fields a local tool knows, in GetFunctionConfiguration's shape.
fn configuration(lambda: &LambdaService, id: FunctionId) -> Value {
    let info = &lambda.entry(id).info;
    json!({
        "FunctionName": info.name,
        "FunctionArn": function_arn(&info.name),
        "Runtime": info.runtime,
        "Handler": info.handler,
        "Timeout": info.timeout.as_secs(),
        "MemorySize": info.memory_mb,
        "Version": LATEST,
        "State": "Active",
        "PackageType": "Zip",
        "Description": format!("{} (logical id {}), served by lambda-emu in {REGION}, account {ACCOUNT_ID}", info.name, info.id),
    })
}

fn list_functions(app: &App) -> Response<Body> {
    let lambda = app.lambda();
    let functions: Vec<Value> = lambda.ids().map(|id| configuration(lambda, id)).collect();
    json_response(StatusCode::OK, &json!({ "Functions": functions }))
}

fn get_function(app: &App, function_name: &str) -> Result<Response<Body>, ApiError> {
    let lambda = app.lambda();
    let (id, _) = resolve(lambda, function_name, None)?;
    Ok(json_response(StatusCode::OK, &json!({ "Configuration": configuration(lambda, id) })))
}

fn json_response(status: StatusCode, body: &Value) -> Response<Body> {
    let mut res = Response::new(Body::from(body.to_string()));
    *res.status_mut() = status;
    res.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    res
}

fn empty(status: StatusCode) -> Response<Body> {
    let mut res = Response::new(Body::empty());
    *res.status_mut() = status;
    res
}

#[cfg(test)]
mod tests {
    use super::split_function_name;

    #[test]
    fn function_names_in_every_form() {
        assert_eq!(split_function_name("my-fn"), ("my-fn", None));
        assert_eq!(split_function_name("my-fn:$LATEST"), ("my-fn", Some("$LATEST")));
        assert_eq!(split_function_name("arn:aws:lambda:us-east-1:123456789012:function:my-fn"), ("my-fn", None));
        assert_eq!(
            split_function_name("arn:aws:lambda:us-east-1:123456789012:function:my-fn:live"),
            ("my-fn", Some("live"))
        );
        assert_eq!(split_function_name("123456789012:function:my-fn"), ("my-fn", None));
    }
}
