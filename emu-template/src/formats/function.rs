//! Lambda functions from resource properties, shared by `AWS::Serverless::Function` and `AWS::Lambda::Function`.
//! SAM's defaults apply: 3 s timeout, 128 MB, `FunctionName` else the logical id.

use crate::context::{Props, Reader, text_map};
use crate::intrinsics::json_text;
use crate::model::{EnvPiece, EnvVar, Function, Location};

/// Builds a function from (possibly Globals-merged) properties; `id` is the logical id, the function's
/// [`Function::id`] is its CDK construct id when the driver chose one.
pub(crate) fn function_from_props<'a>(
    reader: &mut Reader<'a>,
    id: &str,
    location: Location,
    p: &Props<'a>,
) -> Function {
    let name = p.text(reader, "FunctionName").unwrap_or_else(|| id.to_string());
    let known_as = reader.id_of(id);
    let handler = p.text(reader, "Handler").unwrap_or_default();
    let runtime = p.text(reader, "Runtime").unwrap_or_default();
    let timeout_secs = number_prop(reader, p, "Timeout", 3, id, location);
    let memory_mb = number_prop(reader, p, "MemorySize", 128, id, location);
    let reserved_concurrency = p
        .json(reader, "ReservedConcurrentExecutions")
        .is_some()
        .then(|| number_prop(reader, p, "ReservedConcurrentExecutions", 0, id, location));
    let env = p.json(reader, "Environment");
    let vars = env.as_ref().and_then(|e| e.get("Variables"));
    let at = p.location("Environment", location);
    let environment = text_map(reader, vars, &format!("environment variable of {id}"), at)
        .into_iter()
        .map(|(k, v)| EnvVar { name: k.into(), value: vec![EnvPiece::Text(v.into())].into() })
        .collect::<Vec<_>>();
    Function {
        id: known_as.into(),
        logical_id: id.to_string().into(),
        name: name.into(),
        handler: handler.into(),
        runtime: runtime.into(),
        timeout_secs,
        memory_mb,
        reserved_concurrency,
        alias: p.text(reader, "AutoPublishAlias").map(Into::into),
        environment: environment.into(),
        events: Vec::new().into(),
        location,
    }
}

fn number_prop<'a>(reader: &mut Reader<'a>, p: &Props<'a>, key: &str, default: u32, id: &str, at: Location) -> u32 {
    match p.json(reader, key) {
        None => default,
        Some(v) => match json_text(&v).and_then(|t| t.trim().parse::<u32>().ok()) {
            Some(n) => n,
            None => {
                reader.diags.invalid(p.location(key, at), format!("{key} of {id}"), "a whole number");
                default
            }
        },
    }
}
