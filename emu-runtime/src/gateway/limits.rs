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
/// invocation payload (headers twice, base64's third, JSON escapes), not to the body alone. The event is the bytes
/// the function is handed, so its length is exact.
pub(crate) fn check_event(event: &[u8], limit: usize) -> Result<(), GatewayError> {
    if event.len() <= limit { Ok(()) } else { Err(too_large(limit)) }
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
        let event = serde_json::to_vec(&serde_json::json!({ "body": "x".repeat(900), "h": "y".repeat(400) })).unwrap();
        // A body under the limit whose event is over it: refused.
        assert_eq!(check_event(&event, 1000), Err(GatewayError::PayloadTooLarge));
        assert_eq!(check_event(&event, event.len()), Ok(()));
    }
}
