//! The value model: every Ferry value at run time is a JSON value.
//!
//! - [`Str`]: immutable text, cheap to clone (`text` module);
//! - [`Object`]: an insertion-ordered map, for `{String: T}` and `Json` objects;
//! - [`Shape`] and [`Record`]: a record of a type the compiler knows, by slot;
//! - equality, hashing and ordering with JSON semantics (`cmp` module).
//!
//! Static types decide the layout (a `Record` rather than an `Object`, an `Int`
//! rather than a `Float`); what a value *is* — how it prints, what it equals — is
//! decided by JSON alone: a `Record` equals an `Object` with the same members, and
//! `Int(1)` equals `Float(1.0)`.

mod cmp;
mod object;
mod record;
mod text;

use std::borrow::Cow;
use std::rc::Rc;

pub use self::cmp::{compare, total_cmp};
pub use self::object::Object;
pub use self::record::{Extra, Record, Shape};
pub use self::text::{INLINE_CAP, Source, Str};

// Generated code lays out variables' slots by this size.
const _: () = assert!(std::mem::size_of::<Value>() == ferry_meta::abi::VALUE_SIZE as usize);

/// A Ferry value.
#[derive(Clone, Debug, Default)]
pub enum Value {
    /// Only ever in a record slot: an optional field that is not there.
    Absent,
    #[default]
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Str),
    List(Rc<Vec<Value>>),
    /// A record whose shape the compiler knows: fields by slot, no string lookups.
    Record(Rc<Record>),
    /// A map `{String: T}`, or a JSON object of unknown shape (type `Json`);
    /// insertion-ordered.
    Object(Rc<Object>),
}

impl Value {
    /// A list.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Rc::new(items))
    }

    /// An object.
    pub fn object(object: Object) -> Value {
        Value::Object(Rc::new(object))
    }

    /// A record.
    pub fn record(record: Record) -> Value {
        Value::Record(Rc::new(record))
    }

    /// A static string (a literal of the program).
    pub const fn from_static(s: &'static str) -> Value {
        Value::Str(Str::from_static(s))
    }

    /// `null` for `None`.
    pub fn from_option(v: Option<Value>) -> Value {
        v.unwrap_or(Value::Null)
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn is_absent(&self) -> bool {
        matches!(self, Value::Absent)
    }

    /// Null or absent: what `??` and `?.` treat as missing.
    pub fn is_missing(&self) -> bool {
        matches!(self, Value::Null | Value::Absent)
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A number as a float (an `Int` widens, as `Int` is accepted as `Float`).
    pub fn as_float(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            Value::Int(i) => Some(*i as f64),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s.as_str()),
            _ => None,
        }
    }

    pub fn as_string(&self) -> Option<&Str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }

    pub fn as_record(&self) -> Option<&Record> {
        match self {
            Value::Record(r) => Some(r),
            _ => None,
        }
    }

    /// What kind of JSON value this is, for messages: `null`, `a boolean`,
    /// `a number`, `a string`, `a list`, `an object` (`missing` for [`Value::Absent`]).
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Absent => "missing",
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Int(_) | Value::Float(_) => "a number",
            Value::Str(_) => "a string",
            Value::List(_) => "a list",
            Value::Record(_) | Value::Object(_) => "an object",
        }
    }

    /// The member `name` of a record or object: a record's declared field by its
    /// slot, then its extra members (parsed on demand, so answered owned); an
    /// object's by key. `None` for a missing member, and for any other value.
    pub fn get_field(&self, name: &str) -> Option<Cow<'_, Value>> {
        match self {
            Value::Object(o) => o.get(name).map(Cow::Borrowed),
            Value::Record(r) => match r.shape.slot(name) {
                Some(slot) => match r.slots.get(slot) {
                    Some(Value::Absent) | None => None,
                    Some(v) => Some(Cow::Borrowed(v)),
                },
                None => r.extra.as_ref()?.member(name).map(Cow::Owned),
            },
            _ => None,
        }
    }

    /// `xs[i]` of a list: `None` past either end (a negative index is never in).
    pub fn get_index(&self, i: i64) -> Option<&Value> {
        let items = self.as_list()?;
        usize::try_from(i).ok().and_then(|i| items.get(i))
    }
}

