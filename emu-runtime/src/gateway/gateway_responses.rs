//! Gateway responses: every error API Gateway answers itself passes here, typed by [`response_type`] and customized
//! by the API's `GatewayResponses` (status, headers, body template; not VTL), falling back to `DEFAULT_4XX`/`5XX`.
//!
//! With no customization an error is answered exactly as [`GatewayError::response`] builds it (AWS's defaults). The
//! rules and their AWS sources are in `docs/fidelity.md` ("Gateway responses").

use std::borrow::Cow;
use std::collections::HashMap;
use std::net::IpAddr;

use axum::body::Body;
use emu_template::{ApiKind, GatewayResponseType, HeaderSource, Model};
use http::request::Parts;
use http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode, header};

use crate::gateway::RequestIds;
use crate::gateway::auth::failure::AuthFailure;
use crate::gateway::errors::GatewayError;
use crate::gateway::routes::{CompiledApi, Matched};
use crate::{aws, clock, ids};

/// What the gateway-response stage needs to know about an error: its response type and, for validation errors,
/// `$context.error.validationErrorString`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ErrorClass<'e> {
    /// The gateway response type AWS answers the error with.
    pub(crate) response_type: GatewayResponseType,
    /// The detail of a failed request validation (empty for other errors).
    pub(crate) validation_error: Option<&'e str>,
}

/// The response type of each error the gateway produces (REST APIs; HTTP APIs have no gateway responses).
///
/// One arm per [`GatewayError`] variant, so a new error gets its type here. Types AWS documents for which the
/// emulator has no error yet (`THROTTLED`, `QUOTA_EXCEEDED`, `WAF_FILTERED`, `RESOURCE_NOT_FOUND`, ...) are in the
/// model and read from templates, and apply once an error of theirs exists.
pub(crate) fn response_type(error: &GatewayError) -> ErrorClass<'_> {
    use GatewayResponseType as T;
    let of = |response_type| ErrorClass { response_type, validation_error: None };
    match error {
        GatewayError::Refused(failure) => of(match failure {
            AuthFailure::Unauthorized { .. } | AuthFailure::CognitoRejected { .. } => T::Unauthorized,
            // REST answers a Cognito token without the scope as unauthorized (401); HTTP APIs 403.
            AuthFailure::InsufficientScope { .. } => T::Unauthorized,
            AuthFailure::ExplicitDeny | AuthFailure::ImplicitDeny => T::AccessDenied,
            // Observed `x-amzn-ErrorType: AuthorizerConfigurationException` (docs/fidelity.md).
            AuthFailure::AuthorizerError => T::AuthorizerConfigurationError,
            AuthFailure::InvalidApiKey => T::InvalidApiKey,
            AuthFailure::MissingSignature => T::MissingAuthenticationToken,
            AuthFailure::BadSignature { error_type, .. } => match *error_type {
                "ExpiredTokenException" => T::ExpiredToken,
                "MissingAuthenticationTokenException" => T::MissingAuthenticationToken,
                _ => T::InvalidSignature,
            },
        }),
        // "Missing authentication token, including an unsupported method or resource".
        GatewayError::NoRoute => of(T::MissingAuthenticationToken),
        // A failed Lambda proxy integration (and a throttled function: "Lambda 429 now maps to the
        // INTEGRATION_FAILURE API Gateway response"), answered with its own status (502 / 500) unless customized.
        GatewayError::IntegrationFailure | GatewayError::LambdaRejected => of(T::IntegrationFailure),
        GatewayError::IntegrationTimeout => of(T::IntegrationTimeout),
        GatewayError::PayloadTooLarge => of(T::RequestTooLarge),
        // The front door's 400/408: no type of their own, so the 4XX default.
        GatewayError::BadRequest | GatewayError::RequestTimeout => of(T::Default4xx),
        GatewayError::UnsupportedMediaType => of(T::UnsupportedMediaType),
        // A template that cannot render is the API's configuration error, a 5XX type.
        GatewayError::MappingFailure => of(T::ApiConfigurationError),
        GatewayError::BadRequestParameters { validation_error } => {
            ErrorClass { response_type: T::BadRequestParameters, validation_error: Some(validation_error) }
        }
        GatewayError::BadRequestBody { validation_error } => {
            ErrorClass { response_type: T::BadRequestBody, validation_error: Some(validation_error) }
        }
    }
}

