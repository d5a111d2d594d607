//! Function events of a `serverless.yml`: `http` (REST, payload 1.0) and `httpApi` (HTTP API) routes, other kinds typed.
//! Values arrive with variables already resolved; paths are normalised the way the framework does.

use serde_json::Value as Json;

use crate::context::{Reader, compact};
use crate::formats::auth;
use crate::formats::serverless::integration;
use crate::integration::Integration;
use crate::intrinsics::json_text;
use crate::model::{
    Authorization, Cors, DEFAULT_ROUTE, Event, EventKind, Location, Method, PayloadVersion, Route, RouteAuth,
};
use crate::problem::ProblemKind;

/// Logical id the framework gives the REST API of `http` events.
pub(crate) const REST_API_ID: &str = "ApiGatewayRestApi";
/// Logical id the framework gives the HTTP API of `httpApi` events.
pub(crate) const HTTP_API_ID: &str = "HttpApi";

/// Headers `cors: true` allows on an `http` event (the framework's defaults).
pub(crate) const DEFAULT_CORS_HEADERS: [&str; 7] = [
    "Content-Type",
    "X-Amz-Date",
    "Authorization",
    "X-Api-Key",
    "X-Amz-Security-Token",
    "X-Amz-User-Agent",
    "X-Amzn-Trace-Id",
];

/// What the events of all functions add to the implicit APIs.
#[derive(Default)]
pub(crate) struct Collected {
    /// First `http` event (creates `ApiGatewayRestApi`).
    pub(crate) rest_at: Option<Location>,
    /// First `httpApi` event (creates `HttpApi`).
    pub(crate) http_at: Option<Location>,
    /// Union of the `cors` settings of `http` events.
    pub(crate) rest_cors: Option<Cors>,
    /// Methods used by `httpApi` routes (for `provider.httpApi.cors` defaults).
    pub(crate) http_methods: Vec<Method>,
    /// Events of each non-HTTP kind seen so far in the current function (names them `<kind>-<n>`).
    pub(crate) event_counts: Vec<(String, usize)>,
}

/// Reads one item of `functions.<key>.events`.
pub(crate) fn read_event(
    reader: &mut Reader<'_>,
    function: &str,
    kind: &str,
    value: &Json,
    http_payload: PayloadVersion,
    collected: &mut Collected,
    at: Location,
) -> Option<Event> {
    match kind {
        "http" => {
            http_event(reader, function, value, collected, at);
            None
        }
        "httpApi" => {
            http_api_event(reader, function, value, http_payload, collected, at);
            None
        }
        other => {
            let counts = &mut collected.event_counts;
            let n = match counts.iter_mut().find(|(k, _)| k == other) {
                Some((_, n)) => {
                    *n += 1;
                    *n
                }
                None => {
                    counts.push((other.to_string(), 1));
                    1
                }
            };
            let kind = event_kind(other, value);
            if matches!(kind, EventKind::Other(_)) {
                reader.diags.warn(
                    at,
                    format!("function {function}: `{other}` events are kept in the model but not served or triggered"),
                );
            }
            Some(Event {
                name: format!("{other}-{n}").into(),
                kind,
                properties: compact(Some(value)).into(),
                location: at,
            })
        }
    }
}

/// The typed kind of a non-HTTP event key.
pub(crate) fn event_kind(key: &str, value: &Json) -> EventKind {
    match key {
        "sqs" => EventKind::Sqs,
        "s3" => EventKind::S3,
        "sns" => EventKind::Sns,
        "schedule" => EventKind::Schedule,
        "eventBridge" | "cloudwatchEvent" => EventKind::EventBridge,
        "stream" => {
            let text = match value {
                Json::Object(m) => {
                    let t = m.get("type").and_then(json_text).unwrap_or_default();
                    let arn = m.get("arn").map(|a| compact(Some(a))).unwrap_or_default();
                    format!("{t} {arn}")
                }
                other => compact(Some(other)),
            };
            if text.contains("dynamodb") { EventKind::DynamoDb } else { EventKind::Kinesis }
        }
        "kinesis" => EventKind::Kinesis,
        other => EventKind::Other(other.to_string().into()),
    }
}

