// A YAML syntax error: reported as template.yaml:line:column, underlining the path literal.
fn main() {
    let _app: emu_runtime::App = emu_runtime::lambda_app!("tests/ui/yaml_syntax.yaml");
}
