//! Sample events for a function's non-HTTP event sources (SQS, S3, SNS, Kinesis, DynamoDB streams, schedules,
//! EventBridge rules), filled with the queue, bucket, topic, stream and rule of *this* template.
//!
//! Shapes are those Lambda sends (the `aws_lambda_events` types deserialize every one; the key sets match the
//! captured events in `lambda-events-fixtures/event-sources`). `App::sample_event` is the entry point.

use std::fmt;

use base64::Engine as _;
use emu_template::{Event, EventKind, Function};
use serde_json::{Map, Value, json};

use crate::App;
use crate::aws::{ACCOUNT_ID, REGION};
use crate::lambda::invoke::InvokeError;
use crate::{clock, ids};

/// Why no sample event could be built.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SampleError {
    /// No function with this logical id (or deployed name) in the template.
    UnknownFunction(String),
    /// The function has no event of that name (the names it has are listed).
    UnknownEvent {
        /// The function's logical id.
        function: String,
        /// The event name asked for.
        event: String,
        /// The function's non-HTTP events.
        known: Vec<String>,
    },
    /// The function has no non-HTTP event source to build a sample from.
    NoEventSource(String),
    /// The event source's type has no sample (its template type is named).
    Unsupported {
        /// The function's logical id.
        function: String,
        /// The event's type as the template names it.
        kind: String,
    },
}

impl fmt::Display for SampleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SampleError::UnknownFunction(name) => write!(f, "no function `{name}` in the template"),
            SampleError::UnknownEvent { function, event, known } => {
                write!(f, "{function} has no event `{event}`; its event sources: {}", list(known))
            }
            SampleError::NoEventSource(function) => {
                write!(f, "{function} has no SQS, S3, SNS, Kinesis, DynamoDB, schedule or EventBridge event to sample")
            }
            SampleError::Unsupported { function, kind } => {
                write!(
                    f,
                    "{function}'s `{kind}` event has no sample event (supported: SQS, S3, SNS, Kinesis, DynamoDB, Schedule, EventBridge)"
                )
            }
        }
    }
}

impl std::error::Error for SampleError {}

fn list(names: &[String]) -> String {
    if names.is_empty() { "(none)".to_owned() } else { names.join(", ") }
}

/// A sample event being tailored before it is sent: [`App::sample`] builds it from the template, the `with_*`
/// methods put test data in (one record per message, a DynamoDB item, an S3 key, an EventBridge detail).
#[derive(Debug, Clone)]
pub struct EventSample {
    kind: EventKind,
    event: Value,
}

/// What a function that reports partial batch failures (`FunctionResponseTypes: ReportBatchItemFailures`) answered.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct BatchResult {
    /// `batchItemFailures[].itemIdentifier`: the message ids (SQS) or sequence numbers (Kinesis, DynamoDB) Lambda
    /// would make visible again; empty when the whole batch succeeded.
    pub failed: Vec<String>,
}

