//! Soak (`#[ignore]`d; `bench/soak.sh` runs it in release): SOAK_REQUESTS requests (default 1,000,000) at
//! SOAK_CONCURRENCY keep-alive connections (default 256) against the dev server, where 5% of requests panic, 5% run
//! past their function's 1 s timeout (async), 1% block their thread past it, the rest succeed; REST and HTTP API
//! routes alternate. Every response must be the expected one (REST 200/502, HTTP API 200/500), with no connection
//! error; resident memory and thread count are sampled, must stay bounded, and the server answers normally after.
//! The summary line goes to stderr (stdout has the server's log lines).

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use emu_runtime::model::{Api, ApiKind, Method as M, Model, PayloadVersion as P, Route};
use emu_runtime::{App, AppBuilder, LambdaEvent, Server};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

type R = Result<Value, emu_runtime::Error>;

fn app() -> App {
    let mut routes = Vec::new();
    for (api, payload) in [("Rest", P::V1), ("Http", P::V2)] {
        let prefix = if api == "Rest" { "/r" } else { "/h" };
        for (path, function) in [("ok", "Ok"), ("panic", "Panics"), ("slow", "Slow"), ("block", "Blocks")] {
            routes.push(Route::new(M::Get, format!("{prefix}/{path}"), api, function, payload));
        }
    }
    let mut model = Model::from_routes(vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)], routes);
    let mut functions = model.functions.to_vec();
    for f in functions.iter_mut() {
        f.timeout_secs = 1;
    }
    model.functions = functions.into();
    AppBuilder::from_model(model)
        .bind("Ok", |_: LambdaEvent<Value>| async { R::Ok(json!({"statusCode": 200, "body": "ok"})) })
        .bind("Panics", |e: LambdaEvent<Value>| async move {
            if e.payload.is_object() {
                panic!("soak: a handler panics");
            }
            R::Ok(Value::Null)
        })
        .bind("Slow", |_: LambdaEvent<Value>| async {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            R::Ok(json!({"statusCode": 200}))
        })
        .bind("Blocks", |_: LambdaEvent<Value>| async {
            std::thread::sleep(Duration::from_millis(1200));
            R::Ok(json!({"statusCode": 200}))
        })
        .build()
}

/// Request `i`'s path and the status it must get.
fn plan(i: u64) -> (&'static str, u16) {
    let rest = (i / 100).is_multiple_of(2);
    let failed = if rest { 502 } else { 500 };
    let (path, status) = match i % 100 {
        0..5 => ("panic", failed),
        5..10 => ("slow", failed),
        10 => ("block", failed),
        _ => ("ok", 200),
    };
    let full = match (rest, path) {
        (true, "panic") => "/r/panic",
        (true, "slow") => "/r/slow",
        (true, "block") => "/r/block",
        (true, _) => "/r/ok",
        (false, "panic") => "/h/panic",
        (false, "slow") => "/h/slow",
        (false, "block") => "/h/block",
        (false, _) => "/h/ok",
    };
    (full, status)
}

/// One keep-alive connection's client: sends `GET path`, reads the status and the Content-Length body.
struct Conn {
    stream: BufReader<TcpStream>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> std::io::Result<Conn> {
        let s = TcpStream::connect(addr).await?;
        s.set_nodelay(true)?;
        Ok(Conn { stream: BufReader::new(s) })
    }

    async fn get(&mut self, path: &str) -> std::io::Result<u16> {
        let req = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n");
        self.stream.get_mut().write_all(req.as_bytes()).await?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await?;
        let status: u16 = line.get(9..12).and_then(|s| s.parse().ok()).ok_or_else(|| bad(&line))?;
        let mut length = None;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await?;
            if line == "\r\n" || line.is_empty() {
                break;
            }
            if let Some((k, v)) = line.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                length = v.trim().parse::<usize>().ok();
            }
        }
        let mut body = vec![0; length.ok_or_else(|| bad("no content-length"))?];
        self.stream.read_exact(&mut body).await?;
        Ok(status)
    }
}

fn bad(what: &str) -> std::io::Error {
    std::io::Error::other(format!("unexpected response: {what:?}"))
}

/// Resident memory (MB) and threads of this process, from /proc/self/status.
fn rss_and_threads() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status.lines().find(|l| l.starts_with(name)).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
    };
    (field("VmRSS:").unwrap_or(0) / 1024, field("Threads:").unwrap_or(0))
}

