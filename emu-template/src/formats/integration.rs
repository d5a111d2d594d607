//! The mapping of MOCK and non-proxy (`AWS`) integrations, shared by the OpenAPI, CloudFormation and Serverless
//! readers: request templates, passthrough behavior, integration responses, and the checks made on each.

use serde_json::Value as Json;

use crate::context::Reader;
use crate::integration::{
    IntegrationResponse, Mapping, MappingTemplate, ParameterValue, Passthrough, ResponseParameter,
};
use crate::intrinsics::json_text;
use crate::model::{Location, Str};
use crate::yaml::Node;

/// The property names of one format (`requestTemplates` in OpenAPI, `RequestTemplates` in CloudFormation).
pub(crate) struct Keys {
    pub(crate) request_templates: &'static str,
    pub(crate) passthrough: &'static str,
    pub(crate) responses: &'static str,
    pub(crate) selection_pattern: &'static str,
    pub(crate) status_code: &'static str,
    pub(crate) response_parameters: &'static str,
    pub(crate) response_templates: &'static str,
    pub(crate) content_handling: &'static str,
    pub(crate) request_parameters: &'static str,
}

/// OpenAPI's `x-amazon-apigateway-integration` names; `responses` is a map keyed by selection pattern.
pub(crate) const OPENAPI: Keys = Keys {
    request_templates: "requestTemplates",
    passthrough: "passthroughBehavior",
    responses: "responses",
    selection_pattern: "selectionPattern",
    status_code: "statusCode",
    response_parameters: "responseParameters",
    response_templates: "responseTemplates",
    content_handling: "contentHandling",
    request_parameters: "requestParameters",
};

/// CloudFormation's `AWS::ApiGateway::Method` `Integration` names; `IntegrationResponses` is a list.
pub(crate) const CFN: Keys = Keys {
    request_templates: "RequestTemplates",
    passthrough: "PassthroughBehavior",
    responses: "IntegrationResponses",
    selection_pattern: "SelectionPattern",
    status_code: "StatusCode",
    response_parameters: "ResponseParameters",
    response_templates: "ResponseTemplates",
    content_handling: "ContentHandling",
    request_parameters: "RequestParameters",
};

/// A resolved integration value and, where the source layout allows, its node (for the location of each part).
#[derive(Clone, Copy)]
pub(crate) struct Source<'j, 'n> {
    pub(crate) json: &'j Json,
    pub(crate) node: Option<Node<'n>>,
    pub(crate) at: Location,
}

impl<'j, 'n> Source<'j, 'n> {
    /// The part under `key`, located at its own key when the node has it.
    pub(crate) fn get(&self, key: &str) -> Option<Source<'j, 'n>> {
        let json = self.json.get(key)?;
        let node = self.node.and_then(|n| n.get(key));
        Some(Source { json, node, at: node.map_or(self.at, |n| n.location()) })
    }

    /// The `i`-th item of a list.
    fn item(&self, i: usize) -> Option<Source<'j, 'n>> {
        let json = self.json.get(i)?;
        let node = self.node.and_then(|n| n.items().into_iter().nth(i));
        Some(Source { json, node, at: node.map_or(self.at, |n| n.location()) })
    }

