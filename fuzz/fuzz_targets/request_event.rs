//! The request path on arbitrary requests: method, path and query, headers and body from the fuzzer, through
//! `App::handle` (Host check, matching, body limits, the 1.0 and 2.0 events) into an event handler and a
//! `lambda_http` handler. Never a panic, and never one caught quietly inside `lambda_http`'s conversion.
#![no_main]

use std::sync::LazyLock;

use emu_runtime::model::{Api, ApiKind, Method, Model, PayloadVersion, Route};
use emu_runtime::{App, AppBuilder, AppOptions, LambdaEvent};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

static APP: LazyLock<App> = LazyLock::new(|| {
    let mut staged = Api::new("Staged", ApiKind::Rest);
    staged.stage = "dev".into();
    staged.stage_in_url = true;
    let model = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http), staged],
        vec![
            Route::new(Method::Get, "/e/{id}", "Rest", "Event", PayloadVersion::V1),
            Route::new(Method::Any, "/l/{proxy+}", "Rest", "Lh", PayloadVersion::V1),
            Route::new(Method::Any, "/h/{proxy+}", "Http", "Lh", PayloadVersion::V2),
            Route::new(Method::Post, "/h1/{a}/{b}", "Http", "Event", PayloadVersion::V1),
            Route::new(Method::Any, "$default", "Http", "Event", PayloadVersion::V2),
            Route::new(Method::Any, "/{proxy+}", "Staged", "Lh", PayloadVersion::V1),
        ],
    );
    AppBuilder::from_model(model)
        .options(AppOptions::default().max_request_body(64 * 1024))
        .bind("Event", |e: LambdaEvent<Value>| async move {
            Ok::<_, emu_runtime::Error>(json!({"statusCode": 200, "body": e.payload.to_string()}))
        })
        .bind("Lh", |req: emu_runtime::lambda_http::Request| async move {
            Ok::<_, emu_runtime::Error>(format!("{} {}", req.method(), req.uri()))
        })
        .build()
});

static RT: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"));

/// Splits the input into a request: NUL-separated method, target, then `name:value` header lines, then the body.
fn request(data: &[u8]) -> Option<http::Request<axum::body::Body>> {
    let mut parts = data.splitn(4, |b| *b == 0);
    let method = http::Method::from_bytes(parts.next()?).ok()?;
    let target = http::Uri::try_from(parts.next()?).ok()?;
    let headers = parts.next().unwrap_or_default();
    let body = parts.next().unwrap_or_default().to_vec();
    let mut req = http::Request::builder().method(method).uri(target);
    for line in headers.split(|b| *b == b'\n') {
        let Some(colon) = line.iter().position(|b| *b == b':') else { continue };
        let (Ok(name), Ok(value)) =
            (http::HeaderName::from_bytes(&line[..colon]), http::HeaderValue::from_bytes(&line[colon + 1..]))
        else {
            continue;
        };
        req = req.header(name, value);
    }
    req.body(axum::body::Body::from(body)).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some(req) = request(data) else { return };
    let before = emu_runtime::bench_internals::lambda_http_panics();
    RT.block_on(async {
        let res = APP.handle(req).await;
        let _ = res.into_body().collect().await;
    });
    assert_eq!(
        emu_runtime::bench_internals::lambda_http_panics(),
        before,
        "a request the gateway let through made lambda_http's conversion panic"
    );
});
