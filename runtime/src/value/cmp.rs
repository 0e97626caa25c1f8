//! Equality, hashing and ordering of values, with JSON semantics.
//!
//! - `==` is JSON equality: `Int(1) == Float(1.0)`; a `Record` equals an `Object`
//!   with the same members; key order never matters; absent slots are not members;
//!   the extra members of open records count (parsed when compared).
//! - `Hash` agrees with `==` (a whole float hashes as the integer it equals; the
//!   members of records and objects hash in any order).
//! - [`compare`] is the language's `< <= > >=`: numbers (Int and Float mixed,
//!   exactly), strings by code point (so `Date`s, and `DateTime`s written alike,
//!   compare as their text does); anything else is not ordered.
//! - [`total_cmp`] is a total order over all values, for sorting.

use std::cmp::Ordering;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use super::{Object, Record, Str, Value};

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Absent, Value::Absent) | (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::Int(i), Value::Float(f)) | (Value::Float(f), Value::Int(i)) => {
                int_float_cmp(*i, *f) == Some(Ordering::Equal)
            }
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::List(a), Value::List(b)) => Rc::ptr_eq(a, b) || a == b,
            (Value::Record(a), Value::Record(b)) if Rc::ptr_eq(a, b) => true,
            (Value::Record(a), Value::Record(b))
                if std::ptr::eq(a.shape, b.shape) && a.extra.is_none() && b.extra.is_none() =>
            {
                a.slots == b.slots
            }
            (Value::Object(a), Value::Object(b)) => Rc::ptr_eq(a, b) || objects_eq(a, b),
            (Value::Record(_) | Value::Object(_), Value::Record(_) | Value::Object(_)) => {
                members_eq(self, other)
            }
            _ => false,
        }
    }
}

/// Two objects with the same members, in any order.
fn objects_eq(a: &Object, b: &Object) -> bool {
    a.len() == b.len() && a.iter().all(|(k, v)| b.get(k) == Some(v))
}

/// The members of a record (present slots, then extra) or an object, for
/// comparisons that involve a record.
enum Members<'a> {
    Object(&'a Object),
    Record(&'a Record, Vec<(Str, Value)>),
}

impl<'a> Members<'a> {
    fn of(v: &'a Value) -> Members<'a> {
        match v {
            Value::Record(r) => Members::Record(r, r.extra_members()),
            Value::Object(o) => Members::Object(o),
            _ => unreachable!("members of a record or an object only"),
        }
    }

    fn len(&self) -> usize {
        match self {
            Members::Object(o) => o.len(),
            Members::Record(r, extra) => {
                r.slots.iter().filter(|v| !v.is_absent()).count() + extra.len()
            }
        }
    }

    fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Members::Object(o) => o.get(key),
            Members::Record(r, extra) => match r.shape.slot(key) {
                Some(slot) => r.slots.get(slot).filter(|v| !v.is_absent()),
                None => extra
                    .iter()
                    .find(|(k, _)| k.as_str() == key)
                    .map(|(_, v)| v),
            },
        }
    }

    fn for_each_while(&self, mut f: impl FnMut(&str, &Value) -> bool) -> bool {
        match self {
            Members::Object(o) => o.iter().all(|(k, v)| f(k, v)),
            Members::Record(r, extra) => {
                r.shape
                    .fields
                    .iter()
                    .zip(r.slots.iter())
                    .filter(|(_, v)| !v.is_absent())
                    .all(|(k, v)| f(k, v))
                    && extra.iter().all(|(k, v)| f(k, v))
            }
        }
    }
}

fn members_eq(a: &Value, b: &Value) -> bool {
    let (a, b) = (Members::of(a), Members::of(b));
    a.len() == b.len() && a.for_each_while(|k, v| b.get(k) == Some(v))
}

/// `i` compared with `f`, exactly (no rounding of `i` to a float); `None` for NaN.
fn int_float_cmp(i: i64, f: f64) -> Option<Ordering> {
    if f.is_nan() {
        return None;
    }
    // 2^63 is exactly representable; every f64 in [-2^63, 2^63) truncates into i64.
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    if f >= TWO_63 {
        return Some(Ordering::Less);
    }
    if f < -TWO_63 {
        return Some(Ordering::Greater);
    }
    let whole = f.trunc();
    match i.cmp(&(whole as i64)) {
        Ordering::Equal => 0.0.partial_cmp(&(f - whole)),
        unequal => Some(unequal),
    }
}

/// The language's ordering (`<`, `<=`, `>`, `>=`): numbers (mixed exactly) and
/// strings (by code point). `None` for values that are not ordered (other types,
/// different types, NaN).
pub fn compare(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Int(a), Value::Int(b)) => Some(a.cmp(b)),
        (Value::Float(a), Value::Float(b)) => a.partial_cmp(b),
        (Value::Int(i), Value::Float(f)) => int_float_cmp(*i, *f),
        (Value::Float(f), Value::Int(i)) => int_float_cmp(*i, *f).map(Ordering::reverse),
        (Value::Str(a), Value::Str(b)) => Some(a.cmp(b)),
        _ => None,
    }
}

