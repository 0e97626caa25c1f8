//! String methods (docs/language.md §8.1). "Characters" are
//! Unicode scalar values: `len` and `slice` count them, never bytes.

use crate::value::{Str, Value};

/// `s.len()`: the number of characters.
pub fn len(s: &str) -> i64 {
    s.chars().count() as i64
}

/// `s.upper()`: upper case, by Unicode's full mapping (`"ß"` is `"SS"`).
pub fn upper(s: &Str) -> Str {
    if !s.chars().any(|c| c.is_lowercase() || !c.is_ascii()) {
        return s.clone();
    }
    Str::from(s.to_uppercase())
}

/// `s.lower()`: lower case, by Unicode's full mapping.
pub fn lower(s: &Str) -> Str {
    if !s.chars().any(|c| c.is_uppercase() || !c.is_ascii()) {
        return s.clone();
    }
    Str::from(s.to_lowercase())
}

/// `s.trim()`: without leading and trailing whitespace (Unicode `White_Space`).
pub fn trim(s: &Str) -> Str {
    let trimmed = s.trim();
    if trimmed.len() == s.len() {
        s.clone()
    } else {
        Str::from(trimmed)
    }
}

/// `s.split(sep)`: the parts between occurrences of `sep` (`"a,,b"` by `","` is
/// `["a", "", "b"]`). An empty `sep` splits into characters (as JavaScript does).
pub fn split(s: &str, sep: &str) -> Value {
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars()
            .map(|c| Value::from(c.encode_utf8(&mut [0; 4]) as &str))
            .collect()
    } else {
        s.split(sep).map(Value::from).collect()
    };
    Value::list(parts)
}

/// `s.contains(part)`.
pub fn contains(s: &str, part: &str) -> bool {
    s.contains(part)
}

/// `s.starts_with(prefix)`.
pub fn starts_with(s: &str, prefix: &str) -> bool {
    s.starts_with(prefix)
}

/// `s.ends_with(suffix)`.
pub fn ends_with(s: &str, suffix: &str) -> bool {
    s.ends_with(suffix)
}

/// `s.replace(from, to)`: every occurrence replaced. An empty `from` matches
/// between every two characters and at both ends (`"ab"` gives `"xaxbx"` for
/// `"x"`), as in JavaScript's `replaceAll` and Python's `replace`.
pub fn replace(s: &Str, from: &str, to: &str) -> Str {
    if !from.is_empty() && !s.contains(from) {
        return s.clone();
    }
    Str::from(s.replace(from, to))
}

/// `s.slice(from, to)`: the characters from index `from` up to, not including,
/// `to` (default: the end). Indexes past the end count as the end, negative ones
/// as 0, and a `to` before `from` gives `""`.
pub fn slice(s: &Str, from: i64, to: Option<i64>) -> Str {
    let from = usize::try_from(from).unwrap_or(0);
    let to = to.map(|t| usize::try_from(t).unwrap_or(0));
    if to.is_some_and(|t| t <= from) {
        return Str::EMPTY;
    }
    let mut indices = s
        .char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(s.len()));
    let Some(start) = indices.nth(from) else {
        return Str::EMPTY;
    };
    let end = match to {
        Some(t) => indices.nth(t - from - 1).unwrap_or(s.len()),
        None => s.len(),
    };
    if start == 0 && end == s.len() {
        return s.clone();
    }
    Str::from(&s[start..end])
}

/// `s.to_int()`: an optional sign and decimal digits (`"0042"` is 42, `"-7"` is
/// -7, `"+3"` is 3); anything else, or a number beyond `Int`, is `null`.
pub fn to_int(s: &str) -> Value {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Value::Null;
    }
    s.parse::<i64>().map_or(Value::Null, Value::Int)
}

/// `s.to_float()`: JSON number syntax (`"61.5"`, `"2e3"`, `"58"`, `"-0.5"`);
/// anything else (`"61,5"`, `" 1"`, `"+1"`, `".5"`, `"1e999"`) is `null`.
pub fn to_float(s: &str) -> Value {
    if !is_json_number(s) {
        return Value::Null;
    }
    match s.parse::<f64>() {
        Ok(f) if f.is_finite() => Value::Float(f),
        _ => Value::Null,
    }
}

/// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
fn is_json_number(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// `s.to_date()`: a valid `YYYY-MM-DD` date, else `null`.
pub fn to_date(s: &Str) -> Value {
    if crate::json::formats::is_date(s) {
        Value::Str(s.clone())
    } else {
        Value::Null
    }
}

/// `a + b` on strings.
pub fn concat(a: &str, b: &str) -> Str {
    let mut joined = String::with_capacity(a.len() + b.len());
    joined.push_str(a);
    joined.push_str(b);
    Str::from(joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Str {
        Str::from(text)
    }

    fn list(v: Value) -> Vec<String> {
        v.as_list()
            .unwrap()
            .iter()
            .map(|x| x.as_str().unwrap().to_string())
            .collect()
    }

    #[test]
    fn len_counts_characters() {
        assert_eq!(len(""), 0);
        assert_eq!(len("abc"), 3);
        assert_eq!(len("Wanjiků"), 7);
        assert_eq!(len("👍🏾"), 2);
        assert_eq!(len("e\u{301}"), 2);
    }

    #[test]
    fn case() {
        assert_eq!(upper(&s("Ngũgĩ straße")), "NGŨGĨ STRASSE");
        assert_eq!(lower(&s("ÑANDÚ ΣΑ")), "ñandú σα");
        assert_eq!(upper(&s("ABC 1")), "ABC 1");
        assert_eq!(lower(&s("abc 1")), "abc 1");
        assert_eq!(upper(&s("")), "");
    }

    #[test]
    fn trim_whitespace() {
        assert_eq!(trim(&s("  a b \n\t")), "a b");
        assert_eq!(trim(&s("\u{a0}x\u{3000}")), "x");
        assert_eq!(trim(&s("x")), "x");
        assert_eq!(trim(&s("   ")), "");
    }

    #[test]
    fn split_parts() {
        assert_eq!(list(split("a,,b", ",")), ["a", "", "b"]);
        assert_eq!(list(split("", ",")), [""]);
        assert_eq!(list(split("a, b, c", ", ")), ["a", "b", "c"]);
        assert_eq!(list(split("añb", "")), ["a", "ñ", "b"]);
        assert_eq!(list(split("x", "x")), ["", ""]);
    }

    #[test]
    fn searching() {
        assert!(contains("Patient Registration", "Regis"));
        assert!(contains("abc", ""));
        assert!(!contains("abc", "C"));
        assert!(starts_with("+254717", "+254"));
        assert!(!starts_with("254", "+"));
        assert!(ends_with("photo.jpg", ".jpg"));
        assert!(!ends_with("photo.jpg", ".png"));
    }

    #[test]
    fn replacing() {
        assert_eq!(replace(&s("70,25"), ",", "."), "70.25");
        assert_eq!(replace(&s("a-b-c"), "-", ""), "abc");
        assert_eq!(replace(&s("aaa"), "aa", "b"), "ba");
        assert_eq!(replace(&s("ab"), "", "x"), "xaxbx");
        assert_eq!(replace(&s("same"), "z", "y"), "same");
        assert_eq!(replace(&s("é"), "é", "e"), "e");
    }

    #[test]
    fn slicing() {
        let w = s("Wanjiků");
        assert_eq!(slice(&w, 0, Some(3)), "Wan");
        assert_eq!(slice(&w, 5, None), "ků");
        assert_eq!(slice(&w, 6, Some(7)), "ů");
        assert_eq!(slice(&w, 2, Some(100)), "njiků");
        assert_eq!(slice(&w, 7, None), "");
        assert_eq!(slice(&w, 100, None), "");
        assert_eq!(slice(&w, 4, Some(2)), "");
        assert_eq!(slice(&w, 3, Some(3)), "");
        assert_eq!(slice(&w, -2, Some(2)), "Wa");
        assert_eq!(slice(&w, 0, Some(-1)), "");
        assert_eq!(slice(&w, 0, None), "Wanjiků");
        assert_eq!(slice(&s("01150"), 2, None), "150");
        assert_eq!(slice(&s("👍🏾!"), 1, Some(2)), "🏾");
        assert_eq!(slice(&s(""), 0, Some(1)), "");
    }

    #[test]
    fn int_parsing() {
        assert_eq!(to_int("0042"), Value::Int(42));
        assert_eq!(to_int("-7"), Value::Int(-7));
        assert_eq!(to_int("+3"), Value::Int(3));
        assert_eq!(to_int("9223372036854775807"), Value::Int(i64::MAX));
        assert_eq!(to_int("-9223372036854775808"), Value::Int(i64::MIN));
        assert_eq!(to_int("9223372036854775808"), Value::Null);
        for bad in [
            "", "-", "+", " 1", "1 ", "1.0", "1e3", "0x10", "١٢", "--1", "+-1",
        ] {
            assert_eq!(to_int(bad), Value::Null, "{bad:?}");
        }
    }

    #[test]
    fn float_parsing() {
        assert_eq!(to_float("61.5"), Value::Float(61.5));
        assert_eq!(to_float("2e3"), Value::Float(2000.0));
        assert_eq!(to_float("58"), Value::Float(58.0));
        assert_eq!(to_float("-0.5E-1"), Value::Float(-0.05));
        assert_eq!(to_float("0"), Value::Float(0.0));
        assert!(matches!(to_float("58"), Value::Float(_)));
        for bad in [
            "", "61,5", " 1", "+1", ".5", "5.", "01", "1e", "1e+", "inf", "NaN", "1e999", "-",
        ] {
            assert_eq!(to_float(bad), Value::Null, "{bad:?}");
        }
    }

    #[test]
    fn date_parsing_and_concat() {
        assert_eq!(to_date(&s("2024-02-29")), Value::from("2024-02-29"));
        assert_eq!(to_date(&s("2023-02-29")), Value::Null);
        assert_eq!(to_date(&s("2024-2-1")), Value::Null);
        assert_eq!(concat("KSh ", "1,150"), "KSh 1,150");
        assert_eq!(concat("", ""), "");
    }
}
