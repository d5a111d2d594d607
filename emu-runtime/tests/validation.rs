//! Request validation through `lambda_app!`, one small template per form (OpenAPI body, SAM events, CloudFormation
//! resources): API Gateway's 400 bodies and headers, the function not invoked on failure, invoked on success.

use std::sync::atomic::{AtomicUsize, Ordering};

use emu_runtime::{Error, LambdaEvent, TestResponse};
use serde_json::{Value, json};

/// Invocations per template, so a test sees whether its function ran (tests run in parallel).
static OPENAPI: AtomicUsize = AtomicUsize::new(0);
static SAM: AtomicUsize = AtomicUsize::new(0);
static CFN: AtomicUsize = AtomicUsize::new(0);

async fn echo(counter: &AtomicUsize, event: Value) -> Result<Value, Error> {
    counter.fetch_add(1, Ordering::SeqCst);
    Ok(json!({"statusCode": 200, "body": event["body"].as_str().unwrap_or("")}))
}

async fn openapi_fn(e: LambdaEvent<Value>) -> Result<Value, Error> {
    echo(&OPENAPI, e.payload).await
}
async fn sam_fn(e: LambdaEvent<Value>) -> Result<Value, Error> {
    echo(&SAM, e.payload).await
}
async fn cfn_fn(e: LambdaEvent<Value>) -> Result<Value, Error> {
    echo(&CFN, e.payload).await
}

fn assert_bad_request(res: &TestResponse, body: &str) {
    assert_eq!(res.status(), 400, "{res:?}");
    assert_eq!(res.text(), body);
    assert_eq!(res.header("x-amzn-errortype"), Some("BadRequestException"));
    assert_eq!(res.header("content-type"), Some("application/json"));
}

const MISSING_SHELTER: &str = r#"{"message": "Missing required request parameters: [shelter]"}"#;
const INVALID_BODY: &str = r#"{"message": "Invalid request body"}"#;

#[tokio::test]
async fn openapi_validators_parameters_then_body() {
    let app = emu_runtime::lambda_app!("tests/data/validation/openapi.yaml", { Fn => openapi_fn });
    let c = app.client();
    let before = OPENAPI.load(Ordering::SeqCst);
    // Both wrong: the parameters are reported, as API Gateway checks them first.
    assert_bad_request(&c.post("/dogs").json(&json!({})).send().await, MISSING_SHELTER);
    assert_bad_request(
        &c.post("/dogs").query("shelter", "").json(&json!({"name": "rex"})).send().await,
        MISSING_SHELTER,
    );
    assert_bad_request(
        &c.post("/dogs").query("shelter", "north").json(&json!({"owner": {"id": 1}})).send().await,
        INVALID_BODY,
    );
    // The referenced model (`Owner`) is checked too.
    let owner_without_id = json!({"name": "rex", "owner": {}});
    assert_bad_request(&c.post("/dogs").query("shelter", "north").json(&owner_without_id).send().await, INVALID_BODY);
    assert_eq!(OPENAPI.load(Ordering::SeqCst), before, "the function is not invoked when validation fails");
    let ok = c.post("/dogs").query("shelter", "north").json(&json!({"name": "rex", "owner": {"id": 1}})).send().await;
    assert_eq!(ok.status(), 200, "{ok:?}");
    assert_eq!(ok.json::<Value>()["name"], "rex");
    // PUT's own validator turns validation off.
    assert_eq!(c.put("/dogs").send().await.status(), 200);
}

#[tokio::test]
async fn sam_request_model_and_required_header() {
    let app = emu_runtime::lambda_app!("tests/data/validation/sam.yaml", { Fn => sam_fn });
    let c = app.client();
    let before = SAM.load(Ordering::SeqCst);
    let missing = r#"{"message": "Missing required request parameters: [x-shelter]"}"#;
    assert_bad_request(&c.post("/dogs").json(&json!({"name": "rex"})).send().await, missing);
    let short = json!({"name": ""});
    assert_bad_request(&c.post("/dogs").header("X-Shelter", "north").json(&short).send().await, INVALID_BODY);
    // No Content-Type: API Gateway assumes application/json, and an empty body is not a JSON object.
    assert_bad_request(&c.post("/dogs").header("x-shelter", "north").send().await, INVALID_BODY);
    assert_eq!(SAM.load(Ordering::SeqCst), before);
    let ok = c.post("/dogs").header("x-shelter", "north").json(&json!({"name": "rex"})).send().await;
    assert_eq!(ok.status(), 200, "{ok:?}");
}

#[tokio::test]
async fn cloudformation_body_only_validator_ignores_required_parameters() {
    let app = emu_runtime::lambda_app!("tests/data/validation/cfn.yaml", { Fn => cfn_fn });
    let c = app.client();
    let before = CFN.load(Ordering::SeqCst);
    assert_bad_request(&c.post("/dogs").json(&json!({"age": 3})).send().await, INVALID_BODY);
    let hostile = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let res = c.post("/dogs").header("content-type", "application/json").body(hostile).send().await;
    assert_bad_request(&res, INVALID_BODY);
    let not_utf8 = c.post("/dogs").header("content-type", "application/json").body(vec![0xff, 0xfe]).send().await;
    assert_bad_request(&not_utf8, INVALID_BODY);
    assert_eq!(CFN.load(Ordering::SeqCst), before);
    // ValidateRequestParameters is false: the required `shelter` is not checked.
    let ok = c.post("/dogs").json(&json!({"name": "rex"})).send().await;
    assert_eq!(ok.status(), 200, "{ok:?}");
    // A media type with no model is passed through unchecked.
    let text = c.post("/dogs").header("content-type", "text/plain").body("anything").send().await;
    assert_eq!(text.status(), 200, "{text:?}");
}