impl EventSample {
    /// One record per message: SQS bodies (with their MD5), SNS messages, or Kinesis data (base64-encoded).
    /// For other sources the event is unchanged.
    pub fn with_messages<I, S>(mut self, messages: I) -> EventSample
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let Some(first) = self.event.get("Records").and_then(|r| r.get(0)).cloned() else { return self };
        let records: Vec<Value> = messages
            .into_iter()
            .enumerate()
            .map(|(i, m)| {
                let m = m.as_ref();
                let mut r = first.clone();
                match self.kind {
                    EventKind::Sqs => {
                        r["messageId"] = Value::from(ids::uuid_v4());
                        r["body"] = Value::from(m);
                        r["md5OfBody"] = Value::from(md5_hex(m.as_bytes()));
                    }
                    EventKind::Sns => {
                        r["Sns"]["MessageId"] = Value::from(ids::uuid_v4());
                        r["Sns"]["Message"] = Value::from(m);
                    }
                    EventKind::Kinesis => {
                        let seq = format!("4959033827149025660855969253836157109592157598913658{:04}", i);
                        r["kinesis"]["data"] = Value::from(base64::engine::general_purpose::STANDARD.encode(m));
                        r["kinesis"]["sequenceNumber"] = Value::from(seq.clone());
                        r["eventID"] = Value::from(format!("shardId-000000000000:{seq}"));
                    }
                    _ => {}
                }
                r
            })
            .collect();
        if matches!(self.kind, EventKind::Sqs | EventKind::Sns | EventKind::Kinesis) {
            self.event["Records"] = Value::Array(records);
        }
        self
    }

    /// DynamoDB stream: the record's `NewImage` is `item` (plain JSON, converted to DynamoDB JSON) and its `Keys`
    /// the item's `key` attributes. For other sources the event is unchanged.
    pub fn with_item(mut self, item: &Value, keys: &[&str]) -> EventSample {
        if self.kind == EventKind::DynamoDb
            && let Some(record) = self.event.get_mut("Records").and_then(|r| r.get_mut(0))
        {
            let image = to_dynamodb_json(item);
            let key_image: Map<String, Value> =
                keys.iter().filter_map(|k| image.get(*k).map(|v| ((*k).to_owned(), v.clone()))).collect();
            record["dynamodb"]["SizeBytes"] = Value::from(item.to_string().len());
            record["dynamodb"]["NewImage"] = image;
            record["dynamodb"]["Keys"] = Value::Object(key_image);
        }
        self
    }

    /// DynamoDB stream: a `MODIFY` record from `old` to `new` (plain JSON items; `OldImage` and `NewImage` in
    /// DynamoDB JSON, `Keys` the `keys` attributes of `new`). For other sources the event is unchanged.
    pub fn with_update(self, old: &Value, new: &Value, keys: &[&str]) -> EventSample {
        let mut sample = self.with_item(new, keys);
        if sample.kind == EventKind::DynamoDb
            && let Some(record) = sample.event.get_mut("Records").and_then(|r| r.get_mut(0))
        {
            record["eventName"] = Value::from("MODIFY");
            record["dynamodb"]["OldImage"] = to_dynamodb_json(old);
        }
        sample
    }

    /// S3: the object's key and size. For other sources the event is unchanged.
    pub fn with_object(mut self, key: &str, size: u64) -> EventSample {
        if self.kind == EventKind::S3
            && let Some(object) = self.event.pointer_mut("/Records/0/s3/object")
        {
            object["key"] = Value::from(key);
            object["size"] = Value::from(size);
        }
        self
    }

    /// EventBridge and scheduled events: the event's `detail`. For other sources the event is unchanged.
    pub fn with_detail(mut self, detail: Value) -> EventSample {
        if matches!(self.kind, EventKind::EventBridge | EventKind::Schedule) && self.event.get("detail").is_some() {
            self.event["detail"] = detail;
        }
        self
    }

    /// The event as JSON, ready for [`App::invoke`].
    pub fn into_json(self) -> Value {
        self.event
    }
}

impl App {
    /// [`App::sample_event`] as an [`EventSample`] to tailor with test data before [`App::invoke_event`].
    pub fn sample(&self, function: &str, event: Option<&str>) -> Result<EventSample, SampleError> {
        let (f, chosen) = self.event_source(function, event)?;
        Ok(EventSample { kind: chosen.kind.clone(), event: build(f, chosen)? })
    }

    /// Invokes `function` with `event` (any serializable event: an [`EventSample`]'s JSON, an `aws_lambda_events`
    /// struct) and reads its output as `R`, as a caller of `lambda:Invoke` would.
    pub async fn invoke_event<E, R>(&self, function: &str, event: &E) -> Result<R, InvokeError>
    where
        E: serde::Serialize,
        R: serde::de::DeserializeOwned,
    {
        let event = serde_json::to_value(event).map_err(|e| InvokeError::Handler {
            function: function.to_owned(),
            error: lambda_runtime::Diagnostic {
                error_type: "InvalidRequestContentException".into(),
                error_message: format!("the event does not serialize to JSON: {e}"),
            },
        })?;
        let output = self.invoke(function, event).await?;
        serde_json::from_value(output).map_err(|e| InvokeError::Handler {
            function: function.to_owned(),
            error: lambda_runtime::Diagnostic {
                error_type: "Runtime.SerializationError".into(),
                error_message: format!("the function's output is not the expected type: {e}"),
            },
        })
    }

