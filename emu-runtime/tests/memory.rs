//! Memory after bursts of large bodies (`#[ignore]`d, run with `--ignored --nocapture`): 16 concurrent POSTs of
//! just under 6 MB, three bursts, against the dev server; resident memory after each burst, then after glibc's
//! `malloc_trim(0)`. What `malloc_trim` gives back was free memory the allocator kept, not buffers the server holds;
//! with the server's fixed mmap threshold (`dev/conn.rs`) there is none left to give back.

use std::net::SocketAddr;
use std::time::Duration;

use emu_runtime::model::{Api, ApiKind, Method as M, Model, PayloadVersion as P, Route};
use emu_runtime::{App, AppBuilder, LambdaEvent, Server};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn app() -> App {
    let model = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest)],
        vec![Route::new(M::Post, "/big", "Rest", "Big", P::V1)],
    );
    AppBuilder::from_model(model)
        .bind("Big", |e: LambdaEvent<Value>| async move {
            let len = e.payload["body"].as_str().map_or(0, str::len);
            Ok::<_, emu_runtime::Error>(json!({"statusCode": 200, "body": len.to_string()}))
        })
        .build()
}

fn rss_mb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

async fn post(addr: SocketAddr, len: usize) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    let head = format!("POST /big HTTP/1.1\r\nHost: localhost\r\nContent-Length: {len}\r\nConnection: close\r\n\r\n");
    s.write_all(head.as_bytes()).await.unwrap();
    s.write_all(&vec![b'a'; len]).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    String::from_utf8_lossy(&out).lines().next().unwrap_or_default().to_owned()
}

#[test]
#[ignore = "measures this process's memory: run alone with --ignored --nocapture"]
fn resident_memory_after_bursts_of_large_bodies() {
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    rt.block_on(async {
        let server = Server::bind(app(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
        let addr = server.local_addr();
        tokio::spawn(server.serve_until(std::future::pending()));
        assert!(post(addr, 10).await.contains("200"));
        let start = rss_mb();
        eprintln!("memory: start {start} MB");
        for burst in 1..=3 {
            let posts: Vec<_> = (0..16).map(|_| tokio::spawn(post(addr, 6 * 1024 * 1024 - 64 * 1024))).collect();
            for p in posts {
                let status = p.await.unwrap();
                assert!(status.contains("200"), "{status}");
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
            eprintln!("memory: after burst {burst}: {} MB", rss_mb());
        }
        let after = rss_mb();
        #[cfg(all(target_os = "linux", target_env = "gnu"))]
        {
            // SAFETY: malloc_trim only returns free heap pages to the kernel.
            unsafe { libc::malloc_trim(0) };
            eprintln!("memory: after malloc_trim(0): {} MB", rss_mb());
        }
        // The server sets glibc's mmap threshold so freed bodies go back to the kernel (`dev/conn.rs`).
        assert!(after < start + 40, "{after} MB after the bursts, {start} MB at the start");
    });
}
