//! The dev server's startup lines: one per route with its full URL, function, API type and payload version, then every
//! function with its binding and what it serves. `--list-routes` adds the function list to `emu_template::report`'s.

use std::fmt::Write as _;
use std::net::SocketAddr;

use emu_template::{Authorization, AuthorizerKind, Event, EventKind, Function, Model, Route};

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
/// `GET     http://127.0.0.1:3000/dogs/{id}  -> GetDog (REST, payload 1.0)` (a CDK function as
/// `HelloWorldFunction (helloworldfunctionFDE57595)`, as the route table shows it).
pub(crate) fn startup_lines(app: &App, addr: SocketAddr) -> String {
    let model = app.model();
    let urls: Vec<String> = model.routes.iter().map(|r| format!("http://{addr}{}", served_path(app, r))).collect();
    let width = urls.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (route, url) in model.routes.iter().zip(&urls) {
        let _ = writeln!(
            out,
            "{:<7} {url:<width$}  -> {} ({}, payload {}{})",
            route.method.as_str(),
            emu_template::report::route_target_label(model, route),
            api_type(model, route),
            route.payload.as_str(),
            access_label(model, route),
        );
    }
    if model.routes.is_empty() {
        out.push_str("(the template declares no HTTP routes)\n");
    }
    out.push_str(&function_lines(app));
    out.push_str(&access_lines(app));
    out
}

/// `, authorizer Tok (TOKEN), API key`: what a route requires, as the banner's route lines end.
fn access_label(model: &Model, route: &Route) -> String {
    let mut parts = Vec::new();
    match &route.auth.authorization {
        Authorization::None => {}
        Authorization::Iam => parts.push("AWS_IAM".to_owned()),
        Authorization::Authorizer(name) => {
            let kind = model.authorizer(&route.api, name).map_or("", |a| a.kind.as_str());
            parts.push(format!("authorizer {name} ({kind})"));
        }
    }
    if !route.auth.scopes.is_empty() {
        parts.push(format!("scopes {}", route.auth.scopes.join(" ")));
    }
    if route.auth.api_key_required {
        parts.push("API key".to_owned());
    }
    parts.iter().map(|p| format!(", {p}")).collect()
}

/// The access section of the start-up lines: enforcement off (loudly), the API keys and how to get a token.
pub(crate) fn access_lines(app: &App) -> String {
    let model = app.model();
    let secured = model.routes.iter().any(|r| !r.auth.is_open());
    let mut out = String::new();
    if !secured {
        return out;
    }
    if !app.access().enforced() {
        out.push_str("WARNING: --disable-authorizers: every authorizer, API key and AWS_IAM check is OFF; secured routes are open to anyone\n");
        return out;
    }
    out.push_str("Access:\n");
    for k in app.access().api_keys().iter().filter(|k| k.enabled) {
        let _ = writeln!(out, "  API key ({}): {}   (curl -H 'x-api-key: {}')", k.origin, k.value, k.value);
    }
    let token_authorizers: Vec<&str> = model
        .authorizers
        .iter()
        .filter(|a| matches!(a.kind, AuthorizerKind::Jwt { .. } | AuthorizerKind::Cognito { .. }))
        .map(|a| a.name.as_ref())
        .collect();
    if let (false, Some(issuer)) = (token_authorizers.is_empty(), app.access().local_issuer()) {
        let (_, run) = crate::dev::cli::runner(&std::env::args().next().unwrap_or_default());
        let _ = writeln!(
            out,
            "  JWT/Cognito authorizers ({}) also accept local tokens: {run} --mint-token '{{\"sub\":\"u1\"}}'",
            token_authorizers.join(", ")
        );
        let key = issuer.path().map_or_else(|| "in memory".to_owned(), |p| p.display().to_string());
        let _ = writeln!(
            out,
            "  local issuer: key {} ({key}); other keys still need --jwks ISSUER=PATH_OR_URL",
            issuer.kid()
        );
    }
    if model.routes.iter().any(|r| r.auth.authorization == Authorization::Iam) {
        out.push_str("  AWS_IAM routes verify SigV4 signatures of known keys (environment, --iam-credentials); others are accepted with a warning\n");
    }
    out
}

/// An event source's type as the function list names it: `SQS`, `Schedule`, or the template's own name.
pub(crate) fn event_kind(event: &Event) -> &str {
    match &event.kind {
        EventKind::Sqs => "SQS",
        EventKind::S3 => "S3",
        EventKind::Sns => "SNS",
        EventKind::Schedule => "Schedule",
        EventKind::EventBridge => "EventBridge",
        EventKind::Kinesis => "Kinesis",
        EventKind::DynamoDb => "DynamoDB",
        EventKind::Other(other) => other,
    }
}

