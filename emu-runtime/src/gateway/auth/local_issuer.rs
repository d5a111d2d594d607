//! The local issuer: one P-256 key (ES256) that every JWT and Cognito authorizer of the app trusts besides the
//! issuer's own JWKS, so tests and curl get real, verifiable tokens without an identity provider.
//!
//! It adds trust, it never turns verification off: a token signed by any other key is still rejected. The key is
//! in memory ([`LocalIssuer::ephemeral`], for tests) or in a 0600 file shared by every process of the user
//! ([`LocalIssuer::shared`]), so `--mint-token` in one process makes tokens the running server accepts.

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey};
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use p256::elliptic_curve::Generate;
use p256::pkcs8::{DecodePrivateKey, EncodePrivateKey};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use super::jwks::{KeyKind, VerifyKey};

/// The environment variable that overrides where [`LocalIssuer::shared`] keeps its key.
pub(crate) const KEY_PATH_ENV: &str = "EMU_LOCAL_ISSUER_KEY";

/// The key file's name inside the state directory.
const KEY_FILE: &str = "local-issuer-es256.pk8";

/// A local signing key and everything derived from it.
pub(crate) struct LocalIssuer {
    signing: SigningKey,
    verify: VerifyKey,
    kid: String,
    x: String,
    y: String,
    path: Option<PathBuf>,
}

impl fmt::Debug for LocalIssuer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the private key.
        f.debug_struct("LocalIssuer").field("kid", &self.kid).field("path", &self.path).finish_non_exhaustive()
    }
}

/// What [`LocalIssuer::mint`] fills in when the caller's claims leave it out.
#[derive(Clone, Copy, Debug)]
pub(crate) struct MintDefaults<'a> {
    /// `iss`: the authorizer's issuer (for Cognito, `https://cognito-idp.{region}.amazonaws.com/{poolId}`).
    pub(crate) issuer: &'a str,
    /// `aud`, or `client_id` for a Cognito access token (`token_use` "access"), when the authorizer has one.
    pub(crate) audience: Option<&'a str>,
    /// `token_use` ("id" or "access") for Cognito authorizers; `None` for HTTP API JWT authorizers.
    pub(crate) token_use: Option<&'a str>,
    /// Lifetime: `exp` = `iat` + this.
    pub(crate) ttl_secs: u64,
    /// Now, for `iat` (seconds since the Unix epoch).
    pub(crate) now_epoch_secs: u64,
}

/// Why the local issuer's key could not be made or loaded. Messages name the file.
#[derive(Debug)]
pub(crate) enum LocalIssuerError {
    /// The operating system's random source failed.
    Random(String),
    /// Reading, creating or writing the key file (or its directory) failed.
    Io {
        /// What was being done, e.g. "create the directory".
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The key file exists but is not a PKCS#8 P-256 private key. It is left as it is.
    Corrupt {
        /// The file.
        path: PathBuf,
    },
}

impl fmt::Display for LocalIssuerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LocalIssuerError::Random(err) => write!(f, "cannot generate the local issuer's key: {err}"),
            LocalIssuerError::Io { action, path, .. } => {
                write!(f, "cannot {action} {} for the local token issuer's key", path.display())
            }
            LocalIssuerError::Corrupt { path } => write!(
                f,
                "the local token issuer's key file {} is not a PKCS#8 P-256 private key; delete it to have a new \
                 one made (tokens minted with the old key will then be rejected), or point {KEY_PATH_ENV} elsewhere",
                path.display()
            ),
        }
    }
}

impl std::error::Error for LocalIssuerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            LocalIssuerError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl LocalIssuer {
    /// A fresh key, in memory only (tests, the in-process test client).
    pub(crate) fn ephemeral() -> Result<LocalIssuer, LocalIssuerError> {
        let secret = p256::SecretKey::try_generate().map_err(|e| LocalIssuerError::Random(e.to_string()))?;
        Ok(LocalIssuer::from_secret(&secret, None))
    }

    /// The key every process of this user shares: loaded from [`LocalIssuer::default_key_path`], or created there.
    pub(crate) fn shared() -> Result<LocalIssuer, LocalIssuerError> {
        LocalIssuer::load_or_create(&LocalIssuer::default_key_path())
    }

    /// `$EMU_LOCAL_ISSUER_KEY`, else `$XDG_STATE_HOME/emu-runtime/local-issuer-es256.pk8`, else
    /// `~/.local/state/emu-runtime/…`, else the same under the temporary directory.
    pub(crate) fn default_key_path() -> PathBuf {
        let env_dir = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
        if let Some(path) = env_dir(KEY_PATH_ENV) {
            return path;
        }
        let state = env_dir("XDG_STATE_HOME")
            .or_else(|| env_dir("HOME").map(|home| home.join(".local").join("state")))
            .unwrap_or_else(std::env::temp_dir);
        state.join("emu-runtime").join(KEY_FILE)
    }

