//! The non-proxy Lambda integration (`AWS`): the request template's output is the event; the function's output (or
//! its error, whose `errorMessage` the selection patterns are matched against) is `$input` of the response.

use axum::body::Body;
use http::Response;
use serde_json::Value;

use crate::dev::console::record::HttpTrace;
use crate::gateway::errors::GatewayError;
use crate::gateway::integrations::lambda;
use crate::gateway::integrations::mapping::{CompiledMapping, IntegrationOutput, MappingInput};
use crate::gateway::routes::{CompiledApi, CompiledRoute};
use crate::lambda::LambdaService;
use crate::lambda::invoke::InvokeError;
use crate::lambda::log::platform_line;

/// The event a non-proxy integration sends: the rendered request template, or the body passed through.
pub(crate) fn event(mapping: &CompiledMapping, input: &MappingInput, label: &str) -> Result<Value, GatewayError> {
    let text = match mapping.map_request(input, label)? {
        Some(rendered) => rendered,
        None => input.body().to_owned(),
    };
    if text.trim().is_empty() {
        return Ok(Value::Object(serde_json::Map::new()));
    }
    serde_json::from_str(&text).map_err(|e| {
        platform_line(
            "API Gateway",
            &format!("{label} Execution failed: the integration request is not JSON, so Lambda cannot take it as an event ({e})"),
        );
        GatewayError::MappingFailure
    })
}

/// Invokes the route's function with `event` and maps its output or error through the integration responses.
#[expect(clippy::too_many_arguments, reason = "the integration's inputs, as the proxy integration takes them")]
pub(crate) async fn serve(
    lambda: &LambdaService,
    api: &CompiledApi,
    route: &CompiledRoute,
    mapping: &CompiledMapping,
    input: &MappingInput,
    event: crate::lambda::payload::Payload,
    gateway_timeouts: bool,
    trace_id: String,
    trace: Option<&mut HttpTrace>,
) -> Result<Response<Body>, GatewayError> {
    let label = lambda::label(route);
    let result = lambda::invoke_function(lambda, api, route, event, gateway_timeouts, trace_id, trace).await?;
    let result = match result {
        Err(e)
            if !matches!(
                e,
                InvokeError::Handler { .. } | InvokeError::Panicked { .. } | InvokeError::Timeout { .. }
            ) =>
        {
            return Err(lambda::failure(route, e));
        }
        r => r,
    };
    let (body, selection_value) = match &result {
        // A success has no error message: patterns are matched against "" (so `.*` matches it too, D-LERR). The
        // output is read where it lies, not copied.
        Ok(output) => (output.text(), String::new()),
        // A function error is an integration response like any other: its `errorMessage` selects (D-LERR).
        Err(e) => (std::borrow::Cow::Owned(e.to_json().to_string()), e.diagnostic().error_message),
    };
    let response = mapping.select(&selection_value, &label).ok_or(GatewayError::MappingFailure)?;
    let headers = [("Content-Type", "application/json")];
    mapping.respond(response, input, &IntegrationOutput { body: &body, headers: &headers }, &label)
}
