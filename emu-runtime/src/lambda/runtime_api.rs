//! Running on Lambda: when `AWS_LAMBDA_RUNTIME_API` is set, [`run`](crate::run) picks the one template function this
//! process is and serves it through the Lambda Runtime API with the official runtime, instead of the dev server.
//!
//! Which function, first rule that applies (each documented in the README's "Deploying" and `docs/fidelity.md`):
//!
//! 1. `EMU_FUNCTION=LogicalId`: that function; any other value is an init error (never a fallback).
//! 2. `_HANDLER` (the template's `Handler`) when exactly one function has that `Handler`.
//! 3. `AWS_LAMBDA_FUNCTION_NAME` equal to a function's `FunctionName` (the model's `name`, which for Serverless is
//!    `{service}-{stage}-{function}` or the function's `name`) or logical id; else the names CloudFormation
//!    generates for functions without `FunctionName`, `{stack}-{LogicalId}-{suffix}`, where a 64-character name may
//!    hold a truncated logical id.
//!
//! No match, an ambiguous match, or a function that is ignored or unbound is reported to
//! `POST /2018-06-01/runtime/init/error` with a message listing the functions, and the process exits with code 1.

use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use emu_template::Function;

use crate::App;
use crate::lambda::Binding;

/// The variable Lambda sets to the Runtime API's `host:port`; its presence switches [`run`](crate::run) to this mode.
pub(crate) const RUNTIME_API_VAR: &str = "AWS_LAMBDA_RUNTIME_API";
/// Rule 1: the logical id of the function to serve, set by the user in the function's environment.
pub(crate) const SELECT_VAR: &str = "EMU_FUNCTION";
/// Rule 2: the function's `Handler`, as Lambda passes it to a custom runtime.
const HANDLER_VAR: &str = "_HANDLER";
/// Rule 3: the deployed function's name.
const NAME_VAR: &str = "AWS_LAMBDA_FUNCTION_NAME";
/// Lambda's limit on a function name, which CloudFormation's generated names respect by truncating.
const MAX_FUNCTION_NAME: usize = 64;

/// The Runtime API endpoint when this process runs on Lambda (or under a Runtime API emulator).
pub(crate) fn endpoint_from_env() -> Option<String> {
    std::env::var(RUNTIME_API_VAR).ok().filter(|v| !v.trim().is_empty())
}

/// Which rule picked the function (logged at init).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// `EMU_FUNCTION`.
    Explicit,
    /// `_HANDLER`.
    Handler,
    /// `AWS_LAMBDA_FUNCTION_NAME` equal to `FunctionName` or the logical id.
    Name,
    /// `AWS_LAMBDA_FUNCTION_NAME` read as CloudFormation's `{stack}-{LogicalId}-{suffix}`.
    GeneratedName,
}

impl std::fmt::Display for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Rule::Explicit => "EMU_FUNCTION",
            Rule::Handler => "_HANDLER names exactly one function's Handler",
            Rule::Name => "AWS_LAMBDA_FUNCTION_NAME is its FunctionName or logical id",
            Rule::GeneratedName => "AWS_LAMBDA_FUNCTION_NAME is CloudFormation's {stack}-{LogicalId}-{suffix}",
        })
    }
}

