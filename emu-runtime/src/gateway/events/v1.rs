//! The REST API / payload format 1.0 event (`ApiGatewayProxyRequest`), also sent by HTTP API routes with payload 1.0.
//! Header names are lower case (HTTP/1 servers do not keep the client's casing); every value is kept in `multiValueHeaders`.

use std::sync::LazyLock;

use emu_template::ApiKind;
use serde_json::{Map, Value};

use super::{
    ApiData, RequestInfo, RouteData, domain_name, domain_prefix, encode_body, gateway_headers, header_str,
    is_gateway_header, object, user_agent,
};
use super::{ip_string, parse_query, percent_decode};
use crate::aws::ACCOUNT_ID;
use crate::clock;
use crate::gateway::routes::collapse_leading_slashes;

/// `requestContext.identity` with its `null`s; `sourceIp` and `userAgent` are set per request.
static IDENTITY: LazyLock<Map<String, Value>> = LazyLock::new(|| {
    object([
        ("accessKey", Value::Null),
        ("accountId", Value::Null),
        ("apiKey", Value::Null),
        ("apiKeyId", Value::Null),
        ("caller", Value::Null),
        ("cognitoAuthenticationProvider", Value::Null),
        ("cognitoAuthenticationType", Value::Null),
        ("cognitoIdentityId", Value::Null),
        ("cognitoIdentityPoolId", Value::Null),
        ("sourceIp", Value::Null),
        ("user", Value::Null),
        ("userAgent", Value::Null),
        ("userArn", Value::Null),
    ])
});

/// Builds the payload 1.0 event. REST keeps `path` and `pathParameters` percent-encoded as AWS does;
/// HTTP APIs decode them and add `version: "1.0"`.
pub(crate) fn build(req: &RequestInfo<'_>, api: &ApiData, route: &RouteData) -> Value {
    let http_api = api.kind == ApiKind::Http;
    let source_ip = ip_string(req.source_ip);
    let (headers, multi_headers) = header_maps(req, &source_ip);

    let (query, multi_query) = if req.raw_query.is_empty() {
        (Value::Null, Value::Null)
    } else {
        let pairs = parse_query(req.raw_query);
        if pairs.is_empty() {
            (Value::Null, Value::Null)
        } else {
            let mut single = Map::new();
            let mut multi: Map<String, Value> = Map::new();
            for (k, v) in pairs {
                match multi.get_mut(&k) {
                    Some(Value::Array(a)) => a.push(Value::String(v.clone())),
                    _ => {
                        multi.insert(k.clone(), Value::Array(vec![Value::String(v.clone())]));
                    }
                }
                single.insert(k, Value::String(v));
            }
            (Value::Object(single), Value::Object(multi))
        }
    };

    let path_params = if req.params.is_empty() {
        Value::Null
    } else {
        Value::Object(
            req.params
                .iter()
                .map(|(k, v)| {
                    let v = if http_api { percent_decode(v).into_owned() } else { v.clone() };
                    ((*k).to_owned(), Value::String(v))
                })
                .collect(),
        )
    };

    // `path` loses the slashes leading the resource path (`/Prod//dogs` -> `/dogs`); `requestContext.path` keeps them.
    let resource_path = collapse_leading_slashes(req.path);
    let path = if http_api { percent_decode(resource_path).into_owned() } else { resource_path.to_owned() };
    let raw = if http_api { percent_decode(req.path).into_owned() } else { req.path.to_owned() };
    let (body, is_b64) = encode_body(api, req.headers, req.body);
    let domain = domain_name(req.headers);
    let method = req.method.as_str();

    let s = |v: &str| Value::String(v.to_owned());
    // 11 of its 13 keys are always `null`: cloning them costs less than building them.
    let mut identity = IDENTITY.clone();
    for (key, value) in [("sourceIp", Value::String(source_ip)), ("userAgent", user_agent(req.headers))] {
        if let Some(slot) = identity.get_mut(key) {
            *slot = value;
        }
    }
    if let Some(g) = req.granted {
        fill_identity(&mut identity, g);
    }

    let domain_prefix = domain_prefix(&domain);
    let mut ctx_path = String::with_capacity(api.stage_path.len() + raw.len());
    ctx_path.push_str(&api.stage_path);
    ctx_path.push_str(&raw);
    let mut ctx = object([
        ("accountId", s(ACCOUNT_ID)),
        ("apiId", s(&api.api_id)),
        ("domainName", Value::String(domain)),
        ("domainPrefix", Value::String(domain_prefix)),
        ("extendedRequestId", s(req.request_id)),
        ("httpMethod", s(method)),
        ("identity", Value::Object(identity)),
        ("path", Value::String(ctx_path)),
        ("protocol", s(req.protocol)),
        ("requestId", s(req.request_id)),
        ("requestTime", Value::String(clock::clf_time(req.epoch_ms))),
        ("requestTimeEpoch", Value::from(req.epoch_ms)),
        ("resourceId", s(&route.resource_id)),
        ("resourcePath", s(&route.resource)),
        ("stage", s(&api.stage)),
    ]);
    if let (Some(op), false) = (&route.operation_name, http_api) {
        ctx.insert("operationName".into(), s(op));
    }
    if let Some(a) = req.granted.and_then(|g| g.authorizer.clone()) {
        ctx.insert("authorizer".into(), a);
    }

    let mut event = object([
        ("body", body.map_or(Value::Null, |b| Value::String(b.into_owned()))),
        ("headers", Value::Object(headers)),
        ("httpMethod", s(method)),
        ("isBase64Encoded", Value::Bool(is_b64)),
        ("multiValueHeaders", Value::Object(multi_headers)),
        ("multiValueQueryStringParameters", multi_query),
        ("path", Value::String(path)),
        ("pathParameters", path_params),
        ("queryStringParameters", query),
        ("requestContext", Value::Object(ctx)),
        ("resource", s(&route.resource)),
        ("stageVariables", api.stage_variables.clone()),
    ]);
    if http_api {
        event.insert("version".into(), s("1.0"));
    }
    Value::Object(event)
}

