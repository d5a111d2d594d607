//! AWS SAM resources: `AWS::Serverless::Function` (and its `Events`), `Api`, `HttpApi`, and `Globals`.
//! Implicit `ServerlessRestApi` / `ServerlessHttpApi` are created here when some event uses them.

use serde_json::Value as Json;

use crate::context::{Props, Reader, compact, text_map};
use crate::formats::auth;
use crate::formats::cors::{http_cors, rest_cors};
use crate::formats::function::function_from_props;
use crate::formats::gateway_responses;
use crate::formats::openapi;
use crate::formats::validation;
use crate::integration::Integration;
use crate::intrinsics::json_text;
use crate::model::{
    Api, ApiKind, DEFAULT_ROUTE, Event, EventKind, KeyValue, Location, Method, PayloadVersion, Route, RouteAuth,
};
use crate::problem::ProblemKind;
use crate::yaml::Node;

/// Logical id of the implicit REST API.
pub(crate) const IMPLICIT_REST: &str = "ServerlessRestApi";
/// Logical id of the implicit HTTP API.
pub(crate) const IMPLICIT_HTTP: &str = "ServerlessHttpApi";

const NOT_GLOBAL_FUNCTION: &[&str] = &["Role", "Policies", "FunctionName", "Events"];
const NOT_GLOBAL_API: &[&str] = &["StageName", "DefinitionBody"];
const NOT_GLOBAL_HTTP_API: &[&str] = &["StageName", "DefinitionBody", "BinaryMediaTypes"];

/// The `Globals` sections that apply to functions and APIs.
#[derive(Clone, Copy, Default)]
pub(crate) struct Globals<'a> {
    pub(crate) function: Option<Node<'a>>,
    pub(crate) api: Option<Node<'a>>,
    pub(crate) http_api: Option<Node<'a>>,
}

impl<'a> Globals<'a> {
    /// Reads `Globals`, reporting properties SAM refuses there.
    pub(crate) fn read(root: Node<'a>, reader: &mut Reader<'a>) -> Globals<'a> {
        let Some(g) = root.get("Globals") else { return Globals::default() };
        let mut out = Globals::default();
        for (section, node) in g.entries() {
            let (slot, refused) = match section.as_str() {
                "Function" => (&mut out.function, NOT_GLOBAL_FUNCTION),
                "Api" => (&mut out.api, NOT_GLOBAL_API),
                "HttpApi" => (&mut out.http_api, NOT_GLOBAL_HTTP_API),
                "SimpleTable" | "StateMachine" | "LayerVersion" | "CapacityProvider" => continue,
                other => {
                    reader
                        .diags
                        .warn(node.location(), format!("Globals section `{other}` is not known to SAM; ignored"));
                    continue;
                }
            };
            for (key, value) in node.entries() {
                if refused.contains(&key.as_str()) {
                    reader.diags.problem(
                        value.location(),
                        ProblemKind::UnsupportedGlobal { section: section.clone(), property: key.clone() },
                    );
                }
            }
            *slot = Some(node);
        }
        out
    }
}

fn props<'a>(node: Node<'a>, global: Option<Node<'a>>) -> Props<'a> {
    let local = node.get("Properties");
    let ignore = node.get("IgnoreGlobals").or_else(|| local.and_then(|l| l.get("IgnoreGlobals")));
    let ignore_all = ignore.is_some_and(|i| i.as_str() == Some("*"));
    Props { local, global, ignore_all }
}

/// Reads an `AWS::Serverless::Function` (without its events).
pub(crate) fn read_function<'a>(reader: &mut Reader<'a>, globals: &Globals<'a>, id: &str, node: Node<'a>) {
    let p = props(node, globals.function);
    let function = function_from_props(reader, id, node.location(), &p);
    reader.functions.push(function);
}

/// Reads an explicit `AWS::Serverless::Api` / `HttpApi` (its settings; routes come in pass 2).
pub(crate) fn read_api<'a>(reader: &mut Reader<'a>, globals: &Globals<'a>, id: &str, node: Node<'a>, kind: ApiKind) {
    let global = if kind == ApiKind::Rest { globals.api } else { globals.http_api };
    let p = props(node, global);
    let stage = match p.local.and_then(|l| l.get("StageName")) {
        Some(s) => reader.text(Some(s)).unwrap_or_default(),
        None if kind == ApiKind::Http => DEFAULT_ROUTE.to_string(),
        None => {
            reader.diags.problem(
                node.location(),
                ProblemKind::MissingProperty { owner: format!("AWS::Serverless::Api {id}"), property: "StageName" },
            );
            String::new()
        }
    };
    let api = api_from_props(reader, &p, id, kind, false, stage, node.location());
    reader.apis.push(api);
}

