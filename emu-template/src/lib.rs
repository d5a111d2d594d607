//! Reads a SAM, CloudFormation or Serverless template into one format-neutral [`Model`].
//! No proc-macro and no server code lives here: `emu-macros` and `emu-runtime` both call [`read_file`] / [`read_str`].
//!
//! The public API is what this root re-exports plus the [`report`] module; every item has one path.
//! Inside, `driver` runs the passes of a read over `formats::*`, which fill a `context::Reader`.
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod context;
mod detect;
mod diagnostics;
mod driver;
mod formats;
mod intrinsics;
mod model;
mod nested;
#[cfg(test)]
mod nested_tests;
mod problem;
mod read;
pub mod report;
mod validate;
mod yaml;

pub use model::{
    Api, ApiKey, ApiKind, Authorization, Authorizer, AuthorizerFunction, AuthorizerKind, Cors, DEFAULT_ROUTE, EnvPiece,
    EnvVar, Event, EventKind, Function, IdentitySource, KeyValue, List, Location, Method, Model, PayloadVersion, Route,
    RouteAuth, Str, TemplateFormat, Warning,
};
pub use problem::{Problem, ProblemKind, Problems, VariableError};
pub use read::{Loaded, ReadOptions};

use std::path::Path;

/// Reads the template at `path`.
pub fn read_file(path: &Path, options: &ReadOptions) -> Result<Loaded, Problems> {
    match std::fs::read_to_string(path) {
        Ok(source) => read_str(&source, path, options),
        Err(e) => Err(Problems(vec![Problem {
            file: path.display().to_string(),
            location: Location::default(),
            kind: ProblemKind::Unreadable { path: path.display().to_string(), reason: e.to_string() },
        }])),
    }
}

/// Reads a template from `source`; `path` names it in messages and anchors relative `DefinitionUri` files.
pub fn read_str(source: &str, path: &Path, options: &ReadOptions) -> Result<Loaded, Problems> {
    driver::read(source, path, options)
}
