//! Routes from OpenAPI / Swagger documents: `DefinitionBody`, `DefinitionUri` (local file), `Body`, `AWS::Include`.
//! A method is a route when its `x-amazon-apigateway-integration` is `aws_proxy` or `aws` and its URI names a
//! template function, or when it is a `mock`.

use serde_json::Value as Json;

use crate::context::{Reader, function_name_in_uri};
use crate::formats::auth;
use crate::formats::integration::{OPENAPI, Source, is_lambda_uri, read_mapping};
use crate::formats::validation::OpenApiValidation;
use crate::integration::Integration;
use crate::intrinsics::{intrinsic, json_text};
use crate::model::{ApiKind, Location, Method, PayloadVersion, Route, Str};
use crate::problem::ProblemKind;
use crate::yaml::{Document, Node, scalar_text};

/// Reads routes from an inline definition (`DefinitionBody` / `Body`), following `Fn::Transform AWS::Include`.
pub(crate) fn read_body<'a>(reader: &mut Reader<'a>, api: &str, kind: ApiKind, body: Node<'a>) {
    if let Some((name, arg)) = intrinsic(body).filter(|(n, _)| n == "Fn::Transform") {
        let _ = name;
        let include = reader.json(Some(arg));
        let is_include =
            include.as_ref().and_then(|i| i.get("Name")).and_then(json_text).is_some_and(|n| n == "AWS::Include");
        let location =
            include.as_ref().and_then(|i| i.get("Parameters")).and_then(|p| p.get("Location")).and_then(json_text);
        match (is_include, location) {
            (true, Some(loc)) => read_file(reader, api, kind, &loc, body.location()),
            _ => reader.diags.warn(body.location(), format!("DefinitionBody of {api} uses a `Fn::Transform` other than AWS::Include with a local Location; its routes are not read")),
        }
        return;
    }
    read_document(reader, api, kind, body, body.location());
}

/// Reads routes from a `DefinitionUri` / `BodyS3Location`: a local path is read, S3 locations are reported.
pub(crate) fn read_uri<'a>(reader: &mut Reader<'a>, api: &str, kind: ApiKind, uri: Node<'a>) {
    match reader.json(Some(uri)) {
        Some(Json::String(path)) if !path.starts_with("s3://") => read_file(reader, api, kind, &path, uri.location()),
        _ => reader.diags.warn(
            uri.location(),
            format!("the definition of API {api} is stored in S3; its routes cannot be read locally (use a local DefinitionUri path)"),
        ),
    }
}

fn read_file(reader: &mut Reader<'_>, api: &str, kind: ApiKind, relative: &str, at: Location) {
    let Some((path, text)) = reader.read_referenced(relative, at) else { return };
    let doc = match Document::parse(&text) {
        Ok(doc) => doc,
        Err(e) => {
            reader.diags.problem_in(path.display().to_string(), e.location, ProblemKind::Syntax(e.message));
            return;
        }
    };
    let template_file = std::mem::replace(&mut reader.diags.file, path.display().to_string());
    // Routes and warnings from another file point at the line of the API that includes it.
    let outer = reader.diags.included.replace((relative.to_string(), at));
    read_document_in(reader, api, kind, doc.root(), at);
    reader.diags.included = outer;
    reader.diags.file = template_file;
}

fn read_document<'a>(reader: &mut Reader<'a>, api: &str, kind: ApiKind, doc: Node<'a>, _at: Location) {
    read_document_in(reader, api, kind, doc, Location::default());
}

