//! The pet store served from a Serverless Framework file: `cargo run --example serverless` serves
//! `examples/serverless/serverless.yml` on http://127.0.0.1:3000, REST routes under `/dev`, the HTTP API route at the root.

#[allow(dead_code)] // `petstore::app()` (the SAM binding) is not used here.
#[path = "../app/petstore/mod.rs"]
mod petstore;

mod app;

fn main() {
    emu_runtime::run(app::app());
}
