//! The pipeline: parse input, resolve the path, read the template (panics caught), plan the bindings, emit tokens.
//! proc_macro2 only (no `proc_macro` types), so unit tests and the benchmark can call [`expand_in`] directly.

use std::path::Path;

use emu_template::{Loaded, Problem, ReadOptions};
use proc_macro2::{Span, TokenStream};

use crate::codegen::{self, Expansion};
use crate::errors::{self, Error, ErrorKind};
use crate::input::MacroInput;
use crate::resolve::{self, TemplatePath};

/// Expands `lambda_app!(...)` for the crate being compiled (paths start at its `CARGO_MANIFEST_DIR`).
///
/// Never panics: every error becomes a `compile_error!` followed by a placeholder `App`.
pub fn expand(input: TokenStream) -> TokenStream {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(std::path::PathBuf::from);
    expand_in(input, manifest_dir.as_deref())
}

/// Expands `lambda_app!(...)` with relative paths starting at `manifest_dir`.
pub fn expand_in(input: TokenStream, manifest_dir: Option<&Path>) -> TokenStream {
    let input: MacroInput = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => {
            let errors: Vec<Error> =
                e.into_iter().map(|e| Error::new(e.span(), ErrorKind::Syntax(e.to_string()))).collect();
            return errors::placeholder(&errors);
        }
    };
    let span = input.path.span();
    let template = resolve::template_path(&input.path.value(), manifest_dir);
    match load(&template, span) {
        Ok(loaded) => expand_loaded(input, &template, &loaded),
        Err(errors) => errors::placeholder(&errors),
    }
}

/// Reads the template, turning a missing file, every reader problem, and a reader panic into errors at `span`.
///
/// The `span` is the path literal's in the macro input.
pub fn load(template: &TemplatePath, span: Span) -> Result<Loaded, Vec<Error>> {
    if !template.absolute.is_file() {
        return Err(vec![Error::new(
            span,
            ErrorKind::TemplateNotFound {
                written: template.written.clone(),
                resolved: template.absolute.clone(),
                anchor: template.anchor.clone(),
            },
        )]);
    }
    let options = ReadOptions::default();
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        emu_template::read_file(&template.absolute, &options)
    }));
    match read {
        Ok(Ok(loaded)) => Ok(loaded),
        Ok(Err(problems)) => {
            let mut errors: Vec<Error> = problems
                .0
                .iter()
                .map(|p| Error::new(span, ErrorKind::Template(display_problem(p, template))))
                .collect();
            if errors.is_empty() {
                let message = format!("{}: the template reader reported an error without details", template.written);
                errors.push(Error::new(span, ErrorKind::Template(message)));
            }
            Err(errors)
        }
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            Err(vec![Error::new(span, ErrorKind::ReaderPanicked { written: template.written.clone(), message })])
        }
    }
}

/// `file:line:col: message`, with the template named as the user wrote it rather than by its absolute path.
///
/// The one place that reads a [`Problem`]'s message.
fn display_problem(p: &Problem, template: &TemplatePath) -> String {
    let file = if Path::new(&p.file) == template.absolute || p.file.is_empty() {
        template.written.clone()
    } else {
        p.file.clone()
    };
    format!("{file}:{}:{}: {}", p.location.line, p.location.column, p.kind)
}

/// The expansion for a template already read by [`load`]: applies the binding rules and emits the table.
///
/// With binding errors, the valid bindings are still expanded (type-checked) next to the errors.
pub fn expand_loaded(input: MacroInput, template: &TemplatePath, loaded: &Loaded) -> TokenStream {
    let span = input.path.span();
    let (model, imported) = resolve::with_imported_authorizers(&loaded.model);
    let (plan, errors) = resolve::plan(&model, input, &imported, &template.written, span);
    let expansion =
        Expansion { template, referenced_files: &loaded.referenced_files, model: &model, plan, literal_span: span };
    if errors.is_empty() {
        codegen::expansion(expansion)
    } else {
        // The errors, then every handler still type-checked (so each missing handler is reported in this build and
        // the handlers' imports count as used), then the placeholder.
        errors::placeholder_with(&errors, codegen::checks_only(expansion))
    }
}
