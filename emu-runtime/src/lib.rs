//! emu-runtime: serves AWS Lambda handlers behind an emulated API Gateway, in-process, from a SAM or Serverless template.
//! `lambda_app!("template.yaml")` builds an [`App`]; [`App::router`] serves it; `run` is the dev server for `main`.
#![warn(missing_docs)]

pub mod app;
pub mod cli;
pub mod client;
pub mod context;
pub(crate) mod cors;
pub mod env;
pub(crate) mod event;
pub mod gateway;
pub mod handler;
#[cfg(feature = "lambda-http")]
pub mod http_handler;
pub mod invoke;
pub mod response;
mod router;
pub mod routes_table;
pub(crate) mod routing;
pub mod server;
pub(crate) mod util;

pub use app::{App, AppOptions, LAMBDA_PAYLOAD_LIMIT, TemplateSource};
pub use client::{TestClient, TestRequest, TestResponse};
pub use env::{EnvVarsFile, EnvironmentPlan};
pub use gateway::GatewayError;
pub use handler::Handler;
pub use invoke::InvokeError;
pub use server::{ServeOptions, Server, run, run_with_args, serve};

/// The official `lambda_http` crate, for handlers written against `lambda_http::Request` (feature `lambda-http`).
#[cfg(feature = "lambda-http")]
pub use lambda_http;

/// Builds an [`App`] from a template at compile time. See the crate README for the binding rules.
pub use emu_macros::lambda_app;

pub use lambda_runtime::{Context, Diagnostic, Error, LambdaEvent, service_fn};

/// The API Gateway event and response types handlers take and return (`aws_lambda_events::apigw`).
pub mod events {
    pub use aws_lambda_events::apigw::*;
    pub use aws_lambda_events::encodings::Body;
}

/// Re-exports used by the code `lambda_app!` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::app::{AppBuilder, TemplateSource, assert_handler};
    pub use emu_template::{
        Api, ApiKind, Cors, EnvPiece, EnvVar, Event, EventKind, Function, KeyValue, List, Location, Method, Model,
        PayloadVersion, Route, Str, TemplateFormat, Warning,
    };
    pub use std::borrow::Cow;
}

/// Event building and response parsing on their own, for `benches/request.rs`. Not a public API.
#[doc(hidden)]
pub mod __bench {
    use std::net::{IpAddr, Ipv4Addr};

    pub use crate::response::{ResponseFormat, parse as parse_response};
    pub use emu_template::ApiKind;

    /// A precomputed API and route, as an `App` keeps them.
    pub struct Route {
        api: crate::event::ApiData,
        route: crate::event::RouteData,
    }

    impl Route {
        /// `kind` API with stage `stage`, route `method path` with no path parameters.
        pub fn new(kind: ApiKind, stage: &str, method: &str, path: &str) -> Route {
            let api = crate::event::ApiData {
                kind,
                stage: stage.to_owned(),
                stage_path: if stage == "$default" { String::new() } else { format!("/{stage}") },
                api_id: crate::util::stable_id("BenchApi", 10),
                stage_variables: serde_json::Value::Null,
                binary_media_types: Vec::new(),
            };
            let route = crate::event::RouteData {
                resource: path.to_owned(),
                route_key: format!("{method} {path}"),
                resource_id: crate::util::stable_id(path, 6),
                operation_name: None,
            };
            Route { api, route }
        }

        /// The payload 1.0 (`v2 == false`) or 2.0 event for `req`, as `App::handle` builds it.
        pub fn build_event(&self, req: &http::Request<bytes::Bytes>, v2: bool) -> serde_json::Value {
            let info = crate::event::RequestInfo {
                method: req.method(),
                path: req.uri().path(),
                raw_query: req.uri().query().unwrap_or(""),
                headers: req.headers(),
                body: req.body(),
                source_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
                protocol: "HTTP/1.1",
                params: &[],
                request_id: "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                epoch_ms: 1_589_522_469_693,
                trace_id: "Root=1-5ebe3a25-0123456789abcdef01234567",
            };
            if v2 {
                crate::event::v2::build(&info, &self.api, &self.route)
            } else {
                crate::event::v1::build(&info, &self.api, &self.route)
            }
        }
    }
}
