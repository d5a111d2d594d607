//! Per-request overhead of the emulated gateway versus a bare axum route doing the same work.
//! Ignored by default; run `cargo test -p emu-runtime --release --test overhead -- --ignored --nocapture`.

mod common;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Path;
use axum::routing::get;
use common::*;
use emu_runtime::__private::{ApiKind, AppBuilder, Method as M, PayloadVersion as P};
use emu_runtime::LambdaEvent;
use http::Request;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

async fn dog(e: LambdaEvent<Value>) -> Result<Value, emu_runtime::Error> {
    let id = e.payload["pathParameters"]["id"].as_str().unwrap_or_default().to_owned();
    Ok(json!({"statusCode": 200, "body": json!({"id": id}).to_string()}))
}

async fn dog_v2(e: LambdaEvent<Value>) -> Result<Value, emu_runtime::Error> {
    let id = e.payload["pathParameters"]["id"].as_str().unwrap_or_default().to_owned();
    Ok(json!({"id": id}))
}

async fn time(router: &axum::Router, uri: &str, n: u32) -> Duration {
    let started = Instant::now();
    for _ in 0..n {
        let req = Request::get(uri)
            .header("user-agent", "bench")
            .header("accept", "application/json")
            .header("host", "localhost:3000")
            .body(Body::empty())
            .unwrap();
        let res = router.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), 200);
        let _ = res.into_body().collect().await.unwrap();
    }
    started.elapsed() / n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly, preferably with --release"]
async fn per_request_overhead_versus_bare_axum() {
    let bare = axum::Router::new().route(
        "/dogs/{id}",
        get(|Path(id): Path<String>| async move {
            ([(http::header::CONTENT_TYPE, "application/json")], json!({"id": id}).to_string())
        }),
    );
    let app = AppBuilder::from_model(model(
        vec![api("Rest", ApiKind::Rest), api("Http", ApiKind::Http)],
        vec![route(M::Get, "/dogs/{id}", "Rest", "Dog", P::V1), route(M::Get, "/v2/dogs/{id}", "Http", "DogV2", P::V2)],
    ))
    .bind("Dog", dog)
    .bind("DogV2", dog_v2)
    .build();
    let ours = app.router();
    let n = 20_000;
    // Warm up.
    time(&bare, "/dogs/7", 1000).await;
    time(&ours, "/dogs/7", 1000).await;
    let b = time(&bare, "/dogs/7", n).await;
    let r = time(&ours, "/dogs/7", n).await;
    let v = time(&ours, "/v2/dogs/7", n).await;
    println!("bare axum:        {:>8.2} µs/request", b.as_secs_f64() * 1e6);
    println!(
        "emulated REST v1: {:>8.2} µs/request ({:.2}x, +{:.2} µs)",
        r.as_secs_f64() * 1e6,
        r.as_secs_f64() / b.as_secs_f64(),
        (r.as_secs_f64() - b.as_secs_f64()) * 1e6
    );
    println!(
        "emulated HTTP v2: {:>8.2} µs/request ({:.2}x, +{:.2} µs)",
        v.as_secs_f64() * 1e6,
        v.as_secs_f64() / b.as_secs_f64(),
        (v.as_secs_f64() - b.as_secs_f64()) * 1e6
    );
}
