//! The router end to end through `oneshot`: events in, responses out, API Gateway's errors,
//! and after every failure (error, panic, invalid output, timeout) the next request still succeeds.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use common::*;
use emu_runtime::model::{Api, ApiKind, Cors, KeyValue, Method as M, Model, PayloadVersion as P, Route};
use emu_runtime::{App, AppBuilder, AppOptions, InvokeError, LambdaEvent};
use http::Request;
use serde_json::{Value, json};

type R = Result<Value, emu_runtime::Error>;

async fn echo(e: LambdaEvent<Value>) -> R {
    Ok(json!({"statusCode": 200, "headers": {"content-type": "application/json"}, "body": e.payload.to_string()}))
}
async fn fails(_: LambdaEvent<Value>) -> R {
    Err("database unreachable".into())
}
async fn panics(_: LambdaEvent<Value>) -> R {
    let v: Vec<u8> = Vec::new();
    let i = v.len() + 3;
    Ok(json!(v[i]))
}
async fn invalid(_: LambdaEvent<Value>) -> R {
    Ok(json!({"foo": "bar"}))
}
async fn sleeps(_: LambdaEvent<Value>) -> R {
    tokio::time::sleep(Duration::from_secs(5)).await;
    Ok(json!({"statusCode": 200}))
}
async fn simple(_: LambdaEvent<Value>) -> R {
    Ok(json!({"hello": "world"}))
}

fn app() -> App {
    let mut rest = Api::new("Rest", ApiKind::Rest);
    rest.stage_variables = vec![KeyValue { key: "env".into(), value: "test".into() }].into();
    let http = Api::new("Http", ApiKind::Http);
    let mut m = Model::from_routes(
        vec![rest, http],
        vec![
            Route::new(M::Get, "/dogs/{id}", "Rest", "Echo", P::V1),
            Route::new(M::Any, "/{proxy+}", "Rest", "Echo", P::V1),
            Route::new(M::Get, "/fail", "Rest", "Fails", P::V1),
            Route::new(M::Get, "/panic", "Rest", "Panics", P::V1),
            Route::new(M::Get, "/invalid", "Rest", "Invalid", P::V1),
            Route::new(M::Get, "/slow", "Rest", "Sleeps", P::V1),
            Route::new(M::Get, "/ignored", "Rest", "Ignored", P::V1),
            Route::new(M::Get, "/unbound", "Rest", "Unbound", P::V1),
            Route::new(M::Get, "/h/echo/{id}", "Http", "Echo", P::V2),
            Route::new(M::Any, "/h/any", "Http", "Echo", P::V2),
            Route::new(M::Get, "/h/v1", "Http", "Echo", P::V1),
            Route::new(M::Get, "/h/fail", "Http", "Fails", P::V2),
            Route::new(M::Get, "/h/panic", "Http", "Panics", P::V2),
            Route::new(M::Get, "/h/slow", "Http", "Sleeps", P::V2),
            Route::new(M::Get, "/h/simple", "Http", "Simple", P::V2),
        ],
    );
    let mut functions = m.functions.to_vec();
    for f in functions.iter_mut() {
        if f.id == "Sleeps" {
            f.timeout_secs = 1;
        }
    }
    m.functions = functions.into();
    AppBuilder::from_model(m)
        .bind("Echo", echo)
        .bind("Fails", fails)
        .bind("Panics", panics)
        .bind("Invalid", invalid)
        .bind("Sleeps", sleeps)
        .bind("Simple", simple)
        .ignore("Ignored")
        .build()
}

async fn event(router: &axum::Router, uri: &str) -> Value {
    let (status, body) = get(router, uri).await;
    assert_eq!(status, 200, "{uri}: {body}");
    serde_json::from_str(&body).unwrap()
}

async fn still_serving(router: &axum::Router) {
    let e = event(router, "/dogs/1").await;
    assert_eq!(e["pathParameters"]["id"], "1");
}

