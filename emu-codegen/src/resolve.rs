//! Path resolution and the handler binding rules: explicit binding, then the `Handler` property, then the snake-cased id.
//! Decides *which* Rust path handles each template function; `codegen` only writes the decision down.
//!
//! A function's id is its logical id, its CDK construct id, or `Child/Id` for a nested stack's function; the third
//! rule turns each `/`-separated part into a path segment (`SubApp/GetDog` -> `sub_app::get_dog`), so a nested
//! function never takes the name of a root function (`SubAppGetDog` -> `sub_app_get_dog`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use emu_template::{AuthorizerKind, Function, Model};
use proc_macro2::Span;
use syn::Expr;

use crate::errors::{Error, ErrorKind};
use crate::input::{FunctionRef, MacroInput, Mention};

/// The template path as written in the macro and as resolved against the calling crate.
#[derive(Debug, Clone)]
pub struct TemplatePath {
    /// As written in the macro (used in messages).
    pub(crate) written: String,
    /// Absolute path (used to read the file and in `include_bytes!`).
    pub(crate) absolute: PathBuf,
    /// How a relative path was anchored, for the not-found message.
    pub(crate) anchor: Anchor,
}

impl TemplatePath {
    /// The path as written in the macro.
    pub fn written(&self) -> &str {
        &self.written
    }

    /// The absolute path the macro reads (and embeds in the expansion).
    pub fn absolute(&self) -> &Path {
        &self.absolute
    }
}

/// What a relative template path was resolved against; its `Display` is the not-found message's parenthesis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// The path was absolute already.
    Absolute,
    /// The calling crate's `CARGO_MANIFEST_DIR`.
    ManifestDir(PathBuf),
    /// `CARGO_MANIFEST_DIR` was not set: the current directory (or an empty path when even that failed).
    CurrentDir(PathBuf),
}

impl std::fmt::Display for Anchor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Anchor::Absolute => f.write_str("the path is absolute"),
            Anchor::ManifestDir(dir) => write!(f, "relative paths start at CARGO_MANIFEST_DIR `{}`", dir.display()),
            Anchor::CurrentDir(cwd) => {
                write!(f, "CARGO_MANIFEST_DIR is not set; relative to the current directory `{}`", cwd.display())
            }
        }
    }
}

/// Resolves `written` against the calling crate's `CARGO_MANIFEST_DIR` (absolute paths are kept).
///
/// Without a `manifest_dir`, relative paths start at the current directory. `.` and `..` are removed lexically.
pub fn template_path(written: &str, manifest_dir: Option<&Path>) -> TemplatePath {
    let path = Path::new(written);
    let (absolute, anchor) = if path.is_absolute() {
        (path.to_path_buf(), Anchor::Absolute)
    } else if let Some(dir) = manifest_dir {
        (dir.join(path), Anchor::ManifestDir(dir.to_path_buf()))
    } else {
        let cwd = std::env::current_dir().unwrap_or_default();
        (cwd.join(path), Anchor::CurrentDir(cwd))
    };
    TemplatePath { written: written.to_owned(), absolute: emu_template::normalize_path(&absolute), anchor }
}

