//! The pet store's OpenAPI-defined adoptions API: its CORS preflight is a MOCK integration (the mock's mapped
//! headers, no function invoked) and its POST a non-proxy Lambda route (mapped event, `[404]` selection pattern).

#[path = "../app/petstore/mod.rs"]
#[allow(dead_code)]
mod petstore;

use serde_json::{Value, json};

#[tokio::test]
async fn the_preflight_is_answered_by_the_mock_with_its_cors_headers() {
    let c = petstore::app().client();
    let preflight = c
        .options("/adoptions")
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .await;
    assert_eq!(preflight.status(), 200, "{preflight:?}");
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert_eq!(preflight.header("access-control-allow-methods"), Some("POST,OPTIONS"), "the mock's, not Globals' Cors");
    assert_eq!(preflight.header("access-control-allow-headers"), Some("Content-Type,Authorization"));
    assert_eq!(preflight.header("access-control-max-age"), Some("600"));
    assert!(preflight.body.is_empty());
}

#[tokio::test]
async fn an_adoption_goes_through_the_request_template_and_the_default_response() {
    let c = petstore::app().client();
    let res = c.post("/adoptions").json(&json!({"dog": "rex", "adopter": "Ana"})).await;
    assert_eq!(res.status(), 201, "{}", res.text());
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    let body: Value = res.json();
    assert_eq!((body["dog"].as_str(), body["adopter"].as_str()), (Some("Rex"), Some("Ana")));
    assert_eq!(body["adoption"].as_str(), res.header("x-amzn-requestid"), "$context.requestId");
}

#[tokio::test]
async fn an_unknown_dog_is_mapped_to_404_by_its_error_message() {
    let c = petstore::app().client();
    let res = c.post("/adoptions").json(&json!({"dog": "Nemo"})).await;
    assert_eq!(res.status(), 404, "{}", res.text());
    assert_eq!(res.json::<Value>(), json!({"message": "[404] no dog named \"Nemo\""}));
    let form = c.post("/adoptions").header("content-type", "application/x-www-form-urlencoded").body("dog=rex").await;
    assert_eq!(form.status(), 415, "passthroughBehavior: never");
}

#[test]
fn the_mock_is_a_route_without_a_function() {
    let app = petstore::app();
    let kind = |method: &str| {
        let r = app.model().routes.iter().find(|r| r.path == "/adoptions" && r.method.as_str() == method);
        r.map(|r| (r.integration.as_str(), r.function().map(str::to_owned)))
    };
    assert_eq!(kind("OPTIONS"), Some(("MOCK", None)));
    assert_eq!(kind("POST"), Some(("AWS", Some("AdoptDog".to_owned()))));
}
