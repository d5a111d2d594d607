//! The gateway's access stage: Lambda authorizers (with their cache), JWT and Cognito authorizers, `AWS_IAM`
//! signatures and API keys, checked in API Gateway's order before the integration runs.
//!
//! Modules: `policy` (IAM policy evaluation), `cache` (results per identity, re-evaluated per request),
//! `lambda_authorizer` (the events and outputs of Lambda authorizers), `jwt`/`jwks`/`local_issuer` (token
//! verification and the local issuer), `sigv4` (IAM signatures), `api_keys`, `failure` (AWS's error responses).

pub(crate) mod api_keys;
mod app_api;
pub(crate) mod cache;
pub(crate) mod failure;
pub(crate) mod jwks;
pub(crate) mod jwt;
pub(crate) mod lambda_authorizer;
pub(crate) mod local_issuer;
pub(crate) mod policy;
pub(crate) mod sigv4;
mod tokens;

use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use emu_template::{ApiKind, Authorization, AuthorizerKind, IdentitySource, Model, PayloadVersion};
use http::{HeaderMap, Method};
use serde_json::{Map, Value};

use crate::gateway::routes::{CompiledApi, CompiledRoute};
use crate::lambda::invoke::InvokeError;
use crate::lambda::log::platform_line;
use crate::lambda::{FunctionId, InvokeOptions, LambdaService};
use api_keys::{ApiKeys, KnownKey};
use cache::ResultCache;
use failure::AuthFailure;
use lambda_authorizer::{AuthorizerOutput, OutputFormat};
use local_issuer::LocalIssuer;
use policy::Decision;
use sigv4::IamCredentials;

pub use app_api::MintError;
pub use tokens::{LocalIssuerMode, TokenSettings};

/// HTTP API Lambda authorizers must answer within 10 seconds (API Gateway quotas); REST's limit is not documented
/// and the same bound is used.
const AUTHORIZER_TIMEOUT: Duration = Duration::from_secs(10);

/// An authorizer of the app: an index into the model's authorizers, in template order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) struct AuthorizerId(u32);

impl AuthorizerId {
    /// The authorizer `name` of API `api` in `model`.
    pub(crate) fn of(model: &Model, api: &str, name: &str) -> Option<AuthorizerId> {
        let i = model.authorizers.iter().position(|a| a.api == api && a.name == name)?;
        u32::try_from(i).ok().map(AuthorizerId)
    }
}

/// How many times an authorizer ran and how many requests its cache answered ([`crate::App::authorizer_stats`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AuthorizerStats {
    /// Invocations of its function (Lambda authorizers) or token verifications (JWT, Cognito).
    pub invocations: u64,
    /// Requests answered from its cache, without invoking the function.
    pub cache_hits: u64,
}

/// One compiled authorizer.
#[derive(Debug)]
struct CompiledAuthorizer {
    name: String,
    kind: AuthorizerKind,
    function: Option<FunctionId>,
    identity: Vec<IdentitySource>,
    validation: Option<regex::Regex>,
    /// JWT and Cognito: the issuer(s) and audiences, computed once.
    token_check: Option<tokens::TokenCheck>,
    cache: ResultCache<AuthorizerOutput>,
    invocations: AtomicU64,
    cache_hits: AtomicU64,
}

/// What the gates found out about the caller, for the event's `requestContext`.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Granted {
    /// `requestContext.authorizer`, shaped for the route's API type and payload version.
    pub(crate) authorizer: Option<Value>,
    /// `identity.apiKey` and `identity.apiKeyId`.
    pub(crate) api_key: Option<(String, String)>,
    /// `AWS_IAM`: the signing access key, when the request was signed.
    pub(crate) iam_access_key: Option<String>,
    /// Whether the authorizer's answer came from its cache (for logs and the console).
    pub(crate) cache_hit: bool,
}