    /// Sends a batch (SQS, Kinesis or DynamoDB sample) to `function` and reads its partial batch response: the
    /// items it reported in `batchItemFailures`. An output without that key is a fully successful batch.
    pub async fn invoke_batch(&self, function: &str, batch: EventSample) -> Result<BatchResult, InvokeError> {
        let output = self.invoke(function, batch.into_json()).await?;
        let failed = output
            .get("batchItemFailures")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(|i| i.get("itemIdentifier").and_then(Value::as_str).map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        Ok(BatchResult { failed })
    }

    /// The event Lambda would send `function` from its event source `event` (by its name in the template; the
    /// first non-HTTP event when `None`), with this template's ARNs and names filled in.
    ///
    /// Invoke it with [`App::invoke`]. SQS, SNS and Kinesis samples carry the message `"Hello from <source>"`;
    /// a schedule or rule with an `Input` sends that input, as EventBridge does.
    pub fn sample_event(&self, function: &str, event: Option<&str>) -> Result<Value, SampleError> {
        let (f, chosen) = self.event_source(function, event)?;
        build(f, chosen)
    }

    /// The function named `function` (logical id, then deployed name) and its event source `event` (by name; its
    /// first when `None`).
    fn event_source(&self, function: &str, event: Option<&str>) -> Result<(&Function, &Event), SampleError> {
        let model = self.model();
        let f = model
            .function(function)
            .or_else(|| model.functions.iter().find(|f| f.name == function))
            .ok_or_else(|| SampleError::UnknownFunction(function.to_owned()))?;
        let chosen = match event {
            Some(name) => f.events.iter().find(|e| e.name == name).ok_or_else(|| SampleError::UnknownEvent {
                function: f.id.to_string(),
                event: name.to_owned(),
                known: f.events.iter().map(|e| e.name.to_string()).collect(),
            })?,
            None => f.events.first().ok_or_else(|| SampleError::NoEventSource(f.id.to_string()))?,
        };
        Ok((f, chosen))
    }
}

/// The sample of `f`'s event source `chosen`, or why there is none.
fn build(f: &Function, chosen: &Event) -> Result<Value, SampleError> {
    sample(chosen).ok_or_else(|| SampleError::Unsupported {
        function: f.id.to_string(),
        kind: match &chosen.kind {
            EventKind::Other(name) => name.to_string(),
            other => format!("{other:?}"),
        },
    })
}

/// The sample for one event source, `None` for types without one.
pub(crate) fn sample(event: &Event) -> Option<Value> {
    let props: Value = serde_json::from_str(&event.properties).unwrap_or(Value::Null);
    let now = clock::now_epoch_ms();
    Some(match &event.kind {
        EventKind::Sqs => sqs(&source_arn(&props, &["Queue", "arn", "queueArn"], "sqs", "queue"), now),
        EventKind::S3 => s3(&props, now),
        EventKind::Sns => sns(&sns_topic(&props), now),
        EventKind::Kinesis => kinesis(&source_arn(&props, &["Stream", "arn"], "kinesis", "stream/stream"), now),
        EventKind::DynamoDb => {
            dynamodb(&source_arn(&props, &["Stream", "arn"], "dynamodb", "table/Table/stream/2024-01-01T00:00:00.000"))
        }
        EventKind::Schedule => scheduled(&props, &event.name, now),
        EventKind::EventBridge => eventbridge(&props, &event.name, now),
        EventKind::Other(kind) if matches!(&**kind, "CloudWatchLogs" | "cloudwatchLog") => cloudwatch_logs(&props, now),
        EventKind::Other(_) => return None,
    })
}

/// The ARN a property names (SAM's `Queue`/`Stream`, Serverless's string form or `arn`), else a made-up one.
fn source_arn(props: &Value, keys: &[&str], service: &str, fallback: &str) -> String {
    let found = match props {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => keys.iter().find_map(|k| o.get(*k).and_then(Value::as_str).map(str::to_owned)),
        _ => None,
    };
    match found {
        Some(s) if s.starts_with("arn:") => s,
        // A bare name (Serverless accepts one for some sources): the ARN CloudFormation would give it.
        Some(name) if !name.is_empty() => format!("arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{name}"),
        _ => format!("arn:aws:{service}:{REGION}:{ACCOUNT_ID}:{fallback}"),
    }
}

fn sns_topic(props: &Value) -> String {
    match props {
        Value::Object(o) if o.get("topicName").is_some() && o.get("arn").is_none() => {
            let name = o.get("topicName").and_then(Value::as_str).unwrap_or("Topic");
            format!("arn:aws:sns:{REGION}:{ACCOUNT_ID}:{name}")
        }
        _ => source_arn(props, &["Topic", "arn"], "sns", "Topic"),
    }
}

/// ISO 8601 in UTC, with milliseconds (S3, SNS) or without (EventBridge's `time`).
fn iso_time(epoch_ms: u64, millis: bool) -> String {
    let full = clock::iso_time(epoch_ms);
    if millis { full } else { format!("{}Z", &full[..full.len() - 5]) }
}

fn sqs(queue_arn: &str, now: u64) -> Value {
    let body = "Hello from SQS!";
    json!({ "Records": [{
        "messageId": ids::uuid_v4(),
        "receiptHandle": format!("AQEB{}", ids::stable_hex(queue_arn, 40)),
        "body": body,
        "attributes": {
            "ApproximateReceiveCount": "1",
            "SentTimestamp": now.to_string(),
            "SenderId": ACCOUNT_ID,
            "ApproximateFirstReceiveTimestamp": now.to_string(),
        },
        "messageAttributes": {},
        "md5OfBody": md5_hex(body.as_bytes()),
        "md5OfMessageAttributes": Value::Null,
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": REGION,
    }]})
}

fn s3(props: &Value, now: u64) -> Value {
    let (bucket, event) = match props {
        Value::String(b) => (b.clone(), None),
        Value::Object(o) => {
            let bucket =
                ["Bucket", "bucket"].iter().find_map(|k| o.get(*k).and_then(Value::as_str)).unwrap_or("bucket");
            let event = ["Events", "event"].iter().find_map(|k| match o.get(*k)? {
                Value::String(s) => Some(s.clone()),
                Value::Array(a) => a.first().and_then(Value::as_str).map(str::to_owned),
                _ => None,
            });
            (bucket.to_owned(), event)
        }
        _ => ("bucket".to_owned(), None),
    };
    // `s3:ObjectCreated:*` in the template; a notification names the concrete event.
    let name = event.as_deref().unwrap_or("s3:ObjectCreated:Put").trim_start_matches("s3:").replace('*', "Put");
    json!({ "Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": REGION,
        "eventTime": iso_time(now, true),
        "eventName": name,
        "userIdentity": { "principalId": "AWS:EXAMPLE" },
        "requestParameters": { "sourceIPAddress": "127.0.0.1" },
        "responseElements": { "x-amz-request-id": ids::stable_hex(&bucket, 16).to_uppercase(), "x-amz-id-2": ids::stable_hex(&name, 40) },
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "lambda-emu-sample",
            "bucket": { "name": bucket, "ownerIdentity": { "principalId": "EXAMPLE" }, "arn": format!("arn:aws:s3:::{bucket}") },
            "object": { "key": "sample/hello.txt", "size": 1024, "eTag": "d41d8cd98f00b204e9800998ecf8427e", "versionId": Value::Null, "sequencer": "0A1B2C3D4E5F678901" },
        },
    }]})
}

