//! Reads a Serverless Framework `serverless.yml` (service, provider, functions, events, variables) into the [`crate::Model`].
//! `http` events become routes of the REST API `ApiGatewayRestApi` served under `/{stage}`; `httpApi` events of `HttpApi`.

mod events;
mod integration;
#[cfg(test)]
pub(crate) use integration::DEFAULT_JSON_REQUEST_TEMPLATE;
mod variables;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::Value as Json;

use crate::context::{Reader, compact};
use crate::diagnostics::Diagnostics;
use crate::formats::auth;
use crate::intrinsics::{Resolver, ResourceInfo, json_text};
use crate::model::{Api, ApiKind, DEFAULT_ROUTE, EnvPiece, EnvVar, Function, Location, PayloadVersion};
use crate::problem::ProblemKind;
use crate::read::ReadOptions;
use crate::yaml::Node;

use events::{Collected, HTTP_API_ID, REST_API_ID};
use variables::{Vars, env_pieces};

/// Default function timeout in seconds (`provider.timeout`).
pub(crate) const DEFAULT_TIMEOUT_SECS: u32 = 6;
/// Default function memory in MB (`provider.memorySize`).
pub(crate) const DEFAULT_MEMORY_MB: u32 = 1024;

/// The logical id the framework gives the Lambda function of `key` (`hello-world` -> `HelloDashworldLambdaFunction`).
pub(crate) fn function_logical_id(key: &str) -> String {
    let mut chars = key.chars();
    let mut out: String = chars.next().map(|c| c.to_uppercase().collect()).unwrap_or_default();
    for c in chars {
        match c {
            '-' => out.push_str("Dash"),
            '_' => out.push_str("Underscore"),
            c => out.push(c),
        }
    }
    out.push_str("LambdaFunction");
    out
}

