//! Per-request cost of the access stage, in-process (`Router::oneshot`), beside the same route without it:
//! `open` (no authorizer), `lambda_token_hit` (a TOKEN authorizer answering from its cache), `lambda_token_miss`
//! (TTL 0: the authorizer function runs on every request), `jwt_es256` (an HTTP API JWT authorizer verifying a
//! local-issuer ES256 token), `api_key` (REST, an `x-api-key` check alone). Then an interleaved run prints each
//! case's time added over `open`.
//!
//! `cargo bench -p emu-runtime --bench auth -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::time::Instant;

use axum::body::Body;
use criterion::Criterion;
use emu_runtime::model::{
    Api, ApiKey, ApiKind, Authorization, Authorizer, AuthorizerFunction, AuthorizerKind, Function, IdentitySource,
    Method, Model, PayloadVersion, Route, RouteAuth,
};
use emu_runtime::{App, AppBuilder, Error, LambdaEvent};
use http::Request;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tower::ServiceExt;

fn route(path: &str, api: &str, payload: PayloadVersion, auth: RouteAuth) -> Route {
    let mut r = Route::new(Method::Get, path, api, "Hello", payload);
    r.auth = auth;
    r
}

fn with(name: &str) -> RouteAuth {
    RouteAuth { authorization: Authorization::Authorizer(name.to_owned().into()), ..RouteAuth::NONE }
}

fn authorizer(api: &str, name: &str, kind: AuthorizerKind, ttl_secs: u32) -> Authorizer {
    Authorizer {
        api: api.to_owned().into(),
        name: name.to_owned().into(),
        kind,
        identity: vec![IdentitySource::Header("Authorization".into())].into(),
        validation_expression: None,
        ttl_secs,
        default_scopes: Vec::new().into(),
        location: Default::default(),
    }
}

fn app() -> App {
    // SAFETY: called first in `main`, before the runtime or any other thread exists.
    unsafe { std::env::set_var("EMU_PLATFORM_LOG", "off") };
    let f = || AuthorizerFunction {
        id: Some("Auth".into()),
        arn: "arn:aws:lambda:us-east-1:123456789012:function:Auth".into(),
    };
    let mut model = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)],
        vec![
            route("/open", "Rest", PayloadVersion::V1, RouteAuth::NONE),
            route("/hit", "Rest", PayloadVersion::V1, with("Cached")),
            route("/miss", "Rest", PayloadVersion::V1, with("Uncached")),
            route("/key", "Rest", PayloadVersion::V1, RouteAuth { api_key_required: true, ..RouteAuth::NONE }),
            route("/jwt", "Http", PayloadVersion::V2, with("Jwt")),
        ],
    );
    let mut functions = model.functions.to_vec();
    functions.push(Function::new("Auth"));
    model.functions = functions.into();
    model.authorizers = vec![
        authorizer("Rest", "Cached", AuthorizerKind::LambdaToken { function: f() }, 300),
        authorizer("Rest", "Uncached", AuthorizerKind::LambdaToken { function: f() }, 0),
        authorizer(
            "Http",
            "Jwt",
            AuthorizerKind::Jwt { issuer: "https://issuer.example".into(), audiences: vec!["aud".into()].into() },
            0,
        ),
    ]
    .into();
    model.api_keys = vec![ApiKey {
        id: "Key".into(),
        value: Some("bench-key-0123456789abcdef".into()),
        enabled: true,
        location: Default::default(),
    }]
    .into();
    let hello =
        |_: LambdaEvent<Value>| async { Ok::<_, Error>(json!({"statusCode": 200, "body": "{\"message\":\"hello\"}"})) };
    let auth = |_: LambdaEvent<Value>| async {
        Ok::<_, Error>(json!({"principalId": "u", "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "arn:aws:execute-api:*"}]}, "context": {"tier": 1}}))
    };
    AppBuilder::from_model(model).bind("Hello", hello).bind("Auth", auth).build()
}

/// A bench case: its name, the URI, and the one header it sends.
type Case<'a> = (&'static str, &'static str, Option<(&'static str, &'a str)>);

fn request(uri: &str, header: Option<(&str, &str)>) -> Request<Body> {
    let mut b = Request::get(uri).header("host", "localhost:3000").header("user-agent", "bench");
    if let Some((k, v)) = header {
        b = b.header(k, v);
    }
    b.body(Body::empty()).expect("request")
}

async fn one(router: &axum::Router, uri: &str, header: Option<(&str, &str)>) {
    let res = router.clone().oneshot(request(uri, header)).await.expect("infallible");
    debug_assert_eq!(res.status(), 200, "{uri}");
    let _ = res.into_body().collect().await.expect("body");
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("tokio runtime");
    let app = app();
    let token = app.mint_token(Some("Jwt"), json!({"sub": "u1"})).expect("a local-issuer token");
    let bearer = format!("Bearer {token}");
    let router = app.router();
    let cases: Vec<Case<'_>> = vec![
        ("open", "/open", None),
        ("lambda_token_hit", "/hit", Some(("authorization", "allow-me"))),
        ("lambda_token_miss", "/miss", Some(("authorization", "allow-me"))),
        ("jwt_es256", "/jwt", Some(("authorization", bearer.as_str()))),
        ("api_key", "/key", Some(("x-api-key", "bench-key-0123456789abcdef"))),
    ];
    for (name, uri, header) in &cases {
        let status =
            rt.block_on(async { router.clone().oneshot(request(uri, *header)).await.expect("infallible").status() });
        assert_eq!(status, 200, "{name}: the benchmark's request must succeed");
    }
    let mut c = Criterion::default().configure_from_args();
    let mut g = c.benchmark_group("auth");
    for (name, uri, header) in &cases {
        g.bench_function(*name, |b| b.iter(|| rt.block_on(one(&router, black_box(uri), *header))));
    }
    g.finish();
    c.final_summary();

    // Interleaved: each case right after `open`, so drift on a busy machine hits both alike.
    let rounds = 20_000u32;
    let mut open_total = 0f64;
    let mut totals = vec![0f64; cases.len()];
    for _ in 0..rounds {
        for (i, (_, uri, header)) in cases.iter().enumerate() {
            let t = Instant::now();
            rt.block_on(one(&router, uri, *header));
            let ns = t.elapsed().as_nanos() as f64;
            if i == 0 {
                open_total += ns;
            }
            totals[i] += ns;
        }
    }
    let open = open_total / f64::from(rounds);
    println!("interleaved, {rounds} rounds (mean per request):");
    for ((name, _, _), total) in cases.iter().zip(&totals) {
        let mean = total / f64::from(rounds);
        println!(
            "  {name:<18} {:>8.2} µs   {:>5.2}x open   +{:>7.2} µs",
            mean / 1000.0,
            mean / open,
            (mean - open) / 1000.0
        );
    }
}
