//! Java methods templates call on values: `String` (length, case, trim, contains, replace, split, ...), `List`
//! and `Map` (size, get, put, containsKey, keySet, ...) and `$foreach`. Unknown methods give null, as in Velocity.

use std::rc::Rc;

use indexmap::IndexMap;

use crate::MAX_VALUE_DEPTH;
use crate::budget::Sink;
use crate::check::literal_pattern;
use crate::error::LimitKind;
use crate::ops::equals;
use crate::value::{List, Map, Value};

/// What a method call gave: a value, or "this needs a regular expression we do not serve".
pub(crate) enum Outcome {
    Value(Value),
    Regex(String),
}

impl From<Value> for Outcome {
    fn from(v: Value) -> Outcome {
        Outcome::Value(v)
    }
}

/// Methods that change their receiver (run on the variable itself, not a copy).
pub(crate) fn is_mutating(name: &str) -> bool {
    matches!(name, "put" | "putAll" | "remove" | "clear" | "add" | "addAll" | "set")
}

fn int_arg(args: &[Value], i: usize) -> Option<i64> {
    match args.get(i) {
        Some(Value::Int(n)) => Some(*n),
        Some(Value::Float(f)) if f.fract() == 0.0 => Some(*f as i64),
        Some(Value::Str(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Java `String` index in UTF-16 units to a byte offset (None when out of range).
fn utf16_to_byte(s: &str, units: i64) -> Option<usize> {
    if units < 0 {
        return None;
    }
    let mut count = 0i64;
    for (byte, c) in s.char_indices() {
        if count == units {
            return Some(byte);
        }
        count += c.len_utf16() as i64;
        if count > units {
            return None;
        }
    }
    (count == units).then_some(s.len())
}

fn byte_to_utf16(s: &str, byte: usize) -> i64 {
    s.get(..byte).map_or(0, |p| p.encode_utf16().count() as i64)
}

/// A Java regex that matches one literal text: plain characters, or metacharacters escaped with `\`.
pub(crate) fn literal_regex(pattern: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some(e) if !e.is_ascii_alphanumeric() => out.push(e),
                _ => return None,
            }
        } else if literal_pattern(&c.to_string()) {
            out.push(c);
        } else {
            return None;
        }
    }
    Some(out)
}

/// Java's `Matcher.replaceAll` replacement text for a literal match: `\x` is `x`, `$0` the match itself.
fn java_replacement(repl: &str, matched: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = repl.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push(chars.next()?),
            '$' => match chars.next()? {
                '0' => out.push_str(matched),
                _ => return None,
            },
            c => out.push(c),
        }
    }
    Some(out)
}

/// Java `String.split` with a literal separator: trailing empty strings dropped.
fn split(s: &str, sep: &str) -> Vec<Value> {
    let mut parts: Vec<&str> = if sep.is_empty() {
        s.char_indices().map(|(i, c)| &s[i..i + c.len_utf8()]).collect()
    } else {
        s.split(sep).collect()
    };
    while parts.len() > 1 && parts.last() == Some(&"") {
        parts.pop();
    }
    if parts == [""] && !s.is_empty() {
        parts.clear();
    }
    parts.into_iter().map(Value::str).collect()
}

/// Calls a non-mutating method (or a mutating one on a temporary copy).
pub(crate) fn call(v: &Value, name: &str, args: &[Value], sink: &mut Sink<'_>) -> Result<Outcome, LimitKind> {
    sink.charge(1)?;
    if is_mutating(name) && matches!(v, Value::List(_) | Value::Map(_)) {
        let mut copy = v.clone();
        return mutate(&mut copy, name, args, sink).map(Outcome::Value);
    }
    match (v, name, args.len()) {
        (_, "toString", 0) => return Ok(Value::string(v.to_text(sink)?).into()),
        (_, "equals", 1) => {
            let same_kind = std::mem::discriminant(v) == std::mem::discriminant(&args[0])
                || (v.as_f64().is_some() && args[0].as_f64().is_some());
            return Ok(Value::Bool(same_kind && equals(v, &args[0], sink)?).into());
        }
        _ => {}
    }
    Ok(match v {
        Value::Str(s) => return string_method(s, name, args, sink),
        Value::List(l) => list_method(l, name, args, sink)?,
        Value::Map(m) => map_method(m, name, args, sink)?,
        Value::Loop(info) => match (name, args.len()) {
            ("hasNext", 0) => Value::Bool(info.has_next),
            ("getIndex" | "index", 0) => Value::Int(info.index as i64),
            ("getCount" | "count", 0) => Value::Int(info.index as i64 + 1),
            ("isFirst" | "first", 0) => Value::Bool(info.index == 0),
            ("isLast" | "last", 0) => Value::Bool(!info.has_next),
            _ => Value::Null,
        },
        Value::Int(_) | Value::Float(_) => match (name, args.len()) {
            ("intValue" | "longValue", 0) => match v {
                Value::Float(f) => Value::Int(*f as i64),
                _ => v.clone(),
            },
            ("doubleValue" | "floatValue", 0) => Value::Float(v.as_f64().unwrap_or(0.0)),
            _ => Value::Null,
        },
        Value::Bool(b) => match (name, args.len()) {
            ("booleanValue", 0) => Value::Bool(*b),
            _ => Value::Null,
        },
        Value::Null | Value::Block(_) => Value::Null,
    }
    .into())
}