#[tokio::test]
async fn rest_event_reaches_the_handler() {
    let router = app().router();
    let req = Request::get("/dogs/a%20b?x=1&x=2&y=")
        .header("user-agent", "curl/8")
        .header("accept", "a")
        .header("accept", "b")
        .body(Body::empty())
        .unwrap();
    let (status, body) = split(send(&router, req).await).await;
    assert_eq!(status, 200);
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["resource"], "/dogs/{id}");
    assert_eq!(e["path"], "/dogs/a%20b");
    assert_eq!(e["pathParameters"]["id"], "a%20b", "REST keeps path parameters percent-encoded");
    assert_eq!(e["multiValueQueryStringParameters"]["x"], json!(["1", "2"]));
    assert_eq!(e["queryStringParameters"]["x"], "2");
    assert_eq!(e["queryStringParameters"]["y"], "");
    assert_eq!(e["multiValueHeaders"]["accept"], json!(["a", "b"]));
    assert_eq!(e["headers"]["accept"], "b");
    assert_eq!(e["stageVariables"]["env"], "test");
    assert_eq!(e["body"], Value::Null);
    assert_eq!(e["isBase64Encoded"], false);
    let ctx = &e["requestContext"];
    assert_eq!(ctx["path"], "/Prod/dogs/a%20b");
    assert_eq!(ctx["stage"], "Prod");
    assert_eq!(ctx["resourcePath"], "/dogs/{id}");
    assert_eq!(ctx["accountId"], "123456789012");
    assert_eq!(ctx["identity"]["sourceIp"], "127.0.0.1");
    assert_eq!(ctx["identity"]["userAgent"], "curl/8");
    assert!(ctx["requestTimeEpoch"].as_u64().unwrap() > 1_600_000_000_000);
    assert!(e.get("version").is_none());
    let again = event(&router, "/dogs/1").await;
    assert_ne!(again["requestContext"]["requestId"], ctx["requestId"], "fresh requestId per request");
}

#[tokio::test]
async fn greedy_path_and_encoded_slash() {
    let router = app().router();
    let e = event(&router, "/a/b/c").await;
    assert_eq!(e["pathParameters"]["proxy"], "a/b/c");
    let e = event(&router, "/dogs/a%2Fb").await;
    assert_eq!(e["resource"], "/dogs/{id}", "%2F stays inside the segment");
    let (status, _) = get(&router, "/").await;
    assert_eq!(status, 403, "/{{proxy+}} needs at least one character");
}

#[tokio::test]
async fn http_api_v2_event() {
    let router = app().router();
    let req = Request::post("/h/any?a=1&a=2&b=x%20y")
        .header("x-multi", "1")
        .header("x-multi", "2")
        .header("cookie", "c1=v1; c2=v2")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"k":1}"#))
        .unwrap();
    let (status, body) = split(send(&router, req).await).await;
    assert_eq!(status, 200, "{body}");
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["version"], "2.0");
    assert_eq!(e["routeKey"], "ANY /h/any");
    assert_eq!(e["rawQueryString"], "a=1&a=2&b=x%20y");
    assert_eq!(e["queryStringParameters"], json!({"a": "1,2", "b": "x y"}));
    assert_eq!(e["headers"]["x-multi"], "1,2");
    assert_eq!(e["cookies"], json!(["c1=v1", "c2=v2"]));
    assert_eq!(e["body"], r#"{"k":1}"#);
    assert_eq!(e["isBase64Encoded"], false);
    assert_eq!(e["requestContext"]["http"]["method"], "POST");
    assert_eq!(e["requestContext"]["stage"], "$default");
    let e = event(&router, "/h/echo/a%20b").await;
    assert_eq!(e["pathParameters"]["id"], "a b", "HTTP APIs decode path parameters");
    assert_eq!(e["routeKey"], "GET /h/echo/{id}");
    assert!(e.get("cookies").is_none(), "absent when none");
    assert!(e.get("body").is_none());
    let e = event(&router, "/h/v1").await;
    assert_eq!(e["version"], "1.0");
    assert_eq!(e["resource"], "/h/v1");
}

