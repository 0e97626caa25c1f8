//! [`TypeDesc`]: what the compiler tells the runtime about a type, so that JSON
//! can be decoded (`input:`, op results) and converted (`e as T`) against it.

use std::fmt;

use crate::value::{Shape, Str, Value};

/// A type, as the decoder needs it.
#[derive(Clone, Debug)]
pub enum TypeDesc {
    Json,
    Null,
    Bool,
    Int,
    Float,
    String,
    Date,
    DateTime,
    Url,
    Secret,
    /// A literal type: a string, an integer, a boolean or null.
    Literal(Value),
    /// `T?`: `T` or null (and, as a record field, may be absent).
    Optional(Box<TypeDesc>),
    List(Box<TypeDesc>),
    /// `{String: T}`.
    Map(Box<TypeDesc>),
    /// `fields` is aligned with `shape.fields`; `shape.open` says whether the
    /// record keeps the members it does not name.
    Record {
        shape: &'static Shape,
        fields: Box<[FieldDesc]>,
    },
    /// Members are tried in order.
    Union(Box<[TypeDesc]>),
    /// A named type (for messages: `expected Registration`); decodes as its body.
    Named {
        name: Str,
        body: Box<TypeDesc>,
    },
}

/// A record field's type.
#[derive(Clone, Debug)]
pub struct FieldDesc {
    pub desc: TypeDesc,
    /// `b?: T`: the field may be absent.
    pub optional: bool,
}

impl FieldDesc {
    pub fn required(desc: TypeDesc) -> FieldDesc {
        FieldDesc {
            desc,
            optional: false,
        }
    }

    pub fn optional(desc: TypeDesc) -> FieldDesc {
        FieldDesc {
            desc,
            optional: true,
        }
    }

    /// Whether a value may leave the field out: `b?: T`, or `b: T?` (docs/language.md
    /// §4.2: `T?` as a record field may also be absent).
    pub fn may_be_absent(&self) -> bool {
        self.optional || matches!(self.desc.resolve(), TypeDesc::Optional(_))
    }
}

impl TypeDesc {
    /// `T?`.
    pub fn optional(desc: TypeDesc) -> TypeDesc {
        TypeDesc::Optional(Box::new(desc))
    }

    /// `[T]`.
    pub fn list(desc: TypeDesc) -> TypeDesc {
        TypeDesc::List(Box::new(desc))
    }

    /// `{String: T}`.
    pub fn map(desc: TypeDesc) -> TypeDesc {
        TypeDesc::Map(Box::new(desc))
    }

    /// A string literal type.
    pub fn literal_str(s: &str) -> TypeDesc {
        TypeDesc::Literal(Value::from(s))
    }

    /// A union of string literals (an enum): `"female" | "male"`.
    pub fn enumeration(members: &[&str]) -> TypeDesc {
        TypeDesc::Union(members.iter().map(|m| TypeDesc::literal_str(m)).collect())
    }

    /// A named type.
    pub fn named(name: &str, body: TypeDesc) -> TypeDesc {
        TypeDesc::Named {
            name: Str::from(name),
            body: Box::new(body),
        }
    }

    /// A record type of `(name, field)` pairs, with an interned shape.
    pub fn record(fields: Vec<(&str, FieldDesc)>, open: bool) -> TypeDesc {
        let names: Vec<&str> = fields.iter().map(|(name, _)| *name).collect();
        TypeDesc::Record {
            shape: Shape::intern(&names, open),
            fields: fields.into_iter().map(|(_, field)| field).collect(),
        }
    }

    /// The type a name stands for (through any number of [`TypeDesc::Named`]).
    pub fn resolve(&self) -> &TypeDesc {
        let mut desc = self;
        while let TypeDesc::Named { body, .. } = desc {
            desc = body;
        }
        desc
    }
}

impl fmt::Display for TypeDesc {
    /// The type in Ferry's syntax, as messages show it: `Float`, `[Registration]`,
    /// `"female" | "male"`, `{ lat: String, lng: String }`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_type(self, f, 0)
    }
}

/// Records nested deeper than this print as `{ .. }`.
const MAX_RECORD_DEPTH: usize = 2;

