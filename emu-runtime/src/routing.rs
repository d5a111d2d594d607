//! Route matching with API Gateway's rules, over a table compiled once when the [`App`](crate::App) is built.
//! Static segments beat `{param}` beat `{proxy+}`, an explicit method beats `ANY`, `$default` catches the rest.

use std::cmp::Ordering;

use emu_template::{ApiKind, Method as ModelMethod, Model};
use http::Method;

/// One compiled path segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// A literal segment, compared byte for byte with the raw (still percent-encoded) request segment.
    Static(Box<str>),
    /// `{name}`: exactly one non-empty segment.
    Param(Box<str>),
    /// `{name+}`: one or more segments, the rest of the path.
    Greedy(Box<str>),
}

impl Seg {
    fn rank(&self) -> u8 {
        match self {
            Seg::Static(_) => 0,
            Seg::Param(_) => 1,
            Seg::Greedy(_) => 2,
        }
    }
}

/// A route of the model, ready to match.
#[derive(Debug)]
pub(crate) struct CompiledRoute {
    /// Index into `Model::routes`.
    pub(crate) route: usize,
    /// Index into [`RouteTable::apis`].
    pub(crate) api: usize,
    /// `None` for `ANY`.
    pub(crate) method: Option<Method>,
    /// The path's segments (empty for `/` and for `$default`).
    pub(crate) segs: Box<[Seg]>,
    /// The HTTP API `$default` route.
    pub(crate) is_default: bool,
}

/// An API as the router sees it.
#[derive(Debug)]
pub(crate) struct ApiEntry {
    /// Index into `Model::apis`.
    pub(crate) api: usize,
    /// REST or HTTP.
    pub(crate) kind: ApiKind,
    /// `/{stage}` when the API is served under its stage name.
    pub(crate) prefix: Option<Box<str>>,
    /// Indexes into [`RouteTable::routes`] of this API's routes.
    pub(crate) routes: Vec<usize>,
}

/// Every route of every API, compiled.
#[derive(Debug, Default)]
pub(crate) struct RouteTable {
    pub(crate) apis: Vec<ApiEntry>,
    pub(crate) routes: Vec<CompiledRoute>,
}

/// The result of a successful match.
#[derive(Debug)]
pub(crate) struct Matched<'t, 'p> {
    /// The compiled route.
    pub(crate) route: &'t CompiledRoute,
    /// The request path without the stage prefix (raw, as received).
    pub(crate) path: &'p str,
    /// Path parameters: name and raw (still percent-encoded) value.
    pub(crate) params: Vec<(&'t str, String)>,
}

/// Converts a model method into an `http::Method` (`None` for `ANY`).
pub(crate) fn http_method(m: ModelMethod) -> Option<Method> {
    Some(match m {
        ModelMethod::Any => return None,
        ModelMethod::Get => Method::GET,
        ModelMethod::Head => Method::HEAD,
        ModelMethod::Post => Method::POST,
        ModelMethod::Put => Method::PUT,
        ModelMethod::Patch => Method::PATCH,
        ModelMethod::Delete => Method::DELETE,
        ModelMethod::Options => Method::OPTIONS,
    })
}

/// Splits an API Gateway path template into segments; `None` for `$default`.
pub(crate) fn compile_path(path: &str) -> Option<Box<[Seg]>> {
    if path == "$default" {
        return None;
    }
    let trimmed = path.trim_matches('/');
    if trimmed.is_empty() {
        return Some(Box::new([]));
    }
    Some(
        trimmed
            .split('/')
            .map(|s| {
                if let Some(inner) = s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                    match inner.strip_suffix('+') {
                        Some(name) => Seg::Greedy(name.into()),
                        None => Seg::Param(inner.into()),
                    }
                } else {
                    Seg::Static(s.into())
                }
            })
            .collect(),
    )
}

