//! Parses the macro input: `"path"`, then optionally `{ Id => handler, ... }` and `ignore: [Id, ...]`.
//! Pure syntax: no file access and no knowledge of the template here.

use proc_macro2::Span;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, Ident, LitStr, Token, braced, bracketed};

/// The parsed input of `lambda_app!` (pure syntax, parsed with [`syn::parse2`]; see [`expand_loaded`](crate::expand_loaded)).
pub struct MacroInput {
    /// The template path as written.
    pub(crate) path: LitStr,
    /// Explicit bindings, in the order written.
    pub(crate) bindings: Vec<Binding>,
    /// Functions listed in `ignore: [...]`, in the order written.
    pub(crate) ignores: Vec<FunctionRef>,
}

impl std::fmt::Debug for MacroInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bound: Vec<&str> = self.bindings.iter().map(|b| b.function.id.as_str()).collect();
        let ignored: Vec<&str> = self.ignores.iter().map(|f| f.id.as_str()).collect();
        f.debug_struct("MacroInput")
            .field("path", &self.path.value())
            .field("bound", &bound)
            .field("ignored", &ignored)
            .finish()
    }
}

/// Where the macro input mentions a function: in the `{ Id => handler }` block or in `ignore: [...]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mention {
    /// `Id => handler`.
    Bind,
    /// `ignore: [Id]`.
    Ignore,
}

impl Mention {
    /// The verb, as in "cannot bind `X`" / "cannot ignore `X`".
    pub(crate) fn verb(self) -> &'static str {
        match self {
            Mention::Bind => "bind",
            Mention::Ignore => "ignore",
        }
    }

    /// What the mention does to the function, as in "is bound twice" / "is both bound and ignored".
    pub(crate) fn participle(self) -> &'static str {
        match self {
            Mention::Bind => "bound",
            Mention::Ignore => "ignored",
        }
    }
}

/// A logical id written in the macro input: an identifier (`GetDogFunction`) or a string (`"get-dog"`).
#[derive(Clone)]
pub(crate) struct FunctionRef {
    /// The logical id.
    pub(crate) id: String,
    /// Where it is written.
    pub(crate) span: Span,
}

/// One explicit binding `Id => handler`.
pub(crate) struct Binding {
    /// The function's logical id.
    pub(crate) function: FunctionRef,
    /// The handler expression.
    pub(crate) handler: Expr,
}

impl Parse for FunctionRef {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let lookahead = input.lookahead1();
        if lookahead.peek(LitStr) {
            let lit: LitStr = input.parse()?;
            Ok(FunctionRef { id: lit.value(), span: lit.span() })
        } else if lookahead.peek(Ident) {
            let ident: Ident = input.parse()?;
            let id = ident.to_string();
            let id = id.strip_prefix("r#").map(str::to_owned).unwrap_or(id);
            Ok(FunctionRef { id, span: ident.span() })
        } else {
            Err(lookahead.error())
        }
    }
}

impl Parse for Binding {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let function: FunctionRef = input.parse()?;
        input.parse::<Token![=>]>()?;
        let handler: Expr = input.parse()?;
        Ok(Binding { function, handler })
    }
}

mod kw {
    syn::custom_keyword!(ignore);
}

impl Parse for MacroInput {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        if input.is_empty() {
            return Err(syn::Error::new(Span::call_site(), "expected a template path: lambda_app!(\"template.yaml\")"));
        }
        let path: LitStr = input.parse().map_err(|e| {
            syn::Error::new(e.span(), "expected a template path as a string literal: lambda_app!(\"template.yaml\")")
        })?;
        let mut bindings: Option<Vec<Binding>> = None;
        let mut ignores: Option<Vec<FunctionRef>> = None;
        while !input.is_empty() {
            input.parse::<Token![,]>()?;
            if input.is_empty() {
                break;
            }
            let lookahead = input.lookahead1();
            if lookahead.peek(syn::token::Brace) {
                let brace_span = input.span();
                let content;
                braced!(content in input);
                let list = Punctuated::<Binding, Token![,]>::parse_terminated(&content)?;
                if bindings.is_some() {
                    return Err(syn::Error::new(
                        brace_span,
                        "bindings are given twice: write all of them in one `{ Id => handler, ... }` block",
                    ));
                }
                bindings = Some(list.into_iter().collect());
            } else if lookahead.peek(kw::ignore) {
                let kw: kw::ignore = input.parse()?;
                input.parse::<Token![:]>()?;
                let content;
                bracketed!(content in input);
                let list = Punctuated::<FunctionRef, Token![,]>::parse_terminated(&content)?;
                if ignores.is_some() {
                    return Err(syn::Error::new(
                        kw.span,
                        "`ignore` is given twice: list every ignored function in one `ignore: [...]`",
                    ));
                }
                ignores = Some(list.into_iter().collect());
            } else {
                return Err(lookahead.error());
            }
        }
        Ok(MacroInput { path, bindings: bindings.unwrap_or_default(), ignores: ignores.unwrap_or_default() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<MacroInput> {
        syn::parse2(tokens)
    }

    #[test]
    fn path_only() {
        let input = parse(quote!("template.yaml")).expect("parses");
        assert_eq!(input.path.value(), "template.yaml");
        assert!(input.bindings.is_empty() && input.ignores.is_empty());
    }

    #[test]
    fn bindings_and_ignores_with_trailing_commas() {
        let input = parse(quote!(
            "template.yaml",
            { GetDogFunction => dogs::get, "create-dog" => move |event| create(store.clone(), event), },
            ignore: [PythonFn, OtherFn,],
        ))
        .expect("parses");
        let ids: Vec<_> = input.bindings.iter().map(|b| b.function.id.as_str()).collect();
        assert_eq!(ids, ["GetDogFunction", "create-dog"]);
        let ignored: Vec<_> = input.ignores.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ignored, ["PythonFn", "OtherFn"]);
    }

    #[test]
    fn ignore_before_bindings() {
        let input = parse(quote!("t.yaml", ignore: [A], { B => b })).expect("parses");
        assert_eq!(input.ignores.len(), 1);
        assert_eq!(input.bindings.len(), 1);
    }

    #[test]
    fn mentions_word_the_messages() {
        assert_eq!((Mention::Bind.verb(), Mention::Bind.participle()), ("bind", "bound"));
        assert_eq!((Mention::Ignore.verb(), Mention::Ignore.participle()), ("ignore", "ignored"));
    }

    #[test]
    fn errors_instead_of_panics() {
        for tokens in [
            quote!(),
            quote!(template),
            quote!("t.yaml" "u.yaml"),
            quote!("t.yaml", { A }),
            quote!("t.yaml", { A => }),
            quote!("t.yaml", { A => a }, { B => b }),
            quote!("t.yaml", ignore: A),
            quote!("t.yaml", skip: [A]),
        ] {
            assert!(parse(tokens).is_err());
        }
    }
}