/// The request as the access gates see it.
#[derive(Debug)]
pub(crate) struct AuthRequest<'a> {
    pub(crate) api: &'a CompiledApi,
    pub(crate) route: &'a CompiledRoute,
    pub(crate) method: &'a Method,
    /// The path relative to the API, raw.
    pub(crate) path: &'a str,
    /// The path as the client sent it (stage prefix included): what a SigV4 signature covers.
    pub(crate) full_path: &'a str,
    pub(crate) raw_query: &'a str,
    pub(crate) headers: &'a HeaderMap,
    pub(crate) body: &'a [u8],
    pub(crate) source_ip: IpAddr,
    pub(crate) request_id: &'a str,
    pub(crate) now_epoch_secs: u64,
}

impl AuthRequest<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn query(&self, name: &str) -> Option<String> {
        crate::gateway::events::parse_query(self.raw_query).into_iter().rev().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    fn stage_variable(&self, name: &str) -> Option<String> {
        self.api.event.stage_variables.get(name).and_then(Value::as_str).map(str::to_owned)
    }

    /// The `$context` variables identity sources may name.
    fn context(&self, name: &str) -> Option<String> {
        let data = &self.api.event;
        Some(match name {
            "requestId" => self.request_id.to_owned(),
            "identity.sourceIp" => self.source_ip.to_string(),
            "identity.userAgent" => self.header("user-agent")?.to_owned(),
            "routeKey" => self.route.event.route_key.clone(),
            "resourcePath" => self.route.event.resource.clone(),
            "httpMethod" => self.method.as_str().to_owned(),
            "path" => format!("{}{}", data.stage_path, self.path),
            "stage" => data.stage.clone(),
            "apiId" => data.api_id.clone(),
            "accountId" => crate::aws::ACCOUNT_ID.to_owned(),
            "domainName" => self.header("host").unwrap_or("localhost").to_owned(),
            _ => return None,
        })
    }

    /// The value of one identity source (`None` when absent or empty, which API Gateway treats alike).
    fn identity_value(&self, source: &IdentitySource) -> Option<String> {
        let v = match source {
            IdentitySource::Header(n) => self.header(n).map(str::to_owned),
            IdentitySource::Query(n) => self.query(n),
            IdentitySource::StageVariable(n) => self.stage_variable(n),
            IdentitySource::Context(n) => self.context(n),
        }?;
        (!v.is_empty()).then_some(v)
    }

    fn method_arn(&self) -> String {
        let data = &self.api.event;
        let stage = if data.stage.is_empty() { "$default" } else { &data.stage };
        let path = crate::gateway::routes::collapse_leading_slashes(self.path);
        lambda_authorizer::method_arn(&data.api_id, stage, self.method.as_str(), path)
    }
}

/// Settings of the access stage, from [`crate::AppOptions`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessOptions {
    /// Turn every authorizer, API-key and IAM check off (`--disable-authorizers`). Off is never the default.
    pub disable: bool,
    /// API keys accepted besides the template's (`--api-key`).
    pub api_keys: Vec<String>,
    /// Token settings: trusted JWKS documents per issuer and the local issuer.
    pub tokens: TokenSettings,
    /// `AWS_IAM`: access key ids and their secrets, to verify signatures with.
    pub iam_credentials: Vec<(String, String)>,
    /// `AWS_IAM`: also trust the keys of an AWS shared-credentials file (`--iam-credentials FILE`, every profile).
    pub iam_credentials_file: Option<std::path::PathBuf>,
    /// `AWS_IAM`: also trust `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (/ `AWS_SESSION_TOKEN`) of the process.
    pub iam_from_environment: bool,
}

/// The access stage of an app, compiled once.
#[derive(Debug)]
pub(crate) struct Access {
    authorizers: Vec<CompiledAuthorizer>,
    api_keys: ApiKeys,
    tokens: tokens::TokenVerifier,
    iam: IamCredentials,
    enforce: bool,
}

