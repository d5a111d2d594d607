//! CloudFormation intrinsic functions (`!Ref X` and `{"Ref": "X"}` forms), Conditions, Mappings and parameters.
//! Resolves template values into plain JSON; what cannot be known locally becomes a placeholder plus a warning.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value as Json};
use serde_yaml::Value;

use crate::diagnostics::Diagnostics;
use crate::model::Location;
use crate::problem::ProblemKind;
use crate::yaml::Node;

/// Region that `AWS::Region` resolves to (unless overridden).
pub(crate) const REGION: &str = "us-east-1";
/// Account id that `AWS::AccountId` resolves to.
pub(crate) const ACCOUNT_ID: &str = "123456789012";
/// Stack name that `AWS::StackName` resolves to.
pub(crate) const STACK_NAME: &str = "local";
/// Prefix of the value `Fn::GetAtt Api.RootResourceId` resolves to (followed by the API's logical id).
pub(crate) const ROOT_RESOURCE_PREFIX: &str = "RootResourceId:";

const MAX_DEPTH: usize = 64;

/// The explicit placeholder that stands for a value that cannot be known locally.
pub(crate) fn placeholder(what: &str) -> String {
    format!("<unresolved: {what}>")
}

/// True when `text` contains a placeholder made by [`placeholder`].
pub(crate) fn is_placeholder(text: &str) -> bool {
    text.contains("<unresolved: ")
}

/// What the resolver knows about one resource.
#[derive(Clone, Debug)]
pub(crate) struct ResourceInfo {
    /// `AWS::Serverless::Function`, ...
    pub(crate) kind: String,
    /// A literal physical name (`FunctionName`, `QueueName`, ...) when set.
    pub(crate) name: Option<String>,
}

/// The resource types that are nested stacks (their `Fn::GetAtt X.Outputs.Name` are the child's outputs).
pub(crate) const NESTED_STACK_TYPES: [&str; 2] = ["AWS::Serverless::Application", "AWS::CloudFormation::Stack"];

/// Resolves intrinsic functions against one template's parameters, conditions, mappings and resources.
pub(crate) struct Resolver<'a> {
    params: BTreeMap<String, Option<Json>>,
    /// Where each parameter is declared (its `Parameters` key).
    param_locations: BTreeMap<String, Location>,
    pseudo: BTreeMap<&'static str, Json>,
    conditions: Option<Node<'a>>,
    mappings: Option<Node<'a>>,
    resources: HashMap<String, ResourceInfo>,
    /// `AutoPublishAlias` of each SAM function that sets one (for `X.Alias`).
    aliases: HashMap<String, String>,
    /// The outputs of each nested stack read so far (`None`: the child could not be read locally).
    outputs: HashMap<String, Option<BTreeMap<String, Json>>>,
    /// The function name each `Fn::GetAtt X.Arn` of a function put in an ARN, mapped back to `X`: an ARN the
    /// template made from a function always leads back to it, whatever its `FunctionName` resolved to.
    function_arns: RefCell<BTreeMap<String, String>>,
}

impl<'a> Resolver<'a> {
    /// A resolver for a template whose root is `root`, with `--parameter-overrides`.
    pub(crate) fn new(
        root: Node<'a>,
        overrides: &BTreeMap<String, String>,
        resources: HashMap<String, ResourceInfo>,
        diags: &mut Diagnostics,
    ) -> Self {
        let mut pseudo: BTreeMap<&'static str, Json> = BTreeMap::new();
        let stack_id = format!(
            "arn:aws:cloudformation:{REGION}:{ACCOUNT_ID}:stack/{STACK_NAME}/00000000-0000-0000-0000-000000000000"
        );
        for (k, v) in [
            ("AWS::Region", REGION.to_string()),
            ("AWS::AccountId", ACCOUNT_ID.to_string()),
            ("AWS::StackName", STACK_NAME.to_string()),
            ("AWS::StackId", stack_id),
            ("AWS::Partition", "aws".to_string()),
            ("AWS::URLSuffix", "amazonaws.com".to_string()),
        ] {
            let v = overrides.get(k).cloned().unwrap_or(v);
            pseudo.insert(k, Json::String(v));
        }
        pseudo.insert("AWS::NotificationARNs", Json::Array(Vec::new()));
        let mut resolver = Resolver {
            params: BTreeMap::new(),
            param_locations: BTreeMap::new(),
            pseudo,
            conditions: root.get("Conditions"),
            mappings: root.get("Mappings"),
            resources,
            aliases: HashMap::new(),
            outputs: HashMap::new(),
            function_arns: RefCell::new(BTreeMap::new()),
        };
        let declared = root.get("Parameters").map(|p| p.entries()).unwrap_or_default();
        for (name, decl) in &declared {
            let list = decl
                .get("Type")
                .and_then(|t| t.scalar_text())
                .is_some_and(|t| t.contains("List") && !t.starts_with("AWS::SSM::Parameter::Value<String>"));
            let raw = match overrides.get(name) {
                Some(v) => Some(v.clone()),
                None => decl.get("Default").and_then(|d| match d.value {
                    Value::Sequence(items) => {
                        Some(items.iter().filter_map(crate::yaml::scalar_text).collect::<Vec<_>>().join(","))
                    }
                    v => crate::yaml::scalar_text(v),
                }),
            };
            let is_ssm = decl
                .get("Type")
                .and_then(|t| t.scalar_text())
                .is_some_and(|t| t.starts_with("AWS::SSM::Parameter::Value"));
            let value = raw.map(|raw| {
                if is_ssm && !overrides.contains_key(name) {
                    diags.warn(
                        decl.location(),
                        format!("parameter {name} is read from SSM parameter `{raw}` at deploy time; using a placeholder (pass --parameter-overrides {name}=VALUE)"),
                    );
                    return Json::String(placeholder(&format!("ssm parameter {raw}")));
                }
                if list {
                    Json::Array(raw.split(',').map(|s| Json::String(s.trim().to_string())).collect())
                } else {
                    Json::String(raw)
                }
            });
            resolver.params.insert(name.clone(), value);
            resolver.param_locations.insert(name.clone(), decl.location());
        }
        for name in overrides.keys() {
            if !resolver.params.contains_key(name) && !name.starts_with("AWS::") {
                diags.warn(
                    Location::default(),
                    format!("parameter override `{name}` does not match any template parameter; ignored"),
                );
            }
        }
        resolver
    }

