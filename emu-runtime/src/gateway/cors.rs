//! CORS as API Gateway applies it: REST `Cors` is a mock OPTIONS method per resource (actual responses untouched);
//! HTTP API `CorsConfiguration` answers preflights itself and adds headers to every response whose Origin is allowed.

use axum::body::Body;
use emu_template::{ApiKind, Cors};
use http::{HeaderMap, HeaderName, HeaderValue, Method, Response, StatusCode, header};

use crate::gateway::routes::{CompiledApi, Routes};

/// A CORS configuration with its header values precomputed.
#[derive(Debug)]
pub(crate) struct CorsData {
    allow_origins: Vec<String>,
    any_origin: bool,
    allow_methods: Option<HeaderValue>,
    allow_headers: Option<HeaderValue>,
    expose_headers: Option<HeaderValue>,
    max_age: Option<HeaderValue>,
    credentials: bool,
}

fn joined(list: &[emu_template::Str]) -> Option<HeaderValue> {
    if list.is_empty() {
        return None;
    }
    let s = list.iter().map(|s| s.trim()).collect::<Vec<_>>().join(",");
    HeaderValue::from_str(&s).ok()
}

const ALL_METHODS: &str = "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT";

impl CorsData {
    /// Precomputes `cors`.
    pub(crate) fn new(cors: &Cors) -> CorsData {
        CorsData {
            any_origin: cors.allow_origins.iter().any(|o| o == "*"),
            allow_origins: cors.allow_origins.iter().map(|o| o.trim().to_ascii_lowercase()).collect(),
            allow_methods: if cors.allow_methods.iter().any(|m| m == "*") {
                Some(HeaderValue::from_static("*"))
            } else {
                joined(&cors.allow_methods)
            },
            allow_headers: joined(&cors.allow_headers),
            expose_headers: joined(&cors.expose_headers),
            max_age: cors.max_age.map(HeaderValue::from),
            credentials: cors.allow_credentials,
        }
    }

    /// The `Access-Control-Allow-Origin` value for a request from `origin`, when that origin is allowed.
    fn allowed_origin(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        let origin = origin?;
        let o = origin.to_str().ok()?.trim().to_ascii_lowercase();
        if self.any_origin {
            // With credentials a browser refuses `*`, so API Gateway echoes the origin.
            return Some(if self.credentials { origin.clone() } else { HeaderValue::from_static("*") });
        }
        self.allow_origins.contains(&o).then(|| origin.clone())
    }

    /// REST: the response of SAM's mock OPTIONS integration (200, empty body, the configured headers).
    ///
    /// `methods` are the methods of the resource's routes (`None` = ANY), used when `AllowMethods` is not set.
    pub(crate) fn rest_preflight(&self, methods: &[Option<&Method>]) -> Response<Body> {
        let mut res = Response::new(Body::empty());
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        let origin = self.allow_origins.first().map_or("*", String::as_str);
        if let Ok(v) = HeaderValue::from_str(if self.any_origin { "*" } else { origin }) {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, v);
        }
        let methods_value = self.allow_methods.clone().unwrap_or_else(|| {
            if methods.iter().any(Option::is_none) {
                return HeaderValue::from_static(ALL_METHODS);
            }
            let mut names: Vec<&str> = methods.iter().flatten().map(|m| m.as_str()).collect();
            names.push("OPTIONS");
            names.sort_unstable();
            names.dedup();
            HeaderValue::from_str(&names.join(",")).unwrap_or(HeaderValue::from_static(ALL_METHODS))
        });
        h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, methods_value);
        self.common(h);
        res
    }

    /// HTTP API: API Gateway's own preflight answer (204; CORS headers only when the Origin is allowed).
    pub(crate) fn http_preflight(&self, req: &HeaderMap) -> Response<Body> {
        let mut res = Response::new(Body::empty());
        *res.status_mut() = StatusCode::NO_CONTENT;
        if let Some(origin) = self.allowed_origin(req.get(header::ORIGIN)) {
            let h = res.headers_mut();
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            if let Some(m) = &self.allow_methods {
                h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, m.clone());
            }
            self.common(h);
        }
        res
    }

    /// HTTP API: replaces the function's `Access-Control-*` headers with the configured ones when the Origin is allowed.
    pub(crate) fn http_actual(&self, req: &HeaderMap, res: &mut HeaderMap) {
        let Some(origin) = self.allowed_origin(req.get(header::ORIGIN)) else { return };
        let cors_names: Vec<HeaderName> =
            res.keys().filter(|n| n.as_str().starts_with("access-control-")).cloned().collect();
        for n in cors_names {
            res.remove(n);
        }
        res.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
        if let Some(e) = &self.expose_headers {
            res.insert(header::ACCESS_CONTROL_EXPOSE_HEADERS, e.clone());
        }
        if self.credentials {
            res.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        }
    }

    fn common(&self, h: &mut HeaderMap) {
        if let Some(v) = &self.allow_headers {
            h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, v.clone());
        }
        if let Some(v) = &self.max_age {
            h.insert(header::ACCESS_CONTROL_MAX_AGE, v.clone());
        }
        if self.credentials {
            h.insert(header::ACCESS_CONTROL_ALLOW_CREDENTIALS, HeaderValue::from_static("true"));
        }
    }
}

