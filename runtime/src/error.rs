//! [`RuntimeError`]: a failure that `try { } catch err { }` can catch, and that
//! ends the job (exit code 1) when nothing does. In the language it is the
//! built-in record `Error = { kind, message, status?, body?, path? }` (§6).

use std::fmt;

use crate::http::HttpError;
use crate::json::{DecodeError, DecodeErrorKind};
use crate::secrets::Redactor;
use crate::value::{Shape, Str, Value};

/// The `kind` of an `Error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// An op's request failed (after its retries).
    Http,
    /// JSON that does not fit its type: an op result, `as`, `json_parse`.
    Decode,
    /// Overflow, division by zero, and the other failures of the standard library.
    Runtime,
}

impl ErrorKind {
    /// As the language spells it: `"http"`, `"decode"`, `"runtime"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Http => "http",
            ErrorKind::Decode => "decode",
            ErrorKind::Runtime => "runtime",
        }
    }
}

/// A catchable failure.
#[derive(Clone, Debug)]
pub struct RuntimeError {
    pub kind: ErrorKind,
    /// One line, for people; redacted before it reaches the job (see [`RuntimeError::redact`]).
    pub message: String,
    /// The HTTP status, for kind `Http`.
    pub status: Option<u16>,
    /// The response body, for kind `Http`.
    pub body: Option<Value>,
    /// The JSON path of a decode failure.
    pub path: Option<String>,
    /// For kind `Http`: whether another attempt later may succeed (what
    /// `ferry serve` retries), as the HTTP layer decided it.
    pub transient: bool,
    /// For kind `Http`: the details the adaptor's `errors { detail … }` found in
    /// the body, one a line, shown under the message of an uncaught failure.
    pub details: Vec<String>,
}

/// The standard library's result.
pub type Result<T> = std::result::Result<T, RuntimeError>;

impl RuntimeError {
    /// A runtime error (kind `"runtime"`).
    pub fn runtime(message: impl Into<String>) -> RuntimeError {
        RuntimeError {
            kind: ErrorKind::Runtime,
            message: message.into(),
            status: None,
            body: None,
            path: None,
            transient: false,
            details: Vec::new(),
        }
    }

    /// A decode error (kind `"decode"`), with its path unless the text was not
    /// JSON at all.
    pub fn decode(e: DecodeError) -> RuntimeError {
        let path = match e.kind {
            DecodeErrorKind::NotJson { .. } => None,
            _ => Some(e.path.clone()),
        };
        RuntimeError {
            kind: ErrorKind::Decode,
            message: e.to_string(),
            status: None,
            body: None,
            path,
            transient: false,
            details: Vec::new(),
        }
    }

    /// An HTTP error (kind `"http"`), transient unless its status is a 4xx
    /// other than 408 and 429.
    pub fn http(
        message: impl Into<String>,
        status: Option<u16>,
        body: Option<Value>,
    ) -> RuntimeError {
        RuntimeError {
            kind: ErrorKind::Http,
            message: message.into(),
            status,
            body,
            path: None,
            transient: status.is_none_or(crate::http::default_transient),
            details: Vec::new(),
        }
    }

    /// The error of a failed request: its message, its status, and (for a status
    /// error) its whole body, as JSON when it parses and as text otherwise. The
    /// HTTP layer has already redacted all of it.
    pub fn from_http(e: &HttpError) -> RuntimeError {
        let body = match e {
            HttpError::Status { body, .. } if !body.is_empty() => {
                Some(crate::json::parse(body).unwrap_or_else(|_| Value::from(body.as_str())))
            }
            _ => None,
        };
        RuntimeError {
            transient: e.is_transient(),
            details: e.details().to_vec(),
            ..RuntimeError::http(e.to_string(), e.status(), body)
        }
    }

    /// The message of an uncaught failure, `(at file:line:col)` on its first
    /// line and the details (if any) below it, indented.
    pub fn report(&self, location: impl std::fmt::Display) -> String {
        let mut text = format!("{} (at {location})", self.message);
        for detail in &self.details {
            text.push_str("\n  ");
            text.push_str(detail);
        }
        text
    }

    /// Removes every secret of `redactor` from the message, the path and the body.
    pub fn redact(mut self, redactor: &Redactor) -> RuntimeError {
        if redactor.is_empty() {
            return self;
        }
        self.message = redactor.redact(&self.message).into_owned();
        self.path = self.path.map(|p| redactor.redact(&p).into_owned());
        for detail in &mut self.details {
            *detail = redactor.redact(detail).into_owned();
        }
        self.body = self
            .body
            .map(|b| Value::from_json(redactor.redact_json(&b.to_serde())));
        self
    }

    /// The language's `Error` record, in `shape` (the compiler's shape of the
    /// built-in `Error` type; fields are found by name, absent ones left absent).
    pub fn to_value(&self, shape: &'static Shape) -> Value {
        let slots = shape
            .fields
            .iter()
            .map(|field| match field.as_str() {
                "kind" => Value::from_static(self.kind.as_str()),
                "message" => Value::Str(Str::from(self.message.as_str())),
                "status" => self
                    .status
                    .map_or(Value::Absent, |s| Value::Int(i64::from(s))),
                "body" => self.body.clone().unwrap_or(Value::Absent),
                "path" => self.path.as_deref().map_or(Value::Absent, Value::from),
                _ => Value::Absent,
            })
            .collect();
        Value::record(crate::value::Record::new(shape, slots, None))
    }
}