    /// Sets the physical name of resource `id` (a `FunctionName` resolved after the resolver was built).
    pub(crate) fn set_name(&mut self, id: &str, name: String) {
        if let Some(info) = self.resources.get_mut(id) {
            info.name = Some(name);
        }
    }

    /// Records the `AutoPublishAlias` of function `id`, which `X.Alias` names.
    pub(crate) fn set_alias(&mut self, id: &str, alias: String) {
        self.aliases.insert(id.to_string(), alias);
    }

    /// Records the outputs of nested stack `id` (`None` when its template could not be read locally).
    pub(crate) fn set_outputs(&mut self, id: &str, outputs: Option<BTreeMap<String, Json>>) {
        self.outputs.insert(id.to_string(), outputs);
    }

    /// The logical id of the function whose `Fn::GetAtt X.Arn` put `name` in an ARN, if one did.
    pub(crate) fn function_of_arn_name(&self, name: &str) -> Option<String> {
        self.function_arns.borrow().get(name).cloned()
    }

    /// Every function name `Fn::GetAtt X.Arn` put in an ARN, with the logical id it stands for.
    pub(crate) fn function_arn_names(&self) -> BTreeMap<String, String> {
        self.function_arns.borrow().clone()
    }

    /// Resolves `node`; `None` means `AWS::NoValue` (the property is absent).
    pub(crate) fn resolve(&self, node: Node<'a>, diags: &mut Diagnostics) -> Option<Json> {
        self.value(node, diags, 0)
    }

