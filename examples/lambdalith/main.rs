//! The lambdalith example: `cargo run --example lambdalith` serves `lambdalith/template.yaml` on http://127.0.0.1:3000;
//! every path of the REST API (and `/v2/*` of the HTTP API) is answered by one axum `Router` with shared state.

mod service;

fn main() {
    // On Lambda this function's `main` would be `lambda_http::run(service::router(state, REST_STAGE))`; here the
    // emulator calls the very same Router with the `lambda_http::Request` API Gateway's event turns into.
    emu_runtime::run(service::app());
}
