//! The binary on Lambda: this test executable re-runs itself as the child (`child`, `#[ignore]`d so it only runs
//! when asked), with `AWS_LAMBDA_RUNTIME_API` pointing at a Runtime API double served by the parent test.
//!
//! Re-executing the test binary needs no nested `cargo build` (no second lock on `target/`, no extra compile), and
//! the child is exactly `emu_runtime::run_with_args(lambda_app!(...))`, as in a user's `main`. Every child is killed
//! or reaped before its test ends; waits are bounded, nothing asserts on timing.

use std::collections::VecDeque;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use emu_runtime::{Context, Error, LambdaEvent, service_fn};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::sync::mpsc;

// ---------------------------------------------------------------- the child: the app, as a user's `main` runs it

/// Which app the child builds (`EMU_TEST_APP`): the SAM template's, one with only `Typed` bound, or the Serverless one.
const CHILD_VAR: &str = "EMU_TEST_APP";

#[derive(Deserialize)]
struct Greeting {
    name: String,
}

#[derive(Serialize)]
struct Reply {
    greeting: String,
    template_variable: Option<String>,
    request_id: String,
}

async fn typed(event: LambdaEvent<Greeting>) -> Result<Reply, Error> {
    Ok(Reply {
        greeting: format!("hello {}", event.payload.name),
        // The template sets GREETING; on Lambda only Lambda's environment counts.
        template_variable: std::env::var("GREETING").ok(),
        request_id: event.context.request_id,
    })
}

fn describe(event: Value, context: &Context) -> Value {
    json!({
        "event": event,
        "request_id": context.request_id,
        "arn": context.invoked_function_arn,
        "deadline": context.deadline,
        "trace_id": context.xray_trace_id,
        "function_name": context.env_config.function_name,
    })
}

async fn echo(event: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(describe(event.payload, &event.context))
}

async fn failing(_: LambdaEvent<Value>) -> Result<Value, Error> {
    Err("the handler failed on purpose".into())
}

async fn panicking(_: LambdaEvent<Value>) -> Result<Value, Error> {
    panic!("the handler panicked on purpose")
}

#[cfg(feature = "lambda-http")]
async fn http_fn(request: emu_runtime::lambda_http::Request) -> Result<http::Response<String>, Error> {
    Ok(http::Response::builder().status(201).body(format!("lambda_http saw {}", request.uri().path()))?)
}

#[cfg(feature = "lambda-http")]
fn router() -> axum::Router {
    axum::Router::new().route("/pets", get(|| async { "axum lambdalith: pets" }))
}

#[cfg(feature = "lambda-http")]
fn app() -> emu_runtime::App {
    emu_runtime::lambda_app!("tests/data/runtime_api.yaml", {
        Typed => typed,
        ValueEchoFunctionWithAnUnusuallyLongLogicalIdentifier => echo,
        Service => service_fn(echo),
        HttpFunction => http_fn,
        HttpRouter => router(),
        Failing => failing,
        Panicking => panicking,
    }, ignore: [Legacy])
}

#[cfg(not(feature = "lambda-http"))]
fn app() -> emu_runtime::App {
    emu_runtime::lambda_app!("tests/data/runtime_api.yaml", {
        Typed => typed,
        ValueEchoFunctionWithAnUnusuallyLongLogicalIdentifier => echo,
        Service => service_fn(echo),
        HttpFunction => echo,
        HttpRouter => echo,
        Failing => failing,
        Panicking => panicking,
    }, ignore: [Legacy])
}

#[test]
#[ignore = "the child process of this file's tests; does nothing unless EMU_TEST_APP is set"]
fn child() {
    let Ok(which) = std::env::var(CHILD_VAR) else { return };
    let app = app();
    let app = match which.as_str() {
        // `Typed` alone is bound: selecting any other function finds no handler.
        "typed-only" => emu_runtime::AppBuilder::from_model(app.model().clone()).bind("Typed", typed).build(),
        "serverless" => {
            emu_runtime::lambda_app!("tests/data/runtime_api.serverless.yml", { hello => echo, named => echo })
        }
        _ => app,
    };
    // Dev flags are not parsed on Lambda: this one would be a usage error (code 2) for the dev server.
    let code = emu_runtime::run_with_args(app, ["app", "--port", "not-a-port"]);
    std::process::exit(code);
}

// ---------------------------------------------------------------- the Runtime API double

