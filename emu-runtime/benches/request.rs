//! Per-request cost of the emulator, measured side by side with a bare axum baseline in the same run.
//!
//! * `in_process/*`: `GET` through `Router::oneshot` (router cloned per request, as oneshot needs, in both):
//!   `bare` is an axum route returning `{"message":"hello world"}` as `Json`; `emu_rest_v1`, `emu_http_v2` and
//!   `emu_rest_v1_typed`, `emu_http_v2_lambda_http` are the same answer from Lambda handlers bound by `lambda_app!` (`benches/hello.yaml`).
//! * `lambda/invoke_api`, `lambda/app_invoke`: the REST handler called through the Lambda Invoke API router and
//!   through `App::invoke`, with no API Gateway in front.
//! * `event/*` and `response/*`: building the Lambda event and parsing the function's output alone, for a typical
//!   request (6 headers, a 3-pair query string, a 1 KB JSON body) and a 1 KB JSON response: `build_*` as the
//!   `Value` the access stage uses, `write_*` as the bytes a function is handed; `parse_*` from a `Value`,
//!   `parse_*_bytes` from the bytes a typed handler's output is.
//! * `console/*`: the same requests with the console off (no recorder: the default) and on
//!   (`App::with_console`: each request, its event, Context, log and response kept in the ring): `GET /hello` and a
//!   typical `POST /items` (6 headers, a query string, a 1 KB JSON body echoed back).
//! * After criterion, an interleaved A/B run (bare, emu, bare, emu, ...) prints the in-process ratios and the time
//!   added per request, which drifts less than separate criterion groups on a busy machine.
//!
//! `cargo bench -p emu-runtime --features bench-internals --bench request -- --warm-up-time 1 --measurement-time 3`

#[path = "support/hello.rs"]
mod hello;

use std::hint::black_box;
use std::time::{Duration, Instant};

use axum::body::Body;
use bytes::Bytes;
use criterion::{BatchSize, Criterion};
use emu_runtime::bench_internals::Route;
use emu_runtime::model::{Api, ApiKind, Function, Method, Model, PayloadVersion};
use emu_runtime::{App, AppBuilder, ConsoleOptions, Error, LambdaEvent};
use http::Request;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime")
}

/// One request as a client sends it: a few headers, no body.
fn request(uri: &str) -> Request<Body> {
    Request::get(uri)
        .header("host", "localhost:3000")
        .header("user-agent", "bench")
        .header("accept", "application/json")
        .body(Body::empty())
        .expect("request")
}

/// Sends one request through a clone of `router` and reads the whole body.
async fn one(router: &axum::Router, uri: &str) -> Bytes {
    let res = router.clone().oneshot(request(uri)).await.expect("infallible");
    debug_assert_eq!(res.status(), 200);
    res.into_body().collect().await.expect("body").to_bytes()
}

const CASES: [(&str, &str); 4] = [
    ("emu_rest_v1", "/hello"),
    ("emu_http_v2", "/v2/hello"),
    ("emu_rest_v1_typed", "/typed/hello"),
    ("emu_http_v2_lambda_http", "/lh/hello"),
];

fn in_process(c: &mut Criterion, rt: &tokio::runtime::Runtime, emu: &axum::Router, bare: &axum::Router) {
    let mut g = c.benchmark_group("in_process");
    g.bench_function("bare", |b| b.iter(|| rt.block_on(one(bare, black_box("/hello")))));
    for (name, uri) in CASES {
        g.bench_function(name, |b| b.iter(|| rt.block_on(one(emu, black_box(uri)))));
    }
    g.finish();
}

