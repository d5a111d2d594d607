//! `#[emu_runtime::main]`: makes applying the template's environment `main`'s first statement, before any of the
//! user's code (and any thread) runs, as Lambda has a function's environment in place before its code starts.
//!
//! The template is the one `main`'s `lambda_app!("...")` names (or the attribute's own `"path"` argument), so a
//! program cannot apply one template's environment and serve another's.

use std::path::Path;

use proc_macro2::{Delimiter, Span, TokenStream, TokenTree};
use quote::{quote, quote_spanned};
use syn::LitStr;

use crate::resolve;

/// Expands `#[emu_runtime::main]` / `#[emu_runtime::main("template.yaml")]` on `item` (a `fn main`).
pub fn expand_main(attr: TokenStream, item: TokenStream) -> TokenStream {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    expand_main_in(attr, item, manifest_dir.as_deref())
}

/// [`expand_main`] with relative template paths starting at `manifest_dir`.
pub fn expand_main_in(attr: TokenStream, item: TokenStream, manifest_dir: Option<&Path>) -> TokenStream {
    let function: syn::ItemFn = match syn::parse2(item.clone()) {
        Ok(f) => f,
        Err(e) => return with_error(item, e.span(), "#[emu_runtime::main] goes on `fn main` (or `async fn main`)"),
    };
    let literal = if attr.is_empty() {
        let mut found = Vec::new();
        find_lambda_app_paths(function.block.to_token_stream_inner(), &mut found);
        let mut distinct: Vec<&LitStr> = Vec::new();
        for lit in &found {
            if !distinct.iter().any(|d| d.value() == lit.value()) {
                distinct.push(lit);
            }
        }
        match distinct.as_slice() {
            [one] => (*one).clone(),
            [] => {
                return with_error(
                    item,
                    function.sig.ident.span(),
                    "#[emu_runtime::main] finds no `lambda_app!(\"...\")` in this function: name the template, as in #[emu_runtime::main(\"template.yaml\")]",
                );
            }
            _ => {
                let names: Vec<String> = distinct.iter().map(|l| format!("\"{}\"", l.value())).collect();
                let message = format!(
                    "this function builds apps from several templates ({}): name the one whose environment main gets, as in #[emu_runtime::main({})]",
                    names.join(", "),
                    names[0]
                );
                return with_error(item, function.sig.ident.span(), &message);
            }
        }
    } else {
        match syn::parse2::<LitStr>(attr) {
            Ok(lit) => lit,
            Err(e) => {
                return with_error(
                    item,
                    e.span(),
                    "usage: #[emu_runtime::main] or #[emu_runtime::main(\"template.yaml\")]",
                );
            }
        }
    };
    let template = resolve::template_path(&literal.value(), manifest_dir);
    if !template.absolute.is_file() {
        let message =
            format!("template not found: `{}` resolves to `{}`", template.written, template.absolute.display());
        return with_error(item, literal.span(), &message);
    }
    let absolute = template.absolute.to_string_lossy().into_owned();
    let syn::ItemFn { attrs, vis, sig, block, .. } = function;
    let mut sig = sig;
    let is_async = sig.asyncness.take().is_some();
    let stmts = &block.stmts;
    let body = if is_async {
        quote!(::emu_runtime::__private::block_on(async move { #(#stmts)* }))
    } else {
        quote!(#(#stmts)*)
    };
    let init = quote_spanned!(literal.span()=>
        // SAFETY: the first statement of `main`: no other thread exists yet. (Allowed for crates that deny
        // `unsafe_code`: the obligation is met by construction, not by the user.)
        #[allow(unsafe_code)]
        unsafe {
            ::emu_runtime::__private::init_process(::emu_runtime::__private::TemplateSource {
                path: #absolute,
                text: ::core::include_str!(#absolute),
            })
        };
    );
    quote! {
        #(#attrs)*
        #vis #sig {
            #init
            #body
        }
    }
}

/// The item unchanged (so the rest of the crate still type-checks) after a `compile_error!` at `span`.
fn with_error(item: TokenStream, span: Span, message: &str) -> TokenStream {
    quote_spanned!(span=> ::core::compile_error!(#message);).into_iter().chain(item).collect()
}

/// Collects the string literal of every `lambda_app!("...")` in `tokens`, at any depth.
fn find_lambda_app_paths(tokens: TokenStream, out: &mut Vec<LitStr>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    for (i, tree) in trees.iter().enumerate() {
        if let TokenTree::Group(g) = tree {
            find_lambda_app_paths(g.stream(), out);
        }
        let TokenTree::Ident(name) = tree else { continue };
        if name != "lambda_app" {
            continue;
        }
        let (Some(TokenTree::Punct(bang)), Some(TokenTree::Group(args))) = (trees.get(i + 1), trees.get(i + 2)) else {
            continue;
        };
        if bang.as_char() != '!' || args.delimiter() == Delimiter::None {
            continue;
        }
        if let Some(TokenTree::Literal(lit)) = args.stream().into_iter().next()
            && let Ok(lit) = syn::parse2::<LitStr>(TokenTree::Literal(lit).into())
        {
            out.push(lit);
        }
    }
}

/// `block.to_token_stream()` without importing `ToTokens` at every call site.
trait BlockTokens {
    fn to_token_stream_inner(&self) -> TokenStream;
}

impl BlockTokens for syn::Block {
    fn to_token_stream_inner(&self) -> TokenStream {
        quote::ToTokens::to_token_stream(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(attr: TokenStream, item: TokenStream) -> String {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
        expand_main_in(attr, item, Some(dir)).to_string()
    }

    #[test]
    fn finds_the_template_of_lambda_app_and_inits_first() {
        let out = expand(
            TokenStream::new(),
            quote!(
                fn main() {
                    let t = std::env::var("TABLE_NAME");
                    emu_runtime::run(emu_runtime::lambda_app!("tests/data/small.yaml", { A => b }));
                }
            ),
        );
        assert!(!out.contains("compile_error"), "{out}");
        let init = out.find("init_process").expect(&out);
        assert!(init < out.find("TABLE_NAME").expect(&out), "{out}");
        assert!(out.contains("small.yaml"), "{out}");
    }

    #[test]
    fn async_main_runs_after_init_on_a_runtime() {
        let out = expand(
            quote!("tests/data/small.yaml"),
            quote!(
                async fn main() {
                    serve().await;
                }
            ),
        );
        assert!(!out.contains("async fn"), "{out}");
        assert!(out.find("init_process").expect(&out) < out.find("block_on").expect(&out), "{out}");
    }

    #[test]
    fn errors_say_what_to_write() {
        let out = expand(
            TokenStream::new(),
            quote!(
                fn main() {}
            ),
        );
        assert!(out.contains("compile_error") && out.contains("#[emu_runtime::main(\\\"template.yaml\\\")]"), "{out}");
        let out = expand(
            quote!("nope.yaml"),
            quote!(
                fn main() {}
            ),
        );
        assert!(out.contains("template not found"), "{out}");
        let out = expand(
            TokenStream::new(),
            quote!(
                struct NotAFunction;
            ),
        );
        assert!(out.contains("goes on `fn main`"), "{out}");
        let out = expand(
            TokenStream::new(),
            quote!(
                fn main() {
                    lambda_app!("a.yaml");
                    lambda_app!("b.yaml");
                }
            ),
        );
        assert!(out.contains("several templates"), "{out}");
    }
}
