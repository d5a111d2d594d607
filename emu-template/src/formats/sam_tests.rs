//! Unit tests of whole-template reading: SAM events, Globals, explicit APIs, OpenAPI, plain CloudFormation, validation.
//! Each test reads a small template through `read_str` and checks the model or the located problems.

use std::collections::BTreeMap;
use std::path::Path;

use crate::model::{ApiKind, EventKind, Location, Method, PayloadVersion};
use crate::{Loaded, Problems, ReadOptions, read_str};

const HEAD: &str = "Transform: AWS::Serverless-2016-10-31\n";

fn read(src: &str) -> Result<Loaded, Problems> {
    read_str(src, Path::new("t.yaml"), &ReadOptions::default())
}

fn ok(src: &str) -> Loaded {
    match read(src) {
        Ok(l) => l,
        Err(p) => panic!("{p}"),
    }
}

fn problems(src: &str) -> Vec<String> {
    match read(src) {
        Ok(_) => panic!("expected problems"),
        Err(p) => p.0.iter().map(|p| p.to_string()).collect(),
    }
}

fn env(l: &Loaded, f: &str) -> BTreeMap<String, String> {
    l.model
        .function(f)
        .map(|f| f.environment.iter().map(|e| (e.name.to_string(), e.literal_value().unwrap_or_default())).collect())
        .unwrap_or_default()
}

#[test]
fn implicit_rest_and_http_apis_come_from_events() {
    let src = format!(
        "{HEAD}Resources:\n  Hello:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Runtime: provided.al2023\n      Events:\n        Rest:\n          Type: Api\n          Properties:\n            Path: /hello\n            Method: get\n        Http:\n          Type: HttpApi\n          Properties:\n            Path: /hello\n            Method: POST\n            PayloadFormatVersion: '1.0'\n        All:\n          Type: HttpApi\n        Queue:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Q.Arn\n  Q:\n    Type: AWS::SQS::Queue\n"
    );
    let l = ok(&src);
    let m = &l.model;
    let f = m.function("Hello").unwrap();
    assert_eq!((f.timeout_secs, f.memory_mb, f.location), (3, 128, Location::new(3, 3)));
    assert_eq!(f.events.len(), 1);
    assert_eq!(f.events[0].kind, EventKind::Sqs);
    assert!(f.events[0].properties.contains("arn:aws:sqs:us-east-1:123456789012:Q"));
    let apis: Vec<_> = m.apis.iter().map(|a| (a.id.as_ref(), a.kind, a.stage.as_ref(), a.implicit)).collect();
    assert_eq!(
        apis,
        [("ServerlessRestApi", ApiKind::Rest, "Prod", true), ("ServerlessHttpApi", ApiKind::Http, "$default", true)]
    );
    let routes: Vec<_> = m.routes.iter().map(|r| (r.method, r.path.as_ref(), r.api.as_ref(), r.payload)).collect();
    assert_eq!(
        routes,
        [
            (Method::Any, "$default", "ServerlessHttpApi", PayloadVersion::V2),
            (Method::Get, "/hello", "ServerlessRestApi", PayloadVersion::V1),
            (Method::Post, "/hello", "ServerlessHttpApi", PayloadVersion::V1),
        ]
    );
    assert_eq!(m.routes[1].location, Location::new(9, 9));
}

#[test]
fn no_events_means_no_implicit_api() {
    let l = ok(&format!(
        "{HEAD}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n"
    ));
    assert!(l.model.apis.is_empty());
}

#[test]
fn explicit_apis_with_settings() {
    let src = format!(
        "{HEAD}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: v1\n      Variables:\n        A: b\n      BinaryMediaTypes: ['image~1png']\n      Cors:\n        AllowOrigin: \"'https://x.test'\"\n        AllowMethods: \"'get,post'\"\n        MaxAge: \"'600'\"\n      Auth:\n        DefaultAuthorizer: MyAuth\n        Authorizers:\n          MyAuth:\n            FunctionArn: !GetAtt F.Arn\n  Http:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      CorsConfiguration: true\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        A:\n          Type: Api\n          Properties: {{Path: /a, Method: get, RestApiId: !Ref Api}}\n        B:\n          Type: HttpApi\n          Properties:\n            Path: /b\n            Method: get\n            ApiId:\n              Ref: Http\n"
    );
    let l = ok(&src);
    let api = l.model.api("Api").unwrap();
    assert_eq!(api.stage, "v1");
    assert_eq!(api.stage_variables[0].value, "b");
    assert_eq!(api.binary_media_types[0], "image/png");
    let cors = api.cors.as_ref().unwrap();
    assert_eq!(cors.allow_origins[0], "https://x.test");
    assert_eq!(cors.allow_methods.to_vec(), ["GET", "POST"]);
    assert_eq!(cors.max_age, Some(600));
    let auth = l.model.authorizer("Api", "MyAuth").unwrap();
    assert_eq!(auth.function().and_then(|f| f.id.as_deref()), Some("F"));
    assert_eq!(api.location, Location::new(3, 3));
    let http = l.model.api("Http").unwrap();
    assert_eq!(
        (http.stage.as_ref(), http.cors.as_ref().map(|c| c.allow_origins[0].to_string())),
        ("$default", Some("*".into()))
    );
    assert_eq!(l.model.routes[0].auth.authorizer(), Some("MyAuth"));
    assert_eq!(l.model.routes[1].api, "Http");
    assert_eq!(l.model.apis.len(), 2, "no implicit API when every event names one");
}

