//! The Lambda Invoke API through `App::invoke_api_router()`: every invocation type, every form of `FunctionName`,
//! function errors as `X-Amz-Function-Error`, and the API's own errors with their status and `x-amzn-ErrorType`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::body::Body;
use base64::Engine as _;
use emu_runtime::model::{Function, Model};
use emu_runtime::{App, AppBuilder, Error, LambdaEvent};
use http::{Request, Response};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

type R = Result<Value, Error>;

/// `Echo` returns its event, request id and client context; `Fails`, `Panics`, `Sleeps` misbehave; `Counted` counts
/// its calls and fails; `Ignored` and `Unbound` cannot run.
fn app(calls: Arc<AtomicUsize>) -> App {
    let mut model = Model::from_routes(Vec::new(), Vec::new());
    let mut echo = Function::new("Echo");
    echo.name = "echo-fn".into();
    let mut aliased = Function::new("Aliased");
    aliased.alias = Some("live".into());
    let mut sleeps = Function::new("Sleeps");
    sleeps.timeout_secs = 1;
    model.functions = vec![
        echo,
        Function::new("Fails"),
        Function::new("Panics"),
        sleeps,
        Function::new("Counted"),
        Function::new("Ignored"),
        Function::new("Unbound"),
        aliased,
    ]
    .into();
    AppBuilder::from_model(model)
        .bind("Echo", |e: LambdaEvent<Value>| async move {
            let client = e.context.client_context.as_ref().map(|c| c.custom.clone());
            Ok::<_, Error>(json!({ "event": e.payload, "requestId": e.context.request_id, "custom": client }))
        })
        .bind("Fails", |_: LambdaEvent<Value>| async { Err::<Value, Error>("database unreachable".into()) })
        .bind("Panics", |_: LambdaEvent<Value>| async {
            if true {
                panic!("kaput");
            }
            Ok::<Value, Error>(Value::Null)
        })
        .bind("Sleeps", |_: LambdaEvent<Value>| async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok::<Value, Error>(Value::Null)
        })
        .bind("Counted", move |_: LambdaEvent<Value>| {
            let calls = calls.clone();
            async move {
                calls.fetch_add(1, Ordering::SeqCst);
                R::Err("always fails".into())
            }
        })
        .bind("Aliased", |_: LambdaEvent<Value>| async { Ok::<_, Error>(json!("aliased")) })
        .ignore("Ignored")
        .build()
}

async fn send(app: &App, req: Request<Body>) -> (Response<()>, Value) {
    let res = app.invoke_api_router().oneshot(req).await.expect("infallible");
    let (parts, body) = res.into_parts();
    let bytes = body.collect().await.expect("body").to_bytes();
    let json = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON body") };
    (Response::from_parts(parts, ()), json)
}

fn invoke(name: &str) -> http::request::Builder {
    Request::post(format!("/2015-03-31/functions/{name}/invocations"))
}

