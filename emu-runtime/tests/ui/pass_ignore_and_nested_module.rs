// `ignore: [...]` for a function written in another language, explicit bindings to paths and to a tower service,
// and the macro called from a function inside a nested module (implicit handlers resolve in that module).
mod server {
    use emu_runtime::{Error, LambdaEvent, lambda_app, service_fn};
    use serde_json::Value;

    pub async fn get_dog_function(_: LambdaEvent<Value>) -> Result<Value, Error> {
        Ok(Value::Null)
    }

    // Imported handlers count too: the lookup sees the module's `use` items.
    use self::handlers::http_handler;

    pub mod handlers {
        use super::*;
        pub async fn list(_: LambdaEvent<Value>) -> Result<Value, Error> {
            Ok(Value::Null)
        }
        pub async fn http_handler(_: LambdaEvent<Value>) -> Result<Value, Error> {
            Ok(Value::Null)
        }
    }

    pub fn build() -> emu_runtime::App {
        lambda_app!(
            "tests/ui/pets.yaml",
            {
                ListDogsFunction => handlers::list,
                CreateDogFunction => service_fn(|_: LambdaEvent<Value>| async { Ok::<_, Error>(Value::Null) }),
                HTTPHandler => http_handler,
            },
            ignore: [LegacyPythonFunction],
        )
    }
}

fn main() {
    let app = server::build();
    assert_eq!(app.model().functions.len(), 5);
}
