use super::*;

const NOW: u64 = 1_700_000_000;

fn defaults<'a>(audience: Option<&'a str>, token_use: Option<&'a str>) -> MintDefaults<'a> {
    MintDefaults { issuer: "https://issuer/", audience, token_use, ttl_secs: 600, now_epoch_secs: NOW }
}

fn claims_of(token: &str) -> Map<String, Value> {
    let payload = token.split('.').nth(1).unwrap();
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("emu-local-issuer-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn mint_fills_the_registered_claims_the_caller_leaves_out() {
    let issuer = LocalIssuer::ephemeral().unwrap();
    let token = issuer.mint(Map::new(), &defaults(Some("client1"), None));
    let header: Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(token.split('.').next().unwrap()).unwrap()).unwrap();
    assert_eq!(header, json!({"alg": "ES256", "typ": "JWT", "kid": issuer.kid()}));
    assert_eq!(
        Value::Object(claims_of(&token)),
        json!({"iss": "https://issuer/", "aud": "client1", "iat": NOW, "exp": NOW + 600})
    );
    // The caller's own claims win, and exp follows a given iat.
    let mine = json!({"iss": "x", "aud": ["a", "b"], "iat": NOW - 100, "sub": "u1"});
    let claims = claims_of(&issuer.mint(mine.as_object().unwrap().clone(), &defaults(Some("client1"), None)));
    assert_eq!(
        Value::Object(claims),
        json!({"iss": "x", "aud": ["a", "b"], "iat": NOW - 100, "exp": NOW + 500, "sub": "u1"})
    );
}

#[test]
fn cognito_access_tokens_get_client_id_instead_of_aud() {
    let issuer = LocalIssuer::ephemeral().unwrap();
    let access = claims_of(&issuer.mint(Map::new(), &defaults(Some("app"), Some("access"))));
    assert_eq!((access.get("client_id"), access.get("aud")), (Some(&json!("app")), None));
    assert_eq!(access["token_use"], "access");
    let id = claims_of(&issuer.mint(Map::new(), &defaults(Some("app"), Some("id"))));
    assert_eq!((id.get("aud"), id.get("client_id"), &id["token_use"]), (Some(&json!("app")), None, &json!("id")));
    // A caller's token_use decides, over the default's.
    let mine = json!({"token_use": "access"}).as_object().unwrap().clone();
    let claims = claims_of(&issuer.mint(mine, &defaults(Some("app"), Some("id"))));
    assert_eq!((claims.get("client_id"), claims.get("aud")), (Some(&json!("app")), None));
}

#[test]
fn the_kid_is_the_rfc7638_thumbprint_and_the_jwk_verifies() {
    let issuer = LocalIssuer::ephemeral().unwrap();
    let jwk = issuer.jwk();
    let input = format!(
        r#"{{"crv":"P-256","kty":"EC","x":"{}","y":"{}"}}"#,
        jwk["x"].as_str().unwrap(),
        jwk["y"].as_str().unwrap()
    );
    let expected = format!("emu-local-{}", URL_SAFE_NO_PAD.encode(Sha256::digest(input.as_bytes())));
    assert_eq!(issuer.kid(), expected);
    assert_ne!(issuer.kid(), LocalIssuer::ephemeral().unwrap().kid(), "two ephemeral keys share a kid");
    // The JWKS document parses into one ES256 key with the same kid.
    let set = super::super::jwks::parse_key_set(&issuer.jwks_json(), "local").unwrap();
    assert_eq!(set.keys.len(), 1);
    assert_eq!(set.keys[0].kid.as_deref(), Some(issuer.kid()));
    // And a minted token's signature verifies with the published key.
    let token = issuer.mint(Map::new(), &defaults(None, None));
    let (message, signature) = token.rsplit_once('.').unwrap();
    let ok = jsonwebtoken::crypto::verify(signature, message.as_bytes(), &set.keys[0].key, Algorithm::ES256).unwrap();
    assert!(ok);
    assert!(format!("{issuer:?}").contains("kid") && !format!("{issuer:?}").contains("signing"));
}

#[test]
fn a_shared_key_is_created_private_then_reloaded_unchanged() {
    let dir = temp_dir("shared");
    let path = dir.join("nested").join(KEY_FILE);
    let first = LocalIssuer::load_or_create(&path).unwrap();
    assert_eq!(first.path(), Some(path.as_path()));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        assert_eq!(std::fs::metadata(path.parent().unwrap()).unwrap().permissions().mode() & 0o777, 0o700);
    }
    let again = LocalIssuer::load_or_create(&path).unwrap();
    assert_eq!(first.kid(), again.kid());
    // A token minted by one "process" verifies with the other's key.
    let token = first.mint(Map::new(), &defaults(None, None));
    let (message, signature) = token.rsplit_once('.').unwrap();
    assert!(
        jsonwebtoken::crypto::verify(signature, message.as_bytes(), &again.verify_key().key, Algorithm::ES256).unwrap()
    );
    // No temporary file is left behind.
    let entries: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
    assert_eq!(entries.len(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn concurrent_creators_agree_on_one_key() {
    let dir = temp_dir("race");
    let path = dir.join(KEY_FILE);
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || LocalIssuer::load_or_create(&path).map(|i| i.kid().to_owned()))
        })
        .collect();
    let kids: Vec<String> = handles.into_iter().map(|h| h.join().unwrap().unwrap()).collect();
    assert!(kids.windows(2).all(|w| w[0] == w[1]), "{kids:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_corrupt_key_file_is_an_error_naming_it_and_is_left_alone() {
    let dir = temp_dir("corrupt");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(KEY_FILE);
    std::fs::write(&path, b"not a key").unwrap();
    let err = LocalIssuer::load_or_create(&path).unwrap_err();
    assert!(matches!(err, LocalIssuerError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains(&path.display().to_string()) && err.to_string().contains(KEY_PATH_ENV), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"not a key");
    // A directory where the file should be: an I/O error naming it.
    let err = LocalIssuer::load_or_create(&dir).unwrap_err();
    assert!(
        matches!(err, LocalIssuerError::Io { .. }) && err.to_string().contains(&dir.display().to_string()),
        "{err}"
    );
    assert!(std::error::Error::source(&err).is_some());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_default_path_is_under_the_state_directory() {
    let path = LocalIssuer::default_key_path();
    if std::env::var_os(KEY_PATH_ENV).is_none() {
        assert!(path.ends_with(Path::new("emu-runtime").join(KEY_FILE)), "{}", path.display());
    }
}
