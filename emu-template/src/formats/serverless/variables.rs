//! Serverless Framework variables: `${self:}`, `${sls:stage}`, `${opt:}`, `${param:}`, `${file():}`, `${env:}`, fallbacks.
//! Deterministic sources resolve at read time; `${env:X}` becomes a marker that `environment` turns into a run-time lookup.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use serde_json::Value as Json;
use serde_yaml::Value;

use crate::context::Reader;
use crate::intrinsics::{self, json_text, placeholder};
use crate::model::{EnvPiece, Location};
use crate::problem::{MAX_VARIABLE_DEPTH, ProblemKind, VariableError};
use crate::yaml::Node;

/// Region used when neither `provider.region` nor an override sets one (the framework's default).
pub(crate) const DEFAULT_REGION: &str = "us-east-1";
/// Stage used when neither `provider.stage` nor an override sets one (the framework's default).
pub(crate) const DEFAULT_STAGE: &str = "dev";

const ENV_START: char = '\u{E000}';
const ENV_FALLBACK: char = '\u{E001}';
const ENV_END: char = '\u{E002}';

/// What one source of a `${a, b, 'c'}` chain gave.
enum Outcome {
    /// A value (null means "try the next source").
    Value(Json),
    /// Nothing, with the reason.
    Missing(String),
    /// A source that needs AWS or another tool, by its text.
    Unavailable(String),
    /// A problem was already recorded; stop the chain.
    Failed,
}

enum Cursor<'a> {
    Node(Node<'a>),
    Json(Json),
}

/// Resolves variables of one `serverless.yml`.
pub(crate) struct Vars<'a> {
    root: Node<'a>,
    file_name: String,
    overrides: BTreeMap<String, String>,
    stage: Option<String>,
    computing_stage: bool,
    region: Option<String>,
    stack: Vec<String>,
    depth: usize,
    files: HashMap<PathBuf, Option<Json>>,
}

impl<'a> Vars<'a> {
    /// Variables of the service whose root is `root`; `overrides` feed `${opt:}` and `${param:}`.
    pub(crate) fn new(root: Node<'a>, file_name: String, overrides: &BTreeMap<String, String>) -> Self {
        Vars {
            root,
            file_name,
            overrides: overrides.clone(),
            stage: None,
            computing_stage: false,
            region: None,
            stack: Vec::new(),
            depth: 0,
            files: HashMap::new(),
        }
    }

    /// The effective stage: override `stage` (or `opt:stage`), else `provider.stage`, else `dev`.
    pub(crate) fn stage(&mut self, r: &mut Reader<'a>) -> String {
        if let Some(s) = &self.stage {
            return s.clone();
        }
        if let Some(s) = self.option("stage") {
            self.stage = Some(s.clone());
            return s;
        }
        if self.computing_stage {
            r.diags.problem(
                self.root.get("provider").and_then(|p| p.get("stage")).map_or(Location::new(1, 1), |n| n.location()),
                ProblemKind::Variable(VariableError::Cycle { path: "provider.stage".into() }),
            );
            return DEFAULT_STAGE.to_string();
        }
        self.computing_stage = true;
        let node = self.root.get("provider").and_then(|p| p.get("stage"));
        let stage = match node {
            Some(n) => {
                let v = self.node(r, n);
                let v = self.compile_time(r, v, n.location(), "provider.stage");
                json_text(&v).filter(|s| !s.is_empty()).unwrap_or_else(|| DEFAULT_STAGE.to_string())
            }
            None => DEFAULT_STAGE.to_string(),
        };
        self.computing_stage = false;
        self.stage = Some(stage.clone());
        stage
    }

