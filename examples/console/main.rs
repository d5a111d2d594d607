//! The console's demo (`cargo run --example console`, then open http://127.0.0.1:3001/): a REST greeting, an HTTP
//! API order endpoint and an SQS consumer, each logging with `tracing`. `.ci/console_e2e.mjs` drives it in Chromium.

use emu_runtime::events::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use emu_runtime::{Error, LambdaEvent, lambda_app};
use serde_json::{Value, json};

async fn get_greeting(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let name = event.payload.path_parameters.get("name").cloned().unwrap_or_default();
    tracing::info!(name = %name, "greeting");
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = 200;
    response.body = Some(json!({ "greeting": format!("Hello, {name}!") }).to_string().into());
    Ok(response)
}

async fn create_order(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let body = event.payload.get("body").and_then(Value::as_str).unwrap_or("{}");
    let order: Value = serde_json::from_str(body)?;
    tracing::info!(item = %order["item"], "order received");
    Ok(json!({ "statusCode": 201, "body": json!({ "ordered": order["item"] }).to_string() }))
}

async fn process_orders(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let records = event.payload["Records"].as_array().map_or(0, Vec::len);
    tracing::info!(records, "processing a batch");
    Ok(json!({ "batchItemFailures": [] }))
}

fn main() {
    emu_runtime::run(lambda_app!("console/template.yaml"));
}
