//! Type-directed decoding: JSON text straight to [`Value`]s, checked against a
//! [`TypeDesc`] on the way (no `serde_json::Value` in between).
//!
//! A [`Seed`] (a `serde::de::DeserializeSeed` carrying the expected type) is
//! driven by `serde_json`'s parser over the whole input, kept as one shared
//! [`Source`]:
//! - strings without escapes become slices of that buffer (no copy); short ones
//!   are copied inline;
//! - a closed record skips the members its type does not name (`IgnoredAny`);
//! - an open record keeps them as raw text: each member is located in the
//!   buffer, runs of adjacent members are merged, and the record's `extra` holds
//!   the runs as slices of the buffer (no copy);
//! - a failure is recorded in the context (type, excerpt), and each enclosing
//!   object or list adds its step to the path as the error travels out.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use super::convert::convert_value;
use super::desc::{FieldDesc, TypeDesc};
use super::error::{DecodeError, Failure, Seg};
use super::numbers;
use super::scalar::{
    Accepted, Scalar, Target, accept, field_type, list_target, missing_field, object_target,
};
use crate::value::{Extra, Object, Record, Shape, Source, Str, Value};

/// Decodes JSON `input` as a value of type `desc`. Fails with the JSON path of
/// what does not fit, or with the line and column where `input` stops being JSON.
/// A byte order mark at the start is ignored (RFC 8259 §8.1).
///
/// The input is copied once, into the buffer that the decoded strings share;
/// a caller that owns its bytes saves that copy with [`decode_vec`].
pub fn decode(input: &[u8], desc: &TypeDesc) -> Result<Value, DecodeError> {
    let text = std::str::from_utf8(input).map_err(|e| not_utf8(input, e.valid_up_to()))?;
    decode_source(&Rc::new(text.to_owned()), desc)
}

/// [`decode`] of bytes the caller owns (a file just read, a response body): they
/// are checked to be UTF-8 in place and kept as the values' buffer, with no copy.
/// Prefer it to [`decode`], which must copy its input.
pub fn decode_vec(input: Vec<u8>, desc: &TypeDesc) -> Result<Value, DecodeError> {
    match String::from_utf8(input) {
        Ok(text) => decode_owned(text, desc),
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            Err(not_utf8(e.as_bytes(), at))
        }
    }
}

/// [`decode`] of text the caller owns: the values borrow from it, with no copy.
pub fn decode_owned(input: String, desc: &TypeDesc) -> Result<Value, DecodeError> {
    decode_source(&Rc::new(input), desc)
}

/// [`decode`] of a shared buffer; strings of the result may be slices of it.
pub fn decode_source(src: &Source, desc: &TypeDesc) -> Result<Value, DecodeError> {
    let ctx = Ctx::new(src);
    let text = src.strip_prefix('\u{feff}').unwrap_or(src);
    let mut de = serde_json::Deserializer::from_str(text);
    let result = Seed { desc, ctx: &ctx }
        .deserialize(&mut de)
        .and_then(|value| de.end().map(|()| value));
    let value = result.map_err(|e| match ctx.failure.take() {
        Some(failure) => failure.into_error(),
        None => not_json(&e),
    })?;
    if ctx.read_zero.get()
        && let Some(failure) = numbers::underflow(text)
    {
        return Err(failure.into_error());
    }
    Ok(value)
}

/// The error for a parser error (not a type mismatch).
pub(super) fn not_json(e: &serde_json::Error) -> DecodeError {
    let message = e.to_string();
    // serde_json says "expected `,` or `}` at line 3 column 14"
    let message = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => &message,
    };
    let message = match message {
        m if m.starts_with("EOF while parsing") => "unexpected end of input".to_string(),
        m => m.replace('`', "'"),
    };
    DecodeError::not_json(message, e.line(), e.column())
}

/// The error for bytes that are not UTF-8 from byte `at` on.
fn not_utf8(input: &[u8], at: usize) -> DecodeError {
    let before = &input[..at];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    DecodeError::not_json("invalid UTF-8", line, column)
}

/// A part of an open record's extra text being collected.
enum Part {
    /// `src[start..end]`: one or more adjacent members, as written.
    Range(usize, usize),
    /// A member whose name had escapes, re-written.
    Text(String),
}

