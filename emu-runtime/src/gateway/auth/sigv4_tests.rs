use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use http::{HeaderName, HeaderValue};
use serde_json::Value;

use super::*;

const FIXTURES: &str = include_str!("../../../tests/fixtures/sigv4/botocore.json");

/// One botocore-signed request of the fixture.
struct Case {
    name: String,
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    access_key_id: String,
    secret: String,
    token: Option<String>,
    now: u64,
}

fn cases() -> Vec<Case> {
    let doc: Value = serde_json::from_str(FIXTURES).unwrap();
    let text = |c: &Value, k: &str| c[k].as_str().unwrap().to_owned();
    doc["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| Case {
            name: text(c, "name"),
            method: text(c, "method"),
            path: text(c, "path"),
            query: text(c, "query"),
            headers: c["headers"]
                .as_array()
                .unwrap()
                .iter()
                .map(|h| (h[0].as_str().unwrap().to_owned(), h[1].as_str().unwrap().to_owned()))
                .collect(),
            body: STANDARD.decode(c["body_base64"].as_str().unwrap()).unwrap(),
            access_key_id: text(c, "access_key_id"),
            secret: text(c, "secret_access_key"),
            token: c["session_token"].as_str().map(str::to_owned),
            now: c["now_epoch_secs"].as_u64().unwrap(),
        })
        .collect()
}

fn header_map(headers: &[(String, String)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in headers {
        map.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_bytes(value.as_bytes()).unwrap(),
        );
    }
    map
}

impl Case {
    fn verify_with(
        &self,
        headers: &HeaderMap,
        path: &str,
        query: &str,
        body: &[u8],
        secret: &str,
        now: u64,
    ) -> Result<(), SigV4Error> {
        let signed = parse(headers, query)?.expect("the fixture is signed");
        signed.verify(&self.method, path, query, headers, body, secret, now)
    }

    fn verify(&self) -> Result<(), SigV4Error> {
        self.verify_with(&header_map(&self.headers), &self.path, &self.query, &self.body, &self.secret, self.now)
    }
}

fn is_mismatch(result: &Result<(), SigV4Error>) -> bool {
    matches!(result, Err(SigV4Error::Invalid(m)) if m.starts_with("The request signature we calculated does not match"))
}

/// `text` with its byte at `at` replaced by a different printable one.
fn change_byte(text: &str, at: usize) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    String::from_utf8(bytes).unwrap()
}

#[test]
fn every_botocore_fixture_verifies() {
    let cases = cases();
    assert_eq!(cases.len(), 13);
    for case in &cases {
        assert_eq!(case.verify(), Ok(()), "{}", case.name);
        let signed = parse(&header_map(&case.headers), &case.query).unwrap().unwrap();
        assert_eq!(signed.access_key_id(), case.access_key_id, "{}", case.name);
        assert_eq!(signed.security_token(), case.token.as_deref(), "{}", case.name);
        assert_eq!(signed.region(), "eu-west-1");
        assert_eq!(signed.is_presigned(), case.name.starts_with("presigned"), "{}", case.name);
    }
}