fn sns(topic_arn: &str, now: u64) -> Value {
    json!({ "Records": [{
        "EventVersion": "1.0",
        "EventSubscriptionArn": format!("{topic_arn}:{}", ids::uuid_v4()),
        "EventSource": "aws:sns",
        "Sns": {
            "Type": "Notification",
            "MessageId": ids::uuid_v4(),
            "TopicArn": topic_arn,
            "Subject": "Sample",
            "Message": "Hello from SNS!",
            "Timestamp": iso_time(now, true),
            "SignatureVersion": "1",
            "Signature": "EXAMPLE",
            "SigningCertURL": format!("https://sns.{REGION}.amazonaws.com/SimpleNotificationService-EXAMPLE.pem"),
            "UnsubscribeURL": format!("https://sns.{REGION}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={topic_arn}:EXAMPLE"),
            "MessageAttributes": {},
        },
    }]})
}

fn kinesis(stream_arn: &str, now: u64) -> Value {
    let seq = "49590338271490256608559692538361571095921575989136588898";
    json!({ "Records": [{
        "kinesis": {
            "kinesisSchemaVersion": "1.0",
            "partitionKey": "1",
            "sequenceNumber": seq,
            "data": base64::engine::general_purpose::STANDARD.encode("Hello from Kinesis!"),
            "approximateArrivalTimestamp": now as f64 / 1000.0,
        },
        "eventSource": "aws:kinesis",
        "eventVersion": "1.0",
        "eventID": format!("shardId-000000000000:{seq}"),
        "eventName": "aws:kinesis:record",
        "invokeIdentityArn": format!("arn:aws:iam::{ACCOUNT_ID}:role/lambda-role"),
        "awsRegion": REGION,
        "eventSourceARN": stream_arn,
    }]})
}

