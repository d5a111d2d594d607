//! Unit tests of access control as each format writes it: SAM `Auth`, CloudFormation authorizers and methods,
//! OpenAPI security schemes, Serverless authorizers and API keys, and the located errors of each malformed form.

use std::path::Path;

use crate::model::{Authorization, AuthorizerKind, IdentitySource, PayloadVersion};
use crate::{Loaded, Problems, ReadOptions, read_str};

const HEAD: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n";

fn read(src: &str, file: &str) -> Result<Loaded, Problems> {
    read_str(src, Path::new(file), &ReadOptions::default())
}

fn ok(src: &str) -> Loaded {
    read(src, "t.yaml").unwrap_or_else(|p| panic!("{p}"))
}

fn problems(src: &str) -> String {
    match read(src, "t.yaml") {
        Ok(l) => panic!("expected problems, got {:?}", l.model.authorizers),
        Err(p) => p.to_string(),
    }
}

const FUNCTIONS: &str = "  AuthFn:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: !Sub ${AWS::StackName}-auth\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        Open:\n          Type: Api\n          Properties: {Path: /open, Method: get, RestApiId: !Ref Api, Auth: {Authorizer: NONE}}\n        Secret:\n          Type: Api\n          Properties: {Path: /secret, Method: get, RestApiId: !Ref Api}\n        Keyed:\n          Type: Api\n          Properties: {Path: /keyed, Method: post, RestApiId: !Ref Api, Auth: {ApiKeyRequired: true, Authorizer: Req}}\n        Iam:\n          Type: Api\n          Properties: {Path: /iam, Method: get, RestApiId: !Ref Api, Auth: {Authorizer: AWS_IAM}}\n";

#[test]
fn sam_rest_token_request_and_cognito_authorizers_with_defaults() {
    let src = format!(
        "{HEAD}  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Cors: \"'*'\"\n      Auth:\n        DefaultAuthorizer: Tok\n        Authorizers:\n          Tok:\n            FunctionArn: !GetAtt AuthFn.Arn\n            Identity:\n              Header: X-Token\n              ValidationExpression: ^Bearer .+$\n              ReauthorizeEvery: 0\n          Req:\n            FunctionArn: !GetAtt AuthFn.Arn\n            FunctionPayloadType: REQUEST\n            Identity:\n              Headers: [X-A]\n              QueryStrings: [q]\n              StageVariables: [s]\n              Context: [identity.sourceIp]\n          Pool:\n            UserPoolArn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_abc\n            AuthorizationScopes: [pets/read]\n{FUNCTIONS}"
    );
    let l = ok(&src);
    let m = &l.model;
    let tok = m.authorizer("Api", "Tok").unwrap();
    let AuthorizerKind::LambdaToken { function } = &tok.kind else { panic!("{:?}", tok.kind) };
    assert_eq!(function.id.as_deref(), Some("AuthFn"), "a GetAtt ARN leads back through a custom FunctionName");
    assert_eq!(tok.identity.to_vec(), [IdentitySource::Header("X-Token".into())]);
    assert_eq!(tok.validation_expression.as_deref(), Some("^Bearer .+$"));
    assert_eq!(tok.ttl_secs, 0);
    let req = m.authorizer("Api", "Req").unwrap();
    assert!(matches!(req.kind, AuthorizerKind::LambdaRequest { .. }));
    assert_eq!(
        req.identity.to_vec(),
        [
            IdentitySource::Header("X-A".into()),
            IdentitySource::Query("q".into()),
            IdentitySource::StageVariable("s".into()),
            IdentitySource::Context("identity.sourceIp".into()),
        ]
    );
    assert_eq!(req.ttl_secs, 300, "REST default");
    let pool = m.authorizer("Api", "Pool").unwrap();
    assert!(matches!(&pool.kind, AuthorizerKind::Cognito { user_pools } if user_pools.len() == 1));
    assert_eq!(pool.identity.to_vec(), [IdentitySource::Header("Authorization".into())]);
    let route = |p: &str| m.routes.iter().find(|r| r.path == p).unwrap();
    assert_eq!(route("/open").auth.authorization, Authorization::None);
    assert_eq!(route("/secret").auth.authorizer(), Some("Tok"), "DefaultAuthorizer");
    assert!(route("/keyed").auth.api_key_required);
    assert_eq!(route("/keyed").auth.authorizer(), Some("Req"));
    assert_eq!(route("/iam").auth.authorization, Authorization::Iam);
    assert_eq!(
        m.api("Api").unwrap().preflight_authorizer.as_deref(),
        Some("Tok"),
        "SAM's AddDefaultAuthorizerToCorsPreflight defaults to true"
    );
}

