//! Built events have the shape of real captured API Gateway events: they deserialize into the
//! `aws_lambda_events` structs and have the same JSON keys, recursively, as the matching fixture.
//!
//! The expected key sets live here (always-on tests); `fixtures_match_the_in_repo_key_sets` checks them against
//! the captured fixtures in `../shared/corpus/lambda-events-fixtures/` when that directory exists.
//!
//! Exclusions, and why:
//! - `requestContext.authorizer` (REST fixture, v2 full fixture): only present when an authorizer ran; none does here.
//! - `requestContext.authentication` (v2 no-authorizer fixture): only present with mutual TLS, which a local server has not.
//! - `isBase64Encoded` and `requestContext.extendedRequestId` (ours, v1): AWS sends both on every REST event
//!   (AWS docs, "Input format of a Lambda function for proxy integration"); the older captured fixture predates them.
//! - The contents of data maps (`headers`, query and path parameters, `stageVariables`) are request data, not shape.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use aws_lambda_events::apigw::{ApiGatewayProxyRequest, ApiGatewayV2httpRequest};
use axum::body::Body;
use common::*;
use emu_runtime::AppBuilder;
use emu_runtime::model::{Api, ApiKind, KeyValue, Method as M, Model, PayloadVersion as P, Route};
use emu_runtime::{App, LambdaEvent};
use http::Request;
use serde_json::{Value, json};

/// `example-apigw-request.json` minus `requestContext.authorizer*`, plus the two keys AWS added since.
const V1_KEYS: &[&str] = &[
    "body",
    "headers",
    "httpMethod",
    "isBase64Encoded",
    "multiValueHeaders",
    "multiValueQueryStringParameters",
    "path",
    "pathParameters",
    "queryStringParameters",
    "requestContext",
    "requestContext.accountId",
    "requestContext.apiId",
    "requestContext.domainName",
    "requestContext.domainPrefix",
    "requestContext.extendedRequestId",
    "requestContext.httpMethod",
    "requestContext.identity",
    "requestContext.identity.accessKey",
    "requestContext.identity.accountId",
    "requestContext.identity.apiKey",
    "requestContext.identity.apiKeyId",
    "requestContext.identity.caller",
    "requestContext.identity.cognitoAuthenticationProvider",
    "requestContext.identity.cognitoAuthenticationType",
    "requestContext.identity.cognitoIdentityId",
    "requestContext.identity.cognitoIdentityPoolId",
    "requestContext.identity.sourceIp",
    "requestContext.identity.user",
    "requestContext.identity.userAgent",
    "requestContext.identity.userArn",
    "requestContext.path",
    "requestContext.protocol",
    "requestContext.requestId",
    "requestContext.requestTime",
    "requestContext.requestTimeEpoch",
    "requestContext.resourceId",
    "requestContext.resourcePath",
    "requestContext.stage",
    "resource",
    "stageVariables",
];
const V1_OURS_ONLY: &[&str] = &["isBase64Encoded", "requestContext.extendedRequestId"];

/// `example-apigw-v2-request-no-authorizer.json` minus `requestContext.authentication*`.
const V2_MINIMAL_KEYS: &[&str] = &[
    "headers",
    "isBase64Encoded",
    "rawPath",
    "rawQueryString",
    "requestContext",
    "requestContext.accountId",
    "requestContext.apiId",
    "requestContext.domainName",
    "requestContext.domainPrefix",
    "requestContext.http",
    "requestContext.http.method",
    "requestContext.http.path",
    "requestContext.http.protocol",
    "requestContext.http.sourceIp",
    "requestContext.http.userAgent",
    "requestContext.requestId",
    "requestContext.routeKey",
    "requestContext.stage",
    "requestContext.time",
    "requestContext.timeEpoch",
    "routeKey",
    "version",
];

/// `lambda-http/apigw_v2_proxy_request.json` (cookies, query, path parameters, stage variables, body) minus the authorizer.
const V2_FULL_EXTRA_KEYS: &[&str] = &["body", "cookies", "pathParameters", "queryStringParameters", "stageVariables"];

async fn echo(e: LambdaEvent<Value>) -> Result<Value, emu_runtime::Error> {
    Ok(json!({"statusCode": 200, "body": e.payload.to_string()}))
}

fn app() -> App {
    let mut rest = Api::new("Rest", ApiKind::Rest);
    rest.stage = "testStage".into();
    rest.stage_variables =
        vec![KeyValue { key: "stageVariableName".into(), value: "stageVariableValue".into() }].into();
    let mut http = Api::new("Http", ApiKind::Http);
    http.stage_variables = vec![KeyValue { key: "stageVariable1".into(), value: "value1".into() }].into();
    let mut minimal = Api::new("Minimal", ApiKind::Http);
    minimal.stage_in_url = true;
    minimal.stage = "min".into();
    let m = Model::from_routes(
        vec![rest, http, minimal],
        vec![
            Route::new(M::Any, "/{proxy+}", "Rest", "Echo", P::V1),
            Route::new(M::Post, "/my/{parameter1}", "Http", "Echo", P::V2),
            Route::new(M::Any, "$default", "Minimal", "Echo", P::V2),
        ],
    );
    AppBuilder::from_model(m).bind("Echo", echo).build()
}

