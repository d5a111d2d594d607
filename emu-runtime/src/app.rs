//! `App`: the application model plus one bound handler per function; built by `lambda_app!` through `AppBuilder`.
//! Everything the server, the router and the test client need hangs off this type.

use std::collections::HashMap;
use std::sync::Arc;

use emu_template::{Model, Route};

use crate::handler::{Function, Handler};

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
}

/// Used by the code `lambda_app!` generates; not a public API.
#[doc(hidden)]
pub struct AppBuilder {
    model: Model,
    template: Option<TemplateSource>,
    bindings: HashMap<String, Binding>,
}

impl AppBuilder {
    /// Starts from the static table the macro emitted.
    pub fn new(model: &'static Model, template: TemplateSource) -> Self {
        AppBuilder { model: model.clone(), template: Some(template), bindings: HashMap::new() }
    }

    /// Starts from a model read at run time (tests, other front ends).
    pub fn from_model(model: Model) -> Self {
        AppBuilder { model, template: None, bindings: HashMap::new() }
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

    /// Finishes the app.
    pub fn build(self) -> App {
        App { inner: Arc::new(AppInner { model: self.model, template: self.template, bindings: self.bindings }) }
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
