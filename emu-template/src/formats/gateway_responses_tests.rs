//! Unit tests of gateway responses in every form: SAM `GatewayResponses` (and `Globals.Api`), CloudFormation
//! resources, OpenAPI `x-amazon-apigateway-gateway-responses`, Serverless `resources`, and each malformed form.

use std::path::Path;

use crate::gateway_response::{GatewayResponse, GatewayResponseType as T, HeaderSource};
use crate::{Loaded, Problems, ReadOptions, read_str};

const HEAD: &str = "Transform: AWS::Serverless-2016-10-31\n";
const FUNCTION: &str = "  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Runtime: provided.al2023\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: get\n            RestApiId: !Ref Api\n";

fn read_at(src: &str, file: &str) -> Result<Loaded, Problems> {
    read_str(src, Path::new(file), &ReadOptions::default())
}

fn ok(src: &str) -> Loaded {
    read_at(src, "t.yaml").unwrap_or_else(|p| panic!("{p}"))
}

fn problems(src: &str) -> Vec<String> {
    match read_at(src, "t.yaml") {
        Ok(_) => panic!("expected problems"),
        Err(p) => p.0.iter().map(|p| p.to_string()).collect(),
    }
}

fn warnings(l: &Loaded) -> Vec<String> {
    l.model.warnings.iter().map(|w| format!("{}: {}", w.location.line, w.message)).collect()
}

fn response(l: &Loaded, t: T) -> &GatewayResponse {
    l.model.gateway_responses.iter().find(|r| r.response_type == t).unwrap_or_else(|| panic!("no {t}"))
}

fn sam_api(responses: &str) -> String {
    format!(
        "{HEAD}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      GatewayResponses:\n{responses}{FUNCTION}"
    )
}

#[test]
fn sam_gateway_responses_with_headers_templates_and_status() {
    let l = ok(&sam_api(concat!(
        "        DEFAULT_4XX:\n",
        "          ResponseParameters:\n",
        "            Headers:\n",
        "              Access-Control-Allow-Origin: \"'*'\"\n",
        "              X-Origin: method.request.header.Origin\n",
        "        UNAUTHORIZED:\n",
        "          StatusCode: 401\n",
        "          ResponseTemplates:\n",
        "            application/json: '{\"error\": $context.error.messageString}'\n",
        "        MISSING_AUTHENTICATION_TOKEN:\n",
        "          StatusCode: '404'\n",
    )));
    let d = response(&l, T::Default4xx);
    assert_eq!(d.api, "Api");
    assert_eq!(d.status, None);
    assert_eq!(d.headers.len(), 2);
    assert_eq!(d.headers[0].name, "Access-Control-Allow-Origin");
    assert_eq!(d.headers[0].value, HeaderSource::Static("*".into()));
    assert_eq!(d.headers[1].value, HeaderSource::RequestHeader("Origin".into()));
    assert_eq!(d.location.line, 8);
    let u = response(&l, T::Unauthorized);
    assert_eq!(u.status, Some(401));
    assert_eq!(u.templates[0].key, "application/json");
    assert_eq!(u.templates[0].value, "{\"error\": $context.error.messageString}");
    assert_eq!(response(&l, T::MissingAuthenticationToken).status, Some(404));
    assert!(warnings(&l).is_empty(), "{:?}", warnings(&l));
}

#[test]
fn globals_api_gateway_responses_reach_the_implicit_api() {
    let src = format!(
        "{HEAD}Globals:\n  Api:\n    GatewayResponses:\n      DEFAULT_5XX:\n        ResponseParameters:\n          Headers:\n            Access-Control-Allow-Origin: \"'https://a.example'\"\n\
         Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Runtime: provided.al2023\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /x\n            Method: get\n"
    );
    let l = ok(&src);
    let r = response(&l, T::Default5xx);
    assert_eq!(r.api, "ServerlessRestApi");
    assert_eq!(r.headers[0].value, HeaderSource::Static("https://a.example".into()));
}

