//! An invocation's input or output as the Lambda service carries it: JSON bytes already serialized (the gateway's events, a
//! request body), or a `serde_json::Value` a caller built. The handler deserializes its own type from either.

use bytes::Bytes;
use lambda_runtime::Diagnostic;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The event of one invocation. Bytes are JSON text (the gateway writes them with `serde_json`; other callers check
/// them or build a `Value`): a handler whose type does not match fails with `Runtime.DeserializeError`, as on Lambda.
#[derive(Clone, Debug)]
pub(crate) enum Payload {
    /// JSON text, as Lambda's runtime receives it.
    Json(Bytes),
    /// A JSON value built by the caller (`App::invoke`, schedules, samples).
    Value(Value),
}

impl From<Value> for Payload {
    fn from(v: Value) -> Payload {
        Payload::Value(v)
    }
}

impl From<Vec<u8>> for Payload {
    fn from(v: Vec<u8>) -> Payload {
        Payload::Json(Bytes::from(v))
    }
}

impl Payload {
    /// The event as the handler's type `T`, deserialized as `lambda_runtime` does (`Runtime.DeserializeError` when
    /// it does not fit). A `Value` payload given to a `Value` handler is moved, not copied.
    pub(crate) fn deserialize<T: DeserializeOwned + 'static>(self) -> Result<T, Diagnostic> {
        let result = match self {
            Payload::Json(bytes) => serde_json::from_slice(&bytes),
            Payload::Value(v) => {
                let mut slot = Some(v);
                if let Some(same) = (&mut slot as &mut dyn std::any::Any).downcast_mut::<Option<T>>()
                    && let Some(v) = same.take()
                {
                    return Ok(v);
                }
                match slot {
                    Some(v) => serde_json::from_value(v),
                    None => unreachable!("the event is only taken when T is serde_json::Value"),
                }
            }
        };
        result.map_err(|e| Diagnostic {
            error_type: "Runtime.DeserializeError".into(),
            error_message: format!("failed to deserialize the incoming data into the function's payload type: {e}"),
        })
    }

    /// The payload as JSON text (`lambda_http`'s conversion reads text; a non-proxy integration's response
    /// template reads the output as `$input`). Bytes that are not UTF-8 are replaced lossily; the conversion then
    /// fails on them as it would on Lambda.
    pub(crate) fn text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Payload::Json(bytes) => String::from_utf8_lossy(bytes),
            Payload::Value(v) => std::borrow::Cow::Owned(v.to_string()),
        }
    }

    /// The output as a `Value`. A handler's bytes come from `serde_json`, so they parse; if not, the error is
    /// `Runtime.SerializationError`, as a failed serialization of the output is.
    pub(crate) fn into_value(self) -> Result<Value, Diagnostic> {
        match self {
            Payload::Value(v) => Ok(v),
            Payload::Json(bytes) => serde_json::from_slice(&bytes).map_err(|e| Diagnostic {
                error_type: "Runtime.SerializationError".into(),
                error_message: format!("failed to serialize the function's response: {e}"),
            }),
        }
    }

    /// The event as a `Value` (for the console's record and callers that inspect it); invalid JSON gives `None`.
    pub(crate) fn to_value(&self) -> Option<Value> {
        match self {
            Payload::Json(bytes) => serde_json::from_slice(bytes).ok(),
            Payload::Value(v) => Some(v.clone()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_and_values_deserialize_alike_and_mismatches_are_deserialize_errors() {
        let bytes = Payload::from(br#"{"a":1}"#.to_vec());
        assert_eq!(bytes.clone().deserialize::<Value>().unwrap(), serde_json::json!({"a": 1}));
        assert_eq!(Payload::from(serde_json::json!({"a": 1})).deserialize::<Value>().unwrap()["a"], 1);
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct Needs {
            b: String,
        }
        for p in [bytes, Payload::from(serde_json::json!({"a": 1}))] {
            let e = p.deserialize::<Needs>().unwrap_err();
            assert_eq!(e.error_type, "Runtime.DeserializeError");
            assert!(e.error_message.contains("missing field `b`"), "{}", e.error_message);
        }
        #[cfg(feature = "lambda-http")]
        assert_eq!(Payload::from(b"{\"x\":true}".to_vec()).text(), r#"{"x":true}"#);
        let raw = Payload::from(br#"{"a":[1, 2]}"#.to_vec()).deserialize::<Box<serde_json::value::RawValue>>();
        assert_eq!(raw.unwrap().get(), r#"{"a":[1, 2]}"#, "bytes are handed on as they are");
        assert_eq!(Payload::from(b"nope".to_vec()).to_value(), None);
    }
}
