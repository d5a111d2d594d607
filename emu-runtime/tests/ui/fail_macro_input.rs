// Malformed macro input: a usage line, and still a placeholder App (no cascade in the rest of main).
fn main() {
    let app: emu_runtime::App = emu_runtime::lambda_app!(template_yaml);
    let _routes = app.routes();
    let _other: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/pets.yaml", { GetDogFunction });
}
