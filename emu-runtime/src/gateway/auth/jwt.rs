//! JWT verification as API Gateway's HTTP API JWT authorizers and REST Cognito user pool authorizers do it: the
//! signature against the issuer's keys (chosen by `kid`), then `iss`, `aud`/`client_id`, `exp`/`nbf`/`iat`,
//! Cognito's `token_use` and the route's scopes. Every malformed token is an error, never a panic.
//!
//! The rules and their AWS sources are in `docs/auth-crypto.md` (folded into `docs/fidelity.md`); where AWS says
//! nothing (clock skew, most `error_description` texts) the choice made here is marked there as ours.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value};

use super::jwks::{JwksError, KeySet, VerifyKey, parse_key_set, supported_algorithm};
use super::local_issuer::LocalIssuer;

/// The longest token read. API Gateway caps a request's headers near 10 KB, so no real token is near this; the
/// cap only bounds the work an absurd input costs.
pub(crate) const MAX_TOKEN_BYTES: usize = 16 * 1024;

/// Clock-skew tolerance for `exp`, `nbf` and `iat`. AWS documents none ("exp must be after now, nbf and iat before
/// now", [D-HJWT]); searched and NOT FOUND, so none is allowed.
pub(crate) const LEEWAY_SECS: u64 = 0;

/// What the authorizer requires of a token besides a good signature.
#[derive(Clone, Copy, Debug)]
pub(crate) enum JwtCheck<'a> {
    /// An HTTP API JWT authorizer: its issuer and audiences, and the route's `AuthorizationScopes`.
    Http {
        /// `JwtConfiguration.issuer`.
        issuer: &'a str,
        /// `JwtConfiguration.audience`: `aud` (or, without `aud`, `client_id`) must be one of them.
        audiences: &'a [String],
        /// The route's scopes: the token needs at least one of them (none: no scope check).
        scopes: &'a [String],
    },
    /// A REST API `COGNITO_USER_POOLS` authorizer: the pool's issuer and the method's scopes.
    Cognito {
        /// `https://cognito-idp.{region}.amazonaws.com/{poolId}`: see [`cognito_issuer`].
        issuer: &'a str,
        /// The method's `AuthorizationScopes`: none means an ID token is required, some an access token.
        scopes: &'a [String],
    },
}

impl JwtCheck<'_> {
    fn issuer(&self) -> &str {
        match self {
            JwtCheck::Http { issuer, .. } | JwtCheck::Cognito { issuer, .. } => issuer,
        }
    }

    fn scopes(&self) -> &[String] {
        match self {
            JwtCheck::Http { scopes, .. } | JwtCheck::Cognito { scopes, .. } => scopes,
        }
    }
}

/// A token that passed every check.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct VerifiedToken {
    /// The claims, as the token carries them (see [`claims_as_strings`] for the form the function sees).
    pub(crate) claims: Map<String, Value>,
    /// The token's scopes (`scope` and `scp`) when the route asks for scopes; empty when it does not, which
    /// API Gateway renders as `"scopes": null`.
    pub(crate) scopes: Vec<String>,
}

/// Which part of a token is malformed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Part {
    /// The JOSE header.
    Header,
    /// The claims (payload).
    Claims,
    /// The signature.
    Signature,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Part::Header => "header",
            Part::Claims => "claims",
            Part::Signature => "signature",
        })
    }
}

/// How a token fails to be a well-formed JWS compact serialization.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Malformed {
    /// Over [`MAX_TOKEN_BYTES`].
    TooLong,
    /// Not three dot-separated parts.
    Segments,
    /// A part is not base64url.
    Base64(Part),
    /// The header or claims are not JSON.
    Json(Part),
    /// The header or claims are JSON but not an object.
    NotAnObject(Part),
    /// The header has no `alg` string.
    NoAlgorithm,
    /// The header has `crit` extensions, none of which this verifier understands (RFC 7515 §4.1.11).
    Critical,
    /// A registered claim has the wrong JSON type (e.g. `exp` is not a number).
    ClaimType {
        /// The claim.
        claim: &'static str,
        /// What it must be.
        expected: &'static str,
    },
}

