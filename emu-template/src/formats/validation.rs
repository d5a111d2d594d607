//! Request validation of REST routes, from every template form: validators, required parameters and models.
//! The readers call in here; [`check`] compiles every model as JSON Schema draft 4 (`boon`) when the read ends.

use std::collections::BTreeMap;

use serde_json::Value as Json;

use crate::context::Reader;
use crate::intrinsics::json_text;
use crate::model::{
    ApiKind, BodyModel, Location, MODEL_URL_PREFIX, Method, ParameterLocation, RequestModel, RequestParameter,
    RequestValidation,
};
use crate::problem::ProblemKind;
use crate::yaml::Node;

/// The media type a model applies to when a form names none (SAM's `RequestModel`, Swagger 2 without `consumes`).
const JSON_MEDIA_TYPE: &str = "application/json";

/// What the readers found about validation so far.
#[derive(Default)]
pub(crate) struct ValidationState {
    /// Every model read, before `check` rewrites its references and compiles it.
    models: Vec<PendingModel>,
    /// Every model a route names: (API, name, who names it, where), checked once all models are known.
    uses: Vec<(String, String, String, Location)>,
    /// Provider-level Serverless schemas (`provider.apiGateway.request.schemas`), by id.
    pub(crate) serverless_schemas: BTreeMap<String, Json>,
    /// The models `check` accepted, for the model.
    pub(crate) accepted: Vec<RequestModel>,
}

struct PendingModel {
    api: String,
    name: String,
    /// The CloudFormation logical id, when it differs from the name (`!Ref PetModel` gives the logical id).
    logical_id: Option<String>,
    schema: Json,
    /// `#/definitions/X` and `#/components/schemas/X` are other models (OpenAPI documents).
    openapi: bool,
    location: Location,
}

impl ValidationState {
    fn add_model(&mut self, model: PendingModel) {
        if !self.models.iter().any(|m| m.api == model.api && m.name == model.name) {
            self.models.push(model);
        }
    }

    /// The name of the model `name` designates on `api`: a name, or a CloudFormation logical id.
    fn model_name(&self, api: &str, name: &str) -> String {
        let on_api = || self.models.iter().filter(|m| m.api == api);
        on_api()
            .find(|m| m.name == name)
            .or_else(|| on_api().find(|m| m.logical_id.as_deref() == Some(name)))
            .map_or_else(|| name.to_string(), |m| m.name.clone())
    }
}

/// A validator's two switches.
#[derive(Clone, Copy, Default)]
struct Switches {
    body: bool,
    parameters: bool,
}

fn validation(
    name: String,
    on: Switches,
    required: Vec<RequestParameter>,
    models: Vec<BodyModel>,
) -> RequestValidation {
    RequestValidation {
        validator: name.into(),
        validate_body: on.body,
        validate_parameters: on.parameters,
        required_parameters: required.into(),
        body_models: models.into(),
    }
}

/// A boolean property: `true`/`false`, or the strings CloudFormation accepts for them.
fn boolean(reader: &mut Reader<'_>, v: Option<&Json>, what: &str, at: Location) -> Option<bool> {
    match v? {
        Json::Bool(b) => Some(*b),
        Json::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Json::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => {
            reader.diags.invalid(at, what.to_string(), "true or false");
            None
        }
    }
}

/// A schema given as an object, or as JSON text (CloudFormation's `Schema` and Serverless's string form).
fn schema_value(reader: &mut Reader<'_>, v: &Json, model: &str, at: Location) -> Option<Json> {
    match v {
        Json::Object(_) => Some(v.clone()),
        Json::String(text) => match serde_json::from_str::<Json>(text) {
            Ok(j @ Json::Object(_)) => Some(j),
            Ok(_) => {
                reader.diags.problem(
                    at,
                    ProblemKind::InvalidSchema {
                        model: model.to_string(),
                        reason: "the schema is not a JSON object".into(),
                    },
                );
                None
            }
            Err(e) => {
                reader.diags.problem(
                    at,
                    ProblemKind::InvalidSchema { model: model.to_string(), reason: format!("not JSON: {e}") },
                );
                None
            }
        },
        _ => {
            reader.diags.problem(
                at,
                ProblemKind::InvalidSchema {
                    model: model.to_string(),
                    reason: "the schema is not a JSON object".into(),
                },
            );
            None
        }
    }
}

