//! The Lambda service: every function of the template with its binding, and one way to invoke one, whoever calls
//! (the gateway's Lambda integration, [`App::invoke`](crate::App::invoke), tests; later the Invoke API).

pub(crate) mod context;
pub(crate) mod env;
pub(crate) mod invoke;
pub(crate) mod invoke_api;
pub(crate) mod log;
pub(crate) mod log_capture;
pub(crate) mod payload;
pub(crate) mod runtime_api;
pub(crate) mod samples;
pub(crate) mod sandbox;
pub(crate) mod schedules;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use emu_template::Model;
use serde_json::Value;
use tokio::sync::Semaphore;

use crate::handler::BoxedHandler;
use context::FunctionInfo;
use invoke::InvokeError;

/// A function of the app's model: an index into [`LambdaService::functions`], in template order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct FunctionId(u32);

/// How a template function is served.
#[derive(Clone, Debug)]
pub(crate) enum Binding {
    /// A Rust handler.
    Bound(BoxedHandler),
    /// Listed as ignored in `lambda_app!`: invoking it is an error, and a log line says why.
    Ignored,
}

/// A template function with its settings and binding.
#[derive(Debug)]
pub(crate) struct FunctionEntry {
    pub(crate) info: FunctionInfo,
    pub(crate) binding: Option<Binding>,
    /// `ReservedConcurrentExecutions`: one permit per invocation that may run at once.
    concurrency: Option<(u32, Arc<Semaphore>)>,
}

/// Where an invocation's `Context` is kept, as JSON text, when a caller asks (the console).
pub(crate) type ContextSink = Arc<std::sync::Mutex<Option<Box<serde_json::value::RawValue>>>>;

/// What the caller of an invocation adds: the gateway's integration timeout, the X-Ray trace header, and for the
/// Invoke API the request id it answers with and the caller's client context.
#[derive(Debug, Default)]
pub(crate) struct InvokeOptions {
    /// The Lambda request id to use (a fresh one when `None`).
    pub(crate) request_id: Option<String>,
    /// Where to keep the invocation's log lines (`X-Amz-Log-Type: Tail`, the console); `None`: they are only printed.
    pub(crate) log_sink: Option<log::LogSink>,
    /// Where to keep the `Context` the function was given, as JSON (the console); `None`: it is not kept.
    pub(crate) context_sink: Option<ContextSink>,
    /// `X-Amz-Client-Context` (already checked to be a client context), passed on as `Context::client_context`.
    pub(crate) client_context: Option<Value>,
    /// API Gateway's integration timeout, when the call comes through it.
    pub(crate) gateway_cap: Option<Duration>,
    /// The trace header API Gateway added, passed on as `Context::xray_trace_id`.
    pub(crate) trace_id: Option<String>,
}

/// Every function of the model, compiled once when the [`App`](crate::App) is built.
#[derive(Debug)]
pub(crate) struct LambdaService {
    functions: Vec<FunctionEntry>,
    /// Run each invocation on its own thread (`sandbox.rs`) instead of the caller's task.
    isolated: bool,
}

impl LambdaService {
    /// One entry per model function, with the handler bound to its logical id (if any).
    pub(crate) fn new(model: &Model, bindings: &HashMap<String, Binding>) -> LambdaService {
        for id in bindings.keys() {
            if model.function(id).is_none() {
                tracing::warn!(function = %id, "a handler is bound to `{id}`, which is not a function of the template");
            }
        }
        let functions = model
            .functions
            .iter()
            .map(|f| FunctionEntry {
                info: FunctionInfo::new(f),
                binding: bindings.get(&*f.id).cloned(),
                concurrency: f.reserved_concurrency.map(|n| (n, Arc::new(Semaphore::new(n as usize)))),
            })
            .collect();
        LambdaService { functions, isolated: false }
    }

    /// The same service running each invocation on its own thread (see `sandbox.rs`) when `on`.
    pub(crate) fn isolated(mut self, on: bool) -> LambdaService {
        self.isolated = on;
        self
    }

    /// The function with logical id `id`.
    pub(crate) fn by_logical_id(&self, id: &str) -> Option<FunctionId> {
        self.functions.iter().position(|f| f.info.id == id).map(Self::id_of)
    }

    /// The function with logical id (first) or deployed name `name`, as `aws lambda invoke` names it.
    pub(crate) fn resolve(&self, name: &str) -> Option<FunctionId> {
        self.by_logical_id(name).or_else(|| self.functions.iter().position(|f| f.info.name == name).map(Self::id_of))
    }

    fn id_of(index: usize) -> FunctionId {
        // A template cannot hold 2^32 functions: CloudFormation allows 500 resources.
        FunctionId(u32::try_from(index).unwrap_or(u32::MAX))
    }

    /// Every function, in template order.
    pub(crate) fn ids(&self) -> impl Iterator<Item = FunctionId> + '_ {
        (0..self.functions.len()).map(Self::id_of)
    }

    /// The entry of `id` (ids only come from this service).
    pub(crate) fn entry(&self, id: FunctionId) -> &FunctionEntry {
        &self.functions[id.0 as usize]
    }

    /// Whether `id`'s handler is better handed its event as a `Value` than as bytes (`ErasedHandler::prefers_value`).
    pub(crate) fn prefers_value(&self, id: FunctionId) -> bool {
        matches!(&self.entry(id).binding, Some(Binding::Bound(f)) if f.0.prefers_value())
    }

    /// Invokes `id` with `event` (a `Value`, or JSON bytes already serialized: [`payload::Payload`]): Lambda's log
    /// lines, timeout and panic isolation (see [`invoke::run`]); throttled when `ReservedConcurrentExecutions`
    /// invocations of it are already running.
    pub(crate) async fn invoke(
        &self,
        id: FunctionId,
        event: impl Into<payload::Payload>,
        options: InvokeOptions,
    ) -> Result<Value, InvokeError> {
        let output = self.invoke_payload(id, event.into(), options).await?;
        let function = || self.entry(id).info.id.clone();
        output.into_value().map_err(|error| InvokeError::Handler { function: function(), error })
    }

    /// [`invoke`](Self::invoke) with the output as the function returned it (JSON bytes, or its `Value`), for the
    /// gateway, which parses it into borrowed structs.
    pub(crate) async fn invoke_payload(
        &self,
        id: FunctionId,
        event: payload::Payload,
        options: InvokeOptions,
    ) -> Result<payload::Payload, InvokeError> {
        let entry = self.entry(id);
        let _permit = match &entry.concurrency {
            None => None,
            Some((limit, semaphore)) => match semaphore.clone().try_acquire_owned() {
                Ok(permit) => Some(permit),
                Err(_) => {
                    let line = format!(
                        "throttled: {limit} invocations of {} are running, its ReservedConcurrentExecutions",
                        entry.info.id
                    );
                    log::platform_line(&entry.info.name, &line);
                    return Err(InvokeError::Throttled { function: entry.info.id.clone(), limit: *limit });
                }
            },
        };
        match &entry.binding {
            Some(Binding::Bound(f)) => invoke::run(f, &entry.info, event, options, self.isolated).await,
            Some(Binding::Ignored) => Err(InvokeError::Ignored(entry.info.id.clone())),
            None => Err(InvokeError::NotBound(entry.info.id.clone())),
        }
    }
}
