//! Integration tests of the pet-store example: every route through the in-process client, one test over a real
//! TCP socket, the environment handlers see, `--parameter-overrides` / `--env-vars` effects and bad flags.

#[path = "../app/petstore/mod.rs"]
#[allow(dead_code)]
mod petstore;

use std::collections::BTreeMap;

use emu_runtime::{EnvVarsFile, EnvironmentPlan, TestClient};
use serde_json::{Value, json};

fn client() -> TestClient {
    petstore::app().client()
}

#[tokio::test]
async fn dogs_crud_through_every_route() {
    let c = client();
    let list = c.get("/dogs").await;
    assert_eq!(list.status(), 200);
    assert_eq!(list.header("content-type"), Some("application/json"));
    let dogs: Vec<Value> = list.json();
    assert!(dogs.iter().any(|d| d["name"] == "Rex"), "{dogs:?}");

    let created =
        c.post("/dogs").query("shelter", "north").json(&json!({"name": "Laika", "breed": "Mongrel", "age": 3})).await;
    assert_eq!(created.status(), 201, "{}", created.text());
    let id = created.json::<Value>()["id"].as_u64().unwrap();

    let got = c.get(&format!("/dogs/{id}")).await;
    assert_eq!(got.status(), 200);
    assert_eq!(got.json::<Value>()["name"], "Laika");

    let updated = c.put(&format!("/dogs/{id}")).json(&json!({"name": "Laika", "breed": "Space dog", "age": 4})).await;
    assert_eq!(updated.status(), 200);
    assert_eq!(updated.json::<Value>()["breed"], "Space dog");

    let filtered: Vec<Value> = c.get("/dogs").query("breed", "space dog").await.json();
    assert!(filtered.iter().all(|d| d["breed"] == "Space dog") && !filtered.is_empty(), "{filtered:?}");

    assert_eq!(c.delete(&format!("/dogs/{id}")).await.status(), 204);
    assert_eq!(c.get(&format!("/dogs/{id}")).await.status(), 404);
    assert_eq!(c.delete(&format!("/dogs/{id}")).await.status(), 404);
}

#[tokio::test]
async fn bad_dog_input_gets_a_4xx_json_answer_from_the_handler() {
    let c = client();
    // Missing and malformed bodies of POST /dogs are API Gateway's (tests/validation.rs); PUT has no validator.
    let no_body = c.put("/dogs/1").await;
    assert_eq!(no_body.status(), 400);
    assert_eq!(no_body.json::<Value>()["message"], "request body is required");
    let bad_json = c.put("/dogs/1").header("content-type", "application/json").body("{name:").await;
    assert_eq!(bad_json.status(), 400);
    assert!(bad_json.json::<Value>()["message"].as_str().unwrap().starts_with("invalid JSON body"));
    let missing_field = c.put("/dogs/1").json(&json!({"name": "Rex"})).await;
    assert_eq!(missing_field.status(), 400);
    assert!(missing_field.text().contains("missing field `breed`"), "{}", missing_field.text());
    let blank = c.post("/dogs").query("shelter", "north").json(&json!({"name": " ", "breed": "Pug"})).await;
    assert_eq!(blank.json::<Value>()["message"], "name must not be empty", "what the model cannot say");
    assert_eq!(c.get("/dogs/not-a-number").await.status(), 404);
    assert_eq!(c.get("/dogs/999999").await.json::<Value>()["message"], "no dog with id 999999");
}

#[tokio::test]
async fn houses_are_served_by_one_stateful_function() {
    let c = client();
    assert_eq!(c.get("/houses").await.json::<Vec<Value>>(), Vec::<Value>::new());
    let created = c.post("/houses").json(&json!({"address": "1 Bark St", "capacity": 3})).await;
    assert_eq!(created.status(), 201);
    let id = created.json::<Value>()["id"].as_u64().unwrap();
    assert_eq!(c.get(&format!("/houses/{id}")).await.json::<Value>()["address"], "1 Bark St");
    let put = c.put(&format!("/houses/{id}")).json(&json!({"address": "2 Bark St", "capacity": 4})).await;
    assert_eq!(put.json::<Value>()["capacity"], 4);
    assert_eq!(c.get("/houses").await.json::<Vec<Value>>().len(), 1);
    // ANY /houses/{id}: PATCH reaches the function, which refuses it itself.
    assert_eq!(c.patch(&format!("/houses/{id}")).await.status(), 405);
    assert_eq!(c.delete(&format!("/houses/{id}")).await.status(), 204);
    assert_eq!(c.get(&format!("/houses/{id}")).await.status(), 404);
    // Each App gets its own store: a new app starts empty.
    assert_eq!(client().get("/houses").await.json::<Vec<Value>>().len(), 0);
}

