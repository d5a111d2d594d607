//! Renders the route table: the startup lines of the dev server, `--list-routes` as text, and `--list-routes --json`
//! (the same JSON shape as `emu-template`'s `routes` example).

use std::fmt::Write as _;
use std::net::SocketAddr;

use emu_template::{Model, Route};

use crate::App;

fn stage_of<'m>(model: &'m Model, route: &Route) -> &'m str {
    model.api(&route.api).map(|a| a.stage.as_ref()).unwrap_or("")
}

fn api_type(model: &Model, route: &Route) -> &'static str {
    model.api(&route.api).map(|a| a.kind.as_str()).unwrap_or("REST")
}

/// The URL path a route is served at (with `/{stage}` for APIs served under their stage).
pub fn served_path(app: &App, route: &Route) -> String {
    let prefix = app.stage_prefix(&route.api);
    if route.path == "$default" { format!("{prefix}/*  ($default)") } else { format!("{prefix}{}", route.path) }
}

/// One line per route for the dev server's start, e.g.
/// `GET     http://127.0.0.1:3000/dogs/{id}  -> GetDog (REST, payload 1.0)`.
pub fn startup_lines(app: &App, addr: SocketAddr) -> String {
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

/// `--list-routes`: a text table with method, path, function, API, type, payload and stage.
pub fn table(model: &Model) -> String {
    let mut rows = vec![["METHOD", "PATH", "FUNCTION", "API", "TYPE", "PAYLOAD", "STAGE"].map(String::from)];
    for r in model.routes.iter() {
        rows.push([
            r.method.as_str().to_owned(),
            r.path.to_string(),
            r.function.to_string(),
            r.api.to_string(),
            api_type(model, r).to_owned(),
            r.payload.as_str().to_owned(),
            stage_of(model, r).to_owned(),
        ]);
    }
    let mut widths = [0usize; 7];
    for row in &rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.len());
        }
    }
    let mut out = String::new();
    for row in &rows {
        let line: Vec<String> = row.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    for w in model.warnings.iter() {
        let _ = writeln!(out, "warning: {}:{}: {}", model.source, w.location.line, w.message);
    }
    out
}

/// `--list-routes --json`: `{"routes": [...], "warnings": [...]}`, routes sorted by path then method.
pub fn json(model: &Model) -> String {
    let mut routes: Vec<&Route> = model.routes.iter().collect();
    routes.sort_by(|a, b| a.path.cmp(&b.path).then(a.method.as_str().cmp(b.method.as_str())));
    let routes: Vec<serde_json::Value> = routes
        .into_iter()
        .map(|r| {
            serde_json::json!({
                "method": r.method.as_str(),
                "path": r.path,
                "function": r.function,
                "api": r.api,
                "api_type": api_type(model, r),
                "payload_format_version": r.payload.as_str(),
                "stage": stage_of(model, r),
            })
        })
        .collect();
    let warnings: Vec<String> =
        model.warnings.iter().map(|w| format!("{}:{}: {}", model.source, w.location.line, w.message)).collect();
    let mut text = serde_json::json!({ "routes": routes, "warnings": warnings }).to_string();
    text.push('\n');
    text
}
