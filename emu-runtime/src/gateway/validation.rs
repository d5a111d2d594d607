//! Request validation (REST APIs): required parameters present and not blank, then the body against the model its
//! `Content-Type` selects (JSON Schema draft 4, compiled once with the app). Runs after access, before integration.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::sync::Arc;

use emu_template::{Model, ParameterLocation, RequestModel, Route};
use http::HeaderMap;
use serde_json::Value;

use crate::gateway::errors::GatewayError;

/// The media type API Gateway assumes when a request has no `Content-Type` (docs/fidelity.md, "Request validation").
const DEFAULT_MEDIA_TYPE: &str = "application/json";

/// What one route's request validator checks, compiled.
pub(crate) struct RouteValidator {
    /// `validateRequestParameters` with the route's required parameters (header names in lower case).
    parameters: Vec<(ParameterLocation, Box<str>)>,
    /// `validateRequestBody` with the route's models: `None` when bodies are not checked.
    body: Option<BodyValidator>,
}

impl std::fmt::Debug for RouteValidator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouteValidator")
            .field("parameters", &self.parameters)
            .field("body_models", &self.body.as_ref().map(|b| b.models.iter().map(|(ct, _)| ct).collect::<Vec<_>>()))
            .finish()
    }
}

struct BodyValidator {
    /// Every model of the route's API, compiled together (models refer to each other).
    schemas: Arc<boon::Schemas>,
    /// Media type (lower case) -> the model's compiled schema; `$default` is kept apart.
    models: Vec<(Box<str>, boon::SchemaIndex)>,
    default: Option<boon::SchemaIndex>,
}

/// One API's models, compiled once for all its routes.
struct CompiledModels {
    schemas: Arc<boon::Schemas>,
    by_name: HashMap<String, boon::SchemaIndex>,
}

/// The compiled models of every API, built once with the app.
#[derive(Default)]
pub(crate) struct Validators {
    apis: HashMap<String, CompiledModels>,
}

impl Validators {
    /// Compiles every model of `model`, per API. The template reader checked them, so a failure here is a model
    /// built by hand ([`crate::AppBuilder`]): logged, and bodies needing that model are not checked.
    pub(crate) fn compile(model: &Model) -> Validators {
        let mut apis: HashMap<String, CompiledModels> = HashMap::new();
        let mut ids: Vec<&str> = model.request_models.iter().map(|m| &*m.api).collect();
        ids.sort_unstable();
        ids.dedup();
        for api in ids {
            let of_api: Vec<&RequestModel> = model.request_models.iter().filter(|m| m.api == api).collect();
            let mut compiler = boon::Compiler::new();
            compiler.set_default_draft(boon::Draft::V4);
            compiler.use_loader(Box::new(NoLoader));
            let mut urls = Vec::new();
            for m in &of_api {
                let url = RequestModel::url(&m.api, &m.name);
                match serde_json::from_str::<Value>(&m.schema) {
                    Ok(schema) => match compiler.add_resource(&url, schema) {
                        Ok(()) => urls.push((m.name.to_string(), url)),
                        Err(e) => tracing::warn!(api, model = %m.name, "model not usable: {e}"),
                    },
                    Err(e) => tracing::warn!(api, model = %m.name, "model schema is not JSON: {e}"),
                }
            }
            let mut schemas = boon::Schemas::new();
            let mut by_name = HashMap::new();
            for (name, url) in urls {
                match compiler.compile(&url, &mut schemas) {
                    Ok(index) => {
                        by_name.insert(name, index);
                    }
                    Err(e) => {
                        tracing::warn!(api, model = %name, "model is not a valid JSON Schema draft 4 document; bodies it is chosen for are not checked: {e}")
                    }
                }
            }
            apis.insert(api.to_owned(), CompiledModels { schemas: Arc::new(schemas), by_name });
        }
        Validators { apis }
    }

