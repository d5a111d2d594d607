//! Unit tests of the `serverless.yml` reader: each construct and each variable form, plus located errors.
//! Sources are inline; `${file()}` tests write their files to a temporary folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::model::{ApiKind, EnvPiece, EventKind, Method, PayloadVersion, TemplateFormat};
use crate::{Loaded, Problems, ReadOptions, read_str};

fn read_with(src: &str, overrides: &[(&str, &str)]) -> Result<Loaded, Problems> {
    let options = ReadOptions {
        parameter_overrides: overrides.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<BTreeMap<_, _>>(),
    };
    read_str(src, Path::new("svc/serverless.yml"), &options)
}

fn read(src: &str) -> Loaded {
    match read_with(src, &[]) {
        Ok(l) => l,
        Err(p) => panic!("unexpected problems:\n{p}"),
    }
}

fn problems(src: &str) -> String {
    match read_with(src, &[]) {
        Ok(l) => panic!("expected problems, read {:?}", l.model.routes),
        Err(p) => p.to_string(),
    }
}

fn routes(l: &Loaded) -> Vec<String> {
    l.model
        .routes
        .iter()
        .map(|r| {
            format!("{} {} {} {} {}", r.method, r.path, r.api, r.function().unwrap_or("(mock)"), r.payload.as_str())
        })
        .collect()
}

fn env(l: &Loaded, function: &str, name: &str) -> Vec<EnvPiece> {
    let f = l.model.function(function).unwrap_or_else(|| panic!("no function {function}"));
    let v = f.environment.iter().find(|e| e.name == name).unwrap_or_else(|| panic!("no variable {name}"));
    v.value.to_vec()
}

fn text(s: &str) -> EnvPiece {
    EnvPiece::Text(s.to_string().into())
}

fn warned(l: &Loaded, needle: &str) -> bool {
    l.model.warnings.iter().any(|w| w.message.contains(needle))
}

const BASE: &str = "service: pets\nprovider:\n  name: aws\n  runtime: provided.al2023\n";

#[test]
fn functions_get_framework_defaults_and_deployed_names() {
    let l = read(&format!(
        "{BASE}functions:\n  hello:\n    handler: hello\n  big:\n    handler: big\n    timeout: 20\n    memorySize: 512\n    runtime: python3.12\n    name: custom-big\n"
    ));
    assert_eq!(l.model.format, TemplateFormat::Serverless);
    let hello = l.model.function("hello").unwrap();
    assert_eq!((hello.name.as_ref(), hello.handler.as_ref()), ("pets-dev-hello", "hello"));
    assert_eq!((hello.timeout_secs, hello.memory_mb, hello.runtime.as_ref()), (6, 1024, "provided.al2023"));
    assert_eq!(hello.location.line, 6);
    let big = l.model.function("big").unwrap();
    assert_eq!((big.name.as_ref(), big.timeout_secs, big.memory_mb), ("custom-big", 20, 512));
    assert_eq!(big.runtime, "python3.12");
}

#[test]
fn provider_settings_apply_to_every_function() {
    let l = read(
        "service: s\nprovider:\n  name: aws\n  stage: prod\n  timeout: 10\n  memorySize: 256\nfunctions:\n  f:\n    handler: f\n",
    );
    let f = l.model.function("f").unwrap();
    assert_eq!((f.name.as_ref(), f.timeout_secs, f.memory_mb), ("s-prod-f", 10, 256));
}

