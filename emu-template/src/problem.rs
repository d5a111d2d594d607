//! Typed template problems: [`Problem`] (a [`ProblemKind`] at a file position) and [`Problems`] (all of one read).
//! Each kind's `Display` is the actionable message a user sees; callers match on the kind.

use std::fmt;

use crate::model::Location;

/// One problem found in a template, with its position.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The file the problem is in, as given to the reader.
    pub file: String,
    /// Where in that file.
    pub location: Location,
    /// What is wrong; its `Display` is the message.
    pub kind: ProblemKind,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: {}", self.file, self.location.line, self.location.column, self.kind)
    }
}

/// Every problem found in a template (never empty).
#[derive(Clone, Debug, PartialEq)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

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
    /// A route or API names an authorizer its API does not define.
    UnknownAuthorizer {
        /// Who names it (`GET /dogs`, `DefaultAuthorizer of MyApi`).
        owner: String,
        /// The authorizer's name.
        name: String,
        /// The API's logical id.
        api: String,
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
    /// A Serverless Framework variable (`${self:...}`, `${opt:...}`, ...) cannot be resolved.
    Variable(VariableError),
    /// An `AWS::ApiGatewayV2::Route` targets an integration that is not in the template.
    UnknownIntegration {
        /// Who references it (`route GetDogs`).
        owner: String,
        /// The integration id named by `Target`.
        id: String,
    },
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
    /// Nested stacks that need each other first: outputs passed back and forth as `Parameters`, or templates
    /// that include each other.
    StackCycle {
        /// The stacks (logical ids) or template files around the loop, the first repeated at the end.
        cycle: Vec<String>,
        /// How they depend on each other (`outputs passed as Parameters`, `templates that include each other`).
        through: &'static str,
    },
    /// A construct this reader does not support yet and cannot safely ignore.
    Unsupported(String),
    /// A request model that is not a valid JSON Schema draft 4 document (or refers to a model that does not exist).
    InvalidSchema {
        /// Which model (`model Pet of API PetApi`, `the body schema of POST /dogs`).
        model: String,
        /// What the schema compiler found, in its words.
        reason: String,
    },
    /// A route names a request model its API does not define.
    UnknownModel {
        /// Who names it (`POST /dogs of API PetApi`).
        owner: String,
        /// The model's name.
        name: String,
        /// The API's logical id.
        api: String,
    },
    /// A route names a request validator its API does not define.
    UnknownValidator {
        /// Who names it.
        owner: String,
        /// The validator's name (or logical id).
        name: String,
        /// The API's logical id.
        api: String,
    },
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
            ProblemKind::UnknownAuthorizer { owner, name, api } => write!(
                f,
                "{owner} uses authorizer `{name}`, which API {api} does not define (add it under the API's Auth.Authorizers, or use NONE)"
            ),
            ProblemKind::Intrinsic(m) => write!(f, "{m}"),
            ProblemKind::Variable(e) => write!(f, "{e}"),
            ProblemKind::UnknownIntegration { owner, id } => write!(
                f,
                "{owner}: Target names integration `{id}`, which is not an AWS::ApiGatewayV2::Integration of this template"
            ),
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
            ProblemKind::StackCycle { cycle, through } => write!(
                f,
                "nested stacks form a cycle ({through}): {}; CloudFormation cannot create any of them first, break the loop",
                cycle.join(" -> ")
            ),
            ProblemKind::Unsupported(m) => write!(f, "not supported: {m}"),
            ProblemKind::InvalidSchema { model, reason } => write!(
                f,
                "{model} is not a valid JSON Schema draft 4 document, which API Gateway models must be: {reason}"
            ),
            ProblemKind::UnknownModel { owner, name, api } => write!(
                f,
                "{owner} uses model `{name}`, which API {api} does not define (add it to the API's models, or fix the name)"
            ),
            ProblemKind::UnknownValidator { owner, name, api } => write!(
                f,
                "{owner} uses request validator `{name}`, which API {api} does not define (add it to \
                 x-amazon-apigateway-request-validators or as an AWS::ApiGateway::RequestValidator)"
            ),
        }
    }
}

/// How deeply Serverless Framework variables may nest or refer to each other.
pub(crate) const MAX_VARIABLE_DEPTH: usize = 48;

/// Why a Serverless Framework variable could not be resolved (rendered as the problem's message).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VariableError {
    /// No source of the variable gave a value and there is no fallback.
    Missing {
        /// The variable as written (`${self:custom.x}`).
        variable: String,
        /// Why the last source gave nothing.
        reason: String,
    },
    /// A `${self:}` reference leads back to itself.
    Cycle {
        /// The path that is being resolved again.
        path: String,
    },
    /// Variables nest or refer to each other too deeply.
    TooDeep,
    /// `${...` without its closing `}`.
    Unclosed {
        /// The text as written.
        text: String,
    },
}

impl fmt::Display for VariableError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VariableError::Missing { variable, reason } => write!(
                f,
                "cannot resolve `{variable}`: {reason}; add the value or give a fallback, as in `${{self:custom.x, 'default'}}`"
            ),
            VariableError::Cycle { path } => {
                write!(f, "variable cycle: resolving `self:{path}` needs `self:{path}` again; break the loop")
            }
            VariableError::TooDeep => write!(f, "variables nest too deeply (more than {MAX_VARIABLE_DEPTH} levels)"),
            VariableError::Unclosed { text } => write!(f, "unclosed variable in `{text}`: add the closing `}}`"),
        }
    }
}
