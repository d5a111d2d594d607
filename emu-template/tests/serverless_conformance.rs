//! Conformance over serverless-offline's own `serverless.yml` fixtures (`../shared/corpus/serverless-offline/`).
//! The expected routes are derived here, independently of the reader, from the raw YAML of each file's events.
//!
//! The corpus is `../shared/corpus` beside the checkout, or `$EMU_SHARED_DIR/corpus` when that variable is set
//! (read by `build.rs`, which passes the path on as `EMU_SHARED_CORPUS`). Without it the corpus tests are
//! reported as ignored, never as passed.

use std::path::{Path, PathBuf};

use emu_template::{ReadOptions, TemplateFormat, read_file};
use serde_yaml::Value;

/// How many corpus files the reader must read. It may only go up: raise it when the test says more files are read.
const READABLE_AT_LEAST: usize = 40;

fn serverless_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            serverless_files(&p, out);
        } else if p.file_name().is_some_and(|n| n == "serverless.yml" || n == "serverless.yaml") {
            out.push(p);
        }
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn method(m: &str) -> String {
    let m = m.trim().to_ascii_uppercase();
    if m == "*" { "ANY".into() } else { m }
}

fn payload(v: Option<&Value>) -> Option<String> {
    let t = text(v?)?;
    Some(if t.starts_with('1') { "1.0".into() } else { "2.0".into() })
}

