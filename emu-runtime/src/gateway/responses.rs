//! Turns a function's JSON output into the HTTP response API Gateway would send, for payload 1.0 and 2.0.
//! A tolerant parser over `serde_json::Value`: accepts what AWS accepts (v2 simple responses), rejects what AWS rejects.

use std::fmt;

use base64::Engine as _;
use bytes::Bytes;
use http::{HeaderName, HeaderValue, StatusCode, header};
use serde_json::{Map, Value};

use axum::body::Body;
use emu_template::{ApiKind, PayloadVersion};
use http::{HeaderMap, Response};

use crate::gateway::events::{ApiData, is_binary_type};
use crate::lambda::payload::Payload;

#[path = "responses_fast.rs"]
mod fast;

/// How the output is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ResponseFormat {
    /// REST API Lambda proxy integration (payload 1.0): strict keys.
    RestV1,
    /// HTTP API with payload format 1.0: unknown keys ignored.
    HttpV1,
    /// HTTP API with payload format 2.0: full or simplified format.
    HttpV2,
}

impl ResponseFormat {
    /// How API Gateway reads the output of a route of a `kind` API with payload version `payload`.
    pub(crate) fn of(kind: ApiKind, payload: PayloadVersion) -> ResponseFormat {
        match (kind, payload) {
            (ApiKind::Rest, _) => ResponseFormat::RestV1,
            (ApiKind::Http, PayloadVersion::V1) => ResponseFormat::HttpV1,
            (ApiKind::Http, PayloadVersion::V2) => ResponseFormat::HttpV2,
        }
    }
}

/// A parsed response, ready to send.
#[derive(Debug, Default)]
pub(crate) struct GatewayResponse {
    /// Status code.
    pub(crate) status: StatusCode,
    /// Headers in order; repeated names are separate lines.
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    /// The body (base64-decoded when the output said so).
    pub(crate) body: Bytes,
    /// The output had `isBase64Encoded: true` (the body above is decoded).
    pub(crate) base64: bool,
}

/// Why API Gateway would reject the output ("Malformed Lambda proxy response").
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct InvalidResponse(pub(crate) String);

impl fmt::Display for InvalidResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Malformed Lambda proxy response: {}", self.0)
    }
}

impl std::error::Error for InvalidResponse {}

fn bad(msg: impl Into<String>) -> InvalidResponse {
    InvalidResponse(msg.into())
}

const V1_KEYS: [&str; 5] = ["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"];

/// Parses `output` as API Gateway does for `format`: JSON bytes through borrowed structs (`fast.rs`) when they
/// have the usual shape, anything else (and a `Value` output) through the tolerant `Value` parser below.
pub(crate) fn parse(output: Payload, format: ResponseFormat) -> Result<GatewayResponse, InvalidResponse> {
    let output = match output {
        Payload::Value(v) => v,
        Payload::Json(bytes) => {
            if let Some(res) = fast::parse(&bytes, format) {
                return Ok(res);
            }
            serde_json::from_slice(&bytes).map_err(|e| bad(format!("the output is not JSON: {e}")))?
        }
    };
    parse_value(output, format)
}

/// Parses a `Value` output as API Gateway does for `format`.
pub(crate) fn parse_value(output: Value, format: ResponseFormat) -> Result<GatewayResponse, InvalidResponse> {
    match format {
        ResponseFormat::RestV1 | ResponseFormat::HttpV1 => parse_v1(output, format == ResponseFormat::RestV1),
        ResponseFormat::HttpV2 => parse_v2(output),
    }
}

impl GatewayResponse {
    /// The HTTP response API Gateway sends for this output on `api`, for a request with headers `req`.
    ///
    /// REST: AWS converts a base64 output to binary only for a binary media type of the API; otherwise the client
    /// gets the base64 text (the classic "my image is base64 in production" surprise), with a warning here.
    pub(crate) fn into_http(mut self, format: ResponseFormat, api: &ApiData, req: &HeaderMap) -> Response<Body> {
        if format == ResponseFormat::RestV1 && self.base64 && !rest_binary_response(api, req, &self) {
            tracing::warn!(
                "isBase64Encoded is true but neither the response Content-Type nor the request's Accept is one of the \
                 API's BinaryMediaTypes: API Gateway sends the base64 text, not the bytes"
            );
            self.body = base64::engine::general_purpose::STANDARD.encode(&self.body).into();
        }
        let mut res = Response::new(Body::from(self.body));
        *res.status_mut() = self.status;
        let h = res.headers_mut();
        for (n, v) in self.headers {
            h.append(n, v);
        }
        res
    }
}