    /// The effective region: override `region`, else `provider.region`, else `us-east-1`.
    pub(crate) fn region(&mut self, r: &mut Reader<'a>) -> String {
        if let Some(s) = &self.region {
            return s.clone();
        }
        let region = if let Some(s) = self.option("region") {
            s
        } else if let Some(n) = self.root.get("provider").and_then(|p| p.get("region")) {
            let v = self.node(r, n);
            let v = self.compile_time(r, v, n.location(), "provider.region");
            json_text(&v).filter(|s| !s.is_empty()).unwrap_or_else(|| DEFAULT_REGION.to_string())
        } else {
            DEFAULT_REGION.to_string()
        };
        self.region = Some(region.clone());
        region
    }

    fn option(&self, name: &str) -> Option<String> {
        self.overrides.get(&format!("opt:{name}")).or_else(|| self.overrides.get(name)).cloned()
    }

    /// Resolves every variable in `node` (and CloudFormation intrinsics through the reader's resolver).
    /// `${env:X}` stays as a marker: pass the result to [`Vars::compile_time`] or [`env_pieces`].
    pub(crate) fn node(&mut self, r: &mut Reader<'a>, node: Node<'a>) -> Json {
        if self.depth > MAX_VARIABLE_DEPTH {
            r.diags.problem(node.location(), ProblemKind::Variable(VariableError::TooDeep));
            return Json::Null;
        }
        if intrinsics::intrinsic(node).is_some() {
            return r.resolver.resolve(node, &mut r.diags).unwrap_or(Json::Null);
        }
        self.depth += 1;
        let out = match node.value {
            Value::String(s) => self.string(r, s, node.location()),
            Value::Sequence(_) => Json::Array(node.items().into_iter().map(|i| self.node(r, i)).collect()),
            Value::Mapping(_) => {
                let mut map = serde_json::Map::new();
                for (k, v) in node.entries() {
                    let v = self.node(r, v);
                    map.insert(k, v);
                }
                Json::Object(map)
            }
            Value::Tagged(_) => match node.tagged() {
                Some((_, inner)) => self.node(r, inner),
                None => Json::Null,
            },
            other => serde_json::to_value(other).unwrap_or(Json::Null),
        };
        self.depth -= 1;
        out
    }

    /// Resolves the variables of one string value. A string that is exactly one variable keeps the value's type.
    pub(crate) fn string(&mut self, r: &mut Reader<'a>, text: &str, at: Location) -> Json {
        if !text.contains("${") {
            return Json::String(text.to_string());
        }
        if self.depth > MAX_VARIABLE_DEPTH {
            r.diags.problem(at, ProblemKind::Variable(VariableError::TooDeep));
            return Json::Null;
        }
        self.depth += 1;
        let out = self.interpolate(r, text, at);
        self.depth -= 1;
        out
    }

