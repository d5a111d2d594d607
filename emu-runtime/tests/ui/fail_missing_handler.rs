// Implicit handlers that do not exist: rustc's own error names the template line, the logical id and the Rust path
// that was looked up (`template_yaml_line_N::LogicalId::path`), and points at the path literal.
mod dogs {}

fn main() {
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/pets.yaml");
}
