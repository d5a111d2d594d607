//! JSON Web Key Sets: parsing a JWKS document into verification keys, and the `--jwks ISSUER=PATH_OR_URL` argument
//! that says where an issuer's keys come from (a file, or a URL fetched once with the system `curl`).
//!
//! Keys AWS cannot use are skipped and reported, never fatal: symmetric (`oct`) keys, encryption keys (`use: enc`),
//! curves and algorithms API Gateway does not accept. A document with no usable key at all is an error.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use serde_json::Value;

/// The largest JWKS document API Gateway reads: "JWKS response size: 150,000 bytes" (API Gateway quotas, [D-LIMITS]).
pub(crate) const MAX_JWKS_BYTES: usize = 150_000;

/// API Gateway's JWKS and OIDC discovery fetch timeout, 1,500 ms ([D-LIMITS]); `curl --max-time` takes seconds.
const FETCH_TIMEOUT_SECS: &str = "1.5";

/// The family of a verification key, which fixes the algorithms it may verify.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KeyKind {
    /// An RSA public key: RS256, RS384, RS512.
    Rsa,
    /// A NIST P-256 key: ES256.
    P256,
    /// A NIST P-384 key: ES384.
    P384,
}

impl KeyKind {
    /// Whether a key of this kind may verify a signature made with `alg`.
    pub(crate) fn accepts(self, alg: Algorithm) -> bool {
        matches!(
            (self, alg),
            (KeyKind::Rsa, Algorithm::RS256 | Algorithm::RS384 | Algorithm::RS512)
                | (KeyKind::P256, Algorithm::ES256)
                | (KeyKind::P384, Algorithm::ES384)
        )
    }
}

/// One usable verification key of a JWKS.
#[derive(Clone)]
pub(crate) struct VerifyKey {
    /// The key id (`kid`), which tokens name in their header.
    pub(crate) kid: Option<String>,
    /// The algorithm the key is restricted to (`alg`), when the JWK says.
    pub(crate) alg: Option<Algorithm>,
    /// The key family.
    pub(crate) kind: KeyKind,
    /// The key in the form `jsonwebtoken` verifies with.
    pub(crate) key: DecodingKey,
}

impl fmt::Debug for VerifyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyKey").field("kid", &self.kid).field("alg", &self.alg).field("kind", &self.kind).finish()
    }
}

/// A key of the document that was not loaded, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SkippedKey {
    /// Its position in `keys` (0-based).
    pub(crate) index: usize,
    /// Its `kid`, when it has one.
    pub(crate) kid: Option<String>,
    /// Why it was skipped, e.g. "symmetric (oct) keys are never trusted".
    pub(crate) reason: String,
}

impl fmt::Display for SkippedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kid {
            Some(kid) => write!(f, "key {} (kid {kid:?}) skipped: {}", self.index, self.reason),
            None => write!(f, "key {} (no kid) skipped: {}", self.index, self.reason),
        }
    }
}

/// A parsed JWKS: the usable keys and the reported skips.
#[derive(Clone, Debug)]
pub(crate) struct KeySet {
    /// The keys that verify signatures.
    pub(crate) keys: Vec<VerifyKey>,
    /// The keys left out, each with its reason.
    pub(crate) skipped: Vec<SkippedKey>,
}