/// `GetDogFunction` -> `get_dog_function`, `HTTPHandler` -> `http_handler`, `get-dog` -> `get_dog`.
pub(crate) fn snake_case(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    let mut out = String::with_capacity(id.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if c.is_uppercase() && i > 0 {
            let prev = chars[i - 1];
            let next_is_lower = chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            let boundary = prev.is_lowercase() || prev.is_numeric() || (prev.is_uppercase() && next_is_lower);
            if boundary && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.extend(c.to_lowercase());
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// The default handler path of a function id: each `/`-separated part (nested stacks) in snake case, as one path
/// segment (`GetDog` -> `get_dog`, `SubApp/GetDog` -> `sub_app::get_dog`, `helloworld-function` ->
/// `helloworld_function`).
pub(crate) fn id_path(id: &str) -> Vec<String> {
    id.split('/').map(snake_case).collect()
}

/// Where a Rust path starts, which decides how it is looked up from the generated code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathRoot {
    /// A relative path (`get_dog`, `dogs::get`): looked up in the calling module through a glob module.
    Relative,
    /// `crate::`, `self::`, `super::` or `::`: emitted as written.
    Anchored,
}

/// A Rust path taken from the template (the `Handler` property or the snake-cased logical id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RustPath {
    /// `true` for a leading `::`.
    pub(crate) leading_colon: bool,
    /// The segments (`crate`, `self`, `super` kept as segments).
    pub(crate) segments: Vec<String>,
}

impl RustPath {
    /// How the path is looked up.
    pub(crate) fn root(&self) -> PathRoot {
        let first = self.segments.first().map(String::as_str);
        if self.leading_colon || matches!(first, Some("crate" | "self" | "super")) {
            PathRoot::Anchored
        } else {
            PathRoot::Relative
        }
    }
}

impl std::fmt::Display for RustPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.leading_colon {
            f.write_str("::")?;
        }
        f.write_str(&self.segments.join("::"))
    }
}

/// Reads a `Handler` property as a Rust path: `dogs::get`, `get_dog`, `app.lambda_handler` (-> `app::lambda_handler`).
///
/// `bootstrap`, an empty value and anything that is not a plain Rust path (generics, `index.js`, Java's `a.B::c`) give `None`.
pub(crate) fn handler_path(handler: &str) -> Option<RustPath> {
    let handler = handler.trim();
    if handler.is_empty() || handler == "bootstrap" {
        return None;
    }
    let text = if handler.contains("::") {
        if handler.contains('.') {
            return None;
        }
        handler.to_owned()
    } else {
        handler.replace('.', "::")
    };
    let path: syn::Path = syn::parse_str(&text).ok()?;
    let mut segments = Vec::with_capacity(path.segments.len());
    for (i, segment) in path.segments.iter().enumerate() {
        if !segment.arguments.is_none() {
            return None;
        }
        let name = segment.ident.to_string();
        // `crate`/`self`/`super` only make sense in front; raw identifiers are not template names.
        if name.starts_with("r#") || (i > 0 && matches!(name.as_str(), "crate" | "self" | "super")) {
            return None;
        }
        if i + 1 == path.segments.len() && matches!(name.as_str(), "crate" | "self" | "super" | "Self") {
            return None;
        }
        segments.push(name);
    }
    Some(RustPath { leading_colon: path.leading_colon.is_some(), segments })
}

/// `true` when `name` can be written as an identifier (raw if needed, as `r#type`).
pub(crate) fn usable_ident(name: &str) -> bool {
    if matches!(name, "crate" | "self" | "super" | "Self" | "_") || name.is_empty() {
        return false;
    }
    syn::parse_str::<syn::Ident>(name).is_ok() || syn::parse_str::<syn::Ident>(&format!("r#{name}")).is_ok()
}

/// Which rule bound a function, and to what.
pub(crate) enum HandlerSource {
    /// Rule 1: `Id => expr` in the macro input.
    Explicit(Expr),
    /// Rule 2: the function's `Handler` property read as a Rust path.
    HandlerProperty(RustPath),
    /// Rule 3: the id in snake case, one path segment per nested stack (`Child/GetDog` -> `child::get_dog`).
    LogicalId(RustPath),
    /// Listed in `ignore: [...]`.
    Ignored,
}

/// The decision for one template function.
pub(crate) struct Decision {
    /// Logical id.
    pub(crate) id: String,
    /// Template line of the function (0 when unknown).
    pub(crate) line: u32,
    /// How it is served.
    pub(crate) source: HandlerSource,
}

/// The decisions for every function, in template order.
pub(crate) struct Plan {
    /// One entry per template function (those with a usable handler).
    pub(crate) decisions: Vec<Decision>,
    /// Handlers written for an id the plan could not place (unknown without a close match, or a duplicate): still
    /// type-checked, so their paths and imports are used and their own errors are reported in the same build.
    pub(crate) orphans: Vec<Expr>,
}

