//! The environment each function runs with: template variables (Globals merged, intrinsics resolved), `--env-vars`
//! overrides and the reserved variables Lambda sets; plus the plan for the one process environment they share.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use emu_template::{Function, Model};

use crate::aws::{LATEST, REGION};
use crate::lambda::log::log_stream_name;

/// Variables Lambda sets that are the same for every function.
const SHARED_RESERVED: &[(&str, &str)] = &[
    ("AWS_REGION", REGION),
    ("AWS_DEFAULT_REGION", REGION),
    ("AWS_LAMBDA_FUNCTION_VERSION", LATEST),
    ("AWS_EXECUTION_ENV", "AWS_Lambda_rust"),
    ("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand"),
];

/// A problem with an `--env-vars` file.
#[derive(Debug)]
pub enum EnvVarsError {
    /// The file could not be read.
    Read {
        /// The path given.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not JSON.
    Json {
        /// The path given.
        path: String,
        /// The parser's message, with line and column.
        source: serde_json::Error,
    },
    /// The JSON is not `{"Parameters": {...}, "LogicalId": {...}}`.
    Shape {
        /// The path given.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for EnvVarsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EnvVarsError::Read { path, source } => write!(f, "cannot read --env-vars file {path}: {source}"),
            EnvVarsError::Json { path, source } => write!(f, "--env-vars file {path} is not valid JSON: {source}"),
            EnvVarsError::Shape { path, message } => write!(f, "--env-vars file {path}: {message}"),
        }
    }
}

impl std::error::Error for EnvVarsError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EnvVarsError::Read { source, .. } => Some(source),
            EnvVarsError::Json { source, .. } => Some(source),
            EnvVarsError::Shape { .. } => None,
        }
    }
}

/// An `--env-vars` file in SAM CLI's format: `{"Parameters": {"VAR": "v"}, "LogicalId": {"VAR": "v"}}`.
///
/// `Parameters` applies to every function, a function's own block wins. As in SAM CLI, only variables the template
/// declares for a function are overridden; others are reported by [`EnvironmentPlan::notes`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EnvVarsFile {
    /// The `Parameters` block.
    pub parameters: BTreeMap<String, String>,
    /// Per-function blocks, by id (logical id, CDK construct id, `Child/Id`), function name or CloudFormation logical
    /// id.
    pub functions: BTreeMap<String, BTreeMap<String, String>>,
}

impl EnvVarsFile {
    /// Reads and parses the file at `path`.
    pub fn load(path: &Path) -> Result<Self, EnvVarsError> {
        let shown = path.display().to_string();
        let text =
            std::fs::read_to_string(path).map_err(|source| EnvVarsError::Read { path: shown.clone(), source })?;
        Self::parse(&text, &shown)
    }

    /// Parses the file's text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, EnvVarsError> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|source| EnvVarsError::Json { path: path.into(), source })?;
        let serde_json::Value::Object(top) = value else {
            return Err(EnvVarsError::Shape {
                path: path.into(),
                message: "the top level must be a JSON object".into(),
            });
        };
        let mut out = EnvVarsFile::default();
        for (key, block) in top {
            let serde_json::Value::Object(vars) = block else {
                return Err(EnvVarsError::Shape {
                    path: path.into(),
                    message: format!("\"{key}\" must be an object of variable names to values"),
                });
            };
            let vars: BTreeMap<String, String> = vars.into_iter().map(|(k, v)| (k, stringify(v))).collect();
            if key == "Parameters" {
                out.parameters = vars;
            } else {
                out.functions.insert(key, vars);
            }
        }
        Ok(out)
    }
}

/// Values become strings as SAM CLI makes them: booleans and numbers printed, anything else empty.
fn stringify(value: serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s,
        serde_json::Value::Bool(b) => b.to_string(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// The variables one function sees on Lambda: reserved ones, then the template's, with `--env-vars` applied.
pub(crate) fn function_environment(function: &Function, overrides: &EnvVarsFile) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    for var in function.environment.iter() {
        let value = var.resolve(|name| std::env::var(name).ok());
        env.insert(var.name.to_string(), value);
    }
    // SAM CLI's keys: the id (a CDK construct id, `Child/Id`), the FunctionName, the CloudFormation logical id.
    let block = [&function.id, &function.name, &function.logical_id]
        .into_iter()
        .find_map(|key| overrides.functions.get(key.as_ref()));
    for source in [Some(&overrides.parameters), block].into_iter().flatten() {
        for (name, value) in source {
            if let Some(slot) = env.get_mut(name) {
                slot.clone_from(value);
            }
        }
    }
    for (name, value) in reserved(function) {
        env.insert(name.to_owned(), value);
    }
    env
}

/// The reserved variables Lambda sets for `function` (they win over template values, which AWS rejects).
pub(crate) fn reserved(function: &Function) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = SHARED_RESERVED.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    out.push(("AWS_LAMBDA_FUNCTION_NAME", function.name.to_string()));
    out.push(("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", function.memory_mb.to_string()));
    out.push(("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{}", function.name)));
    out.push(("AWS_LAMBDA_LOG_STREAM_NAME", log_stream_name(&function.name)));
    out.push(("_HANDLER", function.handler.to_string()));
    out
}

