//! Store information (shows the environment and Lambda context a handler sees), a failing handler, and an HTTP API route.
//! `/crash` returns an error on purpose so you can see API Gateway's 502; `/v2/stats` uses payload 2.0.

use emu_runtime::events::{ApiGatewayProxyRequest, ApiGatewayProxyResponse, ApiGatewayV2httpRequest};
use emu_runtime::{Error, LambdaEvent};
use serde_json::{Value, json};

use super::respond;
use super::store::dogs;

/// `GET /info`: the store name (a template parameter, through an environment variable) and the invocation's context.
pub async fn get(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let env = |name: &str| std::env::var(name).unwrap_or_default();
    let context = &event.context;
    Ok(respond::json(
        200,
        &json!({
            "store": env("STORE_NAME"),
            "tokenTtlSeconds": env("TOKEN_TTL_SECONDS"),
            "functionName": context.env_config.function_name,
            "memoryMb": context.env_config.memory,
            "invokedFunctionArn": context.invoked_function_arn,
            "awsRequestId": context.request_id,
            "apiRequestId": event.payload.request_context.request_id,
            "stage": event.payload.request_context.stage,
            "region": env("AWS_REGION"),
        }),
    ))
}

/// `GET /crash`: fails, so API Gateway answers 502 `{"message": "Internal server error"}`.
pub async fn crash(_event: LambdaEvent<Value>) -> Result<Value, Error> {
    Err("the kennel is on fire".into())
}

/// `GET /v2/stats` (HTTP API, payload 2.0): a "simple" response, any JSON without `statusCode`.
pub async fn stats(event: LambdaEvent<ApiGatewayV2httpRequest>) -> Result<Value, Error> {
    Ok(json!({
        "dogs": dogs().by_id.len(),
        "routeKey": event.payload.route_key,
    }))
}
