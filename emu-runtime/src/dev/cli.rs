//! The dev server's command line, modelled on `sam local start-api`: host, port, env-vars, parameter overrides, routes.
//! Parsing never exits by itself: errors come back as one line for `run` to print with exit code 2.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::path::PathBuf;

use clap::Parser;

/// How the running program is started again with flags: `cargo run --example dev --` for a binary under
/// `target/<profile>/examples/`, `cargo run --bin NAME --` under `target/<profile>/`, else the program as invoked.
pub(crate) fn runner(program: &str) -> (String, String) {
    let path = std::path::Path::new(program);
    let name = path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let parent = path.parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned());
    let under_target = path.ancestors().skip(1).any(|a| a.file_name().is_some_and(|n| n == "target"));
    match parent.as_deref() {
        Some("examples") if !name.is_empty() => {
            (format!("cargo run --example {name}"), format!("cargo run --example {name} --"))
        }
        Some("deps") => ("cargo run".to_owned(), "cargo run --".to_owned()),
        Some(_) if under_target && !name.is_empty() => {
            (format!("cargo run --bin {name}"), format!("cargo run --bin {name} --"))
        }
        _ if program.is_empty() => ("cargo run".to_owned(), "cargo run --".to_owned()),
        _ => (program.to_owned(), program.to_owned()),
    }
}

/// The `--help` examples, written for the program actually running (see [`runner`]).
pub(crate) fn examples(program: &str) -> String {
    let (plain, with_flags) = runner(program);
    let rows = [
        (plain, "serve on http://127.0.0.1:3000"),
        (format!("{with_flags} --port 8080 --host 0.0.0.0"), "listen on every interface, port 8080"),
        (format!("{with_flags} --env-vars env.json"), "override variables (SAM CLI's format)"),
        (format!("{with_flags} --parameter-overrides Stage=dev TableName=dogs"), "set template parameters"),
        (format!("{with_flags} --list-routes --json"), "print the routes and functions as JSON and exit"),
        (format!("{with_flags} --lambda-port 0"), "the Lambda Invoke API on any free port (default 3001)"),
        (
            format!("{with_flags} --mint-token '{{\"sub\":\"u1\"}}'"),
            "print a token the app's JWT/Cognito authorizers accept",
        ),
        (format!("{with_flags} invoke MyFunction --event event.json"), "run one function once, print its result"),
        (format!("{with_flags} generate-event MyFunction"), "print a sample event from its event source"),
    ];
    let width = rows.iter().map(|(c, _)| c.len()).max().unwrap_or(0);
    let mut out = String::from("Examples:");
    for (command, what) in rows {
        out.push_str(&format!("\n  {command:<width$}  {what}"));
    }
    out
}

/// Serves the application's API locally, as API Gateway and Lambda would.
#[derive(Debug, Clone, Parser, PartialEq)]
#[command(about, disable_version_flag = true)]
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
    /// Fire the template's Schedule / ScheduleV2 / schedule events while serving (UTC; off by default).
    #[arg(long)]
    pub(crate) schedules: bool,
    /// On Ctrl-C or SIGTERM, seconds in-flight requests get to finish before their connections are closed (a
    /// second Ctrl-C exits at once).
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) shutdown_timeout: f64,
    /// Address of the Lambda Invoke API and the console (loopback, whatever --host says, unless given here).
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    pub(crate) lambda_host: IpAddr,
    /// Do not serve the Lambda Invoke API (nor the console, which is served beside it).
    #[arg(long, conflicts_with = "lambda_port")]
    pub(crate) no_lambda_api: bool,
    /// Do not serve the console (http://127.0.0.1:3001/) and record nothing for it.
    #[arg(long)]
    pub(crate) no_console: bool,
    /// How many invocations the console keeps (the oldest go first).
    #[arg(long, default_value_t = 200, value_name = "N", conflicts_with = "no_console")]
    pub(crate) console_history: usize,
    /// Bodies over this many bytes are cut (and marked) in the console's records.
    #[arg(long, default_value_t = 65536, value_name = "BYTES", conflicts_with = "no_console")]
    pub(crate) console_body_limit: usize,
    /// Serve REST routes of Serverless services without the /{stage} prefix (like serverless-offline's --noPrependStageInUrl).
    #[arg(long)]
    pub(crate) no_prepend_stage: bool,
    /// Turn off every authorizer, API-key and IAM check (as SAM CLI's --disable-authorizer). Loudly warned.
    #[arg(long)]
    pub(crate) disable_authorizers: bool,
    /// An API key the gateway accepts besides the template's (x-api-key); repeatable.
    #[arg(long = "api-key", value_name = "VALUE")]
    pub(crate) api_keys: Vec<String>,
    /// Trust this issuer's signing keys for JWT and Cognito authorizers: a JWKS file, or a URL fetched once at
    /// start (the JWKS or the issuer's OIDC discovery); repeatable.
    #[arg(long, value_name = "ISSUER=PATH_OR_URL")]
    pub(crate) jwks: Vec<String>,
    /// Secret keys to verify AWS_IAM (SigV4) signatures with: an AWS shared-credentials file (every profile).
    /// AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY from the environment are used too.
    #[arg(long, value_name = "FILE")]
    pub(crate) iam_credentials: Option<PathBuf>,
    /// Print a token from the local issuer with these claims (JSON) for curl, and exit.
    #[arg(long, value_name = "CLAIMS_JSON")]
    pub(crate) mint_token: Option<String>,
    /// With --mint-token: the JWT or Cognito authorizer the token is for (needed when there are several).
    #[arg(long, value_name = "NAME", requires = "mint_token")]
    pub(crate) authorizer: Option<String>,
    /// What to do; serving the API and the Lambda Invoke API is the default.
    #[command(subcommand)]
    pub(crate) command: Option<Command>,
}