/// Why a token was rejected. [`JwtError::status`] and [`JwtError::www_authenticate`] give API Gateway's answer.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum JwtError {
    /// No token at all (empty, or only `Bearer`).
    MissingToken,
    /// Not a well-formed JWT.
    Malformed(Malformed),
    /// `alg` is `none`, an HMAC algorithm, or another algorithm API Gateway does not accept.
    UnsupportedAlgorithm(String),
    /// No key is trusted for the authorizer's issuer (no `--jwks` for it, no local issuer).
    NoKeysForIssuer(String),
    /// No trusted key has the token's `kid` (or the token has no `kid` and the issuer has several keys).
    UnknownKey(Option<String>),
    /// The key named by `kid` cannot verify the token's `alg` (an RSA key for ES256, a JWK restricted to RS384…).
    AlgorithmMismatch(String),
    /// The signature does not verify with the key.
    BadSignature,
    /// `iss` is not the authorizer's issuer.
    WrongIssuer(Option<String>),
    /// Neither `aud` nor (without `aud`) `client_id` is one of the authorizer's audiences.
    WrongAudience,
    /// No `exp`.
    MissingExpiry,
    /// `exp` is not after now.
    Expired,
    /// `nbf` is after now.
    NotYetValid,
    /// `iat` is after now.
    IssuedInFuture,
    /// Cognito: the token is not the kind the method needs (`id` without scopes, `access` with scopes).
    WrongTokenUse {
        /// The `token_use` required.
        expected: &'static str,
        /// The token's, if any.
        found: Option<String>,
    },
    /// The token has none of the route's scopes.
    InsufficientScope {
        /// Whether a Cognito (REST) authorizer refused it: that is a 401 there, a 403 on HTTP APIs.
        cognito: bool,
    },
}

impl JwtError {
    /// The HTTP status API Gateway answers with: 401, except 403 for an HTTP API token lacking the route's
    /// scopes (AWS documents only "denied"; 403 is the choice of RFC 6750 §3.1, see docs/auth-crypto.md).
    /// A Cognito authorizer answers 401 for a scope mismatch ([D-COGEN]).
    pub(crate) fn status(&self) -> u16 {
        match self {
            JwtError::InsufficientScope { cognito: false } => 403,
            _ => 401,
        }
    }