/// A Lambda authorizer whose function is outside the template (an imported ARN): the macro must bind it by name.
#[derive(Debug, Clone)]
pub(crate) struct ImportedAuthorizer {
    /// The function's name (from its ARN): the id it is bound and served under.
    pub(crate) function: String,
    /// The ARN as the template gives it.
    pub(crate) arn: String,
    /// The authorizer's name.
    pub(crate) authorizer: String,
    /// The authorizer's API.
    pub(crate) api: String,
    /// The authorizer's template line.
    pub(crate) line: u32,
}

/// The model with one function added per imported authorizer function (bound like any other, but only
/// explicitly), and each such authorizer pointing at it.
pub(crate) fn with_imported_authorizers(model: &Model) -> (Model, Vec<ImportedAuthorizer>) {
    let mut imported: Vec<ImportedAuthorizer> = Vec::new();
    if model.authorizers.iter().all(|a| a.function().is_none_or(|f| f.id.is_some())) {
        return (model.clone(), imported);
    }
    let mut model = model.clone();
    let mut functions = model.functions.to_vec();
    let mut authorizers = model.authorizers.to_vec();
    for a in &mut authorizers {
        let (name, api, line) = (a.name.to_string(), a.api.to_string(), a.location.line);
        let function = match &mut a.kind {
            AuthorizerKind::LambdaToken { function }
            | AuthorizerKind::LambdaRequest { function }
            | AuthorizerKind::HttpLambda { function, .. } => function,
            AuthorizerKind::Cognito { .. } | AuthorizerKind::Jwt { .. } => continue,
        };
        if function.id.is_some() {
            continue;
        }
        let fname = function.name().to_string();
        if !functions.iter().any(|f| f.id == fname.as_str()) {
            let mut f = Function::new(fname.clone());
            f.handler = "".into();
            f.location = a.location;
            functions.push(f);
        }
        if !imported.iter().any(|i| i.function == fname) {
            imported.push(ImportedAuthorizer {
                function: fname.clone(),
                arn: function.arn.to_string(),
                authorizer: name,
                api,
                line,
            });
        }
        function.id = Some(fname.into());
    }
    model.functions = functions.into();
    model.authorizers = authorizers.into();
    (model, imported)
}

