//! The gateway's reading of a function's output: arbitrary JSON returned by a handler, for REST (1.0) and HTTP API
//! (1.0 and 2.0) routes, through `App::handle` (parse, then the HTTP response). Never a panic.
#![no_main]

use std::sync::{LazyLock, Mutex};

use emu_runtime::model::{Api, ApiKind, Method, Model, PayloadVersion, Route};
use emu_runtime::{App, AppBuilder, LambdaEvent};
use http_body_util::BodyExt;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

static OUTPUT: Mutex<Value> = Mutex::new(Value::Null);

static APP: LazyLock<App> = LazyLock::new(|| {
    let mut rest = Api::new("Rest", ApiKind::Rest);
    rest.binary_media_types = vec!["image/png".into(), "*/*".into()].into();
    let model = Model::from_routes(
        vec![rest, Api::new("Http", ApiKind::Http)],
        vec![
            Route::new(Method::Get, "/r", "Rest", "Out", PayloadVersion::V1),
            Route::new(Method::Get, "/h1", "Http", "Out", PayloadVersion::V1),
            Route::new(Method::Get, "/h2", "Http", "Out", PayloadVersion::V2),
        ],
    );
    AppBuilder::from_model(model)
        .bind("Out", |_: LambdaEvent<Value>| async {
            let out = OUTPUT.lock().map(|v| v.clone()).unwrap_or(Value::Null);
            Ok::<_, emu_runtime::Error>(out)
        })
        .build()
});

static RT: LazyLock<tokio::runtime::Runtime> =
    LazyLock::new(|| tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"));

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let Ok(output) = serde_json::from_slice::<Value>(rest) else { return };
    if let Ok(mut slot) = OUTPUT.lock() {
        *slot = output;
    }
    let path = ["/r", "/h1", "/h2"][usize::from(selector % 3)];
    let accept = if selector & 4 != 0 { "image/png" } else { "*/*" };
    let req = http::Request::get(path).header("accept", accept).header("host", "localhost").body(Default::default());
    let Ok(req) = req else { return };
    RT.block_on(async {
        let res = APP.handle(req).await;
        let _ = res.into_body().collect().await;
    });
});
