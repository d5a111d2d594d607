//! The vet's office, the secured part of the pet store: a Lambda TOKEN authorizer on `/vet/*` (with an API-key
//! route), and a JWT authorizer with a scope on the HTTP API's `GET /v2/me`.
//!
//! Tokens the authorizer understands: `Bearer good-<name>` (allowed on every `GET`/`POST` of `/vet`), `Bearer
//! narrow-<name>` (allowed on the one method ARN asked for: cached, it then denies the other routes, as on AWS),
//! `Bearer deny-<name>` (an explicit deny), `Bearer boom` (the authorizer fails: 500); anything else is 401.

use emu_runtime::events::ApiGatewayV2httpRequest;
use emu_runtime::events::{ApiGatewayCustomAuthorizerRequest, ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use emu_runtime::{Error, LambdaEvent};
use serde_json::{Value, json};

use super::respond;

fn policy(principal: &str, effect: &str, resource: &str, context: Value) -> Value {
    json!({
        "principalId": principal,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{ "Action": "execute-api:Invoke", "Effect": effect, "Resource": resource }]
        },
        "context": context,
    })
}

/// The `VetToken` authorizer (TOKEN): decides from the `Authorization` header and returns an IAM policy.
pub async fn authorize(event: LambdaEvent<ApiGatewayCustomAuthorizerRequest>) -> Result<Value, Error> {
    let token = event.payload.authorization_token.unwrap_or_default();
    let arn = event.payload.method_arn.unwrap_or_default();
    let token = token.strip_prefix("Bearer ").unwrap_or(&token);
    // `arn:aws:execute-api:{region}:{account}:{api}/{stage}/...`: the API's own ARN prefix.
    let api_arn = arn.splitn(3, '/').take(2).collect::<Vec<_>>().join("/");
    if let Some(name) = token.strip_prefix("good-") {
        let context = json!({ "user": name, "visits": 3, "vip": name == "rex" });
        return Ok(policy(name, "Allow", &format!("{api_arn}/*/vet/*"), context));
    }
    if let Some(name) = token.strip_prefix("narrow-") {
        return Ok(policy(name, "Allow", &arn, json!({ "user": name })));
    }
    if let Some(name) = token.strip_prefix("deny-") {
        return Ok(policy(name, "Deny", &format!("{api_arn}/*"), json!({})));
    }
    if token == "boom" {
        return Err("the appointment book is on fire".into());
    }
    // API Gateway's contract: this exact error message means 401.
    Err("Unauthorized".into())
}

/// `GET /vet/visits` and `POST /vet/visits` (the latter also needs an API key): who is calling, as the
/// authorizer said.
pub async fn visits(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let ctx = &event.payload.request_context;
    // REST: `requestContext.authorizer` is the authorizer's context (values as strings) plus `principalId`.
    let field = |k: &str| ctx.authorizer.fields.get(k).cloned().unwrap_or(Value::Null);
    Ok(respond::json(
        200,
        &json!({
            "method": event.payload.http_method.as_str(),
            "principalId": field("principalId"),
            "user": field("user"),
            "visits": field("visits"),
            "vip": field("vip"),
            "apiKeyId": ctx.identity.api_key_id,
        }),
    ))
}

/// `GET /v2/me` (HTTP API, JWT authorizer with scope `pets/read`): the caller's claims.
pub async fn me(event: LambdaEvent<ApiGatewayV2httpRequest>) -> Result<Value, Error> {
    let authorizer = serde_json::to_value(&event.payload.request_context.authorizer).unwrap_or(Value::Null);
    Ok(json!({
        "sub": authorizer["jwt"]["claims"]["sub"],
        "scopes": authorizer["jwt"]["scopes"],
    }))
}
