//! Gateway responses as templates write them: SAM `GatewayResponses` (also in `Globals.Api`), CloudFormation
//! `AWS::ApiGateway::GatewayResponse` (SAM, CloudFormation, Serverless `resources`), OpenAPI `x-amazon-apigateway-gateway-responses`.

use serde_json::Value as Json;

use crate::context::Reader;
use crate::gateway_response::{GatewayResponse, GatewayResponseType, HeaderSource, ResponseHeader};
use crate::intrinsics::{is_placeholder, json_text};
use crate::model::{ApiKind, KeyValue, Location};
use crate::problem::ProblemKind;
use crate::yaml::Node;

/// Where a gateway response was read from; a later source overrides an earlier one for the same API and type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Source {
    /// `x-amazon-apigateway-gateway-responses` of the API's OpenAPI document.
    OpenApi,
    /// SAM `GatewayResponses` (SAM writes them into the definition, over the document's own).
    Sam,
    /// An `AWS::ApiGateway::GatewayResponse` resource (put on the API after its definition is imported).
    Resource,
}

/// The gateway responses of one read, with their sources.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    entries: Vec<(Source, GatewayResponse)>,
}

impl Collected {
    /// The responses, in the order they were first defined.
    pub(crate) fn into_model(self) -> Vec<GatewayResponse> {
        self.entries.into_iter().map(|(_, r)| r).collect()
    }

    /// Adds `r`, replacing a response of the same API and type from the same or an earlier source (a warning when
    /// one source defines it twice); a response from a later source is kept.
    fn add(&mut self, reader_diags: &mut crate::diagnostics::Diagnostics, source: Source, r: GatewayResponse) {
        let same = |(_, e): &&mut (Source, GatewayResponse)| e.api == r.api && e.response_type == r.response_type;
        match self.entries.iter_mut().find(same) {
            None => self.entries.push((source, r)),
            Some((existing, e)) if *existing <= source => {
                if *existing == source {
                    reader_diags.warn(
                        r.location,
                        format!(
                            "gateway response {} of API {} is defined twice (first at line {}); the later one is used",
                            r.response_type, r.api, e.location.line
                        ),
                    );
                }
                *existing = source;
                *e = r;
            }
            Some(_) => {}
        }
    }
}

/// SAM `GatewayResponses` of API `api` (its value merged with `Globals.Api`); `node` is where it is written, for
/// the location of each type.
pub(crate) fn read_sam(
    reader: &mut Reader<'_>,
    api: &str,
    kind: ApiKind,
    v: &Json,
    node: Option<Node<'_>>,
    at: Location,
) {
    if kind == ApiKind::Http {
        reader.diags.warn(
            at,
            format!(
                "GatewayResponses of HTTP API {api}: HTTP APIs have no gateway responses (a REST API feature); ignored"
            ),
        );
        return;
    }
    let Some(map) = v.as_object() else {
        let what = format!("GatewayResponses of {api}");
        let expected = "a mapping of response types (DEFAULT_4XX, UNAUTHORIZED, ...) to responses";
        reader.diags.invalid(at, what, expected);
        return;
    };
    for (name, entry) in map {
        let entry_at = node.and_then(|n| n.get(name)).map_or(at, |n| n.location());
        let owner = format!("GatewayResponses.{name} of {api}");
        let Some(response_type) = response_type(reader, &owner, name, entry_at) else { continue };
        let Some(props) = entry.as_object() else {
            let expected = "a mapping with StatusCode, ResponseParameters and ResponseTemplates";
            reader.diags.invalid(entry_at, owner, expected);
            continue;
        };
        for key in props.keys() {
            if !matches!(key.as_str(), "StatusCode" | "ResponseParameters" | "ResponseTemplates") {
                let expected = "only StatusCode, ResponseParameters and ResponseTemplates (SAM's properties)";
                reader.diags.invalid(entry_at, format!("{owner}: `{key}`"), expected);
            }
        }
        let status = status(reader, &owner, props.get("StatusCode"), entry_at);
        let mut headers = Vec::new();
        match props.get("ResponseParameters") {
            None | Some(Json::Null) => {}
            Some(Json::Object(params)) => {
                for (group, values) in params {
                    match group.as_str() {
                        "Headers" => {
                            for (h, value) in
                                object(reader, &format!("{owner}: ResponseParameters.Headers"), values, entry_at)
                            {
                                if let Some(header) = header(reader, &owner, h, value, entry_at) {
                                    headers.push(header);
                                }
                            }
                        }
                        "Paths" | "QueryStrings" => {
                            if values.as_object().is_some_and(|m| !m.is_empty()) {
                                reader.diags.warn(
                                    entry_at,
                                    format!(
                                        "{owner}: ResponseParameters.{group} do not change the HTTP response; ignored"
                                    ),
                                );
                            }
                        }
                        other => reader.diags.invalid(
                            entry_at,
                            format!("{owner}: ResponseParameters.{other}"),
                            "Headers, Paths or QueryStrings",
                        ),
                    }
                }
            }
            Some(_) => reader.diags.invalid(
                entry_at,
                format!("{owner}: ResponseParameters"),
                "a mapping with Headers (name: \"'value'\")",
            ),
        }
        let templates = templates(reader, &owner, props.get("ResponseTemplates"), entry_at);
        let r = GatewayResponse {
            api: api.to_owned().into(),
            response_type,
            status,
            headers: headers.into(),
            templates: templates.into(),
            location: entry_at,
        };
        add(reader, Source::Sam, r);
    }
}

