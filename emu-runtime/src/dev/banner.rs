//! The dev server's startup lines: one per route with its full URL, function, API type and payload version.
//! `--list-routes` uses `emu_template::report`, the same rendering as `emu-template`'s `routes` example.

use std::fmt::Write as _;
use std::net::SocketAddr;

use emu_template::{Model, Route};

use crate::App;

fn api_type(model: &Model, route: &Route) -> &'static str {
    model.api(&route.api).map(|a| a.kind.as_str()).unwrap_or("REST")
}

/// The URL path a route is served at (with `/{stage}` for APIs served under their stage).
pub(crate) fn served_path(app: &App, route: &Route) -> String {
    let prefix = app.stage_prefix(&route.api);
    if route.is_default() { format!("{prefix}/*  ($default)") } else { format!("{prefix}{}", route.path) }
}

/// One line per route for the dev server's start, e.g.
/// `GET     http://127.0.0.1:3000/dogs/{id}  -> GetDog (REST, payload 1.0)`.
pub(crate) fn startup_lines(app: &App, addr: SocketAddr) -> String {
    let model = app.model();
    let urls: Vec<String> = model.routes.iter().map(|r| format!("http://{addr}{}", served_path(app, r))).collect();
    let width = urls.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (route, url) in model.routes.iter().zip(&urls) {
        let _ = writeln!(
            out,
            "{:<7} {url:<width$}  -> {} ({}, payload {})",
            route.method.as_str(),
            route.function,
            api_type(model, route),
            route.payload.as_str()
        );
    }
    if model.routes.is_empty() {
        out.push_str("(the template declares no HTTP routes)\n");
    }
    out
}
