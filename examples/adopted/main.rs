//! A cargo-lambda project after adoption (docs/adopting.md): the library's handlers take `(&dyn Store, Request)`, as
//! its Lambda binaries call them; this one dev binary serves them all against an in-memory store.
//!
//! `#[emu_runtime::main]` makes `TABLE_NAME` visible to the whole of `main`, as on Lambda; the program installs its
//! own `tracing` subscriber first, as Lambda binaries do, and the platform's lines are printed all the same.

#![deny(unsafe_code)] // #[emu_runtime::main] works in crates that deny unsafe code

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use emu_runtime::lambda_http::{Body, Error, Request, RequestExt, Response};
use emu_runtime::{LambdaEvent, with_state};
use serde_json::Value;

/// The store the handlers take; the deployed binaries pass a DynamoDB-backed one.
pub trait Store: Send + Sync {
    /// The table this store reads (from `TABLE_NAME`).
    fn table(&self) -> &str;
    /// A product's name.
    fn get(&self, id: &str) -> Option<String>;
    /// Every product, by id.
    fn list(&self) -> BTreeMap<String, String>;
    /// Records an order.
    fn order(&self, product: &str);
}

/// The in-memory fake the dev binary and the tests use.
struct MemoryStore {
    table: String,
    products: Mutex<BTreeMap<String, String>>,
}

impl MemoryStore {
    fn new(table: &str) -> MemoryStore {
        let products = BTreeMap::from([("1".to_owned(), "Kettle".to_owned()), ("2".to_owned(), "Teapot".to_owned())]);
        MemoryStore { table: table.to_owned(), products: Mutex::new(products) }
    }
}

impl Store for MemoryStore {
    fn table(&self) -> &str {
        &self.table
    }
    fn get(&self, id: &str) -> Option<String> {
        self.products.lock().ok()?.get(id).cloned()
    }
    fn list(&self) -> BTreeMap<String, String> {
        self.products.lock().map(|p| p.clone()).unwrap_or_default()
    }
    fn order(&self, product: &str) {
        if let Ok(mut p) = self.products.lock() {
            p.entry(product.to_owned()).or_insert_with(|| "ordered".to_owned());
        }
    }
}

fn json(status: u16, body: &Value) -> Result<Response<Body>, Error> {
    Ok(Response::builder().status(status).header("content-type", "application/json").body(body.to_string().into())?)
}

/// `GET /products/{id}`.
async fn get_product(store: &dyn Store, request: Request) -> Result<Response<Body>, Error> {
    let id = request.path_parameters_ref().and_then(|p| p.first("id")).unwrap_or_default().to_owned();
    // The program's own log: its subscriber (warnings only) decides whether this is printed; it is not.
    tracing::info!("user log: get_product {id}");
    match store.get(&id) {
        Some(name) => json(200, &serde_json::json!({ "id": id, "name": name, "table": store.table() })),
        None => json(404, &serde_json::json!({ "message": "no such product" })),
    }
}

/// `GET /products`.
async fn list_products(store: &dyn Store, _: Request) -> Result<Response<Body>, Error> {
    json(200, &serde_json::json!(store.list()))
}

/// The SQS consumer: not triggered locally (no queue), invoked with `app.invoke("ProcessOrdersFunction", event)`.
async fn process_orders(store: &dyn Store, event: LambdaEvent<Value>) -> Result<Value, Error> {
    let records = event.payload["Records"].as_array().cloned().unwrap_or_default();
    for record in &records {
        store.order(record["body"].as_str().unwrap_or_default());
    }
    Ok(serde_json::json!({ "batchItemFailures": [] }))
}

#[emu_runtime::main]
fn main() {
    // The program's own subscriber, installed first as a Lambda binary's main does.
    tracing_subscriber::fmt().with_max_level(tracing::Level::WARN).without_time().init();
    // On Lambda the function's environment exists before main runs; #[emu_runtime::main] gives main the same.
    let table = std::env::var("TABLE_NAME").unwrap_or_else(|_| "(TABLE_NAME is not set)".to_owned());
    println!("main: TABLE_NAME={table}");
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new(&table));
    emu_runtime::run(emu_runtime::lambda_app!("adopted/template.yaml", {
        GetProductFunction => with_state!(store, get_product),
        ListProductsFunction => with_state!(store, list_products),
        ProcessOrdersFunction => with_state!(store, process_orders),
    }, ignore: [LegacyReportFunction]));
}
