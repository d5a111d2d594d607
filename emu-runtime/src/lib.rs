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
#[cfg(test)]
mod testutil;
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
