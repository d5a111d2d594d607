//! Hand-built models for unit tests (the template reader is not used here).
//! `model`, `api`, `route` and `function` fill every field with SAM's defaults.

use emu_template::{Api, ApiKind, Function, Location, Method, Model, PayloadVersion, Route, TemplateFormat};

pub(crate) fn function(id: &str) -> Function {
    Function {
        id: id.to_owned().into(),
        name: id.to_owned().into(),
        handler: "bootstrap".into(),
        runtime: "provided.al2023".into(),
        timeout_secs: 3,
        memory_mb: 128,
        environment: Vec::new().into(),
        events: Vec::new().into(),
        location: Location::default(),
    }
}

pub(crate) fn api(id: &str, kind: ApiKind) -> Api {
    Api {
        id: id.to_owned().into(),
        kind,
        implicit: true,
        stage: match kind {
            ApiKind::Rest => "Prod".into(),
            ApiKind::Http => "$default".into(),
        },
        stage_in_url: false,
        stage_variables: Vec::new().into(),
        cors: None,
        binary_media_types: Vec::new().into(),
        auth: "".into(),
        default_payload: match kind {
            ApiKind::Rest => PayloadVersion::V1,
            ApiKind::Http => PayloadVersion::V2,
        },
        location: Location::default(),
    }
}

pub(crate) fn route(method: Method, path: &str, api: &str, function: &str, payload: PayloadVersion) -> Route {
    Route {
        method,
        path: path.to_owned().into(),
        api: api.to_owned().into(),
        function: function.to_owned().into(),
        payload,
        operation_name: None,
        authorizer: None,
        location: Location::default(),
    }
}

/// A model with these APIs and routes, and one function per distinct function id of the routes.
pub(crate) fn model(apis: Vec<Api>, routes: Vec<Route>) -> Model {
    let mut functions: Vec<Function> = Vec::new();
    for r in &routes {
        if !functions.iter().any(|f| f.id == r.function) {
            functions.push(function(&r.function));
        }
    }
    Model {
        source: "test.yaml".into(),
        format: TemplateFormat::Sam,
        functions: functions.into(),
        apis: apis.into(),
        routes: routes.into(),
        warnings: Vec::new().into(),
    }
}