#[tokio::test]
async fn simple_v2_response_is_json_200() {
    let router = app().router();
    let res = send(&router, Request::get("/h/simple").body(Body::empty()).unwrap()).await;
    assert_eq!(res.headers()["content-type"], "application/json");
    assert!(res.headers().contains_key("apigw-requestid"));
    assert_eq!(split(res).await, (200, r#"{"hello":"world"}"#.to_owned()));
}

#[tokio::test]
async fn misses_per_api_type() {
    let router = app().router();
    // Nothing matches `/` (the greedy route needs a character): the first API of the template (REST) answers.
    let res = send(&router, Request::delete("/").body(Body::empty()).unwrap()).await;
    assert_eq!(res.headers()["x-amzn-errortype"], "MissingAuthenticationTokenException");
    assert_eq!(split(res).await, (403, r#"{"message":"Missing Authentication Token"}"#.to_owned()));
    let http_only = AppBuilder::from_model(Model::from_routes(
        vec![Api::new("Http", ApiKind::Http)],
        vec![Route::new(M::Get, "/x", "Http", "Echo", P::V2)],
    ))
    .bind("Echo", echo)
    .build();
    assert_eq!(get(&http_only.router(), "/y").await, (404, r#"{"message":"Not Found"}"#.to_owned()));
}

#[tokio::test]
async fn a_miss_on_a_path_the_http_api_owns_is_its_404_on_a_shared_port() {
    let shared = AppBuilder::from_model(Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)],
        vec![
            Route::new(M::Get, "/rest", "Rest", "Echo", P::V1),
            Route::new(M::Get, "/users/{id}", "Http", "Echo", P::V2),
        ],
    ))
    .bind("Echo", echo)
    .build();
    let router = shared.router();
    let res = send(&router, Request::post("/users/1").body(Body::empty()).unwrap()).await;
    assert!(res.headers().get("x-amzn-errortype").is_none());
    assert_eq!(split(res).await, (404, r#"{"message":"Not Found"}"#.to_owned()));
    // A path neither owns: the first API of the template (REST) answers, as before.
    assert_eq!(get(&router, "/nobody").await.0, 403);
    let res = send(&router, Request::post("/rest").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 403);
}

#[tokio::test]
async fn head_is_not_routed_to_get() {
    let router = app().router();
    let (status, _) = split(send(&router, Request::head("/fail").body(Body::empty()).unwrap()).await).await;
    // /fail is GET only, but ANY /{proxy+} takes HEAD.
    assert_eq!(status, 200);
}

const REST_500: &str = r#"{"message": "Internal server error"}"#;
const HTTP_500: &str = r#"{"message":"Internal Server Error"}"#;

#[tokio::test]
async fn handler_error_then_next_request_succeeds() {
    let router = app().router();
    assert_eq!(get(&router, "/fail").await, (502, REST_500.to_owned()));
    still_serving(&router).await;
    assert_eq!(get(&router, "/h/fail").await, (500, HTTP_500.to_owned()));
    still_serving(&router).await;
}

#[tokio::test]
async fn panic_then_next_request_succeeds() {
    let router = app().router();
    assert_eq!(get(&router, "/panic").await, (502, REST_500.to_owned()));
    still_serving(&router).await;
    assert_eq!(get(&router, "/h/panic").await, (500, HTTP_500.to_owned()));
    still_serving(&router).await;
}

#[tokio::test]
async fn invalid_output_then_next_request_succeeds() {
    let router = app().router();
    assert_eq!(get(&router, "/invalid").await, (502, REST_500.to_owned()));
    still_serving(&router).await;
}

#[tokio::test]
async fn timeout_then_next_request_succeeds_and_others_are_not_blocked() {
    let router = app().router();
    let slow = tokio::spawn({
        let router = router.clone();
        async move { get(&router, "/slow").await }
    });
    // While the slow function runs, other requests are served.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = std::time::Instant::now();
    still_serving(&router).await;
    assert!(started.elapsed() < Duration::from_millis(500));
    assert_eq!(slow.await.unwrap(), (502, REST_500.to_owned()));
    still_serving(&router).await;
    assert_eq!(get(&router, "/h/slow").await, (500, HTTP_500.to_owned()));
    still_serving(&router).await;
}

#[tokio::test]
async fn ignored_and_unbound_functions_get_the_integration_error() {
    let router = app().router();
    assert_eq!(get(&router, "/ignored").await, (502, REST_500.to_owned()));
    assert_eq!(get(&router, "/unbound").await, (502, REST_500.to_owned()));
    still_serving(&router).await;
}

#[tokio::test]
async fn oversized_body_gets_413_and_the_router_keeps_serving() {
    let router = app().with_options(AppOptions::default().max_request_body(4096)).router();
    let req = Request::post("/anything").body(Body::from(vec![b'a'; 8192])).unwrap();
    let (status, body) = split(send(&router, req).await).await;
    assert_eq!(status, 413, "{body}");
    let req = Request::post("/anything").header("content-length", "999999999").body(Body::empty()).unwrap();
    assert_eq!(split(send(&router, req).await).await.0, 413);
    still_serving(&router).await;
}

#[tokio::test]
async fn the_limit_is_on_the_event_sent_not_the_body() {
    let router = app().with_options(AppOptions::default().max_request_body(10_000)).router();
    // The body fits; with the headers copied twice into the event, the invocation payload does not.
    let req =
        Request::post("/anything").header("x-big", "h".repeat(3_000)).body(Body::from(vec![b'a'; 6_000])).unwrap();
    let (status, body) = split(send(&router, req).await).await;
    assert_eq!(status, 413, "{body}");
    let req = Request::post("/anything").header("x-small", "h").body(Body::from(vec![b'a'; 6_000])).unwrap();
    assert_eq!(split(send(&router, req).await).await.0, 200);
}

#[tokio::test]
async fn binary_and_invalid_utf8_bodies_never_panic() {
    let mut rest = Api::new("Rest", ApiKind::Rest);
    rest.binary_media_types = vec!["image/png".into()].into();
    let app =
        AppBuilder::from_model(Model::from_routes(vec![rest], vec![Route::new(M::Post, "/up", "Rest", "Echo", P::V1)]))
            .bind("Echo", echo)
            .build();
    let router = app.router();
    let req = Request::post("/up").header("content-type", "image/png").body(Body::from(vec![0u8, 255, 1])).unwrap();
    let (_, body) = split(send(&router, req).await).await;
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["isBase64Encoded"], true);
    assert_eq!(e["body"], "AP8B");
    let req = Request::post("/up").header("content-type", "text/plain").body(Body::from(vec![b'a', 255])).unwrap();
    let (status, body) = split(send(&router, req).await).await;
    assert_eq!(status, 200);
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["body"], "a\u{fffd}");
}

#[tokio::test]
async fn source_ip_comes_from_connect_info() {
    let router = app().router();
    let mut req = Request::get("/dogs/1").body(Body::empty()).unwrap();
    req.extensions_mut().insert(ConnectInfo("10.1.2.3:4567".parse::<SocketAddr>().unwrap()));
    let (_, body) = split(send(&router, req).await).await;
    let e: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(e["requestContext"]["identity"]["sourceIp"], "10.1.2.3");
}

#[tokio::test]
async fn stage_prefix_when_stage_in_url() {
    let mut rest = Api::new("Rest", ApiKind::Rest);
    rest.stage = "dev".into();
    rest.stage_in_url = true;
    let app = AppBuilder::from_model(Model::from_routes(
        vec![rest],
        vec![Route::new(M::Get, "/hello", "Rest", "Echo", P::V1)],
    ))
    .bind("Echo", echo)
    .build();
    assert_eq!(app.stage_prefix("Rest"), "/dev");
    let e = event(&app.router(), "/dev/hello").await;
    assert_eq!(e["path"], "/hello");
    assert_eq!(e["requestContext"]["path"], "/dev/hello");
    assert_eq!(get(&app.router(), "/hello").await.0, 403);
    let flat = app.without_stage_prefix();
    assert_eq!(flat.stage_prefix("Rest"), "");
    assert_eq!(event(&flat.router(), "/hello").await["requestContext"]["path"], "/dev/hello");
}

#[tokio::test]
async fn cors_rest_preflight_and_http_headers() {
    let cors = Cors {
        allow_origins: vec!["https://app.example".into()].into(),
        allow_methods: Vec::new().into(),
        allow_headers: vec!["Content-Type".into()].into(),
        expose_headers: vec!["X-Total".into()].into(),
        allow_credentials: false,
        max_age: Some(300),
    };
    let mut rest = Api::new("Rest", ApiKind::Rest);
    rest.cors = Some(cors.clone());
    let mut http = Api::new("Http", ApiKind::Http);
    http.cors = Some(cors);
    let app = AppBuilder::from_model(Model::from_routes(
        vec![rest, http],
        vec![Route::new(M::Get, "/r", "Rest", "Fails", P::V1), Route::new(M::Get, "/h", "Http", "Echo", P::V2)],
    ))
    .bind("Fails", fails)
    .bind("Echo", echo)
    .build();
    let router = app.router();
    // REST: OPTIONS answered by the mock integration, the function (which fails) is not invoked.
    let res = send(&router, Request::options("/r").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "https://app.example");
    assert_eq!(res.headers()["access-control-allow-methods"], "GET,OPTIONS");
    // REST actual responses carry only what the function returns.
    let res =
        send(&router, Request::get("/r").header("origin", "https://app.example").body(Body::empty()).unwrap()).await;
    assert!(res.headers().get("access-control-allow-origin").is_none());
    // HTTP API: preflight 204, actual responses get the headers when the origin is allowed.
    let res = send(
        &router,
        Request::options("/h")
            .header("origin", "https://app.example")
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(res.status(), 204);
    assert_eq!(res.headers()["access-control-max-age"], "300");
    let res =
        send(&router, Request::get("/h").header("origin", "https://app.example").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["access-control-allow-origin"], "https://app.example");
    assert_eq!(res.headers()["access-control-expose-headers"], "X-Total");
}

#[tokio::test]
async fn invoke_directly() {
    let app = app();
    let out = app.invoke("Simple", json!({})).await.unwrap();
    assert_eq!(out, json!({"hello": "world"}));
    assert!(matches!(app.invoke("Nope", Value::Null).await, Err(InvokeError::UnknownFunction(_))));
    assert!(matches!(app.invoke("Ignored", Value::Null).await, Err(InvokeError::Ignored(_))));
    assert!(matches!(app.invoke("Unbound", Value::Null).await, Err(InvokeError::NotBound(_))));
    let e = app.invoke("Fails", Value::Null).await.unwrap_err();
    assert_eq!(e.to_json()["errorMessage"], "database unreachable");
}

async fn png(_: LambdaEvent<Value>) -> R {
    Ok(json!({"statusCode": 200, "headers": {"Content-Type": "image/png"}, "body": "AP8B", "isBase64Encoded": true}))
}

#[tokio::test]
async fn rest_binary_responses_need_a_binary_media_type() {
    let build = |types: Vec<&'static str>| {
        let mut rest = Api::new("Rest", ApiKind::Rest);
        rest.binary_media_types = types.into_iter().map(Into::into).collect::<Vec<_>>().into();
        AppBuilder::from_model(Model::from_routes(vec![rest], vec![Route::new(M::Get, "/img", "Rest", "Png", P::V1)]))
            .bind("Png", png)
            .build()
            .router()
    };
    let res = send(&build(vec!["image/png"]), Request::get("/img").body(Body::empty()).unwrap()).await;
    let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    assert_eq!(&bytes[..], &[0u8, 255, 1]);
    // Without the binary media type, API Gateway sends the base64 text.
    assert_eq!(get(&build(vec![]), "/img").await, (200, "AP8B".to_owned()));
    // HTTP APIs always decode.
    let http = AppBuilder::from_model(Model::from_routes(
        vec![Api::new("Http", ApiKind::Http)],
        vec![Route::new(M::Get, "/img", "Http", "Png", P::V2)],
    ))
    .bind("Png", png)
    .build();
    let res = send(&http.router(), Request::get("/img").body(Body::empty()).unwrap()).await;
    let bytes = http_body_util::BodyExt::collect(res.into_body()).await.unwrap().to_bytes();
    assert_eq!(&bytes[..], &[0u8, 255, 1]);
}

#[tokio::test]
async fn invalid_percent_encoding_is_passed_through_never_a_panic() {
    let router = app().router();
    let e = event(&router, "/dogs/%zz%").await;
    assert_eq!(e["pathParameters"]["id"], "%zz%", "REST passes the raw segment");
    let e = event(&router, "/h/echo/%zz%E2%82").await;
    assert_eq!(e["pathParameters"]["id"], "%zz\u{fffd}", "HTTP API: bad escapes verbatim, bad UTF-8 replaced");
    let e = event(&router, "/dogs/1?q=%zz&r=%FF").await;
    assert_eq!(e["queryStringParameters"], json!({"q": "%zz", "r": "\u{fffd}"}));
}

async fn minute(_: LambdaEvent<Value>) -> R {
    tokio::time::sleep(Duration::from_secs(50)).await;
    Ok(json!({"statusCode": 200}))
}

#[tokio::test(start_paused = true)]
async fn gateway_integration_timeout_comes_before_a_long_function_timeout() {
    let mut m = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)],
        vec![Route::new(M::Get, "/r", "Rest", "Long", P::V1), Route::new(M::Get, "/h", "Http", "Long", P::V2)],
    );
    let mut functions = m.functions.to_vec();
    functions[0].timeout_secs = 60;
    m.functions = functions.into();
    let app = AppBuilder::from_model(m).bind("Long", minute).build();
    let router = app.router();
    assert_eq!(get(&router, "/r").await, (504, r#"{"message": "Endpoint request timed out"}"#.to_owned()));
    assert_eq!(get(&router, "/h").await, (503, r#"{"message":"Service Unavailable"}"#.to_owned()));
    // Without the gateway's cap the function's own 60 s Timeout is not reached: it answers after 50 s.
    let uncapped = app.with_options(AppOptions::default().gateway_timeouts(false)).router();
    assert_eq!(get(&uncapped, "/r").await.0, 200);
}

#[tokio::test]
async fn repeated_slashes_reach_the_route_rest() {
    // `API_URL` ending in `/` joined with `/dogs/1`: API Gateway serves it (docs/fidelity.md, "Repeated slashes").
    let router = app().router();
    let e = event(&router, "//dogs/1").await;
    assert_eq!(e["resource"], "/dogs/{id}");
    assert_eq!(e["path"], "/dogs/1", "the slashes leading the resource path are collapsed");
    assert_eq!(e["pathParameters"]["id"], "1");
    let e = event(&router, "/dogs//1").await;
    assert_eq!(e["resource"], "/dogs/{id}", "matching ignores empty segments");
    assert_eq!(e["path"], "/dogs//1", "interior slashes are kept, as in AWS's observed events");
    assert_eq!(e["pathParameters"]["id"], "1");
    let e = event(&router, "/dogs/1//").await;
    assert_eq!(e["resource"], "/dogs/{id}", "a trailing `//` is a trailing slash");
    let e = event(&router, "/a//b///c/").await;
    assert_eq!(e["pathParameters"]["proxy"], "a//b///c", "greedy parameters keep interior slashes, drop the trailing");
    let e = event(&router, "/dogs/a%2F%2Fb").await;
    assert_eq!(e["pathParameters"]["id"], "a%2F%2Fb", "encoded slashes are not path separators");
}

#[tokio::test]
async fn repeated_slashes_follow_the_observed_rest_events_under_a_stage() {
    // The rows of ../shared/specs/aws-gateway-lambda.md section 9 (REST, `/{proxy+}` and `/hardcoded`, stage `stage`).
    let mut api = Api::new("Rest", ApiKind::Rest);
    api.stage = "stage".into();
    api.stage_in_url = true;
    let mut m = Model::from_routes(
        vec![api],
        vec![
            Route::new(M::Any, "/{proxy+}", "Rest", "Echo", P::V1),
            Route::new(M::Get, "/hardcoded", "Rest", "Echo", P::V1),
        ],
    );
    m.functions = m.functions.to_vec().into();
    let router = AppBuilder::from_model(m).bind("Echo", echo).build().router();
    for (request, path, proxy, context_path, resource) in [
        ("/stage/proxy-value", "/proxy-value", Some("proxy-value"), "/stage/proxy-value", "/{proxy+}"),
        ("/stage/proxy-value/", "/proxy-value/", Some("proxy-value"), "/stage/proxy-value/", "/{proxy+}"),
        (
            "/stage/proxy-value//double-slash",
            "/proxy-value//double-slash",
            Some("proxy-value//double-slash"),
            "/stage/proxy-value//double-slash",
            "/{proxy+}",
        ),
        ("//stage/proxy-value", "/proxy-value", Some("proxy-value"), "/stage/proxy-value", "/{proxy+}"),
        ("/stage//proxy-value", "/proxy-value", Some("proxy-value"), "/stage//proxy-value", "/{proxy+}"),
        ("/stage//hardcoded", "/hardcoded", None, "/stage//hardcoded", "/hardcoded"),
    ] {
        let e = event(&router, request).await;
        assert_eq!(e["path"], path, "{request}");
        assert_eq!(e["requestContext"]["path"], context_path, "{request}");
        assert_eq!(e["resource"], resource, "{request}");
        match proxy {
            Some(p) => assert_eq!(e["pathParameters"]["proxy"], p, "{request}"),
            None => assert_eq!(e["pathParameters"], Value::Null, "{request}"),
        }
    }
}

#[tokio::test]
async fn repeated_slashes_reach_the_route_http_api() {
    let router = app().router();
    let e = event(&router, "//h/echo/7").await;
    assert_eq!(e["rawPath"], "/h/echo/7");
    assert_eq!(e["routeKey"], "GET /h/echo/{id}");
    assert_eq!(e["requestContext"]["http"]["path"], "/h/echo/7");
    let e = event(&router, "/h//echo///7").await;
    assert_eq!(e["routeKey"], "GET /h/echo/{id}");
    assert_eq!(e["pathParameters"]["id"], "7");
    assert_eq!(e["rawPath"], "/h//echo///7", "interior slashes kept, as REST's `path` keeps them");
}