/// `identity.apiKey`/`apiKeyId` for a route that required a key; for `AWS_IAM`, the signer's access key and the
/// emulated account's caller fields (the user is the access key's owner, which only AWS knows).
fn fill_identity(identity: &mut Map<String, Value>, g: &crate::gateway::auth::Granted) {
    let mut set = |k: &str, v: Value| {
        if let Some(slot) = identity.get_mut(k) {
            *slot = v;
        }
    };
    if let Some((key, id)) = &g.api_key {
        set("apiKey", Value::String(key.clone()));
        set("apiKeyId", Value::String(id.clone()));
    }
    if let Some(akid) = &g.iam_access_key {
        set("accessKey", Value::String(akid.clone()));
        set("accountId", Value::String(ACCOUNT_ID.to_owned()));
        set("caller", Value::String(akid.clone()));
        set("user", Value::String(akid.clone()));
        set("userArn", Value::String(format!("arn:aws:iam::{ACCOUNT_ID}:user/{akid}")));
    }
}

/// `headers` (the last value of each header: AWS docs, "Input format of a Lambda function for proxy integration")
/// and `multiValueHeaders` (every value), with the headers API Gateway adds in place of the client's.
fn header_maps(req: &RequestInfo<'_>, source_ip: &str) -> (Map<String, Value>, Map<String, Value>) {
    let mut single = Map::new();
    let mut multi = Map::new();
    for name in req.headers.keys().filter(|n| !is_gateway_header(n.as_str())) {
        let all: Vec<Value> =
            req.headers.get_all(name).iter().map(|v| Value::String(header_str(v).into_owned())).collect();
        if let Some(last) = all.last() {
            single.insert(name.as_str().to_owned(), last.clone());
        }
        multi.insert(name.as_str().to_owned(), Value::Array(all));
    }
    for (name, value) in gateway_headers(req, source_ip) {
        single.insert(name.to_owned(), Value::String(value.clone()));
        multi.insert(name.to_owned(), Value::Array(vec![Value::String(value)]));
    }
    (single, multi)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::events::test_support::*;
    use http::Method;
    use serde_json::json;

    #[test]
    fn rest_event_keeps_encoding_and_prefixes_the_stage_in_request_context() {
        let h = headers(&[("accept", "a"), ("accept", "b"), ("user-agent", "ua/1")]);
        let params = [("id", "a%20b".to_owned())];
        let req = request(&Method::GET, "/dogs/a%20b", "q=1&q=2&e", &h, b"", &params);
        let e = build(&req, &api_data(ApiKind::Rest, "Prod"), &route_data("/dogs/{id}", "GET /dogs/{id}"));
        assert_eq!(e["path"], "/dogs/a%20b");
        assert_eq!(e["pathParameters"], json!({"id": "a%20b"}));
        assert_eq!(e["headers"]["accept"], "b");
        assert_eq!(e["multiValueHeaders"]["accept"], json!(["a", "b"]));
        assert_eq!(e["queryStringParameters"], json!({"q": "2", "e": ""}));
        assert_eq!(e["multiValueQueryStringParameters"], json!({"q": ["1", "2"], "e": [""]}));
        assert_eq!(e["body"], Value::Null);
        assert_eq!(e["stageVariables"], Value::Null);
        let c = &e["requestContext"];
        assert_eq!(c["path"], "/Prod/dogs/a%20b");
        assert_eq!(c["requestTime"], "15/May/2020:06:01:09 +0000");
        assert_eq!(c["requestTimeEpoch"], 1_589_522_469_693u64);
        assert_eq!(c["identity"]["sourceIp"], "10.0.0.1");
        assert_eq!(c["identity"]["userAgent"], "ua/1");
        assert_eq!(c["operationName"], "getDog");
        assert_eq!(c["domainName"], "localhost");
        assert!(e.get("version").is_none());
    }

    #[test]
    fn http_api_payload_1_decodes_and_has_a_version() {
        let h = headers(&[]);
        let params = [("id", "a%20b".to_owned())];
        let req = request(&Method::GET, "/dogs/a%20b", "", &h, b"", &params);
        let e = build(&req, &api_data(ApiKind::Http, "$default"), &route_data("/dogs/{id}", "GET /dogs/{id}"));
        assert_eq!(e["version"], "1.0");
        assert_eq!(e["path"], "/dogs/a b");
        assert_eq!(e["pathParameters"]["id"], "a b");
        assert_eq!(e["queryStringParameters"], Value::Null);
        assert_eq!(e["requestContext"]["path"], "/dogs/a b");
        assert!(e["requestContext"].get("operationName").is_none(), "never for HTTP APIs");
    }
}
