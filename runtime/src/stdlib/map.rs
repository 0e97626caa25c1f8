//! Map methods (docs/language.md §8.5), for a map `{String: T}`
//! (an [`Object`](crate::value::Object)) and for a record whose fields all have
//! one type (docs/language.md §4.2), whose members are its present fields and then its
//! extra members.

use std::borrow::Cow;

use crate::error::{Result, RuntimeError};
use crate::value::{Record, Shape, Str, Value};

/// The members of a map or a record, in order.
fn members(method: &str, m: &Value) -> Result<Vec<(Str, Value)>> {
    match m {
        Value::Object(o) => Ok(o.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
        Value::Record(r) => Ok(r.members()),
        other => Err(RuntimeError::runtime(format!(
            "{method} needs a map, not {}",
            other.kind_name()
        ))),
    }
}

/// `m.keys()`, in insertion order.
pub fn keys(m: &Value) -> Result<Value> {
    if let Value::Object(o) = m {
        return Ok(Value::list(
            o.keys().map(|k| Value::Str(k.clone())).collect(),
        ));
    }
    Ok(Value::list(
        members("keys", m)?
            .iter()
            .map(|(k, _)| Value::Str(k.clone()))
            .collect(),
    ))
}

/// `m.values()`, in insertion order.
pub fn values(m: &Value) -> Result<Value> {
    if let Value::Object(o) = m {
        return Ok(Value::list(o.values().cloned().collect()));
    }
    Ok(Value::list(
        members("values", m)?
            .iter()
            .map(|(_, v)| v.clone())
            .collect(),
    ))
}

/// The shape of `entries`' records: `{ key: String, value: T }`.
pub fn entry_shape() -> &'static Shape {
    static SHAPE: std::sync::OnceLock<&'static Shape> = std::sync::OnceLock::new();
    SHAPE.get_or_init(|| Shape::intern(&["key", "value"], false))
}

/// `m.entries()`: records `{ key, value }`, in insertion order.
pub fn entries(m: &Value) -> Result<Value> {
    let shape = entry_shape();
    let entry = |k: &Str, v: &Value| {
        Value::record(Record::new(
            shape,
            vec![Value::Str(k.clone()), v.clone()],
            None,
        ))
    };
    if let Value::Object(o) = m {
        return Ok(Value::list(o.iter().map(|(k, v)| entry(k, v)).collect()));
    }
    Ok(Value::list(
        members("entries", m)?
            .iter()
            .map(|(k, v)| entry(k, v))
            .collect(),
    ))
}

/// `m.get(k)` (the same as `m[k]`): the value, or `null`.
pub fn get(m: &Value, k: &str) -> Value {
    m.get_field(k).map_or(Value::Null, Cow::into_owned)
}

/// `m.has(k)`.
pub fn has(m: &Value, k: &str) -> bool {
    m.get_field(k).is_some()
}

/// `m.len()`: the number of members.
pub fn len(m: &Value) -> Result<i64> {
    match m {
        Value::Object(o) => Ok(o.len() as i64),
        Value::Record(r) => Ok(r.member_count() as i64),
        other => Err(RuntimeError::runtime(format!(
            "len needs a map, not {}",
            other.kind_name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{parse, to_json_string};

    fn json(v: &Value) -> String {
        to_json_string(v)
    }

    fn villages() -> Value {
        parse(r#"{"Kakamega":"DiszpKrYNg8","Bungoma":"Rp268JB6Ne4"}"#).unwrap()
    }

    fn record() -> Value {
        let shape = Shape::intern(&["a", "b", "c"], true);
        Value::record(Record::new(
            shape,
            vec![Value::Int(1), Value::Absent, Value::Int(3)],
            Some(Str::from("\"z\":26").into()),
        ))
    }

    #[test]
    fn objects() {
        let m = villages();
        assert_eq!(json(&keys(&m).unwrap()), r#"["Kakamega","Bungoma"]"#);
        assert_eq!(
            json(&values(&m).unwrap()),
            r#"["DiszpKrYNg8","Rp268JB6Ne4"]"#
        );
        assert_eq!(
            json(&entries(&m).unwrap()),
            r#"[{"key":"Kakamega","value":"DiszpKrYNg8"},{"key":"Bungoma","value":"Rp268JB6Ne4"}]"#
        );
        assert_eq!(get(&m, "Bungoma"), Value::from("Rp268JB6Ne4"));
        assert_eq!(get(&m, "Busia"), Value::Null);
        assert!(has(&m, "Kakamega"));
        assert!(!has(&m, "kakamega"));
        assert_eq!(len(&m).unwrap(), 2);
        let empty = parse("{}").unwrap();
        assert_eq!(json(&keys(&empty).unwrap()), "[]");
        assert_eq!(len(&empty).unwrap(), 0);
    }

    #[test]
    fn records_as_maps() {
        let r = record();
        assert_eq!(json(&keys(&r).unwrap()), r#"["a","c","z"]"#);
        assert_eq!(json(&values(&r).unwrap()), "[1,3,26]");
        assert_eq!(
            json(&entries(&r).unwrap()),
            r#"[{"key":"a","value":1},{"key":"c","value":3},{"key":"z","value":26}]"#
        );
        assert_eq!(get(&r, "z"), Value::Int(26));
        assert_eq!(get(&r, "b"), Value::Null);
        assert!(has(&r, "a") && has(&r, "z") && !has(&r, "b"));
        assert_eq!(len(&r).unwrap(), 3);
        let shape = entries(&r).unwrap().as_list().unwrap()[0]
            .as_record()
            .unwrap()
            .shape;
        assert!(std::ptr::eq(shape, entry_shape()));
    }

    #[test]
    fn other_values_are_errors() {
        let l = Value::list(vec![]);
        assert_eq!(
            keys(&l).unwrap_err().message,
            "keys needs a map, not a list"
        );
        assert_eq!(
            values(&Value::Null).unwrap_err().message,
            "values needs a map, not null"
        );
        assert_eq!(
            entries(&Value::Int(1)).unwrap_err().message,
            "entries needs a map, not a number"
        );
        assert_eq!(
            len(&Value::from("x")).unwrap_err().message,
            "len needs a map, not a string"
        );
        assert_eq!(get(&l, "x"), Value::Null);
        assert!(!has(&l, "x"));
    }
}
