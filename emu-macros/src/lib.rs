//! `lambda_app!`: reads a template at compile time and expands to an `emu_runtime::App` binding every function to a handler.
//! A thin shell: path resolution, a call to `emu-template`, and token emission; all behaviour lives in `emu-runtime`.
#![warn(missing_docs)]

use proc_macro::TokenStream;

/// Builds an `emu_runtime::App` from a template; see the `emu-runtime` documentation.
#[proc_macro]
pub fn lambda_app(input: TokenStream) -> TokenStream {
    let _ = input;
    quote::quote!(::core::compile_error!("lambda_app! is not implemented yet")).into()
}
