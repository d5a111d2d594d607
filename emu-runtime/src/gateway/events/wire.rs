//! The proxy event as JSON bytes, serialized in one pass from borrowed request data: what the Lambda service hands
//! the handler, which deserializes its own type from them as Lambda's runtime does. No `serde_json::Value` tree.
//!
//! The bytes are exactly `serde_json::to_vec` of the `Value` events of `v1.rs` / `v2.rs` (which the access stage and
//! the bench still build): every object's keys are written in byte order, as `serde_json::Map` (a `BTreeMap`)
//! orders them, and the tests below compare both for every case the builders distinguish. Strings are borrowed from
//! the request, the API and the route wherever no decoding, joining or formatting is needed.

use std::borrow::Cow;

use emu_template::ApiKind;
use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};
use serde_json::Value;

use super::{
    ApiData, RequestInfo, RouteData, domain_prefix, encode_body, gateway_headers, header_str, ip_string,
    is_gateway_header, percent_decode,
};
use crate::aws::ACCOUNT_ID;
use crate::clock;
use crate::gateway::auth::Granted;
use crate::gateway::routes::collapse_leading_slashes;

/// A JSON object from `(key, value)` pairs sorted by key, keys unique: written as given.
struct SortedMap<K, V>(Vec<(K, V)>);

impl<K: AsRef<str>, V: Serialize> Serialize for SortedMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k.as_ref(), v)?;
        }
        m.end()
    }
}

impl<K: AsRef<str>, V> SortedMap<K, V> {
    /// Sorts `pairs` by key (stable) and keeps the last value of each key, as repeated `insert`s into a map would.
    fn last_wins(mut pairs: Vec<(K, V)>) -> SortedMap<K, V> {
        pairs.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
        let mut out: Vec<(K, V)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match out.last_mut() {
                Some(last) if last.0.as_ref() == k.as_ref() => last.1 = v,
                _ => out.push((k, v)),
            }
        }
        SortedMap(out)
    }
}

/// `null` when `None`, else the map.
fn map_or_null<K: AsRef<str>, V: Serialize, S: Serializer>(
    m: &Option<SortedMap<K, V>>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => m.serialize(s),
        None => s.serialize_unit(),
    }
}

/// `requestContext.identity` of a payload 1.0 event.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Identity<'a> {
    access_key: Option<&'a str>,
    account_id: Option<&'a str>,
    api_key: Option<&'a str>,
    api_key_id: Option<&'a str>,
    caller: Option<&'a str>,
    cognito_authentication_provider: Option<&'a str>,
    cognito_authentication_type: Option<&'a str>,
    cognito_identity_id: Option<&'a str>,
    cognito_identity_pool_id: Option<&'a str>,
    source_ip: &'a str,
    user: Option<&'a str>,
    user_agent: Option<Cow<'a, str>>,
    user_arn: Option<String>,
}

/// `requestContext` of a payload 1.0 event.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContextV1<'a> {
    account_id: &'static str,
    api_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorizer: Option<&'a Value>,
    domain_name: &'a str,
    domain_prefix: &'a str,
    extended_request_id: &'a str,
    http_method: &'a str,
    identity: Identity<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation_name: Option<&'a str>,
    path: String,
    protocol: &'a str,
    request_id: &'a str,
    request_time: String,
    request_time_epoch: u64,
    resource_id: &'a str,
    resource_path: &'a str,
    stage: &'a str,
}

type Query<'a> = Option<SortedMap<Cow<'a, str>, Cow<'a, str>>>;
type MultiQuery<'a> = Option<SortedMap<Cow<'a, str>, Vec<Cow<'a, str>>>>;
type Params<'a> = Option<SortedMap<&'a str, Cow<'a, str>>>;

/// The payload 1.0 event (`ApiGatewayProxyRequest`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventV1<'a> {
    body: Option<Cow<'a, str>>,
    headers: SortedMap<&'a str, Cow<'a, str>>,
    http_method: &'a str,
    is_base64_encoded: bool,
    multi_value_headers: SortedMap<&'a str, Vec<Cow<'a, str>>>,
    #[serde(serialize_with = "map_or_null")]
    multi_value_query_string_parameters: MultiQuery<'a>,
    path: Cow<'a, str>,
    #[serde(serialize_with = "map_or_null")]
    path_parameters: Params<'a>,
    #[serde(serialize_with = "map_or_null")]
    query_string_parameters: Query<'a>,
    request_context: ContextV1<'a>,
    resource: &'a str,
    stage_variables: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'static str>,
}