/// A non-HTTP event source as the function list names it, e.g. `SQS event "Queue"`.
fn event_label(event: &Event) -> String {
    format!("{} event \"{}\"", event_kind(event), event.name)
}

/// What one function serves: its routes (`GET /dogs/{id}`), else its event sources, else nothing.
fn function_summary(app: &App, function: &Function) -> String {
    let routes: Vec<String> = app
        .model()
        .routes
        .iter()
        .filter(|r| r.function() == Some(&*function.id))
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
        let summary = if state == BindingState::Bound {
            function_summary(app, f)
        } else if app.model().routes.iter().any(|r| r.function() == Some(&*f.id)) {
            format!(
                "{} -- not served: its routes answer as a failed integration (502 REST, 500 HTTP API)",
                function_summary(app, f).split(" (not triggered locally").next().unwrap_or_default()
            )
        } else {
            "not served".to_owned()
        };
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
                .filter(|r| r.function() == Some(&*f.id))
                .map(|r| format!("{} {}", r.method.as_str(), served_path(app, r)))
                .collect();
            let events: Vec<serde_json::Value> =
                f.events.iter().map(|e| serde_json::json!({ "name": e.name, "type": event_kind(e) })).collect();
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

#[cfg(test)]
mod tests {
    use emu_template::{Api, ApiKind, Event, EventKind, Function, Location, Method, Model, PayloadVersion, Route};

    use super::*;
    use crate::{AppBuilder, Error, LambdaEvent};

    fn app() -> App {
        let mut model = Model::from_routes(
            vec![Api::new("Api", ApiKind::Http)],
            vec![
                Route::new(Method::Get, "/a", "Api", "Web", PayloadVersion::V2),
                Route::new(Method::Post, "/a", "Api", "Web", PayloadVersion::V2),
                Route::new(Method::Get, "/old", "Api", "Legacy", PayloadVersion::V2),
            ],
        );
        let mut worker = Function::new("Worker");
        worker.events = vec![
            Event { name: "Jobs".into(), kind: EventKind::Sqs, properties: "{}".into(), location: Location::new(9, 3) },
            Event {
                name: "Nightly".into(),
                kind: EventKind::Other("MQ".into()),
                properties: "{}".into(),
                location: Location::new(12, 3),
            },
        ]
        .into();
        let mut functions = model.functions.to_vec();
        functions.push(worker);
        functions.push(Function::new("Orphan"));
        model.functions = functions.into();
        let ok = |_: LambdaEvent<serde_json::Value>| async { Ok::<_, Error>(serde_json::Value::Null) };
        AppBuilder::from_model(model).bind("Web", ok).bind("Worker", ok).ignore("Legacy").build()
    }

    #[test]
    fn every_function_with_its_binding_and_what_it_serves() {
        let text = function_lines(&app());
        let line = |id: &str| text.lines().find(|l| l.trim_start().starts_with(id)).unwrap_or_default().to_owned();
        assert!(line("Web").contains("bound    GET /a, POST /a"), "{text}");
        assert!(line("Worker").contains("SQS event \"Jobs\", MQ event \"Nightly\" (not triggered locally"), "{text}");
        assert!(line("Legacy").contains("ignored  GET /old -- not served"), "{text}");
        assert!(line("Orphan").ends_with("unbound  not served"), "{text}");
        assert!(text.starts_with("Functions:\n"), "{text}");
    }

    #[test]
    fn the_banner_and_list_routes_end_with_the_functions() {
        let app = app();
        let banner = startup_lines(&app, SocketAddr::from(([127, 0, 0, 1], 3000)));
        assert!(banner.contains("GET     http://127.0.0.1:3000/a    -> Web (HTTP, payload 2.0)"), "{banner}");
        assert!(banner.ends_with(&function_lines(&app)), "{banner}");
        let list = list_text(&app);
        assert!(list.starts_with("METHOD"), "{list}");
        assert!(list.ends_with(&function_lines(&app)), "{list}");
        let json: serde_json::Value = serde_json::from_str(&list_json(&app)).unwrap_or_default();
        assert_eq!(json["routes"].as_array().map(Vec::len), Some(3), "{json}");
        let worker = &json["functions"][2];
        assert_eq!(worker["id"], "Worker", "{json}");
        assert_eq!(worker["events"][1], serde_json::json!({"name": "Nightly", "type": "MQ"}));
        assert_eq!(json["functions"][3]["binding"], "unbound");
    }
}