/// The request an error answers, as templates and header mappings read it.
#[derive(Debug)]
pub(crate) struct ErrorRequest<'r> {
    /// The request head.
    pub(crate) parts: &'r Parts,
    /// The matched route's path (`/dogs/{id}`), when a route matched.
    pub(crate) resource_path: Option<&'r str>,
    /// The matched route's path parameters (raw, percent-encoded).
    pub(crate) path_params: &'r [(&'r str, String)],
    /// API Gateway's request id (made for a route miss, which has none yet).
    pub(crate) request_id: Cow<'r, str>,
    /// `requestContext.authorizer`, when the access gates granted the request before the error.
    pub(crate) authorizer: Option<&'r serde_json::Value>,
    /// The peer's address.
    pub(crate) source_ip: IpAddr,
    /// When the request arrived.
    pub(crate) epoch_ms: u64,
}

/// The gateway responses of every REST API that customizes some, compiled once with the app.
#[derive(Debug, Default)]
pub(crate) struct GatewayResponses {
    apis: HashMap<Box<str>, ApiResponses>,
}

/// One API's customized responses and what their templates may read.
#[derive(Debug)]
struct ApiResponses {
    by_type: HashMap<GatewayResponseType, Compiled>,
    stage: String,
    api_id: String,
    stage_variables: Vec<(String, String)>,
}

/// One customized response.
#[derive(Debug)]
struct Compiled {
    status: Option<StatusCode>,
    headers: Vec<(HeaderName, HeaderSource)>,
    /// Content type (lower case, without parameters), its header value, the parsed template.
    templates: Vec<(String, HeaderValue, Vec<Piece>)>,
}

/// A piece of a body template: text, or a variable substituted per request.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Context(String),
    StageVariable(String),
}

impl GatewayResponses {
    /// Compiles the model's gateway responses (REST APIs only: the reader already warned about HTTP APIs).
    pub(crate) fn new(model: &Model) -> GatewayResponses {
        let mut apis: HashMap<Box<str>, ApiResponses> = HashMap::new();
        for r in model.gateway_responses.iter() {
            let Some(api) = model.api(&r.api).filter(|a| a.kind == ApiKind::Rest) else { continue };
            let entry = apis.entry(api.id.as_ref().into()).or_insert_with(|| ApiResponses {
                by_type: HashMap::new(),
                stage: api.stage.to_string(),
                api_id: ids::stable_id(&api.id, 10),
                stage_variables: api
                    .stage_variables
                    .iter()
                    .map(|kv| (kv.key.to_string(), kv.value.to_string()))
                    .collect(),
            });
            let headers = r
                .headers
                .iter()
                .filter_map(|h| Some((HeaderName::from_bytes(h.name.as_bytes()).ok()?, h.value.clone())))
                .collect();
            let templates = r
                .templates
                .iter()
                .filter_map(|t| {
                    let ct = HeaderValue::from_str(t.key.trim()).ok()?;
                    Some((media_type(&t.key), ct, parse_template(&t.value)))
                })
                .collect();
            let status = r.status.and_then(|s| StatusCode::from_u16(s).ok());
            entry.by_type.insert(r.response_type, Compiled { status, headers, templates });
        }
        GatewayResponses { apis }
    }

    /// Whether the API with this logical id customizes any gateway response.
    pub(crate) fn customizes(&self, api: &str) -> bool {
        self.apis.contains_key(api)
    }

