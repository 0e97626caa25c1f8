//! [`DecodeError`]: why a JSON document (or an in-memory value) does not fit a
//! type, with the JSON path of the place that does not fit.

use std::fmt;

use super::desc::{TypeDesc, is_identifier};
use crate::value::Value;

/// A failed decode or conversion.
///
/// `Display` is `$.form.visit.weight_kg: expected Float, found "61,5"`; for a
/// missing field `$.form: missing field "patient_name"`; for text that is not JSON
/// `input is not JSON: expected ',' or '}' at line 3, column 14`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Where: `$`, `$.form.visit.weight_kg`, `$[17].id`, `$.form["@name"]`. For a
    /// missing field, the path of the object that lacks it.
    pub path: String,
    /// The type expected there, as Ferry writes it: `Float`, `"female" | "male"`,
    /// `Registration`. `JSON` for text that is not JSON.
    pub expected: String,
    /// A short excerpt of what was found: `"61,5"`, `null`, `an object`, `a list`,
    /// `missing`; for text that is not JSON, what the parser says.
    pub found: String,
    pub kind: DecodeErrorKind,
}

/// What kind of failure a [`DecodeError`] is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DecodeErrorKind {
    /// A value of the wrong type.
    Mismatch,
    /// A required field is missing (its name).
    MissingField(String),
    /// The text is not JSON (or not UTF-8); 1-based line and column.
    NotJson { line: usize, column: usize },
}

impl DecodeError {
    /// The error for text that is not JSON: `message` as the parser says it.
    pub fn not_json(message: impl Into<String>, line: usize, column: usize) -> DecodeError {
        DecodeError {
            path: "$".into(),
            expected: "JSON".into(),
            found: message.into(),
            kind: DecodeErrorKind::NotJson { line, column },
        }
    }

