//! What Lambda writes to a function's log: `START`/`END`/`REPORT` lines, errors as `{"errorType","errorMessage"}`,
//! and the log stream name (one per function per process, shared by the `Context` and `AWS_LAMBDA_LOG_STREAM_NAME`).
//!
//! These are the *platform's* lines: on Lambda they come from the service, not from the function's logger, so they
//! are written straight to stdout by [`platform_line`] and appear whatever `tracing` subscriber the user installs
//! (theirs, ours, or none). The user's own logs stay with their subscriber.

use std::io::Write as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crate::aws::LATEST;
use crate::clock;
use crate::lambda::context::FunctionInfo;

/// `{"errorType":…,"errorMessage":…}` with the keys in Lambda's order.
pub(crate) fn error_json(error_type: &str, message: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""));
    format!("{{\"errorType\":{},\"errorMessage\":{}}}", q(error_type), q(message))
}

/// Writes one platform line to stdout, `2026-12-01T21:00:00.123Z [source] line`, bypassing `tracing`.
///
/// `source` is the function's name for Lambda lines, `api` for the gateway's. One `write` per line under the stdout
/// lock, so lines from concurrent invocations never interleave. While a dev server serves, a closed stdout is
/// ignored, as a logger would.
pub(crate) fn platform_line(source: &str, line: &str) {
    platform_lines(source, &[line]);
}

/// [`platform_line`] for several lines written at once (one `write` when serving: END and REPORT).
pub(crate) fn platform_lines(source: &str, lines: &[&str]) {
    if silenced() {
        return;
    }
    let time = clock::iso_time(clock::now_epoch_ms());
    let mut text = String::with_capacity(lines.iter().map(|l| 32 + time.len() + source.len() + l.len()).sum());
    for line in lines {
        text.push_str(&time);
        text.push_str(" [");
        text.push_str(source);
        text.push_str("] ");
        text.push_str(line);
        text.push('\n');
    }
    if TO_STDERR.load(Ordering::Relaxed) {
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(text.as_bytes());
    } else if SERVING.load(Ordering::Relaxed) {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(text.as_bytes());
        let _ = out.flush();
    } else {
        print!("{text}");
    }
}

/// Whether platform lines are printed (`EMU_PLATFORM_LOG=off` silences them): callers skip formatting when not.
pub(crate) fn platform_enabled() -> bool {
    !silenced()
}

fn silenced() -> bool {
    static OFF: OnceLock<bool> = OnceLock::new();
    *OFF.get_or_init(|| std::env::var_os("EMU_PLATFORM_LOG").is_some_and(|v| v == "off"))
}

/// Set by `invoke`: platform lines go to stderr, so stdout holds only the function's result.
static TO_STDERR: AtomicBool = AtomicBool::new(false);

/// Sends platform lines to stderr from now on (the `invoke` subcommand).
pub(crate) fn platform_to_stderr() {
    TO_STDERR.store(true, Ordering::Relaxed);
}

/// Set while a dev server is serving: platform lines then go straight to stdout, ignoring a closed pipe.
static SERVING: AtomicBool = AtomicBool::new(false);

/// Marks that a dev server serves from this process (see [`platform_line`]).
pub(crate) fn serving() {
    SERVING.store(true, Ordering::Relaxed);
}

/// Where one invocation's log lines are kept when a caller asks (the Invoke API's `X-Amz-Log-Type: Tail`, the
/// console): the platform's lines and, under `init_logging`'s subscriber, the handler's own `tracing` events.
pub(crate) type LogSink = std::sync::Arc<std::sync::Mutex<String>>;

/// Appends `line` and a newline to `sink` (a poisoned lock keeps what it had: the log is best effort).
pub(crate) fn push_line(sink: &LogSink, line: &str) {
    if let Ok(mut kept) = sink.lock() {
        kept.push_str(line);
        kept.push('\n');
    }
}

/// The platform's log lines of one invocation: printed, and appended to the caller's sink when there is one.
#[derive(Debug, Default)]
pub(crate) struct InvocationLog {
    sink: Option<LogSink>,
}

impl InvocationLog {
    /// A log that also keeps the invocation's lines in `sink`, or only prints them.
    pub(crate) fn new(sink: Option<LogSink>) -> InvocationLog {
        InvocationLog { sink }
    }

    /// Prints `line` as a platform line of `info`'s function, and keeps it when asked.
    fn line(&mut self, info: &FunctionInfo, line: &str) {
        platform_line(&info.name, line);
        if let Some(sink) = &self.sink {
            push_line(sink, line);
        }
    }

    /// `START RequestId: … Version: $LATEST`.
    /// Whether a line would go anywhere (printed, or kept in the sink): when not, nothing is formatted.
    fn wanted(&self) -> bool {
        self.sink.is_some() || !silenced()
    }

    pub(crate) fn start(&mut self, info: &FunctionInfo, request_id: &str) {
        if !self.wanted() {
            return;
        }
        self.line(info, &format!("START RequestId: {request_id} Version: {LATEST}"));
    }

    /// An invocation's error, in Lambda's JSON shape.
    pub(crate) fn error(&mut self, info: &FunctionInfo, line: &str) {
        self.line(info, line);
    }

    /// `END RequestId: …` then `REPORT RequestId: … Duration … Billed Duration … Memory Size …`.
    pub(crate) fn end(&mut self, info: &FunctionInfo, request_id: &str, elapsed: Duration) {
        if !self.wanted() {
            return;
        }
        let end = format!("END RequestId: {request_id}");
        let ms = elapsed.as_secs_f64() * 1000.0;
        // Max Memory Used cannot be measured per function in-process; it is left out (see docs/fidelity.md).
        let report = format!(
            "REPORT RequestId: {request_id}\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\t",
            (ms.ceil() as u64).max(1),
            info.memory_mb,
        );
        // One write for both lines.
        platform_lines(&info.name, &[&end, &report]);
        if let Some(sink) = &self.sink {
            push_line(sink, &end);
            push_line(sink, &report);
        }
    }
}

/// When this process started serving, epoch ms: the date of every log stream name.
fn process_start_ms() -> u64 {
    static START: OnceLock<u64> = OnceLock::new();
    *START.get_or_init(clock::now_epoch_ms)
}

/// Lambda's log stream name for `function` (its deployed name): `YYYY/MM/DD/[$LATEST]<32 hex>`.
///
/// One execution environment per function per process, so the name is the same every time it is asked for in a
/// process (the `Context` and `AWS_LAMBDA_LOG_STREAM_NAME` agree), and differs between functions and runs.
pub(crate) fn log_stream_name(function: &str) -> String {
    let started = process_start_ms();
    let (year, month, day) = clock::civil_date(started);
    let seed = format!("{function}\u{0}{started}\u{0}{}", std::process::id());
    let id = crate::ids::stable_hex(&seed, 32);
    format!("{year:04}/{month:02}/{day:02}/[{LATEST}]{id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_logged_in_lambdas_json_shape_and_order() {
        assert_eq!(error_json("A", "say \"hi\""), r#"{"errorType":"A","errorMessage":"say \"hi\""}"#);
    }

    #[test]
    fn one_log_stream_per_function_per_process() {
        let a = log_stream_name("a");
        assert_eq!(a, log_stream_name("a"));
        assert_ne!(a, log_stream_name("b"));
        let (date, id) = a.split_once("/[$LATEST]").unwrap();
        assert_eq!(date.len(), 10, "{a}");
        assert_eq!(date.matches('/').count(), 2, "{a}");
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()), "{a}");
    }
}
