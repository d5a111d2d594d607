//! Runs one read: parses the document, runs the passes of its format's reader, then validates and builds the model.
//! SAM/CloudFormation: resources, nested stacks, then functions and APIs, then routes, then implicit APIs;
//! Serverless: one reader.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use crate::context::{Reader, Stack};
use crate::diagnostics::Diagnostics;
use crate::formats::{auth, cfn, gateway_responses, sam, serverless, validation};
use crate::intrinsics::{Resolver, ResourceInfo, is_function, is_placeholder, json_text};
use crate::model::{ApiKind, Location, Model, Route, TemplateFormat};
use crate::problem::{ProblemKind, Problems};
use crate::read::{Loaded, ReadOptions};
use crate::yaml::{Document, Node};
use crate::{detect, nested, validate};

/// Reads `source` into a model, or every problem found.
pub(crate) fn read(source: &str, path: &Path, options: &ReadOptions) -> Result<Loaded, Problems> {
    let ancestors = [std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())];
    let stack = read_stack(source, path, options, &ancestors)?;
    let mut routes = stack.routes;
    routes.sort_by(|a, b| route_key(a).cmp(&route_key(b)));
    let model = Model {
        source: path.display().to_string().into(),
        format: stack.format,
        functions: stack.functions.into(),
        apis: stack.apis.into(),
        routes: routes.into(),
        authorizers: stack.authorizers.into(),
        api_keys: stack.api_keys.into(),
        gateway_responses: stack.gateway_responses.into(),
        request_models: stack.request_models.into(),
        warnings: stack.warnings.into(),
    };
    Ok(Loaded { model, referenced_files: stack.referenced_files })
}

/// Reads one template (the root, or a nested stack's): `ancestors` are the absolute paths of the templates that
/// include it, itself last, so that a template including itself is a problem rather than a loop.
pub(crate) fn read_stack(
    source: &str,
    path: &Path,
    options: &ReadOptions,
    ancestors: &[PathBuf],
) -> Result<Stack, Problems> {
    let file = path.display().to_string();
    let mut diags = Diagnostics::new(file.clone());
    let doc = match Document::parse(source) {
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
    let format = detect::format(root);
    let reader = match format {
        TemplateFormat::Serverless => serverless::read(root, path, options, diags),
        TemplateFormat::Sam | TemplateFormat::CloudFormation => {
            read_cloudformation(root, path, options, diags, ancestors)?
        }
    };
    finish(reader, format)
}

/// The passes of a SAM / CloudFormation template, leaving the reader ready for [`finish`].
fn read_cloudformation<'a>(
    root: Node<'a>,
    path: &Path,
    options: &ReadOptions,
    mut diags: Diagnostics,
    ancestors: &[PathBuf],
) -> Result<Reader<'a>, Problems> {
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
        // Only literal names here; names made by intrinsics are resolved once the resolver exists.
        let name =
            ["FunctionName", "QueueName", "TopicName", "TableName", "BucketName", "RoleName", "Name", "StreamName"]
                .iter()
                .find_map(|k| props.and_then(|p| p.get(k)).filter(|n| n.tagged().is_none()).and_then(|n| n.as_str()))
                .map(str::to_string);
        infos.insert(id.clone(), ResourceInfo { kind, name });
    }
    let mut resolver = Resolver::new(root, &options.parameter_overrides, infos, &mut diags);
    resolve_function_names(&mut resolver, &entries, &mut diags);
    let mut reader = Reader::new(path, resolver, diags);
    reader.known_as = construct_ids(&entries);
    for (id, node) in entries {
        if node.get("Type").and_then(|t| t.scalar_text()).as_deref() == Some("AWS::CDK::Metadata") {
            continue; // CDK's version report: nothing to serve, and its Condition is often trimmed away.
        }
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
                None => reader.diags.invalid(cond.location(), format!("Condition of {id}"), "a condition name"),
            }
        }
        reader.resources.push((id, node, kind));
    }
    let globals = sam::Globals::read(root, &mut reader);
    // Nested stacks first: the parent's properties may use their outputs.
    nested::read_children(&mut reader, options, ancestors, read_stack);
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
    gateway_responses::read_resources(&mut reader);
    auth::resolve_sam_routes(&mut reader);
    reader.outputs = outputs(root, &mut reader);
    Ok(reader)
}

/// Resolves each function's `FunctionName` written with intrinsics (`!Sub ${Project}-get-cat`), so that
/// `Fn::GetAtt X.Arn` carries the name (a name that stays unresolved leaves the logical id in the ARN), and
/// records each `AutoPublishAlias` for `X.Alias`.
fn resolve_function_names(resolver: &mut Resolver<'_>, entries: &[(String, Node<'_>)], diags: &mut Diagnostics) {
    for (id, node) in entries {
        let kind = node.get("Type").and_then(|t| t.scalar_text()).unwrap_or_default();
        if !is_function(&kind) {
            continue;
        }
        // A function its Condition leaves out is not resolved (no warnings about it).
        if let Some(c) = node.get("Condition").and_then(|c| c.scalar_text())
            && resolver.condition_defined(&c)
            && !resolver.condition_holds(&c, node.location(), diags)
        {
            continue;
        }
        let props = node.get("Properties");
        if let Some(alias) = props.and_then(|p| p.get("AutoPublishAlias"))
            && let Some(alias) = resolver.resolve(alias, diags).and_then(|v| json_text(&v))
        {
            resolver.set_alias(id, alias);
        }
        let Some(name) = props.and_then(|p| p.get("FunctionName")) else { continue };
        if name.tagged().is_none() && name.as_str().is_some() {
            continue;
        }
        if let Some(text) = resolver.resolve(name, diags).and_then(|v| json_text(&v)).filter(|t| !is_placeholder(t)) {
            resolver.set_name(id, text);
        }
    }
}

