//! The format-neutral description of a serverless application: functions, APIs and routes.
//! SAM, CloudFormation and Serverless templates all read into these types; the macro emits them as a static table.

use std::borrow::Cow;
use std::fmt;

use crate::integration::Integration;

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
    /// Every authorizer of every API, in template order.
    pub authorizers: List<Authorizer>,
    /// API keys the template defines (`AWS::ApiGateway::ApiKey`, Serverless `apiKeys`).
    pub api_keys: List<ApiKey>,
    /// The gateway responses REST APIs customize (at most one per API and type).
    pub gateway_responses: List<crate::gateway_response::GatewayResponse>,
    /// The REST APIs' models (JSON Schema draft 4), which request validation checks bodies against.
    pub request_models: List<RequestModel>,
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
            if let Some(id) = r.function()
                && !functions.iter().any(|f| f.id == id)
            {
                functions.push(Function::new(id.to_string()));
            }
        }
        Model {
            source: "template.yaml".into(),
            format: TemplateFormat::Sam,
            functions: functions.into(),
            apis: apis.into(),
            routes: routes.into(),
            authorizers: Vec::new().into(),
            api_keys: Vec::new().into(),
            gateway_responses: Vec::new().into(),
            request_models: Vec::new().into(),
            warnings: Vec::new().into(),
        }
    }

    /// The model `name` of API `api`.
    pub fn request_model(&self, api: &str, name: &str) -> Option<&RequestModel> {
        self.request_models.iter().find(|m| m.api == api && m.name == name)
    }

    /// The authorizer `name` of API `api`.
    pub fn authorizer(&self, api: &str, name: &str) -> Option<&Authorizer> {
        self.authorizers.iter().find(|a| a.api == api && a.name == name)
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
    /// The authorizer CORS preflights (`OPTIONS`) go through: SAM's `DefaultAuthorizer` when
    /// `Auth.AddDefaultAuthorizerToCorsPreflight` is true (its default); `None`: preflights are not authorized.
    pub preflight_authorizer: Option<Str>,
    /// CORS preflights need an API key: SAM's API-wide `ApiKeyRequired` with `AddApiKeyRequiredToCorsPreflight`
    /// (default true).
    pub preflight_api_key: bool,
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
            preflight_authorizer: None,
            preflight_api_key: false,
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
    /// What serves it: a function (proxy or non-proxy) or a mock.
    pub integration: Integration,
    /// Event payload format.
    pub payload: PayloadVersion,
    /// REST `operationId` / `OperationName`, when set.
    pub operation_name: Option<Str>,
    /// Who may call the route: authorizer, IAM, API key, scopes.
    pub auth: RouteAuth,
    /// REST: the request validator that applies, with what it checks; `None` when none does.
    pub validation: Option<RequestValidation>,
    /// Where the route is defined.
    pub location: Location,
}

impl Route {
    /// Whether this is the HTTP API `$default` route.
    pub fn is_default(&self) -> bool {
        self.path == DEFAULT_ROUTE
    }

    /// [`Function::id`] of the function the route invokes (`None` for a mock).
    pub fn function(&self) -> Option<&str> {
        self.integration.function()
    }

    /// A Lambda proxy route of `api` bound to `function`, with no operation name or authorizer.
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
            integration: Integration::proxy(function.into()),
            payload,
            operation_name: None,
            auth: RouteAuth::NONE,
            validation: None,
            location: Location::default(),
        }
    }
}

/// The request validator of a REST route and what it checks, as API Gateway runs it before the integration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestValidation {
    /// The validator's name (`x-amazon-apigateway-request-validator`, SAM's `body-and-params`, ...).
    pub validator: Str,
    /// `validateRequestBody`: the body must match the model chosen by its `Content-Type`.
    pub validate_body: bool,
    /// `validateRequestParameters`: the required parameters must be present and not blank.
    pub validate_parameters: bool,
    /// The route's required request parameters, in template order.
    pub required_parameters: List<RequestParameter>,
    /// The route's request models by content type (`$default` matches any), in template order.
    pub body_models: List<BodyModel>,
}

/// A required request parameter of a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestParameter {
    /// Where the parameter is.
    pub location: ParameterLocation,
    /// Its name (header names are compared case-insensitively).
    pub name: Str,
}

/// Where a request parameter is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParameterLocation {
    /// A path parameter (`method.request.path.X`).
    Path,
    /// A query string parameter (`method.request.querystring.X`).
    Query,
    /// A header (`method.request.header.X`).
    Header,
}

impl ParameterLocation {
    /// `path`, `querystring` or `header`, as `method.request.<location>.<name>` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ParameterLocation::Path => "path",
            ParameterLocation::Query => "querystring",
            ParameterLocation::Header => "header",
        }
    }
}

