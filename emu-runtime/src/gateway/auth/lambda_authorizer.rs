//! Lambda authorizers: the event API Gateway sends them (TOKEN, REQUEST, HTTP API payload 1.0 and 2.0, with the
//! method or route ARN) and their output read back (an IAM policy, or an HTTP API simple response), as AWS does.

use serde_json::{Map, Value};

use crate::aws::{ACCOUNT_ID, REGION};
use crate::gateway::auth::policy::{Policy, PolicyError};
use crate::gateway::responses::kind as kind_of;

/// `arn:aws:execute-api:{region}:{account}:{apiId}/{stage}/{METHOD}/{path}`: the method ARN of a request (REST
/// `methodArn`, HTTP API `routeArn`), with the request's own path (not the route's template) after the method.
pub(crate) fn method_arn(api_id: &str, stage: &str, method: &str, path: &str) -> String {
    let path = path.trim_start_matches('/');
    let mut s = String::with_capacity(48 + api_id.len() + stage.len() + method.len() + path.len());
    s.push_str("arn:aws:execute-api:");
    s.push_str(REGION);
    s.push(':');
    s.push_str(ACCOUNT_ID);
    s.push(':');
    s.push_str(api_id);
    s.push('/');
    s.push_str(stage);
    s.push('/');
    s.push_str(method);
    s.push('/');
    s.push_str(path);
    s
}

/// The TOKEN authorizer event: `type`, `authorizationToken`, `methodArn`.
pub(crate) fn token_event(token: &str, method_arn: &str) -> Value {
    serde_json::json!({ "type": "TOKEN", "authorizationToken": token, "methodArn": method_arn })
}

fn take_object(v: &mut Value) -> Map<String, Value> {
    match v.take() {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The keys of a REST REQUEST authorizer event's `requestContext` (the captured event has these; the proxy
/// event's `domainName`, `requestTime`, ... are not sent to authorizers).
const REST_REQUEST_CONTEXT: &[&str] =
    &["accountId", "apiId", "httpMethod", "identity", "path", "requestId", "resourceId", "resourcePath", "stage"];

/// The REST REQUEST authorizer event, from the request's payload 1.0 proxy event: no `body`/`isBase64Encoded`,
/// `type` and `methodArn` added, `pathParameters` `{}` when there are none.
pub(crate) fn rest_request_event(mut proxy: Value, method_arn: &str) -> Value {
    let mut e = take_object(&mut proxy);
    e.remove("body");
    e.remove("isBase64Encoded");
    if e.get("pathParameters").is_none_or(Value::is_null) {
        e.insert("pathParameters".into(), Value::Object(Map::new()));
    }
    if let Some(Value::Object(ctx)) = e.get_mut("requestContext") {
        ctx.retain(|k, _| REST_REQUEST_CONTEXT.contains(&k.as_str()));
        if let Some(Value::Object(identity)) = ctx.get_mut("identity") {
            identity.retain(|k, _| k == "apiKey" || k == "sourceIp");
        }
    }
    e.insert("type".into(), Value::from("REQUEST"));
    e.insert("methodArn".into(), Value::from(method_arn));
    Value::Object(e)
}

/// The HTTP API payload 1.0 authorizer event, from the request's payload 1.0 proxy event: `identitySource` and
/// `authorizationToken` are the identity values comma-joined.
pub(crate) fn http_v1_event(mut proxy: Value, method_arn: &str, identity: &[String]) -> Value {
    let mut e = take_object(&mut proxy);
    for k in ["body", "isBase64Encoded", "multiValueHeaders", "multiValueQueryStringParameters"] {
        e.remove(k);
    }
    if e.get("pathParameters").is_none_or(Value::is_null) {
        e.insert("pathParameters".into(), Value::Object(Map::new()));
    }
    let joined = identity.join(",");
    e.insert("type".into(), Value::from("REQUEST"));
    e.insert("methodArn".into(), Value::from(method_arn));
    e.insert("identitySource".into(), Value::from(joined.clone()));
    e.insert("authorizationToken".into(), Value::from(joined));
    Value::Object(e)
}

/// The HTTP API payload 2.0 authorizer event, from the request's payload 2.0 proxy event: `type`, `routeArn` and
/// `identitySource` (the values as a list) added, no body.
pub(crate) fn http_v2_event(mut proxy: Value, route_arn: &str, identity: &[String]) -> Value {
    let mut e = take_object(&mut proxy);
    e.remove("body");
    e.remove("isBase64Encoded");
    e.insert("type".into(), Value::from("REQUEST"));
    e.insert("routeArn".into(), Value::from(route_arn));
    e.insert("identitySource".into(), Value::Array(identity.iter().map(|v| Value::from(v.as_str())).collect()));
    Value::Object(e)
}

/// What a Lambda authorizer answered.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum AuthorizerOutput {
    /// An IAM policy, evaluated against each request's method ARN (also when it comes from the cache).
    Policy {
        /// `principalId`.
        principal_id: Option<String>,
        /// `policyDocument`.
        policy: Policy,
        /// `context`.
        context: Map<String, Value>,
    },
    /// An HTTP API simple response (`EnableSimpleResponses`).
    Simple {
        /// `isAuthorized`.
        authorized: bool,
        /// `context`.
        context: Map<String, Value>,
    },
}

/// Why an authorizer's output cannot be used: API Gateway answers 500 and logs "configuration error".
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OutputError(pub(crate) String);

impl std::fmt::Display for OutputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<PolicyError> for OutputError {
    fn from(e: PolicyError) -> Self {
        OutputError(e.to_string())
    }
}

/// How an authorizer's output must look.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OutputFormat {
    /// REST: an IAM policy with `principalId`; `context` values only strings, numbers and booleans.
    RestPolicy,
    /// HTTP API: an IAM policy (payload 1.0, or 2.0 without simple responses).
    HttpPolicy,
    /// HTTP API payload 2.0 with `EnableSimpleResponses`: `{"isAuthorized": bool, "context": {...}}`.
    HttpSimple,
}