/// An OpenAPI document's `x-amazon-apigateway-gateway-responses` for API `api`.
pub(crate) fn read_openapi(reader: &mut Reader<'_>, api: &str, kind: ApiKind, node: Node<'_>) {
    let at = node.location();
    if kind == ApiKind::Http {
        reader.diags.warn(
            at,
            format!(
                "x-amazon-apigateway-gateway-responses of HTTP API {api}: HTTP APIs do not support this extension; ignored"
            ),
        );
        return;
    }
    let Some(v) = reader.resolver.resolve(node, &mut reader.diags) else { return };
    let Some(map) = v.as_object() else {
        let what = format!("x-amazon-apigateway-gateway-responses of {api}");
        reader.diags.invalid(at, what, "a mapping of response types");
        return;
    };
    for (name, entry) in map {
        let entry_at = node.get(name).map_or(at, |n| n.location());
        let owner = format!("x-amazon-apigateway-gateway-responses.{name} of {api}");
        let Some(response_type) = response_type(reader, &owner, name, entry_at) else { continue };
        let Some(props) = entry.as_object() else {
            let expected = "a mapping with statusCode, responseParameters and responseTemplates";
            reader.diags.invalid(entry_at, owner, expected);
            continue;
        };
        let status = status(reader, &owner, props.get("statusCode"), entry_at);
        let headers = parameters(reader, &owner, props.get("responseParameters"), entry_at);
        let templates = templates(reader, &owner, props.get("responseTemplates"), entry_at);
        let r = GatewayResponse {
            api: api.to_owned().into(),
            response_type,
            status,
            headers: headers.into(),
            templates: templates.into(),
            location: entry_at,
        };
        add(reader, Source::OpenApi, r);
    }
}

/// Every `AWS::ApiGateway::GatewayResponse` among the template's resources (after the implicit APIs exist, so that
/// `RestApiId: !Ref ServerlessRestApi` resolves).
pub(crate) fn read_resources(reader: &mut Reader<'_>) {
    for i in 0..reader.resources.len() {
        let Some((id, node, kind)) = reader.resources.get(i).cloned() else { continue };
        if kind == "AWS::ApiGateway::GatewayResponse" {
            read_resource(reader, &id, node);
        }
    }
}

