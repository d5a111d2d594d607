//! The handler's own log lines, kept with its invocation: a `tracing` layer that appends each event emitted while an
//! invocation with a [`LogSink`] is polled to that sink, as CloudWatch keeps a function's output in its log stream.
//!
//! The sink is a tokio task-local set only around the handler's future, so an invocation without a sink (the
//! default: no console, no `X-Amz-Log-Type: Tail`) pays nothing, and concurrent invocations never mix lines. What a
//! handler writes with `println!` or spawns onto other tasks is not seen: only `tracing` events on the invocation's
//! own task, under the subscriber [`init_logging`](crate::init_logging) installs (docs/fidelity.md).

use std::fmt::Write as _;
use std::future::Future;

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::layer::{Context, Layer};

use crate::clock;
use crate::lambda::log::{LogSink, push_line};

tokio::task_local! {
    /// The sink of the invocation being polled on this task.
    static SINK: LogSink;
}

/// Polls `fut` with `sink` as the place its `tracing` events are kept.
pub(crate) async fn with_sink<F: Future>(sink: LogSink, fut: F) -> F::Output {
    SINK.scope(sink, fut).await
}

/// The layer [`init_logging`](crate::init_logging) adds beside the formatter: copies each event into the current
/// invocation's sink, when the event is emitted inside one that has a sink.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct CaptureLayer;

impl<S: Subscriber> Layer<S> for CaptureLayer {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let _ = SINK.try_with(|sink| push_line(sink, &format_event(event)));
    }
}

/// `2026-12-01T21:00:00.123Z INFO message key=value`: one line as the function's log shows it.
fn format_event(event: &Event<'_>) -> String {
    let mut fields = Fields::default();
    event.record(&mut fields);
    let mut line =
        format!("{} {} {}", clock::iso_time(clock::now_epoch_ms()), event.metadata().level(), fields.message);
    line.push_str(&fields.rest);
    line
}

/// An event's `message` and its other fields as ` key=value`.
#[derive(Default)]
struct Fields {
    message: String,
    rest: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.message.push_str(value);
        } else {
            let _ = write!(self.rest, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.message, "{value:?}");
        } else {
            let _ = write!(self.rest, " {}={value:?}", field.name());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::SubscriberExt;

    #[tokio::test]
    async fn events_inside_a_sink_scope_are_kept_and_others_are_not() {
        let subscriber = tracing_subscriber::registry().with(CaptureLayer);
        let _guard = tracing::subscriber::set_default(subscriber);
        let sink: LogSink = Arc::new(Mutex::new(String::new()));
        tracing::info!("before");
        with_sink(sink.clone(), async {
            tracing::info!(order = 7, "hello {}", "there");
            tokio::task::yield_now().await;
            tracing::warn!(name = "x", "after a yield");
        })
        .await;
        tracing::info!("after");
        let text = sink.lock().unwrap().clone();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text}");
        assert!(lines[0].ends_with(" INFO hello there order=7"), "{text}");
        assert!(lines[1].ends_with(" WARN after a yield name=x"), "{text}");
    }
}