    fn interpolate(&mut self, r: &mut Reader<'a>, text: &str, at: Location) -> Json {
        let mut out = String::new();
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let Some(len) = closing(&rest[start..]) else {
                r.diags.problem(at, ProblemKind::Variable(VariableError::Unclosed { text: text.to_string() }));
                return Json::String(text.to_string());
            };
            let whole = &rest[start..start + len];
            let inner = &whole[2..whole.len() - 1];
            out.push_str(&rest[..start]);
            let value = if is_variable(inner) { Some(self.variable(r, inner, at)) } else { None };
            match value {
                Some(v) if start == 0 && len == rest.len() && out.is_empty() => return v,
                Some(v) => out.push_str(&embedded_text(&v)),
                None => out.push_str(whole),
            }
            rest = &rest[start + len..];
        }
        out.push_str(rest);
        Json::String(out)
    }

    /// Resolves one `${...}` body: nested variables first, then the chain of sources.
    fn variable(&mut self, r: &mut Reader<'a>, inner: &str, at: Location) -> Json {
        let inner = if inner.contains("${") {
            let v = self.string(r, inner, at);
            let v = self.compile_time(r, v, at, "a nested variable");
            embedded_text(&v)
        } else {
            inner.to_string()
        };
        let written = format!("${{{inner}}}");
        let sources = split_sources(&inner);
        let mut unavailable: Vec<String> = Vec::new();
        let mut last_reason = String::from("no source gave a value");
        for (i, source) in sources.iter().enumerate() {
            if let Some(var) = source.strip_prefix("env:") {
                let rest = sources.get(i + 1..).unwrap_or_default();
                let fallback = if rest.is_empty() {
                    None
                } else {
                    let v = self.variable(r, &rest.join(", "), at);
                    let v = self.compile_time(r, v, at, "an `env:` fallback");
                    Some(embedded_text(&v))
                };
                return Json::String(env_marker(var.trim(), fallback.as_deref()));
            }
            match self.source(r, source, at) {
                Outcome::Value(Json::Null) => {}
                Outcome::Value(v) => {
                    if !unavailable.is_empty() {
                        r.diags.warn(
                            at,
                            format!(
                                "`{}` needs AWS (or a tool) that is not available at build time; used the fallback in `{written}`",
                                unavailable.join("`, `")
                            ),
                        );
                    }
                    return v;
                }
                Outcome::Missing(reason) => last_reason = reason,
                Outcome::Unavailable(what) => unavailable.push(what),
                Outcome::Failed => return Json::String(placeholder(&written)),
            }
        }
        if !unavailable.is_empty() {
            r.diags.warn(
                at,
                format!(
                    "`{written}`: `{}` cannot be resolved without AWS (or the tool it names); using the placeholder `{}`",
                    unavailable.join("`, `"),
                    placeholder(&written)
                ),
            );
            return Json::String(placeholder(&written));
        }
        r.diags.problem(
            at,
            ProblemKind::Variable(VariableError::Missing { variable: written.clone(), reason: last_reason }),
        );
        Json::String(placeholder(&written))
    }

    fn source(&mut self, r: &mut Reader<'a>, source: &str, at: Location) -> Outcome {
        let source = source.trim();
        if let Some(lit) = literal(source) {
            return Outcome::Value(lit);
        }
        if let Some(path) = source.strip_prefix("self:") {
            return self.lookup_self(r, path.trim(), at);
        }
        if let Some(rest) = source.strip_prefix("file(") {
            return self.file(r, rest, at);
        }
        if let Some(arg) = source.strip_prefix("strToBool(").and_then(|s| s.strip_suffix(')')) {
            let arg = self.source(r, arg, at);
            return match arg {
                Outcome::Value(v) => {
                    let t = json_text(&v).unwrap_or_default();
                    match t.trim() {
                        "true" | "1" => Outcome::Value(Json::Bool(true)),
                        "false" | "0" | "null" | "" => Outcome::Value(Json::Bool(false)),
                        other => Outcome::Missing(format!("strToBool cannot read `{other}` as a boolean")),
                    }
                }
                other => other,
            };
        }
        let (kind, key) = source.split_once(':').unwrap_or((source, ""));
        let key = key.trim();
        match kind.trim() {
            "sls" => match key {
                "stage" => Outcome::Value(Json::String(self.stage(r))),
                "instanceId" => Outcome::Value(Json::String("local".into())),
                _ => Outcome::Missing(format!("`sls:{key}` is not a known `sls:` variable (use `sls:stage`)")),
            },
            "opt" => match self.option(key) {
                Some(v) => Outcome::Value(Json::String(v)),
                None if key == "region" => Outcome::Value(Json::String(self.region(r))),
                None => Outcome::Missing(format!(
                    "no option `{key}` was given (pass it in the parameter overrides, `{key}=VALUE`)"
                )),
            },
            "param" => self.param(r, key, at),
            "aws" if key == "region" => Outcome::Value(Json::String(self.region(r))),
            "aws" | "ssm" | "cf" | "s3" | "output" | "git" | "vault" | "terraform" | "doppler" => {
                Outcome::Unavailable(source.to_string())
            }
            "" => Outcome::Missing(format!("`{source}` is not a variable source")),
            other => {
                if source.contains(':') || source.contains('(') {
                    Outcome::Unavailable(format!("{other}:"))
                } else {
                    r.diags.warn(
                        at,
                        format!(
                            "fallback `{source}` is not quoted; read as the string \"{source}\" (write '{source}')"
                        ),
                    );
                    Outcome::Value(Json::String(source.to_string()))
                }
            }
        }
    }

    fn param(&mut self, r: &mut Reader<'a>, key: &str, at: Location) -> Outcome {
        if let Some(v) = self.overrides.get(&format!("param:{key}")).or_else(|| self.overrides.get(key)) {
            return Outcome::Value(Json::String(v.clone()));
        }
        let stage = self.stage(r);
        for path in [
            format!("params.{stage}.{key}"),
            format!("stages.{stage}.params.{key}"),
            format!("params.default.{key}"),
            format!("stages.default.params.{key}"),
        ] {
            match self.lookup_self(r, &path, at) {
                Outcome::Value(Json::Null) | Outcome::Missing(_) => {}
                other => return other,
            }
        }
        Outcome::Missing(format!(
            "parameter `{key}` is set neither in `params.{stage}` / `params.default` / `stages.*.params` nor in the parameter overrides"
        ))
    }

    /// `self:a.b.c`: walks the service file, resolving what it finds.
    fn lookup_self(&mut self, r: &mut Reader<'a>, path: &str, at: Location) -> Outcome {
        if self.stack.iter().any(|p| p == path) {
            r.diags.problem(at, ProblemKind::Variable(VariableError::Cycle { path: path.to_string() }));
            return Outcome::Failed;
        }
        let mut cursor = Cursor::Node(self.root);
        for segment in path.split('.').filter(|s| !s.is_empty()) {
            cursor = match cursor {
                Cursor::Node(n) => match n.value {
                    Value::String(s) if s.contains("${") => {
                        let v = self.string(r, s, n.location());
                        match json_child(&v, segment) {
                            Some(c) => Cursor::Json(c),
                            None => return Outcome::Missing(self.missing(path)),
                        }
                    }
                    Value::Sequence(_) => {
                        match segment.parse::<usize>().ok().and_then(|i| n.items().into_iter().nth(i)) {
                            Some(c) => Cursor::Node(c),
                            None => return Outcome::Missing(self.missing(path)),
                        }
                    }
                    _ => match n.get(segment) {
                        Some(c) => Cursor::Node(c),
                        None => return Outcome::Missing(self.missing(path)),
                    },
                },
                Cursor::Json(v) => match json_child(&v, segment) {
                    Some(c) => Cursor::Json(c),
                    None => return Outcome::Missing(self.missing(path)),
                },
            };
        }
        match cursor {
            Cursor::Json(v) => Outcome::Value(v),
            Cursor::Node(n) => {
                self.stack.push(path.to_string());
                let v = self.node(r, n);
                self.stack.pop();
                Outcome::Value(v)
            }
        }
    }

    fn missing(&self, path: &str) -> String {
        format!("`{path}` is not in {}", self.file_name)
    }

    /// `file(./x.yml)` or `file(./x.yml):a.b`, relative to the service file.
    fn file(&mut self, r: &mut Reader<'a>, rest: &str, at: Location) -> Outcome {
        let Some((path, after)) = rest.split_once(')') else {
            return Outcome::Missing(format!("`file({rest}` has no closing `)`"));
        };
        let relative = path.trim().trim_matches(|c| c == '\'' || c == '"').to_string();
        let key = after.trim().strip_prefix(':').unwrap_or("").trim().to_string();
        if relative.ends_with(".js")
            || relative.ends_with(".ts")
            || relative.ends_with(".mjs")
            || relative.ends_with(".cjs")
        {
            return Outcome::Unavailable(format!("file({relative})"));
        }
        let full = r.dir.join(&relative);
        if !full.is_file() {
            return Outcome::Missing(format!("file `{}` does not exist", full.display()));
        }
        let absolute = std::path::absolute(&full).unwrap_or(full.clone());
        let parsed = match self.files.get(&absolute) {
            Some(p) => p.clone(),
            None => {
                let parsed = r.read_referenced(&relative, at).and_then(|(_, text)| {
                    let value: Result<Value, _> = serde_yaml::from_str(&text);
                    match value {
                        Ok(v) => serde_json::to_value(strip_tags(v)).ok(),
                        Err(e) => {
                            r.diags.problem(
                                at,
                                ProblemKind::Syntax(format!(
                                    "in `{}` (read by `${{file(...)}}`): {e}",
                                    absolute.display()
                                )),
                            );
                            None
                        }
                    }
                });
                self.files.insert(absolute.clone(), parsed.clone());
                parsed
            }
        };
        let Some(mut value) = parsed else { return Outcome::Failed };
        for segment in key.split('.').filter(|s| !s.is_empty()) {
            match json_child(&value, segment) {
                Some(c) => value = c,
                None => {
                    return Outcome::Missing(format!("`{key}` is not in `{}`", absolute.display()));
                }
            }
        }
        Outcome::Value(self.json_strings(r, value, at))
    }

    /// Resolves variables inside strings of an already-parsed value (a `${file()}` document).
    fn json_strings(&mut self, r: &mut Reader<'a>, value: Json, at: Location) -> Json {
        match value {
            Json::String(s) => self.string(r, &s, at),
            Json::Array(items) => Json::Array(items.into_iter().map(|v| self.json_strings(r, v, at)).collect()),
            Json::Object(map) => Json::Object(map.into_iter().map(|(k, v)| (k, self.json_strings(r, v, at))).collect()),
            other => other,
        }
    }

    /// Replaces `${env:X}` markers for a value read at build time: the fallback when there is one, else a placeholder
    /// plus a warning (`${env:}` is read from the process only in `environment` values, at run time).
    pub(crate) fn compile_time(&mut self, r: &mut Reader<'a>, value: Json, at: Location, what: &str) -> Json {
        match value {
            Json::String(s) if s.contains(ENV_START) => {
                let mut out = String::new();
                for piece in env_pieces(&s) {
                    match piece {
                        EnvPiece::Text(t) => out.push_str(&t),
                        EnvPiece::ProcessEnv { fallback: Some(f), .. } => out.push_str(&f),
                        EnvPiece::ProcessEnv { variable, fallback: None } => {
                            let written = format!("${{env:{variable}}}");
                            r.diags.warn(
                                at,
                                format!(
                                    "`{written}` in {what}: environment variables are read at run time only in `environment` \
                                     values; give a fallback (`${{env:{variable}, 'value'}}`); using a placeholder"
                                ),
                            );
                            out.push_str(&placeholder(&written));
                        }
                    }
                }
                Json::String(out)
            }
            Json::Array(items) => Json::Array(items.into_iter().map(|v| self.compile_time(r, v, at, what)).collect()),
            Json::Object(map) => {
                Json::Object(map.into_iter().map(|(k, v)| (k, self.compile_time(r, v, at, what))).collect())
            }
            other => other,
        }
    }
}