/// Reads a parsed `serverless.yml` whose root is `root`, leaving the reader for the driver to finish.
pub(crate) fn read<'a>(root: Node<'a>, path: &Path, options: &ReadOptions, mut diags: Diagnostics) -> Reader<'a> {
    let file_name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    // CloudFormation in `resources` (for `Ref` / `Fn::GetAtt` targets), plus the resources the framework generates.
    let cfn_root = root.get("resources").filter(|r| r.is_mapping()).unwrap_or(root);
    let mut infos = HashMap::new();
    for (id, node) in cfn_root.get("Resources").map(|r| r.entries()).unwrap_or_default() {
        let kind = node.get("Type").and_then(|t| t.scalar_text()).unwrap_or_default();
        if kind.starts_with("AWS::ApiGateway::Method") || kind.starts_with("AWS::ApiGatewayV2::Route") {
            diags.warn(
                node.location(),
                format!("resources.Resources.{id} ({kind}) is deployed but not served; only `http`/`httpApi` events become routes"),
            );
        }
        let props = node.get("Properties");
        let name = ["FunctionName", "QueueName", "TopicName", "TableName", "BucketName", "Name", "StreamName"]
            .iter()
            .find_map(|k| props.and_then(|p| p.get(k)).and_then(|n| n.as_str()))
            .filter(|n| !n.contains("${"))
            .map(str::to_string);
        infos.insert(id, ResourceInfo { kind, name });
    }
    let raw_text = |n: Option<Node<'_>>| n.and_then(|n| n.scalar_text()).filter(|t| !t.contains("${"));
    let raw_service = raw_text(root.get("service")).unwrap_or_default();
    let raw_stage = options
        .parameter_overrides
        .get("opt:stage")
        .or_else(|| options.parameter_overrides.get("stage"))
        .cloned()
        .or_else(|| raw_text(root.get("provider").and_then(|p| p.get("stage"))))
        .unwrap_or_else(|| variables::DEFAULT_STAGE.to_string());
    for (key, node) in root.get("functions").map(|f| f.entries()).unwrap_or_default() {
        let name = raw_text(node.get("name")).unwrap_or_else(|| format!("{raw_service}-{raw_stage}-{key}"));
        infos
            .entry(function_logical_id(&key))
            .or_insert(ResourceInfo { kind: "AWS::Lambda::Function".into(), name: Some(name) });
    }
    for (id, kind) in [
        (REST_API_ID, "AWS::ApiGateway::RestApi"),
        (HTTP_API_ID, "AWS::ApiGatewayV2::Api"),
        ("ServerlessDeploymentBucket", "AWS::S3::Bucket"),
        ("IamRoleLambdaExecution", "AWS::IAM::Role"),
    ] {
        infos.entry(id.to_string()).or_insert(ResourceInfo { kind: kind.into(), name: None });
    }
    let resolver = Resolver::new(cfn_root, &BTreeMap::new(), infos, &mut diags);
    let mut reader = Reader::new(path, resolver, diags);
    let mut vars = Vars::new(root, file_name, &options.parameter_overrides);
    let service = service_name(&mut reader, &mut vars, root);
    let stage = vars.stage(&mut reader);
    let _region = vars.region(&mut reader);
    let provider = root.get("provider");
    let setting = |reader: &mut Reader<'a>, vars: &mut Vars<'a>, path: &[&str]| -> Option<(Json, Location)> {
        let mut node = provider?;
        for k in path {
            node = node.get(k)?;
        }
        let v = vars.node(reader, node);
        let what = format!("provider.{}", path.join("."));
        let v = vars.compile_time(reader, v, node.location(), &what);
        (!v.is_null()).then_some((v, node.location()))
    };
    if let Some((name, at)) = setting(&mut reader, &mut vars, &["name"])
        && json_text(&name).is_some_and(|n| n != "aws")
    {
        reader.diags.problem(
            at,
            ProblemKind::Unsupported(format!(
                "provider `{}`: only `provider.name: aws` services can be emulated",
                compact(Some(&name))
            )),
        );
    }
    if root.get("useDotenv").is_some_and(|u| u.scalar_text().is_some_and(|t| t == "true")) {
        reader.diags.warn(
            root.get("useDotenv").map_or(Location::new(1, 1), |n| n.location()),
            "`useDotenv`: `.env` files are not loaded; `${env:X}` values are read from the process environment at run time",
        );
    }
    let timeout = setting(&mut reader, &mut vars, &["timeout"]);
    let memory = setting(&mut reader, &mut vars, &["memorySize"]);
    let defaults = FunctionDefaults {
        runtime: setting(&mut reader, &mut vars, &["runtime"]).and_then(|(v, _)| json_text(&v)).unwrap_or_default(),
        timeout: number(&mut reader, timeout, "provider.timeout", DEFAULT_TIMEOUT_SECS),
        memory: number(&mut reader, memory, "provider.memorySize", DEFAULT_MEMORY_MB),
        environment: provider.and_then(|p| p.get("environment")),
        http_payload: match setting(&mut reader, &mut vars, &["httpApi", "payload"]) {
            Some((v, at)) => {
                events::payload(&mut reader, &v, "provider.httpApi.payload", at).unwrap_or(PayloadVersion::V2)
            }
            None => PayloadVersion::V2,
        },
    };
    if let Some((Json::Object(schemas), _)) = setting(&mut reader, &mut vars, &["apiGateway", "request", "schemas"]) {
        reader.validation.serverless_schemas = schemas.into_iter().collect();
    }
    let mut collected = Collected::default();
    let functions_node = root.get("functions");
    match functions_node {
        Some(f) if f.is_mapping() => {
            for (key, node) in f.entries() {
                let function =
                    read_function(&mut reader, &mut vars, &defaults, &service, &stage, &key, node, &mut collected);
                reader.functions.push(function);
            }
        }
        Some(f) if !f.value.is_null() => {
            reader.diags.invalid(f.location(), "functions", "a mapping of function names to their settings")
        }
        _ => {}
    }
    if let Some(at) = collected.rest_at {
        let binary = setting(&mut reader, &mut vars, &["apiGateway", "binaryMediaTypes"])
            .map(|(v, _)| match v {
                Json::Array(items) => items.iter().filter_map(json_text).map(|s| s.replace("~1", "/").into()).collect(),
                other => json_text(&other).map(|s| vec![s.into()]).unwrap_or_default(),
            })
            .unwrap_or_default();
        if let Some((_, at)) = setting(&mut reader, &mut vars, &["apiGateway", "restApiId"]) {
            reader.diags.warn(
                at,
                "provider.apiGateway.restApiId: routes of the external REST API are served as if the service owned it",
            );
        }
        if let Some((keys, at)) = setting(&mut reader, &mut vars, &["apiGateway", "apiKeys"]) {
            auth::serverless_api_keys(&mut reader, &keys, at);
        }
        reader.apis.push(Api {
            id: REST_API_ID.into(),
            kind: ApiKind::Rest,
            implicit: true,
            stage: stage.clone().into(),
            stage_in_url: true,
            stage_variables: Vec::new().into(),
            cors: collected.rest_cors.take(),
            binary_media_types: binary.into(),
            preflight_authorizer: None,
            preflight_api_key: false,
            default_payload: PayloadVersion::V1,
            location: at,
        });
    }
    if let Some(at) = collected.http_at {
        let cors = setting(&mut reader, &mut vars, &["httpApi", "cors"])
            .and_then(|(v, at)| events::http_api_cors(&mut reader, &v, &collected.http_methods, at));
        if let Some((v, at)) = setting(&mut reader, &mut vars, &["httpApi", "authorizers"]) {
            auth::serverless_http_authorizers(&mut reader, HTTP_API_ID, &v, at);
        }
        reader.apis.push(Api {
            id: HTTP_API_ID.into(),
            kind: ApiKind::Http,
            implicit: true,
            stage: DEFAULT_ROUTE.into(),
            stage_in_url: false,
            stage_variables: Vec::new().into(),
            cors,
            binary_media_types: Vec::new().into(),
            preflight_authorizer: None,
            preflight_api_key: false,
            default_payload: defaults.http_payload,
            location: at,
        });
    }
    // `resources` may customize the REST API's gateway responses (`RestApiId: { Ref: ApiGatewayRestApi }`).
    for (id, node) in cfn_root.get("Resources").map(|r| r.entries()).unwrap_or_default() {
        if node.get("Type").and_then(|t| t.scalar_text()).as_deref() == Some("AWS::ApiGateway::GatewayResponse") {
            crate::formats::gateway_responses::read_resource(&mut reader, &id, node);
        }
    }
    reader
}