#[test]
fn sam_http_jwt_and_lambda_authorizers_and_scopes() {
    let src = format!(
        "{HEAD}  Http:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      Auth:\n        DefaultAuthorizer: Jwt\n        Authorizers:\n          Jwt:\n            JwtConfiguration:\n              issuer: https://issuer.example\n              audience: [aud1, aud2]\n            IdentitySource: $request.header.Authorization\n            AuthorizationScopes: [read]\n          Lam:\n            FunctionArn: !GetAtt AuthFn.Arn\n            AuthorizerPayloadFormatVersion: \"2.0\"\n            EnableSimpleResponses: true\n            Identity:\n              Headers: [Authorization]\n              ReauthorizeEvery: 60\n  AuthFn:\n    Type: AWS::Serverless::Function\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        A:\n          Type: HttpApi\n          Properties: {{Path: /a, Method: get, ApiId: !Ref Http}}\n        B:\n          Type: HttpApi\n          Properties: {{Path: /b, Method: get, ApiId: !Ref Http, Auth: {{Authorizer: Jwt, AuthorizationScopes: [write]}}}}\n        C:\n          Type: HttpApi\n          Properties: {{Path: /c, Method: get, ApiId: !Ref Http, Auth: {{Authorizer: Lam}}}}\n"
    );
    let l = ok(&src);
    let m = &l.model;
    let jwt = m.authorizer("Http", "Jwt").unwrap();
    assert_eq!(
        jwt.kind,
        AuthorizerKind::Jwt {
            issuer: "https://issuer.example".into(),
            audiences: vec!["aud1".into(), "aud2".into()].into()
        }
    );
    let lam = m.authorizer("Http", "Lam").unwrap();
    assert!(matches!(lam.kind, AuthorizerKind::HttpLambda { payload: PayloadVersion::V2, simple_responses: true, .. }));
    assert_eq!(lam.ttl_secs, 60);
    let route = |p: &str| m.routes.iter().find(|r| r.path == p).unwrap();
    assert_eq!(route("/a").auth.scopes.to_vec(), ["read"], "the authorizer's default scopes");
    assert_eq!(route("/b").auth.scopes.to_vec(), ["write"], "the event's own scopes win");
    assert_eq!(route("/c").auth.authorizer(), Some("Lam"));
}

#[test]
fn unknown_authorizers_and_malformed_forms_are_located_errors() {
    let p = problems(&format!(
        "{HEAD}  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Auth:\n        DefaultAuthorizer: Missing\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        A:\n          Type: Api\n          Properties: {{Path: /a, Method: get, RestApiId: !Ref Api}}\n"
    ));
    assert!(p.contains("t.yaml:7:") && p.contains("`Missing`"), "{p}");
    let p = problems(&format!(
        "{HEAD}  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Auth:\n        Authorizers:\n          Bad:\n            FunctionPayloadType: TOKEN\n          Worse:\n            FunctionArn: x\n            FunctionPayloadType: COOKIE\n            Identity: {{ReauthorizeEvery: 99999}}\n"
    ));
    assert!(p.contains("FunctionArn or UserPoolArn") && p.contains("COOKIE") && p.contains("0 to 3600"), "{p}");
    let p = problems(&format!(
        "{HEAD}  Http:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      Auth:\n        Authorizers:\n          J:\n            JwtConfiguration: {{audience: [a]}}\n          L:\n            FunctionArn: x\n          S:\n            FunctionArn: x\n            AuthorizerPayloadFormatVersion: \"3.0\"\n"
    ));
    assert!(
        p.contains("JwtConfiguration.issuer") && p.contains("AuthorizerPayloadFormatVersion") && p.contains("3.0"),
        "{p}"
    );
}