/// Picks the function this process serves from the environment `var` reads (rules in the module docs).
///
/// The error is the init error's message: what was tried and the functions there are.
pub(crate) fn select(
    functions: &[Function],
    var: impl Fn(&str) -> Option<String>,
) -> Result<(&Function, Rule), String> {
    let var = |name: &str| var(name).filter(|v| !v.is_empty());
    if let Some(id) = var(SELECT_VAR) {
        return match functions.iter().find(|f| f.id == id) {
            Some(f) => Ok((f, Rule::Explicit)),
            None => Err(format!("{SELECT_VAR}={id} is not a logical id of the template.{}", listing(functions))),
        };
    }
    let handler = var(HANDLER_VAR);
    if let Some(h) = &handler
        && let [only] = matching(functions, |f| f.handler == h.as_str())[..]
    {
        return Ok((only, Rule::Handler));
    }
    let name = var(NAME_VAR);
    if let Some(name) = &name {
        let exact =
            matching(functions, |f| f.name == name.as_str() || f.id == name.as_str() || f.logical_id == name.as_str());
        match exact[..] {
            [only] => return Ok((only, Rule::Name)),
            [] => {}
            _ => return Err(ambiguous(functions, &exact, &format!("{NAME_VAR}={name} names"))),
        }
        // CloudFormation names a function by its logical id in its own stack (a CDK function's `id` is its construct
        // id, a nested stack's function's is `Child/Id`).
        let generated = matching(functions, |f| is_generated_name(name, &f.logical_id));
        match generated[..] {
            [only] => return Ok((only, Rule::GeneratedName)),
            [] => {}
            _ => {
                return Err(ambiguous(
                    functions,
                    &generated,
                    &format!("{NAME_VAR}={name}, read as CloudFormation's {{stack}}-{{LogicalId}}-{{suffix}}, fits"),
                ));
            }
        }
    }
    let mut message = String::from("cannot tell which template function this is:");
    match &handler {
        Some(h) => {
            let n = matching(functions, |f| f.handler == h.as_str()).len();
            let _ = write!(message, " {HANDLER_VAR}={h} is the Handler of {n} functions (rule 2 needs exactly one);");
        }
        None => {
            let _ = write!(message, " {HANDLER_VAR} is not set;");
        }
    }
    match &name {
        Some(n) => {
            let _ = write!(
                message,
                " {NAME_VAR}={n} is no function's FunctionName or logical id, nor {{stack}}-{{LogicalId}}-{{suffix}}."
            );
        }
        None => {
            let _ = write!(message, " {NAME_VAR} is not set.");
        }
    }
    message.push_str(&listing(functions));
    Err(message)
}

fn matching(functions: &[Function], mut pred: impl FnMut(&Function) -> bool) -> Vec<&Function> {
    functions.iter().filter(|f| pred(f)).collect()
}

fn ambiguous(functions: &[Function], found: &[&Function], what: &str) -> String {
    let ids: Vec<&str> = found.iter().map(|f| &*f.id).collect();
    format!("{what} more than one function ({}).{}", ids.join(", "), listing(functions))
}

/// The functions of the template and how to select one, appended to every selection error.
fn listing(functions: &[Function]) -> String {
    let mut out = String::from(" Functions in this binary:");
    if functions.is_empty() {
        out.push_str(" none.");
    }
    for f in functions {
        let _ = write!(out, " {} (Handler `{}`", f.id, f.handler);
        if f.name != f.id {
            let _ = write!(out, ", FunctionName `{}`", f.name);
        }
        out.push_str(");");
    }
    let _ = write!(
        out,
        " Set {SELECT_VAR}=<LogicalId> in the function's environment, or give it a Handler no other function has \
         (rule 2), or deploy it under its FunctionName or logical id."
    );
    out
}

/// Whether `name` is a name CloudFormation generates for the function with logical id `id`:
/// `{stack}-{LogicalId}-{suffix}`, `suffix` uppercase letters and digits.
///
/// Logical ids are alphanumeric, so the logical id is what lies between the last two hyphens; the stack part (which
/// may hold hyphens) is not checked, as the binary cannot know the stack's name. CloudFormation fits the name into
/// Lambda's 64 characters by truncating the stack part and the logical id (observed:
/// `mylongerapp-playground-ne-InstancesLifecycleHandle-1GRP3N0TVA1LD`, convox/rack#2297; the algorithm itself is not
/// documented): in a name of exactly 64 characters a prefix of the logical id is accepted.
pub(crate) fn is_generated_name(name: &str, id: &str) -> bool {
    let Some((rest, suffix)) = name.rsplit_once('-') else { return false };
    let Some((stack, part)) = rest.rsplit_once('-') else { return false };
    let suffix_ok = suffix.len() >= 8 && suffix.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
    if !suffix_ok || stack.is_empty() || part.is_empty() {
        return false;
    }
    part == id || (name.len() == MAX_FUNCTION_NAME && id.starts_with(part))
}

/// The init error posted to the Runtime API: `Lambda-Runtime-Function-Error-Type` and the JSON body.
#[derive(Debug)]
pub(crate) struct InitError {
    /// `errorType`, e.g. `Runtime.NoSuchHandler`.
    pub(crate) error_type: &'static str,
    /// `errorMessage`.
    pub(crate) message: String,
}