/// The method and path of an `http` / `httpApi` event: the `METHOD path` shorthand or a mapping with `method` and
/// `path`. With `default_route` (`httpApi`), `*` alone, or a mapping with path `*` and no method, is the `$default`
/// route. Problems are reported against `owner`.
fn method_and_path(
    reader: &mut Reader<'_>,
    value: &Json,
    owner: &str,
    at: Location,
    default_route: bool,
) -> Option<(String, String)> {
    let owner = owner.to_owned();
    let (shorthand, example) =
        if default_route { ("`*` or `METHOD /path`", "GET /users/{id}") } else { ("`METHOD path`", "GET users/{id}") };
    match value {
        Json::String(s) if default_route && s.trim() == "*" => Some(("*".to_string(), "*".to_string())),
        Json::String(s) => match s.split_whitespace().collect::<Vec<_>>().as_slice() {
            [m, p] => Some((m.to_string(), p.to_string())),
            _ => {
                let expected = format!("{shorthand}, as in `{example}`");
                reader.diags.invalid(at, owner, expected);
                None
            }
        },
        Json::Object(map) => {
            let path = map.get("path").and_then(json_text);
            let method = match (map.get("method").and_then(json_text), &path) {
                (Some(m), _) => m,
                (None, Some(p)) if default_route && p.trim() == "*" => "*".to_string(),
                (None, _) => {
                    reader.diags.problem(at, ProblemKind::MissingProperty { owner, property: "method" });
                    return None;
                }
            };
            let Some(path) = path else {
                reader.diags.problem(at, ProblemKind::MissingProperty { owner, property: "path" });
                return None;
            };
            Some((method, path))
        }
        _ => {
            let expected = format!("{shorthand} or a mapping with `method` and `path`");
            reader.diags.invalid(at, owner, expected);
            None
        }
    }
}

fn http_event(reader: &mut Reader<'_>, function: &str, value: &Json, collected: &mut Collected, at: Location) {
    let owner = format!("`http` event of function {function}");
    let Some((method, path)) = method_and_path(reader, value, &owner, at, false) else { return };
    let Some(method) = parse_method(reader, &method, &owner, at) else { return };
    let path = rest_path(&path);
    let map = value.as_object();
    let get = |k: &str| map.and_then(|m| m.get(k));
    if let Some(cors) = get("cors") {
        rest_cors(reader, cors, method, &owner, collected, at);
    }
    let api_key_required = get("private").is_some_and(|p| json_text(p).is_some_and(|t| t == "true"));
    let integration_kind = get("integration").and_then(json_text).map(|s| s.to_ascii_lowercase());
    let integration = match integration_kind.as_deref() {
        None | Some("lambda-proxy" | "aws-proxy" | "aws_proxy") => Integration::proxy(function.to_string()),
        Some("lambda" | "aws") => Integration::Lambda {
            function: function.to_string().into(),
            mapping: integration::mapping(reader, &owner, value, true, at),
        },
        Some("mock") => Integration::Mock { mapping: integration::mapping(reader, &owner, value, false, at) },
        Some(i) => {
            reader.diags.warn(
                at,
                format!("{owner}: `integration: {i}` (an HTTP backend) is not served; only lambda-proxy, lambda and mock integrations are, route skipped"),
            );
            return;
        }
    };
    if get("async").is_some_and(|p| json_text(p).is_some_and(|t| t == "true")) {
        reader.diags.warn(at, format!("{owner}: `async: true` is not emulated; the function is invoked synchronously"));
    }
    let (authorization, scopes) = match get("authorizer") {
        Some(a) => auth::serverless_rest_authorizer(reader, REST_API_ID, a, &owner, at),
        None => (Authorization::None, Vec::new()),
    };
    let auth = RouteAuth {
        authorization,
        api_key_required,
        scopes: scopes.into_iter().map(Into::into).collect::<Vec<_>>().into(),
    };
    collected.rest_at.get_or_insert(at);
    let route = format!("{} {path}", method.as_str());
    let validation = crate::formats::validation::serverless_http(reader, REST_API_ID, &route, get("request"), at);
    reader.routes.push(Route {
        method,
        path: path.into(),
        api: REST_API_ID.into(),
        integration,
        payload: PayloadVersion::V1,
        operation_name: get("operationId").and_then(json_text).map(Into::into),
        auth,
        validation,
        location: at,
    });
}