/// What the child posted.
#[derive(Debug)]
enum Post {
    Response { id: String, body: Value },
    Error { id: String, error_type: Option<String>, body: Value },
    InitError { error_type: Option<String>, body: Value },
}

struct Double {
    events: Mutex<VecDeque<Value>>,
    next_calls: Mutex<u32>,
    posts: mpsc::UnboundedSender<Post>,
}

const ARN: &str = "arn:aws:lambda:us-east-1:123456789012:function:deployed";
const TRACE: &str = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1";
const DEADLINE_MS: u64 = 4_102_444_800_000; // 2100-01-01: the handler never runs out of time.

fn request_id(n: u32) -> String {
    format!("request-{n}")
}

async fn next(State(double): State<Arc<Double>>) -> axum::response::Response {
    let n = {
        let mut calls = double.next_calls.lock().expect("lock");
        *calls += 1;
        *calls
    };
    let event = double.events.lock().expect("lock").pop_front();
    let Some(event) = event else {
        // Like Lambda between invocations: the long poll just waits (the test kills the child).
        return std::future::pending().await;
    };
    (
        [
            ("Lambda-Runtime-Aws-Request-Id", request_id(n)),
            ("Lambda-Runtime-Deadline-Ms", DEADLINE_MS.to_string()),
            ("Lambda-Runtime-Invoked-Function-Arn", ARN.to_owned()),
            ("Lambda-Runtime-Trace-Id", TRACE.to_owned()),
            ("Content-Type", "application/json".to_owned()),
        ],
        event.to_string(),
    )
        .into_response()
}

fn error_type(headers: &HeaderMap) -> Option<String> {
    headers.get("Lambda-Runtime-Function-Error-Type").and_then(|v| v.to_str().ok()).map(str::to_owned)
}

fn json_body(body: &str) -> Value {
    serde_json::from_str(body).unwrap_or_else(|_| Value::String(body.to_owned()))
}

