//! The dev server's connections: an accept loop serving HTTP/1.1 with hyper, a header-read and a body-read timeout,
//! and a graceful shutdown that drains in-flight requests for a bounded time, then closes what is left.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use http::Request;
use http_body::{Body as HttpBody, Frame, SizeHint};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio::time::Sleep;
use tower::ServiceExt;

use crate::lambda::log::platform_line;

/// The dev server's limits on slow clients and on shutdown. `Timeouts::default()` is what `run` serves with.
///
/// The read timeouts are those of nginx (`client_header_timeout`, `client_body_timeout`) and an AWS Application Load
/// Balancer's idle timeout, 60 s each: API Gateway documents none of its own (docs/fidelity.md, "Slow clients").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// How long a client may take to send a request head (request line and headers), and how long a kept-alive
    /// connection may sit idle before its next request. Then the connection is closed. Default 60 s.
    pub header_read: Duration,
    /// The longest pause between two reads of a request body (a body slower than it declared); then the request is
    /// answered 408 and the connection closed. Default 60 s.
    pub body_read: Duration,
    /// On Ctrl-C or SIGTERM: how long in-flight requests may take to finish before their connections are closed.
    /// Default 5 s; a second Ctrl-C exits at once.
    pub shutdown_grace: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header_read: Duration::from_secs(60),
            body_read: Duration::from_secs(60),
            shutdown_grace: Duration::from_secs(5),
        }
    }
}

impl Timeouts {
    /// Sets [`Timeouts::header_read`].
    pub fn header_read(mut self, d: Duration) -> Self {
        self.header_read = d;
        self
    }

    /// Sets [`Timeouts::body_read`].
    pub fn body_read(mut self, d: Duration) -> Self {
        self.body_read = d;
        self
    }

    /// Sets [`Timeouts::shutdown_grace`].
    pub fn shutdown_grace(mut self, d: Duration) -> Self {
        self.shutdown_grace = d;
        self
    }
}

/// Marks a request read from a socket by this server (not built in-process): the gateway then applies the checks
/// only a real client's request needs, such as HTTP/1.1's mandatory `Host`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct FromConnection;

/// The error a request body gives when the client paused longer than [`Timeouts::body_read`] between two reads.
#[derive(Debug)]
pub(crate) struct BodyReadTimeout(pub(crate) Duration);

impl std::fmt::Display for BodyReadTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the client sent no body data for {} s", self.0.as_secs_f64())
    }
}

impl std::error::Error for BodyReadTimeout {}

/// A request body that fails with [`BodyReadTimeout`] when no frame arrives for `timeout`.
struct IdleTimeoutBody {
    inner: Incoming,
    timeout: Duration,
    sleep: Option<Pin<Box<Sleep>>>,
    /// Bytes received so far, shared with the request's service future.
    received: Arc<AtomicU64>,
}

impl HttpBody for IdleTimeoutBody {
    type Data = Bytes;
    type Error = Box<dyn std::error::Error + Send + Sync>;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match Pin::new(&mut self.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                self.sleep = None;
                if let Some(Ok(f)) = &frame
                    && let Some(data) = f.data_ref()
                {
                    self.received.fetch_add(data.len() as u64, Ordering::Relaxed);
                }
                Poll::Ready(frame.map(|r| r.map_err(Into::into)))
            }
            Poll::Pending => {
                let timeout = self.timeout;
                let sleep = self.sleep.get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                match sleep.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(Box::new(BodyReadTimeout(timeout))))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request body at least this large makes the allocator give free memory back after its response.
const LARGE_BODY: u64 = 1 << 20;

/// Makes glibc's malloc give large blocks back to the kernel when they are freed (once per process).
///
/// glibc serves a block over its mmap threshold with `mmap` and returns it on `free`, but raises the threshold to
/// the size of each such block freed (up to 32 MB): after one 6 MB body, later ones come from the heap arenas, which
/// keep freed memory. A fixed 1 MiB threshold keeps whole bodies, events and responses of that size on `mmap`.
fn return_large_buffers() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // SAFETY: mallopt only changes the allocator's tunables; it is thread-safe.
            unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20) };
        });
    }
}

