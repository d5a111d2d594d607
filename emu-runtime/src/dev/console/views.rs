//! The app as the console's Routes and Functions views show it: every API (type, stage, CORS, auth), every route
//! (served path, function, payload version, authorizer) and every function (binding, settings, event sources).

use serde::Serialize;
use serde_json::Value;

use crate::dev::banner::{event_kind, served_path};
use crate::{App, BindingState};

/// One API of the template.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiView<'a> {
    id: &'a str,
    kind: &'static str,
    stage: &'a str,
    /// `/{stage}` when routes are served under it, else `""`.
    prefix: &'a str,
    /// The CORS configuration as the template gives it.
    cors: Option<Value>,
    /// Its authorizers (name, type, identity sources, cache TTL) and whether preflights are authorized.
    auth: Option<Value>,
    binary_media_types: Vec<&'a str>,
}

/// One route of the template.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct RouteView<'a> {
    api: &'a str,
    api_kind: &'static str,
    method: &'static str,
    path: &'a str,
    /// The path the dev server serves it at (with `/{stage}` where the API has it).
    served_path: String,
    function: Option<&'a str>,
    /// `AWS_PROXY`, `AWS` or `MOCK`.
    integration: &'static str,
    payload: &'static str,
    operation_name: Option<&'a str>,
    /// The authorizer protecting it, by name.
    authorizer: Option<&'a str>,
    /// Whether it needs an `x-api-key` (REST).
    api_key_required: bool,
    /// Whether it is `AWS_IAM` (SigV4).
    iam: bool,
    /// The OAuth scopes it requires (any one).
    scopes: Vec<&'a str>,
    /// A local-issuer token the "try it" form sends (JWT and Cognito authorizers), with the route's scopes.
    minted_token: Option<String>,
}

/// One event source of a function.
#[derive(Debug, Serialize)]
struct EventView<'a> {
    name: &'a str,
    #[serde(rename = "type")]
    kind: &'a str,
    /// Whether the console can build a sample event for it (every non-HTTP source it knows).
    sample: bool,
}

/// One function of the template.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct FunctionView<'a> {
    id: &'a str,
    name: String,
    binding: &'static str,
    runtime: String,
    handler: String,
    memory_mb: u32,
    timeout_secs: u64,
    routes: Vec<String>,
    events: Vec<EventView<'a>>,
}

/// `GET /console/api/app`: everything the Routes and Functions views show.
pub(crate) fn app_json(app: &App, api_url: &str) -> Value {
    let model = app.model();
    let apis: Vec<ApiView<'_>> = model
        .apis
        .iter()
        .map(|a| ApiView {
            id: &a.id,
            kind: a.kind.as_str(),
            stage: &a.stage,
            prefix: app.stage_prefix(&a.id),
            cors: a.cors.as_ref().map(|c| {
                serde_json::json!({
                    "allowOrigins": c.allow_origins.iter().map(|s| &**s).collect::<Vec<_>>(),
                    "allowMethods": c.allow_methods.iter().map(|s| &**s).collect::<Vec<_>>(),
                    "allowHeaders": c.allow_headers.iter().map(|s| &**s).collect::<Vec<_>>(),
                    "exposeHeaders": c.expose_headers.iter().map(|s| &**s).collect::<Vec<_>>(),
                    "allowCredentials": c.allow_credentials,
                    "maxAge": c.max_age,
                })
            }),
            auth: auth_view(app, &a.id),
            binary_media_types: a.binary_media_types.iter().map(|s| &**s).collect(),
        })
        .collect();
    let routes: Vec<RouteView<'_>> = model
        .routes
        .iter()
        .map(|r| RouteView {
            api: &r.api,
            api_kind: model.api(&r.api).map_or("REST", |a| a.kind.as_str()),
            method: r.method.as_str(),
            path: &r.path,
            served_path: served_path(app, r),
            function: r.function(),
            integration: r.integration.as_str(),
            payload: r.payload.as_str(),
            operation_name: r.operation_name.as_deref(),
            authorizer: r.auth.authorizer(),
            api_key_required: r.auth.api_key_required,
            iam: r.auth.authorization == emu_template::Authorization::Iam,
            scopes: r.auth.scopes.iter().map(|s| &**s).collect(),
            minted_token: minted_token(app, r),
        })
        .collect();
    let lambda = app.lambda();
    let functions: Vec<FunctionView<'_>> = model
        .functions
        .iter()
        .map(|f| {
            let info = lambda.by_logical_id(&f.id).map(|id| &lambda.entry(id).info);
            FunctionView {
                id: &f.id,
                name: info.map_or_else(|| f.id.to_string(), |i| i.name.clone()),
                binding: app.binding_state(&f.id).as_str(),
                runtime: info.map(|i| i.runtime.clone()).unwrap_or_default(),
                handler: info.map(|i| i.handler.clone()).unwrap_or_default(),
                memory_mb: info.map_or(0, |i| i.memory_mb),
                timeout_secs: info.map_or(0, |i| i.timeout.as_secs()),
                routes: model
                    .routes
                    .iter()
                    .filter(|r| r.function() == Some(&*f.id))
                    .map(|r| format!("{} {}", r.method.as_str(), served_path(app, r)))
                    .collect(),
                events: f
                    .events
                    .iter()
                    .map(|e| EventView {
                        name: &e.name,
                        kind: event_kind(e),
                        sample: crate::lambda::samples::sample(e).is_some(),
                    })
                    .collect(),
            }
        })
        .collect();
    let bound = model.functions.iter().filter(|f| app.binding_state(&f.id) == BindingState::Bound).count();
    serde_json::json!({
        "apiUrl": api_url,
        "template": model.source,
        "apis": apis,
        "routes": routes,
        "functions": functions,
        "boundFunctions": bound,
        "history": app.recorder().map(|r| r.options().history),
        "bodyLimit": app.recorder().map(|r| r.options().body_limit),
    })
}

/// The API's authorizers as the console shows them; `None` when it has none.
fn auth_view(app: &App, api: &str) -> Option<Value> {
    let model = app.model();
    let authorizers: Vec<Value> = model
        .authorizers
        .iter()
        .filter(|a| a.api == api)
        .map(|a| {
            serde_json::json!({
                "name": a.name,
                "type": a.kind.as_str(),
                "identity": a.identity.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                "ttlSecs": a.ttl_secs,
                "function": a.function().map(|f| f.id.as_deref().unwrap_or(&f.arn).to_owned()),
            })
        })
        .collect();
    let preflight = model.api(api).and_then(|a| a.preflight_authorizer.as_deref());
    (!authorizers.is_empty())
        .then(|| serde_json::json!({ "authorizers": authorizers, "preflightAuthorizer": preflight }))
}

/// A token for the "try it" form: minted by the local issuer for the route's JWT or Cognito authorizer, with its
/// scopes; `None` for other routes (a Lambda authorizer takes whatever token its function accepts).
fn minted_token(app: &App, r: &emu_template::Route) -> Option<String> {
    let name = r.auth.authorizer()?;
    let a = app.model().authorizer(&r.api, name)?;
    if a.function().is_some() {
        return None;
    }
    let mut claims = serde_json::json!({ "sub": "console-user" });
    if !r.auth.scopes.is_empty() {
        claims["scope"] = Value::String(r.auth.scopes.join(" "));
    }
    app.mint_token(Some(name), claims).ok()
}