    /// The validator of `route`, when a request validator applies to it and checks something.
    pub(crate) fn for_route(&self, route: &Route) -> Option<RouteValidator> {
        let v = route.validation.as_ref()?;
        let parameters: Vec<(ParameterLocation, Box<str>)> = if v.validate_parameters {
            let mut ps: Vec<(ParameterLocation, Box<str>)> = v
                .required_parameters
                .iter()
                .map(|p| {
                    let name = match p.location {
                        ParameterLocation::Header => p.name.to_ascii_lowercase(),
                        _ => p.name.to_string(),
                    };
                    (p.location, name.into_boxed_str())
                })
                .collect();
            // The missing-parameter list: headers, then path, then query string parameters (docs/fidelity.md).
            ps.sort_by_key(|(l, _)| order(*l));
            ps.dedup();
            ps
        } else {
            Vec::new()
        };
        let body = match (v.validate_body, self.apis.get(&*route.api)) {
            (true, Some(compiled)) if !v.body_models.is_empty() => {
                let mut models = Vec::new();
                let mut default = None;
                for m in v.body_models.iter() {
                    let Some(index) = compiled.by_name.get(&*m.model).copied() else {
                        tracing::warn!(route = %route.path, model = %m.model, "route names a model its API does not have; not checked");
                        continue;
                    };
                    if m.content_type == "$default" {
                        default = Some(index);
                    } else {
                        models.push((m.content_type.to_ascii_lowercase().into_boxed_str(), index));
                    }
                }
                Some(BodyValidator { schemas: compiled.schemas.clone(), models, default })
            }
            _ => None,
        };
        (!parameters.is_empty() || body.is_some()).then_some(RouteValidator { parameters, body })
    }
}

impl std::fmt::Debug for Validators {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Validators").field("apis", &self.apis.keys().collect::<Vec<_>>()).finish()
    }
}

fn order(l: ParameterLocation) -> u8 {
    match l {
        ParameterLocation::Header => 0,
        ParameterLocation::Path => 1,
        ParameterLocation::Query => 2,
    }
}

/// No schema outside the API's own models is ever loaded (no files, no network).
struct NoLoader;

impl boon::UrlLoader for NoLoader {
    fn load(&self, url: &str) -> Result<Value, Box<dyn std::error::Error>> {
        Err(format!("`{url}` is not a model of this API").into())
    }
}

/// The parts of a request validation reads.
pub(crate) struct ValidatedRequest<'a> {
    /// The request headers.
    pub(crate) headers: &'a HeaderMap,
    /// The raw query string (`a=1&b=2`).
    pub(crate) raw_query: &'a str,
    /// The matched path parameters.
    pub(crate) path_params: &'a [(&'a str, String)],
    /// The body, as read.
    pub(crate) body: &'a [u8],
}

impl RouteValidator {
    /// Parameters first, then the body, as API Gateway does; the first failure is the answer.
    pub(crate) fn check(&self, req: &ValidatedRequest<'_>) -> Result<(), GatewayError> {
        self.check_parameters(req)?;
        match &self.body {
            Some(b) => b.check(req.headers, req.body),
            None => Ok(()),
        }
    }

    fn check_parameters(&self, req: &ValidatedRequest<'_>) -> Result<(), GatewayError> {
        if self.parameters.is_empty() {
            return Ok(());
        }
        let mut query: Option<Vec<(String, String)>> = None;
        let mut missing: Vec<&str> = Vec::new();
        for (location, name) in &self.parameters {
            let present = match location {
                ParameterLocation::Header => req.headers.get_all(&**name).iter().any(|v| !is_blank(v.as_bytes())),
                ParameterLocation::Path => {
                    req.path_params.iter().any(|(n, v)| *n == &**name && !is_blank(v.as_bytes()))
                }
                ParameterLocation::Query => {
                    let q = query.get_or_insert_with(|| {
                        form_urlencoded::parse(req.raw_query.as_bytes())
                            .map(|(k, v)| (k.into_owned(), v.into_owned()))
                            .collect()
                    });
                    q.iter().any(|(k, v)| k == &**name && !is_blank(v.as_bytes()))
                }
            };
            if !present {
                missing.push(name);
            }
        }
        if missing.is_empty() {
            return Ok(());
        }
        let mut text = String::from("Missing required request parameters: [");
        for (i, m) in missing.iter().enumerate() {
            if i > 0 {
                text.push_str(", ");
            }
            text.push_str(m);
        }
        text.push(']');
        Err(GatewayError::BadRequestParameters { validation_error: text })
    }
}

/// "Not blank": something other than whitespace.
fn is_blank(v: &[u8]) -> bool {
    v.iter().all(u8::is_ascii_whitespace)
}

impl BodyValidator {
    fn check(&self, headers: &HeaderMap, body: &[u8]) -> Result<(), GatewayError> {
        let Some(index) = self.model_for(headers) else { return Ok(()) };
        let value: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return Err(invalid_body(format!("[Invalid JSON: {e}]"))),
        };
        if !self.schemas.contains(index) {
            return Ok(());
        }
        match self.schemas.validate(&value, index) {
            Ok(()) => Ok(()),
            Err(e) => {
                let mut messages = Vec::new();
                leaf_messages(&e, &mut messages, 0);
                Err(invalid_body(format!("[{}]", messages.join(", "))))
            }
        }
    }

    /// The model for the request's media type (no `Content-Type`: `application/json`), else `$default`.
    fn model_for(&self, headers: &HeaderMap) -> Option<boon::SchemaIndex> {
        let media = headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .filter(|v| !v.is_empty());
        let media = media.as_deref().unwrap_or(DEFAULT_MEDIA_TYPE);
        self.models.iter().find(|(ct, _)| &**ct == media).map(|(_, i)| *i).or(self.default)
    }
}