/// The state of one decode.
struct Ctx<'s> {
    src: &'s Source,
    base: usize,
    failure: RefCell<Option<Failure>>,
    /// Whether a `Float` 0 was read: it may have been written as a number too
    /// close to 0 for a `Float` (see `numbers`).
    read_zero: Cell<bool>,
    /// Extra parts of the open records being decoded, innermost last (a stack:
    /// a nested record finishes before its parent goes on).
    parts: RefCell<Vec<Part>>,
}

impl<'s> Ctx<'s> {
    fn new(src: &'s Source) -> Ctx<'s> {
        Ctx {
            src,
            base: src.as_ptr() as usize,
            failure: RefCell::new(None),
            read_zero: Cell::new(false),
            parts: RefCell::new(Vec::new()),
        }
    }

    /// Records `failure` and answers the error that stops the parser.
    fn fail<E: de::Error>(&self, failure: Failure) -> E {
        *self.failure.borrow_mut() = Some(failure);
        E::custom("type mismatch")
    }

    /// Adds a path step to the failure travelling out (if it is ours, not the
    /// parser's).
    fn within(&self, seg: impl FnOnce() -> Seg) {
        if let Some(failure) = self.failure.borrow_mut().as_mut() {
            failure.push(seg());
        }
    }

    /// The offset of `s` in the input, if it lies in it.
    fn offset(&self, s: &str) -> Option<usize> {
        let at = (s.as_ptr() as usize).checked_sub(self.base)?;
        (at + s.len() <= self.src.len()).then_some(at)
    }

    /// A string value: a slice of the input when `s` lies in it.
    fn text(&self, s: &str) -> Str {
        match self.offset(s) {
            Some(at) => Str::slice_of(self.src, at, at + s.len()),
            None => Str::from(s),
        }
    }

    fn key(&self, key: &Key<'_>) -> Str {
        match key {
            Key::Borrowed(k) => self.text(k),
            Key::Owned(k) => Str::from(k.as_str()),
        }
    }

    /// Keeps the member `key: raw` of the open record whose parts start at `base`.
    fn push_extra(&self, base: usize, key: &Key<'_>, raw: &RawValue) {
        let raw = raw.get();
        let mut parts = self.parts.borrow_mut();
        let member = match (key, self.offset(raw)) {
            // A key without escapes is the input between its quotes.
            (Key::Borrowed(k), Some(raw_at)) => match self.offset(k) {
                Some(key_at) if key_at > 0 => Some((key_at - 1, raw_at + raw.len())),
                _ => None,
            },
            _ => None,
        };
        let Some((start, end)) = member else {
            let mut text = Vec::with_capacity(raw.len() + 16);
            super::write::write_str(key.as_str(), &mut text);
            text.push(b':');
            text.extend_from_slice(raw.as_bytes());
            parts.push(Part::Text(String::from_utf8(text).unwrap_or_default()));
            return;
        };
        // Adjacent to the previous member of the same record (only a comma and
        // whitespace between them): extend that run.
        if parts.len() > base
            && let Some(Part::Range(_, last_end)) = parts.last_mut()
        {
            let gap = self.src.as_bytes().get(*last_end..start).unwrap_or(b"x");
            if gap
                .iter()
                .all(|b| matches!(b, b',' | b' ' | b'\n' | b'\r' | b'\t'))
            {
                *last_end = end;
                return;
            }
        }
        parts.push(Part::Range(start, end));
    }

    /// The extra text of the record whose parts start at `base`, and drops them.
    fn finish_extra(&self, base: usize) -> Option<Extra> {
        let mut parts = self.parts.borrow_mut();
        let run = |part: &Part| match part {
            Part::Range(start, end) => Str::slice_of(self.src, *start, *end),
            Part::Text(text) => Str::from(text.as_str()),
        };
        let extra = match parts.get(base..).unwrap_or_default() {
            [] => None,
            [one] => Some(Extra::One(run(one))),
            many => Some(Extra::Runs(many.iter().map(run).collect())),
        };
        parts.truncate(base);
        extra
    }
}

/// An object key: borrowed from the input unless it had escapes.
enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(k) => k,
            Key::Owned(k) => k,
        }
    }
}

struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key::Owned(v.to_string()))
    }
}

/// Decodes one value of type `desc`.
#[derive(Clone, Copy)]
struct Seed<'d, 'c, 's> {
    desc: &'d TypeDesc,
    ctx: &'c Ctx<'s>,
}