impl RouteTable {
    /// Compiles the model's routes. `prepend_stage` honours `Api::stage_in_url`.
    pub(crate) fn build(model: &Model, prepend_stage: bool) -> RouteTable {
        let mut table = RouteTable::default();
        for (i, api) in model.apis.iter().enumerate() {
            let prefix = (prepend_stage && api.stage_in_url && api.stage != "$default" && !api.stage.is_empty())
                .then(|| format!("/{}", api.stage).into_boxed_str());
            table.apis.push(ApiEntry { api: i, kind: api.kind, prefix, routes: Vec::new() });
        }
        for (ri, route) in model.routes.iter().enumerate() {
            let Some(ai) = model.apis.iter().position(|a| a.id == route.api) else {
                tracing::warn!(api = %route.api, path = %route.path, "route refers to an API missing from the model; it is not served");
                continue;
            };
            let (segs, is_default) = match compile_path(&route.path) {
                Some(s) => (s, false),
                None => (Box::default(), true),
            };
            let idx = table.routes.len();
            table.routes.push(CompiledRoute {
                route: ri,
                api: ai,
                method: http_method(route.method),
                segs,
                is_default,
            });
            table.apis[ai].routes.push(idx);
        }
        table
    }

    /// The request path relative to `api` (stage prefix removed), or `None` when it is outside the API.
    pub(crate) fn relative<'p>(&self, api: &ApiEntry, raw_path: &'p str) -> Option<&'p str> {
        match &api.prefix {
            None => Some(raw_path),
            Some(p) => {
                let rest = raw_path.strip_prefix(&**p)?;
                if rest.is_empty() {
                    Some("/")
                } else if rest.starts_with('/') {
                    Some(rest)
                } else {
                    None
                }
            }
        }
    }

    /// Finds the route for `method` and the raw (percent-encoded) `raw_path`, across every API.
    pub(crate) fn find<'t, 'p>(&'t self, method: &Method, raw_path: &'p str) -> Option<Matched<'t, 'p>> {
        // (stage prefix length, route, relative path): an API whose stage prefix the path carries wins over one
        // served at the root; then the most specific route; then template order.
        let mut best: Option<(usize, &'t CompiledRoute, &'p str)> = None;
        let mut segs: Vec<&'p str> = Vec::with_capacity(8);
        for api in &self.apis {
            let Some(rel) = self.relative(api, raw_path) else { continue };
            let plen = api.prefix.as_ref().map_or(0, |p| p.len());
            split_segments(rel, &mut segs);
            for &ri in &api.routes {
                let r = &self.routes[ri];
                if let Some(m) = &r.method
                    && m != method
                {
                    continue;
                }
                if !r.is_default && !matches(&r.segs, &segs) {
                    continue;
                }
                if best.is_none_or(|(bl, b, _)| plen.cmp(&bl).reverse().then_with(|| compare(r, b)) == Ordering::Less) {
                    best = Some((plen, r, rel));
                }
            }
        }
        let (_, route, path) = best?;
        split_segments(path, &mut segs);
        let params = capture(route, &segs);
        Some(Matched { route, path, params })
    }

    /// Methods of every non-`$default` route of `api` whose path matches `rel` (`None` entries are `ANY`).
    pub(crate) fn methods_at<'t>(&'t self, api: &ApiEntry, rel: &str) -> Vec<Option<&'t Method>> {
        let mut segs = Vec::with_capacity(8);
        split_segments(rel, &mut segs);
        api.routes
            .iter()
            .map(|&ri| &self.routes[ri])
            .filter(|r| !r.is_default && matches(&r.segs, &segs))
            .map(|r| r.method.as_ref())
            .collect()
    }

    /// The API kind whose error response a request that matched nothing gets.
    ///
    /// The first API (template order) whose stage prefix the path carries, else the first API; REST when there is none.
    pub(crate) fn miss_kind(&self, raw_path: &str) -> ApiKind {
        self.apis
            .iter()
            .find(|a| a.prefix.is_some() && self.relative(a, raw_path).is_some())
            .or_else(|| self.apis.iter().find(|a| a.prefix.is_none()))
            .or(self.apis.first())
            .map_or(ApiKind::Rest, |a| a.kind)
    }
}

/// Splits a raw path into its segments; a single trailing slash is ignored, as API Gateway does.
fn split_segments<'p>(path: &'p str, out: &mut Vec<&'p str>) {
    out.clear();
    let p = path.strip_prefix('/').unwrap_or(path);
    let p = p.strip_suffix('/').unwrap_or(p);
    if !p.is_empty() {
        out.extend(p.split('/'));
    }
}

fn matches(route: &[Seg], req: &[&str]) -> bool {
    let mut i = 0;
    for seg in route {
        match seg {
            Seg::Static(s) => {
                if req.get(i) != Some(&&**s) {
                    return false;
                }
            }
            Seg::Param(_) => match req.get(i) {
                Some(v) if !v.is_empty() => {}
                _ => return false,
            },
            Seg::Greedy(_) => {
                // One or more characters: `/a/{proxy+}` does not match `/a` or `/a/`.
                return req.len() > i && req[i..].iter().any(|s| !s.is_empty());
            }
        }
        i += 1;
    }
    i == req.len()
}

