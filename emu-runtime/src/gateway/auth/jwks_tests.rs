use std::io::{Read, Write};
use std::net::TcpListener;

use super::*;

const RSA_A: &str = include_str!("../../../tests/fixtures/jwt/jwks-rsa-a.json");

fn ec_jwk() -> Value {
    // A real P-256 point (the generator G), so the on-curve check passes.
    serde_json::json!({
        "kty": "EC", "crv": "P-256", "kid": "ec1", "use": "sig", "alg": "ES256",
        "x": "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY",
        "y": "T-NC4v4af5uO5-tKfA-eFivOM1drMV7Oy7ZAaDe_UfU"
    })
}

#[test]
fn parses_rsa_and_ec_keys_with_kid_and_alg() {
    let mut doc: Value = serde_json::from_str(RSA_A).unwrap();
    doc["keys"].as_array_mut().unwrap().push(ec_jwk());
    let set = parse_key_set(&doc.to_string(), "test.json").unwrap();
    assert!(set.skipped.is_empty(), "{:?}", set.skipped);
    let kinds: Vec<_> = set.keys.iter().map(|k| (k.kid.as_deref(), k.kind, k.alg)).collect();
    assert_eq!(
        kinds,
        [
            (Some("test-rsa-a"), KeyKind::Rsa, Some(Algorithm::RS256)),
            (Some("ec1"), KeyKind::P256, Some(Algorithm::ES256))
        ]
    );
}

