//! The `Handler` trait: every shape of Rust function the emulator can bind to a template function.
//! Each shape is erased into a [`Function`] that takes the event as JSON and returns the result as JSON.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use lambda_runtime::{Context, Diagnostic, LambdaEvent};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tower::{Service, ServiceExt};

/// A boxed, sendable future.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// What a bound function returns: the response as JSON, or Lambda's error shape.
pub type FunctionResult = Result<serde_json::Value, Diagnostic>;

/// A handler with its type erased: event JSON and context in, result JSON out.
pub trait ErasedHandler: Send + Sync + 'static {
    /// Calls the handler. `event` crosses a JSON boundary exactly as on Lambda.
    fn call(&self, event: serde_json::Value, context: Context) -> BoxFuture<FunctionResult>;
}

/// A bound, type-erased handler.
pub type Function = Arc<dyn ErasedHandler>;

/// Anything that can handle a Lambda invocation: see the accepted shapes in the note below.
///
/// `M` is a marker that keeps the implementations for the different shapes apart; callers never name it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a Lambda handler the emulator can call",
    label = "this is bound as a Lambda handler",
    note = "accepted handler shapes:\n  async fn(LambdaEvent<T>) -> Result<R, E>        (T: Deserialize, R: Serialize, E: Into<Diagnostic> + Debug)\n  a tower::Service<LambdaEvent<T>> + Clone         (e.g. lambda_runtime::service_fn(f))\n  async fn(lambda_http::Request) -> Result<impl IntoResponse, E>   (feature `lambda-http`)\n  a tower::Service<lambda_http::Request> + Clone   (e.g. an axum Router; feature `lambda-http`)"
)]
pub trait Handler<M>: Send + Sync + 'static {
    /// Erases the handler's type.
    fn into_function(self) -> Function;
}

/// A zero-sized marker carrying the handler's types (never constructed).
type Marker<T> = std::marker::PhantomData<fn() -> T>;

/// Marker for `async fn(LambdaEvent<T>) -> Result<R, E>` handlers.
#[doc(hidden)]
pub struct ViaEventFn<T, R, E>(Marker<(T, R, E)>);
/// Marker for `tower::Service<LambdaEvent<T>>` handlers.
#[doc(hidden)]
pub struct ViaEventService<T>(std::marker::PhantomData<fn() -> T>);

/// Turns a failed deserialization of the event into the error `lambda_runtime` reports for it.
///
/// A handler taking `serde_json::Value` gets the event as is: the round trip through serde would only copy it.
pub(crate) fn deserialize_event<T: DeserializeOwned + 'static>(event: serde_json::Value) -> Result<T, Diagnostic> {
    let mut slot = Some(event);
    if let Some(same) = (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<T>>()
        && let Some(v) = same.take()
    {
        return Ok(v);
    }
    let Some(event) = slot else { unreachable!("the event is only taken when T is serde_json::Value") };
    serde_json::from_value(event).map_err(|e| Diagnostic {
        error_type: "Runtime.DeserializeError".into(),
        error_message: format!("failed to deserialize the incoming data into the function's payload type: {e}"),
    })
}

/// [`serialize_output`] without the copy when the output already is a `serde_json::Value`.
pub(crate) fn serialize_owned<R: Serialize + 'static>(output: R) -> FunctionResult {
    let mut slot = Some(output);
    if let Some(v) = (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<serde_json::Value>>()
        && let Some(v) = v.take()
    {
        return Ok(v);
    }
    match slot {
        Some(output) => serialize_output(output),
        None => unreachable!("the output is only taken when R is serde_json::Value"),
    }
}

/// Serializes a handler's output, as `lambda_runtime` does before sending it to Lambda.
pub(crate) fn serialize_output<R: Serialize>(output: R) -> FunctionResult {
    serde_json::to_value(output).map_err(|e| Diagnostic {
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

struct EventFn<F, T, R, E> {
    f: F,
    _marker: Marker<(T, R, E)>,
}

impl<F, Fut, T, R, E> ErasedHandler for EventFn<F, T, R, E>
where
    F: Fn(LambdaEvent<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    T: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
    E: Into<Diagnostic> + Debug + Send + 'static,
{
    fn call(&self, event: serde_json::Value, context: Context) -> BoxFuture<FunctionResult> {
        match deserialize_event::<T>(event) {
            Ok(payload) => finish((self.f)(LambdaEvent::new(payload, context))),
            Err(d) => failed(d),
        }
    }
}

impl<F, Fut, T, R, E> Handler<ViaEventFn<T, R, E>> for F
where
    F: Fn(LambdaEvent<T>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R, E>> + Send + 'static,
    T: DeserializeOwned + Send + 'static,
    R: Serialize + Send + 'static,
    E: Into<Diagnostic> + Debug + Send + 'static,
{
    fn into_function(self) -> Function {
        Arc::new(EventFn { f: self, _marker: std::marker::PhantomData })
    }
}

struct EventService<S, T> {
    service: S,
    _marker: std::marker::PhantomData<fn() -> T>,
}

impl<S, T> ErasedHandler for EventService<S, T>
where
    S: Service<LambdaEvent<T>> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Response: Serialize + Send + 'static,
    S::Error: Into<Diagnostic> + Debug + Send + 'static,
    T: DeserializeOwned + Send + 'static,
{
    fn call(&self, event: serde_json::Value, context: Context) -> BoxFuture<FunctionResult> {
        match deserialize_event::<T>(event) {
            Ok(payload) => finish(self.service.clone().oneshot(LambdaEvent::new(payload, context))),
            Err(d) => failed(d),
        }
    }
}

impl<S, T> Handler<ViaEventService<T>> for S
where
    S: Service<LambdaEvent<T>> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Response: Serialize + Send + 'static,
    S::Error: Into<Diagnostic> + Debug + Send + 'static,
    T: DeserializeOwned + Send + 'static,
{
    fn into_function(self) -> Function {
        Arc::new(EventService { service: self, _marker: std::marker::PhantomData })
    }
}
