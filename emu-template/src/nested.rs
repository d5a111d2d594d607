//! Nested stacks: `AWS::Serverless::Application` (`Location`) and `AWS::CloudFormation::Stack` (`TemplateURL`, or
//! the CDK asset named by `aws:asset:path`) with a local template, read with their `Parameters`, merged as `Child/Id`.
//!
//! A child is read by the driver's own `read_stack` (passed in, so this module does not import the driver), after
//! the children whose outputs its `Parameters` use. Its functions and APIs become `Child/Id` (one `/` per level),
//! its `Outputs` answer the parent's `Fn::GetAtt Child.Outputs.X`, and every file it reads is tracked.

use crate::model::{AuthorizerKind, RequestModel};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value as Json;

use crate::context::{Reader, Stack};
use crate::intrinsics::{NESTED_STACK_TYPES, intrinsic, json_text};
use crate::model::Location;
use crate::problem::{ProblemKind, Problems};
use crate::read::ReadOptions;
use crate::yaml::Node;

/// How deeply stacks may nest (CloudFormation itself has no small limit; this only stops runaway includes).
const MAX_NESTING: usize = 16;

/// The driver's read of one template: source, path, options, the including templates (itself last).
pub(crate) type ReadStack = fn(&str, &Path, &ReadOptions, &[PathBuf]) -> Result<Stack, Problems>;

/// A nested stack resource of the template being read.
#[derive(Clone, Copy)]
struct Child<'a> {
    node: Node<'a>,
    kind: &'static str,
}

