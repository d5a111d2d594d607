//! API Gateway's and Lambda's limits on one request: the 6 MB synchronous payload (checked on the declared
//! `Content-Length`, the bytes read and the event sent), a body the client does not send as declared (400 / 408), and
//! the integration timeouts (29 s REST, 30 s HTTP API).

use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use emu_template::ApiKind;
use http::{HeaderMap, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};

use crate::gateway::errors::GatewayError;
use crate::lambda::payload::Payload;
use serde_json::Value;

/// API Gateway's maximum integration timeout for REST APIs.
const REST_INTEGRATION_TIMEOUT: Duration = Duration::from_secs(29);
/// API Gateway's maximum integration timeout for HTTP APIs.
const HTTP_INTEGRATION_TIMEOUT: Duration = Duration::from_secs(30);

/// The integration timeout of an API of type `kind`.
pub(crate) fn integration_timeout(kind: ApiKind) -> Duration {
    match kind {
        ApiKind::Rest => REST_INTEGRATION_TIMEOUT,
        ApiKind::Http => HTTP_INTEGRATION_TIMEOUT,
    }
}

/// Reads the whole request body, at most `limit` bytes: refused before reading when `Content-Length` says it is
/// larger, and as soon as more arrives.
pub(crate) async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, GatewayError> {
    let declared = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    match Limited::new(body, limit).collect().await {
        Ok(b) => Ok(b.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(limit)),
        Err(e) => Err(unreadable_body(&*e)),
    }
}

/// A body the client did not send as it declared: an invalid chunk size, chunk data longer than its size, fewer
/// bytes than `Content-Length` (the client went away), or a pause longer than the server's body-read timeout. The
/// client's fault, never the integration's: 400 (RFC 9112 §6.3, §7.1), 408 for the timeout; the connection closes.
fn unreadable_body(e: &(dyn std::error::Error + 'static)) -> GatewayError {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    let mut timed_out = false;
    while let Some(c) = cause {
        if c.is::<crate::dev::conn::BodyReadTimeout>() {
            timed_out = true;
        }
        cause = c.source();
    }
    if timed_out {
        tracing::warn!("the client stopped sending its request body ({e}): answering 408 and closing the connection");
        GatewayError::RequestTimeout
    } else {
        tracing::warn!("the client sent a malformed request body ({e}): answering 400 and closing the connection");
        GatewayError::BadRequest
    }
}

/// Refuses an event whose JSON, as sent to the function, is over `limit`: Lambda's 6 MB applies to the whole
/// invocation payload (headers twice, base64's third, JSON escapes), not to the body alone. An event written as
/// bytes has its exact length; a `Value` event (for a `Value` handler) is measured by [`event_size`] only when an
/// upper bound does not already show it is under the limit.
pub(crate) fn check_event(event: &Payload, head_len: usize, limit: usize) -> Result<(), GatewayError> {
    let fits = match event {
        Payload::Json(bytes) => bytes.len() <= limit,
        Payload::Value(event) => {
            // A head byte appears at most four times in the event (`headers`, `multiValueHeaders`, path and query
            // forms, `pathParameters`) and escaping (or U+FFFD for a byte that is not UTF-8) makes at most three of
            // one, a body byte at most six (`\u0000`), the fixed fields under 16 KiB.
            let body_len = event.get("body").and_then(Value::as_str).map_or(0, str::len);
            let bound =
                body_len.saturating_mul(6).saturating_add(head_len.saturating_mul(12)).saturating_add(16 * 1024);
            bound <= limit || event_size(event) <= limit
        }
    };
    if fits { Ok(()) } else { Err(too_large(limit)) }
}

/// The length of `event`'s compact JSON (what `to_vec` would give), without building it.
pub(crate) fn event_size(event: &Value) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    // Writing a `Value` into a counter cannot fail (its keys are strings, the writer never errors).
    let _ = serde_json::to_writer(&mut count, event);
    count.0
}

/// The bytes of a request's path, query and headers (what the event repeats), for [`check_event`]'s bound.
pub(crate) fn head_len(uri: &http::Uri, headers: &HeaderMap) -> usize {
    let headers: usize = headers.iter().map(|(k, v)| k.as_str().len() + v.len()).sum();
    uri.path().len() + uri.query().map_or(0, str::len) + headers
}

fn too_large(limit: usize) -> GatewayError {
    tracing::warn!("request over {limit} bytes as an invocation payload (Lambda's synchronous limit): answering 413");
    GatewayError::PayloadTooLarge
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_event_is_measured_not_the_body() {
        let value = serde_json::json!({ "body": "x".repeat(900), "headers": { "h": "y".repeat(400) } });
        let bytes = serde_json::to_vec(&value).unwrap();
        let exact = bytes.len();
        assert_eq!(event_size(&value), exact);
        for event in [Payload::Value(value), Payload::from(bytes)] {
            // A body under the limit whose event is over it: refused.
            assert_eq!(check_event(&event, 410, 1000), Err(GatewayError::PayloadTooLarge));
            assert_eq!(check_event(&event, 410, exact), Ok(()));
        }
        // Far under: accepted by the bound alone.
        let small = Payload::Value(serde_json::json!({ "body": "small" }));
        assert_eq!(check_event(&small, 100, 1 << 20), Ok(()));
    }
}