    /// Loads the key at `path`, or creates it atomically (mode 0600) when there is none. A file that is not a
    /// key is an error naming it: it is never overwritten.
    pub(crate) fn load_or_create(path: &Path) -> Result<LocalIssuer, LocalIssuerError> {
        match std::fs::read(path) {
            Ok(bytes) => return LocalIssuer::from_pkcs8(&bytes, path),
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(source) => return Err(LocalIssuerError::Io { action: "read", path: path.to_owned(), source }),
        }
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            create_private_dir(dir).map_err(|e| io_error("create the directory", dir, e))?;
        }
        let secret = p256::SecretKey::try_generate().map_err(|e| LocalIssuerError::Random(e.to_string()))?;
        let der = secret.to_pkcs8_der().map_err(|e| LocalIssuerError::Random(e.to_string()))?;
        // Write a private temporary file, then hard-link it into place: the link fails if another process won the
        // race, and then its key (not ours) is the one everybody uses.
        static ATTEMPT: AtomicU64 = AtomicU64::new(0);
        let unique = format!("tmp-{}-{}", std::process::id(), ATTEMPT.fetch_add(1, Ordering::Relaxed));
        let tmp = path.with_extension(unique);
        let written = write_private(&tmp, der.as_bytes()).map_err(|e| io_error("write", &tmp, e));
        if let Err(err) = written {
            let _ = std::fs::remove_file(&tmp);
            return Err(err);
        }
        let linked = std::fs::hard_link(&tmp, path);
        let _ = std::fs::remove_file(&tmp);
        match linked {
            Ok(()) => Ok(LocalIssuer::from_secret(&secret, Some(path.to_owned()))),
            Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => {
                let bytes = std::fs::read(path).map_err(|e| io_error("read", path, e))?;
                LocalIssuer::from_pkcs8(&bytes, path)
            }
            Err(source) => Err(LocalIssuerError::Io { action: "create", path: path.to_owned(), source }),
        }
    }

    fn from_pkcs8(bytes: &[u8], path: &Path) -> Result<LocalIssuer, LocalIssuerError> {
        let secret =
            p256::SecretKey::from_pkcs8_der(bytes).map_err(|_| LocalIssuerError::Corrupt { path: path.to_owned() })?;
        Ok(LocalIssuer::from_secret(&secret, Some(path.to_owned())))
    }

    fn from_secret(secret: &p256::SecretKey, path: Option<PathBuf>) -> LocalIssuer {
        let point = secret.public_key().to_sec1_bytes(); // 0x04 || x (32) || y (32): P-256 is not compressed.
        let (x, y) = (URL_SAFE_NO_PAD.encode(&point[1..33]), URL_SAFE_NO_PAD.encode(&point[33..65]));
        // RFC 7638 thumbprint: SHA-256 of the required members in lexicographic order, no whitespace.
        let thumbprint_input = format!(r#"{{"crv":"P-256","kty":"EC","x":"{x}","y":"{y}"}}"#);
        let kid = format!("emu-local-{}", URL_SAFE_NO_PAD.encode(Sha256::digest(thumbprint_input.as_bytes())));
        let verify = VerifyKey {
            kid: Some(kid.clone()),
            alg: Some(Algorithm::ES256),
            kind: KeyKind::P256,
            key: DecodingKey::from_ec_der(&point),
        };
        LocalIssuer { signing: SigningKey::from(secret), verify, kid, x, y, path }
    }

    /// The key id, stable for the key: `emu-local-` and the RFC 7638 thumbprint of the public key.
    pub(crate) fn kid(&self) -> &str {
        &self.kid
    }

    /// The key file, for a shared key.
    pub(crate) fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The public key as a JWK.
    pub(crate) fn jwk(&self) -> Value {
        json!({"kty": "EC", "crv": "P-256", "x": self.x, "y": self.y, "kid": self.kid, "alg": "ES256", "use": "sig"})
    }

    /// The public key as a JWKS document (`{"keys":[…]}`), e.g. for a test's own verifier.
    pub(crate) fn jwks_json(&self) -> String {
        json!({ "keys": [self.jwk()] }).to_string()
    }

    /// The key the verifier checks local tokens with.
    pub(crate) fn verify_key(&self) -> &VerifyKey {
        &self.verify
    }

    /// A signed ES256 token with `claims`, filling `iss`, `aud` (or `client_id` for a Cognito access token),
    /// `token_use`, `iat` and `exp` from `defaults` where `claims` leaves them out.
    pub(crate) fn mint(&self, mut claims: Map<String, Value>, defaults: &MintDefaults<'_>) -> String {
        claims.entry("iss").or_insert_with(|| defaults.issuer.into());
        if let Some(token_use) = defaults.token_use {
            claims.entry("token_use").or_insert_with(|| token_use.into());
        }
        if let Some(audience) = defaults.audience {
            // Cognito access tokens carry the app client in `client_id` and have no `aud`.
            let access = claims.get("token_use").and_then(Value::as_str) == Some("access");
            let named = if access { claims.contains_key("aud") || claims.contains_key("client_id") } else { false };
            let key = if access { "client_id" } else { "aud" };
            if !named {
                claims.entry(key).or_insert_with(|| audience.into());
            }
        }
        let iat = claims.get("iat").and_then(Value::as_u64).unwrap_or(defaults.now_epoch_secs);
        claims.entry("iat").or_insert_with(|| iat.into());
        claims.entry("exp").or_insert_with(|| iat.saturating_add(defaults.ttl_secs).into());
        let header = json!({"alg": "ES256", "typ": "JWT", "kid": self.kid});
        let mut token = URL_SAFE_NO_PAD.encode(header.to_string());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(Value::Object(claims).to_string()));
        let signature: Signature = self.signing.sign(token.as_bytes());
        token.push('.');
        token.push_str(&URL_SAFE_NO_PAD.encode(signature.to_bytes()));
        token
    }
}

fn io_error(action: &'static str, path: &Path, source: std::io::Error) -> LocalIssuerError {
    LocalIssuerError::Io { action, path: path.to_owned(), source }
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)
}

/// Creates `path` (it must not exist) readable and writable by the owner only, and writes `bytes`.
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

#[cfg(test)]
#[path = "local_issuer_tests.rs"]
mod tests;