/// `route_at`: the location given to routes (default: each method's own location).
fn read_document_in<'b>(reader: &mut Reader<'_>, api: &str, kind: ApiKind, doc: Node<'b>, route_at: Location) {
    // The resolver borrows the template; nodes of an included file live shorter, which variance allows.
    let binary: Vec<String> = match doc.get("x-amazon-apigateway-binary-media-types").map(|b| b.value) {
        Some(serde_yaml::Value::Sequence(items)) => items.iter().filter_map(scalar_text).collect(),
        _ => Vec::new(),
    };
    if let Some(a) = reader.api_mut(api).filter(|_| !binary.is_empty()) {
        {
            let mut all: Vec<Str> = a.binary_media_types.to_vec();
            for b in binary {
                let b = b.replace("~1", "/");
                if !all.iter().any(|x| *x == b) {
                    all.push(b.into());
                }
            }
            a.binary_media_types = all.into();
        }
    }
    if let Some(responses) = doc.get("x-amazon-apigateway-gateway-responses") {
        crate::formats::gateway_responses::read_openapi(reader, api, kind, responses);
    }
    let Some(paths) = doc.get("paths") else {
        return;
    };
    let default_payload = if kind == ApiKind::Rest { PayloadVersion::V1 } else { PayloadVersion::V2 };
    let root_security = doc.get("security");
    let mut scheme_doc = serde_json::Map::new();
    for key in ["securityDefinitions", "components"] {
        if let Some(n) = doc.get(key)
            && let Some(v) = reader.resolver.resolve(n, &mut reader.diags)
        {
            scheme_doc.insert(key.to_string(), v);
        }
    }
    let schemes = auth::openapi_schemes(reader, api, kind, &Json::Object(scheme_doc), doc.location());
    let validation = OpenApiValidation::read(reader, api, kind, doc);
    for (path, item) in paths.entries() {
        for (method_key, op) in item.entries() {
            let Some(method) = operation_method(&method_key) else { continue };
            // Warnings at the operation (an included file's are moved to the including API by `Diagnostics`),
            // routes at the operation or, from another file, at the API that includes it.
            let at = op.location();
            let route_location = if route_at == Location::default() { at } else { route_at };
            if method_key.eq_ignore_ascii_case("any") && op.get("x-amazon-apigateway-integration").is_some() {
                reader.diags.warn(at, format!("`{method_key}` under {path} of API {api} is not an OpenAPI method (API Gateway spells it `x-amazon-apigateway-any-method`); read as ANY, as SAM CLI does"));
            }
            let Some(integration_node) = op.get("x-amazon-apigateway-integration") else { continue };
            let integration_json = reader.resolver.resolve(integration_node, &mut reader.diags).unwrap_or(Json::Null);
            let owner = format!("{} {path} of API {api}", method.as_str());
            let source = Source { json: &integration_json, node: Some(integration_node), at };
            let Some(served) = route_integration(reader, kind, &owner, source) else { continue };
            let integration = &integration_json;
            let payload = match (kind, integration.get("payloadFormatVersion").and_then(json_text).as_deref()) {
                (ApiKind::Http, Some("1.0")) => PayloadVersion::V1,
                _ => default_payload,
            };
            let operation_name = op.get("operationId").and_then(|o| o.scalar_text());
            let security = op.get("security").or(root_security);
            let security = security.and_then(|s| reader.resolver.resolve(s, &mut reader.diags));
            let auth = auth::openapi_route_auth(&schemes, security.as_ref());
            let validation = validation.operation(reader, api, (method, &path), item, op);
            reader.routes.push(Route {
                method,
                path: path.clone().into(),
                api: api.to_string().into(),
                integration: served,
                payload,
                operation_name: operation_name.map(Into::into),
                auth,
                validation,
                location: route_location,
            });
        }
    }
}

/// What serves one operation: `aws_proxy`, `aws` with a Lambda URI, or `mock`; other types are warnings naming the
/// type (`None`: the route is skipped).
fn route_integration(
    reader: &mut Reader<'_>,
    kind: ApiKind,
    owner: &str,
    source: Source<'_, '_>,
) -> Option<Integration> {
    let ty = source.json.get("type").and_then(json_text).unwrap_or_default().to_ascii_lowercase();
    let served = matches!(ty.as_str(), "aws_proxy" | "mock") || (ty == "aws" && kind == ApiKind::Rest);
    if !served {
        let what = match ty.as_str() {
            "http" | "http_proxy" => "an HTTP backend",
            "aws" => "an AWS service (HTTP APIs have no non-proxy Lambda integrations)",
            "" => "no integration type",
            _ => "an integration type API Gateway does not define",
        };
        reader.diags.warn(source.at, format!(
            "{owner} uses a `{ty}` integration ({what}); only aws_proxy, aws (Lambda) and mock integrations are served, route skipped"
        ));
        return None;
    }
    if ty == "mock" {
        if kind == ApiKind::Http {
            reader.diags.warn(source.at, format!("{owner}: HTTP APIs have no MOCK integrations; route skipped"));
            return None;
        }
        return Some(Integration::Mock { mapping: read_mapping(reader, &OPENAPI, owner, source) });
    }
    let uri = source.json.get("uri").and_then(json_text).unwrap_or_default();
    if ty == "aws" && !is_lambda_uri(&uri) {
        reader.diags.warn(source.at, format!(
            "{owner} uses an AWS service integration (`{uri}`); only Lambda functions are served as `aws` integrations, route skipped"
        ));
        return None;
    }
    let Some(function) = function_name_in_uri(&uri).and_then(|n| reader.function_id(n)) else {
        reader.diags.warn(
            source.at,
            format!("{owner}: integration uri `{uri}` names no function of this template; route skipped"),
        );
        return None;
    };
    Some(if ty == "aws" {
        Integration::Lambda { function: function.into(), mapping: read_mapping(reader, &OPENAPI, owner, source) }
    } else {
        Integration::proxy(function)
    })
}

fn operation_method(key: &str) -> Option<Method> {
    if key.eq_ignore_ascii_case("x-amazon-apigateway-any-method") || key.eq_ignore_ascii_case("any") {
        return Some(Method::Any);
    }
    match key.to_ascii_lowercase().as_str() {
        "get" | "put" | "post" | "delete" | "options" | "head" | "patch" => Method::parse(key),
        _ => None,
    }
}