/// The same `Value` handler reached through the Lambda Invoke API (`POST .../functions/HelloRest/invocations`,
/// a 2-key JSON payload) and through `App::invoke`, beside the API Gateway path of `in_process/emu_rest_v1`.
fn invoke_api(c: &mut Criterion, rt: &tokio::runtime::Runtime, app: &emu_runtime::App) {
    let router = app.invoke_api_router();
    let payload = Bytes::from_static(br#"{"path":"/hello","httpMethod":"GET"}"#);
    let mut g = c.benchmark_group("lambda");
    g.bench_function("invoke_api", |b| {
        b.iter(|| {
            rt.block_on(async {
                let req = Request::post("/2015-03-31/functions/HelloRest/invocations")
                    .body(Body::from(payload.clone()))
                    .expect("request");
                let res = router.clone().oneshot(req).await.expect("infallible");
                debug_assert_eq!(res.status(), 200);
                res.into_body().collect().await.expect("body").to_bytes()
            })
        })
    });
    g.bench_function("app_invoke", |b| {
        b.iter(|| rt.block_on(app.invoke("HelloRest", json!({"path": "/hello", "httpMethod": "GET"}))).expect("ok"))
    });
    g.finish();
}

/// A typical API request: 6 headers, a query string, a 1 KB JSON body.
fn typical_request() -> Request<Bytes> {
    let items: Vec<Value> =
        (0..12).map(|i| json!({"id": i, "name": format!("item {i}"), "tags": ["a", "b"], "price": 9.5})).collect();
    let mut body = json!({ "items": items }).to_string();
    body.truncate(body.len().min(1024));
    while body.len() < 1024 {
        body.push(' ');
    }
    Request::post("/items?page=2&limit=20&sort=name")
        .header("host", "abc123.execute-api.us-east-1.amazonaws.com")
        .header("user-agent", "Mozilla/5.0 (X11; Linux x86_64) bench/1.0")
        .header("accept", "application/json")
        .header("content-type", "application/json")
        .header("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjMifQ.sig")
        .header("x-forwarded-for", "203.0.113.7")
        .body(Bytes::from(body))
        .expect("request")
}

/// An app with one `POST /items` route on a `kind` API (REST: stage `Prod`, payload 1.0; HTTP: `$default`, 2.0).
fn items_app(kind: ApiKind) -> App {
    let mut api = Api::new("Api", kind);
    if kind == ApiKind::Rest {
        api.stage = "Prod".into();
    }
    let payload = if kind == ApiKind::Rest { PayloadVersion::V1 } else { PayloadVersion::V2 };
    let mut model = Model::from_routes(
        vec![api],
        vec![emu_runtime::model::Route::new(Method::Post, "/items", "Api", "Items", payload)],
    );
    model.functions = vec![Function::new("Items")].into();
    AppBuilder::from_model(model)
        .bind("Items", |e: LambdaEvent<Value>| async move { Ok::<_, Error>(e.payload) })
        .build()
}

fn events(c: &mut Criterion) {
    let req = typical_request();
    assert_eq!(req.body().len(), 1024);
    let (rest_app, http_app) = (items_app(ApiKind::Rest), items_app(ApiKind::Http));
    let rest = Route::find(&rest_app, &http::Method::POST, "/items").expect("REST route");
    let http = Route::find(&http_app, &http::Method::POST, "/items").expect("HTTP API route");
    let mut g = c.benchmark_group("event");
    g.bench_function("build_rest_v1", |b| b.iter(|| rest.build_event(black_box(&req))));
    g.bench_function("build_http_v2", |b| b.iter(|| http.build_event(black_box(&req))));
    g.bench_function("write_rest_v1", |b| b.iter(|| rest.write_event(black_box(&req))));
    g.bench_function("write_http_v2", |b| b.iter(|| http.write_event(black_box(&req))));
    g.finish();

    let body = String::from_utf8(req.body().to_vec()).expect("utf-8");
    let v1 = json!({
        "statusCode": 200,
        "headers": { "content-type": "application/json", "x-request-id": "abc" },
        "multiValueHeaders": { "set-cookie": ["a=1", "b=2"] },
        "body": body,
        "isBase64Encoded": false,
    });
    let v2 = json!({
        "statusCode": 200,
        "headers": { "content-type": "application/json", "x-request-id": "abc" },
        "cookies": ["a=1", "b=2"],
        "body": body,
        "isBase64Encoded": false,
    });
    let mut g = c.benchmark_group("response");
    // The output is moved into parse; cloning it is setup, not measured.
    g.bench_function("parse_rest_v1", |b| {
        b.iter_batched(|| v1.clone(), |o| rest.parse_response(o), BatchSize::SmallInput)
    });
    g.bench_function("parse_http_v2", |b| {
        b.iter_batched(|| v2.clone(), |o| http.parse_response(o), BatchSize::SmallInput)
    });
    let (b1, b2) = (serde_json::to_vec(&v1).expect("json"), serde_json::to_vec(&v2).expect("json"));
    g.bench_function("parse_rest_v1_bytes", |b| b.iter(|| rest.parse_response_bytes(black_box(&b1))));
    g.bench_function("parse_http_v2_bytes", |b| b.iter(|| http.parse_response_bytes(black_box(&b2))));
    g.finish();
}

/// The console off and on, side by side, for the hello route and a typical request with a body.
fn console(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let (off, on) = (hello::hello().router(), hello::hello().with_console(ConsoleOptions::default()).router());
    let items_off = items_app(ApiKind::Rest).router();
    let items_on = items_app(ApiKind::Rest).with_console(ConsoleOptions::default()).router();
    let req = typical_request();
    let post = |router: &axum::Router| {
        let (parts, body) = req.clone().into_parts();
        let req = Request::from_parts(parts, Body::from(body));
        let router = router.clone();
        async move {
            let res = router.oneshot(req).await.expect("infallible");
            debug_assert_eq!(res.status(), 200);
            res.into_body().collect().await.expect("body").to_bytes()
        }
    };
    let mut g = c.benchmark_group("console");
    g.bench_function("off_get_hello", |b| b.iter(|| rt.block_on(one(&off, black_box("/hello")))));
    g.bench_function("on_get_hello", |b| b.iter(|| rt.block_on(one(&on, black_box("/hello")))));
    g.bench_function("off_post_items_1k", |b| b.iter(|| rt.block_on(post(&items_off))));
    g.bench_function("on_post_items_1k", |b| b.iter(|| rt.block_on(post(&items_on))));
    g.finish();
}

/// Alternates the console off and on for `GET /hello` and prints the median per-request times and their ratio.
fn interleaved_console(rt: &tokio::runtime::Runtime) {
    const ROUNDS: usize = 15;
    let n = 20_000;
    let (off, on) = (hello::hello().router(), hello::hello().with_console(ConsoleOptions::default()).router());
    let time = |router: &axum::Router| {
        let started = Instant::now();
        rt.block_on(async {
            for _ in 0..n {
                black_box(one(router, "/hello").await);
            }
        });
        started.elapsed() / n
    };
    let (mut a, mut b): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        a.push(time(&off));
        b.push(time(&on));
    }
    a.sort();
    b.sort();
    let (a, b) = (a[ROUNDS / 2].as_secs_f64() * 1e6, b[ROUNDS / 2].as_secs_f64() * 1e6);
    println!("  console GET /hello  off {a:7.2} µs  on  {b:7.2} µs  ratio {:5.2}x  added {:6.2} µs", b / a, b - a);
}

