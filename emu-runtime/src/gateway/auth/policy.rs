//! The IAM policy a Lambda authorizer returns, parsed and evaluated as API Gateway does: `execute-api:Invoke`
//! statements, `Resource` ARNs with `*` and `?` wildcards, lists, and an explicit `Deny` winning over any `Allow`.

use std::fmt;

use serde_json::Value;

/// A statement's effect.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Effect {
    /// `Allow`.
    Allow,
    /// `Deny`.
    Deny,
}

/// One statement: its effect, the actions and resources it names (or, with `Not*`, every one but these).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Statement {
    effect: Effect,
    actions: Vec<String>,
    not_action: bool,
    resources: Vec<String>,
    not_resource: bool,
    has_condition: bool,
}

/// A parsed `policyDocument`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Policy {
    statements: Vec<Statement>,
}

/// What a policy says about one method ARN.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// An `Allow` statement covers it and no `Deny` does.
    Allow,
    /// A `Deny` statement covers it (whatever the `Allow`s say).
    ExplicitDeny,
    /// No statement covers it.
    ImplicitDeny,
}

/// Why a `policyDocument` cannot be used (API Gateway: "Could not parse policy", a 500).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PolicyError(pub(crate) String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid policyDocument: {}", self.0)
    }
}

impl std::error::Error for PolicyError {}

/// A string or a list of strings (IAM accepts both wherever a list is expected).
fn string_list(v: &Value, what: &str) -> Result<Vec<String>, PolicyError> {
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned).ok_or_else(|| PolicyError(format!("{what} has a non-string entry"))))
            .collect(),
        _ => Err(PolicyError(format!("{what} must be a string or a list of strings"))),
    }
}

/// Reads one field in either casing (`Effect` / `effect`): API Gateway accepts both in practice.
fn field<'a>(m: &'a serde_json::Map<String, Value>, name: &str) -> Option<&'a Value> {
    m.get(name).or_else(|| m.get(&name.to_ascii_lowercase()))
}

impl Policy {
    /// Parses a `policyDocument` (`{"Version": ..., "Statement": [...]}`; one statement object is accepted too).
    pub(crate) fn parse(doc: &Value) -> Result<Policy, PolicyError> {
        let Some(doc) = doc.as_object() else { return Err(PolicyError("it is not a JSON object".into())) };
        let statements = match field(doc, "Statement") {
            Some(Value::Array(items)) => items.iter().collect::<Vec<_>>(),
            Some(one @ Value::Object(_)) => vec![one],
            Some(_) => return Err(PolicyError("Statement must be a list of statements".into())),
            None => return Err(PolicyError("it has no Statement".into())),
        };
        let mut out = Vec::with_capacity(statements.len());
        for (i, s) in statements.into_iter().enumerate() {
            let Some(s) = s.as_object() else {
                return Err(PolicyError(format!("Statement[{i}] is not an object")));
            };
            let effect = match field(s, "Effect").and_then(Value::as_str) {
                Some("Allow") => Effect::Allow,
                Some("Deny") => Effect::Deny,
                Some(other) => {
                    return Err(PolicyError(format!("Statement[{i}].Effect `{other}` is not Allow or Deny")));
                }
                None => return Err(PolicyError(format!("Statement[{i}] has no Effect"))),
            };
            let (actions, not_action) = match (field(s, "Action"), field(s, "NotAction")) {
                (Some(a), None) => (string_list(a, &format!("Statement[{i}].Action"))?, false),
                (None, Some(a)) => (string_list(a, &format!("Statement[{i}].NotAction"))?, true),
                _ => return Err(PolicyError(format!("Statement[{i}] needs exactly one of Action and NotAction"))),
            };
            let (resources, not_resource) = match (field(s, "Resource"), field(s, "NotResource")) {
                (Some(r), None) => (string_list(r, &format!("Statement[{i}].Resource"))?, false),
                (None, Some(r)) => (string_list(r, &format!("Statement[{i}].NotResource"))?, true),
                _ => return Err(PolicyError(format!("Statement[{i}] needs exactly one of Resource and NotResource"))),
            };
            out.push(Statement {
                effect,
                actions,
                not_action,
                resources,
                not_resource,
                has_condition: field(s, "Condition").is_some(),
            });
        }
        Ok(Policy { statements: out })
    }

    /// Whether any statement carries a `Condition` (not evaluated locally; the caller logs it).
    pub(crate) fn has_conditions(&self) -> bool {
        self.statements.iter().any(|s| s.has_condition)
    }

