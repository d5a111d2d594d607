// A mistyped logical id is an error of its own; the other bindings are still expanded: `list` (used only in a
// binding) is no unused import, the typo's closest function is not reported as missing too, and a function with no
// handler at all (CreateDogFunction) is still reported in the same build.
#![deny(unused_imports)]

mod handlers {
    use emu_runtime::{Error, LambdaEvent};
    use serde_json::Value;

    pub async fn list(_: LambdaEvent<Value>) -> Result<Value, Error> {
        Ok(Value::Null)
    }
}

use handlers::list;

fn main() {
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/pets.yaml", {
        GetDogFuncton => list,
        ListDogsFunction => list,
        HTTPHandler => list,
    }, ignore: [LegacyPythonFunction]);
}
