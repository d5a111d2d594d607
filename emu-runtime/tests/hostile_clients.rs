//! The dev server against slow and hostile clients, over real sockets: half-sent heads and slow bodies are timed
//! out and cannot hold shutdown; framing errors and bad `Host` headers are the client's 400, never a handler's 502.

mod common;

use std::net::SocketAddr;
use std::time::Duration;

use emu_runtime::model::{Api, ApiKind, Method as M, Model, PayloadVersion as P, Route};
use emu_runtime::{App, AppBuilder, LambdaEvent, Server, Timeouts};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A hang is the failure these tests look for: anything that takes this long has hung.
const HANG: Duration = Duration::from_secs(20);

async fn echo(e: LambdaEvent<Value>) -> Result<Value, emu_runtime::Error> {
    Ok(json!({"statusCode": 200, "body": e.payload["body"].clone()}))
}

fn app() -> App {
    let model = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)],
        vec![
            Route::new(M::Post, "/echo", "Rest", "Echo", P::V1),
            Route::new(M::Get, "/lh", "Rest", "Lh", P::V1),
            Route::new(M::Get, "/h/lh", "Http", "Lh", P::V2),
        ],
    );
    let builder = AppBuilder::from_model(model).bind("Echo", echo);
    #[cfg(feature = "lambda-http")]
    let builder = builder.bind("Lh", |req: emu_runtime::lambda_http::Request| async move {
        Ok::<_, emu_runtime::Error>(format!("uri {}", req.uri()))
    });
    #[cfg(not(feature = "lambda-http"))]
    let builder = builder.bind("Lh", echo);
    builder.build()
}

/// A server on a free port with `timeouts`; the sender stops it, the handle is its `serve_until`.
async fn start(
    timeouts: Timeouts,
) -> (SocketAddr, tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<std::io::Result<()>>) {
    let server = Server::bind(app(), "127.0.0.1:0".parse().unwrap()).await.unwrap().timeouts(timeouts);
    let addr = server.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_until(async move {
        let _ = stopped.await;
    }));
    (addr, stop, serving)
}

fn short() -> Timeouts {
    Timeouts::default()
        .header_read(Duration::from_millis(300))
        .body_read(Duration::from_millis(300))
        .shutdown_grace(Duration::from_millis(300))
}

/// Writes `bytes`, then reads until the server closes the connection: what the client received.
async fn exchange(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(bytes).await.unwrap();
    let mut out = Vec::new();
    let read =
        tokio::time::timeout(HANG, s.read_to_end(&mut out)).await.expect("the server never closed the connection");
    // A reset after the response (the server closed with unread bytes) still leaves the response in `out`.
    let _ = read;
    String::from_utf8_lossy(&out).into_owned()
}

fn status(response: &str) -> &str {
    response.get(9..12).unwrap_or("")
}