#[test]
fn http_events_become_rest_routes_under_the_stage() {
    let l = read(&format!(
        "{BASE}  stage: beta\nfunctions:\n  dogs:\n    handler: dogs::list\n    events:\n      - http: GET dogs\n      - http:\n          path: /dogs/{{id}}/\n          method: any\n          operationId: getDog\n          authorizer: authFn\n      - http:\n          path: /\n          method: post\n"
    ));
    assert_eq!(
        routes(&l),
        [
            "POST / ApiGatewayRestApi dogs 1.0",
            "GET /dogs ApiGatewayRestApi dogs 1.0",
            "ANY /dogs/{id} ApiGatewayRestApi dogs 1.0",
        ]
    );
    let api = l.model.api("ApiGatewayRestApi").unwrap();
    assert_eq!((api.kind, api.stage.as_ref(), api.stage_in_url, api.implicit), (ApiKind::Rest, "beta", true, true));
    let item = l.model.routes.iter().find(|r| r.method == Method::Any).unwrap();
    assert_eq!(item.operation_name.as_deref(), Some("getDog"));
    assert_eq!(item.auth.authorizer(), Some("authFn"));
    assert_eq!(item.location.line, 11);
}

#[test]
fn http_api_events_become_http_api_routes_without_stage() {
    let l = read(&format!(
        "{BASE}functions:\n  a:\n    handler: a\n    events:\n      - httpApi: 'PATCH /elo'\n      - httpApi: '*'\n      - httpApi:\n          method: '*'\n          path: /any/{{p}}\n"
    ));
    assert_eq!(routes(&l), ["ANY $default HttpApi a 2.0", "ANY /any/{p} HttpApi a 2.0", "PATCH /elo HttpApi a 2.0"]);
    let api = l.model.api("HttpApi").unwrap();
    assert_eq!((api.kind, api.stage.as_ref(), api.stage_in_url), (ApiKind::Http, "$default", false));
    assert_eq!(api.default_payload, PayloadVersion::V2);
}

#[test]
fn payload_version_function_beats_provider_beats_default() {
    let l = read(
        "service: s\nprovider:\n  name: aws\n  httpApi:\n    payload: '1.0'\nfunctions:\n  a:\n    handler: a\n    events:\n      - httpApi: GET /a\n  b:\n    handler: b\n    httpApi:\n      payload: '2.0'\n    events:\n      - httpApi: GET /b\n",
    );
    assert_eq!(routes(&l), ["GET /a HttpApi a 1.0", "GET /b HttpApi b 2.0"]);
}

#[test]
fn cors_of_both_api_kinds() {
    let l = read(&format!(
        "{BASE}  httpApi:\n    cors: true\nfunctions:\n  a:\n    handler: a\n    events:\n      - http:\n          path: x\n          method: get\n          cors: true\n      - httpApi: POST /y\n"
    ));
    let rest = l.model.api("ApiGatewayRestApi").unwrap().cors.clone().unwrap();
    assert_eq!(rest.allow_origins.to_vec(), ["*"]);
    assert!(rest.allow_methods.iter().any(|m| m == "GET") && rest.allow_headers.iter().any(|h| h == "X-Api-Key"));
    let http = l.model.api("HttpApi").unwrap().cors.clone().unwrap();
    assert_eq!(http.allow_methods.to_vec(), ["OPTIONS", "POST"]);
}

#[test]
fn binary_media_types_and_authorizers_are_kept() {
    let l = read(&format!(
        "{BASE}  apiGateway:\n    binaryMediaTypes: ['image/png']\n  httpApi:\n    authorizers:\n      jwt:\n        issuerUrl: https://x\nfunctions:\n  a:\n    handler: a\n    events:\n      - http: GET x\n      - httpApi:\n          method: GET\n          path: /y\n          authorizer:\n            name: jwt\n"
    ));
    assert_eq!(l.model.api("ApiGatewayRestApi").unwrap().binary_media_types.to_vec(), ["image/png"]);
    let jwt = l.model.authorizer("HttpApi", "jwt").unwrap();
    assert_eq!(
        jwt.kind,
        crate::model::AuthorizerKind::Jwt { issuer: "https://x".into(), audiences: Vec::new().into() }
    );
    assert_eq!(l.model.routes.iter().find(|r| r.api == "HttpApi").unwrap().auth.authorizer(), Some("jwt"));
}

