//! The MOCK integration: no function runs. The request template's `statusCode` selects the integration response
//! (by selection pattern, else the default one), whose parameters and template make the method response.

use axum::body::Body;
use http::Response;
use serde_json::Value;

use crate::gateway::errors::GatewayError;
use crate::gateway::integrations::mapping::{CompiledMapping, IntegrationOutput, MappingInput};
use crate::lambda::log::platform_line;

/// Answers one request of a MOCK route labelled `label` (`OPTIONS /dogs`).
pub(crate) fn serve(
    mapping: &CompiledMapping,
    input: &MappingInput,
    label: &str,
) -> Result<Response<Body>, GatewayError> {
    let selected = if mapping.has_no_request_templates() {
        // "Without a request template, the default integration response is returned" (D-MOCK).
        let chosen = mapping.default_response();
        if chosen.is_none() {
            platform_line(
                "API Gateway",
                &format!(
                    "{label} Execution failed due to configuration error: MOCK integration without a request template has no default integration response"
                ),
            );
        }
        chosen
    } else {
        let request = match mapping.map_request(input, label)? {
            Some(rendered) => rendered,
            None => input.body().to_owned(),
        };
        let Some(code) = status_code(&request) else {
            platform_line(
                "API Gateway",
                &format!(
                    "{label} Execution failed due to configuration error: Unable to parse statusCode. It should be an integer that is defined in the request template."
                ),
            );
            return Err(GatewayError::MappingFailure);
        };
        mapping.select(&code.to_string(), label)
    };
    let response = selected.ok_or(GatewayError::MappingFailure)?;
    // A mock's integration response has an empty body and no headers.
    mapping.respond(response, input, &IntegrationOutput { body: "", headers: &[] }, label)
}

/// The integer `statusCode` of the integration request a MOCK's template rendered. Besides JSON, the unquoted-key
/// form the AWS CDK writes for its CORS preflights (`{ statusCode: 200 }`) is read, as API Gateway reads it.
fn status_code(request: &str) -> Option<u64> {
    if let Ok(v) = serde_json::from_str::<Value>(request) {
        return v.get("statusCode")?.as_u64();
    }
    let rest = request.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("statusCode").or_else(|| rest.strip_prefix("'statusCode'"))?;
    let digits = rest.trim_start().strip_prefix(':')?.trim_start();
    let end = digits.find(|c: char| !c.is_ascii_digit()).unwrap_or(digits.len());
    let after = digits[end..].trim_start();
    if end == 0 || !(after.starts_with(',') || after.starts_with('}')) {
        return None;
    }
    digits[..end].parse().ok()
}

#[cfg(test)]
mod tests {
    use super::status_code;

    #[test]
    fn the_status_code_is_an_integer_of_the_rendered_json() {
        assert_eq!(status_code(r#"{"statusCode": 200}"#), Some(200));
        assert_eq!(status_code(r#" { "statusCode" : 500 , "x": 1 } "#), Some(500));
        assert_eq!(status_code(r#"{"statusCode": "200"}"#), None, "a string is not an integer");
        assert_eq!(status_code(r#"{"status": 200}"#), None);
        assert_eq!(status_code("statusCode: 200"), None);
        assert_eq!(status_code("{ statusCode: 200 }"), Some(200), "the CDK's CORS preflight template");
        assert_eq!(status_code("{statusCode:204, x: 1}"), Some(204));
        assert_eq!(status_code("{ statusCode: 2x }"), None);
        assert_eq!(status_code("{ statusCode: }"), None);
    }
}
