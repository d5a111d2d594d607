//! The local console: a web page on the Lambda listener showing every route and function, and every invocation as
//! API Gateway and Lambda saw it, live. Plain HTML/CSS/JS embedded at compile time (`assets/`), no toolkit.
//!
//! `record` keeps the invocations (only when the console is on: no recorder exists otherwise), `views` describes the
//! app for the page, `service` is the page's HTTP API, `assets` the embedded files.

pub(crate) mod assets;
pub(crate) mod record;
pub(crate) mod service;
pub(crate) mod views;

use crate::App;

/// What the dev server's console keeps (`--console-history`, `--console-body-limit`). `Default`: the last 200
/// invocations, bodies cut at 64 KiB.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsoleOptions {
    /// How many invocations are kept (the oldest is dropped first). Default 200.
    pub history: usize,
    /// Bodies (request, response, the event's and the output's `body`, the log) longer than this many bytes are cut
    /// and marked truncated. Default 64 KiB.
    pub body_limit: usize,
}

impl Default for ConsoleOptions {
    fn default() -> Self {
        ConsoleOptions { history: 200, body_limit: 64 * 1024 }
    }
}

impl ConsoleOptions {
    /// Sets [`ConsoleOptions::history`].
    pub fn history(mut self, records: usize) -> Self {
        self.history = records;
        self
    }

    /// Sets [`ConsoleOptions::body_limit`].
    pub fn body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }
}

impl App {
    /// The console (its page at `/`, its files and API under `/console/`) in front of the Lambda Invoke API, as the
    /// dev server's Lambda listener serves them; `None` when the app records nothing (see [`App::with_console`]).
    ///
    /// `api_url` is where the API itself is served (`http://127.0.0.1:3000`), for the page's `curl` commands.
    pub fn console_router(&self, api_url: &str) -> Option<axum::Router> {
        let recorder = self.recorder()?.clone();
        Some(service::router(self.clone(), recorder, api_url.to_owned()))
    }

    /// Ends the console's live feeds (a graceful shutdown then does not wait for open browser tabs).
    pub(crate) fn close_console(&self) {
        if let Some(recorder) = self.recorder() {
            recorder.close();
        }
    }
}