/// `Host` as sent, else `localhost`.
fn domain<'a>(req: &RequestInfo<'a>) -> Cow<'a, str> {
    req.headers.get(http::header::HOST).map_or(Cow::Borrowed("localhost"), header_str)
}

/// The names of the headers a client sent that API Gateway passes on, each once.
fn client_headers<'a>(req: &RequestInfo<'a>) -> impl Iterator<Item = &'a http::HeaderName> + use<'a> {
    req.headers.keys().filter(|n| !is_gateway_header(n.as_str()))
}

/// Writes the payload 1.0 event for `req` (see [`super::v1::build`], whose `to_vec` this is).
pub(crate) fn v1(req: &RequestInfo<'_>, api: &ApiData, route: &RouteData) -> Vec<u8> {
    let http_api = api.kind == ApiKind::Http;
    let source_ip = ip_string(req.source_ip);
    let added = gateway_headers(req, &source_ip);
    let n = req.headers.keys_len() + added.len();
    let (mut single, mut multi) = (Vec::with_capacity(n), Vec::with_capacity(n));
    for name in client_headers(req) {
        let all: Vec<Cow<'_, str>> = req.headers.get_all(name).iter().map(header_str).collect();
        if let Some(last) = all.last() {
            single.push((name.as_str(), last.clone()));
        }
        multi.push((name.as_str(), all));
    }
    for (name, value) in &added {
        single.push((*name, Cow::Borrowed(value.as_str())));
        multi.push((*name, vec![Cow::Borrowed(value.as_str())]));
    }
    let (single, multi) = (SortedMap::last_wins(single), SortedMap::last_wins(multi));

    let pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> =
        if req.raw_query.is_empty() { Vec::new() } else { form_urlencoded::parse(req.raw_query.as_bytes()).collect() };
    let (query, multi_query) = if pairs.is_empty() {
        (None, None)
    } else {
        let mut grouped: Vec<(Cow<'_, str>, Vec<Cow<'_, str>>)> = Vec::new();
        let mut sorted = pairs.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        for (k, v) in sorted {
            match grouped.last_mut() {
                Some(last) if last.0 == k => last.1.push(v),
                _ => grouped.push((k, vec![v])),
            }
        }
        (Some(SortedMap::last_wins(pairs)), Some(SortedMap(grouped)))
    };

    let params = (!req.params.is_empty()).then(|| {
        SortedMap::last_wins(
            req.params
                .iter()
                .map(|(k, v)| (*k, if http_api { percent_decode(v) } else { Cow::Borrowed(v.as_str()) }))
                .collect(),
        )
    });

    let resource_path = collapse_leading_slashes(req.path);
    let path = if http_api { percent_decode(resource_path) } else { Cow::Borrowed(resource_path) };
    let raw = if http_api { percent_decode(req.path) } else { Cow::Borrowed(req.path) };
    let mut ctx_path = String::with_capacity(api.stage_path.len() + raw.len());
    ctx_path.push_str(&api.stage_path);
    ctx_path.push_str(&raw);
    let (body, is_b64) = encode_body(api, req.headers, req.body);
    let domain = domain(req);
    let prefix = domain_prefix(&domain);
    let method = req.method.as_str();
    let granted: Option<&Granted> = req.granted;
    let api_key = granted.and_then(|g| g.api_key.as_ref());
    let akid = granted.and_then(|g| g.iam_access_key.as_deref());

    let event = EventV1 {
        body,
        headers: single,
        http_method: method,
        is_base64_encoded: is_b64,
        multi_value_headers: multi,
        multi_value_query_string_parameters: multi_query,
        path,
        path_parameters: params,
        query_string_parameters: query,
        request_context: ContextV1 {
            account_id: ACCOUNT_ID,
            api_id: &api.api_id,
            authorizer: granted.and_then(|g| g.authorizer.as_ref()),
            domain_name: &domain,
            domain_prefix: &prefix,
            extended_request_id: req.request_id,
            http_method: method,
            identity: Identity {
                access_key: akid,
                account_id: akid.map(|_| ACCOUNT_ID),
                api_key: api_key.map(|k| k.0.as_str()),
                api_key_id: api_key.map(|k| k.1.as_str()),
                caller: akid,
                cognito_authentication_provider: None,
                cognito_authentication_type: None,
                cognito_identity_id: None,
                cognito_identity_pool_id: None,
                source_ip: &source_ip,
                user: akid,
                user_agent: req.headers.get(http::header::USER_AGENT).map(header_str),
                user_arn: akid.map(|a| format!("arn:aws:iam::{ACCOUNT_ID}:user/{a}")),
            },
            operation_name: route.operation_name.as_deref().filter(|_| !http_api),
            path: ctx_path,
            protocol: req.protocol,
            request_id: req.request_id,
            request_time: clock::clf_time(req.epoch_ms),
            request_time_epoch: req.epoch_ms,
            resource_id: &route.resource_id,
            resource_path: &route.resource,
            stage: &api.stage,
        },
        resource: &route.resource,
        stage_variables: &api.stage_variables,
        version: http_api.then_some("1.0"),
    };
    to_vec(&event)
}