/// Why a JWKS could not be read, fetched or parsed. Every message names the file or URL.
#[derive(Debug)]
pub(crate) enum JwksError {
    /// `--jwks` was not `ISSUER=PATH_OR_URL`.
    BadSpec {
        /// The argument as given.
        arg: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The document is larger than API Gateway's 150,000-byte JWKS limit.
    TooLarge {
        /// The file or URL.
        origin: String,
        /// Its size in bytes (at least; a fetch stops early).
        bytes: usize,
    },
    /// The document is not JSON.
    Json {
        /// The file or URL.
        origin: String,
        /// The parser's error.
        source: serde_json::Error,
    },
    /// The document is JSON but has no `keys` array (nor, for a URL, a `jwks_uri` to follow).
    NotAKeySet {
        /// The file or URL.
        origin: String,
    },
    /// Every key of the document was skipped.
    NoUsableKey {
        /// The file or URL.
        origin: String,
        /// Each key's reason.
        skipped: Vec<SkippedKey>,
    },
    /// A URL was given but `curl` is not installed (or could not be started).
    CurlMissing {
        /// The URL.
        url: String,
        /// The error starting `curl`.
        source: std::io::Error,
    },
    /// `curl` ran but the fetch failed (no network, timeout, HTTP error).
    Fetch {
        /// The URL.
        url: String,
        /// `curl`'s exit status and message.
        detail: String,
    },
}

impl fmt::Display for JwksError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            JwksError::BadSpec { arg, reason } => {
                write!(
                    f,
                    "--jwks {arg:?}: {reason}; expected ISSUER=PATH_OR_URL, e.g. https://issuer.example=jwks.json"
                )
            }
            JwksError::Read { path, .. } => write!(f, "cannot read the JWKS file {}", path.display()),
            JwksError::TooLarge { origin, bytes } => write!(
                f,
                "the JWKS {origin} has {bytes} bytes, over API Gateway's {MAX_JWKS_BYTES}-byte limit for a JWKS response"
            ),
            JwksError::Json { origin, .. } => write!(f, "the JWKS {origin} is not valid JSON"),
            JwksError::NotAKeySet { origin } => {
                write!(f, "{origin} is not a JWKS: it has no \"keys\" array (nor a \"jwks_uri\" to follow)")
            }
            JwksError::NoUsableKey { origin, skipped } => {
                write!(f, "the JWKS {origin} has no key API Gateway can verify with")?;
                for skip in skipped {
                    write!(f, "; {skip}")?;
                }
                Ok(())
            }
            JwksError::CurlMissing { url, .. } => write!(
                f,
                "cannot fetch the JWKS {url}: `curl` could not be started (install curl, or save the JWKS to a file \
                 and pass --jwks ISSUER=FILE)"
            ),
            JwksError::Fetch { url, detail } => write!(f, "cannot fetch the JWKS {url}: {detail}"),
        }
    }
}