/// REST: whether API Gateway converts a base64 output to binary: the response `Content-Type`, or the first media type
/// of the request's `Accept`, is one of the API's binary media types.
fn rest_binary_response(api: &ApiData, req: &HeaderMap, res: &GatewayResponse) -> bool {
    let types = &api.binary_media_types;
    if types.is_empty() {
        return false;
    }
    let media = |v: &HeaderValue| -> Option<String> {
        let s = v.to_str().ok()?;
        let first = s.split(',').next()?.split(';').next()?.trim().to_ascii_lowercase();
        Some(first)
    };
    let content_type = res.headers.iter().find(|(n, _)| n == header::CONTENT_TYPE).and_then(|(_, v)| media(v));
    let accept = req.get(header::ACCEPT).and_then(media);
    [content_type, accept].into_iter().flatten().any(|m| is_binary_type(&m, types))
}

fn parse_v1(output: Value, strict: bool) -> Result<GatewayResponse, InvalidResponse> {
    let Value::Object(mut obj) = output else {
        return Err(bad(format!("the output must be a JSON object with a statusCode, got {}", kind(&output))));
    };
    if strict && let Some(k) = obj.keys().find(|k| !V1_KEYS.contains(&k.as_str())) {
        return Err(bad(format!(
            "unexpected key `{k}` (a REST API accepts only statusCode, headers, multiValueHeaders, body, isBase64Encoded)"
        )));
    }
    let status = status_code(obj.get("statusCode"))?;
    let mut res = GatewayResponse { status, ..Default::default() };
    // multiValueHeaders first; then each `headers` entry unless that exact value is already there (AWS merge rule).
    let multi = match obj.remove("multiValueHeaders") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m,
        Some(v) => return Err(bad(format!("multiValueHeaders must be an object, got {}", kind(&v)))),
    };
    for (name, values) in &multi {
        let Value::Array(values) = values else {
            return Err(bad(format!("multiValueHeaders.{name} must be an array")));
        };
        for v in values {
            push_header(&mut res.headers, name, &scalar(v, name)?);
        }
    }
    for (name, v) in header_map(obj.remove("headers"))? {
        let v = scalar(&v, &name)?;
        let dup = multi.iter().any(|(k, vs)| {
            k.eq_ignore_ascii_case(&name)
                && vs.as_array().is_some_and(|a| a.iter().any(|x| scalar(x, k).is_ok_and(|x| x == v)))
        });
        if !dup {
            push_header(&mut res.headers, &name, &v);
        }
    }
    let b64 = flag(obj.get("isBase64Encoded"))?;
    res.body = body(obj.remove("body"), b64)?;
    res.base64 = b64;
    default_content_type(&mut res);
    Ok(res)
}

fn parse_v2(output: Value) -> Result<GatewayResponse, InvalidResponse> {
    let mut obj = match output {
        Value::Object(obj) if obj.contains_key("statusCode") => obj,
        other => {
            // Simplified format: any valid JSON without statusCode is a 200 application/json body.
            let text = serde_json::to_string(&other).map_err(|e| bad(e.to_string()))?;
            let mut res = GatewayResponse { status: StatusCode::OK, body: Bytes::from(text), ..Default::default() };
            default_content_type(&mut res);
            return Ok(res);
        }
    };
    let status = status_code(obj.get("statusCode"))?;
    let mut res = GatewayResponse { status, ..Default::default() };
    for (name, v) in header_map(obj.remove("headers"))? {
        push_header(&mut res.headers, &name, &scalar(&v, &name)?);
    }
    match obj.remove("cookies") {
        None | Some(Value::Null) => {}
        Some(Value::Array(cookies)) => {
            for c in cookies {
                let Value::String(c) = c else { return Err(bad("cookies must be an array of strings")) };
                push_header(&mut res.headers, "set-cookie", &c);
            }
        }
        Some(v) => return Err(bad(format!("cookies must be an array of strings, got {}", kind(&v)))),
    }
    let b64 = flag(obj.get("isBase64Encoded"))?;
    res.body = body(obj.remove("body"), b64)?;
    res.base64 = b64;
    default_content_type(&mut res);
    Ok(res)
}

