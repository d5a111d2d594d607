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
mod gateway_response;
mod integration;
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

pub use gateway_response::{GatewayResponse, GatewayResponseType, HeaderSource, ResponseHeader};
pub use integration::{
    Integration, IntegrationResponse, Mapping, MappingTemplate, ParameterValue, Passthrough, ResponseParameter,
};
pub use model::{
    Api, ApiKey, ApiKind, Authorization, Authorizer, AuthorizerFunction, AuthorizerKind, BodyModel, Cors,
    DEFAULT_ROUTE, EnvPiece, EnvVar, Event, EventKind, Function, IdentitySource, KeyValue, List, Location,
    MODEL_URL_PREFIX, Method, Model, ParameterLocation, PayloadVersion, RequestModel, RequestParameter,
    RequestValidation, Route, RouteAuth, Str, TemplateFormat, Warning,
};
pub use nested::normalize_path;
pub use problem::{Problem, ProblemKind, Problems, VariableError};
pub use read::{Loaded, ReadOptions};

use std::path::Path;

/// Reads the template at `path`. A file that is not UTF-8 is a syntax problem at its first invalid byte.
pub fn read_file(path: &Path, options: &ReadOptions) -> Result<Loaded, Problems> {
    let problem = |location, kind| Err(Problems(vec![Problem { file: path.display().to_string(), location, kind }]));
    match std::fs::read(path) {
        Ok(bytes) => match std::str::from_utf8(&bytes) {
            Ok(source) => read_str(source, path, options),
            Err(e) => {
                let (location, message) = not_utf8(&bytes, e.valid_up_to());
                problem(location, ProblemKind::Syntax(message))
            }
        },
        Err(e) => problem(
            Location::default(),
            ProblemKind::Unreadable { path: path.display().to_string(), reason: e.to_string() },
        ),
    }
}

/// Where the first byte that is not UTF-8 is (line and column, in characters, 1-based) and what to do about it.
fn not_utf8(bytes: &[u8], valid_up_to: usize) -> (Location, String) {
    let valid = bytes.get(..valid_up_to).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or("");
    let line = valid.matches('\n').count() + 1;
    let column = valid.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    let to_u32 = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let byte = bytes.get(valid_up_to).copied().unwrap_or(0);
    let message = if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        "the file is UTF-16 (it starts with a UTF-16 byte order mark): save it as UTF-8".to_owned()
    } else {
        format!(
            "the file is not UTF-8: byte 0x{byte:02X} at offset {valid_up_to} does not start a UTF-8 character (save the file as UTF-8)"
        )
    };
    (Location::new(to_u32(line), to_u32(column)), message)
}

/// Reads a template from `source`; `path` names it in messages and anchors relative `DefinitionUri` files.
pub fn read_str(source: &str, path: &Path, options: &ReadOptions) -> Result<Loaded, Problems> {
    driver::read(source, path, options)
}