fn api_from_props<'a>(
    reader: &mut Reader<'a>,
    p: &Props<'a>,
    id: &str,
    kind: ApiKind,
    implicit: bool,
    stage: String,
    location: Location,
) -> Api {
    let (vars_key, cors_key) = match kind {
        ApiKind::Rest => ("Variables", "Cors"),
        ApiKind::Http => ("StageVariables", "CorsConfiguration"),
    };
    let vars = p.json(reader, vars_key);
    let stage_variables =
        text_map(reader, vars.as_ref(), &format!("stage variable of {id}"), p.location(vars_key, location))
            .into_iter()
            .map(|(k, v)| KeyValue { key: k.into(), value: v.into() })
            .collect::<Vec<_>>();
    let cors_at = p.location(cors_key, location);
    let cors = match (kind, p.json(reader, cors_key)) {
        (_, None) => None,
        (ApiKind::Rest, Some(v)) => rest_cors(reader, &v, id, cors_at),
        (ApiKind::Http, Some(v)) => http_cors(reader, &v, id, cors_at),
    };
    let binary_media_types = match (kind, p.json(reader, "BinaryMediaTypes")) {
        (ApiKind::Rest, Some(Json::Array(items))) => {
            items.iter().filter_map(json_text).map(|t| t.replace("~1", "/").into()).collect()
        }
        _ => Vec::new(),
    };
    if let Some(models) = p.json(reader, "Models").filter(|m| !m.is_null()) {
        validation::read_sam_models(reader, id, kind, &models, p.location("Models", location));
    }
    if let Some(auth) = p.json(reader, "Auth").filter(|a| !a.is_null()) {
        auth::read_sam_api_auth(reader, id, kind, &auth, p.location("Auth", location));
    }
    if let Some(responses) = p.json(reader, "GatewayResponses").filter(|g| !g.is_null()) {
        let node = p
            .local
            .and_then(|l| l.get("GatewayResponses"))
            .or_else(|| p.global.and_then(|g| g.get("GatewayResponses")));
        let at = p.location("GatewayResponses", location);
        gateway_responses::read_sam(reader, id, kind, &responses, node, at);
    }
    Api {
        id: id.to_string().into(),
        kind,
        implicit,
        stage: stage.into(),
        stage_in_url: false,
        stage_variables: stage_variables.into(),
        cors,
        binary_media_types: binary_media_types.into(),
        preflight_authorizer: None,
        preflight_api_key: false,
        default_payload: if kind == ApiKind::Rest { PayloadVersion::V1 } else { PayloadVersion::V2 },
        location,
    }
}

/// Routes of an explicit SAM API's `DefinitionBody` / `DefinitionUri`.
pub(crate) fn read_api_routes<'a>(reader: &mut Reader<'a>, globals: &Globals<'a>, id: &str, node: Node<'a>) {
    let Some(kind) = reader.api_kind(id) else { return };
    let global = if kind == ApiKind::Rest { globals.api } else { globals.http_api };
    let p = props(node, global);
    if let Some(body) = p.local.and_then(|l| l.get("DefinitionBody")) {
        openapi::read_body(reader, id, kind, body);
    } else if let Some(uri) =
        p.local.and_then(|l| l.get("DefinitionUri")).or_else(|| global.and_then(|g| g.get("DefinitionUri")))
    {
        openapi::read_uri(reader, id, kind, uri);
    }
}

/// Reads the `Events` of an `AWS::Serverless::Function`: API events become routes, the rest typed events.
pub(crate) fn read_events<'a>(reader: &mut Reader<'a>, function: &str, node: Node<'a>) {
    let Some(events) = node.get("Properties").and_then(|p| p.get("Events")) else { return };
    let mut kept = Vec::new();
    for (name, ev) in events.entries() {
        let owner = format!("event {name} of function {function}");
        let Some(ty) = reader.text(ev.get("Type")) else {
            reader.diags.problem(ev.location(), ProblemKind::MissingProperty { owner, property: "Type" });
            continue;
        };
        let p = ev.get("Properties");
        match ty.as_str() {
            "Api" => api_event(reader, function, &owner, ev, p, ApiKind::Rest),
            "HttpApi" => api_event(reader, function, &owner, ev, p, ApiKind::Http),
            other => {
                let kind = match other {
                    "SQS" => EventKind::Sqs,
                    "S3" => EventKind::S3,
                    "SNS" => EventKind::Sns,
                    "Schedule" | "ScheduleV2" => EventKind::Schedule,
                    "EventBridgeRule" | "CloudWatchEvent" => EventKind::EventBridge,
                    "Kinesis" => EventKind::Kinesis,
                    "DynamoDB" => EventKind::DynamoDb,
                    other => EventKind::Other(other.to_string().into()),
                };
                let properties = compact(reader.json(p).as_ref());
                kept.push(Event { name: name.into(), kind, properties: properties.into(), location: ev.location() });
            }
        }
    }
    if let Some(f) = reader.functions.iter_mut().find(|f| f.logical_id == function) {
        f.events = kept.into();
    }
}

