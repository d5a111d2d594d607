//! emu-runtime: serves AWS Lambda handlers behind an emulated API Gateway, in-process, from a SAM or Serverless
//! template.
//!
//! `lambda_app!("template.yaml")` reads the template at compile time and builds an [`App`] that binds each function
//! to its Rust handler; [`run`] is the dev server for `main`, [`App::client`] the in-process test client.
//!
//! ```
//! use emu_runtime::{Error, LambdaEvent, lambda_app};
//! use serde_json::{Value, json};
//!
//! async fn hello(_: LambdaEvent<Value>) -> Result<Value, Error> {
//!     Ok(json!({ "statusCode": 200, "body": "hello" }))
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! // The path is relative to the crate's Cargo.toml; each template function is bound to a handler.
//! let app = lambda_app!("benches/hello.yaml", {
//!     HelloRest => hello, HelloHttp => hello, HelloTyped => hello, HelloLambdaHttp => hello,
//! });
//! // In a test: the whole API in-process, no socket.
//! let res = app.client().get("/hello").await;
//! assert_eq!((res.status(), res.text().as_str()), (200, "hello"));
//! // In `main`: `emu_runtime::run(app)` serves it on http://127.0.0.1:3000 until Ctrl-C.
//! # }
//! ```
//!
//! On Lambda (`AWS_LAMBDA_RUNTIME_API` set) the same `run` starts no server: it picks one function of the template
//! and serves it through the Runtime API with `lambda_runtime::run` / `lambda_http::run` (README, "Deploying").
//!
//! Handlers that share state (`async fn(&dyn Store, Request)`, as real projects write them) bind with
//! [`with_state!`]`(store, get_product)`; `#[emu_runtime::main]` on `main` applies the template's environment before
//! `main`'s first line, as Lambda has it before the function's code runs.
//!
//! A request crosses the layers this crate is built from: `gateway` (API Gateway: routes, CORS, limits, events,
//! integrations, responses, errors), `lambda` (the Lambda service: invoke, context, logs, environment) and
//! `handler` (the accepted handler shapes). `docs/architecture.md` follows one request through them.
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod app;
mod aws;
#[cfg(feature = "bench-internals")]
#[doc(hidden)]
pub mod bench_internals;
mod clock;
mod dev;
mod gateway;
mod handler;
mod ids;
mod lambda;
mod testing;

pub use app::{App, AppBuilder, AppOptions, BindingState, LAMBDA_PAYLOAD_LIMIT, TemplateSource};
pub use aws::{ACCOUNT_ID, REGION};
pub use dev::conn::Timeouts;
pub use dev::console::ConsoleOptions;
pub use dev::server::{ServeOptions, Server, init_logging, run, run_with_args, serve, shutdown_signal};
pub use gateway::auth::{AccessOptions, AuthorizerStats, LocalIssuerMode, MintError, TokenSettings};
pub use handler::Handler;
/// The handler shapes' markers and erased form: named by `Handler`'s impls, never by users.
#[doc(hidden)]
pub use handler::{BoxedHandler, ViaEventFn, ViaEventService};
#[cfg(feature = "lambda-http")]
#[doc(hidden)]
pub use handler::{ViaHttpFn, ViaHttpService};
pub use lambda::env::{Conflict, EnvVarsError, EnvVarsFile, EnvironmentPlan, OverrideError};
pub use lambda::invoke::InvokeError;
pub use lambda::samples::{BatchResult, EventSample, SampleError};
pub use testing::{TestClient, TestRequest, TestResponse};

/// The official `lambda_http` crate, for handlers written against `lambda_http::Request` (feature `lambda-http`).
#[cfg(feature = "lambda-http")]
pub use lambda_http;

/// Builds an [`App`] from a template at compile time. See the crate README for the binding rules.
pub use emu_macros::lambda_app;

/// `#[emu_runtime::main]` on `fn main` (or `async fn main`): the template's environment is applied as `main`'s first
/// statement, so all of `main` sees it, as a Lambda function's code does. See `docs/architecture.md` ("Init order").
pub use emu_macros::main;

pub use lambda_runtime::{Context, Diagnostic, Error, LambdaEvent, service_fn};

/// The API Gateway event and response types handlers take and return (`aws_lambda_events::apigw`).
pub mod events {
    pub use aws_lambda_events::apigw::*;
    pub use aws_lambda_events::encodings::Body;
}

/// The application model an [`App`] serves (`emu_template`'s), for building one by hand with [`AppBuilder`].
pub mod model {
    pub use emu_template::{
        Api, ApiKey, ApiKind, Authorization, Authorizer, AuthorizerFunction, AuthorizerKind, Cors, EnvPiece, EnvVar,
        Event, EventKind, Function, GatewayResponse, GatewayResponseType, HeaderSource, IdentitySource, KeyValue, List,
        Location, Method, Model, PayloadVersion, ResponseHeader, Route, RouteAuth, Str, TemplateFormat, Warning,
    };
    pub use emu_template::{BodyModel, ParameterLocation, RequestModel, RequestParameter, RequestValidation};
    pub use emu_template::{
        Integration, IntegrationResponse, Mapping, MappingTemplate, ParameterValue, Passthrough, ResponseParameter,
    };
}

/// Re-exports used by the code `lambda_app!` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::app::{AppBuilder, TemplateSource, assert_handler};
    pub use crate::dev::init::{block_on, init_process};
    pub use crate::model::*;
    pub use std::borrow::Cow;
}
