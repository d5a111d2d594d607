//! The dev server's command line, modelled on `sam local start-api`: host, port, env-vars, parameter overrides, routes.
//! Parsing never exits by itself: errors come back as one line for `run` to print with exit code 2.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

const EXAMPLES: &str = "\
Examples:
  cargo run                                   serve on http://127.0.0.1:3000
  cargo run -- --port 8080 --host 0.0.0.0     listen on every interface, port 8080
  cargo run -- --env-vars env.json            override variables (SAM CLI's format)
  cargo run -- --parameter-overrides Stage=dev TableName=dogs
  cargo run -- --list-routes --json           print the route table as JSON and exit
  cargo run -- --lambda-port 0                the Lambda Invoke API on any free port (default 3001)";

/// Serves the application's API locally, as API Gateway and Lambda would.
#[derive(Debug, Clone, Parser, PartialEq)]
#[command(about, after_help = EXAMPLES, disable_version_flag = true)]
pub(crate) struct Cli {
    /// Address to listen on (a dev server stays on loopback unless asked).
    #[arg(long, default_value = "127.0.0.1")]
    pub(crate) host: IpAddr,
    /// Port to listen on (0 picks a free port).
    #[arg(short, long, default_value_t = 3000)]
    pub(crate) port: u16,
    /// JSON file of environment variable overrides: {"Parameters": {...}, "LogicalId": {...}}.
    #[arg(short = 'n', long, value_name = "FILE")]
    pub(crate) env_vars: Option<PathBuf>,
    /// Template parameter values: Key=Value (or ParameterKey=Key,ParameterValue=Value), several allowed.
    #[arg(long, value_name = "KEY=VALUE", num_args = 1.., value_parser = parse_override)]
    pub(crate) parameter_overrides: Vec<(String, String)>,
    /// Print the route table and exit.
    #[arg(long)]
    pub(crate) list_routes: bool,
    /// With --list-routes: print JSON instead of a table.
    #[arg(long, requires = "list_routes")]
    pub(crate) json: bool,
    /// Port of the Lambda Invoke API (aws lambda invoke --endpoint-url http://127.0.0.1:PORT); 0 picks a free port.
    #[arg(long, default_value_t = 3001, value_name = "PORT")]
    pub(crate) lambda_port: u16,
    /// Do not serve the Lambda Invoke API.
    #[arg(long, conflicts_with = "lambda_port")]
    pub(crate) no_lambda_api: bool,
    /// Serve REST routes of Serverless services without the /{stage} prefix (like serverless-offline's --noPrependStageInUrl).
    #[arg(long)]
    pub(crate) no_prepend_stage: bool,
}

impl Cli {
    /// Parses `args` (the first item is the program name). A bad flag is a one-line message; `--help` is `Ok(None)`
    /// after printing help.
    pub(crate) fn parse_from_args<I, T>(args: I) -> Result<Option<Cli>, String>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        match Cli::try_parse_from(args) {
            Ok(cli) => Ok(Some(cli)),
            Err(e) if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp) => {
                let _ = e.print();
                Ok(None)
            }
            Err(e) => Err(one_line(&e)),
        }
    }

    /// The overrides as a map (a later value for the same key wins).
    pub(crate) fn overrides(&self) -> BTreeMap<String, String> {
        self.parameter_overrides.iter().cloned().collect()
    }
}

/// clap's first paragraph on one line, without the "error: " prefix and the usage block
/// (e.g. "the following required arguments were not provided: --list-routes").
fn one_line(e: &clap::Error) -> String {
    let rendered = e.render().to_string();
    let paragraph: Vec<&str> = rendered
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect();
    let text = paragraph.join(" ");
    let text = text.strip_prefix("error: ").unwrap_or(&text);
    if text.is_empty() { "invalid command line (see --help)".to_owned() } else { format!("{text} (see --help)") }
}

/// Parses `Key=Value` or `ParameterKey=Key,ParameterValue=Value`.
fn parse_override(s: &str) -> Result<(String, String), String> {
    if let Some(rest) = s.strip_prefix("ParameterKey=") {
        let (key, value) = rest
            .split_once(",ParameterValue=")
            .ok_or_else(|| format!("`{s}` must look like ParameterKey=Name,ParameterValue=Value"))?;
        return Ok((key.to_owned(), value.to_owned()));
    }
    match s.split_once('=') {
        Some((key, value)) if !key.is_empty() => Ok((key.to_owned(), value.to_owned())),
        _ => Err(format!("`{s}` must look like Key=Value")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Cli>, String> {
        Cli::parse_from_args(std::iter::once("app").chain(args.iter().copied()))
    }

    #[test]
    fn defaults_are_loopback_and_3000() {
        let cli = parse(&[]).unwrap().unwrap();
        assert_eq!(cli.host.to_string(), "127.0.0.1");
        assert_eq!(cli.port, 3000);
        assert!(!cli.list_routes);
    }

    #[test]
    fn overrides_accept_both_forms() {
        let cli = parse(&["--parameter-overrides", "A=1", "ParameterKey=B,ParameterValue=x=y", "--port", "0"])
            .unwrap()
            .unwrap();
        let o = cli.overrides();
        assert_eq!(o["A"], "1");
        assert_eq!(o["B"], "x=y");
        assert_eq!(cli.port, 0);
    }

    #[test]
    fn bad_flags_are_one_line() {
        let err = parse(&["--bogus"]).unwrap_err();
        assert_eq!(err, "unexpected argument '--bogus' found (see --help)");
        let err = parse(&["--port", "http"]).unwrap_err();
        assert!(err.starts_with("invalid value 'http' for '--port <PORT>'"), "{err}");
        assert!(!err.contains('\n'));
        let err = parse(&["--parameter-overrides", "novalue"]).unwrap_err();
        assert!(err.contains("`novalue` must look like Key=Value"), "{err}");
        let err = parse(&["--json"]).unwrap_err();
        assert!(err.contains("--list-routes"), "{err}");
    }
}
