//! Which scalars a type accepts, shared by decoding (scalars straight from the
//! parser) and conversion (scalars already in memory); and, for lists and
//! objects, which member of a type receives them.

use super::desc::{FieldDesc, TypeDesc};
use super::error::{Failure, excerpt_str};
use super::formats::{is_date, is_datetime, is_url};
use crate::value::{Shape, Value};

/// A JSON scalar, as the parser or a value gives it.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Scalar<'a> {
    Null,
    Bool(bool),
    Int(i64),
    /// A non-negative integer beyond `i64` (the parser gives these as `u64`).
    UInt(u64),
    Float(f64),
    Str(&'a str),
}

/// What an accepted scalar becomes.
#[derive(Debug)]
pub(crate) enum Accepted<'d> {
    /// The scalar itself, as its JSON value (a `UInt` beyond `i64` as a `Float`).
    Same,
    /// An integer (from a whole float or a `UInt`, for `Int`).
    Int(i64),
    /// A float (from an integer, for `Float`).
    Float(f64),
    /// The literal of a literal type (shares its text).
    Literal(&'d Value),
}

/// 2^63 as a float: the first float beyond `i64`.
const TWO_63: f64 = 9_223_372_036_854_775_808.0;

impl Scalar<'_> {
    /// The excerpt for messages: `null`, `true`, `42`, `61.5`, `"61,5"`.
    pub(crate) fn found(&self) -> String {
        match self {
            Scalar::Null => "null".into(),
            Scalar::Bool(b) => b.to_string(),
            Scalar::Int(i) => itoa::Buffer::new().format(*i).to_string(),
            Scalar::UInt(u) => itoa::Buffer::new().format(*u).to_string(),
            Scalar::Float(f) => super::write::float_text(*f),
            Scalar::Str(s) => excerpt_str(s),
        }
    }

    /// The scalar as an integer, if it is a whole number in `i64`'s range.
    fn as_int(&self) -> Option<i64> {
        match *self {
            Scalar::Int(i) => Some(i),
            Scalar::UInt(u) => i64::try_from(u).ok(),
            Scalar::Float(f) if f.fract() == 0.0 && (-TWO_63..TWO_63).contains(&f) => {
                Some(f as i64)
            }
            _ => None,
        }
    }

    fn is_number(&self) -> bool {
        matches!(self, Scalar::Int(_) | Scalar::UInt(_) | Scalar::Float(_))
    }

    /// The scalar as a `Value`, for a string `s` already made into a value.
    pub(crate) fn to_value(self, text: impl FnOnce(&str) -> Value) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::Int(i),
            Scalar::UInt(u) => i64::try_from(u).map_or(Value::Float(u as f64), Value::Int),
            Scalar::Float(f) => Value::Float(f),
            Scalar::Str(s) => text(s),
        }
    }

    /// The scalar of a value (`None` for lists, records, objects and absent).
    pub(crate) fn of(value: &Value) -> Option<Scalar<'_>> {
        Some(match value {
            Value::Null => Scalar::Null,
            Value::Bool(b) => Scalar::Bool(*b),
            Value::Int(i) => Scalar::Int(*i),
            Value::Float(f) => Scalar::Float(*f),
            Value::Str(s) => Scalar::Str(s),
            Value::Absent | Value::List(_) | Value::Record(_) | Value::Object(_) => return None,
        })
    }
}