#[test]
fn cloudformation_resource_by_ref_to_an_explicit_and_the_implicit_api() {
    let src = format!(
        "{HEAD}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n{FUNCTION}\
         \x20 Other:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Runtime: provided.al2023\n      Events:\n        Get:\n          Type: Api\n          Properties:\n            Path: /y\n            Method: get\n\
         \x20 Denied:\n    Type: AWS::ApiGateway::GatewayResponse\n    Properties:\n      RestApiId: !Ref Api\n      ResponseType: ACCESS_DENIED\n      StatusCode: '418'\n      ResponseParameters:\n        gatewayresponse.header.Access-Control-Allow-Origin: \"'*'\"\n      ResponseTemplates:\n        application/json: '{{\"m\":$context.error.messageString}}'\n\
         \x20 Implicit:\n    Type: AWS::ApiGateway::GatewayResponse\n    Properties:\n      RestApiId: !Ref ServerlessRestApi\n      ResponseType: DEFAULT_4XX\n"
    );
    let l = ok(&src);
    let d = response(&l, T::AccessDenied);
    assert_eq!((d.api.as_ref(), d.status), ("Api", Some(418)));
    assert_eq!(d.headers[0].name, "Access-Control-Allow-Origin");
    assert_eq!(d.templates[0].value, "{\"m\":$context.error.messageString}");
    assert_eq!(response(&l, T::Default4xx).api, "ServerlessRestApi");
}

#[test]
fn openapi_extension_and_precedence_of_sam_and_resources() {
    let src = format!(
        "{HEAD}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      GatewayResponses:\n        UNAUTHORIZED:\n          StatusCode: '401'\n\
         \x20     DefinitionBody:\n        openapi: '3.0.1'\n        x-amazon-apigateway-gateway-responses:\n          UNAUTHORIZED:\n            statusCode: '402'\n          DEFAULT_4XX:\n            statusCode: 400\n            responseParameters:\n              gatewayresponse.header.X-Req: context.requestId\n          THROTTLED:\n            statusCode: '429'\n        paths: {{}}\n\
         \x20 Throttle:\n    Type: AWS::ApiGateway::GatewayResponse\n    Properties:\n      RestApiId: !Ref Api\n      ResponseType: THROTTLED\n      StatusCode: '503'\n"
    );
    let l = ok(&src);
    assert_eq!(response(&l, T::Unauthorized).status, Some(401), "SAM's GatewayResponses win over the document's");
    assert_eq!(response(&l, T::Throttled).status, Some(503), "a resource wins over the document");
    let d = response(&l, T::Default4xx);
    assert_eq!(d.status, Some(400));
    assert_eq!(d.headers[0].value, HeaderSource::Context("requestId".into()));
    assert_eq!(l.model.gateway_responses.len(), 3);
}

#[test]
fn plain_cloudformation_rest_api_with_body_extension() {
    let src = "Resources:\n  Api:\n    Type: AWS::ApiGateway::RestApi\n    Properties:\n      Body:\n        swagger: '2.0'\n        x-amazon-apigateway-gateway-responses:\n          INVALID_API_KEY:\n            responseTemplates:\n              application/json: '{\"k\": true}'\n        paths: {}\n";
    let l = ok(src);
    let r = response(&l, T::InvalidApiKey);
    assert_eq!(r.status, None);
    assert_eq!(r.templates[0].value, "{\"k\": true}");
    assert_eq!(r.location.line, 8);
}

#[test]
fn serverless_resources_customize_the_rest_api() {
    let src = "service: s\nprovider:\n  name: aws\n  runtime: provided.al2023\nfunctions:\n  f:\n    handler: bootstrap\n    events:\n      - http:\n          path: x\n          method: get\nresources:\n  Resources:\n    GatewayResponseDefault4XX:\n      Type: 'AWS::ApiGateway::GatewayResponse'\n      Properties:\n        ResponseParameters:\n          gatewayresponse.header.Access-Control-Allow-Origin: \"'*'\"\n          gatewayresponse.header.Access-Control-Allow-Headers: \"'*'\"\n        ResponseType: DEFAULT_4XX\n        RestApiId:\n          Ref: 'ApiGatewayRestApi'\n";
    let l = read_at(src, "serverless.yml").unwrap_or_else(|p| panic!("{p}"));
    let r = response(&l, T::Default4xx);
    assert_eq!(r.api, "ApiGatewayRestApi");
    assert_eq!(r.headers.len(), 2);
}

