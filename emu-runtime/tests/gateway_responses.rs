//! Gateway responses end to end through `lambda_app!`, one small template per form: SAM `GatewayResponses` (with
//! `Globals.Api`), an `AWS::ApiGateway::GatewayResponse` resource, and OpenAPI `x-amazon-apigateway-gateway-responses`.

use emu_runtime::{Error, LambdaEvent};
use serde_json::{Value, json};

async fn ok(_: LambdaEvent<Value>) -> Result<Value, Error> {
    Ok(json!({"statusCode": 200, "body": "ok"}))
}

async fn failing(_: LambdaEvent<Value>) -> Result<Value, Error> {
    Err("the database is down".into())
}

fn sam() -> emu_runtime::App {
    emu_runtime::lambda_app!("tests/data/gateway_responses/sam.yaml", { Items => ok, Failing => failing })
}

#[tokio::test]
async fn sam_default_4xx_headers_reach_every_4xx_the_api_does_not_customize() {
    let c = sam().client();
    let r = c.get("/keyed").await;
    assert_eq!(r.status(), 403, "no API key");
    assert_eq!(r.json::<Value>(), json!({"message": "Forbidden"}), "no template: AWS's body");
    assert_eq!(r.header("x-amzn-errortype"), Some("ForbiddenException"));
    assert_eq!(r.header("access-control-allow-origin"), Some("https://app.example"), "from stageVariables.site");
    assert_eq!(r.header("vary"), Some("Origin"));
    assert_eq!(c.get("/items").await.status(), 200);
    assert!(
        c.get("/items").await.header("access-control-allow-origin").is_none(),
        "responses of the function untouched"
    );
}

#[tokio::test]
async fn sam_a_customized_type_replaces_status_and_body_without_default_4xx_headers() {
    let r = sam().client().get("/nothing/here").await;
    assert_eq!(r.status(), 404);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert_eq!(
        r.json::<Value>(),
        json!({"error": "no such route", "path": "/nothing/here", "type": "MISSING_AUTHENTICATION_TOKEN"})
    );
    assert!(r.header("access-control-allow-origin").is_none(), "MISSING_AUTHENTICATION_TOKEN is customized itself");
}

#[tokio::test]
async fn sam_globals_default_5xx_applies_to_a_failed_integration() {
    let r = sam().client().get("/fail").await;
    assert_eq!(r.status(), 502, "the type's own status is kept");
    assert_eq!(r.text(), r#"{"message": "Internal server error"}"#);
    assert_eq!(r.header("access-control-allow-origin"), Some("*"));
    assert!(r.header("x-amzn-requestid").is_some());
}

#[tokio::test]
async fn http_apis_keep_their_cors_rule_on_errors() {
    let c = sam().client();
    let failed = c.get("/h/fail").header("origin", "https://app.example").await;
    assert_eq!(failed.status(), 500);
    assert_eq!(failed.header("access-control-allow-origin"), Some("https://app.example"), "CorsConfiguration");
    let miss = c.get("/h/none").header("origin", "https://app.example").await;
    assert_eq!(miss.status(), 404);
    assert!(miss.header("access-control-allow-origin").is_none(), "no route: no CORS headers");
}

#[tokio::test]
async fn a_cloudformation_gateway_response_resource() {
    let app = emu_runtime::lambda_app!("tests/data/gateway_responses/cfn.yaml", { Fn => ok });
    let c = app.client();
    let r = c.delete("/items").header("x-token", "abc").await;
    assert_eq!(r.status(), 418, "DEFAULT_4XX's StatusCode changes every 4XX");
    assert_eq!(r.header("content-type"), Some("text/plain"));
    assert_eq!(r.text(), "MISSING_AUTHENTICATION_TOKEN: Missing Authentication Token");
    assert_eq!(r.header("x-echo"), Some("abc"));
    assert!(r.header("x-request-id").is_some_and(|id| id.len() == 36), "a request id is made for a route miss");
    let hostile = c.get("/nope").header("x-token", "caf\u{e9}").await;
    assert_eq!(hostile.status(), 418);
    assert_eq!(hostile.text(), "MISSING_AUTHENTICATION_TOKEN: Missing Authentication Token", "non-ASCII: no panic");
    assert_eq!(c.get("/items").await.status(), 200);
}

#[tokio::test]
async fn an_openapi_extension_customizes_integration_failures() {
    let app = emu_runtime::lambda_app!("tests/data/gateway_responses/openapi.yaml", { Failing => failing });
    let r = app.client().get("/fail").await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.header("retry-after"), Some("5"));
    assert_eq!(r.header("x-amzn-errortype"), Some("InternalServerErrorException"));
    let body: Value = r.json();
    assert_eq!(body["message"], "try again");
    assert_eq!(body["requestId"].as_str(), r.header("x-amzn-requestid"), "the template's id is the response's");
}

async fn authorizer(e: LambdaEvent<Value>) -> Result<Value, Error> {
    if e.payload["authorizationToken"] != "Bearer ok" {
        return Err("Unauthorized".into());
    }
    let allow = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]});
    Ok(json!({"principalId": "rex", "policyDocument": allow}))
}

fn preflight_app() -> emu_runtime::App {
    emu_runtime::lambda_app!("tests/data/gateway_responses/preflight.yaml", {
        Authorizer => authorizer,
        Items => ok,
        Failing => failing,
    })
}

#[tokio::test]
async fn a_preflight_refused_by_the_authorizer_goes_through_gateway_responses() {
    let r = preflight_app()
        .client()
        .options("/items")
        .header("origin", "https://app.example")
        .header("access-control-request-method", "GET")
        .await;
    assert_eq!(r.status(), 401, "no token: the preflight gets the authorizer's 401");
    assert_eq!(r.header("access-control-allow-origin"), Some("https://app.example"), "UNAUTHORIZED's mapping");
    assert_eq!(r.json::<Value>(), json!({"message": "Unauthorized"}));
}

#[tokio::test]
async fn a_template_reads_what_the_authorizer_granted() {
    let r = preflight_app().client().get("/fail").header("authorization", "Bearer ok").await;
    assert_eq!(r.status(), 502);
    assert_eq!(r.json::<Value>(), json!({"message": "Internal server error", "user": "rex"}));
}

#[tokio::test]
async fn the_console_records_a_customized_gateway_error_as_sent() {
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let app = sam().with_console(emu_runtime::ConsoleOptions::default());
    let console = app.console_router("http://127.0.0.1:3000").expect("the console is on");
    let req = http::Request::get("/nothing").body(axum::body::Body::empty()).unwrap();
    let res = app.router().oneshot(req).await.unwrap();
    assert_eq!(res.status(), 404, "MISSING_AUTHENTICATION_TOKEN's StatusCode");
    let list = console.oneshot(http::Request::get("/console/api/invocations").body(axum::body::Body::empty()).unwrap());
    let bytes = list.await.unwrap().into_body().collect().await.unwrap().to_bytes();
    let list: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(list[0]["status"], 404, "{list}");
    assert_eq!(list[0]["gatewayError"], "NoRoute");
}
