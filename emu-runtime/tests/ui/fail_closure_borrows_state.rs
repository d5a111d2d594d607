// What a project meets first (issue #12): a closure lending its captured store to the handler's future. The future
// outlives the call, so rustc refuses; `with_state!(store, get_dog)` is the one-line fix (README, "Shared state").
use std::sync::Arc;

use emu_runtime::{Error, LambdaEvent};
use serde_json::Value;

trait Store: Send + Sync {}
struct Memory;
impl Store for Memory {}

async fn get_dog(_store: &dyn Store, _: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(Value::Null)
}

async fn ok(_: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(Value::Null)
}

fn main() {
    let store: Arc<dyn Store> = Arc::new(Memory);
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/pets.yaml", {
        GetDogFunction => move |event| get_dog(&*store, event),
        ListDogsFunction => ok,
        CreateDogFunction => ok,
        HTTPHandler => ok,
    }, ignore: [LegacyPythonFunction]);
}
