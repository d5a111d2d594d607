//! Unit tests of nested stacks, CDK output, function ARNs and grouped warnings, each through a whole read.
//! Nested stacks need files: each test writes its templates into its own temporary folder.

use std::path::{Path, PathBuf};

use crate::model::{ApiKind, Method};
use crate::problem::ProblemKind;
use crate::{Loaded, Problems, ReadOptions, read_file, read_str};

const HEAD: &str = "Transform: AWS::Serverless-2016-10-31\n";

/// A fresh folder holding `files` (relative path, content); removed when dropped.
struct Files(PathBuf);

impl Files {
    fn new(name: &str, files: &[(&str, &str)]) -> Files {
        let dir = std::env::temp_dir().join(format!("emu-template-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let path = dir.join(path);
            std::fs::create_dir_all(path.parent().expect("a file has a folder")).expect("create folder");
            std::fs::write(path, text).expect("write file");
        }
        Files(dir)
    }

    fn read(&self, path: &str) -> Result<Loaded, Problems> {
        read_file(&self.0.join(path), &ReadOptions::default())
    }

    fn ok(&self, path: &str) -> Loaded {
        self.read(path).unwrap_or_else(|p| panic!("{p}"))
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn child(function: &str, path: &str) -> String {
    format!(
        "{HEAD}Parameters:\n  Stage:\n    Type: String\n    Default: dev\nResources:\n  {function}:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Environment:\n        Variables:\n          STAGE: !Ref Stage\n      Events:\n        A: {{Type: Api, Properties: {{Path: {path}, Method: get}}}}\nOutputs:\n  FnArn:\n    Value: !GetAtt {function}.Arn\n  StageOut:\n    Value: !Ref Stage\n"
    )
}

#[test]
fn a_serverless_application_is_read_as_child_ids_with_its_parameters() {
    let parent = format!(
        "{HEAD}Resources:\n  Root:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Events:\n        A: {{Type: Api, Properties: {{Path: /root, Method: get}}}}\n  Pets:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: stacks/pets.yaml\n      Parameters:\n        Stage: prod\n"
    );
    let files = Files::new("app", &[("template.yaml", &parent), ("stacks/pets.yaml", &child("GetPet", "/pets"))]);
    let l = files.ok("template.yaml");
    let ids: Vec<&str> = l.model.functions.iter().map(|f| f.id.as_ref()).collect();
    assert_eq!(ids, ["Root", "Pets/GetPet"]);
    let pet = l.model.function("Pets/GetPet").expect("child function");
    assert_eq!(pet.logical_id, "GetPet");
    assert_eq!(pet.environment[0].literal_value().as_deref(), Some("prod"), "the parent's parameter reached it");
    let apis: Vec<&str> = l.model.apis.iter().map(|a| a.id.as_ref()).collect();
    assert_eq!(apis, ["ServerlessRestApi", "Pets/ServerlessRestApi"], "the root's APIs come first");
    let route = l.model.routes.iter().find(|r| r.path == "/pets").expect("child route");
    assert_eq!((route.function().unwrap_or_default(), route.api.as_ref()), ("Pets/GetPet", "Pets/ServerlessRestApi"));
    assert!(l.referenced_files.iter().any(|f| f.ends_with("stacks/pets.yaml")), "{:?}", l.referenced_files);
}

#[test]
fn outputs_of_a_cloudformation_stack_feed_the_parent_and_its_functions_stay_reachable() {
    // The parent's OpenAPI body integrates the child's function through the child's output.
    let parent = format!(
        "{HEAD}Resources:\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.yaml\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      Variables:\n        CHILD_STAGE: !GetAtt Child.Outputs.StageOut\n      DefinitionBody:\n        openapi: 3.0.1\n        paths:\n          /via-output:\n            get:\n              x-amazon-apigateway-integration:\n                type: aws_proxy\n                httpMethod: POST\n                uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{Child.Outputs.FnArn}}/invocations\n"
    );
    let files = Files::new("stack", &[("template.yaml", &parent), ("child.yaml", &child("Inner", "/inner"))]);
    let l = files.ok("template.yaml");
    let via = l.model.routes.iter().find(|r| r.path == "/via-output").expect("route through the output");
    assert_eq!((via.function().unwrap_or_default(), via.api.as_ref()), ("Child/Inner", "Api"));
    let api = l.model.api("Api").expect("api");
    assert_eq!(api.stage_variables[0].value, "dev", "the child's default, as its output");
}

#[test]
fn a_child_passes_its_outputs_to_a_sibling_declared_before_it() {
    let parent = format!(
        "{HEAD}Resources:\n  B:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: b.yaml\n      Parameters:\n        Stage: !GetAtt A.Outputs.StageOut\n  A:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: a.yaml\n      Parameters:\n        Stage: from-parent\n"
    );
    let files = Files::new(
        "siblings",
        &[("template.yaml", &parent), ("a.yaml", &child("FnA", "/a")), ("b.yaml", &child("FnB", "/b"))],
    );
    let l = files.ok("template.yaml");
    let b = l.model.function("B/FnB").expect("B read after A");
    assert_eq!(b.environment[0].literal_value().as_deref(), Some("from-parent"));
}

#[test]
fn stacks_passing_outputs_in_a_loop_are_a_located_problem() {
    let parent = format!(
        "{HEAD}Resources:\n  A:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: a.yaml\n      Parameters:\n        Stage: !GetAtt B.Outputs.StageOut\n  B:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: b.yaml\n      Parameters:\n        Stage: !Sub '${{A.Outputs.StageOut}}-x'\n"
    );
    let files = Files::new(
        "cycle",
        &[("template.yaml", &parent), ("a.yaml", &child("FnA", "/a")), ("b.yaml", &child("FnB", "/b"))],
    );
    let p = files.read("template.yaml").expect_err("a cycle");
    let cycle = p.0.iter().find(|p| matches!(p.kind, ProblemKind::StackCycle { .. })).expect("a StackCycle problem");
    assert_eq!(cycle.location.line, 7, "{cycle}");
    assert!(cycle.to_string().contains("A -> B -> A"), "{cycle}");
}

#[test]
fn a_template_that_nests_itself_is_a_problem_not_a_loop() {
    let me = format!(
        "{HEAD}Resources:\n  Me:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: ./sub/../template.yaml\n"
    );
    let files = Files::new("self", &[("template.yaml", &me)]);
    let p = files.read("template.yaml").expect_err("self-inclusion");
    assert!(
        p.0.iter().any(|p| matches!(&p.kind, ProblemKind::StackCycle { through, .. } if through.contains("include"))),
        "{p}"
    );
}

#[test]
fn a_missing_child_template_is_located_at_its_property() {
    let parent = format!(
        "{HEAD}Resources:\n  Gone:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: nowhere.yaml\n"
    );
    let files = Files::new("missing", &[("template.yaml", &parent)]);
    let p = files.read("template.yaml").expect_err("missing child");
    let problem = &p.0[0];
    assert!(matches!(problem.kind, ProblemKind::Unreadable { .. }), "{problem}");
    assert_eq!((problem.location.line, problem.location.column), (6, 7), "{problem}");
    assert!(problem.to_string().contains("nowhere.yaml"), "{problem}");
}

#[test]
fn parameters_must_fit_the_child_s_declarations() {
    let needs = format!("{HEAD}Parameters:\n  Table:\n    Type: String\nResources: {{}}\n");
    let parent = format!(
        "{HEAD}Resources:\n  C:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: c.yaml\n      Parameters:\n        Tabel: dogs\n"
    );
    let files = Files::new("params", &[("template.yaml", &parent), ("c.yaml", &needs)]);
    let p = files.read("template.yaml").expect_err("misspelt parameter");
    let text: Vec<String> = p.0.iter().map(|p| p.to_string()).collect();
    assert_eq!(p.0.len(), 2, "{text:?}");
    assert!(
        text[0]
            .contains(":7:7: parameter `Tabel` passed to nested stack C: expected a parameter c.yaml declares (Table)"),
        "{text:?}"
    );
    assert!(text[1].contains("expected a value for `Table`, which c.yaml declares without a Default"), "{text:?}");
}

#[test]
fn problems_inside_a_child_name_the_child_file() {
    let parent = format!(
        "{HEAD}Resources:\n  C:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: c.yaml\n"
    );
    let bad =
        format!("{HEAD}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: soon\n");
    let files = Files::new("childproblem", &[("template.yaml", &parent), ("c.yaml", &bad)]);
    let p = files.read("template.yaml").expect_err("child problem");
    assert!(p.0[0].file.ends_with("c.yaml"), "{p}");
    assert_eq!(p.0[0].location.line, 6, "{p}");
}

#[test]
fn remote_and_repository_children_are_warnings_and_a_missing_output_is_a_problem() {
    let src = format!(
        "{HEAD}Resources:\n  Remote:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: https://s3.amazonaws.com/bucket/child.yaml\n  Sar:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location:\n        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/x\n        SemanticVersion: 1.0.0\n"
    );
    let l = read_str(&src, Path::new("t.yaml"), &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
    let messages: Vec<&str> = l.model.warnings.iter().map(|w| w.message.as_ref()).collect();
    assert!(messages.iter().any(|m| m.contains("Remote") && m.contains("stored remotely")), "{messages:?}");
    assert!(
        messages.iter().any(|m| m.contains("Sar") && m.contains("Serverless Application Repository")),
        "{messages:?}"
    );

    let parent = format!(
        "{HEAD}Resources:\n  C:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: c.yaml\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Environment:\n        Variables:\n          X: !GetAtt C.Outputs.Nope\n"
    );
    let files = Files::new("nooutput", &[("template.yaml", &parent), ("c.yaml", &child("Inner", "/i"))]);
    let p = files.read("template.yaml").expect_err("missing output");
    assert!(p.0[0].to_string().contains("has no output `Nope` (its outputs: FnArn, StageOut)"), "{p}");
}

#[test]
fn a_function_name_standing_for_a_logical_id_is_read_as_sam_cli_does() {
    // `${ExampleFunction.Arn}` where ExampleFunction is the FunctionName of MyFunction (SAM CLI's CDK test template).
    let src = format!(
        "{HEAD}Resources:\n  MyFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: ExampleFunction\n      Handler: bootstrap\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionBody:\n        openapi: 3.0.1\n        paths:\n          /x:\n            get:\n              x-amazon-apigateway-integration:\n                type: aws_proxy\n                uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{ExampleFunction.Arn}}/invocations\n"
    );
    let l = read_str(&src, Path::new("t.yaml"), &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(l.model.routes[0].function(), Some("MyFunction"));
    assert!(
        l.model.warnings.iter().any(|w| w.message.contains("CloudFormation would refuse it")),
        "{:?}",
        l.model.warnings
    );
}

#[test]
fn a_cdk_nested_stack_is_found_through_its_asset() {
    let parent = "{\"Resources\": {\"NestedStack\": {\"Type\": \"AWS::CloudFormation::Stack\", \"Properties\": {\"TemplateURL\": {\"Fn::Join\": [\"\", [\"https://s3.\", {\"Ref\": \"AWS::URLSuffix\"}, \"/cdk-assets/x.json\"]]}}, \"Metadata\": {\"aws:asset:path\": \"RootNested.nested.template.json\", \"aws:asset:property\": \"TemplateURL\"}}}}";
    let files = Files::new(
        "cdknested",
        &[("Root.template.json", parent), ("RootNested.nested.template.json", &child("Handler", "/h"))],
    );
    let l = files.ok("Root.template.json");
    assert!(l.model.function("NestedStack/Handler").is_some(), "{:?}", l.model.functions);
}

const CDK: &str = "Resources:\n  helloworldfunctionFDE57595:\n    Type: AWS::Lambda::Function\n    Properties:\n      Handler: bootstrap\n    Metadata:\n      aws:cdk:path: RootStack/HelloWorldFunction/Resource\n  ApiAHandler1111:\n    Type: AWS::Lambda::Function\n    Metadata:\n      aws:cdk:path: RootStack/ApiA/Handler/Resource\n  ApiBHandler2222:\n    Type: AWS::Lambda::Function\n    Metadata:\n      aws:cdk:path: RootStack/ApiB/Handler/Resource\n  Api:\n    Type: AWS::ApiGatewayV2::Api\n    Properties:\n      ProtocolType: HTTP\n      Target: !GetAtt helloworldfunctionFDE57595.Arn\n  Version:\n    Type: AWS::CDK::Metadata\n    Condition: CDKMetadataAvailable\n";

#[test]
fn cdk_functions_are_known_by_their_construct_id_unless_it_is_shared() {
    let l =
        read_str(CDK, Path::new("RootStack.template.json"), &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
    let ids: Vec<(&str, &str)> = l.model.functions.iter().map(|f| (f.id.as_ref(), f.logical_id.as_ref())).collect();
    assert_eq!(
        ids,
        [
            ("HelloWorldFunction", "helloworldfunctionFDE57595"),
            ("ApiAHandler1111", "ApiAHandler1111"),
            ("ApiBHandler2222", "ApiBHandler2222"),
        ]
    );
    assert_eq!(l.model.routes[0].function(), Some("HelloWorldFunction"));
    let table = crate::report::routes_table(&l.model);
    assert!(table.contains("HelloWorldFunction (helloworldfunctionFDE57595)"), "{table}");
    assert!(l.model.warnings.is_empty(), "CDK's metadata resource needs no warning: {:?}", l.model.warnings);
    let json: serde_json::Value = serde_json::from_str(&crate::report::routes_json(&l.model)).expect("json");
    assert_eq!(json["routes"][0]["logical_id"], "helloworldfunctionFDE57595");
    assert_eq!(crate::driver::construct_id("Stack/Api/Handler/Resource").as_deref(), Some("Handler"));
    assert_eq!(crate::driver::construct_id("Stack/Fn").as_deref(), Some("Fn"));
    assert_eq!(crate::driver::construct_id("Stack"), None);
}

#[test]
fn an_arn_from_get_att_leads_back_to_its_function_whatever_its_name() {
    // `FunctionName` from a parameter without a default, another function that a literal name would shadow.
    let src = format!(
        "{HEAD}Parameters:\n  Project:\n    Type: String\nResources:\n  MyFunction:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: !Sub ${{Project}}-get-cat\n      Handler: bootstrap\n  Named:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: MyOther\n      Handler: bootstrap\n  MyOther:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionBody:\n        openapi: 3.0.1\n        paths:\n          /cats:\n            get:\n              x-amazon-apigateway-integration:\n                type: aws_proxy\n                httpMethod: POST\n                uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{MyFunction.Arn}}/invocations\n          /named:\n            get:\n              x-amazon-apigateway-integration:\n                type: aws_proxy\n                httpMethod: POST\n                uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{Named.Arn}}/invocations\n"
    );
    let l = read_str(&src, Path::new("t.yaml"), &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
    let by_path = |p: &str| l.model.routes.iter().find(|r| r.path == p).and_then(|r| r.function()).map(str::to_string);
    assert_eq!(by_path("/cats").as_deref(), Some("MyFunction"));
    assert_eq!(by_path("/named").as_deref(), Some("Named"), "the ARN names MyOther, but Named made it");
    // With the parameter given, the ARN carries the resolved name.
    let options = ReadOptions { parameter_overrides: [("Project".to_string(), "pets".to_string())].into() };
    let l = read_str(&src, Path::new("t.yaml"), &options).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(l.model.function("MyFunction").map(|f| f.name.to_string()).as_deref(), Some("pets-get-cat"));
    assert!(l.model.routes.iter().any(|r| r.path == "/cats" && r.function() == Some("MyFunction")));
}

#[test]
fn a_parameter_without_a_value_is_one_warning_listing_its_uses() {
    let src = format!(
        "{HEAD}Parameters:\n  Table:\n    Type: String\nResources:\n  A:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Environment:\n        Variables:\n          T1: !Ref Table\n          T2: !Sub '${{Table}}-x'\n  B:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Environment:\n        Variables:\n          T: !Ref Table\n"
    );
    let l = read_str(&src, Path::new("t.yaml"), &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
    let about: Vec<_> = l.model.warnings.iter().filter(|w| w.message.contains("parameter Table")).collect();
    assert_eq!(about.len(), 1, "{:?}", l.model.warnings);
    assert_eq!(about[0].location.line, 3, "at the parameter's declaration");
    assert!(about[0].message.contains("(used at 12:11, 13:11, 20:11)"), "{}", about[0].message);
}

#[test]
fn mock_integrations_are_routes_and_any_is_read_as_any() {
    let src = format!(
        "{HEAD}Resources:\n  F:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionBody:\n        openapi: 3.0.1\n        paths:\n          /all:\n            any:\n              x-amazon-apigateway-integration:\n                type: aws_proxy\n                uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{F.Arn}}/invocations\n            options:\n              x-amazon-apigateway-integration:\n                type: mock\n"
    );
    let l = read_str(&src, Path::new("t.yaml"), &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(l.model.routes.len(), 2);
    assert_eq!((l.model.routes[0].method, l.model.api("Api").map(|a| a.kind)), (Method::Any, Some(ApiKind::Rest)));
    assert_eq!((l.model.routes[1].method, l.model.routes[1].function()), (Method::Options, None));
    let messages: Vec<&str> = l.model.warnings.iter().map(|w| w.message.as_ref()).collect();
    assert!(
        messages.iter().any(|m| m.starts_with("OPTIONS /all ") && m.contains("no integration responses")),
        "{messages:?}"
    );
    assert!(messages.iter().any(|m| m.contains("`any` under /all")), "{messages:?}");
}

#[test]
fn an_alias_reference_leads_to_its_function() {
    // SAM's `${Fn.Alias}` (the alias `AutoPublishAlias` creates), as openapi-lambda's generated documents write it.
    let src = format!(
        "{HEAD}Resources:\n  PetApi:\n    Type: AWS::Serverless::Function\n    Properties:\n      FunctionName: pet-api\n      Handler: bootstrap\n      AutoPublishAlias: live\n      Environment:\n        Variables:\n          SELF: !Ref PetApi.Alias\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      StageName: prod\n      DefinitionBody:\n        openapi: 3.0.2\n        paths:\n          /pet:\n            post:\n              x-amazon-apigateway-integration:\n                type: aws_proxy\n                httpMethod: POST\n                uri: !Sub arn:aws:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{PetApi.Alias}}/invocations\n"
    );
    let l = read_str(&src, Path::new("t.yaml"), &ReadOptions::default()).unwrap_or_else(|p| panic!("{p}"));
    assert_eq!(l.model.routes[0].function(), Some("PetApi"));
    let own = l.model.function("PetApi").and_then(|f| f.environment[0].literal_value());
    assert_eq!(own.as_deref(), Some("arn:aws:lambda:us-east-1:123456789012:function:pet-api:live"));
    assert!(l.model.warnings.is_empty(), "{:?}", l.model.warnings);
}

#[test]
fn a_childs_gateway_responses_name_its_prefixed_api() {
    let parent = format!(
        "{HEAD}Resources:\n  Pets:\n    Type: AWS::Serverless::Application\n    Properties:\n      Location: pets.yaml\n"
    );
    let child = format!(
        "{HEAD}Resources:\n  Get:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Events:\n        A: {{Type: Api, Properties: {{Path: /pets, Method: get}}}}\n  Cors4xx:\n    Type: AWS::ApiGateway::GatewayResponse\n    Properties:\n      RestApiId: !Ref ServerlessRestApi\n      ResponseType: DEFAULT_4XX\n      ResponseParameters:\n        gatewayresponse.header.Access-Control-Allow-Origin: \"'*'\"\n"
    );
    let files = Files::new("gateway-responses", &[("template.yaml", &parent), ("pets.yaml", &child)]);
    let l = files.ok("template.yaml");
    let r = &l.model.gateway_responses[0];
    assert_eq!(r.api, "Pets/ServerlessRestApi");
    assert!(l.model.api(&r.api).is_some(), "the prefixed id is the child API's");
    assert_eq!(r.location.line, 3, "located at the nested stack, like the child's other parts");
}
