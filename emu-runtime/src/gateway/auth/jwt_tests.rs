use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::json;

use super::*;
use crate::gateway::auth::local_issuer::MintDefaults;

const ISSUER: &str = "https://idp.example.com/";
const NOW: u64 = 1_700_000_000;
const RSA_A_DER: &[u8] = include_bytes!("../../../tests/fixtures/jwt/rsa-test-a.pkcs1.der");
const RSA_B_DER: &[u8] = include_bytes!("../../../tests/fixtures/jwt/rsa-test-b.pkcs1.der");
const JWKS_A: &str = include_str!("../../../tests/fixtures/jwt/jwks-rsa-a.json");

fn aud() -> Vec<String> {
    vec!["api://pets".to_owned(), "other".to_owned()]
}

fn http<'a>(audiences: &'a [String], scopes: &'a [String]) -> JwtCheck<'a> {
    JwtCheck::Http { issuer: ISSUER, audiences, scopes }
}

fn claims(extra: Value) -> Value {
    let mut base = json!({"iss": ISSUER, "aud": "api://pets", "sub": "u1", "iat": NOW - 10, "exp": NOW + 300});
    for (k, v) in extra.as_object().unwrap() {
        if v.is_null() {
            base.as_object_mut().unwrap().remove(k);
        } else {
            base[k] = v.clone();
        }
    }
    base
}

fn rs_token(alg: Algorithm, kid: Option<&str>, der: &[u8], body: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    jsonwebtoken::encode(&header, body, &EncodingKey::from_rsa_der(der)).unwrap()
}

fn rsa_a(body: &Value) -> String {
    rs_token(Algorithm::RS256, Some("test-rsa-a"), RSA_A_DER, body)
}

/// A verifier trusting key A for ISSUER.
fn verifier() -> JwtVerifier {
    let mut v = JwtVerifier::new(None);
    assert_eq!(v.add_jwks(ISSUER, JWKS_A).unwrap(), 1);
    v
}