fn write_type(desc: &TypeDesc, f: &mut fmt::Formatter<'_>, depth: usize) -> fmt::Result {
    match desc {
        TypeDesc::Json => f.write_str("Json"),
        TypeDesc::Null => f.write_str("Null"),
        TypeDesc::Bool => f.write_str("Bool"),
        TypeDesc::Int => f.write_str("Int"),
        TypeDesc::Float => f.write_str("Float"),
        TypeDesc::String => f.write_str("String"),
        TypeDesc::Date => f.write_str("Date"),
        TypeDesc::DateTime => f.write_str("DateTime"),
        TypeDesc::Url => f.write_str("Url"),
        TypeDesc::Secret => f.write_str("Secret"),
        TypeDesc::Literal(v) => f.write_str(&crate::json::to_json_string(v)),
        TypeDesc::Optional(inner) => {
            if matches!(**inner, TypeDesc::Union(_)) {
                f.write_str("(")?;
                write_type(inner, f, depth)?;
                f.write_str(")?")
            } else {
                write_type(inner, f, depth)?;
                f.write_str("?")
            }
        }
        TypeDesc::List(inner) => {
            f.write_str("[")?;
            write_type(inner, f, depth)?;
            f.write_str("]")
        }
        TypeDesc::Map(inner) => {
            f.write_str("{String: ")?;
            write_type(inner, f, depth)?;
            f.write_str("}")
        }
        TypeDesc::Record { shape, fields } => {
            if depth >= MAX_RECORD_DEPTH {
                return f.write_str("{ .. }");
            }
            if shape.fields.is_empty() {
                return f.write_str(if shape.open { "{ .. }" } else { "{}" });
            }
            f.write_str("{ ")?;
            for (i, (name, field)) in shape.fields.iter().zip(fields.iter()).enumerate() {
                if i > 0 {
                    f.write_str(", ")?;
                }
                if is_identifier(name) {
                    f.write_str(name)?;
                } else {
                    f.write_str(&crate::json::to_json_string(&Value::Str(name.clone())))?;
                }
                f.write_str(if field.optional { "?: " } else { ": " })?;
                write_type(&field.desc, f, depth + 1)?;
            }
            f.write_str(if shape.open { ", .. }" } else { " }" })
        }
        TypeDesc::Union(members) => {
            for (i, member) in members.iter().enumerate() {
                if i > 0 {
                    f.write_str(" | ")?;
                }
                write_type(member, f, depth)?;
            }
            Ok(())
        }
        TypeDesc::Named { name, .. } => f.write_str(name),
    }
}

/// `[A-Za-z_][A-Za-z0-9_]*`: a field name that a path or a type writes bare.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut bytes = name.bytes();
    matches!(bytes.next(), Some(b'A'..=b'Z' | b'a'..=b'z' | b'_'))
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit() -> TypeDesc {
        TypeDesc::record(
            vec![
                ("weight_kg", FieldDesc::required(TypeDesc::Float)),
                ("height_cm", FieldDesc::required(TypeDesc::Int)),
            ],
            false,
        )
    }

    #[test]
    fn displays_in_ferry_syntax() {
        let cases: Vec<(TypeDesc, &str)> = vec![
            (TypeDesc::Json, "Json"),
            (TypeDesc::Null, "Null"),
            (TypeDesc::Bool, "Bool"),
            (TypeDesc::Int, "Int"),
            (TypeDesc::Float, "Float"),
            (TypeDesc::String, "String"),
            (TypeDesc::Date, "Date"),
            (TypeDesc::DateTime, "DateTime"),
            (TypeDesc::Url, "Url"),
            (TypeDesc::Secret, "Secret"),
            (TypeDesc::Literal(Value::Int(-3)), "-3"),
            (TypeDesc::Literal(Value::Bool(true)), "true"),
            (TypeDesc::Literal(Value::Null), "null"),
            (
                TypeDesc::enumeration(&["female", "male"]),
                "\"female\" | \"male\"",
            ),
            (TypeDesc::optional(TypeDesc::String), "String?"),
            (
                TypeDesc::optional(TypeDesc::enumeration(&["a", "b"])),
                "(\"a\" | \"b\")?",
            ),
            (
                TypeDesc::list(TypeDesc::named("Registration", visit())),
                "[Registration]",
            ),
            (TypeDesc::map(TypeDesc::Int), "{String: Int}"),
            (visit(), "{ weight_kg: Float, height_cm: Int }"),
            (TypeDesc::record(vec![], true), "{ .. }"),
            (TypeDesc::record(vec![], false), "{}"),
            (
                TypeDesc::record(
                    vec![
                        ("@name", FieldDesc::required(TypeDesc::String)),
                        ("b", FieldDesc::optional(TypeDesc::Int)),
                        ("visit", FieldDesc::required(visit())),
                    ],
                    true,
                ),
                "{ \"@name\": String, b?: Int, visit: { weight_kg: Float, height_cm: Int }, .. }",
            ),
        ];
        for (desc, text) in cases {
            assert_eq!(desc.to_string(), text);
        }
    }

    #[test]
    fn deep_records_are_elided() {
        let inner = TypeDesc::record(vec![("x", FieldDesc::required(visit()))], false);
        let outer = TypeDesc::record(vec![("a", FieldDesc::required(inner))], false);
        assert_eq!(outer.to_string(), "{ a: { x: { .. } } }");
    }

    #[test]
    fn resolve_and_absence() {
        let named = TypeDesc::named("A", TypeDesc::named("B", TypeDesc::optional(TypeDesc::Int)));
        assert!(matches!(named.resolve(), TypeDesc::Optional(_)));
        assert!(FieldDesc::required(named).may_be_absent());
        assert!(FieldDesc::optional(TypeDesc::Int).may_be_absent());
        assert!(!FieldDesc::required(TypeDesc::Json).may_be_absent());
        assert!(!FieldDesc::required(TypeDesc::Null).may_be_absent());
    }

    #[test]
    fn identifiers() {
        assert!(is_identifier("weight_kg"));
        assert!(is_identifier("_x1"));
        assert!(!is_identifier("@name"));
        assert!(!is_identifier("1x"));
        assert!(!is_identifier(""));
        assert!(!is_identifier("a-b"));
    }
}
