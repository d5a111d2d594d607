//! Unit tests of request validation as each template form writes it: validators, required parameters, models.
//! Each test reads a small template through `read_str` and checks the route's validation or the located problems.

use std::path::Path;

use crate::model::{Method, ParameterLocation, RequestModel, RequestValidation, Route};
use crate::{Loaded, Problems, ReadOptions, read_str};

fn read(src: &str, file: &str) -> Result<Loaded, Problems> {
    read_str(src, Path::new(file), &ReadOptions::default())
}

fn ok(src: &str) -> Loaded {
    match read(src, "t.yaml") {
        Ok(l) => l,
        Err(p) => panic!("{p}"),
    }
}

fn problems(src: &str) -> Vec<String> {
    match read(src, "t.yaml") {
        Ok(_) => panic!("expected problems"),
        Err(p) => p.0.iter().map(|p| p.to_string()).collect(),
    }
}

fn route<'m>(l: &'m Loaded, method: Method, path: &str) -> &'m Route {
    l.model.routes.iter().find(|r| r.method == method && r.path == path).expect("route")
}

fn validation(l: &Loaded, method: Method, path: &str) -> RequestValidation {
    route(l, method, path).validation.clone().expect("validation")
}

fn required(v: &RequestValidation) -> Vec<(ParameterLocation, &str)> {
    v.required_parameters.iter().map(|p| (p.location, &*p.name)).collect()
}

fn models(v: &RequestValidation) -> Vec<(&str, &str)> {
    v.body_models.iter().map(|m| (&*m.content_type, &*m.model)).collect()
}

const SAM_FUNCTION: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Runtime: provided.al2023\n";

fn openapi_template(definition: &str) -> String {
    let body: String = definition.lines().map(|l| format!("        {l}\n")).collect();
    format!(
        "{SAM_FUNCTION}  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      DefinitionBody:\n{body}"
    )
}

const INTEGRATION: &str = "      x-amazon-apigateway-integration:\n        type: aws_proxy\n        httpMethod: POST\n        uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations\n";

#[test]
fn swagger_validators_default_and_override_parameters_and_body_refs() {
    let def = format!(
        "swagger: '2.0'\nx-amazon-apigateway-request-validators:\n  all:\n    validateRequestBody: true\n    validateRequestParameters: true\n  params:\n    validateRequestBody: false\n    validateRequestParameters: true\nx-amazon-apigateway-request-validator: all\ndefinitions:\n  Dog:\n    type: object\n    required: [name]\n    properties:\n      name: {{type: string}}\n      owner: {{$ref: '#/definitions/Owner'}}\n  Owner:\n    type: object\nparameters:\n  Trace:\n    name: x-trace\n    in: header\n    required: true\npaths:\n  /dogs/{{id}}:\n    parameters:\n      - name: id\n        in: path\n        required: true\n    post:\n      parameters:\n        - name: q\n          in: query\n          required: true\n        - name: opt\n          in: query\n        - $ref: '#/parameters/Trace'\n        - name: body\n          in: body\n          schema:\n            $ref: '#/definitions/Dog'\n{INTEGRATION}    get:\n      x-amazon-apigateway-request-validator: params\n{INTEGRATION}"
    );
    let l = ok(&openapi_template(&def));
    let post = validation(&l, Method::Post, "/dogs/{id}");
    assert_eq!((&*post.validator, post.validate_body, post.validate_parameters), ("all", true, true));
    assert_eq!(
        required(&post),
        [(ParameterLocation::Path, "id"), (ParameterLocation::Query, "q"), (ParameterLocation::Header, "x-trace")]
    );
    assert_eq!(models(&post), [("application/json", "Dog")]);
    let get = validation(&l, Method::Get, "/dogs/{id}");
    assert_eq!((&*get.validator, get.validate_body, get.validate_parameters), ("params", false, true));
    let dog = l.model.request_model("Api", "Dog").expect("Dog model");
    let owner_url = RequestModel::url("Api", "Owner");
    assert!(dog.schema.contains(&owner_url), "{}", dog.schema);
    assert!(l.model.request_model("Api", "Owner").is_some());
}

