//! Typed template problems and the collector that gathers every problem and warning of one read.
//! Each [`ProblemKind`] renders an actionable message; [`Diagnostics`] turns them into [`crate::Problem`]s.

use std::fmt;

use crate::Problem;
use crate::model::{Location, Warning};

/// What is wrong with a template, as a typed value; its `Display` is the message a user sees.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProblemKind {
    /// The file is not valid YAML / JSON.
    Syntax(String),
    /// The file could not be read.
    Unreadable {
        /// The path that could not be read.
        path: String,
        /// Why.
        reason: String,
    },
    /// The document is not a template (no `Resources` mapping, not a mapping at all, ...).
    NotATemplate(String),
    /// A required property is absent.
    MissingProperty {
        /// What needs it (`event Hello of function HelloFn`).
        owner: String,
        /// The property's name.
        property: &'static str,
    },
    /// A property has a value of the wrong shape.
    InvalidValue {
        /// Where (`Timeout of HelloFn`).
        what: String,
        /// What was expected instead.
        expected: String,
    },
    /// An intrinsic function is malformed or names something that does not exist.
    Intrinsic(String),
    /// Two routes of one API share a method and path.
    DuplicateRoute {
        /// The API's logical id.
        api: String,
        /// `GET /dogs`.
        route: String,
        /// The function and line of the first definition.
        first: (String, u32),
        /// The function and line of the second definition.
        second: (String, u32),
    },
    /// A route path API Gateway would refuse.
    InvalidPath {
        /// The path as written.
        path: String,
        /// Why it is refused.
        reason: &'static str,
    },
    /// Two different variable names at the same level of one API (`/{id}` and `/{name}`).
    ConflictingVariables {
        /// The API's logical id.
        api: String,
        /// The parent path (`/dogs`).
        parent: String,
        /// The two variable segments.
        names: (String, String),
    },
    /// An event or route references an API that is not in the template.
    UnknownApi {
        /// Who references it.
        owner: String,
        /// The property (`RestApiId` / `ApiId`).
        property: &'static str,
        /// The id referenced.
        id: String,
        /// The API kind expected (`AWS::Serverless::Api`).
        expected: &'static str,
    },
    /// A route names a function that is not in the template.
    UnknownFunction {
        /// Who references it.
        owner: String,
        /// The name referenced.
        name: String,
    },
    /// A Globals property SAM does not allow.
    UnsupportedGlobal {
        /// `Function`, `Api` or `HttpApi`.
        section: String,
        /// The property.
        property: String,
    },
    /// A construct this reader does not support yet and cannot safely ignore.
    Unsupported(String),
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProblemKind::Syntax(m) => write!(f, "invalid YAML/JSON: {m}"),
            ProblemKind::Unreadable { path, reason } => write!(f, "cannot read `{path}`: {reason}"),
            ProblemKind::NotATemplate(m) => write!(f, "not a SAM/CloudFormation template: {m}"),
            ProblemKind::MissingProperty { owner, property } => {
                write!(f, "{owner} has no `{property}`; add it")
            }
            ProblemKind::InvalidValue { what, expected } => write!(f, "{what}: expected {expected}"),
            ProblemKind::Intrinsic(m) => write!(f, "{m}"),
            ProblemKind::DuplicateRoute { api, route, first, second } => write!(
                f,
                "duplicate route `{route}` on API {api}: defined for {} (line {}) and for {} (line {}); \
                 API Gateway allows one integration per method and path, remove one",
                first.0, first.1, second.0, second.1
            ),
            ProblemKind::InvalidPath { path, reason } => write!(f, "invalid route path `{path}`: {reason}"),
            ProblemKind::ConflictingVariables { api, parent, names } => write!(
                f,
                "API {api}: `{parent}` has two different variable children `{}` and `{}`; \
                 API Gateway allows only one variable name per level, use the same name in both routes",
                names.0, names.1
            ),
            ProblemKind::UnknownApi { owner, property, id, expected } => write!(
                f,
                "{owner}: `{property}` references `{id}`, which is not an {expected} in this template; \
                 reference an existing API or remove `{property}` to use the implicit one"
            ),
            ProblemKind::UnknownFunction { owner, name } => {
                write!(f, "{owner} references function `{name}`, which is not in this template")
            }
            ProblemKind::UnsupportedGlobal { section, property } => {
                write!(f, "`Globals.{section}.{property}` is not supported by SAM; set it on each resource instead")
            }
            ProblemKind::Unsupported(m) => write!(f, "not supported: {m}"),
        }
    }
}

/// Problems and warnings gathered while reading one template.
#[derive(Debug, Default)]
pub struct Diagnostics {
    /// The file the locations refer to by default.
    pub file: String,
    /// Every problem found so far.
    pub problems: Vec<Problem>,
    /// Every warning found so far.
    pub warnings: Vec<Warning>,
}

impl Diagnostics {
    /// Collects diagnostics for `file`.
    pub fn new(file: impl Into<String>) -> Self {
        Diagnostics { file: file.into(), ..Default::default() }
    }

    /// Records a problem at `location` of the default file.
    pub fn problem(&mut self, location: Location, kind: ProblemKind) {
        let file = self.file.clone();
        self.problem_in(file, location, kind);
    }

    /// Records a problem in another file (a `DefinitionUri` document).
    pub fn problem_in(&mut self, file: String, location: Location, kind: ProblemKind) {
        let message = kind.to_string();
        if !self.problems.iter().any(|p| p.location == location && p.message == message && p.file == file) {
            self.problems.push(Problem { file, location, message });
        }
    }

    /// Records a warning.
    pub fn warn(&mut self, location: Location, message: impl Into<String>) {
        let message = message.into();
        if !self.warnings.iter().any(|w| w.location == location && w.message == message) {
            self.warnings.push(Warning { message: message.into(), location });
        }
    }
}
