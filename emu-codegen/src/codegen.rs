//! Writes the expansion: the model as a `static` table of struct literals, then one `.bind` / `.ignore` per function.
//! Data and bindings only: every behaviour lives in `emu-runtime`; this module makes no decisions (see `resolve`).

use std::collections::BTreeMap;
use std::path::PathBuf;

use emu_template::{
    Api, ApiKey, ApiKind, Authorization, Authorizer, AuthorizerFunction, AuthorizerKind, Cors, EnvPiece, EnvVar, Event,
    EventKind, Function, GatewayResponse, HeaderSource, IdentitySource, KeyValue, Location, Method, Model,
    PayloadVersion, Route, RouteAuth, TemplateFormat, Warning,
};
use emu_template::{BodyModel, ParameterLocation, RequestModel, RequestParameter, RequestValidation};
use emu_template::{Integration, IntegrationResponse, Mapping, MappingTemplate, ParameterValue, Passthrough};
use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::resolve::{HandlerSource, PathRoot, Plan, RustPath, TemplatePath};

/// Everything the expansion is made of.
pub(crate) struct Expansion<'a> {
    /// The template path, as written and absolute.
    pub(crate) template: &'a TemplatePath,
    /// Other files the reader opened (tracked for rebuilds like the template).
    pub(crate) referenced_files: &'a [PathBuf],
    /// The model to emit as a static table.
    pub(crate) model: &'a Model,
    /// Which handler serves each function.
    pub(crate) plan: Plan,
    /// The span of the path literal: implicit handlers point there.
    pub(crate) literal_span: Span,
}

/// One function's part of the expansion: `.bind(id, checked handler)` or `.ignore(id)`.
enum Call {
    Bind(String, TokenStream),
    Ignore(String),
}