/// Provider-level settings every function inherits.
struct FunctionDefaults<'a> {
    runtime: String,
    timeout: u32,
    memory: u32,
    environment: Option<Node<'a>>,
    http_payload: PayloadVersion,
}

fn service_name<'a>(reader: &mut Reader<'a>, vars: &mut Vars<'a>, root: Node<'a>) -> String {
    let Some(node) = root.get("service") else { return String::new() };
    let v = vars.node(reader, node);
    let v = vars.compile_time(reader, v, node.location(), "service");
    // Old configurations wrote `service: { name: x }`.
    let text = match &v {
        Json::Object(m) => m.get("name").and_then(json_text),
        other => json_text(other),
    };
    match text.filter(|t| !t.trim().is_empty()) {
        Some(t) => t,
        None => {
            reader.diags.invalid(node.location(), "service", "the service's name, a string");
            String::new()
        }
    }
}

fn number(reader: &mut Reader<'_>, v: Option<(Json, Location)>, what: &str, default: u32) -> u32 {
    let Some((v, at)) = v else { return default };
    match json_text(&v).and_then(|t| t.trim().parse::<f64>().ok()) {
        Some(n) if n.is_finite() && n >= 1.0 && n <= f64::from(u32::MAX) && n.fract() == 0.0 => n as u32,
        _ => {
            reader.diags.invalid(at, what.to_string(), "a positive whole number");
            default
        }
    }
}

