//! The vet API's gateway responses (examples/app/template.yaml): CORS headers on the gateway's own 401, 403 and
//! 500 through `DEFAULT_4XX` / `DEFAULT_5XX`, and `ACCESS_DENIED`'s own body.

#[path = "../app/petstore/mod.rs"]
#[allow(dead_code)]
mod petstore;

use serde_json::{Value, json};

#[tokio::test]
async fn the_authorizers_401_carries_cors_headers() {
    let r = petstore::app().client().get("/vet/visits").await;
    assert_eq!(r.status(), 401);
    assert_eq!(r.json::<Value>(), json!({"message": "Unauthorized"}), "AWS's body: DEFAULT_4XX has no template");
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert_eq!(r.header("access-control-allow-headers"), Some("Content-Type,Authorization,X-Api-Key"));
}

#[tokio::test]
async fn a_missing_api_key_and_a_route_miss_are_403s_with_cors_headers() {
    let c = petstore::app().client();
    let no_key = c.post("/vet/visits").header("authorization", "Bearer good-rex").await;
    assert_eq!(no_key.status(), 403);
    assert_eq!(no_key.json::<Value>(), json!({"message": "Forbidden"}));
    assert_eq!(no_key.header("access-control-allow-origin"), Some("*"));
    let miss = c.delete("/vet/visits").await;
    assert_eq!(miss.status(), 403, "no DELETE /vet/visits: MISSING_AUTHENTICATION_TOKEN");
    assert_eq!(miss.json::<Value>(), json!({"message": "Missing Authentication Token"}));
    assert_eq!(miss.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn access_denied_has_its_own_body_and_a_failing_authorizer_gets_default_5xx() {
    let c = petstore::app().client();
    let denied = c.get("/vet/visits").header("authorization", "Bearer deny-tom").await;
    assert_eq!(denied.status(), 403);
    let body: Value = denied.json();
    assert_eq!(body["message"], "User is not authorized to access this resource with an explicit deny");
    assert_eq!(body["requestId"].as_str(), denied.header("x-amzn-requestid"), "from $context.requestId");
    assert_eq!(denied.header("access-control-allow-origin"), Some("*"));
    assert!(denied.header("access-control-allow-headers").is_none(), "ACCESS_DENIED does not merge DEFAULT_4XX");
    let boom = c.get("/vet/visits").header("authorization", "Bearer boom").await;
    assert_eq!(boom.status(), 500);
    assert_eq!(boom.header("x-amzn-errortype"), Some("AuthorizerConfigurationException"));
    assert_eq!(boom.header("access-control-allow-origin"), Some("*"));
}

#[tokio::test]
async fn the_store_api_has_no_gateway_responses() {
    let r = petstore::app().client().get("/dogs/424242").await;
    assert_eq!(r.status(), 404, "the function's own 404");
    let miss = petstore::app().client().patch("/dogs").await;
    assert_eq!(miss.status(), 403);
    assert!(miss.header("access-control-allow-origin").is_none(), "ServerlessRestApi customizes nothing");
}
