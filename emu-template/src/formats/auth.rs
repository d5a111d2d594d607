//! Access control as templates write it: SAM `Auth` blocks, CloudFormation authorizers and methods, OpenAPI
//! security schemes and API keys, read into [`Authorizer`]s, [`ApiKey`]s and each route's [`RouteAuth`].

use std::collections::HashMap;

use serde_json::Value as Json;

use crate::context::{Reader, function_name_in_uri};
use crate::intrinsics::json_text;
use crate::model::{
    ApiKey, ApiKind, Authorization, Authorizer, AuthorizerFunction, AuthorizerKind, IdentitySource, Location,
    PayloadVersion, RouteAuth, Str,
};
use crate::problem::ProblemKind;

/// REST authorizer result TTL when the template sets none (`authorizerResultTtlInSeconds`: "If this field is not
/// set, the default value is 300").
pub(crate) const DEFAULT_TTL_SECS: u32 = 300;
/// The longest TTL API Gateway accepts.
const MAX_TTL_SECS: u32 = 3600;

/// An API's access defaults, read from SAM's `Auth`, applied to its event routes once every API exists.
#[derive(Clone, Debug, Default)]
pub(crate) struct ApiAuth {
    /// `DefaultAuthorizer` (`AWS_IAM` included).
    pub(crate) default_authorizer: Option<String>,
    /// `ApiKeyRequired` for every method.
    pub(crate) api_key_required: bool,
    /// `AddDefaultAuthorizerToCorsPreflight` (SAM default true).
    pub(crate) add_to_preflight: bool,
    /// `AddApiKeyRequiredToCorsPreflight` (SAM default true).
    pub(crate) key_on_preflight: bool,
}

/// A SAM event's own `Auth`: each part overrides the API's default when present.
#[derive(Clone, Debug, Default)]
pub(crate) struct EventAuth {
    /// `Authorizer`: a name, `NONE` or `AWS_IAM`.
    pub(crate) authorizer: Option<String>,
    /// `ApiKeyRequired`.
    pub(crate) api_key_required: Option<bool>,
    /// `AuthorizationScopes`.
    pub(crate) scopes: Option<Vec<String>>,
    /// Where the event is.
    pub(crate) location: Location,
}

/// What the readers collect about access control while a template is read.
#[derive(Debug, Default)]
pub(crate) struct AuthState {
    /// Every authorizer read so far.
    pub(crate) authorizers: Vec<Authorizer>,
    /// Every API key read so far.
    pub(crate) api_keys: Vec<ApiKey>,
    /// SAM APIs' defaults, by API logical id.
    pub(crate) api_defaults: HashMap<String, ApiAuth>,
    /// SAM event routes waiting for their API's defaults: (index in `Reader::routes`, the event's `Auth`).
    pub(crate) pending: Vec<(usize, EventAuth)>,
}

fn bool_of(v: Option<&Json>) -> Option<bool> {
    match v? {
        Json::Bool(b) => Some(*b),
        Json::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Json::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

fn strings(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::Array(items)) => items.iter().filter_map(json_text).collect(),
        Some(Json::String(s)) => vec![s.clone()],
        _ => Vec::new(),
    }
}

fn to_list(v: Vec<String>) -> crate::model::List<Str> {
    v.into_iter().map(Str::from).collect::<Vec<_>>().into()
}

/// A TTL in seconds, checked against API Gateway's range (0 to 3600).
fn ttl(reader: &mut Reader<'_>, v: Option<&Json>, what: &str, at: Location) -> u32 {
    let Some(v) = v else { return DEFAULT_TTL_SECS };
    match json_text(v).and_then(|t| t.parse::<u32>().ok()) {
        Some(n) if n <= MAX_TTL_SECS => n,
        _ => {
            reader.diags.invalid(at, what.to_string(), "a number of seconds from 0 to 3600");
            DEFAULT_TTL_SECS
        }
    }
}

/// The function a Lambda authorizer's `FunctionArn` / `AuthorizerUri` names: a template function when the ARN
/// leads back to one (by logical id or deployed name), else an imported one.
pub(crate) fn authorizer_function(reader: &Reader<'_>, arn: &str) -> AuthorizerFunction {
    let id = function_name_in_uri(arn).and_then(|n| reader.function_id(n)).or_else(|| reader.function_id(arn));
    AuthorizerFunction { id: id.map(Into::into), arn: arn.to_string().into() }
}

