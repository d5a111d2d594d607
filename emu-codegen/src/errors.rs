//! Typed compile errors of `lambda_app!` and their conversion into `compile_error!` invocations.
//! Every failure becomes one of these; the macro never panics and always expands to a placeholder `App` on error.

use std::fmt;
use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

use crate::input::Mention;
use crate::resolve::Anchor;

/// What went wrong.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ErrorKind {
    /// The macro input does not parse (message from syn).
    Syntax(String),
    /// The template file does not exist.
    TemplateNotFound {
        /// The path as written in the macro.
        written: String,
        /// The absolute path it resolved to.
        resolved: PathBuf,
        /// How a relative path was anchored, for the message.
        anchor: Anchor,
    },
    /// One problem reported by the template reader, already formatted as `file:line:col: message`.
    Template(String),
    /// The template reader panicked (a bug in emu-template).
    ReaderPanicked {
        /// The template path as written.
        written: String,
        /// The panic message, when it was a string.
        message: String,
    },
    /// A binding or ignore entry names a logical id that is not a function of the template.
    UnknownFunction {
        /// The id as written.
        id: String,
        /// Whether the id is written in the bindings block or in `ignore: [...]`.
        context: Mention,
        /// The template as written in the macro.
        file: String,
        /// The closest function id, when one is close enough.
        suggestion: Option<String>,
        /// Every function id of the template (possibly shortened).
        known: Vec<String>,
    },
    /// A function is bound twice, ignored twice, or both bound and ignored.
    Duplicate {
        /// The logical id.
        id: String,
        /// What the first mention does.
        first: Mention,
        /// What this mention does.
        second: Mention,
    },
    /// A Lambda authorizer invokes a function that is not in the template, and the macro does not bind it.
    UnboundAuthorizer {
        /// The authorizer's name.
        authorizer: String,
        /// Its API's logical id.
        api: String,
        /// The function's name, from its ARN.
        function: String,
        /// The ARN as the template gives it.
        arn: String,
        /// `file:line` of the authorizer.
        location: String,
    },
    /// No rule gives the function a usable Rust name.
    NoDefaultHandler {
        /// The logical id.
        id: String,
        /// `file:line` of the function.
        location: String,
        /// The name the id turned into, which is not a usable identifier.
        tried: String,
    },
}

/// A compile error of `lambda_app!` with the span it points at; [`Display`](fmt::Display) gives rustc's message.
#[derive(Debug, Clone)]
pub struct Error {
    /// Where rustc underlines the error.
    pub(crate) span: Span,
    /// What went wrong.
    pub(crate) kind: ErrorKind,
}

impl Error {
    /// An error of `kind` at `span`.
    pub(crate) fn new(span: Span, kind: ErrorKind) -> Self {
        Error { span, kind }
    }

    /// Where rustc underlines the error.
    pub fn span(&self) -> Span {
        self.span
    }

    /// A `compile_error!` invocation carrying this error.
    pub fn to_compile_error(&self) -> TokenStream {
        let message = self.to_string();
        quote_spanned!(self.span=> ::core::compile_error!(#message);)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Syntax(message) => write!(
                f,
                "{message}\nusage: lambda_app!(\"template.yaml\", {{ FunctionId => handler, ... }}, ignore: [FunctionId, ...])"
            ),
            ErrorKind::TemplateNotFound { written, resolved, anchor } => write!(
                f,
                "template not found: `{written}` resolves to `{}`, which does not exist ({anchor})",
                resolved.display()
            ),
            ErrorKind::Template(problem) => f.write_str(problem),
            ErrorKind::ReaderPanicked { written, message } => write!(
                f,
                "the template reader crashed while reading `{written}`: {message} (this is a bug in emu-template; please report it with the template)"
            ),
            ErrorKind::UnknownFunction { id, context, file, suggestion, known } => {
                write!(f, "cannot {} `{id}`: {file} has no function with that logical id", context.verb())?;
                match suggestion {
                    Some(s) => write!(f, "; did you mean `{s}`?")?,
                    None if known.is_empty() => write!(f, "; the template defines no functions")?,
                    None => write!(f, "; its functions are: {}", known.join(", "))?,
                }
                Ok(())
            }
            ErrorKind::Duplicate { id, first, second } => {
                if first == second {
                    write!(f, "function `{id}` is {} twice; keep one entry", second.participle())
                } else {
                    let (first, second) = (first.participle(), second.participle());
                    write!(f, "function `{id}` is both {first} and {second}; keep one of the two")
                }
            }
            ErrorKind::UnboundAuthorizer { authorizer, api, function, arn, location } => write!(
                f,
                "{location}: authorizer `{authorizer}` of API {api} invokes `{arn}`, a function that is not in the template; bind a handler to it with `\"{function}\" => path` (its name or its ARN)"
            ),
            ErrorKind::NoDefaultHandler { id, location, tried } => write!(
                f,
                "{location}: function `{id}` has no handler: its logical id gives `{tried}`, which is not a usable Rust name; bind one with `\"{id}\" => path`"
            ),
        }
    }
}

/// The expansion used when there is any error: the errors, then an empty `App` so the caller type-checks.
pub(crate) fn placeholder(errors: &[Error]) -> TokenStream {
    placeholder_with(errors, TokenStream::new())
}

/// [`placeholder`] with `checks` (statements type-checking the handlers) between the errors and the empty `App`.
pub(crate) fn placeholder_with(errors: &[Error], checks: TokenStream) -> TokenStream {
    let errors = errors.iter().map(Error::to_compile_error);
    quote::quote!({
        #(#errors)*
        #checks
        ::emu_runtime::__private::AppBuilder::placeholder()
    })
}
