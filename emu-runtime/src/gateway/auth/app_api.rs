//! What an [`App`] offers about access control: minting local-issuer tokens for its JWT and Cognito authorizers,
//! its API keys, and how often each authorizer ran (to test caching without reading logs).

use std::fmt;

use emu_template::AuthorizerKind;
use serde_json::Value;

use super::AuthorizerStats;
use crate::App;

/// Why [`App::mint_token`] could not make a token.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum MintError {
    /// The claims are not a JSON object.
    ClaimsNotAnObject,
    /// The app has no JWT or Cognito authorizer to mint for.
    NoTokenAuthorizer,
    /// Several authorizers could take the token: name one.
    Ambiguous(Vec<String>),
    /// No authorizer has this name.
    UnknownAuthorizer {
        /// The name asked for.
        name: String,
        /// The JWT and Cognito authorizers there are.
        known: Vec<String>,
    },
    /// The authorizer is a Lambda authorizer: it decides from whatever token it gets.
    NotATokenAuthorizer(String),
    /// The app trusts no local issuer (`LocalIssuerMode::Off`).
    NoLocalIssuer,
}

impl fmt::Display for MintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MintError::ClaimsNotAnObject => f.write_str("the claims must be a JSON object, like {\"sub\":\"u1\"}"),
            MintError::NoTokenAuthorizer => {
                f.write_str("the template has no JWT or Cognito authorizer, so there is nothing to mint a token for")
            }
            MintError::Ambiguous(names) => {
                write!(f, "several authorizers take tokens ({}): name one (--authorizer NAME)", names.join(", "))
            }
            MintError::UnknownAuthorizer { name, known } => {
                write!(f, "no JWT or Cognito authorizer is named `{name}` (there are: {})", known.join(", "))
            }
            MintError::NotATokenAuthorizer(name) => write!(
                f,
                "authorizer `{name}` is a Lambda authorizer: it accepts whatever token its function accepts, so send that token directly"
            ),
            MintError::NoLocalIssuer => f.write_str("the app trusts no local issuer, so it cannot mint tokens"),
        }
    }
}

impl std::error::Error for MintError {}

impl App {
    /// A token signed by the app's local issuer for the JWT or Cognito authorizer `authorizer` (the only one when
    /// `None`), with `claims` plus `iss`, `aud`, `iat`, `exp` (one hour) and, for Cognito, `token_use`. The app
    /// verifies it like any other token: a real signature, the authorizer's issuer and audience, the route's scopes.
    pub fn mint_token(&self, authorizer: Option<&str>, claims: Value) -> Result<String, MintError> {
        let Value::Object(claims) = claims else { return Err(MintError::ClaimsNotAnObject) };
        let token_authorizers: Vec<&emu_template::Authorizer> = self
            .model()
            .authorizers
            .iter()
            .filter(|a| matches!(a.kind, AuthorizerKind::Jwt { .. } | AuthorizerKind::Cognito { .. }))
            .collect();
        let names = || token_authorizers.iter().map(|a| a.name.to_string()).collect::<Vec<_>>();
        let chosen = match authorizer {
            Some(name) => match self.model().authorizers.iter().find(|a| a.name == name) {
                Some(a) if a.function().is_some() => return Err(MintError::NotATokenAuthorizer(name.to_owned())),
                Some(a) => a,
                None => return Err(MintError::UnknownAuthorizer { name: name.to_owned(), known: names() }),
            },
            None => match token_authorizers.as_slice() {
                [] => return Err(MintError::NoTokenAuthorizer),
                [one] => one,
                several => {
                    // One issuer (and audience) for all of them still makes one token fit every one.
                    let first = several[0];
                    if several.iter().all(|a| a.kind == first.kind) {
                        first
                    } else {
                        return Err(MintError::Ambiguous(names()));
                    }
                }
            },
        };
        let issuer = self.access().local_issuer().ok_or(MintError::NoLocalIssuer)?;
        let now = crate::clock::now_epoch_ms() / 1000;
        super::tokens::mint(issuer, &chosen.kind, claims, now).ok_or(MintError::NoTokenAuthorizer)
    }

    /// The public key of the app's local issuer as a JWKS document (`{"keys":[{...}]}`), for code that verifies
    /// tokens itself; `None` without a local issuer.
    pub fn local_issuer_jwks(&self) -> Option<String> {
        self.access().local_issuer().map(|i| i.jwks_json())
    }

    /// How often the authorizer `name` ran and how many requests its cache answered; `None` when no authorizer has
    /// that name.
    pub fn authorizer_stats(&self, name: &str) -> Option<AuthorizerStats> {
        self.access().stats(name)
    }

    /// Forgets every cached authorizer result (the next request of each identity invokes its authorizer again).
    pub fn clear_authorizer_caches(&self) {
        self.access().clear_caches();
    }

    /// The API keys the gateway accepts (template keys, `--api-key` values, or the key generated at start when a
    /// route needs one and none is known), enabled ones only.
    pub fn api_keys(&self) -> Vec<String> {
        self.access().api_keys().iter().filter(|k| k.enabled).map(|k| k.value.clone()).collect()
    }
}