impl Access {
    /// Compiles the model's authorizers against the Lambda service's functions.
    pub(crate) fn new(model: &Model, lambda: &LambdaService, options: &AccessOptions) -> Access {
        let authorizers = model
            .authorizers
            .iter()
            .map(|a| {
                let function = a.function().and_then(|f| f.id.as_deref()).and_then(|id| lambda.by_logical_id(id));
                let validation = a.validation_expression.as_deref().and_then(|expr| {
                    match regex::Regex::new(&format!("^(?:{expr})$")) {
                        Ok(r) => Some(r),
                        Err(e) => {
                            tracing::warn!(authorizer = %a.name, "ValidationExpression `{expr}` is not a regular expression this emulator can run ({e}); every token is refused");
                            regex::Regex::new("[^\\s\\S]").ok()
                        }
                    }
                });
                CompiledAuthorizer {
                    name: a.name.to_string(),
                    kind: a.kind.clone(),
                    function,
                    identity: a.identity.to_vec(),
                    validation,
                    token_check: tokens::TokenCheck::of(&a.kind),
                    cache: ResultCache::new(a.ttl_secs),
                    invocations: AtomicU64::new(0),
                    cache_hits: AtomicU64::new(0),
                }
            })
            .collect();
        Access {
            authorizers,
            api_keys: ApiKeys::new(model, &options.api_keys),
            tokens: tokens::TokenVerifier::new(
                &options.tokens,
                model
                    .authorizers
                    .iter()
                    .any(|a| matches!(a.kind, AuthorizerKind::Jwt { .. } | AuthorizerKind::Cognito { .. })),
            ),
            iam: iam_credentials(options),
            enforce: !options.disable,
        }
    }

    /// Whether the gates are enforced (not `--disable-authorizers`).
    pub(crate) fn enforced(&self) -> bool {
        self.enforce
    }

    /// Every API key the gateway accepts.
    pub(crate) fn api_keys(&self) -> &[KnownKey] {
        self.api_keys.all()
    }

    /// The local issuer every JWT and Cognito authorizer trusts, when there is one.
    pub(crate) fn local_issuer(&self) -> Option<&Arc<LocalIssuer>> {
        self.tokens.local_issuer()
    }

    /// The stats of the authorizer `name` (of any API).
    pub(crate) fn stats(&self, name: &str) -> Option<AuthorizerStats> {
        let a = self.authorizers.iter().find(|a| a.name == name)?;
        Some(AuthorizerStats {
            invocations: a.invocations.load(Ordering::Relaxed),
            cache_hits: a.cache_hits.load(Ordering::Relaxed),
        })
    }

    /// Forgets every cached authorizer result.
    pub(crate) fn clear_caches(&self) {
        for a in &self.authorizers {
            a.cache.clear();
        }
    }

    /// Runs the route's gates: its authorization (authorizer or IAM), then its API key. `proxy_event` builds the
    /// request's proxy event for REQUEST authorizers (payload 1.0 or 2.0).
    pub(crate) async fn check(
        &self,
        lambda: &LambdaService,
        req: &AuthRequest<'_>,
        proxy_event: impl FnOnce(PayloadVersion) -> Value + Send,
    ) -> Result<Granted, AuthFailure> {
        let route = req.route;
        self.gates(lambda, req, &route.auth.authorization, route.authorizer, route.auth.api_key_required, proxy_event)
            .await
    }

    /// A CORS preflight's gates when the API sends preflights through its default authorizer `authorizer`
    /// (`AddDefaultAuthorizerToCorsPreflight`) and/or requires an API key on them
    /// (`AddApiKeyRequiredToCorsPreflight`); `req.route` is a route at the preflight's path.
    pub(crate) async fn check_preflight(
        &self,
        lambda: &LambdaService,
        req: &AuthRequest<'_>,
        authorizer: Option<AuthorizerId>,
        api_key: bool,
        proxy_event: impl FnOnce(PayloadVersion) -> Value + Send,
    ) -> Result<Granted, AuthFailure> {
        let authorization =
            if authorizer.is_some() { Authorization::Authorizer("".into()) } else { Authorization::None };
        self.gates(lambda, req, &authorization, authorizer, api_key, proxy_event).await
    }