/// Reads a SAM API's `Auth` block: its authorizers and its defaults.
pub(crate) fn read_sam_api_auth(reader: &mut Reader<'_>, api: &str, kind: ApiKind, auth: &Json, at: Location) {
    let Some(map) = auth.as_object() else {
        reader.diags.invalid(at, format!("Auth of {api}"), "a mapping");
        return;
    };
    if let Some(authorizers) = map.get("Authorizers") {
        match authorizers.as_object() {
            Some(all) => {
                for (name, def) in all {
                    if let Some(a) = sam_authorizer(reader, api, kind, name, def, at) {
                        reader.auth.authorizers.push(a);
                    }
                }
            }
            None => reader.diags.invalid(at, format!("Auth.Authorizers of {api}"), "a mapping"),
        }
    }
    let default_authorizer = map.get("DefaultAuthorizer").and_then(json_text);
    if let Some(d) = &default_authorizer
        && d != "AWS_IAM"
        && d != "NONE"
        && !reader.auth.authorizers.iter().any(|a| a.api == api && a.name == d.as_str())
    {
        reader.diags.problem(
            at,
            ProblemKind::UnknownAuthorizer {
                owner: format!("DefaultAuthorizer of {api}"),
                name: d.clone(),
                api: api.to_string(),
            },
        );
    }
    for unsupported in ["ResourcePolicy", "InvokeRole"] {
        if map.contains_key(unsupported) {
            reader.diags.warn(
                at,
                format!("Auth.{unsupported} of {api} is not enforced locally; requests are not checked against it"),
            );
        }
    }
    if map.contains_key("UsagePlan") {
        reader.diags.warn(at, format!("Auth.UsagePlan of {api}: API keys are checked, but usage-plan throttling and quotas are not emulated (docs/fidelity.md)"));
    }
    let api_key_required = bool_of(map.get("ApiKeyRequired")).unwrap_or(false);
    let add_to_preflight = bool_of(map.get("AddDefaultAuthorizerToCorsPreflight")).unwrap_or(true);
    let key_on_preflight = bool_of(map.get("AddApiKeyRequiredToCorsPreflight")).unwrap_or(true);
    reader
        .auth
        .api_defaults
        .insert(api.to_string(), ApiAuth { default_authorizer, api_key_required, add_to_preflight, key_on_preflight });
}

