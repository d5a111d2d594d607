//! The format-neutral description of a serverless application: functions, APIs and routes.
//! SAM, CloudFormation and Serverless templates all read into these types; the macro emits them as a static table.

use std::borrow::Cow;
use std::fmt;

/// A string that is either `'static` (emitted by `lambda_app!`) or owned (read at run time).
pub type Str = Cow<'static, str>;
/// A list that is either `'static` (emitted by `lambda_app!`) or owned (read at run time).
pub type List<T> = Cow<'static, [T]>;

/// A 1-based line and column in the template file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Location {
    /// Line, starting at 1 (0 when unknown).
    pub line: u32,
    /// Column, starting at 1 (0 when unknown).
    pub column: u32,
}

impl Location {
    /// A location at `line`:`column`.
    pub const fn new(line: u32, column: u32) -> Self {
        Location { line, column }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Which kind of file the model was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TemplateFormat {
    /// An AWS SAM template (`Transform: AWS::Serverless-2016-10-31`).
    Sam,
    /// A plain CloudFormation template.
    CloudFormation,
    /// A Serverless Framework `serverless.yml`.
    Serverless,
}

/// Everything the emulator needs to know about one application.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The file the model was read from, as given to the reader.
    pub source: Str,
    /// The format detected from the file's content.
    pub format: TemplateFormat,
    /// Every Lambda function, in template order.
    pub functions: List<Function>,
    /// Every API (implicit and explicit), in template order, implicit ones last.
    pub apis: List<Api>,
    /// Every HTTP route, sorted by path then method.
    pub routes: List<Route>,
    /// Things the reader could not resolve or chose to approximate; never fatal.
    pub warnings: List<Warning>,
}

impl Model {
    /// The function with this [`Function::id`].
    pub fn function(&self, id: &str) -> Option<&Function> {
        self.functions.iter().find(|f| f.id == id)
    }

    /// The API with this id (its logical id; `Child/Id` for a nested stack's API).
    pub fn api(&self, id: &str) -> Option<&Api> {
        self.apis.iter().find(|a| a.id == id)
    }

    /// A hand-built SAM model (tests, other front ends): these APIs and routes, plus one [`Function::new`] for each
    /// function id the routes name, in route order.
    pub fn from_routes(apis: Vec<Api>, routes: Vec<Route>) -> Model {
        let mut functions: Vec<Function> = Vec::new();
        for r in &routes {
            if !functions.iter().any(|f| f.id == r.function) {
                functions.push(Function::new(r.function.to_string()));
            }
        }
        Model {
            source: "template.yaml".into(),
            format: TemplateFormat::Sam,
            functions: functions.into(),
            apis: apis.into(),
            routes: routes.into(),
            warnings: Vec::new().into(),
        }
    }
}

/// One Lambda function.
#[derive(Clone, Debug, PartialEq)]
pub struct Function {
    /// The id the function is known by: what `lambda_app!` binds, `App::invoke` takes and the route table shows.
    /// The logical id, except for CDK output (the construct id from `aws:cdk:path`, `HelloWorldFunction`) and for
    /// functions of a nested stack (`ChildStack/FunctionId`, one `/` per level); Serverless: the key under `functions`.
    pub id: Str,
    /// The resource's logical id in the template that declares it (`helloworldfunctionFDE57595` for a CDK
    /// function whose `id` is `HelloWorldFunction`, `FunctionId` for `ChildStack/FunctionId`); else equal to `id`.
    pub logical_id: Str,
    /// The deployed function name: `FunctionName` when set, else the logical id.
    pub name: Str,
    /// The `Handler` property as written (`bootstrap`, `app.lambda_handler`, `dogs::get`), or empty.
    pub handler: Str,
    /// The `Runtime` property (`provided.al2023`, `python3.12`), or empty.
    pub runtime: Str,
    /// `Timeout` in seconds (SAM default 3, Serverless default 6).
    pub timeout_secs: u32,
    /// `MemorySize` in MB (SAM default 128, Serverless default 1024).
    pub memory_mb: u32,
    /// `ReservedConcurrentExecutions` (Serverless `reservedConcurrency`): at most this many invocations run at once,
    /// the rest are throttled; `Some(0)` throttles every invocation. `None`: no reserved limit.
    pub reserved_concurrency: Option<u32>,
    /// SAM `AutoPublishAlias`: the alias a deployment publishes (version 1 locally), invokable as a qualifier.
    pub alias: Option<Str>,
    /// Environment variables after Globals merge, with intrinsic functions resolved, sorted by name.
    pub environment: List<EnvVar>,
    /// Events that are not HTTP routes (SQS, S3, Schedule, ...), kept so they can be invoked later.
    pub events: List<Event>,
    /// Where the function is defined (the line of its logical id).
    pub location: Location,
}

impl Function {
    /// A function with SAM's defaults: `Handler: bootstrap`, `Runtime: provided.al2023`, `Timeout: 3`,
    /// `MemorySize: 128`, no environment, no events; its deployed name is its logical id.
    pub fn new(id: impl Into<String>) -> Function {
        let id: String = id.into();
        Function {
            name: id.clone().into(),
            logical_id: id.clone().into(),
            id: id.into(),
            handler: "bootstrap".into(),
            runtime: "provided.al2023".into(),
            timeout_secs: 3,
            memory_mb: 128,
            reserved_concurrency: None,
            alias: None,
            environment: Vec::new().into(),
            events: Vec::new().into(),
            location: Location::default(),
        }
    }
}

/// One environment variable of a function.
#[derive(Clone, Debug, PartialEq)]
pub struct EnvVar {
    /// The variable's name.
    pub name: Str,
    /// The value, as pieces: literal text, or a process variable read at run time (Serverless `${env:X}`).
    pub value: List<EnvPiece>,
}

impl EnvVar {
    /// A variable with a literal value.
    pub fn literal(name: impl Into<Str>, value: impl Into<Str>) -> Self {
        EnvVar { name: name.into(), value: vec![EnvPiece::Text(value.into())].into() }
    }

