//! The console's API in-process (`App::with_console` + `App::console_router`): what each request through the gateway
//! leaves in the record (request, event, Context, log, output, response, the gateway's own errors), "try it",
//! replay, direct invocations, the bounded history, the live feed, and nothing at all when the console is off.

use std::time::Duration;

use axum::body::Body;
use emu_runtime::model::{Api, ApiKind, Function, Method as M, Model, PayloadVersion as P, Route};
use emu_runtime::{App, AppBuilder, AppOptions, ConsoleOptions, Error, LambdaEvent};
use http::{Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

fn base() -> AppBuilder {
    let mut model = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)],
        vec![
            Route::new(M::Post, "/echo/{id}", "Rest", "Echo", P::V1),
            Route::new(M::Get, "/fail", "Rest", "Fails", P::V1),
            Route::new(M::Get, "/h/echo", "Http", "Echo", P::V2),
        ],
    );
    let mut functions = model.functions.to_vec();
    functions.push(Function::new("Worker"));
    model.functions = functions.into();
    AppBuilder::from_model(model)
        .bind("Echo", |e: LambdaEvent<Value>| async move {
            tracing::info!(id = %e.payload["pathParameters"]["id"], "echoing");
            Ok::<_, Error>(json!({ "statusCode": 200, "body": e.payload["body"] }))
        })
        .bind("Fails", |_: LambdaEvent<Value>| async { Err::<Value, Error>("database unreachable".into()) })
        .bind("Worker", |e: LambdaEvent<Value>| async move { Ok::<_, Error>(json!({ "got": e.payload })) })
}

fn app(options: ConsoleOptions) -> (App, axum::Router) {
    let app = base().build().with_console(options);
    let console = app.console_router("http://127.0.0.1:3000").expect("the console is on");
    (app, console)
}

