//! The dev server's second listener: the Lambda Invoke API (`sam local start-lambda`'s port 3001), apart from the
//! API port so no API route (a root `/{proxy+}`) can shadow it; bound before the runtime starts so its address can
//! go into `AWS_ENDPOINT_URL_LAMBDA`. The console's page is served here too (at `/`), on loopback by default.

use std::io;
use std::net::SocketAddr;

use tokio::net::TcpListener;

use crate::App;
use crate::dev::conn::{self, Timeouts};

/// The default address of the Invoke API listener, as `sam local start-lambda`.
pub(crate) const DEFAULT_LAMBDA_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST), 3001);

/// A bound Invoke API listener (a std socket, so it can be bound before tokio starts).
#[derive(Debug)]
pub(crate) struct LambdaListener {
    listener: std::net::TcpListener,
    addr: SocketAddr,
}

impl LambdaListener {
    /// Binds `addr` (port 0 picks a free port).
    pub(crate) fn bind(addr: SocketAddr) -> io::Result<LambdaListener> {
        let listener = std::net::TcpListener::bind(addr)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        Ok(LambdaListener { listener, addr })
    }

    /// The endpoint URL the AWS CLI and SDKs take (`--endpoint-url`, `AWS_ENDPOINT_URL_LAMBDA`).
    pub(crate) fn endpoint_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The console's URL on this listener.
    pub(crate) fn console_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Serves the Invoke API of `app` (with the console in front when `app` records, see
    /// [`App::console_router`]) until `shutdown` completes, then finishes in-flight invocations.
    pub(crate) async fn serve(
        self,
        app: App,
        timeouts: Timeouts,
        api_url: String,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> io::Result<()> {
        let listener = TcpListener::from_std(self.listener)?;
        let router = app.console_router(&api_url).unwrap_or_else(|| app.invoke_api_router());
        conn::serve(listener, router, timeouts, "Lambda Invoke API", shutdown).await
    }
}
