//! Sample events from a template's own event sources: each names this template's queue, bucket, topic, stream or
//! rule, deserializes into the matching `aws_lambda_events` type, and (with `../shared`) has the key set of the
//! event Lambda sends, as captured in `lambda-events-fixtures/event-sources`.

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use aws_lambda_events::event::cloudwatch_events::CloudWatchEvent;
use aws_lambda_events::event::dynamodb::Event as DynamoDbEvent;
use aws_lambda_events::event::kinesis::KinesisEvent;
use aws_lambda_events::event::s3::S3Event;
use aws_lambda_events::event::sns::SnsEvent;
use aws_lambda_events::event::sqs::SqsEvent;
use emu_runtime::{App, AppBuilder, BatchResult, Error, LambdaEvent, SampleError};
use serde_json::{Value, json};

const TEMPLATE: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::SQS::Queue
  Uploads:
    Type: AWS::S3::Bucket
    Properties: { BucketName: my-uploads }
  Alerts:
    Type: AWS::SNS::Topic
    Properties: { TopicName: alerts }
  Clicks:
    Type: AWS::Kinesis::Stream
  Table:
    Type: AWS::DynamoDB::Table
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Queue: { Type: SQS, Properties: { Queue: !GetAtt Orders.Arn, BatchSize: 5 } }
        Upload: { Type: S3, Properties: { Bucket: !Ref Uploads, Events: "s3:ObjectCreated:*" } }
        Alert: { Type: SNS, Properties: { Topic: !Ref Alerts } }
        Click: { Type: Kinesis, Properties: { Stream: !GetAtt Clicks.Arn, StartingPosition: LATEST } }
        Change: { Type: DynamoDB, Properties: { Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST } }
        Nightly: { Type: Schedule, Properties: { Schedule: "rate(1 day)", Name: nightly } }
        WithInput: { Type: Schedule, Properties: { Schedule: "rate(1 hour)", Input: '{"job": "cleanup"}' } }
        Logs: { Type: CloudWatchLogs, Properties: { LogGroupName: /aws/lambda/other, FilterPattern: ERROR } }
        Rule:
          Type: EventBridgeRule
          Properties:
            Pattern: { source: [aws.ec2], detail-type: [EC2 Instance State-change Notification], detail: { state: [pending] } }
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Get: { Type: Api, Properties: { Path: /x, Method: get } }
"#;

fn app() -> App {
    let loaded = emu_template::read_str(TEMPLATE, Path::new("template.yaml"), &Default::default()).expect("template");
    AppBuilder::from_model(loaded.model).build()
}

/// `Worker` bound to a handler that fails every SQS message whose body is "bad" (partial batch response) and
/// answers other sources with a summary of what it got.
fn bound() -> App {
    let loaded = emu_template::read_str(TEMPLATE, Path::new("template.yaml"), &Default::default()).expect("template");
    AppBuilder::from_model(loaded.model)
        .bind("Worker", |e: LambdaEvent<Value>| async move {
            let records = e.payload["Records"].as_array().cloned().unwrap_or_default();
            if records.first().and_then(|r| r["eventSource"].as_str()) == Some("aws:sqs") {
                let failures: Vec<Value> = records
                    .iter()
                    .filter(|r| r["body"] == "bad")
                    .map(|r| json!({ "itemIdentifier": r["messageId"] }))
                    .collect();
                return Ok::<_, Error>(json!({ "batchItemFailures": failures }));
            }
            Ok(json!({ "records": records.len(), "event": e.payload }))
        })
        .build()
}

fn sample(event: &str) -> Value {
    app().sample_event("Worker", Some(event)).unwrap_or_else(|e| panic!("{event}: {e}"))
}

