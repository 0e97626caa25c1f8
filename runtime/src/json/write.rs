//! Printing values as JSON: compact ([`write_json`]), indented
//! ([`write_json_pretty`]), and as interpolation inserts them ([`to_text`]).
//!
//! Floats print in the shortest text that reads back as the same number, with
//! `.0` on whole numbers (`70.0`, `61.5`, `1e21`), by `ryu`: plain digits from
//! 1e-5 to below 1e16 (`0.00001`, `1000000000000000.0`), an exponent outside
//! (`1e16`, `1e21`, `1e-6`; serde_json's newer `zmij` writes `1e+21`). Non-finite floats, which JSON cannot hold, print as
//! `null`. Strings are escaped as serde_json
//! escapes them: `"`, `\` and control characters; everything else stays UTF-8.

use crate::value::{Record, Value};

/// `\u00XX` for the control characters without a short escape.
const U: u8 = b'u';
/// The escape of each byte in a JSON string: 0 for none.
static ESCAPE: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = U;
        b += 1;
    }
    table[0x08] = b'b';
    table[0x09] = b't';
    table[0x0a] = b'n';
    table[0x0c] = b'f';
    table[0x0d] = b'r';
    table[b'"' as usize] = b'"';
    table[b'\\' as usize] = b'\\';
    table
};

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `s` as a JSON string literal.
pub fn write_str(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape = ESCAPE[b as usize];
        if escape == 0 {
            continue;
        }
        out.extend_from_slice(&bytes[start..i]);
        if escape == U {
            out.extend_from_slice(b"\\u00");
            out.push(HEX[(b >> 4) as usize]);
            out.push(HEX[(b & 0xf) as usize]);
        } else {
            out.push(b'\\');
            out.push(escape);
        }
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// A float as JSON: shortest round-trip text, `null` if not finite.
pub fn write_float(f: f64, out: &mut Vec<u8>) {
    if f.is_finite() {
        out.extend_from_slice(ryu::Buffer::new().format_finite(f).as_bytes());
    } else {
        out.extend_from_slice(b"null");
    }
}

/// A float as JSON text (`70.0`, `61.5`, `1e21`, `null`).
pub fn float_text(f: f64) -> String {
    if f.is_finite() {
        ryu::Buffer::new().format_finite(f).to_string()
    } else {
        "null".to_string()
    }
}

/// `value` as compact JSON. A record prints its present slots in shape order,
/// then its extra members (with any whitespace they were read with removed).
/// [`Value::Absent`] outside a record prints as `null`.
pub fn write_json(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Absent | Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
        Value::Float(f) => write_float(*f, out),
        Value::Str(s) => write_str(s, out),
        Value::List(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_json(item, out);
            }
            out.push(b']');
        }
        Value::Record(r) => write_record(r, out),
        Value::Object(o) => {
            out.push(b'{');
            for (i, (k, v)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_str(k, out);
                out.push(b':');
                write_json(v, out);
            }
            out.push(b'}');
        }
    }
}