    async fn gates(
        &self,
        lambda: &LambdaService,
        req: &AuthRequest<'_>,
        authorization: &Authorization,
        authorizer: Option<AuthorizerId>,
        api_key_required: bool,
        proxy_event: impl FnOnce(PayloadVersion) -> Value + Send,
    ) -> Result<Granted, AuthFailure> {
        let mut granted = Granted::default();
        if !self.enforce {
            return Ok(granted);
        }
        match authorization {
            Authorization::None => {}
            Authorization::Iam => granted.iam_access_key = self.check_iam(req)?,
            Authorization::Authorizer(_) => {
                let Some(a) = authorizer.and_then(|id| self.authorizers.get(id.0 as usize)) else {
                    return Err(AuthFailure::AuthorizerError);
                };
                self.authorize(lambda, a, req, proxy_event, &mut granted).await?;
            }
        }
        if api_key_required && req.api.kind == ApiKind::Rest {
            let value = req.header("x-api-key").unwrap_or_default();
            match self.api_keys.find(value) {
                Some(k) => granted.api_key = Some((k.value.clone(), k.id.clone())),
                None => return Err(AuthFailure::InvalidApiKey),
            }
        }
        Ok(granted)
    }

    fn check_iam(&self, req: &AuthRequest<'_>) -> Result<Option<String>, AuthFailure> {
        let refused = |e: sigv4::SigV4Error| match e {
            sigv4::SigV4Error::Missing => AuthFailure::MissingSignature,
            e => AuthFailure::BadSignature { error_type: e.error_type(), message: e.message().to_owned() },
        };
        let signed = match sigv4::parse(req.headers, req.raw_query) {
            Ok(Some(s)) => s,
            Ok(None) => return Err(AuthFailure::MissingSignature),
            Err(e) => return Err(refused(e)),
        };
        let (method, path, query) = (req.method.as_str(), req.full_path, req.raw_query);
        let verified = self
            .iam
            .verify(&signed, method, path, query, req.headers, req.body, req.now_epoch_secs)
            .map_err(refused)?;
        let akid = signed.access_key_id().to_owned();
        if verified.is_none() {
            platform_line(
                "API Gateway",
                &format!(
                    "AWS_IAM: access key {akid} is not known locally, so its signature is not verified (give its secret with --iam-credentials or AWS_SECRET_ACCESS_KEY); request accepted"
                ),
            );
        }
        Ok(Some(akid))
    }

