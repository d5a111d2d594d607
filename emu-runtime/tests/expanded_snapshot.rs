//! Compiles emu-codegen's committed expansion snapshot against the real `emu_runtime` and runs the app it builds,
//! so a snapshot that no longer type-checks against `emu_runtime::__private` (or serves wrongly) fails here.
//! The snapshot binds `get_dog_function` and `dogs::list` by the template and `dogs::create` explicitly.

use emu_runtime::{Error, LambdaEvent};
use serde_json::{Value, json};

async fn get_dog_function(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let id = event.payload["pathParameters"]["id"].as_str().unwrap_or_default().to_owned();
    Ok(json!({"statusCode": 200, "body": format!("dog {id}")}))
}

mod dogs {
    use super::*;

    pub async fn list(_: LambdaEvent<Value>) -> Result<Value, Error> {
        Ok(json!({"statusCode": 200, "body": "all dogs"}))
    }

    pub async fn create(_: LambdaEvent<Value>) -> Result<Value, Error> {
        Ok(json!({"statusCode": 201, "body": "created"}))
    }
}

// Defines `fn small_app() -> emu_runtime::App`: the expansion of `lambda_app!("tests/data/small.yaml", ...)`.
include!("../../emu-codegen/tests/expand/small.expanded.rs");

#[test]
fn the_snapshot_builds_the_small_app() {
    let app = small_app();
    let functions: Vec<&str> = app.model().functions.iter().map(|f| f.id.as_ref()).collect();
    assert_eq!(functions, ["GetDogFunction", "ListDogsFunction", "CreateDogFunction", "LegacyPythonFunction"]);
    assert_eq!(app.routes().len(), 4);
    assert_eq!(app.model().apis.len(), 2);
    let template = app.template().expect("a lambda_app! app embeds its template");
    assert!(template.path.ends_with("/emu-codegen/tests/data/small.yaml"), "{}", template.path);
    assert!(template.text.contains("LegacyPythonFunction"));
}

#[tokio::test]
async fn the_snapshot_serves_every_binding() {
    let client = small_app().client();
    let get = client.get("/dogs/7").await;
    assert_eq!((get.status(), get.text()), (200, "dog 7".to_owned()));
    let list = client.get("/dogs").await;
    assert_eq!((list.status(), list.text()), (200, "all dogs".to_owned()));
    let create = client.post("/dogs").await;
    assert_eq!((create.status(), create.text()), (201, "created".to_owned()));
    let ignored = client.get("/legacy").await;
    assert_eq!(ignored.status(), 500, "an ignored function gets the HTTP API's integration error");
}