fn sam_authorizer(
    reader: &mut Reader<'_>,
    api: &str,
    kind: ApiKind,
    name: &str,
    def: &Json,
    at: Location,
) -> Option<Authorizer> {
    let owner = format!("authorizer {name} of {api}");
    let Some(def) = def.as_object() else {
        reader.diags.invalid(at, owner, "a mapping");
        return None;
    };
    let identity = def.get("Identity").and_then(Json::as_object);
    let id_get = |k: &str| identity.and_then(|i| i.get(k));
    let ttl_secs = ttl(reader, id_get("ReauthorizeEvery"), &format!("Identity.ReauthorizeEvery of {owner}"), at);
    let default_scopes = strings(def.get("AuthorizationScopes"));
    let mut out = Authorizer {
        api: api.to_string().into(),
        name: name.to_string().into(),
        kind: AuthorizerKind::Jwt { issuer: "".into(), audiences: Vec::new().into() },
        identity: Vec::new().into(),
        validation_expression: None,
        ttl_secs,
        default_scopes: to_list(default_scopes),
        location: at,
    };
    match kind {
        ApiKind::Rest => {
            if let Some(arn) = def.get("FunctionArn").and_then(json_text) {
                let function = authorizer_function(reader, &arn);
                let payload_type = def.get("FunctionPayloadType").and_then(json_text).unwrap_or_else(|| "TOKEN".into());
                match payload_type.as_str() {
                    "TOKEN" => {
                        let header = id_get("Header").and_then(json_text).unwrap_or_else(|| "Authorization".into());
                        out.identity = vec![IdentitySource::Header(header.into())].into();
                        out.validation_expression = id_get("ValidationExpression").and_then(json_text).map(Into::into);
                        out.kind = AuthorizerKind::LambdaToken { function };
                    }
                    "REQUEST" => {
                        out.identity = request_sources(identity).into();
                        out.kind = AuthorizerKind::LambdaRequest { function };
                    }
                    other => {
                        reader.diags.invalid(
                            at,
                            format!("FunctionPayloadType `{other}` of {owner}"),
                            "TOKEN or REQUEST",
                        );
                        return None;
                    }
                }
            } else if let Some(pools) = def.get("UserPoolArn") {
                let user_pools = strings(Some(pools));
                if user_pools.is_empty() {
                    reader.diags.invalid(at, format!("UserPoolArn of {owner}"), "a user pool ARN or a list of them");
                    return None;
                }
                let header = id_get("Header").and_then(json_text).unwrap_or_else(|| "Authorization".into());
                out.identity = vec![IdentitySource::Header(header.into())].into();
                out.validation_expression = id_get("ValidationExpression").and_then(json_text).map(Into::into);
                out.kind = AuthorizerKind::Cognito { user_pools: to_list(user_pools) };
            } else {
                reader
                    .diags
                    .problem(at, ProblemKind::MissingProperty { owner, property: "FunctionArn or UserPoolArn" });
                return None;
            }
        }
        ApiKind::Http => {
            if let Some(jwt) = def.get("JwtConfiguration") {
                let issuer = jwt.get("issuer").or_else(|| jwt.get("Issuer")).and_then(json_text);
                let audiences = strings(jwt.get("audience").or_else(|| jwt.get("Audience")));
                let Some(issuer) = issuer else {
                    reader
                        .diags
                        .problem(at, ProblemKind::MissingProperty { owner, property: "JwtConfiguration.issuer" });
                    return None;
                };
                let source = def
                    .get("IdentitySource")
                    .and_then(json_text)
                    .unwrap_or_else(|| "$request.header.Authorization".into());
                out.identity = identity_list(reader, &[source], &owner, at).into();
                out.ttl_secs = 0;
                out.kind = AuthorizerKind::Jwt { issuer: issuer.into(), audiences: to_list(audiences) };
            } else if let Some(arn) = def.get("FunctionArn").and_then(json_text) {
                let function = authorizer_function(reader, &arn);
                let payload = match def.get("AuthorizerPayloadFormatVersion").and_then(json_text).as_deref() {
                    Some("1.0") => PayloadVersion::V1,
                    Some("2.0") => PayloadVersion::V2,
                    Some(other) => {
                        reader.diags.invalid(
                            at,
                            format!("AuthorizerPayloadFormatVersion `{other}` of {owner}"),
                            "\"1.0\" or \"2.0\"",
                        );
                        return None;
                    }
                    None => {
                        reader.diags.problem(
                            at,
                            ProblemKind::MissingProperty { owner, property: "AuthorizerPayloadFormatVersion" },
                        );
                        return None;
                    }
                };
                let simple_responses = bool_of(def.get("EnableSimpleResponses")).unwrap_or(false);
                if simple_responses && payload == PayloadVersion::V1 {
                    reader.diags.invalid(
                        at,
                        format!("EnableSimpleResponses of {owner}"),
                        "AuthorizerPayloadFormatVersion \"2.0\" (simple responses need payload 2.0)",
                    );
                }
                out.identity = request_sources(identity).into();
                if id_get("ReauthorizeEvery").is_none() {
                    // HTTP APIs cache only when identity sources are set; the service default is not documented.
                    out.ttl_secs = if out.identity.is_empty() { 0 } else { DEFAULT_TTL_SECS };
                }
                out.kind = AuthorizerKind::HttpLambda { function, payload, simple_responses };
            } else {
                reader
                    .diags
                    .problem(at, ProblemKind::MissingProperty { owner, property: "JwtConfiguration or FunctionArn" });
                return None;
            }
        }
    }
    Some(out)
}

/// SAM `Identity` of a REQUEST authorizer: `Headers`, `QueryStrings`, `StageVariables`, `Context`.
fn request_sources(identity: Option<&serde_json::Map<String, Json>>) -> Vec<IdentitySource> {
    let get = |k: &str| strings(identity.and_then(|i| i.get(k)));
    let mut out = Vec::new();
    out.extend(get("Headers").into_iter().map(|h| IdentitySource::Header(h.into())));
    out.extend(get("QueryStrings").into_iter().map(|q| IdentitySource::Query(q.into())));
    out.extend(get("StageVariables").into_iter().map(|s| IdentitySource::StageVariable(s.into())));
    out.extend(get("Context").into_iter().map(|c| IdentitySource::Context(c.into())));
    out
}

/// Identity sources written as expressions (`method.request.header.X`, `$request.querystring.y`), each one
/// checked; a list written as one comma-separated string is split.
pub(crate) fn identity_list(
    reader: &mut Reader<'_>,
    items: &[String],
    owner: &str,
    at: Location,
) -> Vec<IdentitySource> {
    let mut out = Vec::new();
    for item in items.iter().flat_map(|i| i.split(',')).map(str::trim).filter(|s| !s.is_empty()) {
        match IdentitySource::parse(item) {
            Some(s) => out.push(s),
            None => reader.diags.invalid(at, format!("identity source `{item}` of {owner}"), "method.request.header.NAME, method.request.querystring.NAME, stageVariables.NAME or context.NAME ($request.header.NAME ... for HTTP APIs)"),
        }
    }
    out
}

/// Reads a SAM event's `Auth` (`Authorizer`, `ApiKeyRequired`, `AuthorizationScopes`).
pub(crate) fn event_auth(v: Option<&Json>, location: Location) -> EventAuth {
    let v = v.and_then(Json::as_object);
    let get = |k: &str| v.and_then(|m| m.get(k));
    EventAuth {
        authorizer: get("Authorizer").and_then(json_text),
        api_key_required: bool_of(get("ApiKeyRequired")),
        scopes: get("AuthorizationScopes").map(|s| strings(Some(s))),
        location,
    }
}