/// A total order over all values, for sorting: by kind first (absent, null,
/// booleans, numbers, strings, lists, objects), numbers exactly with NaN last,
/// strings by code point, lists element by element; records and objects, which
/// have no natural order, compare equal.
pub fn total_cmp(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Absent => 0,
            Value::Null => 1,
            Value::Bool(_) => 2,
            Value::Int(_) | Value::Float(_) => 3,
            Value::Str(_) => 4,
            Value::List(_) => 5,
            Value::Record(_) | Value::Object(_) => 6,
        }
    }
    match (a, b) {
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::Float(x), _) | (_, Value::Float(x)) if x.is_nan() => {
            let nan = |v: &Value| matches!(v, Value::Float(f) if f.is_nan());
            match (nan(a), nan(b)) {
                (true, true) => Ordering::Equal,
                (true, false) => rank(a).cmp(&rank(b)).then(Ordering::Greater),
                (false, _) => rank(a).cmp(&rank(b)).then(Ordering::Less),
            }
        }
        (Value::List(a), Value::List(b)) => {
            for (x, y) in a.iter().zip(b.iter()) {
                match total_cmp(x, y) {
                    Ordering::Equal => {}
                    unequal => return unequal,
                }
            }
            a.len().cmp(&b.len())
        }
        _ => compare(a, b).unwrap_or_else(|| rank(a).cmp(&rank(b))),
    }
}

