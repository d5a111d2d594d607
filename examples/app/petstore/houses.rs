//! House handler: one function serves the whole `/houses` resource, dispatching on method and path.
//! Its state is an `Arc<HouseStore>` created in `app()` and captured by the binding closure.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use emu_runtime::events::{ApiGatewayProxyRequest, ApiGatewayProxyResponse};
use emu_runtime::{Error, LambdaEvent};
use serde::{Deserialize, Serialize};

use super::respond::{body, error, id_param, json, no_content};

/// A house.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct House {
    /// Its id.
    pub id: u64,
    /// Street address.
    pub address: String,
    /// How many dogs fit.
    pub capacity: u32,
}

/// What a client sends to create or replace a house.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewHouse {
    /// Street address.
    pub address: String,
    /// How many dogs fit.
    pub capacity: u32,
}

/// Houses by id.
#[derive(Debug, Default)]
pub struct HouseStore {
    houses: Mutex<(u64, BTreeMap<u64, House>)>,
}

impl HouseStore {
    fn lock(&self) -> std::sync::MutexGuard<'_, (u64, BTreeMap<u64, House>)> {
        self.houses.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Serves `GET|POST /houses` and `ANY /houses/{id}`.
pub async fn handle(
    store: Arc<HouseStore>,
    event: LambdaEvent<ApiGatewayProxyRequest>,
) -> Result<ApiGatewayProxyResponse, Error> {
    let request = &event.payload;
    let max: usize = std::env::var("MAX_HOUSES").ok().and_then(|v| v.parse().ok()).unwrap_or(100);
    let method = request.http_method.as_str();
    let item = request.path_parameters.contains_key("id");
    Ok(match (method, item) {
        ("GET", false) => json(200, &store.lock().1.values().collect::<Vec<_>>()),
        ("POST", false) => {
            let new: NewHouse = match body(request) {
                Ok(new) => new,
                Err(rejection) => return Ok(rejection.into_response()),
            };
            let mut guard = store.lock();
            if guard.1.len() >= max {
                return Ok(error(409, &format!("the street is full: at most {max} houses")));
            }
            guard.0 += 1;
            let house = House { id: guard.0, address: new.address, capacity: new.capacity };
            guard.1.insert(house.id, house.clone());
            json(201, &house)
        }
        (_, true) => {
            let id = match id_param(request, "id") {
                Ok(id) => id,
                Err(rejection) => return Ok(rejection.into_response()),
            };
            item_route(&store, method, id, request)
        }
        _ => error(405, &format!("{method} is not supported on /houses")),
    })
}

fn item_route(store: &HouseStore, method: &str, id: u64, request: &ApiGatewayProxyRequest) -> ApiGatewayProxyResponse {
    let mut guard = store.lock();
    match method {
        "GET" => match guard.1.get(&id) {
            Some(house) => json(200, house),
            None => error(404, &format!("no house with id {id}")),
        },
        "PUT" => {
            let new: NewHouse = match body(request) {
                Ok(new) => new,
                Err(rejection) => return rejection.into_response(),
            };
            match guard.1.get_mut(&id) {
                Some(house) => {
                    house.address = new.address;
                    house.capacity = new.capacity;
                    json(200, house)
                }
                None => error(404, &format!("no house with id {id}")),
            }
        }
        "DELETE" => match guard.1.remove(&id) {
            Some(_) => no_content(),
            None => error(404, &format!("no house with id {id}")),
        },
        other => error(405, &format!("{other} is not supported on /houses/{{id}}")),
    }
}