    /// The response for `error` on the API `api` (logical id) of type `kind`: AWS's default, customized by the
    /// API's gateway responses. `request` is called only when the API customizes the error's type or its fallback.
    ///
    /// The rule (AWS, "Gateway response types"): a type the API customizes answers with its own headers and
    /// template; a type it does not falls back to `DEFAULT_4XX` / `DEFAULT_5XX` when those are customized. The
    /// status is the type's own `StatusCode`, else the fallback's ("changing the status code of this fallback
    /// gateway response changes the status codes of all other 4XX responses"), else AWS's default.
    pub(crate) fn respond<'r>(
        &self,
        api: Option<&str>,
        kind: ApiKind,
        error: GatewayError,
        request: impl FnOnce() -> ErrorRequest<'r>,
    ) -> Response<Body> {
        let class = response_type(&error);
        // REQUEST_TOO_LARGE: AWS does not apply customizations of this type (a known issue; observed too).
        let custom = api
            .and_then(|id| self.apis.get(id))
            .filter(|_| kind == ApiKind::Rest && class.response_type != GatewayResponseType::RequestTooLarge);
        let Some(api) = custom else { return error.response(kind) };
        let specific = api.by_type.get(&class.response_type);
        let family = class.response_type.fallback().and_then(|f| api.by_type.get(&f));
        let Some(chosen) = specific.or(family) else { return error.response(kind) };
        let message = default_message(&error.parts(kind).1);
        let mut res = error.clone().response(kind);
        if let Some(status) = specific.and_then(|s| s.status).or_else(|| family.and_then(|f| f.status)) {
            *res.status_mut() = status;
        }
        let req = request();
        let vars = Vars { api, req: &req, class, message: message.as_deref() };
        if let Some((content_type, pieces)) = choose_template(&chosen.templates, &req.parts.headers) {
            res.headers_mut().insert(header::CONTENT_TYPE, content_type.clone());
            *res.body_mut() = Body::from(render(pieces, &vars));
        }
        for (name, source) in &chosen.headers {
            if let Some(v) = header_value(source, &vars) {
                res.headers_mut().insert(name.clone(), v);
            }
        }
        res
    }
}

/// `$context.error.message` of an error: the `message` of AWS's default body (`None` for `{"message":null}`).
fn default_message(body: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(body).ok()?;
    v.get("message")?.as_str().map(str::to_owned)
}

/// `application/json; charset=utf-8` -> `application/json`.
fn media_type(s: &str) -> String {
    s.split(';').next().unwrap_or("").trim().to_ascii_lowercase()
}

/// The template for the request's `Accept` (its first media type with a template), else `application/json`, else
/// the first one.
fn choose_template<'c>(
    templates: &'c [(String, HeaderValue, Vec<Piece>)],
    headers: &HeaderMap,
) -> Option<(&'c HeaderValue, &'c [Piece])> {
    let accepted = headers.get_all(header::ACCEPT).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(','));
    let by_accept = accepted.map(media_type).find_map(|m| templates.iter().find(|t| t.0 == m));
    by_accept
        .or_else(|| templates.iter().find(|t| t.0 == "application/json"))
        .or(templates.first())
        .map(|(_, ct, pieces)| (ct, pieces.as_slice()))
}