#[test]
fn globals_merge_like_sam() {
    let src = format!(
        "{HEAD}Globals:\n  Function:\n    Timeout: 30\n    Runtime: python3.12\n    Environment:\n      Variables:\n        A: global\n        B: global\n  Api:\n    Cors: \"'*'\"\n    Variables:\n      V: g\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 5\n      Environment:\n        Variables:\n          B: local\n          C: !Sub '${{AWS::Region}}'\n      Events:\n        E:\n          Type: Api\n          Properties: {{Path: /, Method: any}}\n  G:\n    Type: AWS::Serverless::Function\n    IgnoreGlobals: '*'\n    Properties:\n      Handler: h\n"
    );
    let l = ok(&src);
    let f = l.model.function("F").unwrap();
    assert_eq!((f.timeout_secs, f.runtime.as_ref()), (5, "python3.12"));
    let e = env(&l, "F");
    assert_eq!(e.get("A").map(String::as_str), Some("global"));
    assert_eq!(e.get("B").map(String::as_str), Some("local"));
    assert_eq!(e.get("C").map(String::as_str), Some("us-east-1"));
    let g = l.model.function("G").unwrap();
    assert_eq!((g.timeout_secs, g.runtime.as_ref()), (3, ""));
    let api = l.model.api("ServerlessRestApi").unwrap();
    assert_eq!(api.cors.as_ref().unwrap().allow_origins[0], "*");
    assert_eq!(api.stage_variables[0].key, "V");
    assert_eq!(api.stage, "Prod", "StageName is never global");
}

#[test]
fn refused_globals_are_problems() {
    let p = problems(&format!(
        "{HEAD}Globals:\n  Api:\n    StageName: dev\n  Function:\n    Events: {{}}\nResources: {{}}\n"
    ));
    assert!(p.iter().any(|p| p.starts_with("t.yaml:4:5:") && p.contains("Globals.Api.StageName")), "{p:?}");
    assert!(p.iter().any(|p| p.contains("Globals.Function.Events")), "{p:?}");
}

#[test]
fn parameter_overrides_reach_environment_and_conditions() {
    let src = format!(
        "{HEAD}Parameters:\n  Env:\n    Type: String\n    Default: dev\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      MemorySize: !If [IsProd, 1024, 256]\n      Environment:\n        Variables:\n          E: !Ref Env\n  OnlyProd:\n    Type: AWS::Serverless::Function\n    Condition: IsProd\n    Properties:\n      Handler: x\n"
    );
    let l = ok(&src);
    assert_eq!(l.model.function("F").unwrap().memory_mb, 256);
    assert!(l.model.function("OnlyProd").is_none());
    let options = ReadOptions { parameter_overrides: [("Env".to_string(), "prod".to_string())].into() };
    let l = read_str(&src, Path::new("t.yaml"), &options).unwrap();
    assert_eq!(l.model.function("F").unwrap().memory_mb, 1024);
    assert_eq!(env(&l, "F").get("E").map(String::as_str), Some("prod"));
    assert!(l.model.function("OnlyProd").is_some());
}

#[test]
fn unknowable_env_values_warn_not_fail() {
    let src = format!(
        "{HEAD}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Environment:\n        Variables:\n          V: !ImportValue Shared\n          S: '{{{{resolve:ssm:/p}}}}'\n"
    );
    let l = ok(&src);
    let e = env(&l, "F");
    assert!(e.get("V").is_some_and(|v| v.starts_with("<unresolved")));
    assert!(e.get("S").is_some_and(|v| v.starts_with("<unresolved")));
    assert_eq!(l.model.warnings.len(), 2);
}