    /// The value when it is entirely literal text.
    pub fn literal_value(&self) -> Option<String> {
        let mut out = String::new();
        for piece in self.value.iter() {
            match piece {
                EnvPiece::Text(t) => out.push_str(t),
                EnvPiece::ProcessEnv { .. } => return None,
            }
        }
        Some(out)
    }

    /// The value, reading `${env:X}` pieces through `lookup` (usually the process environment).
    pub fn resolve(&self, lookup: impl Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for piece in self.value.iter() {
            match piece {
                EnvPiece::Text(t) => out.push_str(t),
                EnvPiece::ProcessEnv { variable, fallback } => {
                    if let Some(v) = lookup(variable) {
                        out.push_str(&v);
                    } else if let Some(f) = fallback {
                        out.push_str(f);
                    }
                }
            }
        }
        out
    }
}

/// A piece of an environment variable's value.
#[derive(Clone, Debug, PartialEq)]
pub enum EnvPiece {
    /// Literal text.
    Text(Str),
    /// The value of a process environment variable at run time, or `fallback` when unset.
    ProcessEnv {
        /// The process variable's name.
        variable: Str,
        /// Used when the variable is unset.
        fallback: Option<Str>,
    },
}

/// A non-HTTP event source of a function.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The event's name in the template (SAM: key under `Events`; Serverless: `<kind>-<index>`).
    pub name: Str,
    /// The event's type.
    pub kind: EventKind,
    /// The event's properties as compact JSON, intrinsics resolved.
    pub properties: Str,
    /// Where the event is defined.
    pub location: Location,
}

/// The type of a non-HTTP event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EventKind {
    /// SQS queue (`SQS`, `sqs`).
    Sqs,
    /// S3 notification (`S3`, `s3`).
    S3,
    /// SNS topic (`SNS`, `sns`).
    Sns,
    /// Scheduled rule (`Schedule`, `ScheduleV2`, `schedule`).
    Schedule,
    /// EventBridge / CloudWatch Events rule (`EventBridgeRule`, `CloudWatchEvent`, `eventBridge`).
    EventBridge,
    /// Kinesis stream.
    Kinesis,
    /// DynamoDB stream.
    DynamoDb,
    /// Any other type, by its name in the template.
    Other(Str),
}

/// The two kinds of API Gateway API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ApiKind {
    /// REST API (API Gateway v1): payload 1.0.
    Rest,
    /// HTTP API (API Gateway v2): payload 2.0 by default.
    Http,
}

impl ApiKind {
    /// `REST` or `HTTP`, as the routes command prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            ApiKind::Rest => "REST",
            ApiKind::Http => "HTTP",
        }
    }
}

/// The Lambda event payload format of a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PayloadVersion {
    /// Payload format 1.0 (REST APIs; HTTP APIs with `PayloadFormatVersion: "1.0"`).
    V1,
    /// Payload format 2.0 (HTTP API default).
    V2,
}

impl PayloadVersion {
    /// `1.0` or `2.0`.
    pub fn as_str(self) -> &'static str {
        match self {
            PayloadVersion::V1 => "1.0",
            PayloadVersion::V2 => "2.0",
        }
    }
}

/// One API (implicit or explicit).
#[derive(Clone, Debug, PartialEq)]
pub struct Api {
    /// Logical id (`ServerlessRestApi`, `ServerlessHttpApi`, or the template's id); `Child/Id` for an API of a
    /// nested stack.
    pub id: Str,
    /// REST or HTTP API.
    pub kind: ApiKind,
    /// True for `ServerlessRestApi` / `ServerlessHttpApi` created from function events.
    pub implicit: bool,
    /// Stage name (`Prod` for the implicit REST API, `$default` for HTTP APIs without one).
    pub stage: Str,
    /// True when routes are served under `/{stage}` (Serverless REST APIs, as their invoke URL has it).
    pub stage_in_url: bool,
    /// Stage variables, sorted by name.
    pub stage_variables: List<KeyValue>,
    /// CORS configuration, when any.
    pub cors: Option<Cors>,
    /// Binary media types (`~1` already turned into `/`).
    pub binary_media_types: List<Str>,
    /// The `Auth` block as compact JSON, kept as data (not enforced yet); empty when none.
    pub auth: Str,
    /// Payload version of routes that do not set one.
    pub default_payload: PayloadVersion,
    /// Where the API is defined (for implicit APIs: the first event that created it).
    pub location: Location,
}