/// Splits a resolved environment value into literal text and run-time `${env:X}` lookups.
pub(crate) fn env_pieces(text: &str) -> Vec<EnvPiece> {
    let mut out: Vec<EnvPiece> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(ENV_START) {
        if start > 0 {
            out.push(EnvPiece::Text(rest[..start].to_string().into()));
        }
        let body_start = start + ENV_START.len_utf8();
        let Some(end_rel) = rest[body_start..].find(ENV_END) else {
            out.push(EnvPiece::Text(rest[body_start..].to_string().into()));
            return out;
        };
        let body = &rest[body_start..body_start + end_rel];
        let (variable, fallback) = match body.split_once(ENV_FALLBACK) {
            Some((v, f)) => (v, Some(f)),
            None => (body, None),
        };
        out.push(EnvPiece::ProcessEnv {
            variable: variable.to_string().into(),
            fallback: fallback.map(|f| f.to_string().into()),
        });
        rest = &rest[body_start + end_rel + ENV_END.len_utf8()..];
    }
    if !rest.is_empty() || out.is_empty() {
        out.push(EnvPiece::Text(rest.to_string().into()));
    }
    out
}

fn env_marker(variable: &str, fallback: Option<&str>) -> String {
    // A fallback that itself holds markers (`${env:A, env:B}`) keeps only their literal parts.
    let fallback = fallback.map(|f| {
        env_pieces(f)
            .into_iter()
            .map(|p| match p {
                EnvPiece::Text(t) => t.to_string(),
                EnvPiece::ProcessEnv { fallback, .. } => fallback.map(|f| f.to_string()).unwrap_or_default(),
            })
            .collect::<String>()
    });
    match fallback {
        Some(f) => format!("{ENV_START}{variable}{ENV_FALLBACK}{f}{ENV_END}"),
        None => format!("{ENV_START}{variable}{ENV_END}"),
    }
}

