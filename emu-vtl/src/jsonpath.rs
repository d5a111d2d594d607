//! The JSONPath subset of `$input.json()` / `$input.path()`: `$`, `.name`, `['name']`, `[n]` (negative from the
//! end), `[*]` / `.*` and `..name`. A path without a leading `$` is read from the root, as Jayway JsonPath does.

use crate::budget::Budget;
use crate::error::LimitKind;
use crate::value::Value;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Seg {
    Key(String),
    Index(i64),
    Wild,
    Deep(String),
}

/// A parsed path; `definite` when it names at most one value (no wildcard, no deep scan).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Path {
    pub(crate) segs: Vec<Seg>,
    pub(crate) definite: bool,
}

/// Parses a path, or says what in it is outside the subset.
pub(crate) fn parse(path: &str) -> Result<Path, String> {
    let s = path.trim();
    let chars: Vec<char> = s.chars().collect();
    let mut i = 0;
    if chars.first() == Some(&'$') {
        i = 1;
    } else if !chars.is_empty() && chars[0] != '.' && chars[0] != '[' {
        // `name.x` means `$.name.x`.
        let mut segs = parse(&format!("$.{s}"))?;
        segs.definite = segs.segs.iter().all(|seg| matches!(seg, Seg::Key(_) | Seg::Index(_)));
        return Ok(segs);
    }
    let mut segs = Vec::new();
    while i < chars.len() {
        match chars[i] {
            '.' if chars.get(i + 1) == Some(&'.') => {
                i += 2;
                let name = read_name(&chars, &mut i);
                if name.is_empty() || name == "*" {
                    return Err("`..` needs a property name after it".to_string());
                }
                segs.push(Seg::Deep(name));
            }
            '.' => {
                i += 1;
                let name = read_name(&chars, &mut i);
                if name.is_empty() {
                    return Err("a `.` must be followed by a property name".to_string());
                }
                segs.push(if name == "*" { Seg::Wild } else { Seg::Key(name) });
            }
            '[' => {
                i += 1;
                skip_spaces(&chars, &mut i);
                let seg = match chars.get(i) {
                    Some('*') => {
                        i += 1;
                        Seg::Wild
                    }
                    Some(&q @ ('\'' | '"')) => {
                        i += 1;
                        let start = i;
                        while i < chars.len() && chars[i] != q {
                            i += 1;
                        }
                        if i >= chars.len() {
                            return Err("unterminated quoted name in `[...]`".to_string());
                        }
                        let name: String = chars[start..i].iter().collect();
                        i += 1;
                        Seg::Key(name)
                    }
                    Some(c) if c.is_ascii_digit() || *c == '-' => {
                        let start = i;
                        i += 1;
                        while i < chars.len() && chars[i].is_ascii_digit() {
                            i += 1;
                        }
                        let text: String = chars[start..i].iter().collect();
                        Seg::Index(text.parse().map_err(|_| format!("bad array index `{text}`"))?)
                    }
                    Some('?') => return Err("filter expressions `[?(...)]` are not supported".to_string()),
                    _ => return Err("expected `*`, an index or a quoted name inside `[...]`".to_string()),
                };
                skip_spaces(&chars, &mut i);
                match chars.get(i) {
                    Some(']') => i += 1,
                    Some(',' | ':') => return Err("unions and slices in `[...]` are not supported".to_string()),
                    _ => return Err("expected `]`".to_string()),
                }
                segs.push(seg);
            }
            c => return Err(format!("unexpected `{c}`")),
        }
    }
    let definite = segs.iter().all(|seg| matches!(seg, Seg::Key(_) | Seg::Index(_)));
    Ok(Path { segs, definite })
}

fn skip_spaces(chars: &[char], i: &mut usize) {
    while *i < chars.len() && chars[*i] == ' ' {
        *i += 1;
    }
}

