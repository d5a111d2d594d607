// Every binding rule in one app: an explicit closure capturing state (rule 1), `Handler: dogs::list` and the
// Python-style `Handler: app.lambda_handler` (rule 2), `crate::health::check` (rule 2, emitted as written) and the
// snake-cased logical id `get_dog_function` (rule 3).
use emu_runtime::{Error, LambdaEvent, lambda_app};
use serde_json::Value;

async fn get_dog_function(event: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(event.payload)
}

mod dogs {
    use super::*;
    pub async fn list(_: LambdaEvent<Value>) -> Result<Value, Error> {
        Ok(Value::Array(Vec::new()))
    }
}

mod app {
    use super::*;
    pub async fn lambda_handler(_: LambdaEvent<Value>) -> Result<Value, Error> {
        Ok(Value::Null)
    }
}

mod health {
    use super::*;
    pub async fn check(_: LambdaEvent<Value>) -> Result<&'static str, Error> {
        Ok("ok")
    }
}

#[derive(Clone)]
struct Store(std::sync::Arc<std::sync::Mutex<Vec<Value>>>);

async fn create(store: Store, event: LambdaEvent<Value>) -> Result<Value, Error> {
    store.0.lock().map_err(|e| e.to_string())?.push(event.payload.clone());
    Ok(event.payload)
}

fn main() {
    let store = Store(Default::default());
    let app: emu_runtime::App = lambda_app!("tests/ui/pets.yaml", {
        CreateDogFunction => move |event| create(store.clone(), event),
    });
    assert_eq!(app.model().functions.len(), 5);
    assert_eq!(app.routes().len(), 5);
    assert!(app.template().is_some_and(|t| t.text.contains("GetDogFunction")));
}