    fn value(&self, node: Node<'a>, diags: &mut Diagnostics, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            diags.problem(node.location(), ProblemKind::Intrinsic("values nested too deeply".into()));
            return Some(Json::Null);
        }
        if let Some((name, arg)) = intrinsic(node) {
            return self.call(&name, arg, node.location(), diags, depth + 1);
        }
        Some(match node.value {
            Value::Null => Json::Null,
            Value::Bool(b) => Json::Bool(*b),
            Value::Number(n) => number(n),
            Value::String(s) => Json::String(self.dynamic_refs(s, node.location(), diags)),
            Value::Sequence(_) => {
                Json::Array(node.items().into_iter().filter_map(|i| self.value(i, diags, depth + 1)).collect())
            }
            Value::Mapping(_) => {
                let mut out = Map::new();
                for (k, v) in node.entries() {
                    if let Some(v) = self.value(v, diags, depth + 1) {
                        out.insert(k, v);
                    }
                }
                Json::Object(out)
            }
            Value::Tagged(_) => Json::Null,
        })
    }

    fn dynamic_refs(&self, s: &str, location: Location, diags: &mut Diagnostics) -> String {
        if !s.contains("{{resolve:") {
            return s.to_string();
        }
        let mut out = String::new();
        let mut rest = s;
        while let Some(start) = rest.find("{{resolve:") {
            out.push_str(&rest[..start]);
            let after = &rest[start..];
            let end = after.find("}}").map_or(after.len(), |e| e + 2);
            let reference = &after[..end];
            diags.warn(
                location,
                format!(
                    "dynamic reference `{reference}` is resolved by CloudFormation at deploy time; using a placeholder"
                ),
            );
            out.push_str(&placeholder(reference));
            rest = &after[end..];
        }
        out.push_str(rest);
        out
    }

    fn call(&self, name: &str, arg: Node<'a>, at: Location, diags: &mut Diagnostics, depth: usize) -> Option<Json> {
        let bad = |diags: &mut Diagnostics, expected: &str| {
            diags.problem(at, ProblemKind::Intrinsic(format!("`{name}` expects {expected}")));
            Some(Json::Null)
        };
        match name {
            "Ref" => {
                let Some(target) = self.value(arg, diags, depth).and_then(|v| json_text(&v)) else {
                    return bad(diags, "a logical id or parameter name");
                };
                self.reference(&target, at, diags)
            }
            "Fn::GetAtt" => {
                let parts: Vec<String> = match self.value(arg, diags, depth) {
                    Some(Json::String(s)) => match s.split_once('.') {
                        Some((a, b)) => vec![a.to_string(), b.to_string()],
                        None => vec![s],
                    },
                    Some(Json::Array(items)) => items.iter().filter_map(json_text).collect(),
                    _ => Vec::new(),
                };
                match parts.as_slice() {
                    [resource, attribute] => Some(Json::String(self.get_att(resource, attribute, at, diags))),
                    _ => bad(diags, "`Resource.Attribute` or [Resource, Attribute]"),
                }
            }
            "Fn::Sub" => {
                let (template, vars) = match arg.value {
                    Value::Sequence(_) => {
                        let items = arg.items();
                        match items.as_slice() {
                            [t, v] => (self.value(*t, diags, depth).and_then(|t| json_text(&t)), Some(*v)),
                            [t] => (self.value(*t, diags, depth).and_then(|t| json_text(&t)), None),
                            _ => (None, None),
                        }
                    }
                    _ => (self.value(arg, diags, depth).and_then(|t| json_text(&t)), None),
                };
                let Some(template) = template else { return bad(diags, "a string or [string, {variables}]") };
                let mut variables = BTreeMap::new();
                if let Some(vars) = vars {
                    for (k, v) in vars.entries() {
                        if let Some(v) = self.value(v, diags, depth) {
                            variables.insert(k, v);
                        }
                    }
                }
                Some(Json::String(self.sub(&template, &variables, at, diags)))
            }
            "Fn::Join" => {
                let items = arg.items();
                let [delim, list] = items.as_slice() else { return bad(diags, "[delimiter, [values]]") };
                let delim = self.value(*delim, diags, depth).and_then(|d| json_text(&d)).unwrap_or_default();
                match self.value(*list, diags, depth) {
                    Some(Json::Array(values)) => Some(Json::String(
                        values.iter().map(|v| json_text(v).unwrap_or_default()).collect::<Vec<_>>().join(&delim),
                    )),
                    _ => bad(diags, "[delimiter, [values]]"),
                }
            }
            "Fn::Select" => {
                let items = arg.items();
                let [index, list] = items.as_slice() else { return bad(diags, "[index, [values]]") };
                let index = self
                    .value(*index, diags, depth)
                    .and_then(|i| json_text(&i))
                    .and_then(|i| i.trim().parse::<usize>().ok());
                match (index, self.value(*list, diags, depth)) {
                    (Some(i), Some(Json::Array(values))) => match values.get(i) {
                        Some(v) => Some(v.clone()),
                        None => {
                            diags.warn(at, format!("`Fn::Select` index {i} is out of range (the list has {} items); using a placeholder", values.len()));
                            Some(Json::String(placeholder(&format!("Fn::Select {i}"))))
                        }
                    },
                    _ => bad(diags, "[index, [values]]"),
                }
            }
            "Fn::Split" => {
                let items = arg.items();
                let [delim, text] = items.as_slice() else { return bad(diags, "[delimiter, string]") };
                let delim = self.value(*delim, diags, depth).and_then(|d| json_text(&d));
                let text = self.value(*text, diags, depth).and_then(|t| json_text(&t));
                match (delim, text) {
                    (Some(d), Some(t)) if !d.is_empty() => {
                        Some(Json::Array(t.split(d.as_str()).map(|s| Json::String(s.to_string())).collect()))
                    }
                    _ => bad(diags, "[non-empty delimiter, string]"),
                }
            }
            "Fn::If" => {
                let items = arg.items();
                let [cond, yes, no] = items.as_slice() else {
                    return bad(diags, "[condition, value if true, value if false]");
                };
                let Some(cond) = cond.scalar_text() else { return bad(diags, "a condition name as first argument") };
                if self.condition(&cond, at, diags, depth) {
                    self.value(*yes, diags, depth)
                } else {
                    self.value(*no, diags, depth)
                }
            }
            "Fn::Equals" | "Fn::Not" | "Fn::And" | "Fn::Or" | "Condition" => {
                Some(Json::Bool(self.eval_condition_call(name, arg, at, diags, depth)))
            }
            "Fn::FindInMap" => {
                let items = arg.items();
                if !(3..=4).contains(&items.len()) {
                    return bad(diags, "[MapName, TopLevelKey, SecondLevelKey]");
                }
                let keys: Vec<Option<String>> =
                    items.iter().take(3).map(|k| self.value(*k, diags, depth).and_then(|v| json_text(&v))).collect();
                let [Some(map), Some(top), Some(second)] = keys.as_slice() else {
                    return bad(diags, "three keys that resolve to strings");
                };
                let found = self.mappings.and_then(|m| m.get(map)).and_then(|m| m.get(top)).and_then(|m| m.get(second));
                match found {
                    Some(v) => self.value(v, diags, depth),
                    None => {
                        if let Some(default) = items.get(3).and_then(|d| d.get("DefaultValue")) {
                            return self.value(default, diags, depth);
                        }
                        diags.warn(at, format!("`Fn::FindInMap` [{map}, {top}, {second}] finds nothing in Mappings; using a placeholder"));
                        Some(Json::String(placeholder(&format!("Fn::FindInMap {map}.{top}.{second}"))))
                    }
                }
            }
            "Fn::Base64" => match self.value(arg, diags, depth).and_then(|v| json_text(&v)) {
                Some(text) => Some(Json::String(base64(text.as_bytes()))),
                None => bad(diags, "a string"),
            },
            "Fn::GetAZs" => {
                diags.warn(at, "`Fn::GetAZs` depends on the AWS account; using us-east-1a, us-east-1b, us-east-1c");
                Some(Json::Array(["a", "b", "c"].iter().map(|z| Json::String(format!("{REGION}{z}"))).collect()))
            }
            "Fn::ImportValue" => {
                let export = self.value(arg, diags, depth).and_then(|v| json_text(&v)).unwrap_or_default();
                diags.warn(at, format!("`Fn::ImportValue {export}` reads another stack's export; using a placeholder"));
                Some(Json::String(placeholder(&format!("Fn::ImportValue {export}"))))
            }
            other => {
                diags.warn(at, format!("intrinsic function `{other}` is not supported; using a placeholder"));
                Some(Json::String(placeholder(other)))
            }
        }
    }

    fn reference(&self, target: &str, at: Location, diags: &mut Diagnostics) -> Option<Json> {
        if target == "AWS::NoValue" {
            return None;
        }
        if let Some(v) = self.pseudo.get(target) {
            return Some(v.clone());
        }
        if let Some(v) = self.params.get(target) {
            return Some(match v {
                Some(v) => v.clone(),
                None => {
                    let declared = self.param_locations.get(target).copied().unwrap_or(at);
                    diags.warn_use(declared, format!("parameter {target} has no Default and no override; using a placeholder (pass --parameter-overrides {target}=VALUE)"), at);
                    Json::String(placeholder(&format!("parameter {target}")))
                }
            });
        }
        if let Some((function, "Alias")) = target.split_once('.')
            && self.resources.get(function).is_some_and(|i| is_function(&i.kind))
        {
            // SAM's `!Ref MyFunction.Alias`: the alias `AutoPublishAlias` creates.
            return Some(Json::String(self.get_att(function, "Alias", at, diags)));
        }
        if let Some(info) = self.resources.get(target) {
            // `Ref` gives what CloudFormation documents per type: a topic's ARN, a queue's URL, a bucket's, table's
            // or stream's name; everything else (functions included) keeps the logical id, which the readers
            // match integrations against.
            let name = info.name.as_deref().unwrap_or(target);
            return Some(Json::String(match info.kind.as_str() {
                "AWS::SNS::Topic" => arn(&info.kind, name),
                "AWS::SQS::Queue" => format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{name}"),
                "AWS::S3::Bucket"
                | "AWS::DynamoDB::Table"
                | "AWS::Serverless::SimpleTable"
                | "AWS::Kinesis::Stream" => name.to_string(),
                _ => target.to_string(),
            }));
        }
        if target.starts_with("AWS::") {
            diags.warn(at, format!("pseudo parameter {target} is not known; using a placeholder"));
            return Some(Json::String(placeholder(target)));
        }
        if target == "ServerlessRestApi" || target == "ServerlessHttpApi" {
            return Some(Json::String(target.to_string()));
        }
        diags.warn(at, format!("`Ref {target}` names no parameter or resource of this template; using a placeholder"));
        Some(Json::String(placeholder(&format!("Ref {target}"))))
    }

    fn get_att(&self, resource: &str, attribute: &str, at: Location, diags: &mut Diagnostics) -> String {
        let Some(info) = self.resources.get(resource) else {
            if attribute == "Arn"
                && let Some((id, _)) =
                    self.resources.iter().find(|(_, i)| is_function(&i.kind) && i.name.as_deref() == Some(resource))
            {
                // SAM CLI's reading of a leftover `${Name.Arn}` (in an OpenAPI file CloudFormation never resolves).
                diags.warn(
                    at,
                    format!("`Fn::GetAtt {resource}.Arn`: `{resource}` is no logical id but the FunctionName of {id}; using that function, as SAM CLI does (CloudFormation would refuse it)"),
                );
                let id = id.clone();
                return self.get_att(&id, attribute, at, diags);
            }
            diags.warn(
                at,
                format!("`Fn::GetAtt {resource}.{attribute}` names no resource of this template; using a placeholder"),
            );
            return placeholder(&format!("Fn::GetAtt {resource}.{attribute}"));
        };
        let name = info.name.as_deref().unwrap_or(resource);
        if NESTED_STACK_TYPES.contains(&info.kind.as_str())
            && let Some(output) = attribute.strip_prefix("Outputs.")
        {
            return match self.outputs.get(resource) {
                Some(Some(outputs)) => match outputs.get(output) {
                    Some(v) => json_text(v).unwrap_or_else(|| v.to_string()),
                    None => {
                        let known: Vec<&str> = outputs.keys().map(String::as_str).collect();
                        diags.problem(
                            at,
                            ProblemKind::Intrinsic(format!(
                                "`Fn::GetAtt {resource}.{attribute}`: nested stack {resource} has no output `{output}` (its outputs: {})",
                                if known.is_empty() { "none".to_string() } else { known.join(", ") }
                            )),
                        );
                        placeholder(&format!("Fn::GetAtt {resource}.{attribute}"))
                    }
                },
                _ => {
                    diags.warn(at, format!("`Fn::GetAtt {resource}.{attribute}`: the template of nested stack {resource} is not read locally; using a placeholder"));
                    placeholder(&format!("Fn::GetAtt {resource}.{attribute}"))
                }
            };
        }
        match attribute {
            "Arn" => {
                if is_function(&info.kind) {
                    self.function_arns.borrow_mut().entry(name.to_string()).or_insert_with(|| resource.to_string());
                }
                arn(&info.kind, name)
            }
            // SAM's `${MyFunction.Alias}`: the ARN of the alias `AutoPublishAlias` creates.
            "Alias" if is_function(&info.kind) => {
                self.function_arns.borrow_mut().entry(name.to_string()).or_insert_with(|| resource.to_string());
                let Some(alias) = self.aliases.get(resource) else {
                    diags.warn(
                        at,
                        format!(
                            "`{resource}.Alias` names the alias of a function without `AutoPublishAlias`; using its ARN"
                        ),
                    );
                    return arn(&info.kind, name);
                };
                format!("{}:{alias}", arn(&info.kind, name))
            }
            "RootResourceId" => format!("{ROOT_RESOURCE_PREFIX}{resource}"),
            "ApiId" | "RestApiId" => resource.to_string(),
            "QueueName" | "TopicName" | "Name" => name.to_string(),
            "QueueUrl" => format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT_ID}/{name}"),
            "StreamArn" if info.kind.contains("DynamoDB") => {
                format!("arn:aws:dynamodb:{REGION}:{ACCOUNT_ID}:table/{name}/stream/1970-01-01T00:00:00.000")
            }
            _ => {
                diags.warn(
                    at,
                    format!("`Fn::GetAtt {resource}.{attribute}` is only known after deployment; using a placeholder"),
                );
                placeholder(&format!("Fn::GetAtt {resource}.{attribute}"))
            }
        }
    }

    fn sub(&self, template: &str, vars: &BTreeMap<String, Json>, at: Location, diags: &mut Diagnostics) -> String {
        let mut out = String::new();
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                out.push_str(&rest[start..]);
                rest = "";
                break;
            };
            let name = &after[..end];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            } else {
                let name = name.trim();
                let value = if let Some(v) = vars.get(name) {
                    json_text(v).unwrap_or_default()
                } else if let Some((res, attr)) = name.split_once('.').filter(|_| !name.starts_with("AWS::")) {
                    self.get_att(res, attr, at, diags)
                } else {
                    self.reference(name, at, diags).and_then(|v| json_text(&v)).unwrap_or_default()
                };
                out.push_str(&value);
            }
            rest = &after[end + 1..];
        }
        out.push_str(rest);
        self.dynamic_refs(&out, at, diags)
    }

    /// True when `Conditions` defines `name`.
    pub(crate) fn condition_defined(&self, name: &str) -> bool {
        self.conditions.and_then(|c| c.get(name)).is_some()
    }

    /// True when the condition `name` (from `Conditions`) holds; unknown names are problems (and false).
    pub(crate) fn condition_holds(&self, name: &str, at: Location, diags: &mut Diagnostics) -> bool {
        self.condition(name, at, diags, 0)
    }

    fn condition(&self, name: &str, at: Location, diags: &mut Diagnostics, depth: usize) -> bool {
        if depth > MAX_DEPTH {
            diags.problem(at, ProblemKind::Intrinsic(format!("condition {name} refers to itself")));
            return false;
        }
        match self.conditions.and_then(|c| c.get(name)) {
            Some(expr) => self.eval_condition(expr, diags, depth + 1),
            None => {
                diags
                    .problem(at, ProblemKind::Intrinsic(format!("condition `{name}` is not defined under Conditions")));
                false
            }
        }
    }

    fn eval_condition(&self, expr: Node<'a>, diags: &mut Diagnostics, depth: usize) -> bool {
        if let Some((name, arg)) = intrinsic(expr).or_else(|| {
            expr.get("Condition")
                .filter(|_| expr.value.as_mapping().is_some_and(|m| m.len() == 1))
                .map(|a| ("Condition".to_string(), a))
        }) {
            return self.eval_condition_call(&name, arg, expr.location(), diags, depth);
        }
        match self.value(expr, diags, depth) {
            Some(Json::Bool(b)) => b,
            Some(Json::String(s)) if s == "true" || s == "false" => s == "true",
            Some(Json::String(s)) => self.condition(&s, expr.location(), diags, depth + 1),
            _ => {
                diags.problem(
                    expr.location(),
                    ProblemKind::Intrinsic(
                        "a condition must be Fn::Equals, Fn::Not, Fn::And, Fn::Or or Condition".into(),
                    ),
                );
                false
            }
        }
    }

    fn eval_condition_call(
        &self,
        name: &str,
        arg: Node<'a>,
        at: Location,
        diags: &mut Diagnostics,
        depth: usize,
    ) -> bool {
        let items = arg.items();
        match name {
            "Fn::Equals" => match items.as_slice() {
                [a, b] => {
                    let a = self.value(*a, diags, depth).map(|v| json_text(&v).unwrap_or_else(|| v.to_string()));
                    let b = self.value(*b, diags, depth).map(|v| json_text(&v).unwrap_or_else(|| v.to_string()));
                    a == b
                }
                _ => {
                    diags.problem(at, ProblemKind::Intrinsic("`Fn::Equals` expects [value, value]".into()));
                    false
                }
            },
            "Fn::Not" => match items.as_slice() {
                [c] => !self.eval_condition(*c, diags, depth + 1),
                _ => {
                    diags.problem(at, ProblemKind::Intrinsic("`Fn::Not` expects [condition]".into()));
                    false
                }
            },
            "Fn::And" | "Fn::Or" => {
                if items.is_empty() {
                    diags.problem(at, ProblemKind::Intrinsic(format!("`{name}` expects a list of conditions")));
                    return false;
                }
                let results: Vec<bool> = items.iter().map(|c| self.eval_condition(*c, diags, depth + 1)).collect();
                if name == "Fn::And" { results.iter().all(|b| *b) } else { results.iter().any(|b| *b) }
            }
            "Condition" => match arg.scalar_text() {
                Some(n) => self.condition(&n, at, diags, depth + 1),
                None => {
                    diags.problem(at, ProblemKind::Intrinsic("`Condition` expects a condition name".into()));
                    false
                }
            },
            _ => match self.call(name, arg, at, diags, depth) {
                Some(Json::Bool(b)) => b,
                _ => false,
            },
        }
    }
}

