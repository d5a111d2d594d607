//! The dev binary's one-shot subcommands as a user runs them (the adopted example as a child process):
//! `invoke FUNCTION` with an inline, file, stdin or sample event, and `generate-event` from the template's sources.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

/// `target/<profile>/examples/adopted`: cargo builds the package's examples before its integration tests.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps/<test>");
    dir.join("examples").join(format!("adopted{}", std::env::consts::EXE_SUFFIX))
}

/// What the program printed after its own `main: ...` line (the adopted example's `main` prints one first).
fn output(stdout: &str) -> &str {
    stdout.split_once('\n').filter(|(first, _)| first.starts_with("main: ")).map_or(stdout, |(_, rest)| rest).trim()
}

fn run(args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(binary())
        .args(args)
        .env_remove("RUST_LOG")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the adopted example");
    if let Some(text) = stdin
        && let Some(mut input) = child.stdin.take()
    {
        input.write_all(text.as_bytes()).expect("write stdin");
    }
    drop(child.stdin.take());
    let out = child.wait_with_output().expect("wait");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn generate_event_fills_the_templates_queue() {
    let (code, stdout, stderr) = run(&["generate-event", "ProcessOrdersFunction"], None);
    assert_eq!(code, 0, "{stderr}");
    let event: Value = serde_json::from_str(output(&stdout)).expect("JSON on stdout");
    assert_eq!(event["Records"][0]["eventSourceARN"], "arn:aws:sqs:us-east-1:123456789012:orders");
    let (code, _, stderr) = run(&["generate-event", "ListProductsFunction"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("has no SQS, S3, SNS"), "{stderr}");
}

#[test]
fn invoke_prints_the_result_on_stdout_and_the_platform_lines_on_stderr() {
    let (code, stdout, stderr) = run(&["invoke", "ProcessOrdersFunction", "--sample"], None);
    assert_eq!(code, 0, "{stderr}");
    assert!(serde_json::from_str::<Value>(output(&stdout)).is_ok(), "only the result on stdout: {stdout}");
    assert!(stderr.contains("START RequestId: ") && stderr.contains("REPORT RequestId: "), "{stderr}");
    let sample = run(&["generate-event", "ProcessOrdersFunction"], None).1;
    let (code, stdout, stderr) = run(&["invoke", "ProcessOrdersFunction", "--event", "-"], Some(output(&sample)));
    assert_eq!(code, 0, "{stderr}");
    let result: Value = serde_json::from_str(output(&stdout)).expect("the result");
    assert_eq!(result["batchItemFailures"], serde_json::json!([]));
}

#[test]
fn invoke_errors_are_lambdas_and_bad_input_is_exit_code_2() {
    // `{}` is not an API Gateway event: the lambda_http handler's input does not convert, as on Lambda.
    let (code, stdout, _) = run(&["invoke", "GetProductFunction"], None);
    assert_eq!(code, 1);
    let error: Value = serde_json::from_str(output(&stdout)).expect("Lambda's error document");
    assert_eq!(error["errorType"], "Runtime.DeserializeError");
    let (code, _, stderr) = run(&["invoke", "NoSuchFunction"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("ProcessOrdersFunction"), "the message lists the functions: {stderr}");
    let (code, _, stderr) = run(&["invoke", "ProcessOrdersFunction", "--body", "{not json"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("not JSON"), "{stderr}");
    let (code, _, stderr) = run(&["invoke", "ProcessOrdersFunction", "--event", "/no/such/file.json"], None);
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read the event file"), "{stderr}");
}