fn write_record(r: &Record, out: &mut Vec<u8>) {
    out.push(b'{');
    let mut first = true;
    for (slot, v) in r.slots.iter().enumerate().take(r.shape.len()) {
        if v.is_absent() {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        out.extend_from_slice(r.shape.key_json(slot).as_bytes());
        write_json(v, out);
    }
    write_extra(r, first, out);
    out.push(b'}');
}

/// A record's extra members, after its fields (`first`: none was written).
fn write_extra(r: &Record, mut first: bool, out: &mut Vec<u8>) {
    let Some(extra) = &r.extra else {
        return;
    };
    for run in extra.runs().iter().filter(|run| !run.trim().is_empty()) {
        if !first {
            out.push(b',');
        }
        first = false;
        super::raw::write_minified(run, out);
    }
}

/// `value` as compact JSON into `out`, a piece at a time: a large output is
/// never all in memory at once.
pub fn write_json_to(value: &Value, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(1 << 16);
    stream(value, out, &mut buf)?;
    out.write_all(&buf)
}

/// Hands the buffered text to `out` once there is enough of it.
fn drain(out: &mut dyn std::io::Write, buf: &mut Vec<u8>) -> std::io::Result<()> {
    if buf.len() >= 1 << 16 {
        out.write_all(buf)?;
        buf.clear();
    }
    Ok(())
}

fn stream(value: &Value, out: &mut dyn std::io::Write, buf: &mut Vec<u8>) -> std::io::Result<()> {
    match value {
        Value::List(items) => {
            buf.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                stream(item, out, buf)?;
                drain(out, buf)?;
            }
            buf.push(b']');
        }
        Value::Record(r) => {
            buf.push(b'{');
            let mut first = true;
            for (slot, v) in r.slots.iter().enumerate().take(r.shape.len()) {
                if v.is_absent() {
                    continue;
                }
                if !first {
                    buf.push(b',');
                }
                first = false;
                buf.extend_from_slice(r.shape.key_json(slot).as_bytes());
                stream(v, out, buf)?;
                drain(out, buf)?;
            }
            write_extra(r, first, buf);
            buf.push(b'}');
        }
        Value::Object(o) => {
            buf.push(b'{');
            for (i, (k, v)) in o.iter().enumerate() {
                if i > 0 {
                    buf.push(b',');
                }
                write_str(k, buf);
                buf.push(b':');
                stream(v, out, buf)?;
                drain(out, buf)?;
            }
            buf.push(b'}');
        }
        scalar => write_json(scalar, buf),
    }
    Ok(())
}

/// `value` as JSON indented by two spaces, one member or element a line (as
/// serde_json's pretty printer writes it).
pub fn write_json_pretty(value: &Value, out: &mut Vec<u8>) {
    write_pretty(value, out, 0);
}

fn newline(out: &mut Vec<u8>, depth: usize) {
    out.push(b'\n');
    out.resize(out.len() + 2 * depth, b' ');
}

fn write_pretty(value: &Value, out: &mut Vec<u8>, depth: usize) {
    match value {
        Value::List(items) if !items.is_empty() => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                newline(out, depth + 1);
                write_pretty(item, out, depth + 1);
            }
            newline(out, depth);
            out.push(b']');
        }
        Value::Record(r) => {
            let members = r.members();
            write_pretty_members(members.iter().map(|(k, v)| (k.as_str(), v)), out, depth);
        }
        Value::Object(o) => {
            write_pretty_members(o.iter().map(|(k, v)| (k.as_str(), v)), out, depth);
        }
        scalar_or_empty => write_json(scalar_or_empty, out),
    }
}

fn write_pretty_members<'a>(
    members: impl ExactSizeIterator<Item = (&'a str, &'a Value)>,
    out: &mut Vec<u8>,
    depth: usize,
) {
    if members.len() == 0 {
        out.extend_from_slice(b"{}");
        return;
    }
    out.push(b'{');
    for (i, (k, v)) in members.enumerate() {
        if i > 0 {
            out.push(b',');
        }
        newline(out, depth + 1);
        write_str(k, out);
        out.extend_from_slice(b": ");
        write_pretty(v, out, depth + 1);
    }
    newline(out, depth);
    out.push(b'}');
}

