//! Small helpers that build API Gateway proxy responses (payload 1.0) with JSON bodies.
//! Handlers use them for both success and their own 4xx answers.

use emu_runtime::events::{ApiGatewayProxyRequest, ApiGatewayProxyResponse, Body};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// A response with `status` and `value` as a JSON body.
pub fn json(status: i64, value: &impl Serialize) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    response.headers.insert("content-type", http::HeaderValue::from_static("application/json"));
    response.body = Some(Body::Text(serde_json::to_string(value).unwrap_or_else(|_| "null".into())));
    response
}

/// A 4xx/5xx answer `{"message": ...}`.
pub fn error(status: i64, message: &str) -> ApiGatewayProxyResponse {
    json(status, &serde_json::json!({ "message": message }))
}

/// An empty 204 answer.
pub fn no_content() -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = 204;
    response
}

/// A request the handler refuses: a 4xx status and the reason, answered as `{"message": ...}`.
#[derive(Debug)]
pub struct Rejection {
    /// The HTTP status.
    pub status: i64,
    /// What the client got wrong.
    pub message: String,
}

impl Rejection {
    fn new(status: i64, message: String) -> Self {
        Rejection { status, message }
    }

    /// The response that tells the client.
    pub fn into_response(self) -> ApiGatewayProxyResponse {
        error(self.status, &self.message)
    }
}

/// Parses the request body as JSON, or refuses with 400 and what is wrong.
pub fn body<T: DeserializeOwned>(request: &ApiGatewayProxyRequest) -> Result<T, Rejection> {
    let Some(text) = request.body.as_deref().filter(|b| !b.is_empty()) else {
        return Err(Rejection::new(400, "request body is required".into()));
    };
    serde_json::from_str(text).map_err(|e| Rejection::new(400, format!("invalid JSON body: {e}")))
}

/// The numeric path parameter `name`, or a 400/404 refusal.
pub fn id_param(request: &ApiGatewayProxyRequest, name: &str) -> Result<u64, Rejection> {
    let raw = request
        .path_parameters
        .get(name)
        .ok_or_else(|| Rejection::new(400, format!("missing path parameter {name}")))?;
    raw.parse().map_err(|_| Rejection::new(404, format!("no such id: {raw}")))
}