/// `requestContext.http` of a payload 2.0 event.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct HttpV2<'a> {
    method: &'a str,
    path: &'a str,
    protocol: &'a str,
    source_ip: &'a str,
    user_agent: Option<Cow<'a, str>>,
}

/// `requestContext.authorizer` of a payload 2.0 event: the authorizer's output, or `iam` for `AWS_IAM`.
enum AuthorizerV2<'a> {
    Output(&'a Value),
    Iam(&'a str),
}

impl Serialize for AuthorizerV2<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            AuthorizerV2::Output(v) => v.serialize(s),
            AuthorizerV2::Iam(akid) => {
                #[derive(Serialize)]
                #[serde(rename_all = "camelCase")]
                struct Iam<'a> {
                    access_key: &'a str,
                    account_id: &'static str,
                    caller_id: &'a str,
                    cognito_identity: Option<()>,
                    principal_org_id: Option<()>,
                    user_arn: String,
                    user_id: &'a str,
                }
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry(
                    "iam",
                    &Iam {
                        access_key: akid,
                        account_id: ACCOUNT_ID,
                        caller_id: akid,
                        cognito_identity: None,
                        principal_org_id: None,
                        user_arn: format!("arn:aws:iam::{ACCOUNT_ID}:user/{akid}"),
                        user_id: akid,
                    },
                )?;
                m.end()
            }
        }
    }
}

/// `requestContext` of a payload 2.0 event.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ContextV2<'a> {
    account_id: &'static str,
    api_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    authorizer: Option<AuthorizerV2<'a>>,
    domain_name: &'a str,
    domain_prefix: &'a str,
    http: HttpV2<'a>,
    request_id: &'a str,
    route_key: &'a str,
    stage: &'a str,
    time: String,
    time_epoch: u64,
}

/// The payload 2.0 event (`ApiGatewayV2httpRequest`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EventV2<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cookies: Vec<&'a str>,
    headers: SortedMap<&'a str, Cow<'a, str>>,
    is_base64_encoded: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    path_parameters: Params<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    query_string_parameters: Query<'a>,
    raw_path: &'a str,
    raw_query_string: &'a str,
    request_context: ContextV2<'a>,
    route_key: &'a str,
    #[serde(skip_serializing_if = "is_null")]
    stage_variables: &'a Value,
    version: &'static str,
}

fn is_null(v: &&Value) -> bool {
    v.is_null()
}

