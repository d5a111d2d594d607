//! API keys (REST): the template's `AWS::ApiGateway::ApiKey` values and Serverless `apiKeys`, `--api-key` values,
//! and a generated key when a route needs one and none is known. A request's `x-api-key` is checked against them.

use emu_template::Model;

use crate::ids;

/// One API key the gateway accepts (or, disabled, refuses as AWS does).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct KnownKey {
    /// The key's value, as clients send it in `x-api-key`.
    pub(crate) value: String,
    /// `identity.apiKeyId`: a stable id like API Gateway's.
    pub(crate) id: String,
    /// Where it comes from, for the banner: the template's logical id, `--api-key`, or `generated`.
    pub(crate) origin: String,
    /// Disabled keys are refused.
    pub(crate) enabled: bool,
}

/// Every API key of an app.
#[derive(Clone, Debug, Default)]
pub(crate) struct ApiKeys {
    keys: Vec<KnownKey>,
}

impl ApiKeys {
    /// The template's keys with a value, then `extra` (`--api-key`); when some route needs a key and none is
    /// usable, one generated key (its value printed at start).
    pub(crate) fn new(model: &Model, extra: &[String]) -> ApiKeys {
        let mut keys = Vec::new();
        for k in model.api_keys.iter() {
            let Some(value) = &k.value else { continue };
            keys.push(KnownKey {
                value: value.to_string(),
                id: ids::stable_id(&format!("apikey:{}", k.id), 10),
                origin: k.id.to_string(),
                enabled: k.enabled,
            });
        }
        for v in extra {
            keys.push(KnownKey {
                value: v.clone(),
                id: ids::stable_id(&format!("apikey:{v}"), 10),
                origin: "--api-key".into(),
                enabled: true,
            });
        }
        let needed = model.routes.iter().any(|r| r.auth.api_key_required);
        if needed && !keys.iter().any(|k| k.enabled) {
            let value = format!("{}{}", ids::uuid_v4().replace('-', ""), &ids::uuid_v4()[..8]);
            keys.push(KnownKey {
                id: ids::stable_id("apikey:generated", 10),
                value,
                origin: "generated".into(),
                enabled: true,
            });
        }
        ApiKeys { keys }
    }

    /// The enabled key with this value.
    pub(crate) fn find(&self, value: &str) -> Option<&KnownKey> {
        self.keys.iter().find(|k| k.enabled && k.value == value)
    }

    /// Every key, for the banner and the test client.
    pub(crate) fn all(&self) -> &[KnownKey] {
        &self.keys
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use emu_template::{Api, ApiKey, ApiKind, Location, Method, PayloadVersion, Route, RouteAuth};

    fn model(keys: Vec<ApiKey>, key_required: bool) -> Model {
        let mut r = Route::new(Method::Get, "/x", "Api", "F", PayloadVersion::V1);
        r.auth = RouteAuth { api_key_required: key_required, ..RouteAuth::NONE };
        let mut m = Model::from_routes(vec![Api::new("Api", ApiKind::Rest)], vec![r]);
        m.api_keys = keys.into();
        m
    }

    fn key(id: &str, value: Option<&str>, enabled: bool) -> ApiKey {
        ApiKey {
            id: id.to_owned().into(),
            value: value.map(|v| v.to_owned().into()),
            enabled,
            location: Location::default(),
        }
    }

    #[test]
    fn template_and_flag_keys_are_accepted_disabled_ones_refused() {
        let keys = ApiKeys::new(
            &model(
                vec![key("K1", Some("abcdefghijklmnopqrst"), true), key("K2", Some("zzzzzzzzzzzzzzzzzzzz"), false)],
                true,
            ),
            &["from-the-flag-0123456789".into()],
        );
        assert_eq!(keys.find("abcdefghijklmnopqrst").map(|k| k.origin.as_str()), Some("K1"));
        assert!(keys.find("zzzzzzzzzzzzzzzzzzzz").is_none());
        assert!(keys.find("from-the-flag-0123456789").is_some());
        assert!(keys.find("").is_none());
        assert!(keys.all().iter().all(|k| k.origin != "generated"));
    }

    #[test]
    fn a_key_is_generated_only_when_a_route_needs_one_and_none_is_usable() {
        let keys = ApiKeys::new(&model(vec![key("K", None, true)], true), &[]);
        let generated = &keys.all()[0];
        assert_eq!(generated.origin, "generated");
        assert!(generated.value.len() >= 20, "API Gateway keys are at least 20 characters");
        assert!(keys.find(&generated.value).is_some());
        assert!(ApiKeys::new(&model(Vec::new(), false), &[]).all().is_empty());
    }
}
