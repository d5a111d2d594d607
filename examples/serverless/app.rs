//! `app()` for the Serverless version of the pet store: the same handler modules bound to `serverless.yml`.
//! Dogs and misc bind through `handler` (a Rust path), auth by function key, houses explicitly (shared state).

use std::sync::Arc;

#[allow(unused_imports)] // Used by the paths `lambda_app!` reads from `handler` values.
use crate::petstore::{adopt, dogs, houses, info, photos, vet};
// Bound by function key (rule 3): `login`, `refresh`, `logout`.
use crate::petstore::auth::{login, logout, refresh};

/// The pet-store app: every function of `serverless/serverless.yml` bound to its handler.
pub fn app() -> emu_runtime::App {
    // State created once, like a database client built in a Lambda's `main`, captured by the binding below.
    let houses = Arc::new(houses::HouseStore::default());
    emu_runtime::lambda_app!("serverless/serverless.yml", {
        houses => move |event| houses::handle(houses.clone(), event),
    })
}
