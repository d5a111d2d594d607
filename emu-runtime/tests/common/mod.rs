//! Hand-built models and request helpers for the runtime's integration tests (no template reader needed).
#![allow(dead_code)]

use axum::body::Body;
use emu_runtime::__private::{Api, ApiKind, Function, Location, Method, Model, PayloadVersion, Route, TemplateFormat};
use http::{Request, Response};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub fn function(id: &str, timeout_secs: u32) -> Function {
    Function {
        id: id.to_owned().into(),
        name: id.to_owned().into(),
        handler: "bootstrap".into(),
        runtime: "provided.al2023".into(),
        timeout_secs,
        memory_mb: 128,
        environment: Vec::new().into(),
        events: Vec::new().into(),
        location: Location::default(),
    }
}

pub fn api(id: &str, kind: ApiKind) -> Api {
    Api {
        id: id.to_owned().into(),
        kind,
        implicit: true,
        stage: if kind == ApiKind::Rest { "Prod".into() } else { "$default".into() },
        stage_in_url: false,
        stage_variables: Vec::new().into(),
        cors: None,
        binary_media_types: Vec::new().into(),
        auth: "".into(),
        default_payload: if kind == ApiKind::Rest { PayloadVersion::V1 } else { PayloadVersion::V2 },
        location: Location::default(),
    }
}

pub fn route(method: Method, path: &str, api: &str, function: &str, payload: PayloadVersion) -> Route {
    Route {
        method,
        path: path.to_owned().into(),
        api: api.to_owned().into(),
        function: function.to_owned().into(),
        payload,
        operation_name: None,
        authorizer: None,
        location: Location::default(),
    }
}

/// A model with these APIs and routes and one function (timeout 3 s) per function id used by the routes.
pub fn model(apis: Vec<Api>, routes: Vec<Route>) -> Model {
    let mut functions: Vec<Function> = Vec::new();
    for r in &routes {
        if !functions.iter().any(|f| f.id == r.function) {
            functions.push(function(&r.function, 3));
        }
    }
    Model {
        source: "test.yaml".into(),
        format: TemplateFormat::Sam,
        functions: functions.into(),
        apis: apis.into(),
        routes: routes.into(),
        warnings: Vec::new().into(),
    }
}

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
