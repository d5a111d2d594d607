//! Request helpers for the runtime's integration tests; models are built with `Model::from_routes`, `Api::new`,
//! `Route::new` (emu-template's constructors with SAM's defaults).
#![allow(dead_code)]

use axum::body::Body;
use http::{Request, Response};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// Sends one request through the router with `oneshot`.
pub async fn send(router: &axum::Router, req: Request<Body>) -> Response<Body> {
    router.clone().oneshot(req).await.expect("the router is infallible")
}

pub async fn get(router: &axum::Router, uri: &str) -> (u16, String) {
    let res = send(router, Request::get(uri).body(Body::empty()).unwrap()).await;
    split(res).await
}

pub async fn split(res: Response<Body>) -> (u16, String) {
    let status = res.status().as_u16();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// `../shared/corpus/<sub>` beside the checkout, or `$EMU_SHARED_DIR/corpus/<sub>`: the peers' data the
/// `#[ignore]`d corpus tests read (CI runs them with `-- --ignored`). Panics with the path when it is absent.
pub fn shared_corpus(sub: &str) -> std::path::PathBuf {
    let shared = std::env::var_os("EMU_SHARED_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    let dir = shared.join("corpus").join(sub);
    assert!(dir.is_dir(), "{} is absent: this corpus test needs ../shared beside the checkout", dir.display());
    dir
}

/// Event keys whose contents are request data (header names, query keys), not shape: key sets stop at them.
pub const DATA_MAPS: [&str; 6] = [
    "headers",
    "multiValueHeaders",
    "queryStringParameters",
    "multiValueQueryStringParameters",
    "pathParameters",
    "stageVariables",
];

fn keys(v: &serde_json::Value, prefix: &str, out: &mut std::collections::BTreeSet<String>) {
    if let serde_json::Value::Object(m) = v {
        for (k, x) in m {
            let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            out.insert(p.clone());
            if !DATA_MAPS.contains(&k.as_str()) {
                keys(x, &p, out);
            }
        }
    }
}

/// Every key path of a JSON value (`requestContext.identity.sourceIp`), not descending into [`DATA_MAPS`].
pub fn key_set(v: &serde_json::Value) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    keys(v, "", &mut out);
    out
}

/// A set of key paths from a list.
pub fn set(list: &[&str]) -> std::collections::BTreeSet<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}