    /// The `message` of a REST Cognito authorizer's 401 body: `The incoming token has expired` for an expired token
    /// (observed, aws-amplify/amplify-js#6060 and #10147), `Unauthorized` otherwise ([D-GRT] UNAUTHORIZED).
    pub(crate) fn cognito_message(&self) -> &'static str {
        match self {
            JwtError::Expired => "The incoming token has expired",
            _ => "Unauthorized",
        }
    }

    /// The `error_description` of the `www-authenticate` header. Three texts are AWS's: the audience one
    /// (documented, [D-HJWTTS]), the expiry one and the segments one (observed); the others are ours.
    pub(crate) fn description(&self) -> String {
        match self {
            JwtError::MissingToken => "the token is missing".to_owned(),
            JwtError::Malformed(Malformed::Segments) => "token contains an invalid number of segments".to_owned(),
            JwtError::Malformed(Malformed::TooLong) => "token is malformed: it is too long".to_owned(),
            JwtError::Malformed(Malformed::Base64(part)) => format!("token is malformed: the {part} is not base64url"),
            JwtError::Malformed(Malformed::Json(part)) => format!("token is malformed: the {part} is not JSON"),
            JwtError::Malformed(Malformed::NotAnObject(part)) => {
                format!("token is malformed: the {part} is not a JSON object")
            }
            JwtError::Malformed(Malformed::NoAlgorithm) => "token is malformed: the header has no alg".to_owned(),
            JwtError::Malformed(Malformed::Critical) => "token is malformed: unsupported critical header".to_owned(),
            JwtError::Malformed(Malformed::ClaimType { claim, expected }) => {
                format!("token is malformed: {claim} is not {expected}")
            }
            JwtError::UnsupportedAlgorithm(alg) => format!("signing method {} is not supported", printable(alg)),
            JwtError::NoKeysForIssuer(_) => "no signing key is known for the issuer".to_owned(),
            JwtError::UnknownKey(_) => "the signing key was not found".to_owned(),
            JwtError::AlgorithmMismatch(_) => "the signing method does not match the key".to_owned(),
            JwtError::BadSignature => "the token signature is invalid".to_owned(),
            JwtError::WrongIssuer(_) => "the token does not have a valid issuer".to_owned(),
            JwtError::WrongAudience => "the token does not have a valid audience".to_owned(),
            JwtError::MissingExpiry => "the token has no expiration time".to_owned(),
            JwtError::Expired => "the token has expired".to_owned(),
            JwtError::NotYetValid => "the token is not valid yet".to_owned(),
            JwtError::IssuedInFuture => "the token was issued in the future".to_owned(),
            JwtError::WrongTokenUse { expected, .. } => format!("the token is not an {expected} token"),
            JwtError::InsufficientScope { .. } => "the token does not have the required scope".to_owned(),
        }
    }

    /// The `www-authenticate` value an HTTP API JWT authorizer sends with this failure, naming the route's scopes
    /// as AWS does (`Bearer scope="…" error="invalid_token" error_description="…"`, [D-HJWTTS] and observed), or
    /// `Bearer` alone for a missing token (observed). `None` for the Cognito-only failures: REST Cognito
    /// authorizers send no such header (none is documented or observed).
    pub(crate) fn www_authenticate(&self, route_scopes: &[String]) -> Option<String> {
        let scope = quoted(&route_scopes.join(" "));
        match self {
            JwtError::MissingToken => Some("Bearer".to_owned()),
            JwtError::WrongTokenUse { .. } | JwtError::InsufficientScope { cognito: true } => None,
            JwtError::InsufficientScope { cognito: false } => Some(format!(
                r#"Bearer scope="{scope}" error="insufficient_scope" error_description="{}""#,
                quoted(&self.description())
            )),
            _ => Some(format!(
                r#"Bearer scope="{scope}" error="invalid_token" error_description="{}""#,
                quoted(&self.description())
            )),
        }
    }
}

impl fmt::Display for JwtError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwtError::NoKeysForIssuer(issuer) => write!(
                f,
                "no signing key is trusted for the issuer {issuer:?}: pass --jwks {issuer}=FILE_OR_URL, or use a token \
                 from the local issuer (--mint-token)"
            ),
            JwtError::UnknownKey(Some(kid)) => write!(f, "no trusted key has the token's kid {:?}", printable(kid)),
            JwtError::UnknownKey(None) => {
                f.write_str("the token names no kid and the issuer has several keys (or none)")
            }
            JwtError::WrongIssuer(Some(iss)) => {
                write!(f, "the token's issuer {:?} is not the authorizer's", printable(iss))
            }
            JwtError::WrongTokenUse { expected, found } => write!(
                f,
                "the method needs an {expected} token (Cognito: no scopes on the method → ID token, scopes → access \
                 token), the token's token_use is {found:?}"
            ),
            other => f.write_str(&other.description()),
        }
    }
}

impl std::error::Error for JwtError {}

/// Attacker-chosen text (an `alg`, a `kid`, an `iss`) shortened and reduced to printable ASCII for messages.
fn printable(text: &str) -> String {
    text.chars().take(64).map(|c| if c.is_ascii_graphic() && c != '"' && c != '\\' { c } else { '?' }).collect()
}

/// `text` escaped for an HTTP quoted-string (RFC 9110 §5.6.4), without control characters.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            c if c == ' ' || c.is_ascii_graphic() => out.push(c),
            _ => out.push('?'),
        }
    }
    out
}

