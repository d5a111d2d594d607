//! Conformance with SAM CLI's route discovery over the shared template corpus.
//! Every difference must be listed, with its reason, in `docs/template-support.md` ("Known differences").
//!
//! The corpus is `../shared/corpus` beside the checkout, or `$EMU_SHARED_DIR/corpus` when that variable is set.
//! It is not part of a user's clone, so the corpus tests are `#[ignore]`d: `cargo test` reports them as ignored,
//! never as passed, and CI runs them with `cargo test -p emu-template --test NAME -- --ignored`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use emu_template::{ReadOptions, read_file};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "expected-routes") {
                continue;
            }
            yaml_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(p);
        }
    }
}

/// `method path function api_type payload`, the fields the corpus README says to compare.
fn route_line(method: &str, path: &str, function: &str, api_type: &str, payload: &str) -> String {
    format!("{method} {path} {function} {api_type} {payload}")
}

/// The names a route's function may match SAM CLI's by: its id (what `lambda_app!` binds: the CDK construct id, or
/// `Child/Id` in a nested stack), the id's last part (SAM CLI lists a nested function by its logical id alone), the
/// CloudFormation logical id, and the `FunctionName` (SAM CLI's name when an integration ARN carries it).
fn function_names(model: &emu_template::Model, id: &str) -> Vec<String> {
    let mut names = vec![id.to_string()];
    if let Some((_, last)) = id.rsplit_once('/') {
        names.push(last.to_string());
    }
    if let Some(f) = model.function(id) {
        names.push(f.logical_id.to_string());
        names.push(f.name.to_string());
    }
    names
}

/// A nested stack's route whose method and path an API of a shallower stack also serves: the gateway matches the
/// API that comes first (the root's APIs come before their children's), as SAM CLI lets root-stack routes beat
/// nested-stack routes, so SAM CLI does not list it. AWS deploys it on the child's own API (its own URL).
fn shadowed(model: &emu_template::Model, r: &emu_template::Route) -> bool {
    let depth = |api: &str| api.matches('/').count();
    depth(&r.api) > 0
        && model.routes.iter().any(|o| depth(&o.api) < depth(&r.api) && o.method == r.method && o.path == r.path)
}

/// The Serverless Framework's CloudFormation output: SAM CLI names its function by `FunctionName`
/// (`serverless-hello-world-dev-helloWorld`). The route table shows the logical id, which is what `lambda_app!`
/// binds; `routes --json` carries the `FunctionName` as `function_name`, which is how this comparison matches.
fn serverless_sample_is_named_both_ways(model: &emu_template::Model) {
    let report: serde_json::Value =
        serde_json::from_str(&emu_template::report::routes_json(model)).expect("routes_json is JSON");
    let route = &report["routes"][0];
    assert_eq!(route["function"], "HelloWorldLambdaFunction", "{report}");
    assert_eq!(route["function_name"], "serverless-hello-world-dev-helloWorld", "{report}");
}

