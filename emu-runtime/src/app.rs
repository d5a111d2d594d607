//! `App`: the template's model with a handler bound to each function, compiled into the gateway and Lambda layers.
//! Built by `lambda_app!` (or by hand with [`AppBuilder`]); the server, the router and the test client hang off it.

use crate::gateway::auth::AccessOptions;
use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::path::Path;
use std::sync::Arc;

use axum::body::Body;
use emu_template::{Model, Route};
use http::{Request, Response};
use serde_json::Value;

use crate::dev::console::ConsoleOptions;
use crate::dev::console::record::Recorder;
use crate::gateway::Gateway;
use crate::handler::Handler;
use crate::lambda::env::{EnvVarsFile, OverrideError, function_environment};
use crate::lambda::invoke::InvokeError;
use crate::lambda::{Binding, LambdaService};

/// How the app serves its routes. `AppOptions::default()` is what AWS does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppOptions {
    /// Serve APIs with `stage_in_url` (Serverless REST APIs) under `/{stage}`, as their invoke URL has it. Default `true`.
    pub prepend_stage: bool,
    /// Enforce API Gateway's integration timeout (29 s REST, 30 s HTTP API) on top of each function's `Timeout`. Default `true`.
    pub gateway_timeouts: bool,
    /// Run each invocation on a thread of its own, as Lambda gives each one an execution environment, so a handler
    /// that blocks its thread (a synchronous sleep, a CPU loop, blocking I/O) stalls neither the gateway nor other
    /// functions. Default `false`: in-process (`app.client()`) handlers run in the caller's task, so tokio's paused
    /// test time applies to them; the dev server ([`Server`](crate::Server)) turns it on.
    pub isolate_handlers: bool,
    /// Largest invocation payload, in bytes: a request whose body, or whose event as sent to the function (headers,
    /// base64 and all), is larger gets 413. Default: Lambda's 6 MB synchronous payload limit.
    pub max_request_body: usize,
    /// Authorizers, API keys and IAM: the keys trusted, extra API keys, and whether the gates are enforced.
    pub access: AccessOptions,
}

/// Lambda's synchronous invocation payload limit: 6 MB (6,291,456 bytes).
pub const LAMBDA_PAYLOAD_LIMIT: usize = 6 * 1024 * 1024;

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions {
            prepend_stage: true,
            gateway_timeouts: true,
            isolate_handlers: false,
            max_request_body: LAMBDA_PAYLOAD_LIMIT,
            access: AccessOptions::default(),
        }
    }
}

impl AppOptions {
    /// Sets [`AppOptions::prepend_stage`].
    pub fn prepend_stage(mut self, on: bool) -> Self {
        self.prepend_stage = on;
        self
    }

    /// Sets [`AppOptions::gateway_timeouts`].
    pub fn gateway_timeouts(mut self, on: bool) -> Self {
        self.gateway_timeouts = on;
        self
    }

    /// Sets [`AppOptions::access`].
    pub fn access(mut self, access: AccessOptions) -> Self {
        self.access = access;
        self
    }

    /// Sets [`AppOptions::isolate_handlers`].
    pub fn isolate_handlers(mut self, on: bool) -> Self {
        self.isolate_handlers = on;
        self
    }

    /// Sets [`AppOptions::max_request_body`].
    pub fn max_request_body(mut self, bytes: usize) -> Self {
        self.max_request_body = bytes;
        self
    }
}

/// How an [`App`] serves one template function ([`App::binding_state`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BindingState {
    /// A Rust handler is bound to it.
    Bound,
    /// Listed in `ignore: [...]`: its routes answer API Gateway's 502 and a log line says why.
    Ignored,
    /// Nothing is bound (an [`AppBuilder`] that skipped it): invoking it fails the same way.
    Unbound,
}

impl BindingState {
    /// `bound`, `ignored` or `unbound`, as the banner and `--list-routes --json` write it.
    pub fn as_str(self) -> &'static str {
        match self {
            BindingState::Bound => "bound",
            BindingState::Ignored => "ignored",
            BindingState::Unbound => "unbound",
        }
    }
}

/// The template the app was generated from, embedded at compile time.
#[derive(Clone, Copy, Debug)]
pub struct TemplateSource {
    /// Absolute path of the template when the app was compiled.
    pub path: &'static str,
    /// The template's text at compile time.
    pub text: &'static str,
}

/// A serverless application: its template model with a Rust handler bound to every function.
///
/// Built by [`lambda_app!`](crate::lambda_app) or [`AppBuilder`]. Cheap to clone.
#[derive(Clone, Debug)]
pub struct App {
    inner: Arc<AppInner>,
}