fn api_event<'a>(
    reader: &mut Reader<'a>,
    function: &str,
    owner: &str,
    ev: Node<'a>,
    p: Option<Node<'a>>,
    kind: ApiKind,
) {
    let at = ev.location();
    let path = reader.text(p.and_then(|p| p.get("Path")));
    let method = reader.text(p.and_then(|p| p.get("Method")));
    let (path, method) = match (path, method, kind) {
        (None, None, ApiKind::Http) => (DEFAULT_ROUTE.to_string(), Method::Any),
        (Some(path), Some(m), _) => match Method::parse(&m) {
            Some(method) => (path, method),
            None => {
                let loc = p.and_then(|p| p.get("Method")).map_or(at, |n| n.location());
                reader.diags.invalid(
                    loc,
                    format!("Method `{m}` of {owner}"),
                    "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS or ANY",
                );
                return;
            }
        },
        (None, _, _) => {
            reader.diags.problem(at, ProblemKind::MissingProperty { owner: owner.to_string(), property: "Path" });
            return;
        }
        (_, None, _) => {
            reader.diags.problem(at, ProblemKind::MissingProperty { owner: owner.to_string(), property: "Method" });
            return;
        }
    };
    let (id_key, implicit_id, expected) = match kind {
        ApiKind::Rest => ("RestApiId", IMPLICIT_REST, "AWS::Serverless::Api (REST API)"),
        ApiKind::Http => ("ApiId", IMPLICIT_HTTP, "AWS::Serverless::HttpApi (HTTP API)"),
    };
    let api_node = p.and_then(|p| p.get(id_key));
    let api = match api_node {
        None => {
            let slot = if kind == ApiKind::Rest { &mut reader.implicit_rest } else { &mut reader.implicit_http };
            slot.get_or_insert(at);
            implicit_id.to_string()
        }
        Some(n) => {
            let id = reader.text(Some(n)).unwrap_or_default();
            if reader.api_kind(&id) != Some(kind) {
                reader.diags.problem(
                    n.location(),
                    ProblemKind::UnknownApi { owner: owner.to_string(), property: id_key, id, expected },
                );
                return;
            }
            id
        }
    };
    let payload = match kind {
        ApiKind::Rest => PayloadVersion::V1,
        ApiKind::Http => match reader.text(p.and_then(|p| p.get("PayloadFormatVersion"))).as_deref() {
            None | Some("2.0") => PayloadVersion::V2,
            Some("1.0") => PayloadVersion::V1,
            Some(other) => {
                reader.diags.invalid(at, format!("PayloadFormatVersion `{other}` of {owner}"), "\"1.0\" or \"2.0\"");
                PayloadVersion::V2
            }
        },
    };
    let validation = match kind {
        ApiKind::Rest => validation::sam_event(reader, &api, owner, p),
        ApiKind::Http => {
            validation::sam_http_event(reader, &api, p);
            None
        }
    };
    let event_auth = auth::event_auth(reader.json(p.and_then(|p| p.get("Auth"))).as_ref(), at);
    reader.auth.pending.push((reader.routes.len(), event_auth));
    reader.routes.push(Route {
        method,
        path: path.into(),
        api: api.into(),
        integration: Integration::proxy(reader.id_of(function)),
        payload,
        operation_name: None,
        auth: RouteAuth::NONE,
        validation,
        location: at,
    });
}

/// Adds `ServerlessRestApi` / `ServerlessHttpApi` when some event uses them, with `Globals.Api` / `Globals.HttpApi`.
pub(crate) fn add_implicit_apis<'a>(reader: &mut Reader<'a>, globals: &Globals<'a>) {
    for (kind, id, stage, global) in [
        (ApiKind::Rest, IMPLICIT_REST, "Prod", globals.api),
        (ApiKind::Http, IMPLICIT_HTTP, DEFAULT_ROUTE, globals.http_api),
    ] {
        let first = if kind == ApiKind::Rest { reader.implicit_rest } else { reader.implicit_http };
        let Some(location) = first else { continue };
        if reader.api_kind(id).is_some() {
            continue;
        }
        let p = Props { local: None, global, ignore_all: false };
        let api = api_from_props(reader, &p, id, kind, true, stage.to_string(), location);
        reader.apis.push(api);
    }
}