/// Splits a template into text and `$context.x` / `$stageVariables.x` references (also `${context.x}`); any other
/// `$` is text, as API Gateway does not run these templates through VTL.
fn parse_template(t: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = t;
    while let Some(i) = rest.find('$') {
        text.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let (braced, inner) = match after.strip_prefix('{') {
            Some(b) => (true, b),
            None => (false, after),
        };
        let reference = [("context.", 0), ("stageVariables.", 1)].into_iter().find_map(|(prefix, which)| {
            let name_part = inner.strip_prefix(prefix)?;
            let len = name_part
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .unwrap_or(name_part.len());
            let name = name_part[..len].trim_end_matches('.');
            if name.is_empty() || (braced && !name_part[name.len()..].starts_with('}')) {
                return None;
            }
            let consumed = prefix.len() + name.len() + usize::from(braced) * 2;
            Some((which, name.to_owned(), consumed))
        });
        match reference {
            Some((which, name, consumed)) => {
                if !text.is_empty() {
                    out.push(Piece::Text(std::mem::take(&mut text)));
                }
                out.push(if which == 0 { Piece::Context(name) } else { Piece::StageVariable(name) });
                rest = &after[consumed..];
            }
            None => {
                text.push('$');
                rest = after;
            }
        }
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// What templates and header mappings read for one error.
struct Vars<'a, 'r> {
    api: &'a ApiResponses,
    req: &'a ErrorRequest<'r>,
    class: ErrorClass<'a>,
    message: Option<&'a str>,
}

impl Vars<'_, '_> {
    /// `$context.<name>`; `None` for a variable unknown here (rendered empty, as AWS renders an unset one).
    fn context(&self, name: &str) -> Option<String> {
        let req = self.req;
        let header = |h: header::HeaderName| req.parts.headers.get(h).and_then(|v| v.to_str().ok()).map(str::to_owned);
        Some(match name {
            "error.message" => self.message.unwrap_or_default().to_owned(),
            "error.messageString" => match self.message {
                Some(m) => serde_json::Value::from(m).to_string(),
                None => "null".to_owned(),
            },
            "error.responseType" => self.class.response_type.as_str().to_owned(),
            "error.validationErrorString" => self.class.validation_error.unwrap_or_default().to_owned(),
            "requestId" | "extendedRequestId" => req.request_id.to_string(),
            "stage" => self.api.stage.clone(),
            "apiId" => self.api.api_id.clone(),
            "accountId" => aws::ACCOUNT_ID.to_owned(),
            "httpMethod" => req.parts.method.as_str().to_owned(),
            "path" => req.parts.uri.path().to_owned(),
            "resourcePath" => req.resource_path?.to_owned(),
            "domainName" => header(header::HOST)?,
            "identity.sourceIp" => req.source_ip.to_string(),
            "identity.userAgent" => header(header::USER_AGENT)?,
            "requestTime" => clock::clf_time(req.epoch_ms),
            "requestTimeEpoch" => req.epoch_ms.to_string(),
            _ => {
                let key = name.strip_prefix("authorizer.")?;
                // REST: `principalId` and the context keys at the top, Cognito's under `claims` (`claims.sub`).
                let mut v = req.authorizer?;
                for part in key.split('.') {
                    v = v.get(part)?;
                }
                match v {
                    serde_json::Value::String(s) => s.clone(),
                    other => other.to_string(),
                }
            }
        })
    }

    fn stage_variable(&self, name: &str) -> Option<&str> {
        self.api.stage_variables.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    /// The query string's values for `name` (decoded), in order.
    fn query(&self, name: &str) -> Vec<String> {
        let raw = self.req.parts.uri.query().unwrap_or("");
        raw.split('&')
            .filter(|p| !p.is_empty())
            .filter_map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(k) == name).then(|| decode(v))
            })
            .collect()
    }
}

fn decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

fn render(pieces: &[Piece], vars: &Vars<'_, '_>) -> String {
    let mut out = String::new();
    for p in pieces {
        match p {
            Piece::Text(t) => out.push_str(t),
            Piece::Context(name) => out.push_str(&vars.context(name).unwrap_or_default()),
            Piece::StageVariable(name) => out.push_str(vars.stage_variable(name).unwrap_or_default()),
        }
    }
    out
}

