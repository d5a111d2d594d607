//! The lambdalith's axum `Router`: pets in a store shared by both functions (`with_state(Arc<Store>)`), plus `app()`,
//! which binds the router to the template with `lambda_app!`'s explicit bindings.
//!
//! The REST stage prefix: on a REST API, `lambda_http` builds the URI as `/{stage}{path}` (`/Prod/pets`) unless the
//! process has `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH` set — on Lambda exactly as here. This example nests its routes
//! under `/Prod` for the REST function rather than setting the variable, because the variable is process-wide (it would
//! also apply to any other REST function of the process, and setting it is `unsafe` once threads run, as in a test
//! binary) and nesting keeps the code the same as the one deployed without the variable. (The deployed function could
//! instead set the variable in its `Environment` in `template.yaml`, and then the router would not nest.) The HTTP API
//! function uses the `$default` stage, which never appears in the URI, so its router is nested under its own `/v2`.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::extract::{OriginalUri, Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use emu_runtime::lambda_http::RequestExt;
use emu_runtime::lambda_http::request::RequestContext;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// The REST API's stage (SAM's implicit API is `Prod`): `lambda_http` puts it in front of every URI path.
pub const REST_STAGE: &str = "/Prod";
/// Where the HTTP API routes the function (`/v2/{proxy+}`, stage `$default`).
pub const HTTP_PREFIX: &str = "/v2";

/// A pet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pet {
    /// Assigned by the store.
    pub id: u64,
    /// The pet's name.
    pub name: String,
    /// `dog`, `cat`, ...
    pub species: String,
}

/// A pet to create.
#[derive(Deserialize)]
struct NewPet {
    name: String,
    species: String,
}

/// The shared state, created once in `app()` like a database client in a Lambda's `main`.
#[derive(Debug)]
pub struct Store {
    pets: Mutex<(u64, BTreeMap<u64, Pet>)>,
}

impl Default for Store {
    fn default() -> Self {
        let rex = Pet { id: 1, name: "Rex".into(), species: "dog".into() };
        Store { pets: Mutex::new((2, BTreeMap::from([(1, rex)]))) }
    }
}

impl Store {
    fn lock(&self) -> MutexGuard<'_, (u64, BTreeMap<u64, Pet>)> {
        self.pets.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

type Shared = Arc<Store>;

fn error(status: StatusCode, message: String) -> Response {
    (status, Json(json!({ "error": message }))).into_response()
}

async fn index(request: Request) -> Json<Value> {
    Json(
        json!({ "service": "pets lambdalith", "uri": request.uri().path(), "routes": ["/pets", "/pets/{id}", "/whoami"] }),
    )
}

async fn list(State(store): State<Shared>) -> Json<Vec<Pet>> {
    Json(store.lock().1.values().cloned().collect())
}

async fn create(State(store): State<Shared>, Json(new): Json<NewPet>) -> Response {
    if new.name.trim().is_empty() {
        return error(StatusCode::UNPROCESSABLE_ENTITY, "a pet needs a name".into());
    }
    let mut pets = store.lock();
    let id = pets.0;
    pets.0 += 1;
    let pet = Pet { id, name: new.name, species: new.species };
    pets.1.insert(id, pet.clone());
    (StatusCode::CREATED, Json(pet)).into_response()
}

async fn get_one(State(store): State<Shared>, Path(id): Path<u64>) -> Response {
    match store.lock().1.get(&id) {
        Some(pet) => Json(pet.clone()).into_response(),
        None => error(StatusCode::NOT_FOUND, format!("pet {id} not found")),
    }
}

async fn remove(State(store): State<Shared>, Path(id): Path<u64>) -> Response {
    match store.lock().1.remove(&id) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => error(StatusCode::NOT_FOUND, format!("pet {id} not found")),
    }
}

/// What `lambda_http` tells the handler about the request: `RequestExt` works inside axum handlers too.
/// (`nest` strips its prefix from `request.uri()`; `OriginalUri` is the URI `lambda_http` built.)
async fn whoami(OriginalUri(uri): OriginalUri, request: Request) -> Json<Value> {
    let (api, stage, route) = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(c)) => ("rest", c.stage.clone(), c.resource_path.clone()),
        Some(RequestContext::ApiGatewayV2(c)) => ("http", c.stage.clone(), c.route_key.clone()),
        _ => ("other", None, None),
    };
    Json(json!({
        "api": api,
        "stage": stage,
        "route": route,
        "uri": uri.path(),
        "rawPath": request.raw_http_path(),
        "proxy": request.path_parameters().first("proxy"),
        "functionArn": request.lambda_context_ref().map(|c| c.invoked_function_arn.clone()),
    }))
}

/// The router's own 404: the function answered, API Gateway routed the request to it.
async fn not_found(request: Request) -> Response {
    error(StatusCode::NOT_FOUND, format!("no route {} {} in the lambdalith", request.method(), request.uri().path()))
}

/// The routes, without a prefix.
fn routes() -> Router<Shared> {
    Router::new()
        .route("/pets", get(list).post(create))
        .route("/pets/{id}", get(get_one).delete(remove))
        .route("/whoami", get(whoami))
}

/// The lambdalith for a function whose URIs start with `prefix` (`/Prod` for the REST API, `/v2` for the HTTP API).
pub fn router(store: Shared, prefix: &str) -> Router {
    Router::new()
        // The REST root `/` arrives as `/Prod/` (nest alone would only match `/Prod`).
        .route(&format!("{prefix}/"), get(index))
        .nest(prefix, routes())
        .fallback(not_found)
        .with_state(store)
}

/// The app: both functions of `template.yaml` bound to the router, over one store.
pub fn app() -> emu_runtime::App {
    let store: Shared = Arc::default();
    let rest = router(store.clone(), REST_STAGE);
    let http = router(store, HTTP_PREFIX);
    emu_runtime::lambda_app!("lambdalith/template.yaml", {
        ApiFunction => rest,
        HttpApiFunction => http,
    })
}