#[derive(Debug)]
struct AppInner {
    model: Model,
    template: Option<TemplateSource>,
    bindings: HashMap<String, Binding>,
    options: AppOptions,
    /// The Lambda service: every function with its binding.
    lambda: LambdaService,
    /// API Gateway: every API with its routes, compiled against `lambda`.
    gateway: Gateway,
}

impl App {
    fn assemble(
        model: Model,
        template: Option<TemplateSource>,
        bindings: HashMap<String, Binding>,
        options: AppOptions,
        recorder: Option<Arc<Recorder>>,
    ) -> App {
        let lambda = LambdaService::new(&model, &bindings).isolated(options.isolate_handlers);
        let gateway = Gateway::new(&model, &lambda, &options, recorder);
        App { inner: Arc::new(AppInner { model, template, bindings, options, lambda, gateway }) }
    }

    /// The application model the app serves.
    pub fn model(&self) -> &Model {
        &self.inner.model
    }

    /// Every route, sorted by path then method.
    pub fn routes(&self) -> &[Route] {
        &self.inner.model.routes
    }

    /// The template this app was generated from, when it came from `lambda_app!`.
    pub fn template(&self) -> Option<TemplateSource> {
        self.inner.template
    }

    /// The options the app serves with.
    pub fn options(&self) -> &AppOptions {
        &self.inner.options
    }

    /// The same app with other options (the routes are recompiled).
    pub fn with_options(&self, options: AppOptions) -> App {
        App::assemble(
            self.inner.model.clone(),
            self.inner.template,
            self.inner.bindings.clone(),
            options,
            self.inner.gateway.recorder().cloned(),
        )
    }

    /// The same app with every API served without its `/{stage}` prefix (`--no-prepend-stage`).
    pub fn without_stage_prefix(&self) -> App {
        self.with_options(self.inner.options.clone().prepend_stage(false))
    }

    /// The path prefix the API with logical id `api` is served under: `/{stage}` or `""`.
    pub fn stage_prefix(&self, api: &str) -> &str {
        self.inner.gateway.routes.api_by_logical_id(api).and_then(|a| a.prefix.as_deref()).unwrap_or("")
    }

    /// An axum `Router` serving every route of every API of the app.
    ///
    /// Works with `tower::ServiceExt::oneshot` (the peer address is then 127.0.0.1) and with
    /// `into_make_service_with_connect_info::<SocketAddr>()` (the peer address becomes `sourceIp`).
    pub fn router(&self) -> axum::Router {
        let app = self.clone();
        axum::Router::new().fallback_service(tower::service_fn(move |req: Request<Body>| {
            let app = app.clone();
            async move { Ok::<_, Infallible>(app.handle(req).await) }
        }))
    }

    /// Serves one HTTP request as API Gateway would. Never panics on request data.
    pub async fn handle(&self, req: Request<Body>) -> Response<Body> {
        self.inner.gateway.handle(&self.inner.lambda, req).await
    }

    /// Calls the function with logical id (or deployed name) `function` with a raw event, as `aws lambda invoke` does.
    pub async fn invoke(&self, function: &str, event: Value) -> Result<Value, InvokeError> {
        let lambda = &self.inner.lambda;
        let id = lambda.resolve(function).ok_or_else(|| InvokeError::UnknownFunction(function.to_owned()))?;
        lambda.invoke(id, event, Default::default()).await
    }

    /// The same app with template parameters overridden: the template embedded at compile time is read again with
    /// `overrides` (so `!Ref`, `!Sub`, conditions and environment values follow them); bindings are kept.
    pub fn with_parameter_overrides(&self, overrides: BTreeMap<String, String>) -> Result<App, OverrideError> {
        let template = self.inner.template.ok_or(OverrideError::NoTemplate)?;
        let options = emu_template::ReadOptions { parameter_overrides: overrides };
        let loaded = emu_template::read_str(template.text, Path::new(template.path), &options)
            .map_err(OverrideError::Template)?;
        Ok(App::assemble(
            loaded.model,
            self.inner.template,
            self.inner.bindings.clone(),
            self.inner.options.clone(),
            self.inner.gateway.recorder().cloned(),
        ))
    }

    /// The environment the function `id` would see on Lambda (reserved variables, template values, `overrides`).
    pub fn function_environment(&self, id: &str, overrides: &EnvVarsFile) -> Option<BTreeMap<String, String>> {
        self.model().function(id).map(|f| function_environment(f, overrides))
    }

    /// The same app with the console's recorder: every request through the gateway is kept (the last
    /// [`ConsoleOptions::history`]) for [`App::console_router`]. Without it nothing is recorded.
    pub fn with_console(&self, options: ConsoleOptions) -> App {
        App::assemble(
            self.inner.model.clone(),
            self.inner.template,
            self.inner.bindings.clone(),
            self.inner.options.clone(),
            Some(Arc::new(Recorder::new(options))),
        )
    }

