//! The dev server a developer's `main` runs: listeners and shutdown (`server.rs`), the command line (`cli.rs`) and
//! what is printed at start-up (`banner.rs`), the browser console on the Lambda listener (`console/`).

pub(crate) mod banner;
pub(crate) mod cli;
pub(crate) mod commands;
pub(crate) mod console;
pub(crate) mod init;
pub(crate) mod lambda_listener;
pub(crate) mod server;
