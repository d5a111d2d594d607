//! The pet store's validated route, `POST /dogs`: API Gateway's 400 answers for a missing `shelter` query parameter
//! and for bodies the `NewDog` model refuses, before `dogs::create` runs; a valid request reaches it.

#[path = "../app/petstore/mod.rs"]
#[allow(dead_code)]
mod petstore;

use emu_runtime::{TestClient, TestResponse};
use serde_json::{Value, json};

fn client() -> TestClient {
    petstore::app().client()
}

fn assert_gateway_400(res: &TestResponse, body: &str) {
    assert_eq!(res.status(), 400, "{res:?}");
    assert_eq!(res.text(), body, "API Gateway's body, not the handler's");
    assert_eq!(res.header("x-amzn-errortype"), Some("BadRequestException"));
}

const MISSING_SHELTER: &str = r#"{"message": "Missing required request parameters: [shelter]"}"#;
const INVALID_BODY: &str = r#"{"message": "Invalid request body"}"#;

#[tokio::test]
async fn a_missing_or_blank_query_parameter_is_refused_first() {
    let c = client();
    let dog = json!({"name": "Rex", "breed": "Beagle"});
    assert_gateway_400(&c.post("/dogs").json(&dog).await, MISSING_SHELTER);
    assert_gateway_400(&c.post("/dogs").query("shelter", "").json(&dog).await, MISSING_SHELTER);
    // Parameters are checked before the body: both wrong gives the parameter error.
    assert_gateway_400(&c.post("/dogs").json(&json!({"age": -1})).await, MISSING_SHELTER);
}

#[tokio::test]
async fn bodies_the_model_refuses_never_reach_the_function() {
    let c = client();
    let post = || c.post("/dogs").query("shelter", "north");
    assert_gateway_400(&post().json(&json!({"name": "Rex"})).await, INVALID_BODY);
    assert_gateway_400(&post().json(&json!({"name": "Rex", "breed": "Beagle", "age": 41})).await, INVALID_BODY);
    assert_gateway_400(&post().json(&json!({"name": "", "breed": "Beagle"})).await, INVALID_BODY);
    assert_gateway_400(&post().json(&json!(["Rex"])).await, INVALID_BODY);
    assert_gateway_400(&post().header("content-type", "application/json").body("{name:").await, INVALID_BODY);
    // No body and no Content-Type: API Gateway assumes application/json, and nothing is not a JSON object.
    assert_gateway_400(&post().await, INVALID_BODY);
}

#[tokio::test]
async fn a_valid_request_reaches_the_function() {
    let c = client();
    let res =
        c.post("/dogs").query("shelter", "north").json(&json!({"name": "Bolt", "breed": "Shepherd", "age": 2})).await;
    assert_eq!(res.status(), 201, "{}", res.text());
    assert_eq!(res.header("x-shelter"), Some("north"), "the handler read the parameter the validator requires");
    assert_eq!(res.json::<Value>()["name"], "Bolt");
    assert!(res.header("x-amzn-errortype").is_none());
}