/// `method.request.{path,querystring,header}.NAME` as a parameter.
fn parse_parameter(text: &str) -> Option<RequestParameter> {
    let rest = text.trim().strip_prefix("method.request.")?;
    let (location, name) = rest.split_once('.')?;
    let location = match location {
        "path" => ParameterLocation::Path,
        "querystring" => ParameterLocation::Query,
        "header" => ParameterLocation::Header,
        _ => return None,
    };
    (!name.is_empty()).then(|| RequestParameter { location, name: name.to_string().into() })
}

const PARAMETER_FORM: &str =
    "`method.request.path.NAME`, `method.request.querystring.NAME` or `method.request.header.NAME`";

/// HTTP APIs have no request validation: a validation construct on one is reported and ignored.
fn http_api_warning(reader: &mut Reader<'_>, api: &str, construct: &str, at: Location) {
    reader.diags.warn(
        at,
        format!("{construct} on HTTP API {api}: HTTP APIs have no request validation (a REST API feature); ignored"),
    );
}

// --- OpenAPI -------------------------------------------------------------------------------------------------

/// The document-level validation settings of an OpenAPI / Swagger definition.
pub(crate) struct OpenApiValidation {
    validators: BTreeMap<String, Switches>,
    default: Option<(String, Location)>,
    /// Swagger 2 `consumes` of the document.
    consumes: Vec<String>,
    /// `#/parameters` (Swagger 2) and `#/components/parameters` (OpenAPI 3), for `$ref`s.
    parameters: serde_json::Map<String, Json>,
    rest: bool,
}

impl OpenApiValidation {
    /// Reads `x-amazon-apigateway-request-validators`, the document's default validator, and the models
    /// (`definitions`, `components.schemas`) of `api`.
    pub(crate) fn read(reader: &mut Reader<'_>, api: &str, kind: ApiKind, doc: Node<'_>) -> OpenApiValidation {
        let mut out = OpenApiValidation {
            validators: BTreeMap::new(),
            default: None,
            consumes: Vec::new(),
            parameters: serde_json::Map::new(),
            rest: kind == ApiKind::Rest,
        };
        let validators = doc.get("x-amazon-apigateway-request-validators");
        let default = doc.get("x-amazon-apigateway-request-validator");
        if kind == ApiKind::Http {
            for n in [validators, default].into_iter().flatten() {
                http_api_warning(reader, api, "`x-amazon-apigateway-request-validator(s)`", n.location());
            }
            return out;
        }
        if let Some(v) = validators {
            if !v.is_mapping() {
                reader.diags.invalid(
                    v.location(),
                    format!("x-amazon-apigateway-request-validators of API {api}"),
                    "a mapping of validator names to {validateRequestBody, validateRequestParameters}",
                );
            }
            for (name, node) in v.entries() {
                let value = reader.resolver.resolve(node, &mut reader.diags).unwrap_or(Json::Null);
                let what = |k: &str| format!("{k} of request validator {name} of API {api}");
                let body =
                    boolean(reader, value.get("validateRequestBody"), &what("validateRequestBody"), node.location());
                let parameters = boolean(
                    reader,
                    value.get("validateRequestParameters"),
                    &what("validateRequestParameters"),
                    node.location(),
                );
                let on = Switches { body: body.unwrap_or(false), parameters: parameters.unwrap_or(false) };
                out.validators.insert(name, on);
            }
        }
        if let Some(d) = default {
            match d.scalar_text() {
                Some(name) => out.default = Some((name, d.location())),
                None => reader.diags.invalid(
                    d.location(),
                    format!("x-amazon-apigateway-request-validator of API {api}"),
                    "a validator name",
                ),
            }
        }
        out.consumes = string_list(reader, doc.get("consumes"));
        for (key, container) in [("definitions", doc.get("definitions")), ("components", doc.get("components"))] {
            let Some(container) = container else { continue };
            let schemas = if key == "components" { container.get("schemas") } else { Some(container) };
            for (name, node) in schemas.map(|s| s.entries()).unwrap_or_default() {
                let Some(schema) = reader.resolver.resolve(node, &mut reader.diags) else { continue };
                let model = format!("model {name} of API {api}");
                let Some(schema) = schema_value(reader, &schema, &model, node.location()) else { continue };
                let location = node.location();
                let m = PendingModel { api: api.to_string(), name, logical_id: None, schema, openapi: true, location };
                reader.validation.add_model(m);
            }
        }
        let params = doc.get("parameters").or_else(|| doc.get("components").and_then(|c| c.get("parameters")));
        if let Some(Json::Object(map)) = params.and_then(|p| reader.resolver.resolve(p, &mut reader.diags)) {
            out.parameters = map;
        }
        out
    }

