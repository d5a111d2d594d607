//! What Lambda writes to a function's log: `START`/`END`/`REPORT` lines, errors as `{"errorType","errorMessage"}`,
//! and the log stream name (one per function per process, shared by the `Context` and `AWS_LAMBDA_LOG_STREAM_NAME`).

use std::sync::OnceLock;
use std::time::Duration;

use crate::aws::LATEST;
use crate::clock;
use crate::lambda::context::FunctionInfo;

/// `{"errorType":…,"errorMessage":…}` with the keys in Lambda's order.
pub(crate) fn error_json(error_type: &str, message: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""));
    format!("{{\"errorType\":{},\"errorMessage\":{}}}", q(error_type), q(message))
}

/// `START RequestId: … Version: $LATEST`.
pub(crate) fn start(info: &FunctionInfo, request_id: &str) {
    tracing::info!(target: "lambda", function = %info.name, "START RequestId: {request_id} Version: {LATEST}");
}

/// An invocation's error, in Lambda's JSON shape.
pub(crate) fn error(info: &FunctionInfo, line: &str) {
    tracing::error!(target: "lambda", function = %info.name, "{line}");
}

/// `END RequestId: …` then `REPORT RequestId: … Duration … Billed Duration … Memory Size …`.
pub(crate) fn end(info: &FunctionInfo, request_id: &str, elapsed: Duration) {
    tracing::info!(target: "lambda", function = %info.name, "END RequestId: {request_id}");
    let ms = elapsed.as_secs_f64() * 1000.0;
    // Max Memory Used cannot be measured per function in-process; it is left out (see docs/fidelity.md).
    tracing::info!(
        target: "lambda",
        function = %info.name,
        "REPORT RequestId: {request_id}\tDuration: {ms:.2} ms\tBilled Duration: {} ms\tMemory Size: {} MB\t",
        (ms.ceil() as u64).max(1),
        info.memory_mb,
    );
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
