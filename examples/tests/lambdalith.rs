//! Integration tests of the lambdalith example through the in-process client: one axum `Router` behind a REST API
//! (stage prefix in the URI) and an HTTP API, state shared by both, and the router's own 404s.

#[path = "../lambdalith/service.rs"]
mod service;

use emu_runtime::TestClient;
use serde_json::{Value, json};
use service::Pet;

fn client() -> TestClient {
    service::app().client()
}

#[tokio::test]
async fn the_rest_root_and_list_are_served_by_the_router() {
    let c = client();
    let root = c.get("/").await;
    assert_eq!(root.status(), 200, "{}", root.text());
    // lambda_http put the REST stage in the URI, as on Lambda: the router nests its routes under /Prod.
    assert_eq!(root.json::<Value>()["uri"], "/Prod/");
    let pets = c.get("/pets").await;
    assert_eq!(pets.status(), 200);
    assert_eq!(pets.header("content-type"), Some("application/json"));
    let pets: Vec<Pet> = pets.json();
    assert!(pets.iter().any(|p| p.name == "Rex"), "{pets:?}");
}

#[tokio::test]
async fn lambda_http_request_context_reaches_axum_handlers() {
    let c = client();
    let rest: Value = c.get("/whoami").await.json();
    assert_eq!(rest["api"], "rest");
    assert_eq!(rest["stage"], "Prod");
    assert_eq!(rest["route"], "/{proxy+}");
    assert_eq!(rest["uri"], "/Prod/whoami");
    assert_eq!(rest["rawPath"], "/whoami");
    assert_eq!(rest["proxy"], "whoami");
    assert!(rest["functionArn"].as_str().is_some_and(|a| a.ends_with(":function:ApiFunction")), "{rest}");

    let http: Value = c.get("/v2/whoami").await.json();
    assert_eq!(http["api"], "http");
    assert_eq!(http["stage"], "$default");
    assert_eq!(http["route"], "ANY /v2/{proxy+}");
    assert_eq!(http["uri"], "/v2/whoami", "no stage in an HTTP API URI");
    assert!(http["functionArn"].as_str().is_some_and(|a| a.ends_with(":function:HttpApiFunction")), "{http}");
}

#[tokio::test]
async fn state_is_shared_across_requests_and_both_functions() {
    let c = client();
    let created = c.post("/pets").json(&json!({"name": "Laika", "species": "dog"})).await;
    assert_eq!(created.status(), 201, "{}", created.text());
    let pet: Pet = created.json();
    assert_eq!(pet.name, "Laika");

    // Read back through the REST function, then through the HTTP API function: one store behind both.
    let via_rest: Pet = c.get(&format!("/pets/{}", pet.id)).await.json();
    assert_eq!(via_rest, pet);
    let via_http = c.get(&format!("/v2/pets/{}", pet.id)).await;
    assert_eq!(via_http.status(), 200, "{}", via_http.text());
    assert_eq!(via_http.json::<Pet>(), pet);

    assert_eq!(c.delete(&format!("/v2/pets/{}", pet.id)).await.status(), 204);
    let gone = c.get(&format!("/pets/{}", pet.id)).await;
    assert_eq!(gone.status(), 404);
    assert_eq!(gone.json::<Value>()["error"], format!("pet {} not found", pet.id));
}

#[tokio::test]
async fn an_unknown_path_is_the_routers_404_not_the_gateways() {
    let c = client();
    // REST `/{proxy+}` sends every path to the function: the 404 comes from the axum fallback.
    let res = c.get("/no/such/thing").await;
    assert_eq!(res.status(), 404);
    assert_eq!(res.json::<Value>()["error"], "no route GET /Prod/no/such/thing in the lambdalith");
    assert_eq!(res.header("x-amzn-errortype"), None, "not an API Gateway error");

    // A method the router does not serve on a known path: axum's own 405, still from the function.
    assert_eq!(c.put("/pets").await.status(), 405);

    // Bad input is rejected by axum's Json extractor inside the function.
    let bad = c.post("/pets").header("content-type", "application/json").body("{not json").await;
    assert_eq!(bad.status(), 400, "{}", bad.text());
}