impl Hash for Value {
    fn hash<H: Hasher>(&self, state: &mut H) {
        match self {
            Value::Absent => state.write_u8(0),
            Value::Null => state.write_u8(1),
            Value::Bool(b) => {
                state.write_u8(2);
                b.hash(state);
            }
            Value::Int(i) => hash_int(*i, state),
            Value::Float(f) => {
                let whole = f.trunc();
                if whole == *f && (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(f)
                {
                    hash_int(whole as i64, state);
                } else {
                    state.write_u8(4);
                    f.to_bits().hash(state);
                }
            }
            Value::Str(s) => {
                state.write_u8(5);
                s.hash(state);
            }
            Value::List(items) => {
                state.write_u8(6);
                state.write_usize(items.len());
                for item in items.iter() {
                    item.hash(state);
                }
            }
            Value::Record(_) | Value::Object(_) => {
                // The members in any order: combine one hash per member commutatively.
                let members = Members::of(self);
                let mut sum = 0u64;
                members.for_each_while(|k, v| {
                    let mut h = DefaultHasher::new();
                    k.hash(&mut h);
                    v.hash(&mut h);
                    sum = sum.wrapping_add(h.finish());
                    true
                });
                state.write_u8(7);
                state.write_usize(members.len());
                state.write_u64(sum);
            }
        }
    }
}

fn hash_int<H: Hasher>(i: i64, state: &mut H) {
    state.write_u8(3);
    state.write_i64(i);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Shape;

    fn hash(v: &Value) -> u64 {
        let mut h = DefaultHasher::new();
        v.hash(&mut h);
        h.finish()
    }

    fn obj(pairs: &[(&str, Value)]) -> Value {
        Value::object(Object::from_pairs(
            pairs.iter().map(|(k, v)| (Str::from(*k), v.clone())),
        ))
    }

    #[test]
    fn numbers_compare_across_int_and_float() {
        assert_eq!(Value::Int(1), Value::Float(1.0));
        assert_eq!(Value::Float(-0.0), Value::Int(0));
        assert_ne!(Value::Int(1), Value::Float(1.5));
        assert_ne!(
            Value::Int(9_007_199_254_740_993),
            Value::Float(9_007_199_254_740_992.0)
        );
        assert_ne!(Value::Int(i64::MAX), Value::Float(9.223_372_036_854_776e18));
        assert_eq!(
            Value::Int(i64::MIN),
            Value::Float(-9.223_372_036_854_776e18)
        );
        assert_ne!(Value::Float(f64::NAN), Value::Float(f64::NAN));
        assert_eq!(hash(&Value::Int(7)), hash(&Value::Float(7.0)));
        assert_ne!(hash(&Value::Int(7)), hash(&Value::Float(7.5)));
    }

    #[test]
    fn kinds_never_equal_each_other() {
        assert_ne!(Value::Null, Value::Absent);
        assert_ne!(Value::Int(0), Value::Bool(false));
        assert_ne!(Value::from("1"), Value::Int(1));
        assert_ne!(Value::list(vec![]), obj(&[]));
    }

    #[test]
    fn objects_ignore_key_order() {
        let a = obj(&[("a", Value::Int(1)), ("b", Value::Int(2))]);
        let b = obj(&[("b", Value::Int(2)), ("a", Value::Float(1.0))]);
        assert_eq!(a, b);
        assert_eq!(hash(&a), hash(&b));
        assert_ne!(a, obj(&[("a", Value::Int(1))]));
        assert_ne!(a, obj(&[("a", Value::Int(1)), ("c", Value::Int(2))]));
    }

    #[test]
    fn records_equal_objects_with_the_same_members() {
        let shape = Shape::intern(&["id", "phone"], true);
        let r = Value::record(Record::new(
            shape,
            vec![Value::from("x"), Value::Absent],
            Some(Str::from("\"n\":1").into()),
        ));
        let o = obj(&[("n", Value::Float(1.0)), ("id", Value::from("x"))]);
        assert_eq!(r, o);
        assert_eq!(o, r);
        assert_eq!(hash(&r), hash(&o));
        let with_null_phone = obj(&[
            ("n", Value::Int(1)),
            ("id", Value::from("x")),
            ("phone", Value::Null),
        ]);
        assert_ne!(r, with_null_phone);
        let other_shape = Shape::intern(&["n", "id"], false);
        let r2 = Value::record(Record::new(
            other_shape,
            vec![Value::Int(1), Value::from("x")],
            None,
        ));
        assert_eq!(r, r2);
        let same_shape = Value::record(Record::new(
            shape,
            vec![Value::from("x"), Value::Absent],
            None,
        ));
        assert_ne!(r, same_shape);
        let same_shape2 = Value::record(Record::new(
            shape,
            vec![Value::from("x"), Value::Absent],
            None,
        ));
        assert_eq!(same_shape, same_shape2);
        assert_eq!(r, r.clone());
    }

    #[test]
    fn lists_compare_elementwise() {
        let a = Value::list(vec![Value::Int(1), Value::from("a")]);
        assert_eq!(a, Value::list(vec![Value::Float(1.0), Value::from("a")]));
        assert_ne!(a, Value::list(vec![Value::from("a"), Value::Int(1)]));
        assert_eq!(a, a.clone());
        assert_eq!(
            hash(&a),
            hash(&Value::list(vec![Value::Float(1.0), Value::from("a")]))
        );
    }

    #[test]
    fn ordering() {
        use Ordering::*;
        assert_eq!(compare(&Value::Int(1), &Value::Float(1.5)), Some(Less));
        assert_eq!(compare(&Value::Float(1.5), &Value::Int(1)), Some(Greater));
        assert_eq!(compare(&Value::Int(-3), &Value::Float(-3.5)), Some(Greater));
        assert_eq!(compare(&Value::Int(2), &Value::Float(2.0)), Some(Equal));
        assert_eq!(
            compare(&Value::Int(i64::MAX), &Value::Float(1e19)),
            Some(Less)
        );
        assert_eq!(
            compare(&Value::Int(i64::MIN), &Value::Float(-1e19)),
            Some(Greater)
        );
        assert_eq!(compare(&Value::Float(f64::NAN), &Value::Int(1)), None);
        assert_eq!(compare(&Value::from("Z"), &Value::from("a")), Some(Less));
        assert_eq!(compare(&Value::from("é"), &Value::from("z")), Some(Greater));
        assert_eq!(
            compare(&Value::from("2024-01-09"), &Value::from("2024-01-10")),
            Some(Less)
        );
        assert_eq!(compare(&Value::Bool(true), &Value::Bool(false)), None);
        assert_eq!(compare(&Value::Int(1), &Value::from("1")), None);
    }

    #[test]
    fn total_order_for_sorting() {
        use Ordering::*;
        let nan = Value::Float(f64::NAN);
        assert_eq!(total_cmp(&nan, &nan), Equal);
        assert_eq!(total_cmp(&nan, &Value::Int(1)), Greater);
        assert_eq!(total_cmp(&Value::Int(1), &nan), Less);
        assert_eq!(total_cmp(&nan, &Value::from("a")), Less);
        assert_eq!(total_cmp(&Value::from("a"), &nan), Greater);
        assert_eq!(total_cmp(&Value::Null, &Value::Int(0)), Less);
        assert_eq!(total_cmp(&Value::Bool(false), &Value::Bool(true)), Less);
        assert_eq!(total_cmp(&Value::Int(5), &Value::from("5")), Less);
        let l1 = Value::list(vec![Value::Int(1)]);
        let l2 = Value::list(vec![Value::Int(1), Value::Int(0)]);
        assert_eq!(total_cmp(&l1, &l2), Less);
        assert_eq!(total_cmp(&obj(&[]), &obj(&[("a", Value::Null)])), Equal);
        let mut values = [
            Value::from("b"),
            nan.clone(),
            Value::Int(2),
            Value::Null,
            Value::Float(1.5),
            Value::from("a"),
            Value::Bool(true),
        ];
        values.sort_by(total_cmp);
        assert_eq!(values[0], Value::Null);
        assert_eq!(values[1], Value::Bool(true));
        assert_eq!(values[2], Value::Float(1.5));
        assert_eq!(values[3], Value::Int(2));
        assert!(matches!(values[4], Value::Float(f) if f.is_nan()));
        assert_eq!(values[5], Value::from("a"));
    }
}
