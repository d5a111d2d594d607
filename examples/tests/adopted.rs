//! The adopted example's binary as a user runs it (a child process): `#[emu_runtime::main]` gives all of `main` the
//! template's environment, the platform's lines survive the program's own `tracing` subscriber, `//` paths are
//! served, the banner and `--list-routes` show every function, and `--help` names the binary that runs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// `target/<profile>/examples/adopted`: cargo builds the package's examples before its integration tests.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps/<test>");
    dir.join("examples").join(format!("adopted{}", std::env::consts::EXE_SUFFIX))
}

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(binary()).args(args).env_remove("RUST_LOG").output().expect("run the adopted example");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn main_sees_the_template_environment_and_the_command_line_before_run() {
    let (code, stdout, stderr) = run(&["--list-routes"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().next(), Some("main: TABLE_NAME=products"), "{stdout}");
    let (code, stdout, stderr) = run(&["--list-routes", "--parameter-overrides", "TableName=from-cli"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().next(), Some("main: TABLE_NAME=from-cli"), "{stdout}");
}

#[test]
fn main_sees_env_vars_overrides_before_run() {
    let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("adopted-env.json");
    std::fs::write(&file, r#"{"Parameters": {"TABLE_NAME": "from-env-vars"}}"#).expect("write the env-vars file");
    let path = file.to_string_lossy().into_owned();
    let (code, stdout, stderr) = run(&["--list-routes", "--env-vars", &path]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout.lines().next(), Some("main: TABLE_NAME=from-env-vars"), "{stdout}");
    // A bad file is still `run`'s one-line error with exit code 2; main ran without the template's values.
    let (code, _, stderr) = run(&["--port", "0", "--env-vars", "/nonexistent/env.json"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.starts_with("error: ") && stderr.lines().count() == 1, "{stderr}");
}

#[test]
fn list_routes_shows_every_function() {
    let (code, stdout, stderr) = run(&["--list-routes"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("GET     /products/{id}  GetProductFunction"), "{stdout}");
    let functions = stdout.split("Functions:\n").nth(1).expect(&stdout);
    for expected in [
        "GetProductFunction     bound    GET /products/{id}",
        "ProcessOrdersFunction  bound    SQS event \"Orders\" (not triggered locally",
        "LegacyReportFunction   ignored  GET /report -- not served",
    ] {
        assert!(functions.contains(expected), "missing `{expected}` in:\n{stdout}");
    }
    let (code, stdout, _) = run(&["--list-routes", "--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(stdout.lines().nth(1).unwrap_or_default()).expect(&stdout);
    assert_eq!(json["routes"].as_array().map(Vec::len), Some(3), "{json}");
    let functions = json["functions"].as_array().expect("functions");
    let orders = functions.iter().find(|f| f["id"] == "ProcessOrdersFunction").expect("ProcessOrdersFunction");
    assert_eq!(orders["events"], serde_json::json!([{ "name": "Orders", "type": "SQS" }]));
    let legacy = functions.iter().find(|f| f["id"] == "LegacyReportFunction").expect("LegacyReportFunction");
    assert_eq!(legacy["binding"], "ignored");
}

#[test]
fn help_examples_name_this_binary() {
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("cargo run --example adopted -- --port 8080"), "{stdout}");
    assert!(!stdout.contains("\n  cargo run -- "), "{stdout}");
}

/// The server as a child process, its stdout lines arriving on a channel.
struct Server {
    child: Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(binary())
            .args(["--port", "0", "--lambda-port", "0"])
            .env_remove("RUST_LOG")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the adopted example");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Server { child, lines, seen: Vec::new() }
    }

    /// Reads lines until one contains `needle` (10 s at most); returns it.
    fn wait_for(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(needle) {
                        return line;
                    }
                }
                Err(_) => break,
            }
        }
        panic!("no line with `{needle}` in:\n{}", self.seen.join("\n"));
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One HTTP/1.1 GET over a plain socket: (status line, body).
fn http_get(addr: &str, path: &str) -> (String, String) {
    let mut stream = TcpStream::connect(addr).expect("connect to the dev server");
    stream.set_read_timeout(Some(Duration::from_secs(10))).expect("set a read timeout");
    write!(stream, "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").expect("send the request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read the response");
    let status = response.lines().next().unwrap_or_default().to_owned();
    let body = response.split("\r\n\r\n").nth(1).unwrap_or_default().to_owned();
    (status, body)
}

#[test]
fn platform_lines_survive_the_programs_own_subscriber_and_double_slashes_are_served() {
    let mut server = Server::start();
    assert_eq!(server.wait_for("main:"), "main: TABLE_NAME=products");
    let banner_function = server.wait_for("ProcessOrdersFunction  bound");
    assert!(banner_function.contains("SQS event \"Orders\""), "{banner_function}");
    server.wait_for("LegacyReportFunction   ignored");
    let ready = server.wait_for("Ready on http://");
    let addr = ready.split("http://").nth(1).and_then(|r| r.split_whitespace().next()).expect(&ready).to_owned();

    // `API_URL` ending in `/`, joined with `/products/1`.
    let (status, body) = http_get(&addr, "//products/1");
    assert!(status.contains(" 200 "), "{status}: {body}");
    assert!(body.contains("\"name\":\"Kettle\"") && body.contains("\"table\":\"products\""), "{body}");
    let start = server.wait_for("START RequestId: ");
    assert!(start.contains("[GetProductFunction]") && start.ends_with("Version: $LATEST"), "{start}");
    server.wait_for("[GetProductFunction] END RequestId: ");
    let report = server.wait_for("[GetProductFunction] REPORT RequestId: ");
    assert!(report.contains("\tBilled Duration: ") && report.contains("\tMemory Size: 128 MB"), "{report}");
    let access = server.wait_for("[access] GET //products/1 200");
    assert!(access.ends_with(" ms"), "{access}");
    assert!(
        !server.seen.iter().any(|l| l.contains("user log: get_product")),
        "the program's own info log is its subscriber's to filter (it keeps warnings only):\n{}",
        server.seen.join("\n")
    );
}
