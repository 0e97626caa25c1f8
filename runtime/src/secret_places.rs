//! Config errors that never show a secret: an error about a place whose type is,
//! or holds, a `Secret` (a password given as a number, a whole section given as
//! a string) names the JSON kind of what was found, never the value. The
//! redactor cannot do this alone: it knows only the secrets that were given as
//! strings of four characters or more.

use crate::json::{DecodeError, DecodeErrorKind, TypeDesc};

/// `error` (of decoding a value of type `desc`) with the value found left out if
/// the place it is about holds a secret.
pub fn hide_secret_values(mut error: DecodeError, desc: &TypeDesc) -> DecodeError {
    if error.kind == DecodeErrorKind::Mismatch && holds_secret_at(desc, &error.path) {
        error.found = kind_of_found(&error.found).to_string();
    }
    error
}

/// Whether the place at `path` (`$.a[2]["b c"]`, as [`DecodeError`] writes it) of
/// a value of type `desc` may hold a secret. A path that cannot be followed
/// through the type counts as holding one: better a message without the value
/// than one with a secret in it.
fn holds_secret_at(desc: &TypeDesc, path: &str) -> bool {
    match parse_path(path) {
        Some(steps) => places(desc, &steps).iter().any(|d| contains_secret(d)),
        None => true,
    }
}

/// One step of a JSON path.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index,
}

/// `$.a[2]["b c"]` as steps; `None` if it is not such a path.
fn parse_path(path: &str) -> Option<Vec<Step>> {
    let mut rest = path.strip_prefix('$')?;
    let mut steps = Vec::new();
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('.') {
            let end = after.find(['.', '[']).unwrap_or(after.len());
            steps.push(Step::Key(after[..end].to_string()));
            rest = &after[end..];
        } else if let Some(after) = rest.strip_prefix("[\"") {
            // A JSON string: find its closing quote, skipping escapes.
            let bytes = after.as_bytes();
            let mut i = 0;
            while i < bytes.len() && bytes[i] != b'"' {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            let key: String = serde_json::from_str(rest.get(1..i + 3)?).ok()?;
            steps.push(Step::Key(key));
            rest = after.get(i + 1..)?.strip_prefix(']')?;
        } else if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']')?;
            after[..end].parse::<usize>().ok()?;
            steps.push(Step::Index);
            rest = &after[end + 1..];
        } else {
            return None;
        }
    }
    Some(steps)
}

/// The types the value at `steps` may have (more than one through a union).
fn places<'a>(desc: &'a TypeDesc, steps: &[Step]) -> Vec<&'a TypeDesc> {
    let Some((step, rest)) = steps.split_first() else {
        return vec![desc];
    };
    match (desc, step) {
        (TypeDesc::Named { body, .. }, _) | (TypeDesc::Optional(body), _) => places(body, steps),
        (TypeDesc::Union(members), _) => members.iter().flat_map(|m| places(m, steps)).collect(),
        (TypeDesc::List(of), Step::Index) | (TypeDesc::Map(of), Step::Key(_)) => places(of, rest),
        (TypeDesc::Record { shape, fields }, Step::Key(key)) => shape
            .fields
            .iter()
            .zip(fields.iter())
            .find(|(name, _)| name.as_str() == key)
            .map(|(_, field)| places(&field.desc, rest))
            .unwrap_or_default(),
        // Json holds anything; a step into a scalar cannot be.
        (TypeDesc::Json, _) => vec![desc],
        _ => Vec::new(),
    }
}

/// Whether a value of type `desc` is or holds a `Secret`.
fn contains_secret(desc: &TypeDesc) -> bool {
    match desc {
        TypeDesc::Secret => true,
        TypeDesc::Named { body: of, .. }
        | TypeDesc::Optional(of)
        | TypeDesc::List(of)
        | TypeDesc::Map(of) => contains_secret(of),
        TypeDesc::Union(members) => members.iter().any(contains_secret),
        TypeDesc::Record { fields, .. } => fields.iter().any(|f| contains_secret(&f.desc)),
        _ => false,
    }
}

/// What a [`DecodeError`]'s `found` excerpt is, without its value.
fn kind_of_found(found: &str) -> &str {
    match found {
        "null" | "an object" | "a list" | "missing" => found,
        "true" | "false" => "a boolean",
        _ if found.starts_with('"') => "a string",
        _ => "a number",
    }
}

/// A JSON value described by its kind only (`a string`, `a number`, ...), for
/// messages about values that may be secrets.
pub fn json_kind(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::FieldDesc;

    fn credentials() -> TypeDesc {
        TypeDesc::named(
            "Config",
            TypeDesc::record(
                vec![
                    ("hostUrl", FieldDesc::required(TypeDesc::Url)),
                    ("password", FieldDesc::required(TypeDesc::Secret)),
                    (
                        "tokens",
                        FieldDesc::optional(TypeDesc::map(TypeDesc::Secret)),
                    ),
                    ("ports", FieldDesc::required(TypeDesc::list(TypeDesc::Int))),
                ],
                false,
            ),
        )
    }

    #[test]
    fn paths_parse() {
        assert_eq!(
            parse_path("$.a[2][\"b \\\"c\\\"\"].d"),
            Some(vec![
                Step::Key("a".into()),
                Step::Index,
                Step::Key("b \"c\"".into()),
                Step::Key("d".into())
            ])
        );
        assert_eq!(parse_path("$"), Some(vec![]));
        assert_eq!(parse_path("a.b"), None);
        assert_eq!(parse_path("$[x]"), None);
    }

    #[test]
    fn secret_places() {
        let d = credentials();
        assert!(holds_secret_at(&d, "$"));
        assert!(holds_secret_at(&d, "$.password"));
        assert!(holds_secret_at(&d, "$.tokens[\"git hub\"]"));
        assert!(!holds_secret_at(&d, "$.hostUrl"));
        assert!(!holds_secret_at(&d, "$.ports[3]"));
        assert!(holds_secret_at(&d, "not a path"));
    }

    #[test]
    fn found_values_become_kinds() {
        for (found, kind) in [
            ("90817263", "a number"),
            ("-1.5e3", "a number"),
            ("\"s3cret\"", "a string"),
            ("true", "a boolean"),
            ("null", "null"),
            ("a list", "a list"),
        ] {
            assert_eq!(kind_of_found(found), kind);
        }
    }
}
