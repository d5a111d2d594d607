//! Runs one read: parses the document, runs the passes of its format's reader, then validates and builds the model.
//! SAM/CloudFormation: resources, then functions and APIs, then routes, then implicit APIs; Serverless: one reader.

use std::collections::HashMap;
use std::path::Path;

use crate::context::Reader;
use crate::diagnostics::Diagnostics;
use crate::formats::{auth, cfn, sam, serverless};
use crate::intrinsics::{Resolver, ResourceInfo};
use crate::model::{ApiKind, Location, Model, Route, TemplateFormat};
use crate::problem::{ProblemKind, Problems};
use crate::read::{Loaded, ReadOptions};
use crate::yaml::{Document, Node};
use crate::{detect, validate};

/// Reads `source` into a model, or every problem found.
pub(crate) fn read(source: &str, path: &Path, options: &ReadOptions) -> Result<Loaded, Problems> {
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
        TemplateFormat::Sam | TemplateFormat::CloudFormation => read_cloudformation(root, path, options, diags)?,
    };
    finish(reader, file, format)
}

/// The passes of a SAM / CloudFormation template, leaving the reader ready for [`finish`].
fn read_cloudformation<'a>(
    root: Node<'a>,
    path: &Path,
    options: &ReadOptions,
    mut diags: Diagnostics,
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
    auth::resolve_sam_routes(&mut reader);
    Ok(reader)
}

/// Validates what was read and turns it into the model: every problem, sorted by file and position, or the
/// model with its routes sorted by path then method.
fn finish(mut reader: Reader<'_>, file: String, format: TemplateFormat) -> Result<Loaded, Problems> {
    auth::check_routes(&mut reader);
    validate::check(&mut reader);
    let Reader { diags, functions, apis, mut routes, referenced_files, auth, .. } = reader;
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
        authorizers: auth.authorizers.into(),
        api_keys: auth.api_keys.into(),
        warnings: diags.warnings.into(),
    };
    Ok(Loaded { model, referenced_files })
}

/// The sort key of routes: path, then method name, then API.
fn route_key(r: &Route) -> (&str, &str, &str) {
    (&r.path, r.method.as_str(), &r.api)
}
