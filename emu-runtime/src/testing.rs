//! In-process test client: sends requests through [`App::router`] without sockets, so a whole API's integration
//! suite runs in milliseconds. `app.client().get("/dogs").await` gives a [`TestResponse`].

use std::future::{Future, IntoFuture};
use std::net::SocketAddr;
use std::pin::Pin;

use axum::body::Body;
use axum::extract::ConnectInfo;
use bytes::Bytes;
use http::{HeaderMap, HeaderName, HeaderValue, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde::Serialize;
use serde::de::DeserializeOwned;
use tower::ServiceExt;

use crate::App;

/// Sends requests to an [`App`] in-process. Cheap to clone.
#[derive(Clone, Debug)]
pub struct TestClient {
    app: App,
    router: axum::Router,
    peer: SocketAddr,
}

impl App {
    /// A client that calls this app's router directly, without a socket.
    pub fn client(&self) -> TestClient {
        TestClient { app: self.clone(), router: self.router(), peer: SocketAddr::from(([127, 0, 0, 1], 50_000)) }
    }
}

impl TestClient {
    /// A token from the app's local issuer with `claims`, for its JWT or Cognito authorizer (see
    /// [`App::mint_token`]). Panics with the reason when the app has none, or several that need different tokens
    /// (then use [`App::mint_token`] with a name, or [`TestRequest::as_user`], which picks the route's).
    pub fn token(&self, claims: serde_json::Value) -> String {
        self.app.mint_token(None, claims).unwrap_or_else(|e| panic!("TestClient::token: {e}"))
    }

    /// A request with any method.
    pub fn request(&self, method: Method, path: &str) -> TestRequest {
        TestRequest {
            client: self.clone(),
            method,
            path: path.to_owned(),
            query: Vec::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            user: None,
            error: None,
        }
    }
    /// `GET path`.
    pub fn get(&self, path: &str) -> TestRequest {
        self.request(Method::GET, path)
    }
    /// `POST path`.
    pub fn post(&self, path: &str) -> TestRequest {
        self.request(Method::POST, path)
    }
    /// `PUT path`.
    pub fn put(&self, path: &str) -> TestRequest {
        self.request(Method::PUT, path)
    }
    /// `PATCH path`.
    pub fn patch(&self, path: &str) -> TestRequest {
        self.request(Method::PATCH, path)
    }
    /// `DELETE path`.
    pub fn delete(&self, path: &str) -> TestRequest {
        self.request(Method::DELETE, path)
    }
    /// `HEAD path`.
    pub fn head(&self, path: &str) -> TestRequest {
        self.request(Method::HEAD, path)
    }
    /// `OPTIONS path`.
    pub fn options(&self, path: &str) -> TestRequest {
        self.request(Method::OPTIONS, path)
    }
}

/// A request being built; `.await` (or [`TestRequest::send`]) sends it.
#[must_use = "a request does nothing until it is awaited"]
#[derive(Debug)]
pub struct TestRequest {
    client: TestClient,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Bytes,
    user: Option<serde_json::Value>,
    error: Option<String>,
}

fn encode_component(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

impl TestRequest {
    /// Adds a header (repeat the call for a repeated header).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(n), Ok(v)) => {
                self.headers.append(n, v);
            }
            _ => self.error = Some(format!("invalid header {name}: {value}")),
        }
        self
    }
    /// `Authorization: Bearer <token>`.
    pub fn bearer(self, token: &str) -> Self {
        self.header("authorization", &format!("Bearer {token}"))
    }
    /// `x-api-key: <key>` (see [`App::api_keys`] for the keys the app accepts).
    pub fn api_key(self, key: &str) -> Self {
        self.header("x-api-key", key)
    }
    /// Sends the request as a user with these claims: a local-issuer token minted for the JWT or Cognito
    /// authorizer of the route the request reaches, in that authorizer's identity header (`Bearer ` included for
    /// `Authorization`). The gateway verifies it like any token. Panics when the route has no such authorizer.
    pub fn as_user(mut self, claims: serde_json::Value) -> Self {
        self.user = Some(claims);
        self
    }
    /// Adds a query parameter (percent-encoded; repeat for a repeated key).
    pub fn query(mut self, key: &str, value: &str) -> Self {
        self.query.push((key.to_owned(), value.to_owned()));
        self
    }
    /// A JSON body with `Content-Type: application/json`.
    pub fn json(mut self, value: &impl Serialize) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => self.body = bytes.into(),
            Err(e) => self.error = Some(format!("cannot serialize JSON body: {e}")),
        }
        self.header("content-type", "application/json")
    }
    /// A raw body (set `Content-Type` yourself).
    pub fn body(mut self, body: impl Into<Bytes>) -> Self {
        self.body = body.into();
        self
    }

    /// Sends the request. Panics, with the reason, only if the request itself could not be built (a bad header,
    /// path or JSON body given to this builder) — a test bug, not an app response.
    pub async fn send(self) -> TestResponse {
        if let Some(e) = self.error {
            panic!("TestRequest: {e}");
        }
        let mut headers = self.headers;
        if let Some(claims) = self.user {
            let (name, value) = user_token(&self.client.app, &self.method, &self.path, claims)
                .unwrap_or_else(|e| panic!("TestRequest::as_user on {} {}: {e}", self.method, self.path));
            headers.insert(name, value);
        }
        let mut uri = self.path.clone();
        if !self.query.is_empty() {
            let q: Vec<String> =
                self.query.iter().map(|(k, v)| format!("{}={}", encode_component(k), encode_component(v))).collect();
            uri.push(if uri.contains('?') { '&' } else { '?' });
            uri.push_str(&q.join("&"));
        }
        let mut request = Request::builder()
            .method(self.method)
            .uri(&uri)
            .body(Body::from(self.body))
            .unwrap_or_else(|e| panic!("TestRequest: invalid request {uri}: {e}"));
        *request.headers_mut() = headers;
        if !request.headers().contains_key(http::header::HOST) {
            request.headers_mut().insert(http::header::HOST, HeaderValue::from_static("localhost"));
        }
        if !request.headers().contains_key(http::header::USER_AGENT) {
            request.headers_mut().insert(http::header::USER_AGENT, HeaderValue::from_static("emu-runtime-test-client"));
        }
        request.extensions_mut().insert(ConnectInfo(self.client.peer));
        let response = match self.client.router.oneshot(request).await {
            Ok(r) => r,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let body = body.collect().await.map(|c| c.to_bytes()).unwrap_or_default();
        TestResponse { status: parts.status, headers: parts.headers, body }
    }
}