#[test]
fn every_fixture_fails_with_one_byte_changed() {
    for case in cases() {
        let headers = header_map(&case.headers);
        let name = &case.name;
        // The secret.
        let secret = change_byte(&case.secret, 3);
        assert!(
            is_mismatch(&case.verify_with(&headers, &case.path, &case.query, &case.body, &secret, case.now)),
            "{name}"
        );
        // The path.
        let path = format!("{}x", case.path);
        assert!(
            is_mismatch(&case.verify_with(&headers, &path, &case.query, &case.body, &case.secret, case.now)),
            "{name}"
        );
        // The body.
        let mut body = case.body.clone();
        match body.first_mut() {
            Some(b) => *b ^= 1,
            None => body.push(b'x'),
        }
        assert!(
            is_mismatch(&case.verify_with(&headers, &case.path, &case.query, &body, &case.secret, case.now)),
            "{name}"
        );
        // The method.
        let signed = parse(&headers, &case.query).unwrap().unwrap();
        let method = if case.method == "GET" { "HEAD" } else { "GET" };
        let result = signed.verify(method, &case.path, &case.query, &headers, &case.body, &case.secret, case.now);
        assert!(is_mismatch(&result), "{name}");
        // The host header (signed in every case).
        let mut changed = case.headers.clone();
        changed[0].1 = change_byte(&changed[0].1, 0);
        let result =
            case.verify_with(&header_map(&changed), &case.path, &case.query, &case.body, &case.secret, case.now);
        assert!(is_mismatch(&result), "{name}");
        // One character of the signature itself.
        let (query, headers) = if signed.is_presigned() {
            let at = case.query.find("X-Amz-Signature=").unwrap() + "X-Amz-Signature=".len() + 5;
            (change_byte(&case.query, at), case.headers.clone())
        } else {
            let mut changed = case.headers.clone();
            let auth = changed.iter_mut().find(|(k, _)| k == "Authorization").unwrap();
            let at = auth.1.len() - 7;
            auth.1 = change_byte(&auth.1, at);
            (case.query.clone(), changed)
        };
        let result = case.verify_with(&header_map(&headers), &case.path, &query, &case.body, &case.secret, case.now);
        assert!(is_mismatch(&result), "{name}: {result:?}");
        // A query parameter added, when the request has a query.
        let query = if case.query.is_empty() { "extra=1".to_owned() } else { format!("{}&extra=1", case.query) };
        let result =
            case.verify_with(&header_map(&case.headers), &case.path, &query, &case.body, &case.secret, case.now);
        assert!(is_mismatch(&result), "{name}");
    }
}

#[test]
fn the_mismatch_message_is_aws_with_the_expected_canonical_request() {
    let case = cases().into_iter().find(|c| c.name == "get-with-query").unwrap();
    let err = case
        .verify_with(&header_map(&case.headers), &case.path, &case.query, &case.body, "wrong", case.now)
        .unwrap_err();
    assert_eq!((err.status(), err.error_type()), (403, "InvalidSignatureException"));
    let message = err.message();
    assert!(message.starts_with(
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access \
         Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this \
         request should have been\n'GET\n/Prod/pets\na=%20b&empty=&limit=10&type=dog&z=0&z=1\nhost:127.0.0.1:3000\n"
    ), "{message}");
    assert!(message.contains("\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20261120T123456Z\n20261120/eu-west-1/execute-api/aws4_request\n"), "{message}");
    let body: Value = serde_json::from_str(&err.body()).unwrap();
    assert_eq!(body["message"], message);
}

#[test]
fn the_clock_may_be_five_minutes_off_and_no_more() {
    let case = cases().into_iter().find(|c| c.name == "post-json-body").unwrap();
    let headers = header_map(&case.headers);
    let at = |now| case.verify_with(&headers, &case.path, &case.query, &case.body, &case.secret, now);
    assert_eq!(at(case.now + 300), Ok(()));
    assert_eq!(at(case.now - 300), Ok(()));
    assert_eq!(
        at(case.now + 301),
        Err(SigV4Error::Invalid(
            "Signature expired: 20261120T123456Z is now earlier than 20261120T123457Z (20261120T123957Z - 5 min.)"
                .into()
        ))
    );
    assert_eq!(
        at(case.now - 301),
        Err(SigV4Error::Invalid(
            "Signature not yet current: 20261120T123456Z is still later than 20261120T123455Z (20261120T122955Z + 5 min.)"
                .into()
        ))
    );
    // A presigned URL is good for its X-Amz-Expires (300 s here).
    let case = cases().into_iter().find(|c| c.name == "presigned-get").unwrap();
    let headers = header_map(&case.headers);
    let at = |now| case.verify_with(&headers, &case.path, &case.query, &case.body, &case.secret, now);
    assert_eq!(at(case.now + 300), Ok(()));
    assert!(matches!(at(case.now + 301), Err(SigV4Error::Invalid(m)) if m.starts_with("Signature expired")));
}