/// The lookup modules and one [`Call`] per decision, plus the orphans' type checks (only emitted with errors).
fn calls(e: &Expansion<'_>) -> (Vec<TokenStream>, Vec<Call>, Vec<TokenStream>) {
    let stem = file_stem_ident_text(&e.template.written);
    // One module per template line, one glob module per implicitly bound function (see `lookup_modules`).
    let mut lookups: BTreeMap<u32, Vec<Ident>> = BTreeMap::new();
    let mut calls = Vec::with_capacity(e.plan.decisions.len());
    for decision in &e.plan.decisions {
        let id = decision.id.as_str();
        let line_module = line_module_ident(&stem, decision.line, e.literal_span);
        let call = match &decision.source {
            HandlerSource::Ignored => Call::Ignore(id.to_owned()),
            HandlerSource::Explicit(expr) => {
                let checked = quote_spanned!(expr.span()=> ::emu_runtime::__private::assert_handler(#expr));
                Call::Bind(id.to_owned(), checked)
            }
            HandlerSource::HandlerProperty(path) | HandlerSource::LogicalId(path) => {
                let path_tokens = match path.root() {
                    PathRoot::Anchored => rust_path(path, e.literal_span),
                    PathRoot::Relative => {
                        let id_module = id_module_ident(id, e.literal_span);
                        let entry = lookups.entry(decision.line).or_default();
                        if !entry.contains(&id_module) {
                            entry.push(id_module.clone());
                        }
                        let rest = rust_path(path, e.literal_span);
                        quote!(#line_module::#id_module::#rest)
                    }
                };
                let checked = quote_spanned!(e.literal_span=> ::emu_runtime::__private::assert_handler(#path_tokens));
                Call::Bind(id.to_owned(), checked)
            }
        };
        calls.push(call);
    }
    let lookup_modules = lookups
        .into_iter()
        .map(|(line, ids)| {
            let line_module = line_module_ident(&stem, line, e.literal_span);
            quote! {
                #[allow(non_snake_case, unused_imports)]
                mod #line_module {
                    #(pub(super) mod #ids { pub(in super::super) use super::super::*; })*
                }
            }
        })
        .collect();
    let orphans = e
        .plan
        .orphans
        .iter()
        .map(|expr| quote_spanned!(expr.span()=> let _ = ::emu_runtime::__private::assert_handler(#expr);))
        .collect();
    (lookup_modules, calls, orphans)
}

/// The whole expansion: a block expression of type `::emu_runtime::App`.
pub(crate) fn expansion(e: Expansion<'_>) -> TokenStream {
    let absolute = e.template.absolute.to_string_lossy().into_owned();
    let tracked = std::iter::once(absolute.clone())
        .chain(e.referenced_files.iter().map(|p| p.to_string_lossy().into_owned()))
        .map(|path| {
            quote!(
                const _: &[u8] = ::core::include_bytes!(#path);
            )
        });
    let model = model(e.model);
    let (lookup_modules, calls, _) = calls(&e);
    let calls = calls.into_iter().map(|call| match call {
        Call::Ignore(id) => quote!(.ignore(#id)),
        Call::Bind(id, checked) => quote!(.bind(#id, #checked)),
    });

    quote! {{
        #(#tracked)*
        static MODEL: ::emu_runtime::__private::Model = {
            use ::emu_runtime::__private::*;
            use Cow::Borrowed;
            #model
        };
        #(#lookup_modules)*
        ::emu_runtime::__private::AppBuilder::new(
            &MODEL,
            ::emu_runtime::__private::TemplateSource { path: #absolute, text: ::core::include_str!(#absolute) },
        )
        #(#calls)*
        .build()
    }}
}

/// With binding errors: no model, only statements that type-check every handler the plan has (explicit, implicit and
/// orphaned), so rustc reports each missing handler in the same build and the handlers' imports count as used.
pub(crate) fn checks_only(e: Expansion<'_>) -> TokenStream {
    let (lookup_modules, calls, orphans) = calls(&e);
    let checks = calls.into_iter().filter_map(|call| match call {
        Call::Bind(_, checked) => Some(quote!(let _ = #checked;)),
        Call::Ignore(_) => None,
    });
    quote! {
        #(#lookup_modules)*
        #(#checks)*
        #(#orphans)*
    }
}

/// `template.yaml` -> `template_yaml`: the file name as an identifier, for the lookup modules.
fn file_stem_ident_text(written: &str) -> String {
    let name = std::path::Path::new(written).file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
    if out.is_empty() {
        out.push_str("template");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    out
}

/// `bind_it_with__Id_eq_gt_handler__or_ignore_it__template_yaml_line_14`: rustc prints this module path in its
/// "cannot find" error, so it carries the fix (`Id => handler` in the macro, or `ignore: [Id]`) and the location.
pub(crate) fn line_module_ident(stem: &str, line: u32, span: Span) -> Ident {
    let location = if line > 0 { format!("{stem}_line_{line}") } else { stem.to_owned() };
    ident(&format!("{LINE_MODULE_HINT}{location}"), span)
}

/// The start of every lookup module's name: the fix, as far as an identifier can spell it.
pub(crate) const LINE_MODULE_HINT: &str = "bind_it_with__Id_eq_gt_handler__or_ignore_it__";

/// The logical id as a module name (`GetDogFunction`; `get-dog` -> `get_dog`).
fn id_module_ident(id: &str, span: Span) -> Ident {
    let mut name: String = id.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_numeric()) || syn::parse_str::<Ident>(&name).is_err() {
        name.insert(0, '_');
    }
    ident(&name, span)
}

/// An identifier that never panics: keywords become raw identifiers, anything unusable a fixed placeholder.
fn ident(name: &str, span: Span) -> Ident {
    if matches!(name, "crate" | "self" | "super") || syn::parse_str::<Ident>(name).is_ok() {
        Ident::new(name, span)
    } else if !matches!(name, "Self" | "_") && syn::parse_str::<Ident>(&format!("r#{name}")).is_ok() {
        Ident::new_raw(name, span)
    } else {
        Ident::new("__lambda_app_unusable_name", span)
    }
}

fn rust_path(path: &RustPath, span: Span) -> TokenStream {
    let segments = path.segments.iter().map(|s| ident(s, span));
    let leading = path.leading_colon.then(|| quote_spanned!(span=> ::));
    quote_spanned!(span=> #leading #(#segments)::*)
}

/// The `Model { ... }` literal; `Borrowed` and the model types are in scope where it is used.
pub(crate) fn model(m: &Model) -> TokenStream {
    let source = str_lit(&m.source);
    let format = match m.format {
        TemplateFormat::Sam => quote!(TemplateFormat::Sam),
        TemplateFormat::CloudFormation => quote!(TemplateFormat::CloudFormation),
        TemplateFormat::Serverless => quote!(TemplateFormat::Serverless),
    };
    let functions = list(m.functions.iter().map(function));
    let apis = list(m.apis.iter().map(api));
    let routes = list(m.routes.iter().map(route));
    let authorizers = list(m.authorizers.iter().map(authorizer));
    let api_keys = list(m.api_keys.iter().map(api_key));
    let gateway_responses = list(m.gateway_responses.iter().map(gateway_response));
    let request_models = list(m.request_models.iter().map(request_model));
    let warnings = list(m.warnings.iter().map(warning));
    quote! {
        Model {
            source: #source,
            format: #format,
            functions: #functions,
            apis: #apis,
            routes: #routes,
            authorizers: #authorizers,
            api_keys: #api_keys,
            gateway_responses: #gateway_responses,
            request_models: #request_models,
            warnings: #warnings,
        }
    }
}

fn str_lit(s: &str) -> TokenStream {
    let lit = Literal::string(s);
    quote!(Borrowed(#lit))
}

fn opt_str(s: &Option<std::borrow::Cow<'static, str>>) -> TokenStream {
    match s {
        Some(s) => {
            let s = str_lit(s);
            quote!(Some(#s))
        }
        None => quote!(None),
    }
}

fn u32_lit(n: u32) -> Literal {
    Literal::u32_unsuffixed(n)
}

fn list(items: impl Iterator<Item = TokenStream>) -> TokenStream {
    let items: Vec<TokenStream> = items.collect();
    quote!(Borrowed(&[#(#items),*]))
}

fn location(l: Location) -> TokenStream {
    let (line, column) = (u32_lit(l.line), u32_lit(l.column));
    quote!(Location::new(#line, #column))
}

fn function(f: &Function) -> TokenStream {
    let (id, logical_id, name) = (str_lit(&f.id), str_lit(&f.logical_id), str_lit(&f.name));
    let (handler, runtime) = (str_lit(&f.handler), str_lit(&f.runtime));
    let (timeout, memory) = (u32_lit(f.timeout_secs), u32_lit(f.memory_mb));
    let reserved = match f.reserved_concurrency {
        Some(n) => {
            let n = u32_lit(n);
            quote!(::core::option::Option::Some(#n))
        }
        None => quote!(::core::option::Option::None),
    };
    let alias = opt_str(&f.alias);
    let environment = list(f.environment.iter().map(env_var));
    let events = list(f.events.iter().map(event));
    let location = location(f.location);
    quote! {
        Function {
            id: #id,
            logical_id: #logical_id,
            name: #name,
            handler: #handler,
            runtime: #runtime,
            timeout_secs: #timeout,
            memory_mb: #memory,
            reserved_concurrency: #reserved,
            alias: #alias,
            environment: #environment,
            events: #events,
            location: #location,
        }
    }
}

fn env_var(v: &EnvVar) -> TokenStream {
    let name = str_lit(&v.name);
    let pieces = list(v.value.iter().map(|p| match p {
        EnvPiece::Text(t) => {
            let t = str_lit(t);
            quote!(EnvPiece::Text(#t))
        }
        EnvPiece::ProcessEnv { variable, fallback } => {
            let (variable, fallback) = (str_lit(variable), opt_str(fallback));
            quote!(EnvPiece::ProcessEnv { variable: #variable, fallback: #fallback })
        }
    }));
    quote!(EnvVar { name: #name, value: #pieces })
}

fn event(e: &Event) -> TokenStream {
    let (name, properties, location) = (str_lit(&e.name), str_lit(&e.properties), location(e.location));
    let kind = match &e.kind {
        EventKind::Sqs => quote!(EventKind::Sqs),
        EventKind::S3 => quote!(EventKind::S3),
        EventKind::Sns => quote!(EventKind::Sns),
        EventKind::Schedule => quote!(EventKind::Schedule),
        EventKind::EventBridge => quote!(EventKind::EventBridge),
        EventKind::Kinesis => quote!(EventKind::Kinesis),
        EventKind::DynamoDb => quote!(EventKind::DynamoDb),
        EventKind::Other(other) => {
            let other = str_lit(other);
            quote!(EventKind::Other(#other))
        }
    };
    quote!(Event { name: #name, kind: #kind, properties: #properties, location: #location })
}

fn api(a: &Api) -> TokenStream {
    let (id, stage, preflight_authorizer) = (str_lit(&a.id), str_lit(&a.stage), opt_str(&a.preflight_authorizer));
    let preflight_api_key = a.preflight_api_key;
    let kind = match a.kind {
        ApiKind::Rest => quote!(ApiKind::Rest),
        ApiKind::Http => quote!(ApiKind::Http),
    };
    let (implicit, stage_in_url) = (a.implicit, a.stage_in_url);
    let stage_variables = list(a.stage_variables.iter().map(key_value));
    let cors = match &a.cors {
        Some(c) => {
            let c = cors(c);
            quote!(Some(#c))
        }
        None => quote!(None),
    };
    let binary = list(a.binary_media_types.iter().map(|s| str_lit(s)));
    let default_payload = payload(a.default_payload);
    let location = location(a.location);
    quote! {
        Api {
            id: #id,
            kind: #kind,
            implicit: #implicit,
            stage: #stage,
            stage_in_url: #stage_in_url,
            stage_variables: #stage_variables,
            cors: #cors,
            binary_media_types: #binary,
            preflight_authorizer: #preflight_authorizer,
            preflight_api_key: #preflight_api_key,
            default_payload: #default_payload,
            location: #location,
        }
    }
}

fn key_value(kv: &KeyValue) -> TokenStream {
    let (key, value) = (str_lit(&kv.key), str_lit(&kv.value));
    quote!(KeyValue { key: #key, value: #value })
}

fn cors(c: &Cors) -> TokenStream {
    let strs = |l: &[std::borrow::Cow<'static, str>]| list(l.iter().map(|s| str_lit(s)));
    let (origins, methods, headers, expose) =
        (strs(&c.allow_origins), strs(&c.allow_methods), strs(&c.allow_headers), strs(&c.expose_headers));
    let credentials = c.allow_credentials;
    let max_age = match c.max_age {
        Some(n) => {
            let n = u32_lit(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    quote! {
        Cors {
            allow_origins: #origins,
            allow_methods: #methods,
            allow_headers: #headers,
            expose_headers: #expose,
            allow_credentials: #credentials,
            max_age: #max_age,
        }
    }
}

fn payload(p: PayloadVersion) -> TokenStream {
    match p {
        PayloadVersion::V1 => quote!(PayloadVersion::V1),
        PayloadVersion::V2 => quote!(PayloadVersion::V2),
    }
}

fn method(m: Method) -> TokenStream {
    match m {
        Method::Any => quote!(Method::Any),
        Method::Get => quote!(Method::Get),
        Method::Head => quote!(Method::Head),
        Method::Post => quote!(Method::Post),
        Method::Put => quote!(Method::Put),
        Method::Patch => quote!(Method::Patch),
        Method::Delete => quote!(Method::Delete),
        Method::Options => quote!(Method::Options),
    }
}

fn route(r: &Route) -> TokenStream {
    let (method, path, api, integration) =
        (method(r.method), str_lit(&r.path), str_lit(&r.api), integration(&r.integration));
    let (payload, operation_name, auth) = (payload(r.payload), opt_str(&r.operation_name), route_auth(&r.auth));
    let location = location(r.location);
    let validation = match &r.validation {
        Some(v) => {
            let v = request_validation(v);
            quote!(Some(#v))
        }
        None => quote!(None),
    };
    quote! {
        Route {
            method: #method,
            path: #path,
            api: #api,
            integration: #integration,
            payload: #payload,
            operation_name: #operation_name,
            auth: #auth,
            validation: #validation,
            location: #location,
        }
    }
}

fn route_auth(a: &RouteAuth) -> TokenStream {
    let authorization = match &a.authorization {
        Authorization::None => quote!(Authorization::None),
        Authorization::Iam => quote!(Authorization::Iam),
        Authorization::Authorizer(name) => {
            let name = str_lit(name);
            quote!(Authorization::Authorizer(#name))
        }
    };
    let (key, scopes) = (a.api_key_required, list(a.scopes.iter().map(|s| str_lit(s))));
    quote!(RouteAuth { authorization: #authorization, api_key_required: #key, scopes: #scopes })
}

fn authorizer_function(f: &AuthorizerFunction) -> TokenStream {
    let (id, arn) = (opt_str(&f.id), str_lit(&f.arn));
    quote!(AuthorizerFunction { id: #id, arn: #arn })
}

fn identity_source(s: &IdentitySource) -> TokenStream {
    match s {
        IdentitySource::Header(n) => {
            let n = str_lit(n);
            quote!(IdentitySource::Header(#n))
        }
        IdentitySource::Query(n) => {
            let n = str_lit(n);
            quote!(IdentitySource::Query(#n))
        }
        IdentitySource::StageVariable(n) => {
            let n = str_lit(n);
            quote!(IdentitySource::StageVariable(#n))
        }
        IdentitySource::Context(n) => {
            let n = str_lit(n);
            quote!(IdentitySource::Context(#n))
        }
    }
}

fn authorizer(a: &Authorizer) -> TokenStream {
    let (api, name) = (str_lit(&a.api), str_lit(&a.name));
    let kind = match &a.kind {
        AuthorizerKind::LambdaToken { function } => {
            let f = authorizer_function(function);
            quote!(AuthorizerKind::LambdaToken { function: #f })
        }
        AuthorizerKind::LambdaRequest { function } => {
            let f = authorizer_function(function);
            quote!(AuthorizerKind::LambdaRequest { function: #f })
        }
        AuthorizerKind::HttpLambda { function, payload: p, simple_responses } => {
            let (f, p) = (authorizer_function(function), payload(*p));
            quote!(AuthorizerKind::HttpLambda { function: #f, payload: #p, simple_responses: #simple_responses })
        }
        AuthorizerKind::Cognito { user_pools } => {
            let pools = list(user_pools.iter().map(|s| str_lit(s)));
            quote!(AuthorizerKind::Cognito { user_pools: #pools })
        }
        AuthorizerKind::Jwt { issuer, audiences } => {
            let (issuer, audiences) = (str_lit(issuer), list(audiences.iter().map(|s| str_lit(s))));
            quote!(AuthorizerKind::Jwt { issuer: #issuer, audiences: #audiences })
        }
    };
    let identity = list(a.identity.iter().map(identity_source));
    let validation = opt_str(&a.validation_expression);
    let ttl = u32_lit(a.ttl_secs);
    let scopes = list(a.default_scopes.iter().map(|s| str_lit(s)));
    let location = location(a.location);
    quote! {
        Authorizer {
            api: #api,
            name: #name,
            kind: #kind,
            identity: #identity,
            validation_expression: #validation,
            ttl_secs: #ttl,
            default_scopes: #scopes,
            location: #location,
        }
    }
}

fn api_key(k: &ApiKey) -> TokenStream {
    let (id, value, enabled, location) = (str_lit(&k.id), opt_str(&k.value), k.enabled, location(k.location));
    quote!(ApiKey { id: #id, value: #value, enabled: #enabled, location: #location })
}

fn request_validation(v: &RequestValidation) -> TokenStream {
    let (validator, body, parameters) = (str_lit(&v.validator), v.validate_body, v.validate_parameters);
    let required = list(v.required_parameters.iter().map(request_parameter));
    let models = list(v.body_models.iter().map(body_model));
    quote! {
        RequestValidation {
            validator: #validator,
            validate_body: #body,
            validate_parameters: #parameters,
            required_parameters: #required,
            body_models: #models,
        }
    }
}

fn request_parameter(p: &RequestParameter) -> TokenStream {
    let location = match p.location {
        ParameterLocation::Path => quote!(ParameterLocation::Path),
        ParameterLocation::Query => quote!(ParameterLocation::Query),
        ParameterLocation::Header => quote!(ParameterLocation::Header),
    };
    let name = str_lit(&p.name);
    quote!(RequestParameter { location: #location, name: #name })
}

fn body_model(m: &BodyModel) -> TokenStream {
    let (content_type, model) = (str_lit(&m.content_type), str_lit(&m.model));
    quote!(BodyModel { content_type: #content_type, model: #model })
}

/// A model: its schema is emitted as the JSON text literal the template reader made of it.
fn request_model(m: &RequestModel) -> TokenStream {
    let (api, name, schema, location) = (str_lit(&m.api), str_lit(&m.name), str_lit(&m.schema), location(m.location));
    quote!(RequestModel { api: #api, name: #name, schema: #schema, location: #location })
}

fn warning(w: &Warning) -> TokenStream {
    let (message, location) = (str_lit(&w.message), location(w.location));
    quote!(Warning { message: #message, location: #location })
}

fn gateway_response(r: &GatewayResponse) -> TokenStream {
    let api = str_lit(&r.api);
    let response_type = ident(&format!("{:?}", r.response_type), Span::call_site());
    let status = match r.status {
        Some(n) => {
            let n = Literal::u16_unsuffixed(n);
            quote!(Some(#n))
        }
        None => quote!(None),
    };
    let headers = list(r.headers.iter().map(|h| {
        let name = str_lit(&h.name);
        let (variant, value) = match &h.value {
            HeaderSource::Static(v) => ("Static", v),
            HeaderSource::RequestHeader(v) => ("RequestHeader", v),
            HeaderSource::RequestMultiHeader(v) => ("RequestMultiHeader", v),
            HeaderSource::RequestPath(v) => ("RequestPath", v),
            HeaderSource::RequestQuery(v) => ("RequestQuery", v),
            HeaderSource::RequestMultiQuery(v) => ("RequestMultiQuery", v),
            HeaderSource::StageVariable(v) => ("StageVariable", v),
            HeaderSource::Context(v) => ("Context", v),
        };
        let (variant, value) = (ident(variant, Span::call_site()), str_lit(value));
        quote!(ResponseHeader { name: #name, value: HeaderSource::#variant(#value) })
    }));
    let templates = list(r.templates.iter().map(key_value));
    let location = location(r.location);
    quote! {
        GatewayResponse {
            api: #api,
            response_type: GatewayResponseType::#response_type,
            status: #status,
            headers: #headers,
            templates: #templates,
            location: #location,
        }
    }
}

fn integration(i: &Integration) -> TokenStream {
    match i {
        Integration::LambdaProxy { function } => {
            let function = str_lit(function);
            quote!(Integration::LambdaProxy { function: #function })
        }
        Integration::Lambda { function, mapping: m } => {
            let (function, m) = (str_lit(function), mapping(m));
            quote!(Integration::Lambda { function: #function, mapping: #m })
        }
        Integration::Mock { mapping: m } => {
            let m = mapping(m);
            quote!(Integration::Mock { mapping: #m })
        }
    }
}

fn mapping(m: &Mapping) -> TokenStream {
    let request_templates = list(m.request_templates.iter().map(mapping_template));
    let passthrough = match m.passthrough {
        Passthrough::WhenNoMatch => quote!(Passthrough::WhenNoMatch),
        Passthrough::WhenNoTemplates => quote!(Passthrough::WhenNoTemplates),
        Passthrough::Never => quote!(Passthrough::Never),
    };
    let responses = list(m.responses.iter().map(integration_response));
    quote!(Mapping { request_templates: #request_templates, passthrough: #passthrough, responses: #responses })
}

fn mapping_template(t: &MappingTemplate) -> TokenStream {
    let (content_type, template, location) = (str_lit(&t.content_type), str_lit(&t.template), location(t.location));
    quote!(MappingTemplate { content_type: #content_type, template: #template, location: #location })
}

fn integration_response(r: &IntegrationResponse) -> TokenStream {
    let (pattern, status) = (opt_str(&r.selection_pattern), Literal::u16_unsuffixed(r.status_code));
    let parameters = list(r.parameters.iter().map(|p| {
        let header = str_lit(&p.header);
        let value = parameter_value(&p.value);
        quote!(ResponseParameter { header: #header, value: #value })
    }));
    let (templates, location) = (list(r.templates.iter().map(mapping_template)), location(r.location));
    quote! {
        IntegrationResponse {
            selection_pattern: #pattern,
            status_code: #status,
            parameters: #parameters,
            templates: #templates,
            location: #location,
        }
    }
}

fn parameter_value(v: &ParameterValue) -> TokenStream {
    let named = |variant: TokenStream, name: &str| {
        let name = str_lit(name);
        quote!(ParameterValue::#variant(#name))
    };
    match v {
        ParameterValue::Static(s) => named(quote!(Static), s),
        ParameterValue::RequestHeader(n) => named(quote!(RequestHeader), n),
        ParameterValue::RequestQuery(n) => named(quote!(RequestQuery), n),
        ParameterValue::RequestPath(n) => named(quote!(RequestPath), n),
        ParameterValue::IntegrationHeader(n) => named(quote!(IntegrationHeader), n),
        ParameterValue::IntegrationBody(path) => {
            let path = opt_str(path);
            quote!(ParameterValue::IntegrationBody(#path))
        }
        ParameterValue::StageVariable(n) => named(quote!(StageVariable), n),
        ParameterValue::Context(n) => named(quote!(Context), n),
    }
}