#[test]
fn unsupported_keys_are_skipped_with_a_reason_and_the_rest_kept() {
    let doc = serde_json::json!({"keys": [
        {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
        {"kty": "OKP", "crv": "Ed25519", "kid": "ed", "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
        {"kty": "RSA", "kid": "enc", "use": "enc", "n": "AQAB", "e": "AQAB"},
        {"kty": "EC", "crv": "P-521", "kid": "p521", "x": "AA", "y": "AA"},
        {"kty": "RSA", "kid": "oaep", "alg": "RSA-OAEP", "n": "AQAB", "e": "AQAB"},
        {"kty": "EC", "crv": "P-256", "kid": "rs-on-ec", "alg": "RS256", "x": "AA", "y": "AA"},
        {"kty": "EC", "crv": "P-256", "kid": "off-curve", "x": "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY",
         "y": "axfR8uEsQkf4vOblY6RA8ncDfYEt6zOg9KE5RdiYwpY"},
        {"kty": "RSA", "kid": "tiny", "n": "AQAB", "e": "AQAB"},
        {"kty": "RSA", "kid": "not-b64", "n": "***", "e": "AQAB"},
        "not an object",
        ec_jwk()
    ]});
    let set = parse_key_set(&doc.to_string(), "mixed.json").unwrap();
    assert_eq!(set.keys.len(), 1);
    let reasons: Vec<_> = set.skipped.iter().map(|s| (s.kid.clone().unwrap_or_default(), s.reason.clone())).collect();
    assert_eq!(reasons.len(), 10, "{reasons:#?}");
    let reason_of = |kid: &str| reasons.iter().find(|(k, _)| k == kid).map(|(_, r)| r.as_str()).unwrap();
    assert!(reason_of("hmac").contains("symmetric"));
    assert!(reason_of("ed").contains("OKP"));
    assert!(reason_of("enc").contains("\"enc\""));
    assert!(reason_of("p521").contains("P-521"));
    assert!(reason_of("oaep").contains("RSA-OAEP"));
    assert!(reason_of("rs-on-ec").contains("does not fit"));
    assert!(reason_of("off-curve").contains("not on the P-256 curve"));
    assert!(reason_of("tiny").contains("out of range"));
    assert!(reason_of("not-b64").contains("base64url"));
    assert_eq!(set.skipped[9].to_string(), "key 9 (no kid) skipped: not a JSON object");
}

#[test]
fn documents_without_usable_keys_are_errors_naming_the_origin() {
    let err = parse_key_set(r#"{"keys":[{"kty":"oct","k":"AA"}]}"#, "idp.json").unwrap_err();
    assert!(matches!(err, JwksError::NoUsableKey { .. }));
    assert!(err.to_string().contains("idp.json") && err.to_string().contains("symmetric"), "{err}");
    let err = parse_key_set(r#"{"issuer":"x"}"#, "disc.json").unwrap_err();
    assert!(matches!(err, JwksError::NotAKeySet { .. }) && err.to_string().contains("disc.json"));
    let err = parse_key_set("{nope", "broken.json").unwrap_err();
    assert!(matches!(err, JwksError::Json { .. }) && err.to_string().contains("broken.json"));
    assert!(std::error::Error::source(&err).is_some());
    let big = format!(r#"{{"keys":[],"pad":"{}"}}"#, "x".repeat(MAX_JWKS_BYTES));
    assert!(matches!(parse_key_set(&big, "big.json").unwrap_err(), JwksError::TooLarge { .. }));
}

#[test]
fn spec_parses_issuer_and_file_or_url() {
    let spec = JwksSpec::parse("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc=keys/jwks.json").unwrap();
    assert_eq!(spec.issuer, "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc");
    assert_eq!(spec.location, JwksLocation::File(PathBuf::from("keys/jwks.json")));
    let spec = JwksSpec::parse("https://idp.example/=https://idp.example/jwks?v=2").unwrap();
    assert_eq!(spec.location, JwksLocation::Url("https://idp.example/jwks?v=2".into()));
    for bad in ["no-equals", "=file.json", "https://issuer= "] {
        let err = JwksSpec::parse(bad).unwrap_err();
        assert!(matches!(err, JwksError::BadSpec { .. }) && err.to_string().contains("ISSUER=PATH_OR_URL"), "{err}");
    }
}

#[test]
fn load_reads_a_file_and_names_a_missing_one() {
    let dir = std::env::temp_dir().join(format!("emu-jwks-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("jwks.json");
    std::fs::write(&path, RSA_A).unwrap();
    let spec = JwksSpec::parse(&format!("iss={}", path.display())).unwrap();
    assert_eq!(spec.load().unwrap(), RSA_A);
    std::fs::remove_file(&path).unwrap();
    let err = spec.load().unwrap_err();
    assert!(matches!(err, JwksError::Read { .. }) && err.to_string().contains("jwks.json"), "{err}");
}

#[test]
fn a_missing_curl_is_an_error_naming_the_url() {
    let err = fetch_key_set("https://idp.example/jwks", "/nonexistent/emu-no-curl").unwrap_err();
    assert!(matches!(err, JwksError::CurlMissing { .. }), "{err:?}");
    assert!(err.to_string().contains("https://idp.example/jwks") && err.to_string().contains("curl"), "{err}");
}

/// Serves JSON bodies (path → body, made from the server's base URL) on a loopback port for `requests` requests;
/// any other path is a 404.
fn serve(
    make: impl FnOnce(&str) -> Vec<(&'static str, String)>,
    requests: usize,
) -> (String, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let bodies = make(&base);
    let handle = std::thread::spawn(move || {
        for _ in 0..requests {
            let Ok((mut stream, _)) = listener.accept() else { return };
            let mut buf = [0u8; 4096];
            let n = stream.read(&mut buf).unwrap_or(0);
            let request = String::from_utf8_lossy(&buf[..n]);
            let path = request.split_whitespace().nth(1).unwrap_or("").to_owned();
            let reply = match bodies.iter().find(|(p, _)| *p == path) {
                Some((_, body)) => {
                    format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
                }
                None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_owned(),
            };
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (base, handle)
}

fn curl_available() -> bool {
    Command::new("curl").arg("--version").output().is_ok()
}

/// An issuer's site: its OIDC discovery document pointing at `/keys`, and the keys.
fn issuer_site(base: &str) -> Vec<(&'static str, String)> {
    let discovery = serde_json::json!({"issuer": base, "jwks_uri": format!("{base}/keys")}).to_string();
    vec![("/.well-known/openid-configuration", discovery), ("/keys", RSA_A.to_owned())]
}

#[test]
fn a_url_is_fetched_and_discovery_documents_are_followed() {
    if !curl_available() {
        eprintln!("skipped: curl is not installed");
        return;
    }
    // The JWKS URL itself: one request.
    let (base, server) = serve(|_| vec![("/jwks", RSA_A.to_owned())], 1);
    assert_eq!(fetch_key_set(&format!("{base}/jwks"), "curl").unwrap(), RSA_A);
    server.join().unwrap();

    // A discovery document: its jwks_uri is followed (two requests).
    let (base, server) = serve(issuer_site, 2);
    assert_eq!(fetch_key_set(&format!("{base}/.well-known/openid-configuration"), "curl").unwrap(), RSA_A);
    server.join().unwrap();

    // The issuer URL: a 404 there, then its discovery document, then jwks_uri (three requests).
    let (base, server) = serve(issuer_site, 3);
    assert_eq!(fetch_key_set(&base, "curl").unwrap(), RSA_A);
    server.join().unwrap();
}

#[test]
fn a_failed_fetch_names_the_url() {
    if !curl_available() {
        eprintln!("skipped: curl is not installed");
        return;
    }
    // Nothing listens on a port we bound and released; curl fails fast with "connection refused".
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let url = format!("http://127.0.0.1:{port}/jwks");
    let err = fetch_key_set(&url, "curl").unwrap_err();
    assert!(matches!(err, JwksError::Fetch { .. }), "{err:?}");
    assert!(err.to_string().contains(&url), "{err}");
    let err = fetch("file:///etc/passwd", "curl").unwrap_err();
    assert!(err.to_string().contains("only http"), "{err}");
}