/// Answers a CORS preflight the way the API's type does, when one applies: REST gets SAM's mock `OPTIONS` method
/// on each resource that declares none; HTTP APIs answer every preflight (`OPTIONS` with `Origin` and
/// `Access-Control-Request-Method`) themselves.
pub(crate) fn preflight<'r, 'p>(
    routes: &'r Routes,
    method: &Method,
    headers: &HeaderMap,
    raw_path: &'p str,
) -> Option<(Response<Body>, &'r CompiledApi, &'p str)> {
    if method != Method::OPTIONS {
        return None;
    }
    for api in routes.apis() {
        let Some(cors) = &api.cors else { continue };
        let Some(rel) = api.relative(raw_path) else { continue };
        match api.kind {
            ApiKind::Rest => {
                let methods = api.methods_at(rel);
                if !methods.is_empty() && !methods.contains(&Some(&Method::OPTIONS)) {
                    return Some((cors.rest_preflight(&methods), api, rel));
                }
            }
            ApiKind::Http => {
                if is_preflight(method, headers) {
                    return Some((cors.http_preflight(headers), api, rel));
                }
            }
        }
    }
    None
}

/// Whether a request is a CORS preflight (OPTIONS with `Origin` and `Access-Control-Request-Method`).
fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS
        && headers.contains_key(header::ORIGIN)
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cors(origins: &[&'static str]) -> Cors {
        Cors {
            allow_origins: origins.iter().map(|o| (*o).into()).collect::<Vec<_>>().into(),
            allow_methods: vec!["GET".into(), "POST".into()].into(),
            allow_headers: vec!["Content-Type".into(), "X-Api-Key".into()].into(),
            expose_headers: vec!["X-Total".into()].into(),
            allow_credentials: false,
            max_age: Some(600),
        }
    }

    fn req(origin: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ORIGIN, origin.parse().unwrap());
        h.insert(header::ACCESS_CONTROL_REQUEST_METHOD, "GET".parse().unwrap());
        h
    }

    #[test]
    fn rest_preflight_uses_configured_or_resource_methods() {
        let c = CorsData::new(&cors(&["*"]));
        let r = c.rest_preflight(&[Some(&Method::GET)]);
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["access-control-allow-origin"], "*");
        assert_eq!(r.headers()["access-control-allow-methods"], "GET,POST");
        assert_eq!(r.headers()["access-control-allow-headers"], "Content-Type,X-Api-Key");
        assert_eq!(r.headers()["access-control-max-age"], "600");
        let mut no_methods = cors(&["https://a.com"]);
        no_methods.allow_methods = Vec::new().into();
        let c = CorsData::new(&no_methods);
        let r = c.rest_preflight(&[Some(&Method::GET), Some(&Method::POST)]);
        assert_eq!(r.headers()["access-control-allow-methods"], "GET,OPTIONS,POST");
        assert_eq!(r.headers()["access-control-allow-origin"], "https://a.com");
        let r = c.rest_preflight(&[None]);
        assert_eq!(r.headers()["access-control-allow-methods"], ALL_METHODS);
    }

    #[test]
    fn http_preflight_only_echoes_allowed_origins() {
        let c = CorsData::new(&cors(&["https://a.com"]));
        let r = c.http_preflight(&req("https://a.com"));
        assert_eq!(r.status(), 204);
        assert_eq!(r.headers()["access-control-allow-origin"], "https://a.com");
        let r = c.http_preflight(&req("https://evil.com"));
        assert_eq!(r.status(), 204);
        assert!(r.headers().get("access-control-allow-origin").is_none());
    }

    #[test]
    fn http_actual_response_gets_configured_headers_only_for_allowed_origins() {
        let c = CorsData::new(&cors(&["*"]));
        let mut res = HeaderMap::new();
        res.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, "https://from-function".parse().unwrap());
        c.http_actual(&req("https://x.com"), &mut res);
        assert_eq!(res["access-control-allow-origin"], "*");
        assert_eq!(res["access-control-expose-headers"], "X-Total");
        let mut res = HeaderMap::new();
        c.http_actual(&HeaderMap::new(), &mut res);
        assert!(res.is_empty(), "no Origin, no CORS headers");
    }

    #[test]
    fn preflight_needs_origin_and_request_method() {
        assert!(is_preflight(&Method::OPTIONS, &req("https://a.com")));
        assert!(!is_preflight(&Method::OPTIONS, &HeaderMap::new()));
        assert!(!is_preflight(&Method::GET, &req("https://a.com")));
    }
}
