//! The raw member text of open records ([`Record::extra`](crate::value::Record)):
//! `"app_id":"x","archived":false`, as it was read. Written back without its
//! whitespace, and parsed only when a member is asked for or compared.

use std::rc::Rc;

use super::decode::decode_source;
use super::desc::TypeDesc;
use super::error::DecodeError;
use crate::value::{Str, Value};

/// Copies JSON text without the whitespace between its tokens (whitespace inside
/// strings is kept). The text is assumed to be valid JSON, as extra members are.
pub fn write_minified(text: &str, out: &mut Vec<u8>) {
    let b = text.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                // to the closing quote, stepping over escapes
                while i < b.len() {
                    match memchr::memchr2(b'"', b'\\', &b[i..]) {
                        Some(k) if b[i + k] == b'\\' => i = (i + k + 2).min(b.len()),
                        Some(k) => {
                            i += k + 1;
                            break;
                        }
                        None => {
                            i = b.len();
                            break;
                        }
                    }
                }
            }
            b' ' | b'\n' | b'\r' | b'\t' => {
                out.extend_from_slice(&b[copied..i]);
                while i < b.len() && matches!(b[i], b' ' | b'\n' | b'\r' | b'\t') {
                    i += 1;
                }
                copied = i;
            }
            _ => i += 1,
        }
    }
    out.extend_from_slice(&b[copied.min(b.len())..]);
}

/// The members of raw member text, in order (a repeated name: the last value, at
/// the position of the first).
pub fn parse_members(text: &str) -> Result<Vec<(Str, Value)>, DecodeError> {
    let mut object = String::with_capacity(text.len() + 2);
    object.push('{');
    object.push_str(text);
    object.push('}');
    match decode_source(&Rc::new(object), &TypeDesc::Json)? {
        Value::Object(o) => {
            Ok(Rc::try_unwrap(o).map_or_else(|o| (*o).clone().into_pairs(), |o| o.into_pairs()))
        }
        _ => Ok(Vec::new()),
    }
}

/// The value of the member `name` in raw member text.
pub fn find_member(text: &str, name: &str) -> Option<Value> {
    let members = parse_members(text).ok()?;
    members
        .into_iter()
        .find(|(k, _)| k.as_str() == name)
        .map(|(_, v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn minified(text: &str) -> String {
        let mut out = Vec::new();
        write_minified(text, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn minify_keeps_strings() {
        assert_eq!(minified("\"a b\" : [ 1 ,\n\t2 ]"), "\"a b\":[1,2]");
        assert_eq!(
            minified("\"x\":\"q\\\" \\\\ \" , \"y\" :true "),
            "\"x\":\"q\\\" \\\\ \",\"y\":true"
        );
        assert_eq!(minified("\"k\":1"), "\"k\":1");
        assert_eq!(minified(""), "");
        assert_eq!(minified("\"unterminated "), "\"unterminated ");
        assert_eq!(minified("\"ends in escape\\"), "\"ends in escape\\");
    }

    #[test]
    fn members_parse_in_order() {
        let members = parse_members("\"b\":1,\"a\":{\"x\":[true]},\"b\":2").unwrap();
        let names: Vec<&str> = members.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["b", "a"]);
        assert_eq!(members[0].1, Value::Int(2));
        assert!(parse_members("").unwrap().is_empty());
        assert!(parse_members("\"a\"").is_err());
        assert!(parse_members("\"a\":1}, {\"b\":2").is_err());
    }

    #[test]
    fn find() {
        assert_eq!(
            find_member("\"a\":1,\"b\":\"x\"", "b"),
            Some(Value::from("x"))
        );
        assert_eq!(find_member("\"a\":1", "c"), None);
        assert_eq!(find_member("garbage", "a"), None);
    }
}