#[test]
fn openapi3_request_bodies_inline_and_by_component() {
    let def = format!(
        "openapi: 3.0.1\nx-amazon-apigateway-request-validators:\n  body:\n    validateRequestBody: true\n    validateRequestParameters: false\ncomponents:\n  schemas:\n    Cat:\n      type: object\npaths:\n  /cats:\n    post:\n      x-amazon-apigateway-request-validator: body\n      requestBody:\n        content:\n          application/json:\n            schema:\n              $ref: '#/components/schemas/Cat'\n          text/plain:\n            schema:\n              type: string\n              maxLength: 3\n{INTEGRATION}    get:\n{INTEGRATION}"
    );
    let l = ok(&openapi_template(&def));
    let v = validation(&l, Method::Post, "/cats");
    assert_eq!(models(&v)[0], ("application/json", "Cat"));
    let (ct, inline) = models(&v)[1];
    assert_eq!(ct, "text/plain");
    let m = l.model.request_model("Api", inline).expect("inline model");
    assert!(m.schema.contains("maxLength"));
    assert!(route(&l, Method::Get, "/cats").validation.is_none(), "no validator: nothing is validated");
}

#[test]
fn openapi_unknown_validator_bad_schema_and_unknown_ref_are_located_problems() {
    let def = format!(
        "swagger: '2.0'\nx-amazon-apigateway-request-validators:\n  all:\n    validateRequestBody: true\n    validateRequestParameters: true\ndefinitions:\n  Bad:\n    type: 12\n  Dangling:\n    $ref: '#/definitions/Nope'\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-request-validator: typo\n{INTEGRATION}    post:\n      x-amazon-apigateway-request-validator: all\n      parameters:\n        - in: query\n{INTEGRATION}    put:\n      x-amazon-apigateway-request-validator: [all]\n{INTEGRATION}"
    );
    let p = problems(&openapi_template(&def));
    let joined = p.join("\n");
    assert!(joined.contains("t.yaml:26:15: GET /a of API Api uses request validator `typo`"), "{joined}");
    assert!(joined.contains("model Bad of API Api is not a valid JSON Schema draft 4"), "{joined}");
    assert!(joined.contains("model Dangling of API Api"), "{joined}");
    assert!(joined.contains("a parameter of POST /a of API Api"), "{joined}");
    assert!(
        joined.contains("x-amazon-apigateway-request-validator of PUT /a of API Api: expected a validator name"),
        "{joined}"
    );
    assert!(p.iter().all(|m| !m.contains(":0:0:")), "{joined}");
}

#[test]
fn http_api_validation_is_a_warning() {
    let def = "openapi: 3.0.1\nx-amazon-apigateway-request-validator: all\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-request-validator: all\n      x-amazon-apigateway-integration:\n        type: aws_proxy\n        payloadFormatVersion: '2.0'\n        uri: !GetAtt Fn.Arn\n";
    let body: String = def.lines().map(|l| format!("        {l}\n")).collect();
    let src = format!(
        "{SAM_FUNCTION}  Api:\n    Type: AWS::Serverless::HttpApi\n    Properties:\n      DefinitionBody:\n{body}"
    );
    let l = ok(&src);
    let warned = l.model.warnings.iter().filter(|w| w.message.contains("HTTP APIs have no request validation"));
    assert_eq!(warned.count(), 2, "the document's and the operation's: {:?}", l.model.warnings);
    assert!(l.model.routes.iter().all(|r| r.validation.is_none()));
}

const SAM_EVENTS: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: Prod\n      Models:\n        Dog:\n          type: object\n          required: [name]\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Runtime: provided.al2023\n      Events:\n";

fn sam_event(name: &str, props: &str) -> String {
    let props: String = props.lines().map(|l| format!("            {l}\n")).collect();
    format!("        {name}:\n          Type: Api\n          Properties:\n            RestApiId: !Ref Api\n{props}")
}