/// Reads every nested stack of `reader`'s template into `reader.nested`, in an order where each child comes after
/// the children whose outputs its `Parameters` use; a loop among them is a problem.
pub(crate) fn read_children<'a>(
    reader: &mut Reader<'a>,
    options: &ReadOptions,
    ancestors: &[PathBuf],
    read: ReadStack,
) {
    let resources = reader.resources.clone();
    let children: BTreeMap<&str, Child<'a>> = resources
        .iter()
        .filter_map(|(id, node, kind)| {
            let kind = NESTED_STACK_TYPES.iter().find(|t| **t == kind.as_str())?;
            Some((id.as_str(), Child { node: *node, kind }))
        })
        .collect();
    if children.is_empty() {
        return;
    }
    let ids: Vec<&str> =
        resources.iter().map(|(id, _, _)| id.as_str()).filter(|id| children.contains_key(id)).collect();
    let deps: BTreeMap<&str, Vec<String>> = ids
        .iter()
        .map(|id| {
            let mut found = Vec::new();
            if let Some(params) =
                children.get(id).and_then(|c| c.node.get("Properties")).and_then(|p| p.get("Parameters"))
            {
                outputs_used(params, &mut found);
            }
            found.retain(|d| children.contains_key(d.as_str()));
            (*id, found)
        })
        .collect();
    let mut order: Vec<&str> = Vec::new();
    let mut state: BTreeMap<&str, Visit> = BTreeMap::new();
    for id in &ids {
        let mut path = Vec::new();
        visit(id, &deps, &mut state, &mut order, &mut path, reader, &children);
    }
    for id in order {
        if let Some(child) = children.get(id) {
            read_child(reader, id, *child, options, ancestors, read);
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Visit {
    Open,
    Done,
    /// Part of a cycle (reported once, not read).
    Broken,
}

/// Depth-first topological order; a back edge is a cycle, reported at the first stack's `Parameters`.
fn visit<'k>(
    id: &'k str,
    deps: &'k BTreeMap<&'k str, Vec<String>>,
    state: &mut BTreeMap<&'k str, Visit>,
    order: &mut Vec<&'k str>,
    path: &mut Vec<&'k str>,
    reader: &mut Reader<'_>,
    children: &BTreeMap<&str, Child<'_>>,
) -> bool {
    match state.get(id) {
        Some(Visit::Done) => return true,
        Some(Visit::Broken) => return false,
        Some(Visit::Open) => {
            let start = path.iter().position(|p| *p == id).unwrap_or(0);
            let mut cycle: Vec<String> = path.get(start..).unwrap_or_default().iter().map(|s| s.to_string()).collect();
            cycle.push(id.to_string());
            let at = children
                .get(id)
                .and_then(|c| c.node.get("Properties"))
                .and_then(|p| p.get("Parameters"))
                .map_or(Location::default(), |p| p.location());
            reader.diags.problem(at, ProblemKind::StackCycle { cycle, through: "outputs passed as Parameters" });
            for p in path.get(start..).unwrap_or_default() {
                state.insert(*p, Visit::Broken);
            }
            return false;
        }
        None => {}
    }
    state.insert(id, Visit::Open);
    path.push(id);
    let mut ok = true;
    for dep in deps.get(id).into_iter().flatten() {
        let Some((dep, _)) = deps.get_key_value(dep.as_str()) else { continue };
        ok &= visit(dep, deps, state, order, path, reader, children);
    }
    path.pop();
    if state.get(id) == Some(&Visit::Broken) || !ok {
        state.insert(id, Visit::Broken);
        reader.resolver.set_outputs(id, None);
        return false;
    }
    state.insert(id, Visit::Done);
    order.push(id);
    true
}

/// The stacks whose outputs a value uses: `!GetAtt Child.Outputs.X`, `[Child, Outputs.X]`, `${Child.Outputs.X}`.
fn outputs_used(node: Node<'_>, out: &mut Vec<String>) {
    if let Some((name, arg)) = intrinsic(node) {
        match name.as_str() {
            "Fn::GetAtt" => {
                let target = match arg.scalar_text() {
                    Some(text) => {
                        text.split_once('.').filter(|(_, a)| a.starts_with("Outputs.")).map(|(r, _)| r.to_string())
                    }
                    None => match arg.items().as_slice() {
                        [r, a] if a.scalar_text().is_some_and(|a| a.starts_with("Outputs.")) => r.scalar_text(),
                        _ => None,
                    },
                };
                out.extend(target);
            }
            "Fn::Sub" => {
                let template = arg.scalar_text().or_else(|| arg.items().first().and_then(|t| t.scalar_text()));
                let mut rest = template.as_deref().unwrap_or_default();
                while let Some(start) = rest.find("${") {
                    let after = &rest[start + 2..];
                    let end = after.find('}').unwrap_or(after.len());
                    if let Some((r, a)) = after[..end].split_once('.')
                        && a.starts_with("Outputs.")
                    {
                        out.push(r.trim().to_string());
                    }
                    rest = &after[end..];
                }
            }
            _ => {}
        }
        outputs_used(arg, out);
        return;
    }
    for item in node.items() {
        outputs_used(item, out);
    }
    for (_, value) in node.entries() {
        outputs_used(value, out);
    }
}

/// Where a nested stack's template is: the CDK asset, else `Location` / `TemplateURL`. `None` (with a warning or
/// a problem) when it is not a local file.
fn template_location<'a>(reader: &mut Reader<'a>, id: &str, child: Child<'a>) -> Option<(String, Location)> {
    let meta = child.node.get("Metadata");
    if let Some(asset) = meta
        .filter(|m| m.get("aws:asset:property").and_then(|p| p.scalar_text()).as_deref() == Some("TemplateURL"))
        .and_then(|m| m.get("aws:asset:path"))
        && let Some(path) = asset.scalar_text()
    {
        return Some((path, asset.location()));
    }
    let property = if child.kind == "AWS::Serverless::Application" { "Location" } else { "TemplateURL" };
    let Some(node) = child.node.get("Properties").and_then(|p| p.get(property)) else {
        reader.diags.problem(
            child.node.location(),
            ProblemKind::MissingProperty { owner: format!("nested stack {id} ({})", child.kind), property },
        );
        return None;
    };
    let at = node.location();
    match reader.json(Some(node)) {
        Some(Json::String(path)) if is_remote(&path) => {
            reader.diags.warn(at, format!("nested stack {id}: its template `{path}` is stored remotely; its functions and routes are not read (point `{property}` at a local file, as `sam build` output does)"));
            None
        }
        Some(Json::String(path)) => Some((path, at)),
        Some(Json::Object(app)) if app.contains_key("ApplicationId") => {
            let app_id = app.get("ApplicationId").and_then(json_text).unwrap_or_default();
            reader.diags.warn(at, format!("nested stack {id} comes from the Serverless Application Repository (`{app_id}`); its functions and routes are not read"));
            None
        }
        _ => {
            reader.diags.invalid(
                at,
                format!("{property} of nested stack {id}"),
                "the path of a local template (or an S3 / HTTPS URL)",
            );
            None
        }
    }
}

fn is_remote(path: &str) -> bool {
    ["https://", "http://", "s3://"].iter().any(|p| path.to_ascii_lowercase().starts_with(p))
}

/// The values the parent passes in `Parameters`, as the child's parameter overrides (lists joined by commas), plus
/// the parent's pseudo-parameter overrides.
fn parameters<'a>(
    reader: &mut Reader<'a>,
    id: &str,
    child: Child<'a>,
    options: &ReadOptions,
) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = options
        .parameter_overrides
        .iter()
        .filter(|(k, _)| k.starts_with("AWS::"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let Some(node) = child.node.get("Properties").and_then(|p| p.get("Parameters")) else { return out };
    match reader.json(Some(node)) {
        None | Some(Json::Null) => {}
        Some(Json::Object(map)) => {
            for (name, value) in map {
                let text = match &value {
                    Json::Array(items) => Some(items.iter().filter_map(json_text).collect::<Vec<_>>().join(",")),
                    other => json_text(other),
                };
                match text {
                    Some(t) => {
                        out.insert(name, t);
                    }
                    None => reader.diags.warn(
                        node.location(),
                        format!(
                            "parameter {name} passed to nested stack {id} does not resolve to a string; not passed"
                        ),
                    ),
                }
            }
        }
        Some(_) => reader.diags.invalid(
            node.location(),
            format!("Parameters of nested stack {id}"),
            "a mapping of parameter names to values",
        ),
    }
    out
}

fn read_child<'a>(
    reader: &mut Reader<'a>,
    id: &str,
    child: Child<'a>,
    options: &ReadOptions,
    ancestors: &[PathBuf],
    read: ReadStack,
) {
    let Some((relative, at)) = template_location(reader, id, child) else {
        reader.resolver.set_outputs(id, None);
        return;
    };
    let overrides = parameters(reader, id, child, options);
    let path = reader.dir.join(&relative);
    let absolute = std::path::absolute(&path).unwrap_or(path.clone());
    let normalized = normalize_path(&absolute);
    if let Some(first) = ancestors.iter().position(|a| normalize_path(a) == normalized) {
        let mut cycle: Vec<String> =
            ancestors.get(first..).unwrap_or_default().iter().map(|a| a.display().to_string()).collect();
        cycle.push(normalized.display().to_string());
        reader.diags.problem(at, ProblemKind::StackCycle { cycle, through: "templates that include each other" });
        reader.resolver.set_outputs(id, None);
        return;
    }
    if ancestors.len() > MAX_NESTING {
        reader.diags.problem(
            at,
            ProblemKind::Unsupported(format!("nested stack {id}: stacks nest more than {MAX_NESTING} levels deep")),
        );
        reader.resolver.set_outputs(id, None);
        return;
    }
    let Some((file, text)) = reader.read_referenced(&relative, at) else {
        reader.resolver.set_outputs(id, None);
        return;
    };
    if !parameters_fit(reader, id, child, &relative, &text, &overrides) {
        reader.resolver.set_outputs(id, None);
        return;
    }
    let mut chain = ancestors.to_vec();
    chain.push(normalized);
    let child_options = ReadOptions { parameter_overrides: overrides };
    match read(&text, &file, &child_options, &chain) {
        Err(Problems(problems)) => {
            reader.diags.problems.extend(problems);
            reader.resolver.set_outputs(id, None);
        }
        Ok(stack) => merge(reader, id, &relative, child.node.location(), stack),
    }
}

