//! JWT and Cognito authorizers at the gateway: which keys are trusted (JWKS per issuer and the local issuer),
//! a route's token checked against its authorizer, and the claims put in `requestContext.authorizer`.

use std::sync::Arc;

use emu_template::{ApiKind, AuthorizerKind, PayloadVersion};
use serde_json::{Map, Value};

use super::failure::AuthFailure;
use super::jwt::{self, JwtCheck, JwtError, JwtVerifier, VerifiedToken};
use super::local_issuer::{LocalIssuer, MintDefaults};

/// Which local issuer the app's JWT and Cognito authorizers trust besides the issuers' own keys.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum LocalIssuerMode {
    /// A key made for this app in memory: tokens minted by [`crate::testing::TestClient`] (the default).
    #[default]
    Ephemeral,
    /// The key every process of this user shares (a 0600 file), so `--mint-token` output works with `serve`.
    Shared,
    /// No local issuer: only the issuers' own keys (`--jwks`) are trusted.
    Off,
}

/// Where JWT and Cognito authorizers get the keys they trust.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenSettings {
    /// JWKS documents (the JSON text) per issuer, as `--jwks ISSUER=PATH_OR_URL` loads them.
    pub jwks: Vec<(String, String)>,
    /// The local issuer.
    pub local_issuer: LocalIssuerMode,
}

/// The token verifier of an app.
#[derive(Debug)]
pub(crate) struct TokenVerifier {
    jwt: JwtVerifier,
}

impl TokenVerifier {
    /// Trusts the JWKS of `settings` and its local issuer; a key that cannot be used is logged, never fatal here
    /// (the CLI checks `--jwks` before serving). Without JWT or Cognito authorizers (`needed` false) no local issuer
    /// is made: no key is generated or written for an app that cannot use one.
    pub(crate) fn new(settings: &TokenSettings, needed: bool) -> TokenVerifier {
        let local = match settings.local_issuer {
            _ if !needed => None,
            LocalIssuerMode::Off => None,
            LocalIssuerMode::Ephemeral => LocalIssuer::ephemeral().map_err(|e| e.to_string()).map(Arc::new).ok(),
            LocalIssuerMode::Shared => match LocalIssuer::shared() {
                Ok(l) => Some(Arc::new(l)),
                Err(e) => {
                    tracing::warn!(
                        "the shared local issuer is unavailable ({e}); tokens minted by another process are refused"
                    );
                    LocalIssuer::ephemeral().ok().map(Arc::new)
                }
            },
        };
        let mut jwt = JwtVerifier::new(local);
        for (issuer, doc) in &settings.jwks {
            if let Err(e) = jwt.add_jwks(issuer, doc) {
                tracing::warn!(issuer = %issuer, "JWKS not used: {e}");
            }
        }
        TokenVerifier { jwt }
    }

    /// The local issuer, when there is one.
    pub(crate) fn local_issuer(&self) -> Option<&Arc<LocalIssuer>> {
        self.jwt.local()
    }

    /// Verifies a route's token against `check`; `scopes` are the route's.
    pub(crate) fn check(
        &self,
        check: &TokenCheck,
        token: Option<&str>,
        scopes: &[String],
        now_epoch_secs: u64,
    ) -> Result<VerifiedToken, AuthFailure> {
        let fail = |e: JwtError| {
            if matches!(check, TokenCheck::Cognito { .. }) {
                return AuthFailure::CognitoRejected { message: e.cognito_message() };
            }
            let www = e.www_authenticate(scopes);
            if e.status() == 403 {
                AuthFailure::InsufficientScope { www_authenticate: www }
            } else {
                AuthFailure::Unauthorized { www_authenticate: www }
            }
        };
        let Some(token) = token else { return Err(fail(JwtError::MissingToken)) };
        match check {
            TokenCheck::Jwt { issuer, audiences } => {
                let check = JwtCheck::Http { issuer, audiences, scopes };
                self.jwt.verify(token, &check, now_epoch_secs).map_err(fail)
            }
            TokenCheck::Cognito { issuers } => {
                let mut first_error = None;
                for issuer in issuers {
                    match self.jwt.verify(token, &JwtCheck::Cognito { issuer, scopes }, now_epoch_secs) {
                        Ok(t) => return Ok(t),
                        Err(e) => {
                            first_error.get_or_insert(e);
                        }
                    }
                }
                Err(fail(first_error.unwrap_or(JwtError::MissingToken)))
            }
        }
    }
}