/// Whether `desc` accepts `s`, and as what. Unions try their members in order.
pub(crate) fn accept<'d>(desc: &'d TypeDesc, s: &Scalar<'_>) -> Option<Accepted<'d>> {
    match desc {
        TypeDesc::Json => Some(Accepted::Same),
        TypeDesc::Null => matches!(s, Scalar::Null).then_some(Accepted::Same),
        TypeDesc::Bool => matches!(s, Scalar::Bool(_)).then_some(Accepted::Same),
        TypeDesc::Int => match s {
            Scalar::Int(_) => Some(Accepted::Same),
            _ => s.as_int().map(Accepted::Int),
        },
        TypeDesc::Float => match *s {
            Scalar::Float(_) => Some(Accepted::Same),
            Scalar::Int(i) => Some(Accepted::Float(i as f64)),
            Scalar::UInt(u) => Some(Accepted::Float(u as f64)),
            _ => None,
        },
        TypeDesc::String | TypeDesc::Secret => {
            matches!(s, Scalar::Str(_)).then_some(Accepted::Same)
        }
        TypeDesc::Date => matches!(s, Scalar::Str(t) if is_date(t)).then_some(Accepted::Same),
        TypeDesc::DateTime => {
            matches!(s, Scalar::Str(t) if is_datetime(t)).then_some(Accepted::Same)
        }
        TypeDesc::Url => matches!(s, Scalar::Str(t) if is_url(t)).then_some(Accepted::Same),
        TypeDesc::Literal(lit) => {
            let fits = match (lit, s) {
                (Value::Str(l), Scalar::Str(t)) => l.as_str() == *t,
                (Value::Int(l), _) if s.is_number() => s.as_int() == Some(*l),
                (Value::Bool(l), Scalar::Bool(b)) => l == b,
                (Value::Null, Scalar::Null) => true,
                _ => false,
            };
            fits.then_some(Accepted::Literal(lit))
        }
        TypeDesc::Optional(inner) => match s {
            Scalar::Null => Some(Accepted::Same),
            _ => accept(inner, s),
        },
        TypeDesc::Union(members) => members.iter().find_map(|m| accept(m, s)),
        TypeDesc::Named { body, .. } => accept(body, s),
        TypeDesc::List(_) | TypeDesc::Map(_) | TypeDesc::Record { .. } => None,
    }
}

/// Where a list or an object goes, for a type.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Target<'d> {
    /// The type does not accept this kind of value.
    None,
    Json,
    List(&'d TypeDesc),
    Map(&'d TypeDesc),
    Record(&'static Shape, &'d [FieldDesc]),
    /// A union with more than one member that accepts this kind: the value is
    /// built first and then converted to each member in turn.
    Ambiguous,
}

impl Target<'_> {
    fn is_none(&self) -> bool {
        matches!(self, Target::None)
    }
}

/// The type of the field at `slot` (`Json` should a hand-made descriptor have
/// fewer field types than its shape has fields).
pub(crate) fn field_type(fields: &[FieldDesc], slot: usize) -> &TypeDesc {
    const ANY: &TypeDesc = &TypeDesc::Json;
    fields.get(slot).map_or(ANY, |f| &f.desc)
}

/// The failure for the first required field of `shape` still absent in `slots`.
pub(crate) fn missing_field(
    shape: &Shape,
    fields: &[FieldDesc],
    slots: &[Value],
) -> Option<Failure> {
    shape
        .fields
        .iter()
        .zip(fields)
        .zip(slots)
        .find(|((_, field), value)| value.is_absent() && !field.may_be_absent())
        .map(|((name, field), _)| Failure::missing(name, &field.desc))
}

/// Where an object goes when `desc` is expected.
pub(crate) fn object_target(desc: &TypeDesc) -> Target<'_> {
    target(desc, &|d| match d {
        TypeDesc::Map(elem) => Target::Map(elem),
        TypeDesc::Record { shape, fields } => Target::Record(shape, fields),
        _ => Target::None,
    })
}

/// Where a list goes when `desc` is expected.
pub(crate) fn list_target(desc: &TypeDesc) -> Target<'_> {
    target(desc, &|d| match d {
        TypeDesc::List(elem) => Target::List(elem),
        _ => Target::None,
    })
}