#[tokio::test]
async fn login_refresh_logout_with_lambda_http_handlers() {
    let c = client();
    let bad = c.post("/auth/login").json(&json!({"username": "", "password": ""})).await;
    assert_eq!(bad.status(), 401);
    let no_json = c.post("/auth/login").body("user=a").await;
    assert_eq!(no_json.status(), 400);
    let login = c.post("/auth/login").json(&json!({"username": "ada", "password": "pw"})).await;
    assert_eq!(login.status(), 200, "{}", login.text());
    let token = login.json::<Value>()["token"].as_str().unwrap().to_owned();

    let refreshed = c.post("/auth/refresh").bearer(&token).await;
    assert_eq!(refreshed.status(), 200);
    let new_token = refreshed.json::<Value>()["token"].as_str().unwrap().to_owned();
    assert_ne!(new_token, token);
    assert_eq!(c.post("/auth/refresh").bearer(&token).await.status(), 401, "old token is spent");

    assert_eq!(c.post("/auth/logout").bearer(&new_token).await.status(), 204);
    assert_eq!(c.post("/auth/logout").bearer(&new_token).await.status(), 401);
    assert_eq!(c.post("/auth/logout").await.status(), 401);
}

#[tokio::test]
async fn photo_is_binary_and_decoded_by_the_gateway() {
    let c = client();
    let photo = c.get("/dogs/1/photo").await;
    assert_eq!(photo.status(), 200);
    assert_eq!(photo.header("content-type"), Some("image/png"));
    assert_eq!(&photo.body[..], petstore::photos::PHOTO_PNG);
    assert_eq!(c.get("/dogs/424242/photo").await.status(), 404);
}

#[tokio::test]
async fn info_shows_context_and_crash_is_a_502_and_the_app_keeps_serving() {
    let c = client();
    let info: Value = c.get("/info").await.json();
    assert_eq!(info["functionName"], "StoreInfo");
    assert_eq!(info["memoryMb"], 256);
    assert_eq!(info["invokedFunctionArn"], "arn:aws:lambda:us-east-1:123456789012:function:StoreInfo");
    assert_eq!(info["stage"], "Prod");
    assert_ne!(info["awsRequestId"], info["apiRequestId"]);

    let crash = c.get("/crash").await;
    assert_eq!(crash.status(), 502);
    assert_eq!(crash.json::<Value>(), json!({"message": "Internal server error"}));
    assert_eq!(c.get("/dogs/1").await.status(), 200, "the next request succeeds");
}

#[tokio::test]
async fn http_api_route_uses_payload_2_and_the_simple_response_format() {
    let stats = client().get("/v2/stats").await;
    assert_eq!(stats.status(), 200);
    assert_eq!(stats.header("content-type"), Some("application/json"));
    let body: Value = stats.json();
    assert_eq!(body["routeKey"], "GET /v2/stats");
    assert!(body["dogs"].as_u64().is_some());
}

#[tokio::test]
async fn gateway_answers_misses_and_cors_preflights_itself() {
    let c = client();
    let miss = c.get("/cats").await;
    assert_eq!(miss.status(), 403);
    assert_eq!(miss.json::<Value>(), json!({"message": "Missing Authentication Token"}));
    assert_eq!(c.patch("/dogs").await.status(), 403, "no PATCH /dogs route");
    let preflight = c
        .options("/dogs")
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .await;
    assert_eq!(preflight.status(), 200);
    assert_eq!(preflight.header("access-control-allow-origin"), Some("*"));
    assert_eq!(preflight.header("access-control-allow-methods"), Some("GET,POST,PUT,DELETE,OPTIONS"));
    assert_eq!(preflight.header("access-control-max-age"), Some("600"));
}

#[test]
fn every_template_route_is_bound_and_listed() {
    let app = petstore::app();
    let routes: Vec<String> = app.routes().iter().map(|r| format!("{} {}", r.method, r.path)).collect();
    assert_eq!(routes.len(), 20, "{routes:?}");
    for f in app.model().functions.iter() {
        // The authorizer is invoked by the gateway, not through a route of its own.
        let authorizer =
            app.model().authorizers.iter().any(|a| a.function().and_then(|f| f.id.as_deref()) == Some(&*f.id));
        assert!(authorizer || app.model().routes.iter().any(|r| r.function() == Some(&*f.id)), "{} has no route", f.id);
    }
}

