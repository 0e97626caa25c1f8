//! An adaptor's `errors { }` (docs/adaptors.md, "How an adaptor's errors read"):
//! which failure statuses the server means as "try again", and where a failure's
//! body holds its details. The compiler checks the paths with [`parse_path`]; the
//! runtime reads bodies with the same functions, so the two cannot disagree.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The rules of one adaptor. Empty for an adaptor without `errors { }`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorsMeta {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retry: Vec<RetryRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<DetailRule>,
}

/// `retry 409 when "could not acquire lock"`: an answer with this status (and,
/// with `when`, a body containing this text) did nothing and may succeed later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryRule {
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
}

/// `detail "validationReport.errorReports[]" code "errorCode" text "message"`:
/// each item at `items` is one detail; `code`, `text` and `at` are fields of
/// an item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DetailRule {
    pub items: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
}

/// One step of a path: a field of an object, or each element of a list (`[]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Field(String),
    Each,
}

/// Why a path does not parse: the byte offset in the path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub offset: usize,
    pub message: String,
}

/// Parses `response.importSummaries[].conflicts[]`: field names (letters,
/// digits, `_`, `-`, `$`, `@`) joined by `.`, each optionally followed by `[]`.
/// With `lists` false (the fields of an item), `[]` is refused.
pub fn parse_path(path: &str, lists: bool) -> Result<Vec<Step>, PathError> {
    let fail = |offset: usize, message: &str| {
        Err(PathError {
            offset,
            message: message.to_string(),
        })
    };
    if path.is_empty() {
        return fail(0, "the path is empty: write field names joined by `.`");
    }
    let mut steps = Vec::new();
    let bytes = path.as_bytes();
    let mut at = 0;
    loop {
        let start = at;
        while at < bytes.len() && is_name_byte(bytes[at]) {
            at += 1;
        }
        if at == start {
            return match bytes.get(at) {
                None => fail(at, "the path ends with `.`: a field name must follow"),
                Some(b'.') => fail(at, "two `.` in a row: a field name must come between"),
                Some(b'[') => fail(at, "`[]` must follow a field name"),
                Some(_) => fail(
                    at,
                    "a field name holds letters, digits, `_`, `-`, `$` or `@` only",
                ),
            };
        }
        steps.push(Step::Field(path[start..at].to_string()));
        while bytes.get(at) == Some(&b'[') {
            if bytes.get(at + 1) != Some(&b']') {
                return fail(at, "`[` must be followed by `]`: `[]` means each element");
            }
            if !lists {
                return fail(
                    at,
                    "a field of an item names one value: `[]` is not allowed here",
                );
            }
            steps.push(Step::Each);
            at += 2;
        }
        match bytes.get(at) {
            None => return Ok(steps),
            Some(b'.') => at += 1,
            Some(_) => {
                return fail(
                    at,
                    "a field name holds letters, digits, `_`, `-`, `$` or `@` only",
                );
            }
        }
    }
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'$' | b'@') || b >= 0x80
}

/// Every value `steps` reaches from `value`, in order. A missing field, or a
/// step that does not fit (a field of a list, `[]` of an object), reaches nothing.
pub fn select<'v>(value: &'v Value, steps: &[Step]) -> Vec<&'v Value> {
    let mut here = vec![value];
    for step in steps {
        here = here
            .into_iter()
            .flat_map(|v| -> Vec<&Value> {
                match (step, v) {
                    (Step::Field(name), Value::Object(map)) => map.get(name).into_iter().collect(),
                    (Step::Each, Value::Array(items)) => items.iter().collect(),
                    _ => Vec::new(),
                }
            })
            .collect();
    }
    here
}

/// One detail of a failure, as shown: `E1064 (orgUnit): Organisation unit not found`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Detail {
    pub code: Option<String>,
    pub at: Option<String>,
    pub text: String,
}

impl std::fmt::Display for Detail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut head = Vec::new();
        if let Some(code) = &self.code {
            head.push(code.clone());
        }
        if let Some(at) = &self.at {
            head.push(format!("({at})"));
        }
        if head.is_empty() {
            f.write_str(&self.text)
        } else if self.text.is_empty() {
            f.write_str(&head.join(" "))
        } else {
            write!(f, "{}: {}", head.join(" "), self.text)
        }
    }
}

