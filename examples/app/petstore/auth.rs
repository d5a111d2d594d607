//! Login, refresh and logout, written against the official `lambda_http` crate (`Request` in, `IntoResponse` out).
//! Bound by logical id in snake_case (`Login` -> `login`); tokens live in an in-memory session table.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::{LazyLock, Mutex};
use std::time::{Duration, SystemTime};

use emu_runtime::Error;
use emu_runtime::lambda_http::{Body, Request, RequestPayloadExt, Response};
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize)]
struct Credentials {
    username: String,
    password: String,
}

struct Session {
    username: String,
    expires: SystemTime,
}

static SESSIONS: LazyLock<Mutex<HashMap<String, Session>>> = LazyLock::new(Default::default);

fn sessions() -> std::sync::MutexGuard<'static, HashMap<String, Session>> {
    SESSIONS.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn answer(status: u16, value: serde_json::Value) -> Result<Response<Body>, Error> {
    Ok(Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Body::from(value.to_string()))?)
}

fn ttl() -> Duration {
    let secs = std::env::var("TOKEN_TTL_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(3600);
    Duration::from_secs(secs)
}

fn new_token(username: &str) -> String {
    let state = RandomState::new();
    let nanos = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap_or_default().as_nanos();
    format!("{:016x}{:016x}", state.hash_one((username, nanos)), state.hash_one(nanos))
}

fn issue(username: String) -> Result<Response<Body>, Error> {
    let token = new_token(&username);
    let ttl = ttl();
    sessions().insert(token.clone(), Session { username, expires: SystemTime::now() + ttl });
    answer(200, json!({ "token": token, "expiresIn": ttl.as_secs() }))
}

/// The bearer token of `request`, when it has one that is current.
fn current_session(request: &Request) -> Option<(String, String)> {
    let header = request.headers().get("authorization")?.to_str().ok()?;
    let token = header.strip_prefix("Bearer ")?.trim().to_owned();
    let table = sessions();
    let session = table.get(&token)?;
    (session.expires > SystemTime::now()).then(|| (token, session.username.clone()))
}

/// `POST /auth/login` with `{"username", "password"}`: any non-empty pair is accepted (it is an example).
pub async fn login(request: Request) -> Result<Response<Body>, Error> {
    let credentials: Credentials = match request.payload() {
        Ok(Some(c)) => c,
        Ok(None) => {
            return answer(
                400,
                json!({ "message": "send a JSON body with username and password (Content-Type: application/json)" }),
            );
        }
        Err(e) => return answer(400, json!({ "message": format!("invalid body: {e}") })),
    };
    if credentials.username.is_empty() || credentials.password.is_empty() {
        return answer(401, json!({ "message": "username and password are required" }));
    }
    issue(credentials.username)
}

/// `POST /auth/refresh` with `Authorization: Bearer <token>`: swaps a current token for a new one.
pub async fn refresh(request: Request) -> Result<Response<Body>, Error> {
    let Some((token, username)) = current_session(&request) else {
        return answer(401, json!({ "message": "missing or expired token" }));
    };
    sessions().remove(&token);
    issue(username)
}

/// `POST /auth/logout` with `Authorization: Bearer <token>`: ends the session.
pub async fn logout(request: Request) -> Result<Response<Body>, Error> {
    let Some((token, _)) = current_session(&request) else {
        return answer(401, json!({ "message": "missing or expired token" }));
    };
    sessions().remove(&token);
    Ok(Response::builder().status(204).body(Body::Empty)?)
}
