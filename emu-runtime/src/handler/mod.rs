//! The `Handler` trait: every shape of Rust function the emulator can bind to a template function, and its one erasure.
//! Each shape (`event.rs`, `http.rs`) becomes a [`BoxedHandler`]: the event (JSON bytes or a value) and `Context`
//! in, result JSON out.

mod event;
#[cfg(feature = "lambda-http")]
mod http;
#[cfg(feature = "lambda-http")]
pub(crate) mod quiet_panic;
mod stateful;

#[doc(hidden)]
pub use event::{ViaEventFn, ViaEventService};
#[cfg(feature = "lambda-http")]
#[doc(hidden)]
pub use http::{ViaHttpFn, ViaHttpService};

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use lambda_runtime::{Context, Diagnostic};

use crate::lambda::payload::Payload;
use serde::Serialize;

/// A boxed, sendable future.
pub(crate) type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// A boxed future that need not be `Send`: `lambda_runtime::run`'s, driven by `block_on` on the main thread.
pub(crate) type LocalBoxFuture<T> = Pin<Box<dyn Future<Output = T> + 'static>>;

/// What a bound function returns: the response as JSON (bytes, or the `Value` a `Value` handler returned), or
/// Lambda's error shape.
pub(crate) type FunctionResult = Result<Payload, Diagnostic>;

/// A handler with its type erased: event JSON and context in, result JSON out.
pub(crate) trait ErasedHandler: Send + Sync + 'static {
    /// Calls the handler. `event` crosses a JSON boundary exactly as on Lambda.
    fn call(&self, event: Payload, context: Context) -> BoxFuture<FunctionResult>;

    /// Whether the gateway should hand this handler its event as a `Value` rather than bytes: true for
    /// `LambdaEvent<T>` shapes, whose `T` is deserialized from a `Value` by moving its strings (or is the `Value`
    /// itself), false for `lambda_http`, whose conversion reads text. Measured in docs/benchmarks.md (issue 18): bytes
    /// parsed back into a `Value` cost 60% more instructions per request, into a typed `ApiGatewayProxyRequest` 8%.
    fn prefers_value(&self) -> bool {
        false
    }

    /// Serves the handler through the real Lambda Runtime API with the official runtime and the shape's own types
    /// (`lambda_runtime::run` or `lambda_http::run`): no JSON erasure. See `lambda/runtime_api.rs`.
    fn run_on_lambda(self: Arc<Self>) -> LocalBoxFuture<Result<(), lambda_runtime::Error>>;
}

/// A handler with its type erased, as [`Handler::into_function`] makes it. Cheap to clone.
#[derive(Clone)]
pub struct BoxedHandler(pub(crate) Arc<dyn ErasedHandler>);

impl BoxedHandler {
    /// Erases `handler` (one of the shapes of this module).
    pub(crate) fn new(handler: impl ErasedHandler) -> BoxedHandler {
        BoxedHandler(Arc::new(handler))
    }
}

impl std::fmt::Debug for BoxedHandler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("BoxedHandler")
    }
}

/// Anything that can handle a Lambda invocation: see the accepted shapes in the note below.
///
/// `M` is a marker that keeps the implementations for the different shapes apart; callers never name it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Lambda handler the emulator can call",
    label = "this is bound as a Lambda handler",
    note = "accepted handler shapes:\n  async fn(LambdaEvent<T>) -> Result<R, E>        (T: Deserialize, R: Serialize, E: Into<Diagnostic> + Debug)\n  a tower::Service<LambdaEvent<T>> + Clone         (e.g. lambda_runtime::service_fn(f))\n  async fn(lambda_http::Request) -> Result<impl IntoResponse, E>   (feature `lambda-http`)\n  a tower::Service<lambda_http::Request> + Clone   (e.g. an axum Router; feature `lambda-http`)\n  with_state!(arc, f) for async fn(&S, Event)      (state shared by many functions)",
    note = "the handler's future must be `Send` (handlers run on a multi-threaded runtime): no `Rc`, `RefCell` borrow or `std::sync::MutexGuard` held across an `.await`"
)]
pub trait Handler<M>: Send + Sync + 'static {
    /// Erases the handler's type.
    #[doc(hidden)]
    fn into_function(self) -> BoxedHandler;
}

/// [`serialize_output`] without the copy when the output already is a `serde_json::Value`.
pub(crate) fn serialize_owned<R: Serialize + 'static>(output: R) -> FunctionResult {
    let mut slot = Some(output);
    if let Some(v) = (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<serde_json::Value>>()
        && let Some(v) = v.take()
    {
        return Ok(Payload::Value(v));
    }
    match slot {
        Some(output) => serialize_output(output),
        None => unreachable!("the output is only taken when R is serde_json::Value"),
    }
}

/// Serializes a handler's output to JSON bytes, as `lambda_runtime` does before sending it to Lambda.
pub(crate) fn serialize_output<R: Serialize>(output: R) -> FunctionResult {
    serde_json::to_vec(&output).map(Payload::from).map_err(|e| Diagnostic {
        error_type: "Runtime.SerializationError".into(),
        error_message: format!("failed to serialize the function's response: {e}"),
    })
}

/// An already-failed call (the event did not deserialize into the handler's type).
pub(crate) fn failed(d: Diagnostic) -> BoxFuture<FunctionResult> {
    Box::pin(async move { Err(d) })
}

/// Awaits a handler's future and turns its result into the JSON output or Lambda's error shape.
pub(crate) fn finish<Fut, R, E>(fut: Fut) -> BoxFuture<FunctionResult>
where
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    R: Serialize + Send + 'static,
    E: Into<Diagnostic> + Send + 'static,
{
    Box::pin(async move {
        match fut.await {
            Ok(r) => serialize_owned(r),
            Err(e) => Err(e.into()),
        }
    })
}
