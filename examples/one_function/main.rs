//! The baseline of `docs/benchmarks.md` ("On Lambda"): one function built the usual way, `lambda_runtime::run(service_fn(f))`,
//! with no template and no emulator, to compare binary size and init time against the pet store's binary on Lambda.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use serde_json::{Value, json};

async fn handler(event: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(json!({ "statusCode": 200, "body": event.payload.to_string() }))
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(handler)).await
}