fn dynamodb(stream_arn: &str) -> Value {
    let item = json!({ "id": "1", "message": "Hello from DynamoDB!" });
    let image = to_dynamodb_json(&item);
    json!({ "Records": [{
        "eventID": ids::stable_hex(stream_arn, 32),
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": REGION,
        "dynamodb": {
            "ApproximateCreationDateTime": clock::now_epoch_ms() / 1000,
            "Keys": { "id": { "S": "1" } },
            "NewImage": image,
            "SequenceNumber": "111",
            "SizeBytes": 26,
            "StreamViewType": "NEW_AND_OLD_IMAGES",
        },
        "eventSourceARN": stream_arn,
    }]})
}

/// A plain JSON item as DynamoDB JSON (`{"S": …}`, `{"N": …}`, `{"BOOL": …}`, `{"NULL": true}`, `{"L": …}`, `{"M": …}`).
pub(crate) fn to_dynamodb_json(item: &Value) -> Value {
    fn attr(v: &Value) -> Value {
        match v {
            Value::Null => json!({ "NULL": true }),
            Value::Bool(b) => json!({ "BOOL": b }),
            Value::Number(n) => json!({ "N": n.to_string() }),
            Value::String(s) => json!({ "S": s }),
            Value::Array(a) => json!({ "L": a.iter().map(attr).collect::<Vec<_>>() }),
            Value::Object(o) => json!({ "M": o.iter().map(|(k, v)| (k.clone(), attr(v))).collect::<Map<_, _>>() }),
        }
    }
    match item {
        Value::Object(o) => Value::Object(o.iter().map(|(k, v)| (k.clone(), attr(v))).collect()),
        other => attr(other),
    }
}