/// A REST path as the framework builds it: one leading and one trailing `/` are optional.
pub(crate) fn rest_path(path: &str) -> String {
    let p = path.trim();
    let p = p.strip_prefix('/').unwrap_or(p);
    let p = p.strip_suffix('/').unwrap_or(p);
    format!("/{p}")
}

fn parse_method(reader: &mut Reader<'_>, method: &str, owner: &str, at: Location) -> Option<Method> {
    let m = Method::parse(method);
    if m.is_none() {
        reader.diags.invalid(
            at,
            format!("method `{method}` of {owner}"),
            "GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS, ANY or *",
        );
    }
    m
}

/// `httpApi.authorizer`: `{name, scopes}`, `{type: aws_iam}` or a bare name.
fn http_api_route_auth(v: &Json) -> RouteAuth {
    let scopes = |m: &serde_json::Map<String, Json>| -> crate::model::List<crate::model::Str> {
        match m.get("scopes") {
            Some(Json::Array(items)) => items.iter().filter_map(json_text).map(Into::into).collect::<Vec<_>>().into(),
            _ => Vec::new().into(),
        }
    };
    match v {
        Json::String(name) => {
            RouteAuth { authorization: Authorization::Authorizer(name.clone().into()), ..RouteAuth::NONE }
        }
        Json::Object(m) if m.get("type").and_then(json_text).is_some_and(|t| t.eq_ignore_ascii_case("aws_iam")) => {
            RouteAuth { authorization: Authorization::Iam, ..RouteAuth::NONE }
        }
        Json::Object(m) => match m.get("name").or_else(|| m.get("id")).and_then(json_text) {
            Some(name) => RouteAuth {
                authorization: Authorization::Authorizer(name.into()),
                api_key_required: false,
                scopes: scopes(m),
            },
            None => RouteAuth::NONE,
        },
        _ => RouteAuth::NONE,
    }
}

fn rest_cors(reader: &mut Reader<'_>, v: &Json, method: Method, owner: &str, collected: &mut Collected, at: Location) {
    let list = |v: Option<&Json>| -> Vec<String> {
        match v {
            Some(Json::Array(items)) => items.iter().filter_map(json_text).collect(),
            Some(other) => json_text(other).map(|s| vec![s]).unwrap_or_default(),
            None => Vec::new(),
        }
    };
    let (origins, headers, credentials, max_age) = match v {
        Json::Bool(false) | Json::Null => return,
        Json::Bool(true) => (vec!["*".to_string()], Vec::new(), false, None),
        Json::String(s) if s == "true" => (vec!["*".to_string()], Vec::new(), false, None),
        Json::Object(m) => {
            let mut origins = list(m.get("origins"));
            origins.extend(list(m.get("origin")));
            if origins.is_empty() {
                origins.push("*".into());
            }
            let credentials = m.get("allowCredentials").and_then(json_text).is_some_and(|t| t == "true");
            let max_age = m.get("maxAge").and_then(json_text).and_then(|t| t.parse().ok());
            (origins, list(m.get("headers")), credentials, max_age)
        }
        _ => {
            reader.diags.invalid(at, format!("`cors` of {owner}"), "true or a mapping");
            return;
        }
    };
    let headers =
        if headers.is_empty() { DEFAULT_CORS_HEADERS.iter().map(|h| h.to_string()).collect() } else { headers };
    let cors = collected
        .rest_cors
        .get_or_insert_with(|| Cors { allow_methods: vec!["OPTIONS".into()].into(), ..Cors::default() });
    let add = |list: &mut crate::model::List<crate::model::Str>, items: Vec<String>| {
        let mut v = list.to_vec();
        for i in items {
            if !v.iter().any(|x| *x == i) {
                v.push(i.into());
            }
        }
        *list = v.into();
    };
    add(&mut cors.allow_origins, origins);
    add(&mut cors.allow_headers, headers);
    add(&mut cors.allow_methods, vec![if method == Method::Any { "*".into() } else { method.as_str().to_string() }]);
    cors.allow_credentials |= credentials;
    if max_age.is_some() {
        cors.max_age = max_age;
    }
}

