//! The hello-world app measured by `benches/request.rs` and served by `examples/bench_server.rs`:
//! `hello()` binds `benches/hello.yaml` with `lambda_app!`; `bare()` is the bare axum baseline returning the same JSON.
//! Shared by `#[path]`, so both measure exactly the same handlers.

#![allow(dead_code)]

use axum::routing::get;
use emu_runtime::events::{ApiGatewayProxyRequest, ApiGatewayProxyResponse, Body};
use emu_runtime::{Error, LambdaEvent};
use serde_json::{Value, json};

/// The body every route answers.
pub const BODY: &str = r#"{"message":"hello world"}"#;

/// REST / payload 1.0: the proxy response with a JSON body, built as a `serde_json::Value`.
pub async fn hello_rest(_: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(json!({
        "statusCode": 200,
        "headers": { "content-type": "application/json" },
        "body": json!({ "message": "hello world" }).to_string(),
    }))
}

/// HTTP API / payload 2.0: the same response in the full 2.0 format.
pub async fn hello_http(_: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(json!({
        "statusCode": 200,
        "headers": { "content-type": "application/json" },
        "body": json!({ "message": "hello world" }).to_string(),
    }))
}

/// REST / payload 1.0 with the typed `aws_lambda_events` request and response (the usual Rust Lambda shape).
pub async fn hello_typed(_: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let mut res = ApiGatewayProxyResponse::default();
    res.status_code = 200;
    res.headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    res.body = Some(Body::Text(json!({ "message": "hello world" }).to_string()));
    Ok(res)
}

/// HTTP API / payload 2.0 through `lambda_http` (`Request` -> `IntoResponse`), the shape of an axum lambdalith.
#[cfg(feature = "lambda-http")]
pub async fn hello_lambda_http(_: emu_runtime::lambda_http::Request) -> Result<http::Response<String>, Error> {
    Ok(http::Response::builder()
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(json!({ "message": "hello world" }).to_string())?)
}

/// Without the `lambda-http` feature the `Value` handler stands in (same answer), so the benches still build.
#[cfg(not(feature = "lambda-http"))]
pub use self::hello_http as hello_lambda_http;

/// The emulated app: every function of `benches/hello.yaml` bound explicitly.
pub fn hello() -> emu_runtime::App {
    emu_runtime::lambda_app!("benches/hello.yaml", {
        HelloRest => hello_rest,
        HelloHttp => hello_http,
        HelloTyped => hello_typed,
        HelloLambdaHttp => hello_lambda_http,
    })
}

/// The baseline: a bare axum route per path, returning the same JSON (built and serialized per request, as the
/// handlers do). Written as axum's `Json` response does it (emu-runtime builds axum without its `json` feature).
pub fn bare() -> axum::Router {
    async fn h() -> ([(http::HeaderName, http::HeaderValue); 1], Vec<u8>) {
        let body = serde_json::to_vec(&json!({ "message": "hello world" })).expect("serializable");
        ([(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"))], body)
    }
    axum::Router::new()
        .route("/hello", get(h))
        .route("/v2/hello", get(h))
        .route("/typed/hello", get(h))
        .route("/lh/hello", get(h))
}
