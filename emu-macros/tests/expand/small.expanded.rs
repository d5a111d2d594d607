fn main() {
    let app: ::emu_runtime::App = {
        ::core::compile_error!(
            "template not found: `tests/data/small.yaml` resolves to `$CARGO_MANIFEST_DIR/tests/data/small.yaml`, which does not exist (relative paths start at CARGO_MANIFEST_DIR `/work/main/emu-macros`)"
        );
        ::emu_runtime::__private::AppBuilder::placeholder()
    };
}
