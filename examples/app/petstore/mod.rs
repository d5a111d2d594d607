//! The pet store: handler modules plus `app()`, which binds them to the template with `lambda_app!`.
//! Dogs bind through their `Handler` property, houses through an explicit closure over shared state.

pub mod adopt;
pub mod auth;
pub mod dogs;
pub mod houses;
pub mod info;
pub mod photos;
pub mod respond;
pub mod store;
pub mod vet;

use std::sync::Arc;

// Bound by logical id in snake_case (rule 3): `Login` -> `login`, and so on.
use auth::{login, logout, refresh};

/// The pet-store app: every function of `template.yaml` bound to its handler.
pub fn app() -> emu_runtime::App {
    // State created once, like a database client built in a Lambda's `main`, captured by the binding below.
    let houses = Arc::new(houses::HouseStore::default());
    emu_runtime::lambda_app!("app/template.yaml", {
        HousesFunction => move |event| houses::handle(houses.clone(), event),
    })
}
