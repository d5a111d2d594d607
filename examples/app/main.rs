//! The pet-store example: `cargo run --example app` serves `examples/app/template.yaml` on http://127.0.0.1:3000.
//! Every route comes from the template; the handlers are ordinary Lambda handlers in `petstore/`.

mod petstore;

fn main() {
    emu_runtime::run(petstore::app());
}
