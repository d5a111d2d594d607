// A bound handler with a shape the emulator cannot call: the `#[diagnostic::on_unimplemented]` message of
// `emu_runtime::Handler`, pointing at the binding.
use emu_runtime::{Error, LambdaEvent};
use serde_json::Value;

fn not_async(_: String) -> u8 {
    0
}

async fn ok(_: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(Value::Null)
}

fn main() {
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/pets.yaml", {
        GetDogFunction => not_async,
        ListDogsFunction => 42,
        CreateDogFunction => ok,
        HTTPHandler => ok,
    }, ignore: [LegacyPythonFunction]);
}