/// What a JWT or Cognito authorizer checks a token against, computed once when the app is built.
#[derive(Clone, Debug)]
pub(crate) enum TokenCheck {
    /// HTTP API JWT authorizer: its issuer and audiences.
    Jwt {
        /// `JwtConfiguration.Issuer`.
        issuer: String,
        /// `JwtConfiguration.Audience`.
        audiences: Vec<String>,
    },
    /// REST Cognito authorizer: the issuer of each user pool.
    Cognito {
        /// `https://cognito-idp.{region}.amazonaws.com/{poolId}` per user pool.
        issuers: Vec<String>,
    },
}

impl TokenCheck {
    /// The check of a JWT or Cognito authorizer; `None` for Lambda authorizers.
    pub(crate) fn of(kind: &AuthorizerKind) -> Option<TokenCheck> {
        match kind {
            AuthorizerKind::Jwt { issuer, audiences } => Some(TokenCheck::Jwt {
                issuer: issuer.to_string(),
                audiences: audiences.iter().map(|a| a.to_string()).collect(),
            }),
            AuthorizerKind::Cognito { user_pools } => Some(TokenCheck::Cognito {
                issuers: user_pools.iter().filter_map(|p| jwt::cognito_issuer(p)).collect(),
            }),
            _ => None,
        }
    }
}

/// The issuer and audience a token minted for this authorizer needs (`None` for Lambda authorizers).
pub(crate) fn mint_target(kind: &AuthorizerKind) -> Option<(String, Option<String>, Option<&'static str>)> {
    match kind {
        AuthorizerKind::Jwt { issuer, audiences } => {
            Some((issuer.to_string(), audiences.first().map(|a| a.to_string()), None))
        }
        AuthorizerKind::Cognito { user_pools } => {
            let issuer = user_pools.iter().find_map(|p| jwt::cognito_issuer(p))?;
            Some((issuer, None, Some("id")))
        }
        _ => None,
    }
}

/// Mints a local-issuer token with `claims` for an authorizer of `kind` (Cognito: an access token when the
/// claims carry `scope`, else an ID token), valid for an hour from `now_epoch_secs`.
pub(crate) fn mint(
    issuer: &LocalIssuer,
    kind: &AuthorizerKind,
    claims: Map<String, Value>,
    now_epoch_secs: u64,
) -> Option<String> {
    let (iss, audience, token_use) = mint_target(kind)?;
    let token_use = token_use.map(|u| if claims.contains_key("scope") { "access" } else { u });
    let defaults =
        MintDefaults { issuer: &iss, audience: audience.as_deref(), token_use, ttl_secs: 3600, now_epoch_secs };
    Some(issuer.mint(claims, &defaults))
}

/// `requestContext.authorizer` for a verified token: REST Cognito `{"claims": {...}}`; HTTP API payload 2.0
/// `{"jwt": {"claims": {...}, "scopes": [...] | null}}`; payload 1.0 `{"claims": {...}, "scopes": ...}`.
pub(crate) fn authorizer_value(
    kind: &AuthorizerKind,
    api: ApiKind,
    payload: PayloadVersion,
    t: VerifiedToken,
) -> Value {
    let scopes =
        if t.scopes.is_empty() { Value::Null } else { Value::Array(t.scopes.into_iter().map(Value::String).collect()) };
    match (kind, api, payload) {
        (AuthorizerKind::Cognito { .. }, _, _) => {
            serde_json::json!({ "claims": Value::Object(jwt::cognito_claims_as_strings(&t.claims)) })
        }
        (_, ApiKind::Http, PayloadVersion::V2) => serde_json::json!({
            "jwt": { "claims": Value::Object(jwt::claims_as_strings(&t.claims)), "scopes": scopes }
        }),
        _ => serde_json::json!({ "claims": Value::Object(jwt::claims_as_strings(&t.claims)), "scopes": scopes }),
    }
}