/// The HTTP API route key that catches every request no other route matches, and the stage an HTTP API is
/// served at when it names none: `$default`.
pub const DEFAULT_ROUTE: &str = "$default";

impl Api {
    /// Whether the API is served at its `$default` stage (or has no stage), i.e. with no `/{stage}` in its URL.
    pub fn is_default_stage(&self) -> bool {
        self.stage.is_empty() || self.stage == DEFAULT_ROUTE
    }

    /// An API as SAM creates it implicitly: stage `Prod` (REST) or `$default` (HTTP), payload 1.0 (REST) or 2.0
    /// (HTTP), no stage variables, CORS, binary media types or auth.
    pub fn new(id: impl Into<String>, kind: ApiKind) -> Api {
        Api {
            id: id.into().into(),
            kind,
            implicit: true,
            stage: match kind {
                ApiKind::Rest => "Prod".into(),
                ApiKind::Http => DEFAULT_ROUTE.into(),
            },
            stage_in_url: false,
            stage_variables: Vec::new().into(),
            cors: None,
            binary_media_types: Vec::new().into(),
            auth: "".into(),
            default_payload: match kind {
                ApiKind::Rest => PayloadVersion::V1,
                ApiKind::Http => PayloadVersion::V2,
            },
            location: Location::default(),
        }
    }
}

/// A name and a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyValue {
    /// The key.
    pub key: Str,
    /// The value.
    pub value: Str,
}

/// CORS settings of an API, with quotes removed from REST `'value'` strings.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Cors {
    /// Allowed origins (`*` for any).
    pub allow_origins: List<Str>,
    /// Allowed methods, upper case (`*` for any).
    pub allow_methods: List<Str>,
    /// Allowed request headers.
    pub allow_headers: List<Str>,
    /// Headers exposed to the browser (HTTP APIs).
    pub expose_headers: List<Str>,
    /// `Access-Control-Allow-Credentials: true`.
    pub allow_credentials: bool,
    /// `Access-Control-Max-Age` in seconds.
    pub max_age: Option<u32>,
}

/// An HTTP method of a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Method {
    /// Any method (`ANY`, `x-amazon-apigateway-any-method`, Serverless `*`).
    Any,
    /// GET.
    Get,
    /// HEAD.
    Head,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
    /// OPTIONS.
    Options,
}

impl Method {
    /// The method in upper case (`ANY` for [`Method::Any`]).
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Any => "ANY",
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
        }
    }

    /// Parses a method name in any case; `ANY`, `*` and `x-amazon-apigateway-any-method` mean any.
    pub fn parse(s: &str) -> Option<Method> {
        let upper = s.trim().to_ascii_uppercase();
        Some(match upper.as_str() {
            "ANY" | "*" | "X-AMAZON-APIGATEWAY-ANY-METHOD" => Method::Any,
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            _ => return None,
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One HTTP route: a method and path of an API bound to a function.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    /// The method (`ANY` matches every method).
    pub method: Method,
    /// The path in API Gateway syntax (`/dogs/{id}`, `/{proxy+}`), or `$default` (HTTP API catch-all).
    pub path: Str,
    /// [`Api::id`] of the API the route belongs to.
    pub api: Str,
    /// [`Function::id`] of the function that handles it.
    pub function: Str,
    /// Event payload format.
    pub payload: PayloadVersion,
    /// REST `operationId` / `OperationName`, when set.
    pub operation_name: Option<Str>,
    /// Name of the authorizer that protects the route, when any (not enforced yet).
    pub authorizer: Option<Str>,
    /// Where the route is defined.
    pub location: Location,
}

impl Route {
    /// Whether this is the HTTP API `$default` route.
    pub fn is_default(&self) -> bool {
        self.path == DEFAULT_ROUTE
    }

    /// A route of `api` bound to `function`, with no operation name or authorizer.
    pub fn new(
        method: Method,
        path: impl Into<String>,
        api: impl Into<String>,
        function: impl Into<String>,
        payload: PayloadVersion,
    ) -> Route {
        Route {
            method,
            path: path.into().into(),
            api: api.into().into(),
            function: function.into().into(),
            payload,
            operation_name: None,
            authorizer: None,
            location: Location::default(),
        }
    }
}

/// Something the reader approximated: unresolvable intrinsics, unsupported resources it skipped on purpose.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// What happened and what the model holds instead.
    pub message: Str,
    /// Where, when known.
    pub location: Location,
}