/// Applies the binding rules to every function of `model`; collects every error instead of stopping at the first.
///
/// The plan is complete even when there are errors: a mistyped id with a close match (`GetDogFuncton`) is placed on
/// the function it was meant for, so one typo neither hides the other bindings' errors nor makes the intended
/// function report a missing handler as well.
pub(crate) fn plan(
    model: &Model,
    mut input: MacroInput,
    imported: &[ImportedAuthorizer],
    file_label: &str,
    literal_span: Span,
) -> (Plan, Vec<Error>) {
    let mut errors = Vec::new();
    // An imported authorizer function may be bound by its ARN as well as by its name.
    for b in &mut input.bindings {
        if let Some(i) = imported.iter().find(|i| i.arn == b.function.id) {
            b.function.id = i.function.clone();
        }
    }
    let known: Vec<&str> = model.functions.iter().map(|f| f.id.as_ref()).collect();
    let mentioned: Vec<String> = input
        .bindings
        .iter()
        .map(|b| &b.function)
        .chain(&input.ignores)
        .filter(|f| known.contains(&f.id.as_str()))
        .map(|f| f.id.clone())
        .collect();

    // First mention of each id in the macro input.
    let mut seen: HashMap<String, Mention> = HashMap::new();
    // The id a mention stands for: itself, or for an unknown id its close match when nothing else mentions that.
    let mut check = |f: &FunctionRef, mention: Mention, errors: &mut Vec<Error>| -> Option<String> {
        let id = if known.contains(&f.id.as_str()) {
            f.id.clone()
        } else {
            errors.push(unknown_function(f, mention, file_label, &known));
            let stand_in = closest(&f.id, &known)?;
            if mentioned.iter().any(|m| m == stand_in) || seen.contains_key(stand_in) {
                return None;
            }
            seen.insert(stand_in.to_owned(), mention);
            return Some(stand_in.to_owned());
        };
        if let Some(&first) = seen.get(&id) {
            errors.push(Error::new(f.span, ErrorKind::Duplicate { id: id.clone(), first, second: mention }));
            return None;
        }
        seen.insert(id.clone(), mention);
        Some(id)
    };

    let mut explicit: HashMap<String, Expr> = HashMap::new();
    let mut orphans = Vec::new();
    for binding in input.bindings {
        match check(&binding.function, Mention::Bind, &mut errors) {
            Some(id) => {
                explicit.insert(id, binding.handler);
            }
            None => orphans.push(binding.handler),
        }
    }
    let mut ignored: Vec<String> = Vec::new();
    for f in &input.ignores {
        if let Some(id) = check(f, Mention::Ignore, &mut errors) {
            ignored.push(id);
        }
    }

    let mut decisions = Vec::with_capacity(model.functions.len());
    for function in model.functions.iter() {
        let id = function.id.to_string();
        let line = function.location.line;
        let source = if let Some(expr) = explicit.remove(&id) {
            HandlerSource::Explicit(expr)
        } else if ignored.contains(&id) {
            HandlerSource::Ignored
        } else if let Some(i) = imported.iter().find(|i| i.function == id) {
            let location = if i.line > 0 { format!("{file_label}:{}", i.line) } else { file_label.to_owned() };
            errors.push(Error::new(
                literal_span,
                ErrorKind::UnboundAuthorizer {
                    authorizer: i.authorizer.clone(),
                    api: i.api.clone(),
                    function: i.function.clone(),
                    arn: i.arn.clone(),
                    location,
                },
            ));
            continue;
        } else if let Some(path) = handler_path(&function.handler) {
            HandlerSource::HandlerProperty(path)
        } else {
            let segments = id_path(&id);
            if segments.iter().all(|name| usable_ident(name) && !name.starts_with(|c: char| c.is_numeric())) {
                HandlerSource::LogicalId(RustPath { leading_colon: false, segments })
            } else {
                let location = if line > 0 { format!("{file_label}:{line}") } else { file_label.to_owned() };
                errors.push(Error::new(
                    literal_span,
                    ErrorKind::NoDefaultHandler { id: id.clone(), location, tried: segments.join("::") },
                ));
                continue;
            }
        };
        decisions.push(Decision { id, line, source });
    }
    (Plan { decisions, orphans }, errors)
}

fn unknown_function(f: &FunctionRef, context: Mention, file: &str, known: &[&str]) -> Error {
    let suggestion = closest(&f.id, known).map(str::to_owned);
    let mut list: Vec<String> = known.iter().take(12).map(|s| format!("`{s}`")).collect();
    if known.len() > 12 {
        list.push(format!("and {} more", known.len() - 12));
    }
    Error::new(
        f.span,
        ErrorKind::UnknownFunction { id: f.id.clone(), context, file: file.to_owned(), suggestion, known: list },
    )
}

/// The candidate closest to `id` by edit distance (case-insensitive), when it is close enough to be a typo.
pub(crate) fn closest<'a>(id: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = id.to_lowercase();
    if lower.len() >= 3 {
        // A shortened id (`CreateDog` for `CreateDogFunction`) is a likelier mistake than any typo.
        if let Some(c) = candidates.iter().find(|c| c.to_lowercase().starts_with(&lower)) {
            return Some(c);
        }
    }
    let (best, distance) =
        candidates.iter().map(|c| (*c, edit_distance(&lower, &c.to_lowercase()))).min_by_key(|(_, d)| *d)?;
    let limit = (id.chars().count().max(best.chars().count()) / 3).max(2);
    (distance <= limit).then_some(best)
}

