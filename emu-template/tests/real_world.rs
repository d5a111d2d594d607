//! Public templates with Rust functions, copied where their licence allows (provenance beside each file), read as a
//! user's `lambda_app!` would; the rest of the real-world check is listed in docs/template-support.md.

use std::path::Path;

use emu_template::{ApiKind, Method, ReadOptions, read_file};

#[test]
fn rust_lambda_middleware_example_serves_its_http_api_route() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real-world/rust-lambda-middleware-example/template.yaml");
    let loaded = read_file(&path, &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
    let model = &loaded.model;
    // SAM CLI's routes for it: GET / on the implicit HTTP API, payload 2.0, function HelloFunction.
    let routes: Vec<(Method, &str, &str, Option<ApiKind>)> = model
        .routes
        .iter()
        .map(|r| (r.method, r.path.as_ref(), r.function().unwrap_or("?"), model.api(&r.api).map(|a| a.kind)))
        .collect();
    assert_eq!(routes, [(Method::Get, "/", "HelloFunction", Some(ApiKind::Http))]);
    let f = model.function("HelloFunction").expect("the function");
    // `FunctionName: !Sub ${AWS::StackName}-hello` with the local stack name; Globals applied.
    assert_eq!((f.name.as_ref(), f.timeout_secs, f.memory_mb), ("local-hello", 5, 128));
    let env: Vec<(String, String)> =
        f.environment.iter().map(|v| (v.name.to_string(), v.literal_value().unwrap_or_default())).collect();
    assert_eq!(
        env,
        [
            ("RATE_LIMIT_MAX_REQUESTS".to_string(), "10".to_string()),
            ("RATE_LIMIT_TABLE_NAME".to_string(), "RateLimitTable".to_string()),
            ("RATE_LIMIT_WINDOW_SECS".to_string(), "900".to_string()),
        ]
    );
    assert!(model.warnings.is_empty(), "{:?}", model.warnings);
}
