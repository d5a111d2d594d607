//! `lambda_app!`: reads a template at compile time and expands to an `emu_runtime::App` binding every function to a handler.
//! A shim: the logic is the plain library `emu-codegen`, tested and benchmarked there; all behaviour lives in `emu-runtime`.
#![warn(missing_docs)]

use proc_macro::TokenStream;

/// Builds an `emu_runtime::App` from a SAM / Serverless template read at compile time.
///
/// ```text
/// lambda_app!("template.yaml")
/// lambda_app!("template.yaml", { GetDogFunction => dogs::get, CreateDog => move |e| create(db.clone(), e) })
/// lambda_app!("template.yaml", { GetDogFunction => dogs::get }, ignore: [PythonFunction])
/// ```
///
/// The path is relative to the calling crate's `CARGO_MANIFEST_DIR`. Each function is bound by, in order:
/// an explicit `Id => handler`, its `Handler` property read as a Rust path, or its logical id in snake case;
/// implicit handlers must be items or imports of the module that calls the macro. See `docs/macro.md`.
#[proc_macro]
pub fn lambda_app(input: TokenStream) -> TokenStream {
    emu_codegen::expand(input.into()).into()
}
