//! The logic of `lambda_app!` as an ordinary library: macro input tokens in, the expansion (or its errors) out.
//! `emu-macros` only forwards its token stream to [`expand`]; tests and benchmarks call the steps here directly.
//!
//! The expansion refers to `::emu_runtime::__private::*` only, so the caller needs `emu-runtime` and nothing else.
#![warn(missing_docs, unreachable_pub, missing_debug_implementations)]

mod codegen;
mod errors;
mod expand;
mod input;
mod main_attr;
mod resolve;

#[cfg(test)]
mod tests;

pub use errors::Error;
pub use expand::{expand, expand_in, expand_loaded, load};
pub use input::MacroInput;
pub use main_attr::{expand_main, expand_main_in};
pub use resolve::{TemplatePath, template_path};