fn target<'d>(desc: &'d TypeDesc, direct: &dyn Fn(&'d TypeDesc) -> Target<'d>) -> Target<'d> {
    match desc {
        TypeDesc::Json => Target::Json,
        TypeDesc::Optional(inner) | TypeDesc::Named { body: inner, .. } => target(inner, direct),
        TypeDesc::Union(members) => {
            let mut found = Target::None;
            for member in members.iter() {
                let t = target(member, direct);
                if t.is_none() {
                    continue;
                }
                if !found.is_none() {
                    return Target::Ambiguous;
                }
                found = t;
            }
            found
        }
        other => direct(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accepts(desc: &TypeDesc, s: Scalar<'_>) -> Option<String> {
        accept(desc, &s).map(|a| match a {
            Accepted::Same => "same".to_string(),
            Accepted::Int(i) => format!("int {i}"),
            Accepted::Float(f) => format!("float {f:?}"),
            Accepted::Literal(v) => format!("literal {v:?}"),
        })
    }

    #[test]
    fn numbers() {
        assert_eq!(
            accepts(&TypeDesc::Int, Scalar::Int(-3)).as_deref(),
            Some("same")
        );
        assert_eq!(
            accepts(&TypeDesc::Int, Scalar::Float(70.0)).as_deref(),
            Some("int 70")
        );
        assert_eq!(accepts(&TypeDesc::Int, Scalar::Float(70.5)), None);
        assert_eq!(accepts(&TypeDesc::Int, Scalar::Float(1e19)), None);
        assert_eq!(
            accepts(&TypeDesc::Int, Scalar::Float(-9.223_372_036_854_776e18)).as_deref(),
            Some("int -9223372036854775808")
        );
        assert_eq!(accepts(&TypeDesc::Int, Scalar::UInt(u64::MAX)), None);
        assert_eq!(accepts(&TypeDesc::Int, Scalar::Str("1")), None);
        assert_eq!(
            accepts(&TypeDesc::Float, Scalar::Int(70)).as_deref(),
            Some("float 70.0")
        );
        assert_eq!(
            accepts(&TypeDesc::Float, Scalar::UInt(u64::MAX)).as_deref(),
            Some("float 1.8446744073709552e19")
        );
        assert_eq!(
            accepts(&TypeDesc::Float, Scalar::Float(61.5)).as_deref(),
            Some("same")
        );
        assert_eq!(accepts(&TypeDesc::Float, Scalar::Str("61,5")), None);
        assert_eq!(accepts(&TypeDesc::Float, Scalar::Null), None);
    }

    #[test]
    fn strings_and_subtypes() {
        assert!(accepts(&TypeDesc::String, Scalar::Str("")).is_some());
        assert!(accepts(&TypeDesc::Secret, Scalar::Str("x")).is_some());
        assert!(accepts(&TypeDesc::String, Scalar::Int(1)).is_none());
        assert!(accepts(&TypeDesc::Date, Scalar::Str("2024-02-29")).is_some());
        assert!(accepts(&TypeDesc::Date, Scalar::Str("2023-02-29")).is_none());
        assert!(
            accepts(
                &TypeDesc::DateTime,
                Scalar::Str("2024-01-01T06:00:32.267459Z")
            )
            .is_some()
        );
        assert!(accepts(&TypeDesc::DateTime, Scalar::Str("2024-01-01")).is_none());
        assert!(accepts(&TypeDesc::Url, Scalar::Str("https://x.org")).is_some());
        assert!(accepts(&TypeDesc::Url, Scalar::Str("/x")).is_none());
        assert!(accepts(&TypeDesc::Bool, Scalar::Bool(false)).is_some());
        assert!(accepts(&TypeDesc::Null, Scalar::Null).is_some());
        assert!(accepts(&TypeDesc::Null, Scalar::Bool(false)).is_none());
        assert!(accepts(&TypeDesc::Json, Scalar::Float(1.5)).is_some());
        assert!(accepts(&TypeDesc::list(TypeDesc::Json), Scalar::Null).is_none());
    }

    #[test]
    fn literals_unions_optionals() {
        let sex = TypeDesc::enumeration(&["female", "male"]);
        assert_eq!(
            accepts(&sex, Scalar::Str("male")).as_deref(),
            Some("literal Str(\"male\")")
        );
        assert_eq!(accepts(&sex, Scalar::Str("Male")), None);
        assert_eq!(
            accepts(&TypeDesc::Literal(Value::Int(3)), Scalar::Float(3.0)).as_deref(),
            Some("literal Int(3)")
        );
        assert_eq!(
            accepts(&TypeDesc::Literal(Value::Int(3)), Scalar::Str("3")),
            None
        );
        assert!(accepts(&TypeDesc::Literal(Value::Bool(true)), Scalar::Bool(true)).is_some());
        assert!(accepts(&TypeDesc::Literal(Value::Bool(true)), Scalar::Bool(false)).is_none());
        assert!(accepts(&TypeDesc::Literal(Value::Null), Scalar::Null).is_some());
        let opt = TypeDesc::optional(TypeDesc::named("Sex", sex));
        assert_eq!(accepts(&opt, Scalar::Null).as_deref(), Some("same"));
        assert!(accepts(&opt, Scalar::Str("female")).is_some());
        let union = TypeDesc::Union(vec![TypeDesc::Int, TypeDesc::Float].into());
        assert_eq!(
            accepts(&union, Scalar::Float(2.0)).as_deref(),
            Some("int 2")
        );
    }

    #[test]
    fn found_text() {
        assert_eq!(Scalar::Null.found(), "null");
        assert_eq!(Scalar::Bool(true).found(), "true");
        assert_eq!(Scalar::Int(-1).found(), "-1");
        assert_eq!(
            Scalar::UInt(18_446_744_073_709_551_615).found(),
            "18446744073709551615"
        );
        assert_eq!(Scalar::Float(1e21).found(), "1e21");
        assert_eq!(Scalar::Str("61,5").found(), "\"61,5\"");
    }

    #[test]
    fn scalars_of_values() {
        assert!(matches!(Scalar::of(&Value::Int(1)), Some(Scalar::Int(1))));
        assert!(Scalar::of(&Value::list(vec![])).is_none());
        assert!(Scalar::of(&Value::Absent).is_none());
        let v = Scalar::UInt(u64::MAX).to_value(|_| Value::Null);
        assert_eq!(v, Value::Float(18_446_744_073_709_551_615.0));
        assert_eq!(Scalar::UInt(5).to_value(|_| Value::Null), Value::Int(5));
        assert_eq!(
            Scalar::Str("x").to_value(|t| Value::from(t)),
            Value::from("x")
        );
    }

    #[test]
    fn targets() {
        let rec = TypeDesc::record(vec![("a", FieldDesc::required(TypeDesc::Int))], false);
        assert!(matches!(object_target(&rec), Target::Record(..)));
        assert!(matches!(
            object_target(&TypeDesc::optional(TypeDesc::named("R", rec.clone()))),
            Target::Record(..)
        ));
        assert!(matches!(
            object_target(&TypeDesc::map(TypeDesc::Int)),
            Target::Map(_)
        ));
        assert!(matches!(object_target(&TypeDesc::Json), Target::Json));
        assert!(matches!(object_target(&TypeDesc::Int), Target::None));
        let two = TypeDesc::Union(vec![rec.clone(), TypeDesc::map(TypeDesc::Int)].into());
        assert!(matches!(object_target(&two), Target::Ambiguous));
        let one = TypeDesc::Union(vec![TypeDesc::Null, rec, TypeDesc::list(TypeDesc::Int)].into());
        assert!(matches!(object_target(&one), Target::Record(..)));
        assert!(matches!(list_target(&one), Target::List(_)));
        assert!(matches!(list_target(&TypeDesc::String), Target::None));
        assert!(matches!(list_target(&TypeDesc::Json), Target::Json));
    }
}
