// Bindings and ignore entries must name functions of the template; the closest logical id is suggested.
async fn ok(_: emu_runtime::LambdaEvent<serde_json::Value>) -> Result<serde_json::Value, emu_runtime::Error> {
    Ok(serde_json::Value::Null)
}

fn main() {
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/pets.yaml", {
        GetDogFuncton => ok,
        CreateDog => ok,
        Nonsense => ok,
    }, ignore: [LegacyPython]);
}
