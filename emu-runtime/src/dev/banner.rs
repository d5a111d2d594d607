//! The dev server's startup lines: one per route with its full URL, function, API type and payload version, then every
//! function with its binding and what it serves. `--list-routes` adds the function list to `emu_template::report`'s.

use std::fmt::Write as _;
use std::net::SocketAddr;

use emu_template::{Event, EventKind, Function, Model, Route};

use crate::{App, BindingState};

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
    out.push_str(&function_lines(app));
    out
}

/// A non-HTTP event source as the function list names it, e.g. `SQS event "Queue"`.
fn event_label(event: &Event) -> String {
    let kind = match &event.kind {
        EventKind::Sqs => "SQS",
        EventKind::S3 => "S3",
        EventKind::Sns => "SNS",
        EventKind::Schedule => "Schedule",
        EventKind::EventBridge => "EventBridge",
        EventKind::Kinesis => "Kinesis",
        EventKind::DynamoDb => "DynamoDB",
        EventKind::Other(other) => other,
    };
    format!("{kind} event \"{}\"", event.name)
}

/// What one function serves: its routes (`GET /dogs/{id}`), else its event sources, else nothing.
fn function_summary(app: &App, function: &Function) -> String {
    let routes: Vec<String> = app
        .model()
        .routes
        .iter()
        .filter(|r| r.function == function.id)
        .map(|r| format!("{} {}", r.method.as_str(), served_path(app, r)))
        .collect();
    let events: Vec<String> = function.events.iter().map(event_label).collect();
    let mut parts = Vec::new();
    if !routes.is_empty() {
        parts.push(routes.join(", "));
    }
    if !events.is_empty() {
        parts.push(format!("{} (not triggered locally: app.invoke(\"{}\", event))", events.join(", "), function.id));
    }
    if parts.is_empty() {
        parts.push(format!("no events (app.invoke(\"{}\", event))", function.id));
    }
    parts.join("; ")
}

/// Every function of the template, one line each: how it is bound and what it serves, e.g.
/// `  GetDog        bound    GET /dogs/{id}` or `  LegacyPython  ignored  GET /legacy (answers 502)`.
pub(crate) fn function_lines(app: &App) -> String {
    let functions = &app.model().functions;
    if functions.is_empty() {
        return "Functions: none (the template declares no functions)\n".to_owned();
    }
    let width = functions.iter().map(|f| f.id.len()).max().unwrap_or(0);
    let mut out = String::from("Functions:\n");
    for f in functions.iter() {
        let state = app.binding_state(&f.id);
        let mut summary = function_summary(app, f);
        if state != BindingState::Bound {
            summary.push_str(" -- not served: its routes answer as a failed integration (502 REST, 500 HTTP API)");
        }
        let _ = writeln!(out, "  {:<width$}  {:<7}  {summary}", f.id, state.as_str());
    }
    out
}

/// `--list-routes --json`: the route report with a `functions` array added
/// (`{"id", "binding", "routes": ["GET /a"], "events": [{"name", "type"}]}`).
pub(crate) fn list_json(app: &App) -> String {
    let routes = emu_template::report::routes_json(app.model());
    let mut value: serde_json::Value = serde_json::from_str(&routes).unwrap_or_else(|_| serde_json::json!({}));
    let functions: Vec<serde_json::Value> = app
        .model()
        .functions
        .iter()
        .map(|f| {
            let routes: Vec<String> = app
                .model()
                .routes
                .iter()
                .filter(|r| r.function == f.id)
                .map(|r| format!("{} {}", r.method.as_str(), served_path(app, r)))
                .collect();
            let events: Vec<serde_json::Value> = f
                .events
                .iter()
                .map(|e| {
                    let label = event_label(e);
                    let kind = label.split(" event ").next().unwrap_or_default().to_owned();
                    serde_json::json!({ "name": e.name, "type": kind })
                })
                .collect();
            serde_json::json!({
                "id": f.id, "binding": app.binding_state(&f.id).as_str(), "routes": routes, "events": events,
            })
        })
        .collect();
    if let Some(object) = value.as_object_mut() {
        object.insert("functions".into(), serde_json::Value::Array(functions));
    }
    let mut text = value.to_string();
    text.push('\n');
    text
}

/// `--list-routes` as text: the route table, then every function.
pub(crate) fn list_text(app: &App) -> String {
    let mut out = emu_template::report::routes_table(app.model());
    out.push('\n');
    out.push_str(&function_lines(app));
    out
}