/// The intrinsic function `node` calls, with its argument: `!Tag arg` or a one-key `{"Fn::X": arg}` / `{"Ref": arg}`.
pub(crate) fn intrinsic<'a>(node: Node<'a>) -> Option<(String, Node<'a>)> {
    if let Some((tag, inner)) = node.tagged() {
        let name = match tag.as_str() {
            "Ref" | "Condition" => tag,
            other => format!("Fn::{other}"),
        };
        return Some((name, inner));
    }
    let map = node.value.as_mapping()?;
    if map.len() != 1 {
        return None;
    }
    let (key, _) = map.iter().next()?;
    let key = key.as_str()?;
    if key == "Ref" || key.starts_with("Fn::") {
        let arg = node.get(key)?;
        return Some((key.to_string(), arg));
    }
    None
}

/// True for the resource types that are Lambda functions.
pub(crate) fn is_function(kind: &str) -> bool {
    kind == "AWS::Serverless::Function" || kind == "AWS::Lambda::Function"
}

/// The ARN CloudFormation would give `Fn::GetAtt X.Arn` for a resource of type `kind` named `name`.
pub(crate) fn arn(kind: &str, name: &str) -> String {
    let r = REGION;
    let a = ACCOUNT_ID;
    match kind {
        "AWS::Serverless::Function" | "AWS::Lambda::Function" => format!("arn:aws:lambda:{r}:{a}:function:{name}"),
        "AWS::SQS::Queue" => format!("arn:aws:sqs:{r}:{a}:{name}"),
        "AWS::SNS::Topic" => format!("arn:aws:sns:{r}:{a}:{name}"),
        "AWS::S3::Bucket" => format!("arn:aws:s3:::{name}"),
        "AWS::DynamoDB::Table" | "AWS::Serverless::SimpleTable" => format!("arn:aws:dynamodb:{r}:{a}:table/{name}"),
        "AWS::Kinesis::Stream" => format!("arn:aws:kinesis:{r}:{a}:stream/{name}"),
        "AWS::IAM::Role" => format!("arn:aws:iam::{a}:role/{name}"),
        "AWS::Events::Rule" => format!("arn:aws:events:{r}:{a}:rule/{name}"),
        "AWS::Events::EventBus" => format!("arn:aws:events:{r}:{a}:event-bus/{name}"),
        "AWS::StepFunctions::StateMachine" | "AWS::Serverless::StateMachine" => {
            format!("arn:aws:states:{r}:{a}:stateMachine:{name}")
        }
        "AWS::Lambda::LayerVersion" | "AWS::Serverless::LayerVersion" => {
            format!("arn:aws:lambda:{r}:{a}:layer:{name}:1")
        }
        "AWS::Logs::LogGroup" => format!("arn:aws:logs:{r}:{a}:log-group:{name}:*"),
        other => {
            let service = other.split("::").nth(1).unwrap_or("unknown").to_ascii_lowercase();
            format!("arn:aws:{service}:{r}:{a}:{name}")
        }
    }
}

