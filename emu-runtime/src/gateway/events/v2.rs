//! The HTTP API payload format 2.0 event (`ApiGatewayV2httpRequest`).
//! Lower-cased headers with repeated values comma-joined, `cookies` split out, optional keys omitted when empty.

use serde_json::{Map, Value};

use super::{
    ApiData, RequestInfo, RouteData, domain_name, domain_prefix, encode_body, gateway_headers, header_str,
    is_gateway_header, object, user_agent,
};
use super::{ip_string, parse_query, percent_decode};
use crate::aws::ACCOUNT_ID;
use crate::clock;
use crate::gateway::routes::collapse_leading_slashes;

/// Builds the payload 2.0 event. `rawPath`, `http.path` and `pathParameters` are decoded, as HTTP APIs send them.
pub(crate) fn build(req: &RequestInfo<'_>, api: &ApiData, route: &RouteData) -> Value {
    let mut headers = Map::new();
    let mut cookies: Vec<Value> = Vec::new();
    for name in req.headers.keys().filter(|n| !is_gateway_header(n.as_str())) {
        if name == http::header::COOKIE {
            for v in req.headers.get_all(name) {
                cookies.extend(
                    header_str(v)
                        .split(';')
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(|c| Value::String(c.to_owned())),
                );
            }
            continue;
        }
        let mut joined = String::new();
        for (i, v) in req.headers.get_all(name).iter().enumerate() {
            if i > 0 {
                joined.push(',');
            }
            joined.push_str(&header_str(v));
        }
        headers.insert(name.as_str().to_owned(), Value::String(joined));
    }
    let source_ip = ip_string(req.source_ip);
    for (name, value) in gateway_headers(req, &source_ip) {
        headers.insert(name.to_owned(), Value::String(value));
    }

    // As on REST: the slashes leading the resource path are collapsed, interior ones kept (not observed on HTTP APIs).
    let decoded_path = percent_decode(collapse_leading_slashes(req.path));
    let mut raw_path = String::with_capacity(api.stage_path.len() + decoded_path.len());
    raw_path.push_str(&api.stage_path);
    raw_path.push_str(&decoded_path);
    let domain = domain_name(req.headers);
    let domain_prefix = domain_prefix(&domain);

    let s = |v: &str| Value::String(v.to_owned());
    let http = object([
        ("method", s(req.method.as_str())),
        ("path", s(&raw_path)),
        ("protocol", s(req.protocol)),
        ("sourceIp", Value::String(source_ip)),
        ("userAgent", user_agent(req.headers)),
    ]);
    let mut ctx = object([
        ("accountId", s(ACCOUNT_ID)),
        ("apiId", s(&api.api_id)),
        ("domainName", Value::String(domain)),
        ("domainPrefix", Value::String(domain_prefix)),
        ("http", Value::Object(http)),
        ("requestId", s(req.request_id)),
        ("routeKey", s(&route.route_key)),
        ("stage", s(&api.stage)),
        ("time", Value::String(clock::clf_time(req.epoch_ms))),
        ("timeEpoch", Value::from(req.epoch_ms)),
    ]);
    if let Some(g) = req.granted {
        if let Some(a) = &g.authorizer {
            ctx.insert("authorizer".into(), a.clone());
        } else if let Some(akid) = &g.iam_access_key {
            ctx.insert("authorizer".into(), iam_authorizer(akid));
        }
    }
    let (body, is_b64) = encode_body(api, req.headers, req.body);

    // The keys every event has; the optional ones are inserted below when they apply.
    let mut e = object([
        ("headers", Value::Object(headers)),
        ("isBase64Encoded", Value::Bool(is_b64)),
        ("rawPath", Value::String(raw_path)),
        ("rawQueryString", s(req.raw_query)),
        ("requestContext", Value::Object(ctx)),
        ("routeKey", s(&route.route_key)),
        ("version", s("2.0")),
    ]);
    if !cookies.is_empty() {
        e.insert("cookies".into(), Value::Array(cookies));
    }
    let pairs = parse_query(req.raw_query);
    if !pairs.is_empty() {
        let mut q: Map<String, Value> = Map::new();
        for (k, v) in pairs {
            match q.get_mut(&k) {
                Some(Value::String(s)) => {
                    s.push(',');
                    s.push_str(&v);
                }
                _ => {
                    q.insert(k, Value::String(v));
                }
            }
        }
        e.insert("queryStringParameters".into(), Value::Object(q));
    }
    if !req.params.is_empty() {
        e.insert(
            "pathParameters".into(),
            Value::Object(
                req.params
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), Value::String(percent_decode(v).into_owned())))
                    .collect(),
            ),
        );
    }
    if !api.stage_variables.is_null() {
        e.insert("stageVariables".into(), api.stage_variables.clone());
    }
    if let Some(b) = body {
        e.insert("body".into(), Value::String(b.into_owned()));
    }
    Value::Object(e)
}

/// `requestContext.authorizer.iam` for an `AWS_IAM` route: the signer's access key in the emulated account (the
/// caller and user ids are the access key: which IAM user owns it only AWS knows).
fn iam_authorizer(akid: &str) -> Value {
    serde_json::json!({ "iam": {
        "accessKey": akid,
        "accountId": ACCOUNT_ID,
        "callerId": akid,
        "cognitoIdentity": null,
        "principalOrgId": null,
        "userArn": format!("arn:aws:iam::{ACCOUNT_ID}:user/{akid}"),
        "userId": akid,
    }})
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::events::test_support::*;
    use emu_template::ApiKind;
    use http::Method;
    use serde_json::json;

    #[test]
    fn headers_are_joined_and_cookies_split_out() {
        let h = headers(&[("x-a", "1"), ("x-a", "2"), ("cookie", "a=1; b=2"), ("cookie", "c=3")]);
        let req = request(&Method::PUT, "/x", "", &h, b"", &[]);
        let e = build(&req, &api_data(ApiKind::Http, "$default"), &route_data("/x", "ANY /x"));
        assert_eq!(e["headers"]["x-a"], "1,2");
        assert!(e["headers"].get("cookie").is_none());
        assert_eq!(e["cookies"], json!(["a=1", "b=2", "c=3"]));
        assert_eq!(e["routeKey"], "ANY /x");
        assert_eq!(e["requestContext"]["routeKey"], "ANY /x");
        assert_eq!(e["requestContext"]["http"]["method"], "PUT");
        assert_eq!(e["requestContext"]["time"], "15/May/2020:06:01:09 +0000");
        for absent in ["queryStringParameters", "pathParameters", "stageVariables", "body"] {
            assert!(e.get(absent).is_none(), "{absent}");
        }
    }

    #[test]
    fn query_raw_and_comma_joined_path_decoded_stage_in_raw_path() {
        let h = headers(&[]);
        let params = [("proxy", "a%20b/c".to_owned())];
        let req = request(&Method::GET, "/p/a%20b/c", "x=1&x=2&y=a%2Bb", &h, b"hi", &params);
        let e = build(&req, &api_data(ApiKind::Http, "beta"), &route_data("/p/{proxy+}", "GET /p/{proxy+}"));
        assert_eq!(e["rawQueryString"], "x=1&x=2&y=a%2Bb");
        assert_eq!(e["queryStringParameters"], json!({"x": "1,2", "y": "a+b"}));
        assert_eq!(e["pathParameters"], json!({"proxy": "a b/c"}));
        assert_eq!(e["rawPath"], "/beta/p/a b/c");
        assert_eq!(e["body"], "hi");
        assert_eq!(e["isBase64Encoded"], false);
        assert_eq!(e["requestContext"]["stage"], "beta");
    }
}
