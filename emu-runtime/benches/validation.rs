//! Per-request cost of REST request validation, in-process (`Router::oneshot`), beside the same request unvalidated:
//! a `POST` with a required query parameter, a required header and a ~1 KB JSON body. `unvalidated` has no validator;
//! `parameters` checks the two parameters; `parameters_and_body` checks them and the body against a draft-4 model
//! (an object of typed, patterned and bounded properties plus an array of items through a second model's `$ref`).
//! Then an interleaved run prints each case's time added over `unvalidated`.
//!
//! `cargo bench -p emu-runtime --bench validation -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Instant;

use axum::body::Body;
use criterion::Criterion;
use emu_runtime::model::{
    Api, ApiKind, BodyModel, Method, Model, ParameterLocation, PayloadVersion, RequestModel, RequestParameter,
    RequestValidation, Route,
};
use emu_runtime::{App, AppBuilder, Error, LambdaEvent};
use http::Request;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

fn validated(path: &str, body: bool) -> Route {
    let mut r = Route::new(Method::Post, path, "Rest", "Hello", PayloadVersion::V1);
    let p = |location, name: &str| RequestParameter { location, name: name.to_owned().into() };
    r.validation = Some(RequestValidation {
        validator: "bench".into(),
        validate_body: body,
        validate_parameters: true,
        required_parameters: vec![p(ParameterLocation::Query, "shelter"), p(ParameterLocation::Header, "x-trace")]
            .into(),
        body_models: vec![BodyModel { content_type: "application/json".into(), model: "Order".into() }].into(),
    });
    r
}

fn model(name: &str, schema: &Value) -> RequestModel {
    RequestModel {
        api: "Rest".into(),
        name: name.to_owned().into(),
        schema: schema.to_string().into(),
        location: Default::default(),
    }
}

fn app() -> App {
    // SAFETY: called first in `main`, before the runtime or any other thread exists.
    unsafe { std::env::set_var("EMU_PLATFORM_LOG", "off") };
    let mut m = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest)],
        vec![
            Route::new(Method::Post, "/unvalidated", "Rest", "Hello", PayloadVersion::V1),
            validated("/parameters", false),
            validated("/both", true),
        ],
    );
    let item = json!({"type": "object", "required": ["sku", "quantity"], "properties": {
        "sku": {"type": "string", "pattern": "^[A-Z]{3}-[0-9]{4}$"},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 100},
        "note": {"type": "string", "maxLength": 200}}});
    let order = json!({"type": "object", "required": ["customer", "items"], "properties": {
        "customer": {"type": "string", "minLength": 1},
        "email": {"type": "string"},
        "express": {"type": "boolean"},
        "items": {"type": "array", "maxItems": 50, "items": {"$ref": RequestModel::url("Rest", "Item")}}}});
    m.request_models = vec![model("Order", &order), model("Item", &item)].into();
    let hello = |_: LambdaEvent<Value>| async { Ok::<_, Error>(json!({"statusCode": 200, "body": "{\"ok\":true}"})) };
    AppBuilder::from_model(m).bind("Hello", hello).build()
}

/// A ~1 KB order: 12 items.
fn body() -> Vec<u8> {
    let items: Vec<Value> = (0..12)
        .map(|i| json!({"sku": format!("ABC-{:04}", 1000 + i), "quantity": i + 1, "note": "leave at the door please"}))
        .collect();
    serde_json::to_vec(&json!({"customer": "Ada", "email": "ada@example.com", "express": true, "items": items}))
        .expect("json")
}

fn request(uri: &str, body: &[u8]) -> Request<Body> {
    Request::post(format!("{uri}?shelter=north"))
        .header("host", "localhost:3000")
        .header("user-agent", "bench")
        .header("content-type", "application/json")
        .header("x-trace", "abc")
        .body(Body::from(body.to_vec()))
        .expect("request")
}

async fn one(router: &axum::Router, uri: &str, body: &[u8]) -> u16 {
    let res = router.clone().oneshot(request(uri, body)).await.expect("infallible");
    let status = res.status().as_u16();
    let _ = res.into_body().collect().await.expect("body");
    status
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let router = app().router();
    let body = body();
    let cases = [("unvalidated", "/unvalidated"), ("parameters", "/parameters"), ("parameters_and_body", "/both")];
    for (name, uri) in cases {
        assert_eq!(rt.block_on(one(&router, uri, &body)), 200, "{name}: the benchmark's request must pass");
    }
    assert_eq!(rt.block_on(one(&router, "/both", b"{}")), 400, "the validator must be on");
    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("validation");
    for (name, uri) in cases {
        g.bench_function(name, |b| b.iter(|| rt.block_on(one(&router, black_box(uri), &body))));
    }
    g.finish();
    c.final_summary();

    // Interleaved: each case right after `unvalidated`, so drift on a busy machine hits both alike.
    let rounds = 20_000u32;
    let mut totals = [0f64; 3];
    for _ in 0..rounds {
        for (i, (_, uri)) in cases.iter().enumerate() {
            let t = Instant::now();
            rt.block_on(one(&router, uri, &body));
            totals[i] += t.elapsed().as_nanos() as f64;
        }
    }
    let base = totals[0] / f64::from(rounds);
    println!("interleaved, {rounds} rounds (mean per request, {} B body):", body.len());
    for ((name, _), total) in cases.iter().zip(&totals) {
        let mean = total / f64::from(rounds);
        println!(
            "  {name:<20} {:>8.2} µs   {:>5.2}x unvalidated   +{:>7.2} µs",
            mean / 1000.0,
            mean / base,
            (mean - base) / 1000.0
        );
    }
}