/// Reads an authorizer's output.
pub(crate) fn parse_output(output: &Value, format: OutputFormat) -> Result<AuthorizerOutput, OutputError> {
    let Some(m) = output.as_object() else {
        return Err(OutputError(format!("the authorizer returned {}, not a JSON object", kind_of(output))));
    };
    let context = match m.get("context") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(c)) => c.clone(),
        Some(other) => return Err(OutputError(format!("context is {}, not an object", kind_of(other)))),
    };
    if format == OutputFormat::RestPolicy
        && let Some((k, v)) = context.iter().find(|(_, v)| !(v.is_string() || v.is_number() || v.is_boolean()))
    {
        return Err(OutputError(format!(
            "context.{k} is {}: REST authorizer context values must be strings, numbers or booleans",
            kind_of(v)
        )));
    }
    if format == OutputFormat::HttpSimple {
        return match m.get("isAuthorized") {
            Some(Value::Bool(authorized)) => Ok(AuthorizerOutput::Simple { authorized: *authorized, context }),
            Some(other) => Err(OutputError(format!("isAuthorized is {}, not a boolean", kind_of(other)))),
            None => Err(OutputError("the simple response has no isAuthorized".into())),
        };
    }
    let principal_id = match m.get("principalId") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        None | Some(Value::Null) if format == OutputFormat::HttpPolicy => None,
        Some(other) => return Err(OutputError(format!("principalId is {}, not a string", kind_of(other)))),
        None => return Err(OutputError("the response has no principalId".into())),
    };
    let Some(doc) = m.get("policyDocument") else {
        return Err(OutputError("the response has no policyDocument (Could not parse policy)".into()));
    };
    Ok(AuthorizerOutput::Policy { principal_id, policy: Policy::parse(doc)?, context })
}