/// A header mapping's value for this request; `None` (header left out) when the source is absent or its value
/// cannot be a header value (a decoded query value with a newline, say).
fn header_value(source: &HeaderSource, vars: &Vars<'_, '_>) -> Option<HeaderValue> {
    let headers = &vars.req.parts.headers;
    let text = match source {
        HeaderSource::Static(v) => v.to_string(),
        HeaderSource::RequestHeader(n) => return headers.get(n.as_ref()).cloned(),
        HeaderSource::RequestMultiHeader(n) => {
            let all: Vec<&[u8]> = headers.get_all(n.as_ref()).iter().map(HeaderValue::as_bytes).collect();
            if all.is_empty() {
                return None;
            }
            return HeaderValue::from_bytes(&all.join(&b","[..])).ok();
        }
        HeaderSource::RequestPath(n) => {
            let (_, raw) = vars.req.path_params.iter().find(|(k, _)| *k == n.as_ref())?;
            decode(raw)
        }
        HeaderSource::RequestQuery(n) => vars.query(n).pop()?,
        HeaderSource::RequestMultiQuery(n) => {
            let all = vars.query(n);
            if all.is_empty() {
                return None;
            }
            all.join(",")
        }
        HeaderSource::StageVariable(n) => vars.stage_variable(n)?.to_owned(),
        HeaderSource::Context(n) => vars.context(n)?,
    };
    HeaderValue::from_str(&text).ok()
}