/// The issuer of a Cognito user pool, from its ARN `arn:aws:cognito-idp:{region}:{account}:userpool/{poolId}`:
/// `https://cognito-idp.{region}.amazonaws.com/{poolId}` ([D-COGJWT]). `None` when `arn` is not such an ARN.
pub(crate) fn cognito_issuer(user_pool_arn: &str) -> Option<String> {
    let mut parts = user_pool_arn.splitn(6, ':');
    let (arn, partition, service, region, _account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let pool = resource.strip_prefix("userpool/")?;
    let valid = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if arn != "arn" || partition.is_empty() || service != "cognito-idp" || !valid(region) || !valid(pool) {
        return None;
    }
    let domain = if partition == "aws-cn" { "amazonaws.com.cn" } else { "amazonaws.com" };
    Some(format!("https://cognito-idp.{region}.{domain}/{pool}"))
}

/// The keys trusted per issuer, and the local issuer trusted for every issuer.
#[derive(Debug, Default)]
pub(crate) struct JwtVerifier {
    issuers: HashMap<String, Vec<VerifyKey>>,
    local: Option<Arc<LocalIssuer>>,
}

impl JwtVerifier {
    /// A verifier trusting only `local` (if any) until JWKS are added.
    pub(crate) fn new(local: Option<Arc<LocalIssuer>>) -> JwtVerifier {
        JwtVerifier { issuers: HashMap::new(), local }
    }

    /// Trusts the keys of a JWKS document for `issuer`; returns how many were usable. Skipped keys are logged.
    pub(crate) fn add_jwks(&mut self, issuer: &str, jwks_json: &str) -> Result<usize, JwksError> {
        let set = parse_key_set(jwks_json, &format!("for the issuer {issuer}"))?;
        Ok(self.add_key_set(issuer, set))
    }

    /// Trusts an already parsed key set for `issuer`; returns how many keys it added. Skipped keys are logged.
    pub(crate) fn add_key_set(&mut self, issuer: &str, set: KeySet) -> usize {
        for skipped in &set.skipped {
            tracing::warn!(issuer, "JWKS: {skipped}");
        }
        let count = set.keys.len();
        self.issuers.entry(issuer.to_owned()).or_default().extend(set.keys);
        count
    }

    /// The local issuer, when there is one.
    pub(crate) fn local(&self) -> Option<&Arc<LocalIssuer>> {
        self.local.as_ref()
    }

    /// Verifies `token` (optionally prefixed `Bearer `, any case) against `check` at `now_epoch_secs`.
    pub(crate) fn verify(
        &self,
        token: &str,
        check: &JwtCheck<'_>,
        now_epoch_secs: u64,
    ) -> Result<VerifiedToken, JwtError> {
        let token = strip_bearer(token);
        if token.is_empty() {
            return Err(JwtError::MissingToken);
        }
        if token.len() > MAX_TOKEN_BYTES {
            return Err(JwtError::Malformed(Malformed::TooLong));
        }
        let parts: Vec<&str> = token.split('.').collect();
        let [header_b64, claims_b64, signature_b64] = parts[..] else {
            return Err(JwtError::Malformed(Malformed::Segments));
        };
        let header = decode_object(header_b64, Part::Header)?;
        let claims = decode_object(claims_b64, Part::Claims)?;
        if URL_SAFE_NO_PAD.decode(signature_b64).is_err() {
            return Err(JwtError::Malformed(Malformed::Base64(Part::Signature)));
        }
        let Some(alg_name) = header.get("alg").and_then(Value::as_str) else {
            return Err(JwtError::Malformed(Malformed::NoAlgorithm));
        };
        let Some(alg) = supported_algorithm(alg_name) else {
            return Err(JwtError::UnsupportedAlgorithm(alg_name.to_owned()));
        };
        if header.contains_key("crit") {
            return Err(JwtError::Malformed(Malformed::Critical));
        }
        let kid = match header.get("kid") {
            None => None,
            Some(Value::String(kid)) => Some(kid.as_str()),
            Some(_) => return Err(JwtError::Malformed(Malformed::ClaimType { claim: "kid", expected: "a string" })),
        };
        let key = self.key_for(check.issuer(), kid)?;
        if !key.kind.accepts(alg) || key.alg.is_some_and(|restricted| restricted != alg) {
            return Err(JwtError::AlgorithmMismatch(alg_name.to_owned()));
        }
        let message_len = header_b64.len() + 1 + claims_b64.len();
        let verified = jsonwebtoken::crypto::verify(signature_b64, &token.as_bytes()[..message_len], &key.key, alg);
        if !matches!(verified, Ok(true)) {
            return Err(JwtError::BadSignature);
        }
        check_claims(&claims, check, now_epoch_secs)?;
        let scopes = if check.scopes().is_empty() { Vec::new() } else { token_scopes(&claims) };
        Ok(VerifiedToken { claims, scopes })
    }

    /// The key to verify with: the issuer's key named `kid` (or the local issuer's), or, for a token without a
    /// `kid`, the issuer's only key.
    fn key_for(&self, issuer: &str, kid: Option<&str>) -> Result<&VerifyKey, JwtError> {
        let keys = self.issuers.get(issuer).map(Vec::as_slice).unwrap_or_default();
        let local = self.local.as_deref().map(LocalIssuer::verify_key);
        if keys.is_empty() && local.is_none() {
            return Err(JwtError::NoKeysForIssuer(issuer.to_owned()));
        }
        match kid {
            Some(kid) => keys
                .iter()
                .chain(local)
                .find(|key| key.kid.as_deref() == Some(kid))
                .ok_or_else(|| JwtError::UnknownKey(Some(kid.to_owned()))),
            None => match (keys, local) {
                ([only], _) => Ok(only),
                ([], Some(local)) => Ok(local),
                _ => Err(JwtError::UnknownKey(None)),
            },
        }
    }
}

/// `token` without surrounding spaces and without a leading `Bearer ` (any case), as AWS accepts it ([D-HJWT]).
fn strip_bearer(token: &str) -> &str {
    let token = token.trim();
    match token.get(..7) {
        Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => token[7..].trim_start(),
        _ if token.eq_ignore_ascii_case("bearer") => "",
        _ => token,
    }
}

fn decode_object(part_b64: &str, part: Part) -> Result<Map<String, Value>, JwtError> {
    let bytes = URL_SAFE_NO_PAD.decode(part_b64).map_err(|_| JwtError::Malformed(Malformed::Base64(part)))?;
    match serde_json::from_slice::<Value>(&bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(JwtError::Malformed(Malformed::NotAnObject(part))),
        Err(_) => Err(JwtError::Malformed(Malformed::Json(part))),
    }
}

/// A NumericDate claim: absent, or a JSON number (RFC 7519 §2).
fn numeric_date(claims: &Map<String, Value>, claim: &'static str) -> Result<Option<f64>, JwtError> {
    match claims.get(claim) {
        None => Ok(None),
        Some(value) => {
            value.as_f64().map(Some).ok_or(JwtError::Malformed(Malformed::ClaimType { claim, expected: "a number" }))
        }
    }
}

/// The claim checks, in the order of AWS's workflow ([D-HJWT] step 4): issuer, audience, times, then scopes.
fn check_claims(claims: &Map<String, Value>, check: &JwtCheck<'_>, now: u64) -> Result<(), JwtError> {
    match claims.get("iss") {
        Some(Value::String(iss)) if iss == check.issuer() => {}
        Some(Value::String(iss)) => return Err(JwtError::WrongIssuer(Some(iss.clone()))),
        _ => return Err(JwtError::WrongIssuer(None)),
    }
    if let JwtCheck::Http { audiences, .. } = check {
        // "API Gateway validates client_id only if aud is not present" ([D-HJWTTS]).
        let listed = |value: &str| audiences.iter().any(|a| a == value);
        let matches = match (claims.get("aud"), claims.get("client_id")) {
            (Some(Value::String(aud)), _) => listed(aud),
            (Some(Value::Array(auds)), _) => auds.iter().filter_map(Value::as_str).any(listed),
            (Some(_), _) => false,
            (None, Some(Value::String(client_id))) => listed(client_id),
            (None, _) => false,
        };
        if !matches {
            return Err(JwtError::WrongAudience);
        }
    }
    let now_f = now as f64;
    let leeway = LEEWAY_SECS as f64;
    let exp = numeric_date(claims, "exp")?.ok_or(JwtError::MissingExpiry)?;
    if exp + leeway <= now_f {
        return Err(JwtError::Expired);
    }
    if numeric_date(claims, "nbf")?.is_some_and(|nbf| nbf > now_f + leeway) {
        return Err(JwtError::NotYetValid);
    }
    if numeric_date(claims, "iat")?.is_some_and(|iat| iat > now_f + leeway) {
        return Err(JwtError::IssuedInFuture);
    }
    let required = check.scopes();
    if let JwtCheck::Cognito { .. } = check {
        // No scopes on the method: an ID token; scopes: an access token ([D-COGEN], [O-CDKS374]).
        let expected = if required.is_empty() { "id" } else { "access" };
        let found = claims.get("token_use").and_then(Value::as_str);
        if found != Some(expected) {
            return Err(JwtError::WrongTokenUse { expected, found: found.map(str::to_owned) });
        }
    }
    if !required.is_empty() {
        let held = token_scopes(claims);
        if !required.iter().any(|scope| held.contains(scope)) {
            return Err(JwtError::InsufficientScope { cognito: matches!(check, JwtCheck::Cognito { .. }) });
        }
    }
    Ok(())
}

/// The token's scopes: the space-separated `scope` string and the `scp` claim (an array, or a string), in order,
/// without repeats ([D-HJWT]: "scope or scp").
fn token_scopes(claims: &Map<String, Value>) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    let mut push = |scope: &str| {
        if !scope.is_empty() && !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    };
    for claim in ["scope", "scp"] {
        match claims.get(claim) {
            Some(Value::String(text)) => text.split_whitespace().for_each(&mut push),
            Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).for_each(&mut push),
            _ => {}
        }
    }
    scopes
}