fn string_method(s: &Rc<str>, name: &str, args: &[Value], sink: &mut Sink<'_>) -> Result<Outcome, LimitKind> {
    let text = |i: usize, sink: &mut Sink<'_>| -> Result<Option<String>, LimitKind> {
        match args.get(i) {
            None | Some(Value::Null) => Ok(None),
            Some(a) => a.to_text(sink).map(Some),
        }
    };
    sink.charge(1 + (s.len() / 64) as u64)?;
    let v =
        match (name, args.len()) {
            ("length", 0) => Value::Int(s.encode_utf16().count() as i64),
            ("isEmpty", 0) => Value::Bool(s.is_empty()),
            ("toLowerCase", 0) => Value::string(s.to_lowercase()),
            ("toUpperCase", 0) => Value::string(s.to_uppercase()),
            ("trim", 0) => Value::str(s.trim_matches(|c: char| c <= ' ')),
            ("contains", 1) => text(0, sink)?.map_or(Value::Null, |t| Value::Bool(s.contains(t.as_str()))),
            ("startsWith", 1) => text(0, sink)?.map_or(Value::Null, |t| Value::Bool(s.starts_with(t.as_str()))),
            ("endsWith", 1) => text(0, sink)?.map_or(Value::Null, |t| Value::Bool(s.ends_with(t.as_str()))),
            ("equalsIgnoreCase", 1) => match &args[0] {
                Value::Str(t) => Value::Bool(s.to_lowercase() == t.to_lowercase()),
                _ => Value::Bool(false),
            },
            ("indexOf", 1) => text(0, sink)?
                .map_or(Value::Null, |t| Value::Int(s.find(t.as_str()).map_or(-1, |b| byte_to_utf16(s, b)))),
            ("lastIndexOf", 1) => text(0, sink)?
                .map_or(Value::Null, |t| Value::Int(s.rfind(t.as_str()).map_or(-1, |b| byte_to_utf16(s, b)))),
            ("substring", 1 | 2) => {
                let len = s.encode_utf16().count() as i64;
                let from = int_arg(args, 0);
                let to = if args.len() == 2 { int_arg(args, 1) } else { Some(len) };
                match (from, to) {
                    (Some(a), Some(b)) if a <= b => match (utf16_to_byte(s, a), utf16_to_byte(s, b)) {
                        (Some(x), Some(y)) => Value::str(&s[x..y]),
                        _ => Value::Null,
                    },
                    _ => Value::Null,
                }
            }
            ("charAt", 1) => match int_arg(args, 0).and_then(|i| utf16_to_byte(s, i)) {
                Some(b) => s[b..].chars().next().map_or(Value::Null, |c| Value::string(c.to_string())),
                None => Value::Null,
            },
            ("concat", 1) => match text(0, sink)? {
                Some(t) => {
                    let mut out = sink.child();
                    out.push(s)?;
                    out.push(&t)?;
                    Value::string(out.into_string())
                }
                None => Value::Null,
            },
            ("replace", 2) => match (text(0, sink)?, text(1, sink)?) {
                (Some(from), Some(to)) => replace(s, &from, &to, false, sink)?,
                _ => Value::Null,
            },
            ("replaceAll" | "replaceFirst", 2) => match (text(0, sink)?, text(1, sink)?) {
                (Some(pattern), Some(repl)) => {
                    let Some(lit) = literal_regex(&pattern) else {
                        return Ok(Outcome::Regex(format!(".{name}() with a regular expression (`{pattern}`)")));
                    };
                    let Some(to) = java_replacement(&repl, &lit) else {
                        return Ok(Outcome::Regex(format!(".{name}() with a group reference in `{repl}`")));
                    };
                    replace(s, &lit, &to, name == "replaceFirst", sink)?
                }
                _ => Value::Null,
            },
            ("split", 1) => match text(0, sink)? {
                Some(pattern) => {
                    let Some(lit) = literal_regex(&pattern) else {
                        return Ok(Outcome::Regex(format!(".split() with a regular expression (`{pattern}`)")));
                    };
                    Value::list(split(s, &lit), false)?
                }
                None => Value::Null,
            },
            ("matches", 1) => match text(0, sink)? {
                Some(pattern) => {
                    let Some(lit) = literal_regex(&pattern) else {
                        return Ok(Outcome::Regex(format!(".matches() with a regular expression (`{pattern}`)")));
                    };
                    Value::Bool(**s == *lit)
                }
                None => Value::Null,
            },
            _ => Value::Null,
        };
    Ok(Outcome::Value(v))
}

