//! The dev server a developer's `main` runs: listeners and shutdown (`server.rs`), connections and their timeouts
//! (`conn.rs`), the command line (`cli.rs`), what is printed at start-up (`banner.rs`), the browser console (`console/`).

pub(crate) mod banner;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod conn;
pub(crate) mod console;
pub(crate) mod exposure;
pub(crate) mod init;
pub(crate) mod lambda_listener;
pub(crate) mod server;