#[test]
fn openapi_definition_body_routes() {
    let src = format!(
        "{HEAD}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      DefinitionBody:\n        swagger: '2.0'\n        paths:\n          /items/{{id}}:\n            x-amazon-apigateway-any-method:\n              operationId: anyItem\n              x-amazon-apigateway-integration:\n                type: aws_proxy\n                httpMethod: POST\n                uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{F.Arn}}/invocations\n            options:\n              x-amazon-apigateway-integration:\n                type: mock\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n"
    );
    let l = ok(&src);
    assert_eq!(l.model.routes.len(), 2, "the mock is a route");
    let r = &l.model.routes[0];
    assert_eq!((r.method, r.path.as_ref(), r.function().unwrap_or_default()), (Method::Any, "/items/{id}", "F"));
    let mock = &l.model.routes[1];
    assert_eq!((mock.method, mock.integration.as_str(), mock.function()), (Method::Options, "MOCK", None));
    assert_eq!(r.operation_name.as_deref(), Some("anyItem"));
    assert_eq!(r.location, Location::new(11, 13));
    assert!(
        l.model
            .warnings
            .iter()
            .any(|w| w.message.contains("OPTIONS /items/{id}") && w.message.contains("no integration responses")),
        "{:?}",
        l.model.warnings
    );
}