fn replace(s: &str, from: &str, to: &str, first_only: bool, sink: &mut Sink<'_>) -> Result<Value, LimitKind> {
    let mut out = sink.child();
    if from.is_empty() {
        // Java inserts the replacement between every character (and at both ends).
        out.push(to)?;
        for c in s.chars() {
            out.push(c.encode_utf8(&mut [0; 4]))?;
            if !first_only {
                out.push(to)?;
            }
        }
        return Ok(Value::string(out.into_string()));
    }
    let mut rest = s;
    while let Some(at) = rest.find(from) {
        out.push(&rest[..at])?;
        out.push(to)?;
        rest = &rest[at + from.len()..];
        if first_only {
            break;
        }
    }
    out.push(rest)?;
    Ok(Value::string(out.into_string()))
}

fn list_method(l: &List, name: &str, args: &[Value], sink: &mut Sink<'_>) -> Result<Value, LimitKind> {
    Ok(match (name, args.len()) {
        // `count()`: AWS's reference documents `$input.path('$.pets').count()` beside `size()`.
        ("size" | "count", 0) => Value::Int(l.items.len() as i64),
        ("isEmpty", 0) => Value::Bool(l.items.is_empty()),
        ("get", 1) => match int_arg(args, 0) {
            Some(i) if i >= 0 => l.items.get(i as usize).cloned().unwrap_or(Value::Null),
            _ => Value::Null,
        },
        ("contains", 1) => {
            sink.charge(l.items.len() as u64)?;
            for item in &l.items {
                if equals(item, &args[0], sink)? {
                    return Ok(Value::Bool(true));
                }
            }
            Value::Bool(false)
        }
        ("indexOf", 1) => {
            sink.charge(l.items.len() as u64)?;
            for (i, item) in l.items.iter().enumerate() {
                if equals(item, &args[0], sink)? {
                    return Ok(Value::Int(i as i64));
                }
            }
            Value::Int(-1)
        }
        _ => Value::Null,
    })
}

fn map_method(m: &Map, name: &str, args: &[Value], sink: &mut Sink<'_>) -> Result<Value, LimitKind> {
    let key = |sink: &mut Sink<'_>| args[0].to_text(sink);
    Ok(match (name, args.len()) {
        ("size" | "count", 0) => Value::Int(m.entries.len() as i64),
        ("isEmpty", 0) => Value::Bool(m.entries.is_empty()),
        ("get", 1) => m.entries.get(&key(sink)?).cloned().unwrap_or(Value::Null),
        ("containsKey", 1) => Value::Bool(m.entries.contains_key(&key(sink)?)),
        ("containsValue", 1) => {
            sink.charge(m.entries.len() as u64)?;
            for v in m.entries.values() {
                if equals(v, &args[0], sink)? {
                    return Ok(Value::Bool(true));
                }
            }
            Value::Bool(false)
        }
        ("keySet", 0) => {
            sink.charge(m.entries.len() as u64)?;
            Value::list(m.entries.keys().map(|k| Value::str(k)).collect(), false)?
        }
        ("values", 0) => {
            sink.charge(m.entries.len() as u64)?;
            Value::list(m.entries.values().cloned().collect(), false)?
        }
        ("entrySet", 0) => {
            sink.charge(m.entries.len() as u64)?;
            let mut entries = Vec::with_capacity(m.entries.len());
            for (k, v) in &m.entries {
                let mut e = IndexMap::new();
                e.insert("key".to_string(), Value::str(k));
                e.insert("value".to_string(), v.clone());
                entries.push(Value::map(e)?);
            }
            Value::list(entries, false)?
        }
        _ => Value::Null,
    })
}

fn deeper(container_depth: &mut u32, child: &Value) -> Result<(), LimitKind> {
    let d = child.depth() + 1;
    if d > MAX_VALUE_DEPTH {
        return Err(LimitKind::ValueDepth);
    }
    *container_depth = (*container_depth).max(d);
    Ok(())
}

