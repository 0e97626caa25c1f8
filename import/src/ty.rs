//! The Ferry types the importer writes, and how they are written.

use crate::names;

#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    Bool,
    Int,
    Float,
    String,
    Date,
    DateTime,
    Url,
    Json,
    Null,
    Lit(Lit),
    /// A type declared in the adaptor (`type Name = …`).
    Named(String),
    List(Box<Ty>),
    Map(Box<Ty>),
    Record(Record),
    Union(Vec<Ty>),
    Optional(Box<Ty>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Lit {
    Str(String),
    Int(i64),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Record {
    pub fields: Vec<Field>,
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    /// The name as the API spells it.
    pub name: String,
    pub ty: Ty,
    /// May be absent (`name?: T`); a `T?` field may be absent or null.
    pub absent: bool,
    pub doc: Option<String>,
}

impl Ty {
    /// `T?`, never `T??`; `Json` and `Null` already hold null.
    pub fn optional(self) -> Ty {
        match self {
            Ty::Optional(_) | Ty::Json | Ty::Null => self,
            ty => Ty::Optional(Box::new(ty)),
        }
    }

    pub fn is_optional(&self) -> bool {
        matches!(self, Ty::Optional(_) | Ty::Json | Ty::Null)
    }

    /// A union of the members, flattened and without repeats; one member is
    /// itself; a `Null` member makes the union optional.
    pub fn union(members: Vec<Ty>) -> Ty {
        let mut flat: Vec<Ty> = Vec::new();
        let mut nullable = false;
        for member in members {
            let parts = match member {
                Ty::Union(parts) => parts,
                Ty::Optional(inner) => {
                    nullable = true;
                    match *inner {
                        Ty::Union(parts) => parts,
                        other => vec![other],
                    }
                }
                Ty::Null => {
                    nullable = true;
                    vec![]
                }
                other => vec![other],
            };
            for part in parts {
                if part == Ty::Json {
                    return Ty::Json;
                }
                if !flat.contains(&part) {
                    flat.push(part);
                }
            }
        }
        let ty = match flat.len() {
            0 => return Ty::Null,
            1 => flat.pop().expect("one member"),
            _ => Ty::Union(flat),
        };
        if nullable { ty.optional() } else { ty }
    }

    /// The type as Ferry writes it.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Ty::Bool => out.push_str("Bool"),
            Ty::Int => out.push_str("Int"),
            Ty::Float => out.push_str("Float"),
            Ty::String => out.push_str("String"),
            Ty::Date => out.push_str("Date"),
            Ty::DateTime => out.push_str("DateTime"),
            Ty::Url => out.push_str("Url"),
            Ty::Json => out.push_str("Json"),
            Ty::Null => out.push_str("Null"),
            Ty::Lit(lit) => out.push_str(&lit.render()),
            Ty::Named(name) => out.push_str(name),
            Ty::List(inner) => {
                out.push('[');
                inner.write(out);
                out.push(']');
            }
            Ty::Map(inner) => {
                out.push_str("{String: ");
                inner.write(out);
                out.push('}');
            }
            Ty::Record(record) => record.write(out),
            Ty::Union(members) => {
                for (i, member) in members.iter().enumerate() {
                    if i > 0 {
                        out.push_str(" | ");
                    }
                    member.write(out);
                }
            }
            Ty::Optional(inner) => {
                if matches!(**inner, Ty::Union(_)) {
                    out.push('(');
                    inner.write(out);
                    out.push(')');
                } else {
                    inner.write(out);
                }
                out.push('?');
            }
        }
    }
}

impl Lit {
    pub fn render(&self) -> String {
        match self {
            Lit::Str(s) => names::string_literal(s),
            Lit::Int(n) => n.to_string(),
            Lit::Bool(b) => b.to_string(),
        }
    }
}

impl Record {
    fn write(&self, out: &mut String) {
        if self.fields.is_empty() {
            out.push_str(if self.open { "{ .. }" } else { "{}" });
            return;
        }
        // Fields on their own lines (the formatter joins short records), so
        // that doc comments have a line of their own.
        out.push_str("{\n");
        for field in &self.fields {
            if let Some(doc) = &field.doc {
                out.push_str(&names::doc_comment(doc, ""));
            }
            out.push_str(&names::field_name(&field.name));
            if field.absent && !field.ty.is_optional() {
                out.push('?');
            }
            out.push_str(": ");
            field.ty.write(out);
            out.push_str(",\n");
        }
        if self.open {
            out.push_str("..\n");
        }
        out.push('}');
    }
}
