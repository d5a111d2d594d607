//! The compiled APIs and routes of an app, and route matching with API Gateway's rules. Each API owns its routes;
//! static segments beat `{param}` beat `{proxy+}`, an explicit method beats `ANY`, `$default` catches the rest.

use std::cmp::Ordering;

use emu_template::{ApiKind, DEFAULT_ROUTE, Method as ModelMethod, Model, PayloadVersion, RouteAuth};
use http::Method;

use crate::gateway::auth::AuthorizerId;
use crate::gateway::cors::CorsData;
use crate::gateway::events::{ApiData, RouteData};
use crate::gateway::integrations::CompiledIntegration;
use crate::gateway::responses::ResponseFormat;
use crate::lambda::{FunctionId, LambdaService};

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

/// What a route's path matches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum RoutePath {
    /// The HTTP API `$default` route: any path of its API.
    Default,
    /// A path template's segments (empty for `/`).
    Segments(Box<[Seg]>),
}

impl RoutePath {
    /// Compiles an API Gateway path template (`/dogs/{id}`, `/{proxy+}`) or `$default`.
    pub(crate) fn compile(path: &str) -> RoutePath {
        if path == DEFAULT_ROUTE {
            return RoutePath::Default;
        }
        let trimmed = path.trim_matches('/');
        if trimmed.is_empty() {
            return RoutePath::Segments(Box::new([]));
        }
        RoutePath::Segments(
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
}

/// A route, with everything the request path needs about it.
#[derive(Debug)]
pub(crate) struct CompiledRoute {
    /// The method as the template says it (`ANY` included), for logs and listings.
    pub(crate) model_method: ModelMethod,
    /// `None` for `ANY`.
    pub(crate) method: Option<Method>,
    /// What the path matches.
    pub(crate) path: RoutePath,
    /// `resource`, `routeKey` and the other per-route fields of the event.
    pub(crate) event: RouteData,
    /// The payload format version the function gets.
    pub(crate) payload: PayloadVersion,
    /// How the function's output is read.
    pub(crate) format: ResponseFormat,
    /// The logical id of the function the template points this route to.
    pub(crate) target: Box<str>,
    /// That function in the Lambda service; `None` when the template has no such function, and for a mock.
    pub(crate) function: Option<FunctionId>,
    /// How the route is served: Lambda proxy, non-proxy Lambda or MOCK, with its compiled mapping.
    pub(crate) integration: CompiledIntegration,
    /// Who may call it: the template's authorization, API key and scopes.
    pub(crate) auth: RouteAuth,
    /// Its authorizer, when it has one (`Authorization::Authorizer`).
    pub(crate) authorizer: Option<AuthorizerId>,
    /// `auth.scopes` as the token checks take them, made once.
    pub(crate) scopes: Vec<String>,
    /// REST: the request validator, when one applies and checks something.
    pub(crate) validation: Option<crate::gateway::validation::RouteValidator>,
}

impl CompiledRoute {
    fn is_default(&self) -> bool {
        self.path == RoutePath::Default
    }

    fn segs(&self) -> &[Seg] {
        match &self.path {
            RoutePath::Default => &[],
            RoutePath::Segments(s) => s,
        }
    }
}

/// An API, with its routes and everything the request path needs about it.
#[derive(Debug)]
pub(crate) struct CompiledApi {
    /// The template's logical id.
    pub(crate) logical_id: Box<str>,
    /// REST or HTTP.
    pub(crate) kind: ApiKind,
    /// `/{stage}` when the API is served under its stage name.
    pub(crate) prefix: Option<Box<str>>,
    /// The per-API fields of the event.
    pub(crate) event: ApiData,
    /// Its CORS configuration, precomputed.
    pub(crate) cors: Option<CorsData>,
    /// Its routes, in template order.
    pub(crate) routes: Vec<CompiledRoute>,
    /// The authorizer CORS preflights go through (SAM's `AddDefaultAuthorizerToCorsPreflight`).
    pub(crate) preflight_authorizer: Option<AuthorizerId>,
    /// CORS preflights need an API key (SAM's `AddApiKeyRequiredToCorsPreflight`).
    pub(crate) preflight_api_key: bool,
}

impl CompiledApi {
    /// The request path relative to this API (stage prefix removed), or `None` when it is outside the API.
    pub(crate) fn relative<'p>(&self, raw_path: &'p str) -> Option<&'p str> {
        match &self.prefix {
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

    /// The first non-`$default` route of this API whose path matches `rel`, whatever its method.
    pub(crate) fn route_at(&self, rel: &str) -> Option<&CompiledRoute> {
        let mut segs = Vec::with_capacity(8);
        split_segments(rel, &mut segs);
        self.routes.iter().find(|r| !r.is_default() && matches(r.segs(), &segs))
    }

    /// Methods of every non-`$default` route of this API whose path matches `rel` (`None` entries are `ANY`).
    pub(crate) fn methods_at(&self, rel: &str) -> Vec<Option<&Method>> {
        let mut segs = Vec::with_capacity(8);
        split_segments(rel, &mut segs);
        self.routes.iter().filter(|r| !r.is_default() && matches(r.segs(), &segs)).map(|r| r.method.as_ref()).collect()
    }
}

/// The result of a successful match.
#[derive(Debug)]
pub(crate) struct Matched<'t, 'p> {
    /// The API of the route.
    pub(crate) api: &'t CompiledApi,
    /// The route.
    pub(crate) route: &'t CompiledRoute,
    /// The request path without the stage prefix (raw, as received).
    pub(crate) path: &'p str,
    /// Path parameters: name and raw (still percent-encoded) value.
    pub(crate) params: Vec<(&'t str, String)>,
}

/// Every API of the app with its routes, compiled once when the app is built.
#[derive(Debug, Default)]
pub(crate) struct Routes {
    apis: Vec<CompiledApi>,
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

impl Routes {
    /// Compiles the model's APIs and routes; `prepend_stage` honours `Api::stage_in_url`, `lambda` resolves targets.
    pub(crate) fn build(model: &Model, lambda: &LambdaService, prepend_stage: bool) -> Routes {
        let mut apis: Vec<CompiledApi> = model
            .apis
            .iter()
            .map(|api| CompiledApi {
                logical_id: api.id.as_ref().into(),
                kind: api.kind,
                prefix: (prepend_stage && api.stage_in_url && !api.is_default_stage())
                    .then(|| format!("/{}", api.stage).into_boxed_str()),
                event: ApiData::new(api),
                cors: api.cors.as_ref().map(CorsData::new),
                routes: Vec::new(),
                preflight_authorizer: api
                    .preflight_authorizer
                    .as_deref()
                    .and_then(|name| AuthorizerId::of(model, &api.id, name)),
                preflight_api_key: api.preflight_api_key,
            })
            .collect();
        let validators = crate::gateway::validation::Validators::compile(model);
        for route in model.routes.iter() {
            let Some(api) = apis.iter_mut().find(|a| *a.logical_id == *route.api) else {
                tracing::warn!(api = %route.api, path = %route.path, "route refers to an API missing from the model; it is not served");
                continue;
            };
            api.routes.push(CompiledRoute {
                model_method: route.method,
                method: http_method(route.method),
                path: RoutePath::compile(&route.path),
                event: RouteData::new(route),
                payload: route.payload,
                format: ResponseFormat::of(api.kind, route.payload),
                target: route.function().unwrap_or("(mock)").into(),
                function: route.function().and_then(|f| lambda.by_logical_id(f)),
                integration: CompiledIntegration::new(&route.integration),
                auth: route.auth.clone(),
                scopes: route.auth.scopes.iter().map(|s| s.to_string()).collect(),
                authorizer: route.auth.authorizer().and_then(|name| AuthorizerId::of(model, &route.api, name)),
                validation: match api.kind {
                    ApiKind::Rest => validators.for_route(route),
                    ApiKind::Http => None,
                },
            });
        }
        Routes { apis }
    }

    /// Every API, in template order.
    pub(crate) fn apis(&self) -> &[CompiledApi] {
        &self.apis
    }

    /// The API with logical id `id`.
    pub(crate) fn api_by_logical_id(&self, id: &str) -> Option<&CompiledApi> {
        self.apis.iter().find(|a| *a.logical_id == *id)
    }

    /// Finds the route for `method` and the raw (percent-encoded) `raw_path`, across every API.
    pub(crate) fn find<'t, 'p>(&'t self, method: &Method, raw_path: &'p str) -> Option<Matched<'t, 'p>> {
        // (stage prefix length, API, route, relative path): an API whose stage prefix the path carries wins over
        // one served at the root; then the most specific route; then template order.
        let mut best: Option<(usize, &'t CompiledApi, &'t CompiledRoute, &'p str)> = None;
        let mut segs: Vec<&'p str> = Vec::with_capacity(8);
        for api in &self.apis {
            let Some(rel) = api.relative(raw_path) else { continue };
            let plen = api.prefix.as_ref().map_or(0, |p| p.len());
            split_segments(rel, &mut segs);
            for r in &api.routes {
                if let Some(m) = &r.method
                    && m != method
                {
                    continue;
                }
                if !r.is_default() && !matches(r.segs(), &segs) {
                    continue;
                }
                if best
                    .is_none_or(|(bl, _, b, _)| plen.cmp(&bl).reverse().then_with(|| compare(r, b)) == Ordering::Less)
                {
                    best = Some((plen, api, r, rel));
                }
            }
        }
        let (_, api, route, path) = best?;
        split_segments(path, &mut segs);
        let params = capture(route, &segs, path);
        Some(Matched { api, route, path, params })
    }

    /// The API kind whose error response a request that matched nothing gets.
    ///
    /// The API that owns the path (a route of it matches the path with another method, or it has `$default`), a
    /// stage-prefixed one first;
    /// else the first API (template order) whose stage prefix the path carries, else the first API served at the
    /// root, else the first; REST when there is none.
    #[cfg(test)]
    pub(crate) fn miss_kind(&self, raw_path: &str) -> ApiKind {
        self.miss_api(raw_path).map_or(ApiKind::Rest, |a| a.kind)
    }

    /// The API that answers a request no route matches (the one owning the path, else the root API, else the first).
    pub(crate) fn miss_api(&self, raw_path: &str) -> Option<&CompiledApi> {
        let owns = |a: &&CompiledApi| {
            a.relative(raw_path)
                .is_some_and(|rel| a.routes.iter().any(CompiledRoute::is_default) || !a.methods_at(rel).is_empty())
        };
        self.apis
            .iter()
            .filter(|a| a.prefix.is_some())
            .find(owns)
            .or_else(|| self.apis.iter().find(owns))
            .or_else(|| self.apis.iter().find(|a| a.prefix.is_some() && a.relative(raw_path).is_some()))
            .or_else(|| self.apis.iter().find(|a| a.prefix.is_none()))
            .or(self.apis.first())
    }
}

/// The path with its leading run of slashes collapsed into one (`//dogs//1` -> `/dogs//1`), a subslice of `path`.
///
/// API Gateway (REST, observed) serves `//stage/x` and `/stage//x` as `/stage/x` and `/x`: matching ignores empty
/// segments anywhere, the event's `path` loses the slashes leading the resource path and keeps interior ones, and
/// `requestContext.path` keeps the raw path. Sources in docs/fidelity.md ("Repeated slashes").
pub(crate) fn collapse_leading_slashes(path: &str) -> &str {
    let trimmed = path.trim_start_matches('/');
    if trimmed.len() + 1 >= path.len() { path } else { &path[path.len() - trimmed.len() - 1..] }
}

/// Splits a raw path into its non-empty segments: a trailing slash and repeated slashes (`/dogs//1`) are ignored
/// for matching, as API Gateway does.
fn split_segments<'p>(path: &'p str, out: &mut Vec<&'p str>) {
    out.clear();
    out.extend(path.split('/').filter(|s| !s.is_empty()));
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

/// The path parameters of `route` in `req` (the segments of `path`). A greedy parameter is the rest of the raw
/// path from its first segment, interior `//` kept and trailing slashes dropped, as API Gateway sends `{proxy+}`.
fn capture<'t>(route: &'t CompiledRoute, req: &[&str], path: &str) -> Vec<(&'t str, String)> {
    let mut out = Vec::new();
    for (i, seg) in route.segs().iter().enumerate() {
        match seg {
            Seg::Static(_) => {}
            Seg::Param(name) => out.push((&**name, req.get(i).copied().unwrap_or_default().to_owned())),
            Seg::Greedy(name) => {
                let rest = req.get(i).map_or("", |first| {
                    // `first` is a subslice of `path`: its offset is where the greedy part starts.
                    let start = (first.as_ptr() as usize).saturating_sub(path.as_ptr() as usize).min(path.len());
                    path[start..].trim_end_matches('/')
                });
                out.push((&**name, rest.to_owned()));
                break;
            }
        }
    }
    out
}

/// `Less` when `a` is the more specific route.
fn compare(a: &CompiledRoute, b: &CompiledRoute) -> Ordering {
    a.is_default()
        .cmp(&b.is_default())
        .then_with(|| {
            for (x, y) in a.segs().iter().zip(b.segs().iter()) {
                let o = x.rank().cmp(&y.rank());
                if o != Ordering::Equal {
                    return o;
                }
            }
            // Same shape so far: the longer static prefix is more specific.
            b.segs().len().cmp(&a.segs().len())
        })
        .then_with(|| a.method.is_none().cmp(&b.method.is_none()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_leading_run_of_slashes_collapses() {
        assert_eq!(collapse_leading_slashes("/a//b"), "/a//b");
        assert_eq!(collapse_leading_slashes("///a//b"), "/a//b");
        assert_eq!(collapse_leading_slashes("//"), "/");
        assert_eq!(collapse_leading_slashes("/"), "/");
        assert_eq!(collapse_leading_slashes(""), "");
        assert_eq!(collapse_leading_slashes("a"), "a");
    }
    use emu_template::Method as M;
    use emu_template::{Api, Route};

    fn build(m: &Model, prepend_stage: bool) -> Routes {
        Routes::build(m, &LambdaService::new(m, &Default::default()), prepend_stage)
    }

    fn table(routes: &[(M, &str)]) -> (Model, Routes) {
        let m = Model::from_routes(
            vec![Api::new("Rest", ApiKind::Rest)],
            routes.iter().map(|(me, p)| Route::new(*me, *p, "Rest", "F", PayloadVersion::V1)).collect(),
        );
        let t = build(&m, true);
        (m, t)
    }

    fn hit(_: &Model, t: &Routes, method: Method, path: &str) -> Option<(String, &'static str)> {
        t.find(&method, path).map(|x| (x.route.event.resource.clone(), x.route.model_method.as_str()))
    }

    #[test]
    fn static_beats_param_beats_greedy() {
        let (m, t) = table(&[(M::Get, "/dogs/{id}"), (M::Get, "/dogs/new"), (M::Get, "/{proxy+}")]);
        assert_eq!(hit(&m, &t, Method::GET, "/dogs/new"), Some(("/dogs/new".to_owned(), "GET")));
        assert_eq!(hit(&m, &t, Method::GET, "/dogs/7"), Some(("/dogs/{id}".to_owned(), "GET")));
        assert_eq!(hit(&m, &t, Method::GET, "/cats/7"), Some(("/{proxy+}".to_owned(), "GET")));
        assert_eq!(hit(&m, &t, Method::GET, "/dogs/7/x"), Some(("/{proxy+}".to_owned(), "GET")));
    }

    #[test]
    fn explicit_method_beats_any_and_any_matches_everything() {
        let (m, t) = table(&[(M::Any, "/pets"), (M::Post, "/pets")]);
        assert_eq!(hit(&m, &t, Method::POST, "/pets"), Some(("/pets".to_owned(), "POST")));
        assert_eq!(hit(&m, &t, Method::DELETE, "/pets"), Some(("/pets".to_owned(), "ANY")));
        assert_eq!(hit(&m, &t, Method::from_bytes(b"PURGE").unwrap(), "/pets"), Some(("/pets".to_owned(), "ANY")));
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
        assert_eq!(hit(&m, &t, Method::GET, "/hello/"), Some(("/hello".to_owned(), "GET")));
        assert_eq!(hit(&m, &t, Method::GET, "/"), Some(("/".to_owned(), "GET")));
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
        let t = build(&m, true);
        assert_eq!(hit(&m, &t, Method::GET, "/pets"), Some(("/pets".to_owned(), "GET")));
        assert_eq!(hit(&m, &t, Method::POST, "/pets"), Some(("$default".to_owned(), "ANY")));
        assert_eq!(hit(&m, &t, Method::GET, "/"), Some(("$default".to_owned(), "ANY")));
        assert_eq!(hit(&m, &t, Method::GET, "/x/y/z"), Some(("$default".to_owned(), "ANY")));
    }

    #[test]
    fn stage_prefix_is_required_when_stage_in_url_and_can_be_turned_off() {
        let mut a = Api::new("Rest", ApiKind::Rest);
        a.stage = "dev".into();
        a.stage_in_url = true;
        let m = Model::from_routes(vec![a], vec![Route::new(M::Get, "/hello", "Rest", "F", PayloadVersion::V1)]);
        let t = build(&m, true);
        assert!(t.find(&Method::GET, "/hello").is_none());
        let x = t.find(&Method::GET, "/dev/hello").unwrap();
        assert_eq!(x.path, "/hello");
        assert!(t.find(&Method::GET, "/devhello").is_none());
        let t = build(&m, false);
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
        let t = build(&m, true);
        let f = |p: &str| t.find(&Method::GET, p).unwrap().route.target.to_string();
        assert_eq!(f("/users/1"), "B");
        assert_eq!(f("/other"), "A");
        assert_eq!(f("/same"), "C");
        assert_eq!(t.miss_kind("/x"), ApiKind::Rest);
    }

    #[test]
    fn a_miss_on_a_path_only_an_http_api_serves_is_the_http_apis() {
        let m = Model::from_routes(
            vec![Api::new("Rest", ApiKind::Rest), Api::new("Http", ApiKind::Http)],
            vec![
                Route::new(M::Get, "/rest", "Rest", "A", PayloadVersion::V1),
                Route::new(M::Get, "/users/{id}", "Http", "B", PayloadVersion::V2),
            ],
        );
        let t = build(&m, true);
        assert!(t.find(&Method::POST, "/users/1").is_none());
        assert_eq!(t.miss_kind("/users/1"), ApiKind::Http, "the HTTP API owns /users/{{id}}: its 404");
        assert_eq!(t.miss_kind("/rest"), ApiKind::Rest);
        assert_eq!(t.miss_kind("/nobody"), ApiKind::Rest, "no owner: the first root API, as before");
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
        let t = build(&m, true);
        let f = |p: &str| t.find(&Method::GET, p).unwrap().route.target.to_string();
        assert_eq!(f("/v2/anything"), "B");
        assert_eq!(f("/v2"), "B");
        assert_eq!(f("/v3"), "A");
        assert_eq!(t.miss_kind("/v2"), ApiKind::Http);
    }
}
