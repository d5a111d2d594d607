//! Mapping templates of MOCK and non-proxy integrations: compiled once per route, chosen as API Gateway chooses them
//! (request template by `Content-Type`, integration response by selection pattern, response template by `Accept`),
//! rendered with `emu-vtl` against one request, with `$context` and the response parameters.

use axum::body::Body;
use emu_template::{Mapping, ParameterValue, Passthrough, ResponseParameter};
use emu_vtl::{Rendered, Scope, Template};
use http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode, header};
use regex::Regex;
use serde_json::{Map, Value};

use crate::gateway::errors::GatewayError;
use crate::lambda::log::platform_line;

/// The content type API Gateway assumes when a request has no `Content-Type` or `Accept` (D-DATAMAP).
const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// One template, parsed when the app is built (a syntax error is kept and fails the requests that use it).
#[derive(Debug)]
struct CompiledTemplate {
    content_type: Box<str>,
    template: Result<Template, String>,
}

impl CompiledTemplate {
    fn new(content_type: &str, text: &str) -> CompiledTemplate {
        CompiledTemplate {
            content_type: content_type.into(),
            template: Template::parse(text).map_err(|e| format!("line {}, column {}: {}", e.line, e.column, e.message)),
        }
    }
}

/// How an integration response is selected.
#[derive(Debug)]
enum Selection {
    /// No (or an empty) pattern: the default response.
    Default,
    /// A pattern, anchored: it must match the whole value, as Java's `Pattern.matches` does.
    Pattern(Regex),
    /// A pattern the `regex` crate cannot compile (warned at compile time): never selected.
    Invalid,
}

/// One integration response, compiled.
#[derive(Debug)]
pub(crate) struct CompiledResponse {
    selection: Selection,
    status: StatusCode,
    parameters: Vec<ResponseParameter>,
    templates: Vec<CompiledTemplate>,
}

/// A route's mapping, compiled once when the app is built.
#[derive(Debug)]
pub(crate) struct CompiledMapping {
    requests: Vec<CompiledTemplate>,
    passthrough: Passthrough,
    responses: Vec<CompiledResponse>,
}

