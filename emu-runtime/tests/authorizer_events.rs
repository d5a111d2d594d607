//! The events Lambda authorizers get have the shape of the captured ones: TOKEN, REST REQUEST, and HTTP API
//! payload 1.0 and 2.0 REQUEST events, with the same JSON keys (recursively) as the fixtures in
//! `../shared/corpus/lambda-events-fixtures/` (checked by the `#[ignore]`d test when that directory exists).
//!
//! Exclusions, and why:
//! - Data maps (`headers`, query and path parameters, `stageVariables`): request data, not shape.
//! - `requestContext.identity.clientCert*` (REST REQUEST), `requestContext.authentication*` (HTTP 2.0): only present
//!   with mutual TLS, which a local server has not.
//! - HTTP 1.0 `requestContext`: the captured event mixes REST and 2.0 keys (`http`, `routeKey`, `time`), which looks
//!   like a doctored sample; only its top-level keys are compared, ours keep the payload 1.0 request context.

mod common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use common::{key_set, set, shared_corpus};
use emu_runtime::model::{
    Api, ApiKind, Authorization, Authorizer, AuthorizerFunction, AuthorizerKind, IdentitySource, Method, Model,
    PayloadVersion, Route, RouteAuth,
};
use emu_runtime::{App, AppBuilder, LambdaEvent};
use serde_json::{Value, json};

fn authorizer(api: &str, name: &str, kind: AuthorizerKind, identity: Vec<IdentitySource>) -> Authorizer {
    Authorizer {
        api: api.to_owned().into(),
        name: name.to_owned().into(),
        kind,
        identity: identity.into(),
        validation_expression: None,
        ttl_secs: 0,
        default_scopes: Vec::new().into(),
        location: Default::default(),
    }
}

fn function(id: &str) -> AuthorizerFunction {
    AuthorizerFunction {
        id: Some(id.to_owned().into()),
        arn: format!("arn:aws:lambda:us-east-1:123456789012:function:{id}").into(),
    }
}

fn secured(method: Method, path: &str, api: &str, payload: PayloadVersion, name: &str) -> Route {
    let mut r = Route::new(method, path, api, "Web", payload);
    r.auth = RouteAuth { authorization: Authorization::Authorizer(name.to_owned().into()), ..RouteAuth::NONE };
    r
}

/// An app whose authorizers record the event they get and allow everything.
fn app(seen: Arc<Mutex<Vec<(String, Value)>>>) -> App {
    let mut rest = Api::new("Rest", ApiKind::Rest);
    rest.stage = "test".into();
    let mut model = Model::from_routes(
        vec![rest, Api::new("Http", ApiKind::Http)],
        vec![
            secured(Method::Get, "/token", "Rest", PayloadVersion::V1, "Tok"),
            secured(Method::Get, "/request/{id}", "Rest", PayloadVersion::V1, "Req"),
            secured(Method::Get, "/v1", "Http", PayloadVersion::V1, "H1"),
            secured(Method::Get, "/v2/{id}", "Http", PayloadVersion::V2, "H2"),
        ],
    );
    let mut functions = model.functions.to_vec();
    functions.push(emu_runtime::model::Function::new("Auth"));
    model.functions = functions.into();
    let header = || vec![IdentitySource::Header("authorization".into())];
    model.authorizers = vec![
        authorizer("Rest", "Tok", AuthorizerKind::LambdaToken { function: function("Auth") }, header()),
        authorizer("Rest", "Req", AuthorizerKind::LambdaRequest { function: function("Auth") }, header()),
        authorizer(
            "Http",
            "H1",
            AuthorizerKind::HttpLambda {
                function: function("Auth"),
                payload: PayloadVersion::V1,
                simple_responses: false,
            },
            header(),
        ),
        authorizer(
            "Http",
            "H2",
            AuthorizerKind::HttpLambda {
                function: function("Auth"),
                payload: PayloadVersion::V2,
                simple_responses: true,
            },
            header(),
        ),
    ]
    .into();
    let auth = move |e: LambdaEvent<Value>| {
        let seen = seen.clone();
        async move {
            let kind = e.payload.get("version").and_then(Value::as_str).unwrap_or("rest").to_owned();
            let kind = format!("{kind}:{}", e.payload["type"].as_str().unwrap_or_default());
            seen.lock().unwrap().push((kind, e.payload.clone()));
            Ok::<_, emu_runtime::Error>(json!({
                "principalId": "u", "isAuthorized": true,
                "policyDocument": {"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}
            }))
        }
    };
    let web = |_: LambdaEvent<Value>| async { Ok::<_, emu_runtime::Error>(json!({"statusCode": 200, "body": "ok"})) };
    AppBuilder::from_model(model).bind("Auth", auth).bind("Web", web).build()
}

async fn events() -> Vec<(String, Value)> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let c = app(seen.clone()).client();
    for path in ["/token", "/request/7?q=1", "/v1?q=1", "/v2/7?q=1"] {
        let r = c.get(path).header("authorization", "tok-1").header("cookie", "a=1").await;
        assert_eq!(r.status(), 200, "{path}: {}", r.text());
    }
    let out = seen.lock().unwrap().clone();
    assert_eq!(out.len(), 4, "one authorizer invocation per request (no caching: TTL 0)");
    out
}

