//! Stopping the dev binary (the pet-store `app` as a child process) while a client holds a connection open with half
//! a request: SIGTERM drains for `--shutdown-timeout` then exits; a second signal exits at once.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A hang is the failure looked for: a process still running after this long has not stopped.
const HANG: Duration = Duration::from_secs(20);

/// `target/<profile>/examples/app`: cargo builds the package's examples before its integration tests.
fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    let dir = exe.parent().and_then(|deps| deps.parent()).expect("target/<profile>/deps/<test>");
    dir.join("examples").join(format!("app{}", std::env::consts::EXE_SUFFIX))
}

/// Starts the app on free ports and returns it with the address it serves on.
fn start(shutdown_timeout: &str) -> (Child, String) {
    let mut child = Command::new(binary())
        .args(["--port", "0", "--lambda-port", "0", "--shutdown-timeout", shutdown_timeout])
        .env_remove("RUST_LOG")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run the app example");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.strip_prefix("Ready on http://") {
                let _ = tx.send(rest.split_whitespace().next().unwrap_or_default().to_owned());
            }
        }
    });
    let addr = rx.recv_timeout(HANG).expect("the app printed its Ready line");
    (child, addr)
}

fn signal(child: &Child, name: &str) {
    let ok = Command::new("kill").args([&format!("-{name}"), &child.id().to_string()]).status().expect("kill");
    assert!(ok.success());
}

/// Waits for the child to exit; its exit code, or `None` if it is still running after `within`.
fn exit_code(child: &mut Child, within: Duration) -> Option<Option<i32>> {
    let started = Instant::now();
    while started.elapsed() < within {
        if let Some(status) = child.try_wait().expect("try_wait") {
            return Some(status.code());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

fn half_request(addr: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.write_all(b"GET /dogs/1 HTTP/1.1\r\nHost: localhost\r\n").expect("write");
    s
}

#[cfg(unix)]
#[test]
fn sigterm_drains_for_the_grace_period_then_exits() {
    let (mut child, addr) = start("0.5");
    let _held = half_request(&addr);
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, "TERM");
    let code = exit_code(&mut child, HANG);
    if code.is_none() {
        let _ = child.kill();
    }
    assert_eq!(code, Some(Some(0)), "the half-sent request held the server past its grace period");
}

#[cfg(unix)]
#[test]
fn a_second_ctrl_c_exits_at_once() {
    let (mut child, addr) = start("3600");
    let _held = half_request(&addr);
    std::thread::sleep(Duration::from_millis(200));
    signal(&child, "INT");
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(exit_code(&mut child, Duration::from_millis(10)), None, "draining: the first Ctrl-C waits");
    signal(&child, "INT");
    let code = exit_code(&mut child, HANG);
    if code.is_none() {
        let _ = child.kill();
    }
    assert_eq!(code, Some(Some(130)), "the second Ctrl-C did not exit");
}