/// After a request with a large body: gives the heap's free pages back to the kernel (glibc's `malloc_trim`, on a
/// blocking thread, at most once a second).
///
/// The body arrives in chunks under the mmap threshold, which the heap arenas keep once freed. Measured
/// (`tests/memory.rs`): three bursts of 16 concurrent 6 MB bodies left the process ~70 MB above its start, all of it
/// free memory that `malloc_trim(0)` returned; nothing is held by the server.
fn trim_after_large_request() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::sync::atomic::{AtomicU64, Ordering};
        static LAST: AtomicU64 = AtomicU64::new(0);
        let now = crate::clock::now_epoch_ms();
        let last = LAST.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= 1000
            && LAST.compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed).is_ok()
        {
            // SAFETY: malloc_trim only returns free heap pages to the kernel; it is thread-safe.
            tokio::task::spawn_blocking(|| unsafe { libc::malloc_trim(0) });
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes; then stops accepting, lets in-flight requests finish
/// for [`Timeouts::shutdown_grace`] and closes the connections still open. `name` labels the log lines.
pub(crate) async fn serve(
    listener: TcpListener,
    router: axum::Router,
    timeouts: Timeouts,
    name: &'static str,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    return_large_buffers();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).header_read_timeout(timeouts.header_read);
    let (closing, closing_rx) = tokio::sync::watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let (stream, peer) = match accepted {
                    Ok(a) => a,
                    Err(e) => {
                        accept_error(&e).await;
                        continue;
                    }
                };
                let _ = stream.set_nodelay(true);
                let conn = builder.serve_connection(TokioIo::new(stream), service(router.clone(), peer, timeouts));
                let mut closing = closing_rx.clone();
                connections.spawn(async move {
                    let mut conn = std::pin::pin!(conn);
                    let result = tokio::select! {
                        r = conn.as_mut() => r,
                        () = async { let _ = closing.wait_for(|c| *c).await; } => {
                            conn.as_mut().graceful_shutdown();
                            conn.await
                        }
                    };
                    if let Err(e) = result {
                        tracing::debug!(%peer, "connection closed: {e}");
                    }
                });
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            () = &mut shutdown => break,
        }
    }
    drop(listener);
    let _ = closing.send(true);
    let drained =
        tokio::time::timeout(timeouts.shutdown_grace, async { while connections.join_next().await.is_some() {} }).await;
    if drained.is_err() {
        let open = connections.len();
        platform_line(
            "emu",
            &format!(
                "{name}: {open} connection(s) still busy after {} s: closing them",
                timeouts.shutdown_grace.as_secs_f64()
            ),
        );
        connections.shutdown().await;
    }
    Ok(())
}

/// The per-connection service: the peer address as `ConnectInfo`, the [`FromConnection`] mark, the body under its read timeout, then `router`.
fn service(
    router: axum::Router,
    peer: SocketAddr,
    timeouts: Timeouts,
) -> impl hyper::service::Service<
    Request<Incoming>,
    Response = axum::response::Response,
    Error = Infallible,
    Future = impl Future<Output = Result<axum::response::Response, Infallible>> + Send,
> + Clone {
    hyper::service::service_fn(move |req: Request<Incoming>| {
        let router = router.clone();
        let (mut parts, body) = req.into_parts();
        parts.extensions.insert(ConnectInfo(peer));
        parts.extensions.insert(FromConnection);
        let received = Arc::new(AtomicU64::new(0));
        let body = Body::new(IdleTimeoutBody {
            inner: body,
            timeout: timeouts.body_read,
            sleep: None,
            received: received.clone(),
        });
        let response = router.oneshot(Request::from_parts(parts, body));
        async move {
            let response = response.await;
            if received.load(Ordering::Relaxed) >= LARGE_BODY {
                trim_after_large_request();
            }
            response
        }
    })
}

/// An accept error: a connection reset before it was accepted is skipped; running out of file descriptors (or any
/// other error) is logged and retried after a pause, as hyper's and axum's servers do.
async fn accept_error(e: &io::Error) {
    use io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    if matches!(e.kind(), ConnectionAborted | ConnectionRefused | ConnectionReset) {
        return;
    }
    tracing::warn!("accept failed: {e} (retrying in 100 ms)");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