/// Applies each SAM API's defaults to its event routes and checks every authorizer name they use.
pub(crate) fn resolve_sam_routes(reader: &mut Reader<'_>) {
    let pending = std::mem::take(&mut reader.auth.pending);
    for (index, ev) in pending {
        let Some(api) = reader.routes.get(index).map(|r| r.api.to_string()) else { continue };
        let defaults = reader.auth.api_defaults.get(&api).cloned().unwrap_or_default();
        let name = ev.authorizer.clone().or(defaults.default_authorizer.clone());
        let authorization = match name.as_deref() {
            None | Some("NONE") => Authorization::None,
            Some("AWS_IAM") => Authorization::Iam,
            Some(n) => {
                if reader.auth.authorizers.iter().any(|a| a.api == api.as_str() && a.name == n) {
                    Authorization::Authorizer(n.to_string().into())
                } else {
                    reader.diags.problem(
                        ev.location,
                        ProblemKind::UnknownAuthorizer {
                            owner: "this event".into(),
                            name: n.to_string(),
                            api: api.clone(),
                        },
                    );
                    Authorization::None
                }
            }
        };
        let scopes = match (&ev.scopes, &authorization) {
            (Some(s), _) => s.clone(),
            (None, Authorization::Authorizer(n)) => reader
                .auth
                .authorizers
                .iter()
                .find(|a| a.api == api.as_str() && a.name == n.as_ref())
                .map(|a| a.default_scopes.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let api_key_required = ev.api_key_required.unwrap_or(defaults.api_key_required);
        if let Some(route) = reader.routes.get_mut(index) {
            route.auth = RouteAuth { authorization, api_key_required, scopes: to_list(scopes) };
        }
    }
    let ids: Vec<String> = reader.auth.api_defaults.keys().cloned().collect();
    for id in ids {
        let d = &reader.auth.api_defaults[&id];
        let preflight = d.default_authorizer.clone().filter(|n| d.add_to_preflight && n != "NONE" && n != "AWS_IAM");
        let key = d.api_key_required && d.key_on_preflight;
        if let Some(api) = reader.api_mut(&id) {
            api.preflight_authorizer = preflight.map(Into::into);
            api.preflight_api_key = key && api.kind == ApiKind::Rest;
        }
    }
}

/// Reads `AWS::ApiGateway::Authorizer` (v1) or `AWS::ApiGatewayV2::Authorizer` (v2); the authorizer is named by
/// its logical id, as `AuthorizerId: !Ref X` refers to it.
pub(crate) fn read_cfn_authorizer(reader: &mut Reader<'_>, id: &str, props: &Json, v2: bool, at: Location) {
    let owner = format!("authorizer {id}");
    let api_key = if v2 { "ApiId" } else { "RestApiId" };
    let Some(api) = props.get(api_key).and_then(json_text) else {
        reader
            .diags
            .problem(at, ProblemKind::MissingProperty { owner, property: if v2 { "ApiId" } else { "RestApiId" } });
        return;
    };
    let ty = props.get(if v2 { "AuthorizerType" } else { "Type" }).and_then(json_text).unwrap_or_default();
    let sources: Vec<String> = strings(props.get("IdentitySource"));
    let identity = identity_list(reader, &sources, &owner, at);
    let ttl_secs =
        ttl(reader, props.get("AuthorizerResultTtlInSeconds"), &format!("AuthorizerResultTtlInSeconds of {owner}"), at);
    let uri = props.get("AuthorizerUri").and_then(json_text).unwrap_or_default();
    let kind = match (v2, ty.as_str()) {
        (false, "TOKEN") => AuthorizerKind::LambdaToken { function: authorizer_function(reader, &uri) },
        (false, "REQUEST") => AuthorizerKind::LambdaRequest { function: authorizer_function(reader, &uri) },
        (false, "COGNITO_USER_POOLS") => {
            AuthorizerKind::Cognito { user_pools: to_list(strings(props.get("ProviderARNs"))) }
        }
        (true, "JWT") => {
            let jwt = props.get("JwtConfiguration");
            let issuer = jwt.and_then(|j| j.get("Issuer")).and_then(json_text).unwrap_or_default();
            let audiences = strings(jwt.and_then(|j| j.get("Audience")));
            AuthorizerKind::Jwt { issuer: issuer.into(), audiences: to_list(audiences) }
        }
        (true, "REQUEST") => AuthorizerKind::HttpLambda {
            function: authorizer_function(reader, &uri),
            payload: match props.get("AuthorizerPayloadFormatVersion").and_then(json_text).as_deref() {
                Some("1.0") => PayloadVersion::V1,
                _ => PayloadVersion::V2,
            },
            simple_responses: bool_of(props.get("EnableSimpleResponses")).unwrap_or(false),
        },
        _ => {
            reader.diags.invalid(
                at,
                format!("type `{ty}` of {owner}"),
                if v2 { "JWT or REQUEST" } else { "TOKEN, REQUEST or COGNITO_USER_POOLS" },
            );
            return;
        }
    };
    let ttl_secs = match &kind {
        AuthorizerKind::Jwt { .. } => 0,
        AuthorizerKind::HttpLambda { .. } if props.get("AuthorizerResultTtlInSeconds").is_none() => 0,
        _ => ttl_secs,
    };
    let identity =
        if identity.is_empty() && matches!(kind, AuthorizerKind::LambdaToken { .. } | AuthorizerKind::Cognito { .. }) {
            vec![IdentitySource::Header("Authorization".into())]
        } else {
            identity
        };
    reader.auth.authorizers.push(Authorizer {
        api: api.into(),
        name: id.to_string().into(),
        kind,
        identity: identity.into(),
        validation_expression: props.get("IdentityValidationExpression").and_then(json_text).map(Into::into),
        ttl_secs,
        default_scopes: Vec::new().into(),
        location: at,
    });
}

/// The access settings of an `AWS::ApiGateway::Method` or `AWS::ApiGatewayV2::Route`: `AuthorizationType`,
/// `AuthorizerId`, `ApiKeyRequired`, `AuthorizationScopes`. Authorizer names are checked at the end of the read.
pub(crate) fn cfn_route_auth(props: &Json) -> RouteAuth {
    let ty = props.get("AuthorizationType").and_then(json_text).unwrap_or_else(|| "NONE".into());
    let authorizer = props.get("AuthorizerId").and_then(json_text);
    let authorization = match (ty.to_ascii_uppercase().as_str(), authorizer) {
        ("AWS_IAM", _) => Authorization::Iam,
        ("NONE", _) => Authorization::None,
        (_, Some(a)) => Authorization::Authorizer(a.into()),
        (_, None) => Authorization::None,
    };
    RouteAuth {
        authorization,
        api_key_required: bool_of(props.get("ApiKeyRequired")).unwrap_or(false),
        scopes: to_list(strings(props.get("AuthorizationScopes"))),
    }
}

/// Reads an `AWS::ApiGateway::ApiKey`.
pub(crate) fn read_api_key(reader: &mut Reader<'_>, id: &str, props: Option<&Json>, at: Location) {
    let value = props.and_then(|p| p.get("Value")).and_then(json_text);
    let enabled = bool_of(props.and_then(|p| p.get("Enabled"))).unwrap_or(true);
    if let Some(v) = &value
        && v.len() < 20
    {
        reader.diags.warn(
            at,
            format!("API key {id}: API Gateway requires a Value of at least 20 characters; deploying it fails"),
        );
    }
    reader.auth.api_keys.push(ApiKey {
        id: id.to_string().into(),
        value: value.map(Into::into),
        enabled,
        location: at,
    });
}

/// One OpenAPI security scheme, as API Gateway reads it.
#[derive(Clone, Debug)]
pub(crate) enum Scheme {
    /// A scheme with `x-amazon-apigateway-authorizer`: this authorizer's name.
    Authorizer(String),
    /// `type: apiKey, name: x-api-key` with no authorizer: the API key requirement.
    ApiKey,
    /// `x-amazon-apigateway-authtype: awsSigv4`: IAM.
    Iam,
}

/// Reads an OpenAPI document's `securityDefinitions` (Swagger 2) / `components.securitySchemes` (OpenAPI 3).
pub(crate) fn openapi_schemes(
    reader: &mut Reader<'_>,
    api: &str,
    kind: ApiKind,
    doc: &Json,
    at: Location,
) -> HashMap<String, Scheme> {
    let mut out = HashMap::new();
    let defs = doc
        .get("securityDefinitions")
        .or_else(|| doc.get("components").and_then(|c| c.get("securitySchemes")))
        .and_then(Json::as_object);
    let Some(defs) = defs else { return out };
    for (name, def) in defs {
        let owner = format!("security scheme {name} of {api}");
        let authtype = def.get("x-amazon-apigateway-authtype").and_then(json_text).unwrap_or_default();
        if authtype.eq_ignore_ascii_case("awsSigv4") {
            out.insert(name.clone(), Scheme::Iam);
            continue;
        }
        let Some(az) = def.get("x-amazon-apigateway-authorizer") else {
            let is_key = def.get("type").and_then(json_text).is_some_and(|t| t == "apiKey")
                && def.get("name").and_then(json_text).is_some_and(|n| n.eq_ignore_ascii_case("x-api-key"));
            if is_key {
                out.insert(name.clone(), Scheme::ApiKey);
            } else {
                reader.diags.warn(at, format!("{owner} has no x-amazon-apigateway-authorizer and is not an x-api-key scheme; it is not enforced"));
            }
            continue;
        };
        let ty = az.get("type").and_then(json_text).unwrap_or_default().to_ascii_lowercase();
        let uri = az.get("authorizerUri").and_then(json_text).unwrap_or_default();
        let header = def.get("name").and_then(json_text).unwrap_or_else(|| "Authorization".into());
        let sources = match az.get("identitySource") {
            Some(v) => identity_list(reader, &strings(Some(v)), &owner, at),
            None => vec![IdentitySource::Header(header.into())],
        };
        let ttl_v = az.get("authorizerResultTtlInSeconds");
        let ttl_secs = ttl(reader, ttl_v, &format!("authorizerResultTtlInSeconds of {owner}"), at);
        let kind = match (kind, ty.as_str()) {
            (ApiKind::Rest, "token") => AuthorizerKind::LambdaToken { function: authorizer_function(reader, &uri) },
            (ApiKind::Rest, "request") => AuthorizerKind::LambdaRequest { function: authorizer_function(reader, &uri) },
            (ApiKind::Rest, "cognito_user_pools") => {
                AuthorizerKind::Cognito { user_pools: to_list(strings(az.get("providerARNs"))) }
            }
            (ApiKind::Http, "jwt") => {
                let jwt = az.get("jwtConfiguration");
                AuthorizerKind::Jwt {
                    issuer: jwt.and_then(|j| j.get("issuer")).and_then(json_text).unwrap_or_default().into(),
                    audiences: to_list(strings(jwt.and_then(|j| j.get("audience")))),
                }
            }
            (ApiKind::Http, "request") => AuthorizerKind::HttpLambda {
                function: authorizer_function(reader, &uri),
                payload: match az.get("authorizerPayloadFormatVersion").and_then(json_text).as_deref() {
                    Some("1.0") => PayloadVersion::V1,
                    _ => PayloadVersion::V2,
                },
                simple_responses: bool_of(az.get("enableSimpleResponses")).unwrap_or(false),
            },
            _ => {
                reader.diags.invalid(
                    at,
                    format!("x-amazon-apigateway-authorizer type `{ty}` of {owner}"),
                    match kind {
                        ApiKind::Rest => "token, request or cognito_user_pools",
                        ApiKind::Http => "jwt or request",
                    },
                );
                continue;
            }
        };
        let ttl_secs = match &kind {
            AuthorizerKind::Jwt { .. } => 0,
            AuthorizerKind::HttpLambda { .. } if ttl_v.is_none() => 0,
            _ => ttl_secs,
        };
        reader.auth.authorizers.retain(|a| !(a.api == api && a.name == name.as_str()));
        reader.auth.authorizers.push(Authorizer {
            api: api.to_string().into(),
            name: name.clone().into(),
            kind,
            identity: sources.into(),
            validation_expression: az.get("identityValidationExpression").and_then(json_text).map(Into::into),
            ttl_secs,
            default_scopes: Vec::new().into(),
            location: at,
        });
        out.insert(name.clone(), Scheme::Authorizer(name.clone()));
    }
    out
}

/// The access settings of an OpenAPI operation from its `security` list (or the document's).
pub(crate) fn openapi_route_auth(schemes: &HashMap<String, Scheme>, security: Option<&Json>) -> RouteAuth {
    let mut auth = RouteAuth::NONE;
    let Some(Json::Array(requirements)) = security else { return auth };
    let mut scopes = Vec::new();
    for req in requirements.iter().filter_map(Json::as_object) {
        for (name, s) in req {
            match schemes.get(name) {
                Some(Scheme::ApiKey) => auth.api_key_required = true,
                Some(Scheme::Iam) => auth.authorization = Authorization::Iam,
                Some(Scheme::Authorizer(n)) => {
                    auth.authorization = Authorization::Authorizer(n.clone().into());
                    scopes.extend(strings(Some(s)));
                }
                // Named but not defined: checked (and reported) with the other authorizer names.
                None => auth.authorization = Authorization::Authorizer(name.clone().into()),
            }
        }
    }
    auth.scopes = to_list(scopes);
    auth
}

/// Checks that every route's authorizer exists on its API: a route naming an unknown authorizer is an error, as
/// deploying it would be. `ApiKeyRequired` on an HTTP API route is a warning (HTTP APIs have no API keys).
pub(crate) fn check_routes(reader: &mut Reader<'_>) {
    // Functions read after the authorizer that names them (template order) are found now.
    let mut authorizers = std::mem::take(&mut reader.auth.authorizers);
    for a in &mut authorizers {
        if let AuthorizerKind::LambdaToken { function }
        | AuthorizerKind::LambdaRequest { function }
        | AuthorizerKind::HttpLambda { function, .. } = &mut a.kind
            && function.id.is_none()
        {
            *function = authorizer_function(reader, &function.arn);
        }
    }
    reader.auth.authorizers = authorizers;
    let mut problems = Vec::new();
    let mut warnings = Vec::new();
    for r in &reader.routes {
        if let Authorization::Authorizer(name) = &r.auth.authorization
            && !reader.auth.authorizers.iter().any(|a| a.api == r.api && a.name == *name)
        {
            let owner = format!("{} {}", r.method, r.path);
            problems.push((
                r.location,
                ProblemKind::UnknownAuthorizer { owner, name: name.to_string(), api: r.api.to_string() },
            ));
        }
        if r.auth.api_key_required && reader.api_kind(&r.api) == Some(ApiKind::Http) {
            warnings.push((
                r.location,
                format!("{} {}: HTTP APIs have no API keys; ApiKeyRequired is ignored", r.method, r.path),
            ));
        }
    }
    for (at, p) in problems {
        reader.diags.problem(at, p);
    }
    for (at, w) in warnings {
        reader.diags.warn(at, w);
    }
}

/// Serverless `http.authorizer` (REST): a function name or ARN, or `{name, arn, type, identitySource,
/// resultTtlInSeconds, identityValidationExpression, scopes}`. Registers the authorizer (once per name) and gives
/// the route's authorization and scopes.
pub(crate) fn serverless_rest_authorizer(
    reader: &mut Reader<'_>,
    api: &str,
    v: &Json,
    owner: &str,
    at: Location,
) -> (Authorization, Vec<String>) {
    let (name_or_arn, map) = match v {
        Json::String(s) => (s.clone(), None),
        Json::Object(m) => {
            let n = m.get("name").and_then(json_text).or_else(|| m.get("arn").and_then(json_text)).unwrap_or_default();
            (n, Some(m))
        }
        _ => {
            reader.diags.invalid(at, format!("authorizer of {owner}"), "a function name, an ARN or a mapping");
            return (Authorization::None, Vec::new());
        }
    };
    let get = |k: &str| map.and_then(|m| m.get(k));
    let ty = get("type").and_then(json_text).unwrap_or_default().to_ascii_lowercase();
    if let (Some(id), true) = (get("authorizerId").and_then(json_text), name_or_arn.is_empty()) {
        reader.diags.warn(at, format!("authorizer of {owner}: `authorizerId: {id}` is an authorizer defined outside this service; it cannot run locally, so the route is not authorized (give `name` or `arn` of its function to emulate it)"));
        return (Authorization::None, Vec::new());
    }
    if ty == "aws_iam" {
        return (Authorization::Iam, Vec::new());
    }
    let arn = get("arn").and_then(json_text).unwrap_or_else(|| name_or_arn.clone());
    let name = match function_name_in_uri(&name_or_arn) {
        Some(n) => n.to_string(),
        None if name_or_arn.starts_with("arn:") => name_or_arn.rsplit('/').next().unwrap_or(&name_or_arn).to_string(),
        None => name_or_arn.clone(),
    };
    if name.is_empty() {
        reader.diags.problem(
            at,
            ProblemKind::MissingProperty { owner: format!("authorizer of {owner}"), property: "name or arn" },
        );
        return (Authorization::None, Vec::new());
    }
    let scopes = strings(get("scopes"));
    if !reader.auth.authorizers.iter().any(|a| a.api == api && a.name == name.as_str()) {
        let cognito = ty == "cognito_user_pools" || arn.contains(":cognito-idp:");
        let sources = match get("identitySource") {
            Some(s) => identity_list(reader, &strings(Some(s)), owner, at),
            None => vec![IdentitySource::Header("Authorization".into())],
        };
        let function = if name_or_arn.starts_with("arn:") || get("arn").is_some() {
            AuthorizerFunction { id: None, arn: arn.clone().into() }
        } else {
            AuthorizerFunction { id: None, arn: crate::intrinsics::arn("AWS::Lambda::Function", &name).into() }
        };
        let function = AuthorizerFunction {
            id: function_name_in_uri(&function.arn).and_then(|n| reader.function_id(n)).map(Into::into).or(function.id),
            ..function
        };
        let kind = if cognito {
            AuthorizerKind::Cognito { user_pools: to_list(vec![arn.clone()]) }
        } else if ty == "request" {
            AuthorizerKind::LambdaRequest { function }
        } else {
            AuthorizerKind::LambdaToken { function }
        };
        let ttl_secs =
            ttl(reader, get("resultTtlInSeconds"), &format!("resultTtlInSeconds of the authorizer of {owner}"), at);
        reader.auth.authorizers.push(Authorizer {
            api: api.to_string().into(),
            name: name.clone().into(),
            kind,
            identity: sources.into(),
            validation_expression: get("identityValidationExpression").and_then(json_text).map(Into::into),
            ttl_secs,
            default_scopes: Vec::new().into(),
            location: at,
        });
    }
    (Authorization::Authorizer(name.into()), scopes)
}

/// Serverless `provider.httpApi.authorizers`: `{name: {type: jwt|request, identitySource, issuerUrl, audience,
/// functionName, functionArn, payloadVersion, enableSimpleResponses, resultTtlInSeconds}}`.
pub(crate) fn serverless_http_authorizers(reader: &mut Reader<'_>, api: &str, v: &Json, at: Location) {
    let Some(all) = v.as_object() else {
        reader.diags.invalid(at, "provider.httpApi.authorizers", "a mapping of authorizer names to settings");
        return;
    };
    for (name, def) in all {
        let owner = format!("HTTP API authorizer {name}");
        let get = |k: &str| def.get(k);
        let ty = get("type").and_then(json_text).unwrap_or_else(|| "jwt".into()).to_ascii_lowercase();
        let sources = strings(get("identitySource"));
        let kind = match ty.as_str() {
            "jwt" => {
                let Some(issuer) = get("issuerUrl").and_then(json_text) else {
                    reader.diags.problem(at, ProblemKind::MissingProperty { owner, property: "issuerUrl" });
                    continue;
                };
                AuthorizerKind::Jwt { issuer: issuer.into(), audiences: to_list(strings(get("audience"))) }
            }
            "request" => {
                let arn = match (get("functionArn").and_then(json_text), get("functionName").and_then(json_text)) {
                    (Some(arn), _) => arn,
                    (None, Some(n)) => crate::intrinsics::arn("AWS::Lambda::Function", &n),
                    (None, None) => {
                        reader.diags.problem(
                            at,
                            ProblemKind::MissingProperty { owner, property: "functionName or functionArn" },
                        );
                        continue;
                    }
                };
                let payload = match get("payloadVersion").and_then(json_text).as_deref() {
                    Some("1.0") => PayloadVersion::V1,
                    _ => PayloadVersion::V2,
                };
                AuthorizerKind::HttpLambda {
                    function: authorizer_function(reader, &arn),
                    payload,
                    simple_responses: bool_of(get("enableSimpleResponses")).unwrap_or(false),
                }
            }
            other => {
                reader.diags.invalid(at, format!("type `{other}` of {owner}"), "jwt or request");
                continue;
            }
        };
        let identity = if sources.is_empty() && ty == "jwt" {
            vec![IdentitySource::Header("Authorization".into())]
        } else {
            identity_list(reader, &sources, &owner, at)
        };
        let ttl_secs = match (&kind, get("resultTtlInSeconds")) {
            (AuthorizerKind::Jwt { .. }, _) | (_, None) => 0,
            (_, Some(t)) => ttl(reader, Some(t), &format!("resultTtlInSeconds of {owner}"), at),
        };
        reader.auth.authorizers.push(Authorizer {
            api: api.to_string().into(),
            name: name.clone().into(),
            kind,
            identity: identity.into(),
            validation_expression: None,
            ttl_secs,
            default_scopes: Vec::new().into(),
            location: at,
        });
    }
}

/// Serverless `provider.apiGateway.apiKeys`: names, `{name, value}`, or `{usagePlan: [keys]}` groups.
pub(crate) fn serverless_api_keys(reader: &mut Reader<'_>, v: &Json, at: Location) {
    let Some(items) = v.as_array() else {
        reader.diags.invalid(at, "provider.apiGateway.apiKeys", "a list of key names or {name, value}");
        return;
    };
    for item in items {
        match item {
            Json::String(name) => {
                reader.auth.api_keys.push(ApiKey { id: name.clone().into(), value: None, enabled: true, location: at })
            }
            Json::Object(m) if m.contains_key("name") || m.contains_key("value") => {
                let id = m.get("name").and_then(json_text).unwrap_or_else(|| "apiKey".into());
                let value = m.get("value").and_then(json_text);
                let enabled = bool_of(m.get("enabled")).unwrap_or(true);
                reader.auth.api_keys.push(ApiKey {
                    id: id.into(),
                    value: value.map(Into::into),
                    enabled,
                    location: at,
                });
            }
            Json::Object(m) => {
                for group in m.values() {
                    serverless_api_keys(reader, group, at);
                }
            }
            _ => reader.diags.invalid(at, "an entry of provider.apiGateway.apiKeys", "a key name or {name, value}"),
        }
    }
}
