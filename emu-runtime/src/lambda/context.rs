//! The `lambda_runtime::Context` of each invocation, as Lambda fills it in for a function.
//! Per-function data (ARN, env config) is computed once at build time; per invocation only the id and deadline change.

use std::sync::Arc;
use std::time::Duration;

use emu_template::Function as ModelFunction;
use lambda_runtime::{Config, Context};

use crate::aws::{LATEST, function_arn};
use crate::lambda::log::log_stream_name;
use crate::{clock, ids};

/// A template function's runtime settings, precomputed.
#[derive(Debug)]
pub(crate) struct FunctionInfo {
    /// Logical id.
    pub(crate) id: String,
    /// Deployed name.
    pub(crate) name: String,
    /// `Timeout`.
    pub(crate) timeout: Duration,
    /// `MemorySize` in MB.
    pub(crate) memory_mb: u32,
    /// `Runtime` as the template says it.
    pub(crate) runtime: String,
    /// `Handler` as the template says it.
    pub(crate) handler: String,
    /// `AutoPublishAlias`, when set.
    pub(crate) alias: Option<String>,
    /// What every invocation's context shares: `invoked_function_arn`
    /// (`arn:aws:lambda:us-east-1:123456789012:function:NAME`) and `env_config`. Cloned per invocation:
    /// `Context::default()` would allocate an `Arc<Config>` only to drop it.
    prototype: Context,
}

impl FunctionInfo {
    /// Precomputes the settings of `f`. A `Timeout` of 0 is taken as Lambda's default of 3 s.
    pub(crate) fn new(f: &ModelFunction) -> FunctionInfo {
        let name = if f.name.is_empty() { f.id.to_string() } else { f.name.to_string() };
        let timeout_secs = if f.timeout_secs == 0 { 3 } else { f.timeout_secs };
        let memory_mb = if f.memory_mb == 0 { 128 } else { f.memory_mb };
        let config = Config {
            function_name: name.clone(),
            memory: i32::try_from(memory_mb).unwrap_or(i32::MAX),
            version: LATEST.to_owned(),
            log_stream: log_stream_name(&name),
            log_group: format!("/aws/lambda/{name}"),
        };
        let mut prototype = Context::default();
        prototype.invoked_function_arn = function_arn(&name);
        prototype.env_config = Arc::new(config);
        FunctionInfo {
            id: f.id.to_string(),
            name,
            timeout: Duration::from_secs(u64::from(timeout_secs)),
            memory_mb,
            runtime: f.runtime.to_string(),
            handler: f.handler.to_string(),
            alias: f.alias.as_ref().map(|a| a.to_string()),
            prototype,
        }
    }

    /// A fresh context: a new Lambda request id and `deadline` = now + `Timeout` (epoch ms).
    pub(crate) fn context(&self) -> Context {
        let mut c = self.prototype.clone();
        c.request_id = ids::uuid_v4();
        c.deadline = clock::now_epoch_ms() + self.timeout.as_millis() as u64;
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use emu_template::Function;

    #[test]
    fn context_has_arn_deadline_and_env_config() {
        let mut f = Function::new("HelloFunction");
        f.name = "hello-fn".into();
        f.timeout_secs = 7;
        f.memory_mb = 256;
        let info = FunctionInfo::new(&f);
        let before = clock::now_epoch_ms();
        let c = info.context();
        assert_eq!(c.invoked_function_arn, "arn:aws:lambda:us-east-1:123456789012:function:hello-fn");
        assert!(c.deadline >= before + 7000 && c.deadline <= clock::now_epoch_ms() + 7000);
        assert_eq!(c.env_config.function_name, "hello-fn");
        assert_eq!(c.env_config.memory, 256);
        assert_eq!(c.env_config.version, "$LATEST");
        assert_eq!(c.env_config.log_group, "/aws/lambda/hello-fn");
        assert_eq!(
            c.env_config.log_stream,
            log_stream_name("hello-fn"),
            "the same stream as AWS_LAMBDA_LOG_STREAM_NAME"
        );
        assert_eq!(c.request_id.len(), 36);
        assert_ne!(info.context().request_id, c.request_id, "one id per invocation");
    }
}