#[test]
fn an_imported_authorizer_function_keeps_its_arn() {
    let src = format!(
        "{HEAD}  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Auth:\n        Authorizers:\n          Ext:\n            FunctionArn: arn:aws:lambda:us-east-1:123456789012:function:shared-auth\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Events:\n        A:\n          Type: Api\n          Properties: {{Path: /a, Method: get, RestApiId: !Ref Api, Auth: {{Authorizer: Ext}}}}\n"
    );
    let l = ok(&src);
    let f = l.model.authorizer("Api", "Ext").unwrap().function().unwrap().clone();
    assert_eq!((f.id.as_deref(), f.name()), (None, "shared-auth"));
}

#[test]
fn cloudformation_authorizers_methods_and_api_keys() {
    let src = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties: {Handler: bootstrap, Runtime: provided.al2023}\n  AuthFn:\n    Type: AWS::Lambda::Function\n    Properties: {Handler: bootstrap, Runtime: provided.al2023}\n  Api:\n    Type: AWS::ApiGateway::RestApi\n  Res:\n    Type: AWS::ApiGateway::Resource\n    Properties: {RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: pets}\n  Auth:\n    Type: AWS::ApiGateway::Authorizer\n    Properties:\n      RestApiId: !Ref Api\n      Name: tok\n      Type: REQUEST\n      IdentitySource: method.request.header.X-A, method.request.querystring.q\n      AuthorizerResultTtlInSeconds: 30\n      AuthorizerUri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${AuthFn.Arn}/invocations\n  Get:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !Ref Res\n      HttpMethod: GET\n      AuthorizationType: CUSTOM\n      AuthorizerId: !Ref Auth\n      ApiKeyRequired: true\n      Integration: {Type: AWS_PROXY, Uri: !Sub 'arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations'}\n  Key:\n    Type: AWS::ApiGateway::ApiKey\n    Properties: {Value: abcdefghijklmnopqrstuvwxyz, Enabled: true}\n";
    let l = read(src, "t.yaml").unwrap_or_else(|p| panic!("{p}"));
    let m = &l.model;
    let a = m.authorizer("Api", "Auth").unwrap();
    assert!(matches!(&a.kind, AuthorizerKind::LambdaRequest { function } if function.id.as_deref() == Some("AuthFn")));
    assert_eq!(a.identity.len(), 2);
    assert_eq!(a.ttl_secs, 30);
    let r = &m.routes[0];
    assert_eq!((r.auth.authorizer(), r.auth.api_key_required), (Some("Auth"), true));
    assert_eq!(m.api_keys[0].value.as_deref(), Some("abcdefghijklmnopqrstuvwxyz"));
}

#[test]
fn openapi_security_schemes_give_authorizers_keys_and_iam() {
    let src = format!(
        "{HEAD}  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      DefinitionBody:\n        openapi: '3.0'\n        components:\n          securitySchemes:\n            tok:\n              type: apiKey\n              name: Authorization\n              in: header\n              x-amazon-apigateway-authtype: custom\n              x-amazon-apigateway-authorizer:\n                type: token\n                authorizerUri: !Sub arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${{AuthFn.Arn}}/invocations\n                authorizerResultTtlInSeconds: 0\n            key:\n              type: apiKey\n              name: x-api-key\n              in: header\n            sig:\n              type: apiKey\n              name: Authorization\n              in: header\n              x-amazon-apigateway-authtype: awsSigv4\n        paths:\n          /a:\n            get:\n              security: [{{tok: []}}, {{key: []}}]\n              x-amazon-apigateway-integration: {{type: aws_proxy, httpMethod: POST, uri: !Sub 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${{F.Arn}}/invocations'}}\n          /b:\n            get:\n              security: [{{sig: []}}]\n              x-amazon-apigateway-integration: {{type: aws_proxy, httpMethod: POST, uri: !Sub 'arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${{F.Arn}}/invocations'}}\n  AuthFn:\n    Type: AWS::Serverless::Function\n  F:\n    Type: AWS::Serverless::Function\n"
    );
    let l = ok(&src);
    let m = &l.model;
    assert!(matches!(m.authorizer("Api", "tok").unwrap().kind, AuthorizerKind::LambdaToken { .. }));
    let a = m.routes.iter().find(|r| r.path == "/a").unwrap();
    assert_eq!((a.auth.authorizer(), a.auth.api_key_required), (Some("tok"), true));
    let b = m.routes.iter().find(|r| r.path == "/b").unwrap();
    assert_eq!(b.auth.authorization, Authorization::Iam);
}