/// CloudWatch Logs subscription: `awslogs.data` is the base64 of the gzipped log batch, as Lambda delivers it.
fn cloudwatch_logs(props: &Value, now: u64) -> Value {
    let group = match props {
        Value::String(s) => s.clone(),
        Value::Object(o) => ["LogGroupName", "logGroup"]
            .iter()
            .find_map(|k| o.get(*k).and_then(Value::as_str))
            .unwrap_or("/aws/lambda/sample")
            .to_owned(),
        _ => "/aws/lambda/sample".to_owned(),
    };
    let batch = json!({
        "messageType": "DATA_MESSAGE",
        "owner": ACCOUNT_ID,
        "logGroup": group,
        "logStream": "2024/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
        "subscriptionFilters": ["lambda-emu-sample"],
        "logEvents": [{ "id": ids::stable_hex(&group, 56), "timestamp": now, "message": "Hello from CloudWatch Logs!" }],
    });
    let data = base64::engine::general_purpose::STANDARD.encode(gzip_stored(batch.to_string().as_bytes()));
    json!({ "awslogs": { "data": data } })
}

/// `data` as a gzip member (RFC 1952) holding stored (uncompressed) deflate blocks (RFC 1951 §3.2.4): valid for
/// every gunzip, with no compression library.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let mut chunks = data.chunks(0xffff).peekable();
    if chunks.peek().is_none() {
        out.extend_from_slice(&[1, 0, 0, 0xff, 0xff]);
    }
    while let Some(chunk) = chunks.next() {
        out.push(u8::from(chunks.peek().is_none()));
        let len = chunk.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as gzip's trailer uses it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// What a schedule or rule target's `Input` makes the event: the input itself, as EventBridge sends it.
fn input(props: &Value) -> Option<Value> {
    let o = props.as_object()?;
    let raw = o.get("Input").or_else(|| o.get("input"))?;
    Some(match raw {
        // SAM: a JSON string.
        Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| Value::String(s.clone())),
        // Serverless: an object.
        other => other.clone(),
    })
}

fn rule_arn(props: &Value, event_name: &str) -> String {
    let name = props.get("Name").or_else(|| props.get("name")).and_then(Value::as_str).unwrap_or(event_name);
    format!("arn:aws:events:{REGION}:{ACCOUNT_ID}:rule/{name}")
}

fn scheduled(props: &Value, event_name: &str, now: u64) -> Value {
    if let Some(input) = input(props) {
        return input;
    }
    json!({
        "version": "0",
        "id": ids::uuid_v4(),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": ACCOUNT_ID,
        "time": iso_time(now, false),
        "region": REGION,
        "resources": [rule_arn(props, event_name)],
        "detail": {},
    })
}

fn eventbridge(props: &Value, event_name: &str, now: u64) -> Value {
    if let Some(input) = input(props) {
        return input;
    }
    // The first `source` and `detail-type` the rule's pattern matches.
    let pattern = props.get("Pattern").or_else(|| props.get("pattern"));
    let first =
        |key: &str| pattern.and_then(|p| p.get(key)).and_then(|v| v.get(0)).and_then(Value::as_str).map(str::to_owned);
    json!({
        "version": "0",
        "id": ids::uuid_v4(),
        "detail-type": first("detail-type").unwrap_or_else(|| "Sample Event".to_owned()),
        "source": first("source").unwrap_or_else(|| "lambda-emu.sample".to_owned()),
        "account": ACCOUNT_ID,
        "time": iso_time(now, false),
        "region": REGION,
        "resources": [rule_arn(props, event_name)],
        "detail": pattern.and_then(|p| p.get("detail")).map_or_else(|| json!({}), sample_detail),
    })
}

