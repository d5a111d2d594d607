//! The lambdalith example: `cargo run --example lambdalith` serves `lambdalith/template.yaml` on http://127.0.0.1:3000;
//! every path of the REST API (and `/v2/*` of the HTTP API) is answered by one axum `Router` with shared state.

mod service;

fn main() {
    // Locally the emulator calls the Router with the `lambda_http::Request` API Gateway's event turns into; deployed,
    // this same binary hands the selected function's Router to `lambda_http::run` (README, "Deploying").
    emu_runtime::run(service::app());
}