/// Whether `name` is one of the reserved variables that differ between functions.
fn is_per_function_reserved(name: &str) -> bool {
    matches!(
        name,
        "AWS_LAMBDA_FUNCTION_NAME"
            | "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"
            | "AWS_LAMBDA_LOG_GROUP_NAME"
            | "AWS_LAMBDA_LOG_STREAM_NAME"
            | "_HANDLER"
    )
}

/// Two functions that give one variable different values.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// The variable.
    pub name: String,
    /// The function whose value the process gets (first in template order) and that value.
    pub kept: (String, String),
    /// Another function and the value it wanted.
    pub other: (String, String),
}

impl fmt::Display for Conflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "environment variable {} differs between functions: {} sets {:?}, {} sets {:?}; \
             the process is shared, so every handler sees {:?} (from {})",
            self.name, self.kept.0, self.kept.1, self.other.0, self.other.1, self.kept.1, self.kept.0
        )
    }
}

/// What the shared process environment will hold, and why.
#[derive(Clone, Debug, Default)]
pub struct EnvironmentPlan {
    /// Each function's own environment (what it would see on Lambda), by logical id.
    pub per_function: BTreeMap<String, BTreeMap<String, String>>,
    /// The variables to set in the process.
    pub process: BTreeMap<String, String>,
    /// Variables two functions disagree on.
    pub conflicts: Vec<Conflict>,
    /// Other things worth a line at startup (ignored overrides, per-function reserved variables).
    pub notes: Vec<String>,
}

impl EnvironmentPlan {
    /// Plans the environment of `model` with `overrides` applied.
    pub fn new(model: &Model, overrides: &EnvVarsFile) -> Self {
        let mut plan = EnvironmentPlan::default();
        let mut owner: BTreeMap<String, String> = BTreeMap::new();
        let mut reported: std::collections::BTreeSet<String> = Default::default();
        let single = model.functions.len() == 1;
        for function in model.functions.iter() {
            let env = function_environment(function, overrides);
            for (name, value) in &env {
                if !single && is_per_function_reserved(name) {
                    continue;
                }
                match plan.process.get(name) {
                    None => {
                        plan.process.insert(name.clone(), value.clone());
                        owner.insert(name.clone(), function.id.to_string());
                    }
                    Some(kept) if kept != value && reported.insert(name.clone()) => {
                        plan.conflicts.push(Conflict {
                            name: name.clone(),
                            kept: (owner.get(name).cloned().unwrap_or_default(), kept.clone()),
                            other: (function.id.to_string(), value.clone()),
                        });
                    }
                    Some(_) => {}
                }
            }
            plan.per_function.insert(function.id.to_string(), env);
        }
        if !single && !model.functions.is_empty() {
            plan.notes.push(
                "AWS_LAMBDA_FUNCTION_NAME, AWS_LAMBDA_FUNCTION_MEMORY_SIZE, AWS_LAMBDA_LOG_GROUP_NAME, \
                 AWS_LAMBDA_LOG_STREAM_NAME and _HANDLER differ per function, so they are not set in the shared \
                 process; each invocation's Context (env_config) carries its function's values"
                    .into(),
            );
        }
        plan.note_ignored_overrides(model, overrides);
        plan
    }

    fn note_ignored_overrides(&mut self, model: &Model, overrides: &EnvVarsFile) {
        let declared = |f: &Function, name: &str| f.environment.iter().any(|v| v.name == name);
        for name in overrides.parameters.keys() {
            if !model.functions.iter().any(|f| declared(f, name)) {
                self.notes.push(format!(
                    "--env-vars: Parameters.{name} is ignored: no function declares {name} in the template"
                ));
            }
        }
        for (key, vars) in &overrides.functions {
            let known = |f: &&Function| f.id == key.as_str() || f.name == key.as_str() || f.logical_id == key.as_str();
            let Some(function) = model.functions.iter().find(known) else {
                self.notes
                    .push(format!("--env-vars: \"{key}\" is not a function of the template; its block is ignored"));
                continue;
            };
            for name in vars.keys() {
                if !declared(function, name) {
                    self.notes.push(format!(
                        "--env-vars: {key}.{name} is ignored: {key} does not declare {name} in the template"
                    ));
                }
            }
        }
    }

    /// Sets the planned variables in this process.
    ///
    /// # Safety
    /// Must run before any other thread exists (in `main`, before a tokio runtime starts), as
    /// [`std::env::set_var`] requires.
    pub unsafe fn apply(&self) {
        for (name, value) in &self.process {
            // SAFETY: the caller guarantees no other thread reads or writes the environment now.
            unsafe { std::env::set_var(name, value) };
        }
    }
}

/// Why `--parameter-overrides` could not be applied.
#[derive(Debug)]
pub enum OverrideError {
    /// The app was not built by `lambda_app!`, so there is no template to re-read.
    NoTemplate,
    /// The template, read again with the overrides, has problems.
    Template(emu_template::Problems),
}