/// The dev binary's subcommands, after `sam local`'s.
#[derive(Debug, Clone, clap::Subcommand, PartialEq)]
pub(crate) enum Command {
    /// Serve the API and the Lambda Invoke API until Ctrl-C (the default).
    Serve,
    /// Invoke one function once and print its result as JSON (as `sam local invoke`); logs go to stderr.
    Invoke {
        /// The function's logical id or deployed name.
        function: String,
        /// The event as a JSON file; `-` reads it from stdin.
        #[arg(short, long, value_name = "FILE", conflicts_with_all = ["sample", "body"])]
        event: Option<PathBuf>,
        /// A sample event built from one of the function's event sources (its name in the template; the first
        /// source when no name is given).
        #[arg(long, value_name = "EVENT_NAME", num_args = 0..=1, default_missing_value = "", conflicts_with = "body")]
        sample: Option<String>,
        /// The event as inline JSON.
        #[arg(long, value_name = "JSON")]
        body: Option<String>,
    },
    /// Print the sample event of a function's event source, filled from the template (as `sam local generate-event`).
    GenerateEvent {
        /// The function's logical id or deployed name.
        function: String,
        /// The event source's name in the template (the function's first source by default).
        #[arg(long, value_name = "EVENT_NAME")]
        source: Option<String>,
    },
}

impl Cli {
    /// What the console keeps, `None` with `--no-console`.
    pub(crate) fn console_options(&self) -> Option<crate::ConsoleOptions> {
        (!self.no_console)
            .then(|| crate::ConsoleOptions::default().history(self.console_history).body_limit(self.console_body_limit))
    }

    /// Parses `args` (the first item is the program name). A bad flag is a one-line message; `--help` is `Ok(None)`
    /// after printing help.
    pub(crate) fn parse_from_args<I, T>(args: I) -> Result<Option<Cli>, String>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let args: Vec<std::ffi::OsString> = args.into_iter().map(Into::into).collect();
        let program = match args.first() {
            Some(p) if !p.is_empty() => p.to_string_lossy().into_owned(),
            _ => std::env::current_exe().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default(),
        };
        let command = <Cli as clap::CommandFactory>::command().after_help(examples(&program));
        let parsed = command
            .try_get_matches_from(args)
            .and_then(|matches| <Cli as clap::FromArgMatches>::from_arg_matches(&matches));
        match parsed {
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
/// A non-negative, finite number of seconds.
fn parse_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=86_400.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a number of seconds between 0 and 86400")),
    }
}

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
    fn the_console_is_on_by_default_and_stays_on_loopback() {
        let cli = parse(&["--host", "0.0.0.0"]).unwrap().unwrap();
        assert_eq!(cli.lambda_host.to_string(), "127.0.0.1", "--host opens the API, not the console");
        assert_eq!(cli.console_options(), Some(crate::ConsoleOptions::default()));
        let cli = parse(&["--console-history", "5", "--console-body-limit", "10"]).unwrap().unwrap();
        assert_eq!(cli.console_options(), Some(crate::ConsoleOptions::default().history(5).body_limit(10)));
        assert_eq!(parse(&["--no-console"]).unwrap().unwrap().console_options(), None);
        let err = parse(&["--no-console", "--console-history", "5"]).unwrap_err();
        assert!(err.contains("--console-history"), "{err}");
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
    fn help_examples_name_the_running_binary() {
        let example = examples("/work/p/target/debug/examples/dev");
        assert!(example.contains("\n  cargo run --example dev  "), "{example}");
        assert!(example.contains("cargo run --example dev -- --port 8080"), "{example}");
        let bin = examples("/work/p/target/release/local-api");
        assert!(bin.contains("cargo run --bin local-api -- --env-vars env.json"), "{bin}");
        let cross = examples("/work/p/target/x86_64-unknown-linux-gnu/debug/examples/dev.exe");
        assert!(cross.contains("cargo run --example dev -- --list-routes"), "{cross}");
        let installed = examples("./local-api");
        assert!(installed.contains("\n  ./local-api --port 8080"), "{installed}");
        assert!(!installed.contains("cargo"), "{installed}");
        assert_eq!(runner("").0, "cargo run");
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