#[test]
#[ignore = "a long soak (minutes): bench/soak.sh runs it in release"]
fn soak_mixed_failures_at_high_concurrency() {
    let requests: u64 = std::env::var("SOAK_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    let concurrency: usize = std::env::var("SOAK_CONCURRENCY").ok().and_then(|v| v.parse().ok()).unwrap_or(256);
    // 50,000 panics: Lambda's log line says each one; the hook's message (and backtrace) would drown the run.
    std::panic::set_hook(Box::new(|_| {}));
    // The server on a runtime of its own, as `run` has it (2 workers on this machine: one per core).
    let server_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let addr = server_rt.block_on(async {
        let server = Server::bind(app(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = server.local_addr();
        tokio::spawn(server.serve_until(std::future::pending()));
        addr
    });
    let client_rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let next = Arc::new(AtomicU64::new(0));
    let wrong = Arc::new(AtomicU64::new(0));
    let conn_errors = Arc::new(AtomicU64::new(0));
    let done = Arc::new(AtomicU64::new(0));
    let (rss_start, threads_start) = rss_and_threads();
    let max_rss = Arc::new(AtomicU64::new(rss_start));
    let max_threads = Arc::new(AtomicU64::new(threads_start));
    let started = Instant::now();
    let first_wrong = Arc::new(std::sync::Mutex::new(None::<String>));
    client_rt.block_on(async {
        let sampler = {
            let (max_rss, max_threads, done) = (max_rss.clone(), max_threads.clone(), done.clone());
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    let (rss, threads) = rss_and_threads();
                    max_rss.fetch_max(rss, Ordering::Relaxed);
                    max_threads.fetch_max(threads, Ordering::Relaxed);
                    if done.load(Ordering::Relaxed) >= requests {
                        break;
                    }
                }
            })
        };
        let mut workers = Vec::new();
        for _ in 0..concurrency {
            let (next, wrong, conn_errors, done, first_wrong) =
                (next.clone(), wrong.clone(), conn_errors.clone(), done.clone(), first_wrong.clone());
            workers.push(tokio::spawn(async move {
                let mut conn = None;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= requests {
                        break;
                    }
                    let (path, expected) = plan(i);
                    if conn.is_none() {
                        conn = Conn::open(addr).await.ok();
                    }
                    let got = match conn.as_mut() {
                        Some(c) => c.get(path).await,
                        None => Err(std::io::Error::other("connect failed")),
                    };
                    match got {
                        Ok(status) if status == expected => {}
                        Ok(status) => {
                            wrong.fetch_add(1, Ordering::Relaxed);
                            if let Ok(mut w) = first_wrong.lock() {
                                w.get_or_insert_with(|| format!("{path}: {status}, expected {expected}"));
                            }
                        }
                        Err(e) => {
                            conn_errors.fetch_add(1, Ordering::Relaxed);
                            if let Ok(mut w) = first_wrong.lock() {
                                w.get_or_insert_with(|| format!("{path}: {e}"));
                            }
                            conn = None;
                        }
                    }
                    done.fetch_add(1, Ordering::Relaxed);
                }
            }));
        }
        for w in workers {
            w.await.unwrap();
        }
        let _ = sampler.await;
    });
    let elapsed = started.elapsed();
    let (rss_end, threads_end) = rss_and_threads();
    // Afterwards: a new connection gets normal answers.
    let after = client_rt.block_on(async {
        let mut c = Conn::open(addr).await.unwrap();
        (c.get("/r/ok").await.unwrap(), c.get("/h/ok").await.unwrap(), c.get("/r/panic").await.unwrap())
    });
    let (max_rss, max_threads) = (max_rss.load(Ordering::Relaxed), max_threads.load(Ordering::Relaxed));
    // On stderr: the platform's lines (START/END/REPORT, the access log) fill stdout.
    eprintln!(
        "soak: {requests} requests at concurrency {concurrency} in {:.1} s ({:.0} req/s); wrong responses {}, \
         connection errors {}; RSS start {rss_start} MB, max {max_rss} MB, end {rss_end} MB; threads start \
         {threads_start}, max {max_threads}, end {threads_end}; after: {after:?}",
        elapsed.as_secs_f64(),
        requests as f64 / elapsed.as_secs_f64(),
        wrong.load(Ordering::Relaxed),
        conn_errors.load(Ordering::Relaxed),
    );
    let first = first_wrong.lock().ok().and_then(|w| w.clone());
    assert_eq!(wrong.load(Ordering::Relaxed), 0, "first: {first:?}");
    assert_eq!(conn_errors.load(Ordering::Relaxed), 0, "first: {first:?}");
    assert_eq!(after, (200, 200, 502));
    assert!(max_rss < rss_start + 512, "resident memory grew from {rss_start} MB to {max_rss} MB");
}