const TOKEN_KEYS: &[&str] = &["authorizationToken", "methodArn", "type"];
const REST_REQUEST_KEYS: &[&str] = &[
    "headers",
    "httpMethod",
    "methodArn",
    "multiValueHeaders",
    "multiValueQueryStringParameters",
    "path",
    "pathParameters",
    "queryStringParameters",
    "requestContext",
    "requestContext.accountId",
    "requestContext.apiId",
    "requestContext.httpMethod",
    "requestContext.identity",
    "requestContext.identity.apiKey",
    "requestContext.identity.sourceIp",
    "requestContext.path",
    "requestContext.requestId",
    "requestContext.resourceId",
    "requestContext.resourcePath",
    "requestContext.stage",
    "resource",
    "stageVariables",
    "type",
];
const HTTP_V1_TOP_KEYS: &[&str] = &[
    "authorizationToken",
    "headers",
    "httpMethod",
    "identitySource",
    "methodArn",
    "path",
    "pathParameters",
    "queryStringParameters",
    "requestContext",
    "resource",
    "stageVariables",
    "type",
    "version",
];
const HTTP_V2_KEYS: &[&str] = &[
    "cookies",
    "headers",
    "identitySource",
    "pathParameters",
    "queryStringParameters",
    "rawPath",
    "rawQueryString",
    "requestContext",
    "requestContext.accountId",
    "requestContext.apiId",
    "requestContext.domainName",
    "requestContext.domainPrefix",
    "requestContext.http",
    "requestContext.http.method",
    "requestContext.http.path",
    "requestContext.http.protocol",
    "requestContext.http.sourceIp",
    "requestContext.http.userAgent",
    "requestContext.requestId",
    "requestContext.routeKey",
    "requestContext.stage",
    "requestContext.time",
    "requestContext.timeEpoch",
    "routeArn",
    "routeKey",
    "stageVariables",
    "type",
    "version",
];

fn top(v: &Value) -> BTreeSet<String> {
    v.as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
}

/// Our key sets, with the keys that only exist because this request had them (stage variables: none here).
fn ours(events: &[(String, Value)], kind: &str) -> Value {
    events.iter().find(|(k, _)| k == kind).map(|(_, e)| e.clone()).unwrap_or_else(|| panic!("no {kind} event"))
}

#[tokio::test]
async fn authorizer_events_have_the_in_repo_key_sets_and_values() {
    let events = events().await;
    let token = ours(&events, "rest:TOKEN");
    assert_eq!(key_set(&token), set(TOKEN_KEYS));
    assert_eq!(token["authorizationToken"], "tok-1");
    let arn = token["methodArn"].as_str().unwrap();
    assert!(
        arn.starts_with("arn:aws:execute-api:us-east-1:123456789012:") && arn.ends_with("/test/GET/token"),
        "{arn}"
    );

    let mut req = key_set(&ours(&events, "rest:REQUEST"));
    req.insert("stageVariables".into());
    assert_eq!(req, set(REST_REQUEST_KEYS));
    let e = ours(&events, "rest:REQUEST");
    assert!(e["methodArn"].as_str().unwrap().ends_with("/test/GET/request/7"), "the request's own path");
    assert_eq!(e["pathParameters"], json!({"id": "7"}));

    assert_eq!(top(&ours(&events, "1.0:REQUEST")).into_iter().collect::<BTreeSet<_>>(), set(HTTP_V1_TOP_KEYS));
    let e = ours(&events, "1.0:REQUEST");
    assert_eq!((e["identitySource"].as_str(), e["authorizationToken"].as_str()), (Some("tok-1"), Some("tok-1")));

    let mut v2 = key_set(&ours(&events, "2.0:REQUEST"));
    v2.insert("stageVariables".into());
    assert_eq!(v2, set(HTTP_V2_KEYS));
    let e = ours(&events, "2.0:REQUEST");
    assert_eq!(e["identitySource"], json!(["tok-1"]));
    assert!(e["routeArn"].as_str().unwrap().ends_with("/$default/GET/v2/7"), "{}", e["routeArn"]);
}

fn fixture(file: &str) -> Value {
    let dir = shared_corpus("lambda-events-fixtures");
    let text = std::fs::read_to_string(dir.join("lambda-events").join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn without(set: BTreeSet<String>, prefix: &str) -> BTreeSet<String> {
    set.into_iter().filter(|k| !k.starts_with(prefix)).collect()
}

#[test]
#[ignore = "reads the captured events in ../shared/corpus: run with `-- --ignored` (CI does)"]
fn the_in_repo_key_sets_are_the_captured_events() {
    assert_eq!(key_set(&fixture("example-apigw-custom-auth-request.json")), set(TOKEN_KEYS));
    assert_eq!(
        without(
            key_set(&fixture("example-apigw-custom-auth-request-type-request.json")),
            "requestContext.identity.clientCert"
        ),
        set(REST_REQUEST_KEYS)
    );
    assert_eq!(top(&fixture("example-apigw-v2-custom-authorizer-v1-request.json")), set(HTTP_V1_TOP_KEYS));
    assert_eq!(
        without(
            key_set(&fixture("example-apigw-v2-custom-authorizer-v2-request.json")),
            "requestContext.authentication"
        ),
        set(HTTP_V2_KEYS)
    );
}