fn http_api_event(
    reader: &mut Reader<'_>,
    function: &str,
    value: &Json,
    payload: PayloadVersion,
    collected: &mut Collected,
    at: Location,
) {
    let owner = format!("`httpApi` event of function {function}");
    let Some((method, path)) = method_and_path(reader, value, &owner, at, true) else { return };
    let Some(method) = parse_method(reader, &method, &owner, at) else { return };
    let path = path.trim();
    let path = if path == "*" {
        if method != Method::Any {
            reader.diags.invalid(
                at,
                format!("path `*` of {owner}"),
                "method `*` with it (the `$default` route matches every method)",
            );
            return;
        }
        DEFAULT_ROUTE.to_string()
    } else if !path.starts_with('/') {
        reader.diags.invalid(
            at,
            format!("path `{path}` of {owner}"),
            format!("a path starting with `/` (write `/{path}`)"),
        );
        return;
    } else {
        path.to_string()
    };
    let auth = match value.as_object().and_then(|m| m.get("authorizer")) {
        None => RouteAuth::NONE,
        Some(a) => http_api_route_auth(a),
    };
    collected.http_at.get_or_insert(at);
    if !collected.http_methods.contains(&method) {
        collected.http_methods.push(method);
    }
    reader.routes.push(Route {
        method,
        path: path.into(),
        api: HTTP_API_ID.into(),
        integration: Integration::proxy(function.to_string()),
        payload,
        operation_name: None,
        auth,
        validation: None,
        location: at,
    });
}

/// `provider.httpApi.cors`: `true` or `{allowedOrigins, allowedHeaders, allowedMethods, allowCredentials,
/// exposedResponseHeaders, maxAge}`; methods default to `OPTIONS` plus every method the routes use.
pub(crate) fn http_api_cors(reader: &mut Reader<'_>, v: &Json, methods: &[Method], at: Location) -> Option<Cors> {
    let list = |v: Option<&Json>| -> Vec<crate::model::Str> {
        match v {
            Some(Json::Array(items)) => items.iter().filter_map(json_text).map(Into::into).collect(),
            Some(other) => json_text(other).map(|s| vec![s.into()]).unwrap_or_default(),
            None => Vec::new(),
        }
    };
    let default_methods = || -> Vec<crate::model::Str> {
        if methods.contains(&Method::Any) {
            return vec!["*".into()];
        }
        let mut m: Vec<crate::model::Str> = vec!["OPTIONS".into()];
        m.extend(methods.iter().filter(|x| **x != Method::Options).map(|x| x.as_str().into()));
        m
    };
    let default_headers = || DEFAULT_CORS_HEADERS.iter().map(|h| (*h).into()).collect::<Vec<crate::model::Str>>();
    match v {
        Json::Bool(false) | Json::Null => None,
        Json::Bool(true) => Some(Cors {
            allow_origins: vec!["*".into()].into(),
            allow_methods: default_methods().into(),
            allow_headers: default_headers().into(),
            ..Cors::default()
        }),
        Json::String(s) if s == "true" => http_api_cors(reader, &Json::Bool(true), methods, at),
        Json::Object(m) => {
            let origins = list(m.get("allowedOrigins"));
            let headers = list(m.get("allowedHeaders"));
            let allowed = list(m.get("allowedMethods"));
            Some(Cors {
                allow_origins: if origins.is_empty() { vec!["*".into()] } else { origins }.into(),
                allow_methods: if allowed.is_empty() {
                    default_methods()
                } else {
                    allowed.into_iter().map(|s| s.to_ascii_uppercase().into()).collect()
                }
                .into(),
                allow_headers: if headers.is_empty() { default_headers() } else { headers }.into(),
                expose_headers: list(m.get("exposedResponseHeaders")).into(),
                allow_credentials: m.get("allowCredentials").and_then(json_text).is_some_and(|t| t == "true"),
                max_age: m.get("maxAge").and_then(json_text).and_then(|t| t.parse().ok()),
            })
        }
        _ => {
            reader.diags.invalid(at, "provider.httpApi.cors", "true or a mapping");
            None
        }
    }
}

/// Reads `'1.0'` / `'2.0'` (a payload version), with a problem for anything else.
pub(crate) fn payload(reader: &mut Reader<'_>, v: &Json, what: &str, at: Location) -> Option<PayloadVersion> {
    match json_text(v).as_deref().map(str::trim) {
        Some("1.0") | Some("1") => Some(PayloadVersion::V1),
        Some("2.0") | Some("2") => Some(PayloadVersion::V2),
        _ => {
            reader.diags.invalid(at, what.to_string(), "'1.0' or '2.0' (quoted)");
            None
        }
    }
}