/// The CDK construct id of each function synthesised by the CDK (`Metadata.aws:cdk:path`
/// `RootStack/HelloWorldFunction/Resource` gives `HelloWorldFunction`), keyed by logical id. A construct id that
/// two functions share, or that is another function's logical id, is not used: those keep their logical ids.
fn construct_ids(entries: &[(String, Node<'_>)]) -> HashMap<String, String> {
    let functions: Vec<(&String, Option<String>)> = entries
        .iter()
        .filter(|(_, n)| is_function(&n.get("Type").and_then(|t| t.scalar_text()).unwrap_or_default()))
        .map(|(id, n)| {
            let path = n.get("Metadata").and_then(|m| m.get("aws:cdk:path")).and_then(|p| p.scalar_text());
            (id, path.and_then(|p| construct_id(&p)))
        })
        .collect();
    let mut out = HashMap::new();
    for (id, construct) in &functions {
        let Some(c) = construct else { continue };
        let shared = functions.iter().filter(|(_, o)| o.as_ref() == Some(c)).count() > 1;
        let taken = functions.iter().any(|(other, _)| *other != *id && *other == c);
        if !shared && !taken && c != *id {
            out.insert((*id).clone(), c.clone());
        }
    }
    out
}

/// `Stack/Api/Handler/Resource` -> `Handler`: the last construct of a CDK path, the stack and `Resource` left out.
pub(crate) fn construct_id(cdk_path: &str) -> Option<String> {
    let mut parts: Vec<&str> = cdk_path.split('/').skip(1).collect();
    if parts.last() == Some(&"Resource") {
        parts.pop();
    }
    let last = parts.last()?.trim();
    (!last.is_empty()).then(|| last.to_string())
}

/// The template's `Outputs`, resolved (outputs whose `Condition` is false left out).
fn outputs<'a>(root: Node<'a>, reader: &mut Reader<'a>) -> BTreeMap<String, serde_json::Value> {
    let mut out = BTreeMap::new();
    for (name, output) in root.get("Outputs").map(|o| o.entries()).unwrap_or_default() {
        if let Some(c) = output.get("Condition").and_then(|c| c.scalar_text())
            && reader.resolver.condition_defined(&c)
            && !reader.resolver.condition_holds(&c, output.location(), &mut reader.diags)
        {
            continue;
        }
        if let Some(v) = reader.json(output.get("Value")) {
            out.insert(name, v);
        }
    }
    out
}

/// Validates what was read: every problem, sorted by file and position, or the stack with the nested stacks'
/// functions, APIs and routes after its own (they were validated by their own read).
fn finish(mut reader: Reader<'_>, format: TemplateFormat) -> Result<Stack, Problems> {
    auth::check_routes(&mut reader);
    validation::check(&mut reader);
    validate::check(&mut reader);
    let arn_names: BTreeMap<String, String> = reader
        .resolver
        .function_arn_names()
        .into_iter()
        .filter_map(|(name, logical)| {
            let id = reader.functions.iter().find(|f| f.logical_id == logical)?.id.to_string();
            Some((name, id))
        })
        .collect();
    let Reader {
        diags,
        mut functions,
        mut apis,
        mut routes,
        referenced_files,
        nested,
        outputs,
        auth,
        gateway_responses,
        validation,
        ..
    } = reader;
    if !diags.problems.is_empty() {
        let mut problems = diags.problems;
        problems.sort_by(|a, b| (a.file.as_str(), a.location).cmp(&(b.file.as_str(), b.location)));
        return Err(Problems(problems));
    }
    functions.extend(nested.functions);
    apis.extend(nested.apis);
    routes.extend(nested.routes);
    let (mut authorizers, mut api_keys) = (auth.authorizers, auth.api_keys);
    authorizers.extend(nested.authorizers);
    api_keys.extend(nested.api_keys);
    let mut gateway_responses = gateway_responses.into_model();
    gateway_responses.extend(nested.gateway_responses);
    let mut request_models = validation.accepted;
    request_models.extend(nested.request_models);
    let mut all_arn_names = nested.arn_names;
    all_arn_names.extend(arn_names);
    Ok(Stack {
        format,
        functions,
        apis,
        routes,
        authorizers,
        api_keys,
        gateway_responses,
        request_models,
        warnings: diags.into_warnings(),
        referenced_files,
        outputs,
        arn_names: all_arn_names,
    })
}

/// The sort key of routes: path, then method name, then API.
fn route_key(r: &Route) -> (&str, &str, &str) {
    (&r.path, r.method.as_str(), &r.api)
}
