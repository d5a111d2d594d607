//! How API Gateway refuses a request at its access gates, per API type: 401, 403 and the authorizer 500s, with
//! AWS's bodies, `x-amzn-ErrorType` (REST) and `www-authenticate` (JWT); `docs/fidelity.md` cites each one.

use axum::body::Body;
use emu_template::ApiKind;
use http::{HeaderValue, Response, StatusCode, header};

use super::sigv4::SigV4Error;
use crate::gateway::errors::json_error;

/// Why the access gates refused a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum AuthFailure {
    /// No identity, an identity failing `ValidationExpression`, a bad token, or the authorizer said `Unauthorized`.
    Unauthorized {
        /// JWT authorizers (HTTP API): the `www-authenticate` value that says why.
        www_authenticate: Option<String>,
    },
    /// A REST Cognito authorizer refused the token, with its message (`Unauthorized`, or `The incoming token has
    /// expired`).
    CognitoRejected {
        /// The body's `message`.
        message: &'static str,
    },
    /// The token is valid but lacks every scope the route requires (JWT).
    InsufficientScope {
        /// The `www-authenticate` value.
        www_authenticate: Option<String>,
    },
    /// A policy covers the request with an explicit `Deny`.
    ExplicitDeny,
    /// No policy statement allows the request (or a simple response said `isAuthorized: false`).
    ImplicitDeny,
    /// The authorizer failed: it raised another error, panicked, timed out, or returned an invalid response.
    AuthorizerError,
    /// The route needs an API key and the request has none, or an unknown or disabled one.
    InvalidApiKey,
    /// `AWS_IAM`: the request is not signed.
    MissingSignature,
    /// `AWS_IAM`: the signature is malformed, wrong or expired: AWS's status, error type and message.
    BadSignature {
        /// `IncompleteSignatureException`, `InvalidSignatureException`, ...
        error_type: &'static str,
        /// AWS's message.
        message: String,
    },
}

impl AuthFailure {
    /// Status, JSON body and (REST) `x-amzn-ErrorType` for an API of type `kind`.
    pub(crate) fn parts(&self, kind: ApiKind) -> (StatusCode, String, Option<&'static str>) {
        let rest = kind == ApiKind::Rest;
        let msg = |m: &str| serde_json::json!({ "message": m }).to_string();
        match self {
            AuthFailure::Unauthorized { .. } => {
                (StatusCode::UNAUTHORIZED, msg("Unauthorized"), rest.then_some("UnauthorizedException"))
            }
            AuthFailure::CognitoRejected { message } => {
                (StatusCode::UNAUTHORIZED, msg(message), rest.then_some("UnauthorizedException"))
            }
            AuthFailure::InsufficientScope { .. } if rest => {
                // Cognito with scopes: a token without the scope is treated as unauthorized (401).
                (StatusCode::UNAUTHORIZED, msg("Unauthorized"), Some("UnauthorizedException"))
            }
            AuthFailure::InsufficientScope { .. } => (StatusCode::FORBIDDEN, msg("Forbidden"), None),
            AuthFailure::ExplicitDeny if rest => (
                StatusCode::FORBIDDEN,
                msg("User is not authorized to access this resource with an explicit deny"),
                Some("AccessDeniedException"),
            ),
            AuthFailure::ImplicitDeny if rest => (
                StatusCode::FORBIDDEN,
                msg("User is not authorized to access this resource"),
                Some("AccessDeniedException"),
            ),
            AuthFailure::ExplicitDeny | AuthFailure::ImplicitDeny => (StatusCode::FORBIDDEN, msg("Forbidden"), None),
            AuthFailure::AuthorizerError if rest => (
                StatusCode::INTERNAL_SERVER_ERROR,
                r#"{"message":null}"#.to_owned(),
                Some("AuthorizerConfigurationException"),
            ),
            AuthFailure::AuthorizerError => (StatusCode::INTERNAL_SERVER_ERROR, msg("Internal Server Error"), None),
            AuthFailure::InvalidApiKey => {
                (StatusCode::FORBIDDEN, msg("Forbidden"), rest.then_some("ForbiddenException"))
            }
            AuthFailure::MissingSignature if rest => {
                let missing = SigV4Error::Missing;
                (StatusCode::FORBIDDEN, msg(missing.message()), Some(missing.error_type()))
            }
            AuthFailure::MissingSignature => (StatusCode::FORBIDDEN, msg("Forbidden"), None),
            AuthFailure::BadSignature { error_type, message } => {
                (StatusCode::FORBIDDEN, msg(message), rest.then_some(*error_type))
            }
        }
    }

