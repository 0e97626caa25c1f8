//! Numbers the parser reads with a loss: the text of a number is not passed to
//! the decoder, so the two cases where the value it is given differs from the
//! text are caught here.
//!
//! - A number with a fraction or an exponent is a `Float`; for an `Int` it is
//!   accepted when it is whole and within ±2^53, where every whole `Float` is
//!   exactly the number written (`-9223372036854775809` reads as the `Float`
//!   -2^63, which must not become `Int`'s minimum).
//! - A number too close to zero for a `Float` (`1e-400`) reads as 0: after a
//!   decode that read a 0 from a number written with a fraction or exponent,
//!   the text is scanned for it.

use super::error::{Failure, Seg};

/// 2^53: below it (in magnitude) every whole `Float` is an exact integer.
pub(crate) const EXACT_INT: f64 = 9_007_199_254_740_992.0;

/// Whether an `Int` may be taken from the `Float` `f` the parser gave.
pub(crate) fn exact_int(f: f64) -> bool {
    f.abs() < EXACT_INT
}

/// What to say about a `Float` beyond [`EXACT_INT`] where an `Int` is expected.
pub(crate) fn beyond_int(f: f64) -> String {
    format!(
        "{}, a number outside the range an Int holds exactly",
        super::write::float_text(f)
    )
}

/// The first number of `text` that is not zero but reads as 0, as the failure
/// to report at its JSON path.
pub(crate) fn underflow(text: &str) -> Option<Failure> {
    enum Frame {
        Object(Option<String>),
        List(usize),
    }
    let bytes = text.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(bytes.len());
                let rest = &bytes[end..];
                let is_key = rest
                    .iter()
                    .find(|b| !b.is_ascii_whitespace())
                    .is_some_and(|&b| b == b':');
                if is_key && let Some(Frame::Object(key)) = stack.last_mut() {
                    *key = serde_json::from_str::<String>(text.get(start..end)?).ok();
                }
            }
            b'{' => stack.push(Frame::Object(None)),
            b'[' => stack.push(Frame::List(0)),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => {
                if let Some(Frame::List(n)) = stack.last_mut() {
                    *n += 1;
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                {
                    i += 1;
                }
                let number = &text[start..i];
                let mantissa = number.split(['e', 'E']).next().unwrap_or("");
                let lossy = number.contains(['.', 'e', 'E'])
                    && mantissa.bytes().any(|b| matches!(b, b'1'..=b'9'))
                    && number.parse::<f64>() == Ok(0.0);
                if lossy {
                    let mut failure = Failure::new(
                        "Float",
                        format!("{number}, a number too close to 0 for a Float"),
                    );
                    for frame in stack.iter().rev() {
                        failure.push(match frame {
                            Frame::Object(key) => Seg::Key(key.clone().unwrap_or_default()),
                            Frame::List(n) => Seg::Index(*n),
                        });
                    }
                    return Some(failure);
                }
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Option<String> {
        underflow(text).map(|f| f.into_error().to_string())
    }

    #[test]
    fn finds_the_number_that_reads_as_zero_with_its_path() {
        assert_eq!(
            at(r#"{"a": [0.0, 1e-5, {"b\"": "1e-400", "c": [3, -2.5E-999]}]}"#).as_deref(),
            Some(
                r#"$.a[2].c[1]: expected Float, found -2.5E-999, a number too close to 0 for a Float"#
            )
        );
        assert_eq!(
            at("1e-400").as_deref(),
            Some("$: expected Float, found 1e-400, a number too close to 0 for a Float")
        );
        assert_eq!(at(r#"{"z": 0e-999, "y": 0.000, "x": 5e-324}"#), None);
    }

    #[test]
    fn decoding_rejects_an_int_beyond_its_range_and_a_float_that_reads_as_zero() {
        use crate::json::{TypeDesc, decode};
        let ints = TypeDesc::List(Box::new(TypeDesc::Int));
        let error =
            |text: &str, desc: &TypeDesc| decode(text.as_bytes(), desc).unwrap_err().to_string();
        assert_eq!(
            error("[1, -9223372036854775809]", &ints),
            "$[1]: expected Int, found -9.223372036854776e18, a number outside the range an Int holds exactly"
        );
        assert_eq!(
            error("[9223372036854775808]", &ints),
            "$[0]: expected Int, found 9223372036854775808"
        );
        assert!(decode(b"[-9223372036854775808, 3.0, 1e3]", &ints).is_ok());
        let floats = TypeDesc::List(Box::new(TypeDesc::Float));
        assert_eq!(
            error("[0.5, 1e-400]", &floats),
            "$[1]: expected Float, found 1e-400, a number too close to 0 for a Float"
        );
        assert!(decode(b"[0.0, 0e-400, 5e-324]", &floats).is_ok());
    }
}