/// Runs a mutating method on `target` in place; Java `void` methods give `""` (Velocity renders nothing).
pub(crate) fn mutate(target: &mut Value, name: &str, args: &[Value], sink: &mut Sink<'_>) -> Result<Value, LimitKind> {
    sink.charge(1)?;
    let void = Value::str("");
    match target {
        Value::Map(rc) => {
            if Rc::strong_count(rc) > 1 {
                sink.charge(rc.entries.len() as u64)?;
            }
            let key = match args.first() {
                Some(k) => Some(k.to_text(sink)?),
                None => None,
            };
            let m = Rc::make_mut(rc);
            Ok(match (name, args.len(), key) {
                ("put", 2, Some(k)) => {
                    deeper(&mut m.depth, &args[1])?;
                    m.entries.insert(k, args[1].clone()).unwrap_or(Value::Null)
                }
                ("putAll", 1, _) => {
                    if let Value::Map(other) = &args[0] {
                        sink.charge(other.entries.len() as u64)?;
                        for (k, v) in &other.entries {
                            deeper(&mut m.depth, v)?;
                            m.entries.insert(k.clone(), v.clone());
                        }
                    }
                    void
                }
                ("remove", 1, Some(k)) => m.entries.shift_remove(&k).unwrap_or(Value::Null),
                ("clear", 0, _) => {
                    m.entries.clear();
                    void
                }
                _ => Value::Null,
            })
        }
        Value::List(rc) => {
            if Rc::strong_count(rc) > 1 {
                sink.charge(rc.items.len() as u64)?;
            }
            let l = Rc::make_mut(rc);
            let index = int_arg(args, 0).filter(|_| matches!(args.first(), Some(Value::Int(_))));
            Ok(match (name, args.len()) {
                ("add", 1) => {
                    deeper(&mut l.depth, &args[0])?;
                    l.items.push(args[0].clone());
                    Value::Bool(true)
                }
                ("add", 2) => match index {
                    Some(i) if i >= 0 && (i as usize) <= l.items.len() => {
                        deeper(&mut l.depth, &args[1])?;
                        l.items.insert(i as usize, args[1].clone());
                        void
                    }
                    _ => Value::Null,
                },
                ("addAll", 1) => {
                    if let Value::List(other) = &args[0] {
                        sink.charge(other.items.len() as u64)?;
                        for v in &other.items {
                            deeper(&mut l.depth, v)?;
                            l.items.push(v.clone());
                        }
                        Value::Bool(!other.items.is_empty())
                    } else {
                        Value::Null
                    }
                }
                ("set", 2) => match index {
                    Some(i) if i >= 0 && (i as usize) < l.items.len() => {
                        deeper(&mut l.depth, &args[1])?;
                        std::mem::replace(&mut l.items[i as usize], args[1].clone())
                    }
                    _ => Value::Null,
                },
                ("remove", 1) => match index {
                    Some(i) if i >= 0 && (i as usize) < l.items.len() => l.items.remove(i as usize),
                    Some(_) => Value::Null,
                    None => {
                        sink.charge(l.items.len() as u64)?;
                        let mut found = None;
                        for (i, item) in l.items.iter().enumerate() {
                            if equals(item, &args[0], sink)? {
                                found = Some(i);
                                break;
                            }
                        }
                        match found {
                            Some(i) => {
                                l.items.remove(i);
                                Value::Bool(true)
                            }
                            None => Value::Bool(false),
                        }
                    }
                },
                ("clear", 0) => {
                    l.items.clear();
                    void
                }
                _ => Value::Null,
            })
        }
        _ => Ok(Value::Null),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_regexes() {
        assert_eq!(literal_regex("abc").as_deref(), Some("abc"));
        assert_eq!(literal_regex(r"\.").as_deref(), Some("."));
        assert_eq!(literal_regex(r#"\""#).as_deref(), Some("\""));
        assert_eq!(literal_regex(r"\\").as_deref(), Some("\\"));
        assert_eq!(literal_regex(r"\d+"), None);
        assert_eq!(literal_regex("a.b"), None);
    }

    #[test]
    fn java_split() {
        let texts = |v: Vec<Value>| -> Vec<String> {
            v.into_iter().map(|x| if let Value::Str(s) = x { s.to_string() } else { String::new() }).collect()
        };
        assert_eq!(texts(split("a,b,,", ",")), ["a", "b"]);
        assert_eq!(texts(split(",a", ",")), ["", "a"]);
        assert_eq!(texts(split("", ",")), [""]);
        assert_eq!(texts(split(",,", ",")), Vec::<String>::new());
    }

    #[test]
    fn utf16_indexes() {
        assert_eq!(utf16_to_byte("a😀b", 3), Some(5));
        assert_eq!(utf16_to_byte("a😀b", 2), None);
        assert_eq!(byte_to_utf16("a😀b", 5), 3);
    }
}
