//! `App`: the application model plus one bound handler per function; built by `lambda_app!` through `AppBuilder`.
//! Everything the server, the router and the test client need hangs off this type.

use std::collections::HashMap;
use std::sync::Arc;

use emu_template::{ApiKind, Model, PayloadVersion, Route};

use crate::context::FunctionInfo;
use crate::cors::CorsData;
use crate::event::{ApiData, RouteData, stage_variables_json};
use crate::handler::{Function, Handler};
use crate::response::ResponseFormat;
use crate::routing::RouteTable;
use crate::util;

/// How the app serves its routes. `AppOptions::default()` is what AWS does.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppOptions {
    /// Serve APIs with `stage_in_url` (Serverless REST APIs) under `/{stage}`, as their invoke URL has it. Default `true`.
    pub prepend_stage: bool,
    /// Enforce API Gateway's integration timeout (29 s REST, 30 s HTTP API) on top of each function's `Timeout`. Default `true`.
    pub gateway_timeouts: bool,
    /// Largest request body accepted, in bytes; larger ones get 413. Default: Lambda's 6 MB synchronous payload limit.
    pub max_request_body: usize,
}

/// Lambda's synchronous invocation payload limit: 6 MB (6,291,456 bytes).
pub const LAMBDA_PAYLOAD_LIMIT: usize = 6 * 1024 * 1024;