#[test]
fn malformed_forms_are_located_problems() {
    let p = problems(&sam_api("        DEFAULT_4xx:\n          StatusCode: '400'\n"));
    assert!(p[0].starts_with("t.yaml:8:") && p[0].contains("response type `DEFAULT_4xx`"), "{p:?}");
    let p = problems(&sam_api("        UNAUTHORIZED:\n          StatusCode: '4011'\n"));
    assert!(p[0].contains("status code `4011`") && p[0].contains("100 to 599"), "{p:?}");
    let p = problems(&sam_api("        UNAUTHORIZED:\n          StatusCode: '099'\n"));
    assert!(p[0].contains("status code `099`"), "{p:?}");
    let p = problems(&sam_api(
        "        UNAUTHORIZED:\n          ResponseParameters:\n            Headers:\n              Access-Control-Allow-Origin: '*'\n",
    ));
    assert!(
        p[0].contains("value `*` of header Access-Control-Allow-Origin") && p[0].contains("single-quoted"),
        "{p:?}"
    );
    let p = problems(&sam_api(
        "        UNAUTHORIZED:\n          ResponseParameters:\n            Headers:\n              'Bad Name': \"'x'\"\n",
    ));
    assert!(p[0].contains("header name `Bad Name`"), "{p:?}");
    let p = problems(&sam_api("        UNAUTHORIZED:\n          Status: 401\n"));
    assert!(p[0].contains("`Status`"), "{p:?}");
    let p =
        problems(&sam_api("        UNAUTHORIZED:\n          ResponseTemplates:\n            application/json: [1]\n"));
    assert!(p[0].contains("template for `application/json`"), "{p:?}");
    let src = format!(
        "{HEAD}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n{FUNCTION}\
         \x20 R:\n    Type: AWS::ApiGateway::GatewayResponse\n    Properties:\n      RestApiId: !Ref Nope\n      ResponseType: DEFAULT_4XX\n      ResponseParameters:\n        method.response.header.X: \"'x'\"\n"
    );
    let p = problems(&src);
    assert!(p.iter().any(|p| p.contains("`RestApiId` references") && p.contains("Nope")), "{p:?}");
    let src = src.replace("!Ref Nope", "!Ref Api");
    let p = problems(&src);
    assert!(p[0].contains("response parameter `method.response.header.X`"), "{p:?}");
    let src = src
        .replace("      ResponseParameters:\n        method.response.header.X: \"'x'\"\n", "")
        .replace("      ResponseType: DEFAULT_4XX\n", "");
    let p = problems(&src);
    assert!(p[0].contains("gateway response R has no `ResponseType`"), "{p:?}");
}

#[test]
fn http_apis_and_ignored_forms_are_warnings() {
    let src = format!(
        "{HEAD}Resources:\n  Http:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      GatewayResponses:\n        DEFAULT_4XX:\n          StatusCode: '400'\n\
         \x20 R:\n    Type: AWS::ApiGateway::GatewayResponse\n    Properties:\n      RestApiId: !Ref Http\n      ResponseType: DEFAULT_4XX\n\
         \x20 Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      GatewayResponses:\n        REQUEST_TOO_LARGE:\n          StatusCode: '400'\n        DEFAULT_5XX:\n          ResponseParameters:\n            Paths:\n              p: \"'x'\"\n{FUNCTION}"
    );
    let l = ok(&src);
    let w = warnings(&l);
    assert!(w.iter().any(|w| w.starts_with("6: GatewayResponses of HTTP API Http")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("API Http is an HTTP API")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("REQUEST_TOO_LARGE") && w.contains("does not apply")), "{w:?}");
    assert!(w.iter().any(|w| w.contains("ResponseParameters.Paths")), "{w:?}");
    let vtl = ok(&sam_api(
        "        DEFAULT_4XX:\n          ResponseTemplates:\n            application/json: '#if($x) a #end'\n",
    ));
    assert!(
        warnings(&vtl).iter().any(|w| w.contains("uses `#if`") && w.contains("not processed by VTL")),
        "{:?}",
        warnings(&vtl)
    );
    assert!(l.model.gateway_responses.iter().all(|r| r.api == "Api"));
}

#[test]
fn a_type_defined_twice_by_one_source_warns_and_keeps_the_later() {
    let src = format!(
        "{HEAD}Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n{FUNCTION}\
         \x20 A:\n    Type: AWS::ApiGateway::GatewayResponse\n    Properties:\n      RestApiId: !Ref Api\n      ResponseType: DEFAULT_4XX\n      StatusCode: '400'\n\
         \x20 B:\n    Type: AWS::ApiGateway::GatewayResponse\n    Properties:\n      RestApiId: !Ref Api\n      ResponseType: DEFAULT_4XX\n      StatusCode: '418'\n"
    );
    let l = ok(&src);
    assert_eq!(response(&l, T::Default4xx).status, Some(418));
    assert!(warnings(&l).iter().any(|w| w.contains("defined twice")), "{:?}", warnings(&l));
}
