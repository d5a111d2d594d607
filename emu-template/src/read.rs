//! What one read takes and gives: [`ReadOptions`] in, [`Loaded`] (the model plus the files it opened) out.
//! Plain data, so that the driver and the format readers need nothing from the crate root.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::model::Model;

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