impl CompiledMapping {
    /// Parses the templates and compiles the selection patterns of `m`.
    pub(crate) fn new(m: &Mapping) -> CompiledMapping {
        let requests =
            m.request_templates.iter().map(|t| CompiledTemplate::new(&t.content_type, &t.template)).collect();
        let responses = m
            .responses
            .iter()
            .map(|r| CompiledResponse {
                selection: match r.selection_pattern.as_deref() {
                    None | Some("") => Selection::Default,
                    Some(p) => Regex::new(&format!("^(?:{p})$")).map_or(Selection::Invalid, Selection::Pattern),
                },
                status: StatusCode::from_u16(r.status_code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                parameters: r.parameters.to_vec(),
                templates: r.templates.iter().map(|t| CompiledTemplate::new(&t.content_type, &t.template)).collect(),
            })
            .collect();
        CompiledMapping { requests, passthrough: m.passthrough, responses }
    }

    /// Whether the mapping has no request template at all.
    pub(crate) fn has_no_request_templates(&self) -> bool {
        self.requests.is_empty()
    }

    /// The integration request body: the request template chosen by `Content-Type`, rendered (`Some`); or `None`
    /// when the body passes through. 415 when `passthroughBehavior` refuses, 500 when the template fails.
    pub(crate) fn map_request(&self, input: &MappingInput, label: &str) -> Result<Option<String>, GatewayError> {
        let chosen = self.requests.iter().find(|t| *t.content_type == *input.content_type);
        let Some(t) = chosen else {
            let passes = match self.passthrough {
                Passthrough::WhenNoMatch => true,
                Passthrough::WhenNoTemplates => self.requests.is_empty(),
                Passthrough::Never => false,
            };
            if passes {
                return Ok(None);
            }
            platform_line(
                "API Gateway",
                &format!(
                    "{label} no request template for Content-Type {} and passthroughBehavior refuses: 415 Unsupported Media Type",
                    input.content_type
                ),
            );
            return Err(GatewayError::UnsupportedMediaType);
        };
        let rendered = render(t, input, &input.body, label, "request")?;
        Ok(Some(rendered.body))
    }

    /// The integration response whose selection pattern matches `value` (first in template order), else the
    /// default one; `None` (logged) when neither exists, which API Gateway answers with a 500.
    pub(crate) fn select(&self, value: &str, label: &str) -> Option<&CompiledResponse> {
        let by_pattern =
            self.responses.iter().find(|r| matches!(&r.selection, Selection::Pattern(re) if re.is_match(value)));
        let chosen = by_pattern.or_else(|| self.default_response());
        if chosen.is_none() {
            platform_line(
                "API Gateway",
                &format!(
                    "{label} Execution failed due to configuration error: No match for output mapping and no default output mapping configured. Endpoint Response Status Code: {value}"
                ),
            );
        }
        chosen
    }

    /// The default integration response (no selection pattern), when there is one.
    pub(crate) fn default_response(&self) -> Option<&CompiledResponse> {
        self.responses.iter().find(|r| matches!(r.selection, Selection::Default))
    }

    /// The method response: `response`'s status and mapped headers, its template (chosen by `Accept`) rendered
    /// with the integration's output as `$input`, then `$context.responseOverride`.
    pub(crate) fn respond(
        &self,
        response: &CompiledResponse,
        input: &MappingInput,
        integration: &IntegrationOutput<'_>,
        label: &str,
    ) -> Result<Response<Body>, GatewayError> {
        let mut headers = HeaderMap::new();
        for p in &response.parameters {
            let Some(value) = parameter_value(&p.value, input, integration) else { continue };
            match (HeaderName::from_bytes(p.header.as_bytes()), HeaderValue::from_str(&value)) {
                (Ok(name), Ok(value)) => {
                    headers.insert(name, value);
                }
                _ => platform_line(
                    "API Gateway",
                    &format!("{label} response header {} = {value:?} is not a valid HTTP header; left out", p.header),
                ),
            }
        }
        let mut status = response.status;
        let body = match choose_response_template(&response.templates, &input.accept) {
            None => integration.body.to_owned(),
            Some(t) => {
                let rendered = render(t, input, integration.body, label, "response")?;
                if let Some(s) = rendered.status_override.and_then(|s| StatusCode::from_u16(s).ok()) {
                    // AWS ignores an override that is not a status code (100-599).
                    if (100..600).contains(&s.as_u16()) {
                        status = s;
                    }
                }
                for (name, value) in &rendered.header_overrides {
                    if let (Ok(name), Ok(value)) =
                        (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value))
                    {
                        headers.insert(name, value);
                    }
                }
                rendered.body
            }
        };
        // "API Gateway always sets Content-Type on integration responses, default application/json" (D-KNOWN).
        if !headers.contains_key(header::CONTENT_TYPE) {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(DEFAULT_MEDIA_TYPE));
        }
        let mut res = Response::new(Body::from(body));
        *res.status_mut() = status;
        *res.headers_mut() = headers;
        Ok(res)
    }
}

/// What the integration answered, for the response side: its body (`$input.body`) and headers.
#[derive(Debug)]
pub(crate) struct IntegrationOutput<'a> {
    pub(crate) body: &'a str,
    pub(crate) headers: &'a [(&'a str, &'a str)],
}

/// The request as mapping templates see it: `$input` (body and parameters), `$context`, `$stageVariables`, and the
/// media types that choose the templates.
#[derive(Debug)]
pub(crate) struct MappingInput {
    body: String,
    path: Vec<(String, String)>,
    querystring: Vec<(String, String)>,
    header: Vec<(String, String)>,
    context: Value,
    stage_variables: Value,
    /// The request's `Content-Type` MIME type, lower case, without parameters (`application/json` when absent).
    content_type: String,
    /// The first `Accept` MIME type, the same way.
    accept: String,
}

