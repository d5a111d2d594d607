// A function may be bound or ignored once.
async fn ok(_: emu_runtime::LambdaEvent<serde_json::Value>) -> Result<serde_json::Value, emu_runtime::Error> {
    Ok(serde_json::Value::Null)
}

fn main() {
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/pets.yaml", {
        GetDogFunction => ok,
        GetDogFunction => ok,
        LegacyPythonFunction => ok,
    }, ignore: [LegacyPythonFunction]);
}