/// Writes the payload 2.0 event for `req` (see [`super::v2::build`], whose `to_vec` this is).
pub(crate) fn v2(req: &RequestInfo<'_>, api: &ApiData, route: &RouteData) -> Vec<u8> {
    let source_ip = ip_string(req.source_ip);
    let added = gateway_headers(req, &source_ip);
    let mut headers: Vec<(&str, Cow<'_, str>)> = Vec::with_capacity(req.headers.keys_len() + added.len());
    let mut cookies: Vec<&str> = Vec::new();
    for name in client_headers(req) {
        if name == http::header::COOKIE {
            for v in req.headers.get_all(name) {
                // A cookie header that is not UTF-8 is replaced lossily, as `header_str` does; split borrows it.
                match v.to_str() {
                    Ok(s) => cookies.extend(s.split(';').map(str::trim).filter(|c| !c.is_empty())),
                    Err(_) => return to_vec(&super::v2::build(req, api, route)),
                }
            }
            continue;
        }
        let mut values = req.headers.get_all(name).iter();
        let value = match (values.next(), values.next()) {
            (Some(only), None) => header_str(only),
            _ => {
                let mut joined = String::new();
                for (i, v) in req.headers.get_all(name).iter().enumerate() {
                    if i > 0 {
                        joined.push(',');
                    }
                    joined.push_str(&header_str(v));
                }
                Cow::Owned(joined)
            }
        };
        headers.push((name.as_str(), value));
    }
    for (name, value) in &added {
        headers.push((*name, Cow::Borrowed(value.as_str())));
    }

    let decoded_path = percent_decode(collapse_leading_slashes(req.path));
    let mut raw_path = String::with_capacity(api.stage_path.len() + decoded_path.len());
    raw_path.push_str(&api.stage_path);
    raw_path.push_str(&decoded_path);
    let domain = domain(req);
    let prefix = domain_prefix(&domain);

    let query = if req.raw_query.is_empty() {
        None
    } else {
        let mut pairs: Vec<(Cow<'_, str>, Cow<'_, str>)> = form_urlencoded::parse(req.raw_query.as_bytes()).collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0));
        let mut joined: Vec<(Cow<'_, str>, Cow<'_, str>)> = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match joined.last_mut() {
                Some(last) if last.0 == k => {
                    let s = last.1.to_mut();
                    s.push(',');
                    s.push_str(&v);
                }
                _ => joined.push((k, v)),
            }
        }
        (!joined.is_empty()).then_some(SortedMap(joined))
    };
    let params = (!req.params.is_empty())
        .then(|| SortedMap::last_wins(req.params.iter().map(|(k, v)| (*k, percent_decode(v))).collect()));
    let authorizer = req.granted.and_then(|g| match (&g.authorizer, &g.iam_access_key) {
        (Some(a), _) => Some(AuthorizerV2::Output(a)),
        (None, Some(akid)) => Some(AuthorizerV2::Iam(akid)),
        (None, None) => None,
    });
    let (body, is_b64) = encode_body(api, req.headers, req.body);

    let event = EventV2 {
        body,
        cookies,
        headers: SortedMap::last_wins(headers),
        is_base64_encoded: is_b64,
        path_parameters: params,
        query_string_parameters: query,
        raw_path: &raw_path,
        raw_query_string: req.raw_query,
        request_context: ContextV2 {
            account_id: ACCOUNT_ID,
            api_id: &api.api_id,
            authorizer,
            domain_name: &domain,
            domain_prefix: &prefix,
            http: HttpV2 {
                method: req.method.as_str(),
                path: &raw_path,
                protocol: req.protocol,
                source_ip: &source_ip,
                user_agent: req.headers.get(http::header::USER_AGENT).map(header_str),
            },
            request_id: req.request_id,
            route_key: &route.route_key,
            stage: &api.stage,
            time: clock::clf_time(req.epoch_ms),
            time_epoch: req.epoch_ms,
        },
        route_key: &route.route_key,
        stage_variables: &api.stage_variables,
        version: "2.0",
    };
    to_vec(&event)
}

