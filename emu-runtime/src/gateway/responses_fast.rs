//! The function's output parsed from its JSON bytes into borrowed structs, for the shapes handlers return
//! (string headers, a string body): no `serde_json::Value` tree. Anything else returns `None` for the `Value` parser.
//!
//! Same result as `parse_value` on every output it accepts (the tests of `responses.rs` run both): object keys are
//! visited in byte order, as `serde_json::Map` orders them, and a duplicate key, a number or boolean header value,
//! an unknown REST key or an out-of-range status all fall back, so every error message stays the `Value` parser's.

use std::borrow::Cow;

use bytes::Bytes;
use http::StatusCode;
use serde::Deserialize;

use super::{GatewayResponse, ResponseFormat, body, default_content_type, push_header, status_code};

/// A JSON string, borrowed from the output when it has no escapes (serde's own `Cow<str>` always copies).
#[derive(Debug, Clone, PartialEq)]
struct Text<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Text<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: serde::de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(Text(Cow::Owned(v)))
            }
        }
        d.deserialize_str(Visit)
    }
}

/// A JSON object as its `(key, value)` pairs, in document order.
type Pairs<'a, V> = Vec<(Text<'a>, V)>;

/// A JSON object read as pairs (a map's duplicate keys are kept here and sorted out in [`by_key`]).
#[derive(Debug)]
struct Obj<'a, V>(Pairs<'a, V>);

impl<'de: 'a, 'a, V: Deserialize<'de>> Deserialize<'de> for Obj<'a, V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visit<'a, V>(std::marker::PhantomData<(&'a (), V)>);
        impl<'de: 'a, 'a, V: Deserialize<'de>> serde::de::Visitor<'de> for Visit<'a, V> {
            type Value = Obj<'a, V>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::with_capacity(map.size_hint().unwrap_or(4));
                while let Some((k, v)) = map.next_entry::<Text<'de>, V>()? {
                    pairs.push((k, v));
                }
                Ok(Obj(pairs))
            }
        }
        d.deserialize_map(Visit(std::marker::PhantomData))
    }
}

/// The pairs sorted by key with the last of each key kept, as inserting them into a `serde_json::Map` would.
fn by_key<V>(mut pairs: Pairs<'_, V>) -> Pairs<'_, V> {
    pairs.sort_by(|a, b| a.0.0.cmp(&b.0.0));
    let mut out: Pairs<'_, V> = Vec::with_capacity(pairs.len());
    for (k, v) in pairs {
        match out.last_mut() {
            Some(last) if last.0 == k => last.1 = v,
            _ => out.push((k, v)),
        }
    }
    out
}

/// Payload 1.0 output with string headers and body; unknown keys are ignored (HTTP API 1.0 ignores them).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OutputV1<'a> {
    status_code: u64,
    #[serde(borrow)]
    headers: Option<Obj<'a, Text<'a>>>,
    #[serde(borrow)]
    multi_value_headers: Option<Obj<'a, Vec<Text<'a>>>>,
    #[serde(borrow)]
    body: Option<Text<'a>>,
    is_base64_encoded: Option<bool>,
}

/// The same, refusing unknown keys (a REST API accepts only these five).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct StrictV1<'a> {
    status_code: u64,
    #[serde(borrow)]
    headers: Option<Obj<'a, Text<'a>>>,
    #[serde(borrow)]
    multi_value_headers: Option<Obj<'a, Vec<Text<'a>>>>,
    #[serde(borrow)]
    body: Option<Text<'a>>,
    is_base64_encoded: Option<bool>,
}

impl<'a> From<StrictV1<'a>> for OutputV1<'a> {
    fn from(s: StrictV1<'a>) -> OutputV1<'a> {
        OutputV1 {
            status_code: s.status_code,
            headers: s.headers,
            multi_value_headers: s.multi_value_headers,
            body: s.body,
            is_base64_encoded: s.is_base64_encoded,
        }
    }
}

/// Payload 2.0 output in the full format (with `statusCode`); the simple format is the `Value` parser's.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct OutputV2<'a> {
    status_code: u64,
    #[serde(borrow)]
    headers: Option<Obj<'a, Text<'a>>>,
    #[serde(borrow)]
    cookies: Option<Vec<Text<'a>>>,
    #[serde(borrow)]
    body: Option<Text<'a>>,
    is_base64_encoded: Option<bool>,
}

/// `output` parsed for `format`, or `None` when it is not of the usual shape (the caller then parses a `Value`).
pub(super) fn parse(output: &[u8], format: ResponseFormat) -> Option<GatewayResponse> {
    match format {
        ResponseFormat::RestV1 => v1(serde_json::from_slice::<StrictV1<'_>>(output).ok()?.into()),
        ResponseFormat::HttpV1 => v1(serde_json::from_slice::<OutputV1<'_>>(output).ok()?),
        ResponseFormat::HttpV2 => v2(serde_json::from_slice::<OutputV2<'_>>(output).ok()?),
    }
}

fn status(n: u64) -> Option<StatusCode> {
    status_code(Some(&serde_json::Value::from(n))).ok()
}

fn finish(mut res: GatewayResponse, body_text: Option<Cow<'_, str>>, b64: bool) -> Option<GatewayResponse> {
    res.body = match body_text {
        None => Bytes::new(),
        Some(text) if b64 => body(Some(serde_json::Value::String(text.into_owned())), true).ok()?,
        Some(Cow::Owned(text)) => Bytes::from(text),
        Some(Cow::Borrowed(text)) => Bytes::copy_from_slice(text.as_bytes()),
    };
    res.base64 = b64;
    default_content_type(&mut res);
    Some(res)
}

fn v1(out: OutputV1<'_>) -> Option<GatewayResponse> {
    let mut res = GatewayResponse { status: status(out.status_code)?, ..Default::default() };
    let multi = out.multi_value_headers.map(|m| by_key(m.0)).unwrap_or_default();
    for (name, values) in &multi {
        for v in values {
            push_header(&mut res.headers, &name.0, &v.0);
        }
    }
    for (name, v) in out.headers.map(|m| by_key(m.0)).unwrap_or_default() {
        let dup = multi.iter().any(|(k, vs)| k.0.eq_ignore_ascii_case(&name.0) && vs.contains(&v));
        if !dup {
            push_header(&mut res.headers, &name.0, &v.0);
        }
    }
    let b64 = out.is_base64_encoded.unwrap_or(false);
    finish(res, out.body.map(|t| t.0), b64)
}

fn v2(out: OutputV2<'_>) -> Option<GatewayResponse> {
    let mut res = GatewayResponse { status: status(out.status_code)?, ..Default::default() };
    for (name, v) in out.headers.map(|m| by_key(m.0)).unwrap_or_default() {
        push_header(&mut res.headers, &name.0, &v.0);
    }
    for c in out.cookies.unwrap_or_default() {
        push_header(&mut res.headers, "set-cookie", &c.0);
    }
    let b64 = out.is_base64_encoded.unwrap_or(false);
    finish(res, out.body.map(|t| t.0), b64)
}