/// `METHOD path function API payload` for every `http` / `httpApi` event the file declares, as the framework reads them:
/// REST paths get exactly one leading `/` and lose a trailing one, `*` is ANY, an `httpApi` `*` path is `$default`.
fn expected_routes(doc: &Value) -> Vec<String> {
    let provider_payload = payload(doc.get("provider").and_then(|p| p.get("httpApi")).and_then(|h| h.get("payload")));
    let mut out = Vec::new();
    let Some(functions) = doc.get("functions").and_then(Value::as_mapping) else { return out };
    for (name, function) in functions {
        let Some(name) = text(name) else { continue };
        let fn_payload = payload(function.get("httpApi").and_then(|h| h.get("payload")));
        let http_payload = fn_payload.or(provider_payload.clone()).unwrap_or_else(|| "2.0".into());
        let events = function.get("events").and_then(Value::as_sequence).cloned().unwrap_or_default();
        for event in events {
            if let Some(http) = event.get("http") {
                let (m, p) = match http {
                    Value::String(s) => {
                        let (m, p) = s.split_once(' ').unwrap_or((s, ""));
                        (m.to_string(), p.trim().to_string())
                    }
                    other => (
                        other.get("method").and_then(text).unwrap_or_default(),
                        other.get("path").and_then(text).unwrap_or_default(),
                    ),
                };
                let p = p.strip_prefix('/').unwrap_or(&p);
                let p = p.strip_suffix('/').unwrap_or(p);
                out.push(format!("{} /{p} {name} REST 1.0", method(&m)));
            }
            if let Some(http_api) = event.get("httpApi") {
                let (m, p) = match http_api {
                    Value::String(s) if s.trim() == "*" => ("*".to_string(), "*".to_string()),
                    Value::String(s) => {
                        let (m, p) = s.split_once(' ').unwrap_or((s, ""));
                        (m.to_string(), p.trim().to_string())
                    }
                    other => (
                        other.get("method").and_then(text).unwrap_or_else(|| "*".into()),
                        other.get("path").and_then(text).unwrap_or_default(),
                    ),
                };
                let p = if p == "*" { "$default".to_string() } else { p };
                out.push(format!("{} {p} {name} HTTP {http_payload}", method(&m)));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The serverless-offline part of the shared corpus; panics when it vanished since the test was built.
fn corpus() -> PathBuf {
    let corpus = shared_corpus().join("serverless-offline");
    assert!(corpus.is_dir(), "the corpus was at {} when the test was built; rebuild", corpus.display());
    corpus
}

#[test]
#[ignore = "reads the peers' corpus in ../shared/corpus: run with `-- --ignored` (CI does)"]
fn every_serverless_offline_fixture_reads_with_the_routes_it_declares() {
    let corpus = corpus();
    let mut files = Vec::new();
    serverless_files(&corpus, &mut files);
    assert!(!files.is_empty(), "no serverless.yml under {}", corpus.display());
    let mut readable = 0;
    let mut unreadable = Vec::new();
    let mut mismatches = Vec::new();
    let mut declared = 0;
    for file in &files {
        let short = file.strip_prefix(&corpus).unwrap_or(file).display().to_string();
        let raw = std::fs::read_to_string(file).unwrap_or_default();
        let doc: Value = serde_yaml::from_str(&raw).unwrap_or(Value::Null);
        let expected = expected_routes(&doc);
        declared += expected.len();
        match read_file(file, &ReadOptions::default()) {
            Err(problems) => unreadable.push(format!("{short}: {problems}")),
            Ok(loaded) => {
                readable += 1;
                let model = &loaded.model;
                assert_eq!(model.format, TemplateFormat::Serverless, "{short}");
                let mut actual: Vec<String> = model
                    .routes
                    .iter()
                    .map(|r| {
                        let kind = model.api(&r.api).map_or("?", |a| a.kind.as_str());
                        format!("{} {} {} {kind} {}", r.method, r.path, r.function().unwrap_or("?"), r.payload.as_str())
                    })
                    .collect();
                actual.sort();
                if actual != expected {
                    mismatches.push(format!("{short}:\n  expected {expected:#?}\n  read     {actual:#?}"));
                }
                for api in model.apis.iter() {
                    let rest = api.kind == emu_template::ApiKind::Rest;
                    assert_eq!(api.stage_in_url, rest, "{short}: {} stage_in_url", api.id);
                }
            }
        }
    }
    println!("serverless corpus: {readable}/{} files read, {declared} http/httpApi events declared", files.len());
    for u in &unreadable {
        println!("cannot read {u}");
    }
    assert!(mismatches.is_empty(), "route lists differ:\n{}", mismatches.join("\n"));
    assert!(
        readable >= READABLE_AT_LEAST,
        "only {readable} files read, READABLE_AT_LEAST is {READABLE_AT_LEAST}; unreadable:\n{}",
        unreadable.join("\n")
    );
    if readable > READABLE_AT_LEAST {
        println!("note: {readable} files are now read; raise READABLE_AT_LEAST to {readable}");
    }
}

/// `examples/serverless/serverless.yml` must describe the same API as `examples/app/template.yaml`.
#[test]
fn serverless_example_matches_the_sam_pet_store() {
    let examples = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let (sls, sam) = (examples.join("serverless/serverless.yml"), examples.join("app/template.yaml"));
    if !sls.is_file() || !sam.is_file() {
        println!("skipping: examples not found");
        return;
    }
    let shape = |path: &Path| -> Vec<String> {
        let loaded = read_file(path, &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
        let model = loaded.model;
        let mut out: Vec<String> = model
            .routes
            .iter()
            .map(|r| {
                let f = r.function().and_then(|id| model.function(id)).map(|f| (f.timeout_secs, f.memory_mb));
                let kind = model.api(&r.api).map_or("?", |a| a.kind.as_str());
                format!("{} {} {kind} {} {f:?}", r.method, r.path, r.payload.as_str())
            })
            .collect();
        out.sort();
        out
    };
    assert_eq!(shape(&sls), shape(&sam));
    let loaded = read_file(&sls, &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
    let info = loaded.model.function("storeInfo").expect("storeInfo");
    let env: Vec<(String, Option<String>)> =
        info.environment.iter().map(|e| (e.name.to_string(), e.literal_value())).collect();
    assert_eq!(
        env,
        [
            ("LOG_LEVEL".to_string(), Some("debug".to_string())),
            ("STORE_NAME".to_string(), Some("Happy Paws".to_string())),
            ("TOKEN_TTL_SECONDS".to_string(), Some("3600".to_string())),
        ]
    );
}

/// The reader never panics: every fixture cut after each of its lines is read (or refused) cleanly.
#[test]
#[ignore = "reads the peers' corpus in ../shared/corpus: run with `-- --ignored` (CI does)"]
fn truncated_fixtures_never_panic() {
    let corpus = corpus();
    let mut files = Vec::new();
    serverless_files(&corpus, &mut files);
    let mut reads = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let mut end = 0;
        for line in text.split_inclusive('\n') {
            end += line.len();
            let cut = text.get(..end).unwrap_or_default();
            let _ = emu_template::read_str(cut, file, &ReadOptions::default());
            reads += 1;
        }
    }
    println!("{reads} truncated reads");
}

/// `../shared/corpus` beside the checkout, or `$EMU_SHARED_DIR/corpus`.
fn shared_corpus() -> PathBuf {
    let shared = std::env::var_os("EMU_SHARED_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared"));
    shared.join("corpus")
}
