//! The integrations a route can have: the Lambda proxy integration (`lambda.rs`), the non-proxy Lambda integration
//! (`aws.rs`) and MOCK (`mock.rs`), the last two built on the mapping templates of `mapping.rs`.

pub(crate) mod aws;
pub(crate) mod lambda;
pub(crate) mod mapping;
pub(crate) mod mock;

use axum::body::Body;
use bytes::Bytes;
use emu_template::Integration;
use http::Response;
use http::request::Parts;
use serde_json::Value;

use crate::dev::console::record::HttpTrace;
use crate::gateway::errors::GatewayError;
use crate::gateway::integrations::mapping::{CompiledMapping, MappingInput};
use crate::gateway::limits;
use crate::gateway::routes::{CompiledApi, CompiledRoute};
use crate::lambda::LambdaService;
use crate::lambda::log::platform_line;

/// A route's integration, compiled once when the app is built.
#[derive(Debug)]
pub(crate) enum CompiledIntegration {
    /// `AWS_PROXY`: the event is the request, the output is the response (`lambda.rs`, `responses.rs`).
    Proxy,
    /// `AWS` with a Lambda URI: mapping templates build the event and the response.
    Lambda(Box<CompiledMapping>),
    /// `MOCK`: no function; the request template picks the integration response.
    Mock(Box<CompiledMapping>),
}

impl CompiledIntegration {
    /// Compiles the model's integration (templates parsed, selection patterns compiled).
    pub(crate) fn new(integration: &Integration) -> CompiledIntegration {
        match integration {
            Integration::LambdaProxy { .. } => CompiledIntegration::Proxy,
            Integration::Lambda { mapping, .. } => CompiledIntegration::Lambda(Box::new(CompiledMapping::new(mapping))),
            Integration::Mock { mapping } => CompiledIntegration::Mock(Box::new(CompiledMapping::new(mapping))),
        }
    }
}

impl CompiledIntegration {
    /// Whether requests go through mapping templates (non-proxy Lambda or MOCK).
    pub(crate) fn is_mapped(&self) -> bool {
        !matches!(self, CompiledIntegration::Proxy)
    }
}

/// Serves a request of a non-proxy Lambda or MOCK route: `proxy_event` is the 1.0 event of the request (its
/// `requestContext` is `$context`, with the access stage's `authorizer`), `body` the request body.
#[expect(clippy::too_many_arguments, reason = "the stage's inputs, as `Gateway::proxy` has them")]
pub(crate) async fn serve_mapped(
    lambda_service: &LambdaService,
    api: &CompiledApi,
    route: &CompiledRoute,
    parts: &Parts,
    body: &Bytes,
    proxy_event: Value,
    max_request_body: usize,
    gateway_timeouts: bool,
    trace_id: String,
    mut trace: Option<&mut HttpTrace>,
) -> Result<Response<Body>, GatewayError> {
    let label = lambda::label(route);
    if let Some(t) = trace.as_deref_mut() {
        t.body(body);
    }
    let input = MappingInput::new(body, &parts.headers, proxy_event);
    match &route.integration {
        CompiledIntegration::Mock(mapping) => mock::serve(mapping, &input, &label),
        CompiledIntegration::Lambda(mapping) => {
            let event = aws::event(mapping, &input, &label)?;
            if let Some(t) = trace.as_deref_mut() {
                t.event(&event);
            }
            let event = crate::lambda::payload::Payload::from(event);
            limits::check_event(&event, limits::head_len(&parts.uri, &parts.headers), max_request_body)?;
            aws::serve(lambda_service, api, route, mapping, &input, event, gateway_timeouts, trace_id, trace).await
        }
        CompiledIntegration::Proxy => {
            // `Gateway::proxy` serves proxy routes itself; reaching here is a wiring mistake, answered as a failure.
            platform_line("API Gateway", &format!("{label} is a proxy route handed to the mapping stage"));
            Err(GatewayError::IntegrationFailure)
        }
    }
}
