//! The REST API / payload format 1.0 event (`ApiGatewayProxyRequest`), also sent by HTTP API routes with payload 1.0.
//! Header names are lower case (HTTP/1 servers do not keep the client's casing); every value is kept in `multiValueHeaders`.

use emu_template::ApiKind;
use serde_json::{Map, Value, json};

use super::{ApiData, RequestInfo, RouteData, domain_name, domain_prefix, encode_body, header_str, user_agent};
use crate::context::ACCOUNT_ID;
use crate::util::{self, percent_decode};

/// Builds the payload 1.0 event. REST keeps `path` and `pathParameters` percent-encoded as AWS does;
/// HTTP APIs decode them and add `version: "1.0"`.
pub(crate) fn build(req: &RequestInfo<'_>, api: &ApiData, route: &RouteData) -> Value {
    let http_api = api.kind == ApiKind::Http;
    let mut headers = Map::new();
    let mut multi_headers = Map::new();
    for name in req.headers.keys() {
        let mut values = req.headers.get_all(name).iter().map(|v| Value::String(header_str(v).into_owned()));
        let all: Vec<Value> = values.by_ref().collect();
        // `headers` holds the last value of a repeated header (AWS docs, "Input format of a Lambda function for proxy integration").
        if let Some(last) = all.last() {
            headers.insert(name.as_str().to_owned(), last.clone());
        }
        multi_headers.insert(name.as_str().to_owned(), Value::Array(all));
    }

    let (query, multi_query) = if req.raw_query.is_empty() {
        (Value::Null, Value::Null)
    } else {
        let pairs = util::parse_query(req.raw_query);
        if pairs.is_empty() {
            (Value::Null, Value::Null)
        } else {
            let mut single = Map::new();
            let mut multi: Map<String, Value> = Map::new();
            for (k, v) in pairs {
                match multi.get_mut(&k) {
                    Some(Value::Array(a)) => a.push(Value::String(v.clone())),
                    _ => {
                        multi.insert(k.clone(), Value::Array(vec![Value::String(v.clone())]));
                    }
                }
                single.insert(k, Value::String(v));
            }
            (Value::Object(single), Value::Object(multi))
        }
    };

    let path_params = if req.params.is_empty() {
        Value::Null
    } else {
        Value::Object(
            req.params
                .iter()
                .map(|(k, v)| {
                    let v = if http_api { percent_decode(v).into_owned() } else { v.clone() };
                    ((*k).to_owned(), Value::String(v))
                })
                .collect(),
        )
    };

    let path = if http_api { percent_decode(req.path).into_owned() } else { req.path.to_owned() };
    let (body, is_b64) = encode_body(api, req.headers, req.body);
    let domain = domain_name(req.headers);
    let method = req.method.as_str();

    let mut ctx = json!({
        "accountId": ACCOUNT_ID,
        "apiId": api.api_id,
        "domainName": domain,
        "domainPrefix": domain_prefix(&domain),
        "extendedRequestId": req.request_id,
        "httpMethod": method,
        "identity": {
            "accessKey": null,
            "accountId": null,
            "apiKey": null,
            "apiKeyId": null,
            "caller": null,
            "cognitoAuthenticationProvider": null,
            "cognitoAuthenticationType": null,
            "cognitoIdentityId": null,
            "cognitoIdentityPoolId": null,
            "sourceIp": req.source_ip.to_string(),
            "user": null,
            "userAgent": user_agent(req.headers),
            "userArn": null,
        },
        "path": format!("{}{}", api.stage_path, path),
        "protocol": req.protocol,
        "requestId": req.request_id,
        "requestTime": util::clf_time(req.epoch_ms),
        "requestTimeEpoch": req.epoch_ms,
        "resourceId": route.resource_id,
        "resourcePath": route.resource,
        "stage": api.stage,
    });
    if let (Some(op), false, Value::Object(c)) = (&route.operation_name, http_api, &mut ctx) {
        c.insert("operationName".into(), Value::String(op.clone()));
    }

    let mut event = json!({
        "resource": route.resource,
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": path_params,
        "stageVariables": api.stage_variables,
        "requestContext": ctx,
        "body": body,
        "isBase64Encoded": is_b64,
    });
    if let (true, Value::Object(e)) = (http_api, &mut event) {
        e.insert("version".into(), Value::String("1.0".into()));
    }
    event
}