#[test]
fn environment_follows_template_globals_overrides_and_reserved_variables() {
    let app = petstore::app();
    let none = EnvVarsFile::default();
    let info = app.function_environment("StoreInfo", &none).unwrap();
    assert_eq!(info["STORE_NAME"], "Happy Paws", "Globals + !Ref parameter default");
    assert_eq!(info["LOG_LEVEL"], "debug", "function value beats Globals");
    assert_eq!(info["AWS_LAMBDA_FUNCTION_NAME"], "StoreInfo");
    assert_eq!(info["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256");
    assert_eq!(info["AWS_REGION"], "us-east-1");
    assert_eq!(info["_HANDLER"], "info::get");
    let houses = app.function_environment("HousesFunction", &none).unwrap();
    assert_eq!(houses["MAX_HOUSES"], "100");
    assert_eq!(houses["LOG_LEVEL"], "info");

    // --env-vars: Parameters for all, a function's own block wins; undeclared names are reported, not set.
    let file = EnvVarsFile::parse(
        r#"{"Parameters": {"LOG_LEVEL": "warn", "UNDECLARED": "x"}, "StoreInfo": {"LOG_LEVEL": "trace"}}"#,
        "env.json",
    )
    .unwrap();
    assert_eq!(app.function_environment("StoreInfo", &file).unwrap()["LOG_LEVEL"], "trace");
    assert_eq!(app.function_environment("ListDogs", &file).unwrap()["LOG_LEVEL"], "warn");
    let plan = EnvironmentPlan::new(app.model(), &file);
    assert!(!plan.process.contains_key("UNDECLARED"));
    assert!(plan.notes.iter().any(|n| n.contains("Parameters.UNDECLARED is ignored")), "{:?}", plan.notes);
    assert!(plan.conflicts.iter().any(|c| c.name == "LOG_LEVEL"), "StoreInfo and the others disagree");

    // --parameter-overrides re-reads the template: !Ref StoreName follows.
    let overridden =
        app.with_parameter_overrides(BTreeMap::from([("StoreName".to_owned(), "Wet Noses".to_owned())])).unwrap();
    assert_eq!(overridden.function_environment("ListDogs", &none).unwrap()["STORE_NAME"], "Wet Noses");
    assert_eq!(EnvironmentPlan::new(overridden.model(), &none).process["STORE_NAME"], "Wet Noses");
}

#[test]
fn bad_flags_and_files_exit_with_code_2_and_list_routes_exits_0() {
    let run =
        |args: &[&str]| emu_runtime::run_with_args(petstore::app(), std::iter::once("app").chain(args.iter().copied()));
    assert_eq!(run(&["--bogus"]), 2);
    assert_eq!(run(&["--port", "eighty"]), 2);
    assert_eq!(run(&["--env-vars", "/definitely/not/here.json"]), 2);
    assert_eq!(run(&["--list-routes", "--json"]), 0);
    assert_eq!(run(&["--list-routes"]), 0);
}

#[tokio::test]
async fn serves_over_a_real_tcp_socket() {
    use http_body_util::{BodyExt, Full};
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;

    let server = emu_runtime::Server::bind(petstore::app(), "127.0.0.1:0".parse().unwrap()).await.unwrap();
    let addr = server.local_addr();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(server.serve_until(async move {
        let _ = stopped.await;
    }));

    let client: Client<_, Full<bytes_of::Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let get = client.get(format!("http://{addr}/dogs/1").parse().unwrap()).await.unwrap();
    assert_eq!(get.status(), 200);
    let body: Value = serde_json::from_slice(&get.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(body["name"], "Rex");

    let post = http::Request::post(format!("http://{addr}/dogs?shelter=north"))
        .header("content-type", "application/json")
        .body(Full::new(bytes_of::Bytes::from_static(br#"{"name":"Tcp","breed":"Socket"}"#)))
        .unwrap();
    let created = client.request(post).await.unwrap();
    assert_eq!(created.status(), 201);

    let info = client.get(format!("http://{addr}/info").parse().unwrap()).await.unwrap();
    let info: Value = serde_json::from_slice(&info.into_body().collect().await.unwrap().to_bytes()).unwrap();
    assert_eq!(info["functionName"], "StoreInfo");

    let miss = client.get(format!("http://{addr}/nope").parse().unwrap()).await.unwrap();
    assert_eq!(miss.status(), 403);

    stop.send(()).unwrap();
    serving.await.unwrap().unwrap();
}

/// `bytes` under another name, through hyper's re-export-free path: http-body-util's `Full` needs `bytes::Bytes`.
mod bytes_of {
    pub use hyper::body::Bytes;
}