#[test]
fn definition_uri_reads_a_local_file() {
    let dir = std::env::temp_dir().join(format!("emu-template-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("api.yaml"),
        "openapi: 3.0.1\npaths:\n  /x:\n    get:\n      x-amazon-apigateway-integration:\n        type: AWS_PROXY\n        payloadFormatVersion: '1.0'\n        uri: !GetAtt F.Arn\n",
    )
    .unwrap();
    let src = format!(
        "{HEAD}Resources:\n  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      DefinitionUri: api.yaml\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: x\n"
    );
    let l = read_str(&src, &dir.join("template.yaml"), &ReadOptions::default()).unwrap();
    assert_eq!(l.referenced_files.len(), 1);
    assert_eq!(l.model.routes[0].payload, PayloadVersion::V1);
    assert_eq!(l.model.routes[0].api, "Api");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn plain_cloudformation_rest_and_http() {
    let src = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: bootstrap\n      Runtime: provided.al2023\n      Timeout: 9\n  Api:\n    Type: AWS::ApiGateway::RestApi\n  Dogs:\n    Type: AWS::ApiGateway::Resource\n    Properties:\n      RestApiId: !Ref Api\n      ParentId: !GetAtt Api.RootResourceId\n      PathPart: dogs\n  Dog:\n    Type: AWS::ApiGateway::Resource\n    Properties:\n      RestApiId: !Ref Api\n      ParentId: !Ref Dogs\n      PathPart: '{id}'\n  GetDog:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !Ref Dog\n      HttpMethod: GET\n      Integration:\n        Type: AWS_PROXY\n        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations\n  Stage:\n    Type: AWS::ApiGateway::Stage\n    Properties:\n      RestApiId: !Ref Api\n      StageName: live\n  Http:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: HTTP\n  Integ:\n    Type: AWS::ApiGatewayV2::Integration\n    Properties:\n      ApiId: !Ref Http\n      IntegrationType: AWS_PROXY\n      IntegrationUri: !GetAtt Fn.Arn\n      PayloadFormatVersion: '2.0'\n  Route:\n    Type: AWS::ApiGatewayV2::Route\n    Properties:\n      ApiId: !Ref Http\n      RouteKey: POST /cats\n      Target: !Join [/, [integrations, !Ref Integ]]\n  Quick:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: HTTP\n      Target: !GetAtt Fn.Arn\n  Ws:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: WEBSOCKET\n";
    let l = ok(src);
    assert_eq!(l.model.format, crate::TemplateFormat::CloudFormation);
    assert_eq!(l.model.function("Fn").unwrap().timeout_secs, 9);
    let routes: Vec<_> = l.model.routes.iter().map(|r| (r.method.as_str(), r.path.as_ref(), r.api.as_ref())).collect();
    assert_eq!(routes, [("ANY", "$default", "Quick"), ("POST", "/cats", "Http"), ("GET", "/dogs/{id}", "Api")]);
    assert_eq!(l.model.api("Api").unwrap().stage, "live");
    assert!(l.model.warnings.iter().any(|w| w.message.contains("WebSocket API Ws")));
}

#[test]
fn duplicate_routes_name_both_functions() {
    let ev = |f: &str| {
        format!(
            "  {f}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E:\n          Type: Api\n          Properties: {{Path: /same, Method: GET}}\n"
        )
    };
    let p = problems(&format!("{HEAD}Resources:\n{}{}", ev("A"), ev("B")));
    assert_eq!(p.len(), 1);
    assert!(p[0].starts_with("t.yaml:14:9:") && p[0].contains("A (line 7)") && p[0].contains("B (line 14)"), "{p:?}");
}

#[test]
fn every_path_problem_is_collected() {
    let ev = |n: &str, path: &str| {
        format!("        {n}:\n          Type: Api\n          Properties: {{Path: '{path}', Method: GET}}\n")
    };
    let src = format!(
        "{HEAD}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n{}{}{}{}{}",
        ev("A", "nolead"),
        ev("B", "/x/{id"),
        ev("C", "/{proxy+}/more"),
        ev("D", "/dogs/{id}"),
        ev("E", "/dogs/{name}/toys"),
    );
    let p = problems(&src);
    assert_eq!(p.len(), 4, "{p:?}");
    assert!(p[0].contains("start with `/`") && p[0].starts_with("t.yaml:7:9"));
    assert!(p[1].contains("unbalanced"));
    assert!(p[2].contains("last segment"));
    assert!(p[3].contains("`{id}` and `{name}`"));
}

#[test]
fn unknown_api_reference_is_a_problem() {
    let src = format!(
        "{HEAD}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        E:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: get\n            RestApiId: Nope\n"
    );
    let p = problems(&src);
    assert!(p[0].starts_with("t.yaml:12:13:") && p[0].contains("`Nope`"), "{p:?}");
}

#[test]
fn bad_documents_are_problems_with_positions() {
    assert!(problems("a: [\n")[0].starts_with("t.yaml:"), "syntax");
    assert!(problems("- 1\n")[0].contains("not a mapping"), "sequence");
    assert!(problems("Foo: 1\n")[0].contains("Resources"), "no resources");
    assert!(problems(&format!("{HEAD}Resources:\n  F:\n    Properties: {{}}\n"))[0].contains("`Type`"));
}

#[test]
fn garbage_never_panics() {
    // A small deterministic fuzz: mutate a valid template in many ways and read each result.
    let base = format!(
        "{HEAD}Parameters:\n  P: {{Type: String, Default: x}}\nConditions:\n  C: !Equals [!Ref P, x]\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: !If [C, 3, !Ref P]\n      Environment: {{Variables: {{A: !Sub '${{P}}', B: !Select [0, !Split [',', !Join [',', [a, b]]]]}}}}\n      Events:\n        E: {{Type: Api, Properties: {{Path: '/{{a}}/{{proxy+}}', Method: GET}}}}\n        H: {{Type: HttpApi, Properties: {{ApiId: !GetAtt F.Arn}}}}\n  A:\n    Type: AWS::Serverless::Api\n    Properties: {{DefinitionBody: {{paths: {{/x: {{get: {{x-amazon-apigateway-integration: {{type: aws_proxy, uri: !Ref A}}}}}}}}}}}}\n"
    );
    let bytes = base.as_bytes();
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..400 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let mut s = bytes.to_vec();
        let at = (seed % s.len() as u64) as usize;
        match seed % 4 {
            0 => {
                s.truncate(at);
            }
            1 => {
                s.remove(at);
            }
            2 => s.insert(at, b"{}[]:-!'\"\n #&*|>"[(seed >> 8) as usize % 16]),
            _ => s.splice(at..at, b"!Ref ".iter().copied()).for_each(drop),
        }
        let text = String::from_utf8_lossy(&s);
        let _ = read(&text);
    }
}

#[test]
fn reserved_concurrency_is_read_with_globals_and_zero_kept() {
    let src = format!(
        "{HEAD}Globals:\n  Function:\n    ReservedConcurrentExecutions: 5\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      ReservedConcurrentExecutions: 0\n  G:\n    Type: AWS::Serverless::Function\n  H:\n    Type: AWS::Serverless::Function\n    IgnoreGlobals: '*'\n  L:\n    Type: AWS::Lambda::Function\n    Properties:\n      ReservedConcurrentExecutions: 2\n"
    );
    let l = ok(&src);
    let r = |id: &str| l.model.function(id).unwrap().reserved_concurrency;
    assert_eq!((r("F"), r("G"), r("H"), r("L")), (Some(0), Some(5), None, Some(2)));
    let bad = problems(&format!(
        "{HEAD}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      ReservedConcurrentExecutions: lots\n"
    ));
    assert!(bad.iter().any(|p| p.contains("ReservedConcurrentExecutions of F")), "{bad:?}");
}

#[test]
fn auto_publish_alias_is_read_with_globals() {
    let src = format!(
        "{HEAD}Globals:\n  Function:\n    AutoPublishAlias: live\nResources:\n  F:\n    Type: AWS::Serverless::Function\n  G:\n    Type: AWS::Serverless::Function\n    Properties:\n      AutoPublishAlias: beta\n"
    );
    let l = ok(&src);
    assert_eq!(l.model.function("F").unwrap().alias.as_deref(), Some("live"));
    assert_eq!(l.model.function("G").unwrap().alias.as_deref(), Some("beta"));
}