#[test]
fn aws_sigv4_test_suite_vanilla_vectors() {
    // AWS's Signature Version 4 test suite, get-vanilla and post-vanilla: AKIDEXAMPLE, service "service",
    // us-east-1, 20150830T123600Z (https://docs.aws.amazon.com/general/latest/gr/signature-v4-test-suite.html).
    let secret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    for (method, signature) in [
        ("GET", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ("POST", "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"),
    ] {
        let headers = header_map(&[
            ("host".into(), "example.amazonaws.com".into()),
            ("x-amz-date".into(), "20150830T123600Z".into()),
        ]);
        let signed = SignedRequest {
            access_key_id: "AKIDEXAMPLE".into(),
            scope_date: "20150830".into(),
            region: "us-east-1".into(),
            service: "service".into(),
            signed_headers: vec!["host".into(), "x-amz-date".into()],
            signature: signature.into(),
            amz_date: "20150830T123600Z".into(),
            request_epoch: parse_amz_date("20150830T123600Z").unwrap(),
            security_token: None,
            expires: None,
        };
        let now = signed.request_epoch;
        assert_eq!(signed.verify(method, "/", "", &headers, b"", secret, now), Ok(()), "{method}");
        assert!(is_mismatch(&signed.verify(
            method,
            "/",
            "",
            &headers,
            b"",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEZ",
            now
        )));
        if method == "GET" {
            let canonical = signed.canonical_request("GET", "/", "", &headers, &hex(&Sha256::digest(b"")));
            assert_eq!(
                canonical,
                "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n\
                 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
            );
            assert_eq!(
                hex(&Sha256::digest(canonical.as_bytes())),
                "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63"
            );
        }
    }
}

#[test]
fn canonical_forms_follow_the_sigv4_rules() {
    // Non-S3 paths are encoded once more; dot segments and repeated slashes go.
    assert_eq!(canonical_uri("/Prod/my%20pets"), "/Prod/my%2520pets");
    assert_eq!(canonical_uri("/a/./b/../c//d/"), "/a/c/d/");
    assert_eq!(canonical_uri(""), "/");
    assert_eq!(canonical_uri("/a:b"), "/a%3Ab");
    // Query: decoded, strictly re-encoded, sorted by name then value; %7E and ~ are the same parameter value.
    assert_eq!(canonical_query("b=2&a=%7E&a=1&c", false), "a=1&a=~&b=2&c=");
    assert_eq!(canonical_query("q=a+b&x=%2f", false), "q=a%2Bb&x=%2F");
    assert_eq!(canonical_query("X-Amz-Signature=abc&z=1", true), "z=1");
    assert_eq!(collapse_spaces("  a   b  c "), "a b c");
    assert_eq!(format_amz_date(parse_amz_date("20261120T123456Z").unwrap()), "20261120T123456Z");
    assert_eq!(parse_http_date("Fri, 20 Nov 2026 12:34:56 GMT"), parse_amz_date("20261120T123456Z"));
    for bad in ["20261120T123456", "2026112XT123456Z", "20261320T123456Z", "", "20261120t123456z"] {
        assert_eq!(parse_amz_date(bad), None, "{bad}");
    }
    for bad in [
        "Fri, 20 Nov 99999999999999999 12:34:56 GMT",
        "Fri, 20 Nov -5 12:34:56 GMT",
        "Fri, 20 Nov 2026 25:00:00 GMT",
        "Fri, 20 Foo 2026 12:34:56 GMT",
        "20 Nov 2026 12:34:56 GMT",
        "Fri, 20 Nov 2026 12:34 GMT",
        "Fri, 20 Nov 2026 12:34:56 UTC",
    ] {
        assert_eq!(parse_http_date(bad), None, "{bad}");
    }
}

#[test]
fn a_date_header_may_stand_in_for_x_amz_date() {
    // Sign with the Date header's time via the suite's derivation, then check parse converts it.
    let headers = header_map(&[
        ("host".into(), "h".into()),
        ("date".into(), "Fri, 20 Nov 2026 12:34:56 GMT".into()),
        ("authorization".into(), "AWS4-HMAC-SHA256 Credential=AK/20261120/eu-west-1/execute-api/aws4_request, SignedHeaders=date;host, Signature=00".into()),
    ]);
    let signed = parse(&headers, "").unwrap().unwrap();
    assert_eq!(signed.amz_date, "20261120T123456Z");
}

fn auth_headers(authorization: &str) -> HeaderMap {
    header_map(&[
        ("host".into(), "127.0.0.1:3000".into()),
        ("x-amz-date".into(), "20261120T123456Z".into()),
        ("authorization".into(), authorization.into()),
    ])
}

#[test]
fn missing_and_malformed_authorization_get_aws_errors() {
    assert_eq!(parse(&HeaderMap::new(), "a=1"), Ok(None));
    assert_eq!(SigV4Error::Missing.body(), r#"{"message":"Missing Authentication Token"}"#);
    assert_eq!(SigV4Error::Missing.error_type(), "MissingAuthenticationTokenException");

    // A bearer token where a signature belongs (observed texts).
    let err = parse(&auth_headers("Bearer sometoken"), "").unwrap_err();
    assert_eq!(
        err,
        SigV4Error::Incomplete(
            "'sometoken' not a valid key=value pair (missing equal-sign) in Authorization header: 'Bearer sometoken'."
                .into()
        )
    );
    assert_eq!(err.error_type(), "IncompleteSignatureException");
    let bare = header_map(&[("authorization".into(), "eyJ0eXAiOiJKV1QifQ".into())]);
    assert_eq!(
        parse(&bare, "").unwrap_err().message(),
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. \
         Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either \
         a 'X-Amz-Date' or a 'Date' header. Authorization=eyJ0eXAiOiJKV1QifQ"
    );
    let err = parse(&auth_headers("AWS4-HMAC-SHA256 Credential=AK/20261120/eu-west-1/execute-api/aws4_request"), "")
        .unwrap_err();
    assert!(err.message().starts_with("Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization="), "{err}");

    // Scope problems, all in one message.
    let err = parse(
        &auth_headers("AWS4-HMAC-SHA256 Credential=AK/20261119/eu-west-1/s3/aws4_req, SignedHeaders=host;x-amz-date, Signature=ab"),
        "",
    )
    .unwrap_err();
    assert_eq!(
        err,
        SigV4Error::Invalid(
            "Credential should be scoped to correct service: 'execute-api'. Credential should be scoped with a valid \
             terminator: 'aws4_request', not 'aws4_req'. Date in Credential scope does not match YYYYMMDD from \
             ISO-8601 version of date from HTTP: '20261119' != '20261120', from '20261120T123456Z'."
                .into()
        )
    );
    let err =
        parse(&auth_headers("AWS4-HMAC-SHA256 Credential=AK/x, SignedHeaders=host, Signature=ab"), "").unwrap_err();
    assert_eq!(
        err,
        SigV4Error::Incomplete(
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AK/x'"
                .into()
        )
    );
    let err = parse(
        &auth_headers("AWS4-HMAC-SHA256 Credential=AK/20261120/eu-west-1/execute-api/aws4_request, SignedHeaders=x-amz-date, Signature=ab"),
        "",
    )
    .unwrap_err();
    assert_eq!(
        err,
        SigV4Error::Invalid("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.".into())
    );
    let err = parse(
        &auth_headers("AWS4-HMAC-SHA1 Credential=AK/20261120/eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature=ab"),
        "",
    )
    .unwrap_err();
    assert_eq!(
        err,
        SigV4Error::Incomplete(
            "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA1' (only AWS4-HMAC-SHA256 for now). ".into()
        )
    );
    let mut bad_date = auth_headers(
        "AWS4-HMAC-SHA256 Credential=AK/20261120/eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature=ab",
    );
    bad_date.insert("x-amz-date", HeaderValue::from_static("yesterday"));
    assert!(matches!(parse(&bad_date, "").unwrap_err(), SigV4Error::Incomplete(m) if m.contains("ISO-8601")));

    // Presigned query missing parts.
    let err = parse(&HeaderMap::new(), "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261120T123456Z").unwrap_err();
    assert_eq!(
        err.message(),
        "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include \
         'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the \
         query-string parameters."
    );
    // A signature that is not 64 hex digits is a mismatch, not a panic.
    let case = cases().into_iter().find(|c| c.name == "get-root").unwrap();
    let mut headers = case.headers.clone();
    let at = headers.iter().position(|(k, _)| k == "Authorization").unwrap();
    let original = headers[at].1.clone();
    for tail in ["zz", "é"] {
        headers[at].1 = format!("{}{tail}", &original[..original.len() - 2]);
        let result =
            case.verify_with(&header_map(&headers), &case.path, &case.query, &case.body, &case.secret, case.now);
        assert!(is_mismatch(&result), "{tail}: {result:?}");
    }
}

#[test]
fn a_content_sha256_header_must_match_the_body() {
    let case = cases().into_iter().find(|c| c.name == "post-json-body").unwrap();
    let mut headers = header_map(&case.headers);
    headers.insert("x-amz-content-sha256", HeaderValue::from_static("0000"));
    let signed = parse(&headers, "").unwrap().unwrap();
    let err = signed.verify("POST", &case.path, "", &headers, &case.body, &case.secret, case.now).unwrap_err();
    assert_eq!(err.message(), "The provided 'x-amz-content-sha256' header does not match what was computed.");
}

#[test]
fn credentials_come_from_the_environment_and_files() {
    let env = IamCredentials::from_vars(|name| match name {
        "AWS_ACCESS_KEY_ID" => Some("AKENV".into()),
        "AWS_SECRET_ACCESS_KEY" => Some("envsecret".into()),
        "AWS_SESSION_TOKEN" => Some("tok".into()),
        _ => None,
    });
    assert_eq!(env.secret_for("AKENV"), Some("envsecret"));
    assert_eq!(env.get("AKENV").unwrap().session_token.as_deref(), Some("tok"));
    assert!(!format!("{env:?}").contains("envsecret") && !format!("{env:?}").contains("tok\""));
    assert!(IamCredentials::from_vars(|name| (name == "AWS_ACCESS_KEY_ID").then(|| "x".into())).is_empty());

    let text = "\
# shared credentials
[default]
aws_access_key_id = AKDEFAULT
aws_secret_access_key = s1
region = eu-west-1

[profile dev]
aws_access_key_id=AKDEV
aws_secret_access_key=s2
aws_session_token=t2
[settings-only]
region = us-east-1
";
    let path = Path::new("creds.ini");
    let mut creds = IamCredentials::parse_file(text, path).unwrap();
    assert_eq!(creds.len(), 2);
    assert_eq!(creds.secret_for("AKDEFAULT"), Some("s1"));
    assert_eq!(creds.get("AKDEV").unwrap().session_token.as_deref(), Some("t2"));
    assert_eq!(creds.get("AKDEV").unwrap().origin, "creds.ini:7");
    assert_eq!(creds.secret_for("AKNOPE"), None);
    let simple = IamCredentials::parse_file("AKSIMPLE=simple-secret\n; comment\n", Path::new("keys.txt")).unwrap();
    creds.extend(simple);
    assert_eq!(creds.secret_for("AKSIMPLE"), Some("simple-secret"));
    creds.extend(env);
    assert_eq!(creds.len(), 4);

    let bad = |text: &str| IamCredentials::parse_file(text, Path::new("bad.ini")).unwrap_err().to_string();
    assert_eq!(bad("[default\n"), "bad.ini:1: the section header \"[default\" has no closing ']'");
    assert!(bad("[a]\naws_access_key_id = X\n").starts_with("bad.ini:1: profile [a] has aws_access_key_id but no"));
    assert!(bad("[a]\naws_secret_access_key = X\n").starts_with("bad.ini:1: profile [a] has aws_secret_access_key"));
    assert!(bad("ok=1\njust words\n").starts_with("bad.ini:2: expected"));
    assert!(bad("aws_access_key_id = X\n").starts_with("bad.ini:1: `aws_access_key_id` is outside"));
    assert!(bad("AK=\n").starts_with("bad.ini:1: `AK` has no value"));
    let err = IamCredentials::load_file(Path::new("/nonexistent/emu-creds")).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/emu-creds") && std::error::Error::source(&err).is_some());
}

#[test]
fn credentials_verify_known_keys_and_their_session_tokens() {
    let cases = cases();
    let temp = cases.iter().find(|c| c.name == "session-token").unwrap();
    let plain = cases.iter().find(|c| c.name == "get-root").unwrap();
    let creds = |token: Option<&str>| {
        let text = format!(
            "[temp]\naws_access_key_id = {}\naws_secret_access_key = {}\n{}\n[plain]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            temp.access_key_id,
            temp.secret,
            token.map(|t| format!("aws_session_token = {t}")).unwrap_or_default(),
            plain.access_key_id,
            plain.secret
        );
        IamCredentials::parse_file(&text, Path::new("creds")).unwrap()
    };
    let run = |creds: &IamCredentials, case: &Case| {
        let headers = header_map(&case.headers);
        let signed = parse(&headers, &case.query).unwrap().unwrap();
        creds
            .verify(&signed, &case.method, &case.path, &case.query, &headers, &case.body, case.now)
            .map(|c| c.map(|c| c.access_key_id.clone()))
    };
    let right = creds(temp.token.as_deref());
    assert_eq!(run(&right, temp), Ok(Some(temp.access_key_id.clone())));
    assert_eq!(run(&right, plain), Ok(Some(plain.access_key_id.clone())));
    // A key stored without a token accepts the request's token (it is signed anyway).
    assert_eq!(run(&creds(None), temp), Ok(Some(temp.access_key_id.clone())));
    let err = run(&creds(Some("another-token")), temp).unwrap_err();
    assert_eq!(
        (err.error_type(), err.message()),
        ("UnrecognizedClientException", "The security token included in the request is invalid.")
    );
    // An unknown key: left to the caller.
    assert_eq!(run(&IamCredentials::default(), plain), Ok(None));
    // A known key with the wrong secret: the mismatch.
    let wrong =
        IamCredentials::parse_file(&format!("{}=not-the-secret\n", plain.access_key_id), Path::new("k")).unwrap();
    assert!(is_mismatch(&run(&wrong, plain).map(|_| ())));
}

#[test]
fn arbitrary_authorization_headers_and_queries_never_panic() {
    let alphabet = b"AWS4-HMAC-SHA256 Credential=/,;= SignedHeaders=host Signature=0af X-Amz-Date%T19Z";
    let mut seed = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for len in 0..300 {
        let text: String = (0..len).map(|_| char::from(alphabet[(next() % alphabet.len() as u64) as usize])).collect();
        let headers = auth_headers(&text);
        if let Ok(Some(signed)) = parse(&headers, &text) {
            let _ = signed.verify("GET", &text, &text, &headers, text.as_bytes(), "secret", 1_795_000_000);
        }
        let _ = parse(&HeaderMap::new(), &text);
        let _ = (canonical_uri(&text), canonical_query(&text, true), parse_http_date(&text), parse_amz_date(&text));
    }
}