/// One `AWS::ApiGateway::GatewayResponse` resource.
pub(crate) fn read_resource<'a>(reader: &mut Reader<'a>, id: &str, node: Node<'a>) {
    let at = node.location();
    let owner = format!("gateway response {id}");
    let props = node.get("Properties");
    let Some(api_node) = props.and_then(|p| p.get("RestApiId")) else {
        reader.diags.problem(at, ProblemKind::MissingProperty { owner, property: "RestApiId" });
        return;
    };
    let api = reader.text(Some(api_node)).unwrap_or_default();
    match reader.api_kind(&api) {
        Some(ApiKind::Rest) => {}
        Some(ApiKind::Http) => {
            reader.diags.warn(
                api_node.location(),
                format!("{owner}: API {api} is an HTTP API, which has no gateway responses; ignored"),
            );
            return;
        }
        None => {
            reader.diags.problem(
                api_node.location(),
                ProblemKind::UnknownApi {
                    owner,
                    property: "RestApiId",
                    id: api,
                    expected: "AWS::ApiGateway::RestApi or AWS::Serverless::Api",
                },
            );
            return;
        }
    }
    let Some(type_node) = props.and_then(|p| p.get("ResponseType")) else {
        reader.diags.problem(at, ProblemKind::MissingProperty { owner, property: "ResponseType" });
        return;
    };
    let type_name = reader.text(Some(type_node)).unwrap_or_default();
    let Some(response_type) = response_type(reader, &owner, &type_name, type_node.location()) else { return };
    let get = |reader: &mut Reader<'a>, key: &str| reader.json(props.and_then(|p| p.get(key)));
    let located = |key: &str| props.and_then(|p| p.get(key)).map_or(at, |n| n.location());
    let status_v = get(reader, "StatusCode");
    let status = status(reader, &owner, status_v.as_ref(), located("StatusCode"));
    let params_v = get(reader, "ResponseParameters");
    let headers = parameters(reader, &owner, params_v.as_ref(), located("ResponseParameters"));
    let templates_v = get(reader, "ResponseTemplates");
    let templates = templates(reader, &owner, templates_v.as_ref(), located("ResponseTemplates"));
    let r = GatewayResponse {
        api: api.into(),
        response_type,
        status,
        headers: headers.into(),
        templates: templates.into(),
        location: at,
    };
    add(reader, Source::Resource, r);
}

fn add(reader: &mut Reader<'_>, source: Source, r: GatewayResponse) {
    if r.response_type == GatewayResponseType::RequestTooLarge {
        reader.diags.warn(
            r.location,
            format!(
                "gateway response REQUEST_TOO_LARGE of API {}: API Gateway does not apply customizations of this type \
                 (a known issue); the 413 is sent as AWS sends it",
                r.api
            ),
        );
    }
    reader.gateway_responses.add(&mut reader.diags, source, r);
}

fn response_type(reader: &mut Reader<'_>, owner: &str, name: &str, at: Location) -> Option<GatewayResponseType> {
    let t = GatewayResponseType::parse(name);
    if t.is_none() {
        let known: Vec<&str> = GatewayResponseType::ALL.iter().map(|t| t.as_str()).collect();
        reader.diags.invalid(
            at,
            format!("{owner}: response type `{name}`"),
            format!("one of API Gateway's types: {}", known.join(", ")),
        );
    }
    t
}

/// A status code: 100–599, as a number or a string of digits.
fn status(reader: &mut Reader<'_>, owner: &str, v: Option<&Json>, at: Location) -> Option<u16> {
    let v = v.filter(|v| !v.is_null())?;
    let text = json_text(v).unwrap_or_default();
    if is_placeholder(&text) {
        reader.diags.warn(at, format!("{owner}: StatusCode cannot be resolved locally; the type's status is used"));
        return None;
    }
    match text.trim().parse::<u16>() {
        Ok(n @ 100..=599) if text.trim().len() == 3 => Some(n),
        _ => {
            reader.diags.invalid(
                at,
                format!("{owner}: status code `{text}`"),
                "an HTTP status code from 100 to 599, such as \"401\"",
            );
            None
        }
    }
}

