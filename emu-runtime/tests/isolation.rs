//! Handlers that block their thread, served by the dev server: the gateway keeps answering other requests, and a
//! blocked invocation still gets its timeout at the function's deadline, not when the handler lets go.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use emu_runtime::model::{Api, ApiKind, Method as M, Model, PayloadVersion as P, Route};
use emu_runtime::{App, AppBuilder, LambdaEvent, Server};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Blocked handlers that have let go of their thread.
static RELEASED: AtomicUsize = AtomicUsize::new(0);

/// Longer than the test: a blocked handler must not have finished when its 502 arrives.
const BLOCK: Duration = Duration::from_secs(8);

fn app() -> App {
    let mut model = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest)],
        vec![Route::new(M::Get, "/block", "Rest", "Block", P::V1), Route::new(M::Get, "/ok", "Rest", "Fine", P::V1)],
    );
    let mut functions = model.functions.to_vec();
    for f in functions.iter_mut() {
        f.timeout_secs = 1;
    }
    model.functions = functions.into();
    AppBuilder::from_model(model)
        .bind("Block", |_: LambdaEvent<Value>| async {
            // A synchronous sleep: the thread is held, no `.await` can cancel it.
            std::thread::sleep(BLOCK);
            RELEASED.fetch_add(1, Ordering::SeqCst);
            Ok::<_, emu_runtime::Error>(json!({"statusCode": 200}))
        })
        .bind("Fine", |_: LambdaEvent<Value>| async { Ok::<_, emu_runtime::Error>(json!({"statusCode": 200})) })
        .build()
}

async fn get(addr: SocketAddr, path: &str) -> u16 {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = Vec::new();
    tokio::time::timeout(Duration::from_secs(30), s.read_to_end(&mut out)).await.expect("answered").unwrap();
    String::from_utf8_lossy(&out).get(9..12).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocking_handlers_stall_neither_the_gateway_nor_other_functions() {
    let server = Server::bind(app(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let addr = server.local_addr();
    tokio::spawn(server.serve_until(std::future::pending()));
    // More blocked handlers than the server has worker threads (2) and than the handlers' runtime has (2).
    let blocked: Vec<_> = (0..6).map(|_| tokio::spawn(get(addr, "/block"))).collect();
    tokio::time::sleep(Duration::from_millis(200)).await;
    for _ in 0..5 {
        assert_eq!(get(addr, "/ok").await, 200);
    }
    assert_eq!(get(addr, "/nothing").await, 403, "the gateway's own answers too");
    for b in blocked {
        assert_eq!(b.await.unwrap(), 502, "Sandbox.Timedout at the 1 s deadline");
    }
    assert_eq!(RELEASED.load(Ordering::SeqCst), 0, "every timeout came while its handler was still blocked");
}
