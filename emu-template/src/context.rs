//! The state of one template read: resolver, diagnostics, and the functions, APIs and routes found so far.
//! Format readers fill a [`Reader`] through the helpers here; this module imports no format reader.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::diagnostics::Diagnostics;
use crate::intrinsics::{Resolver, json_text};
use crate::model::{Api, ApiKind, Function, Location, Route, TemplateFormat, Warning};
use crate::problem::ProblemKind;
use crate::yaml::Node;

/// Everything gathered while reading one template.
pub(crate) struct Reader<'a> {
    pub(crate) dir: PathBuf,
    pub(crate) resolver: Resolver<'a>,
    pub(crate) diags: Diagnostics,
    pub(crate) functions: Vec<Function>,
    pub(crate) apis: Vec<Api>,
    pub(crate) routes: Vec<Route>,
    pub(crate) referenced_files: Vec<PathBuf>,
    /// Resources whose `Condition` holds, in template order: (logical id, node, type).
    pub(crate) resources: Vec<(String, Node<'a>, String)>,
    /// Locations of the first events that need the implicit REST / HTTP API.
    pub(crate) implicit_rest: Option<Location>,
    pub(crate) implicit_http: Option<Location>,
    /// Authorizers, API keys and SAM's per-API auth defaults.
    pub(crate) auth: crate::formats::auth::AuthState,
    /// Gateway responses read so far, with where each came from (a later source overrides an earlier one).
    pub(crate) gateway_responses: crate::formats::gateway_responses::Collected,
    /// Request validators' models and the models routes name.
    pub(crate) validation: crate::formats::validation::ValidationState,
    /// Logical id -> the id a function is known by, where that differs (CDK construct ids).
    pub(crate) known_as: HashMap<String, String>,
    /// What the nested stacks read so far contribute (ids prefixed with `Child/`); merged after validation.
    pub(crate) nested: Nested,
    /// The template's `Outputs`, resolved (for the parent stack's `Fn::GetAtt Child.Outputs.X`).
    pub(crate) outputs: BTreeMap<String, Json>,
}

/// The functions, APIs and routes of nested stacks, already validated by their own read, ids prefixed.
#[derive(Default)]
pub(crate) struct Nested {
    pub(crate) functions: Vec<Function>,
    pub(crate) apis: Vec<Api>,
    pub(crate) routes: Vec<Route>,
    pub(crate) authorizers: Vec<crate::model::Authorizer>,
    pub(crate) api_keys: Vec<crate::model::ApiKey>,
    pub(crate) gateway_responses: Vec<crate::gateway_response::GatewayResponse>,
    pub(crate) request_models: Vec<crate::model::RequestModel>,
    /// Function name in an ARN a child made with `Fn::GetAtt X.Arn` -> the (prefixed) function id.
    pub(crate) arn_names: BTreeMap<String, String>,
}

/// One template read and validated, before it becomes a model (or part of its parent's).
pub(crate) struct Stack {
    pub(crate) format: TemplateFormat,
    pub(crate) functions: Vec<Function>,
    pub(crate) apis: Vec<Api>,
    pub(crate) routes: Vec<Route>,
    pub(crate) authorizers: Vec<crate::model::Authorizer>,
    pub(crate) api_keys: Vec<crate::model::ApiKey>,
    pub(crate) gateway_responses: Vec<crate::gateway_response::GatewayResponse>,
    pub(crate) request_models: Vec<crate::model::RequestModel>,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) referenced_files: Vec<PathBuf>,
    pub(crate) outputs: BTreeMap<String, Json>,
    /// Function name in an ARN made with `Fn::GetAtt X.Arn` -> the function's id.
    pub(crate) arn_names: BTreeMap<String, String>,
}

impl<'a> Reader<'a> {
    /// An empty reader for the template at `path` (relative files are read from its folder).
    pub(crate) fn new(path: &Path, resolver: Resolver<'a>, diags: Diagnostics) -> Self {
        Reader {
            dir: path.parent().map(Path::to_path_buf).unwrap_or_default(),
            resolver,
            diags,
            functions: Vec::new(),
            apis: Vec::new(),
            routes: Vec::new(),
            referenced_files: Vec::new(),
            resources: Vec::new(),
            implicit_rest: None,
            implicit_http: None,
            auth: Default::default(),
            gateway_responses: Default::default(),
            validation: Default::default(),
            known_as: HashMap::new(),
            nested: Nested::default(),
            outputs: BTreeMap::new(),
        }
    }

    /// The id the function with this logical id is known by (its CDK construct id, else the logical id).
    pub(crate) fn id_of(&self, logical_id: &str) -> String {
        self.known_as.get(logical_id).cloned().unwrap_or_else(|| logical_id.to_string())
    }

    /// Resolves a property to JSON (`None` when absent or `AWS::NoValue`).
    pub(crate) fn json(&mut self, node: Option<Node<'a>>) -> Option<Json> {
        let node = node?;
        self.resolver.resolve(node, &mut self.diags)
    }

    /// Resolves a property to text (`None` when absent or not a scalar).
    pub(crate) fn text(&mut self, node: Option<Node<'a>>) -> Option<String> {
        self.json(node).and_then(|v| json_text(&v))
    }

