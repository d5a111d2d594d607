//! What serves a route: a Lambda proxy integration, a non-proxy (`AWS`) Lambda integration or a `MOCK`, with the
//! mapping templates, passthrough behavior and integration responses of the last two.

use crate::model::{List, Location, Str};

/// The integration of a route: who answers it and how the request and response are mapped.
#[derive(Clone, Debug, PartialEq)]
pub enum Integration {
    /// `AWS_PROXY` (`aws_proxy`, Serverless `lambda-proxy`): the request is the event, the output is the response.
    LambdaProxy {
        /// [`crate::Function::id`] of the function that handles the route.
        function: Str,
    },
    /// `AWS` with a Lambda URI (Serverless `integration: lambda`): mapping templates build the event and the response.
    Lambda {
        /// [`crate::Function::id`] of the function that handles the route.
        function: Str,
        /// The request template, passthrough behavior and integration responses.
        mapping: Mapping,
    },
    /// `MOCK`: no function; the request template picks the integration response by its `statusCode`.
    Mock {
        /// The request template, passthrough behavior and integration responses.
        mapping: Mapping,
    },
}

impl Integration {
    /// A Lambda proxy integration of `function`.
    pub fn proxy(function: impl Into<Str>) -> Integration {
        Integration::LambdaProxy { function: function.into() }
    }

    /// The function the integration invokes (`None` for a mock).
    pub fn function(&self) -> Option<&str> {
        match self {
            Integration::LambdaProxy { function } | Integration::Lambda { function, .. } => Some(function),
            Integration::Mock { .. } => None,
        }
    }

    /// The function, writable (nested stacks prefix it).
    pub(crate) fn function_mut(&mut self) -> Option<&mut Str> {
        match self {
            Integration::LambdaProxy { function } | Integration::Lambda { function, .. } => Some(function),
            Integration::Mock { .. } => None,
        }
    }

    /// The mapping of a non-proxy or mock integration.
    pub fn mapping(&self) -> Option<&Mapping> {
        match self {
            Integration::LambdaProxy { .. } => None,
            Integration::Lambda { mapping, .. } | Integration::Mock { mapping } => Some(mapping),
        }
    }

    /// `AWS_PROXY`, `AWS` or `MOCK`, as API Gateway names the type.
    pub fn as_str(&self) -> &'static str {
        match self {
            Integration::LambdaProxy { .. } => "AWS_PROXY",
            Integration::Lambda { .. } => "AWS",
            Integration::Mock { .. } => "MOCK",
        }
    }
}

/// The mapping of a non-proxy integration: request templates by content type, what happens when none matches, and
/// the integration responses.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Mapping {
    /// `requestTemplates`: one template per content type, in template order.
    pub request_templates: List<MappingTemplate>,
    /// `passthroughBehavior`.
    pub passthrough: Passthrough,
    /// `responses` / `IntegrationResponses`, in template order.
    pub responses: List<IntegrationResponse>,
}

/// One mapping template and the content type it is chosen by.
#[derive(Clone, Debug, PartialEq)]
pub struct MappingTemplate {
    /// The MIME type (`application/json`), lower case.
    pub content_type: Str,
    /// The Velocity template text.
    pub template: Str,
    /// Where the template is defined (its content-type key).
    pub location: Location,
}

/// `passthroughBehavior`: what API Gateway does with a request whose `Content-Type` matches no request template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Passthrough {
    /// `WHEN_NO_MATCH` (the default): the body passes through unmapped.
    #[default]
    WhenNoMatch,
    /// `WHEN_NO_TEMPLATES`: passes through only when no template is defined at all, else 415.
    WhenNoTemplates,
    /// `NEVER`: 415 when no template matches.
    Never,
}

impl Passthrough {
    /// Parses `WHEN_NO_MATCH`, `WHEN_NO_TEMPLATES`, `NEVER` (any case).
    pub fn parse(s: &str) -> Option<Passthrough> {
        match s.trim().to_ascii_uppercase().as_str() {
            "WHEN_NO_MATCH" => Some(Passthrough::WhenNoMatch),
            "WHEN_NO_TEMPLATES" => Some(Passthrough::WhenNoTemplates),
            "NEVER" => Some(Passthrough::Never),
            _ => None,
        }
    }
}

/// One integration response: chosen by its selection pattern, it gives the status, headers and body template.
#[derive(Clone, Debug, PartialEq)]
pub struct IntegrationResponse {
    /// `selectionPattern`: a regular expression matched against the status code (MOCK) or the Lambda error's
    /// `errorMessage` (`AWS`); `None` for the default response (`default` key, no or empty pattern).
    pub selection_pattern: Option<Str>,
    /// The method response status it answers with.
    pub status_code: u16,
    /// `responseParameters`: the headers it sets.
    pub parameters: List<ResponseParameter>,
    /// `responseTemplates`: the body templates by content type.
    pub templates: List<MappingTemplate>,
    /// Where it is defined.
    pub location: Location,
}

/// One `method.response.header.<name>` mapping of an integration response.
#[derive(Clone, Debug, PartialEq)]
pub struct ResponseParameter {
    /// The response header's name.
    pub header: Str,
    /// Where its value comes from.
    pub value: ParameterValue,
}

