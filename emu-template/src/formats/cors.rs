//! CORS settings of API resources: REST API `Cors` (single-quoted strings) and HTTP API `CorsConfiguration` (lists).
//! Shared by the SAM and plain CloudFormation readers.

use serde_json::Value as Json;

use crate::context::Reader;
use crate::intrinsics::{is_placeholder, json_text};
use crate::model::{Cors, List, Location, Str};

/// Parses a REST API `Cors` value (string `"'*'"` or object of single-quoted strings).
pub(crate) fn rest_cors(reader: &mut Reader<'_>, v: &Json, id: &str, at: Location) -> Option<Cors> {
    let mut cors = Cors { allow_methods: vec!["*".into()].into(), ..Cors::default() };
    let quoted = |reader: &mut Reader<'_>, key: &str, v: &Json| -> Option<String> {
        let text = json_text(v)?;
        if is_placeholder(&text) {
            reader.diags.warn(at, format!("Cors.{key} of {id} cannot be resolved locally; ignored"));
            return None;
        }
        match text.strip_prefix('\'').and_then(|t| t.strip_suffix('\'').or(Some(t))) {
            Some(inner) => Some(inner.trim_end_matches('\'').to_string()),
            None => {
                reader.diags.invalid(
                    at,
                    format!("Cors.{key} of {id}"),
                    format!("a single-quoted string such as \"'{text}'\""),
                );
                None
            }
        }
    };
    match v {
        Json::String(_) => {
            let origin = quoted(reader, "AllowOrigin", v)?;
            cors.allow_origins = vec![origin.into()].into();
        }
        Json::Object(map) => {
            if let Some(o) = map.get("AllowOrigin").and_then(|o| quoted(reader, "AllowOrigin", o)) {
                cors.allow_origins = vec![o.into()].into();
            }
            if let Some(m) = map.get("AllowMethods").and_then(|m| quoted(reader, "AllowMethods", m)) {
                cors.allow_methods = split_list(&m, true);
            }
            if let Some(h) = map.get("AllowHeaders").and_then(|h| quoted(reader, "AllowHeaders", h)) {
                cors.allow_headers = split_list(&h, false);
            }
            cors.allow_credentials = map
                .get("AllowCredentials")
                .is_some_and(|c| json_text(c).is_some_and(|t| t.trim_matches('\'') == "true"));
            cors.max_age = map.get("MaxAge").and_then(json_text).and_then(|t| t.trim_matches('\'').parse().ok());
        }
        _ => {
            reader.diags.invalid(at, format!("Cors of {id}"), "a quoted origin string or a mapping");
            return None;
        }
    }
    Some(cors)
}

fn split_list(text: &str, upper: bool) -> List<Str> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| if upper { s.to_ascii_uppercase() } else { s.to_string() }.into())
        .collect::<Vec<_>>()
        .into()
}

/// Parses an HTTP API `CorsConfiguration` (`true` or an object of lists).
pub(crate) fn http_cors(reader: &mut Reader<'_>, v: &Json, id: &str, at: Location) -> Option<Cors> {
    let list = |v: Option<&Json>, upper: bool| -> List<Str> {
        match v {
            Some(Json::Array(items)) => items
                .iter()
                .filter_map(json_text)
                .map(|s| if upper { s.to_ascii_uppercase() } else { s }.into())
                .collect::<Vec<_>>()
                .into(),
            Some(other) => json_text(other).map(|s| split_list(&s, upper)).unwrap_or_default(),
            None => Vec::new().into(),
        }
    };
    match v {
        Json::Bool(true) => Some(Cors {
            allow_origins: vec!["*".into()].into(),
            allow_methods: vec!["*".into()].into(),
            ..Cors::default()
        }),
        Json::Bool(false) | Json::Null => None,
        Json::String(s) if s == "true" => Some(Cors {
            allow_origins: vec!["*".into()].into(),
            allow_methods: vec!["*".into()].into(),
            ..Cors::default()
        }),
        Json::Object(map) => Some(Cors {
            allow_origins: list(map.get("AllowOrigins"), false),
            allow_methods: list(map.get("AllowMethods"), true),
            allow_headers: list(map.get("AllowHeaders"), false),
            expose_headers: list(map.get("ExposeHeaders"), false),
            allow_credentials: map.get("AllowCredentials").is_some_and(|c| json_text(c).is_some_and(|t| t == "true")),
            max_age: map.get("MaxAge").and_then(json_text).and_then(|t| t.parse().ok()),
        }),
        _ => {
            reader.diags.invalid(at, format!("CorsConfiguration of {id}"), "true or a mapping");
            None
        }
    }
}