/// Serves the selected function of `app` through the Runtime API at `endpoint`; returns the process exit code.
///
/// Template variables and `--env-vars` are not applied and no dev flag is parsed: Lambda's environment is
/// authoritative. Every failure before the first invocation is posted to `/runtime/init/error`.
pub(crate) fn run(app: &App, endpoint: &str) -> i32 {
    crate::init_logging();
    let handler = match prepare(app) {
        Ok(handler) => handler,
        Err(e) => {
            tracing::error!("init error ({}): {}", e.error_type, e.message);
            if let Err(post) = post_init_error(endpoint, &e) {
                eprintln!("error: cannot report the init error to the Runtime API at {endpoint}: {post}");
            }
            return 1;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            let e =
                InitError { error_type: "Runtime.Unknown", message: format!("cannot start the tokio runtime: {e}") };
            let _ = post_init_error(endpoint, &e);
            eprintln!("error: {}", e.message);
            return 1;
        }
    };
    match runtime.block_on(handler.0.run_on_lambda()) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: the Lambda runtime stopped: {e}");
            1
        }
    }
}

/// Selects the function, checks it is bound and that the variables `lambda_runtime` requires are there.
fn prepare(app: &App) -> Result<crate::handler::BoxedHandler, InitError> {
    let functions = &app.model().functions;
    let (function, rule) = select(functions, |name| std::env::var(name).ok())
        .map_err(|message| InitError { error_type: "Runtime.NoSuchHandler", message })?;
    let lambda = app.lambda();
    let entry = lambda.by_logical_id(&function.id).map(|id| lambda.entry(id));
    let handler = match entry.and_then(|e| e.binding.as_ref()) {
        Some(Binding::Bound(h)) => h.clone(),
        Some(Binding::Ignored) => {
            return Err(InitError {
                error_type: "Runtime.NoSuchHandler",
                message: format!(
                    "function {} (selected because {rule}) is listed as ignored in lambda_app!, so this binary has no \
                     handler for it.{}",
                    function.id,
                    listing(functions)
                ),
            });
        }
        None => {
            return Err(InitError {
                error_type: "Runtime.NoSuchHandler",
                message: format!(
                    "function {} (selected because {rule}) has no handler bound in this binary.{}",
                    function.id,
                    listing(functions)
                ),
            });
        }
    };
    check_runtime_env()?;
    tracing::info!("serving function {} through the Lambda Runtime API (selected because {rule})", function.id);
    Ok(handler)
}

/// `lambda_runtime` panics without these; report them as an init error instead.
fn check_runtime_env() -> Result<(), InitError> {
    let config = |message: String| InitError { error_type: "Runtime.ConfigInvalid", message };
    for name in [NAME_VAR, "AWS_LAMBDA_FUNCTION_VERSION", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] {
        if std::env::var_os(name).is_none() {
            return Err(config(format!("{name} is not set: Lambda sets it; a Runtime API emulator must too")));
        }
    }
    let memory = std::env::var("AWS_LAMBDA_FUNCTION_MEMORY_SIZE").unwrap_or_default();
    if memory.parse::<i32>().is_err() {
        return Err(config(format!("AWS_LAMBDA_FUNCTION_MEMORY_SIZE={memory} is not a number of MB")));
    }
    if let Some(endpoint) = endpoint_from_env()
        && Endpoint::parse(&endpoint).is_err()
    {
        return Err(config(format!("{RUNTIME_API_VAR}={endpoint} is not host:port or http://host:port[/path]")));
    }
    Ok(())
}

/// `AWS_LAMBDA_RUNTIME_API`: `host:port` on Lambda; `http://host:port/prefix` under cargo-lambda.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// `host:port`.
    pub(crate) authority: String,
    /// A path prefix before `/2018-06-01`, without a trailing slash (often empty).
    pub(crate) prefix: String,
}

impl Endpoint {
    /// Reads the variable's value; only `http` is spoken.
    pub(crate) fn parse(value: &str) -> Result<Endpoint, String> {
        let value = value.trim();
        let rest = value.strip_prefix("http://").unwrap_or(value);
        if rest.contains("://") {
            return Err(format!("`{value}`: only http:// is supported"));
        }
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        let port_ok =
            authority.rsplit_once(':').is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        if !port_ok {
            return Err(format!("`{value}` is not host:port"));
        }
        Ok(Endpoint { authority: authority.to_owned(), prefix: prefix.to_owned() })
    }
}