/// The header carrying a token minted for the authorizer of the route `method path` reaches.
fn user_token(
    app: &App,
    method: &Method,
    path: &str,
    claims: serde_json::Value,
) -> Result<(HeaderName, HeaderValue), String> {
    let raw_path = path.split('?').next().unwrap_or(path);
    let matched = app.compiled_routes().find(method, raw_path).ok_or("no route matches it")?;
    let name = matched.route.auth.authorizer().ok_or("the route has no authorizer")?;
    let authorizer =
        app.model().authorizer(&matched.api.logical_id, name).ok_or("the route's authorizer is not in the model")?;
    let token = app.mint_token(Some(name), claims).map_err(|e| e.to_string())?;
    let header = match authorizer.identity.first() {
        Some(emu_template::IdentitySource::Header(h)) => h.to_string(),
        _ => "authorization".to_owned(),
    };
    let value = if header.eq_ignore_ascii_case("authorization") { format!("Bearer {token}") } else { token };
    let name = HeaderName::try_from(header.as_str()).map_err(|e| format!("identity header `{header}`: {e}"))?;
    let value = HeaderValue::try_from(value).map_err(|e| e.to_string())?;
    Ok((name, value))
}

impl IntoFuture for TestRequest {
    type Output = TestResponse;
    type IntoFuture = Pin<Box<dyn Future<Output = TestResponse> + Send>>;
    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// A response from [`TestClient`].
#[derive(Clone, Debug)]
pub struct TestResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Bytes,
}

impl TestResponse {
    /// The status code as a number.
    pub fn status(&self) -> u16 {
        self.status.as_u16()
    }
    /// A header's value (the first one), when present and text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
    /// Every value of a header.
    pub fn header_all(&self, name: &str) -> Vec<&str> {
        self.headers.get_all(name).iter().filter_map(|v| v.to_str().ok()).collect()
    }
    /// The body as text (lossy UTF-8).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    /// The body parsed as JSON. Panics with the body if it is not JSON of type `T` (a failed test expectation).
    pub fn json<T: DeserializeOwned>(&self) -> T {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("response body is not the expected JSON ({e}): {}", self.text()))
    }
}