#[test]
fn each_sample_names_this_templates_resources_and_deserializes() {
    let sqs: SqsEvent = serde_json::from_value(sample("Queue")).unwrap();
    assert_eq!(sqs.records[0].event_source_arn.as_deref(), Some("arn:aws:sqs:us-east-1:123456789012:Orders"));
    assert_eq!(sqs.records[0].body.as_deref(), Some("Hello from SQS!"));
    let s3: S3Event = serde_json::from_value(sample("Upload")).unwrap();
    assert_eq!(s3.records[0].s3.bucket.name.as_deref(), Some("my-uploads"));
    assert_eq!(s3.records[0].event_name.as_deref(), Some("ObjectCreated:Put"));
    let sns: SnsEvent = serde_json::from_value(sample("Alert")).unwrap();
    assert!(sns.records[0].sns.topic_arn.ends_with(":alerts"), "{}", sns.records[0].sns.topic_arn);
    let kinesis: KinesisEvent = serde_json::from_value(sample("Click")).unwrap();
    assert_eq!(
        kinesis.records[0].event_source_arn.as_deref(),
        Some("arn:aws:kinesis:us-east-1:123456789012:stream/Clicks")
    );
    let ddb: DynamoDbEvent = serde_json::from_value(sample("Change")).unwrap();
    assert!(ddb.records[0].event_source_arn.as_deref().unwrap_or("").contains(":table/Table/stream/"));
    let nightly: CloudWatchEvent = serde_json::from_value(sample("Nightly")).unwrap();
    assert_eq!(nightly.detail_type.as_deref(), Some("Scheduled Event"));
    assert_eq!(nightly.resources, vec!["arn:aws:events:us-east-1:123456789012:rule/nightly".to_owned()]);
    assert_eq!(sample("WithInput"), json!({"job": "cleanup"}), "a target Input replaces the event");
    // CloudWatch Logs: base64 of a gzip member, which aws_lambda_events inflates with flate2.
    // (LogsEvent borrows while decoding, so it is read from text.)
    let logs: aws_lambda_events::event::cloudwatch_logs::LogsEvent =
        serde_json::from_str(&sample("Logs").to_string()).unwrap();
    assert_eq!(logs.aws_logs.data.log_group, "/aws/lambda/other");
    assert_eq!(logs.aws_logs.data.log_events[0].message, "Hello from CloudWatch Logs!");
    let rule: CloudWatchEvent = serde_json::from_value(sample("Rule")).unwrap();
    assert_eq!(rule.source.as_deref(), Some("aws.ec2"));
    assert_eq!(rule.detail, Some(json!({"state": "pending"})));
}

#[test]
fn errors_name_what_exists() {
    let app = app();
    assert_eq!(app.sample_event("Nope", None), Err(SampleError::UnknownFunction("Nope".into())));
    let e = app.sample_event("Worker", Some("Missing")).unwrap_err().to_string();
    assert!(e.contains("Queue, Upload, Alert"), "{e}");
    assert_eq!(app.sample_event("Api", None), Err(SampleError::NoEventSource("Api".into())));
    assert!(app.sample_event("Worker", None).is_ok(), "the first event source by default");
}

#[tokio::test]
async fn batches_report_their_failed_items() {
    let app = bound();
    let batch = app.sample("Worker", Some("Queue")).unwrap().with_messages(["ok", "bad", "ok", "bad"]);
    let bodies: SqsEvent = serde_json::from_value(batch.clone().into_json()).unwrap();
    assert_eq!(bodies.records.len(), 4);
    let bad: Vec<String> = bodies
        .records
        .iter()
        .filter(|r| r.body.as_deref() == Some("bad"))
        .filter_map(|r| r.message_id.clone())
        .collect();
    assert_eq!(app.invoke_batch("Worker", batch).await.unwrap(), BatchResult { failed: bad });
    let clean = app.sample("Worker", Some("Queue")).unwrap().with_messages(["ok"]);
    assert_eq!(app.invoke_batch("Worker", clean).await.unwrap(), BatchResult::default());
}

#[tokio::test]
async fn builders_put_test_data_in_and_invoke_event_reads_typed_output() {
    let app = bound();
    let item = json!({"id": "42", "price": 9.5, "tags": ["a"]});
    let change = app.sample("Worker", Some("Change")).unwrap().with_item(&item, &["id"]).into_json();
    let typed: DynamoDbEvent = serde_json::from_value(change.clone()).unwrap();
    assert_eq!(typed.records.len(), 1);
    assert_eq!(change["Records"][0]["dynamodb"]["Keys"], json!({"id": {"S": "42"}}));
    assert_eq!(change["Records"][0]["dynamodb"]["NewImage"]["price"], json!({"N": "9.5"}));
    let update = app
        .sample("Worker", Some("Change"))
        .unwrap()
        .with_update(&json!({"id": "42", "price": 9}), &item, &["id"])
        .into_json();
    let typed: DynamoDbEvent = serde_json::from_value(update.clone()).unwrap();
    assert_eq!(typed.records[0].event_name, "MODIFY");
    assert_eq!(update["Records"][0]["dynamodb"]["OldImage"]["price"], json!({"N": "9"}));
    let upload = app.sample("Worker", Some("Upload")).unwrap().with_object("photos/cat.png", 2048).into_json();
    let s3: S3Event = serde_json::from_value(upload).unwrap();
    assert_eq!(s3.records[0].s3.object.key.as_deref(), Some("photos/cat.png"));
    let clicks = app.sample("Worker", Some("Click")).unwrap().with_messages(["a", "b"]).into_json();
    let kinesis: KinesisEvent = serde_json::from_value(clicks.clone()).unwrap();
    assert_eq!(kinesis.records.len(), 2);
    assert_ne!(kinesis.records[0].kinesis.sequence_number, kinesis.records[1].kinesis.sequence_number);
    let out: Value = app.invoke_event("Worker", &clicks).await.unwrap();
    assert_eq!(out["records"], 2);
    let rule = app.sample("Worker", Some("Rule")).unwrap().with_detail(json!({"state": "running"})).into_json();
    assert_eq!(rule["detail"], json!({"state": "running"}));
    let typed_in: SqsEvent = serde_json::from_value(sample("Queue")).unwrap();
    let out: Value = app.invoke_event("Worker", &typed_in).await.unwrap();
    assert_eq!(out["batchItemFailures"], json!([]), "a typed aws_lambda_events struct goes in as its JSON");
}

