//! Plain CloudFormation: `AWS::Lambda::Function`, `AWS::ApiGateway::RestApi/Resource/Method/Stage`,
//! `AWS::ApiGatewayV2::Api/Route/Integration/Stage` (including quick-create HTTP APIs); other API-ish types are reported.

use serde_json::Value as Json;

use crate::context::{Props, Reader, function_name_in_uri, text_map};
use crate::formats::auth;
use crate::formats::cors::http_cors;
use crate::formats::function::function_from_props;
use crate::formats::integration::{CFN, Source, is_lambda_uri, read_mapping};
use crate::formats::openapi;
use crate::formats::validation;
use crate::integration::Integration;
use crate::intrinsics::{ROOT_RESOURCE_PREFIX, json_text};
use crate::model::{Api, ApiKind, DEFAULT_ROUTE, KeyValue, Location, Method, PayloadVersion, Route, RouteAuth};
use crate::problem::ProblemKind;
use crate::yaml::Node;

/// Pass 1: functions and APIs of plain CloudFormation; unsupported API-like resources are reported by name.
pub(crate) fn read_resource<'a>(reader: &mut Reader<'a>, id: &str, node: Node<'a>, kind: &str) {
    let p = Props { local: node.get("Properties"), global: None, ignore_all: true };
    match kind {
        "AWS::Lambda::Function" => {
            let f = function_from_props(reader, id, node.location(), &p);
            reader.functions.push(f);
        }
        "AWS::ApiGateway::RestApi" => {
            let binary = match p.json(reader, "BinaryMediaTypes") {
                Some(Json::Array(items)) => {
                    items.iter().filter_map(json_text).map(|t| t.replace("~1", "/").into()).collect()
                }
                _ => Vec::new(),
            };
            let mut api = new_api(id, ApiKind::Rest, node.location());
            api.binary_media_types = binary.into();
            reader.apis.push(api);
        }
        "AWS::ApiGatewayV2::Api" => {
            let protocol = p.text(reader, "ProtocolType").unwrap_or_else(|| "HTTP".into());
            if protocol.eq_ignore_ascii_case("WEBSOCKET") {
                reader
                    .diags
                    .warn(node.location(), format!("WebSocket API {id} is not supported yet; its routes are ignored"));
                return;
            }
            let mut api = new_api(id, ApiKind::Http, node.location());
            api.stage = DEFAULT_ROUTE.into();
            if let Some(c) = p.json(reader, "CorsConfiguration") {
                api.cors = http_cors(reader, &c, id, p.location("CorsConfiguration", node.location()));
            }
            reader.apis.push(api);
        }
        "AWS::ApiGateway::Authorizer" | "AWS::ApiGatewayV2::Authorizer" => {
            let props = reader.json(node.get("Properties")).unwrap_or(Json::Null);
            auth::read_cfn_authorizer(reader, id, &props, kind == "AWS::ApiGatewayV2::Authorizer", node.location());
        }
        "AWS::ApiGateway::Model" => validation::read_cfn_model(reader, id, node),
        "AWS::ApiGateway::ApiKey" => {
            let props = reader.json(node.get("Properties"));
            auth::read_api_key(reader, id, props.as_ref(), node.location());
        }
        "AWS::ApiGateway::UsagePlan" => reader.diags.warn(
            node.location(),
            format!(
                "usage plan {id}: API keys are checked, but throttling and quotas are not emulated (docs/fidelity.md)"
            ),
        ),
        "AWS::Lambda::Url" => {
            reader.diags.warn(node.location(), format!("function URL {id} is not supported yet; ignored"))
        }
        "AWS::Serverless::GraphQLApi" | "AWS::AppSync::GraphQLApi" => {
            reader.diags.warn(node.location(), format!("GraphQL API {id} ({kind}) is not supported; ignored"))
        }
        "AWS::ApiGateway::DomainName"
        | "AWS::ApiGateway::BasePathMapping"
        | "AWS::ApiGatewayV2::DomainName"
        | "AWS::ApiGatewayV2::ApiMapping" => reader.diags.warn(
            node.location(),
            format!("custom domain {id} ({kind}) is ignored; routes are served without a base path"),
        ),
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => reader.diags.warn(
            node.location(),
            format!("load balancer {id} is not supported; Lambda targets behind it get no routes"),
        ),
        "AWS::Serverless::StateMachine" if state_machine_has_api_events(node) => {
            reader.diags.warn(node.location(), format!("API events of state machine {id} are not supported; ignored"));
        }
        _ => {}
    }
}

fn state_machine_has_api_events(node: Node<'_>) -> bool {
    node.get("Properties").and_then(|p| p.get("Events")).is_some_and(|e| {
        e.entries()
            .iter()
            .any(|(_, ev)| matches!(ev.get("Type").and_then(|t| t.scalar_text()).as_deref(), Some("Api" | "HttpApi")))
    })
}

