// Every problem the reader finds is reported in the same build, each as file:line:column: message.
fn main() {
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/semantic_errors.yaml");
}