async fn capture(req: Request<Body>) -> Value {
    let (status, body) = split(send(&app().router(), req).await).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

async fn v1_event() -> Value {
    capture(
        Request::post("/hello/world?name=me")
            .header("accept", "*/*")
            .header("content-type", "application/json")
            .header("user-agent", "PostmanRuntime/2.4.5")
            .body(Body::from("{\r\n\t\"a\": 1\r\n}"))
            .unwrap(),
    )
    .await
}

async fn v2_minimal_event() -> Value {
    capture(Request::get("/min").header("user-agent", "curl/7.58.0").body(Body::empty()).unwrap()).await
}

async fn v2_full_event() -> Value {
    capture(
        Request::post("/my/value1?parameter1=value1&parameter1=value2&parameter2=value")
            .header("cookie", "cookie1=value1; cookie2=value2")
            .header("content-type", "application/json")
            .body(Body::from("{\"a\": 1}"))
            .unwrap(),
    )
    .await
}

#[tokio::test]
async fn rest_event_has_the_fixture_shape() {
    let e = v1_event().await;
    serde_json::from_value::<ApiGatewayProxyRequest>(e.clone()).expect("deserializes as ApiGatewayProxyRequest");
    assert_eq!(key_set(&e), set(V1_KEYS));
}

#[tokio::test]
async fn http_api_events_have_the_fixture_shape() {
    let e = v2_minimal_event().await;
    serde_json::from_value::<ApiGatewayV2httpRequest>(e.clone()).expect("deserializes as ApiGatewayV2httpRequest");
    assert_eq!(key_set(&e), set(V2_MINIMAL_KEYS));
    assert_eq!(e["routeKey"], "$default");
    assert_eq!(e["rawPath"], "/min/", "a named stage is part of rawPath on AWS");

    let e = v2_full_event().await;
    let typed: ApiGatewayV2httpRequest = serde_json::from_value(e.clone()).unwrap();
    assert_eq!(typed.cookies, Some(vec!["cookie1=value1".to_owned(), "cookie2=value2".to_owned()]));
    assert_eq!(typed.query_string_parameters.all("parameter1"), Some(vec!["value1", "value2"]));
    let mut expected = set(V2_MINIMAL_KEYS);
    expected.extend(set(V2_FULL_EXTRA_KEYS));
    assert_eq!(key_set(&e), expected);
}

/// The captured events; the tests that read them are `#[ignore]`d (the in-repo key sets are checked without them).
fn shared_fixtures() -> PathBuf {
    shared_corpus("lambda-events-fixtures")
}

fn fixture_keys(dir: &Path, file: &str, excluded_prefix: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let v: Value = serde_json::from_str(&text).unwrap();
    key_set(&v).into_iter().filter(|k| !k.starts_with(excluded_prefix)).collect()
}

#[test]
#[ignore = "reads the captured events in ../shared/corpus: run with `-- --ignored` (CI does)"]
fn fixtures_match_the_in_repo_key_sets() {
    let dir = shared_fixtures();
    let mut v1 = set(V1_KEYS);
    for k in V1_OURS_ONLY {
        v1.remove(*k);
    }
    assert_eq!(fixture_keys(&dir, "lambda-events/example-apigw-request.json", "requestContext.authorizer"), v1);
    assert_eq!(
        fixture_keys(
            &dir,
            "lambda-events/example-apigw-v2-request-no-authorizer.json",
            "requestContext.authentication"
        ),
        set(V2_MINIMAL_KEYS)
    );
    let mut full = set(V2_MINIMAL_KEYS);
    full.extend(set(V2_FULL_EXTRA_KEYS));
    assert_eq!(fixture_keys(&dir, "lambda-http/apigw_v2_proxy_request.json", "requestContext.authorizer"), full);
}

#[tokio::test]
#[ignore = "reads the captured events in ../shared/corpus: run with `-- --ignored` (CI does)"]
async fn built_events_match_the_captured_fixtures() {
    let dir = shared_fixtures();
    let mut ours = key_set(&v1_event().await);
    for k in V1_OURS_ONLY {
        ours.remove(*k);
    }
    assert_eq!(ours, fixture_keys(&dir, "lambda-events/example-apigw-request.json", "requestContext.authorizer"));
    assert_eq!(
        key_set(&v2_minimal_event().await),
        fixture_keys(
            &dir,
            "lambda-events/example-apigw-v2-request-no-authorizer.json",
            "requestContext.authentication"
        )
    );
    assert_eq!(
        key_set(&v2_full_event().await),
        fixture_keys(&dir, "lambda-http/apigw_v2_proxy_request.json", "requestContext.authorizer")
    );
    // The fixtures themselves deserialize into the same structs (sanity check of the comparison).
    let text = std::fs::read_to_string(dir.join("lambda-events/example-apigw-request.json")).unwrap();
    serde_json::from_str::<ApiGatewayProxyRequest>(&text).unwrap();
}

/// `lambda_http` (what most Rust API handlers use) accepts the built events through its production conversion.
#[cfg(feature = "lambda-http")]
#[tokio::test]
async fn lambda_http_accepts_the_built_events() {
    use lambda_http::RequestExt;
    let v1 = lambda_http::request::from_str(&v1_event().await.to_string()).expect("v1 event converts");
    assert_eq!(v1.method(), http::Method::POST);
    assert_eq!(v1.uri().path(), "/testStage/hello/world", "lambda_http adds the REST stage, as in production");
    assert_eq!(v1.raw_http_path(), "/hello/world");
    assert_eq!(v1.path_parameters().first("proxy"), Some("hello/world"));
    assert_eq!(v1.query_string_parameters().first("name"), Some("me"));
    let v2 = lambda_http::request::from_str(&v2_full_event().await.to_string()).expect("v2 event converts");
    assert_eq!(v2.uri().query(), Some("parameter1=value1&parameter1=value2&parameter2=value"));
    assert_eq!(v2.path_parameters().first("parameter1"), Some("value1"));
    assert!(v2.headers().get("cookie").is_some(), "cookies are joined back into a Cookie header");
}