impl Default for AppOptions {
    fn default() -> Self {
        AppOptions { prepend_stage: true, gateway_timeouts: true, max_request_body: LAMBDA_PAYLOAD_LIMIT }
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

    /// Sets [`AppOptions::max_request_body`].
    pub fn max_request_body(mut self, bytes: usize) -> Self {
        self.max_request_body = bytes;
        self
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

/// How a template function is served.
#[derive(Clone)]
pub(crate) enum Binding {
    /// A Rust handler.
    Bound(Function),
    /// Listed as ignored in `lambda_app!`: requests get API Gateway's error response and a log line.
    Ignored,
}

/// A serverless application: its template model with a Rust handler bound to every function.
///
/// Built by [`lambda_app!`](crate::lambda_app). Cheap to clone.
#[derive(Clone)]
pub struct App {
    pub(crate) inner: Arc<AppInner>,
}

pub(crate) struct AppInner {
    pub(crate) model: Model,
    pub(crate) template: Option<TemplateSource>,
    pub(crate) bindings: HashMap<String, Binding>,
    pub(crate) options: AppOptions,
    /// Everything below is derived from the fields above when the app is built.
    pub(crate) compiled: Compiled,
}

/// Per-API, per-route and per-function data computed once, so the request path only looks things up.
pub(crate) struct Compiled {
    pub(crate) table: RouteTable,
    /// Indexed like `Model::apis`.
    pub(crate) apis: Vec<ApiData>,
    /// Indexed like `Model::apis`.
    pub(crate) cors: Vec<Option<CorsData>>,
    /// Indexed like `Model::routes`.
    pub(crate) routes: Vec<CompiledRouteData>,
    /// Indexed like `Model::functions`.
    pub(crate) functions: Vec<FunctionEntry>,
}

/// What the request path needs about one route.
pub(crate) struct CompiledRouteData {
    pub(crate) data: RouteData,
    pub(crate) payload: PayloadVersion,
    pub(crate) format: ResponseFormat,
    /// Index into `Compiled::functions`, `None` when the template has no such function.
    pub(crate) function: Option<usize>,
}

/// A template function with its binding.
pub(crate) struct FunctionEntry {
    pub(crate) info: FunctionInfo,
    pub(crate) binding: Option<Binding>,
}

impl Compiled {
    fn new(model: &Model, bindings: &HashMap<String, Binding>, options: &AppOptions) -> Compiled {
        let apis = model
            .apis
            .iter()
            .map(|a| ApiData {
                kind: a.kind,
                stage: a.stage.to_string(),
                stage_path: if a.stage.is_empty() || a.stage == "$default" {
                    String::new()
                } else {
                    format!("/{}", a.stage)
                },
                api_id: util::stable_id(&a.id, 10),
                stage_variables: stage_variables_json(&a.stage_variables),
                binary_media_types: a.binary_media_types.iter().map(|t| t.trim().to_ascii_lowercase()).collect(),
            })
            .collect();
        let cors = model.apis.iter().map(|a| a.cors.as_ref().map(CorsData::new)).collect();
        let functions: Vec<FunctionEntry> = model
            .functions
            .iter()
            .map(|f| FunctionEntry { info: FunctionInfo::new(f), binding: bindings.get(&*f.id).cloned() })
            .collect();
        let routes = model
            .routes
            .iter()
            .map(|r| {
                let kind = model.api(&r.api).map_or(ApiKind::Rest, |a| a.kind);
                let route_key = if r.path == "$default" {
                    "$default".to_owned()
                } else {
                    format!("{} {}", r.method.as_str(), r.path)
                };
                CompiledRouteData {
                    data: RouteData {
                        resource: r.path.to_string(),
                        route_key,
                        resource_id: util::stable_id(&format!("{}{}", r.api, r.path), 6),
                        operation_name: r.operation_name.as_ref().map(|o| o.to_string()),
                    },
                    payload: r.payload,
                    format: match (kind, r.payload) {
                        (ApiKind::Rest, _) => ResponseFormat::RestV1,
                        (ApiKind::Http, PayloadVersion::V1) => ResponseFormat::HttpV1,
                        (ApiKind::Http, PayloadVersion::V2) => ResponseFormat::HttpV2,
                    },
                    function: model.functions.iter().position(|f| f.id == r.function),
                }
            })
            .collect();
        for id in bindings.keys() {
            if model.function(id).is_none() {
                tracing::warn!(function = %id, "a handler is bound to `{id}`, which is not a function of the template");
            }
        }
        Compiled { table: RouteTable::build(model, options.prepend_stage), apis, cors, functions, routes }
    }
}

impl App {
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

    /// The same app with other options (the route table is recompiled).
    pub fn with_options(&self, options: AppOptions) -> App {
        App::assemble(self.inner.model.clone(), self.inner.template, self.inner.bindings.clone(), options)
    }

    /// The same app with every API served without its `/{stage}` prefix (`--no-prepend-stage`).
    pub fn without_stage_prefix(&self) -> App {
        self.with_options(self.inner.options.clone().prepend_stage(false))
    }

    /// The path prefix the API with logical id `api` is served under: `/{stage}` or `""`.
    pub fn stage_prefix(&self, api: &str) -> &str {
        let c = &self.inner.compiled;
        c.table
            .apis
            .iter()
            .find(|e| self.inner.model.apis.get(e.api).is_some_and(|a| a.id == api))
            .and_then(|e| e.prefix.as_deref())
            .unwrap_or("")
    }

    pub(crate) fn assemble(
        model: Model,
        template: Option<TemplateSource>,
        bindings: HashMap<String, Binding>,
        options: AppOptions,
    ) -> App {
        let compiled = Compiled::new(&model, &bindings, &options);
        App { inner: Arc::new(AppInner { model, template, bindings, options, compiled }) }
    }
}

/// Used by the code `lambda_app!` generates; not a public API.
#[doc(hidden)]
pub struct AppBuilder {
    model: Model,
    template: Option<TemplateSource>,
    bindings: HashMap<String, Binding>,
    options: AppOptions,
}

impl AppBuilder {
    /// Starts from the static table the macro emitted.
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
        App::assemble(self.model, self.template, self.bindings, self.options)
    }

    /// An empty app, emitted by `lambda_app!` after a compile error so the rest of `main` type-checks.
    pub fn placeholder() -> App {
        AppBuilder::from_model(Model {
            source: "".into(),
            format: emu_template::TemplateFormat::Sam,
            functions: Vec::new().into(),
            apis: Vec::new().into(),
            routes: Vec::new().into(),
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
