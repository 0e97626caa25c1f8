//! Conversions between [`Value`] and `serde_json::Value`, for the parts of the
//! runtime (the HTTP layer) that speak serde_json.

use serde_json::{Map, Number};

use crate::value::{Object, Str, Value};

impl Value {
    /// A value from serde_json's (objects keep their order; integers beyond
    /// `i64` become floats).
    pub fn from_json(json: serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            serde_json::Value::String(s) => Value::Str(Str::from(s)),
            serde_json::Value::Array(items) => {
                Value::list(items.into_iter().map(Value::from_json).collect())
            }
            serde_json::Value::Object(map) => Value::object(Object::from_pairs(
                map.into_iter()
                    .map(|(k, v)| (Str::from(k), Value::from_json(v))),
            )),
        }
    }

    /// The value as serde_json's: records as objects (present slots, then extra
    /// members); non-finite floats as `null`; a lone `Absent` as `null`.
    pub fn to_serde(&self) -> serde_json::Value {
        match self {
            Value::Absent | Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) => serde_json::Value::Number((*i).into()),
            Value::Float(f) => {
                Number::from_f64(*f).map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
            Value::Str(s) => serde_json::Value::String(s.to_string()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_serde).collect())
            }
            Value::Object(o) => serde_json::Value::Object(
                o.iter()
                    .map(|(k, v)| (k.to_string(), v.to_serde()))
                    .collect::<Map<_, _>>(),
            ),
            Value::Record(r) => serde_json::Value::Object(
                r.members()
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v.to_serde()))
                    .collect(),
            ),
        }
    }
}

/// [`Value::to_serde`] as a free function.
pub fn to_serde(value: &Value) -> serde_json::Value {
    value.to_serde()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::{Record, Shape};
    use serde_json::json;

    #[test]
    fn round_trip() {
        let j = json!({"b": [1, -2, 2.5, true, null, "x"], "a": {"big": 18446744073709551615u64}});
        let v = Value::from_json(j.clone());
        assert_eq!(
            crate::json::to_json_string(&v),
            r#"{"b":[1,-2,2.5,true,null,"x"],"a":{"big":1.8446744073709552e19}}"#
        );
        let back = v.to_serde();
        assert_eq!(back["b"], j["b"]);
        assert_eq!(
            back.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["b", "a"]
        );
    }

    #[test]
    fn records_and_odd_values() {
        let shape = Shape::intern(&["id", "gone"], true);
        let r = Value::record(Record::new(
            shape,
            vec![Value::Int(1), Value::Absent],
            Some(Str::from("\"x\":[1]").into()),
        ));
        assert_eq!(to_serde(&r), json!({"id": 1, "x": [1]}));
        assert_eq!(Value::Float(f64::NAN).to_serde(), json!(null));
        assert_eq!(Value::Absent.to_serde(), json!(null));
        assert_eq!(Value::Float(70.0).to_serde(), json!(70.0));
    }
}