#[tokio::test]
async fn shutdown_does_not_wait_for_a_half_sent_head_or_a_slow_body() {
    // Read timeouts far longer than the test: only the shutdown grace period can end these connections.
    let long = Timeouts::default().header_read(Duration::from_secs(3600)).body_read(Duration::from_secs(3600));
    let (addr, stop, serving) = start(long.shutdown_grace(Duration::from_millis(300))).await;
    let mut half_head = TcpStream::connect(addr).await.unwrap();
    half_head.write_all(b"GET /lh HTTP/1.1\r\nHost: localhost\r\n").await.unwrap();
    let mut slow_body = TcpStream::connect(addr).await.unwrap();
    slow_body.write_all(b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc").await.unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.send(()).unwrap();
    let done = tokio::time::timeout(HANG, serving).await.expect("shutdown waited for the slow clients");
    done.unwrap().unwrap();
    // Both connections were closed by the server.
    let mut buf = Vec::new();
    assert!(tokio::time::timeout(HANG, half_head.read_to_end(&mut buf)).await.is_ok());
    assert!(tokio::time::timeout(HANG, slow_body.read_to_end(&mut buf)).await.is_ok());
}

#[tokio::test]
async fn a_half_sent_head_is_timed_out() {
    let (addr, _stop, _serving) = start(short()).await;
    let got = exchange(addr, b"GET /lh HTTP/1.1\r\nHost: localhost\r\n").await;
    assert!(!got.contains("HTTP/1.1 2"), "no request was served: {got}");
}

#[tokio::test]
async fn a_body_slower_than_declared_gets_408_not_502() {
    let (addr, _stop, _serving) = start(short()).await;
    let got = exchange(addr, b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc").await;
    assert_eq!(status(&got), "408", "{got}");
    assert!(got.to_ascii_lowercase().contains("connection: close"), "{got}");
}

#[tokio::test]
async fn framing_errors_are_the_clients_400_never_a_502() {
    let (addr, _stop, _serving) = start(short()).await;
    let head = "POST /echo HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n";
    for body in ["zz\r\nabc\r\n0\r\n\r\n", "3\r\nabcdef\r\n0\r\n\r\n"] {
        let got = exchange(addr, format!("{head}{body}").as_bytes()).await;
        assert_eq!(status(&got), "400", "{body:?}: {got}");
        assert!(!got.contains("Internal server error"), "{got}");
    }
    // A body shorter than its Content-Length, then the client stops writing: a 400 or a closed connection.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc").await.unwrap();
    s.shutdown().await.unwrap();
    let mut out = Vec::new();
    let _ = tokio::time::timeout(HANG, s.read_to_end(&mut out)).await.expect("closed");
    let got = String::from_utf8_lossy(&out);
    assert!(got.is_empty() || status(&got) == "400", "{got}");
    // The server still serves.
    let ok =
        exchange(addr, b"POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi")
            .await;
    assert_eq!(status(&ok), "200", "{ok}");
}

#[tokio::test]
async fn hosts_lambda_http_cannot_read_are_400_at_the_gateway() {
    let (addr, _stop, _serving) = start(short()).await;
    let mut hosts: Vec<&[u8]> = vec![b"a b", b"localhost:65536", b"[::1", b"h\xff", b"localhost:99999999999"];
    if cfg!(feature = "lambda-http") {
        // Valid for RFC 3986, not for the WHATWG parser lambda_http uses: refused only when it is compiled in.
        hosts.push(b"12w.0.0.1");
    }
    for path in ["/lh", "/h/lh"] {
        for &host in &hosts {
            let mut req = format!("GET {path} HTTP/1.1\r\nHost: ").into_bytes();
            req.extend_from_slice(host);
            req.extend_from_slice(b"\r\nConnection: close\r\n\r\n");
            let got = exchange(addr, &req).await;
            assert_eq!(status(&got), "400", "{path} Host {:?}: {got}", String::from_utf8_lossy(host));
        }
    }
    let none = exchange(addr, b"GET /lh HTTP/1.1\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status(&none), "400", "HTTP/1.1 without Host: {none}");
    let two = exchange(addr, b"GET /lh HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status(&two), "400", "two Hosts: {two}");
    let old = exchange(addr, b"GET /lh HTTP/1.0\r\n\r\n").await;
    assert_eq!(status(&old), "200", "HTTP/1.0 needs no Host: {old}");
    let fine = exchange(addr, b"GET /lh HTTP/1.1\r\nHost: localhost:3000\r\nConnection: close\r\n\r\n").await;
    assert_eq!(status(&fine), "200", "{fine}");
    #[cfg(feature = "lambda-http")]
    assert!(fine.contains("uri http://localhost:3000/Prod/lh"), "{fine}");
}

#[cfg(feature = "lambda-http")]
#[tokio::test]
async fn an_invoke_api_event_with_a_bad_host_is_an_error_not_a_panic() {
    // The Invoke API hands the event over as sent: lambda_http's conversion would panic; it is caught, quietly.
    let event = json!({
        "resource": "/lh", "path": "/lh", "httpMethod": "GET",
        "headers": {"host": "a b"}, "multiValueHeaders": {"host": ["a b"]},
        "requestContext": {"stage": "Prod", "httpMethod": "GET", "path": "/Prod/lh", "resourcePath": "/lh",
                           "accountId": "1", "resourceId": "r", "requestId": "x", "apiId": "a",
                           "identity": {"sourceIp": "1.2.3.4"}},
        "isBase64Encoded": false
    });
    let err = app().invoke("Lh", event).await.unwrap_err();
    assert!(err.to_string().contains("lambda_http cannot build a request"), "{err}");
}
