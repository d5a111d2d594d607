//! Runs a bound function as Lambda would: a panic is caught and isolated, its `Timeout` is enforced, Lambda's log lines.
//! Errors are typed ([`InvokeError`]) and logged in Lambda's JSON error shape `{"errorType","errorMessage"}`.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use lambda_runtime::Diagnostic;
use serde_json::Value;

use crate::handler::{BoxFuture, BoxedHandler, FunctionResult};
use crate::lambda::InvokeOptions;
use crate::lambda::context::FunctionInfo;
use crate::lambda::payload::Payload;
use crate::lambda::{log, log_capture, sandbox};

/// Polls the handler's future inside `catch_unwind`, so a panic becomes an error instead of unwinding
/// through the server (what `lambda_runtime`'s panic layer does on Lambda). No extra task is spawned.
pub(crate) struct CatchUnwind(pub(crate) BoxFuture<FunctionResult>);

impl Future for CatchUnwind {
    type Output = Result<FunctionResult, Box<dyn Any + Send>>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Self::Output> {
        match catch_unwind(AssertUnwindSafe(|| self.0.as_mut().poll(cx))) {
            Ok(Poll::Pending) => Poll::Pending,
            Ok(Poll::Ready(r)) => Poll::Ready(Ok(r)),
            Err(panic) => Poll::Ready(Err(panic)),
        }
    }
}

/// Why an invocation produced no result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InvokeError {
    /// No function with this logical id (or deployed name) in the template.
    UnknownFunction(String),
    /// The function is listed as ignored in `lambda_app!`.
    Ignored(String),
    /// The function is in the template but no handler is bound to it.
    NotBound(String),
    /// The handler returned an error (or its input did not deserialize): Lambda's `Unhandled` function error.
    Handler {
        /// The function's logical id.
        function: String,
        /// `errorType` / `errorMessage`.
        error: Diagnostic,
    },
    /// The handler panicked; reported as `lambda_runtime` does: `Lambda panicked: <message>`.
    Panicked {
        /// The function's logical id.
        function: String,
        /// The panic message.
        message: String,
    },
    /// The function ran past its `Timeout`; the task was aborted.
    Timeout {
        /// The function's logical id.
        function: String,
        /// The `Timeout` in seconds.
        seconds: u64,
    },
    /// `ReservedConcurrentExecutions` invocations of the function are already running: Lambda throttles this one
    /// (`TooManyRequestsException`, reason `ReservedFunctionConcurrentInvocationLimitExceeded`).
    Throttled {
        /// The function's logical id.
        function: String,
        /// Its reserved concurrency.
        limit: u32,
    },
    /// API Gateway's integration timeout (29 s REST, 30 s HTTP API) ran out first; the function keeps running
    /// in the background until its own `Timeout`, as on AWS.
    GatewayTimeout {
        /// The function's logical id.
        function: String,
        /// The integration timeout in seconds.
        seconds: u64,
    },
}

impl InvokeError {
    /// Lambda's error shape for this error: `errorType` and `errorMessage`.
    pub fn diagnostic(&self) -> Diagnostic {
        let (t, m): (&str, String) = match self {
            InvokeError::UnknownFunction(f) => (
                "ResourceNotFoundException",
                format!("Function not found: {f} (no such logical id or name in the template)"),
            ),
            InvokeError::Ignored(f) => (
                "ResourceNotFoundException",
                format!("Function {f} is ignored in lambda_app!, so it is not served locally"),
            ),
            InvokeError::NotBound(f) => (
                "ResourceNotFoundException",
                format!("Function {f} has no handler bound: bind it in lambda_app! or ignore it"),
            ),
            InvokeError::Handler { error, .. } => return error.clone(),
            InvokeError::Panicked { message, .. } => ("Runtime.Panic", format!("Lambda panicked: {message}")),
            InvokeError::Timeout { seconds, .. } => {
                ("Sandbox.Timedout", format!("Task timed out after {seconds}.00 seconds"))
            }
            InvokeError::Throttled { .. } => ("TooManyRequestsException", "Rate Exceeded.".to_owned()),
            InvokeError::GatewayTimeout { seconds, .. } => {
                ("IntegrationTimeout", format!("API Gateway integration timed out after {seconds} seconds"))
            }
        };
        Diagnostic { error_type: t.to_owned(), error_message: m }
    }