/// Builds `header.claims.signature` from raw JSON text, for shapes no encoder makes.
fn raw(header: &str, claims: &str, signature: &str) -> String {
    format!("{}.{}.{signature}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims))
}

#[test]
fn a_good_rs256_token_verifies_with_or_without_bearer() {
    let v = verifier();
    let audiences = aud();
    let token = rsa_a(&claims(json!({})));
    for presented in [token.clone(), format!("Bearer {token}"), format!("bearer   {token}"), format!("BEARER {token} ")]
    {
        let ok = v.verify(&presented, &http(&audiences, &[]), NOW).unwrap();
        assert_eq!(ok.claims["sub"], "u1");
        assert!(ok.scopes.is_empty());
    }
}

#[test]
fn rs384_and_rs512_verify_and_a_jwk_alg_restriction_is_enforced() {
    let mut v = JwtVerifier::new(None);
    // The key without its "alg": any RSA algorithm may use it.
    let mut doc: Value = serde_json::from_str(JWKS_A).unwrap();
    doc["keys"][0].as_object_mut().unwrap().remove("alg");
    v.add_jwks(ISSUER, &doc.to_string()).unwrap();
    let audiences = aud();
    for alg in [Algorithm::RS256, Algorithm::RS384, Algorithm::RS512] {
        let token = rs_token(alg, Some("test-rsa-a"), RSA_A_DER, &claims(json!({})));
        assert!(v.verify(&token, &http(&audiences, &[]), NOW).is_ok(), "{alg:?}");
    }
    // With "alg": "RS256" in the JWK, RS512 is refused.
    let token = rs_token(Algorithm::RS512, Some("test-rsa-a"), RSA_A_DER, &claims(json!({})));
    assert_eq!(
        verifier().verify(&token, &http(&audiences, &[]), NOW),
        Err(JwtError::AlgorithmMismatch("RS512".into()))
    );
}

#[test]
fn a_token_signed_by_another_key_is_rejected() {
    let v = verifier();
    let audiences = aud();
    // Key B's signature under key A's kid.
    let token = rs_token(Algorithm::RS256, Some("test-rsa-a"), RSA_B_DER, &claims(json!({})));
    assert_eq!(v.verify(&token, &http(&audiences, &[]), NOW), Err(JwtError::BadSignature));
    // Key B under its own kid, which nobody trusts.
    let token = rs_token(Algorithm::RS256, Some("test-rsa-b"), RSA_B_DER, &claims(json!({})));
    assert_eq!(v.verify(&token, &http(&audiences, &[]), NOW), Err(JwtError::UnknownKey(Some("test-rsa-b".into()))));
    // A local-issuer token when the verifier does not trust the local issuer.
    let local = LocalIssuer::ephemeral().unwrap();
    let token = local.mint(Map::new(), &defaults(Some("api://pets"), None));
    assert!(matches!(v.verify(&token, &http(&audiences, &[]), NOW), Err(JwtError::UnknownKey(Some(_)))));
}

#[test]
fn a_token_without_kid_uses_the_only_key_and_fails_with_several() {
    let audiences = aud();
    let token = rs_token(Algorithm::RS256, None, RSA_A_DER, &claims(json!({})));
    assert!(verifier().verify(&token, &http(&audiences, &[]), NOW).is_ok());
    let mut two = verifier();
    two.add_jwks(ISSUER, include_str!("../../../tests/fixtures/jwt/jwks-rsa-b.json")).unwrap();
    assert_eq!(two.verify(&token, &http(&audiences, &[]), NOW), Err(JwtError::UnknownKey(None)));
}

#[test]
fn an_issuer_without_keys_is_named() {
    let v = JwtVerifier::new(None);
    let audiences = aud();
    let err = v.verify(&rsa_a(&claims(json!({}))), &http(&audiences, &[]), NOW).unwrap_err();
    assert_eq!(err, JwtError::NoKeysForIssuer(ISSUER.into()));
    assert!(err.to_string().contains("--jwks https://idp.example.com/="), "{err}");
}

#[test]
fn wrong_issuer_and_wrong_audience_are_rejected() {
    let v = verifier();
    let audiences = aud();
    let check = http(&audiences, &[]);
    let err = v.verify(&rsa_a(&claims(json!({"iss": "https://evil.example/"}))), &check, NOW).unwrap_err();
    assert_eq!(err, JwtError::WrongIssuer(Some("https://evil.example/".into())));
    assert_eq!(v.verify(&rsa_a(&claims(json!({"iss": null}))), &check, NOW), Err(JwtError::WrongIssuer(None)));
    assert_eq!(v.verify(&rsa_a(&claims(json!({"aud": "nope"}))), &check, NOW), Err(JwtError::WrongAudience));
    assert_eq!(v.verify(&rsa_a(&claims(json!({"aud": 7}))), &check, NOW), Err(JwtError::WrongAudience));
    assert!(v.verify(&rsa_a(&claims(json!({"aud": ["x", "other"]}))), &check, NOW).is_ok());
    assert_eq!(v.verify(&rsa_a(&claims(json!({"aud": ["x", "y"]}))), &check, NOW), Err(JwtError::WrongAudience));
    // client_id counts only when aud is absent (AWS's rule).
    let token = rsa_a(&claims(json!({"aud": null, "client_id": "api://pets"})));
    assert!(v.verify(&token, &check, NOW).is_ok());
    let token = rsa_a(&claims(json!({"aud": "nope", "client_id": "api://pets"})));
    assert_eq!(v.verify(&token, &check, NOW), Err(JwtError::WrongAudience));
    assert_eq!(v.verify(&rsa_a(&claims(json!({"aud": null}))), &check, NOW), Err(JwtError::WrongAudience));
    // No configured audience: nothing can match.
    assert_eq!(v.verify(&rsa_a(&claims(json!({}))), &http(&[], &[]), NOW), Err(JwtError::WrongAudience));
}

#[test]
fn expiry_and_validity_times_are_checked_without_leeway() {
    let v = verifier();
    let audiences = aud();
    let check = http(&audiences, &[]);
    let at = |extra: Value| v.verify(&rsa_a(&claims(extra)), &check, NOW);
    assert_eq!(at(json!({"exp": NOW})), Err(JwtError::Expired));
    assert_eq!(at(json!({"exp": NOW - 1})), Err(JwtError::Expired));
    assert!(at(json!({"exp": NOW + 1})).is_ok());
    assert!(at(json!({"exp": (NOW as f64) + 0.5})).is_ok());
    assert_eq!(at(json!({"exp": null})), Err(JwtError::MissingExpiry));
    assert_eq!(at(json!({"nbf": NOW + 1})), Err(JwtError::NotYetValid));
    assert!(at(json!({"nbf": NOW})).is_ok());
    assert_eq!(at(json!({"iat": NOW + 1})), Err(JwtError::IssuedInFuture));
    assert!(at(json!({"iat": NOW})).is_ok());
    for claim in ["exp", "nbf", "iat"] {
        let err = at(json!({ claim: "soon" })).unwrap_err();
        assert_eq!(err, JwtError::Malformed(Malformed::ClaimType { claim, expected: "a number" }), "{claim}");
    }
}

#[test]
fn route_scopes_are_found_in_scope_or_scp() {
    let v = verifier();
    let audiences = aud();
    let wanted = vec!["pets/write".to_owned(), "pets/admin".to_owned()];
    let check = http(&audiences, &wanted);
    let ok = v.verify(&rsa_a(&claims(json!({"scope": "pets/read pets/write"}))), &check, NOW).unwrap();
    assert_eq!(ok.scopes, ["pets/read", "pets/write"]);
    let ok = v.verify(&rsa_a(&claims(json!({"scp": ["pets/admin"]}))), &check, NOW).unwrap();
    assert_eq!(ok.scopes, ["pets/admin"]);
    assert!(v.verify(&rsa_a(&claims(json!({"scp": "a pets/admin"}))), &check, NOW).is_ok());
    let err = v.verify(&rsa_a(&claims(json!({"scope": "pets/read"}))), &check, NOW).unwrap_err();
    assert_eq!(err, JwtError::InsufficientScope { cognito: false });
    assert_eq!(err.status(), 403);
    assert_eq!(
        err.www_authenticate(&wanted).unwrap(),
        r#"Bearer scope="pets/write pets/admin" error="insufficient_scope" error_description="the token does not have the required scope""#
    );
    let err = v.verify(&rsa_a(&claims(json!({}))), &check, NOW).unwrap_err();
    assert_eq!(err, JwtError::InsufficientScope { cognito: false });
}

fn cognito_issuer_url() -> String {
    cognito_issuer("arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbC123").unwrap()
}

#[test]
fn cognito_issuer_comes_from_the_pool_arn() {
    assert_eq!(cognito_issuer_url(), "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123");
    assert_eq!(
        cognito_issuer("arn:aws-cn:cognito-idp:cn-north-1:1:userpool/cn-north-1_x").unwrap(),
        "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_x"
    );
    for bad in [
        "",
        "arn:aws:s3:::bucket",
        "arn:aws:cognito-idp:eu-west-1:1:identitypool/x",
        "userpool/x",
        "arn:aws:cognito-idp::1:userpool/x",
    ] {
        assert_eq!(cognito_issuer(bad), None, "{bad}");
    }
}

#[test]
fn cognito_wants_an_id_token_without_scopes_and_an_access_token_with_scopes() {
    let issuer = cognito_issuer_url();
    let v = JwtVerifier::new(Some(Arc::new(LocalIssuer::ephemeral().unwrap())));
    let local = v.local().unwrap().clone();
    let mint = |token_use: &str, extra: Value| {
        let d = MintDefaults {
            issuer: &issuer,
            audience: Some("client1"),
            token_use: Some(token_use),
            ttl_secs: 60,
            now_epoch_secs: NOW,
        };
        local.mint(extra.as_object().unwrap().clone(), &d)
    };
    let no_scopes = JwtCheck::Cognito { issuer: &issuer, scopes: &[] };
    let id = mint("id", json!({"sub": "u1"}));
    let ok = v.verify(&id, &no_scopes, NOW).unwrap();
    assert_eq!(ok.claims["aud"], "client1"); // ID tokens carry the app client in aud, access tokens in client_id.
    let access = mint("access", json!({"scope": "pets/read"}));
    assert_eq!(
        v.verify(&access, &no_scopes, NOW).unwrap_err(),
        JwtError::WrongTokenUse { expected: "id", found: Some("access".into()) }
    );

    let scopes = vec!["pets/read".to_owned()];
    let with_scopes = JwtCheck::Cognito { issuer: &issuer, scopes: &scopes };
    let ok = v.verify(&access, &with_scopes, NOW).unwrap();
    assert_eq!(ok.claims["client_id"], "client1");
    assert_eq!(ok.scopes, ["pets/read"]);
    assert_eq!(
        v.verify(&id, &with_scopes, NOW).unwrap_err(),
        JwtError::WrongTokenUse { expected: "access", found: Some("id".into()) }
    );
    let err = v.verify(&mint("access", json!({"scope": "pets/write"})), &with_scopes, NOW).unwrap_err();
    assert_eq!(err, JwtError::InsufficientScope { cognito: true });
    assert_eq!(err.status(), 401);
    assert_eq!(err.www_authenticate(&scopes), None);
}

fn defaults<'a>(audience: Option<&'a str>, token_use: Option<&'a str>) -> MintDefaults<'a> {
    MintDefaults { issuer: ISSUER, audience, token_use, ttl_secs: 3600, now_epoch_secs: NOW }
}

#[test]
fn the_local_issuer_is_trusted_for_every_issuer_alongside_the_jwks() {
    let local = Arc::new(LocalIssuer::ephemeral().unwrap());
    let mut v = JwtVerifier::new(Some(local.clone()));
    v.add_jwks(ISSUER, JWKS_A).unwrap();
    let audiences = aud();
    let token = local.mint(json!({"sub": "me"}).as_object().unwrap().clone(), &defaults(Some("api://pets"), None));
    let ok = v.verify(&token, &http(&audiences, &[]), NOW).unwrap();
    assert_eq!((ok.claims["sub"].as_str(), ok.claims["iss"].as_str()), (Some("me"), Some(ISSUER)));
    // The JWKS keys still work beside it.
    assert!(v.verify(&rsa_a(&claims(json!({}))), &http(&audiences, &[]), NOW).is_ok());
    // Another issuer with no JWKS at all still trusts the local key, with that issuer in iss.
    let other = JwtCheck::Http { issuer: "https://other/", audiences: &audiences, scopes: &[] };
    let token = local.mint(Map::new(), &MintDefaults { issuer: "https://other/", ..defaults(Some("other"), None) });
    assert!(v.verify(&token, &other, NOW).is_ok());
    // A token from a different local key (another machine's) is not trusted.
    let stranger = LocalIssuer::ephemeral().unwrap();
    let token = stranger.mint(Map::new(), &defaults(Some("api://pets"), None));
    assert!(matches!(v.verify(&token, &http(&audiences, &[]), NOW), Err(JwtError::UnknownKey(Some(_)))));
    // …even when it claims the local kid.
    let forged = {
        let honest = local.mint(Map::new(), &defaults(Some("api://pets"), None));
        let stranger_token = stranger.mint(Map::new(), &defaults(Some("api://pets"), None));
        let (h, _) = honest.split_once('.').unwrap();
        let (_, rest) = stranger_token.split_once('.').unwrap();
        format!("{h}.{rest}")
    };
    assert_eq!(v.verify(&forged, &http(&audiences, &[]), NOW), Err(JwtError::BadSignature));
}

#[test]
fn alg_none_and_hmac_are_refused_even_with_the_public_key_as_secret() {
    let v = verifier();
    let audiences = aud();
    let body = claims(json!({})).to_string();
    let none = raw(r#"{"alg":"none","kid":"test-rsa-a"}"#, &body, "");
    assert_eq!(v.verify(&none, &http(&audiences, &[]), NOW), Err(JwtError::UnsupportedAlgorithm("none".into())));
    // The classic confusion attack: HS256 keyed with the RSA public key's bytes (here: the JWKS text and n).
    let n = serde_json::from_str::<Value>(JWKS_A).unwrap()["keys"][0]["n"].as_str().unwrap().to_owned();
    for secret in [JWKS_A.as_bytes().to_vec(), n.into_bytes()] {
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("test-rsa-a".into());
        let token =
            jsonwebtoken::encode(&header, &claims(json!({})), &EncodingKey::from_secret(&secret).unwrap()).unwrap();
        assert_eq!(v.verify(&token, &http(&audiences, &[]), NOW), Err(JwtError::UnsupportedAlgorithm("HS256".into())));
    }
    for alg in ["HS384", "HS512", "PS256", "EdDSA", "ES512", "RS1", ""] {
        let token = raw(&format!(r#"{{"alg":"{alg}"}}"#), &body, "c2ln");
        assert_eq!(v.verify(&token, &http(&audiences, &[]), NOW), Err(JwtError::UnsupportedAlgorithm(alg.into())));
    }
    // ES256 against the RSA key's kid: the key family decides, not the header.
    let token = raw(r#"{"alg":"ES256","kid":"test-rsa-a"}"#, &body, "c2ln");
    assert_eq!(v.verify(&token, &http(&audiences, &[]), NOW), Err(JwtError::AlgorithmMismatch("ES256".into())));
}

#[test]
fn every_malformed_shape_is_an_error_not_a_panic() {
    let v = verifier();
    let audiences = aud();
    let check = http(&audiences, &[]);
    let good = rsa_a(&claims(json!({})));
    let (h, rest) = good.split_once('.').unwrap();
    let (c, s) = rest.split_once('.').unwrap();
    let m = |shape| Err(JwtError::Malformed(shape));
    let other = rs_token(Algorithm::RS256, Some("test-rsa-a"), RSA_B_DER, &claims(json!({})));
    let other_signature = other.rsplit('.').next().unwrap();
    let cases: Vec<(String, Result<VerifiedToken, JwtError>)> = vec![
        (String::new(), Err(JwtError::MissingToken)),
        ("Bearer".into(), Err(JwtError::MissingToken)),
        ("Bearer   ".into(), Err(JwtError::MissingToken)),
        ("not-a-token".into(), m(Malformed::Segments)),
        (format!("{h}.{c}"), m(Malformed::Segments)),
        (format!("{h}.{c}.{s}.{s}"), m(Malformed::Segments)),
        ("..".into(), m(Malformed::Json(Part::Header))),
        (format!("{h}!.{c}.{s}"), m(Malformed::Base64(Part::Header))),
        (format!("{h}.{c}*.{s}"), m(Malformed::Base64(Part::Claims))),
        (format!("{h}.{c}.{s}%"), m(Malformed::Base64(Part::Signature))),
        (raw("{", "{}", ""), m(Malformed::Json(Part::Header))),
        (raw("[1]", "{}", ""), m(Malformed::NotAnObject(Part::Header))),
        (raw(r#"{"alg":"RS256"}"#, "nope", ""), m(Malformed::Json(Part::Claims))),
        (raw(r#"{"alg":"RS256"}"#, "\"claims\"", ""), m(Malformed::NotAnObject(Part::Claims))),
        (raw(r#"{"alg":"RS256"}"#, "[]", ""), m(Malformed::NotAnObject(Part::Claims))),
        (raw(r#"{"typ":"JWT"}"#, "{}", ""), m(Malformed::NoAlgorithm)),
        (raw(r#"{"alg":7}"#, "{}", ""), m(Malformed::NoAlgorithm)),
        (raw(r#"{"alg":"RS256","crit":["b64"]}"#, "{}", ""), m(Malformed::Critical)),
        (raw(r#"{"alg":"RS256","kid":5}"#, "{}", ""), m(Malformed::ClaimType { claim: "kid", expected: "a string" })),
        (format!("{h}.{c}.{other_signature}"), Err(JwtError::BadSignature)),
        (format!("{h}.{c}."), Err(JwtError::BadSignature)),
        ("a".repeat(MAX_TOKEN_BYTES + 1), m(Malformed::TooLong)),
        (format!("{h}.{}.{s}", URL_SAFE_NO_PAD.encode("\u{0}\u{ff}")), m(Malformed::Json(Part::Claims))),
    ];
    for (token, expected) in cases {
        assert_eq!(v.verify(&token, &check, NOW), expected, "{token:.60}");
    }
    // Random bytes in every part: an error each time, never a panic.
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    for len in 0..200 {
        let text: String = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                b"ab.-_=+/ \xc3"[(seed % 10) as usize] as char
            })
            .collect();
        assert!(v.verify(&text, &check, NOW).is_err());
    }
    // Claims changed after signing.
    let tampered = format!("{h}.{}.{s}", URL_SAFE_NO_PAD.encode(claims(json!({"sub": "admin"})).to_string()));
    assert_eq!(v.verify(&tampered, &check, NOW), Err(JwtError::BadSignature));
}

#[test]
fn www_authenticate_follows_aws_form_and_quotes_safely() {
    assert_eq!(JwtError::MissingToken.www_authenticate(&[]).unwrap(), "Bearer");
    assert_eq!(
        JwtError::WrongAudience.www_authenticate(&[]).unwrap(),
        r#"Bearer scope="" error="invalid_token" error_description="the token does not have a valid audience""#
    );
    let scopes = vec!["dev/admin".to_owned()];
    assert_eq!(
        JwtError::Expired.www_authenticate(&scopes).unwrap(),
        r#"Bearer scope="dev/admin" error="invalid_token" error_description="the token has expired""#
    );
    assert_eq!(
        JwtError::Malformed(Malformed::Segments).www_authenticate(&[]).unwrap(),
        r#"Bearer scope="" error="invalid_token" error_description="token contains an invalid number of segments""#
    );
    let hostile = JwtError::UnsupportedAlgorithm("x\"\r\nSet-Cookie: a=b".into()).www_authenticate(&[]).unwrap();
    assert!(hostile.is_ascii() && !hostile.contains('\r') && !hostile.contains('\n'), "{hostile}");
    assert!(http::HeaderValue::from_str(&hostile).is_ok());
    let quoted_scope = JwtError::Expired.www_authenticate(&["a\"b".to_owned()]).unwrap();
    assert!(quoted_scope.starts_with(r#"Bearer scope="a\"b""#), "{quoted_scope}");
    for err in [JwtError::BadSignature, JwtError::WrongIssuer(None), JwtError::Expired, JwtError::NotYetValid] {
        assert_eq!(err.status(), 401);
    }
    assert_eq!(JwtError::Expired.cognito_message(), "The incoming token has expired");
    assert_eq!(JwtError::BadSignature.cognito_message(), "Unauthorized");
}

#[test]
fn claims_are_stringified_as_aws_hands_them_over() {
    let claims = json!({
        "sub": "u1", "exp": 1612061676, "ratio": 1.5, "email_verified": true, "nothing": null,
        "cognito:groups": ["admin", "users"], "nested": [1, ["a", "b"]], "address": {"zip": "1", "city": "X"}
    });
    let out = claims_as_strings(claims.as_object().unwrap());
    assert_eq!(
        Value::Object(out),
        json!({
            "sub": "u1", "exp": "1612061676", "ratio": "1.5", "email_verified": "true", "nothing": "<nil>",
            "cognito:groups": "[admin users]", "nested": "[1 [a b]]", "address": "map[city:X zip:1]"
        })
    );
    let cognito = cognito_claims_as_strings(
        json!({"exp": 1469818373, "iat": 1469814773, "auth_time": 1469814773}).as_object().unwrap(),
    );
    assert_eq!(
        Value::Object(cognito),
        json!({"exp": "Fri Jul 29 18:52:53 UTC 2016", "iat": "Fri Jul 29 17:52:53 UTC 2016", "auth_time": "1469814773"})
    );
    assert_eq!(java_date_utc(0), "Thu Jan 01 00:00:00 UTC 1970");
    assert_eq!(java_date_utc(951_782_400), "Tue Feb 29 00:00:00 UTC 2000");
    assert_eq!(java_date_utc(-1), "-1");
}

#[test]
fn es384_verifies_against_a_p384_jwk_and_only_with_es384() {
    const P384_DER: &[u8] = include_bytes!("../../../tests/fixtures/jwt/ec-p384-test.pk8.der");
    let mut v = JwtVerifier::new(None);
    assert_eq!(v.add_jwks(ISSUER, include_str!("../../../tests/fixtures/jwt/jwks-ec-p384.json")).unwrap(), 1);
    let audiences = aud();
    let mut header = Header::new(Algorithm::ES384);
    header.kid = Some("test-p384".into());
    let token = jsonwebtoken::encode(&header, &claims(json!({})), &EncodingKey::from_ec_der(P384_DER)).unwrap();
    assert!(v.verify(&token, &http(&audiences, &[]), NOW).is_ok());
    // The same key under ES256, or an RS256 header naming it: the key decides.
    for alg in ["ES256", "RS256"] {
        let (_, rest) = token.split_once('.').unwrap();
        let forged = format!("{}.{rest}", URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","kid":"test-p384"}}"#)));
        assert_eq!(v.verify(&forged, &http(&audiences, &[]), NOW), Err(JwtError::AlgorithmMismatch(alg.into())));
    }
    // A changed claim breaks the ES384 signature.
    let (h, rest) = token.split_once('.').unwrap();
    let (_, s) = rest.split_once('.').unwrap();
    let tampered = format!("{h}.{}.{s}", URL_SAFE_NO_PAD.encode(claims(json!({"sub": "root"})).to_string()));
    assert_eq!(v.verify(&tampered, &http(&audiences, &[]), NOW), Err(JwtError::BadSignature));
}

#[test]
fn the_build_has_exactly_one_jsonwebtoken_crypto_provider() {
    // `jsonwebtoken::crypto::verify` panics when feature unification enables both of its backends (or neither):
    // this fails the build's tests instead of a request.
    assert!(jsonwebtoken::crypto::CryptoProvider::try_get_default().is_some());
}
