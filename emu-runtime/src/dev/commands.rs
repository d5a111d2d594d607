//! The dev binary's one-shot subcommands: `invoke FUNCTION` runs a function once with an event (file, stdin,
//! inline JSON or a sample from the template) and prints its result; `generate-event` prints a sample event.

use std::io::Read as _;
use std::path::Path;

use serde_json::Value;

use crate::App;
use crate::dev::server::fail;
use crate::lambda::invoke::InvokeError;
use crate::lambda::log;

/// Where `invoke`'s event comes from.
#[derive(Debug)]
pub(crate) enum EventInput<'a> {
    /// A JSON file, or stdin for `-`.
    File(&'a Path),
    /// A sample from the function's event source of this name (`""`: its first source).
    Sample(&'a str),
    /// Inline JSON.
    Body(&'a str),
    /// Nothing given: `{}`, as `aws lambda invoke` without a payload.
    Empty,
}

/// Reads the event; errors are one line for exit code 2.
fn read_event(app: &App, function: &str, input: &EventInput<'_>) -> Result<Value, String> {
    let parse = |text: &str, from: &str| {
        serde_json::from_str::<Value>(text).map_err(|e| format!("the event from {from} is not JSON: {e}"))
    };
    match input {
        EventInput::Empty => Ok(Value::Object(Default::default())),
        EventInput::Body(text) => parse(text, "--body"),
        EventInput::File(path) if *path == Path::new("-") => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text).map_err(|e| format!("cannot read the event from stdin: {e}"))?;
            parse(&text, "stdin")
        }
        EventInput::File(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the event file {}: {e}", path.display()))?;
            parse(&text, &path.display().to_string())
        }
        EventInput::Sample(name) => {
            let name = (!name.is_empty()).then_some(*name);
            app.sample_event(function, name).map_err(|e| e.to_string())
        }
    }
}

/// `invoke`: runs `function` once and prints its output (or Lambda's error document) as JSON on stdout; the platform
/// lines go to stderr. Exit code 0 when the function succeeded, 1 when it failed, 2 for a bad event or function.
pub(crate) fn invoke(app: &App, function: &str, input: &EventInput<'_>) -> i32 {
    let event = match read_event(app, function, input) {
        Ok(e) => e,
        Err(message) => return fail(2, &message),
    };
    log::platform_to_stderr();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(1, &format!("cannot start the tokio runtime: {e}")),
    };
    match runtime.block_on(app.invoke(function, event)) {
        Ok(output) => {
            println!("{output}");
            0
        }
        Err(InvokeError::UnknownFunction(_)) => {
            let known: Vec<&str> = app.model().functions.iter().map(|f| &*f.id).collect();
            fail(2, &format!("no function `{function}` in the template; its functions: {}", known.join(", ")))
        }
        Err(e) => {
            println!("{}", e.to_json());
            1
        }
    }
}

/// `generate-event`: prints the sample event of `function`'s event source `source` (its first by default).
pub(crate) fn generate_event(app: &App, function: &str, source: Option<&str>) -> i32 {
    match app.sample_event(function, source) {
        Ok(event) => match serde_json::to_string_pretty(&event) {
            Ok(text) => {
                println!("{text}");
                0
            }
            Err(e) => fail(1, &e.to_string()),
        },
        Err(e) => fail(2, &e.to_string()),
    }
}

/// `--mint-token CLAIMS [--authorizer NAME]`: prints a local-issuer token for curl (`-H "Authorization: Bearer …"`).
pub(crate) fn mint_token(app: &App, claims: &str, authorizer: Option<&str>) -> i32 {
    let claims: serde_json::Value = match serde_json::from_str(claims) {
        Ok(v) => v,
        Err(e) => {
            return fail(
                2,
                &format!("--mint-token: the claims are not JSON ({e}); write them like '{{\"sub\":\"u1\"}}'"),
            );
        }
    };
    match app.mint_token(authorizer, claims) {
        Ok(token) => {
            println!("{token}");
            0
        }
        Err(e) => fail(2, &format!("--mint-token: {e}")),
    }
}
