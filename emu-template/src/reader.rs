//! The state of one template read and the order of its passes: resources, then APIs, then routes, then checks.
//! `sam.rs`, `cfn.rs` and `openapi.rs` fill a [`Reader`]; `validate.rs` checks what they produced.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::error::{Diagnostics, ProblemKind};
use crate::intrinsics::{Resolver, ResourceInfo, json_text};
use crate::model::{Api, ApiKind, Function, Location, Route, TemplateFormat};
use crate::yaml::Node;
use crate::{Loaded, Model, Problems, ReadOptions, cfn, sam, validate};

/// Everything gathered while reading one template.
pub(crate) struct Reader<'a> {
    pub dir: PathBuf,
    pub resolver: Resolver<'a>,
    pub diags: Diagnostics,
    pub functions: Vec<Function>,
    pub apis: Vec<Api>,
    pub routes: Vec<Route>,
    pub referenced_files: Vec<PathBuf>,
    /// Resources whose `Condition` holds, in template order: (logical id, node, type).
    pub resources: Vec<(String, Node<'a>, String)>,
    /// Locations of the first events that need the implicit REST / HTTP API.
    pub implicit_rest: Option<Location>,
    pub implicit_http: Option<Location>,
}

impl<'a> Reader<'a> {
    /// An empty reader for the template at `path` (relative files are read from its folder).
    pub fn new(path: &Path, resolver: Resolver<'a>, diags: Diagnostics) -> Self {
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
        }
    }

    /// Validates what was read and turns it into the model: every problem, sorted by file and position, or the
    /// model with its routes sorted by path then method.
    pub fn finish(mut self, file: String, format: TemplateFormat) -> Result<Loaded, Problems> {
        validate::check(&mut self);
        let Reader { diags, functions, apis, mut routes, referenced_files, .. } = self;
        if !diags.problems.is_empty() {
            let mut problems = diags.problems;
            problems.sort_by(|a, b| (a.file.as_str(), a.location).cmp(&(b.file.as_str(), b.location)));
            return Err(Problems(problems));
        }
        routes.sort_by(|a, b| route_key(a).cmp(&route_key(b)));
        let model = Model {
            source: file.into(),
            format,
            functions: functions.into(),
            apis: apis.into(),
            routes: routes.into(),
            warnings: diags.warnings.into(),
        };
        Ok(Loaded { model, referenced_files })
    }

    /// Resolves a property to JSON (`None` when absent or `AWS::NoValue`).
    pub fn json(&mut self, node: Option<Node<'a>>) -> Option<Json> {
        let node = node?;
        self.resolver.resolve(node, &mut self.diags)
    }

    /// Resolves a property to text (`None` when absent or not a scalar).
    pub fn text(&mut self, node: Option<Node<'a>>) -> Option<String> {
        self.json(node).and_then(|v| json_text(&v))
    }

    /// The logical id of the function a name, logical id or ARN-derived name designates.
    pub fn function_id(&self, name: &str) -> Option<String> {
        self.functions
            .iter()
            .find(|f| f.id == name)
            .or_else(|| self.functions.iter().find(|f| f.name == name))
            .map(|f| f.id.to_string())
    }

    /// The kind of the API with this logical id, when it is in the template.
    pub fn api_kind(&self, id: &str) -> Option<ApiKind> {
        self.apis.iter().find(|a| a.id == id).map(|a| a.kind)
    }

    /// The API with this logical id, for updates.
    pub fn api_mut(&mut self, id: &str) -> Option<&mut Api> {
        self.apis.iter_mut().find(|a| a.id == id)
    }

    /// Reads another local file named by the template, relative to the template's folder.
    pub fn read_referenced(&mut self, relative: &str, at: Location) -> Option<(PathBuf, String)> {
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
    let start = uri.find(":function:")? + ":function:".len();
    let rest = &uri[start..];
    let end = rest.find([':', '/']).unwrap_or(rest.len());
    let name = &rest[..end];
    (!name.is_empty()).then_some(name)
}