fn invalid_body(validation_error: String) -> GatewayError {
    GatewayError::BadRequestBody { validation_error }
}

/// Bounds the messages gathered from one failed validation (a hostile body can fail on every item of an array).
const MAX_MESSAGES: usize = 10;
const MAX_DEPTH: usize = 64;

/// The leaf errors of a validation failure, worded as API Gateway's validator words the ones it is seen to
/// report (`object has missing required properties (["a"])`, `ECMA 262 regex ... does not match ...`).
fn leaf_messages(e: &boon::ValidationError<'_, '_>, out: &mut Vec<String>, depth: usize) {
    if out.len() >= MAX_MESSAGES {
        return;
    }
    if e.causes.is_empty() || depth >= MAX_DEPTH {
        out.push(message(e));
        return;
    }
    for c in &e.causes {
        leaf_messages(c, out, depth + 1);
    }
}

fn message(e: &boon::ValidationError<'_, '_>) -> String {
    use boon::ErrorKind;
    match &e.kind {
        ErrorKind::Required { want } => {
            let names: Vec<String> = want.iter().map(|w| Value::String((*w).to_owned()).to_string()).collect();
            format!("object has missing required properties ([{}])", names.join(","))
        }
        ErrorKind::Pattern { got, want } => {
            format!("ECMA 262 regex {} does not match input string {}", quoted(want), quoted(got))
        }
        ErrorKind::Type { got, want } => {
            let mut allowed = String::new();
            for (i, t) in want.iter().enumerate() {
                if i > 0 {
                    allowed.push(',');
                }
                let _ = write!(allowed, "\"{t}\"");
            }
            format!("instance type ({got}) does not match any allowed primitive type (allowed: [{allowed}])")
        }
        _ => {
            let at = e.instance_location.to_string();
            let kind = e.kind.to_string();
            if at.is_empty() { kind } else { format!("{kind} at {at}") }
        }
    }
}

