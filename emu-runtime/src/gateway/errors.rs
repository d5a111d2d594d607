//! API Gateway's own error responses (no route, integration failure, timeouts, oversized requests), per API type.
//! Statuses and bodies are AWS's, byte for byte where AWS documents them; `docs/fidelity.md` cites the sources.

use std::borrow::Cow;

use axum::body::Body;
use emu_template::ApiKind;
use http::{HeaderValue, Response, StatusCode, header};

use crate::gateway::auth::failure::AuthFailure;

/// Why API Gateway answered instead of the function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GatewayError {
    /// The access gates refused the request (authorizer, API key, IAM): see [`AuthFailure`].
    Refused(AuthFailure),
    /// No route matches the method and path.
    NoRoute,
    /// The integration failed: the function raised, panicked, timed out (its own `Timeout`),
    /// returned an output API Gateway rejects, or is not bound / ignored.
    IntegrationFailure,
    /// The Lambda service rejected the invocation (throttled): REST answers 500, not the 502 of a failed function.
    LambdaRejected,
    /// API Gateway's own integration timeout (29 s REST, 30 s HTTP API) ran out before the function's `Timeout`.
    IntegrationTimeout,
    /// The request body is over Lambda's 6 MB synchronous invocation payload limit.
    PayloadTooLarge,
    /// The client broke HTTP's rules: a body framed wrongly (chunk sizes, short of its `Content-Length`), or a
    /// `Host` that is missing, repeated or not a host. Answered by the front door, before any API: 400.
    BadRequest,
    /// The client paused longer than the body-read timeout while sending its body: 408.
    RequestTimeout,
    /// Request validation: a required parameter is missing or blank (gateway response `BAD_REQUEST_PARAMETERS`).
    /// `validation_error` is `$context.error.validationErrorString`, here also the message:
    /// `Missing required request parameters: [q, x-key]`.
    BadRequestParameters {
        /// What failed, as gateway response templates see it.
        validation_error: String,
    },
    /// Request validation: the body does not match the model its `Content-Type` selects (`BAD_REQUEST_BODY`).
    /// `validation_error` is `$context.error.validationErrorString`, the validator's findings in brackets:
    /// `[object has missing required properties (["name"])]`.
    BadRequestBody {
        /// What failed, as gateway response templates see it.
        validation_error: String,
    },
    /// A non-proxy or MOCK integration has no request template for the request's `Content-Type` and its
    /// `passthroughBehavior` (`NEVER`, or `WHEN_NO_TEMPLATES` with templates) refuses to pass the body through: 415.
    UnsupportedMediaType,
    /// A mapping template could not be rendered, a MOCK's `statusCode` could not be read, or no integration
    /// response matched and none is the default: API Gateway's 500 for a configuration error.
    MappingFailure,
}

impl GatewayError {
    /// `$context.error.validationErrorString` of a validation failure; empty for every other error.
    pub(crate) fn validation_error(&self) -> &str {
        match self {
            GatewayError::BadRequestParameters { validation_error }
            | GatewayError::BadRequestBody { validation_error } => validation_error,
            _ => "",
        }
    }

