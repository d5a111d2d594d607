//! The emulated AWS account every ARN, event and environment variable names: one region, one account id.
//! The one home for these constants; ARNs are built here so every layer writes them the same way.

/// The account id every emulated ARN and event uses (the one SAM CLI and the AWS docs use).
pub const ACCOUNT_ID: &str = "123456789012";

/// The region every emulated function runs in.
pub const REGION: &str = "us-east-1";

/// The version every emulated function runs as.
pub(crate) const LATEST: &str = "$LATEST";

/// `arn:aws:lambda:us-east-1:123456789012:function:NAME`.
pub(crate) fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn function_arns_name_the_account_and_region() {
        assert_eq!(super::function_arn("f"), "arn:aws:lambda:us-east-1:123456789012:function:f");
    }
}