fn header<'a>(res: &'a Response<()>, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn request_response_by_every_form_of_function_name() {
    let app = app(Arc::default());
    for name in [
        "Echo",
        "echo-fn",
        "echo-fn:$LATEST",
        "arn:aws:lambda:us-east-1:123456789012:function:echo-fn",
        "123456789012:function:echo-fn",
        "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Aecho-fn",
    ] {
        let (res, body) = send(&app, invoke(name).body(Body::from(r#"{"a":1}"#)).unwrap()).await;
        assert_eq!(res.status(), 200, "{name}: {body}");
        assert_eq!(body["event"], json!({"a": 1}), "{name}");
        assert_eq!(header(&res, "x-amz-executed-version"), Some("$LATEST"));
        assert_eq!(header(&res, "x-amzn-requestid"), body["requestId"].as_str(), "the invocation's own request id");
        assert!(header(&res, "x-amz-function-error").is_none());
    }
    let (res, body) = send(
        &app,
        invoke("Echo").uri("/2015-03-31/functions/Echo/invocations?Qualifier=%24LATEST").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(res.status(), 200);
    assert_eq!(body["event"], json!({}), "no payload is `{{}}`, as the CLI sends none");
}

#[tokio::test]
async fn client_context_reaches_the_function() {
    let app = app(Arc::default());
    let ctx = base64::engine::general_purpose::STANDARD.encode(r#"{"custom":{"tenant":"acme"}}"#);
    let req = invoke("Echo").header("x-amz-client-context", ctx).body(Body::from("{}")).unwrap();
    let (res, body) = send(&app, req).await;
    assert_eq!(res.status(), 200);
    assert_eq!(body["custom"], json!({"tenant": "acme"}));
    let req = invoke("Echo").header("x-amz-client-context", "%%%").body(Body::from("{}")).unwrap();
    let (res, _) = send(&app, req).await;
    assert_eq!(res.status(), 400);
    assert_eq!(header(&res, "x-amzn-errortype"), Some("InvalidParameterValueException"));
}

#[tokio::test]
async fn function_errors_are_200_with_x_amz_function_error() {
    let app = app(Arc::default());
    let (res, body) = send(&app, invoke("Fails").body(Body::from("{}")).unwrap()).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "x-amz-function-error"), Some("Unhandled"));
    assert_eq!(body["errorMessage"], "database unreachable");
    let (res, body) = send(&app, invoke("Panics").body(Body::from("{}")).unwrap()).await;
    assert_eq!((res.status().as_u16(), header(&res, "x-amz-function-error")), (200, Some("Unhandled")));
    assert_eq!(body["errorType"], "Runtime.Panic");
}

#[tokio::test(start_paused = true)]
async fn a_timeout_is_lambdas_sandbox_timedout_payload() {
    let app = app(Arc::default());
    let (res, body) = send(&app, invoke("Sleeps").body(Body::from("{}")).unwrap()).await;
    assert_eq!((res.status().as_u16(), header(&res, "x-amz-function-error")), (200, Some("Unhandled")));
    assert_eq!(body["errorType"], "Sandbox.Timedout");
    let id = header(&res, "x-amzn-requestid").unwrap();
    assert_eq!(body["errorMessage"], format!("RequestId: {id} Error: Task timed out after 1.00 seconds"));
}

#[tokio::test]
async fn the_apis_own_errors() {
    let app = app(Arc::default());
    let cases = [
        (invoke("Nope").body(Body::from("{}")).unwrap(), 404, "ResourceNotFoundException"),
        (invoke("Echo:live").body(Body::from("{}")).unwrap(), 404, "ResourceNotFoundException"),
        (invoke("Ignored").body(Body::from("{}")).unwrap(), 404, "ResourceNotFoundException"),
        (invoke("Unbound").body(Body::from("{}")).unwrap(), 404, "ResourceNotFoundException"),
        (invoke("Echo").body(Body::from("{not json")).unwrap(), 400, "InvalidRequestContentException"),
        (
            invoke("Echo").body(Body::from(vec![b' '; 6 * 1024 * 1024 + 1])).unwrap(),
            413,
            "RequestEntityTooLargeException",
        ),
        (
            invoke("Echo").header("x-amz-invocation-type", "Later").body(Body::from("{}")).unwrap(),
            400,
            "InvalidParameterValueException",
        ),
        (
            invoke("Echo:a").uri("/2015-03-31/functions/Echo:a/invocations?Qualifier=b").body(Body::empty()).unwrap(),
            400,
            "InvalidParameterValueException",
        ),
        (Request::get("/2015-03-31/layers").body(Body::empty()).unwrap(), 404, "UnknownOperationException"),
    ];
    for (req, status, error_type) in cases {
        let uri = req.uri().to_string();
        let (res, body) = send(&app, req).await;
        assert_eq!(res.status(), status, "{uri}: {body}");
        assert_eq!(header(&res, "x-amzn-errortype"), Some(error_type), "{uri}");
        assert_eq!(body["Type"], "User", "{uri}");
        assert!(body["message"].is_string(), "{uri}");
    }
    let (_, body) = send(&app, invoke("Nope").body(Body::from("{}")).unwrap()).await;
    assert_eq!(body["message"], "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Nope:$LATEST");
}

#[tokio::test(start_paused = true)]
async fn event_invocations_answer_202_and_retry_twice() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = app(calls.clone());
    let req = invoke("Counted").header("x-amz-invocation-type", "Event").body(Body::from("{}")).unwrap();
    let (res, body) = send(&app, req).await;
    assert_eq!(res.status(), 202);
    assert_eq!(body, Value::Null, "an Event invocation's response has no body");
    // Paused time: the retry delays elapse as soon as every task waits.
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(calls.load(Ordering::SeqCst), 3, "the first attempt and two retries");
    let req =
        invoke("Echo").header("x-amz-invocation-type", "Event").body(Body::from(vec![b' '; 1024 * 1024 + 1])).unwrap();
    let (res, _) = send(&app, req).await;
    assert_eq!(res.status(), 413, "1 MB is the asynchronous limit");
}

#[tokio::test]
async fn dry_run_checks_without_invoking() {
    let calls = Arc::new(AtomicUsize::new(0));
    let app = app(calls.clone());
    let req = invoke("Counted").header("x-amz-invocation-type", "DryRun").body(Body::from("{}")).unwrap();
    let (res, _) = send(&app, req).await;
    assert_eq!(res.status(), 204);
    tokio::task::yield_now().await;
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    let req = invoke("Nope").header("x-amz-invocation-type", "DryRun").body(Body::from("{}")).unwrap();
    assert_eq!(send(&app, req).await.0.status(), 404);
}

#[tokio::test]
async fn list_and_get_functions() {
    let app = app(Arc::default());
    let (res, body) = send(&app, Request::get("/2015-03-31/functions/").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 200);
    let names: Vec<&str> =
        body["Functions"].as_array().unwrap().iter().map(|f| f["FunctionName"].as_str().unwrap()).collect();
    assert_eq!(names, ["echo-fn", "Fails", "Panics", "Sleeps", "Counted", "Ignored", "Unbound", "Aliased"]);
    let (res, body) = send(&app, Request::get("/2015-03-31/functions/Echo").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 200);
    let c = &body["Configuration"];
    assert_eq!(c["FunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:echo-fn");
    assert_eq!((c["Timeout"].as_u64(), c["MemorySize"].as_u64()), (Some(3), Some(128)));
    let (res, _) = send(&app, Request::get("/2015-03-31/functions/Nope").body(Body::empty()).unwrap()).await;
    assert_eq!(res.status(), 404);
}

#[tokio::test]
async fn log_type_tail_returns_the_invocations_log_lines() {
    let app = app(Arc::default());
    let req = invoke("Fails").header("x-amz-log-type", "Tail").body(Body::from("{}")).unwrap();
    let (res, _) = send(&app, req).await;
    let id = header(&res, "x-amzn-requestid").unwrap().to_owned();
    let log = base64::engine::general_purpose::STANDARD.decode(header(&res, "x-amz-log-result").unwrap()).unwrap();
    let log = String::from_utf8(log).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines[0], format!("START RequestId: {id} Version: $LATEST"));
    assert!(lines[1].contains("database unreachable"), "{log}");
    assert_eq!(lines[2], format!("END RequestId: {id}"));
    assert!(lines[3].starts_with(&format!("REPORT RequestId: {id}\tDuration: ")), "{log}");
    let (res, _) = send(&app, invoke("Echo").body(Body::from("{}")).unwrap()).await;
    assert!(header(&res, "x-amz-log-result").is_none(), "no Tail, no log");
    let req = invoke("Echo").header("x-amz-log-type", "Everything").body(Body::from("{}")).unwrap();
    assert_eq!(send(&app, req).await.0.status(), 400);
}

#[tokio::test]
async fn an_auto_publish_alias_and_its_version_are_qualifiers() {
    let app = app(Arc::default());
    for name in ["Aliased:live", "Aliased:1", "arn:aws:lambda:us-east-1:123456789012:function:Aliased:live"] {
        let (res, body) = send(&app, invoke(name).body(Body::from("{}")).unwrap()).await;
        assert_eq!((res.status().as_u16(), body), (200, json!("aliased")), "{name}");
        assert_eq!(header(&res, "x-amz-executed-version"), Some("1"), "{name}");
    }
    let (res, _) = send(&app, invoke("Aliased").body(Body::from("{}")).unwrap()).await;
    assert_eq!(header(&res, "x-amz-executed-version"), Some("$LATEST"));
    let (res, body) = send(&app, invoke("Aliased:prod").body(Body::from("{}")).unwrap()).await;
    assert_eq!(res.status(), 404);
    assert_eq!(body["message"], "Function not found: arn:aws:lambda:us-east-1:123456789012:function:Aliased:prod");
}

#[test]
fn the_batch_response_shape_is_the_captured_one() {
    // example-sqs-batch-response.json (lambda-events-fixtures), as App::invoke_batch reads it.
    let fixture = json!({"batchItemFailures": [{"itemIdentifier": "id2"}, {"itemIdentifier": "id4"}]});
    let typed: aws_lambda_events::event::sqs::SqsBatchResponse = serde_json::from_value(fixture).unwrap();
    assert_eq!(typed.batch_item_failures.len(), 2);
}
