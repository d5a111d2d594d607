//! Reads a SAM, CloudFormation or Serverless template into one format-neutral [`Model`].
//! No proc-macro and no server code lives here: `emu-macros` and `emu-runtime` both call [`read_file`] / [`read_str`].
#![warn(missing_docs)]

mod cfn;
pub mod error;
pub mod intrinsics;
pub mod model;
mod openapi;
mod reader;
pub mod report;
mod sam;
#[cfg(test)]
mod sam_tests;
pub mod serverless;
pub mod validate;
pub mod yaml;

pub use error::ProblemKind;

pub use model::*;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// Options for reading a template.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// `--parameter-overrides`: template parameter values that replace the parameters' `Default`s.
    pub parameter_overrides: BTreeMap<String, String>,
}

/// A template read successfully.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The application model.
    pub model: Model,
    /// Other files the template made the reader open (`DefinitionUri`, `${file(...)}`), as absolute paths.
    pub referenced_files: Vec<PathBuf>,
}

/// One problem found in a template, with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The file the problem is in, as given to the reader.
    pub file: String,
    /// Where in that file.
    pub location: Location,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.location.line, self.location.column, self.message)
    }
}

/// Every problem found in a template (never empty).
#[derive(Clone, Debug, PartialEq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Reads the template at `path`.
pub fn read_file(path: &Path, options: &ReadOptions) -> Result<Loaded, Problems> {
    match std::fs::read_to_string(path) {
        Ok(source) => read_str(&source, path, options),
        Err(e) => Err(Problems(vec![Problem {
            file: path.display().to_string(),
            location: Location::default(),
            message: ProblemKind::Unreadable { path: path.display().to_string(), reason: e.to_string() }.to_string(),
        }])),
    }
}

/// Reads a template from `source`; `path` names it in messages and anchors relative `DefinitionUri` files.
pub fn read_str(source: &str, path: &Path, options: &ReadOptions) -> Result<Loaded, Problems> {
    reader::read(source, path, options)
}