impl fmt::Display for OverrideError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OverrideError::NoTemplate => {
                f.write_str("--parameter-overrides needs an app built by lambda_app! (it re-reads the template)")
            }
            OverrideError::Template(p) => write!(f, "the template with these parameter overrides has problems:\n{p}"),
        }
    }
}

impl std::error::Error for OverrideError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            OverrideError::NoTemplate => None,
            OverrideError::Template(p) => Some(p),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use emu_template::EnvVar;

    fn function(id: &str, vars: &[(&str, &str)]) -> Function {
        let mut f = Function::new(id);
        f.environment =
            vars.iter().map(|(k, v)| EnvVar::literal(k.to_string(), v.to_string())).collect::<Vec<_>>().into();
        f
    }

    fn model(functions: Vec<Function>) -> Model {
        let mut m = Model::from_routes(Vec::new(), Vec::new());
        m.functions = functions.into();
        m
    }

    #[test]
    fn env_vars_file_follows_sam_format_and_stringifies() {
        let file = EnvVarsFile::parse(
            r#"{"Parameters": {"A": "1", "B": true, "C": 2.5, "D": null}, "Fn": {"A": "x"}}"#,
            "vars.json",
        )
        .unwrap();
        assert_eq!(file.parameters["B"], "true");
        assert_eq!(file.parameters["C"], "2.5");
        assert_eq!(file.parameters["D"], "");
        assert_eq!(file.functions["Fn"]["A"], "x");
    }

    #[test]
    fn env_vars_file_errors_name_the_problem() {
        let err = EnvVarsFile::parse("{\"Fn\": 3}", "vars.json").unwrap_err().to_string();
        assert_eq!(err, "--env-vars file vars.json: \"Fn\" must be an object of variable names to values");
        let err = EnvVarsFile::parse("{", "vars.json").unwrap_err().to_string();
        assert!(err.starts_with("--env-vars file vars.json is not valid JSON: EOF"), "{err}");
        let err = EnvVarsFile::load(Path::new("/nonexistent/vars.json")).unwrap_err();
        assert!(std::error::Error::source(&err).is_some(), "the io::Error is chained");
        let err = err.to_string();
        assert!(err.starts_with("cannot read --env-vars file /nonexistent/vars.json:"), "{err}");
    }

    #[test]
    fn overrides_apply_to_declared_variables_only_and_function_block_wins() {
        let f = function("Fn", &[("A", "template"), ("B", "template")]);
        let file = EnvVarsFile::parse(r#"{"Parameters": {"A": "param", "Z": "z"}, "Fn": {"B": "fn"}}"#, "v").unwrap();
        let env = function_environment(&f, &file);
        assert_eq!(env["A"], "param");
        assert_eq!(env["B"], "fn");
        assert!(!env.contains_key("Z"));
        assert_eq!(env["AWS_LAMBDA_FUNCTION_NAME"], "Fn");
        assert_eq!(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "128");
        assert_eq!(env["AWS_REGION"], "us-east-1");
        assert_eq!(env["_HANDLER"], "bootstrap");
        assert_eq!(env["AWS_LAMBDA_LOG_GROUP_NAME"], "/aws/lambda/Fn");
        let plan = EnvironmentPlan::new(&model(vec![f]), &file);
        assert!(plan.notes.iter().any(|n| n.contains("Parameters.Z is ignored")), "{:?}", plan.notes);
    }

    #[test]
    fn a_cdk_function_s_block_may_use_its_cloudformation_logical_id() {
        let mut f = function("HelloWorldFunction", &[("A", "template")]);
        f.logical_id = "helloworldfunctionFDE57595".into();
        let file = EnvVarsFile::parse(r#"{"helloworldfunctionFDE57595": {"A": "cfn"}}"#, "v").unwrap();
        assert_eq!(function_environment(&f, &file)["A"], "cfn");
        let plan = EnvironmentPlan::new(&model(vec![f]), &file);
        assert!(plan.notes.is_empty(), "{:?}", plan.notes);
    }

    #[test]
    fn reserved_variables_win_over_template_values() {
        let f = function("Fn", &[("AWS_REGION", "eu-west-1")]);
        assert_eq!(function_environment(&f, &EnvVarsFile::default())["AWS_REGION"], "us-east-1");
    }

    #[test]
    fn conflicts_name_both_functions_and_keep_the_first() {
        let m = model(vec![
            function("A", &[("TABLE", "dogs"), ("SAME", "1")]),
            function("B", &[("TABLE", "houses"), ("SAME", "1")]),
        ]);
        let plan = EnvironmentPlan::new(&m, &EnvVarsFile::default());
        assert_eq!(plan.process["TABLE"], "dogs");
        assert_eq!(plan.process["SAME"], "1");
        assert_eq!(plan.conflicts.len(), 1);
        let line = plan.conflicts[0].to_string();
        assert!(line.contains("A sets \"dogs\"") && line.contains("B sets \"houses\""), "{line}");
        assert!(!plan.process.contains_key("AWS_LAMBDA_FUNCTION_NAME"));
        assert_eq!(plan.per_function["B"]["AWS_LAMBDA_FUNCTION_NAME"], "B");
    }
}