    /// The HTTP response API Gateway sends.
    pub(crate) fn response(&self, kind: ApiKind) -> Response<Body> {
        let (status, body, error_type) = self.parts(kind);
        let mut res = json_error(status, body, error_type);
        let h = res.headers_mut();
        if let AuthFailure::Unauthorized { www_authenticate: Some(w) }
        | AuthFailure::InsufficientScope { www_authenticate: Some(w) } = self
            && let Ok(v) = HeaderValue::from_str(w)
        {
            h.insert(header::WWW_AUTHENTICATE, v);
        }
        res
    }

    /// A short word for logs and the console: `unauthorized`, `denied`, ...
    pub(crate) fn label(&self) -> &'static str {
        match self {
            AuthFailure::Unauthorized { .. } | AuthFailure::CognitoRejected { .. } => "unauthorized",
            AuthFailure::InsufficientScope { .. } => "insufficient scope",
            AuthFailure::ExplicitDeny => "explicit deny",
            AuthFailure::ImplicitDeny => "not allowed",
            AuthFailure::AuthorizerError => "authorizer error",
            AuthFailure::InvalidApiKey => "invalid API key",
            AuthFailure::MissingSignature => "missing signature",
            AuthFailure::BadSignature { .. } => "bad signature",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_bodies_and_error_types() {
        let p = |f: AuthFailure| {
            let (s, b, t) = f.parts(ApiKind::Rest);
            (s.as_u16(), b, t)
        };
        assert_eq!(
            p(AuthFailure::Unauthorized { www_authenticate: None }),
            (401, r#"{"message":"Unauthorized"}"#.into(), Some("UnauthorizedException"))
        );
        assert_eq!(p(AuthFailure::ExplicitDeny).0, 403);
        assert!(p(AuthFailure::ExplicitDeny).1.ends_with("with an explicit deny\"}"));
        assert_eq!(p(AuthFailure::ImplicitDeny).1, r#"{"message":"User is not authorized to access this resource"}"#);
        assert_eq!(
            p(AuthFailure::AuthorizerError),
            (500, r#"{"message":null}"#.into(), Some("AuthorizerConfigurationException"))
        );
        assert_eq!(
            p(AuthFailure::InvalidApiKey),
            (403, r#"{"message":"Forbidden"}"#.into(), Some("ForbiddenException"))
        );
        assert_eq!(p(AuthFailure::MissingSignature).2, Some("MissingAuthenticationTokenException"));
    }

    #[test]
    fn http_api_bodies_and_the_jwt_header() {
        let f =
            AuthFailure::Unauthorized { www_authenticate: Some("Bearer scope=\"\" error=\"invalid_token\"".into()) };
        let r = f.response(ApiKind::Http);
        assert_eq!(r.status(), 401);
        assert!(r.headers().get("x-amzn-errortype").is_none());
        assert_eq!(r.headers()["www-authenticate"], "Bearer scope=\"\" error=\"invalid_token\"");
        assert_eq!(AuthFailure::ImplicitDeny.parts(ApiKind::Http).1, r#"{"message":"Forbidden"}"#);
        assert_eq!(AuthFailure::AuthorizerError.parts(ApiKind::Http).1, r#"{"message":"Internal Server Error"}"#);
        assert_eq!(AuthFailure::InsufficientScope { www_authenticate: None }.parts(ApiKind::Http).0, 403);
    }
}