    /// The entries of a mapping, each located at its key, in the order written (the resolved JSON sorts keys;
    /// the first response template is the fallback, so order matters).
    fn entries(&self) -> Vec<(String, Source<'j, 'n>)> {
        let Some(map) = self.json.as_object() else { return Vec::new() };
        let mut keys: Vec<&String> = Vec::with_capacity(map.len());
        for (k, _) in self.node.map(|n| n.entries()).unwrap_or_default() {
            if let Some((key, _)) = map.get_key_value(&k) {
                keys.push(key);
            }
        }
        for k in map.keys() {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys.into_iter()
            .filter_map(|k| {
                let json = map.get(k)?;
                let node = self.node.and_then(|n| n.get(k));
                Some((k.clone(), Source { json, node, at: node.map_or(self.at, |n| n.location()) }))
            })
            .collect()
    }
}

/// Reads the mapping of an integration; `owner` names it in messages (`GET /dogs of API MyApi`).
pub(crate) fn read_mapping(reader: &mut Reader<'_>, keys: &Keys, owner: &str, integration: Source<'_, '_>) -> Mapping {
    for key in [keys.content_handling, keys.request_parameters] {
        if let Some(p) = integration.get(key) {
            reader.diags.warn(p.at, format!("{owner}: integration `{key}` is not emulated; it is ignored"));
        }
    }
    let request_templates = match integration.get(keys.request_templates) {
        Some(t) => templates(reader, &format!("request template of {owner}"), t),
        None => Vec::new(),
    };
    let passthrough = match integration.get(keys.passthrough) {
        None => Passthrough::default(),
        Some(p) => {
            let text = json_text(p.json).unwrap_or_default();
            Passthrough::parse(&text).unwrap_or_else(|| {
                reader.diags.invalid(
                    p.at,
                    format!("{} `{text}` of {owner}", keys.passthrough),
                    "WHEN_NO_MATCH, WHEN_NO_TEMPLATES or NEVER",
                );
                Passthrough::default()
            })
        }
    };
    let mut responses = Vec::new();
    if let Some(list) = integration.get(keys.responses) {
        match list.json {
            // OpenAPI: `responses: {<selection pattern or default>: {statusCode, ...}}`.
            Json::Object(_) => {
                for (pattern, r) in list.entries() {
                    let pattern = if pattern == "default" { None } else { Some(pattern) };
                    responses.extend(response(reader, keys, owner, pattern, r));
                }
            }
            // CloudFormation: `IntegrationResponses: [{SelectionPattern, StatusCode, ...}]`.
            Json::Array(items) => {
                for i in 0..items.len() {
                    let Some(r) = list.item(i) else { continue };
                    let pattern = r.get(keys.selection_pattern).and_then(|p| json_text(p.json));
                    responses.extend(response(reader, keys, owner, pattern, r));
                }
            }
            _ => reader.diags.invalid(
                list.at,
                format!("{} of {owner}", keys.responses),
                "integration responses (a mapping in OpenAPI, a list in CloudFormation)",
            ),
        }
    }
    if responses.is_empty() {
        reader.diags.warn(
            integration.at,
            format!("{owner} has no integration responses; every request gets 500 Internal server error, as API Gateway answers when no integration response matches"),
        );
    }
    Mapping { request_templates: request_templates.into(), passthrough, responses: responses.into() }
}

/// One integration response; `None` (with a located problem) when its status code is not a number.
fn response(
    reader: &mut Reader<'_>,
    keys: &Keys,
    owner: &str,
    pattern: Option<String>,
    r: Source<'_, '_>,
) -> Option<IntegrationResponse> {
    let pattern = pattern.filter(|p| !p.is_empty());
    let what = match &pattern {
        Some(p) => format!("integration response `{p}` of {owner}"),
        None => format!("default integration response of {owner}"),
    };
    let status_text = r.get(keys.status_code).and_then(|s| json_text(s.json));
    let status_code = match status_text.as_deref().map(str::trim).map(str::parse::<u16>) {
        Some(Ok(code)) if (100..=599).contains(&code) => code,
        _ => {
            reader.diags.invalid(
                r.at,
                format!("{} `{}` of {what}", keys.status_code, status_text.unwrap_or_default()),
                "an HTTP status code (100-599)",
            );
            return None;
        }
    };
    if let Some(p) = &pattern {
        check_selection_pattern(reader, &what, p, r.get(keys.selection_pattern).map_or(r.at, |s| s.at));
    }
    if let Some(c) = r.get(keys.content_handling) {
        reader
            .diags
            .warn(c.at, format!("{what}: `{}` is not emulated; the body is passed as text", keys.content_handling));
    }
    let mut parameters = Vec::new();
    if let Some(params) = r.get(keys.response_parameters) {
        for (key, value) in params.entries() {
            parameters.extend(response_parameter(reader, &what, &key, value));
        }
    }
    let templates = match r.get(keys.response_templates) {
        Some(t) => templates(reader, &format!("response template of the {what}"), t),
        None => Vec::new(),
    };
    Some(IntegrationResponse {
        selection_pattern: pattern.map(Into::into),
        status_code,
        parameters: parameters.into(),
        templates: templates.into(),
        location: r.at,
    })
}

/// `method.response.header.<name>: <value>`; any other form is a problem, as API Gateway refuses it at deploy
/// ("Invalid mapping expression specified").
fn response_parameter(
    reader: &mut Reader<'_>,
    what: &str,
    key: &str,
    value: Source<'_, '_>,
) -> Option<ResponseParameter> {
    let Some(header) = key.strip_prefix("method.response.header.").filter(|h| !h.is_empty()) else {
        reader.diags.invalid(
            value.at,
            format!("response parameter `{key}` of the {what}"),
            "`method.response.header.<name>`",
        );
        return None;
    };
    let text = json_text(value.json).unwrap_or_default();
    let Some(source) = ParameterValue::parse(&text) else {
        reader.diags.invalid(
            value.at,
            format!("response parameter `{key}` = `{text}` of the {what}"),
            "a quoted literal ('value'), method.request.{header|querystring|path}.<name>, \
                           integration.response.header.<name>, integration.response.body[.<JSONPath>], \
                           stageVariables.<name> or context.<name>",
        );
        return None;
    };
    Some(ResponseParameter { header: header.to_owned().into(), value: source })
}

/// A map of content type to template text. A `null` template (OpenAPI exports write `application/json: null`)
/// is an empty template.
fn templates(reader: &mut Reader<'_>, what: &str, map: Source<'_, '_>) -> Vec<MappingTemplate> {
    if !map.json.is_object() {
        reader.diags.invalid(map.at, what.to_owned(), "a mapping of content types to templates");
        return Vec::new();
    }
    let mut out = Vec::new();
    for (content_type, t) in map.entries() {
        let text = match t.json {
            Json::Null => String::new(),
            other => json_text(other).unwrap_or_else(|| serde_json::to_string(other).unwrap_or_default()),
        };
        check_template(reader, &format!("{what} for {content_type}"), &text, t.at);
        out.push(MappingTemplate {
            content_type: content_type.trim().to_ascii_lowercase().into(),
            template: Str::from(text),
            location: t.at,
        });
    }
    out
}

/// A template using Velocity outside the served subset, or with a syntax error, is a warning: API Gateway stores
/// templates as text at deploy and fails the request (500) when it cannot render one, and so does the emulator.
pub(crate) fn check_template(reader: &mut Reader<'_>, what: &str, text: &str, at: Location) {
    match emu_vtl::Template::parse(text) {
        Err(e) => reader.diags.warn(
            at,
            format!(
                "{what}: Velocity syntax error at line {}, column {} of the template: {}; requests that use it get 500 Internal server error",
                e.line, e.column, e.message
            ),
        ),
        Ok(template) => {
            for u in template.unsupported() {
                reader.diags.warn(
                    at,
                    format!(
                        "{what}: `{}` (line {}, column {} of the template) is outside the Velocity subset the emulator serves; requests that reach it get 500 Internal server error",
                        u.construct, u.line, u.column
                    ),
                );
            }
        }
    }
}

/// A selection pattern the `regex` crate cannot compile is a warning: the response is never chosen locally. AWS
/// compiles patterns as Java regular expressions, whose syntax differs (lookaround, backreferences, possessive
/// quantifiers exist only there).
fn check_selection_pattern(reader: &mut Reader<'_>, what: &str, pattern: &str, at: Location) {
    if let Err(e) = regex::Regex::new(&anchored(pattern)) {
        let reason = e.to_string().lines().last().unwrap_or_default().trim().to_owned();
        reader.diags.warn(
            at,
            format!(
                "{what}: selection pattern `{pattern}` is not a regular expression the emulator can compile ({reason}); the response is never selected (Java regex features such as lookaround and backreferences are not supported)"
            ),
        );
    }
}

/// A selection pattern as matched: against the whole value, as Java's `Pattern.matches` does.
pub(crate) fn anchored(pattern: &str) -> String {
    format!("^(?:{pattern})$")
}

/// Whether `uri` is a Lambda function invocation URI (`arn:aws:apigateway:<region>:lambda:path/...`), rather
/// than another AWS service's action.
pub(crate) fn is_lambda_uri(uri: &str) -> bool {
    uri.contains(":lambda:path/") || uri.starts_with("arn:aws:lambda:")
}
