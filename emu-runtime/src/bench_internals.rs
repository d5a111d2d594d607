//! The gateway's event-building and response-parsing stages on their own, for `benches/request.rs` and the fuzz
//! targets (feature `bench-internals`). Not a public API: it reaches the stages through a built [`App`], not a copy of their setup.

use bytes::Bytes;
use http::Request;
use serde_json::Value;

use crate::App;
use crate::gateway::routes::Matched;

/// A route of `app` found by the gateway's own matcher, whose stages can be run alone.
#[derive(Debug)]
pub struct Route<'a> {
    matched: Matched<'a, 'a>,
}

impl<'a> Route<'a> {
    /// The route `app` serves `method path` with, if any.
    pub fn find(app: &'a App, method: &http::Method, path: &'a str) -> Option<Route<'a>> {
        let (gateway, _) = app.layers();
        gateway.routes.find(method, path).map(|matched| Route { matched })
    }

    /// The event the gateway builds for `req` on this route (fixed request and trace ids, time and peer address).
    pub fn build_event(&self, req: &Request<Bytes>) -> Value {
        let parts = crate::gateway::BenchParts::new(req);
        crate::gateway::bench_event(&parts, req.body(), &self.matched)
    }

    /// The event as the JSON bytes a function is handed (the same event as [`build_event`](Self::build_event)).
    pub fn write_event(&self, req: &Request<Bytes>) -> Vec<u8> {
        let parts = crate::gateway::BenchParts::new(req);
        crate::gateway::bench_write_event(&parts, req.body(), &self.matched)
    }

    /// Parses a `Value` output as the gateway does for this route; `true` when API Gateway would accept it.
    pub fn parse_response(&self, output: Value) -> bool {
        crate::gateway::responses::parse(output.into(), self.matched.route.format).is_ok()
    }

    /// Parses an output given as JSON bytes (what a typed handler's output is); `true` when accepted.
    pub fn parse_response_bytes(&self, output: &[u8]) -> bool {
        let output = crate::lambda::payload::Payload::Json(Bytes::copy_from_slice(output));
        crate::gateway::responses::parse(output, self.matched.route.format).is_ok()
    }
}

/// Panics inside `lambda_http`'s request conversion caught (quietly) so far in this process: a request the gateway
/// let through should never cause one (the fuzz targets check it).
#[cfg(feature = "lambda-http")]
pub fn lambda_http_panics() -> u64 {
    crate::handler::quiet_panic::caught()
}