/// Length of the `${...}` at the start of `text`, counting nested braces.
fn closing(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in text.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// True when `${inner}` is a framework variable, not CloudFormation `${AWS::Region}` / `${Param}` text.
fn is_variable(inner: &str) -> bool {
    let t = inner.trim_start();
    if t.starts_with("AWS::") {
        return false;
    }
    let name_end = t.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(t.len());
    if name_end == 0 {
        return t.starts_with('\'') || t.starts_with('"');
    }
    matches!(t[name_end..].chars().next(), Some(':') | Some('('))
}

/// Splits `a, b('x, y'), 'c'` at top-level commas.
fn split_sources(inner: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut quote: Option<char> = None;
    let mut parens = 0usize;
    for c in inner.chars() {
        match (quote, c) {
            (Some(q), c) if c == q => {
                quote = None;
                current.push(c);
            }
            (Some(_), c) => current.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                current.push(c);
            }
            (None, '(') => {
                parens += 1;
                current.push(c);
            }
            (None, ')') => {
                parens = parens.saturating_sub(1);
                current.push(c);
            }
            (None, ',') if parens == 0 => out.push(std::mem::take(&mut current).trim().to_string()),
            (None, c) => current.push(c),
        }
    }
    out.push(current.trim().to_string());
    out.retain(|s| !s.is_empty());
    out
}

