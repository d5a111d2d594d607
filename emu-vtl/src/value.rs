//! Run-time values: what a reference evaluates to, rendered as Java's `toString()` or as JSON text.
//! Lists and maps are shared (`Rc`) and copied on write; each knows its nesting depth, which is capped.

use std::fmt::Write as _;
use std::rc::Rc;

use indexmap::IndexMap;

use crate::MAX_VALUE_DEPTH;
use crate::budget::Sink;
use crate::error::LimitKind;

/// One value during a render.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    /// Undefined, or Java `null`.
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Rc<str>),
    List(Rc<List>),
    Map(Rc<Map>),
    /// `$foreach`: the innermost loop's state.
    Loop(LoopInfo),
    /// A `#define`d block (an index into the render's blocks): rendered when referenced.
    Block(usize),
}

/// A list: a JSON array read from a body (rendered as JSON, as API Gateway's JSONPath arrays are) or a Velocity
/// list literal (rendered as Java's `[a, b]`).
#[derive(Debug, Clone, Default)]
pub(crate) struct List {
    pub(crate) items: Vec<Value>,
    pub(crate) json: bool,
    pub(crate) depth: u32,
}

/// A map, in insertion order (JSON objects keep their document order).
#[derive(Debug, Clone, Default)]
pub(crate) struct Map {
    pub(crate) entries: IndexMap<String, Value>,
    pub(crate) depth: u32,
}

/// The state `$foreach` exposes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LoopInfo {
    pub(crate) index: usize,
    pub(crate) has_next: bool,
}

impl Value {
    pub(crate) fn str(s: &str) -> Value {
        Value::Str(Rc::from(s))
    }

    pub(crate) fn string(s: String) -> Value {
        Value::Str(Rc::from(s))
    }

    pub(crate) fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// Nesting depth: 0 for a scalar, 1 + the deepest element for a list or map.
    pub(crate) fn depth(&self) -> u32 {
        match self {
            Value::List(l) => l.depth,
            Value::Map(m) => m.depth,
            _ => 0,
        }
    }

    pub(crate) fn list(items: Vec<Value>, json: bool) -> Result<Value, LimitKind> {
        let depth = 1 + items.iter().map(Value::depth).max().unwrap_or(0);
        if depth > MAX_VALUE_DEPTH {
            return Err(LimitKind::ValueDepth);
        }
        Ok(Value::List(Rc::new(List { items, json, depth })))
    }

    pub(crate) fn map(entries: IndexMap<String, Value>) -> Result<Value, LimitKind> {
        let depth = 1 + entries.values().map(Value::depth).max().unwrap_or(0);
        if depth > MAX_VALUE_DEPTH {
            return Err(LimitKind::ValueDepth);
        }
        Ok(Value::Map(Rc::new(Map { entries, depth })))
    }

    /// Velocity 1.7's `#if`: false only for null and `false`; an empty string, list or map is true.
    pub(crate) fn truthy(&self) -> bool {
        !matches!(self, Value::Null | Value::Bool(false))
    }

    pub(crate) fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Int(n) => Some(*n as f64),
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Java's `toString()` as one string (for method arguments and keys).
    pub(crate) fn to_text(&self, sink: &mut Sink<'_>) -> Result<String, LimitKind> {
        if let Value::Str(s) = self {
            return Ok(s.to_string());
        }
        let mut out = sink.child();
        self.write_text(&mut out)?;
        Ok(out.into_string())
    }

    /// Writes Java's `toString()`: strings raw, `[a, b]` lists, `{k=v}` maps, JSON for JSON arrays.
    pub(crate) fn write_text(&self, out: &mut Sink<'_>) -> Result<(), LimitKind> {
        out.charge(1)?;
        match self {
            Value::Null => out.push("null"),
            // Blocks render where they are referenced (`render`); one never reaches here.
            Value::Block(_) => Ok(()),
            Value::Bool(b) => out.push(if *b { "true" } else { "false" }),
            Value::Int(n) => out.push(&n.to_string()),
            Value::Float(f) => out.push(&java_double(*f)),
            Value::Str(s) => out.push(s),
            Value::List(l) if l.json => self.write_json(out),
            Value::List(l) => {
                out.push("[")?;
                for (i, item) in l.items.iter().enumerate() {
                    if i > 0 {
                        out.push(", ")?;
                    }
                    item.write_text(out)?;
                }
                out.push("]")
            }
            Value::Map(m) => {
                out.push("{")?;
                for (i, (k, v)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push(", ")?;
                    }
                    out.push(k)?;
                    out.push("=")?;
                    v.write_text(out)?;
                }
                out.push("}")
            }
            Value::Loop(info) => {
                out.push(&format!("{{index={}, count={}, hasNext={}}}", info.index, info.index + 1, info.has_next))
            }
        }
    }

    /// Writes compact JSON (what `$input.json()` returns).
    pub(crate) fn write_json(&self, out: &mut Sink<'_>) -> Result<(), LimitKind> {
        out.charge(1)?;
        match self {
            Value::Null | Value::Loop(_) | Value::Block(_) => out.push("null"),
            Value::Bool(b) => out.push(if *b { "true" } else { "false" }),
            Value::Int(n) => out.push(&n.to_string()),
            Value::Float(f) => match serde_json::Number::from_f64(*f) {
                Some(n) => out.push(&n.to_string()),
                None => out.push("null"),
            },
            Value::Str(s) => write_json_string(s, out),
            Value::List(l) => {
                out.push("[")?;
                for (i, item) in l.items.iter().enumerate() {
                    if i > 0 {
                        out.push(",")?;
                    }
                    item.write_json(out)?;
                }
                out.push("]")
            }
            Value::Map(m) => {
                out.push("{")?;
                for (i, (k, v)) in m.entries.iter().enumerate() {
                    if i > 0 {
                        out.push(",")?;
                    }
                    write_json_string(k, out)?;
                    out.push(":")?;
                    v.write_json(out)?;
                }
                out.push("}")
            }
        }
    }

    /// A JSON value (a body, `$util.parseJson`, the scope's context) as a value.
    pub(crate) fn from_json(v: &serde_json::Value, depth: u32) -> Result<Value, LimitKind> {
        if depth > MAX_VALUE_DEPTH {
            return Err(LimitKind::ValueDepth);
        }
        Ok(match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => number(n),
            serde_json::Value::String(s) => Value::str(s),
            serde_json::Value::Array(items) => {
                Value::list(items.iter().map(|i| Value::from_json(i, depth + 1)).collect::<Result<_, _>>()?, true)?
            }
            serde_json::Value::Object(map) => Value::map(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), Value::from_json(v, depth + 1)?)))
                    .collect::<Result<_, LimitKind>>()?,
            )?,
        })
    }
}