/// The compact JSON of `event`. Serializing these types cannot fail (string keys, no maps with other keys, a
/// `Vec` writer), so an error is unreachable; it would give `null` rather than a panic.
fn to_vec<T: Serialize>(event: &T) -> Vec<u8> {
    let mut out = Vec::with_capacity(1024);
    let mut ser = serde_json::Serializer::new(&mut out);
    match event.serialize(&mut ser) {
        Ok(()) => out,
        Err(_) => b"null".to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::auth::Granted;
    use crate::gateway::events::test_support::*;
    use crate::gateway::events::{v1 as value_v1, v2 as value_v2};
    use http::{HeaderMap, HeaderValue, Method};

    /// Requests covering every branch the builders take: query shapes, repeated and gateway headers, cookies,
    /// path parameters that need decoding, text and binary bodies, no Host, no User-Agent, non-UTF-8 values.
    /// Method, path, query, headers, body, path parameters.
    type Case = (Method, &'static str, &'static str, HeaderMap, Vec<u8>, Vec<(&'static str, String)>);

    fn cases() -> Vec<Case> {
        let mut odd = headers(&[("host", "h.example:8080"), ("x-a", "1"), ("x-a", "2")]);
        odd.append("x-bin", HeaderValue::from_bytes(b"caf\xe9").unwrap());
        odd.append("cookie", HeaderValue::from_static("a=1; b=2"));
        odd.append("cookie", HeaderValue::from_static(" ;c=3"));
        let mut bad_cookie = headers(&[]);
        bad_cookie.append("cookie", HeaderValue::from_bytes(b"a=\xff").unwrap());
        vec![
            (Method::GET, "/hello", "", headers(&[("host", "localhost:3000"), ("user-agent", "ua")]), vec![], vec![]),
            (
                Method::POST,
                "//dogs/a%20b",
                "q=1&q=2&e&x=a+b%2Fc&=v",
                headers(&[
                    ("accept", "a"),
                    ("accept", "b"),
                    ("x-forwarded-for", "203.0.113.7"),
                    ("x-amzn-trace-id", "client"),
                    ("content-type", "application/json"),
                    ("zzz", "\"quoted\\\""),
                ]),
                br#"{"k":"v\u00e9"}"#.to_vec(),
                vec![("id", "a%20b".to_owned()), ("b", "x".to_owned())],
            ),
            (Method::PUT, "/x", "&&", odd, b"\xff\x00binary".to_vec(), vec![]),
            (Method::DELETE, "/c", "a=%ZZ", bad_cookie, vec![], vec![("p", "%41".to_owned())]),
            (Method::OPTIONS, "/img", "", headers(&[("content-type", "image/png")]), b"PNG".to_vec(), vec![]),
        ]
    }

    fn granted() -> Vec<Option<Granted>> {
        vec![
            None,
            Some(Granted {
                authorizer: Some(serde_json::json!({"principalId": "u", "n": 1, "lambda": {"k": [1, null]}})),
                api_key: Some(("key".into(), "kid".into())),
                iam_access_key: None,
                cache_hit: false,
            }),
            Some(Granted { authorizer: None, api_key: None, iam_access_key: Some("AKID".into()), cache_hit: true }),
        ]
    }

    fn apis() -> Vec<ApiData> {
        let mut with_vars = api_data(ApiKind::Rest, "Prod");
        with_vars.stage_variables = serde_json::json!({"a": "1", "b": "x\"y"});
        with_vars.binary_media_types = vec!["image/*".into()];
        let mut http_vars = api_data(ApiKind::Http, "beta");
        http_vars.stage_variables = serde_json::json!({"v": "1"});
        vec![api_data(ApiKind::Rest, "Prod"), with_vars, api_data(ApiKind::Http, "$default"), http_vars]
    }

    #[test]
    fn the_bytes_are_the_value_events_serialized() {
        let mut without_op = route_data("/dogs/{id}", "GET /dogs/{id}");
        without_op.operation_name = None;
        let routes = [route_data("/dogs/{id}", "GET /dogs/{id}"), without_op];
        let mut checked = 0;
        for (method, path, query, h, body, params) in cases() {
            for g in granted() {
                let mut req = request(&method, path, query, &h, &body, &params);
                req.granted = g.as_ref();
                for api in apis() {
                    for route in &routes {
                        let want = serde_json::to_vec(&value_v1::build(&req, &api, route)).unwrap();
                        let got = v1(&req, &api, route);
                        assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want), "v1 {path}");
                        if api.kind == ApiKind::Http {
                            let want = serde_json::to_vec(&value_v2::build(&req, &api, route)).unwrap();
                            let got = v2(&req, &api, route);
                            assert_eq!(String::from_utf8_lossy(&got), String::from_utf8_lossy(&want), "v2 {path}");
                        }
                        checked += 1;
                    }
                }
            }
        }
        assert_eq!(checked, 5 * 3 * 4 * 2);
    }

    #[test]
    fn a_source_ip_of_v6_and_no_host_are_written_like_the_values() {
        let h = headers(&[]);
        let mut req = request(&Method::GET, "/", "", &h, b"", &[]);
        req.source_ip = "2001:db8::5".parse().unwrap();
        for api in apis() {
            let route = route_data("/", "$default");
            assert_eq!(v1(&req, &api, &route), serde_json::to_vec(&value_v1::build(&req, &api, &route)).unwrap());
            assert_eq!(v2(&req, &api, &route), serde_json::to_vec(&value_v2::build(&req, &api, &route)).unwrap());
        }
    }
}