/// A literal fallback: `'text'`, `"text"`, a number, `true`, `false` or `null`.
fn literal(source: &str) -> Option<Json> {
    for q in ['\'', '"'] {
        if source.len() >= 2 && source.starts_with(q) && source.ends_with(q) {
            return Some(Json::String(source[1..source.len() - 1].to_string()));
        }
    }
    match source {
        "true" => return Some(Json::Bool(true)),
        "false" => return Some(Json::Bool(false)),
        "null" => return Some(Json::Null),
        _ => {}
    }
    if source.starts_with(|c: char| c.is_ascii_digit() || c == '-') {
        return serde_json::from_str::<serde_json::Number>(source).ok().map(Json::Number);
    }
    None
}

/// How a value reads when embedded in a longer string: scalars as text, objects as compact JSON, null as nothing.
fn embedded_text(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        other => json_text(other).unwrap_or_else(|| serde_json::to_string(other).unwrap_or_default()),
    }
}

fn json_child(v: &Json, segment: &str) -> Option<Json> {
    match v {
        Json::Object(map) => map.get(segment).cloned(),
        Json::Array(items) => segment.parse::<usize>().ok().and_then(|i| items.get(i)).cloned(),
        _ => None,
    }
}

fn strip_tags(v: Value) -> Value {
    match v {
        Value::Tagged(t) => {
            let mut map = serde_yaml::Mapping::new();
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let key = if name == "Ref" { name.to_string() } else { format!("Fn::{name}") };
            map.insert(Value::String(key), strip_tags(t.value));
            Value::Mapping(map)
        }
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(strip_tags).collect()),
        Value::Mapping(m) => Value::Mapping(m.into_iter().map(|(k, v)| (k, strip_tags(v))).collect()),
        other => other,
    }
}
