//! Where a handler runs when the app isolates handlers (the dev server does): each invocation on its own thread,
//! as Lambda gives each one an execution environment, so a handler that blocks its thread stalls only itself.
//!
//! The threads are the blocking pool of one runtime kept for handlers (`emu-handler` threads, grown on demand up to
//! [`MAX_THREADS`], an idle one kept for a minute). Each invocation's future is polled there with `block_on`; timers,
//! I/O and tasks the handler spawns are that runtime's, so a client built in one invocation works in the next.
//! The caller keeps the timeout: it waits on the thread's result with its own timer, and dropping
//! [`Running::cancel`] stops the handler at its next `.await`.

use crate::lambda::log::LogSink;
use std::any::Any;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;
use std::time::Duration;

use crate::lambda::payload::Payload;
use lambda_runtime::Context;
use tokio::runtime::Runtime;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::handler::{BoxedHandler, FunctionResult};
use crate::lambda::invoke::CatchUnwind;

/// Most invocations running at once on their own threads; more wait for a thread to be free.
pub(crate) const MAX_THREADS: usize = 1024;

/// What a handler's thread gives back: its result or panic, `None` when it was cancelled first.
pub(crate) type Outcome = Option<Result<FunctionResult, Box<dyn Any + Send>>>;

/// An invocation running on its own thread.
#[derive(Debug)]
pub(crate) struct Running {
    /// Its outcome, when the thread is done.
    pub(crate) join: JoinHandle<Outcome>,
    /// Dropping (or sending) cancels the handler at its next `.await`.
    pub(crate) cancel: oneshot::Sender<()>,
}

/// The handlers' runtime, built on first use; `None` (and a warning) if it cannot be built.
pub(crate) fn runtime() -> Option<&'static Runtime> {
    static RUNTIME: OnceLock<Option<Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_name("emu-handler")
                .max_blocking_threads(MAX_THREADS)
                .thread_keep_alive(Duration::from_secs(60))
                .enable_all()
                .build()
                .map_err(|e| tracing::warn!("cannot start the handlers' runtime ({e}): handlers share the server's"))
                .ok()
        })
        .as_ref()
}

/// Starts `func` on a thread of `rt`'s blocking pool (`rt` is [`runtime`]'s).
pub(crate) fn start(rt: &Runtime, func: &BoxedHandler, event: Payload, ctx: Context, sink: Option<LogSink>) -> Running {
    let handle = rt.handle().clone();
    let func = func.clone();
    let (cancel, cancelled) = oneshot::channel::<()>();
    let join = rt.spawn_blocking(move || {
        // The synchronous part of the call (deserializing the event, the fn body up to its first await) runs here
        // too, panics caught.
        let fut = match catch_unwind(AssertUnwindSafe(|| func.0.call(event, ctx))) {
            Ok(fut) => fut,
            Err(panic) => return Some(Err(panic)),
        };
        let mut fut = CatchUnwind(fut);
        let run = async move {
            tokio::select! {
                biased;
                r = &mut fut => Some(r),
                _ = cancelled => None,
            }
        };
        // The handler's `tracing` events go to its invocation's log on this thread too (`log_capture`).
        match sink {
            Some(sink) => handle.block_on(crate::lambda::log_capture::with_sink(sink, run)),
            None => handle.block_on(run),
        }
    });
    Running { join, cancel }
}
