//! The Lambda proxy integration: invokes the route's function through the Lambda service with API Gateway's
//! integration timeout, and maps every way that can fail to the gateway error API Gateway answers with.

use serde_json::Value;

use crate::lambda::payload::Payload;

use crate::dev::console::record::HttpTrace;
use crate::gateway::errors::GatewayError;
use crate::gateway::limits;
use crate::gateway::routes::{CompiledApi, CompiledRoute};
use crate::lambda::invoke::InvokeError;
use crate::lambda::log::platform_line;
use crate::lambda::{InvokeOptions, LambdaService};

/// Invokes `route`'s function with `event` (the bytes the gateway wrote); every failure is already logged when this returns.
pub(crate) async fn invoke(
    lambda: &LambdaService,
    api: &CompiledApi,
    route: &CompiledRoute,
    event: Payload,
    gateway_timeouts: bool,
    trace_id: String,
    trace: Option<&mut HttpTrace>,
) -> Result<Payload, GatewayError> {
    invoke_function(lambda, api, route, event, gateway_timeouts, trace_id, trace).await?.map_err(|e| failure(route, e))
}

/// Invokes `route`'s function with `event` (console trace, API Gateway's integration timeout): the outer error is a
/// route whose function is not in the template (logged), the inner one how the invocation failed, for the caller
/// to map (the proxy integration with [`failure`]; a non-proxy one reads function errors as responses).
pub(crate) async fn invoke_function(
    lambda: &LambdaService,
    api: &CompiledApi,
    route: &CompiledRoute,
    event: Payload,
    gateway_timeouts: bool,
    trace_id: String,
    trace: Option<&mut HttpTrace>,
) -> Result<Result<Payload, InvokeError>, GatewayError> {
    let Some(function) = route.function else {
        let label = label(route);
        platform_line(
            "API Gateway",
            &format!(
                "route {label} points to function `{}`, which is not in the template: answering as API Gateway does for a failed integration",
                route.target
            ),
        );
        return Err(GatewayError::IntegrationFailure);
    };
    let mut options = InvokeOptions {
        gateway_cap: gateway_timeouts.then(|| limits::integration_timeout(api.kind)),
        trace_id: Some(trace_id),
        ..InvokeOptions::default()
    };
    if let Some(t) = &trace {
        options.log_sink = Some(t.sinks().log.clone());
        options.context_sink = Some(t.sinks().context.clone());
    }
    let result = lambda.invoke_payload(function, event, options).await;
    if let Some(t) = trace {
        match &result {
            Ok(output) => t.outcome(Ok(&output.to_value().unwrap_or(Value::Null))),
            Err(e) => t.outcome(Err(e)),
        }
    }
    Ok(result)
}

/// The gateway error API Gateway answers with when an invocation fails (logged here for unbound functions).
pub(crate) fn failure(route: &CompiledRoute, error: InvokeError) -> GatewayError {
    match error {
        InvokeError::GatewayTimeout { .. } => GatewayError::IntegrationTimeout,
        // "If the Lambda API rejects the invocation request, API Gateway returns a 500 error code."
        InvokeError::Throttled { .. } => GatewayError::LambdaRejected,
        InvokeError::Ignored(id) => {
            let label = label(route);
            platform_line(
                "API Gateway",
                &format!(
                    "{label} -> {id} is ignored in lambda_app!: answering as API Gateway does for a failed integration"
                ),
            );
            GatewayError::IntegrationFailure
        }
        InvokeError::NotBound(id) => {
            let label = label(route);
            platform_line(
                "API Gateway",
                &format!("{label} -> {id} has no handler bound: bind it in lambda_app! (or ignore it)"),
            );
            GatewayError::IntegrationFailure
        }
        _ => GatewayError::IntegrationFailure,
    }
}

/// `GET /dogs/{id}`: the route as log lines name it.
pub(crate) fn label(route: &CompiledRoute) -> String {
    format!("{} {}", route.model_method, route.event.resource)
}