fn read_name(chars: &[char], i: &mut usize) -> String {
    let start = *i;
    while *i < chars.len() && chars[*i] != '.' && chars[*i] != '[' {
        *i += 1;
    }
    chars[start..*i].iter().collect::<String>().trim().to_string()
}

/// Evaluates `path` on `root`: a definite path gives its one value (None when missing); any other gives the
/// list of matches (a JSON array, maybe empty).
pub(crate) fn eval(path: &Path, root: &Value, budget: &Budget) -> Result<Option<Value>, LimitKind> {
    let mut current = vec![root.clone()];
    for seg in &path.segs {
        let mut next = Vec::new();
        for v in &current {
            budget.charge(1)?;
            match (seg, v) {
                (Seg::Key(k), Value::Map(m)) => next.extend(m.entries.get(k).cloned()),
                (Seg::Index(n), Value::List(l)) => {
                    let len = l.items.len() as i64;
                    let at = if *n < 0 { len + n } else { *n };
                    if (0..len).contains(&at) {
                        next.push(l.items[at as usize].clone());
                    }
                }
                (Seg::Wild, Value::Map(m)) => {
                    budget.charge(m.entries.len() as u64)?;
                    next.extend(m.entries.values().cloned());
                }
                (Seg::Wild, Value::List(l)) => {
                    budget.charge(l.items.len() as u64)?;
                    next.extend(l.items.iter().cloned());
                }
                (Seg::Deep(k), v) => deep(v, k, &mut next, budget)?,
                _ => {}
            }
        }
        current = next;
    }
    if path.definite { Ok(current.into_iter().next()) } else { Value::list(current, true).map(Some) }
}

/// Every value under a key `k`, at any depth, in document order (recursion bounded by the value depth cap).
fn deep(v: &Value, k: &str, out: &mut Vec<Value>, budget: &Budget) -> Result<(), LimitKind> {
    budget.charge(1)?;
    match v {
        Value::Map(m) => {
            if let Some(found) = m.entries.get(k) {
                out.push(found.clone());
            }
            for child in m.entries.values() {
                deep(child, k, out, budget)?;
            }
        }
        Value::List(l) => {
            for child in &l.items {
                deep(child, k, out, budget)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::parse_json;

    fn run(path: &str, json: &str) -> Option<String> {
        let budget = Budget::new();
        let root = parse_json(json).expect("json");
        let p = parse(path).expect("path");
        let v = eval(&p, &root, &budget).expect("eval")?;
        let mut sink = crate::budget::Sink::new(&budget);
        v.write_json(&mut sink).expect("json");
        Some(sink.into_string())
    }

    #[test]
    fn subset() {
        let doc = r#"{"a":{"b":[10,20,{"c":"x"}]},"k y":1,"list":[{"n":1},{"n":2}]}"#;
        assert_eq!(run("$", doc).as_deref(), Some(doc));
        assert_eq!(run("$.a.b[1]", doc).as_deref(), Some("20"));
        assert_eq!(run("$.a.b[-1].c", doc).as_deref(), Some("\"x\""));
        assert_eq!(run("$['k y']", doc).as_deref(), Some("1"));
        assert_eq!(run("$.list[*].n", doc).as_deref(), Some("[1,2]"));
        assert_eq!(run("$..n", doc).as_deref(), Some("[1,2]"));
        assert_eq!(run("$.a.*", doc).as_deref(), Some("[[10,20,{\"c\":\"x\"}]]"));
        assert_eq!(run("a.b[0]", doc).as_deref(), Some("10"));
        assert_eq!(run("$.missing", doc), None);
        assert_eq!(run("$.a.b[9]", doc), None);
    }

    #[test]
    fn outside_the_subset_is_an_error() {
        assert!(parse("$.a[?(@.b)]").is_err());
        assert!(parse("$.a[0,1]").is_err());
        assert!(parse("$.a[0:2]").is_err());
        assert!(parse("$.a[").is_err());
        assert!(parse("$.").is_err());
        assert!(parse("$x").is_err());
    }
}