#[test]
fn other_events_are_typed_without_routes() {
    let l = read(&format!(
        "{BASE}functions:\n  w:\n    handler: w\n    events:\n      - sqs: arn:aws:sqs:us-east-1:1:q\n      - schedule: rate(1 minute)\n      - sqs:\n          arn: !GetAtt Q.Arn\n      - stream:\n          type: dynamodb\n          arn: x\n      - eventBridge:\n          pattern: {{source: [a]}}\n      - websocket: $connect\nresources:\n  Resources:\n    Q:\n      Type: AWS::SQS::Queue\n      Properties:\n        QueueName: jobs\n"
    ));
    assert!(l.model.routes.is_empty());
    let events = &l.model.function("w").unwrap().events;
    let kinds: Vec<(String, EventKind)> = events.iter().map(|e| (e.name.to_string(), e.kind.clone())).collect();
    assert_eq!(
        kinds,
        [
            ("sqs-1".into(), EventKind::Sqs),
            ("schedule-1".into(), EventKind::Schedule),
            ("sqs-2".into(), EventKind::Sqs),
            ("stream-1".into(), EventKind::DynamoDb),
            ("eventBridge-1".into(), EventKind::EventBridge),
            ("websocket-1".into(), EventKind::Other("websocket".into())),
        ]
    );
    assert!(events[2].properties.contains("arn:aws:sqs:us-east-1:123456789012:jobs"), "{}", events[2].properties);
    assert!(warned(&l, "`websocket` events"));
}

#[test]
fn self_sls_and_opt_variables() {
    let src = "service: pets\ncustom:\n  base: api\n  timeouts: {dev: 9, prod: 30}\nprovider:\n  name: aws\n  stage: ${opt:stage, 'dev'}\nfunctions:\n  f:\n    handler: f\n    name: ${self:service}-${sls:stage}-fn\n    timeout: ${self:custom.timeouts.${sls:stage}}\n    events:\n      - http: GET ${self:custom.base}/${opt:region}\n";
    let l = read(src);
    let f = l.model.function("f").unwrap();
    assert_eq!((f.name.as_ref(), f.timeout_secs), ("pets-dev-fn", 9));
    assert_eq!(routes(&l), ["GET /api/us-east-1 ApiGatewayRestApi f 1.0"]);
    let l = read_with(src, &[("stage", "prod"), ("region", "eu-west-1")]).unwrap();
    let f = l.model.function("f").unwrap();
    assert_eq!((f.name.as_ref(), f.timeout_secs), ("pets-prod-fn", 30));
    assert_eq!(l.model.api("ApiGatewayRestApi").unwrap().stage, "prod");
    assert_eq!(routes(&l), ["GET /api/eu-west-1 ApiGatewayRestApi f 1.0"]);
}

#[test]
fn fallback_chains_and_literals() {
    let l = read(&format!(
        "{BASE}functions:\n  f:\n    handler: ${{opt:handler, self:custom.nope, 'fallback'}}\n    timeout: ${{opt:t, 12}}\n    memorySize: ${{opt:m, \"2048\"}}\n"
    ));
    let f = l.model.function("f").unwrap();
    assert_eq!((f.handler.as_ref(), f.timeout_secs, f.memory_mb), ("fallback", 12, 2048));
}