impl fmt::Display for RuntimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RuntimeError {}

impl From<DecodeError> for RuntimeError {
    fn from(e: DecodeError) -> RuntimeError {
        RuntimeError::decode(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{TypeDesc, decode, to_json_string};

    fn error_shape() -> &'static Shape {
        Shape::intern(&["kind", "message", "status", "body", "path"], false)
    }

    #[test]
    fn runtime_errors() {
        let e = RuntimeError::runtime("division by zero");
        assert_eq!(e.to_string(), "division by zero");
        assert_eq!(e.kind, ErrorKind::Runtime);
        assert_eq!(
            to_json_string(&e.to_value(error_shape())),
            r#"{"kind":"runtime","message":"division by zero"}"#
        );
    }

    #[test]
    fn decode_errors_carry_the_path() {
        let d = decode(b"{\"a\":\"x\"}", &TypeDesc::map(TypeDesc::Int)).unwrap_err();
        let e = RuntimeError::from(d);
        assert_eq!(e.kind.as_str(), "decode");
        assert_eq!(e.path.as_deref(), Some("$.a"));
        assert_eq!(
            to_json_string(&e.to_value(error_shape())),
            r#"{"kind":"decode","message":"$.a: expected Int, found \"x\"","path":"$.a"}"#
        );
        let not_json = RuntimeError::decode(decode(b"{", &TypeDesc::Json).unwrap_err());
        assert_eq!(not_json.path, None);
        assert_eq!(
            not_json.message,
            "input is not JSON: unexpected end of input at line 1, column 1"
        );
    }

    #[test]
    fn http_errors() {
        let e = RuntimeError::http(
            "dhis2: POST /api/tracker answered 409",
            Some(409),
            Some(Value::from("conflict")),
        );
        assert_eq!(
            to_json_string(&e.to_value(error_shape())),
            r#"{"kind":"http","message":"dhis2: POST /api/tracker answered 409","status":409,"body":"conflict"}"#
        );
        // the shape decides the order, and unknown fields stay absent
        let other = Shape::intern(&["status", "extra", "kind"], true);
        assert_eq!(
            to_json_string(&e.to_value(other)),
            r#"{"status":409,"kind":"http"}"#
        );
        assert_eq!(ErrorKind::Http.as_str(), "http");
    }

    #[test]
    fn from_http_errors() {
        let status = |body: &str| HttpError::Status {
            adaptor: "dhis2".into(),
            status: 409,
            method: crate::http::Method::Post,
            url: "https://dhis2.example.org/api/tracker".into(),
            message: "conflict".into(),
            body: body.into(),
            details: Box::new(vec!["E1000: no access".into()]),
            attempts: 1,
            idempotent: false,
            transient: false,
        };
        let e = RuntimeError::from_http(&status(r#"{"status":"ERROR"}"#));
        assert_eq!(e.kind, ErrorKind::Http);
        assert_eq!(e.status, Some(409));
        assert_eq!(
            to_json_string(e.body.as_ref().unwrap()),
            r#"{"status":"ERROR"}"#
        );
        assert!(
            e.message
                .starts_with("dhis2: POST https://dhis2.example.org/api/tracker answered 409"),
            "{}",
            e.message
        );
        assert!(!e.transient);
        assert_eq!(
            e.report("job.ferry:3:7"),
            format!("{} (at job.ferry:3:7)\n  E1000: no access", e.message)
        );
        let text = RuntimeError::from_http(&status("<html>"));
        assert_eq!(text.body, Some(Value::from("<html>")));
        assert_eq!(RuntimeError::from_http(&status("")).body, None);
        let timeout = HttpError::Timeout {
            adaptor: "x".into(),
            method: crate::http::Method::Get,
            url: "https://x.org".into(),
            after: std::time::Duration::from_secs(30),
            attempts: 3,
            idempotent: true,
        };
        let e = RuntimeError::from_http(&timeout);
        assert_eq!((e.status, e.body.is_none()), (None, true));
        assert_eq!(e.message, timeout.to_string());
    }

    #[test]
    fn redaction() {
        let redactor = Redactor::new();
        redactor.add("hunter22");
        let e = RuntimeError {
            kind: ErrorKind::Decode,
            message: "$.token: expected Int, found \"hunter22\"".into(),
            status: None,
            body: Some(crate::json::parse(r#"{"t":"hunter22"}"#).unwrap()),
            path: Some("$.hunter22".into()),
            transient: false,
            details: vec!["E1: hunter22".into()],
        }
        .redact(&redactor);
        assert_eq!(e.message, "$.token: expected Int, found \"***\"");
        assert_eq!(e.path.as_deref(), Some("$.***"));
        assert_eq!(e.details, ["E1: ***"]);
        assert_eq!(to_json_string(e.body.as_ref().unwrap()), r#"{"t":"***"}"#);
        let untouched = RuntimeError::runtime("hunter22").redact(&Redactor::new());
        assert_eq!(untouched.message, "hunter22");
    }
}