fn capture<'t>(route: &'t CompiledRoute, req: &[&str]) -> Vec<(&'t str, String)> {
    let mut out = Vec::new();
    for (i, seg) in route.segs.iter().enumerate() {
        match seg {
            Seg::Static(_) => {}
            Seg::Param(name) => out.push((&**name, req.get(i).copied().unwrap_or_default().to_owned())),
            Seg::Greedy(name) => {
                out.push((&**name, req.get(i..).map(|r| r.join("/")).unwrap_or_default()));
                break;
            }
        }
    }
    out
}

/// `Less` when `a` is the more specific route.
fn compare(a: &CompiledRoute, b: &CompiledRoute) -> Ordering {
    a.is_default
        .cmp(&b.is_default)
        .then_with(|| {
            for (x, y) in a.segs.iter().zip(b.segs.iter()) {
                let o = x.rank().cmp(&y.rank());
                if o != Ordering::Equal {
                    return o;
                }
            }
            // Same shape so far: the longer static prefix is more specific.
            b.segs.len().cmp(&a.segs.len())
        })
        .then_with(|| a.method.is_none().cmp(&b.method.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use emu_template::{Api, Model, Route};
    use emu_template::{Method as M, PayloadVersion};

    fn table(routes: &[(M, &str)]) -> (Model, RouteTable) {
        let m = Model::from_routes(
            vec![Api::new("Rest", ApiKind::Rest)],
            routes.iter().map(|(me, p)| Route::new(*me, *p, "Rest", "F", PayloadVersion::V1)).collect(),
        );
        let t = RouteTable::build(&m, true);
        (m, t)
    }

    fn hit<'a>(m: &'a Model, t: &RouteTable, method: Method, path: &str) -> Option<(&'a str, &'static str)> {
        t.find(&method, path).map(|x| {
            let r = &m.routes[x.route.route];
            (&*r.path, r.method.as_str())
        })
    }

    #[test]
    fn static_beats_param_beats_greedy() {
        let (m, t) = table(&[(M::Get, "/dogs/{id}"), (M::Get, "/dogs/new"), (M::Get, "/{proxy+}")]);
        assert_eq!(hit(&m, &t, Method::GET, "/dogs/new"), Some(("/dogs/new", "GET")));
        assert_eq!(hit(&m, &t, Method::GET, "/dogs/7"), Some(("/dogs/{id}", "GET")));
        assert_eq!(hit(&m, &t, Method::GET, "/cats/7"), Some(("/{proxy+}", "GET")));
        assert_eq!(hit(&m, &t, Method::GET, "/dogs/7/x"), Some(("/{proxy+}", "GET")));
    }

    #[test]
    fn explicit_method_beats_any_and_any_matches_everything() {
        let (m, t) = table(&[(M::Any, "/pets"), (M::Post, "/pets")]);
        assert_eq!(hit(&m, &t, Method::POST, "/pets"), Some(("/pets", "POST")));
        assert_eq!(hit(&m, &t, Method::DELETE, "/pets"), Some(("/pets", "ANY")));
        assert_eq!(hit(&m, &t, Method::from_bytes(b"PURGE").unwrap(), "/pets"), Some(("/pets", "ANY")));
    }

    #[test]
    fn greedy_needs_at_least_one_character() {
        let (m, t) = table(&[(M::Get, "/a/{proxy+}")]);
        assert_eq!(hit(&m, &t, Method::GET, "/a"), None);
        assert_eq!(hit(&m, &t, Method::GET, "/a/"), None);
        let x = t.find(&Method::GET, "/a/b/c").unwrap();
        assert_eq!(x.params, vec![("proxy", "b/c".to_owned())]);
    }

    #[test]
    fn percent_encoded_slash_stays_in_one_segment() {
        let (m, t) = table(&[(M::Get, "/id/{id}")]);
        let x = t.find(&Method::GET, "/id/a%2Fb").unwrap();
        assert_eq!(x.params, vec![("id", "a%2Fb".to_owned())]);
        assert_eq!(hit(&m, &t, Method::GET, "/id/a/b"), None);
    }

    #[test]
    fn trailing_slash_is_ignored_and_head_is_not_get() {
        let (m, t) = table(&[(M::Get, "/hello"), (M::Get, "/")]);
        assert_eq!(hit(&m, &t, Method::GET, "/hello/"), Some(("/hello", "GET")));
        assert_eq!(hit(&m, &t, Method::GET, "/"), Some(("/", "GET")));
        assert_eq!(hit(&m, &t, Method::HEAD, "/hello"), None);
        assert_eq!(hit(&m, &t, Method::GET, "/Hello"), None, "paths are case-sensitive");
    }

    #[test]
    fn params_need_a_non_empty_segment() {
        let (m, t) = table(&[(M::Get, "/a/{id}/b")]);
        assert_eq!(hit(&m, &t, Method::GET, "/a//b"), None);
        assert!(hit(&m, &t, Method::GET, "/a/1/b").is_some());
    }

    #[test]
    fn http_default_route_catches_the_rest_of_its_api() {
        let m = Model::from_routes(
            vec![Api::new("Http", ApiKind::Http)],
            vec![
                Route::new(M::Get, "/pets", "Http", "F", PayloadVersion::V2),
                Route::new(M::Any, "$default", "Http", "G", PayloadVersion::V2),
            ],
        );
        let t = RouteTable::build(&m, true);
        assert_eq!(hit(&m, &t, Method::GET, "/pets"), Some(("/pets", "GET")));
        assert_eq!(hit(&m, &t, Method::POST, "/pets"), Some(("$default", "ANY")));
        assert_eq!(hit(&m, &t, Method::GET, "/"), Some(("$default", "ANY")));
        assert_eq!(hit(&m, &t, Method::GET, "/x/y/z"), Some(("$default", "ANY")));
    }

    #[test]
    fn stage_prefix_is_required_when_stage_in_url_and_can_be_turned_off() {
        let mut a = Api::new("Rest", ApiKind::Rest);
        a.stage = "dev".into();
        a.stage_in_url = true;
        let m = Model::from_routes(vec![a], vec![Route::new(M::Get, "/hello", "Rest", "F", PayloadVersion::V1)]);
        let t = RouteTable::build(&m, true);
        assert!(t.find(&Method::GET, "/hello").is_none());
        let x = t.find(&Method::GET, "/dev/hello").unwrap();
        assert_eq!(x.path, "/hello");
        assert!(t.find(&Method::GET, "/devhello").is_none());
        let t = RouteTable::build(&m, false);
        assert!(t.find(&Method::GET, "/hello").is_some());
    }

    #[test]
    fn several_apis_most_specific_wins_then_template_order() {
        let m = Model::from_routes(
            vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)],
            vec![
                Route::new(M::Any, "/{proxy+}", "Rest", "A", PayloadVersion::V1),
                Route::new(M::Get, "/users/{id}", "Http", "B", PayloadVersion::V2),
                Route::new(M::Get, "/same", "Rest", "C", PayloadVersion::V1),
                Route::new(M::Get, "/same", "Http", "D", PayloadVersion::V2),
                Route::new(M::Any, "$default", "Http", "E", PayloadVersion::V2),
            ],
        );
        let t = RouteTable::build(&m, true);
        let f = |p: &str| m.routes[t.find(&Method::GET, p).unwrap().route.route].function.to_string();
        assert_eq!(f("/users/1"), "B");
        assert_eq!(f("/other"), "A");
        assert_eq!(f("/same"), "C");
        assert_eq!(t.miss_kind("/x"), ApiKind::Rest);
    }

    #[test]
    fn an_api_under_its_stage_prefix_wins_over_root_apis() {
        let mut staged = Api::new("Staged", ApiKind::Http);
        staged.stage = "v2".into();
        staged.stage_in_url = true;
        let m = Model::from_routes(
            vec![Api::new("Rest", ApiKind::Rest), staged],
            vec![
                Route::new(M::Any, "/{proxy+}", "Rest", "A", PayloadVersion::V1),
                Route::new(M::Any, "$default", "Staged", "B", PayloadVersion::V2),
            ],
        );
        let t = RouteTable::build(&m, true);
        let f = |p: &str| m.routes[t.find(&Method::GET, p).unwrap().route.route].function.to_string();
        assert_eq!(f("/v2/anything"), "B");
        assert_eq!(f("/v2"), "B");
        assert_eq!(f("/v3"), "A");
        assert_eq!(t.miss_kind("/v2"), ApiKind::Http);
    }
}
