//! Unit tests of the whole expansion on hand-built models and on the committed small template.
//! The snapshot `tests/expand/small.expanded.rs` must match (missing or different fails); `UPDATE_SNAPSHOTS=1` rewrites it.

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use emu_template::{Api, ApiKind, Function, Loaded, Location, Method, Model, PayloadVersion, Route, TemplateFormat};
use proc_macro2::{Group, TokenStream, TokenTree};
use quote::quote;

use crate::expand::{expand_in, expand_loaded};
use crate::input::MacroInput;
use crate::resolve::template_path;

fn function(id: &'static str, handler: &'static str, line: u32) -> Function {
    Function {
        id: Cow::Borrowed(id),
        logical_id: Cow::Borrowed(id),
        name: Cow::Borrowed(id),
        handler: Cow::Borrowed(handler),
        runtime: Cow::Borrowed("provided.al2023"),
        timeout_secs: 3,
        memory_mb: 128,
        reserved_concurrency: None,
        alias: None,
        environment: Cow::Borrowed(&[]),
        events: Cow::Borrowed(&[]),
        location: Location::new(line, 3),
    }
}

fn model(functions: Vec<Function>) -> Model {
    let routes: Vec<Route> = functions
        .iter()
        .map(|f| Route {
            method: Method::Get,
            path: format!("/{}", f.id.to_lowercase()).into(),
            api: "ServerlessRestApi".into(),
            integration: emu_template::Integration::proxy(f.id.clone()),
            payload: PayloadVersion::V1,
            operation_name: None,
            auth: emu_template::RouteAuth::NONE,
            validation: None,
            location: Location::new(f.location.line + 5, 9),
        })
        .collect();
    Model {
        source: "template.yaml".into(),
        format: TemplateFormat::Sam,
        functions: functions.into(),
        apis: vec![Api {
            id: "ServerlessRestApi".into(),
            kind: ApiKind::Rest,
            implicit: true,
            stage: "Prod".into(),
            stage_in_url: false,
            stage_variables: Cow::Borrowed(&[]),
            cors: None,
            binary_media_types: Cow::Borrowed(&[]),
            preflight_authorizer: None,
            preflight_api_key: false,
            default_payload: PayloadVersion::V1,
            location: Location::new(10, 9),
        }]
        .into(),
        routes: routes.into(),
        authorizers: Cow::Borrowed(&[]),
        api_keys: Cow::Borrowed(&[]),
        gateway_responses: Cow::Borrowed(&[]),
        request_models: Cow::Borrowed(&[]),
        warnings: Cow::Borrowed(&[]),
    }
}

fn expand_model(input: TokenStream, model: Model) -> String {
    let input: MacroInput = syn::parse2(input).expect("test input parses");
    let template = template_path(&input.path.value(), Some(Path::new("/app")));
    let loaded = Loaded { model, referenced_files: vec![PathBuf::from("/app/openapi.yaml")] };
    let tokens = expand_loaded(input, &template, &loaded);
    pretty(tokens)
}

