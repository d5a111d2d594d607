//! The model of a REST API's gateway responses: which errors API Gateway answers, with what status, headers and body.
//! Types, AWS's default status per type and the fallback to `DEFAULT_4XX` / `DEFAULT_5XX` are AWS's (docs/fidelity.md).

use std::fmt;

use crate::model::{KeyValue, List, Location, Str};

/// One gateway response a template customizes (`GatewayResponses`, `AWS::ApiGateway::GatewayResponse`,
/// `x-amazon-apigateway-gateway-responses`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GatewayResponse {
    /// [`Api::id`](crate::Api::id) of the REST API it belongs to.
    pub api: Str,
    /// Which errors it answers.
    pub response_type: GatewayResponseType,
    /// `StatusCode` (100–599); `None` keeps the type's own status (or the `DEFAULT_4XX`/`DEFAULT_5XX` one).
    pub status: Option<u16>,
    /// `gatewayresponse.header.<Name>` mappings, in template order.
    pub headers: List<ResponseHeader>,
    /// Body templates by content type (`application/json`), in template order; not VTL (AWS substitutes
    /// `$context.*` and `$stageVariables.*` only).
    pub templates: List<KeyValue>,
    /// Where it is defined.
    pub location: Location,
}

/// One header a gateway response sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHeader {
    /// The header's name as written (`Access-Control-Allow-Origin`).
    pub name: Str,
    /// Where its value comes from.
    pub value: HeaderSource,
}

/// The value of a gateway response header: a `'static'` string or a mapping expression.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderSource {
    /// `'value'`: the text between the quotes.
    Static(Str),
    /// `method.request.header.<name>`.
    RequestHeader(Str),
    /// `method.request.multivalueheader.<name>`: every value, comma-separated.
    RequestMultiHeader(Str),
    /// `method.request.path.<name>`.
    RequestPath(Str),
    /// `method.request.querystring.<name>`.
    RequestQuery(Str),
    /// `method.request.multivaluequerystring.<name>`: every value, comma-separated.
    RequestMultiQuery(Str),
    /// `stageVariables.<name>`.
    StageVariable(Str),
    /// `context.<name>` (`context.requestId`, `context.error.messageString`).
    Context(Str),
}

impl HeaderSource {
    /// Parses a response parameter's value: `'static'`, `method.request.header|multivalueheader|path|querystring|
    /// multivaluequerystring.<name>`, `stageVariables.<name>` or `context.<name>`; `None` for any other form.
    pub fn parse(s: &str) -> Option<HeaderSource> {
        let s = s.trim();
        if let Some(inner) = s.strip_prefix('\'').and_then(|t| t.strip_suffix('\'')) {
            return Some(HeaderSource::Static(inner.to_owned().into()));
        }
        let named = |prefix: &str| s.strip_prefix(prefix).filter(|n| !n.is_empty()).map(|n| n.to_owned().into());
        let sources: [(&str, MakeSource); 7] = [
            ("method.request.header.", HeaderSource::RequestHeader),
            ("method.request.multivalueheader.", HeaderSource::RequestMultiHeader),
            ("method.request.path.", HeaderSource::RequestPath),
            ("method.request.querystring.", HeaderSource::RequestQuery),
            ("method.request.multivaluequerystring.", HeaderSource::RequestMultiQuery),
            ("stageVariables.", HeaderSource::StageVariable),
            ("context.", HeaderSource::Context),
        ];
        sources.iter().find_map(|(prefix, make)| named(prefix).map(make))
    }
}

impl fmt::Display for HeaderSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderSource::Static(v) => write!(f, "'{v}'"),
            HeaderSource::RequestHeader(n) => write!(f, "method.request.header.{n}"),
            HeaderSource::RequestMultiHeader(n) => write!(f, "method.request.multivalueheader.{n}"),
            HeaderSource::RequestPath(n) => write!(f, "method.request.path.{n}"),
            HeaderSource::RequestQuery(n) => write!(f, "method.request.querystring.{n}"),
            HeaderSource::RequestMultiQuery(n) => write!(f, "method.request.multivaluequerystring.{n}"),
            HeaderSource::StageVariable(n) => write!(f, "stageVariables.{n}"),
            HeaderSource::Context(n) => write!(f, "context.{n}"),
        }
    }
}

/// A [`HeaderSource`] variant's constructor.
type MakeSource = fn(Str) -> HeaderSource;