/// `target = { ..target, key: value }` in place: a record's present field is set
/// in its slot, and an object's member by name, without copying the rest when
/// nothing else holds it (`Rc::make_mut`). Anything else becomes what the spread
/// gives — an object of the members, then `key` — so that the output is the same
/// member for member and in the same order.
pub fn update_field(target: &mut Value, key: Str, value: Value) {
    if let Value::Record(r) = target
        && let Some(slot) = r.shape.slot(key.as_str())
        && !r.slots[slot].is_absent()
        && !value.is_absent()
    {
        Rc::make_mut(r).slots[slot] = value;
        return;
    }
    if let Value::Object(o) = target {
        Rc::make_mut(o).insert(key, value);
        return;
    }
    let mut object = match target {
        Value::Record(r) => Object::from_pairs(r.members()),
        _ => Object::new(),
    };
    object.insert(key, value);
    *target = Value::object(object);
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Value {
        Value::Int(i)
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float(f)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Str(Str::from(s))
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Str(Str::from(s))
    }
}

impl From<Str> for Value {
    fn from(s: Str) -> Value {
        Value::Str(s)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Value {
        Value::list(items)
    }
}

impl From<Object> for Value {
    fn from(o: Object) -> Value {
        Value::object(o)
    }
}

impl From<Record> for Value {
    fn from(r: Record) -> Value {
        Value::record(r)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_and_accessors() {
        assert_eq!(Value::from(true).as_bool(), Some(true));
        assert_eq!(Value::from(3).as_int(), Some(3));
        assert_eq!(Value::from(3).as_float(), Some(3.0));
        assert_eq!(Value::from(2.5).as_float(), Some(2.5));
        assert_eq!(Value::from(2.5).as_int(), None);
        assert_eq!(Value::from("s").as_str(), Some("s"));
        assert_eq!(
            Value::from(String::from("s")).as_string(),
            Some(&Str::from("s"))
        );
        assert_eq!(Value::from(Str::from("s")), Value::from_static("s"));
        assert_eq!(
            Value::from(vec![Value::Null]).as_list().map(<[Value]>::len),
            Some(1)
        );
        assert!(Value::from(Object::new()).as_object().is_some());
        assert!(Value::from(None::<i64>).is_null());
        assert_eq!(Value::from(Some(1)), Value::Int(1));
        assert!(Value::from_option(None).is_null());
        assert!(Value::Absent.is_absent());
        assert!(Value::Absent.is_missing() && Value::Null.is_missing());
        assert!(!Value::Int(0).is_missing());
        assert!(Value::default().is_null());
        assert_eq!(Value::Null.as_bool(), None);
        assert_eq!(Value::Null.as_str(), None);
        assert_eq!(Value::Null.as_record().map(|r| r.slots.len()), None);
    }

    #[test]
    fn kind_names() {
        let shape = Shape::intern(&[], false);
        let cases = [
            (Value::Absent, "missing"),
            (Value::Null, "null"),
            (Value::Bool(false), "a boolean"),
            (Value::Int(1), "a number"),
            (Value::Float(1.5), "a number"),
            (Value::from("x"), "a string"),
            (Value::list(vec![]), "a list"),
            (Value::object(Object::new()), "an object"),
            (Value::record(Record::new(shape, vec![], None)), "an object"),
        ];
        for (v, name) in cases {
            assert_eq!(v.kind_name(), name);
        }
    }

    #[test]
    fn get_field_of_records_objects_and_extra() {
        let shape = Shape::intern(&["id", "phone"], true);
        let r = Value::record(Record::new(
            shape,
            vec![Value::from("a1"), Value::Absent],
            Some(Str::from("\"archived\":false,\"n\":{\"x\":1}").into()),
        ));
        assert_eq!(r.get_field("id").as_deref(), Some(&Value::from("a1")));
        assert_eq!(r.get_field("phone"), None);
        assert_eq!(
            r.get_field("archived").as_deref(),
            Some(&Value::Bool(false))
        );
        assert!(matches!(r.get_field("archived"), Some(Cow::Owned(_))));
        assert_eq!(
            r.get_field("n").unwrap().get_field("x").as_deref(),
            Some(&Value::Int(1))
        );
        assert_eq!(r.get_field("nope"), None);
        let o = Value::object(Object::from_pairs([(Str::from("k"), Value::Int(1))]));
        assert_eq!(o.get_field("k").as_deref(), Some(&Value::Int(1)));
        assert_eq!(o.get_field("j"), None);
        assert_eq!(Value::Int(1).get_field("k"), None);
    }

    #[test]
    fn records_whose_slots_do_not_fit_their_shape_do_not_panic() {
        let shape = Shape::intern(&["a", "b"], false);
        let short = Value::record(Record {
            shape,
            slots: vec![Value::Int(1)].into(),
            extra: None,
        });
        assert_eq!(short.get_field("b"), None);
        assert_eq!(crate::json::to_json_string(&short), "{\"a\":1}");
        let long = Value::record(Record {
            shape,
            slots: vec![Value::Int(1), Value::Int(2), Value::Int(3)].into(),
            extra: None,
        });
        assert_eq!(crate::json::to_json_string(&long), "{\"a\":1,\"b\":2}");
        assert_ne!(short, long);
    }

    #[test]
    fn get_index_of_lists() {
        let xs = Value::list(vec![Value::Int(10), Value::Int(20)]);
        assert_eq!(xs.get_index(0), Some(&Value::Int(10)));
        assert_eq!(xs.get_index(1), Some(&Value::Int(20)));
        assert_eq!(xs.get_index(2), None);
        assert_eq!(xs.get_index(-1), None);
        assert_eq!(Value::Null.get_index(0), None);
    }

    #[test]
    fn update_field_in_place_keeps_members_and_order_of_a_spread() {
        let shape = Shape::intern(&["a", "b"], false);
        let mut r = Value::record(Record::new(shape, vec![Value::Int(1), Value::Int(2)], None));
        let before = r.as_record().map(|r| r as *const Record);
        update_field(&mut r, Str::from("b"), Value::Int(3));
        assert_eq!(
            r.as_record().map(|r| r as *const Record),
            before,
            "updated in place"
        );
        assert_eq!(crate::json::to_json_string(&r), "{\"a\":1,\"b\":3}");
        let kept = r.clone();
        update_field(&mut r, Str::from("a"), Value::Int(0));
        assert_eq!(crate::json::to_json_string(&kept), "{\"a\":1,\"b\":3}");
        assert_eq!(crate::json::to_json_string(&r), "{\"a\":0,\"b\":3}");
        update_field(&mut r, Str::from("c"), Value::Int(4));
        assert_eq!(crate::json::to_json_string(&r), "{\"a\":0,\"b\":3,\"c\":4}");
        let mut absent =
            Value::record(Record::new(shape, vec![Value::Absent, Value::Int(2)], None));
        update_field(&mut absent, Str::from("a"), Value::Int(1));
        assert_eq!(crate::json::to_json_string(&absent), "{\"b\":2,\"a\":1}");
        let mut null = Value::Null;
        update_field(&mut null, Str::from("a"), Value::Int(1));
        assert_eq!(crate::json::to_json_string(&null), "{\"a\":1}");
    }

    #[test]
    fn value_is_small() {
        // three words: the tag of `Value` lives in a spare value of `Str`'s tag
        assert_eq!(std::mem::size_of::<Value>(), 24);
    }
}