/// CloudFormation refuses a nested stack that is passed a parameter its template does not declare, or not passed
/// one that has no `Default`: both are problems at the nested stack's `Parameters` (else the resource). A child
/// that does not parse is left to its own read, which reports it.
fn parameters_fit(
    reader: &mut Reader<'_>,
    id: &str,
    child: Child<'_>,
    relative: &str,
    text: &str,
    passed: &BTreeMap<String, String>,
) -> bool {
    let Ok(doc) = crate::yaml::Document::parse(text) else { return true };
    let declared: Vec<(String, bool)> = doc
        .root()
        .get("Parameters")
        .map(|p| p.entries())
        .unwrap_or_default()
        .into_iter()
        .map(|(name, decl)| (name, decl.get("Default").is_some()))
        .collect();
    let at = child.node.get("Properties").and_then(|p| p.get("Parameters")).unwrap_or(child.node).location();
    let mut fit = true;
    for name in passed.keys().filter(|k| !k.starts_with("AWS::")) {
        if !declared.iter().any(|(d, _)| d == name) {
            let list: Vec<&str> = declared.iter().map(|(d, _)| d.as_str()).collect();
            reader.diags.invalid(
                at,
                format!("parameter `{name}` passed to nested stack {id}"),
                format!(
                    "a parameter {relative} declares ({}); CloudFormation refuses the stack",
                    if list.is_empty() { "it declares none".to_string() } else { list.join(", ") }
                ),
            );
            fit = false;
        }
    }
    for (name, _) in declared.iter().filter(|(name, has_default)| !has_default && !passed.contains_key(name)) {
        reader.diags.invalid(
            at,
            format!("Parameters of nested stack {id}"),
            format!(
                "a value for `{name}`, which {relative} declares without a Default (CloudFormation refuses the stack)"
            ),
        );
        fit = false;
    }
    fit
}

