//! MOCK and non-proxy (`AWS`) Lambda integrations through `lambda_app!`: an OpenAPI body (mock preflight, a mock
//! whose request template picks the response, non-proxy routes) and a CloudFormation `Method`, end to end.

use emu_runtime::{Error, LambdaEvent};
use serde_json::{Value, json};

/// The non-proxy function: its event is what the request template built; an unknown dog is an error whose
/// message the selection patterns see; `sleep` runs past the function's 1 s timeout.
async fn create_dog(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let e = event.payload;
    match e["name"].as_str() {
        Some("ghost") => Err("dog not found".into()),
        Some("boom") => Err("something else broke".into()),
        Some("sleep") => {
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
            Ok(json!({}))
        }
        _ => Ok(json!({"name": e["name"], "stage": e["stage"], "event": e})),
    }
}

/// The TOKEN authorizer: `Bearer <name>` is allowed as principal `<name>` with a `tier` in its context.
async fn gatekeeper(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let token = event.payload["authorizationToken"].as_str().unwrap_or_default();
    let Some(name) = token.strip_prefix("Bearer ") else { return Err("Unauthorized".into()) };
    Ok(json!({
        "principalId": name,
        "policyDocument": {"Version": "2012-10-17", "Statement": [
            {"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": event.payload["methodArn"]}
        ]},
        "context": {"tier": "gold"},
    }))
}

fn app() -> emu_runtime::App {
    emu_runtime::lambda_app!("tests/data/integrations/template.yaml", { CreateDog => create_dog, Gatekeeper => gatekeeper })
}

#[tokio::test]
async fn a_mock_preflight_answers_with_its_mapped_headers_and_invokes_nothing() {
    let res = app()
        .client()
        .options("/dogs")
        .header("Origin", "https://app.example")
        .header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "content-type,x-api-key")
        .send()
        .await;
    assert_eq!(res.status(), 200, "{res:?}");
    assert_eq!(res.header("access-control-allow-origin"), Some("*"));
    assert_eq!(res.header("access-control-allow-methods"), Some("GET,POST,OPTIONS"));
    assert_eq!(res.header("access-control-allow-headers"), Some("content-type,x-api-key"), "method.request.header");
    assert_eq!(res.header("content-type"), Some("application/json"));
    assert!(res.body.is_empty(), "{:?}", res.text());
    assert!(res.header("x-amzn-requestid").is_some());
}

#[tokio::test]
async fn a_mock_request_template_selects_the_integration_response_by_status_code() {
    let client = app().client();
    let up = client.get("/status").send().await;
    assert_eq!(up.status(), 200, "{up:?}");
    assert_eq!(up.json::<Value>(), json!({"status": "up", "path": "/status"}));
    assert_eq!(up.header("x-stage"), Some("prod"), "$context.responseOverride.header");
    let down = client.get("/status").query("down", "yes").send().await;
    assert_eq!(down.status(), 503, "5\\d{{2}} selects the 503 response");
    assert_eq!(down.json::<Value>(), json!({"status": "down"}));
}