    /// The diagnostic as Lambda's JSON error document.
    pub fn to_json(&self) -> Value {
        let d = self.diagnostic();
        serde_json::json!({ "errorType": d.error_type, "errorMessage": d.error_message })
    }

    /// The error as Lambda logs it: `{"errorType":"…","errorMessage":"…"}`, in that order.
    pub fn log_line(&self) -> String {
        let d = self.diagnostic();
        log::error_json(&d.error_type, &d.error_message)
    }
}

impl fmt::Display for InvokeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic();
        write!(f, "{}: {}", d.error_type, d.error_message)
    }
}

impl std::error::Error for InvokeError {}

/// The text of a panic payload (`&str` or `String`, else a placeholder).
pub(crate) fn panic_message(p: &(dyn Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_owned()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "non-string panic payload".to_owned()
    }
}

/// A handler call in progress: polled in the caller's task, or on a thread of its own (`sandbox.rs`).
enum Call {
    Inline(CatchUnwind, Option<log::LogSink>),
    Isolated(sandbox::Running),
}

impl Call {
    /// Starts `func`: on its own thread when `isolated` (and the handlers' runtime exists), else inline.
    fn start(
        func: &BoxedHandler,
        event: Payload,
        ctx: lambda_runtime::Context,
        isolated: bool,
        sink: Option<log::LogSink>,
    ) -> Call {
        match sandbox::runtime() {
            Some(rt) if isolated => Call::Isolated(sandbox::start(rt, func, event, ctx, sink)),
            _ => Call::inline(func, event, ctx, sink),
        }
    }

    fn inline(func: &BoxedHandler, event: Payload, ctx: lambda_runtime::Context, sink: Option<log::LogSink>) -> Call {
        // The synchronous part of the call (deserializing the event, the user's fn body up to its first await)
        // may panic too.
        let fut = match catch_unwind(AssertUnwindSafe(|| func.0.call(event, ctx))) {
            Ok(fut) => fut,
            Err(panic) => {
                let fut: BoxFuture<FunctionResult> = Box::pin(async move { std::panic::resume_unwind(panic) });
                fut
            }
        };
        Call::Inline(CatchUnwind(fut), sink)
    }

    /// The handler's result, or its panic.
    async fn wait(&mut self) -> Result<FunctionResult, Box<dyn Any + Send>> {
        match self {
            Call::Inline(fut, None) => fut.await,
            Call::Inline(fut, Some(sink)) => log_capture::with_sink(sink.clone(), fut).await,
            Call::Isolated(running) => match (&mut running.join).await {
                Ok(Some(outcome)) => outcome,
                Ok(None) => Err(Box::new("the invocation was cancelled")),
                Err(e) if e.is_panic() => Err(e.into_panic()),
                Err(e) => Err(Box::new(format!("the invocation's thread ended: {e}"))),
            },
        }
    }

    /// Lets the call run on in the background for at most `rest`, then cancels it.
    fn finish_in_background(self, rest: Duration) {
        match self {
            Call::Inline(fut, _) => {
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(rest, fut).await;
                });
            }
            Call::Isolated(running) => {
                tokio::spawn(async move {
                    let _ = tokio::time::timeout(rest, running.join).await;
                    drop(running.cancel);
                });
            }
        }
    }
}