    /// Whether the text was not JSON at all (as opposed to JSON of another type).
    pub fn is_not_json(&self) -> bool {
        matches!(self.kind, DecodeErrorKind::NotJson { .. })
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            DecodeErrorKind::Mismatch => write!(
                f,
                "{}: expected {}, found {}",
                self.path, self.expected, self.found
            ),
            DecodeErrorKind::MissingField(name) => {
                write!(f, "{}: missing field ", self.path)?;
                let mut quoted = Vec::new();
                super::write::write_str(name, &mut quoted);
                f.write_str(&String::from_utf8_lossy(&quoted))
            }
            DecodeErrorKind::NotJson { line, column } => write!(
                f,
                "input is not JSON: {} at line {line}, column {column}",
                self.found
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// One step of a JSON path.
#[derive(Clone, Debug)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// A decode failure on its way out: the path is collected innermost first, as
/// each enclosing object or list adds its step.
#[derive(Debug)]
pub(crate) struct Failure {
    rev_path: Vec<Seg>,
    expected: String,
    found: String,
    missing: Option<String>,
}

impl Failure {
    /// `found` where `desc` was expected.
    pub(crate) fn mismatch(desc: &TypeDesc, found: String) -> Failure {
        Failure {
            rev_path: Vec::new(),
            expected: desc.to_string(),
            found,
            missing: None,
        }
    }

    /// `found` where a value of the type written `expected` was expected.
    pub(crate) fn new(expected: &str, found: String) -> Failure {
        Failure {
            rev_path: Vec::new(),
            expected: expected.into(),
            found,
            missing: None,
        }
    }

    /// The required field `name` (of type `desc`) is missing.
    pub(crate) fn missing(name: &str, desc: &TypeDesc) -> Failure {
        Failure {
            rev_path: Vec::new(),
            expected: desc.to_string(),
            found: "missing".into(),
            missing: Some(name.into()),
        }
    }

    /// The failure happened inside the member `key` (or element `index`) of the
    /// value being decoded.
    pub(crate) fn within(mut self, seg: Seg) -> Failure {
        self.rev_path.push(seg);
        self
    }

    pub(crate) fn push(&mut self, seg: Seg) {
        self.rev_path.push(seg);
    }

    pub(crate) fn into_error(self) -> DecodeError {
        let mut path = String::from("$");
        for seg in self.rev_path.iter().rev() {
            write_seg(&mut path, seg);
        }
        DecodeError {
            path,
            expected: self.expected,
            found: self.found,
            kind: match self.missing {
                Some(name) => DecodeErrorKind::MissingField(name),
                None => DecodeErrorKind::Mismatch,
            },
        }
    }
}

fn write_seg(path: &mut String, seg: &Seg) {
    match seg {
        Seg::Index(i) => {
            path.push('[');
            path.push_str(itoa::Buffer::new().format(*i));
            path.push(']');
        }
        Seg::Key(k) if is_identifier(k) => {
            path.push('.');
            path.push_str(k);
        }
        Seg::Key(k) => {
            let mut quoted = Vec::new();
            super::write::write_str(k, &mut quoted);
            path.push('[');
            path.push_str(&String::from_utf8_lossy(&quoted));
            path.push(']');
        }
    }
}

/// Strings longer than this many characters are cut in excerpts.
const EXCERPT_CHARS: usize = 40;

/// A short excerpt of a value for messages: scalars as JSON (long strings cut,
/// with `…`), `a list`, `an object`, `missing`.
pub(crate) fn excerpt(value: &Value) -> String {
    match value {
        Value::Str(s) => excerpt_str(s),
        Value::List(_) | Value::Record(_) | Value::Object(_) | Value::Absent => {
            value.kind_name().to_string()
        }
        scalar => super::to_json_string(scalar),
    }
}

/// A string as a JSON literal, cut after [`EXCERPT_CHARS`] characters.
pub(crate) fn excerpt_str(s: &str) -> String {
    let mut out = Vec::with_capacity(s.len().min(EXCERPT_CHARS * 4) + 2);
    match s.char_indices().nth(EXCERPT_CHARS) {
        Some((cut, _)) => {
            super::write::write_str(&format!("{}…", &s[..cut]), &mut out);
        }
        None => super::write::write_str(s, &mut out),
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_of_each_kind() {
        let e = Failure::mismatch(&TypeDesc::Float, "\"61,5\"".into())
            .within(Seg::Key("weight_kg".into()))
            .within(Seg::Key("visit".into()))
            .within(Seg::Key("form".into()))
            .into_error();
        assert_eq!(e.path, "$.form.visit.weight_kg");
        assert_eq!(
            e.to_string(),
            "$.form.visit.weight_kg: expected Float, found \"61,5\""
        );
        assert!(!e.is_not_json());

        let e = Failure::missing("patient_name", &TypeDesc::String)
            .within(Seg::Key("form".into()))
            .into_error();
        assert_eq!(e.to_string(), "$.form: missing field \"patient_name\"");
        assert_eq!(e.kind, DecodeErrorKind::MissingField("patient_name".into()));
        assert_eq!(e.found, "missing");

        let e = DecodeError::not_json("expected ',' or '}'", 3, 14);
        assert_eq!(
            e.to_string(),
            "input is not JSON: expected ',' or '}' at line 3, column 14"
        );
        assert!(e.is_not_json());
    }

    #[test]
    fn paths_quote_odd_keys_and_index_lists() {
        let mut f = Failure::mismatch(&TypeDesc::String, "null".into());
        f.push(Seg::Key("@name".into()));
        f.push(Seg::Key("form".into()));
        f.push(Seg::Index(17));
        assert_eq!(f.into_error().path, "$[17].form[\"@name\"]");
        let f =
            Failure::mismatch(&TypeDesc::String, "1".into()).within(Seg::Key("say \"x\"".into()));
        assert_eq!(f.into_error().path, "$[\"say \\\"x\\\"\"]");
    }

    #[test]
    fn excerpts() {
        assert_eq!(excerpt(&Value::from("61,5")), "\"61,5\"");
        assert_eq!(excerpt(&Value::Null), "null");
        assert_eq!(excerpt(&Value::Float(61.5)), "61.5");
        assert_eq!(excerpt(&Value::Int(-2)), "-2");
        assert_eq!(excerpt(&Value::Bool(true)), "true");
        assert_eq!(excerpt(&Value::list(vec![])), "a list");
        assert_eq!(excerpt(&Value::Absent), "missing");
        let long = "é".repeat(50);
        assert_eq!(excerpt_str(&long), format!("\"{}…\"", "é".repeat(40)));
        assert_eq!(excerpt_str("a\nb"), "\"a\\nb\"");
    }
}
