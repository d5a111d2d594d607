//! Prints the routes `lambda_app!` would serve for a template, then the reader's warnings.
//! Usage: `cargo run -q -p emu-template --example routes -- PATH [--json] [--parameter-overrides K=V ...]`.

use std::path::PathBuf;
use std::process::ExitCode;

use emu_template::{ReadOptions, read_file};

const USAGE: &str = "usage: routes PATH [--json] [--parameter-overrides K=V ...]";

fn main() -> ExitCode {
    let mut path = None;
    let mut json = false;
    let mut options = ReadOptions::default();
    let mut in_overrides = false;
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "--json" => json = true,
            "--parameter-overrides" => in_overrides = true,
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            _ if in_overrides && arg.contains('=') => {
                // Accept `K=V` and the CloudFormation `ParameterKey=K,ParameterValue=V` forms.
                let (k, v) = match (arg.strip_prefix("ParameterKey="), arg.split_once(",ParameterValue=")) {
                    (Some(_), Some((k, v))) => (k.trim_start_matches("ParameterKey=").to_string(), v.to_string()),
                    _ => match arg.split_once('=') {
                        Some((k, v)) => (k.to_string(), v.to_string()),
                        None => continue,
                    },
                };
                options.parameter_overrides.insert(k, v);
            }
            _ if path.is_none() && !arg.starts_with('-') => {
                path = Some(PathBuf::from(arg));
                in_overrides = false;
            }
            _ => {
                eprintln!("unexpected argument `{arg}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let Some(path) = path else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let loaded = match read_file(&path, &options) {
        Ok(l) => l,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::FAILURE;
        }
    };
    let model = &loaded.model;
    let rows: Vec<[String; 7]> = model
        .routes
        .iter()
        .map(|r| {
            let api = model.api(&r.api);
            [
                r.method.as_str().to_string(),
                r.path.to_string(),
                r.function.to_string(),
                r.api.to_string(),
                api.map_or("?", |a| a.kind.as_str()).to_string(),
                r.payload.as_str().to_string(),
                api.map_or(String::new(), |a| a.stage.to_string()),
            ]
        })
        .collect();
    if json {
        let routes: Vec<serde_json::Value> = rows
            .iter()
            .map(|[method, path, function, api, api_type, payload, stage]| {
                serde_json::json!({
                    "method": method, "path": path, "function": function, "api": api,
                    "api_type": api_type, "payload_format_version": payload, "stage": stage,
                })
            })
            .collect();
        let warnings: Vec<String> =
            model.warnings.iter().map(|w| format!("{}:{}: {}", model.source, w.location, w.message)).collect();
        println!("{}", serde_json::json!({ "routes": routes, "warnings": warnings }));
        return ExitCode::SUCCESS;
    }
    let header = ["METHOD", "PATH", "FUNCTION", "API", "TYPE", "PAYLOAD", "STAGE"].map(String::from);
    let mut widths = header.clone().map(|h| h.len());
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        println!("{}", line.join("  ").trim_end());
    }
    if rows.is_empty() {
        println!("(no routes)");
    }
    for w in model.warnings.iter() {
        println!("warning: {}:{}: {}", model.source, w.location, w.message);
    }
    ExitCode::SUCCESS
}
