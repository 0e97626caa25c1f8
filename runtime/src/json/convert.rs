//! `e as T`: a value already in memory checked and converted to a type, with the
//! same rules and messages as decoding JSON text (paths relative to `$`).

use super::desc::{FieldDesc, TypeDesc};
use super::error::{DecodeError, Failure, Seg, excerpt};
use super::scalar::{
    Accepted, Scalar, Target, accept, field_type, list_target, missing_field, object_target,
};
use crate::value::{Object, Record, Shape, Str, Value};

/// Converts `value` to type `desc`: scalars are checked (and widened: an `Int`
/// for a `Float`), objects become records of the type's shape (an open type
/// keeps the members it does not name, a closed one drops them), records become
/// maps, and so on down. Fails with the path of what does not fit.
pub fn convert(value: &Value, desc: &TypeDesc) -> Result<Value, DecodeError> {
    convert_value(value, desc).map_err(Failure::into_error)
}

pub(crate) fn convert_value(value: &Value, desc: &TypeDesc) -> Result<Value, Failure> {
    if let Some(scalar) = Scalar::of(value) {
        return match accept(desc, &scalar) {
            Some(Accepted::Same) => Ok(value.clone()),
            Some(Accepted::Int(i)) => Ok(Value::Int(i)),
            Some(Accepted::Float(f)) => Ok(Value::Float(f)),
            Some(Accepted::Literal(lit)) => Ok(lit.clone()),
            None => Err(Failure::mismatch(desc, scalar.found())),
        };
    }
    let target = match value {
        Value::List(_) => list_target(desc),
        Value::Record(_) | Value::Object(_) => object_target(desc),
        _ => Target::None,
    };
    match (target, value) {
        (Target::Json, _) => Ok(value.clone()),
        (Target::List(elem), Value::List(items)) => {
            if matches!(elem, TypeDesc::Json) {
                return Ok(value.clone());
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(convert_value(item, elem).map_err(|f| f.within(Seg::Index(i)))?);
            }
            Ok(Value::list(out))
        }
        (Target::Map(elem), _) => {
            let mut out = Object::new();
            for (k, v) in members(value) {
                let v = convert_value(&v, elem).map_err(|f| f.within(Seg::Key(k.to_string())))?;
                out.insert(k, v);
            }
            Ok(Value::object(out))
        }
        (Target::Record(shape, fields), _) => to_record(value, shape, fields),
        (Target::Ambiguous, _) => {
            let TypeDesc::Union(options) = strip(desc) else {
                return Err(Failure::mismatch(desc, excerpt(value)));
            };
            options
                .iter()
                .find_map(|option| convert_value(value, option).ok())
                .ok_or_else(|| Failure::mismatch(desc, excerpt(value)))
        }
        _ => Err(Failure::mismatch(desc, excerpt(value))),
    }
}

/// The union under any names and `?` (an `Ambiguous` target is always one).
fn strip(desc: &TypeDesc) -> &TypeDesc {
    match desc {
        TypeDesc::Named { body: inner, .. } | TypeDesc::Optional(inner) => strip(inner),
        other => other,
    }
}

/// The present members of a record or an object.
fn members(value: &Value) -> Vec<(Str, Value)> {
    match value {
        Value::Record(r) => r.members(),
        Value::Object(o) => o.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        _ => Vec::new(),
    }
}