#[test]
fn serverless_authorizers_private_routes_and_api_keys() {
    let src = "service: s\nprovider:\n  name: aws\n  runtime: provided.al2023\n  apiGateway:\n    apiKeys:\n      - free\n      - name: paid\n        value: abcdefghijklmnopqrstuvwxyz\n  httpApi:\n    authorizers:\n      jwt:\n        type: jwt\n        identitySource: $request.header.Authorization\n        issuerUrl: https://issuer.example\n        audience: [a]\n      lam:\n        type: request\n        functionName: auth\n        enableSimpleResponses: true\n        identitySource: [$request.header.X-A]\n        resultTtlInSeconds: 10\nfunctions:\n  auth:\n    handler: auth\n  f:\n    handler: f\n    events:\n      - http:\n          path: tok\n          method: get\n          authorizer: auth\n      - http:\n          path: pool\n          method: get\n          private: true\n          authorizer:\n            name: pool\n            type: COGNITO_USER_POOLS\n            arn: arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_x\n            scopes: [s1]\n      - http:\n          path: iam\n          method: get\n          authorizer: {type: aws_iam}\n      - httpApi:\n          path: /j\n          method: get\n          authorizer: {name: jwt, scopes: [r]}\n      - httpApi:\n          path: /l\n          method: get\n          authorizer: {name: lam}\n";
    let l = read(src, "serverless.yml").unwrap_or_else(|p| panic!("{p}"));
    let m = &l.model;
    let tok = m.authorizer("ApiGatewayRestApi", "auth").unwrap();
    assert!(matches!(&tok.kind, AuthorizerKind::LambdaToken { function } if function.id.as_deref() == Some("auth")));
    assert!(matches!(m.authorizer("ApiGatewayRestApi", "pool").unwrap().kind, AuthorizerKind::Cognito { .. }));
    let lam = m.authorizer("HttpApi", "lam").unwrap();
    assert!(
        matches!(&lam.kind, AuthorizerKind::HttpLambda { function, simple_responses: true, .. } if function.id.as_deref() == Some("auth"))
    );
    assert_eq!(lam.ttl_secs, 10);
    let route = |p: &str| m.routes.iter().find(|r| r.path == p).unwrap();
    assert!(route("/pool").auth.api_key_required);
    assert_eq!(route("/pool").auth.scopes.to_vec(), ["s1"]);
    assert_eq!(route("/iam").auth.authorization, Authorization::Iam);
    assert_eq!(route("/j").auth.scopes.to_vec(), ["r"]);
    assert_eq!(m.api_keys.len(), 2);
    assert_eq!(m.api_keys[1].value.as_deref(), Some("abcdefghijklmnopqrstuvwxyz"));
}

#[test]
fn identity_sources_parse_every_documented_form() {
    for (text, want) in [
        ("method.request.header.Auth", IdentitySource::Header("Auth".into())),
        ("$request.header.Auth", IdentitySource::Header("Auth".into())),
        ("method.request.querystring.q", IdentitySource::Query("q".into())),
        ("$request.querystring.q", IdentitySource::Query("q".into())),
        ("stageVariables.s", IdentitySource::StageVariable("s".into())),
        ("$stageVariables.s", IdentitySource::StageVariable("s".into())),
        ("context.requestId", IdentitySource::Context("requestId".into())),
        ("$context.routeKey", IdentitySource::Context("routeKey".into())),
    ] {
        assert_eq!(IdentitySource::parse(text), Some(want), "{text}");
    }
    for bad in ["", "header.x", "method.request.header.", "$request.path.id"] {
        assert_eq!(IdentitySource::parse(bad), None, "{bad}");
    }
}