/// The model a request body of one content type must match.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BodyModel {
    /// The media type (`application/json`), or `$default` for any.
    pub content_type: Str,
    /// The [`RequestModel::name`] of the route's API.
    pub model: Str,
}

/// A model of a REST API: a JSON Schema draft 4 document, checked when the template is read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestModel {
    /// [`Api::id`] of the API it belongs to.
    pub api: Str,
    /// Its name, as routes refer to it.
    pub name: Str,
    /// The schema as compact JSON; references to other models are rewritten to [`RequestModel::url`]s.
    pub schema: Str,
    /// Where it is defined.
    pub location: Location,
}

impl RequestModel {
    /// The URL API Gateway gives a model, which schemas use to refer to it:
    /// `https://apigateway.amazonaws.com/restapis/{api}/models/{name}`.
    /// Characters outside RFC 3986's unreserved set are percent-encoded (an inline schema's generated name has
    /// spaces and slashes).
    pub fn url(api: &str, name: &str) -> String {
        format!("{MODEL_URL_PREFIX}{}/models/{}", url_segment(api), url_segment(name))
    }
}

/// `text` as one URL path segment: unreserved characters kept, every other byte percent-encoded.
fn url_segment(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The start of every model URL ([`RequestModel::url`]).
pub const MODEL_URL_PREFIX: &str = "https://apigateway.amazonaws.com/restapis/";

/// Something the reader approximated: unresolvable intrinsics, unsupported resources it skipped on purpose.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// What happened and what the model holds instead.
    pub message: Str,
    /// Where, when known.
    pub location: Location,
}

/// Who may call a route, as API Gateway checks it before the integration runs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteAuth {
    /// The authorization the route uses.
    pub authorization: Authorization,
    /// REST: the caller must send a valid `x-api-key` (SAM `ApiKeyRequired`, Serverless `private: true`).
    pub api_key_required: bool,
    /// OAuth scopes the route requires (JWT and Cognito authorizers): any one of them suffices.
    pub scopes: List<Str>,
}

impl RouteAuth {
    /// Open to anyone: no authorizer, no API key, no scopes.
    pub const NONE: RouteAuth =
        RouteAuth { authorization: Authorization::None, api_key_required: false, scopes: Cow::Borrowed(&[]) };

    /// The name of the route's authorizer, when it has one.
    pub fn authorizer(&self) -> Option<&str> {
        match &self.authorization {
            Authorization::Authorizer(name) => Some(name),
            _ => None,
        }
    }

    /// Whether the route is open to anyone.
    pub fn is_open(&self) -> bool {
        self.authorization == Authorization::None && !self.api_key_required
    }
}

/// The authorization type of a route.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Authorization {
    /// No authorization (`NONE`).
    None,
    /// The authorizer of the route's API with this name ([`Model::authorizer`]).
    Authorizer(Str),
    /// `AWS_IAM`: the request must be signed with Signature Version 4.
    Iam,
}

/// One authorizer of an API.
#[derive(Clone, Debug, PartialEq)]
pub struct Authorizer {
    /// Logical id of the API it belongs to.
    pub api: Str,
    /// Its name, as routes refer to it (SAM: the key under `Authorizers`; CloudFormation: the logical id).
    pub name: Str,
    /// What kind of authorizer it is, with the settings of that kind.
    pub kind: AuthorizerKind,
    /// Where the identity comes from (TOKEN and Cognito: one header; REQUEST: every source, all required).
    pub identity: List<IdentitySource>,
    /// TOKEN and Cognito: a regular expression the token must match before the authorizer runs.
    pub validation_expression: Option<Str>,
    /// How long a result is cached, in seconds (0: not cached).
    pub ttl_secs: u32,
    /// Scopes of routes that do not set their own (SAM `AuthorizationScopes` on the authorizer).
    pub default_scopes: List<Str>,
    /// Where it is defined.
    pub location: Location,
}

impl Authorizer {
    /// The function a Lambda authorizer invokes, when it is a Lambda authorizer.
    pub fn function(&self) -> Option<&AuthorizerFunction> {
        match &self.kind {
            AuthorizerKind::LambdaToken { function }
            | AuthorizerKind::LambdaRequest { function }
            | AuthorizerKind::HttpLambda { function, .. } => Some(function),
            AuthorizerKind::Cognito { .. } | AuthorizerKind::Jwt { .. } => None,
        }
    }
}

