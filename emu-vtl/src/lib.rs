//! API Gateway's Velocity Template Language (VTL) subset for REST mapping templates: parsed once, rendered per
//! request. A pure library (no I/O, no async): `emu-template` parses to warn, `emu-runtime` renders.
//!
//! ```
//! use emu_vtl::{Scope, Template};
//!
//! let template = Template::parse(r#"{"name": "$input.path('$.name')", "stage": "$context.stage"}"#)?;
//! assert!(template.unsupported().is_empty());
//! let context = serde_json::json!({"stage": "dev"});
//! let stage_variables = serde_json::json!({});
//! let scope = Scope {
//!     body: r#"{"name": "Rex"}"#,
//!     path: &[],
//!     querystring: &[],
//!     header: &[],
//!     context: &context,
//!     stage_variables: &stage_variables,
//! };
//! let rendered = template.render(&scope)?;
//! assert_eq!(rendered.body, r#"{"name": "Rex", "stage": "dev"}"#);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The subset, and what API Gateway does outside it, is listed in `docs/template-support.md`
//! ("Mapping templates (VTL)"). Inside: `parse` (text, references, directives) builds `ast` nodes, `check`
//! flags what is outside the subset, `render` evaluates them with `value`, `ops`, `methods`, `jsonpath` and
//! `util`, charging `budget` for every step.
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod ast;
mod budget;
mod check;
mod error;
mod jsonpath;
mod locate;
mod methods;
mod ops;
mod parse;
mod render;
mod util;
mod value;

pub use error::{LimitKind, ParseError, RenderError, Unsupported};

/// Most iterations of one `#foreach`: API Gateway's documented limit.
pub const MAX_FOREACH_ITERATIONS: usize = 1000;
/// Largest rendered output, and largest string built while rendering (10 MiB, API Gateway's payload limit).
pub const MAX_OUTPUT_BYTES: usize = 10 * 1024 * 1024;
/// Most work units in one render (a unit is a node, a value visited or 16 bytes written; a loop step is 4).
/// About a fifth of a second of a release build's time.
pub const MAX_WORK: u64 = 10_000_000;
/// Deepest nesting of lists and maps in a value (JSON bodies are limited to 128 by the parser).
pub const MAX_VALUE_DEPTH: u32 = 200;
/// Longest range literal `[a..b]`.
pub const MAX_RANGE_LEN: usize = 100_000;
/// Deepest nesting of directives, expressions, parentheses and string literals in a template.
pub const MAX_NESTING: u32 = 48;
/// Deepest nesting while rendering: a template's own nesting, plus `#define` blocks rendered inside each other.
pub const MAX_RENDER_DEPTH: u32 = 2 * MAX_NESTING + 16;

/// A parsed mapping template. `Send + Sync`: parse once, render from any thread.
#[derive(Debug, Clone)]
pub struct Template {
    nodes: Vec<ast::Node>,
    unsupported: Vec<Unsupported>,
    /// Kept to locate render errors (line and column are computed only when one is reported).
    source: String,
}

impl Template {
    /// Parses; syntax errors (unclosed #if, bad reference, unterminated string) are errors with a 1-based
    /// line and column relative to the template text.
    pub fn parse(source: &str) -> Result<Template, ParseError> {
        let mut parser = parse::Parser::new(source);
        let nodes = parser.template()?;
        Ok(Template { nodes, unsupported: parser.unsupported, source: source.to_string() })
    }

    /// Constructs outside the supported subset (e.g. `#macro`, `#parse`, `#include`, `#define`, `#evaluate`,
    /// `$util.xyz` unknown, `$input.foo` unknown): each names the construct and its line/column. Rendering a
    /// template that reaches one fails with [`RenderError::Unsupported`]. Empty for a template fully inside
    /// the subset.
    pub fn unsupported(&self) -> &[Unsupported] {
        &self.unsupported
    }

    /// Renders against one request (or, for integration responses, one integration response).
    pub fn render(&self, scope: &Scope<'_>) -> Result<Rendered, RenderError> {
        let budget = budget::Budget::new();
        let mut renderer = render::Renderer::new(&self.source, scope, &budget);
        renderer.run(&self.nodes)
    }
}

/// What a template reads: the body, the request parameters, `$context` and `$stageVariables`.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// `$input.body` (raw text); `$input.json(path)` / `$input.path(path)` parse it as JSON once, lazily.
    pub body: &'a str,
    /// `$input.params()` / `$input.params('name')` (searched path, then querystring, then header, as AWS does).
    pub path: &'a [(&'a str, &'a str)],
    /// Query string parameters, one value per name (the last of a repeated name is used).
    pub querystring: &'a [(&'a str, &'a str)],
    /// Request (or integration response) headers; `$input.params('name')` matches header names ignoring case.
    pub header: &'a [(&'a str, &'a str)],
    /// `$context` (a JSON object: requestId, stage, httpMethod, resourcePath, identity{...}, authorizer{...}, ...).
    pub context: &'a serde_json::Value,
    /// `$stageVariables` (a JSON object of strings).
    pub stage_variables: &'a serde_json::Value,
}

impl<'a> Scope<'a> {
    /// A scope with only a body: no parameters, and empty `$context` and `$stageVariables` objects.
    pub fn new(body: &'a str) -> Scope<'a> {
        static EMPTY: serde_json::Value = serde_json::Value::Null;
        Scope { body, path: &[], querystring: &[], header: &[], context: &EMPTY, stage_variables: &EMPTY }
    }
}

/// The result of a render.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Rendered {
    /// The rendered text.
    pub body: String,
    /// `#set($context.responseOverride.status = 400)`.
    pub status_override: Option<u16>,
    /// `#set($context.responseOverride.header.X = "v")`, in order set.
    pub header_overrides: Vec<(String, String)>,
    /// `#set($context.requestOverride.{header|path|querystring}.X = "v")` (integration request templates).
    pub request_overrides: RequestOverrides,
}

/// What an integration request template overrode through `$context.requestOverride`, each in order set.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RequestOverrides {
    /// `$context.requestOverride.header.X`.
    pub header: Vec<(String, String)>,
    /// `$context.requestOverride.path.X`.
    pub path: Vec<(String, String)>,
    /// `$context.requestOverride.querystring.X`.
    pub querystring: Vec<(String, String)>,
}

#[cfg(test)]
mod tests;
