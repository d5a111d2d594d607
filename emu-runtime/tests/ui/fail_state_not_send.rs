// `with_state!` with a handler whose future is not `Send` (an `Rc` held across an `.await`): handlers run on a
// multi-threaded runtime, and rustc's error names the value that makes the future non-`Send`.
use std::rc::Rc;
use std::sync::Arc;

use emu_runtime::{Error, LambdaEvent, with_state};
use serde_json::Value;

struct Store;

async fn get_dog_function(_store: &Store, _: LambdaEvent<Value>) -> Result<Value, Error> {
    let counter = Rc::new(1);
    tokio::task::yield_now().await;
    Ok(Value::from(*counter))
}

async fn ok(_: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(Value::Null)
}

fn main() {
    let store = Arc::new(Store);
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/pets.yaml", {
        GetDogFunction => with_state!(store, get_dog_function),
        ListDogsFunction => ok,
        CreateDogFunction => ok,
        HTTPHandler => ok,
    }, ignore: [LegacyPythonFunction]);
}