fn keys(v: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    if let Value::Object(o) = v {
        for (k, v) in o {
            let path = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
            out.insert(path.clone());
            keys(v, &path, out);
        }
    } else if let Value::Array(a) = v
        && let Some(first) = a.first()
    {
        keys(first, &format!("{prefix}[]"), out);
    }
}

fn key_set(v: &Value, skip: &[&str]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    keys(v, "", &mut out);
    out.into_iter().filter(|k| !skip.iter().any(|s| k.starts_with(s))).collect()
}

#[test]
#[ignore = "reads the captured events in ../shared/corpus: run with `-- --ignored` (CI does)"]
fn samples_have_the_key_sets_of_captured_events() {
    let dir = common::shared_corpus("lambda-events-fixtures/event-sources");
    // User data (message attributes, images, details) differs by design (a prefix ending in `.` keeps the key
    // itself); the envelope must not. DynamoDB's `userIdentity` is only on TTL deletions.
    let cases: [(&str, &str, &[&str]); 8] = [
        ("Queue", "example-sqs-event.json", &["Records[].messageAttributes."]),
        ("Upload", "example-s3-event.json", &[]),
        ("Alert", "example-sns-event.json", &["Records[].Sns.MessageAttributes"]),
        ("Click", "example-kinesis-event.json", &[]),
        (
            "Change",
            "example-dynamodb-event.json",
            &["Records[].dynamodb.Keys.", "Records[].dynamodb.NewImage.", "Records[].userIdentity"],
        ),
        ("Nightly", "example-eventbridge-schedule.json", &["detail."]),
        ("Logs", "example-cloudwatch_logs-event.json", &[]),
        ("Rule", "example-eventbridge-event-obj.json", &["detail."]),
    ];
    for (event, file, skip) in cases {
        let fixture: Value = serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
        let ours = key_set(&sample(event), skip);
        let theirs = key_set(&fixture, skip);
        let missing: Vec<_> = theirs.difference(&ours).collect();
        assert!(missing.is_empty(), "{event} lacks keys of {file}: {missing:?}");
        let extra: Vec<_> = ours.difference(&theirs).collect();
        println!("{event} vs {file}: {} keys; ours only: {extra:?}", theirs.len());
    }
}

#[test]
fn serverless_event_forms_fill_the_samples() {
    let yml = "service: shop\nprovider:\n  name: aws\n  runtime: provided.al2023\nfunctions:\n  worker:\n    handler: worker\n    events:\n      - sqs: arn:aws:sqs:us-east-1:123456789012:jobs\n      - s3: uploads\n      - schedule:\n          rate: rate(10 minutes)\n          input:\n            job: tidy\n      - cloudwatchLog: /aws/lambda/other\n";
    let loaded = emu_template::read_str(yml, Path::new("serverless.yml"), &Default::default()).expect("serverless.yml");
    let app = AppBuilder::from_model(loaded.model).build();
    let names: Vec<String> =
        app.model().function("worker").unwrap().events.iter().map(|e| e.name.to_string()).collect();
    let by_kind = |prefix: &str| names.iter().find(|n| n.starts_with(prefix)).cloned().unwrap();
    let sqs: SqsEvent = serde_json::from_value(app.sample_event("worker", Some(&by_kind("sqs"))).unwrap()).unwrap();
    assert_eq!(sqs.records[0].event_source_arn.as_deref(), Some("arn:aws:sqs:us-east-1:123456789012:jobs"));
    let s3: S3Event = serde_json::from_value(app.sample_event("worker", Some(&by_kind("s3"))).unwrap()).unwrap();
    assert_eq!(s3.records[0].s3.bucket.name.as_deref(), Some("uploads"));
    assert_eq!(app.sample_event("worker", Some(&by_kind("schedule"))).unwrap(), json!({"job": "tidy"}));
    let logs: aws_lambda_events::event::cloudwatch_logs::LogsEvent =
        serde_json::from_str(&app.sample_event("worker", Some(&by_kind("cloudwatchLog"))).unwrap().to_string())
            .unwrap();
    assert_eq!(logs.aws_logs.data.log_group, "/aws/lambda/other");
}