fn quoted(s: &str) -> String {
    Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use emu_template::{Api, ApiKind, BodyModel, Method, PayloadVersion, RequestParameter, RequestValidation};

    fn model(required: &[(ParameterLocation, &str)], models: &[(&str, &str)], schemas: &[(&str, &str)]) -> Model {
        let mut r = Route::new(Method::Post, "/dogs/{id}", "Api", "F", PayloadVersion::V1);
        r.validation = Some(RequestValidation {
            validator: "all".into(),
            validate_body: true,
            validate_parameters: true,
            required_parameters: required
                .iter()
                .map(|(l, n)| RequestParameter { location: *l, name: n.to_string().into() })
                .collect::<Vec<_>>()
                .into(),
            body_models: models
                .iter()
                .map(|(ct, m)| BodyModel { content_type: ct.to_string().into(), model: m.to_string().into() })
                .collect::<Vec<_>>()
                .into(),
        });
        let mut m = Model::from_routes(vec![Api::new("Api", ApiKind::Rest)], vec![r]);
        m.request_models = schemas
            .iter()
            .map(|(name, schema)| RequestModel {
                api: "Api".into(),
                name: name.to_string().into(),
                schema: schema.to_string().into(),
                location: Default::default(),
            })
            .collect::<Vec<_>>()
            .into();
        m
    }

    fn validator(m: &Model) -> RouteValidator {
        Validators::compile(m).for_route(&m.routes[0]).expect("a validator")
    }

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(http::HeaderName::from_bytes(k.as_bytes()).unwrap(), http::HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn check(v: &RouteValidator, h: &HeaderMap, query: &str, body: &[u8]) -> Result<(), GatewayError> {
        let params = [("id", "7".to_owned())];
        v.check(&ValidatedRequest { headers: h, raw_query: query, path_params: &params, body })
    }

    const DOG: &str = r#"{"type":"object","required":["name"],"properties":{"name":{"type":"string","pattern":"^[a-z]+$"},"age":{"type":"integer"}}}"#;

    fn err(r: Result<(), GatewayError>) -> String {
        match r {
            Err(
                GatewayError::BadRequestParameters { validation_error }
                | GatewayError::BadRequestBody { validation_error },
            ) => validation_error,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn missing_and_blank_parameters_are_listed_headers_then_path_then_query() {
        let m = model(
            &[(ParameterLocation::Query, "q"), (ParameterLocation::Header, "X-Key"), (ParameterLocation::Path, "id")],
            &[],
            &[],
        );
        let v = validator(&m);
        assert_eq!(err(check(&v, &headers(&[]), "", b"")), "Missing required request parameters: [x-key, q]");
        assert_eq!(
            err(check(&v, &headers(&[("x-key", "  ")]), "q=", b"")),
            "Missing required request parameters: [x-key, q]"
        );
        assert!(check(&v, &headers(&[("X-Key", "k")]), "q=%20a", b"").is_ok());
        assert!(check(&v, &headers(&[("x-key", "k")]), "other=1&q=1", b"").is_ok());
    }

    #[test]
    fn body_model_chosen_by_content_type_then_default() {
        let m = model(
            &[],
            &[("application/json", "Dog"), ("$default", "Any")],
            &[("Dog", DOG), ("Any", r#"{"type":"array"}"#)],
        );
        let v = validator(&m);
        let json = headers(&[("content-type", "Application/JSON; charset=utf-8")]);
        assert!(check(&v, &json, "", br#"{"name":"rex"}"#).is_ok());
        assert_eq!(
            err(check(&v, &json, "", br#"{"age":1}"#)),
            r#"[object has missing required properties (["name"])]"#
        );
        assert_eq!(
            err(check(&v, &json, "", br#"{"name":"Rex"}"#)),
            r#"[ECMA 262 regex "^[a-z]+$" does not match input string "Rex"]"#
        );
        assert!(err(check(&v, &json, "", br#"{"name":"rex","age":"old"}"#)).contains("instance type (string)"));
        // No Content-Type: application/json is assumed; an empty body is not JSON.
        assert!(err(check(&v, &headers(&[]), "", b"")).starts_with("[Invalid JSON"));
        // Another media type: the `$default` model.
        let text = headers(&[("content-type", "text/plain")]);
        assert!(check(&v, &text, "", b"[1]").is_ok());
        assert!(check(&v, &text, "", b"{}").is_err());
    }

    #[test]
    fn a_media_type_without_a_model_and_no_default_is_not_checked() {
        let m = model(&[], &[("application/json", "Dog")], &[("Dog", DOG)]);
        let v = validator(&m);
        assert!(check(&v, &headers(&[("content-type", "text/plain")]), "", b"not json").is_ok());
    }

    #[test]
    fn models_refer_to_each_other_by_url() {
        let owner_url = RequestModel::url("Api", "Owner");
        let dog = format!(r#"{{"type":"object","properties":{{"owner":{{"$ref":"{owner_url}"}}}}}}"#);
        let m = model(
            &[],
            &[("application/json", "Dog")],
            &[("Dog", &dog), ("Owner", r#"{"type":"object","required":["id"]}"#)],
        );
        let v = validator(&m);
        let json = headers(&[("content-type", "application/json")]);
        assert!(check(&v, &json, "", br#"{"owner":{"id":1}}"#).is_ok());
        assert!(check(&v, &json, "", br#"{"owner":{}}"#).is_err());
    }

    #[test]
    fn hostile_bodies_are_rejected_without_panicking() {
        let m = model(
            &[],
            &[("$default", "Tree")],
            &[("Tree", r##"{"type":"object","additionalProperties":{"$ref":"#"},"items":{"$ref":"#"}}"##)],
        );
        let v = validator(&m);
        let h = headers(&[]);
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(check(&v, &h, "", deep.as_bytes()).is_err());
        let deep_objects = format!("{}1{}", r#"{"a":"#.repeat(5000), "}".repeat(5000));
        assert!(check(&v, &h, "", deep_objects.as_bytes()).is_err());
        assert!(check(&v, &h, "", b"{\"n\": 1e999999}").is_err());
        assert!(check(&v, &h, "", &[0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]).is_err());
        let wide = format!("[{}1]", "{},".repeat(50_000));
        assert!(check(&v, &h, "", wide.as_bytes()).is_err(), "an array is not an object");
        let many = format!("{{{}\"z\":1}}", (0..20_000).map(|i| format!("\"k{i}\":[],")).collect::<String>());
        let e = err(check(&v, &h, "", many.as_bytes()));
        assert!(e.matches(", ").count() < MAX_MESSAGES, "{e}");
    }

    #[test]
    fn no_validator_when_nothing_is_checked() {
        let mut m = model(&[(ParameterLocation::Query, "q")], &[], &[]);
        if let Some(v) = m.routes.to_mut()[0].validation.as_mut() {
            v.validate_parameters = false;
        }
        assert!(Validators::compile(&m).for_route(&m.routes[0]).is_none());
    }
}