macro_rules! response_types {
    ($($(#[$doc:meta])* $variant:ident = $name:literal, $status:expr;)*) => {
        /// A gateway response type, as AWS names them ("Gateway response types for API Gateway").
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum GatewayResponseType {
            $($(#[$doc])* $variant,)*
        }

        impl GatewayResponseType {
            /// Every type AWS documents, in AWS's (alphabetical) order.
            pub const ALL: &'static [GatewayResponseType] = &[$(GatewayResponseType::$variant),*];

            /// The type's name (`DEFAULT_4XX`, `UNAUTHORIZED`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(GatewayResponseType::$variant => $name,)*
                }
            }

            /// The type named `s` (exact, upper case as AWS requires).
            pub fn parse(s: &str) -> Option<GatewayResponseType> {
                match s {
                    $($name => Some(GatewayResponseType::$variant),)*
                    _ => None,
                }
            }

            /// AWS's default status for the type; `None` for `DEFAULT_4XX` and `DEFAULT_5XX`, which have none.
            pub fn default_status(self) -> Option<u16> {
                match self {
                    $(GatewayResponseType::$variant => $status,)*
                }
            }
        }
    };
}

response_types! {
    /// Authorization failure: a custom or Cognito authorizer denied the request (403).
    AccessDenied = "ACCESS_DENIED", Some(403);
    /// Invalid API configuration, such as an integration response no template matches (500).
    ApiConfigurationError = "API_CONFIGURATION_ERROR", Some(500);
    /// Failure to connect to a custom or Cognito authorizer (500).
    AuthorizerConfigurationError = "AUTHORIZER_CONFIGURATION_ERROR", Some(500);
    /// A custom or Cognito authorizer failed to authenticate the caller (500).
    AuthorizerFailure = "AUTHORIZER_FAILURE", Some(500);
    /// Request body validation failed (400).
    BadRequestBody = "BAD_REQUEST_BODY", Some(400);
    /// Request parameter validation failed (400).
    BadRequestParameters = "BAD_REQUEST_PARAMETERS", Some(400);
    /// The fallback of every 4XX type the API does not customize; no status of its own.
    Default4xx = "DEFAULT_4XX", None;
    /// The fallback of every 5XX type the API does not customize; no status of its own.
    Default5xx = "DEFAULT_5XX", None;
    /// The AWS authentication token expired (403).
    ExpiredToken = "EXPIRED_TOKEN", Some(403);
    /// The integration failed (504 by AWS's table; a failed Lambda proxy integration answers 502).
    IntegrationFailure = "INTEGRATION_FAILURE", Some(504);
    /// The integration timed out (504).
    IntegrationTimeout = "INTEGRATION_TIMEOUT", Some(504);
    /// A key-required method got no API key, or an invalid one (403).
    InvalidApiKey = "INVALID_API_KEY", Some(403);
    /// An invalid AWS signature (403).
    InvalidSignature = "INVALID_SIGNATURE", Some(403);
    /// No authentication token, including a method or resource the API does not have (403).
    MissingAuthenticationToken = "MISSING_AUTHENTICATION_TOKEN", Some(403);
    /// The usage plan's quota is exceeded (429).
    QuotaExceeded = "QUOTA_EXCEEDED", Some(429);
    /// The request is too large (413); AWS does not apply customizations of this type.
    RequestTooLarge = "REQUEST_TOO_LARGE", Some(413);
    /// Resource not found after authentication and authorization passed (404).
    ResourceNotFound = "RESOURCE_NOT_FOUND", Some(404);
    /// Usage-plan, method, stage or account throttling (429).
    Throttled = "THROTTLED", Some(429);
    /// A custom or Cognito authorizer failed to authenticate the caller (401).
    Unauthorized = "UNAUTHORIZED", Some(401);
    /// Unsupported media type with a strict passthrough (415).
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE", Some(415);
    /// Blocked by AWS WAF (403).
    WafFiltered = "WAF_FILTERED", Some(403);
}

impl GatewayResponseType {
    /// The type a response of this type falls back to when the API does not customize it: `DEFAULT_4XX` for the
    /// 4XX types, `DEFAULT_5XX` for the 5XX ones, `None` for those two.
    pub fn fallback(self) -> Option<GatewayResponseType> {
        match self.default_status()? {
            500.. => Some(GatewayResponseType::Default5xx),
            _ => Some(GatewayResponseType::Default4xx),
        }
    }
}

impl fmt::Display for GatewayResponseType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_round_trips_and_has_aws_default_status() {
        assert_eq!(GatewayResponseType::ALL.len(), 21);
        for t in GatewayResponseType::ALL {
            assert_eq!(GatewayResponseType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(GatewayResponseType::parse("default_4xx"), None, "AWS names are upper case");
        assert_eq!(GatewayResponseType::Unauthorized.default_status(), Some(401));
        assert_eq!(GatewayResponseType::Default4xx.default_status(), None);
        assert_eq!(GatewayResponseType::IntegrationTimeout.default_status(), Some(504));
    }

    #[test]
    fn specific_types_fall_back_by_status_class() {
        use GatewayResponseType as T;
        assert_eq!(T::Unauthorized.fallback(), Some(T::Default4xx));
        assert_eq!(T::MissingAuthenticationToken.fallback(), Some(T::Default4xx));
        assert_eq!(T::AuthorizerFailure.fallback(), Some(T::Default5xx));
        assert_eq!(T::IntegrationFailure.fallback(), Some(T::Default5xx));
        assert_eq!(T::Default4xx.fallback(), None);
        assert_eq!(T::Default5xx.fallback(), None);
    }

    #[test]
    fn header_sources() {
        assert_eq!(HeaderSource::parse("'*'"), Some(HeaderSource::Static("*".into())));
        assert_eq!(HeaderSource::parse("''"), Some(HeaderSource::Static("".into())));
        assert_eq!(
            HeaderSource::parse("method.request.header.Origin"),
            Some(HeaderSource::RequestHeader("Origin".into()))
        );
        assert_eq!(HeaderSource::parse("context.requestId"), Some(HeaderSource::Context("requestId".into())));
        assert_eq!(HeaderSource::parse("*"), None, "an unquoted static value is not a mapping");
        assert_eq!(HeaderSource::parse("method.request.header."), None);
        assert_eq!(HeaderSource::parse("integration.response.header.x"), None);
        assert_eq!(HeaderSource::parse("'unclosed"), None);
        for s in ["'a'", "method.request.path.id", "stageVariables.v", "method.request.multivaluequerystring.q"] {
            assert_eq!(HeaderSource::parse(s).map(|h| h.to_string()).as_deref(), Some(s));
        }
    }
}
