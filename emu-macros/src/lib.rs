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

/// Makes the template's environment visible to all of `main`, as on Lambda, where a function's environment exists
/// before its code runs: `main`'s first statement applies it (with `--env-vars` and `--parameter-overrides`).
///
/// ```text
/// #[emu_runtime::main]                      // the template of main's lambda_app!("...")
/// fn main() {
///     let table = std::env::var("TABLE_NAME").unwrap();   // set, as on Lambda
///     emu_runtime::run(emu_runtime::lambda_app!("template.yaml", { ... }));
/// }
/// #[emu_runtime::main("template.yaml")]     // or name it (required when main has no lambda_app! of its own)
/// async fn main() { ... }                   // the body then runs on a multi-threaded tokio runtime
/// ```
#[proc_macro_attribute]
pub fn main(attr: TokenStream, item: TokenStream) -> TokenStream {
    emu_codegen::expand_main(attr.into(), item.into()).into()
}