impl MappingInput {
    /// The input for one request: its raw `body`, and `event`, the Lambda proxy (1.0) event of the same request,
    /// whose `requestContext` is `$context` (request id, stage, resource path, identity, `authorizer` from the access
    /// stage) and whose maps are `$input.params()` and `$stageVariables`.
    pub(crate) fn new(body: &[u8], headers: &HeaderMap, mut event: Value) -> MappingInput {
        let pairs = |v: Option<&Value>| -> Vec<(String, String)> {
            v.and_then(Value::as_object)
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_owned())).collect())
                .unwrap_or_default()
        };
        let media = |name: header::HeaderName| -> String {
            let value = headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or("");
            let first = value.split(',').next().unwrap_or("");
            let mime = first.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
            if mime.is_empty() { DEFAULT_MEDIA_TYPE.to_owned() } else { mime }
        };
        let context = event.get_mut("requestContext").map(Value::take).unwrap_or_else(|| Value::Object(Map::new()));
        let stage_variables = match event.get_mut("stageVariables").map(Value::take) {
            Some(v @ Value::Object(_)) => v,
            _ => Value::Object(Map::new()),
        };
        MappingInput {
            body: String::from_utf8_lossy(body).into_owned(),
            path: pairs(event.get("pathParameters")),
            querystring: pairs(event.get("queryStringParameters")),
            header: pairs(event.get("headers")),
            context,
            stage_variables,
            content_type: media(header::CONTENT_TYPE),
            accept: media(header::ACCEPT),
        }
    }

    /// The request body as text (invalid UTF-8 replaced).
    pub(crate) fn body(&self) -> &str {
        &self.body
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.header.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// The response template chosen by the request's first `Accept` type, else the first one (D-DATAMAP); `None`
/// when there is none (the integration's body passes through).
fn choose_response_template<'t>(templates: &'t [CompiledTemplate], accept: &str) -> Option<&'t CompiledTemplate> {
    templates.iter().find(|t| *t.content_type == *accept).or_else(|| templates.first())
}

/// Renders `t` with `body` as `$input.body`; a failure is logged and answered as API Gateway's 500.
fn render(
    t: &CompiledTemplate,
    input: &MappingInput,
    body: &str,
    label: &str,
    side: &str,
) -> Result<Rendered, GatewayError> {
    let fail = |reason: &dyn std::fmt::Display| {
        platform_line(
            "API Gateway",
            &format!(
                "{label} Execution failed due to configuration error: Unable to transform {side} ({} template for {}): {reason}",
                side, t.content_type
            ),
        );
        GatewayError::MappingFailure
    };
    let template = t.template.as_ref().map_err(|e| fail(&format!("syntax error at {e}")))?;
    let (path, querystring, header) = (borrow(&input.path), borrow(&input.querystring), borrow(&input.header));
    let scope = Scope {
        body,
        path: &path,
        querystring: &querystring,
        header: &header,
        context: &input.context,
        stage_variables: &input.stage_variables,
    };
    template.render(&scope).map_err(|e| fail(&e))
}

/// Pairs as the renderer's scope takes them.
fn borrow(v: &[(String, String)]) -> Vec<(&str, &str)> {
    v.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

/// The value of a response parameter for this request and integration output (`None`: the header is left out).
fn parameter_value(v: &ParameterValue, input: &MappingInput, out: &IntegrationOutput<'_>) -> Option<String> {
    let find = |pairs: &[(String, String)], name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    match v {
        ParameterValue::Static(s) => Some(s.to_string()),
        ParameterValue::RequestHeader(n) => input.header(n).map(str::to_owned),
        ParameterValue::RequestQuery(n) => find(&input.querystring, n),
        ParameterValue::RequestPath(n) => find(&input.path, n),
        ParameterValue::IntegrationHeader(n) => {
            out.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(n)).map(|(_, v)| (*v).to_owned())
        }
        ParameterValue::IntegrationBody(None) => Some(out.body.to_owned()),
        ParameterValue::IntegrationBody(Some(path)) => {
            let doc: Value = serde_json::from_str(out.body).ok()?;
            json_path(&doc, path).map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        }
        ParameterValue::StageVariable(n) => {
            input.stage_variables.get(n.as_ref()).and_then(Value::as_str).map(str::to_owned)
        }
        ParameterValue::Context(n) => {
            json_path(&input.context, n).map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
        }
    }
}