    /// Status, JSON body and (REST only) `x-amzn-ErrorType`, as API Gateway sends them for `kind`.
    pub(crate) fn parts(&self, kind: ApiKind) -> (StatusCode, Cow<'static, str>, Option<&'static str>) {
        let (status, body, error_type) = match (self, kind) {
            (GatewayError::Refused(f), _) => {
                let (s, b, t) = f.parts(kind);
                return (s, Cow::Owned(b), t);
            }
            (GatewayError::BadRequestParameters { validation_error }, _) => {
                let message = serde_json::Value::String(validation_error.clone());
                let body = format!(r#"{{"message": {message}}}"#);
                return (StatusCode::BAD_REQUEST, Cow::Owned(body), Some("BadRequestException"));
            }
            (GatewayError::BadRequestBody { .. }, _) => {
                (StatusCode::BAD_REQUEST, r#"{"message": "Invalid request body"}"#, Some("BadRequestException"))
            }
            (GatewayError::NoRoute, ApiKind::Rest) => (
                StatusCode::FORBIDDEN,
                r#"{"message":"Missing Authentication Token"}"#,
                Some("MissingAuthenticationTokenException"),
            ),
            (GatewayError::NoRoute, ApiKind::Http) => (StatusCode::NOT_FOUND, r#"{"message":"Not Found"}"#, None),
            (GatewayError::IntegrationFailure, ApiKind::Rest) => (
                StatusCode::BAD_GATEWAY,
                r#"{"message": "Internal server error"}"#,
                Some("InternalServerErrorException"),
            ),
            (GatewayError::IntegrationFailure, ApiKind::Http) => {
                (StatusCode::INTERNAL_SERVER_ERROR, r#"{"message":"Internal Server Error"}"#, None)
            }
            (GatewayError::LambdaRejected, ApiKind::Rest) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"message": "Internal server error"}"#,
                Some("InternalServerErrorException"),
            ),
            (GatewayError::LambdaRejected, ApiKind::Http) => {
                (StatusCode::INTERNAL_SERVER_ERROR, r#"{"message":"Internal Server Error"}"#, None)
            }
            (GatewayError::IntegrationTimeout, ApiKind::Rest) => (
                StatusCode::GATEWAY_TIMEOUT,
                r#"{"message": "Endpoint request timed out"}"#,
                Some("IntegrationTimeoutException"),
            ),
            (GatewayError::IntegrationTimeout, ApiKind::Http) => {
                (StatusCode::SERVICE_UNAVAILABLE, r#"{"message":"Service Unavailable"}"#, None)
            }
            (GatewayError::PayloadTooLarge, ApiKind::Rest) => {
                (StatusCode::PAYLOAD_TOO_LARGE, r#"{"message":"Request Too Long"}"#, Some("RequestTooLargeException"))
            }
            (GatewayError::PayloadTooLarge, ApiKind::Http) => {
                (StatusCode::PAYLOAD_TOO_LARGE, r#"{"message":"Request Entity Too Large"}"#, None)
            }
            (GatewayError::BadRequest, _) => (StatusCode::BAD_REQUEST, r#"{"message":"Bad Request"}"#, None),
            (GatewayError::UnsupportedMediaType, _) => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                r#"{"message": "Unsupported Media Type"}"#,
                Some("UnsupportedMediaTypeException"),
            ),
            (GatewayError::MappingFailure, _) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"message": "Internal server error"}"#,
                Some("InternalServerErrorException"),
            ),
            (GatewayError::RequestTimeout, _) => {
                (StatusCode::REQUEST_TIMEOUT, r#"{"message":"Request Timeout"}"#, None)
            }
        };
        (status, Cow::Borrowed(body), error_type)
    }

    /// The HTTP response API Gateway sends for this error on an API of type `kind`.
    pub(crate) fn response(self, kind: ApiKind) -> Response<Body> {
        if let GatewayError::Refused(f) = &self {
            return f.response(kind);
        }
        let (status, body, error_type) = self.parts(kind);
        let mut res = json_error(status, body, error_type);
        let h = res.headers_mut();
        if matches!(self, GatewayError::BadRequest | GatewayError::RequestTimeout) {
            // What follows on the connection cannot be trusted to be a request.
            h.insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        res
    }
}

/// API Gateway's error response: `status`, a JSON `body`, and (REST) `x-amzn-ErrorType`.
pub(crate) fn json_error(
    status: StatusCode,
    body: impl Into<Body>,
    error_type: Option<&'static str>,
) -> Response<Body> {
    let mut res = Response::new(body.into());
    *res.status_mut() = status;
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    if let Some(t) = error_type {
        h.insert("x-amzn-errortype", HeaderValue::from_static(t));
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_per_api_type() {
        let s = |e: GatewayError, k| e.parts(k).0.as_u16();
        assert_eq!(s(GatewayError::NoRoute, ApiKind::Rest), 403);
        assert_eq!(s(GatewayError::NoRoute, ApiKind::Http), 404);
        assert_eq!(s(GatewayError::IntegrationFailure, ApiKind::Rest), 502);
        assert_eq!(s(GatewayError::IntegrationFailure, ApiKind::Http), 500);
        assert_eq!(s(GatewayError::IntegrationTimeout, ApiKind::Rest), 504);
        assert_eq!(s(GatewayError::IntegrationTimeout, ApiKind::Http), 503);
        assert_eq!(s(GatewayError::PayloadTooLarge, ApiKind::Rest), 413);
        assert_eq!(s(GatewayError::LambdaRejected, ApiKind::Rest), 500);
        assert_eq!(s(GatewayError::LambdaRejected, ApiKind::Http), 500);
        assert_eq!(s(GatewayError::BadRequest, ApiKind::Rest), 400);
        assert_eq!(s(GatewayError::RequestTimeout, ApiKind::Http), 408);
        assert_eq!(GatewayError::BadRequest.response(ApiKind::Rest).headers()["connection"], "close");
        for e in [
            GatewayError::NoRoute,
            GatewayError::IntegrationFailure,
            GatewayError::IntegrationTimeout,
            GatewayError::PayloadTooLarge,
            GatewayError::LambdaRejected,
            GatewayError::BadRequest,
            GatewayError::RequestTimeout,
        ] {
            for k in [ApiKind::Rest, ApiKind::Http] {
                let e = e.clone();
                let body: serde_json::Value = serde_json::from_str(&e.parts(k).1).unwrap();
                assert!(body["message"].is_string());
            }
        }
    }

    #[test]
    fn rest_errors_carry_the_error_type_header() {
        let r = GatewayError::NoRoute.response(ApiKind::Rest);
        assert_eq!(r.headers()["x-amzn-errortype"], "MissingAuthenticationTokenException");
        assert_eq!(r.headers()["content-type"], "application/json");
        let r = GatewayError::NoRoute.response(ApiKind::Http);
        assert!(r.headers().get("x-amzn-errortype").is_none());
    }
}