/// Reads `source` into a model, or every problem found.
pub(crate) fn read(source: &str, path: &Path, options: &ReadOptions) -> Result<Loaded, Problems> {
    let file = path.display().to_string();
    let mut diags = Diagnostics::new(file.clone());
    let doc = match crate::yaml::Document::parse(source) {
        Ok(doc) => doc,
        Err(e) => {
            diags.problem(e.location, ProblemKind::Syntax(e.message));
            return Err(Problems(diags.problems));
        }
    };
    let root = doc.root();
    if !root.is_mapping() {
        diags.problem(
            Location::new(1, 1),
            ProblemKind::NotATemplate("the document is not a mapping of sections".into()),
        );
        return Err(Problems(diags.problems));
    }
    if crate::serverless::is_serverless(root) {
        return crate::serverless::read(root, path, options, diags);
    }
    let format = if transform_is_sam(root) { TemplateFormat::Sam } else { TemplateFormat::CloudFormation };
    let Some(resources_node) = root.get("Resources").filter(|r| r.is_mapping()) else {
        diags.problem(
            Location::new(1, 1),
            ProblemKind::NotATemplate(
                "there is no `Resources` mapping (a swagger/OpenAPI file is read through `DefinitionUri`)".into(),
            ),
        );
        return Err(Problems(diags.problems));
    };
    let entries = resources_node.entries();
    let mut infos = HashMap::new();
    for (id, node) in &entries {
        let kind = node.get("Type").and_then(|t| t.scalar_text()).unwrap_or_default();
        let props = node.get("Properties");
        let name =
            ["FunctionName", "QueueName", "TopicName", "TableName", "BucketName", "RoleName", "Name", "StreamName"]
                .iter()
                .find_map(|k| props.and_then(|p| p.get(k)).and_then(|n| n.as_str()))
                .map(str::to_string);
        infos.insert(id.clone(), ResourceInfo { kind, name });
    }
    let resolver = Resolver::new(root, &options.parameter_overrides, infos, &mut diags);
    let mut reader = Reader::new(path, resolver, diags);
    for (id, node) in entries {
        if id.starts_with("Fn::ForEach") {
            reader.diags.problem(
                node.location(),
                ProblemKind::Unsupported(format!(
                    "`{id}` (the AWS::LanguageExtensions transform); expand the loop by hand"
                )),
            );
            continue;
        }
        let Some(kind) = node.get("Type").and_then(|t| t.scalar_text()) else {
            reader.diags.problem(
                node.location(),
                ProblemKind::MissingProperty { owner: format!("resource {id}"), property: "Type" },
            );
            continue;
        };
        if let Some(cond) = node.get("Condition") {
            match cond.scalar_text() {
                Some(c) if !reader.resolver.condition_defined(&c) => reader.diags.warn(
                    cond.location(),
                    format!("resource {id}: condition `{c}` is not defined under Conditions; the resource is kept"),
                ),
                Some(c) if !reader.resolver.condition_holds(&c, cond.location(), &mut reader.diags) => continue,
                Some(_) => {}
                None => reader.diags.problem(
                    cond.location(),
                    ProblemKind::InvalidValue {
                        what: format!("Condition of {id}"),
                        expected: "a condition name".into(),
                    },
                ),
            }
        }
        reader.resources.push((id, node, kind));
    }
    let globals = sam::Globals::read(root, &mut reader);
    // Pass 1: functions and APIs, so that events can be checked against them.
    for i in 0..reader.resources.len() {
        let Some((id, node, kind)) = reader.resources.get(i).cloned() else { continue };
        match kind.as_str() {
            "AWS::Serverless::Function" => sam::read_function(&mut reader, &globals, &id, node),
            "AWS::Serverless::Api" => sam::read_api(&mut reader, &globals, &id, node, ApiKind::Rest),
            "AWS::Serverless::HttpApi" => sam::read_api(&mut reader, &globals, &id, node, ApiKind::Http),
            _ => cfn::read_resource(&mut reader, &id, node, &kind),
        }
    }
    // Pass 2: routes.
    for i in 0..reader.resources.len() {
        let Some((id, node, kind)) = reader.resources.get(i).cloned() else { continue };
        match kind.as_str() {
            "AWS::Serverless::Function" => sam::read_events(&mut reader, &id, node),
            "AWS::Serverless::Api" | "AWS::Serverless::HttpApi" => {
                sam::read_api_routes(&mut reader, &globals, &id, node)
            }
            _ => cfn::read_routes(&mut reader, &id, node, &kind),
        }
    }
    sam::add_implicit_apis(&mut reader, &globals);
    reader.finish(file, format)
}

/// The sort key of routes: path, then method name, then API.
pub(crate) fn route_key(r: &Route) -> (&str, &str, &str) {
    (&r.path, r.method.as_str(), &r.api)
}

fn transform_is_sam(root: Node<'_>) -> bool {
    let Some(t) = root.get("Transform") else { return false };
    let names: Vec<String> = match t.value {
        serde_yaml::Value::Sequence(items) => items.iter().filter_map(crate::yaml::scalar_text).collect(),
        v => crate::yaml::scalar_text(v).into_iter().collect(),
    };
    names.iter().any(|n| n.starts_with("AWS::Serverless"))
}

/// Properties of a resource merged with a Globals section (SAM rules: maps merge, local scalars and lists win,
/// lists concatenate).
#[derive(Clone, Copy)]
pub(crate) struct Props<'a> {
    pub local: Option<Node<'a>>,
    pub global: Option<Node<'a>>,
    pub ignore_all: bool,
}

impl<'a> Props<'a> {
    /// The merged, resolved value of `key`.
    pub fn json(&self, reader: &mut Reader<'a>, key: &str) -> Option<Json> {
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
    pub fn text(&self, reader: &mut Reader<'a>, key: &str) -> Option<String> {
        self.json(reader, key).and_then(|v| json_text(&v))
    }

    /// Where `key` is written (locally, else in Globals, else `fallback`).
    pub fn location(&self, key: &str, fallback: Location) -> Location {
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
        Some(_) => reader.diags.problem(
            at,
            ProblemKind::InvalidValue { what: what.to_string(), expected: "a mapping of names to values".into() },
        ),
    }
    out
}