async fn response(State(d): State<Arc<Double>>, Path(id): Path<String>, body: String) -> impl IntoResponse {
    let _ = d.posts.send(Post::Response { id, body: json_body(&body) });
    (StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
}

async fn error(State(d): State<Arc<Double>>, Path(id): Path<String>, h: HeaderMap, body: String) -> impl IntoResponse {
    let _ = d.posts.send(Post::Error { id, error_type: error_type(&h), body: json_body(&body) });
    (StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
}

async fn init_error(State(d): State<Arc<Double>>, h: HeaderMap, body: String) -> impl IntoResponse {
    let _ = d.posts.send(Post::InitError { error_type: error_type(&h), body: json_body(&body) });
    (StatusCode::ACCEPTED, r#"{"status":"OK"}"#)
}

/// The longest any single step may take before the test gives up (a bound, not an assertion on speed).
const PATIENCE: Duration = Duration::from_secs(120);

/// A running child and the double it talks to.
struct Run {
    child: Child,
    posts: mpsc::UnboundedReceiver<Post>,
    double: Arc<Double>,
}

impl Run {
    /// Starts the double with `events`, then the child with the Lambda variables plus `env`.
    async fn start(app: &str, env: &[(&str, &str)], events: Vec<Value>) -> Run {
        let (tx, posts) = mpsc::unbounded_channel();
        let double = Arc::new(Double { events: Mutex::new(events.into()), next_calls: Mutex::new(0), posts: tx });
        let router = axum::Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route("/2018-06-01/runtime/invocation/{id}/response", post(response))
            .route("/2018-06-01/runtime/invocation/{id}/error", post(error))
            .route("/2018-06-01/runtime/init/error", post(init_error))
            .with_state(double.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the double");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move { axum::serve(listener, router).await });

        let mut cmd = Command::new(std::env::current_exe().expect("the test binary"));
        cmd.args(["child", "--exact", "--ignored", "--nocapture", "--test-threads=1"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        for var in ["EMU_FUNCTION", "_HANDLER", "AWS_LAMBDA_FUNCTION_NAME", "GREETING", "AWS_LAMBDA_MAX_CONCURRENCY"] {
            cmd.env_remove(var);
        }
        cmd.env(CHILD_VAR, app)
            .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("RUST_LOG", "info");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = cmd.spawn().expect("spawn the child");
        Run { child, posts, double }
    }

    /// The next thing the child posts.
    async fn post(&mut self) -> Post {
        match tokio::time::timeout(PATIENCE, self.posts.recv()).await {
            Ok(Some(post)) => post,
            _ => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                panic!("the child posted nothing; its stderr:\n{}", self.stderr());
            }
        }
    }

    fn stderr(&mut self) -> String {
        use std::io::Read;
        let mut text = String::new();
        if let Some(mut err) = self.child.stderr.take() {
            let _ = err.read_to_string(&mut text);
        }
        text
    }

    /// Waits (bounded) for the child to exit by itself.
    async fn exit(&mut self) -> ExitStatus {
        for _ in 0..(PATIENCE.as_millis() / 50) {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return status;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        panic!("the child did not exit after its init error");
    }

    fn next_calls(&self) -> u32 {
        *self.double.next_calls.lock().expect("lock")
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs one invocation of `event` and returns what the child posted for it.
async fn invoke(env: &[(&str, &str)], event: Value) -> Post {
    invoke_app("template", env, event).await
}

async fn invoke_app(app: &str, env: &[(&str, &str)], event: Value) -> Post {
    let mut run = Run::start(app, env, vec![event]).await;
    run.post().await
}

/// Expects a successful invocation and returns its response body.
async fn respond(env: &[(&str, &str)], event: Value) -> Value {
    respond_app("template", env, event).await
}

async fn respond_app(app: &str, env: &[(&str, &str)], event: Value) -> Value {
    match invoke_app(app, env, event).await {
        Post::Response { id, body } => {
            assert_eq!(id, request_id(1));
            body
        }
        other => panic!("expected a response, got {other:?}"),
    }
}

/// Expects an init error: its type, message, that the child exits with 1 and never asked for an event.
async fn init_fails(app: &str, env: &[(&str, &str)]) -> (String, String) {
    let mut run = Run::start(app, env, vec![json!({})]).await;
    let post = run.post().await;
    let status = run.exit().await;
    assert_eq!(status.code(), Some(1), "exit status; stderr:\n{}", run.stderr());
    assert_eq!(run.next_calls(), 0, "no invocation is fetched after an init error");
    match post {
        Post::InitError { error_type, body } => {
            let header = error_type.expect("the Lambda-Runtime-Function-Error-Type header");
            assert_eq!(body["errorType"], header.as_str());
            (header, body["errorMessage"].as_str().expect("errorMessage").to_owned())
        }
        other => panic!("expected an init error, got {other:?}"),
    }
}

const NAME: &str = "AWS_LAMBDA_FUNCTION_NAME";
/// A deployed name that matches no rule, for tests that select by another rule.
const ANY_NAME: (&str, &str) = (NAME, "some-deployed-name");

// ---------------------------------------------------------------- selection rules

#[tokio::test]
async fn rule_1_emu_function_selects_by_logical_id() {
    let body =
        respond(&[("EMU_FUNCTION", "Typed"), ("_HANDLER", "bootstrap"), ANY_NAME], json!({"name": "ferris"})).await;
    assert_eq!(body["greeting"], "hello ferris");
}

#[tokio::test]
async fn rule_1_wins_over_handler_and_name() {
    let env = [("EMU_FUNCTION", "Service"), ("_HANDLER", "greet::typed"), (NAME, "Typed")];
    let body = respond(&env, json!({"from": "rule 1"})).await;
    assert_eq!(body["event"], json!({"from": "rule 1"}));
}

#[tokio::test]
async fn rule_2_handler_naming_exactly_one_function() {
    let body = respond(&[("_HANDLER", "greet::typed"), ANY_NAME], json!({"name": "handler"})).await;
    assert_eq!(body["greeting"], "hello handler");
}

#[tokio::test]
async fn rule_3_function_name() {
    let body = respond(&[("_HANDLER", "bootstrap"), (NAME, "emu-test-service")], json!({"via": "FunctionName"})).await;
    assert_eq!((&body["event"]["via"], &body["function_name"]), (&json!("FunctionName"), &json!("emu-test-service")));
}

#[tokio::test]
async fn rule_3_logical_id() {
    let body = respond(&[(NAME, "Service")], json!({"via": "logical id"})).await;
    assert_eq!(body["event"]["via"], "logical id");
}

#[tokio::test]
async fn rule_3_cloudformation_generated_name() {
    let body = respond(&[(NAME, "pets-prod-Service-1U44TLUZ7OR55")], json!({"via": "generated"})).await;
    assert_eq!(body["event"]["via"], "generated");
}

#[tokio::test]
async fn rule_3_generated_name_with_a_truncated_logical_id() {
    // 64 characters: CloudFormation cut `ValueEchoFunctionWithAnUnusuallyLongLogicalIdentifier`.
    let name = "my-stack-ValueEchoFunctionWithAnUnusuallyLongLogic-1U44TLUZ7OR55";
    assert_eq!(name.len(), 64);
    let body = respond(&[(NAME, name)], json!({"via": "truncated"})).await;
    assert_eq!(body["event"]["via"], "truncated");
}

#[tokio::test]
async fn rule_3_serverless_service_stage_function_name() {
    let body = respond_app("serverless", &[(NAME, "pets-dev-hello")], json!({"via": "serverless"})).await;
    assert_eq!((&body["event"]["via"], &body["function_name"]), (&json!("serverless"), &json!("pets-dev-hello")));
}

#[tokio::test]
async fn rule_3_serverless_function_name_property() {
    let body = respond_app("serverless", &[(NAME, "custom-named")], json!({"via": "name"})).await;
    assert_eq!(body["event"]["via"], "name");
}

// ---------------------------------------------------------------- one invocation per handler shape

#[tokio::test]
async fn typed_event_gets_the_runtime_api_context_and_no_template_environment() {
    let body = respond(&[("EMU_FUNCTION", "Typed"), ANY_NAME], json!({"name": "ferris"})).await;
    assert_eq!(body, json!({"greeting": "hello ferris", "template_variable": null, "request_id": "request-1"}));
}

#[tokio::test]
async fn value_event_sees_every_runtime_api_header() {
    let env = [("EMU_FUNCTION", "ValueEchoFunctionWithAnUnusuallyLongLogicalIdentifier"), (NAME, "deployed")];
    let body = respond(&env, json!({"any": ["json", 1]})).await;
    assert_eq!(
        body,
        json!({
            "event": {"any": ["json", 1]},
            "request_id": "request-1",
            "arn": ARN,
            "deadline": DEADLINE_MS,
            "trace_id": TRACE,
            "function_name": "deployed",
        })
    );
}

#[tokio::test]
async fn service_handles_invocations_one_after_another() {
    let events = vec![json!({"n": 1}), json!({"n": 2})];
    let mut run = Run::start("template", &[(NAME, "emu-test-service")], events).await;
    for n in 1..=2 {
        match run.post().await {
            Post::Response { id, body } => {
                assert_eq!((id, &body["event"]["n"]), (request_id(n), &json!(n)));
            }
            other => panic!("expected a response, got {other:?}"),
        }
    }
}

#[cfg(feature = "lambda-http")]
fn http_api_event(path: &str) -> Value {
    json!({
        "version": "2.0",
        "routeKey": format!("GET {path}"),
        "rawPath": path,
        "rawQueryString": "",
        "headers": {"host": "abc123.execute-api.us-east-1.amazonaws.com", "accept": "*/*"},
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123",
            "domainName": "abc123.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "abc123",
            "http": {"method": "GET", "path": path, "protocol": "HTTP/1.1", "sourceIp": "192.0.2.1", "userAgent": "test"},
            "requestId": "gateway-request",
            "routeKey": format!("GET {path}"),
            "stage": "$default",
            "time": "01/Jan/2026:00:00:00 +0000",
            "timeEpoch": 1767225600000u64
        },
        "isBase64Encoded": false
    })
}

#[cfg(feature = "lambda-http")]
#[tokio::test]
async fn lambda_http_fn_answers_through_lambda_http() {
    let body = respond(&[("EMU_FUNCTION", "HttpFunction"), ANY_NAME], http_api_event("/dogs")).await;
    assert_eq!((&body["statusCode"], &body["body"]), (&json!(201), &json!("lambda_http saw /dogs")));
}

#[cfg(feature = "lambda-http")]
#[tokio::test]
async fn axum_lambdalith_routes_the_request() {
    let body = respond(&[("EMU_FUNCTION", "HttpRouter"), ANY_NAME], http_api_event("/pets")).await;
    assert_eq!((&body["statusCode"], &body["body"]), (&json!(200), &json!("axum lambdalith: pets")));
}

#[tokio::test]
async fn handler_error_is_posted_to_the_invocation_error_endpoint() {
    match invoke(&[("EMU_FUNCTION", "Failing"), ANY_NAME], json!({})).await {
        Post::Error { id, error_type, body } => {
            assert_eq!(id, request_id(1));
            assert_eq!(body["errorMessage"], "the handler failed on purpose");
            // lambda_runtime's own error report: header `unhandled`, `errorType` the Rust type name.
            assert!(error_type.is_some() && body["errorType"].is_string(), "{error_type:?} {body}");
        }
        other => panic!("expected an invocation error, got {other:?}"),
    }
}

#[tokio::test]
async fn panic_is_posted_as_an_error_and_the_runtime_keeps_serving() {
    let mut run = Run::start("template", &[("EMU_FUNCTION", "Panicking"), ANY_NAME], vec![json!({}), json!({})]).await;
    for n in 1..=2 {
        match run.post().await {
            Post::Error { id, body, .. } => {
                assert_eq!(id, request_id(n));
                let message = body["errorMessage"].as_str().unwrap_or_default();
                assert!(message.contains("the handler panicked on purpose"), "{body}");
            }
            other => panic!("expected an invocation error, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn deserialize_error_is_an_invocation_error() {
    match invoke(&[("EMU_FUNCTION", "Typed"), ANY_NAME], json!({"no": "name"})).await {
        Post::Error { body, .. } => {
            assert!(body["errorMessage"].as_str().unwrap_or_default().contains("name"), "{body}");
        }
        other => panic!("expected an invocation error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- init errors

#[tokio::test]
async fn unknown_emu_function_is_an_init_error() {
    let (kind, message) =
        init_fails("template", &[("EMU_FUNCTION", "Nope"), ("_HANDLER", "greet::typed"), ANY_NAME]).await;
    assert_eq!(kind, "Runtime.NoSuchHandler");
    assert!(message.contains("EMU_FUNCTION=Nope is not a logical id"), "{message}");
    assert!(message.contains("Typed (Handler `greet::typed`)"), "{message}");
}

#[tokio::test]
async fn no_match_is_an_init_error_listing_the_functions() {
    let (kind, message) = init_fails("template", &[("_HANDLER", "bootstrap"), ANY_NAME]).await;
    assert_eq!(kind, "Runtime.NoSuchHandler");
    assert!(message.contains("_HANDLER=bootstrap is the Handler of 6 functions"), "{message}");
    assert!(message.contains("AWS_LAMBDA_FUNCTION_NAME=some-deployed-name is no function's"), "{message}");
    assert!(message.contains("Service (Handler `bootstrap`, FunctionName `emu-test-service`)"), "{message}");
    assert!(message.contains("Set EMU_FUNCTION=<LogicalId>"), "{message}");
}

#[tokio::test]
async fn ambiguous_truncated_name_is_an_init_error() {
    // 64 characters whose logical id part, `Http`, begins both HttpFunction and HttpRouter.
    let name = format!("{}-Http-1U44TLUZ7OR55", "s".repeat(64 - "-Http-1U44TLUZ7OR55".len()));
    let (kind, message) = init_fails("template", &[(NAME, &name)]).await;
    assert_eq!(kind, "Runtime.NoSuchHandler");
    assert!(message.contains("more than one function (HttpFunction, HttpRouter)"), "{message}");
}

#[tokio::test]
async fn ignored_function_is_an_init_error() {
    let (kind, message) = init_fails("template", &[("_HANDLER", "app.handler"), ANY_NAME]).await;
    assert_eq!(kind, "Runtime.NoSuchHandler");
    assert!(message.contains("function Legacy (selected because _HANDLER"), "{message}");
    assert!(message.contains("listed as ignored"), "{message}");
}

#[tokio::test]
async fn unbound_function_is_an_init_error() {
    let (kind, message) = init_fails("typed-only", &[("EMU_FUNCTION", "Service"), ANY_NAME]).await;
    assert_eq!(kind, "Runtime.NoSuchHandler");
    assert!(message.contains("function Service (selected because EMU_FUNCTION) has no handler bound"), "{message}");
}

#[tokio::test]
async fn missing_lambda_variable_is_an_init_error_not_a_panic() {
    // Selected by rule 1, but lambda_runtime needs AWS_LAMBDA_FUNCTION_NAME (it would panic without it).
    let (kind, message) = init_fails("template", &[("EMU_FUNCTION", "Typed")]).await;
    assert_eq!(kind, "Runtime.ConfigInvalid");
    assert!(message.contains("AWS_LAMBDA_FUNCTION_NAME is not set"), "{message}");
}