impl std::error::Error for JwksError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            JwksError::Read { source, .. } | JwksError::CurlMissing { source, .. } => Some(source),
            JwksError::Json { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Parses a JWKS document; `origin` (a file or URL) names it in errors.
pub(crate) fn parse_key_set(json: &str, origin: &str) -> Result<KeySet, JwksError> {
    if json.len() > MAX_JWKS_BYTES {
        return Err(JwksError::TooLarge { origin: origin.to_owned(), bytes: json.len() });
    }
    let doc: Value =
        serde_json::from_str(json).map_err(|source| JwksError::Json { origin: origin.to_owned(), source })?;
    let Some(entries) = doc.get("keys").and_then(Value::as_array) else {
        return Err(JwksError::NotAKeySet { origin: origin.to_owned() });
    };
    let mut set = KeySet { keys: Vec::new(), skipped: Vec::new() };
    for (index, entry) in entries.iter().enumerate() {
        let kid = entry.get("kid").and_then(Value::as_str).map(str::to_owned);
        match parse_key(entry) {
            Ok(key) => set.keys.push(key),
            Err(reason) => set.skipped.push(SkippedKey { index, kid, reason }),
        }
    }
    if set.keys.is_empty() {
        return Err(JwksError::NoUsableKey { origin: origin.to_owned(), skipped: set.skipped });
    }
    Ok(set)
}

/// The JWS algorithms API Gateway's JWT authorizers accept that this emulator verifies.
pub(crate) fn supported_algorithm(name: &str) -> Option<Algorithm> {
    match name {
        "RS256" => Some(Algorithm::RS256),
        "RS384" => Some(Algorithm::RS384),
        "RS512" => Some(Algorithm::RS512),
        "ES256" => Some(Algorithm::ES256),
        "ES384" => Some(Algorithm::ES384),
        _ => None,
    }
}

/// One JWK → a verification key, or the reason it cannot be one.
fn parse_key(entry: &Value) -> Result<VerifyKey, String> {
    let Some(obj) = entry.as_object() else {
        return Err("not a JSON object".to_owned());
    };
    let text = |name: &str| obj.get(name).and_then(Value::as_str);
    let kid = text("kid").map(str::to_owned);
    if let Some(usage) = text("use")
        && usage != "sig"
    {
        return Err(format!("\"use\" is {usage:?}, not \"sig\""));
    }
    let alg = match text("alg") {
        None => None,
        Some(name) => Some(
            supported_algorithm(name)
                .ok_or_else(|| format!("algorithm {name:?} is not one of RS256/384/512, ES256/384"))?,
        ),
    };
    let kind = match text("kty") {
        Some("RSA") => KeyKind::Rsa,
        Some("EC") => match text("crv") {
            Some("P-256") => KeyKind::P256,
            Some("P-384") => KeyKind::P384,
            Some(crv) => return Err(format!("curve {crv:?} is not supported (P-256 and P-384 are)")),
            None => return Err("an EC key without \"crv\"".to_owned()),
        },
        Some("oct") => {
            return Err("symmetric (oct) keys are never trusted: API Gateway verifies signatures only".into());
        }
        Some(kty) => return Err(format!("key type {kty:?} is not supported (RSA and EC are)")),
        None => return Err("no \"kty\"".to_owned()),
    };
    if let Some(alg) = alg
        && !kind.accepts(alg)
    {
        return Err(format!("\"alg\" {alg:?} does not fit a {kind:?} key"));
    }
    let field = |name: &str| -> Result<Vec<u8>, String> {
        let value = text(name).ok_or_else(|| format!("no \"{name}\""))?;
        let bytes = URL_SAFE_NO_PAD.decode(value.trim_end_matches('='));
        bytes.map_err(|_| format!("\"{name}\" is not base64url"))
    };
    let key = match kind {
        KeyKind::Rsa => {
            let (n, e) = (field("n")?, field("e")?);
            // 1024-bit RSA is the smallest a real IdP publishes; 16384 bits is far beyond any.
            if !(128..=2048).contains(&n.len()) || e.is_empty() || e.len() > 8 {
                return Err(format!("an RSA key of {} bits is out of range", n.len() * 8));
            }
            DecodingKey::from_rsa_raw_components(&n, &e)
        }
        KeyKind::P256 | KeyKind::P384 => {
            let (x, y) = (field("x")?, field("y")?);
            let size = if kind == KeyKind::P256 { 32 } else { 48 };
            if x.len() != size || y.len() != size {
                return Err(format!("EC coordinates of {} and {} bytes do not fit the curve", x.len(), y.len()));
            }
            let mut point = Vec::with_capacity(1 + 2 * size);
            point.push(0x04);
            point.extend_from_slice(&x);
            point.extend_from_slice(&y);
            if kind == KeyKind::P256 && p256::PublicKey::from_sec1_bytes(&point).is_err() {
                return Err("the point is not on the P-256 curve".to_owned());
            }
            DecodingKey::from_ec_der(&point)
        }
    };
    Ok(VerifyKey { kid, alg, kind, key })
}

/// Where an issuer's keys come from: `--jwks ISSUER=PATH_OR_URL`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct JwksSpec {
    /// The issuer (`iss`) the keys are trusted for, exactly as tokens carry it.
    pub(crate) issuer: String,
    /// The file or URL.
    pub(crate) location: JwksLocation,
}

/// A JWKS file or URL.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum JwksLocation {
    /// A local file holding the JWKS JSON.
    File(PathBuf),
    /// An `http://` or `https://` URL: a JWKS, an OIDC discovery document, or an issuer URL.
    Url(String),
}

impl JwksSpec {
    /// Parses `ISSUER=PATH_OR_URL`, splitting at the first `=` (issuers have none; URLs may have more). A value
    /// starting `http://` or `https://` is a URL, anything else a file path.
    pub(crate) fn parse(arg: &str) -> Result<JwksSpec, JwksError> {
        let bad = |reason| JwksError::BadSpec { arg: arg.to_owned(), reason };
        let (issuer, location) = arg.split_once('=').ok_or_else(|| bad("no '=' between the issuer and the keys"))?;
        let (issuer, location) = (issuer.trim(), location.trim());
        if issuer.is_empty() {
            return Err(bad("the issuer is empty"));
        }
        if location.is_empty() {
            return Err(bad("the path or URL is empty"));
        }
        let location = if location.starts_with("https://") || location.starts_with("http://") {
            JwksLocation::Url(location.to_owned())
        } else {
            JwksLocation::File(PathBuf::from(location))
        };
        Ok(JwksSpec { issuer: issuer.to_owned(), location })
    }

