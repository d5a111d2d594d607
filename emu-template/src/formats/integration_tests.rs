//! Unit tests of MOCK and non-proxy (`AWS`) integrations in OpenAPI, CloudFormation and Serverless templates: the
//! model each reads into, and the located warning or problem for each malformed construct.

use std::path::Path;

use crate::integration::{Integration, IntegrationResponse, Mapping, ParameterValue, Passthrough};
use crate::model::{Location, Method, Route};
use crate::{Loaded, Problems, ReadOptions, read_str};

fn read(src: &str, file: &str) -> Result<Loaded, Problems> {
    read_str(src, Path::new(file), &ReadOptions::default())
}

fn ok(src: &str) -> Loaded {
    read(src, "t.yaml").unwrap_or_else(|p| panic!("{p}"))
}

fn route<'a>(l: &'a Loaded, method: Method, path: &str) -> &'a Route {
    l.model
        .routes
        .iter()
        .find(|r| r.method == method && r.path == path)
        .unwrap_or_else(|| panic!("no {method} {path} in {:?}", l.model.routes))
}

fn mapping(r: &Route) -> &Mapping {
    r.integration.mapping().unwrap_or_else(|| panic!("{} {} has no mapping", r.method, r.path))
}

fn warnings(l: &Loaded) -> Vec<String> {
    l.model.warnings.iter().map(|w| format!("{}: {}", w.location, w.message)).collect()
}

/// A SAM API whose OpenAPI body holds `paths` (indented under `paths:` by the caller, at 10 spaces).
fn sam_openapi(paths: &str) -> String {
    format!(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionBody:\n        openapi: 3.0.1\n        paths:\n{paths}"
    )
}

const MOCK_PREFLIGHT: &str = r#"          /dogs:
            options:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '{"statusCode": 200}'
                passthroughBehavior: when_no_templates
                responses:
                  default:
                    statusCode: "200"
                    responseParameters:
                      method.response.header.Access-Control-Allow-Origin: "'*'"
                      method.response.header.Access-Control-Allow-Headers: method.request.header.Access-Control-Request-Headers
                    responseTemplates:
                      application/json: '{}'
                  "5\\d{2}":
                    statusCode: "500"
"#;

