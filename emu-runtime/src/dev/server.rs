//! The dev server: `run` (plain `main`: command line, environment, tokio, serve until Ctrl-C or SIGTERM) and `serve`
//! / [`Server`] for programs that already run tokio. In-flight requests finish before the server returns.

use crate::gateway::auth::jwks::JwksSpec;
use crate::gateway::auth::sigv4::IamCredentials;
use crate::{AccessOptions, LocalIssuerMode, TokenSettings};
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;
use tokio::net::TcpListener;

use crate::App;
use crate::dev::banner;
use crate::dev::cli::{Cli, Command};
use crate::dev::commands::{self, EventInput};
use crate::dev::conn::{self, Timeouts};
use crate::dev::console::ConsoleOptions;
use crate::dev::lambda_listener::{DEFAULT_LAMBDA_ADDR, LambdaListener};
use crate::lambda::env::{EnvVarsFile, EnvironmentPlan};
use crate::lambda::log::platform_line;

/// How [`serve`] listens.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Address and port (port 0 picks a free one).
    pub addr: SocketAddr,
    /// Print the route table when ready.
    pub print_routes: bool,
    /// Where the Lambda Invoke API listens (`None`: not served). Default `127.0.0.1:3001`, as `sam local
    /// start-lambda`; port 0 picks a free one.
    pub lambda_addr: Option<SocketAddr>,
    /// Fire the template's schedule events (`rate()`, `cron()`, `at()`, in UTC) while serving. Default `false`.
    pub schedules: bool,
    /// Read timeouts for slow clients and the shutdown grace period, for both listeners.
    pub timeouts: Timeouts,
    /// Serve the console (`/` on the Lambda listener) and record invocations for it; `None`: nothing is recorded.
    /// Default on, with [`ConsoleOptions::default`]. Needs `lambda_addr`.
    pub console: Option<ConsoleOptions>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        ServeOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            print_routes: true,
            lambda_addr: Some(DEFAULT_LAMBDA_ADDR),
            schedules: false,
            timeouts: Timeouts::default(),
            console: Some(ConsoleOptions::default()),
        }
    }
}

/// A bound listener serving an [`App`].
#[derive(Debug)]
pub struct Server {
    app: App,
    listener: TcpListener,
    addr: SocketAddr,
    timeouts: Timeouts,
}

impl Server {
    /// Binds `addr` (port 0 picks a free port). The app is served with [`AppOptions::isolate_handlers`] on: each
    /// invocation on its own thread, so a handler that blocks cannot stall the server.
    ///
    /// [`AppOptions::isolate_handlers`]: crate::AppOptions::isolate_handlers
    pub async fn bind(app: App, addr: SocketAddr) -> io::Result<Server> {
        let app = isolated(app);
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        Ok(Server { app, listener, addr, timeouts: Timeouts::default() })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// Runs handlers on threads of their own (`true`, the default) or in the connection's task (`false`: a handler
    /// that blocks its thread then stalls the server; for measuring what isolation costs).
    pub fn isolate_handlers(mut self, on: bool) -> Server {
        if self.app.options().isolate_handlers != on {
            self.app = self.app.with_options(self.app.options().clone().isolate_handlers(on));
        }
        self
    }

    /// Serves with other read timeouts and shutdown grace period (default: [`Timeouts::default`]).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Server {
        self.timeouts = timeouts;
        self
    }

    /// Serves until `shutdown` completes, then lets in-flight requests finish for [`Timeouts::shutdown_grace`]
    /// and closes the connections still open (a client that sent half a request cannot hold the server).
    pub async fn serve_until(self, shutdown: impl Future<Output = ()> + Send + 'static) -> io::Result<()> {
        crate::lambda::log::serving();
        let router = self.app.router().layer(axum::middleware::from_fn(access_log));
        conn::serve(self.listener, router, self.timeouts, "API", shutdown).await
    }
}

/// `app` with [`AppOptions::isolate_handlers`](crate::AppOptions::isolate_handlers) on (recompiled only if off).
fn isolated(app: App) -> App {
    if app.options().isolate_handlers { app } else { app.with_options(app.options().clone().isolate_handlers(true)) }
}