/// The local file a CDK asset stands for: `Metadata` `aws:asset:path` when `aws:asset:property` is `property`.
fn cdk_asset<'a>(node: Node<'a>, property: &str) -> Option<Node<'a>> {
    let meta = node.get("Metadata")?;
    let prop = meta.get("aws:asset:property")?.scalar_text()?;
    (prop == property).then(|| meta.get("aws:asset:path")).flatten()
}

fn new_api(id: &str, kind: ApiKind, location: Location) -> Api {
    Api {
        id: id.to_string().into(),
        kind,
        implicit: false,
        stage: "".into(),
        stage_in_url: false,
        stage_variables: Vec::new().into(),
        cors: None,
        binary_media_types: Vec::new().into(),
        preflight_authorizer: None,
        preflight_api_key: false,
        default_payload: if kind == ApiKind::Rest { PayloadVersion::V1 } else { PayloadVersion::V2 },
        location,
    }
}

/// Pass 2: stages and routes of plain CloudFormation APIs.
pub(crate) fn read_routes<'a>(reader: &mut Reader<'a>, id: &str, node: Node<'a>, kind: &str) {
    let props = node.get("Properties");
    let get = |k: &str| props.and_then(|p| p.get(k));
    match kind {
        "AWS::ApiGateway::RestApi" => {
            if let Some(body) = get("Body") {
                openapi::read_body(reader, id, ApiKind::Rest, body);
            } else if let Some(asset) = cdk_asset(node, "BodyS3Location") {
                openapi::read_uri(reader, id, ApiKind::Rest, asset);
            } else if let Some(loc) = get("BodyS3Location") {
                openapi::read_uri(reader, id, ApiKind::Rest, loc);
            }
        }
        "AWS::ApiGatewayV2::Api" => {
            if reader.api_kind(id).is_none() {
                return;
            }
            if let Some(body) = get("Body") {
                openapi::read_body(reader, id, ApiKind::Http, body);
            } else if let Some(asset) = cdk_asset(node, "BodyS3Location") {
                openapi::read_uri(reader, id, ApiKind::Http, asset);
            } else if let Some(loc) = get("BodyS3Location") {
                openapi::read_uri(reader, id, ApiKind::Http, loc);
            } else if let Some(target) = get("Target") {
                // Quick create: one route (RouteKey, default `$default`) to the target function.
                let route_key = reader.text(get("RouteKey")).unwrap_or_else(|| DEFAULT_ROUTE.into());
                let uri = reader.text(Some(target)).unwrap_or_default();
                let owner = format!("quick-create HTTP API {id}");
                push_v2_route(
                    reader,
                    &owner,
                    id,
                    &route_key,
                    &uri,
                    PayloadVersion::V2,
                    RouteAuth::NONE,
                    target.location(),
                );
            }
        }
        "AWS::ApiGateway::Stage" | "AWS::ApiGateway::Deployment" | "AWS::ApiGatewayV2::Stage" => {
            let v2 = kind == "AWS::ApiGatewayV2::Stage";
            let api_key = if v2 { "ApiId" } else { "RestApiId" };
            let Some(api_node) = get(api_key) else { return };
            let api_id = reader.text(Some(api_node)).unwrap_or_default();
            let Some(stage) = reader.text(get("StageName")) else { return };
            let vars_key = if v2 { "StageVariables" } else { "Variables" };
            let vars = reader.json(get(vars_key));
            let vars = text_map(reader, vars.as_ref(), &format!("stage variable of {id}"), node.location());
            let expected = if v2 { "AWS::ApiGatewayV2::Api" } else { "AWS::ApiGateway::RestApi" };
            let want = if v2 { ApiKind::Http } else { ApiKind::Rest };
            if reader.api_kind(&api_id) != Some(want) {
                reader.diags.problem(
                    api_node.location(),
                    ProblemKind::UnknownApi {
                        owner: format!("stage {id}"),
                        property: if v2 { "ApiId" } else { "RestApiId" },
                        id: api_id,
                        expected,
                    },
                );
                return;
            }
            let is_deployment = kind == "AWS::ApiGateway::Deployment";
            if let Some(api) = reader.api_mut(&api_id) {
                let unset = api.stage.is_empty() || (v2 && api.stage == DEFAULT_ROUTE);
                if unset || (!is_deployment && api.stage_variables.is_empty() && !vars.is_empty()) {
                    api.stage = stage.into();
                    api.stage_variables = vars
                        .into_iter()
                        .map(|(k, v)| KeyValue { key: k.into(), value: v.into() })
                        .collect::<Vec<_>>()
                        .into();
                }
            }
        }
        "AWS::ApiGateway::Method" => rest_method(reader, id, node),
        "AWS::ApiGatewayV2::Route" => v2_route(reader, id, node),
        _ => {}
    }
}

