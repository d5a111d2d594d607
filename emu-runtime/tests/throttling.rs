//! `ReservedConcurrentExecutions`: invocations beyond it are throttled, as Lambda throttles them — 429
//! `TooManyRequestsException` on the Invoke API, and API Gateway's 500 for a rejected invocation on the API port.

use std::sync::Arc;

use axum::body::Body;
use emu_runtime::model::{Api, ApiKind, Function, Method, Model, PayloadVersion, Route};
use emu_runtime::{App, AppBuilder, Error, InvokeError, LambdaEvent};
use http::Request;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tokio::sync::Notify;
use tower::ServiceExt;

/// `One` may run once at a time: it signals `started`, then waits for `release`; `Zero` has a reserved concurrency
/// of 0.
fn app(started: Arc<Notify>, release: Arc<Notify>) -> App {
    let mut one = Function::new("One");
    one.reserved_concurrency = Some(1);
    let mut zero = Function::new("Zero");
    zero.reserved_concurrency = Some(0);
    let mut model = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)],
        vec![
            Route::new(Method::Get, "/zero", "Rest", "Zero", PayloadVersion::V1),
            Route::new(Method::Get, "/h/zero", "Http", "Zero", PayloadVersion::V2),
        ],
    );
    model.functions = vec![one, zero].into();
    AppBuilder::from_model(model)
        .bind("One", move |_: LambdaEvent<Value>| {
            let (started, release) = (started.clone(), release.clone());
            async move {
                started.notify_one();
                release.notified().await;
                Ok::<_, Error>(json!("done"))
            }
        })
        .bind("Zero", |_: LambdaEvent<Value>| async { Ok::<_, Error>(json!({"statusCode": 200})) })
        .build()
}

#[tokio::test]
async fn a_second_concurrent_invocation_is_throttled_and_the_first_finishes() {
    let (started, release) = (Arc::new(Notify::new()), Arc::new(Notify::new()));
    let app = app(started.clone(), release.clone());
    let first = tokio::spawn({
        let app = app.clone();
        async move { app.invoke("One", json!({})).await }
    });
    // The first invocation is running and holds the only permit.
    started.notified().await;
    assert_eq!(app.invoke("One", json!({})).await, Err(InvokeError::Throttled { function: "One".into(), limit: 1 }));
    let req = Request::post("/2015-03-31/functions/One/invocations").body(Body::from("{}")).unwrap();
    let res = app.invoke_api_router().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 429);
    assert_eq!(res.headers()["x-amzn-errortype"], "TooManyRequestsException");
    let body: Value = serde_json::from_slice(&res.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(
        body,
        json!({"Reason": "ReservedFunctionConcurrentInvocationLimitExceeded", "Type": "User", "message": "Rate Exceeded."})
    );
    release.notify_one();
    assert_eq!(first.await.unwrap(), Ok(json!("done")));
    // The permit is back: the next invocation runs.
    let next = tokio::spawn({
        let app = app.clone();
        async move { app.invoke("One", json!({})).await }
    });
    started.notified().await;
    release.notify_one();
    assert_eq!(next.await.unwrap(), Ok(json!("done")));
}

#[tokio::test]
async fn reserved_concurrency_zero_throttles_every_call_and_api_gateway_answers_500() {
    let app = app(Arc::new(Notify::new()), Arc::new(Notify::new()));
    assert_eq!(app.invoke("Zero", json!({})).await, Err(InvokeError::Throttled { function: "Zero".into(), limit: 0 }));
    let rest = app.client().get("/zero").await;
    assert_eq!(rest.status(), 500, "REST: a rejected Lambda invocation is 500, not the 502 of a failed function");
    assert_eq!(rest.text(), r#"{"message": "Internal server error"}"#);
    assert_eq!(rest.header("x-amzn-errortype"), Some("InternalServerErrorException"));
    let http = app.client().get("/h/zero").await;
    assert_eq!((http.status(), http.text().as_str()), (500, r#"{"message":"Internal Server Error"}"#));
}