/// The kinds of authorizer API Gateway runs.
#[derive(Clone, Debug, PartialEq)]
pub enum AuthorizerKind {
    /// REST Lambda authorizer of type TOKEN: the function gets one header's value.
    LambdaToken {
        /// The function it invokes.
        function: AuthorizerFunction,
    },
    /// REST Lambda authorizer of type REQUEST: the function gets the whole request.
    LambdaRequest {
        /// The function it invokes.
        function: AuthorizerFunction,
    },
    /// HTTP API Lambda authorizer.
    HttpLambda {
        /// The function it invokes.
        function: AuthorizerFunction,
        /// `AuthorizerPayloadFormatVersion`: 1.0 or 2.0.
        payload: PayloadVersion,
        /// `EnableSimpleResponses` (payload 2.0): `{"isAuthorized": bool}` instead of an IAM policy.
        simple_responses: bool,
    },
    /// REST Amazon Cognito user pool authorizer (`COGNITO_USER_POOLS`).
    Cognito {
        /// The user pool ARNs whose tokens it accepts.
        user_pools: List<Str>,
    },
    /// HTTP API JWT authorizer.
    Jwt {
        /// `JwtConfiguration.Issuer`.
        issuer: Str,
        /// `JwtConfiguration.Audience`: `aud` (or `client_id`) must be one of these.
        audiences: List<Str>,
    },
}

impl AuthorizerKind {
    /// `TOKEN`, `REQUEST`, `COGNITO_USER_POOLS`, `JWT`, as the routes table prints it.
    pub fn as_str(&self) -> &'static str {
        match self {
            AuthorizerKind::LambdaToken { .. } => "TOKEN",
            AuthorizerKind::LambdaRequest { .. } | AuthorizerKind::HttpLambda { .. } => "REQUEST",
            AuthorizerKind::Cognito { .. } => "COGNITO_USER_POOLS",
            AuthorizerKind::Jwt { .. } => "JWT",
        }
    }
}

/// The function a Lambda authorizer invokes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorizerFunction {
    /// The logical id of the template's function, or `None` when the ARN names a function outside the template
    /// (`lambda_app!` then asks for a binding by that name).
    pub id: Option<Str>,
    /// The function's ARN as the template gives it (intrinsics resolved).
    pub arn: Str,
}

impl AuthorizerFunction {
    /// The function name the ARN carries (`...:function:NAME[:alias]`), or the whole ARN.
    pub fn name(&self) -> &str {
        function_name_in_arn(&self.arn).unwrap_or(&self.arn)
    }
}

/// The function a Lambda ARN or integration URI names (`...:function:NAME[:alias][/invocations]`).
pub(crate) fn function_name_in_arn(uri: &str) -> Option<&str> {
    let start = uri.find(":function:")? + ":function:".len();
    let rest = &uri[start..];
    let end = rest.find([':', '/']).unwrap_or(rest.len());
    let name = &rest[..end];
    (!name.is_empty()).then_some(name)
}

/// Where an authorizer reads the caller's identity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IdentitySource {
    /// A request header (case-insensitive).
    Header(Str),
    /// A query string parameter (case-sensitive).
    Query(Str),
    /// A stage variable.
    StageVariable(Str),
    /// A `$context` variable (`requestId`, `routeKey`, `identity.sourceIp`, ...).
    Context(Str),
}

impl IdentitySource {
    /// Parses `method.request.header.X` (REST), `$request.header.X` (HTTP), `$request.querystring.X`,
    /// `method.request.querystring.X`, `stageVariables.X`, `$stageVariables.X`, `context.X`, `$context.X`.
    pub fn parse(s: &str) -> Option<IdentitySource> {
        let s = s.trim();
        let s = s.strip_prefix('$').unwrap_or(s);
        let s = s.strip_prefix("method.").unwrap_or(s);
        let (kind, name) = if let Some(n) = s.strip_prefix("request.header.") {
            (0, n)
        } else if let Some(n) = s.strip_prefix("request.querystring.") {
            (1, n)
        } else if let Some(n) = s.strip_prefix("stageVariables.") {
            (2, n)
        } else if let Some(n) = s.strip_prefix("context.") {
            (3, n)
        } else {
            return None;
        };
        if name.is_empty() {
            return None;
        }
        let name: Str = name.to_owned().into();
        Some(match kind {
            0 => IdentitySource::Header(name),
            1 => IdentitySource::Query(name),
            2 => IdentitySource::StageVariable(name),
            _ => IdentitySource::Context(name),
        })
    }
}

impl fmt::Display for IdentitySource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdentitySource::Header(n) => write!(f, "header {n}"),
            IdentitySource::Query(n) => write!(f, "query {n}"),
            IdentitySource::StageVariable(n) => write!(f, "stage variable {n}"),
            IdentitySource::Context(n) => write!(f, "$context.{n}"),
        }
    }
}

/// An API key the template defines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiKey {
    /// Its logical id (Serverless: its name).
    pub id: Str,
    /// The key's value when the template gives one (API Gateway generates it otherwise).
    pub value: Option<Str>,
    /// `Enabled: false` keys are refused as AWS refuses them.
    pub enabled: bool,
    /// Where it is defined.
    pub location: Location,
}