/// The known differences, from the table under "## Known differences" in docs/template-support.md.
fn known_differences(doc: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut in_section = false;
    for line in doc.lines() {
        if line.starts_with("## ") {
            in_section = line.starts_with("## Known differences");
            continue;
        }
        if !in_section || !line.starts_with('|') {
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(|c| c.trim().trim_matches('`')).collect();
        if let [template, difference, reason, ..] = cells.as_slice() {
            if *template == "Template" || template.starts_with("---") {
                continue;
            }
            assert!(!reason.is_empty(), "known difference without a reason: {line}");
            out.insert(format!("{template}: {difference}"));
        }
    }
    out
}

#[test]
#[ignore = "reads the peers' corpus in ../shared/corpus: run with `-- --ignored` (CI does)"]
fn corpus_routes_match_sam_cli_or_are_documented() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let corpus = shared_corpus();
    assert!(corpus.is_dir(), "the corpus was at {} when the test was built; rebuild", corpus.display());
    let mut templates = Vec::new();
    yaml_files(&corpus.join("sam-cli"), &mut templates);
    yaml_files(&corpus.join("rust-runtime-examples"), &mut templates);
    assert!(!templates.is_empty(), "no templates under {}", corpus.display());

    let mut differences = BTreeSet::new();
    let mut matching = 0;
    let mut compared = 0;
    for template in &templates {
        let rel = template.strip_prefix(&corpus).unwrap_or(template).to_string_lossy().replace('\\', "/");
        let expected_path = corpus.join("sam-cli/expected-routes").join(format!("{}.json", rel.replace('/', "__")));
        let Ok(expected_text) = std::fs::read_to_string(&expected_path) else {
            differences.insert(format!("{rel}: no expected routes file"));
            continue;
        };
        let expected: serde_json::Value = serde_json::from_str(&expected_text).expect("expected-routes JSON");
        compared += 1;
        let before = differences.len();
        let result = read_file(template, &ReadOptions::default());
        match (expected.get("sam_error").is_some(), result) {
            (true, Err(_)) => {}
            (true, Ok(_)) => {
                differences.insert(format!("{rel}: accepted (SAM refuses)"));
            }
            (false, Err(problems)) => {
                eprintln!("{problems}");
                differences.insert(format!("{rel}: refused"));
            }
            (false, Ok(loaded)) => {
                let model = &loaded.model;
                let theirs: BTreeSet<String> = expected["routes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|r| {
                        let api_type = r["api_type"].as_str().unwrap_or("?");
                        let default = if api_type == "HTTP" { "2.0" } else { "1.0" };
                        let payload = r["payload_format_version"].as_str().unwrap_or(default);
                        route_line(
                            match r["method"].as_str().unwrap_or("?") {
                                m if m.eq_ignore_ascii_case("x-amazon-apigateway-any-method") => "ANY",
                                m => m,
                            },
                            r["path"].as_str().unwrap_or("?"),
                            r["function"].as_str().unwrap_or("?"),
                            api_type,
                            payload,
                        )
                    })
                    .collect();
                let ours: BTreeSet<String> = model
                    .routes
                    .iter()
                    .filter(|r| !shadowed(model, r))
                    .map(|r| {
                        let kind = model.api(&r.api).map_or("?", |a| a.kind.as_str());
                        // SAM CLI lists a MOCK integration as a route with no function (`?` here).
                        let names = r.function().map_or_else(|| vec!["?".to_owned()], |f| function_names(model, f));
                        let lines: Vec<String> = names
                            .iter()
                            .map(|n| route_line(r.method.as_str(), &r.path, n, kind, r.payload.as_str()))
                            .collect();
                        lines.iter().find(|l| theirs.contains(*l)).cloned().unwrap_or_else(|| lines[0].clone())
                    })
                    .collect();
                // SAM CLI lists a preflight OPTIONS route on every path once CORS is configured; the model keeps
                // CORS on the API instead (the runtime answers preflights), so those are not routes here.
                let cors = !expected["api"]["cors"].is_null();
                let theirs: BTreeSet<String> =
                    theirs.into_iter().filter(|r| !(cors && r.starts_with("OPTIONS ") && !ours.contains(r))).collect();
                if ours.is_empty() && theirs.len() > 1 {
                    differences.insert(format!("{rel}: missing all {} routes", theirs.len()));
                }
                for missing in theirs.difference(&ours).filter(|_| !ours.is_empty() || theirs.len() == 1) {
                    differences.insert(format!("{rel}: missing {missing}"));
                }
                for extra in ours.difference(&theirs) {
                    differences.insert(format!("{rel}: extra {extra}"));
                }
                if rel.ends_with("serverless-sample-output.yaml") {
                    serverless_sample_is_named_both_ways(model);
                }
            }
        }
        if differences.len() == before {
            matching += 1;
        }
    }
    println!("conformance: {matching} of {compared} templates match SAM CLI exactly");

    let doc_path = manifest.join("../docs/template-support.md");
    let doc = std::fs::read_to_string(&doc_path).unwrap_or_default();
    let known = known_differences(&doc);
    let new: Vec<&String> = differences.difference(&known).collect();
    let fixed: Vec<&String> = known.difference(&differences).collect();
    let mut report = String::new();
    if !new.is_empty() {
        report.push_str("new differences from SAM CLI (fix them, or add a row with the reason to the \"Known differences\" table of docs/template-support.md):\n");
        for d in &new {
            report.push_str(&format!("  {d}\n"));
        }
    }
    if !fixed.is_empty() {
        report.push_str("differences listed in docs/template-support.md that no longer occur (remove their rows):\n");
        for d in &fixed {
            report.push_str(&format!("  {d}\n"));
        }
    }
    assert!(report.is_empty(), "{report}");
}

/// `../shared/corpus` beside the checkout, or `$EMU_SHARED_DIR/corpus`.
fn shared_corpus() -> PathBuf {
    let shared = std::env::var_os("EMU_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    shared.join("corpus")
}