fn to_record(value: &Value, shape: &'static Shape, fields: &[FieldDesc]) -> Result<Value, Failure> {
    let mut slots = vec![Value::Absent; shape.len()];
    let mut extra = Vec::new();
    for (k, v) in members(value) {
        match shape.slot(&k) {
            Some(slot) => {
                slots[slot] = convert_value(&v, field_type(fields, slot))
                    .map_err(|f| f.within(Seg::Key(k.to_string())))?;
            }
            None if shape.open => {
                if !extra.is_empty() {
                    extra.push(b',');
                }
                super::write::write_str(&k, &mut extra);
                extra.push(b':');
                super::write::write_json(&v, &mut extra);
            }
            None => {}
        }
    }
    if let Some(missing) = missing_field(shape, fields, &slots) {
        return Err(missing);
    }
    let extra =
        (!extra.is_empty()).then(|| Str::from(String::from_utf8(extra).unwrap_or_default()).into());
    Ok(Value::record(Record::new(shape, slots, extra)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::{decode, to_json_string};

    fn json(text: &str) -> Value {
        decode(text.as_bytes(), &TypeDesc::Json).unwrap()
    }

    fn geo() -> TypeDesc {
        TypeDesc::record(
            vec![
                ("lat", FieldDesc::required(TypeDesc::String)),
                ("lng", FieldDesc::required(TypeDesc::String)),
            ],
            false,
        )
    }

    #[test]
    fn scalars() {
        assert_eq!(
            convert(&Value::Int(70), &TypeDesc::Float).unwrap(),
            Value::Float(70.0)
        );
        assert!(matches!(
            convert(&Value::Int(70), &TypeDesc::Float).unwrap(),
            Value::Float(_)
        ));
        assert_eq!(
            convert(&Value::Float(3.0), &TypeDesc::Int).unwrap(),
            Value::Int(3)
        );
        assert_eq!(
            convert(&Value::from("https://x.org"), &TypeDesc::Url).unwrap(),
            Value::from("https://x.org")
        );
        assert_eq!(
            convert(&Value::from("x"), &TypeDesc::Url)
                .unwrap_err()
                .to_string(),
            "$: expected Url, found \"x\""
        );
        assert_eq!(
            convert(&Value::Null, &TypeDesc::Date)
                .unwrap_err()
                .to_string(),
            "$: expected Date, found null"
        );
        assert_eq!(
            convert(&Value::Absent, &TypeDesc::Json)
                .unwrap_err()
                .to_string(),
            "$: expected Json, found missing"
        );
    }

    #[test]
    fn objects_to_records_and_back() {
        let user = TypeDesc::named(
            "User",
            TypeDesc::record(
                vec![
                    ("id", FieldDesc::required(TypeDesc::Int)),
                    (
                        "address",
                        FieldDesc::required(TypeDesc::record(
                            vec![("geo", FieldDesc::required(geo()))],
                            true,
                        )),
                    ),
                ],
                true,
            ),
        );
        let users = TypeDesc::list(user.clone());
        let body = json(
            r#"[{"id":1,"name":"a","address":{"geo":{"lat":"1","lng":"2","alt":0},"city":"x"}},
                            {"id":2,"address":{"geo":"n/a"}}]"#,
        );
        let e = convert(&body, &users).unwrap_err();
        assert_eq!(
            e.to_string(),
            "$[1].address.geo: expected { lat: String, lng: String }, found \"n/a\""
        );
        let first = convert(&body.as_list().unwrap()[0], &user).unwrap();
        assert_eq!(
            to_json_string(&first),
            r#"{"id":1,"address":{"geo":{"lat":"1","lng":"2"},"city":"x"},"name":"a"}"#
        );
        assert_eq!(
            first,
            json(r#"{"id":1,"name":"a","address":{"geo":{"lat":"1","lng":"2"},"city":"x"}}"#)
        );
        // a record converts to another record type, or to a map, or to Json
        let again = convert(&first, &user).unwrap();
        assert_eq!(again, first);
        let e = convert(&json("{\"id\":1}"), &user).unwrap_err();
        assert_eq!(e.to_string(), "$: missing field \"address\"");
        let e = convert(&json("[]"), &user).unwrap_err();
        assert_eq!(e.to_string(), "$: expected User, found a list");
        let as_json = convert(&first, &TypeDesc::Json).unwrap();
        assert!(as_json.as_record().is_some());
    }

    #[test]
    fn maps_and_lists() {
        let m = convert(&json(r#"{"a":1,"b":2.0}"#), &TypeDesc::map(TypeDesc::Int)).unwrap();
        assert_eq!(to_json_string(&m), r#"{"a":1,"b":2}"#);
        let e = convert(&json(r#"{"a":1,"b":"2"}"#), &TypeDesc::map(TypeDesc::Int)).unwrap_err();
        assert_eq!(e.to_string(), "$.b: expected Int, found \"2\"");
        let shape = Shape::intern(&["k"], false);
        let rec = Value::record(Record::new(shape, vec![Value::Int(5)], None));
        assert_eq!(
            to_json_string(&convert(&rec, &TypeDesc::map(TypeDesc::Float)).unwrap()),
            r#"{"k":5.0}"#
        );
        let xs = json("[1,2]");
        assert_eq!(convert(&xs, &TypeDesc::list(TypeDesc::Json)).unwrap(), xs);
        assert_eq!(
            to_json_string(&convert(&xs, &TypeDesc::list(TypeDesc::Float)).unwrap()),
            "[1.0,2.0]"
        );
        assert_eq!(
            convert(&xs, &TypeDesc::Int).unwrap_err().to_string(),
            "$: expected Int, found a list"
        );
    }

    #[test]
    fn unions_in_order() {
        let a = TypeDesc::record(vec![("a", FieldDesc::required(TypeDesc::Int))], false);
        let b = TypeDesc::record(vec![("b", FieldDesc::required(TypeDesc::Int))], false);
        let ab = TypeDesc::optional(TypeDesc::Union(vec![a, b].into()));
        let v = convert(&json(r#"{"b":1}"#), &ab).unwrap();
        assert_eq!(v.as_record().unwrap().shape.fields[0], "b");
        assert_eq!(convert(&Value::Null, &ab).unwrap(), Value::Null);
        assert_eq!(
            convert(&json(r#"{"c":1}"#), &ab).unwrap_err().to_string(),
            "$: expected ({ a: Int } | { b: Int })?, found an object"
        );
    }
}