/// The text of a JSON scalar (strings as is, numbers and booleans printed).
pub(crate) fn json_text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(n: &serde_yaml::Number) -> Json {
    if let Some(i) = n.as_i64() {
        Json::from(i)
    } else if let Some(u) = n.as_u64() {
        Json::from(u)
    } else {
        n.as_f64().and_then(serde_json::Number::from_f64).map_or(Json::Null, Json::Number)
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::yaml::Document;

    fn eval_with(template: &str, expr_key: &str, overrides: &[(&str, &str)]) -> (Option<Json>, Diagnostics) {
        let doc = Document::parse(template).unwrap();
        let mut diags = Diagnostics::new("t.yaml");
        let mut resources = HashMap::new();
        for (id, node) in doc.root().get("Resources").map(|r| r.entries()).unwrap_or_default() {
            let kind = node.get("Type").and_then(|t| t.scalar_text()).unwrap_or_default();
            let name = node.get("Properties").and_then(|p| p.get("FunctionName")).and_then(|n| n.scalar_text());
            resources.insert(id, ResourceInfo { kind, name });
        }
        let overrides = overrides.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        let r = Resolver::new(doc.root(), &overrides, resources, &mut diags);
        let node = doc.root().get("Test").unwrap().get(expr_key).unwrap();
        let v = r.resolve(node, &mut diags);
        (v, diags)
    }

    const BASE: &str = "Parameters:\n  Stage:\n    Type: String\n    Default: dev\n  Names:\n    Type: CommaDelimitedList\n    Default: a,b,c\n  NoDefault:\n    Type: String\nConditions:\n  IsProd: !Equals [!Ref Stage, prod]\n  NotProd: !Not [!Condition IsProd]\n  Both: {\"Fn::And\": [{\"Condition\": \"NotProd\"}, !Equals [a, a]]}\n  Either: !Or [!Condition IsProd, !Equals [x, y]]\nMappings:\n  Env:\n    dev:\n      Url: dev.example.com\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: named-fn\n  Q:\n    Type: AWS::SQS::Queue\n  Api:\n    Type: AWS::ApiGateway::RestApi\n";

    fn eval(expr: &str) -> (Option<Json>, Diagnostics) {
        eval_over(expr, &[])
    }

    fn eval_over(expr: &str, overrides: &[(&str, &str)]) -> (Option<Json>, Diagnostics) {
        let t = format!("{BASE}Test:\n  X: {expr}\n");
        eval_with(&t, "X", overrides)
    }

    fn s(v: &str) -> Option<Json> {
        Some(Json::String(v.to_string()))
    }

    #[test]
    fn ref_parameters_pseudo_and_resources() {
        assert_eq!(eval("!Ref Stage").0, s("dev"));
        assert_eq!(eval_over("!Ref Stage", &[("Stage", "prod")]).0, s("prod"));
        assert_eq!(eval("{\"Ref\": \"AWS::Region\"}").0, s("us-east-1"));
        assert_eq!(eval("!Ref AWS::AccountId").0, s("123456789012"));
        assert_eq!(eval("!Ref AWS::Partition").0, s("aws"));
        assert_eq!(eval("!Ref AWS::URLSuffix").0, s("amazonaws.com"));
        assert_eq!(eval("!Ref AWS::StackName").0, s("local"));
        assert_eq!(eval("!Ref AWS::NoValue").0, None);
        // `Ref` of a queue is its URL (AWS::SQS::Queue, "Return values"), of a function its logical id here.
        assert_eq!(eval("!Ref Q").0, s("https://sqs.us-east-1.amazonaws.com/123456789012/Q"));
        assert_eq!(eval("!Ref Fn").0, s("Fn"));
        assert_eq!(eval("!Ref Names").0, Some(serde_json::json!(["a", "b", "c"])));
        let (v, d) = eval("!Ref NoDefault");
        assert!(v.and_then(|v| json_text(&v)).is_some_and(|t| is_placeholder(&t)));
        let warnings = d.into_warnings();
        assert_eq!(warnings.len(), 1);
        // One warning at the declaration (line 8 of BASE), listing the use.
        assert_eq!(warnings[0].location.line, 8);
        assert!(warnings[0].message.contains("(used at "), "{}", warnings[0].message);
    }

    #[test]
    fn get_att_arns_have_the_resource_types_shape() {
        assert_eq!(eval("!GetAtt Fn.Arn").0, s("arn:aws:lambda:us-east-1:123456789012:function:named-fn"));
        assert_eq!(eval("{\"Fn::GetAtt\": [Q, Arn]}").0, s("arn:aws:sqs:us-east-1:123456789012:Q"));
        assert_eq!(eval("!GetAtt Api.RootResourceId").0, s("RootResourceId:Api"));
        let (v, d) = eval("!GetAtt Q.Whatever");
        assert!(json_text(&v.unwrap()).unwrap().starts_with("<unresolved"));
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn sub_string_and_list_forms() {
        assert_eq!(
            eval("!Sub '${AWS::Region}-${Stage}-${Fn.Arn}-${!Literal}'").0,
            s("us-east-1-dev-arn:aws:lambda:us-east-1:123456789012:function:named-fn-${Literal}")
        );
        assert_eq!(eval("{\"Fn::Sub\": [\"${A}/${Stage}\", {\"A\": !Ref Stage}]}").0, s("dev/dev"));
    }

    #[test]
    fn join_select_split_base64() {
        assert_eq!(eval("!Join [':', [a, !Ref Stage, 3]]").0, s("a:dev:3"));
        assert_eq!(eval("!Select [1, !Ref Names]").0, s("b"));
        assert_eq!(eval("!Select ['2', !Split [',', 'x,y,z']]").0, s("z"));
        assert_eq!(eval("{\"Fn::Base64\": \"hello\"}").0, s("aGVsbG8="));
        let (v, d) = eval("!Select [9, [a]]");
        assert!(is_placeholder(&json_text(&v.unwrap()).unwrap()));
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn if_and_conditions() {
        assert_eq!(eval("!If [IsProd, big, small]").0, s("small"));
        assert_eq!(eval_over("!If [IsProd, big, small]", &[("Stage", "prod")]).0, s("big"));
        assert_eq!(eval("!If [NotProd, !Ref AWS::NoValue, x]").0, None);
        assert_eq!(eval("!If [Both, yes, no]").0, s("yes"));
        assert_eq!(eval("!If [Either, yes, no]").0, s("no"));
        let (_, d) = eval("!If [Missing, a, b]");
        assert!(d.problems[0].kind.to_string().contains("Missing"));
    }

    #[test]
    fn find_in_map() {
        assert_eq!(eval("!FindInMap [Env, !Ref Stage, Url]").0, s("dev.example.com"));
        let (v, d) = eval("!FindInMap [Env, prod, Url]");
        assert!(is_placeholder(&json_text(&v.unwrap()).unwrap()));
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn unknowable_values_are_placeholders_with_warnings() {
        for expr in ["!ImportValue SharedVpc", "'{{resolve:ssm:/my/param}}'", "!Cidr [a, 1, 2]"] {
            let (v, d) = eval(expr);
            assert!(is_placeholder(&json_text(&v.unwrap()).unwrap()), "{expr}");
            assert_eq!(d.warnings.len(), 1, "{expr}");
            assert!(d.problems.is_empty());
        }
        let (v, d) = eval("!Select [0, !GetAZs '']");
        assert_eq!(v, s("us-east-1a"));
        assert_eq!(d.warnings.len(), 1);
    }

    #[test]
    fn malformed_intrinsics_are_problems_not_panics() {
        for expr in [
            "!Join [a]",
            "!Select [x, y]",
            "!Split [',']",
            "!If [a]",
            "!GetAtt [a, b, c]",
            "!FindInMap [a]",
            "{\"Fn::Sub\": []}",
        ] {
            let (_, d) = eval(expr);
            assert!(!d.problems.is_empty(), "{expr}");
        }
    }
}