#[test]
fn sam_request_model_and_parameters_in_both_forms() {
    let src = format!(
        "{SAM_EVENTS}{}{}{}",
        sam_event(
            "Post",
            "Path: /dogs\nMethod: post\nRequestModel:\n  Model: dog\n  Required: true\n  ValidateBody: true\n  ValidateParameters: true\nRequestParameters:\n  - method.request.header.X-Opt\n  - method.request.querystring.breed:\n      Required: true\n      Caching: true"
        ),
        sam_event("Get", "Path: /dogs\nMethod: get\nRequestModel:\n  Model: Dog\n  ValidateParameters: true"),
        sam_event("Put", "Path: /dogs\nMethod: put\nRequestModel:\n  Model: Dog"),
    );
    let l = ok(&src);
    let post = validation(&l, Method::Post, "/dogs");
    assert_eq!((&*post.validator, post.validate_body, post.validate_parameters), ("body-and-params", true, true));
    assert_eq!(required(&post), [(ParameterLocation::Query, "breed")]);
    assert_eq!(models(&post), [("application/json", "Dog")], "SAM model names are case-insensitive");
    let get = validation(&l, Method::Get, "/dogs");
    assert_eq!((&*get.validator, get.validate_body, get.validate_parameters), ("params-only", false, true));
    assert!(
        route(&l, Method::Put, "/dogs").validation.is_none(),
        "SAM adds a validator only with ValidateBody/ValidateParameters"
    );
    assert!(l.model.warnings.iter().any(|w| w.message.contains("`Caching`")), "{:?}", l.model.warnings);
}

#[test]
fn sam_malformed_parameters_and_unknown_models_are_located_problems() {
    let src = format!(
        "{SAM_EVENTS}{}{}",
        sam_event("Post", "Path: /dogs\nMethod: post\nRequestModel:\n  Model: Cat\n  ValidateBody: true"),
        sam_event(
            "Get",
            "Path: /dogs\nMethod: get\nRequestParameters:\n  - method.request.path.id\n  - 12\n  - method.request.querystring.q:\n      Required: maybe"
        ),
    );
    let p = problems(&src).join("\n");
    assert!(p.contains("uses model `Cat`, which API Api does not define"), "{p}");
    assert!(p.contains("request parameter `method.request.path.id`"), "{p}");
    assert!(p.contains("each item a"), "{p}");
    assert!(p.contains("Required of `method.request.querystring.q`"), "{p}");
    assert!(!p.contains(":0:0:"), "{p}");
}

#[test]
fn sam_models_must_be_draft4_schemas() {
    let src = SAM_EVENTS.replace("          required: [name]\n", "          required: name\n")
        + &sam_event("Post", "Path: /dogs\nMethod: post\nRequestModel:\n  Model: Dog\n  ValidateBody: true");
    let p = problems(&src).join("\n");
    assert!(p.contains("t.yaml:7:7:") && p.contains("model Dog of API Api is not a valid JSON Schema draft 4"), "{p}");
}

const CFN: &str = "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: bootstrap\n      Runtime: provided.al2023\n      Code: .\n  Api:\n    Type: AWS::ApiGateway::RestApi\n  Dogs:\n    Type: AWS::ApiGateway::Resource\n    Properties:\n      RestApiId: !Ref Api\n      ParentId: !GetAtt Api.RootResourceId\n      PathPart: dogs\n  Validator:\n    Type: AWS::ApiGateway::RequestValidator\n    Properties:\n      RestApiId: !Ref Api\n      Name: both\n      ValidateRequestBody: true\n      ValidateRequestParameters: true\n  OwnerModel:\n    Type: AWS::ApiGateway::Model\n    Properties:\n      RestApiId: !Ref Api\n      ContentType: application/json\n      Name: Owner\n      Schema:\n        type: object\n  DogModel:\n    Type: AWS::ApiGateway::Model\n    Properties:\n      RestApiId: !Ref Api\n      ContentType: application/json\n      Schema:\n        type: object\n        properties:\n          owner:\n            $ref: !Sub https://apigateway.amazonaws.com/restapis/${Api}/models/${OwnerModel}\n  Post:\n    Type: AWS::ApiGateway::Method\n    Properties:\n      RestApiId: !Ref Api\n      ResourceId: !Ref Dogs\n      HttpMethod: POST\n      AuthorizationType: NONE\n      RequestValidatorId: VALIDATOR\n      RequestParameters:\n        method.request.querystring.breed: true\n        method.request.header.x-opt: false\n      RequestModels:\n        application/json: !Ref DogModel\n        $default: Owner\n      Integration:\n        Type: AWS_PROXY\n        IntegrationHttpMethod: POST\n        Uri: !Sub arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Fn.Arn}/invocations\n";

