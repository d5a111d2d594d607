//! Integration tests of the Serverless pet store (`examples/serverless/`) through the in-process client.
//! REST routes (`http` events) answer under `/dev`, the stage; the HTTP API route (`httpApi`) has no prefix.

#[allow(dead_code)]
#[path = "../app/petstore/mod.rs"]
mod petstore;

#[path = "../serverless/app.rs"]
mod app;

use emu_runtime::EnvVarsFile;
use serde_json::{Value, json};

#[tokio::test]
async fn rest_routes_are_served_under_the_stage() {
    let app = app::app();
    let client = app.client();
    let created = client.post("/dev/dogs").json(&json!({"name": "Rex", "breed": "collie", "age": 3})).await;
    assert_eq!(created.status(), 201, "{}", created.text());
    let dog: Value = created.json();
    let id = dog["id"].as_u64().expect("an id");
    let got = client.get(&format!("/dev/dogs/{id}")).await;
    assert_eq!(got.status(), 200, "{}", got.text());
    assert_eq!(got.json::<Value>()["name"], "Rex");
    let list = client.get("/dev/dogs").await;
    assert_eq!(list.status(), 200);
    assert!(list.json::<Vec<Value>>().iter().any(|d| d["id"] == id));
    // Without the stage the REST API does not know the path, as on AWS.
    let unprefixed = client.get("/dogs").await;
    assert_ne!(unprefixed.status(), 200, "{}", unprefixed.text());
}

#[tokio::test]
async fn explicit_binding_serves_houses_with_its_state() {
    let app = app::app();
    let client = app.client();
    let created = client.post("/dev/houses").json(&json!({"address": "1 Bark Lane", "capacity": 4})).await;
    assert_eq!(created.status(), 201, "{}", created.text());
    let houses: Vec<Value> = client.get("/dev/houses").await.json();
    assert_eq!(houses.len(), 1);
    let one = client.get("/dev/houses/1").await;
    assert_eq!(one.status(), 200, "{}", one.text());
}

#[tokio::test]
async fn info_sees_the_stage_and_the_deployed_name() {
    let app = app::app();
    let info = app.client().get("/dev/info").await;
    assert_eq!(info.status(), 200, "{}", info.text());
    let body: Value = info.json();
    assert_eq!(body["stage"], "dev");
    assert_eq!(body["functionName"], "petstore-dev-storeInfo");
    assert_eq!(body["memoryMb"], 256);
}

#[test]
fn environment_merges_provider_and_function_values_and_params() {
    let app = app::app();
    let none = EnvVarsFile::default();
    let env = app.function_environment("storeInfo", &none).expect("storeInfo");
    assert_eq!(env.get("STORE_NAME").map(String::as_str), Some("Happy Paws"));
    assert_eq!(env.get("TOKEN_TTL_SECONDS").map(String::as_str), Some("3600"));
    assert_eq!(env.get("LOG_LEVEL").map(String::as_str), Some("debug"));
    let houses = app.function_environment("houses", &none).expect("houses");
    assert_eq!(houses.get("MAX_HOUSES").map(String::as_str), Some("100"));
    assert_eq!(houses.get("LOG_LEVEL").map(String::as_str), Some("info"));
    // `${param:storeName}` takes the parameter override.
    let overrides = [("storeName".to_string(), "Wet Noses".to_string())].into_iter().collect();
    let renamed = app.with_parameter_overrides(overrides).expect("re-read with overrides");
    let env = renamed.function_environment("storeInfo", &none).expect("storeInfo");
    assert_eq!(env.get("STORE_NAME").map(String::as_str), Some("Wet Noses"));
}

#[tokio::test]
async fn http_api_route_has_no_stage_prefix() {
    let app = app::app();
    let stats = app.client().get("/v2/stats").await;
    assert_eq!(stats.status(), 200, "{}", stats.text());
    assert_eq!(stats.json::<Value>()["routeKey"], "GET /v2/stats");
}

#[tokio::test]
async fn auth_handlers_bound_by_key_and_errors_map_to_502() {
    let app = app::app();
    let client = app.client();
    let login = client.post("/dev/auth/login").json(&json!({"username": "ada", "password": "pw"})).await;
    assert_eq!(login.status(), 200, "{}", login.text());
    let crash = client.get("/dev/crash").await;
    assert_eq!(crash.status(), 502, "{}", crash.text());
}

#[tokio::test]
async fn adoptions_have_a_mock_preflight_and_a_non_proxy_post() {
    let app = app::app();
    let client = app.client();
    let preflight = client.options("/dev/adoptions").header("origin", "http://localhost:5173").await;
    assert_eq!(preflight.status(), 200, "{}", preflight.text());
    assert_eq!(preflight.header("access-control-allow-methods"), Some("POST,OPTIONS"));
    let adopted = client.post("/dev/adoptions").json(&json!({"dog": "fido", "adopter": "Ana"})).await;
    assert_eq!(adopted.status(), 201, "{}", adopted.text());
    assert_eq!(adopted.json::<Value>()["dog"], "Fido");
    let missing = client.post("/dev/adoptions").json(&json!({"dog": "Nemo"})).await;
    assert_eq!(missing.status(), 404, "{}", missing.text());
    assert_eq!(missing.json::<Value>(), json!({"message": "[404] no dog named \"Nemo\""}));
}