/// Alternates bare and emu in rounds of `n` requests and prints the median per-request times and ratios.
fn interleaved(rt: &tokio::runtime::Runtime, emu: &axum::Router, bare: &axum::Router) {
    const ROUNDS: usize = 15;
    let n = 20_000;
    let time = |router: &axum::Router, uri: &str| {
        let started = Instant::now();
        rt.block_on(async {
            for _ in 0..n {
                black_box(one(router, uri).await);
            }
        });
        started.elapsed() / n
    };
    println!("\ninterleaved A/B: {ROUNDS} rounds of {n} requests each, median per request");
    for (name, uri) in CASES {
        let (mut a, mut b): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            a.push(time(bare, "/hello"));
            b.push(time(emu, uri));
        }
        a.sort();
        b.sort();
        let (a, b) = (a[ROUNDS / 2].as_secs_f64() * 1e6, b[ROUNDS / 2].as_secs_f64() * 1e6);
        println!("  {name:<18} bare {a:7.2} µs  emu {b:7.2} µs  ratio {:5.2}x  added {:6.2} µs", b / a, b - a);
    }
}

fn main() {
    // The emulator's own cost: the platform's START/END/REPORT lines are not printed (they are with `PRINT=1`;
    // docs/benchmarks.md has both figures).
    if std::env::var_os("PRINT").is_none() {
        // SAFETY: the first statement of main, before any other thread exists.
        unsafe { std::env::set_var("EMU_PLATFORM_LOG", "off") };
    }
    let args: Vec<String> = std::env::args().collect();
    let quick = args.iter().any(|a| a == "--test" || a == "--list");
    let rt = runtime();
    let emu = hello::hello().router();
    let bare = hello::bare();
    for uri in ["/hello", "/v2/hello", "/typed/hello", "/lh/hello"] {
        let a = rt.block_on(one(&bare, uri));
        let b = rt.block_on(one(&emu, uri));
        assert_eq!(serde_json::from_slice::<Value>(&a).unwrap(), serde_json::from_slice::<Value>(&b).unwrap(), "{uri}");
    }
    let mut c = Criterion::default().configure_from_args();
    in_process(&mut c, &rt, &emu, &bare);
    invoke_api(&mut c, &rt, &hello::hello());
    events(&mut c);
    console(&mut c, &rt);
    c.final_summary();
    if !quick {
        interleaved(&rt, &emu, &bare);
        interleaved_console(&rt);
    }
}