#[test]
fn cloudformation_validator_parameters_models_and_model_refs() {
    let l = ok(&CFN.replace("VALIDATOR", "!Ref Validator"));
    let v = validation(&l, Method::Post, "/dogs");
    assert_eq!((&*v.validator, v.validate_body, v.validate_parameters), ("both", true, true));
    assert_eq!(required(&v), [(ParameterLocation::Query, "breed")]);
    assert_eq!(models(&v), [("$default", "Owner"), ("application/json", "DogModel")]);
    let dog = l.model.request_model("Api", "DogModel").expect("model named after its logical id");
    assert!(dog.schema.contains(&RequestModel::url("Api", "Owner")), "{}", dog.schema);
}

#[test]
fn cloudformation_unknown_validator_and_bad_parameter_form() {
    let p = problems(&CFN.replace("VALIDATOR", "!Ref Nope")).join("\n");
    assert!(p.contains("t.yaml:48:7:") && p.contains("request validator `<unresolved: Ref Nope>`"), "{p}");
    let bad =
        CFN.replace("VALIDATOR", "!Ref Validator").replace("method.request.querystring.breed", "querystring.breed");
    let p = problems(&bad).join("\n");
    assert!(p.contains("request parameter `querystring.breed`") && !p.contains(":0:0:"), "{p}");
    let bad = CFN.replace("VALIDATOR", "!Ref Validator").replace("$default: Owner", "$default: Missing");
    let p = problems(&bad).join("\n");
    assert!(p.contains("uses model `Missing`"), "{p}");
}

#[test]
fn serverless_request_parameters_and_schemas() {
    let src = "service: s\nprovider:\n  name: aws\n  runtime: provided.al2023\n  apiGateway:\n    request:\n      schemas:\n        dog:\n          name: DogModel\n          schema:\n            type: object\n            required: [name]\nfunctions:\n  f:\n    handler: bootstrap\n    events:\n      - http:\n          path: dogs\n          method: post\n          request:\n            parameters:\n              querystrings:\n                breed: true\n                opt: false\n              headers:\n                x-trace:\n                  required: true\n            schemas:\n              application/json: dog\n              text/plain: '{\"type\": \"string\"}'\n      - http:\n          path: cats\n          method: get\n";
    let l = match read(src, "serverless.yml") {
        Ok(l) => l,
        Err(p) => panic!("{p}"),
    };
    let v = validation(&l, Method::Post, "/dogs");
    assert!(v.validate_body && v.validate_parameters);
    assert_eq!(required(&v), [(ParameterLocation::Header, "x-trace"), (ParameterLocation::Query, "breed")]);
    assert_eq!(models(&v)[0], ("application/json", "DogModel"));
    assert_eq!(models(&v)[1].0, "text/plain");
    assert!(route(&l, Method::Get, "/cats").validation.is_none());
    let bad = src.replace("'{\"type\": \"string\"}'", "'{not json'");
    let p = match read(&bad, "serverless.yml") {
        Ok(_) => panic!("expected problems"),
        Err(p) => p.to_string(),
    };
    assert!(p.contains("is not a valid JSON Schema draft 4") && p.contains("not JSON"), "{p}");
}
