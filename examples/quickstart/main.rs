//! The README's quick start, compiled with the workspace so it stays true: `cargo run --example quickstart`.
//! One function, one route, bound by its logical id (`GetDog` -> `get_dog`).

use emu_runtime::events::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use emu_runtime::{Error, LambdaEvent, lambda_app};

async fn get_dog(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let id = event.payload.path_parameters.get("id").cloned().unwrap_or_default();
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = 200;
    response.body = Some(format!("{{\"id\":\"{id}\"}}").into());
    Ok(response)
}

fn main() {
    emu_runtime::run(lambda_app!("quickstart/template.yaml")); // GetDog -> get_dog (logical id in snake_case)
}