/// `reservedConcurrency`: a whole number, 0 included (0 throttles every invocation).
fn reserved_concurrency(reader: &mut Reader<'_>, v: Option<(Json, Location)>, key: &str) -> Option<u32> {
    let (v, at) = v?;
    match json_text(&v).and_then(|t| t.trim().parse::<u32>().ok()) {
        Some(n) => Some(n),
        None => {
            reader.diags.invalid(at, format!("reservedConcurrency of function {key}"), "a whole number");
            None
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn read_function<'a>(
    reader: &mut Reader<'a>,
    vars: &mut Vars<'a>,
    defaults: &FunctionDefaults<'a>,
    service: &str,
    stage: &str,
    key: &str,
    node: Node<'a>,
    collected: &mut Collected,
) -> Function {
    let at = node.location();
    let prop = |reader: &mut Reader<'a>, vars: &mut Vars<'a>, k: &str| -> Option<(Json, Location)> {
        let n = node.get(k)?;
        let v = vars.node(reader, n);
        let v = vars.compile_time(reader, v, n.location(), &format!("functions.{key}.{k}"));
        (!v.is_null()).then_some((v, n.location()))
    };
    if !node.is_mapping() {
        reader.diags.invalid(at, format!("function {key}"), "a mapping with at least `handler`");
    }
    let handler = prop(reader, vars, "handler").and_then(|(v, _)| json_text(&v));
    let handler = match handler {
        Some(h) => h,
        None if node.get("image").is_some() => {
            reader.diags.warn(at, format!("function {key}: container `image` functions are bound by their key"));
            String::new()
        }
        None => {
            if node.is_mapping() {
                reader.diags.problem(
                    at,
                    ProblemKind::MissingProperty { owner: format!("function {key}"), property: "handler" },
                );
            }
            String::new()
        }
    };
    let name = prop(reader, vars, "name")
        .and_then(|(v, _)| json_text(&v))
        .unwrap_or_else(|| format!("{service}-{stage}-{key}"));
    let runtime = prop(reader, vars, "runtime").and_then(|(v, _)| json_text(&v)).unwrap_or(defaults.runtime.clone());
    let timeout = prop(reader, vars, "timeout");
    let timeout = if timeout.is_some() {
        number(reader, timeout, &format!("timeout of function {key}"), defaults.timeout)
    } else {
        defaults.timeout
    };
    let memory = prop(reader, vars, "memorySize");
    let memory = if memory.is_some() {
        number(reader, memory, &format!("memorySize of function {key}"), defaults.memory)
    } else {
        defaults.memory
    };
    let reserved = prop(reader, vars, "reservedConcurrency");
    let reserved_concurrency = reserved_concurrency(reader, reserved, key);
    let mut env: BTreeMap<String, Vec<EnvPiece>> = BTreeMap::new();
    for source in [defaults.environment, node.get("environment")].into_iter().flatten() {
        environment(reader, vars, source, key, &mut env);
    }
    let environment: Vec<EnvVar> =
        env.into_iter().map(|(name, value)| EnvVar { name: name.into(), value: value.into() }).collect();
    let http_payload =
        match prop(reader, vars, "httpApi").and_then(|(v, at)| v.get("payload").cloned().map(|p| (p, at))) {
            Some((v, at)) => events::payload(reader, &v, &format!("functions.{key}.httpApi.payload"), at)
                .unwrap_or(defaults.http_payload),
            None => defaults.http_payload,
        };
    let mut kept = Vec::new();
    collected.event_counts.clear();
    if let Some(list) = node.get("events") {
        if !list.value.is_null() && list.value.as_sequence().is_none() {
            reader.diags.invalid(
                list.location(),
                format!("events of function {key}"),
                "a list such as `- http: GET /path`",
            );
        }
        for item in list.items() {
            let item_at = item.location();
            let entries = item.entries();
            let [(kind, value)] = entries.as_slice() else {
                if !item.value.is_null() {
                    reader.diags.invalid(
                        item_at,
                        format!("event of function {key}"),
                        "a mapping with one key, the event type (`- http: ...`)",
                    );
                }
                continue;
            };
            let v = vars.node(reader, *value);
            let v = vars.compile_time(reader, v, item_at, &format!("`{kind}` event of function {key}"));
            let event = events::read_event(reader, key, kind, &v, http_payload, collected, item_at);
            kept.extend(event);
        }
    }
    Function {
        id: key.to_string().into(),
        logical_id: key.to_string().into(),
        name: name.into(),
        handler: handler.into(),
        runtime: runtime.into(),
        timeout_secs: timeout,
        memory_mb: memory,
        reserved_concurrency,
        alias: None,
        environment: environment.into(),
        events: kept.into(),
        location: at,
    }
}

/// Merges one `environment` mapping into `out`: `${env:X}` become run-time lookups, intrinsics are resolved.
fn environment<'a>(
    reader: &mut Reader<'a>,
    vars: &mut Vars<'a>,
    node: Node<'a>,
    function: &str,
    out: &mut BTreeMap<String, Vec<EnvPiece>>,
) {
    let resolved = vars.node(reader, node);
    let Json::Object(map) = resolved else {
        if !resolved.is_null() {
            reader.diags.invalid(
                node.location(),
                format!("environment of function {function}"),
                "a mapping of variable names to values",
            );
        }
        return;
    };
    for (name, value) in map {
        let at = node.get(&name).map_or(node.location(), |n| n.location());
        let pieces = match &value {
            Json::Null => vec![EnvPiece::Text("".into())],
            Json::String(s) => env_pieces(s),
            other => match json_text(other) {
                Some(t) => vec![EnvPiece::Text(t.into())],
                None => {
                    reader.diags.warn(
                        at,
                        format!(
                            "environment variable `{name}` of function {function} is not a string; using its JSON `{}`",
                            compact(Some(other))
                        ),
                    );
                    vec![EnvPiece::Text(compact(Some(other)).into())]
                }
            },
        };
        out.insert(name, pieces);
    }
}

#[cfg(test)]
mod tests;