/// Posts `error` to `/runtime/init/error` (blocking, before any runtime exists). Returns the response's status line
/// unless it is a 2xx.
pub(crate) fn post_init_error(endpoint: &str, error: &InitError) -> Result<(), String> {
    let endpoint = Endpoint::parse(endpoint)?;
    let body = serde_json::json!({ "errorType": error.error_type, "errorMessage": error.message }).to_string();
    let request = format!(
        "POST {}/2018-06-01/runtime/init/error HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n\
         Lambda-Runtime-Function-Error-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        endpoint.prefix,
        endpoint.authority,
        error.error_type,
        body.len()
    );
    let mut stream = TcpStream::connect(&endpoint.authority).map_err(|e| format!("connect: {e}"))?;
    let timeout = Some(Duration::from_secs(10));
    stream.set_read_timeout(timeout).and_then(|()| stream.set_write_timeout(timeout)).map_err(|e| e.to_string())?;
    stream.write_all(request.as_bytes()).map_err(|e| format!("send: {e}"))?;
    let mut response = Vec::new();
    // `Connection: close`: the server ends the stream after its answer; a read error after the status line is fine.
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response);
    let status_line = text.lines().next().unwrap_or_default();
    match status_line.split_whitespace().nth(1).and_then(|s| s.parse::<u16>().ok()) {
        Some(200..=299) => Ok(()),
        Some(_) => Err(format!("the Runtime API answered `{status_line}`")),
        None => Err("the Runtime API sent no HTTP status line".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(id: &str, name: &str, handler: &str) -> Function {
        let mut f = Function::new(id);
        f.name = name.to_owned().into();
        f.handler = handler.to_owned().into();
        f
    }

    fn functions() -> Vec<Function> {
        vec![
            f("ListDogs", "ListDogs", "dogs::list"),
            f("GetDog", "pets-api-get", "bootstrap"),
            f("Login", "Login", "bootstrap"),
            f("LoginAdmin", "LoginAdmin", "bootstrap"),
            f("hello", "pets-dev-hello", "hello"),
        ]
    }

    fn pick(env: &[(&str, &str)]) -> Result<(String, Rule), String> {
        let fs = functions();
        select(&fs, |n| env.iter().find(|(k, _)| *k == n).map(|(_, v)| (*v).to_owned()))
            .map(|(f, r)| (f.id.to_string(), r))
    }

    #[test]
    fn explicit_wins_and_never_falls_back() {
        let env = [("EMU_FUNCTION", "Login"), ("_HANDLER", "dogs::list"), ("AWS_LAMBDA_FUNCTION_NAME", "GetDog")];
        assert_eq!(pick(&env), Ok(("Login".into(), Rule::Explicit)));
        let err = pick(&[("EMU_FUNCTION", "Nope"), ("_HANDLER", "dogs::list")]).unwrap_err();
        assert!(err.contains("EMU_FUNCTION=Nope") && err.contains("ListDogs (Handler `dogs::list`)"), "{err}");
    }

    #[test]
    fn handler_when_it_names_exactly_one_function() {
        assert_eq!(pick(&[("_HANDLER", "dogs::list")]), Ok(("ListDogs".into(), Rule::Handler)));
        // `bootstrap` is three functions' Handler: rule 3 decides.
        let env = [("_HANDLER", "bootstrap"), ("AWS_LAMBDA_FUNCTION_NAME", "Login")];
        assert_eq!(pick(&env), Ok(("Login".into(), Rule::Name)));
        let err = pick(&[("_HANDLER", "bootstrap")]).unwrap_err();
        assert!(err.contains("Handler of 3 functions") && err.contains("AWS_LAMBDA_FUNCTION_NAME is not set"), "{err}");
    }

    #[test]
    fn name_is_function_name_logical_id_or_serverless_name() {
        assert_eq!(pick(&[("AWS_LAMBDA_FUNCTION_NAME", "pets-api-get")]), Ok(("GetDog".into(), Rule::Name)));
        assert_eq!(pick(&[("AWS_LAMBDA_FUNCTION_NAME", "GetDog")]), Ok(("GetDog".into(), Rule::Name)));
        // Serverless: the model's name is `{service}-{stage}-{function}`.
        assert_eq!(pick(&[("AWS_LAMBDA_FUNCTION_NAME", "pets-dev-hello")]), Ok(("hello".into(), Rule::Name)));
    }

    #[test]
    fn a_name_that_is_one_function_s_name_and_another_s_id_is_ambiguous() {
        let fs = vec![f("Orders", "Billing", "bootstrap"), f("Billing", "Billing", "bootstrap")];
        let err = select(&fs, |n| (n == "AWS_LAMBDA_FUNCTION_NAME").then(|| "Billing".to_owned())).unwrap_err();
        assert!(
            err.contains("AWS_LAMBDA_FUNCTION_NAME=Billing names more than one function (Orders, Billing)"),
            "{err}"
        );
    }

    #[test]
    fn cloudformation_generated_names() {
        let env = [("AWS_LAMBDA_FUNCTION_NAME", "pet-store-prod-Login-1U44TLUZ7OR55")];
        assert_eq!(pick(&env), Ok(("Login".into(), Rule::GeneratedName)));
        // 64 characters with the logical id cut: `LoginAdm` is only LoginAdmin's prefix... and Login's is `Login`.
        let name = format!("{}-LoginAdm-1U44TLUZ7OR55", "s".repeat(64 - "-LoginAdm-1U44TLUZ7OR55".len()));
        assert_eq!(name.len(), 64);
        assert_eq!(pick(&[("AWS_LAMBDA_FUNCTION_NAME", &name)]), Ok(("LoginAdmin".into(), Rule::GeneratedName)));
        // ... while a cut `Logi` fits both Login and LoginAdmin.
        let name = format!("{}-Logi-1U44TLUZ7OR55", "s".repeat(64 - "-Logi-1U44TLUZ7OR55".len()));
        let err = pick(&[("AWS_LAMBDA_FUNCTION_NAME", &name)]).unwrap_err();
        assert!(err.contains("more than one function (Login, LoginAdmin)"), "{err}");
        // A prefix only counts in a 64-character name; a lower-case suffix is not CloudFormation's.
        assert!(pick(&[("AWS_LAMBDA_FUNCTION_NAME", "stack-Logi-1U44TLUZ7OR55")]).is_err());
        assert!(!is_generated_name("stack-Login-abcdefghijkl", "Login"));
        assert!(!is_generated_name("Login-1U44TLUZ7OR55", "Login"));
        assert!(is_generated_name("my-nested-stack-Login-1U44TLUZ7OR55", "Login"));
    }

    #[test]
    fn generated_names_use_the_logical_id_of_cdk_and_nested_functions() {
        let mut cdk = Function::new("HelloWorldFunction");
        cdk.logical_id = "helloworldfunctionFDE57595".into();
        let mut nested = Function::new("Child/GetDog");
        nested.logical_id = "GetDog".into();
        let fs = vec![cdk, nested];
        let pick = |name: &str| {
            select(&fs, |n| (n == "AWS_LAMBDA_FUNCTION_NAME").then(|| name.to_owned()))
                .map(|(f, r)| (f.id.to_string(), r))
        };
        assert_eq!(
            pick("MyStack-helloworldfunctionFDE57595-1U44TLUZ7OR55"),
            Ok(("HelloWorldFunction".into(), Rule::GeneratedName))
        );
        assert_eq!(pick("root-Child-1ABCDEF-GetDog-9XYZ12345"), Ok(("Child/GetDog".into(), Rule::GeneratedName)));
        // The function's own logical id also names it exactly.
        assert_eq!(pick("helloworldfunctionFDE57595"), Ok(("HelloWorldFunction".into(), Rule::Name)));
    }

    #[test]
    fn nothing_set_lists_the_functions() {
        let err = pick(&[]).unwrap_err();
        assert!(
            err.contains("_HANDLER is not set")
                && err.contains("GetDog (Handler `bootstrap`, FunctionName `pets-api-get`)"),
            "{err}"
        );
        assert!(err.contains("Set EMU_FUNCTION=<LogicalId>"), "{err}");
    }

    #[test]
    fn endpoints() {
        assert_eq!(
            Endpoint::parse("127.0.0.1:9001"),
            Ok(Endpoint { authority: "127.0.0.1:9001".into(), prefix: String::new() })
        );
        assert_eq!(
            Endpoint::parse("http://[::1]:9000/.rt/app/"),
            Ok(Endpoint { authority: "[::1]:9000".into(), prefix: "/.rt/app".into() })
        );
        assert!(Endpoint::parse("localhost").is_err());
        assert!(Endpoint::parse("https://x:1").is_err());
    }
}