/// Invokes `func` with `event` as Lambda would: a fresh `Context`, `START`, the call with its panics caught and its
/// `Timeout` (or the gateway's cap, when that is shorter) enforced, then the error line if any, `END` and `REPORT`.
///
/// With `isolated`, the handler runs on a thread of its own (`sandbox.rs`) and this task only waits for it with
/// its timer: a handler blocking its thread past its `Timeout` still gets `Sandbox.Timedout` at the deadline.
pub(crate) async fn run(
    func: &BoxedHandler,
    info: &FunctionInfo,
    event: Payload,
    options: InvokeOptions,
    isolated: bool,
) -> Result<Payload, InvokeError> {
    let mut ctx = info.context();
    ctx.xray_trace_id = options.trace_id;
    if let Some(id) = options.request_id {
        ctx.request_id = id;
    }
    ctx.client_context = options.client_context.and_then(|v| serde_json::from_value(v).ok());
    let request_id = ctx.request_id.clone();
    if let Some(sink) = &options.context_sink
        && let Ok(mut kept) = sink.lock()
    {
        *kept = serde_json::value::to_raw_value(&ctx).ok();
    }
    let mut log = log::InvocationLog::new(options.log_sink.clone());
    log.start(info, &request_id);
    let started = Instant::now();
    // With a sink, the handler's own `tracing` events are kept with the platform's lines (`log_capture`).
    let mut call = Call::start(func, event, ctx, isolated, options.log_sink.clone());
    let (limit, gateway_first) = match options.gateway_cap {
        Some(cap) if cap < info.timeout => (cap, true),
        _ => (info.timeout, false),
    };
    let result = match tokio::time::timeout(limit, call.wait()).await {
        Ok(Ok(Ok(v))) => Ok(v),
        Ok(Ok(Err(error))) => Err(InvokeError::Handler { function: info.id.clone(), error }),
        Ok(Err(panic)) => Err(InvokeError::Panicked { function: info.id.clone(), message: panic_message(&*panic) }),
        Err(_) if gateway_first => {
            // On AWS the function keeps running after API Gateway gives up; finish it in the background,
            // stopped at its own Timeout (dropping the future cancels it).
            call.finish_in_background(info.timeout.saturating_sub(limit));
            Err(InvokeError::GatewayTimeout { function: info.id.clone(), seconds: limit.as_secs() })
        }
        Err(_) => {
            // Dropping the call cancels the invocation, as Lambda stops the sandbox.
            drop(call);
            Err(InvokeError::Timeout { function: info.id.clone(), seconds: info.timeout.as_secs() })
        }
    };
    if let Err(e) = &result {
        log.error(info, &e.log_line());
    }
    log.end(info, &request_id, started.elapsed());
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::handler::Handler;
    use emu_template::Function;
    use lambda_runtime::LambdaEvent;
    use std::time::Duration;

    fn info(timeout: u32) -> FunctionInfo {
        let mut f = Function::new("F");
        f.timeout_secs = timeout;
        FunctionInfo::new(&f)
    }

    fn no_cap() -> InvokeOptions {
        InvokeOptions::default()
    }

    fn cap(secs: u64) -> InvokeOptions {
        InvokeOptions { gateway_cap: Some(Duration::from_secs(secs)), ..InvokeOptions::default() }
    }

    #[tokio::test]
    async fn ok_error_and_panic_are_told_apart() {
        let ok = (|e: LambdaEvent<Value>| async move { Ok::<_, lambda_runtime::Error>(e.payload) }).into_function();
        let out = run(&ok, &info(3), Value::from(1).into(), no_cap(), false).await.unwrap();
        assert_eq!(out.to_value(), Some(Value::from(1)));

        let err = (|_: LambdaEvent<Value>| async move { Err::<Value, _>(lambda_runtime::Error::from("boom")) })
            .into_function();
        let e = run(&err, &info(3), Value::Null.into(), no_cap(), false).await.unwrap_err();
        assert!(matches!(&e, InvokeError::Handler { error, .. } if error.error_message == "boom"), "{e:?}");

        let panics = (|_: LambdaEvent<Value>| async move {
            if true {
                panic!("kaput");
            }
            Ok::<Value, lambda_runtime::Error>(Value::Null)
        })
        .into_function();
        let e = run(&panics, &info(3), Value::Null.into(), no_cap(), false).await.unwrap_err();
        assert_eq!(e.diagnostic().error_message, "Lambda panicked: kaput");
    }

    #[tokio::test(start_paused = true)]
    async fn timeout_aborts_and_gateway_cap_comes_first() {
        let slow = (|_: LambdaEvent<Value>| async move {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok::<Value, lambda_runtime::Error>(Value::Null)
        })
        .into_function();
        let e = run(&slow, &info(2), Value::Null.into(), cap(29), false).await.unwrap_err();
        assert_eq!(e, InvokeError::Timeout { function: "F".into(), seconds: 2 });
        assert_eq!(e.diagnostic().error_type, "Sandbox.Timedout");
        let e = run(&slow, &info(60), Value::Null.into(), cap(29), false).await.unwrap_err();
        assert_eq!(e, InvokeError::GatewayTimeout { function: "F".into(), seconds: 29 });
    }
}

#[cfg(test)]
mod log_tests {
    use super::*;

    #[test]
    fn errors_are_logged_in_lambdas_json_shape_and_order() {
        let e = InvokeError::Timeout { function: "F".into(), seconds: 3 };
        assert_eq!(
            e.log_line(),
            r#"{"errorType":"Sandbox.Timedout","errorMessage":"Task timed out after 3.00 seconds"}"#
        );
    }
}