/// Levenshtein distance between two strings, by characters.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_case_handles_acronyms_digits_and_separators() {
        for (id, expected) in [
            ("GetDogFunction", "get_dog_function"),
            ("HTTPHandler", "http_handler"),
            ("MyHTTPHandler", "my_http_handler"),
            ("API2Handler", "api2_handler"),
            ("S3Handler", "s3_handler"),
            ("GetDogV2Function", "get_dog_v2_function"),
            ("getDog", "get_dog"),
            ("get-dog", "get_dog"),
            ("hello_world", "hello_world"),
            ("hello", "hello"),
            ("Api", "api"),
        ] {
            assert_eq!(snake_case(id), expected, "{id}");
        }
    }

    #[test]
    fn nested_and_cdk_ids_give_module_paths() {
        assert_eq!(id_path("GetDog"), ["get_dog"]);
        assert_eq!(id_path("SubApp/GetDog"), ["sub_app", "get_dog"]);
        assert_eq!(id_path("A/B/HelloWorldFunction"), ["a", "b", "hello_world_function"]);
        assert_eq!(id_path("helloworld-function"), ["helloworld_function"]);
        // A root function whose id spells the nested one's parts gets another name.
        assert_ne!(id_path("SubAppGetDog"), id_path("SubApp/GetDog"));
    }

    #[test]
    fn handler_property_rules() {
        let p = |s: &str| handler_path(s).map(|p| p.to_string());
        assert_eq!(p("dogs::get").as_deref(), Some("dogs::get"));
        assert_eq!(p("get_dog").as_deref(), Some("get_dog"));
        assert_eq!(p("app.lambda_handler").as_deref(), Some("app::lambda_handler"));
        assert_eq!(p("crate::dogs::get").as_deref(), Some("crate::dogs::get"));
        assert_eq!(p("::handlers::get").as_deref(), Some("::handlers::get"));
        assert_eq!(p("bootstrap"), None);
        assert_eq!(p(""), None);
        assert_eq!(p("  "), None);
        assert_eq!(p("index.js"), Some("index::js".to_owned()));
        assert_eq!(p("com.example.Handler::handleRequest"), None);
        assert_eq!(p("Vec<u8>"), None);
        assert_eq!(p("a b"), None);
        assert_eq!(p("dogs::"), None);
        assert_eq!(p("dogs::crate"), None);
        assert_eq!(p("fn"), None);
        assert_eq!(p("1abc"), None);
        assert_eq!(handler_path("crate::x").map(|p| p.root()), Some(PathRoot::Anchored));
        assert_eq!(handler_path("x::y").map(|p| p.root()), Some(PathRoot::Relative));
    }

    #[test]
    fn closest_suggests_typos_only() {
        let ids = ["GetDogFunction", "CreateDogFunction", "HTTPHandler"];
        assert_eq!(closest("GetDogFunc", &ids), Some("GetDogFunction"));
        assert_eq!(closest("getdogfunction", &ids), Some("GetDogFunction"));
        assert_eq!(closest("CreateDog", &ids), Some("CreateDogFunction"));
        assert_eq!(closest("Completely", &ids), None);
        assert_eq!(closest("x", &[]), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }

    #[test]
    fn paths_resolve_against_manifest_dir() {
        let t = template_path("template.yaml", Some(Path::new("/work/app")));
        assert_eq!(t.absolute, Path::new("/work/app/template.yaml"));
        let t = template_path("../shared/./t.yaml", Some(Path::new("/work/app")));
        assert_eq!(t.absolute, Path::new("/work/shared/t.yaml"));
        let t = template_path("/abs/t.yaml", Some(Path::new("/work/app")));
        assert_eq!(t.absolute, Path::new("/abs/t.yaml"));
    }

    #[test]
    fn anchors_word_the_not_found_message() {
        let t = template_path("t.yaml", Some(Path::new("/work/app")));
        assert_eq!(t.anchor, Anchor::ManifestDir(PathBuf::from("/work/app")));
        assert_eq!(t.anchor.to_string(), "relative paths start at CARGO_MANIFEST_DIR `/work/app`");
        assert_eq!(template_path("/abs/t.yaml", None).anchor.to_string(), "the path is absolute");
        let cwd = Anchor::CurrentDir(PathBuf::from("/tmp"));
        assert_eq!(cwd.to_string(), "CARGO_MANIFEST_DIR is not set; relative to the current directory `/tmp`");
    }
}