#[test]
fn params_come_from_overrides_then_stage_then_default() {
    let src = "service: s\nparams:\n  default:\n    domain: ${sls:stage}.example.com\n  prod:\n    domain: example.com\nstages:\n  default:\n    params:\n      size: 128\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: f\n    memorySize: ${param:size}\n    environment:\n      DOMAIN: ${param:domain}\n";
    let l = read(src);
    assert_eq!(env(&l, "f", "DOMAIN"), [text("dev.example.com")]);
    assert_eq!(l.model.function("f").unwrap().memory_mb, 128);
    let l = read_with(src, &[("stage", "prod")]).unwrap();
    assert_eq!(env(&l, "f", "DOMAIN"), [text("example.com")]);
    let l = read_with(src, &[("param:domain", "override.test")]).unwrap();
    assert_eq!(env(&l, "f", "DOMAIN"), [text("override.test")]);
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("emu-sls-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn file_variables_are_relative_to_the_service_and_tracked() {
    let dir = temp_dir("file");
    std::fs::write(dir.join("config.dev.yml"), "table: dogs-${sls:stage}\nnested:\n  size: 333\n").unwrap();
    std::fs::write(dir.join("env.json"), "{\"A\": \"1\", \"B\": \"${env:HOME_DIR, 'x'}\"}").unwrap();
    let src = format!(
        "{BASE}functions:\n  f:\n    handler: f\n    memorySize: ${{file(./config.${{sls:stage}}.yml):nested.size}}\n    environment: ${{file(./env.json)}}\n  g:\n    handler: g\n    environment:\n      TABLE: ${{file(./config.dev.yml):table}}\n"
    );
    let path = dir.join("serverless.yml");
    let l = read_str(&src, &path, &ReadOptions::default()).unwrap();
    assert_eq!(l.model.function("f").unwrap().memory_mb, 333);
    assert_eq!(env(&l, "f", "A"), [text("1")]);
    assert_eq!(env(&l, "f", "B"), [EnvPiece::ProcessEnv { variable: "HOME_DIR".into(), fallback: Some("x".into()) }]);
    assert_eq!(env(&l, "g", "TABLE"), [text("dogs-dev")]);
    let names: Vec<String> =
        l.referenced_files.iter().filter_map(|p| p.file_name()).map(|n| n.to_string_lossy().into_owned()).collect();
    assert_eq!(names, ["config.dev.yml", "env.json"]);
    let err = read_str(
        &format!("{BASE}functions:\n  f:\n    handler: ${{file(./nope.yml):x}}\n"),
        &path,
        &ReadOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("serverless.yml:7:5:") && err.contains("nope.yml") && err.contains("does not exist"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn env_variables_are_resolved_at_run_time_in_environment() {
    let l = read(&format!(
        "{BASE}  environment:\n    SHARED: ${{env:SHARED}}\n    LEVEL: info\nfunctions:\n  f:\n    handler: f\n    environment:\n      LEVEL: debug\n      URL: https://${{env:HOST, 'localhost'}}:${{self:custom.port}}/x\n      COUNT: 3\ncustom:\n  port: 8080\n"
    ));
    assert_eq!(env(&l, "f", "SHARED"), [EnvPiece::ProcessEnv { variable: "SHARED".into(), fallback: None }]);
    assert_eq!(env(&l, "f", "LEVEL"), [text("debug")]);
    assert_eq!(env(&l, "f", "COUNT"), [text("3")]);
    assert_eq!(
        env(&l, "f", "URL"),
        [
            text("https://"),
            EnvPiece::ProcessEnv { variable: "HOST".into(), fallback: Some("localhost".into()) },
            text(":8080/x"),
        ]
    );
    let names: Vec<&str> = l.model.function("f").unwrap().environment.iter().map(|e| e.name.as_ref()).collect();
    assert_eq!(names, ["COUNT", "LEVEL", "SHARED", "URL"]);
}

#[test]
fn env_variables_elsewhere_use_their_fallback_or_warn() {
    let l = read(&format!("{BASE}  stage: ${{env:STAGE, 'qa'}}\nfunctions:\n  f:\n    handler: ${{env:HANDLER}}\n"));
    assert_eq!(l.model.function("f").unwrap().name, "pets-qa-f");
    assert!(l.model.function("f").unwrap().handler.contains("<unresolved: ${env:HANDLER}>"));
    assert!(warned(&l, "environment variables are read at run time only in `environment`"));
}

#[test]
fn intrinsics_in_environment_use_resources() {
    let l = read(&format!(
        "{BASE}functions:\n  f:\n    handler: f\n    environment:\n      QUEUE: !Ref Jobs\n      ARN:\n        Fn::GetAtt: [Jobs, Arn]\n      FN: !GetAtt FLambdaFunction.Arn\nresources:\n  Resources:\n    Jobs:\n      Type: AWS::SQS::Queue\n      Properties:\n        QueueName: jobs\n"
    ));
    assert_eq!(env(&l, "f", "ARN"), [text("arn:aws:sqs:us-east-1:123456789012:jobs")]);
    assert_eq!(env(&l, "f", "FN"), [text("arn:aws:lambda:us-east-1:123456789012:function:pets-dev-f")]);
    assert_eq!(env(&l, "f", "QUEUE").len(), 1);
}

#[test]
fn aws_sources_become_placeholders_with_warnings() {
    let l = read(&format!(
        "{BASE}functions:\n  f:\n    handler: f\n    name: f-${{git:branch}}\n    environment:\n      SECRET: ${{ssm:/app/secret}}\n      ACCOUNT: ${{aws:accountId}}\n      OUT: ${{cf:stack.Output, 'none'}}\n"
    ));
    assert!(l.model.function("f").unwrap().name.contains("<unresolved: ${git:branch}>"));
    let secret = env(&l, "f", "SECRET");
    assert!(matches!(&secret[..], [EnvPiece::Text(t)] if t.contains("<unresolved: ${ssm:/app/secret}>")));
    assert_eq!(env(&l, "f", "OUT"), [text("none")]);
    assert!(warned(&l, "ssm:/app/secret") && warned(&l, "aws:accountId") && warned(&l, "git:branch"));
    assert!(warned(&l, "used the fallback"));
}

#[test]
fn cloudformation_placeholders_are_left_alone() {
    let l = read(&format!(
        "{BASE}functions:\n  f:\n    handler: f\n    environment:\n      SUB: !Sub 'arn:${{AWS::Partition}}:s3:::b'\n      RAW: 'x-${{stageVariables.y}}'\n"
    ));
    assert_eq!(env(&l, "f", "SUB"), [text("arn:aws:s3:::b")]);
    assert_eq!(env(&l, "f", "RAW"), [text("x-${stageVariables.y}")]);
}

#[test]
fn missing_keys_are_errors_with_file_line_and_column() {
    let err = problems(&format!("{BASE}functions:\n  f:\n    handler: ${{self:custom.handler}}\n"));
    assert!(err.starts_with("svc/serverless.yml:7:5: cannot resolve `${self:custom.handler}`"), "{err}");
    assert!(err.contains("`custom.handler` is not in serverless.yml"), "{err}");
    let err = problems(&format!("{BASE}functions:\n  f:\n    handler: ${{param:nope}}\n"));
    assert!(err.contains("parameter `nope`"), "{err}");
    let err = problems(&format!("{BASE}functions:\n  f:\n    handler: ${{opt:nope}}\n"));
    assert!(err.contains("no option `nope`"), "{err}");
}

#[test]
fn cycles_and_unclosed_variables_are_errors_not_panics() {
    let err = problems(
        "service: s\ncustom:\n  a: ${self:custom.b}\n  b: ${self:custom.a}\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: ${self:custom.a}\n",
    );
    assert!(err.contains("variable cycle"), "{err}");
    let err = problems("service: s\nprovider:\n  name: aws\n  stage: ${sls:stage}\nfunctions:\n  f:\n    handler: f\n");
    assert!(err.contains("variable cycle"), "{err}");
    let err = problems("service: s\nprovider:\n  name: aws\nfunctions:\n  f:\n    handler: ${self:service\n");
    assert!(err.contains("unclosed variable"), "{err}");
}

#[test]
fn invalid_events_are_located_problems() {
    let err = problems(&format!(
        "{BASE}functions:\n  f:\n    handler: f\n    events:\n      - httpApi: GET users\n      - http:\n          method: fetch\n          path: x\n      - httpApi:\n          path: /y\n      - httpApi:\n          method: get\n          path: '*'\n      - http: GET\n"
    ));
    for needle in [
        "svc/serverless.yml:9:7: path `users`",
        "svc/serverless.yml:10:7: method `fetch`",
        "svc/serverless.yml:13:7: `httpApi` event of function f has no `method`",
        "svc/serverless.yml:15:7: path `*`",
        "svc/serverless.yml:18:7: `http` event of function f: expected `METHOD path`",
    ] {
        assert!(err.contains(needle), "missing {needle:?} in\n{err}");
    }
}

#[test]
fn duplicate_routes_and_bad_paths_use_route_validation() {
    let err = problems(&format!(
        "{BASE}functions:\n  a:\n    handler: a\n    events:\n      - http: GET x\n  b:\n    handler: b\n    events:\n      - http: get /x/\n      - http: GET x/{{id\n"
    ));
    assert!(err.contains("duplicate route `GET /x` on API ApiGatewayRestApi"), "{err}");
    assert!(err.contains("unbalanced"), "{err}");
}

#[test]
fn missing_handler_and_bad_numbers_are_problems() {
    let err = problems(&format!("{BASE}functions:\n  f:\n    timeout: soon\n"));
    assert!(err.contains("function f has no `handler`"), "{err}");
    assert!(err.contains("svc/serverless.yml:7:5: timeout of function f: expected a positive whole number"), "{err}");
    let err = problems("service: s\nprovider:\n  name: google\nfunctions: {}\n");
    assert!(err.contains("only `provider.name: aws`"), "{err}");
}

#[test]
fn format_is_detected_from_content_not_file_name() {
    let src = "service: s\nfunctions:\n  f:\n    handler: f\n    events:\n      - httpApi: GET /a\n";
    let l = read_str(src, Path::new("template.yaml"), &ReadOptions::default()).unwrap();
    assert_eq!(l.model.format, TemplateFormat::Serverless);
    assert_eq!(l.model.routes.len(), 1);
}

#[test]
fn odd_shapes_never_panic() {
    for src in [
        "service: s\nprovider: x\nfunctions: 3\n",
        "service: s\nprovider:\nfunctions:\n  f:\n",
        "service: s\nprovider: {}\nfunctions:\n  f:\n    handler: f\n    events: {http: x}\n",
        "service: s\nprovider: {}\nfunctions:\n  f:\n    handler: f\n    events:\n      - 3\n      -\n      - {http: [1], httpApi: 2}\n      - http: {}\n      - httpApi: {}\n",
        "service: ${\nprovider: {}\n",
        "service: ${self:}\nprovider: {}\n",
        "service: [1]\nprovider: {stage: [x], region: {a: 1}, timeout: -1, memorySize: 1e99}\n",
        "service: s\nprovider: {}\nfunctions:\n  f:\n    handler: ${file(../../../../etc/none):x, 'ok'}\n    environment: [1, 2]\n",
        "service: s\nprovider: {}\nfunctions:\n  f:\n    handler: ${strToBool(maybe)}${opt:}${sls:x}${a:b:c}${file(x.js)}\n",
    ] {
        let _ = read_with(src, &[]);
    }
}

#[test]
fn reserved_concurrency_is_read_and_zero_kept() {
    let l = read(&format!(
        "{BASE}functions:\n  a:\n    handler: a\n    reservedConcurrency: 0\n  b:\n    handler: b\n    reservedConcurrency: 3\n  c:\n    handler: c\n"
    ));
    let r = |id: &str| l.model.function(id).unwrap().reserved_concurrency;
    assert_eq!((r("a"), r("b"), r("c")), (Some(0), Some(3), None));
}
