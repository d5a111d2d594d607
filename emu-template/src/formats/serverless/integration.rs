//! `integration: lambda` (and `mock`) on a Serverless `http` event: the framework's request templates, `passThrough`,
//! `response.headers`, `response.template` and `response.statusCodes` (with its default status codes) as a [`Mapping`].

use serde_json::Value as Json;

use crate::context::Reader;
use crate::formats::integration::{CFN, Source, read_mapping};
use crate::integration::Mapping;
use crate::intrinsics::json_text;
use crate::model::Location;

/// The framework's default status codes for `integration: lambda` (its `DEFAULT_STATUS_CODES`): a `[NNN]` in the
/// error message selects NNN; 200 is the default response.
const DEFAULT_STATUS_CODES: [(u16, &str); 9] = [
    (200, ""),
    (400, r"[\s\S]*\[400\][\s\S]*"),
    (401, r"[\s\S]*\[401\][\s\S]*"),
    (403, r"[\s\S]*\[403\][\s\S]*"),
    (404, r"[\s\S]*\[404\][\s\S]*"),
    (422, r"[\s\S]*\[422\][\s\S]*"),
    (500, r"[\s\S]*(Process\s?exited\s?before\s?completing\s?request|\[500\])[\s\S]*"),
    (502, r"[\s\S]*\[502\][\s\S]*"),
    (504, r"([\s\S]*\[504\][\s\S]*)|(.*Task timed out after \d+\.\d+ seconds$)"),
];

/// The event the framework's default `application/json` request template builds (its documented shape: `body`,
/// `method`, `principalId`, `stage`, `cognitoPoolClaims`, `enhancedAuthContext`, `headers`, `query`, `path`,
/// `identity`, `stageVariables`, `requestPath`), written inside the served Velocity subset.
pub(crate) const DEFAULT_JSON_REQUEST_TEMPLATE: &str = r##"{
  "body": $input.json('$'),
  "method": "$context.httpMethod",
  "principalId": "$context.authorizer.principalId",
  "stage": "$context.stage",
  "cognitoPoolClaims": {"sub": "$context.authorizer.claims.sub"},
  "enhancedAuthContext": {#foreach($key in $context.authorizer.keySet())"$util.escapeJavaScript($key)": "$util.escapeJavaScript($context.authorizer.get($key))"#if($foreach.hasNext),#end#end},
  "headers": {#foreach($key in $input.params().header.keySet())"$util.escapeJavaScript($key)": "$util.escapeJavaScript($input.params().header.get($key))"#if($foreach.hasNext),#end#end},
  "query": {#foreach($key in $input.params().querystring.keySet())"$util.escapeJavaScript($key)": "$util.escapeJavaScript($input.params().querystring.get($key))"#if($foreach.hasNext),#end#end},
  "path": {#foreach($key in $input.params().path.keySet())"$util.escapeJavaScript($key)": "$util.escapeJavaScript($input.params().path.get($key))"#if($foreach.hasNext),#end#end},
  "identity": {#foreach($key in $context.identity.keySet())"$util.escapeJavaScript($key)": "$util.escapeJavaScript($context.identity.get($key))"#if($foreach.hasNext),#end#end},
  "stageVariables": {#foreach($key in $stageVariables.keySet())"$util.escapeJavaScript($key)": "$util.escapeJavaScript($stageVariables.get($key))"#if($foreach.hasNext),#end#end},
  "requestPath": "$context.resourcePath"
}"##;

/// The mapping of an `http` event with `integration: lambda` or `mock`: the event's `request` and `response`
/// turned into CloudFormation's shape (as the framework compiles them), then read like a `Method`'s `Integration`.
pub(crate) fn mapping(reader: &mut Reader<'_>, owner: &str, event: &Json, lambda: bool, at: Location) -> Mapping {
    let get = |k: &str| event.get(k);
    let request = get("request");
    let response = get("response");
    let mut templates = serde_json::Map::new();
    if lambda {
        templates.insert("application/json".into(), Json::String(DEFAULT_JSON_REQUEST_TEMPLATE.into()));
    }
    if let Some(Json::Object(own)) = request.and_then(|r| r.get("template")) {
        for (k, v) in own {
            templates.insert(k.clone(), v.clone());
        }
    }
    let headers = response.and_then(|r| r.get("headers")).and_then(Json::as_object);
    let template = response.and_then(|r| r.get("template"));
    let mut responses = Vec::new();
    let status_codes = response.and_then(|r| r.get("statusCodes")).and_then(Json::as_object);
    let mut add = |code: String, pattern: String, own: Option<&Json>| {
        let mut params = serde_json::Map::new();
        for map in [headers, own.and_then(|o| o.get("headers")).and_then(Json::as_object)].into_iter().flatten() {
            for (name, value) in map {
                params.insert(format!("method.response.header.{name}"), value.clone());
            }
        }
        let mut r = serde_json::json!({
            "StatusCode": code,
            "SelectionPattern": pattern,
            "ResponseParameters": params,
        });
        match own.and_then(|o| o.get("template")).or(template) {
            Some(Json::Object(by_type)) => r["ResponseTemplates"] = Json::Object(by_type.clone()),
            Some(t) => r["ResponseTemplates"] = serde_json::json!({ "application/json": t }),
            None => {}
        }
        responses.push(r);
    };
    match status_codes {
        None => {
            for (code, pattern) in DEFAULT_STATUS_CODES {
                add(code.to_string(), pattern.to_owned(), None);
            }
        }
        Some(codes) => {
            let mut has_default = false;
            for (code, own) in codes {
                let pattern = own.get("pattern").and_then(json_text).unwrap_or_default();
                has_default |= pattern.is_empty();
                add(code.clone(), pattern, Some(own));
            }
            if !has_default {
                add("200".into(), String::new(), None);
            }
        }
    }
    let passthrough = request.and_then(|r| r.get("passThrough")).cloned().unwrap_or(Json::String("NEVER".into()));
    let integration = serde_json::json!({
        "RequestTemplates": templates,
        "PassthroughBehavior": passthrough,
        "IntegrationResponses": responses,
    });
    read_mapping(reader, &CFN, owner, Source { json: &integration, node: None, at })
}
