//! A nested stack through `lambda_app!`: the child's function is `Pets/ListPets`, bound by default to
//! `pets::list_pets`, gets the parameter its parent passes, and serves its route; the root's route wins a collision.

use emu_runtime::{Error, LambdaEvent};
use serde_json::{Value, json};

async fn hello(_: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(json!({"statusCode": 200, "body": "root"}))
}

mod pets {
    use emu_runtime::{Error, LambdaEvent};
    use serde_json::{Value, json};

    pub(crate) async fn list_pets(_: LambdaEvent<Value>) -> Result<Value, Error> {
        Ok(json!({"statusCode": 200, "body": "pets"}))
    }
}

fn app() -> emu_runtime::App {
    emu_runtime::lambda_app!("tests/data/nested/template.yaml")
}

#[tokio::test]
async fn the_child_serves_its_routes_and_the_root_wins_a_collision() {
    let app = app();
    let ids: Vec<&str> = app.model().functions.iter().map(|f| f.id.as_ref()).collect();
    assert_eq!(ids, ["Hello", "Pets/ListPets"]);
    let child = app.model().function("Pets/ListPets").expect("child function");
    assert_eq!(child.environment[0].literal_value().as_deref(), Some("from-the-parent"));
    let client = app.client();
    let pets = client.get("/pets").await;
    assert_eq!((pets.status(), &pets.body[..]), (200, &b"pets"[..]), "{pets:?}");
    let hello = client.post("/hello").await;
    assert_eq!((hello.status(), &hello.body[..]), (200, &b"root"[..]), "the root's API is matched first");
    let direct = app.invoke("Pets/ListPets", json!({})).await.expect("invoked by its id");
    assert_eq!(direct["body"], "pets");
}

#[tokio::test]
async fn the_invoke_api_takes_a_nested_id_percent_encoded_as_botocore_sends_it() {
    use tower::ServiceExt;
    let req = http::Request::post("/2015-03-31/functions/Pets%2FListPets/invocations")
        .body(axum::body::Body::from("{}"))
        .expect("request");
    let res = app().invoke_api_router().oneshot(req).await.expect("response");
    assert_eq!(res.status(), 200);
}
