//! The crate's error and warning types: located parse errors, unsupported constructs, render failures.
//! Every position is 1-based (line, column in characters) relative to the template text.

use std::fmt;

/// A syntax error in a template (an unclosed `#if`, a bad reference, an unterminated string, ...).
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// 1-based line of the error in the template text.
    pub line: u32,
    /// 1-based column (in characters) of the error.
    pub column: u32,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mapping template line {}, column {}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for ParseError {}

/// A construct outside the supported VTL subset (for example `#macro` or `$util.toJson`), with where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsupported {
    /// The construct as written, for example `#macro` or `$util.toJson`.
    pub construct: String,
    /// 1-based line of the construct.
    pub line: u32,
    /// 1-based column (in characters) of the construct.
    pub column: u32,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "mapping template line {}, column {}: `{}` is not in the supported VTL subset (docs/template-support.md)",
            self.line, self.column, self.construct
        )
    }
}

/// Which render limit a template hit (see [`RenderError::Limit`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitKind {
    /// The rendered text (or one string built while rendering) exceeded [`crate::MAX_OUTPUT_BYTES`].
    OutputSize,
    /// One `#foreach` would run more than [`crate::MAX_FOREACH_ITERATIONS`] times (API Gateway's limit).
    ForeachIterations,
    /// The render did more than [`crate::MAX_WORK`] units of work (nested loops over large data).
    Work,
    /// A value (list or map) nested deeper than [`crate::MAX_VALUE_DEPTH`].
    ValueDepth,
    /// A range `[a..b]` longer than [`crate::MAX_RANGE_LEN`].
    RangeLength,
    /// Rendering nested deeper than [`crate::MAX_RENDER_DEPTH`] (a `#define` block referring to itself).
    RenderDepth,
}

impl fmt::Display for LimitKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LimitKind::OutputSize => write!(f, "output larger than {} bytes", crate::MAX_OUTPUT_BYTES),
            LimitKind::ForeachIterations => {
                write!(f, "#foreach over more than {} items (API Gateway's limit)", crate::MAX_FOREACH_ITERATIONS)
            }
            LimitKind::Work => write!(f, "more than {} units of rendering work", crate::MAX_WORK),
            LimitKind::ValueDepth => write!(f, "a list or map nested deeper than {}", crate::MAX_VALUE_DEPTH),
            LimitKind::RangeLength => write!(f, "a range longer than {} items", crate::MAX_RANGE_LEN),
            LimitKind::RenderDepth => write!(
                f,
                "rendering nested deeper than {} (a #define block referring to itself?)",
                crate::MAX_RENDER_DEPTH
            ),
        }
    }
}

/// Why rendering a template failed. API Gateway answers such a request with a 500 (a mapping failure).
#[derive(Debug)]
#[non_exhaustive]
pub enum RenderError {
    /// The render reached a construct outside the subset (also listed by [`crate::Template::unsupported`]).
    Unsupported {
        /// The construct as written.
        construct: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// `$input.json()` / `$input.path()` on a body that starts like JSON (`{`, `[`, `"`) but is not JSON. (Other
    /// text reads as one JSON string.)
    InvalidJsonBody {
        /// 1-based line of the `$input` reference.
        line: u32,
        /// 1-based column of the `$input` reference.
        column: u32,
        /// serde_json's error.
        source: serde_json::Error,
    },
    /// A JSONPath argument outside the supported subset or malformed.
    InvalidJsonPath {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        message: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// `$util.parseJson()` on text that is not JSON.
    ParseJson {
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// serde_json's error.
        source: serde_json::Error,
    },
    /// `$util.urlDecode()` or `$util.base64Decode()` on malformed input.
    Decode {
        /// The function, e.g. `$util.base64Decode`.
        function: &'static str,
        /// What is malformed.
        message: String,
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// A render limit (output size, `#foreach` iterations, work, value depth).
    Limit {
        /// Which limit.
        kind: LimitKind,
        /// 1-based line of the construct that hit it.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// The same `$context.responseOverride.*` / `$context.requestOverride.*` parameter set twice: "Overrides are
    /// final ... Trying to override the same parameter multiple times will result in 5XX responses" (AWS).
    OverrideTwice {
        /// The parameter, e.g. `responseOverride.status`.
        parameter: String,
        /// 1-based line of the second `#set`.
        line: u32,
        /// 1-based column.
        column: u32,
    },
    /// `#set($context.responseOverride.status = ...)` to something that is not an HTTP status (100-599).
    InvalidStatusOverride {
        /// The value as rendered.
        value: String,
    },
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RenderError::Unsupported { construct, line, column } => write!(
                f,
                "mapping template line {line}, column {column}: `{construct}` is not in the supported VTL subset"
            ),
            RenderError::InvalidJsonBody { line, column, .. } => write!(
                f,
                "mapping template line {line}, column {column}: the body is not JSON, so $input.json/$input.path cannot read it"
            ),
            RenderError::InvalidJsonPath { path, message, line, column } => {
                write!(f, "mapping template line {line}, column {column}: JSONPath `{path}`: {message}")
            }
            RenderError::ParseJson { line, column, .. } => {
                write!(f, "mapping template line {line}, column {column}: $util.parseJson: the argument is not JSON")
            }
            RenderError::Decode { function, message, line, column } => {
                write!(f, "mapping template line {line}, column {column}: {function}: {message}")
            }
            RenderError::Limit { kind, line, column } => {
                write!(f, "mapping template line {line}, column {column}: render limit: {kind}")
            }
            RenderError::OverrideTwice { parameter, line, column } => write!(
                f,
                "mapping template line {line}, column {column}: $context.{parameter} is overridden a second time; \
                 API Gateway allows each override once (set a variable, override at the end)"
            ),
            RenderError::InvalidStatusOverride { value } => {
                write!(f, "$context.responseOverride.status is `{value}`, not an HTTP status code (100-599)")
            }
        }
    }
}

impl std::error::Error for RenderError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RenderError::InvalidJsonBody { source, .. } | RenderError::ParseJson { source, .. } => Some(source),
            _ => None,
        }
    }
}