/// Adds a child's functions, APIs and routes as `Child/Id`, located at the nested stack resource; its warnings
/// too, ending `(in nested stack Child, child.yaml at 12:5)`.
fn merge(reader: &mut Reader<'_>, id: &str, relative: &str, at: Location, stack: Stack) {
    let prefixed = |inner: &str| format!("{id}/{inner}");
    for mut f in stack.functions {
        f.id = prefixed(&f.id).into();
        f.location = at;
        reader.nested.functions.push(f);
    }
    for mut a in stack.apis {
        a.id = prefixed(&a.id).into();
        a.location = at;
        reader.nested.apis.push(a);
    }
    for mut r in stack.routes {
        r.api = prefixed(&r.api).into();
        if let Some(function) = r.integration.function_mut() {
            *function = prefixed(function).into();
        }
        r.location = at;
        reader.nested.routes.push(r);
    }
    for mut a in stack.authorizers {
        a.api = prefixed(&a.api).into();
        a.location = at;
        if let AuthorizerKind::LambdaToken { function }
        | AuthorizerKind::LambdaRequest { function }
        | AuthorizerKind::HttpLambda { function, .. } = &mut a.kind
            && let Some(fid) = &function.id
        {
            function.id = Some(prefixed(fid).into());
        }
        reader.nested.authorizers.push(a);
    }
    for mut m in stack.request_models {
        let (old, new) = (RequestModel::url(&m.api, ""), RequestModel::url(&prefixed(&m.api), ""));
        m.schema = m.schema.replace(&old, &new).into();
        m.api = prefixed(&m.api).into();
        m.location = at;
        reader.nested.request_models.push(m);
    }
    for mut k in stack.api_keys {
        k.id = prefixed(&k.id).into();
        k.location = at;
        reader.nested.api_keys.push(k);
    }
    for mut g in stack.gateway_responses {
        g.api = prefixed(&g.api).into();
        g.location = at;
        reader.nested.gateway_responses.push(g);
    }
    for w in stack.warnings {
        reader.diags.warn(at, format!("{} (in nested stack {id}, {relative} at {})", w.message, w.location));
    }
    for file in stack.referenced_files {
        if !reader.referenced_files.contains(&file) {
            reader.referenced_files.push(file);
        }
    }
    for (name, function) in stack.arn_names {
        reader.nested.arn_names.entry(name).or_insert_with(|| prefixed(&function));
    }
    reader.resolver.set_outputs(id, Some(stack.outputs));
}

/// Removes `.` and `..` lexically (no symlink resolution, so the path stays what the user sees): `a/../t.yaml` and
/// `t.yaml` are one template. Also what `lambda_app!` resolves its template path with.
pub fn normalize_path(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