async fn call(router: &axum::Router, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Value) {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .body(body.map_or_else(Body::empty, |b| Body::from(b.to_string())))
        .unwrap();
    let res = router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// Sends `req` through the app's own API router, as a client would, and returns the response's request id header.
async fn through_gateway(app: &App, req: Request<Body>) -> (StatusCode, Option<String>) {
    let res = app.router().oneshot(req).await.unwrap();
    let id = res.headers().get("x-amzn-requestid").map(|v| v.to_str().unwrap().to_owned());
    (res.status(), id)
}

#[tokio::test]
async fn a_request_is_recorded_as_the_gateway_and_lambda_saw_it() {
    let (app, console) = app(ConsoleOptions::default());
    let req = Request::post("/echo/7?x=1").header("x-demo", "yes").body(Body::from("hello")).unwrap();
    let (status, request_id) = through_gateway(&app, req).await;
    assert_eq!(status, 200);
    let (_, list) = call(&console, "GET", "/console/api/invocations", None).await;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    let id = list[0]["id"].as_u64().unwrap();
    let (status, r) = call(&console, "GET", &format!("/console/api/invocations/{id}"), None).await;
    assert_eq!(status, 200);
    assert_eq!(r["source"], "http");
    assert_eq!(
        (r["method"].as_str(), r["path"].as_str(), r["status"].as_u64()),
        (Some("POST"), Some("/echo/7"), Some(200))
    );
    assert_eq!(
        (r["api"].as_str(), r["routeKey"].as_str(), r["payload"].as_str()),
        (Some("Rest"), Some("POST /echo/{id}"), Some("1.0"))
    );
    assert_eq!(r["function"], "Echo");
    // The event's request id is the one the client got back.
    assert_eq!(r["event"]["requestContext"]["requestId"].as_str(), request_id.as_deref());
    assert_eq!(r["requestId"].as_str(), request_id.as_deref());
    assert_eq!(r["request"]["uri"], "/echo/7?x=1");
    assert_eq!(r["request"]["body"]["text"], "hello");
    assert!(r["request"]["headers"].as_array().unwrap().contains(&json!(["x-demo", "yes"])), "{}", r["request"]);
    assert_eq!(r["output"], json!({ "statusCode": 200, "body": "hello" }));
    assert_eq!(r["response"]["status"], 200);
    assert_eq!(r["response"]["body"]["text"], "hello");
    // The Context the function got, and its log from START to REPORT.
    let lambda_request_id = r["context"]["request_id"].as_str().unwrap();
    assert_eq!(r["context"]["env_config"]["function_name"], "Echo");
    let logs = r["logs"].as_str().unwrap();
    assert!(logs.starts_with(&format!("START RequestId: {lambda_request_id}")), "{logs}");
    assert!(logs.contains(&format!("REPORT RequestId: {lambda_request_id}")), "{logs}");
    // An open route has no authorizer decision; validation does not exist yet.
    assert!(r["authorizer"].is_null() && r["validation"].is_null());
}

#[tokio::test]
async fn the_gateways_own_errors_are_recorded() {
    // The limit applies to the whole event (issue 14): room for a GET's event, not for a 10 KB body.
    let options = AppOptions::default().max_request_body(4096);
    let app = base().options(options).build().with_console(ConsoleOptions::default());
    let console = app.console_router("http://127.0.0.1:3000").unwrap();
    through_gateway(&app, Request::get("/nowhere").body(Body::empty()).unwrap()).await;
    through_gateway(&app, Request::post("/echo/1").body(Body::from("x".repeat(10_000))).unwrap()).await;
    through_gateway(&app, Request::get("/fail").body(Body::empty()).unwrap()).await;
    let (_, list) = call(&console, "GET", "/console/api/invocations", None).await;
    let rows: Vec<(Option<u64>, Option<&str>)> =
        list.as_array().unwrap().iter().map(|r| (r["status"].as_u64(), r["gatewayError"].as_str())).collect();
    // Newest first.
    assert_eq!(
        rows,
        [(Some(502), Some("IntegrationFailure")), (Some(413), Some("PayloadTooLarge")), (Some(403), Some("NoRoute"))]
    );
    let (_, failed) = call(&console, "GET", &format!("/console/api/invocations/{}", list[0]["id"]), None).await;
    assert_eq!(failed["error"]["errorMessage"], "database unreachable");
    assert!(failed["logs"].as_str().unwrap().contains("database unreachable"), "{}", failed["logs"]);
}

#[tokio::test]
async fn try_it_and_replay_go_through_the_gateway() {
    let (_app, console) = app(ConsoleOptions::default());
    let send = json!({ "method": "POST", "path": "/echo/3", "headers": [["x-a", "b"]], "body": "ping" });
    let (status, sent) = call(&console, "POST", "/console/api/send", Some(send)).await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!((sent["status"].as_u64(), sent["body"].as_str()), (Some(200), Some("ping")));
    let first = sent["id"].as_u64().unwrap();
    let (_, r) = call(&console, "GET", &format!("/console/api/invocations/{first}"), None).await;
    // The request carries the API's host, as a browser's would.
    assert_eq!(r["event"]["headers"]["host"], "127.0.0.1:3000");
    assert_eq!(r["event"]["headers"]["x-a"], "b");
    let (status, replayed) = call(&console, "POST", &format!("/console/api/invocations/{first}/replay"), None).await;
    assert_eq!(status, 200, "{replayed}");
    let second = replayed["id"].as_u64().unwrap();
    assert!(second > first);
    let (_, again) = call(&console, "GET", &format!("/console/api/invocations/{second}"), None).await;
    assert_eq!(again["event"]["body"], "ping");
    assert_ne!(again["requestId"], r["requestId"], "a replay is a new request");
    let bad = json!({ "method": "GET", "path": "no-slash" });
    let (status, e) = call(&console, "POST", "/console/api/send", Some(bad)).await;
    assert_eq!(status, 400);
    assert!(e["message"].as_str().unwrap().contains("must start with /"), "{e}");
}

#[tokio::test]
async fn a_function_is_invoked_directly_and_recorded() {
    let (_app, console) = app(ConsoleOptions::default());
    let (status, r) = call(&console, "POST", "/console/api/functions/Worker/invoke", Some(json!({ "n": 1 }))).await;
    assert_eq!(status, 200, "{r}");
    assert_eq!(r["source"], "invoke");
    assert_eq!(r["output"], json!({ "got": { "n": 1 } }));
    assert!(r["logs"].as_str().unwrap().starts_with("START RequestId: "));
    let (_, replayed) = call(&console, "POST", &format!("/console/api/invocations/{}/replay", r["id"]), None).await;
    assert_eq!(replayed["output"], r["output"]);
    let (status, e) = call(&console, "POST", "/console/api/functions/Nope/invoke", Some(json!({}))).await;
    assert_eq!(status, 404);
    assert!(e["message"].as_str().unwrap().contains("Nope"), "{e}");
    let (status, e) = call(&console, "GET", "/console/api/functions/Worker/sample", None).await;
    assert_eq!(status, 404, "Worker has no event source to sample: {e}");
}

#[tokio::test]
async fn history_and_body_limits_bound_memory() {
    let (app, console) = app(ConsoleOptions::default().history(2).body_limit(3));
    for i in 0..4 {
        through_gateway(&app, Request::post(format!("/echo/{i}")).body(Body::from("abcdef")).unwrap()).await;
    }
    let (_, list) = call(&console, "GET", "/console/api/invocations", None).await;
    let paths: Vec<&str> = list.as_array().unwrap().iter().map(|r| r["path"].as_str().unwrap()).collect();
    assert_eq!(paths, ["/echo/3", "/echo/2"]);
    let (status, _) = call(&console, "GET", "/console/api/invocations/1", None).await;
    assert_eq!(status, 404, "the oldest record is gone");
    let (_, r) = call(&console, "GET", &format!("/console/api/invocations/{}", list[0]["id"]), None).await;
    assert_eq!(r["request"]["body"], json!({ "text": "abc", "base64": false, "size": 6, "truncated": true }));
    assert_eq!((r["event"]["body"].as_str(), r["eventTruncated"].as_bool()), (Some("abc"), Some(true)));
    assert_eq!(r["outputTruncated"], true);
    let (status, e) = call(&console, "POST", &format!("/console/api/invocations/{}/replay", list[0]["id"]), None).await;
    assert_eq!(status, 409, "a cut body cannot be replayed: {e}");
}

#[tokio::test]
async fn new_records_arrive_on_the_live_feed() {
    let (app, console) = app(ConsoleOptions::default());
    let res = console.clone().oneshot(Request::get("/console/api/live").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let mut body = res.into_body();
    through_gateway(&app, Request::get("/h/echo").body(Body::empty()).unwrap()).await;
    let mut text = String::new();
    while !text.contains("\n\n") {
        let frame = tokio::time::timeout(Duration::from_secs(10), body.frame()).await.unwrap().unwrap().unwrap();
        if let Ok(data) = frame.into_data() {
            text.push_str(std::str::from_utf8(&data).unwrap());
        }
    }
    assert!(text.starts_with("event: invocation\ndata: "), "{text}");
    let summary: Value = serde_json::from_str(text.lines().nth(1).unwrap().trim_start_matches("data: ")).unwrap();
    assert_eq!((summary["path"].as_str(), summary["routeKey"].as_str()), (Some("/h/echo"), Some("GET /h/echo")));
}

#[tokio::test]
async fn the_page_is_embedded_and_other_paths_are_the_invoke_api() {
    let (_app, console) = app(ConsoleOptions::default());
    let res = console.clone().oneshot(Request::get("/").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.headers()["content-type"], "text/html; charset=utf-8");
    let page = res.into_body().collect().await.unwrap().to_bytes();
    assert!(std::str::from_utf8(&page).unwrap().contains("/console/console.js"));
    let (status, functions) = call(&console, "GET", "/2015-03-31/functions/", None).await;
    assert_eq!(status, 200);
    assert_eq!(functions["Functions"].as_array().unwrap().len(), 3);
    let (_, described) = call(&console, "GET", "/console/api/app", None).await;
    assert_eq!(described["apiUrl"], "http://127.0.0.1:3000");
    assert_eq!(described["routes"].as_array().unwrap().len(), 3);
    assert_eq!(described["routes"][0]["mintedToken"], Value::Null);
    assert_eq!(described["history"], 200);
}

#[tokio::test]
async fn with_the_console_off_nothing_records_or_serves() {
    let app = base().build();
    assert!(app.console_router("http://127.0.0.1:3000").is_none());
    let (status, _) = through_gateway(&app, Request::post("/echo/1").body(Body::from("x")).unwrap()).await;
    assert_eq!(status, 200);
}
