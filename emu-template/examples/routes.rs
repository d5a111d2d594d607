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
    print!(
        "{}",
        if json { emu_template::report::routes_json(model) } else { emu_template::report::routes_table(model) }
    );
    ExitCode::SUCCESS
}