fn rest_method<'a>(reader: &mut Reader<'a>, id: &str, node: Node<'a>) {
    let props = node.get("Properties");
    let get = |k: &str| props.and_then(|p| p.get(k));
    let owner = format!("method {id}");
    let Some(api_node) = get("RestApiId") else {
        reader.diags.problem(node.location(), ProblemKind::MissingProperty { owner, property: "RestApiId" });
        return;
    };
    let api = reader.text(Some(api_node)).unwrap_or_default();
    if reader.api_kind(&api) != Some(ApiKind::Rest) {
        reader.diags.problem(
            api_node.location(),
            ProblemKind::UnknownApi { owner, property: "RestApiId", id: api, expected: "AWS::ApiGateway::RestApi" },
        );
        return;
    }
    let Some(method_text) = reader.text(get("HttpMethod")) else {
        reader.diags.problem(node.location(), ProblemKind::MissingProperty { owner, property: "HttpMethod" });
        return;
    };
    let Some(method) = Method::parse(&method_text) else {
        reader.diags.invalid(
            node.location(),
            format!("HttpMethod `{method_text}` of {owner}"),
            "an HTTP method or ANY",
        );
        return;
    };
    let resource = reader.text(get("ResourceId")).unwrap_or_default();
    let Some(path) = resource_path(reader, &resource, 0) else {
        reader.diags.warn(
            node.location(),
            format!(
                "{owner}: ResourceId `{resource}` is not an AWS::ApiGateway::Resource of this template; route skipped"
            ),
        );
        return;
    };
    let integration_node = get("Integration");
    let integration = reader.json(integration_node).unwrap_or(Json::Null);
    let route_owner = format!("{} {path} ({owner})", method.as_str());
    let at = integration_node.map_or(node.location(), |n| n.location());
    let source = Source { json: &integration, node: integration_node, at };
    let ty = integration.get("Type").and_then(json_text).unwrap_or_default().to_ascii_uppercase();
    if ty.is_empty() {
        reader
            .diags
            .warn(node.location(), format!("{owner}: Integration has no Type; assuming AWS_PROXY as SAM CLI does"));
    } else if !matches!(ty.as_str(), "AWS_PROXY" | "AWS" | "MOCK") {
        reader.diags.warn(node.location(), format!("{route_owner} uses a `{ty}` integration; only AWS_PROXY, AWS (Lambda) and MOCK integrations are served, route skipped"));
        return;
    }
    let served = if ty == "MOCK" {
        Integration::Mock { mapping: read_mapping(reader, &CFN, &route_owner, source) }
    } else {
        let uri = integration.get("Uri").and_then(json_text).unwrap_or_default();
        if ty == "AWS" && !is_lambda_uri(&uri) {
            reader.diags.warn(node.location(), format!("{route_owner} uses an AWS service integration (`{uri}`); only Lambda functions are served as AWS integrations, route skipped"));
            return;
        }
        let Some(function) = function_name_in_uri(&uri).and_then(|n| reader.function_id(n)) else {
            reader.diags.warn(
                node.location(),
                format!("{owner}: integration Uri `{uri}` names no function of this template; route skipped"),
            );
            return;
        };
        if ty == "AWS" {
            Integration::Lambda { function: function.into(), mapping: read_mapping(reader, &CFN, &route_owner, source) }
        } else {
            Integration::proxy(function)
        }
    };
    let operation_name = reader.text(get("OperationName"));
    let auth = auth::cfn_route_auth(&reader.json(props).unwrap_or(Json::Null));
    let validation = validation::cfn_method(reader, &api, &format!("{} {path} ({owner})", method.as_str()), props);
    reader.routes.push(Route {
        method,
        path: path.into(),
        api: api.into(),
        integration: served,
        payload: PayloadVersion::V1,
        operation_name: operation_name.map(Into::into),
        auth,
        validation,
        location: node.location(),
    });
}

/// The path of an `AWS::ApiGateway::Resource`, walking `ParentId` up to the API's root.
fn resource_path(reader: &mut Reader<'_>, resource: &str, depth: usize) -> Option<String> {
    if resource.starts_with(ROOT_RESOURCE_PREFIX) {
        return Some("/".into());
    }
    if depth > 64 {
        return None;
    }
    let node = reader
        .resources
        .iter()
        .find(|(id, _, kind)| id == resource && kind == "AWS::ApiGateway::Resource")
        .map(|(_, n, _)| *n)?;
    let props = node.get("Properties");
    let part = reader.text(props.and_then(|p| p.get("PathPart"))).unwrap_or_default();
    let parent = reader.text(props.and_then(|p| p.get("ParentId"))).unwrap_or_default();
    let parent_path = if parent.is_empty() {
        reader.diags.warn(
            node.location(),
            format!("resource {resource} has no ParentId; treating it as a child of the API root"),
        );
        "/".to_string()
    } else {
        resource_path(reader, &parent, depth + 1)?
    };
    Some(if parent_path == "/" { format!("/{part}") } else { format!("{parent_path}/{part}") })
}