    /// Reads the file, or fetches the URL once (following an OIDC discovery document's `jwks_uri`), and returns
    /// the JWKS JSON.
    pub(crate) fn load(&self) -> Result<String, JwksError> {
        match &self.location {
            JwksLocation::File(path) => read_file(path),
            JwksLocation::Url(url) => fetch_key_set(url, "curl"),
        }
    }

    /// Where the keys come from, for messages.
    pub(crate) fn origin(&self) -> String {
        match &self.location {
            JwksLocation::File(path) => path.display().to_string(),
            JwksLocation::Url(url) => url.clone(),
        }
    }
}

fn read_file(path: &Path) -> Result<String, JwksError> {
    let text = std::fs::read_to_string(path).map_err(|source| JwksError::Read { path: path.to_owned(), source })?;
    if text.len() > MAX_JWKS_BYTES {
        return Err(JwksError::TooLarge { origin: path.display().to_string(), bytes: text.len() });
    }
    Ok(text)
}

/// Fetches `url`; when it is not a JWKS, follows `jwks_uri` (the URL was a discovery document), or tries the
/// issuer's `/.well-known/openid-configuration` (the URL was the issuer itself).
fn fetch_key_set(url: &str, curl: &str) -> Result<String, JwksError> {
    let first = fetch(url, curl);
    if let Ok(body) = &first {
        match serde_json::from_str::<Value>(body) {
            Ok(doc) if doc.get("keys").is_some() => return Ok(body.clone()),
            Ok(doc) => {
                if let Some(jwks_uri) = doc.get("jwks_uri").and_then(Value::as_str) {
                    return fetch(jwks_uri, curl);
                }
            }
            Err(_) => {}
        }
    }
    if let Err(JwksError::CurlMissing { .. }) = &first {
        return first;
    }
    if !url.contains("/.well-known/") {
        let discovery = format!("{}/.well-known/openid-configuration", url.trim_end_matches('/'));
        if let Ok(body) = fetch(&discovery, curl)
            && let Ok(doc) = serde_json::from_str::<Value>(&body)
            && let Some(jwks_uri) = doc.get("jwks_uri").and_then(Value::as_str)
        {
            return fetch(jwks_uri, curl);
        }
    }
    match first {
        Ok(body) => match serde_json::from_str::<Value>(&body) {
            Ok(_) => Err(JwksError::NotAKeySet { origin: url.to_owned() }),
            Err(source) => Err(JwksError::Json { origin: url.to_owned(), source }),
        },
        Err(err) => Err(err),
    }
}

/// One GET with `curl`: 1.5 s timeout, redirects followed, HTTP errors as failures, the size capped.
fn fetch(url: &str, curl: &str) -> Result<String, JwksError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(JwksError::Fetch {
            url: url.to_owned(),
            detail: "only http:// and https:// URLs are fetched".into(),
        });
    }
    let output = Command::new(curl)
        .args(["--silent", "--show-error", "--fail", "--location", "--max-time", FETCH_TIMEOUT_SECS])
        .args(["--max-filesize", &MAX_JWKS_BYTES.to_string(), "--proto", "=http,https", "--"])
        .arg(url)
        .output()
        .map_err(|source| JwksError::CurlMissing { url: url.to_owned(), source })?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let detail = match output.status.code() {
            Some(63) => return Err(JwksError::TooLarge { origin: url.to_owned(), bytes: MAX_JWKS_BYTES + 1 }),
            Some(28) => "no answer within API Gateway's 1.5 s JWKS timeout".to_owned(),
            Some(code) => format!("curl exited with {code}: {}", stderr.trim()),
            None => "curl was killed".to_owned(),
        };
        return Err(JwksError::Fetch { url: url.to_owned(), detail });
    }
    if output.stdout.len() > MAX_JWKS_BYTES {
        return Err(JwksError::TooLarge { origin: url.to_owned(), bytes: output.stdout.len() });
    }
    String::from_utf8(output.stdout)
        .map_err(|_| JwksError::Fetch { url: url.to_owned(), detail: "the response is not UTF-8".to_owned() })
}

#[cfg(test)]
#[path = "jwks_tests.rs"]
mod tests;
