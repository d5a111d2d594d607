//! Dog handlers: list, create, get, update and delete, written against the raw REST event (payload 1.0).
//! Bound through each function's `Handler` property in the template (`dogs::list`, ...).

use emu_runtime::events::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use emu_runtime::{Error, LambdaEvent};

use super::respond::{self, body, error, id_param, json};
use super::store::{NewDog, dogs};

/// `GET /dogs[?breed=...]`: every dog, optionally filtered by breed.
pub async fn list(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let breed = event.payload.query_string_parameters.first("breed").map(str::to_owned);
    let store = dogs();
    let list: Vec<_> =
        store.by_id.values().filter(|d| breed.as_deref().is_none_or(|b| d.breed.eq_ignore_ascii_case(b))).collect();
    Ok(json(200, &list))
}

/// `POST /dogs?shelter=...`: creates a dog from `{"name", "breed", "age"}`. API Gateway's request validator
/// (template.yaml) has already required `shelter` and checked the body against the `NewDog` model, so the checks
/// left here are the ones a schema cannot express; the shelter comes back in `x-shelter`.
pub async fn create(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let shelter = event.payload.query_string_parameters.first("shelter").unwrap_or_default().to_owned();
    let new: NewDog = match body(&event.payload) {
        Ok(new) => new,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    if new.name.trim().is_empty() {
        return Ok(error(400, "name must not be empty"));
    }
    let dog = dogs().insert(new);
    let mut res = json(201, &dog);
    if let Ok(v) = shelter.parse() {
        res.headers.insert("x-shelter", v);
    }
    Ok(res)
}

/// `GET /dogs/{id}`.
pub async fn get(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let id = match id_param(&event.payload, "id") {
        Ok(id) => id,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    Ok(match dogs().by_id.get(&id) {
        Some(dog) => json(200, dog),
        None => error(404, &format!("no dog with id {id}")),
    })
}

/// `PUT /dogs/{id}`: replaces a dog.
pub async fn update(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let id = match id_param(&event.payload, "id") {
        Ok(id) => id,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    let new: NewDog = match body(&event.payload) {
        Ok(new) => new,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    let mut store = dogs();
    Ok(match store.by_id.get_mut(&id) {
        Some(dog) => {
            dog.name = new.name;
            dog.breed = new.breed;
            dog.age = new.age;
            json(200, dog)
        }
        None => error(404, &format!("no dog with id {id}")),
    })
}

/// `DELETE /dogs/{id}`.
pub async fn delete(event: LambdaEvent<ApiGatewayProxyRequest>) -> Result<ApiGatewayProxyResponse, Error> {
    let id = match id_param(&event.payload, "id") {
        Ok(id) => id,
        Err(rejection) => return Ok(rejection.into_response()),
    };
    Ok(match dogs().by_id.remove(&id) {
        Some(_) => respond::no_content(),
        None => error(404, &format!("no dog with id {id}")),
    })
}