    async fn authorize(
        &self,
        lambda: &LambdaService,
        a: &CompiledAuthorizer,
        req: &AuthRequest<'_>,
        proxy_event: impl FnOnce(PayloadVersion) -> Value + Send,
        granted: &mut Granted,
    ) -> Result<(), AuthFailure> {
        let unauthorized = AuthFailure::Unauthorized { www_authenticate: None };
        match &a.kind {
            AuthorizerKind::Jwt { .. } | AuthorizerKind::Cognito { .. } => {
                a.invocations.fetch_add(1, Ordering::Relaxed);
                let source = a.identity.first().cloned().unwrap_or(IdentitySource::Header("Authorization".into()));
                let token = req.identity_value(&source);
                if let (Some(t), Some(re)) = (&token, &a.validation)
                    && !re.is_match(t)
                {
                    return Err(unauthorized);
                }
                let claims = match &a.token_check {
                    Some(check) => self.tokens.check(check, token.as_deref(), &req.route.scopes, req.now_epoch_secs)?,
                    None => return Err(AuthFailure::AuthorizerError),
                };
                granted.authorizer = Some(tokens::authorizer_value(&a.kind, req.api.kind, req.route.payload, claims));
                Ok(())
            }
            AuthorizerKind::LambdaToken { .. } => {
                let source = a.identity.first().cloned().unwrap_or(IdentitySource::Header("Authorization".into()));
                let Some(token) = req.identity_value(&source) else { return Err(unauthorized) };
                if let Some(re) = &a.validation
                    && !re.is_match(&token)
                {
                    return Err(unauthorized);
                }
                let arn = req.method_arn();
                let event = || lambda_authorizer::token_event(&token, &arn);
                let (out, latency) = self.run(lambda, a, &token, event, OutputFormat::RestPolicy, granted).await?;
                self.apply(a, req, &arn, out, latency, granted)
            }
            AuthorizerKind::LambdaRequest { .. } | AuthorizerKind::HttpLambda { .. } => {
                let values: Vec<Option<String>> = a.identity.iter().map(|s| req.identity_value(s)).collect();
                let missing = values.iter().any(Option::is_none);
                // REST: identity sources are required when caching is on; HTTP APIs always require them.
                if missing && (a.cache.enabled() || req.api.kind == ApiKind::Http) {
                    return Err(unauthorized);
                }
                let values: Vec<String> = values.into_iter().flatten().collect();
                let key = cache::key(values.iter().map(String::as_str));
                let arn = req.method_arn();
                let (format, event): (OutputFormat, Box<dyn FnOnce() -> Value + Send + '_>) = match &a.kind {
                    AuthorizerKind::HttpLambda { payload: PayloadVersion::V2, simple_responses, .. } => (
                        if *simple_responses { OutputFormat::HttpSimple } else { OutputFormat::HttpPolicy },
                        Box::new(|| lambda_authorizer::http_v2_event(proxy_event(PayloadVersion::V2), &arn, &values)),
                    ),
                    AuthorizerKind::HttpLambda { .. } => (
                        OutputFormat::HttpPolicy,
                        Box::new(|| lambda_authorizer::http_v1_event(proxy_event(PayloadVersion::V1), &arn, &values)),
                    ),
                    _ => (
                        OutputFormat::RestPolicy,
                        Box::new(|| lambda_authorizer::rest_request_event(proxy_event(PayloadVersion::V1), &arn)),
                    ),
                };
                // Without identity sources nothing can key the cache: the authorizer runs every time.
                let key = if a.identity.is_empty() { None } else { Some(key) };
                let (out, latency) = match key {
                    Some(k) => self.run(lambda, a, &k, event, format, granted).await?,
                    None => self.invoke(lambda, a, event(), format).await?,
                };
                self.apply(a, req, &arn, out, latency, granted)
            }
        }
    }

    /// The authorizer's answer for cache key `key`: from the cache, or by invoking it (and caching the answer).
    async fn run(
        &self,
        lambda: &LambdaService,
        a: &CompiledAuthorizer,
        key: &str,
        event: impl FnOnce() -> Value,
        format: OutputFormat,
        granted: &mut Granted,
    ) -> Result<(AuthorizerOutput, u64), AuthFailure> {
        let now = Instant::now();
        if let Some(hit) = a.cache.get(key, now) {
            a.cache_hits.fetch_add(1, Ordering::Relaxed);
            tracing::debug!(authorizer = %a.name, "authorizer cache hit");
            granted.cache_hit = true;
            return Ok((hit, 0));
        }
        tracing::debug!(authorizer = %a.name, cached = a.cache.enabled(), "authorizer cache miss");
        let (out, latency) = self.invoke(lambda, a, event(), format).await?;
        a.cache.put(key.to_owned(), out.clone(), now);
        Ok((out, latency))
    }

