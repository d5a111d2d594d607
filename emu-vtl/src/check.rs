//! Parse-time checks of references against the subset: unknown `$input.*` / `$util.*` members, wrong arities,
//! regular-expression arguments to `replaceAll`/`split`/`matches`. Each finding is an [`crate::Unsupported`].

use crate::ast::{Expr, Lit, Part, Reference};
use crate::parse::Parser;

/// `$util` functions served, each taking one argument.
pub(crate) const UTIL_FUNCTIONS: &[&str] =
    &["escapeJavaScript", "parseJson", "urlEncode", "urlDecode", "base64Encode", "base64Decode"];

/// Why `$input.<first>` is outside the subset, if it is.
pub(crate) fn input_member(first: Option<&Part>) -> Option<String> {
    match first {
        None => Some("$input without a member".to_string()),
        Some(Part::Prop(name)) if name == "body" => None,
        Some(Part::Method(name, args)) => match (name.as_str(), args.len()) {
            ("json" | "path", 1) | ("params", 0 | 1) => None,
            ("json" | "path" | "params", n) => Some(format!("$input.{name} with {n} arguments")),
            _ => Some(format!("$input.{name}")),
        },
        Some(Part::Prop(name)) => Some(format!("$input.{name}")),
        Some(Part::Index(_)) => Some("$input[...]".to_string()),
    }
}

/// Why `$util.<first>` is outside the subset, if it is.
pub(crate) fn util_member(first: Option<&Part>) -> Option<String> {
    match first {
        None => Some("$util without a function".to_string()),
        Some(Part::Method(name, args)) if UTIL_FUNCTIONS.contains(&name.as_str()) => {
            (args.len() != 1).then(|| format!("$util.{name} with {} arguments", args.len()))
        }
        Some(Part::Method(name, _) | Part::Prop(name)) => Some(format!("$util.{name}")),
        Some(Part::Index(_)) => Some("$util[...]".to_string()),
    }
}

/// Why `$foreach.<first>` is outside the subset: Velocity 1.7's outer-loop scopes (only the innermost loop's
/// state is served).
pub(crate) fn foreach_member(first: Option<&Part>) -> Option<String> {
    match first {
        Some(Part::Prop(name) | Part::Method(name, _))
            if matches!(name.as_str(), "parent" | "topmost" | "getParent" | "getTopmost") =>
        {
            Some(format!("$foreach.{name}"))
        }
        _ => None,
    }
}

/// Whether a pattern given to a Java regex method is plain text (no metacharacter), so it can be served.
pub(crate) fn literal_pattern(pattern: &str) -> bool {
    !pattern.contains(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}'])
}

/// Records what `r` uses outside the subset.
pub(crate) fn reference(p: &mut Parser<'_>, r: &Reference) {
    let at = r.pos.0;
    let first = r.parts.first();
    let root_problem = match (r.root.as_str(), first) {
        ("input", _) => input_member(first),
        ("util", _) => util_member(first),
        ("foreach", _) => foreach_member(first),
        _ => None,
    };
    if let Some(construct) = root_problem {
        p.flag(at, construct);
    } else if r.root == "input"
        && let Some(Part::Method(name, args)) = first
        && matches!(name.as_str(), "json" | "path")
        && let Some(Expr::Lit(Lit::Str(path))) = args.first()
        && let Err(why) = crate::jsonpath::parse(path)
    {
        p.flag(at, format!("$input.{name}('{path}'): {why}"));
    }
    for part in &r.parts {
        if let Part::Method(name, args) = part
            && matches!(name.as_str(), "replaceAll" | "replaceFirst" | "split" | "matches")
            && let Some(Expr::Lit(Lit::Str(pattern))) = args.first()
            && !literal_pattern(pattern)
        {
            p.flag(at, format!(".{name}() with a regular expression (`{pattern}`)"));
        }
    }
}