/// `value` as compact JSON text.
pub fn to_json_string(value: &Value) -> String {
    let mut out = Vec::new();
    write_json(value, &mut out);
    // Everything written is UTF-8: strings are copied whole, the rest is ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// `value` as indented JSON text.
pub fn to_json_string_pretty(value: &Value) -> String {
    let mut out = Vec::new();
    write_json_pretty(value, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// The text `"${e}"` inserts (docs/language.md §7.9): a string as it is, anything else
/// as compact JSON (`70.0`, `true`, `null`, `[1,2]`, `{"a":1}`).
pub fn to_text(value: &Value) -> String {
    match value {
        Value::Str(s) => s.to_string(),
        other => to_json_string(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Object, Shape, Str};

    fn json(v: &Value) -> String {
        to_json_string(v)
    }

    #[test]
    fn scalars() {
        assert_eq!(json(&Value::Null), "null");
        assert_eq!(json(&Value::Absent), "null");
        assert_eq!(json(&Value::Bool(true)), "true");
        assert_eq!(json(&Value::Bool(false)), "false");
        assert_eq!(json(&Value::Int(i64::MIN)), "-9223372036854775808");
        assert_eq!(json(&Value::Float(70.0)), "70.0");
        assert_eq!(json(&Value::Float(61.5)), "61.5");
        assert_eq!(json(&Value::Float(1e21)), "1e21");
        assert_eq!(json(&Value::Float(1e16)), "1e16");
        assert_eq!(json(&Value::Float(1e15)), "1000000000000000.0");
        assert_eq!(json(&Value::Float(1e-5)), "0.00001");
        assert_eq!(json(&Value::Float(1.5e-7)), "1.5e-7");
        assert_eq!(json(&Value::Float(0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(json(&Value::Float(-0.0)), "-0.0");
        assert_eq!(json(&Value::Float(5e-324)), "5e-324");
        assert_eq!(json(&Value::Float(f64::NAN)), "null");
        assert_eq!(json(&Value::Float(f64::INFINITY)), "null");
        assert_eq!(float_text(f64::NEG_INFINITY), "null");
        assert_eq!(float_text(57.3), "57.3");
    }

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let s = "q\"b\\s/\u{8}\u{c}\n\r\t\u{0}\u{1f}\u{7f}é😀\u{2028}";
        assert_eq!(json(&Value::from(s)), serde_json::to_string(s).unwrap());
        assert_eq!(
            json(&Value::from("Otieno \"Kip\" Rotich")),
            r#""Otieno \"Kip\" Rotich""#
        );
        assert_eq!(json(&Value::from("")), "\"\"");
    }

    #[test]
    fn compound() {
        let o = Object::from_pairs([
            (
                Str::from("b"),
                Value::list(vec![Value::Int(1), Value::Null]),
            ),
            (Str::from("a\""), Value::object(Object::new())),
        ]);
        assert_eq!(json(&Value::object(o)), r#"{"b":[1,null],"a\"":{}}"#);
        assert_eq!(json(&Value::list(vec![])), "[]");
    }

    #[test]
    fn records_print_present_slots_then_extra() {
        let shape = Shape::intern(&["id", "phone", "@name"], true);
        let r = Record::new(
            shape,
            vec![Value::from("x"), Value::Absent, Value::from("n")],
            Some(Str::from("\"app\" : \"a b\",\n  \"n\": [1, 2]").into()),
        );
        assert_eq!(
            json(&Value::record(r)),
            r#"{"id":"x","@name":"n","app":"a b","n":[1,2]}"#
        );
        let only_extra = Record::new(
            shape,
            vec![Value::Absent; 3],
            Some(Str::from("\"k\":1").into()),
        );
        assert_eq!(json(&Value::record(only_extra)), r#"{"k":1}"#);
        let empty = Record::new(shape, vec![Value::Absent; 3], Some(Str::from(" ").into()));
        assert_eq!(json(&Value::record(empty)), "{}");
    }

    #[test]
    fn pretty() {
        let shape = Shape::intern(&["id", "tags"], true);
        let r = Record::new(
            shape,
            vec![
                Value::from("x"),
                Value::list(vec![Value::Int(1), Value::Float(2.5)]),
            ],
            Some(Str::from("\"o\":{},\"l\":[]").into()),
        );
        let text = to_json_string_pretty(&Value::record(r));
        assert_eq!(
            text,
            "{\n  \"id\": \"x\",\n  \"tags\": [\n    1,\n    2.5\n  ],\n  \"o\": {},\n  \"l\": []\n}"
        );
        assert_eq!(to_json_string_pretty(&Value::Int(1)), "1");
        let o = Value::object(Object::from_pairs([(Str::from("a"), Value::Null)]));
        assert_eq!(
            to_json_string_pretty(&o),
            serde_json::to_string_pretty(&serde_json::json!({"a": null})).unwrap()
        );
    }

    #[test]
    fn interpolation_text() {
        assert_eq!(to_text(&Value::from("as is \"x\"")), "as is \"x\"");
        assert_eq!(to_text(&Value::Float(70.0)), "70.0");
        assert_eq!(to_text(&Value::Int(7)), "7");
        assert_eq!(to_text(&Value::Bool(false)), "false");
        assert_eq!(to_text(&Value::Null), "null");
        assert_eq!(to_text(&Value::list(vec![Value::from("a")])), "[\"a\"]");
    }
}