/// The source of a mapped response header.
#[derive(Clone, Debug, PartialEq)]
pub enum ParameterValue {
    /// `'text'`: a literal (quotes removed).
    Static(Str),
    /// `method.request.header.<name>`.
    RequestHeader(Str),
    /// `method.request.querystring.<name>`.
    RequestQuery(Str),
    /// `method.request.path.<name>`.
    RequestPath(Str),
    /// `integration.response.header.<name>` (or `multivalueheader`).
    IntegrationHeader(Str),
    /// `integration.response.body` (`None`) or `integration.response.body.<JSONPath>` (the path after `body.`).
    IntegrationBody(Option<Str>),
    /// `stageVariables.<name>`.
    StageVariable(Str),
    /// `context.<name>` (`context.requestId`, `context.identity.sourceIp`).
    Context(Str),
}

impl ParameterValue {
    /// Parses a response parameter's value as API Gateway accepts it; `None` for any other form.
    pub fn parse(s: &str) -> Option<ParameterValue> {
        let s = s.trim();
        if s.len() >= 2 && s.starts_with('\'') && s.ends_with('\'') {
            return Some(ParameterValue::Static(s[1..s.len() - 1].to_owned().into()));
        }
        let named = |prefix: &str| s.strip_prefix(prefix).filter(|n| valid_name(n)).map(|n| Str::from(n.to_owned()));
        if let Some(n) = named("method.request.header.") {
            return Some(ParameterValue::RequestHeader(n));
        }
        if let Some(n) = named("method.request.querystring.") {
            return Some(ParameterValue::RequestQuery(n));
        }
        if let Some(n) = named("method.request.path.") {
            return Some(ParameterValue::RequestPath(n));
        }
        // `multivalueheader` reads the same header; the emulator's integration responses have one value per name.
        if let Some(n) =
            named("integration.response.header.").or_else(|| named("integration.response.multivalueheader."))
        {
            return Some(ParameterValue::IntegrationHeader(n));
        }
        if s == "integration.response.body" {
            return Some(ParameterValue::IntegrationBody(None));
        }
        if let Some(path) = s.strip_prefix("integration.response.body.").filter(|p| !p.is_empty()) {
            return Some(ParameterValue::IntegrationBody(Some(path.to_owned().into())));
        }
        if let Some(n) = named("stageVariables.") {
            return Some(ParameterValue::StageVariable(n));
        }
        named("context.").map(ParameterValue::Context)
    }
}

/// A parameter name API Gateway accepts: `^[a-zA-Z0-9._$-]+$`.
fn valid_name(n: &str) -> bool {
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'$' | b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn response_parameter_values_parse_in_every_form_api_gateway_accepts() {
        assert_eq!(ParameterValue::parse("'*'"), Some(ParameterValue::Static("*".into())));
        assert_eq!(ParameterValue::parse("''"), Some(ParameterValue::Static("".into())));
        assert_eq!(
            ParameterValue::parse("method.request.header.Origin"),
            Some(ParameterValue::RequestHeader("Origin".into()))
        );
        assert_eq!(
            ParameterValue::parse("method.request.querystring.q"),
            Some(ParameterValue::RequestQuery("q".into()))
        );
        assert_eq!(ParameterValue::parse("method.request.path.id"), Some(ParameterValue::RequestPath("id".into())));
        assert_eq!(
            ParameterValue::parse("integration.response.header.X-Id"),
            Some(ParameterValue::IntegrationHeader("X-Id".into()))
        );
        assert_eq!(
            ParameterValue::parse("integration.response.multivalueheader.X-Id"),
            Some(ParameterValue::IntegrationHeader("X-Id".into()))
        );
        assert_eq!(ParameterValue::parse("integration.response.body"), Some(ParameterValue::IntegrationBody(None)));
        assert_eq!(
            ParameterValue::parse("integration.response.body.errorType"),
            Some(ParameterValue::IntegrationBody(Some("errorType".into())))
        );
        assert_eq!(ParameterValue::parse("stageVariables.v"), Some(ParameterValue::StageVariable("v".into())));
        assert_eq!(ParameterValue::parse("context.requestId"), Some(ParameterValue::Context("requestId".into())));
        for bad in
            ["*", "'unclosed", "method.request.body", "method.request.header.", "header.X", "method.request.header.a b"]
        {
            assert_eq!(ParameterValue::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn passthrough_behaviors_parse() {
        assert_eq!(Passthrough::parse("when_no_match"), Some(Passthrough::WhenNoMatch));
        assert_eq!(Passthrough::parse("WHEN_NO_TEMPLATES"), Some(Passthrough::WhenNoTemplates));
        assert_eq!(Passthrough::parse("NEVER"), Some(Passthrough::Never));
        assert_eq!(Passthrough::parse("ALWAYS"), None);
    }

    #[test]
    fn a_mock_has_no_function() {
        let mock = Integration::Mock { mapping: Mapping::default() };
        assert_eq!((mock.function(), mock.as_str()), (None, "MOCK"));
        assert_eq!(Integration::proxy("F").function(), Some("F"));
    }
}