/// Formats an expansion the way `cargo expand` would show it inside `main`.
fn pretty(tokens: TokenStream) -> String {
    let file: syn::File = syn::parse2(quote!(fn main() { let app: ::emu_runtime::App = #tokens; }))
        .expect("the expansion is a valid expression");
    prettyplease::unparse(&file)
}

#[test]
fn the_three_binding_rules_and_ignore() {
    let out = expand_model(
        quote!("template.yaml", { CreateDog => move |e| create(store.clone(), e) }, ignore: [PythonFn]),
        model(vec![
            function("GetDogFunction", "bootstrap", 14),
            function("ListDogs", "dogs::list", 20),
            function("AppFn", "app.lambda_handler", 26),
            function("RootFn", "crate::handlers::root", 32),
            function("CreateDog", "bootstrap", 38),
            function("PythonFn", "app.handler", 44),
            function("HTTPHandler", "", 50),
        ]),
    );
    for expected in [
        "template_yaml_line_14::GetDogFunction::get_dog_function",
        "template_yaml_line_20::ListDogs::dogs::list",
        "template_yaml_line_26::AppFn::app::lambda_handler",
        "assert_handler(crate::handlers::root)",
        "assert_handler(move |e| create(",
        ".ignore(\"PythonFn\")",
        "template_yaml_line_50::HTTPHandler::http_handler",
        "include_bytes!(\"/app/template.yaml\")",
        "include_bytes!(\"/app/openapi.yaml\")",
        "include_str!(\"/app/template.yaml\")",
        "pub(in super::super) use super::super::*;",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert!(!out.contains("RootFn {"), "anchored paths need no lookup module:\n{out}");
    assert!(!out.contains("compile_error"), "{out}");
}

#[test]
fn unknown_and_duplicate_ids_are_errors_with_placeholder() {
    let out = expand_model(
        quote!("template.yaml", { GetDogFunc => a, ListDogs => b, ListDogs => c }, ignore: [GetDogFunction, GetDogFunction]),
        model(vec![function("GetDogFunction", "bootstrap", 14), function("ListDogs", "", 20)]),
    );
    assert!(out.contains("cannot bind `GetDogFunc`: template.yaml has no function with that logical id; did you mean `GetDogFunction`?"), "{out}");
    assert!(out.contains("function `ListDogs` is bound twice; keep one entry"), "{out}");
    assert!(out.contains("function `GetDogFunction` is ignored twice; keep one entry"), "{out}");
    assert!(out.contains("AppBuilder::placeholder()"), "{out}");
    assert!(!out.contains("static MODEL"), "{out}");
}

#[test]
fn bound_and_ignored_is_an_error() {
    let out =
        expand_model(quote!("template.yaml", { A => a }, ignore: [A]), model(vec![function("A", "bootstrap", 4)]));
    assert!(out.contains("function `A` is both bound and ignored; keep one of the two"), "{out}");
}

#[test]
fn unusable_default_names_are_errors() {
    let out =
        expand_model(quote!("template.yaml"), model(vec![function("Self", "bootstrap", 4), function("9Lives", "", 9)]));
    assert!(out.contains("template.yaml:4: function `Self` has no handler: its logical id gives `self`"), "{out}");
    assert!(out.contains("template.yaml:9: function `9Lives` has no handler"), "{out}");
}

#[test]
fn keyword_ids_become_raw_identifiers() {
    let out = expand_model(
        quote!("template.yaml"),
        model(vec![function("Type", "bootstrap", 4), function("get-dog", "", 9)]),
    );
    assert!(out.contains("template_yaml_line_4::Type::r#type"), "{out}");
    assert!(out.contains("template_yaml_line_9::get_dog::get_dog"), "{out}");
}

#[test]
fn missing_template_names_the_absolute_path() {
    let out = pretty(expand_in(quote!("no/such/template.yaml"), Some(Path::new("/nowhere"))));
    assert!(
        out.contains("template not found: `no/such/template.yaml` resolves to `/nowhere/no/such/template.yaml`"),
        "{out}"
    );
    assert!(out.contains("AppBuilder::placeholder()"), "{out}");
}

#[test]
fn bad_input_never_panics() {
    for input in [quote!(), quote!(42), quote!("t.yaml", { A => }), quote!("t.yaml", ignore: [1])] {
        let out = pretty(expand_in(input, Some(Path::new("/nowhere"))));
        assert!(out.contains("compile_error!") && out.contains("AppBuilder::placeholder()"), "{out}");
    }
}

/// The call the snapshot is the expansion of, relative to this crate's manifest dir.
fn small_expansion(dir: &Path) -> TokenStream {
    expand_in(
        quote!("tests/data/small.yaml", { CreateDogFunction => dogs::create }, ignore: [LegacyPythonFunction]),
        Some(dir),
    )
}

/// Rewrites every string literal under `workspace` as `concat!(env!("CARGO_MANIFEST_DIR"), "/../<rest>")`, so the
/// snapshot is the same on every machine and still compiles in any sibling crate of the workspace (emu-runtime).
fn workspace_relative(tokens: TokenStream, workspace: &str) -> TokenStream {
    tokens
        .into_iter()
        .map(|tree| match tree {
            TokenTree::Group(group) => {
                let mut new = Group::new(group.delimiter(), workspace_relative(group.stream(), workspace));
                new.set_span(group.span());
                TokenStream::from(TokenTree::Group(new))
            }
            TokenTree::Literal(literal) => {
                let value = syn::parse_str::<syn::LitStr>(&literal.to_string()).ok().map(|l| l.value());
                match value.as_deref().and_then(|v| v.strip_prefix(workspace)) {
                    Some(rest) if rest.starts_with('/') => {
                        let rest = format!("/..{rest}");
                        quote!(::core::concat!(::core::env!("CARGO_MANIFEST_DIR"), #rest))
                    }
                    _ => TokenStream::from(TokenTree::Literal(literal)),
                }
            }
            other => TokenStream::from(other),
        })
        .collect()
}

const SNAPSHOT_HEADER: &str = "\
// @generated by emu-codegen's `expansion_snapshot_of_small_template` test; do not edit by hand.
// The expansion of, in emu-codegen:
//   lambda_app!(\"tests/data/small.yaml\", { CreateDogFunction => dogs::create }, ignore: [LegacyPythonFunction])
// with paths under the workspace made relative to the compiling crate's CARGO_MANIFEST_DIR.
// Regenerate: UPDATE_SNAPSHOTS=1 cargo test -p emu-codegen. Compiled and run by emu-runtime/tests/expanded_snapshot.rs.
";

/// Compares `actual` with the snapshot at `path`; writes it instead when `update` is set.
fn check_snapshot(path: &Path, actual: &str, update: bool) -> Result<(), String> {
    let regenerate = "regenerate with `UPDATE_SNAPSHOTS=1 cargo test -p emu-codegen` and review the diff";
    if update {
        return std::fs::write(path, actual).map_err(|e| format!("cannot write {}: {e}", path.display()));
    }
    match std::fs::read_to_string(path) {
        Err(e) => Err(format!("snapshot {} cannot be read ({e}); {regenerate}", path.display())),
        Ok(expected) if expected == actual => Ok(()),
        Ok(expected) => Err(format!(
            "snapshot {} differs from the expansion; {regenerate}\n{}",
            path.display(),
            first_difference(&expected, actual)
        )),
    }
}

/// The first differing line with two lines of context before it, then a few lines of each side (`-` snapshot, `+` now).
fn first_difference(expected: &str, actual: &str) -> String {
    let (old, new): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let same = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    if same == old.len() && same == new.len() {
        return "the lines are equal; only the line endings or the final newline differ".to_owned();
    }
    let mut out = format!(
        "first difference at line {} (snapshot: {} lines, expansion: {} lines):\n",
        same + 1,
        old.len(),
        new.len()
    );
    for line in &old[same.saturating_sub(2)..same] {
        out.push_str(&format!("  {line}\n"));
    }
    for line in old.iter().skip(same).take(6) {
        out.push_str(&format!("- {line}\n"));
    }
    for line in new.iter().skip(same).take(6) {
        out.push_str(&format!("+ {line}\n"));
    }
    out
}

#[test]
fn expansion_snapshot_of_small_template() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workspace = dir.parent().expect("emu-codegen lives in the workspace").to_string_lossy().into_owned();
    let tokens = workspace_relative(small_expansion(dir), &workspace);
    let file: syn::File =
        syn::parse2(quote!(fn small_app() -> ::emu_runtime::App #tokens)).expect("the expansion is a block");
    let text = format!("{SNAPSHOT_HEADER}{}", prettyplease::unparse(&file));
    assert!(!text.contains("compile_error"), "the small template must expand without errors:\n{text}");
    assert!(!text.contains(&workspace), "the snapshot must not name this machine's paths:\n{text}");
    let update = std::env::var_os("UPDATE_SNAPSHOTS").is_some_and(|v| v == "1");
    if let Err(message) = check_snapshot(&dir.join("tests/expand/small.expanded.rs"), &text, update) {
        panic!("{message}");
    }
}

#[test]
fn snapshot_check_fails_when_missing_or_different() {
    let dir = std::env::temp_dir().join(format!("emu-codegen-snapshot-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create temp dir");
    let path = dir.join("x.expanded.rs");
    let missing = check_snapshot(&path, "a\nb\n", false).expect_err("a missing snapshot fails");
    assert!(missing.contains("UPDATE_SNAPSHOTS=1"), "{missing}");
    check_snapshot(&path, "a\nb\nc\n", true).expect("update writes the snapshot");
    check_snapshot(&path, "a\nb\nc\n", false).expect("an equal snapshot passes");
    let differs = check_snapshot(&path, "a\nB\nc\n", false).expect_err("a different snapshot fails");
    assert!(
        differs.contains("first difference at line 2") && differs.contains("- b\n") && differs.contains("+ B\n"),
        "{differs}"
    );
    let newline = check_snapshot(&path, "a\nb\nc", false).expect_err("a missing final newline fails");
    assert!(newline.contains("only the line endings"), "{newline}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn workspace_paths_become_manifest_dir_relative() {
    let tokens = workspace_relative(quote!(f("/ws/a/t.yaml", "/wsx/b", { g("/ws/c") }, 3)), "/ws");
    let text = tokens.to_string();
    assert!(text.contains(r#"concat ! (:: core :: env ! ("CARGO_MANIFEST_DIR") , "/../a/t.yaml")"#), "{text}");
    assert!(text.contains(r#""/wsx/b""#), "only whole path components are rewritten: {text}");
    assert!(text.contains(r#""/../c""#), "literals inside groups are rewritten: {text}");
}

#[test]
fn a_typo_still_expands_the_other_bindings_and_lands_on_its_close_match() {
    let out = expand_model(
        quote!("template.yaml", { GetDogFuncton => get_it, Nonsense => stray::handler, ListDogs => dogs::list }),
        model(vec![
            function("GetDogFunction", "bootstrap", 14),
            function("ListDogs", "", 20),
            function("CreateDog", "bootstrap", 30),
        ]),
    );
    assert!(out.contains("did you mean `GetDogFunction`?"), "{out}");
    assert!(out.contains("cannot bind `Nonsense`"), "{out}");
    // Every handler is still type-checked: the explicit ones (imports used), the orphan, the implicit one.
    for expected in ["assert_handler(get_it)", "assert_handler(stray::handler)", "assert_handler(dogs::list)"] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert!(out.contains("template_yaml_line_30::CreateDog::create_dog"), "{out}");
    // The typo's function is covered by its binding: no lookup of `get_dog_function` to fail as well.
    assert!(!out.contains("get_dog_function"), "{out}");
    assert!(out.contains("AppBuilder::placeholder()"), "{out}");
}

#[test]
fn lookup_modules_spell_the_fix() {
    let out = expand_model(quote!("template.yaml"), model(vec![function("GetDogFunction", "bootstrap", 14)]));
    assert!(
        out.contains(
            "bind_it_with__Id_eq_gt_handler__or_ignore_it__template_yaml_line_14::GetDogFunction::get_dog_function"
        ),
        "{out}"
    );
}

fn with_imported_authorizer(mut m: Model) -> Model {
    m.authorizers = vec![emu_template::Authorizer {
        api: "ServerlessRestApi".into(),
        name: "Shared".into(),
        kind: emu_template::AuthorizerKind::LambdaToken {
            function: emu_template::AuthorizerFunction {
                id: None,
                arn: "arn:aws:lambda:us-east-1:123456789012:function:shared-auth".into(),
            },
        },
        identity: Cow::Borrowed(&[]),
        validation_expression: None,
        ttl_secs: 300,
        default_scopes: Cow::Borrowed(&[]),
        location: Location::new(7, 11),
    }]
    .into();
    m
}

#[test]
fn an_unbound_imported_authorizer_is_an_error_naming_it() {
    let out = expand_model(
        quote!("template.yaml"),
        with_imported_authorizer(model(vec![function("GetDogFunction", "bootstrap", 14)])),
    );
    assert!(out.contains("template.yaml:7: authorizer `Shared` of API ServerlessRestApi invokes"), "{out}");
    assert!(out.contains("\\\"shared-auth\\\" => path"), "{out}");
}

#[test]
fn an_imported_authorizer_binds_by_name_or_by_arn() {
    for key in [quote!("shared-auth"), quote!("arn:aws:lambda:us-east-1:123456789012:function:shared-auth")] {
        let out = expand_model(
            quote!("template.yaml", { #key => auth::check }),
            with_imported_authorizer(model(vec![function("GetDogFunction", "bootstrap", 14)])),
        );
        assert!(!out.contains("compile_error"), "{out}");
        assert!(out.contains(".bind(\"shared-auth\""), "{out}");
        assert!(out.contains("id: Some(Borrowed(\"shared-auth\"))"), "{out}");
    }
}

#[test]
fn nested_stack_functions_bind_through_module_paths() {
    let out = expand_model(
        quote!("template.yaml", { "SubApp/CreateDog" => create }),
        model(vec![
            function("GetDog", "bootstrap", 4),
            function("SubApp/GetDog", "bootstrap", 9),
            function("SubApp/CreateDog", "bootstrap", 9),
            function("helloworld-function", "", 12),
        ]),
    );
    for expected in [
        "template_yaml_line_4::GetDog::get_dog",
        "template_yaml_line_9::SubApp_GetDog::sub_app::get_dog",
        ".bind(\"SubApp/CreateDog\", ::emu_runtime::__private::assert_handler(create))",
        "template_yaml_line_12::helloworld_function::helloworld_function",
    ] {
        assert!(out.contains(expected), "missing `{expected}` in:\n{out}");
    }
    assert!(!out.contains("compile_error"), "{out}");
}

#[test]
fn every_nested_template_is_tracked_for_rebuilds() {
    let dir = std::env::temp_dir().join(format!("emu-codegen-nested-{}", std::process::id()));
    let child_dir = dir.join("child");
    std::fs::create_dir_all(&child_dir).expect("temp dir");
    let parent = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Child:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: child/template.yaml\n";
    let child = "Transform: AWS::Serverless-2016-10-31\nResources:\n  GetDog:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Events:\n        A: {Type: Api, Properties: {Path: /dogs, Method: get}}\n";
    std::fs::write(dir.join("template.yaml"), parent).expect("write parent");
    std::fs::write(child_dir.join("template.yaml"), child).expect("write child");
    let out = pretty(expand_in(quote!("template.yaml"), Some(&dir)));
    let _ = std::fs::remove_dir_all(&dir);
    let child_path = child_dir.join("template.yaml");
    // Two `include_bytes!`: the template and the child template it nests.
    assert_eq!(out.matches("include_bytes!").count(), 2, "{out}");
    assert!(out.contains(&format!("\"{}\"", child_path.display())), "{out}");
    assert!(out.contains("Borrowed(\"Child/GetDog\")"), "{out}");
    assert!(out.contains("child::get_dog"), "{out}");
}
