//! Renders a model's route table for people (aligned text) and tools (JSON): the `routes` example and the dev
//! server's `--list-routes` print exactly this, so what the macro will generate can be checked either way.
//!
//! A function is shown by its id (what `lambda_app!` binds), followed by its CloudFormation logical id in
//! parentheses where that is not the id's last part (CDK construct ids); the JSON adds `logical_id` and
//! `function_name` (the deployed `FunctionName`, by which SAM CLI names some functions).

use crate::integration::Integration;
use crate::model::{Model, Route};

/// The function as the table shows it: `HelloWorldFunction (helloworldfunctionFDE57595)` for a CDK construct id,
/// else the id (`GetDog`, `Child/GetDog`).
pub fn function_label(model: &Model, id: &str) -> String {
    match model.function(id) {
        Some(f) if !(f.id == f.logical_id || f.id.ends_with(&format!("/{}", f.logical_id))) => {
            format!("{} ({})", f.id, f.logical_id)
        }
        _ => id.to_owned(),
    }
}

/// What serves a route as the table shows it: its function ([`function_label`]), `Fn [AWS]` for a non-proxy
/// Lambda integration, `(mock)` for a MOCK integration.
pub fn route_target_label(model: &Model, r: &Route) -> String {
    match &r.integration {
        Integration::LambdaProxy { function } => function_label(model, function),
        Integration::Lambda { function, .. } => format!("{} [AWS]", function_label(model, function)),
        Integration::Mock { .. } => "(mock)".to_owned(),
    }
}

/// One route as the table shows it: method, path, function, API, type, payload, stage.
fn row(model: &Model, r: &Route) -> [String; 7] {
    let api = model.api(&r.api);
    [
        r.method.as_str().to_owned(),
        r.path.to_string(),
        route_target_label(model, r),
        r.api.to_string(),
        api.map_or("?", |a| a.kind.as_str()).to_owned(),
        r.payload.as_str().to_owned(),
        api.map_or(String::new(), |a| a.stage.to_string()),
    ]
}

/// Each warning as `file:line:column: message`.
pub(crate) fn warning_lines(model: &Model) -> Vec<String> {
    model.warnings.iter().map(|w| format!("{}:{}: {}", model.source, w.location, w.message)).collect()
}

/// The route table as aligned text with a header row, then `warning: ...` lines.
pub fn routes_table(model: &Model) -> String {
    let header = ["METHOD", "PATH", "FUNCTION", "API", "TYPE", "PAYLOAD", "STAGE"].map(String::from);
    let rows: Vec<[String; 7]> = model.routes.iter().map(|r| row(model, r)).collect();
    let mut widths = header.clone().map(|h| h.len());
    for r in &rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(cell.len());
        }
    }
    let mut out = String::new();
    for r in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = r.iter().zip(widths).map(|(c, w)| format!("{c:<w$}")).collect();
        out.push_str(line.join("  ").trim_end());
        out.push('\n');
    }
    if rows.is_empty() {
        out.push_str("(no routes)\n");
    }
    for w in warning_lines(model) {
        out.push_str("warning: ");
        out.push_str(&w);
        out.push('\n');
    }
    out
}

/// `{"routes": [{"method", "path", "function" (null for a mock), "integration" (`AWS_PROXY`, `AWS`, `MOCK`), "api", "api_type", "payload_format_version", "stage", "logical_id",
/// "function_name"}], "warnings": [...]}` with routes sorted by path then method, followed by a newline.
pub fn routes_json(model: &Model) -> String {
    let mut routes: Vec<&Route> = model.routes.iter().collect();
    routes.sort_by(|a, b| a.path.cmp(&b.path).then(a.method.as_str().cmp(b.method.as_str())));
    let routes: Vec<serde_json::Value> = routes
        .into_iter()
        .map(|r| {
            let [method, path, _, api, api_type, payload, stage] = row(model, r);
            let f = r.function().and_then(|id| model.function(id));
            serde_json::json!({
                "method": method, "path": path, "function": r.function(), "integration": r.integration.as_str(),
                "api": api,
                "api_type": api_type, "payload_format_version": payload, "stage": stage,
                "logical_id": f.map(|f| f.logical_id.to_string()),
                "function_name": f.map(|f| f.name.to_string()),
            })
        })
        .collect();
    let mut text = serde_json::json!({ "routes": routes, "warnings": warning_lines(model) }).to_string();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ReadOptions, read_str};
    use std::path::Path;

    const TEMPLATE: &str = "Transform: AWS::Serverless-2016-10-31\nResources:\n  Get:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: bootstrap\n      Events:\n        A: {Type: Api, Properties: {Path: /b, Method: post}}\n        B: {Type: HttpApi, Properties: {Path: /a, Method: get}}\n";

    #[test]
    fn json_is_sorted_and_complete() {
        let model = read_str(TEMPLATE, Path::new("t.yaml"), &ReadOptions::default()).unwrap().model;
        let v: serde_json::Value = serde_json::from_str(&routes_json(&model)).unwrap();
        assert_eq!(v["routes"][0]["path"], "/a");
        assert_eq!(v["routes"][0]["api_type"], "HTTP");
        assert_eq!(v["routes"][0]["payload_format_version"], "2.0");
        assert_eq!(v["routes"][0]["stage"], "$default");
        assert_eq!(v["routes"][1]["api"], "ServerlessRestApi");
        assert_eq!(v["routes"][1]["stage"], "Prod");
        assert_eq!(v["warnings"], serde_json::json!([]));
    }

    #[test]
    fn table_has_a_header_and_aligned_rows() {
        let model = read_str(TEMPLATE, Path::new("t.yaml"), &ReadOptions::default()).unwrap().model;
        let table = routes_table(&model);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("METHOD  PATH  FUNCTION"), "{table}");
        assert!(lines[1].starts_with("GET     /a    Get"), "{table}");
        assert_eq!(lines.len(), 3);
    }
}
