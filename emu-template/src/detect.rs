//! Format detection: tells which reader a parsed document needs, from its top-level keys only.
//! Serverless Framework (`service` plus `provider` or `functions`), AWS SAM (`Transform: AWS::Serverless-*`), else CloudFormation.

use crate::model::TemplateFormat;
use crate::yaml::{Node, scalar_text};

/// The format of the document whose root mapping is `root`.
pub(crate) fn format(root: Node<'_>) -> TemplateFormat {
    if is_serverless(root) {
        TemplateFormat::Serverless
    } else if transform_is_sam(root) {
        TemplateFormat::Sam
    } else {
        TemplateFormat::CloudFormation
    }
}

/// True when `root` looks like a Serverless Framework service: a `service` key plus `provider` or `functions`.
fn is_serverless(root: Node<'_>) -> bool {
    root.get("service").is_some() && (root.get("provider").is_some() || root.get("functions").is_some())
}

fn transform_is_sam(root: Node<'_>) -> bool {
    let Some(t) = root.get("Transform") else { return false };
    let names: Vec<String> = match t.value {
        serde_yaml::Value::Sequence(items) => items.iter().filter_map(scalar_text).collect(),
        v => scalar_text(v).into_iter().collect(),
    };
    names.iter().any(|n| n.starts_with("AWS::Serverless"))
}
