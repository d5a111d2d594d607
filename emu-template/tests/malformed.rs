//! The reader against hostile templates: every file of `tests/malformed/` (truncations, wrong types at every level,
//! broken intrinsics, reference and condition cycles, alias bombs, bad encodings, tabs, duplicate keys, each
//! Serverless variable form broken) and a few huge inputs built here. None may panic, hang or exhaust memory (the
//! `lambda_app!` macro reads templates inside rustc); each gives located problems or a located warning, except
//! the files `tests/malformed/accepted.txt` lists (valid templates, and the readers' known gaps).

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use emu_template::{Loaded, Problems, ReadOptions};

/// A read still running after this long has hung (the failure looked for, not a speed claim).
const HANG: Duration = Duration::from_secs(60);
/// Peak resident memory allowed for the whole suite.
const MEMORY_LIMIT_MB: u64 = 1024;

fn corpus() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/malformed")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml" || x == "json"))
        .collect();
    files.sort();
    files
}

/// Reads `source` (as a file named `name`) on its own thread, failing the test if it hangs or panics.
fn read_bounded(name: &str, source: Vec<u8>) -> Result<Loaded, Problems> {
    let (tx, rx) = mpsc::channel();
    let dir = std::env::temp_dir().join(format!("emu-malformed-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, &source).unwrap();
    let thread_path = path.clone();
    std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            let result = std::panic::catch_unwind(|| emu_template::read_file(&thread_path, &ReadOptions::default()));
            let _ = tx.send(result);
        })
        .unwrap();
    let result = rx.recv_timeout(HANG).unwrap_or_else(|_| panic!("{name}: the reader hung (over {HANG:?})"));
    let _ = std::fs::remove_file(&path);
    result.unwrap_or_else(|_| panic!("{name}: the reader panicked"))
}

/// What a hostile template must give: problems, each with a line, or a model with located warnings.
fn outcome(name: &str, result: &Result<Loaded, Problems>) -> String {
    match result {
        Err(problems) => {
            assert!(!problems.0.is_empty(), "{name}: an error with no problem");
            for p in &problems.0 {
                assert!(p.location.line >= 1, "{name}: problem without a line: {p}");
                assert!(!p.kind.to_string().is_empty(), "{name}: problem without a message");
            }
            format!("error   {}", problems.0[0])
        }
        Ok(loaded) => {
            let warnings = &loaded.model.warnings;
            if warnings.is_empty() {
                return format!("SILENT  {name}");
            }
            for w in warnings.iter() {
                assert!(w.location.line >= 1, "{name}: warning without a line: {}", w.message);
            }
            format!("warning {}:{}: {}", name, warnings[0].location.line, warnings[0].message)
        }
    }
}

fn peak_rss_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse::<u64>().ok().map(|kb| kb / 1024)
}

#[test]
fn every_malformed_template_gives_located_problems_without_panic_or_hang() {
    let files = corpus();
    assert!(files.len() >= 100, "the corpus has {} files, fewer than 100", files.len());
    let mut report = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let result = read_bounded(&name, std::fs::read(path).unwrap());
        report.push(outcome(&name, &result));
    }
    for line in &report {
        println!("{line}");
    }
    // Files read without a word said must be exactly those `accepted.txt` lists (valid ones, and known gaps).
    let silent: std::collections::BTreeSet<&str> = report.iter().filter_map(|l| l.strip_prefix("SILENT  ")).collect();
    let listed = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/malformed/accepted.txt"))
        .expect("tests/malformed/accepted.txt");
    let accepted: std::collections::BTreeSet<&str> = listed
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    let unlisted: Vec<_> = silent.difference(&accepted).collect();
    let now_reported: Vec<_> = accepted.difference(&silent).collect();
    assert!(unlisted.is_empty(), "read without an error or warning, and not in accepted.txt: {unlisted:?}");
    assert!(now_reported.is_empty(), "in accepted.txt but now refused or warned about (remove them): {now_reported:?}");
    if let Some(mb) = peak_rss_mb() {
        assert!(mb < MEMORY_LIMIT_MB, "peak memory {mb} MB over {MEMORY_LIMIT_MB} MB");
    }
}

const SAM: &str = "Transform: AWS::Serverless-2016-10-31\n";

/// Inputs too big to commit, built here: megabytes of scalar, thousands of resources and routes, deep block
/// nesting, an unclosed flow of 100,000 brackets, a 50,000-variable `!Sub`, a 20,000-segment path.
#[test]
fn huge_templates_are_read_in_bounded_time_and_memory() {
    let function = |props: &str| {
        format!(
            "{SAM}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n{props}"
        )
    };
    let mut resources = format!("{SAM}Resources:\n");
    for i in 0..3000 {
        resources.push_str(&format!(
            "  F{i}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n      Events:\n        E:\n          Type: Api\n          Properties:\n            Path: /p{i}/{{id}}\n            Method: get\n"
        ));
    }
    let mut nested = format!("{SAM}Metadata:\n");
    for i in 0..400 {
        nested.push_str(&format!("{}k{i}:\n", "  ".repeat(i + 1)));
    }
    nested.push_str(&format!("{}v\nResources: {{}}\n", "  ".repeat(401)));
    let cases: Vec<(&str, String)> = vec![
        ("huge-long-scalar.yaml", function(&format!("      Description: {}\n", "x".repeat(2_000_000)))),
        ("huge-many-resources.yaml", resources),
        ("huge-deep-block.yaml", nested),
        ("huge-unclosed-flow.json", "[".repeat(100_000)),
        (
            "huge-sub-vars.yaml",
            function(&format!(
                "      Environment:\n        Variables:\n          V: !Sub '{}'\n",
                "${AWS::Region}".repeat(50_000)
            )),
        ),
        (
            "huge-long-path.yaml",
            function(&format!(
                "      Events:\n        E:\n          Type: Api\n          Properties:\n            Path: /{}\n            Method: get\n",
                "{p}/".repeat(20_000)
            )),
        ),
    ];
    for (name, source) in cases {
        let result = read_bounded(name, source.into_bytes());
        // Big but valid documents may be read; they must not panic, hang or blow up memory.
        if let Err(problems) = &result {
            for p in &problems.0 {
                assert!(p.location.line >= 1, "{name}: problem without a line: {p}");
            }
        }
    }
    if let Some(mb) = peak_rss_mb() {
        assert!(mb < MEMORY_LIMIT_MB, "peak memory {mb} MB over {MEMORY_LIMIT_MB} MB");
    }
}
