//! The binary endpoint: `GET /dogs/{id}/photo` answers a PNG, base64-encoded in the Lambda response.
//! API Gateway decodes it because `image/png` is one of the API's `BinaryMediaTypes`.

use base64::Engine as _;
use emu_runtime::events::{ApiGatewayProxyRequest, ApiGatewayProxyResponse, Body};
use emu_runtime::{Error, LambdaEvent};

use super::respond::{error, id_param};
use super::store::dogs;

/// A 1x1 PNG (a brown pixel: every dog's portrait, at very low resolution).
pub const PHOTO_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00, 0x0c, 0x49,
    0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0x68, 0x30, 0x50, 0x00, 0x00, 0x02, 0x44, 0x01, 0x21, 0x44, 0xa6, 0xd5, 0x1c,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

/// `GET /dogs/{id}/photo`.
pub async fn get(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let id = match id_param(&event.payload, "id") {
        Ok(id) => id,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    if !dogs().by_id.contains_key(&id) {
        return Ok(error(404, &format!("no dog with id {id}")));
    }
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = 200;
    response.headers.insert("content-type", http::HeaderValue::from_static("image/png"));
    response.body = Some(Body::Text(base64::engine::general_purpose::STANDARD.encode(PHOTO_PNG)));
    response.is_base64_encoded = true;
    Ok(response)
}
