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
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
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

/// Serves `router` on a local port and times `n` sequential keep-alive requests over one TCP connection.
async fn time_tcp(router: axum::Router, uri: &str, n: u32) -> Duration {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>()).await.unwrap();
    });
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let request =
        format!("GET {uri} HTTP/1.1\r\nHost: localhost\r\nUser-Agent: bench\r\nAccept: application/json\r\n\r\n");
    let mut buf = vec![0u8; 16 * 1024];
    let mut one = async |stream: &mut TcpStream| {
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut got = 0;
        loop {
            let k = stream.read(&mut buf[got..]).await.unwrap();
            assert!(k > 0, "connection closed");
            got += k;
            let text = String::from_utf8_lossy(&buf[..got]);
            if let Some(end) = text.find("\r\n\r\n") {
                let len = text[..end]
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length: ")
                            .map(|v| v.trim().parse::<usize>().unwrap())
                    })
                    .unwrap_or(0);
                if got >= end + 4 + len {
                    assert!(text.starts_with("HTTP/1.1 200"), "{text}");
                    break;
                }
            }
        }
    };
    for _ in 0..200 {
        one(&mut stream).await;
    }
    let started = Instant::now();
    for _ in 0..n {
        one(&mut stream).await;
    }
    let per = started.elapsed() / n;
    server.abort();
    per
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "benchmark: run explicitly, preferably with --release"]
async fn per_request_overhead_over_tcp() {
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
    let n = 5_000;
    let b = time_tcp(bare, "/dogs/7", n).await;
    let r = time_tcp(app.router(), "/dogs/7", n).await;
    let v = time_tcp(app.router(), "/v2/dogs/7", n).await;
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("TCP bare axum:        {:>8.2} µs/request", us(b));
    println!("TCP emulated REST v1: {:>8.2} µs/request ({:.2}x, +{:.2} µs)", us(r), us(r) / us(b), us(r) - us(b));
    println!("TCP emulated HTTP v2: {:>8.2} µs/request ({:.2}x, +{:.2} µs)", us(v), us(v) / us(b), us(v) - us(b));
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