/// One access line per HTTP request: method, path, status, time. Written by the platform writer, not `tracing`, so a
/// user's own subscriber (installed before `run`) does not hide it.
async fn access_log(request: Request, next: Next) -> Response {
    if !crate::lambda::log::platform_enabled() {
        return next.run(request).await;
    }
    let started = Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    let line =
        format!("{method} {path} {} {:.2} ms", response.status().as_u16(), started.elapsed().as_secs_f64() * 1000.0);
    platform_line("access", &line);
    response
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    signal().await;
    platform_line("emu", "shutting down: finishing in-flight requests");
}

/// The next Ctrl-C or SIGTERM.
async fn signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}

/// Serves `app` until Ctrl-C or SIGTERM. Does not touch the process environment (see [`run`]).
pub async fn serve(app: App, options: ServeOptions) -> io::Result<()> {
    let lambda = options.lambda_addr.map(LambdaListener::bind).transpose()?;
    serve_announced(app, options, lambda, Instant::now()).await
}

/// Binds, prints the route table (when asked) and how long start-up took since `started`, then serves until a signal.
///
/// `lambda`, when given, serves the Invoke API beside the API; both stop on the same signal.
async fn serve_announced(
    app: App,
    options: ServeOptions,
    lambda: Option<LambdaListener>,
    started: Instant,
) -> io::Result<()> {
    // The API, the Invoke API and the schedules all run handlers on threads of their own.
    let app = isolated(app);
    // The console lives on the Lambda listener: without one, nothing is recorded.
    let app = match (&options.console, &lambda) {
        (Some(console), Some(_)) => app.with_console(console.clone()),
        _ => app,
    };
    let server = Server::bind(app.clone(), options.addr).await?.timeouts(options.timeouts);
    if options.print_routes {
        print!("{}", banner::startup_lines(&app, server.local_addr()));
    }
    if let Some(warning) = crate::dev::exposure::exposure_warning(server.local_addr()) {
        platform_line("emu", &warning);
    }
    let (stop, stopped) = tokio::sync::watch::channel(());
    let lambda_task = lambda.map(|listener| {
        println!("Lambda Invoke API on {} (aws lambda invoke --endpoint-url {0} ...)", listener.endpoint_url());
        if app.recorder().is_some() {
            println!(
                "Console on {} (every request as API Gateway and Lambda saw it; --no-console)",
                listener.console_url()
            );
        }
        let mut stopped = stopped.clone();
        tokio::spawn(listener.serve(
            app.clone(),
            options.timeouts,
            format!("http://{}", server.local_addr()),
            async move {
                let _ = stopped.changed().await;
            },
        ))
    });
    start_schedules(&app, options.schedules);
    println!(
        "Ready on http://{} in {:.1} ms (Ctrl-C to stop)",
        server.local_addr(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    let grace = options.timeouts.shutdown_grace;
    let result = server
        .serve_until({
            let app = app.clone();
            async move {
                signal().await;
                platform_line(
                    "emu",
                    &format!(
                        "shutting down: finishing in-flight requests for up to {} s (Ctrl-C again to exit now)",
                        grace.as_secs_f64()
                    ),
                );
                app.close_console();
                let _ = stop.send(());
                // A second Ctrl-C (or SIGTERM) does not wait for the drain: exit now, as `sam local` does.
                tokio::spawn(async {
                    signal().await;
                    platform_line("emu", "second signal: exiting now");
                    std::process::exit(130);
                });
            }
        })
        .await;
    if let Some(task) = lambda_task {
        match task.await {
            Ok(Err(e)) => tracing::warn!("the Lambda Invoke API listener stopped with an error: {e}"),
            Err(e) => tracing::warn!("the Lambda Invoke API listener ended abnormally: {e}"),
            Ok(Ok(())) => {}
        }
    }
    result
}

/// With `on`, spawns one task per schedule event of the template (printing each with its next time); without, says
/// how many there are and how to fire them.
fn start_schedules(app: &App, on: bool) {
    let (schedules, problems) = crate::lambda::schedules::collect(app);
    for p in &problems {
        println!("warning: {p}");
    }
    if schedules.is_empty() {
        return;
    }
    if !on {
        println!("{} schedule event(s) do not fire locally (add --schedules to fire them)", schedules.len());
        return;
    }
    let now = crate::clock::now_epoch_ms();
    for s in schedules {
        let next =
            s.schedule.next_after(now, now).map_or_else(|| "never (in the past)".to_owned(), crate::clock::iso_time);
        println!("schedule {} of {}: {}, next at {next}", s.event, s.function, s.expression);
        tokio::spawn(crate::lambda::schedules::fire(app.clone(), s));
    }
}

/// Initialises `tracing` output for the handlers' own logs (`RUST_LOG` sets the level; default `info`). Safe to call
/// twice, and a subscriber the program installed first is kept: the platform's lines (`START`/`END`/`REPORT`, the
/// access log) do not go through `tracing` and are printed either way.
pub fn init_logging() {
    use tracing_subscriber::layer::SubscriberExt as _;
    use tracing_subscriber::util::SubscriberInitExt as _;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    // The capture layer keeps a handler's events with its invocation when a sink asks (console, log tail).
    let fmt = tracing_subscriber::fmt::layer().with_target(false).with_ansi(ansi);
    let _ =
        tracing_subscriber::registry().with(filter).with(fmt).with(crate::lambda::log_capture::CaptureLayer).try_init();
}

/// The dev server for a developer's `main`: parses the command line, prepares the process environment before any
/// runtime thread exists, starts tokio and serves until Ctrl-C or SIGTERM.
///
/// Exits the process with code 2 on a bad command line or env-vars file, 1 if the server cannot start.
pub fn run(app: App) {
    let code = run_with_args(app, std::env::args_os());
    if code != 0 {
        std::process::exit(code);
    }
}

/// [`run`] with explicit arguments (the first is the program name); returns the exit code instead of exiting.
///
/// When `AWS_LAMBDA_RUNTIME_API` is set (on Lambda), no server starts and `args` are not read: one function, picked
/// by `EMU_FUNCTION`, `_HANDLER` or `AWS_LAMBDA_FUNCTION_NAME` (README, "Deploying"), is served through the Lambda
/// Runtime API by `lambda_runtime::run` / `lambda_http::run`; a selection failure is posted as an init error.
///
/// Errors are printed to stderr as one line `error: ...`: code 2 for a bad flag or `--env-vars` file, 1 when the
/// server cannot start. Call it before any other thread exists: it sets the process environment.
pub fn run_with_args<I, T>(app: App, args: I) -> i32
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    // On Lambda (or a Runtime API emulator): serve one function, no dev flags, no template environment.
    if let Some(endpoint) = crate::lambda::runtime_api::endpoint_from_env() {
        return crate::lambda::runtime_api::run(&app, &endpoint);
    }
    let started = Instant::now();
    let cli = match Cli::parse_from_args(args) {
        Ok(Some(cli)) => cli,
        Ok(None) => return 0,
        Err(message) => return fail(2, &message),
    };
    init_logging();
    if matches!(cli.command, Some(Command::Invoke { .. })) {
        // stdout is the function's result alone; the platform's lines (start-up notes included) go to stderr.
        crate::lambda::log::platform_to_stderr();
    }
    let app = match prepare(app, &cli) {
        Ok(app) => app,
        Err(message) => return fail(2, &message),
    };
    if cli.list_routes {
        print!("{}", if cli.json { banner::list_json(&app) } else { banner::list_text(&app) });
        return 0;
    }
    if let Some(claims) = &cli.mint_token {
        return commands::mint_token(&app, claims, cli.authorizer.as_deref());
    }
    if let Some(Command::GenerateEvent { function, source }) = &cli.command {
        return commands::generate_event(&app, function, source.as_deref());
    }
    let overrides = match &cli.env_vars {
        Some(path) => match EnvVarsFile::load(path) {
            Ok(file) => file,
            Err(e) => return fail(2, &e.to_string()),
        },
        None => EnvVarsFile::default(),
    };
    let plan = EnvironmentPlan::new(app.model(), &overrides);
    for conflict in &plan.conflicts {
        platform_line("emu", &format!("warning: {conflict}"));
    }
    for note in &plan.notes {
        platform_line("emu", note);
    }
    for warning in app.model().warnings.iter() {
        platform_line(
            "emu",
            &format!("warning: {}:{}: {}", app.model().source, warning.location.line, warning.message),
        );
    }
    // `#[emu_runtime::main]` applied the same plan as main's first statement; applying it again here could race
    // with threads main has started since.
    if !crate::dev::init::applied_early() {
        // SAFETY: `run` is documented to be called before other threads exist; logging is synchronous and tokio
        // starts below.
        unsafe { plan.apply() };
    }
    if let Some(Command::Invoke { function, event, sample, body }) = &cli.command {
        let input = match (event, sample, body) {
            (Some(path), _, _) => EventInput::File(path),
            (_, Some(name), _) => EventInput::Sample(name),
            (_, _, Some(json)) => EventInput::Body(json),
            _ => EventInput::Empty,
        };
        return commands::invoke(&app, function, &input);
    }
    // The Invoke API listener is bound before tokio starts, so its address can go into the environment. It (and the
    // console on it) stays on loopback whatever --host says, unless --lambda-host asks.
    let lambda_addr = (!cli.no_lambda_api).then(|| SocketAddr::new(cli.lambda_host, cli.lambda_port));
    let lambda = match lambda_addr.map(LambdaListener::bind).transpose() {
        Ok(l) => l,
        Err(e) => {
            let (host, port) = (cli.lambda_host, cli.lambda_port);
            return fail(
                1,
                &format!(
                    "cannot serve the Lambda Invoke API on {host}:{port}: {e} (use --lambda-port N, 0 for any free port, or --no-lambda-api)"
                ),
            );
        }
    };
    if let Some(listener) = &lambda
        && std::env::var_os("AWS_ENDPOINT_URL_LAMBDA").is_none()
        && !crate::dev::init::applied_early()
    {
        // A handler calling another function through aws-sdk-lambda reaches this emulator (the SDKs read it).
        // SAFETY: as for the plan above: no other thread exists yet (`#[emu_runtime::main]` sets it itself).
        unsafe { std::env::set_var("AWS_ENDPOINT_URL_LAMBDA", listener.endpoint_url()) };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(1, &format!("cannot start the tokio runtime: {e}")),
    };
    let options = ServeOptions {
        addr: SocketAddr::new(cli.host, cli.port),
        print_routes: true,
        lambda_addr,
        schedules: cli.schedules,
        timeouts: Timeouts::default().shutdown_grace(std::time::Duration::from_secs_f64(cli.shutdown_timeout)),
        console: cli.console_options(),
    };
    let result = runtime.block_on(serve_announced(app, options, lambda, started));
    // A handler still blocking its thread (or finishing in the background) does not hold the exit.
    runtime.shutdown_timeout(std::time::Duration::from_millis(100));
    match result {
        Ok(()) => 0,
        Err(e) => fail(1, &format!("cannot serve on {}:{}: {e}", cli.host, cli.port)),
    }
}

/// Applies `--parameter-overrides` (re-reading the embedded template), `--no-prepend-stage` and the access flags
/// (`--jwks`, `--api-key`, `--iam-credentials`, `--disable-authorizers`; the local issuer is the shared one, so
/// tokens from `--mint-token` work).
fn prepare(app: App, cli: &Cli) -> Result<App, String> {
    let mut app = app;
    if !cli.parameter_overrides.is_empty() {
        app = app.with_parameter_overrides(cli.overrides()).map_err(|e| e.to_string())?;
    }
    let mut options = app.options().clone();
    options.prepend_stage = options.prepend_stage && !cli.no_prepend_stage;
    options.access = access_options(cli)?;
    Ok(app.with_options(options))
}

/// The access stage's options from the command line and the environment.
fn access_options(cli: &Cli) -> Result<AccessOptions, String> {
    let mut jwks = Vec::new();
    for arg in &cli.jwks {
        let spec = JwksSpec::parse(arg).map_err(|e| e.to_string())?;
        let doc = spec.load().map_err(|e| e.to_string())?;
        platform_line("emu", &format!("JWT/Cognito: trusting the keys of {} from {}", spec.issuer, spec.origin()));
        jwks.push((spec.issuer.clone(), doc));
    }
    if let Some(path) = &cli.iam_credentials {
        let keys = IamCredentials::load_file(path).map_err(|e| e.to_string())?;
        platform_line("emu", &format!("AWS_IAM: {} access key(s) from {} can be verified", keys.len(), path.display()));
    }
    if cli.disable_authorizers {
        platform_line(
            "emu",
            "WARNING: --disable-authorizers: authorizers, API keys and AWS_IAM are NOT checked; every secured route is open",
        );
    }
    Ok(AccessOptions {
        disable: cli.disable_authorizers,
        api_keys: cli.api_keys.clone(),
        tokens: TokenSettings { jwks, local_issuer: LocalIssuerMode::Shared },
        iam_credentials: Vec::new(),
        iam_credentials_file: cli.iam_credentials.clone(),
        iam_from_environment: true,
    })
}

/// Prints `error: message` on stderr and returns `code` (the dev binary's one shape for a failure).
pub(crate) fn fail(code: i32, message: &str) -> i32 {
    eprintln!("error: {message}");
    code
}
