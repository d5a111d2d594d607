//! `POST /adoptions`, a non-proxy (`AWS`) Lambda integration: the event is what the request template built, the
//! output is the response body as it is, and an error whose message carries `[404]` becomes a 404 response.

use emu_runtime::{Error, LambdaEvent};
use serde::Deserialize;
use serde_json::{Value, json};

use super::store::dogs;

/// The event the request template builds from the JSON body and `$context`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AdoptionRequest {
    /// The dog's name (empty when the body has none).
    pub dog: String,
    /// Who adopts it (empty when the body has none).
    pub adopter: String,
    /// API Gateway's request id (`$context.requestId`).
    pub request_id: String,
}

/// Books an adoption of a dog of the store; an unknown dog is an error the `[404]` pattern maps.
pub async fn request(event: LambdaEvent<AdoptionRequest>) -> Result<Value, Error> {
    let req = event.payload;
    let name = req.dog;
    let Some(dog) = dogs().by_id.values().find(|d| d.name.eq_ignore_ascii_case(&name)).cloned() else {
        return Err(format!("[404] no dog named {name:?}").into());
    };
    Ok(json!({
        "adoption": req.request_id,
        "dog": dog.name,
        "adopter": if req.adopter.is_empty() { "anonymous".to_owned() } else { req.adopter },
    }))
}