/// A context value as REST sends it on: strings as they are, numbers and booleans as their text.
pub(crate) fn stringify(v: &Value) -> Value {
    match v {
        Value::String(_) => v.clone(),
        Value::Null => Value::Null,
        other => Value::String(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::auth::policy::Decision;
    use serde_json::json;

    #[test]
    fn method_arns_have_aws_shape() {
        assert_eq!(
            method_arn("abc123", "Prod", "GET", "/dogs/1"),
            "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/dogs/1"
        );
        assert_eq!(
            method_arn("abc123", "Prod", "GET", "/"),
            "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/"
        );
        assert_eq!(
            method_arn("a", "$default", "POST", "/x"),
            "arn:aws:execute-api:us-east-1:123456789012:a/$default/POST/x"
        );
    }

    #[test]
    fn rest_policy_output_with_context_and_principal() {
        let out = parse_output(
            &json!({
                "principalId": "user|a1",
                "policyDocument": {"Version": "2012-10-17", "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]},
                "context": {"s": "x", "n": 1, "b": true}
            }),
            OutputFormat::RestPolicy,
        )
        .unwrap();
        let AuthorizerOutput::Policy { principal_id, policy, context } = out else { panic!() };
        assert_eq!(principal_id.as_deref(), Some("user|a1"));
        assert_eq!(policy.evaluate("arn:x"), Decision::Allow);
        assert_eq!(stringify(&context["n"]), json!("1"));
        assert_eq!(stringify(&context["b"]), json!("true"));
    }

    #[test]
    fn invalid_outputs_are_configuration_errors() {
        let policy = json!({"Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": "*"}]});
        for (bad, why) in [
            (json!(null), "not a JSON object"),
            (json!({"statusCode": 200, "body": "ok"}), "principalId"),
            (json!({"principalId": "u"}), "policyDocument"),
            (json!({"principalId": "u", "policyDocument": policy, "context": {"o": {"a": 1}}}), "context.o"),
            (json!({"principalId": "u", "policyDocument": policy, "context": {"l": [1]}}), "context.l"),
            (json!({"principalId": "u", "policyDocument": policy, "context": "x"}), "context is"),
            (json!({"principalId": ["u"], "policyDocument": policy}), "principalId"),
        ] {
            let e = parse_output(&bad, OutputFormat::RestPolicy).unwrap_err();
            assert!(e.0.contains(why), "{bad}: {e}");
        }
    }

    #[test]
    fn simple_responses_and_http_context_of_any_shape() {
        let out = parse_output(
            &json!({"isAuthorized": true, "context": {"l": [1], "m": {"a": 1}}}),
            OutputFormat::HttpSimple,
        );
        assert!(matches!(out, Ok(AuthorizerOutput::Simple { authorized: true, .. })));
        assert!(parse_output(&json!({"isAuthorized": "yes"}), OutputFormat::HttpSimple).is_err());
        assert!(parse_output(&json!({}), OutputFormat::HttpSimple).is_err());
        let p = json!({"policyDocument": {"Statement": []}});
        assert!(parse_output(&p, OutputFormat::HttpPolicy).is_ok(), "principalId is optional on HTTP APIs");
    }

    #[test]
    fn request_events_drop_the_body_and_add_the_arn() {
        let proxy = json!({"body": "x", "isBase64Encoded": false, "headers": {}, "pathParameters": null,
            "requestContext": {"apiId": "a", "domainName": "d", "identity": {"sourceIp": "1", "user": null}}});
        let e = rest_request_event(proxy, "arn:m");
        assert_eq!(e["type"], "REQUEST");
        assert_eq!(e["methodArn"], "arn:m");
        assert!(e.get("body").is_none() && e.get("isBase64Encoded").is_none());
        assert_eq!(e["pathParameters"], json!({}));
        assert!(e["requestContext"].get("domainName").is_none());
        assert_eq!(e["requestContext"]["identity"], json!({"sourceIp": "1"}));
        let e = http_v2_event(json!({"body": "x", "headers": {}}), "arn:r", &["a".into(), "b".into()]);
        assert_eq!(e["identitySource"], json!(["a", "b"]));
        let e = http_v1_event(json!({"multiValueHeaders": {}}), "arn:r", &["a".into(), "b".into()]);
        assert_eq!((e["identitySource"].as_str(), e["authorizationToken"].as_str()), (Some("a,b"), Some("a,b")));
    }
}