    /// The validation of one operation: its validator (its own, else the document's), its required parameters
    /// (the path item's and its own) and its body models.
    pub(crate) fn operation(
        &self,
        reader: &mut Reader<'_>,
        api: &str,
        route: (Method, &str),
        item: Node<'_>,
        op: Node<'_>,
    ) -> Option<RequestValidation> {
        let own = op.get("x-amazon-apigateway-request-validator");
        if !self.rest {
            if let Some(n) = own {
                http_api_warning(reader, api, "`x-amazon-apigateway-request-validator`", n.location());
            }
            return None;
        }
        let owner = format!("{} {} of API {api}", route.0.as_str(), route.1);
        let chosen = match own {
            Some(n) => match n.scalar_text() {
                Some(t) => Some((t, n.location())),
                None => {
                    reader.diags.invalid(
                        n.location(),
                        format!("x-amazon-apigateway-request-validator of {owner}"),
                        "a validator name",
                    );
                    return None;
                }
            },
            None => self.default.clone(),
        };
        let (name, at) = chosen?;
        let Some(on) = self.validators.get(&name).copied() else {
            reader.diags.problem(at, ProblemKind::UnknownValidator { owner, name, api: api.to_string() });
            return None;
        };
        let mut required = Vec::new();
        let mut models = Vec::new();
        for list in [item.get("parameters"), op.get("parameters")].into_iter().flatten() {
            for p in list.items() {
                let Some(value) = reader.resolver.resolve(p, &mut reader.diags) else { continue };
                let value = self.dereference_parameter(value);
                self.parameter(reader, api, &owner, &value, op, p.location(), &mut required, &mut models);
            }
        }
        if let Some(body) = op.get("requestBody")
            && let Some(body) = reader.resolver.resolve(body, &mut reader.diags)
        {
            match body.get("content") {
                Some(Json::Object(content)) => {
                    for (ct, media) in content {
                        if let Some(schema) = media.get("schema") {
                            self.body_model(reader, api, &owner, ct, schema, op.location(), &mut models);
                        }
                    }
                }
                _ if body.get("$ref").is_some() => reader.diags.warn(
                    op.location(),
                    format!("{owner}: a `requestBody` given by `$ref` is not read; its body is not validated"),
                ),
                _ => {}
            }
        }
        Some(validation(name, on, required, models))
    }

    /// A parameter given as `{"$ref": "#/parameters/X"}` (or `#/components/parameters/X`): the one it names.
    fn dereference_parameter(&self, value: Json) -> Json {
        let target = value
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix("#/parameters/").or_else(|| r.strip_prefix("#/components/parameters/")));
        match target.and_then(|t| self.parameters.get(t)) {
            Some(p) => p.clone(),
            None => value,
        }
    }

    #[expect(clippy::too_many_arguments, reason = "one parameter's context; a struct would only rename them")]
    fn parameter(
        &self,
        reader: &mut Reader<'_>,
        api: &str,
        owner: &str,
        p: &Json,
        op: Node<'_>,
        at: Location,
        required: &mut Vec<RequestParameter>,
        models: &mut Vec<BodyModel>,
    ) {
        let name = p.get("name").and_then(json_text);
        let place = p.get("in").and_then(json_text);
        let (Some(name), Some(place)) = (name, place) else {
            reader.diags.invalid(
                at,
                format!("a parameter of {owner}"),
                "a parameter object with `name` and `in` (or a `$ref` to one under `parameters`)",
            );
            return;
        };
        let is_required = match p.get("required") {
            None => place == "path",
            Some(v) => match boolean(reader, Some(v), &format!("`required` of parameter {name} of {owner}"), at) {
                Some(b) => b,
                None => return,
            },
        };
        let location = match place.as_str() {
            "path" => ParameterLocation::Path,
            "query" => ParameterLocation::Query,
            "header" => ParameterLocation::Header,
            "body" => {
                if let Some(schema) = p.get("schema") {
                    let consumes = string_list(reader, op.get("consumes"));
                    let consumes = if consumes.is_empty() { self.consumes.clone() } else { consumes };
                    let types = if consumes.is_empty() { vec![JSON_MEDIA_TYPE.to_string()] } else { consumes };
                    for ct in types {
                        self.body_model(reader, api, owner, &ct, schema, at, models);
                    }
                }
                return;
            }
            other => {
                if is_required {
                    reader.diags.warn(
                        at,
                        format!("{owner}: required `{other}` parameter {name} is not validated (API Gateway validates path, query string and header parameters)"),
                    );
                }
                return;
            }
        };
        if is_required && !required.iter().any(|r: &RequestParameter| r.location == location && r.name == name) {
            required.push(RequestParameter { location, name: name.into() });
        }
    }

    #[expect(clippy::too_many_arguments, reason = "one body schema's context")]
    fn body_model(
        &self,
        reader: &mut Reader<'_>,
        api: &str,
        owner: &str,
        content_type: &str,
        schema: &Json,
        at: Location,
        models: &mut Vec<BodyModel>,
    ) {
        let reference = schema.as_object().filter(|o| o.len() == 1).and_then(|o| o.get("$ref")).and_then(Json::as_str);
        let name = match reference.and_then(openapi_model_ref) {
            Some((name, "")) => name.to_string(),
            _ => {
                // An inline schema: API Gateway's import makes a model of it; so do we, named after the route.
                let name = format!("{owner} {content_type}");
                let model = format!("the `{content_type}` body schema of {owner}");
                let Some(schema) = schema_value(reader, schema, &model, at) else { return };
                let m = PendingModel {
                    api: api.to_string(),
                    name: name.clone(),
                    logical_id: None,
                    schema,
                    openapi: true,
                    location: at,
                };
                reader.validation.add_model(m);
                name
            }
        };
        reader.validation.uses.push((api.to_string(), name.clone(), owner.to_string(), at));
        models.push(BodyModel { content_type: content_type.to_string().into(), model: name.into() });
    }
}