/// `a string`, `an object`, ...: a JSON value's type as error messages name it.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

pub(super) fn status_code(v: Option<&Value>) -> Result<StatusCode, InvalidResponse> {
    let n = match v {
        Some(Value::Number(n)) => n.as_u64().ok_or_else(|| bad(format!("statusCode must be an integer, got {n}")))?,
        None => return Err(bad("statusCode is missing")),
        Some(v) => return Err(bad(format!("statusCode must be an integer, got {}", kind(v)))),
    };
    u16::try_from(n)
        .ok()
        .filter(|n| (100..=599).contains(n))
        .and_then(|n| StatusCode::from_u16(n).ok())
        .ok_or_else(|| bad(format!("statusCode {n} is not an HTTP status (100-599)")))
}

fn header_map(v: Option<Value>) -> Result<Map<String, Value>, InvalidResponse> {
    match v {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(m)) => Ok(m),
        Some(v) => Err(bad(format!("headers must be an object, got {}", kind(&v)))),
    }
}

/// A header value: strings as is, numbers and booleans as their JSON text.
fn scalar(v: &Value, name: &str) -> Result<String, InvalidResponse> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(bad(format!("header `{name}` must be a string, got {}", kind(other)))),
    }
}

fn flag(v: Option<&Value>) -> Result<bool, InvalidResponse> {
    match v {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(v) => Err(bad(format!("isBase64Encoded must be a boolean, got {}", kind(v)))),
    }
}

pub(super) fn body(v: Option<Value>, b64: bool) -> Result<Bytes, InvalidResponse> {
    match v {
        None | Some(Value::Null) => Ok(Bytes::new()),
        Some(Value::String(s)) if b64 => base64::engine::general_purpose::STANDARD
            .decode(s.trim())
            .map(Bytes::from)
            .map_err(|e| bad(format!("isBase64Encoded is true but body is not valid base64: {e}"))),
        Some(Value::String(s)) => Ok(Bytes::from(s)),
        Some(v) => Err(bad(format!("body must be a string, got {} (serialize it first)", kind(&v)))),
    }
}

pub(super) fn push_header(headers: &mut Vec<(HeaderName, HeaderValue)>, name: &str, value: &str) {
    let (Ok(n), Ok(v)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) else {
        tracing::warn!(header = name, "dropping a response header that is not valid HTTP");
        return;
    };
    // The server computes framing itself, as API Gateway does.
    if n == header::CONTENT_LENGTH || n == header::TRANSFER_ENCODING || n == header::CONNECTION {
        return;
    }
    headers.push((n, v));
}