fn v2_route<'a>(reader: &mut Reader<'a>, id: &str, node: Node<'a>) {
    let props = node.get("Properties");
    let get = |k: &str| props.and_then(|p| p.get(k));
    let owner = format!("route {id}");
    let Some(api_node) = get("ApiId") else {
        reader.diags.problem(node.location(), ProblemKind::MissingProperty { owner, property: "ApiId" });
        return;
    };
    let api = reader.text(Some(api_node)).unwrap_or_default();
    let is_websocket = reader.resources.iter().any(|(rid, n, kind)| {
        rid == &api
            && kind == "AWS::ApiGatewayV2::Api"
            && n.get("Properties")
                .and_then(|p| p.get("ProtocolType"))
                .and_then(|t| t.scalar_text())
                .is_some_and(|t| t.eq_ignore_ascii_case("WEBSOCKET"))
    });
    if is_websocket {
        return; // Reported once on the API.
    }
    if reader.api_kind(&api) != Some(ApiKind::Http) {
        reader.diags.problem(
            api_node.location(),
            ProblemKind::UnknownApi { owner, property: "ApiId", id: api, expected: "AWS::ApiGatewayV2::Api" },
        );
        return;
    }
    let Some(route_key) = reader.text(get("RouteKey")) else {
        reader.diags.problem(node.location(), ProblemKind::MissingProperty { owner, property: "RouteKey" });
        return;
    };
    let target = reader.text(get("Target")).unwrap_or_default();
    let Some(integration_id) = target.strip_prefix("integrations/") else {
        reader.diags.warn(node.location(), format!("{owner} has no `integrations/<id>` Target; route skipped"));
        return;
    };
    let integration = reader
        .resources
        .iter()
        .find(|(rid, _, kind)| rid == integration_id && kind == "AWS::ApiGatewayV2::Integration")
        .map(|(_, n, _)| *n);
    let Some(integration) = integration else {
        reader
            .diags
            .problem(node.location(), ProblemKind::UnknownIntegration { owner, id: integration_id.to_string() });
        return;
    };
    let iprops = integration.get("Properties");
    let ty = reader.text(iprops.and_then(|p| p.get("IntegrationType"))).unwrap_or_default();
    if !ty.eq_ignore_ascii_case("AWS_PROXY") {
        reader.diags.warn(
            node.location(),
            format!(
                "{route_key} ({owner}) uses a `{ty}` integration; only AWS_PROXY integrations are served, route skipped"
            ),
        );
        return;
    }
    let uri = reader.text(iprops.and_then(|p| p.get("IntegrationUri"))).unwrap_or_default();
    let payload = match reader.text(iprops.and_then(|p| p.get("PayloadFormatVersion"))).as_deref() {
        Some("1.0") => PayloadVersion::V1,
        _ => PayloadVersion::V2,
    };
    let auth = auth::cfn_route_auth(&reader.json(props).unwrap_or(Json::Null));
    push_v2_route(reader, &owner, &api, &route_key, &uri, payload, auth, node.location());
}

#[allow(clippy::too_many_arguments)]
fn push_v2_route(
    reader: &mut Reader<'_>,
    owner: &str,
    api: &str,
    route_key: &str,
    uri: &str,
    payload: PayloadVersion,
    auth: RouteAuth,
    at: Location,
) {
    let (method, path) = if route_key == DEFAULT_ROUTE {
        (Method::Any, DEFAULT_ROUTE.to_string())
    } else {
        match route_key.split_once(' ') {
            Some((m, p)) => match Method::parse(m) {
                Some(m) => (m, p.trim().to_string()),
                None => {
                    reader.diags.invalid(
                        at,
                        format!("RouteKey `{route_key}` of {owner}"),
                        "`METHOD /path` or `$default`",
                    );
                    return;
                }
            },
            None => {
                reader.diags.warn(at, format!("{owner}: route key `{route_key}` is a WebSocket route key; WebSocket APIs are not supported yet, route skipped"));
                return;
            }
        }
    };
    let Some(function) = function_name_in_uri(uri).and_then(|n| reader.function_id(n)) else {
        reader
            .diags
            .warn(at, format!("{owner}: integration `{uri}` names no function of this template; route skipped"));
        return;
    };
    reader.routes.push(Route {
        method,
        path: path.into(),
        api: api.to_string().into(),
        integration: Integration::proxy(function),
        payload,
        operation_name: None,
        auth,
        validation: None,
        location: at,
    });
}
