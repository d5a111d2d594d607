//! Handlers over `lambda_runtime`'s own types: `async fn(LambdaEvent<T>) -> Result<R, E>` and any
//! `tower::Service<LambdaEvent<T>>` (e.g. `service_fn(f)`); the event is deserialized into `T` as on Lambda.

use std::fmt::Debug;
use std::future::Future;

use lambda_runtime::{Context, Diagnostic, LambdaEvent};
use serde::Serialize;
use serde::de::DeserializeOwned;
use tower::{Service, ServiceExt};

use std::sync::Arc;

use super::{BoxFuture, BoxedHandler, ErasedHandler, FunctionResult, Handler, LocalBoxFuture, failed, finish};
use crate::lambda::payload::Payload;

/// A zero-sized marker carrying the handler's types (never constructed).
type Marker<T> = std::marker::PhantomData<fn() -> T>;

/// Marker for `async fn(LambdaEvent<T>) -> Result<R, E>` handlers.
#[doc(hidden)]
#[derive(Debug)]
pub struct ViaEventFn<T, R, E>(Marker<(T, R, E)>);
/// Marker for `tower::Service<LambdaEvent<T>>` handlers.
#[doc(hidden)]
#[derive(Debug)]
pub struct ViaEventService<T>(Marker<T>);

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
    fn call(&self, event: Payload, context: Context) -> BoxFuture<FunctionResult> {
        match event.deserialize::<T>() {
            Ok(payload) => finish((self.f)(LambdaEvent::new(payload, context))),
            Err(d) => failed(d),
        }
    }

    fn prefers_value(&self) -> bool {
        true
    }

    fn run_on_lambda(self: Arc<Self>) -> LocalBoxFuture<Result<(), lambda_runtime::Error>> {
        Box::pin(lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<T>| (self.f)(event))))
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
    fn into_function(self) -> BoxedHandler {
        BoxedHandler::new(EventFn { f: self, _marker: std::marker::PhantomData })
    }
}

struct EventService<S, T> {
    service: S,
    _marker: Marker<T>,
}

impl<S, T> ErasedHandler for EventService<S, T>
where
    S: Service<LambdaEvent<T>> + Clone + Send + Sync + 'static,
    S::Future: Send + 'static,
    S::Response: Serialize + Send + 'static,
    S::Error: Into<Diagnostic> + Debug + Send + 'static,
    T: DeserializeOwned + Send + 'static,
{
    fn call(&self, event: Payload, context: Context) -> BoxFuture<FunctionResult> {
        match event.deserialize::<T>() {
            Ok(payload) => finish(self.service.clone().oneshot(LambdaEvent::new(payload, context))),
            Err(d) => failed(d),
        }
    }

    fn prefers_value(&self) -> bool {
        true
    }

    fn run_on_lambda(self: Arc<Self>) -> LocalBoxFuture<Result<(), lambda_runtime::Error>> {
        Box::pin(lambda_runtime::run(self.service.clone()))
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
    fn into_function(self) -> BoxedHandler {
        BoxedHandler::new(EventService { service: self, _marker: std::marker::PhantomData })
    }
}