pub(super) fn default_content_type(res: &mut GatewayResponse) {
    if !res.headers.iter().any(|(n, _)| n == header::CONTENT_TYPE) {
        res.headers.push((header::CONTENT_TYPE, HeaderValue::from_static("application/json")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Parses `v` as a `Value` and from its bytes (the borrowed structs of `responses_fast.rs` or the fallback),
    /// checking that both give the same response or the same error.
    fn parse(v: Value, format: ResponseFormat) -> Result<GatewayResponse, InvalidResponse> {
        let by_value = super::parse_value(v.clone(), format);
        let by_bytes = super::parse(Payload::from(serde_json::to_vec(&v).unwrap()), format);
        assert_eq!(format!("{by_value:?}"), format!("{by_bytes:?}"), "{v}");
        by_value
    }

    #[test]
    fn usual_outputs_take_the_borrowed_path_and_unusual_ones_the_value_parser() {
        let usual = br#"{"statusCode":200,"headers":{"content-type":"text/plain"},"body":"hi \u00e9"}"#;
        for f in [ResponseFormat::RestV1, ResponseFormat::HttpV1, ResponseFormat::HttpV2] {
            assert_eq!(fast::parse(usual, f).map(|r| r.body), Some(Bytes::from("hi \u{e9}")), "{f:?}");
        }
        for unusual in [&br#"{"statusCode":200,"headers":{"x-n":1}}"#[..], br#"{"statusCode":"200"}"#, br#"[1]"#] {
            assert!(fast::parse(unusual, ResponseFormat::HttpV2).is_none());
        }
        assert!(fast::parse(br#"{"statusCode":200,"extra":1}"#, ResponseFormat::RestV1).is_none(), "strict keys");
        assert!(fast::parse(br#"{"statusCode":200,"extra":1}"#, ResponseFormat::HttpV1).is_some());
    }

    fn values(r: &GatewayResponse, name: &str) -> Vec<String> {
        r.headers.iter().filter(|(n, _)| n.as_str() == name).map(|(_, v)| v.to_str().unwrap().to_owned()).collect()
    }

    #[test]
    fn v1_merges_headers_into_multi_value_headers() {
        let r = parse(
            json!({"statusCode": 201, "headers": {"X-A": "1", "X-B": "b"},
                   "multiValueHeaders": {"x-a": ["1", "2"], "Set-Cookie": ["a=1", "b=2"]}, "body": "hi"}),
            ResponseFormat::RestV1,
        )
        .unwrap();
        assert_eq!(r.status, 201);
        assert_eq!(values(&r, "x-a"), ["1", "2"]);
        assert_eq!(values(&r, "x-b"), ["b"]);
        assert_eq!(values(&r, "set-cookie"), ["a=1", "b=2"]);
        assert_eq!(values(&r, "content-type"), ["application/json"]);
        assert_eq!(r.body, "hi");
    }

    #[test]
    fn v1_decodes_base64_and_rejects_what_api_gateway_rejects() {
        let r =
            parse(json!({"statusCode": 200, "body": "aGk=", "isBase64Encoded": true}), ResponseFormat::RestV1).unwrap();
        assert_eq!(r.body, "hi");
        for bad in [
            json!("str"),
            json!(2),
            json!({"body": "x"}),
            json!({"statusCode": "200"}),
            json!({"statusCode": 99}),
            json!({"statusCode": 200, "foo": "bar"}),
            json!({"statusCode": 200, "body": {"a": 1}}),
            json!({"statusCode": 200, "body": "!!", "isBase64Encoded": true}),
            json!({"statusCode": 200, "headers": {"a": ["x"]}}),
        ] {
            assert!(parse(bad.clone(), ResponseFormat::RestV1).is_err(), "{bad}");
        }
        // HTTP API payload 1.0 ignores unknown keys.
        assert!(parse(json!({"statusCode": 200, "foo": "bar"}), ResponseFormat::HttpV1).is_ok());
    }

    #[test]
    fn v2_simple_format_is_a_json_200() {
        let r = parse(json!({"message": "hi"}), ResponseFormat::HttpV2).unwrap();
        assert_eq!(r.status, 200);
        assert_eq!(r.body, r#"{"message":"hi"}"#);
        assert_eq!(values(&r, "content-type"), ["application/json"]);
        let r = parse(json!("plain"), ResponseFormat::HttpV2).unwrap();
        assert_eq!(r.body, r#""plain""#);
        let r = parse(json!(null), ResponseFormat::HttpV2).unwrap();
        assert_eq!(r.body, "null");
    }

    #[test]
    fn v2_full_format_turns_cookies_into_set_cookie() {
        let r = parse(
            json!({"statusCode": 302, "headers": {"location": "/x", "content-type": "text/plain"},
                   "cookies": ["a=1; Secure", "b=2"], "body": "", "multiValueHeaders": {"x": ["ignored"]}}),
            ResponseFormat::HttpV2,
        )
        .unwrap();
        assert_eq!(r.status, 302);
        assert_eq!(values(&r, "set-cookie"), ["a=1; Secure", "b=2"]);
        assert_eq!(values(&r, "content-type"), ["text/plain"]);
        assert!(values(&r, "x").is_empty());
        assert!(parse(json!({"statusCode": 200, "cookies": "a=1"}), ResponseFormat::HttpV2).is_err());
    }

    #[test]
    fn framing_headers_from_the_function_are_dropped() {
        let r = parse(
            json!({"statusCode": 200, "headers": {"Content-Length": "999"}, "body": "x"}),
            ResponseFormat::RestV1,
        )
        .unwrap();
        assert!(values(&r, "content-length").is_empty());
    }
}
