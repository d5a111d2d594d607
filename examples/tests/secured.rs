//! The pet store's secured routes through the in-process client: the Lambda TOKEN authorizer's 200/401/403/500,
//! its cache (and the cached-policy 403 of a too-narrow policy), the API key, and the JWT authorizer with a scope.

#[path = "../app/petstore/mod.rs"]
#[allow(dead_code)]
mod petstore;

use serde_json::{Value, json};

#[tokio::test]
async fn a_good_token_reaches_the_function_with_the_authorizers_context() {
    let app = petstore::app();
    let c = app.client();
    let r = c.get("/vet/visits").header("authorization", "Bearer good-rex").await;
    assert_eq!(r.status(), 200, "{}", r.text());
    let body: Value = r.json();
    assert_eq!(body["principalId"], "rex");
    assert_eq!(body["user"], "rex");
    assert_eq!(body["visits"], "3", "REST stringifies context values");
    assert_eq!(body["vip"], "true");
}

#[tokio::test]
async fn missing_malformed_and_refused_tokens_get_401() {
    let c = petstore::app().client();
    let none = c.get("/vet/visits").await;
    assert_eq!(none.status(), 401);
    assert_eq!(none.json::<Value>(), json!({"message": "Unauthorized"}));
    assert_eq!(none.header("x-amzn-errortype"), Some("UnauthorizedException"));
    let not_bearer = c.get("/vet/visits").header("authorization", "Basic abc").await;
    assert_eq!(not_bearer.status(), 401, "fails the ValidationExpression before the authorizer runs");
    let refused = c.get("/vet/visits").header("authorization", "Bearer who-knows").await;
    assert_eq!(refused.status(), 401, "the authorizer raised `Unauthorized`");
}

#[tokio::test]
async fn an_explicit_deny_is_403_and_a_failing_authorizer_500() {
    let c = petstore::app().client();
    let denied = c.get("/vet/visits").header("authorization", "Bearer deny-tom").await;
    assert_eq!(denied.status(), 403);
    assert_eq!(
        denied.json::<Value>()["message"],
        "User is not authorized to access this resource with an explicit deny"
    );
    let boom = c.get("/vet/visits").header("authorization", "Bearer boom").await;
    assert_eq!(boom.status(), 500);
    assert_eq!(boom.header("x-amzn-errortype"), Some("AuthorizerConfigurationException"));
}

#[tokio::test]
async fn results_are_cached_per_token_and_a_cached_policy_is_evaluated_per_route() {
    let app = petstore::app();
    let c = app.client();
    let before = app.authorizer_stats("VetToken").expect("the authorizer exists");
    for _ in 0..3 {
        assert_eq!(c.get("/vet/visits").header("authorization", "Bearer good-ada").await.status(), 200);
    }
    let after = app.authorizer_stats("VetToken").unwrap();
    assert_eq!(after.invocations - before.invocations, 1, "one invocation, then the cache");
    assert_eq!(after.cache_hits - before.cache_hits, 2);

    // A policy naming only the first method ARN, cached, then refuses the other route: the classic production bug.
    let narrow = "Bearer narrow-bob";
    assert_eq!(c.get("/vet/visits").header("authorization", narrow).await.status(), 200);
    let key = app.api_keys()[0].clone();
    let post = c.post("/vet/visits").header("authorization", narrow).api_key(&key).await;
    assert_eq!(post.status(), 403, "{}", post.text());
    assert_eq!(post.json::<Value>()["message"], "User is not authorized to access this resource");
}

#[tokio::test]
async fn the_api_key_route_needs_a_known_key() {
    let app = petstore::app();
    let c = app.client();
    let auth = "Bearer good-ada";
    let no_key = c.post("/vet/visits").header("authorization", auth).await;
    assert_eq!(no_key.status(), 403);
    assert_eq!(no_key.json::<Value>(), json!({"message": "Forbidden"}));
    let wrong = c.post("/vet/visits").header("authorization", auth).api_key("not-the-key-0000000000").await;
    assert_eq!(wrong.status(), 403);
    assert_eq!(app.api_keys(), ["petstore-vet-key-0123456789"], "the template's ApiKey Value");
    let ok = c.post("/vet/visits").header("authorization", auth).api_key("petstore-vet-key-0123456789").await;
    assert_eq!(ok.status(), 200, "{}", ok.text());
    assert!(ok.json::<Value>()["apiKeyId"].is_string());
}

#[tokio::test]
async fn the_jwt_route_verifies_real_tokens_and_scopes() {
    let app = petstore::app();
    let c = app.client();
    let me = c.get("/v2/me").as_user(json!({"sub": "u1", "scope": "pets/read pets/write"})).await;
    assert_eq!(me.status(), 200, "{}", me.text());
    let body: Value = me.json();
    assert_eq!(body["sub"], "u1");
    assert_eq!(body["scopes"], json!(["pets/read", "pets/write"]));

    let no_token = c.get("/v2/me").await;
    assert_eq!(no_token.status(), 401);
    assert!(no_token.header("www-authenticate").is_some_and(|w| w.starts_with("Bearer")));

    let no_scope = c.get("/v2/me").as_user(json!({"sub": "u1", "scope": "pets/write"})).await;
    assert_eq!(no_scope.status(), 403);

    let token = c.token(json!({"sub": "u2", "scope": "pets/read"}));
    assert_eq!(c.get("/v2/me").bearer(&token).await.status(), 200);
    // One character of the signature changed (to another base64url character): the signature no longer verifies.
    let mut tampered: Vec<char> = token.chars().collect();
    let at = tampered.len() - 10;
    tampered[at] = if tampered[at] == 'A' { 'B' } else { 'A' };
    let tampered: String = tampered.into_iter().collect();
    let bad = c.get("/v2/me").bearer(&tampered).await;
    assert_eq!(bad.status(), 401);
    assert!(bad.header("www-authenticate").is_some_and(|w| w.contains("invalid_token")), "{:?}", bad.headers);

    // A token from another app's issuer (another key) is refused: the local issuer adds trust, nothing else.
    let other = petstore::app().client().token(json!({"sub": "u3", "scope": "pets/read"}));
    assert_eq!(c.get("/v2/me").bearer(&other).await.status(), 401);
}