/// The claims as API Gateway hands them to the function: every value a string. Strings are kept; numbers are
/// their decimal text (`"exp":"1612061676"`, observed for HTTP payloads 1.0 and 2.0); booleans `"true"`/`"false"`;
/// arrays and objects rendered the way Go's `fmt` prints them (`[a b]`, observed for HTTP API array claims;
/// `map[k:v]` for objects and `<nil>` for null are inferred from the same renderer: docs/auth-crypto.md).
pub(crate) fn claims_as_strings(claims: &Map<String, Value>) -> Map<String, Value> {
    claims.iter().map(|(name, value)| (name.clone(), Value::String(claim_text(value)))).collect()
}

/// [`claims_as_strings`] for a REST Cognito authorizer, with `exp` and `iat` as dates in Java's `Date.toString`
/// form (`"Thu May 30 07:38:49 UTC 2024"`) while `auth_time` stays decimal, as captured events show from 2016
/// ([O-COGJS92]) to 2024 (docs/auth-crypto.md).
pub(crate) fn cognito_claims_as_strings(claims: &Map<String, Value>) -> Map<String, Value> {
    let mut out = claims_as_strings(claims);
    for claim in ["exp", "iat"] {
        if let Some(secs) = claims.get(claim).and_then(Value::as_i64) {
            out.insert(claim.to_owned(), Value::String(java_date_utc(secs)));
        }
    }
    out
}

fn claim_text(value: &Value) -> String {
    let mut out = String::new();
    go_format(value, &mut out);
    out
}

/// Go's `fmt.Sprint` of a JSON value decoded with `UseNumber`: `[a b]`, `map[k:v]` (keys sorted), `<nil>`.
fn go_format(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                go_format(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("map[");
            for (i, key) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(key);
                out.push(':');
                go_format(&map[key], out);
            }
            out.push(']');
        }
    }
}

/// `secs` since the epoch as Java's `Date.toString()` in UTC: `EEE MMM dd HH:mm:ss zzz yyyy` (decimal before 1970).
fn java_date_utc(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let Ok(unsigned) = u64::try_from(secs) else { return secs.to_string() };
    let (year, month, day) = crate::clock::civil_date(unsigned.saturating_mul(1000));
    let rem = unsigned % 86_400;
    format!(
        "{} {} {day:02} {:02}:{:02}:{:02} UTC {year}",
        DAYS[(unsigned / 86_400 % 7) as usize],
        MONTHS[(month as usize).saturating_sub(1) % 12],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
#[path = "jwt_tests.rs"]
mod tests;