    /// The console's recorder, when the app has one ([`App::with_console`]).
    pub(crate) fn recorder(&self) -> Option<&Arc<Recorder>> {
        self.inner.gateway.recorder()
    }

    /// The Lambda service: every function with its binding.
    pub(crate) fn lambda(&self) -> &LambdaService {
        &self.inner.lambda
    }

    /// The gateway's access stage: authorizers, API keys, the local issuer.
    pub(crate) fn access(&self) -> &crate::gateway::auth::Access {
        &self.inner.gateway.access
    }

    /// The gateway's compiled routes.
    pub(crate) fn compiled_routes(&self) -> &crate::gateway::routes::Routes {
        &self.inner.gateway.routes
    }

    /// How the function `id` is served: bound to a handler, ignored in `lambda_app!`, or neither.
    pub fn binding_state(&self, id: &str) -> BindingState {
        match self.inner.bindings.get(id) {
            Some(Binding::Bound(_)) => BindingState::Bound,
            Some(Binding::Ignored) => BindingState::Ignored,
            None => BindingState::Unbound,
        }
    }

    /// The gateway and Lambda layers, for the feature-gated bench internals.
    #[cfg(feature = "bench-internals")]
    pub(crate) fn layers(&self) -> (&Gateway, &LambdaService) {
        (&self.inner.gateway, &self.inner.lambda)
    }
}

/// Builds an [`App`]: the code `lambda_app!` generates uses it, and so can tests and other front ends that read a
/// model at run time.
///
/// ```
/// use emu_runtime::model::{Api, ApiKind, Function, Method, Model, PayloadVersion, Route};
/// use emu_runtime::{AppBuilder, Error, LambdaEvent};
///
/// let mut model = Model::from_routes(
///     vec![Api::new("Api", ApiKind::Http)],
///     vec![Route::new(Method::Get, "/hello", "Api", "Hello", PayloadVersion::V2)],
/// );
/// model.functions = vec![Function::new("Hello")].into();
/// let app = AppBuilder::from_model(model)
///     .bind("Hello", |_: LambdaEvent<serde_json::Value>| async { Ok::<_, Error>("hi") })
///     .build();
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // Payload 2.0's simple response: JSON without a `statusCode` is a 200 with that JSON as the body.
/// assert_eq!(app.client().get("/hello").await.text(), r#""hi""#);
/// # });
/// ```
#[derive(Debug)]
pub struct AppBuilder {
    model: Model,
    template: Option<TemplateSource>,
    bindings: HashMap<String, Binding>,
    options: AppOptions,
}

impl AppBuilder {
    /// Starts from the static table the macro emitted.
    #[doc(hidden)]
    pub fn new(model: &'static Model, template: TemplateSource) -> Self {
        AppBuilder {
            model: model.clone(),
            template: Some(template),
            bindings: HashMap::new(),
            options: AppOptions::default(),
        }
    }

    /// Starts from a model read at run time (tests, other front ends).
    pub fn from_model(model: Model) -> Self {
        AppBuilder { model, template: None, bindings: HashMap::new(), options: AppOptions::default() }
    }

    /// Binds the function with logical id `id` to `handler`.
    pub fn bind<M, H: Handler<M>>(mut self, id: &str, handler: H) -> Self {
        self.bindings.insert(id.to_owned(), Binding::Bound(handler.into_function()));
        self
    }

    /// Marks the function `id` as deliberately not served locally.
    pub fn ignore(mut self, id: &str) -> Self {
        self.bindings.insert(id.to_owned(), Binding::Ignored);
        self
    }

    /// Sets how the app serves (default: as AWS does).
    pub fn options(mut self, options: AppOptions) -> Self {
        self.options = options;
        self
    }

    /// Finishes the app: compiles the route table and every per-route and per-function datum once.
    pub fn build(self) -> App {
        App::assemble(self.model, self.template, self.bindings, self.options, None)
    }

    /// An empty app, emitted by `lambda_app!` after a compile error so the rest of `main` type-checks.
    #[doc(hidden)]
    pub fn placeholder() -> App {
        AppBuilder::from_model(Model {
            source: "".into(),
            format: emu_template::TemplateFormat::Sam,
            functions: Vec::new().into(),
            apis: Vec::new().into(),
            routes: Vec::new().into(),
            authorizers: Vec::new().into(),
            api_keys: Vec::new().into(),
            gateway_responses: Vec::new().into(),
            request_models: Vec::new().into(),
            warnings: Vec::new().into(),
        })
        .build()
    }
}

/// Checks at compile time that `handler` is a handler; the macro spans this call on the binding.
#[doc(hidden)]
pub fn assert_handler<M, H: Handler<M>>(handler: H) -> H {
    handler
}
