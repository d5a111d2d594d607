//! `with_state!`: `async fn(&S, Event)` handlers sharing one `Arc<S>`, with `LambdaEvent<T>` and `lambda_http::Request`
//! events, through the router as in a real app; the state is shared, not copied, and outlives each call's borrow.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use emu_runtime::model::{Api, ApiKind, Method as M, Model, PayloadVersion as P, Route};
use emu_runtime::{App, AppBuilder, Error, LambdaEvent, with_state};
use serde_json::{Value, json};

/// The store trait a real project's handlers take as `&dyn Store`.
trait Store: Send + Sync {
    fn get(&self, id: &str) -> Option<String>;
    fn calls(&self) -> usize;
}

#[derive(Default)]
struct Memory {
    items: HashMap<String, String>,
    calls: AtomicUsize,
}

impl Store for Memory {
    fn get(&self, id: &str) -> Option<String> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        self.items.get(id).cloned()
    }
    fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

/// A `LambdaEvent<T>` handler borrowing the store across an `.await`.
async fn get_event(store: &dyn Store, event: LambdaEvent<Value>) -> Result<Value, Error> {
    let id = event.payload["pathParameters"]["id"].as_str().unwrap_or_default().to_owned();
    tokio::task::yield_now().await;
    match store.get(&id) {
        Some(name) => Ok(json!({"statusCode": 200, "body": name})),
        None => Ok(json!({"statusCode": 404, "body": "no such product"})),
    }
}

/// The `lambda_http` shape of the issue: `(&dyn Store, Request)`.
#[cfg(feature = "lambda-http")]
async fn get_http(
    store: &dyn Store,
    request: emu_runtime::lambda_http::Request,
) -> Result<emu_runtime::lambda_http::Response<String>, Error> {
    use emu_runtime::lambda_http::RequestExt;
    let id = request.path_parameters_ref().and_then(|p| p.first("id")).unwrap_or_default().to_owned();
    tokio::task::yield_now().await;
    let (status, body) = match store.get(&id) {
        Some(name) => (200, name),
        None => (404, "no such product".to_owned()),
    };
    Ok(emu_runtime::lambda_http::Response::builder().status(status).body(body)?)
}

/// A concrete (sized) state type works the same way.
async fn count(counter: &AtomicUsize, _: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(json!({"statusCode": 200, "body": (counter.fetch_add(1, Ordering::SeqCst) + 1).to_string()}))
}

fn app(store: Arc<dyn Store>, counter: Arc<AtomicUsize>) -> App {
    let mut m = Model::from_routes(
        vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)],
        vec![
            Route::new(M::Get, "/event/{id}", "Rest", "GetEvent", P::V1),
            Route::new(M::Get, "/h/event/{id}", "Http", "GetEventV2", P::V2),
            Route::new(M::Get, "/http/{id}", "Rest", "GetHttp", P::V1),
            Route::new(M::Get, "/h/http/{id}", "Http", "GetHttpV2", P::V2),
            Route::new(M::Get, "/count", "Rest", "Count", P::V1),
        ],
    );
    m.functions = m.functions.to_vec().into();
    let builder = AppBuilder::from_model(m)
        .bind("GetEvent", with_state!(store, get_event))
        .bind("GetEventV2", with_state!(store, get_event))
        .bind("Count", with_state!(counter, count));
    #[cfg(feature = "lambda-http")]
    let builder = builder.bind("GetHttp", with_state!(store, get_http)).bind("GetHttpV2", with_state!(store, get_http));
    builder.build()
}

fn memory() -> Arc<Memory> {
    let mut m = Memory::default();
    m.items.insert("1".into(), "Rex".into());
    Arc::new(m)
}

#[tokio::test]
async fn lambda_event_handlers_borrow_shared_state() {
    let store = memory();
    let app = app(store.clone(), Arc::new(AtomicUsize::new(0)));
    let client = app.client();
    let res = client.get("/event/1").await;
    assert_eq!((res.status(), res.text().as_str()), (200, "Rex"));
    let res = client.get("/h/event/1").await;
    assert_eq!((res.status(), res.text().as_str()), (200, "Rex"));
    assert_eq!(client.get("/event/2").await.status(), 404);
    assert_eq!(store.calls(), 3, "every binding shares the one store");
}

#[cfg(feature = "lambda-http")]
#[tokio::test]
async fn lambda_http_request_handlers_borrow_shared_state() {
    let store = memory();
    let app = app(store.clone(), Arc::new(AtomicUsize::new(0)));
    let client = app.client();
    let res = client.get("/http/1").await;
    assert_eq!((res.status(), res.text().as_str()), (200, "Rex"));
    let res = client.get("/h/http/1").await;
    assert_eq!((res.status(), res.text().as_str()), (200, "Rex"));
    let res = client.get("/h/http/9").await;
    assert_eq!((res.status(), res.text().as_str()), (404, "no such product"));
    assert_eq!(store.calls(), 3);
}

#[tokio::test]
async fn sized_state_is_shared_across_concurrent_calls() {
    let counter = Arc::new(AtomicUsize::new(0));
    let app = app(memory(), counter.clone());
    let client = app.client();
    let calls = (0..8).map(|_| client.get("/count"));
    let results = futures_join(calls).await;
    assert!(results.iter().all(|s| *s == 200), "{results:?}");
    assert_eq!(counter.load(Ordering::SeqCst), 8);
}

/// Runs the requests concurrently on the test's runtime.
async fn futures_join<F>(requests: impl Iterator<Item = F>) -> Vec<u16>
where
    F: std::future::IntoFuture<Output = emu_runtime::TestResponse>,
    F::IntoFuture: Send + 'static,
{
    let handles: Vec<_> = requests.map(|r| tokio::spawn(r.into_future())).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("the request task does not panic").status());
    }
    out
}
