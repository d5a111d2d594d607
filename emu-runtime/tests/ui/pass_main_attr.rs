// `#[emu_runtime::main]` finds the template of main's `lambda_app!`, also on `async fn main` (the body then runs on
// a multi-threaded tokio runtime started after the environment is applied).
mod sync_main {
    use emu_runtime::{Error, LambdaEvent};
    use serde_json::Value;

    pub async fn any(_: LambdaEvent<Value>) -> Result<Value, Error> {
        Ok(Value::Null)
    }

    #[emu_runtime::main]
    pub fn main() {
        let _table = std::env::var("TABLE_NAME");
        let _app = emu_runtime::lambda_app!("tests/ui/pets.yaml", {
            GetDogFunction => any, ListDogsFunction => any, CreateDogFunction => any, HTTPHandler => any,
        }, ignore: [LegacyPythonFunction]);
    }
}

#[emu_runtime::main("tests/ui/pets.yaml")]
async fn main() {
    let _ = sync_main::main;
    tokio::task::yield_now().await;
}
