//! Hello-world servers for `bench/loopback.sh`, built in release:
//!
//! * `bench_server emu [--port N]`: `benches/hello.yaml` bound by `lambda_app!`, served by `emu_runtime::Server`.
//! * `bench_server emu-inline [--port N]`: the same with handlers in the connection's task
//!   (`Server::isolate_handlers(false)`), to measure what running each invocation on its own thread costs.
//! * `bench_server bare [--port N]`: the bare axum baseline (`axum::serve`, same JSON, same connect-info service).
//! * `bench_server first emu|bare [--runs N]`: time to first response. Spawns `bench_server <mode> --port 0` as a
//!   child N times and reports, per run: spawn -> "listening" line read (process start, runtime, app build, bind),
//!   then the first request (new TCP connection to 127.0.0.1, `GET /hello`, whole response read), then a second
//!   request on a new connection, for comparison. The child is killed after each run. `BENCH_SERVER_CPU=N` pins
//!   the child to core N with `taskset`.
//!
//! * `bench_server inproc emu|bare PATH N`: N `GET PATH` requests in-process (`Router::oneshot`, current-thread
//!   runtime, the platform's lines off unless `PRINT=1`), no socket: what `bench/callgrind.sh` counts instructions of
//!   (two runs of different N, so start-up cancels out).
//!
//! Servers print `listening on ADDR` once bound and stop on SIGTERM / Ctrl-C. Port 0 (default) picks a free port.

#[path = "../benches/support/hello.rs"]
mod hello;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let flag = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str);
    match args.first().map(String::as_str) {
        Some(mode @ ("emu" | "emu-inline" | "bare")) => {
            let port: u16 = flag("--port").map_or(0, |p| p.parse().expect("--port N"));
            serve(mode, SocketAddr::from(([127, 0, 0, 1], port)));
        }
        Some("inproc") => {
            let mode = args.get(1).map(String::as_str).unwrap_or("emu");
            let path = args.get(2).map(String::as_str).unwrap_or("/hello");
            let n: usize = args.get(3).map_or(1000, |n| n.parse().expect("N"));
            inproc(mode, path, n);
        }
        Some("first") => {
            let mode = args.get(1).map(String::as_str).unwrap_or("emu");
            let runs: usize = flag("--runs").map_or(5, |n| n.parse().expect("--runs N"));
            first(mode, runs);
        }
        _ => {
            eprintln!(
                "usage: bench_server emu|emu-inline|bare [--port N] | first emu|bare [--runs N] | inproc emu|bare PATH N"
            );
            std::process::exit(2);
        }
    }
}

#[tokio::main]
async fn serve(mode: &str, addr: SocketAddr) {
    if mode.starts_with("emu") {
        let server = emu_runtime::Server::bind(hello::hello(), addr).await.expect("bind");
        let server = server.isolate_handlers(mode == "emu");
        println!("listening on {}", server.local_addr());
        server.serve_until(emu_runtime::shutdown_signal()).await.expect("serve");
    } else {
        let listener = tokio::net::TcpListener::bind(addr).await.expect("bind");
        println!("listening on {}", listener.local_addr().expect("local addr"));
        let service = hello::bare().into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, service).with_graceful_shutdown(emu_runtime::shutdown_signal()).await.expect("serve");
    }
}

/// `n` requests through the router in-process, each checked to be a 200 with the hello body.
fn inproc(mode: &str, path: &str, n: usize) {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    if std::env::var_os("PRINT").is_none() {
        // SAFETY: before the runtime and any other thread exist.
        unsafe { std::env::set_var("EMU_PLATFORM_LOG", "off") };
    }
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let router = if mode == "bare" { hello::bare() } else { hello::hello().router() };
    rt.block_on(async {
        for _ in 0..n {
            let req = http::Request::get(path)
                .header("host", "localhost:3000")
                .header("user-agent", "bench")
                .header("accept", "application/json")
                .body(axum::body::Body::empty())
                .expect("request");
            let res = router.clone().oneshot(req).await.expect("infallible");
            assert_eq!(res.status(), 200, "{path}");
            let body = res.into_body().collect().await.expect("body").to_bytes();
            assert_eq!(body.len(), hello::BODY.len(), "{path}");
        }
    });
}

/// One `GET /hello` on a new connection; the whole response is read (Content-Length). Returns the status line.
fn get(addr: SocketAddr) -> String {
    let mut s = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).expect("connect");
    s.set_nodelay(true).ok();
    s.set_read_timeout(Some(Duration::from_secs(2))).ok();
    s.write_all(b"GET /hello HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: bench\r\nAccept: */*\r\n\r\n").expect("send");
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = s.read(&mut chunk).expect("read");
        assert!(n > 0, "connection closed before the response ended");
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let len = text[..end]
                .lines()
                .find_map(|l| l.to_ascii_lowercase().strip_prefix("content-length:").map(|v| v.trim().parse().unwrap()))
                .unwrap_or(0usize);
            if buf.len() >= end + 4 + len {
                return text.lines().next().unwrap_or_default().to_owned();
            }
        }
    }
}

fn first(mode: &str, runs: usize) {
    let exe = std::env::current_exe().expect("current exe");
    let (mut spawn, mut first, mut second) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        let t0 = Instant::now();
        // `BENCH_SERVER_CPU=N` pins the server to core N (through `taskset`, whose exec is then in the spawn time).
        let mut cmd = match std::env::var("BENCH_SERVER_CPU") {
            Ok(cpu) => {
                let mut c = Command::new("taskset");
                c.args(["-c", &cpu]).arg(&exe);
                c
            }
            Err(_) => Command::new(&exe),
        };
        let mut child = cmd.args([mode, "--port", "0"]).stdout(Stdio::piped()).spawn().expect("spawn the server");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout")).read_line(&mut line).expect("read the listening line");
        let t1 = Instant::now();
        let addr: SocketAddr = line.trim().strip_prefix("listening on ").expect("listening line").parse().unwrap();
        let status = get(addr);
        let t2 = Instant::now();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        get(addr);
        let t3 = Instant::now();
        let _ = child.kill();
        let _ = child.wait();
        spawn.push(t1 - t0);
        first.push(t2 - t1);
        second.push(t3 - t2);
    }
    let total: Vec<f64> = spawn.iter().zip(&first).map(|(a, b)| (*a + *b).as_secs_f64() * 1e6).collect();
    let us = |v: &mut Vec<Duration>| {
        v.sort();
        format!(
            "median {:.0} µs (min {:.0}, max {:.0})",
            med(v),
            v[0].as_secs_f64() * 1e6,
            v[v.len() - 1].as_secs_f64() * 1e6
        )
    };
    println!("{mode}: runs={runs}");
    println!("{mode}: spawn -> listening      {}", us(&mut spawn));
    println!("{mode}: first request (new conn) {}", us(&mut first));
    println!("{mode}: second request (new conn) {}", us(&mut second));
    println!("{mode}: spawn -> first response  max {:.0} µs", total.iter().cloned().fold(0.0, f64::max));
}

fn med(v: &[Duration]) -> f64 {
    v[v.len() / 2].as_secs_f64() * 1e6
}
