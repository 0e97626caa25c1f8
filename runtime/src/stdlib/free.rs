//! The free functions (docs/language.md §8.6): `uuid`,
//! `json_parse`, `json_string`, `csv_parse`, `env` (`now` and `today` are in
//! `date`).

use crate::error::{Result, RuntimeError};
use crate::json::{DecodeErrorKind, parse, to_json_string};
use crate::value::{Object, Str, Value};

/// `uuid()`: a random version 4 UUID, in lower case (`"0b7d8c2e-…"`).
pub fn uuid() -> Str {
    let mut buf = uuid::Uuid::encode_buffer();
    Str::from(&*uuid::Uuid::new_v4().hyphenated().encode_lower(&mut buf))
}

/// `json_parse(s)`: the JSON value `s` holds; a `"decode"` error if it is not
/// JSON (`json_parse: not JSON: expected value at line 1, column 1`).
pub fn json_parse(s: &str) -> Result<Value> {
    parse(s).map_err(|e| {
        let mut err = RuntimeError::decode(e.clone());
        if let DecodeErrorKind::NotJson { line, column } = e.kind {
            err.message = format!(
                "json_parse: not JSON: {} at line {line}, column {column}",
                e.found
            );
        }
        err
    })
}

/// `json_string(x)`: `x` as compact JSON (`["a","b"]`).
pub fn json_string(x: &Value) -> Str {
    Str::from(to_json_string(x))
}

/// `csv_parse(s)`: one map a row, keyed by the header row, as RFC 4180 writes
/// CSV: fields separated by commas, quoted with `"` where they hold commas,
/// quotes (doubled: `""`) or line breaks; lines end in `\n` or `\r\n`. A byte
/// order mark at the start is ignored; a row whose number of fields differs from
/// the header's is an error; of two columns with the same name the last wins.
pub fn csv_parse(s: &str) -> Result<Value> {
    let text = s.strip_prefix('\u{feff}').unwrap_or(s);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<Str> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(Str::from)
        .collect();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        rows.push(Value::object(Object::from_pairs(
            headers.iter().cloned().zip(record.iter().map(Value::from)),
        )));
    }
    Ok(Value::list(rows))
}

fn csv_error(e: csv::Error) -> RuntimeError {
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let line = pos
                .as_ref()
                .map_or(String::new(), |p| format!("line {} ", p.line()));
            let fields = |n: u64| {
                if n == 1 {
                    "1 field".to_string()
                } else {
                    format!("{n} fields")
                }
            };
            format!(
                "csv_parse: {line}has {}, the header has {}",
                fields(*len),
                fields(*expected_len)
            )
        }
        csv::ErrorKind::Utf8 { pos, .. } => {
            let line = pos
                .as_ref()
                .map_or(String::new(), |p| format!(" on line {}", p.line()));
            format!("csv_parse: invalid UTF-8{line}")
        }
        _ => format!("csv_parse: {e}"),
    };
    RuntimeError::runtime(message)
}

/// `env(name)`: the environment variable `name`, or `null` if it is not set (or
/// not Unicode).
pub fn env(name: &str) -> Value {
    if name.is_empty() || name.contains(['=', '\0']) {
        return Value::Null;
    }
    std::env::var(name).map_or(Value::Null, Value::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4() {
        let a = uuid();
        let b = uuid();
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        let bytes = a.as_bytes();
        assert_eq!(bytes[14], b'4');
        assert!(matches!(bytes[19], b'8' | b'9' | b'a' | b'b'));
        assert!(
            a.chars()
                .all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(a.matches('-').count(), 4);
    }

    #[test]
    fn parsing_json() {
        assert_eq!(
            to_json_string(&json_parse(r#" {"a": [1, 2.5, "x"]} "#).unwrap()),
            r#"{"a":[1,2.5,"x"]}"#
        );
        assert_eq!(json_parse("null").unwrap(), Value::Null);
        let e = json_parse("{\"a\" 1}").unwrap_err();
        assert_eq!(e.kind, crate::error::ErrorKind::Decode);
        assert_eq!(
            e.message,
            "json_parse: not JSON: expected ':' at line 1, column 6"
        );
        assert_eq!(e.path, None);
        assert_eq!(
            json_parse("").unwrap_err().message,
            "json_parse: not JSON: unexpected end of input at line 1, column 0"
        );
    }

    #[test]
    fn json_strings() {
        let v = json_parse(r#"["a","b"]"#).unwrap();
        assert_eq!(json_string(&v), r#"["a","b"]"#);
        assert_eq!(json_string(&Value::from("q\"")), r#""q\"""#);
        assert_eq!(json_string(&Value::Float(70.0)), "70.0");
    }

    #[test]
    fn csv() {
        let rows = csv_parse(
            "name,village,note\r\n\"Kamara, J.\",Busia,\"says \"\"hi\"\"\"\nZoë,,\"two\nlines\"\n",
        )
        .unwrap();
        assert_eq!(
            to_json_string(&rows),
            r#"[{"name":"Kamara, J.","village":"Busia","note":"says \"hi\""},{"name":"Zoë","village":"","note":"two\nlines"}]"#
        );
        assert_eq!(
            to_json_string(&csv_parse("\u{feff}a,b\n1,2").unwrap()),
            r#"[{"a":"1","b":"2"}]"#
        );
        assert_eq!(to_json_string(&csv_parse("a,b\n").unwrap()), "[]");
        assert_eq!(to_json_string(&csv_parse("").unwrap()), "[]");
        assert_eq!(
            to_json_string(&csv_parse("a,a\n1,2").unwrap()),
            r#"[{"a":"2"}]"#
        );
        assert_eq!(
            csv_parse("a,b\n1,2\n3\n").unwrap_err().message,
            "csv_parse: line 3 has 1 field, the header has 2 fields"
        );
        assert_eq!(
            csv_parse("a\n1,2\n").unwrap_err().message,
            "csv_parse: line 2 has 2 fields, the header has 1 field"
        );
    }

    #[test]
    fn environment() {
        assert_eq!(env("PATH"), Value::from(std::env::var("PATH").unwrap()));
        assert_eq!(env("FERRY_SURELY_NOT_SET_ANYWHERE"), Value::Null);
        assert_eq!(env(""), Value::Null);
        assert_eq!(env("A=B"), Value::Null);
        assert_eq!(env("A\0"), Value::Null);
    }
}