impl<'de> DeserializeSeed<'de> for Seed<'_, '_, '_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl Seed<'_, '_, '_> {
    fn scalar<E: de::Error>(self, s: Scalar<'_>) -> Result<Value, E> {
        match accept(self.desc, &s) {
            Some(Accepted::Same) => Ok(s.to_value(|t| Value::Str(self.ctx.text(t)))),
            Some(Accepted::Int(i)) => Ok(Value::Int(i)),
            Some(Accepted::Float(f)) => Ok(Value::Float(f)),
            Some(Accepted::Literal(lit)) => Ok(lit.clone()),
            None => Err(self.ctx.fail(Failure::mismatch(self.desc, s.found()))),
        }
    }

    /// A value of a union that more than one member could take: built as `Json`,
    /// then converted to the members in turn.
    fn buffered<E: de::Error>(self, value: Result<Value, E>) -> Result<Value, E> {
        convert_value(&value?, self.desc).map_err(|failure| self.ctx.fail(failure))
    }

    fn record<'de, A: MapAccess<'de>>(
        self,
        mut map: A,
        shape: &'static Shape,
        fields: &[FieldDesc],
    ) -> Result<Value, A::Error> {
        let ctx = self.ctx;
        let mut slots = vec![Value::Absent; shape.len()];
        let parts_base = ctx.parts.borrow().len();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match shape.slot(key.as_str()) {
                Some(slot) => {
                    let seed = Seed {
                        desc: field_type(fields, slot),
                        ctx,
                    };
                    match map.next_value_seed(seed) {
                        Ok(value) => slots[slot] = value,
                        Err(e) => {
                            ctx.within(|| Seg::Key(key.as_str().to_string()));
                            return Err(e);
                        }
                    }
                }
                None if shape.open => {
                    let raw: &RawValue = map.next_value()?;
                    ctx.push_extra(parts_base, &key, raw);
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        if let Some(missing) = missing_field(shape, fields, &slots) {
            ctx.parts.borrow_mut().truncate(parts_base);
            return Err(ctx.fail(missing));
        }
        let extra = if shape.open {
            ctx.finish_extra(parts_base)
        } else {
            None
        };
        Ok(Value::record(Record {
            shape,
            slots: slots.into_boxed_slice(),
            extra,
        }))
    }

    fn map<'de, A: MapAccess<'de>>(self, mut map: A, elem: &TypeDesc) -> Result<Value, A::Error> {
        let ctx = self.ctx;
        let mut object = Object::with_capacity(map.size_hint().unwrap_or(0));
        while let Some(key) = map.next_key_seed(KeySeed)? {
            match map.next_value_seed(Seed { desc: elem, ctx }) {
                Ok(value) => {
                    object.insert(ctx.key(&key), value);
                }
                Err(e) => {
                    ctx.within(|| Seg::Key(key.as_str().to_string()));
                    return Err(e);
                }
            }
        }
        Ok(Value::object(object))
    }

    fn list<'de, A: SeqAccess<'de>>(self, mut seq: A, elem: &TypeDesc) -> Result<Value, A::Error> {
        let ctx = self.ctx;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        loop {
            match seq.next_element_seed(Seed { desc: elem, ctx }) {
                Ok(Some(value)) => items.push(value),
                Ok(None) => break,
                Err(e) => {
                    let index = items.len();
                    ctx.within(|| Seg::Index(index));
                    return Err(e);
                }
            }
        }
        // A list lives as long as the run: give back what growing it left over.
        items.shrink_to_fit();
        Ok(Value::list(items))
    }
}

impl<'de> Visitor<'de> for Seed<'_, '_, '_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.desc)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.scalar(Scalar::Null)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.scalar(Scalar::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.scalar(Scalar::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        match i64::try_from(v) {
            Ok(i) => self.scalar(Scalar::Int(i)),
            Err(_) => self.scalar(Scalar::UInt(v)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        if v == 0.0 {
            self.ctx.read_zero.set(true);
        }
        if !numbers::exact_int(v)
            && matches!(accept(self.desc, &Scalar::Float(v)), Some(Accepted::Int(_)))
        {
            return Err(self
                .ctx
                .fail(Failure::mismatch(self.desc, numbers::beyond_int(v))));
        }
        self.scalar(Scalar::Float(v))
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Value, E> {
        self.scalar(Scalar::Str(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.scalar(Scalar::Str(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Value, A::Error> {
        match list_target(self.desc) {
            Target::List(elem) => self.list(seq, elem),
            Target::Json => self.list(seq, &TypeDesc::Json),
            Target::Ambiguous => self.buffered(self.list(seq, &TypeDesc::Json)),
            _ => Err(self.ctx.fail(Failure::mismatch(self.desc, "a list".into()))),
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        match object_target(self.desc) {
            Target::Record(shape, fields) => self.record(map, shape, fields),
            Target::Map(elem) => self.map(map, elem),
            Target::Json => self.map(map, &TypeDesc::Json),
            Target::Ambiguous => self.buffered(self.map(map, &TypeDesc::Json)),
            _ => Err(self
                .ctx
                .fail(Failure::mismatch(self.desc, "an object".into()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extra_text(r: &Record) -> Option<String> {
        r.extra.as_ref().map(|e| e.text().into_owned())
    }

    fn json(text: &str) -> Value {
        decode(text.as_bytes(), &TypeDesc::Json).unwrap()
    }

    fn err(text: &str, desc: &TypeDesc) -> String {
        decode(text.as_bytes(), desc).unwrap_err().to_string()
    }

    #[test]
    fn json_values() {
        assert_eq!(json("null"), Value::Null);
        assert_eq!(
            json(" [1, -2, 2.5, true, \"x\", {}] "),
            Value::list(vec![
                Value::Int(1),
                Value::Int(-2),
                Value::Float(2.5),
                Value::Bool(true),
                Value::from("x"),
                Value::object(Object::new()),
            ])
        );
        assert_eq!(
            json("18446744073709551615"),
            Value::Float(18_446_744_073_709_551_615.0)
        );
        assert_eq!(json("9223372036854775807"), Value::Int(i64::MAX));
        assert_eq!(json("-9223372036854775808"), Value::Int(i64::MIN));
        assert_eq!(json("\"a\\u00e9\\n\""), Value::from("aé\n"));
        let o = json("{\"b\":1,\"a\":2,\"b\":3}");
        let keys: Vec<&str> = o.as_object().unwrap().keys().map(|k| k.as_str()).collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(o.get_field("b").as_deref(), Some(&Value::Int(3)));
    }

    #[test]
    fn strings_borrow_the_input() {
        let v = json(
            "[\"a string that is longer than inline text\", \"short\", \"esc\\taped and long enough to be on the heap\"]",
        );
        let items = v.as_list().unwrap();
        assert!(items[0].as_string().unwrap().is_borrowed_slice());
        assert!(items[1].as_string().unwrap().is_inline());
        assert!(!items[2].as_string().unwrap().is_borrowed_slice());
        assert_eq!(
            items[2].as_str(),
            Some("esc\taped and long enough to be on the heap")
        );
    }

    #[test]
    fn not_json_messages() {
        assert_eq!(
            err("{\n  \"a\": 1,\n  \"b\": 2 \"c\"\n}", &TypeDesc::Json),
            "input is not JSON: expected ',' or '}' at line 3, column 10"
        );
        assert_eq!(
            err("", &TypeDesc::Json),
            "input is not JSON: unexpected end of input at line 1, column 0"
        );
        assert_eq!(
            err("[1,", &TypeDesc::Json),
            "input is not JSON: unexpected end of input at line 1, column 3"
        );
        assert_eq!(
            err("1 2", &TypeDesc::Json),
            "input is not JSON: trailing characters at line 1, column 3"
        );
        assert_eq!(
            err("{\"a\":01}", &TypeDesc::Json),
            "input is not JSON: invalid number at line 1, column 7"
        );
        assert_eq!(
            decode(b"[\"\n\xff\"]", &TypeDesc::Json)
                .unwrap_err()
                .to_string(),
            "input is not JSON: invalid UTF-8 at line 2, column 1"
        );
        assert_eq!(
            decode(b"\"caf\xc3\xa9 \xc3\"", &TypeDesc::Json)
                .unwrap_err()
                .to_string(),
            "input is not JSON: invalid UTF-8 at line 1, column 7"
        );
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let v = decode(
            "\u{feff}[\"a string that is longer than inline text\"]".as_bytes(),
            &TypeDesc::Json,
        )
        .unwrap();
        let s = v.as_list().unwrap()[0].as_string().unwrap();
        assert_eq!(s.as_str(), "a string that is longer than inline text");
        assert!(s.is_borrowed_slice());
        assert_eq!(
            err("\u{feff}", &TypeDesc::Json),
            "input is not JSON: unexpected end of input at line 1, column 0"
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep = "[".repeat(100_000);
        let e = decode(deep.as_bytes(), &TypeDesc::Json).unwrap_err();
        assert!(e.is_not_json());
        assert!(e.to_string().contains("recursion limit exceeded"), "{e}");
    }

    #[test]
    fn scalar_mismatches_name_the_type() {
        assert_eq!(
            err("\"61,5\"", &TypeDesc::Float),
            "$: expected Float, found \"61,5\""
        );
        assert_eq!(err("1.5", &TypeDesc::Int), "$: expected Int, found 1.5");
        assert_eq!(
            err("9223372036854775808", &TypeDesc::Int),
            "$: expected Int, found 9223372036854775808"
        );
        assert_eq!(
            err("{}", &TypeDesc::String),
            "$: expected String, found an object"
        );
        assert_eq!(
            err("[]", &TypeDesc::optional(TypeDesc::Int)),
            "$: expected Int?, found a list"
        );
        assert_eq!(
            err("\"x\"", &TypeDesc::list(TypeDesc::Int)),
            "$: expected [Int], found \"x\""
        );
        assert_eq!(
            err("[1,\"2\"]", &TypeDesc::list(TypeDesc::Int)),
            "$[1]: expected Int, found \"2\""
        );
        assert_eq!(
            err(
                "{\"a\":{\"b c\":true}}",
                &TypeDesc::map(TypeDesc::map(TypeDesc::Int))
            ),
            "$.a[\"b c\"]: expected Int, found true"
        );
    }

    #[test]
    fn unions_and_literals() {
        let sex = TypeDesc::enumeration(&["female", "male"]);
        assert_eq!(decode(b"\"male\"", &sex).unwrap(), Value::from("male"));
        assert_eq!(
            err("\"Male\"", &sex),
            "$: expected \"female\" | \"male\", found \"Male\""
        );
        let r1 = TypeDesc::record(vec![("a", FieldDesc::required(TypeDesc::Int))], false);
        let r2 = TypeDesc::record(vec![("b", FieldDesc::required(TypeDesc::String))], false);
        let either = TypeDesc::Union(
            vec![
                r1,
                r2,
                TypeDesc::list(TypeDesc::Int),
                TypeDesc::map(TypeDesc::Bool),
            ]
            .into(),
        );
        let v = decode(b"{\"b\":\"x\",\"z\":0}", &either).unwrap();
        assert_eq!(v.as_record().unwrap().shape.fields[0], "b");
        let v = decode(b"{\"y\":true}", &either).unwrap();
        assert!(v.as_object().is_some());
        assert_eq!(
            decode(b"[1]", &either).unwrap(),
            Value::list(vec![Value::Int(1)])
        );
        assert_eq!(
            err("{\"y\":1}", &either),
            "$: expected { a: Int } | { b: String } | [Int] | {String: Bool}, found an object"
        );
        let lists = TypeDesc::Union(
            vec![
                TypeDesc::list(TypeDesc::Int),
                TypeDesc::list(TypeDesc::String),
            ]
            .into(),
        );
        assert_eq!(
            decode(b"[\"a\"]", &lists).unwrap(),
            Value::list(vec![Value::from("a")])
        );
        assert_eq!(
            err("[true]", &lists),
            "$: expected [Int] | [String], found a list"
        );
        let nested = TypeDesc::list(lists);
        assert_eq!(
            err("[[1],[true]]", &nested),
            "$[1]: expected [Int] | [String], found a list"
        );
    }

    #[test]
    fn records_closed_and_open() {
        let closed = TypeDesc::record(
            vec![
                ("id", FieldDesc::required(TypeDesc::String)),
                ("n", FieldDesc::optional(TypeDesc::Int)),
                (
                    "phone",
                    FieldDesc::required(TypeDesc::optional(TypeDesc::String)),
                ),
            ],
            false,
        );
        let v = decode(b"{\"x\":[1,{\"y\":2}],\"id\":\"a\"}", &closed).unwrap();
        let r = v.as_record().unwrap();
        assert!(r.extra.is_none());
        assert!(r.slots[1].is_absent() && r.slots[2].is_absent());
        assert_eq!(crate::json::to_json_string(&v), "{\"id\":\"a\"}");
        assert_eq!(err("{\"n\":1}", &closed), "$: missing field \"id\"");
        assert_eq!(
            err("{\"id\":\"a\",\"n\":null}", &closed),
            "$.n: expected Int, found null"
        );

        let open = TypeDesc::record(vec![("id", FieldDesc::required(TypeDesc::String))], true);
        let text = b"{\"a\":1, \"b\" : [2],\"id\":\"x\",\"c\":{\"d\":\"e\"},\"e\\u0041\":null}";
        let v = decode(text, &open).unwrap();
        let r = v.as_record().unwrap();
        assert_eq!(
            extra_text(r).as_deref(),
            Some("\"a\":1, \"b\" : [2],\"c\":{\"d\":\"e\"},\"eA\":null")
        );
        assert_eq!(
            crate::json::to_json_string(&v),
            "{\"id\":\"x\",\"a\":1,\"b\":[2],\"c\":{\"d\":\"e\"},\"eA\":null}"
        );
        let v = decode(
            b"{\"id\":\"x\",\"a\":\"a long enough value to be a slice\"}",
            &open,
        )
        .unwrap();
        assert!(
            v.as_record()
                .unwrap()
                .extra
                .as_ref()
                .unwrap()
                .runs()
                .iter()
                .all(Str::is_borrowed_slice)
        );
        let v = decode(b"{\"id\":\"x\"}", &open).unwrap();
        assert!(v.as_record().unwrap().extra.is_none());
        let v = decode(b"{\"id\":\"x\",\"id\":\"y\"}", &open).unwrap();
        assert_eq!(v.as_record().unwrap().slots[0], Value::from("y"));
    }

    #[test]
    fn nested_open_records_keep_their_own_extra() {
        let inner = TypeDesc::record(vec![("v", FieldDesc::required(TypeDesc::Int))], true);
        let outer = TypeDesc::record(
            vec![
                ("i", FieldDesc::required(inner)),
                ("z", FieldDesc::required(TypeDesc::Bool)),
            ],
            true,
        );
        let v = decode(
            b"{\"a\":1,\"i\":{\"p\":1,\"v\":2,\"q\":3},\"b\":2,\"z\":true,\"c\":3}",
            &outer,
        )
        .unwrap();
        let r = v.as_record().unwrap();
        assert_eq!(extra_text(r).as_deref(), Some("\"a\":1,\"b\":2,\"c\":3"));
        // Three runs around the named fields, kept apart: not copied into one text.
        assert_eq!(r.extra.as_ref().unwrap().runs().len(), 3);
        let i = r.slots[0].as_record().unwrap();
        assert_eq!(extra_text(i).as_deref(), Some("\"p\":1,\"q\":3"));
        assert_eq!(i.member_count(), 3);
        assert_eq!(r.slots[0].get_field("q").as_deref(), Some(&Value::Int(3)));
        assert_eq!(
            crate::json::to_json_string(&v),
            "{\"i\":{\"v\":2,\"p\":1,\"q\":3},\"z\":true,\"a\":1,\"b\":2,\"c\":3}"
        );
    }

    #[test]
    fn descriptors_that_do_not_line_up_do_not_panic() {
        let desc = TypeDesc::Record {
            shape: Shape::intern(&["a", "b"], false),
            fields: vec![FieldDesc::required(TypeDesc::Int)].into(),
        };
        let v = decode(b"{\"a\":1,\"b\":\"x\"}", &desc).unwrap();
        assert_eq!(crate::json::to_json_string(&v), "{\"a\":1,\"b\":\"x\"}");
        assert!(crate::json::convert(&v, &desc).is_ok());
        assert_eq!(err("{\"b\":1}", &desc), "$: missing field \"a\"");
    }

    #[test]
    fn owned_input_and_sources() {
        let v = decode_owned(
            "[\"a string that is longer than inline text\"]".into(),
            &TypeDesc::Json,
        )
        .unwrap();
        assert!(
            v.as_list().unwrap()[0]
                .as_string()
                .unwrap()
                .is_borrowed_slice()
        );
    }
}