    /// The id of the function a name from an ARN designates: first the function whose `Fn::GetAtt X.Arn` made
    /// that ARN (whatever its `FunctionName`), then by logical id or id, then by `FunctionName`; this template's
    /// functions before those of its nested stacks (`Child/Id` or a child's ARN).
    pub(crate) fn function_id(&self, name: &str) -> Option<String> {
        let own = |f: &&Function| f.logical_id == name || f.id == name;
        self.resolver
            .function_of_arn_name(name)
            .and_then(|logical| self.functions.iter().find(|f| f.logical_id == logical))
            .or_else(|| self.functions.iter().find(own))
            .or_else(|| self.functions.iter().find(|f| f.name == name))
            .map(|f| f.id.to_string())
            .or_else(|| self.nested.arn_names.get(name).cloned())
            .or_else(|| {
                let nested = &self.nested.functions;
                nested
                    .iter()
                    .find(|f| f.id == name)
                    .or_else(|| nested.iter().find(|f| f.name == name))
                    .map(|f| f.id.to_string())
            })
    }

    /// The kind of the API with this logical id, when it is in the template.
    pub(crate) fn api_kind(&self, id: &str) -> Option<ApiKind> {
        self.apis.iter().find(|a| a.id == id).map(|a| a.kind)
    }

    /// The API with this logical id, for updates.
    pub(crate) fn api_mut(&mut self, id: &str) -> Option<&mut Api> {
        self.apis.iter_mut().find(|a| a.id == id)
    }

    /// Reads another local file named by the template, relative to the template's folder.
    pub(crate) fn read_referenced(&mut self, relative: &str, at: Location) -> Option<(PathBuf, String)> {
        let path = self.dir.join(relative);
        let absolute = std::path::absolute(&path).unwrap_or(path.clone());
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                if !self.referenced_files.contains(&absolute) {
                    self.referenced_files.push(absolute.clone());
                }
                Some((absolute, text))
            }
            Err(e) => {
                self.diags
                    .problem(at, ProblemKind::Unreadable { path: path.display().to_string(), reason: e.to_string() });
                None
            }
        }
    }
}

/// The function a Lambda integration URI / ARN names (`...:function:NAME[:alias]/invocations`).
pub(crate) fn function_name_in_uri(uri: &str) -> Option<&str> {
    crate::model::function_name_in_arn(uri)
}

/// Properties of a resource merged with a Globals section (SAM rules: maps merge, local scalars and lists win,
/// lists concatenate).
#[derive(Clone, Copy)]
pub(crate) struct Props<'a> {
    pub(crate) local: Option<Node<'a>>,
    pub(crate) global: Option<Node<'a>>,
    pub(crate) ignore_all: bool,
}

impl<'a> Props<'a> {
    /// The merged, resolved value of `key`.
    pub(crate) fn json(&self, reader: &mut Reader<'a>, key: &str) -> Option<Json> {
        let local = self.local.and_then(|l| l.get(key));
        let global = if self.ignore_all { None } else { self.global.and_then(|g| g.get(key)) };
        let local_v = local.and_then(|l| reader.resolver.resolve(l, &mut reader.diags));
        let global_v = global.and_then(|g| reader.resolver.resolve(g, &mut reader.diags));
        match (global_v, local_v) {
            (Some(g), Some(l)) => Some(merge(g, l)),
            (g, l) => l.or(g),
        }
    }

    /// The merged value of `key` as text.
    pub(crate) fn text(&self, reader: &mut Reader<'a>, key: &str) -> Option<String> {
        self.json(reader, key).and_then(|v| json_text(&v))
    }

    /// Where `key` is written (locally, else in Globals, else `fallback`).
    pub(crate) fn location(&self, key: &str, fallback: Location) -> Location {
        self.local
            .and_then(|l| l.get(key))
            .or_else(|| self.global.and_then(|g| g.get(key)))
            .map_or(fallback, |n| n.location())
    }
}

/// SAM's Globals merge of two resolved values.
pub(crate) fn merge(global: Json, local: Json) -> Json {
    match (global, local) {
        (Json::Object(mut g), Json::Object(l)) => {
            for (k, v) in l {
                let merged = match g.remove(&k) {
                    Some(gv) => merge(gv, v),
                    None => v,
                };
                g.insert(k, merged);
            }
            Json::Object(g)
        }
        (Json::Array(mut g), Json::Array(l)) => {
            g.extend(l);
            Json::Array(g)
        }
        (_, l) => l,
    }
}

/// Compact JSON of a value (`""` for none).
pub(crate) fn compact(v: Option<&Json>) -> String {
    match v {
        None | Some(Json::Null) => String::new(),
        Some(v) => serde_json::to_string(v).unwrap_or_default(),
    }
}

/// Stage variables / environment maps as sorted pairs of text.
pub(crate) fn text_map(
    reader: &mut Reader<'_>,
    v: Option<&Json>,
    what: &str,
    at: Location,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match v {
        None | Some(Json::Null) => {}
        Some(Json::Object(map)) => {
            for (k, v) in map {
                let text = match v {
                    Json::Null => String::new(),
                    other => json_text(other).unwrap_or_else(|| {
                        reader.diags.warn(at, format!("{what} `{k}` does not resolve to a string; using \"\""));
                        String::new()
                    }),
                };
                out.insert(k.clone(), text);
            }
        }
        Some(_) => reader.diags.invalid(at, what.to_string(), "a mapping of names to values"),
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn globals_lists_concatenate() {
        assert_eq!(
            super::merge(serde_json::json!({"L": [1], "M": {"a": 1}}), serde_json::json!({"L": [2], "M": {"b": 2}})),
            serde_json::json!({"L": [1, 2], "M": {"a": 1, "b": 2}})
        );
    }
}