fn string_list(reader: &mut Reader<'_>, n: Option<Node<'_>>) -> Vec<String> {
    match n.and_then(|n| reader.resolver.resolve(n, &mut reader.diags)) {
        Some(Json::Array(items)) => items.iter().filter_map(json_text).collect(),
        Some(Json::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

/// `#/definitions/X[/rest]` or `#/components/schemas/X[/rest]`: (X, rest).
fn openapi_model_ref(r: &str) -> Option<(&str, &str)> {
    let rest = r.strip_prefix("#/definitions/").or_else(|| r.strip_prefix("#/components/schemas/"))?;
    Some(match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    })
}

// --- SAM -----------------------------------------------------------------------------------------------------

/// Reads the `Models` of an `AWS::Serverless::Api` (or `Globals.Api`, for the implicit API).
pub(crate) fn read_sam_models(reader: &mut Reader<'_>, api: &str, kind: ApiKind, models: &Json, at: Location) {
    if kind == ApiKind::Http {
        http_api_warning(reader, api, "`Models`", at);
        return;
    }
    let Json::Object(map) = models else {
        reader.diags.invalid(at, format!("Models of API {api}"), "a mapping of model names to JSON schemas");
        return;
    };
    for (name, schema) in map {
        let model = format!("model {name} of API {api}");
        let Some(schema) = schema_value(reader, schema, &model, at) else { continue };
        let m = PendingModel {
            api: api.to_string(),
            name: name.clone(),
            logical_id: None,
            schema,
            openapi: true,
            location: at,
        };
        reader.validation.add_model(m);
    }
}

/// The validation of a SAM `Api` event: `RequestModel` {Model, Required, ValidateBody, ValidateParameters} and
/// `RequestParameters` (strings, or `{Required, Caching}` mappings).
pub(crate) fn sam_event(
    reader: &mut Reader<'_>,
    api: &str,
    owner: &str,
    p: Option<Node<'_>>,
) -> Option<RequestValidation> {
    let p = p?;
    let model_node = p.get("RequestModel");
    let params_node = p.get("RequestParameters");
    let mut required = Vec::new();
    if let Some(n) = params_node {
        let at = n.location();
        let value = reader.resolver.resolve(n, &mut reader.diags).unwrap_or(Json::Null);
        let what = format!("RequestParameters of {owner}");
        let Json::Array(items) = value else {
            reader.diags.invalid(at, what, format!("a list of {PARAMETER_FORM} strings or mappings"));
            return None;
        };
        for item in items {
            let (text, settings) = match &item {
                Json::String(s) => (s.clone(), None),
                Json::Object(m) if m.len() == 1 => match m.iter().next() {
                    Some((k, v)) => (k.clone(), Some(v.clone())),
                    None => continue,
                },
                _ => {
                    reader.diags.invalid(
                        at,
                        what.clone(),
                        format!(
                            "each item a {PARAMETER_FORM} string, or a one-key mapping of one to {{Required, Caching}}"
                        ),
                    );
                    continue;
                }
            };
            let Some(param) = parse_parameter(&text).filter(|p| p.location != ParameterLocation::Path) else {
                reader.diags.invalid(
                    at,
                    format!("request parameter `{text}` of {owner}"),
                    "`method.request.header.NAME` or `method.request.querystring.NAME`",
                );
                continue;
            };
            let mut is_required = false;
            if let Some(settings) = settings {
                let Json::Object(s) = &settings else {
                    reader.diags.invalid(
                        at,
                        format!("request parameter `{text}` of {owner}"),
                        "a mapping with `Required` and/or `Caching`",
                    );
                    continue;
                };
                is_required = boolean(reader, s.get("Required"), &format!("Required of `{text}` of {owner}"), at)
                    .unwrap_or(false);
                if boolean(reader, s.get("Caching"), &format!("Caching of `{text}` of {owner}"), at) == Some(true) {
                    reader.diags.warn(
                        at,
                        format!("{owner}: `Caching` of `{text}` makes it a cache key of the stage cache, which is not emulated (no caching); ignored"),
                    );
                }
                for k in s.keys().filter(|k| *k != "Required" && *k != "Caching") {
                    reader.diags.warn(
                        at,
                        format!("{owner}: `{k}` of request parameter `{text}` is not a SAM setting; ignored"),
                    );
                }
            }
            if is_required {
                required.push(param);
            }
        }
    }
    let Some(n) = model_node else {
        // SAM attaches a validator only through RequestModel's ValidateBody / ValidateParameters.
        return None;
    };
    let at = n.location();
    let value = reader.resolver.resolve(n, &mut reader.diags).unwrap_or(Json::Null);
    let Json::Object(m) = &value else {
        reader.diags.invalid(
            at,
            format!("RequestModel of {owner}"),
            "a mapping with `Model` (and `Required`, `ValidateBody`, `ValidateParameters`)",
        );
        return None;
    };
    let Some(model) = m.get("Model").and_then(json_text) else {
        reader
            .diags
            .problem(at, ProblemKind::MissingProperty { owner: format!("RequestModel of {owner}"), property: "Model" });
        return None;
    };
    let what = |k: &str| format!("{k} of the RequestModel of {owner}");
    let _required_body = boolean(reader, m.get("Required"), &what("Required"), at);
    let body = boolean(reader, m.get("ValidateBody"), &what("ValidateBody"), at);
    let parameters = boolean(reader, m.get("ValidateParameters"), &what("ValidateParameters"), at);
    // SAM lower-cases model names when it writes them as definitions, so a model is found whatever its case.
    let name = reader
        .validation
        .models
        .iter()
        .find(|x| x.api == api && x.name.eq_ignore_ascii_case(&model))
        .map_or(model, |x| x.name.clone());
    reader.validation.uses.push((api.to_string(), name.clone(), owner.to_string(), at));
    let models = vec![BodyModel { content_type: JSON_MEDIA_TYPE.into(), model: name.into() }];
    if body.is_none() && parameters.is_none() {
        return None;
    }
    let on = Switches { body: body.unwrap_or(false), parameters: parameters.unwrap_or(false) };
    let validator = match (on.body, on.parameters) {
        (true, true) => "body-and-params",
        (true, false) => "body-only",
        (false, true) => "params-only",
        (false, false) => "no-validation",
    };
    Some(validation(validator.to_string(), on, required, models))
}

/// A `RequestModel` or `RequestParameters` on an HTTP API event: reported, since HTTP APIs do not validate.
pub(crate) fn sam_http_event(reader: &mut Reader<'_>, api: &str, p: Option<Node<'_>>) {
    for key in ["RequestModel", "RequestParameters"] {
        if let Some(n) = p.and_then(|p| p.get(key)) {
            http_api_warning(reader, api, &format!("`{key}`"), n.location());
        }
    }
}

// --- CloudFormation ------------------------------------------------------------------------------------------

/// Reads an `AWS::ApiGateway::Model` (pass 1).
pub(crate) fn read_cfn_model(reader: &mut Reader<'_>, id: &str, node: Node<'_>) {
    let at = node.location();
    let props = node.get("Properties");
    let get = |k: &str| props.and_then(|p| p.get(k));
    let owner = format!("model {id}");
    let Some(api) =
        get("RestApiId").and_then(|n| reader.resolver.resolve(n, &mut reader.diags)).and_then(|v| json_text(&v))
    else {
        reader.diags.problem(at, ProblemKind::MissingProperty { owner, property: "RestApiId" });
        return;
    };
    let name = get("Name").and_then(|n| reader.resolver.resolve(n, &mut reader.diags)).and_then(|v| json_text(&v));
    let Some(schema) = get("Schema").and_then(|n| reader.resolver.resolve(n, &mut reader.diags)) else {
        // A model without a schema validates nothing; API Gateway accepts it.
        reader.diags.warn(at, format!("{owner} has no Schema; a body it is chosen for is not checked"));
        return;
    };
    let schema_at = get("Schema").map_or(at, |n| n.location());
    let Some(schema) = schema_value(reader, &schema, &format!("model {id}"), schema_at) else { return };
    let name = name.unwrap_or_else(|| id.to_string());
    let logical_id = (name != id).then(|| id.to_string());
    reader.validation.add_model(PendingModel { api, name, logical_id, schema, openapi: false, location: schema_at });
}

/// The validation of an `AWS::ApiGateway::Method`: `RequestValidatorId`, `RequestParameters`, `RequestModels`.
pub(crate) fn cfn_method(
    reader: &mut Reader<'_>,
    api: &str,
    owner: &str,
    props: Option<Node<'_>>,
) -> Option<RequestValidation> {
    let props = props?;
    let validator_node = props.get("RequestValidatorId")?;
    let at = validator_node.location();
    let validator_id =
        reader.resolver.resolve(validator_node, &mut reader.diags).and_then(|v| json_text(&v)).unwrap_or_default();
    let found = reader
        .resources
        .iter()
        .find(|(rid, _, kind)| *rid == validator_id && kind == "AWS::ApiGateway::RequestValidator")
        .map(|(_, n, _)| *n);
    let Some(validator) = found else {
        reader.diags.problem(
            at,
            ProblemKind::UnknownValidator { owner: owner.to_string(), name: validator_id, api: api.to_string() },
        );
        return None;
    };
    let vprops =
        validator.get("Properties").and_then(|n| reader.resolver.resolve(n, &mut reader.diags)).unwrap_or(Json::Null);
    let vat = validator.location();
    let what = |k: &str| format!("{k} of request validator {validator_id}");
    let on = Switches {
        body: boolean(reader, vprops.get("ValidateRequestBody"), &what("ValidateRequestBody"), vat).unwrap_or(false),
        parameters: boolean(reader, vprops.get("ValidateRequestParameters"), &what("ValidateRequestParameters"), vat)
            .unwrap_or(false),
    };
    let validator_api = vprops.get("RestApiId").and_then(json_text);
    if validator_api.as_deref().is_some_and(|a| a != api) {
        reader.diags.problem(
            at,
            ProblemKind::UnknownValidator {
                owner: owner.to_string(),
                name: validator_id.clone(),
                api: api.to_string(),
            },
        );
        return None;
    }
    let name = vprops.get("Name").and_then(json_text).unwrap_or_else(|| validator_id.clone());
    let mut required = Vec::new();
    if let Some(n) = props.get("RequestParameters") {
        let pat = n.location();
        match reader.resolver.resolve(n, &mut reader.diags) {
            Some(Json::Object(map)) => {
                for (key, v) in map {
                    let Some(param) = parse_parameter(&key) else {
                        reader.diags.invalid(pat, format!("request parameter `{key}` of {owner}"), PARAMETER_FORM);
                        continue;
                    };
                    if boolean(reader, Some(&v), &format!("request parameter `{key}` of {owner}"), pat) == Some(true) {
                        required.push(param);
                    }
                }
            }
            None | Some(Json::Null) => {}
            Some(_) => reader.diags.invalid(
                pat,
                format!("RequestParameters of {owner}"),
                format!("a mapping of {PARAMETER_FORM} to true (required) or false"),
            ),
        }
    }
    let mut models = Vec::new();
    if let Some(n) = props.get("RequestModels") {
        let mat = n.location();
        match reader.resolver.resolve(n, &mut reader.diags) {
            Some(Json::Object(map)) => {
                for (ct, v) in map {
                    let Some(model) = json_text(&v) else {
                        reader.diags.invalid(
                            mat,
                            format!("RequestModels `{ct}` of {owner}"),
                            "a model name or `!Ref` to an AWS::ApiGateway::Model",
                        );
                        continue;
                    };
                    let model = reader.validation.model_name(api, &model);
                    reader.validation.uses.push((api.to_string(), model.clone(), owner.to_string(), mat));
                    models.push(BodyModel { content_type: ct.into(), model: model.into() });
                }
            }
            None | Some(Json::Null) => {}
            Some(_) => reader.diags.invalid(
                mat,
                format!("RequestModels of {owner}"),
                "a mapping of content types to model names",
            ),
        }
    }
    Some(validation(name, on, required, models))
}

// --- Serverless Framework ------------------------------------------------------------------------------------

/// The validation of a Serverless `http` event: `request.parameters` and `request.schemas`. The framework adds one
/// validator (body and parameters) to every method with a required parameter or a schema.
pub(crate) fn serverless_http(
    reader: &mut Reader<'_>,
    api: &str,
    owner: &str,
    request: Option<&Json>,
    at: Location,
) -> Option<RequestValidation> {
    let request = request?;
    let mut required = Vec::new();
    if let Some(params) = request.get("parameters") {
        let Json::Object(groups) = params else {
            reader.diags.invalid(
                at,
                format!("request.parameters of {owner}"),
                "a mapping with `querystrings`, `headers` and/or `paths`",
            );
            return None;
        };
        for (group, names) in groups {
            let location = match group.as_str() {
                "querystrings" => ParameterLocation::Query,
                "headers" => ParameterLocation::Header,
                "paths" => ParameterLocation::Path,
                other => {
                    reader.diags.invalid(
                        at,
                        format!("request.parameters.{other} of {owner}"),
                        "`querystrings`, `headers` or `paths`",
                    );
                    continue;
                }
            };
            let Json::Object(names) = names else {
                reader.diags.invalid(
                    at,
                    format!("request.parameters.{group} of {owner}"),
                    "a mapping of names to true/false or {required, mappedValue}",
                );
                continue;
            };
            for (name, v) in names {
                let what = format!("request.parameters.{group}.{name} of {owner}");
                let is_required = match v {
                    Json::Object(o) => match o.get("required") {
                        None => true,
                        Some(r) => boolean(reader, Some(r), &what, at).unwrap_or(false),
                    },
                    other => boolean(reader, Some(other), &what, at).unwrap_or(false),
                };
                if is_required {
                    required.push(RequestParameter { location, name: name.clone().into() });
                }
            }
        }
    }
    let mut models = Vec::new();
    if let Some(schemas) = request.get("schemas") {
        let Json::Object(map) = schemas else {
            reader.diags.invalid(at, format!("request.schemas of {owner}"), "a mapping of content types to schemas");
            return None;
        };
        for (ct, config) in map {
            let provider = json_text(config)
                .and_then(|id| reader.validation.serverless_schemas.get(&id).cloned().map(|s| (id, s)));
            let (name, definition) = match (provider, config) {
                (Some((id, s)), _) => {
                    let name = s.get("name").and_then(json_text).unwrap_or(id);
                    (name, s.get("schema").cloned().unwrap_or(s))
                }
                (None, Json::Object(o)) if o.contains_key("schema") => (
                    o.get("name").and_then(json_text).unwrap_or_else(|| format!("{owner} {ct}")),
                    o.get("schema").cloned().unwrap_or(Json::Null),
                ),
                (None, other) => (format!("{owner} {ct}"), other.clone()),
            };
            let model = format!("the `{ct}` schema of {owner}");
            let Some(schema) = schema_value(reader, &definition, &model, at) else { continue };
            let m = PendingModel {
                api: api.to_string(),
                name: name.clone(),
                logical_id: None,
                schema,
                openapi: false,
                location: at,
            };
            reader.validation.add_model(m);
            models.push(BodyModel { content_type: ct.clone().into(), model: name.into() });
        }
    }
    if required.is_empty() && models.is_empty() {
        return None;
    }
    let on = Switches { body: true, parameters: true };
    Some(validation("Validate request body and querystring parameters".into(), on, required, models))
}

// --- the check at the end of a read --------------------------------------------------------------------------

/// Rewrites every model's references to model URLs, compiles each API's models (a schema that is not valid
/// draft 4, or names an unknown model, is a problem at the model), and reports routes naming unknown models.
pub(crate) fn check(reader: &mut Reader<'_>) {
    let state = std::mem::take(&mut reader.validation);
    let aliases: Vec<(String, String, String)> = state
        .models
        .iter()
        .filter_map(|m| m.logical_id.as_ref().map(|l| (m.api.clone(), l.clone(), m.name.clone())))
        .collect();
    let mut accepted = Vec::new();
    let mut models: Vec<(PendingModel, String)> = state
        .models
        .into_iter()
        .map(|mut m| {
            let api = m.api.clone();
            let alias = |name: &str| {
                aliases.iter().find(|(a, l, _)| *a == api && l == name).map_or(name.to_string(), |(_, _, n)| n.clone())
            };
            rewrite_refs(&mut m.schema, &api, m.openapi, &alias, 0);
            let text = serde_json::to_string(&m.schema).unwrap_or_default();
            (m, text)
        })
        .collect();
    let mut apis: Vec<String> = models.iter().map(|(m, _)| m.api.clone()).collect();
    apis.dedup();
    for api in &apis {
        let of_api: Vec<&(PendingModel, String)> = models.iter().filter(|(m, _)| m.api == *api).collect();
        let resources: Vec<(String, Json)> =
            of_api.iter().map(|(m, _)| (RequestModel::url(&m.api, &m.name), m.schema.clone())).collect();
        for (m, _) in &of_api {
            if let Err(reason) = compile(&resources, &RequestModel::url(&m.api, &m.name)) {
                reader.diags.problem(
                    m.location,
                    ProblemKind::InvalidSchema { model: format!("model {} of API {}", m.name, m.api), reason },
                );
            }
        }
    }
    for (api, name, owner, at) in state.uses {
        if !models.iter().any(|(m, _)| m.api == api && m.name == name) {
            reader.diags.problem(at, ProblemKind::UnknownModel { owner, name, api });
        }
    }
    for (m, text) in models.drain(..) {
        accepted.push(RequestModel {
            api: m.api.into(),
            name: m.name.into(),
            schema: text.into(),
            location: m.location,
        });
    }
    reader.validation.accepted = accepted;
}

/// Compiles the schema at `url` among `resources` (every model of one API) as draft 4; references outside them
/// are refused, never fetched. The error's text is the reason a user sees.
pub(crate) fn compile(resources: &[(String, Json)], url: &str) -> Result<(), String> {
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.set_default_draft(boon::Draft::V4);
    compiler.use_loader(Box::new(NoLoader));
    for (u, schema) in resources {
        compiler.add_resource(u, schema.clone()).map_err(|e| e.to_string())?;
    }
    compiler.compile(url, &mut schemas).map(|_| ()).map_err(|e| error_chain(&e))
}

/// An error and its sources, joined: boon puts the useful part (which keyword, which reference) in the source.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// The schema loader: nothing outside the API's own models is loaded (no files, no network).
struct NoLoader;

impl boon::UrlLoader for NoLoader {
    fn load(&self, url: &str) -> Result<Json, Box<dyn std::error::Error>> {
        Err(format!("`{url}` is not a model of this API (only the API's own models can be referenced)").into())
    }
}

/// How deeply a schema may nest before its references are left as they are (a template is not that deep).
const MAX_SCHEMA_DEPTH: usize = 256;

/// Rewrites `$ref`s naming models (`#/definitions/X`, `#/components/schemas/X` in OpenAPI documents, and model
/// URLs of any API id) to the model URLs of `api`.
fn rewrite_refs(v: &mut Json, api: &str, openapi: bool, alias: &dyn Fn(&str) -> String, depth: usize) {
    if depth > MAX_SCHEMA_DEPTH {
        return;
    }
    match v {
        Json::Object(map) => {
            if let Some(Json::String(r)) = map.get_mut("$ref") {
                let target = if openapi {
                    openapi_model_ref(r).map(|(n, rest)| (n.to_string(), rest.to_string()))
                } else {
                    None
                };
                let target = target.or_else(|| {
                    let rest = r.strip_prefix(MODEL_URL_PREFIX)?;
                    let (_, after) = rest.split_once("/models/")?;
                    Some(match after.split_once('#') {
                        Some((n, frag)) => (n.to_string(), format!("#{frag}")),
                        None => (after.to_string(), String::new()),
                    })
                });
                if let Some((name, rest)) = target {
                    let rest = if rest.starts_with('/') { format!("#{rest}") } else { rest };
                    *r = format!("{}{rest}", RequestModel::url(api, &alias(&name)));
                }
            }
            for (_, child) in map.iter_mut() {
                rewrite_refs(child, api, openapi, alias, depth + 1);
            }
        }
        Json::Array(items) => {
            for child in items {
                rewrite_refs(child, api, openapi, alias, depth + 1);
            }
        }
        _ => {}
    }
}
