//! API Gateway's and Lambda's limits on one request: the 6 MB synchronous payload (checked on the declared
//! `Content-Length`, the bytes read and the event's body) and the integration timeouts (29 s REST, 30 s HTTP API).

use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use emu_template::ApiKind;
use http::{HeaderMap, header};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::Value;

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
        Err(e) => {
            tracing::warn!("could not read the request body: {e}");
            Err(GatewayError::IntegrationFailure)
        }
    }
}

/// Refuses an event whose `body` (base64 makes it a third larger) is over `limit`.
pub(crate) fn check_event(event: &Value, limit: usize) -> Result<(), GatewayError> {
    match event.get("body").and_then(Value::as_str) {
        Some(b) if b.len() > limit => Err(too_large(limit)),
        _ => Ok(()),
    }
}

fn too_large(limit: usize) -> GatewayError {
    tracing::warn!("request body over {limit} bytes (Lambda's synchronous payload limit): answering 413");
    GatewayError::PayloadTooLarge
}