impl ErrorsMeta {
    /// Whether the adaptor marks an answer with `status` and `body` as transient.
    pub fn marks_retryable(&self, status: u16, body: &str) -> bool {
        self.retry.iter().any(|rule| {
            rule.status == status
                && rule
                    .when
                    .as_deref()
                    .is_none_or(|text| body.to_lowercase().contains(&text.to_lowercase()))
        })
    }

    /// The details of a failure body, rule by rule, in the body's order. Items
    /// with neither a code nor a text are left out.
    pub fn details(&self, body: &Value) -> Vec<Detail> {
        let mut out = Vec::new();
        for rule in &self.details {
            let Ok(items) = parse_path(&rule.items, true) else {
                continue;
            };
            let field = |item: &Value, path: &Option<String>| {
                path.as_deref().and_then(|p| field_text(item, p))
            };
            for item in select(body, &items) {
                let text = field_text(item, &rule.text).unwrap_or_default();
                let code = field(item, &rule.code);
                if text.is_empty() && code.is_none() {
                    continue;
                }
                out.push(Detail {
                    code,
                    at: field(item, &rule.at),
                    text,
                });
            }
        }
        out
    }
}

/// A field of an item as text: a string as it is, a number or a Boolean
/// written out, a list of those joined by `, `; nothing for null, an object
/// or a missing field.
fn field_text(item: &Value, path: &str) -> Option<String> {
    let steps = parse_path(path, false).ok()?;
    let value = select(item, &steps).into_iter().next()?;
    let scalar = |v: &Value| match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match value {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(scalar).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        other => scalar(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths() {
        assert_eq!(
            parse_path("response.importSummaries[].conflicts[]", true),
            Ok(vec![
                Step::Field("response".into()),
                Step::Field("importSummaries".into()),
                Step::Each,
                Step::Field("conflicts".into()),
                Step::Each,
            ])
        );
        assert_eq!(
            parse_path("matrix[][]", true),
            Ok(vec![Step::Field("matrix".into()), Step::Each, Step::Each])
        );
        let error = |p: &str, lists| parse_path(p, lists).unwrap_err();
        assert_eq!(error("", true).offset, 0);
        assert_eq!(error("a..b", true).offset, 2);
        assert_eq!(error("a.", true).offset, 2);
        assert_eq!(error("[]", true).offset, 0);
        assert_eq!(error("a[0]", true).offset, 1);
        assert_eq!(error("a b", true).offset, 1);
        assert_eq!(
            error("issue[]", false).message,
            "a field of an item names one value: `[]` is not allowed here"
        );
    }

    #[test]
    fn details_follow_the_rules_in_order() {
        let rules = ErrorsMeta {
            retry: vec![],
            details: vec![
                DetailRule {
                    items: "response.errorReports[]".into(),
                    code: Some("errorCode".into()),
                    text: "message".into(),
                    at: Some("errorProperty".into()),
                },
                DetailRule {
                    items: "issue[]".into(),
                    code: Some("code".into()),
                    text: "details.text".into(),
                    at: Some("expression".into()),
                },
            ],
        };
        let body = json!({
            "response": { "errorReports": [
                { "errorCode": "E4000", "message": "Missing required property `name`", "errorProperty": "name" },
                { "errorCode": "E5002", "message": "Invalid reference" },
                { "unrelated": true },
            ]},
            "issue": [{ "code": "required", "details": { "text": "birthDate missing" }, "expression": ["Patient.birthDate", "Patient"] }],
        });
        let shown: Vec<String> = rules.details(&body).iter().map(|d| d.to_string()).collect();
        assert_eq!(
            shown,
            [
                "E4000 (name): Missing required property `name`",
                "E5002: Invalid reference",
                "required (Patient.birthDate, Patient): birthDate missing",
            ]
        );
        assert!(rules.details(&json!("text")).is_empty());
        assert!(
            rules
                .details(&json!({ "issue": { "code": "x" } }))
                .is_empty()
        );
    }

    #[test]
    fn marked_statuses() {
        let rules = ErrorsMeta {
            retry: vec![
                RetryRule {
                    status: 409,
                    when: Some("could not acquire lock".into()),
                },
                RetryRule {
                    status: 423,
                    when: None,
                },
            ],
            details: vec![],
        };
        assert!(rules.marks_retryable(409, r#"{"message":"Could not acquire LOCK on row"}"#));
        assert!(!rules.marks_retryable(409, r#"{"message":"E1000 no access"}"#));
        assert!(rules.marks_retryable(423, ""));
        assert!(!rules.marks_retryable(422, "could not acquire lock"));
    }
}