#[test]
fn an_openapi_mock_is_a_route_with_its_templates_and_responses() {
    let l = ok(&sam_openapi(MOCK_PREFLIGHT));
    let r = route(&l, Method::Options, "/dogs");
    assert_eq!((r.function(), r.integration.as_str()), (None, "MOCK"));
    let m = mapping(r);
    assert_eq!(m.passthrough, Passthrough::WhenNoTemplates);
    assert_eq!(m.request_templates.len(), 1);
    assert_eq!(
        (m.request_templates[0].content_type.as_ref(), m.request_templates[0].template.as_ref()),
        ("application/json", r#"{"statusCode": 200}"#)
    );
    assert_eq!(m.request_templates[0].location, Location::new(19, 19));
    let [default, errors]: &[IntegrationResponse; 2] = m.responses.as_ref().try_into().expect("two responses");
    assert_eq!((default.selection_pattern.as_deref(), default.status_code), (None, 200));
    assert_eq!(default.parameters.len(), 2);
    assert_eq!(default.parameters[0].header, "Access-Control-Allow-Origin");
    assert_eq!(default.parameters[0].value, ParameterValue::Static("*".into()));
    assert_eq!(default.parameters[1].value, ParameterValue::RequestHeader("Access-Control-Request-Headers".into()));
    assert_eq!(default.templates[0].template, "{}");
    assert_eq!((errors.selection_pattern.as_deref(), errors.status_code), (Some(r"5\d{2}"), 500));
    assert!(l.model.warnings.is_empty(), "{:?}", warnings(&l));
}

#[test]
fn an_openapi_aws_integration_with_a_lambda_uri_is_a_non_proxy_route() {
    let paths = r#"          /dogs:
            post:
              x-amazon-apigateway-integration:
                type: aws
                httpMethod: POST
                uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${F.Arn}/invocations
                passthroughBehavior: never
                requestTemplates:
                  Application/JSON: '{"name": $input.json(''$.name'')}'
                responses:
                  default:
                    statusCode: 201
                  ".*not found.*":
                    statusCode: 404
                    responseTemplates:
                      application/json: '{"error": "$input.path(''$.errorMessage'')"}'
"#;
    let l = ok(&sam_openapi(paths));
    let r = route(&l, Method::Post, "/dogs");
    assert!(matches!(&r.integration, Integration::Lambda { function, .. } if function == "F"), "{:?}", r.integration);
    let m = mapping(r);
    assert_eq!(m.passthrough, Passthrough::Never);
    assert_eq!(m.request_templates[0].content_type, "application/json", "content types are compared in lower case");
    assert_eq!(m.responses.iter().map(|r| r.status_code).collect::<Vec<_>>(), [201, 404]);
    assert!(l.model.warnings.is_empty(), "{:?}", warnings(&l));
}

#[test]
fn other_integration_types_are_located_warnings_naming_them() {
    let paths = r#"          /ddb:
            post:
              x-amazon-apigateway-integration:
                type: aws
                uri: arn:aws:apigateway:us-east-1:dynamodb:action/PutItem
          /site:
            get:
              x-amazon-apigateway-integration:
                type: http_proxy
                uri: https://example.com
"#;
    let l = ok(&sam_openapi(paths));
    assert!(l.model.routes.is_empty(), "{:?}", l.model.routes);
    let w = warnings(&l);
    assert!(w.iter().any(|m| m.starts_with("15:13: POST /ddb") && m.contains("AWS service integration")), "{w:?}");
    assert!(w.iter().any(|m| m.starts_with("20:13: GET /site") && m.contains("`http_proxy`")), "{w:?}");
}

#[test]
fn a_selection_pattern_rust_cannot_compile_is_a_located_warning() {
    let paths = r#"          /x:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '{"statusCode": 200}'
                responses:
                  "(?<!x)bad":
                    statusCode: "400"
                  default:
                    statusCode: "200"
"#;
    let l = ok(&sam_openapi(paths));
    let w = warnings(&l);
    assert!(
        w.iter().any(|m| m.starts_with("21:19: ")
            && m.contains("selection pattern `(?<!x)bad`")
            && m.contains("never selected")),
        "{w:?}"
    );
    assert_eq!(mapping(route(&l, Method::Get, "/x")).responses.len(), 2, "the response is kept");
}

#[test]
fn a_response_parameter_of_an_unknown_form_is_a_located_problem() {
    let paths = r#"          /x:
            get:
              x-amazon-apigateway-integration:
                type: mock
                responses:
                  default:
                    statusCode: "200"
                    responseParameters:
                      method.response.header.X-A: "*"
                      method.response.body: "'x'"
"#;
    let problems = read(&sam_openapi(paths), "t.yaml").expect_err("problems").to_string();
    assert!(problems.contains("t.yaml:22:23: response parameter `method.response.header.X-A` = `*`"), "{problems}");
    assert!(problems.contains("expected a quoted literal ('value')"), "{problems}");
    assert!(problems.contains("t.yaml:23:23: response parameter `method.response.body`"), "{problems}");
}

#[test]
fn a_status_code_or_passthrough_api_gateway_refuses_is_a_located_problem() {
    let paths = r#"          /x:
            get:
              x-amazon-apigateway-integration:
                type: mock
                passthroughBehavior: SOMETIMES
                responses:
                  default:
                    statusCode: "OK"
"#;
    let problems = read(&sam_openapi(paths), "t.yaml").expect_err("problems").to_string();
    assert!(problems.contains("t.yaml:18:17: passthroughBehavior `SOMETIMES`"), "{problems}");
    assert!(
        problems.contains("t.yaml:20:19: statusCode `OK` of default integration response of GET /x of API Api"),
        "{problems}"
    );
}

#[test]
fn velocity_outside_the_subset_and_syntax_errors_are_located_warnings() {
    let paths = r#"          /x:
            get:
              x-amazon-apigateway-integration:
                type: mock
                requestTemplates:
                  application/json: '#macro(m)x#end{"statusCode": 200}'
                  text/plain: '#if($x == 1)'
                responses:
                  default:
                    statusCode: "200"
"#;
    let l = ok(&sam_openapi(paths));
    let w = warnings(&l);
    assert!(
        w.iter().any(|m| m.starts_with("19:19: request template of GET /x of API Api for application/json: `#macro")
            && m.contains("outside the Velocity subset")),
        "{w:?}"
    );
    assert!(
        w.iter().any(
            |m| m.starts_with("20:19: request template of GET /x of API Api for text/plain: Velocity syntax error")
        ),
        "{w:?}"
    );
}

#[test]
fn cloudformation_methods_read_mock_and_aws_integrations() {
    let src = r#"Resources:
  F:
    Type: AWS::Lambda::Function
    Properties:
      Handler: bootstrap
      Runtime: provided.al2023
      Code: {ZipFile: x}
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {Name: api}
  Dogs:
    Type: AWS::ApiGateway::Resource
    Properties:
      RestApiId: !Ref Api
      ParentId: !GetAtt Api.RootResourceId
      PathPart: dogs
  Preflight:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Dogs
      HttpMethod: OPTIONS
      AuthorizationType: NONE
      Integration:
        Type: MOCK
        RequestTemplates:
          application/json: '{"statusCode": 204}'
        IntegrationResponses:
          - StatusCode: 204
            ResponseParameters:
              method.response.header.Access-Control-Allow-Methods: "'GET,OPTIONS'"
  Create:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Dogs
      HttpMethod: POST
      AuthorizationType: NONE
      Integration:
        Type: AWS
        IntegrationHttpMethod: POST
        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${F.Arn}/invocations
        PassthroughBehavior: WHEN_NO_TEMPLATES
        IntegrationResponses:
          - StatusCode: 200
          - StatusCode: 400
            SelectionPattern: '.*\[400\].*'
            ResponseTemplates:
              application/json: '$input.path(''$.errorMessage'')'
  Proxy:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Dogs
      HttpMethod: GET
      Integration:
        Type: HTTP
        Uri: https://example.com
"#;
    let l = read(src, "t.yaml").unwrap_or_else(|p| panic!("{p}"));
    let mock = route(&l, Method::Options, "/dogs");
    assert_eq!(mock.integration.as_str(), "MOCK");
    let m = mapping(mock);
    assert_eq!(m.responses[0].status_code, 204);
    assert_eq!(m.responses[0].parameters[0].value, ParameterValue::Static("GET,OPTIONS".into()));
    let create = route(&l, Method::Post, "/dogs");
    assert_eq!((create.function(), create.integration.as_str()), (Some("F"), "AWS"));
    let m = mapping(create);
    assert_eq!(m.passthrough, Passthrough::WhenNoTemplates);
    assert_eq!(m.responses[1].selection_pattern.as_deref(), Some(r".*\[400\].*"));
    assert_eq!(m.responses[1].location, Location::new(46, 11));
    assert!(!l.model.routes.iter().any(|r| r.method == Method::Get), "HTTP integrations are skipped");
    let w = warnings(&l);
    assert!(w.iter().any(|m| m.contains("GET /dogs (method Proxy) uses a `HTTP` integration")), "{w:?}");
}

#[test]
fn serverless_lambda_integrations_get_the_framework_defaults() {
    let src = r#"service: pets
provider: {name: aws, runtime: provided.al2023}
functions:
  create:
    handler: bootstrap
    events:
      - http:
          path: dogs
          method: post
          integration: lambda
      - http:
          path: cats
          method: post
          integration: lambda
          request:
            passThrough: WHEN_NO_MATCH
            template:
              text/plain: '{"raw": "$util.escapeJavaScript($input.body)"}'
          response:
            headers:
              Cache-Control: "'max-age=120'"
            template: $input.path('$')
            statusCodes:
              201:
                pattern: ''
              409:
                pattern: '.*conflict.*'
                template: $input.path("$.errorMessage")
                headers:
                  Content-Type: "'application/json+hal'"
      - http:
          path: ping
          method: get
          integration: mock
          request:
            template:
              application/json: '{"statusCode": 200}'
      - http:
          path: site
          method: get
          integration: http-proxy
"#;
    let l = read(src, "serverless.yml").unwrap_or_else(|p| panic!("{p}"));
    let dogs = mapping(route(&l, Method::Post, "/dogs"));
    assert_eq!(dogs.passthrough, Passthrough::Never, "the framework's default");
    assert_eq!(dogs.request_templates.len(), 1);
    assert!(dogs.request_templates[0].template.contains("\"principalId\""));
    let codes: Vec<u16> = dogs.responses.iter().map(|r| r.status_code).collect();
    assert_eq!(codes, [200, 400, 401, 403, 404, 422, 500, 502, 504]);
    assert_eq!(dogs.responses[0].selection_pattern, None);

    let cats = mapping(route(&l, Method::Post, "/cats"));
    assert_eq!(cats.passthrough, Passthrough::WhenNoMatch);
    let types: Vec<&str> = cats.request_templates.iter().map(|t| t.content_type.as_ref()).collect();
    assert_eq!(types, ["application/json", "text/plain"], "own templates beside the default");
    let [created, conflict]: &[IntegrationResponse; 2] = cats.responses.as_ref().try_into().expect("two");
    assert_eq!((created.status_code, created.selection_pattern.as_deref()), (201, None));
    assert_eq!(created.templates[0].template, "$input.path('$')");
    assert_eq!(created.parameters[0].value, ParameterValue::Static("max-age=120".into()));
    assert_eq!(conflict.templates[0].template, "$input.path(\"$.errorMessage\")");
    assert_eq!(conflict.parameters.len(), 2, "the response's headers beside the event's");

    let ping = route(&l, Method::Get, "/ping");
    assert_eq!((ping.function(), ping.integration.as_str()), (None, "MOCK"));
    assert!(l.model.routes.iter().all(|r| r.path != "/site"));
    let w = warnings(&l);
    assert!(w.iter().any(|m| m.contains("`integration: http-proxy`") && m.contains("route skipped")), "{w:?}");
}

#[test]
fn the_default_serverless_request_template_is_inside_the_subset() {
    let template = emu_vtl::Template::parse(crate::formats::serverless::DEFAULT_JSON_REQUEST_TEMPLATE)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(template.unsupported().is_empty(), "{:?}", template.unsupported());
}

#[test]
fn content_handling_and_request_parameters_are_located_warnings() {
    let paths = r#"          /x:
            get:
              x-amazon-apigateway-integration:
                type: aws
                uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${F.Arn}/invocations
                contentHandling: CONVERT_TO_TEXT
                requestParameters:
                  integration.request.header.X-Amz-Invocation-Type: "'Event'"
                responses:
                  default:
                    statusCode: "200"
                    contentHandling: CONVERT_TO_BINARY
"#;
    let l = ok(&sam_openapi(paths));
    let w = warnings(&l);
    assert!(w.iter().any(|m| m.starts_with("19:17: GET /x of API Api: integration `contentHandling`")), "{w:?}");
    assert!(w.iter().any(|m| m.starts_with("20:17: GET /x of API Api: integration `requestParameters`")), "{w:?}");
    assert!(
        w.iter().any(|m| m.starts_with("25:21: default integration response") && m.contains("`contentHandling`")),
        "{w:?}"
    );
}