    /// Invokes a Lambda authorizer and reads its answer, with the invocation's latency in milliseconds; every
    /// failure is logged as API Gateway logs it.
    async fn invoke(
        &self,
        lambda: &LambdaService,
        a: &CompiledAuthorizer,
        event: Value,
        format: OutputFormat,
    ) -> Result<(AuthorizerOutput, u64), AuthFailure> {
        let Some(function) = a.function else {
            platform_line(
                "API Gateway",
                &format!(
                    "authorizer {}: its function is not served locally: answering as API Gateway does when it cannot invoke an authorizer",
                    a.name
                ),
            );
            return Err(AuthFailure::AuthorizerError);
        };
        a.invocations.fetch_add(1, Ordering::Relaxed);
        let started = Instant::now();
        let options = InvokeOptions { gateway_cap: Some(AUTHORIZER_TIMEOUT), ..InvokeOptions::default() };
        let result = lambda.invoke(function, event, options).await;
        let latency = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        let output = match result {
            Ok(v) => v,
            Err(InvokeError::Handler { error, .. }) if error.error_message == "Unauthorized" => {
                return Err(AuthFailure::Unauthorized { www_authenticate: None });
            }
            Err(e) => {
                platform_line(
                    "API Gateway",
                    &format!("authorizer {}: Execution failed due to configuration error: {e}", a.name),
                );
                return Err(AuthFailure::AuthorizerError);
            }
        };
        match lambda_authorizer::parse_output(&output, format) {
            Ok(out) => Ok((out, latency)),
            Err(e) => {
                platform_line(
                    "API Gateway",
                    &format!("authorizer {}: Execution failed due to configuration error: {e}", a.name),
                );
                Err(AuthFailure::AuthorizerError)
            }
        }
    }

    /// Decides with the authorizer's answer (a cached policy is evaluated against this request's ARN) and fills
    /// `requestContext.authorizer`.
    fn apply(
        &self,
        a: &CompiledAuthorizer,
        req: &AuthRequest<'_>,
        arn: &str,
        out: AuthorizerOutput,
        latency: u64,
        granted: &mut Granted,
    ) -> Result<(), AuthFailure> {
        let (principal_id, context) = match out {
            AuthorizerOutput::Simple { authorized: false, .. } => return Err(AuthFailure::ImplicitDeny),
            AuthorizerOutput::Simple { authorized: true, context } => (None, context),
            AuthorizerOutput::Policy { principal_id, policy, context } => {
                if policy.has_conditions() {
                    tracing::warn!(authorizer = %a.name, "the policy has Condition blocks; they are not evaluated locally");
                }
                match policy.evaluate(arn) {
                    Decision::Allow => {}
                    Decision::ExplicitDeny => return Err(AuthFailure::ExplicitDeny),
                    Decision::ImplicitDeny => return Err(AuthFailure::ImplicitDeny),
                }
                (principal_id, context)
            }
        };
        granted.authorizer = Some(lambda_context(req.api.kind, req.route.payload, principal_id, context, latency));
        Ok(())
    }
}

/// The IAM keys the options name: in code, from the environment, from a credentials file (a file that cannot be
/// read is logged here; the CLI reports it as an error before the app is built).
fn iam_credentials(options: &AccessOptions) -> IamCredentials {
    let mut iam = IamCredentials::from_pairs(&options.iam_credentials);
    if options.iam_from_environment {
        iam.extend(IamCredentials::from_env());
    }
    if let Some(path) = &options.iam_credentials_file {
        match IamCredentials::load_file(path) {
            Ok(file) => iam.extend(file),
            Err(e) => tracing::warn!("AWS_IAM credentials not loaded: {e}"),
        }
    }
    iam
}

/// `requestContext.authorizer` for a Lambda authorizer: REST and payload 1.0 get `principalId`, the context with
/// values stringified and `integrationLatency`; HTTP API payload 2.0 gets `{"lambda": context}`.
fn lambda_context(
    kind: ApiKind,
    payload: PayloadVersion,
    principal_id: Option<String>,
    context: Map<String, Value>,
    latency_ms: u64,
) -> Value {
    if kind == ApiKind::Http && payload == PayloadVersion::V2 {
        return serde_json::json!({ "lambda": Value::Object(context) });
    }
    let mut m: Map<String, Value> = context.iter().map(|(k, v)| (k.clone(), lambda_authorizer::stringify(v))).collect();
    m.insert("principalId".into(), principal_id.map_or(Value::Null, Value::String));
    m.insert("integrationLatency".into(), Value::from(latency_ms));
    Value::Object(m)
}
