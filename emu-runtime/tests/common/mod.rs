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
