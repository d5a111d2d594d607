//! `#[emu_runtime::main]`'s run-time half: the template's environment applied as `main`'s first statement, as Lambda
//! has a function's environment in place before its code runs; [`run`](crate::run) then leaves the environment alone.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::Parser as _;

use crate::TemplateSource;
use crate::dev::cli::Cli;
use crate::lambda::env::{EnvVarsFile, EnvironmentPlan};

/// Set once [`init_process`] has applied the environment plan.
static APPLIED: AtomicBool = AtomicBool::new(false);

/// Whether `#[emu_runtime::main]` already applied the process environment (so `run` must not touch it again).
pub(crate) fn applied_early() -> bool {
    APPLIED.load(Ordering::Acquire)
}

/// Applies the template's environment (with this process's `--parameter-overrides` and `--env-vars`) to the process,
/// as `lambda_app!`'s `run` would, but before any of `main`'s code runs. `#[emu_runtime::main]` emits the call.
///
/// A command line, template or env-vars file that does not read is left for `run` to report (with exit code 2):
/// nothing is applied then, and nothing is printed here.
///
/// # Safety
///
/// No other thread may exist, as [`std::env::set_var`] requires: the attribute makes this `main`'s first statement.
#[doc(hidden)]
pub unsafe fn init_process(template: TemplateSource) {
    let Ok(cli) = Cli::try_parse_from(std::env::args_os()) else { return };
    let options = emu_template::ReadOptions { parameter_overrides: cli.overrides() };
    let Ok(loaded) = emu_template::read_str(template.text, Path::new(template.path), &options) else { return };
    let overrides = match &cli.env_vars {
        Some(path) => match EnvVarsFile::load(path) {
            Ok(file) => file,
            Err(_) => return,
        },
        None => EnvVarsFile::default(),
    };
    let plan = EnvironmentPlan::new(&loaded.model, &overrides);
    // SAFETY: the caller guarantees no other thread exists.
    unsafe { plan.apply() };
    // The Lambda Invoke API's address, for handlers that call other functions through aws-sdk-lambda. With
    // `--lambda-port 0` the port is only known once `run` binds it, after `main` may have started threads: then
    // the variable is left unset (`run` prints the address).
    if !cli.no_lambda_api && cli.lambda_port != 0 && std::env::var_os("AWS_ENDPOINT_URL_LAMBDA").is_none() {
        let url = format!("http://127.0.0.1:{}", cli.lambda_port);
        // SAFETY: as above.
        unsafe { std::env::set_var("AWS_ENDPOINT_URL_LAMBDA", url) };
    }
    APPLIED.store(true, Ordering::Release);
}

/// Runs an `async fn main`'s body on a multi-threaded tokio runtime, after [`init_process`] (the threads start here,
/// once the environment is in place). A runtime that cannot start is one line on stderr and exit code 1.
#[doc(hidden)]
pub fn block_on<F: std::future::Future>(body: F) -> F::Output {
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(body),
        Err(e) => {
            eprintln!("error: cannot start the tokio runtime: {e}");
            std::process::exit(1)
        }
    }
}