    /// Evaluates the policy for `execute-api:Invoke` on `method_arn`: explicit deny, then allow, else implicit deny.
    pub(crate) fn evaluate(&self, method_arn: &str) -> Decision {
        let mut allowed = false;
        for s in &self.statements {
            let action = s.actions.iter().any(|a| action_matches(a, "execute-api:Invoke")) != s.not_action;
            let resource = s.resources.iter().any(|r| wildcard_match(r, method_arn)) != s.not_resource;
            if action && resource {
                match s.effect {
                    Effect::Deny => return Decision::ExplicitDeny,
                    Effect::Allow => allowed = true,
                }
            }
        }
        if allowed { Decision::Allow } else { Decision::ImplicitDeny }
    }
}

/// IAM action names compare without regard to case (`execute-api:invoke`), with wildcards.
fn action_matches(pattern: &str, action: &str) -> bool {
    wildcard_match(&pattern.to_ascii_lowercase(), &action.to_ascii_lowercase())
}

/// IAM's wildcard match: `*` is any run of characters (`/` included), `?` any one character; linear in practice
/// (the classic two-pointer glob with one backtrack point), never recursive.
pub(crate) fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const ARN: &str = "arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/dogs/1";

    fn policy(statements: Value) -> Policy {
        Policy::parse(&json!({"Version": "2012-10-17", "Statement": statements})).unwrap()
    }

    #[test]
    fn wildcards_match_as_iam_does() {
        assert!(wildcard_match("*", ARN));
        assert!(wildcard_match("arn:aws:execute-api:*:*:*", ARN));
        assert!(wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abc123/*", ARN));
        assert!(wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/dogs/*", ARN));
        assert!(wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/dogs/?", ARN));
        assert!(!wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/dogs/??", ARN));
        assert!(!wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/POST/*", ARN));
        assert!(!wildcard_match("arn:aws:execute-api:us-east-1:123456789012:abc123/Prod/GET/dogs", ARN));
        assert!(wildcard_match("a*b*c", "a-b-b-c"));
        assert!(!wildcard_match("a*b*c", "a-b-b-d"));
        assert!(wildcard_match("", ""));
        assert!(!wildcard_match("", "x"));
        // A pathological pattern stays fast (no exponential backtracking).
        let long = "a".repeat(2000);
        assert!(!wildcard_match(&format!("{}b", "*a".repeat(200)), &long));
    }

    #[test]
    fn allow_explicit_deny_and_implicit_deny() {
        let p = policy(json!([{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": ARN}]));
        assert_eq!(p.evaluate(ARN), Decision::Allow);
        assert_eq!(p.evaluate(&ARN.replace("dogs/1", "dogs/2")), Decision::ImplicitDeny, "the cached-policy bug");
        let p = policy(json!([
            {"Action": ["execute-api:Invoke"], "Effect": "Allow", "Resource": ["arn:aws:execute-api:*"]},
            {"Action": "execute-api:*", "Effect": "Deny", "Resource": "arn:aws:execute-api:*:*:*/*/GET/dogs/*"}
        ]));
        assert_eq!(p.evaluate(ARN), Decision::ExplicitDeny, "explicit deny wins");
        assert_eq!(p.evaluate(&ARN.replace("GET", "POST")), Decision::Allow);
    }

    #[test]
    fn actions_other_than_invoke_do_not_allow() {
        let p = policy(json!([{"Action": "execute-api:ManageConnections", "Effect": "Allow", "Resource": "*"}]));
        assert_eq!(p.evaluate(ARN), Decision::ImplicitDeny);
        let p = policy(json!([{"Action": "EXECUTE-API:invoke", "Effect": "Allow", "Resource": "*"}]));
        assert_eq!(p.evaluate(ARN), Decision::Allow, "action names ignore case");
        let p = policy(json!([{"NotAction": "s3:*", "Effect": "Allow", "NotResource": "arn:aws:s3:::*"}]));
        assert_eq!(p.evaluate(ARN), Decision::Allow);
    }

    #[test]
    fn a_single_statement_object_and_lower_case_keys_parse() {
        let p =
            Policy::parse(&json!({"Statement": {"action": "execute-api:Invoke", "effect": "Allow", "resource": "*"}}))
                .unwrap();
        assert_eq!(p.evaluate(ARN), Decision::Allow);
    }

    #[test]
    fn malformed_policies_are_errors_never_panics() {
        for bad in [
            json!(null),
            json!("Allow"),
            json!({}),
            json!({"Statement": 3}),
            json!({"Statement": [3]}),
            json!({"Statement": [{"Action": "execute-api:Invoke", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Maybe", "Action": "x", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "x"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": [1], "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "x", "Resource": {"a": 1}}]}),
        ] {
            assert!(Policy::parse(&bad).is_err(), "{bad}");
        }
    }
}