fn number(n: &serde_json::Number) -> Value {
    if let Some(i) = n.as_i64() { Value::Int(i) } else { Value::Float(n.as_f64().unwrap_or(f64::NAN)) }
}

fn write_json_string(s: &str, out: &mut Sink<'_>) -> Result<(), LimitKind> {
    let mut buf = String::with_capacity(s.len() + 2);
    buf.push('"');
    for c in s.chars() {
        match c {
            '"' => buf.push_str("\\\""),
            '\\' => buf.push_str("\\\\"),
            '\n' => buf.push_str("\\n"),
            '\r' => buf.push_str("\\r"),
            '\t' => buf.push_str("\\t"),
            '\u{8}' => buf.push_str("\\b"),
            '\u{c}' => buf.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(buf, "\\u{:04x}", c as u32);
            }
            c => buf.push(c),
        }
    }
    buf.push('"');
    out.push(&buf)
}

/// Java's `Double.toString`: `1.0`, `0.5`, `1.0E7`, `1.0E-4`, `NaN`, `Infinity`.
pub(crate) fn java_double(f: f64) -> String {
    if f.is_nan() {
        return "NaN".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "Infinity" } else { "-Infinity" }.to_string();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
    }
    let a = f.abs();
    if (1e-3..1e7).contains(&a) {
        let s = format!("{f}");
        if s.contains('.') { s } else { s + ".0" }
    } else {
        let s = format!("{f:e}");
        let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
        let mantissa = if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
        format!("{mantissa}E{exp}")
    }
}

/// Deserialises a body straight into values, keeping object keys in document order (a later duplicate key
/// replaces the earlier value in place). serde_json's recursion limit (128) bounds the depth.
pub(crate) struct JsonValue(pub(crate) Value);

impl<'de> serde::Deserialize<'de> for JsonValue {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(JsonVisitor).map(JsonValue)
    }
}

struct JsonVisitor;

impl<'de> serde::de::Visitor<'de> for JsonVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::str(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(JsonValue(v)) = seq.next_element()? {
            items.push(v);
        }
        Value::list(items, true).map_err(serde::de::Error::custom)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = IndexMap::new();
        while let Some((k, JsonValue(v))) = map.next_entry::<String, JsonValue>()? {
            entries.insert(k, v);
        }
        Value::map(entries).map_err(serde::de::Error::custom)
    }
}

/// Parses JSON text into a value.
pub(crate) fn parse_json(text: &str) -> Result<Value, serde_json::Error> {
    serde_json::from_str::<JsonValue>(text).map(|j| j.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_double_formats() {
        assert_eq!(java_double(1.0), "1.0");
        assert_eq!(java_double(249.99), "249.99");
        assert_eq!(java_double(0.5), "0.5");
        assert_eq!(java_double(1e7), "1.0E7");
        assert_eq!(java_double(1.5e-4), "1.5E-4");
        assert_eq!(java_double(-0.0), "-0.0");
        assert_eq!(java_double(f64::NAN), "NaN");
    }

    #[test]
    fn json_keeps_document_order_and_duplicates_replace_in_place() {
        let v = parse_json(r#"{"b":1,"a":[1,2.5,"x"],"b":3}"#).expect("json");
        let Value::Map(m) = v else { panic!("not a map") };
        let keys: Vec<&str> = m.entries.keys().map(String::as_str).collect();
        assert_eq!(keys, ["b", "a"]);
        assert!(matches!(m.entries["b"], Value::Int(3)));
        assert_eq!(m.depth, 2);
    }

    #[test]
    fn deep_json_is_refused_not_overflowed() {
        let deep = "[".repeat(10_000) + &"]".repeat(10_000);
        assert!(parse_json(&deep).is_err());
    }

    #[test]
    fn truthiness_is_velocity_1_7() {
        assert!(!Value::Null.truthy());
        assert!(!Value::Bool(false).truthy());
        assert!(Value::str("").truthy());
        assert!(Value::Int(0).truthy());
    }
}
