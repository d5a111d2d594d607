//! The console's page, script and style sheet, embedded in the binary at compile time (`include_str!`), so serving
//! it needs no Node, no npm and no network.

/// `GET /`: the page.
pub(crate) const INDEX_HTML: &str = include_str!("assets/index.html");
/// `GET /console/console.js`: every view, in plain JavaScript.
pub(crate) const CONSOLE_JS: &str = include_str!("assets/console.js");
/// `GET /console/console.css`.
pub(crate) const CONSOLE_CSS: &str = include_str!("assets/console.css");

/// The embedded file served at `path`, with its content type.
pub(crate) fn find(path: &str) -> Option<(&'static str, &'static str)> {
    match path {
        "/" | "/console" | "/console/" => Some((INDEX_HTML, "text/html; charset=utf-8")),
        "/console/console.js" => Some((CONSOLE_JS, "text/javascript; charset=utf-8")),
        "/console/console.css" => Some((CONSOLE_CSS, "text/css; charset=utf-8")),
        _ => None,
    }
}