impl GatewayResponses {
    /// The gateway's answer to `error` on `api` (`None`: no API owns the path), for a request that matched a route
    /// and got its ids (`None` for a route miss: a request id is made when a template needs one).
    pub(crate) fn answer(
        &self,
        api: Option<&CompiledApi>,
        error: GatewayError,
        parts: &Parts,
        matched: Option<(&Matched<'_, '_>, &RequestIds)>,
        epoch_ms: u64,
    ) -> Response<Body> {
        let kind = api.map_or(ApiKind::Rest, |a| a.kind);
        self.respond(api.map(|a| &*a.logical_id), kind, error, || ErrorRequest {
            parts,
            resource_path: matched.map(|(m, _)| m.route.event.resource.as_str()),
            path_params: matched.map_or(&[][..], |(m, _)| m.params.as_slice()),
            request_id: matched
                .map_or_else(|| Cow::Owned(ids::uuid_v4()), |(_, i)| Cow::Borrowed(i.request_id.as_str())),
            authorizer: matched.and_then(|(_, i)| i.authorizer.as_ref()),
            source_ip: super::source_ip(parts),
            epoch_ms,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use emu_template::{Api, GatewayResponse, KeyValue, Location, ResponseHeader};
    use http::Request;

    use super::*;

    fn model(responses: Vec<GatewayResponse>) -> Model {
        let mut api = Api::new("Api", ApiKind::Rest);
        api.stage_variables = vec![KeyValue { key: "origin".into(), value: "https://app.example".into() }].into();
        let mut m = Model::from_routes(vec![api, Api::new("Http", ApiKind::Http)], Vec::new());
        m.gateway_responses = responses.into();
        m
    }

    fn custom(
        t: GatewayResponseType,
        status: Option<u16>,
        headers: &[(&str, HeaderSource)],
        templates: &[(&str, &str)],
    ) -> GatewayResponse {
        GatewayResponse {
            api: "Api".into(),
            response_type: t,
            status,
            headers: headers
                .iter()
                .map(|(n, v)| ResponseHeader { name: n.to_string().into(), value: v.clone() })
                .collect::<Vec<_>>()
                .into(),
            templates: templates
                .iter()
                .map(|(k, v)| KeyValue { key: k.to_string().into(), value: v.to_string().into() })
                .collect::<Vec<_>>()
                .into(),
            location: Location::default(),
        }
    }

    fn parts(uri: &str, headers: &[(&str, &[u8])]) -> Parts {
        let mut b = Request::builder().uri(uri);
        for (k, v) in headers {
            b = b.header(*k, HeaderValue::from_bytes(v).unwrap());
        }
        b.body(()).unwrap().into_parts().0
    }

    async fn answer(
        g: &GatewayResponses,
        api: &str,
        kind: ApiKind,
        e: GatewayError,
        p: &Parts,
    ) -> (u16, HeaderMap, String) {
        let params = [("id", "a%20b".to_owned())];
        let authorizer = serde_json::json!({"principalId": "rex", "claims": {"sub": "u-1"}, "n": 7});
        let res = g.respond(Some(api), kind, e, || ErrorRequest {
            parts: p,
            resource_path: Some("/dogs/{id}"),
            path_params: &params,
            request_id: Cow::Borrowed("req-1"),
            authorizer: Some(&authorizer),
            source_ip: IpAddr::V4(Ipv4Addr::LOCALHOST),
            epoch_ms: 1_589_522_469_693,
        });
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        (status, headers, String::from_utf8(body.to_vec()).unwrap())
    }

    use GatewayResponseType as T;

    #[tokio::test]
    async fn without_customization_errors_are_aws_defaults_byte_for_byte() {
        let g = GatewayResponses::new(&model(vec![custom(T::Throttled, Some(503), &[], &[])]));
        let p = parts("/x", &[]);
        for e in [
            GatewayError::NoRoute,
            GatewayError::IntegrationFailure,
            GatewayError::Refused(AuthFailure::AuthorizerError),
        ] {
            let expected = e.clone().response(ApiKind::Rest);
            let (s, h, b) = answer(&g, "Api", ApiKind::Rest, e.clone(), &p).await;
            assert_eq!(s, expected.status().as_u16());
            assert_eq!(&h, expected.headers());
            assert_eq!(b, e.parts(ApiKind::Rest).1);
        }
    }

    #[tokio::test]
    async fn a_specific_type_wins_over_default_4xx_and_does_not_merge_with_it() {
        let cors = HeaderSource::Static("*".into());
        let g = GatewayResponses::new(&model(vec![
            custom(T::Default4xx, None, &[("Access-Control-Allow-Origin", cors)], &[]),
            custom(T::Unauthorized, None, &[("X-Only", HeaderSource::Static("u".into()))], &[]),
        ]));
        let p = parts("/x", &[]);
        let unauthorized = GatewayError::Refused(AuthFailure::Unauthorized { www_authenticate: None });
        let (s, h, b) = answer(&g, "Api", ApiKind::Rest, unauthorized, &p).await;
        assert_eq!((s, b.as_str()), (401, r#"{"message":"Unauthorized"}"#), "no template: AWS's body and status");
        assert_eq!(h["x-only"], "u");
        assert!(
            h.get("access-control-allow-origin").is_none(),
            "a customized type does not take DEFAULT_4XX's headers"
        );
        assert_eq!(h["x-amzn-errortype"], "UnauthorizedException");
        let (s, h, _) = answer(&g, "Api", ApiKind::Rest, GatewayError::NoRoute, &p).await;
        assert_eq!(
            (s, &h["access-control-allow-origin"]),
            (403, &HeaderValue::from_static("*")),
            "the fallback applies"
        );
        let (s, h, _) = answer(&g, "Api", ApiKind::Rest, GatewayError::IntegrationTimeout, &p).await;
        assert_eq!(s, 504);
        assert!(h.get("access-control-allow-origin").is_none(), "a 5XX type never falls back to DEFAULT_4XX");
    }

    #[tokio::test]
    async fn status_is_the_types_own_else_the_fallbacks_else_aws() {
        let g = GatewayResponses::new(&model(vec![
            custom(T::Default5xx, Some(599), &[], &[]),
            custom(T::IntegrationTimeout, None, &[], &[]),
            custom(T::AuthorizerConfigurationError, Some(503), &[], &[]),
        ]));
        let p = parts("/x", &[]);
        let s = |e| {
            let (g, p) = (&g, &p);
            async move { answer(g, "Api", ApiKind::Rest, e, p).await.0 }
        };
        assert_eq!(s(GatewayError::IntegrationFailure).await, 599, "DEFAULT_5XX's status changes every other 5XX");
        assert_eq!(s(GatewayError::IntegrationTimeout).await, 599, "a customization without StatusCode takes it too");
        assert_eq!(s(GatewayError::Refused(AuthFailure::AuthorizerError)).await, 503);
        assert_eq!(s(GatewayError::NoRoute).await, 403, "4XX types are not touched by DEFAULT_5XX");
    }

    #[tokio::test]
    async fn templates_substitute_context_and_stage_variables_only() {
        let template = r#"{"a":"$context.authorizer.principalId/$context.authorizer.claims.sub/$context.authorizer.n","m":$context.error.messageString,"t":"$context.error.responseType","id":"${context.requestId}","s":"$stageVariables.origin","p":"$context.resourcePath","x":"$context.nope","v":"$input.body #if"}"#;
        let g = GatewayResponses::new(&model(vec![custom(
            T::MissingAuthenticationToken,
            Some(404),
            &[],
            &[("application/json", template), ("text/plain", "$context.error.message at $context.path")],
        )]));
        let (s, h, b) = answer(&g, "Api", ApiKind::Rest, GatewayError::NoRoute, &parts("/Prod/nope", &[])).await;
        assert_eq!(s, 404);
        assert_eq!(h["content-type"], "application/json");
        assert_eq!(
            b,
            r#"{"a":"rex/u-1/7","m":"Missing Authentication Token","t":"MISSING_AUTHENTICATION_TOKEN","id":"req-1","s":"https://app.example","p":"/dogs/{id}","x":"","v":"$input.body #if"}"#
        );
        let p = parts("/Prod/nope", &[("accept", b"text/html, text/plain;q=0.9")]);
        let (_, h, b) = answer(&g, "Api", ApiKind::Rest, GatewayError::NoRoute, &p).await;
        assert_eq!(
            (h["content-type"].to_str().unwrap(), b.as_str()),
            ("text/plain", "Missing Authentication Token at /Prod/nope")
        );
    }

    #[tokio::test]
    async fn a_null_message_renders_as_null() {
        let g = GatewayResponses::new(&model(vec![custom(
            T::Default5xx,
            None,
            &[],
            &[("application/json", r#"{"e":$context.error.messageString,"m":"$context.error.message"}"#)],
        )]));
        let (s, _, b) =
            answer(&g, "Api", ApiKind::Rest, GatewayError::Refused(AuthFailure::AuthorizerError), &parts("/", &[]))
                .await;
        assert_eq!((s, b.as_str()), (500, r#"{"e":null,"m":""}"#));
    }

    #[tokio::test]
    async fn header_mappings_read_the_request_and_never_panic() {
        let g = GatewayResponses::new(&model(vec![custom(
            T::Default4xx,
            None,
            &[
                ("Access-Control-Allow-Origin", HeaderSource::RequestHeader("Origin".into())),
                ("X-Id", HeaderSource::RequestPath("id".into())),
                ("X-Q", HeaderSource::RequestQuery("q".into())),
                ("X-Qs", HeaderSource::RequestMultiQuery("q".into())),
                ("X-All", HeaderSource::RequestMultiHeader("X-Multi".into())),
                ("X-Stage", HeaderSource::StageVariable("origin".into())),
                ("X-Type", HeaderSource::Context("error.responseType".into())),
                ("X-Missing", HeaderSource::RequestHeader("Absent".into())),
                ("X-Bad-Name", HeaderSource::RequestHeader("bad name\n".into())),
            ],
            &[],
        )]));
        let p = parts("/x?q=1&q=a%0Db&q=last", &[("origin", b"https://\xffodd"), ("x-multi", b"a"), ("x-multi", b"b")]);
        let (_, h, _) = answer(&g, "Api", ApiKind::Rest, GatewayError::NoRoute, &p).await;
        assert_eq!(h["access-control-allow-origin"].as_bytes(), b"https://\xffodd", "copied as received");
        assert_eq!(h["x-id"], "a b");
        assert_eq!(h["x-q"], "last");
        assert!(h.get("x-qs").is_none(), "a decoded CR cannot be a header value: left out");
        assert_eq!(h["x-all"], "a,b");
        assert_eq!(h["x-stage"], "https://app.example");
        assert_eq!(h["x-type"], "MISSING_AUTHENTICATION_TOKEN");
        assert!(h.get("x-missing").is_none() && h.get("x-bad-name").is_none());
    }

    #[tokio::test]
    async fn http_apis_and_request_too_large_are_never_customized() {
        let mut rtl = custom(T::RequestTooLarge, Some(400), &[], &[]);
        rtl.api = "Api".into();
        let mut http = custom(T::Default4xx, Some(418), &[], &[]);
        http.api = "Http".into();
        let g = GatewayResponses::new(&model(vec![rtl, http, custom(T::Default4xx, Some(499), &[], &[])]));
        let p = parts("/", &[]);
        let (s, _, b) = answer(&g, "Api", ApiKind::Rest, GatewayError::PayloadTooLarge, &p).await;
        assert_eq!((s, b.as_str()), (413, r#"{"message":"Request Too Long"}"#));
        let (s, _, _) = answer(&g, "Http", ApiKind::Http, GatewayError::NoRoute, &p).await;
        assert_eq!(s, 404);
        let (s, h, _) = answer(&g, "Api", ApiKind::Rest, GatewayError::BadRequest, &p).await;
        assert_eq!((s, &h["connection"]), (499, &HeaderValue::from_static("close")), "the front door's 400 is a 4XX");
    }

    #[test]
    fn every_error_has_a_response_type() {
        let cases = [
            (GatewayError::NoRoute, T::MissingAuthenticationToken),
            (GatewayError::IntegrationFailure, T::IntegrationFailure),
            (GatewayError::LambdaRejected, T::IntegrationFailure),
            (GatewayError::IntegrationTimeout, T::IntegrationTimeout),
            (GatewayError::PayloadTooLarge, T::RequestTooLarge),
            (GatewayError::BadRequest, T::Default4xx),
            (GatewayError::RequestTimeout, T::Default4xx),
            (GatewayError::Refused(AuthFailure::Unauthorized { www_authenticate: None }), T::Unauthorized),
            (GatewayError::Refused(AuthFailure::CognitoRejected { message: "x" }), T::Unauthorized),
            (GatewayError::Refused(AuthFailure::ExplicitDeny), T::AccessDenied),
            (GatewayError::Refused(AuthFailure::ImplicitDeny), T::AccessDenied),
            (GatewayError::Refused(AuthFailure::AuthorizerError), T::AuthorizerConfigurationError),
            (GatewayError::Refused(AuthFailure::InvalidApiKey), T::InvalidApiKey),
            (GatewayError::Refused(AuthFailure::MissingSignature), T::MissingAuthenticationToken),
            (
                GatewayError::Refused(AuthFailure::BadSignature {
                    error_type: "InvalidSignatureException",
                    message: String::new(),
                }),
                T::InvalidSignature,
            ),
            (
                GatewayError::Refused(AuthFailure::BadSignature {
                    error_type: "ExpiredTokenException",
                    message: String::new(),
                }),
                T::ExpiredToken,
            ),
        ];
        for (e, t) in cases {
            assert_eq!(response_type(&e).response_type, t, "{e:?}");
        }
    }

    #[test]
    fn template_parsing() {
        assert_eq!(
            parse_template("a$context.b.c."),
            vec![Piece::Text("a".into()), Piece::Context("b.c".into()), Piece::Text(".".into())]
        );
        assert_eq!(
            parse_template("${stageVariables.v}x"),
            vec![Piece::StageVariable("v".into()), Piece::Text("x".into())]
        );
        assert_eq!(parse_template("$ $context. ${context.x $"), vec![Piece::Text("$ $context. ${context.x $".into())]);
        assert_eq!(parse_template(""), Vec::<Piece>::new());
        assert_eq!(parse_template("é$context.ü"), vec![Piece::Text("é$context.ü".into())]);
    }
}
