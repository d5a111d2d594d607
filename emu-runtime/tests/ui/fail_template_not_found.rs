// The message names the absolute path the relative one resolved to.
fn main() {
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/does_not_exist.yaml");
}