/// A `detail` that the rule's `detail` pattern matches: the first listed value of each field.
fn sample_detail(pattern: &Value) -> Value {
    match pattern {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, v)| {
                    let v = match v {
                        Value::Array(a) => a.first().cloned().filter(|x| !x.is_object()).unwrap_or(Value::Null),
                        Value::Object(_) => sample_detail(v),
                        other => other.clone(),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        _ => json!({}),
    }
}

/// MD5 of `data` as lower-case hex (SQS's `md5OfBody`). RFC 1321.
fn md5_hex(data: &[u8]) -> String {
    const S: [u32; 64] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14,
        20, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6,
        10, 15, 21,
    ];
    // K[i] = floor(2^32 * |sin(i + 1)|), exact in f64.
    let k: Vec<u32> = (0..64).map(|i| ((i as f64 + 1.0).sin().abs() * 4_294_967_296.0) as u32).collect();
    let mut msg = data.to_vec();
    let bit_len = (data.len() as u64).wrapping_mul(8);
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&bit_len.to_le_bytes());
    let (mut a0, mut b0, mut c0, mut d0) = (0x6745_2301u32, 0xefcd_ab89u32, 0x98ba_dcfeu32, 0x1032_5476u32);
    for chunk in msg.chunks_exact(64) {
        let m: Vec<u32> = chunk.chunks_exact(4).map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]])).collect();
        let (mut a, mut b, mut c, mut d) = (a0, b0, c0, d0);
        for i in 0..64 {
            let (f, g) = match i / 16 {
                0 => ((b & c) | (!b & d), i),
                1 => ((d & b) | (!d & c), (5 * i + 1) % 16),
                2 => (b ^ c ^ d, (3 * i + 5) % 16),
                _ => (c ^ (b | !d), (7 * i) % 16),
            };
            let f = f.wrapping_add(a).wrapping_add(k[i]).wrapping_add(m[g]);
            a = d;
            d = c;
            c = b;
            b = b.wrapping_add(f.rotate_left(S[i]));
        }
        a0 = a0.wrapping_add(a);
        b0 = b0.wrapping_add(b);
        c0 = c0.wrapping_add(c);
        d0 = d0.wrapping_add(d);
    }
    [a0, b0, c0, d0].iter().flat_map(|w| w.to_le_bytes()).map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_matches_rfc_1321_vectors() {
        assert_eq!(md5_hex(b""), "d41d8cd98f00b204e9800998ecf8427e");
        assert_eq!(md5_hex(b"abc"), "900150983cd24fb0d6963f7d28e17f72");
        assert_eq!(md5_hex(b"The quick brown fox jumps over the lazy dog"), "9e107d9d372bb6826bd81d3542a419d6");
        let long = b"12345678901234567890123456789012345678901234567890123456789012345678901234567890";
        assert_eq!(md5_hex(long), "57edf4a22be3c955ac49da2e2107b67a");
    }

    #[test]
    fn crc32_and_gzip_stored() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        let gz = gzip_stored(b"hello");
        assert_eq!(&gz[..3], &[0x1f, 0x8b, 8]);
        assert_eq!(gz.len(), 10 + 5 + 5 + 8);
    }

    #[test]
    fn dynamodb_json_from_a_plain_item() {
        let item = json!({"s": "x", "n": 1.5, "b": true, "z": null, "l": [1, "a"], "m": {"k": 2}});
        assert_eq!(
            to_dynamodb_json(&item),
            json!({"s": {"S": "x"}, "n": {"N": "1.5"}, "b": {"BOOL": true}, "z": {"NULL": true},
                   "l": {"L": [{"N": "1"}, {"S": "a"}]}, "m": {"M": {"k": {"N": "2"}}}})
        );
    }

    #[test]
    fn iso_times() {
        assert_eq!(iso_time(1_589_522_469_693, true), "2020-05-15T06:01:09.693Z");
        assert_eq!(iso_time(0, false), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn arns_from_every_property_form() {
        let q = "arn:aws:sqs:us-east-1:123456789012:orders";
        assert_eq!(source_arn(&json!({"Queue": q}), &["Queue"], "sqs", "x"), q);
        assert_eq!(source_arn(&json!(q), &["Queue"], "sqs", "x"), q);
        assert_eq!(source_arn(&json!({"arn": q}), &["Queue", "arn"], "sqs", "x"), q);
        assert_eq!(source_arn(&json!({}), &["Queue"], "sqs", "queue"), "arn:aws:sqs:us-east-1:123456789012:queue");
        assert_eq!(sns_topic(&json!({"topicName": "t"})), "arn:aws:sns:us-east-1:123456789012:t");
    }
}