/// A mapping's entries (a problem when `v` is not a mapping).
fn object<'v>(reader: &mut Reader<'_>, what: &str, v: &'v Json, at: Location) -> Vec<(&'v String, &'v Json)> {
    match v {
        Json::Null => Vec::new(),
        Json::Object(m) => m.iter().collect(),
        _ => {
            let expected = "a mapping of names to values";
            reader.diags.invalid(at, what.to_owned(), expected);
            Vec::new()
        }
    }
}

/// CloudFormation / OpenAPI `responseParameters`: `gatewayresponse.header.<Name>` keys.
fn parameters(reader: &mut Reader<'_>, owner: &str, v: Option<&Json>, at: Location) -> Vec<ResponseHeader> {
    let Some(v) = v else { return Vec::new() };
    let mut out = Vec::new();
    for (key, value) in object(reader, &format!("{owner}: ResponseParameters"), v, at) {
        if let Some(name) = key.strip_prefix("gatewayresponse.header.") {
            if let Some(h) = header(reader, owner, name, value, at) {
                out.push(h);
            }
        } else if key.starts_with("gatewayresponse.path.") || key.starts_with("gatewayresponse.querystring.") {
            reader
                .diags
                .warn(at, format!("{owner}: response parameter `{key}` does not change the HTTP response; ignored"));
        } else {
            reader.diags.invalid(at, format!("{owner}: response parameter `{key}`"), "`gatewayresponse.header.<Name>`");
        }
    }
    out
}

/// One header mapping: a valid header name and a `'static'` value or a mapping expression.
fn header(reader: &mut Reader<'_>, owner: &str, name: &str, value: &Json, at: Location) -> Option<ResponseHeader> {
    let valid_name =
        !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !valid_name {
        reader.diags.invalid(
            at,
            format!("{owner}: header name `{name}`"),
            "an HTTP header name (letters, digits and !#$%&'*+-.^_`|~)",
        );
        return None;
    }
    let text = json_text(value).unwrap_or_default();
    if is_placeholder(&text) {
        reader
            .diags
            .warn(at, format!("{owner}: the value of header {name} cannot be resolved locally; header left out"));
        return None;
    }
    let source = HeaderSource::parse(&text);
    let static_ok = match &source {
        Some(HeaderSource::Static(v)) => v.bytes().all(|b| b == b'\t' || (b' '..=b'~').contains(&b) || b >= 0x80),
        _ => true,
    };
    match source.filter(|_| static_ok) {
        Some(value) => Some(ResponseHeader { name: name.to_owned().into(), value }),
        None => {
            reader.diags.invalid(
                at,
                format!("{owner}: value `{text}` of header {name}"),
                "a single-quoted static value such as \"'*'\", or method.request.header|path|querystring.<name>, \
                               stageVariables.<name>, context.<name>",
            );
            None
        }
    }
}

/// `ResponseTemplates`: content type -> template text.
fn templates(reader: &mut Reader<'_>, owner: &str, v: Option<&Json>, at: Location) -> Vec<KeyValue> {
    let Some(v) = v else { return Vec::new() };
    let mut out = Vec::new();
    for (content_type, template) in object(reader, &format!("{owner}: ResponseTemplates"), v, at) {
        match template {
            Json::String(t) => {
                let vtl = ["#set", "#if", "#foreach", "$input.", "$util."].into_iter().find(|d| t.contains(d));
                if let Some(d) = vtl {
                    reader.diags.warn(
                        at,
                        format!(
                            "{owner}: the `{content_type}` template uses `{d}`, but gateway response templates are not \
                             processed by VTL (only $context and $stageVariables are substituted); it is sent as text"
                        ),
                    );
                }
                out.push(KeyValue { key: content_type.clone().into(), value: t.clone().into() })
            }
            Json::Null => out.push(KeyValue { key: content_type.clone().into(), value: "".into() }),
            _ => reader.diags.invalid(at, format!("{owner}: template for `{content_type}`"), "a string"),
        }
    }
    out
}