/// A dotted path with `[n]` indexes (`errorType`, `$.a.b[0]`) into `doc`.
fn json_path<'v>(doc: &'v Value, path: &str) -> Option<&'v Value> {
    let path = path.strip_prefix("$.").or_else(|| path.strip_prefix('$')).unwrap_or(path);
    let mut at = doc;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            at = at.get(name)?;
        }
        while let Some(inner) = rest.strip_prefix('[') {
            let end = inner.find(']')?;
            at = at.get(inner[..end].trim().parse::<usize>().ok()?)?;
            rest = &inner[end + 1..];
        }
    }
    Some(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use emu_template::{IntegrationResponse, MappingTemplate};
    use serde_json::json;

    fn template(content_type: &str, text: &str) -> MappingTemplate {
        MappingTemplate {
            content_type: content_type.to_owned().into(),
            template: text.to_owned().into(),
            location: Default::default(),
        }
    }

    fn response(pattern: Option<&str>, status: u16, templates: Vec<MappingTemplate>) -> IntegrationResponse {
        IntegrationResponse {
            selection_pattern: pattern.map(|p| p.to_owned().into()),
            status_code: status,
            parameters: Vec::new().into(),
            templates: templates.into(),
            location: Default::default(),
        }
    }

    fn mapping(
        requests: Vec<MappingTemplate>,
        passthrough: Passthrough,
        responses: Vec<IntegrationResponse>,
    ) -> CompiledMapping {
        CompiledMapping::new(&Mapping { request_templates: requests.into(), passthrough, responses: responses.into() })
    }

    fn input(content_type: Option<&str>, accept: Option<&str>, body: &str) -> MappingInput {
        let mut headers = HeaderMap::new();
        if let Some(ct) = content_type {
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_str(ct).unwrap());
        }
        if let Some(a) = accept {
            headers.insert(header::ACCEPT, HeaderValue::from_str(a).unwrap());
        }
        let event = json!({
            "headers": {"Origin": "https://a.example"},
            "queryStringParameters": {"q": "1"},
            "pathParameters": {"id": "7"},
            "stageVariables": {"v": "x"},
            "requestContext": {"requestId": "r-1", "stage": "prod", "identity": {"sourceIp": "127.0.0.1"}},
        });
        MappingInput::new(body.as_bytes(), &headers, event)
    }

    #[test]
    fn the_request_template_is_chosen_by_content_type_without_parameters_defaulting_to_json() {
        let m = mapping(
            vec![template("application/json", "json:$input.body"), template("text/plain", "text")],
            Passthrough::Never,
            vec![],
        );
        assert_eq!(m.map_request(&input(None, None, "{}"), "t").unwrap().as_deref(), Some("json:{}"));
        assert_eq!(
            m.map_request(&input(Some("Text/Plain; charset=utf-8"), None, ""), "t").unwrap().as_deref(),
            Some("text")
        );
    }

    #[test]
    fn passthrough_behaviors_pass_or_refuse_as_api_gateway_does() {
        let xml = input(Some("application/xml"), None, "<a/>");
        let with = |p| mapping(vec![template("application/json", "{}")], p, vec![]);
        assert_eq!(with(Passthrough::WhenNoMatch).map_request(&xml, "t"), Ok(None));
        assert_eq!(with(Passthrough::WhenNoTemplates).map_request(&xml, "t"), Err(GatewayError::UnsupportedMediaType));
        assert_eq!(with(Passthrough::Never).map_request(&xml, "t"), Err(GatewayError::UnsupportedMediaType));
        let without = |p| mapping(vec![], p, vec![]);
        assert_eq!(without(Passthrough::WhenNoTemplates).map_request(&xml, "t"), Ok(None));
        assert_eq!(without(Passthrough::Never).map_request(&xml, "t"), Err(GatewayError::UnsupportedMediaType));
    }

    #[test]
    fn selection_patterns_match_the_whole_value_and_the_default_catches_the_rest() {
        let m = mapping(
            vec![],
            Passthrough::WhenNoMatch,
            vec![
                response(None, 200, vec![]),
                response(Some(r"5\d{2}"), 500, vec![]),
                response(Some("(?<!x)y"), 418, vec![]),
            ],
        );
        assert_eq!(m.select("500", "t").map(|r| r.status.as_u16()), Some(500));
        assert_eq!(m.select("1500", "t").map(|r| r.status.as_u16()), Some(200), "anchored: 1500 is not 5\\d{{2}}");
        assert_eq!(m.select("y", "t").map(|r| r.status.as_u16()), Some(200), "an uncompilable pattern is never chosen");
        let no_default = mapping(vec![], Passthrough::WhenNoMatch, vec![response(Some("4.."), 400, vec![])]);
        assert!(no_default.select("200", "t").is_none());
    }

    #[test]
    fn the_response_template_is_chosen_by_the_first_accept_type_else_the_first_template() {
        let r = response(None, 200, vec![template("text/html", "html"), template("application/json", "json")]);
        let m = mapping(vec![], Passthrough::WhenNoMatch, vec![r]);
        let chosen = |accept| {
            let i = input(None, accept, "");
            choose_response_template(&m.responses[0].templates, &i.accept).map(|t| t.content_type.to_string())
        };
        assert_eq!(chosen(None).as_deref(), Some("application/json"), "no Accept: application/json");
        assert_eq!(chosen(Some("text/html, application/json")).as_deref(), Some("text/html"), "the first type only");
        assert_eq!(chosen(Some("*/*")).as_deref(), Some("text/html"), "no match: the first template");
        assert!(choose_response_template(&[], "application/json").is_none());
    }

    #[tokio::test]
    async fn the_method_response_has_the_status_headers_and_rendered_body() {
        let mut r = response(
            None,
            201,
            vec![template("application/json", "{\"id\": \"$input.params('id')\", \"up\": $input.body}")],
        );
        r.parameters =
            vec![ResponseParameter { header: "X-Id".into(), value: ParameterValue::RequestPath("id".into()) }].into();
        let m = mapping(vec![], Passthrough::WhenNoMatch, vec![r]);
        let out = IntegrationOutput { body: "[1]", headers: &[] };
        let res = m.respond(&m.responses[0], &input(None, None, ""), &out, "t").unwrap();
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(res.headers().get("x-id").unwrap(), "7");
        assert_eq!(res.headers().get(header::CONTENT_TYPE).unwrap(), "application/json", "the default Content-Type");
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        assert_eq!(&body[..], br#"{"id": "7", "up": [1]}"#);
    }

    #[test]
    fn a_response_override_sets_the_status() {
        let status = |t: &str| {
            let m = mapping(
                vec![],
                Passthrough::WhenNoMatch,
                vec![response(None, 200, vec![template("application/json", t)])],
            );
            let out = IntegrationOutput { body: "", headers: &[] };
            m.respond(&m.responses[0], &input(None, None, ""), &out, "t").map(|r| r.status().as_u16())
        };
        assert_eq!(status("#set($context.responseOverride.status = 418)"), Ok(418));
        assert_eq!(status("no override"), Ok(200));
        // emu-vtl refuses a status outside 100-599 as a render error (a 500); LocalStack reports that AWS ignores
        // it instead (docs/fidelity.md, "Mapping templates and MOCK integrations").
        assert_eq!(status("#set($context.responseOverride.status = 700)"), Err(GatewayError::MappingFailure));
    }

    #[tokio::test]
    async fn without_a_response_template_the_integration_body_passes_through() {
        let m = mapping(vec![], Passthrough::WhenNoMatch, vec![response(None, 200, vec![])]);
        let out = IntegrationOutput { body: r#"{"errorMessage":"boom"}"#, headers: &[] };
        let res = m.respond(&m.responses[0], &input(None, None, ""), &out, "t").unwrap();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        assert_eq!(&body[..], out.body.as_bytes());
    }

    #[test]
    fn response_parameters_read_the_request_and_the_integration_output() {
        let out = IntegrationOutput { body: r#"{"errorType":"NotFound","list":[{"a":1}]}"#, headers: &[("X-Up", "u")] };
        let i = input(None, None, "");
        let v = |p| parameter_value(&p, &i, &out);
        assert_eq!(v(ParameterValue::Static("*".into())).as_deref(), Some("*"));
        assert_eq!(v(ParameterValue::RequestHeader("origin".into())).as_deref(), Some("https://a.example"));
        assert_eq!(v(ParameterValue::RequestQuery("q".into())).as_deref(), Some("1"));
        assert_eq!(v(ParameterValue::RequestPath("id".into())).as_deref(), Some("7"));
        assert_eq!(v(ParameterValue::IntegrationHeader("x-up".into())).as_deref(), Some("u"));
        assert_eq!(v(ParameterValue::IntegrationBody(Some("errorType".into()))).as_deref(), Some("NotFound"));
        assert_eq!(v(ParameterValue::IntegrationBody(Some("list[0].a".into()))).as_deref(), Some("1"));
        assert_eq!(v(ParameterValue::IntegrationBody(Some("missing".into()))), None);
        assert_eq!(v(ParameterValue::StageVariable("v".into())).as_deref(), Some("x"));
        assert_eq!(v(ParameterValue::Context("identity.sourceIp".into())).as_deref(), Some("127.0.0.1"));
        assert_eq!(v(ParameterValue::RequestHeader("absent".into())), None);
    }

    #[test]
    fn a_template_that_fails_to_render_is_a_mapping_failure() {
        let m = mapping(vec![template("application/json", "#if($x")], Passthrough::Never, vec![]);
        assert_eq!(m.map_request(&input(None, None, ""), "t"), Err(GatewayError::MappingFailure));
    }
}