#[tokio::test]
async fn a_mock_whose_status_code_is_not_an_integer_is_a_500() {
    let res = app().client().get("/broken").send().await;
    assert_eq!((res.status(), res.text()), (500, r#"{"message": "Internal server error"}"#.to_owned()));
    assert_eq!(res.header("x-amzn-errortype"), Some("InternalServerErrorException"));
}

#[tokio::test]
async fn a_non_proxy_route_sends_the_mapped_event_and_maps_the_output() {
    let res = app().client().post("/dogs").json(&json!({"name": "Rex"})).send().await;
    assert_eq!(res.status(), 201, "{res:?}");
    assert_eq!(res.json::<Value>(), json!({"created": "Rex", "stage": "prod"}));
}

#[tokio::test]
async fn the_event_is_what_the_request_template_built_with_context_and_stage_variables() {
    let client = app().client();
    let res = client.post("/echo").query("q", "1").json(&json!({"name": "Rex"})).send().await;
    assert_eq!(res.status(), 200, "{res:?}");
    let out: Value = res.json();
    let request_id = res.header("x-amzn-requestid").expect("request id");
    assert_eq!(
        out["event"],
        json!({
            "name": "Rex", "stage": "prod", "kennel": "north", "requestId": request_id, "sourceIp": "127.0.0.1",
            "method": "POST", "resource": "/echo", "q": "1",
        })
    );
    // No request template: the body passes through as the event (passthroughBehavior WHEN_NO_MATCH).
    let raw = client.post("/raw").json(&json!({"name": "Rex", "extra": true})).send().await;
    assert_eq!(raw.json::<Value>()["event"], json!({"name": "Rex", "extra": true}));
}

#[tokio::test]
async fn context_authorizer_is_what_the_access_stage_granted() {
    let client = app().client();
    let res = client.get("/whoami").header("authorization", "Bearer rex").send().await;
    assert_eq!(res.status(), 200, "{res:?}");
    assert_eq!(res.json::<Value>(), json!({"principal": "rex", "tier": "gold"}));
    let refused = client.get("/whoami").send().await;
    assert_eq!(refused.status(), 401, "the access stage runs before the integration");
}

#[tokio::test]
async fn a_function_error_is_matched_on_its_message_else_it_is_the_default_200() {
    let client = app().client();
    let missing = client.post("/dogs").json(&json!({"name": "ghost"})).send().await;
    assert_eq!(missing.status(), 404, "{missing:?}");
    assert_eq!(missing.json::<Value>(), json!({"error": "dog not found"}));
    assert!(missing.header("x-error-type").is_some_and(|t| !t.is_empty()), "integration.response.body.errorType");
    // No pattern matches: the default response, with the error document as `$input` (AWS's famous 200).
    let raw = client.post("/raw").json(&json!({"name": "boom"})).send().await;
    assert_eq!(raw.status(), 200, "{raw:?}");
    let body: Value = raw.json();
    assert_eq!(body["errorMessage"], "something else broke");
}

#[tokio::test(start_paused = true)]
async fn a_function_timeout_is_a_function_error_too() {
    let res = app().client().post("/raw").json(&json!({"name": "sleep"})).send().await;
    assert_eq!(res.status(), 200, "{res:?}");
    let body: Value = res.json();
    assert_eq!(body["errorMessage"], "Task timed out after 1.00 seconds");
}

#[tokio::test]
async fn passthrough_never_refuses_a_content_type_without_a_template() {
    let res = app().client().post("/dogs").header("content-type", "text/plain").body("Rex").send().await;
    assert_eq!(res.status(), 415, "{res:?}");
    assert_eq!(res.text(), r#"{"message": "Unsupported Media Type"}"#);
}

#[tokio::test]
async fn a_non_json_event_is_a_500_and_never_panics() {
    let client = app().client();
    for body in ["not json", "{", "\u{0}", "[1,2"] {
        let res = client.post("/raw").header("content-type", "application/json").body(body).send().await;
        assert_eq!(res.status(), 500, "{body:?}: {res:?}");
    }
    // Hostile JSON through a template: still an answer.
    let res = client.post("/dogs").body(r#"{"name": "\"}, \"x\": {"}"#).send().await;
    assert!(res.status() == 201 || res.status() == 500, "{res:?}");
}

#[tokio::test]
async fn routes_list_a_mock_as_a_mock() {
    let app = app();
    let table = emu_template::report::routes_table(app.model());
    assert!(table.lines().any(|l| l.starts_with("OPTIONS") && l.contains("(mock)")), "{table}");
    assert!(
        table.lines().any(|l| l.starts_with("POST") && l.contains("/dogs") && l.contains("CreateDog [AWS]")),
        "{table}"
    );
    let json: Value = serde_json::from_str(&emu_template::report::routes_json(app.model())).unwrap();
    let mock = json["routes"].as_array().unwrap().iter().find(|r| r["method"] == "OPTIONS").unwrap();
    assert_eq!((mock["function"].clone(), mock["integration"].clone()), (Value::Null, json!("MOCK")));
}

fn cfn_app() -> emu_runtime::App {
    emu_runtime::lambda_app!("tests/data/integrations/cfn.yaml")
}

#[tokio::test]
async fn a_cloudformation_mock_method_picks_its_template_by_accept() {
    let client = cfn_app().client();
    let json_res = client.get("/health").query("q", "x").send().await;
    assert_eq!(json_res.status(), 200, "{json_res:?}");
    assert_eq!(json_res.json::<Value>(), json!({"healthy": true, "q": "x"}));
    assert_eq!(json_res.header("cache-control"), Some("no-store"));
    let text = client.get("/health").header("accept", "text/plain").send().await;
    assert_eq!(text.text(), "healthy");
}

/// The Serverless function: its event is the framework's default template's (`path`, `stage`, `method`, ...).
async fn fetch(event: LambdaEvent<Value>) -> Result<Value, Error> {
    let e = event.payload;
    match e["path"]["id"].as_str() {
        Some("0") => Err("[404] no dog 0".into()),
        _ => Ok(json!({"id": e["path"]["id"], "stage": e["stage"], "method": e["method"], "q": e["query"]["q"]})),
    }
}

#[tokio::test]
async fn serverless_lambda_integrations_get_the_framework_default_template_and_status_codes() {
    let app = emu_runtime::lambda_app!("tests/data/integrations/serverless.yml", { fetch => fetch });
    let client = app.client();
    let ok = client.get("/dev/dogs/7").query("q", "x").send().await;
    assert_eq!(ok.status(), 200, "{ok:?}");
    assert_eq!(ok.json::<Value>(), json!({"id": "7", "stage": "dev", "method": "GET", "q": "x"}));
    let missing = client.get("/dev/dogs/0").send().await;
    assert_eq!(missing.status(), 404, "the framework's `[404]` pattern: {missing:?}");
    assert_eq!(missing.json::<Value>()["errorMessage"], "[404] no dog 0");
    let form = client.get("/dev/dogs/7").header("content-type", "text/plain").send().await;
    assert_eq!(form.status(), 415, "passThrough defaults to NEVER");
}

/// A small deterministic generator (xorshift), so the hostile-input test is the same on every run.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn bytes(&mut self, max: usize) -> Vec<u8> {
        let n = (self.next() as usize) % max;
        let alphabet = b"{}[]\":,\\'$#()!.x0 \n\t\xff\xfe";
        (0..n).map(|_| alphabet[(self.next() as usize) % alphabet.len()]).collect()
    }
}

#[tokio::test]
async fn hostile_requests_to_mapped_routes_are_answered_never_panic() {
    let client = app().client();
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let fixed: [&[u8]; 5] =
        [b"", b"null", b"{\"name\": {\"a\": [1, {\"b\": null}]}}", deep.as_bytes(), b"{\"name\": \"\\u0000\"}"];
    let content_types =
        ["application/json", "text/plain", "", "application/json; charset=\u{7f}", "*/*", "APPLICATION/JSON"];
    for i in 0..300 {
        let body = if i < fixed.len() { fixed[i].to_vec() } else { noise.bytes(200) };
        let (method, path) =
            [("POST", "/dogs"), ("POST", "/echo"), ("POST", "/raw"), ("GET", "/status"), ("OPTIONS", "/dogs")][i % 5];
        let ct = content_types[(noise.next() as usize) % content_types.len()];
        let mut req = client.request(method.parse().unwrap(), path).body(body.clone()).query("down", "yes\u{0}'\"");
        if !ct.is_empty() && http::HeaderValue::from_str(ct).is_ok() {
            req = req.header("content-type", ct).header("accept", ct);
        }
        let res = req.header("access-control-request-headers", "x").send().await;
        assert!(
            [200, 201, 404, 415, 500, 503].contains(&res.status()),
            "{method} {path} {:?}: {res:?}",
            String::from_utf8_lossy(&body)
        );
    }
}
