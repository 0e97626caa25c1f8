//! Types as the checker sees them, and how they print in messages: named types
//! by their names, literal unions as written, `T?` for optional.

use crate::source::{SourceId, Span};
use smol_str::SmolStr;
use std::fmt::Write;
use std::sync::Arc as Rc;

#[derive(Clone, Debug, PartialEq, Default)]
pub enum Ty {
    /// The type of something that failed to check: compatible with everything,
    /// so one mistake gives one error.
    #[default]
    Error,
    /// The type of `return`, `skip`, `fail`: no value ever arrives.
    Never,
    Null,
    Bool,
    Int,
    Float,
    String,
    Date,
    DateTime,
    Url,
    Secret,
    Json,
    Lit(Lit),
    List(Rc<Ty>),
    Map(Rc<Ty>),
    Record(Rc<Record>),
    /// Flattened, without duplicates, at least two members.
    Union(Rc<[Ty]>),
    Fn(Rc<FnTy>),
    Named(TypeId),
    /// A type variable of a standard-library signature (`map`'s `U`), bound at
    /// each call from the lambda given.
    Var(u8),
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Lit {
    Str(SmolStr),
    Int(i64),
    Bool(bool),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Record {
    pub fields: Vec<Field>,
    pub open: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub name: SmolStr,
    pub ty: Ty,
    /// `b?: T`: may be absent.
    pub optional: bool,
    pub doc: Option<String>,
    /// Where the field is declared, when it is declared in a type.
    pub origin: Option<(SourceId, Span)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FnTy {
    pub params: Vec<ParamTy>,
    pub ret: Ty,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParamTy {
    pub name: Option<SmolStr>,
    pub ty: Ty,
    pub has_default: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TypeId(pub u32);

/// A `type Name = …` declaration, in a job or an adaptor.
#[derive(Clone, Debug)]
pub struct NamedType {
    /// As messages print it: `Registration`, `dhis2.TrackedEntity`.
    pub name: String,
    pub ty: Ty,
    pub doc: Option<String>,
    pub origin: (SourceId, Span),
}

/// Every named type of a program.
#[derive(Clone, Debug, Default)]
pub struct TypeTable {
    named: Vec<NamedType>,
}

impl TypeTable {
    pub fn add(&mut self, named: NamedType) -> TypeId {
        self.named.push(named);
        TypeId(self.named.len() as u32 - 1)
    }

    pub fn get(&self, id: TypeId) -> &NamedType {
        &self.named[id.0 as usize]
    }

    pub fn set_body(&mut self, id: TypeId, ty: Ty) {
        self.named[id.0 as usize].ty = ty;
    }

    /// The structure under any names (a name whose body is a name, unfolded too).
    pub fn resolve<'a>(&'a self, mut ty: &'a Ty) -> &'a Ty {
        let mut guard = 0;
        while let Ty::Named(id) = ty {
            ty = &self.get(*id).ty;
            guard += 1;
            if guard > 64 {
                return &Ty::Error;
            }
        }
        ty
    }

    pub fn display(&self, ty: &Ty) -> String {
        let mut out = String::new();
        self.write(ty, &mut out, Context::Top);
        out
    }

    fn write(&self, ty: &Ty, out: &mut String, context: Context) {
        match ty {
            Ty::Error => out.push_str("{unknown}"),
            Ty::Never => out.push_str("Never"),
            Ty::Null => out.push_str("Null"),
            Ty::Bool => out.push_str("Bool"),
            Ty::Int => out.push_str("Int"),
            Ty::Float => out.push_str("Float"),
            Ty::String => out.push_str("String"),
            Ty::Date => out.push_str("Date"),
            Ty::DateTime => out.push_str("DateTime"),
            Ty::Url => out.push_str("Url"),
            Ty::Secret => out.push_str("Secret"),
            Ty::Json => out.push_str("Json"),
            Ty::Lit(lit) => out.push_str(&lit.to_string()),
            Ty::List(t) => {
                out.push('[');
                self.write(t, out, Context::Top);
                out.push(']');
            }
            Ty::Map(t) => {
                out.push_str("{String: ");
                self.write(t, out, Context::Top);
                out.push('}');
            }
            Ty::Record(r) => self.write_record(r, out),
            Ty::Union(members) => {
                let non_null: Vec<&Ty> = members.iter().filter(|m| **m != Ty::Null).collect();
                let optional = non_null.len() < members.len();
                if optional {
                    if non_null.len() == 1 {
                        self.write(non_null[0], out, Context::Optional);
                    } else {
                        out.push('(');
                        self.write_members(&non_null, out);
                        out.push(')');
                    }
                    out.push('?');
                } else {
                    let parens = context == Context::Optional;
                    if parens {
                        out.push('(');
                    }
                    self.write_members(&non_null, out);
                    if parens {
                        out.push(')');
                    }
                }
            }
            Ty::Fn(f) => {
                let parens = context != Context::Top;
                if parens {
                    out.push('(');
                }
                out.push_str("fn(");
                for (i, p) in f.params.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    self.write(&p.ty, out, Context::Top);
                }
                out.push_str(") -> ");
                self.write(&f.ret, out, Context::Top);
                if parens {
                    out.push(')');
                }
            }
            Ty::Named(id) => out.push_str(&self.get(*id).name),
            Ty::Var(n) => out.push((b'U' + n) as char),
        }
    }

    fn write_members(&self, members: &[&Ty], out: &mut String) {
        for (i, m) in members.iter().enumerate() {
            if i > 0 {
                out.push_str(" | ");
            }
            self.write(m, out, Context::Union);
        }
    }

    fn write_record(&self, r: &Record, out: &mut String) {
        /// Records in messages show their first fields only.
        const SHOWN: usize = 4;
        if r.fields.is_empty() {
            out.push_str(if r.open { "{ .. }" } else { "{}" });
            return;
        }
        out.push_str("{ ");
        for (i, f) in r.fields.iter().take(SHOWN).enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            if is_identifier(&f.name) {
                out.push_str(&f.name);
            } else {
                let _ = write!(out, "{:?}", f.name.as_str());
            }
            if f.optional {
                out.push('?');
            }
            out.push_str(": ");
            self.write(&f.ty, out, Context::Top);
        }
        if r.fields.len() > SHOWN {
            out.push_str(", …");
        }
        if r.open {
            out.push_str(", ..");
        }
        out.push_str(" }");
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Context {
    Top,
    Optional,
    Union,
}

pub fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl std::fmt::Display for Lit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Lit::Str(s) => write!(
                f,
                "{}",
                serde_json::to_string(s.as_str()).unwrap_or_default()
            ),
            Lit::Int(n) => write!(f, "{n}"),
            Lit::Bool(b) => write!(f, "{b}"),
        }
    }
}

impl Lit {
    /// The type a literal widens to.
    pub fn base(&self) -> Ty {
        match self {
            Lit::Str(_) => Ty::String,
            Lit::Int(_) => Ty::Int,
            Lit::Bool(_) => Ty::Bool,
        }
    }
}

impl Ty {
    pub fn list(t: Ty) -> Ty {
        Ty::List(Rc::new(t))
    }

    pub fn map(t: Ty) -> Ty {
        Ty::Map(Rc::new(t))
    }

    pub fn record(fields: Vec<Field>, open: bool) -> Ty {
        Ty::Record(Rc::new(Record { fields, open }))
    }

    pub fn func(params: Vec<ParamTy>, ret: Ty) -> Ty {
        Ty::Fn(Rc::new(FnTy { params, ret }))
    }

    pub fn optional(t: Ty) -> Ty {
        Ty::union([t, Ty::Null])
    }

    /// A union of the given types: flattened, deduplicated, `Never` dropped.
    pub fn union(members: impl IntoIterator<Item = Ty>) -> Ty {
        let mut flat: Vec<Ty> = Vec::new();
        for m in members {
            match m {
                Ty::Union(inner) => {
                    for t in inner.iter() {
                        if !flat.contains(t) {
                            flat.push(t.clone());
                        }
                    }
                }
                Ty::Never => {}
                Ty::Error => return Ty::Error,
                t => {
                    if !flat.contains(&t) {
                        flat.push(t);
                    }
                }
            }
        }
        match flat.len() {
            0 => Ty::Never,
            1 => flat.pop().unwrap_or(Ty::Never),
            _ => Ty::Union(flat.into()),
        }
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Ty::Error)
    }

    /// A built-in type by name. `Error` is not here: each caller resolves it
    /// to its own declared type.
    pub(crate) fn builtin(name: &str) -> Option<Ty> {
        Some(match name {
            "Bool" => Ty::Bool,
            "Int" => Ty::Int,
            "Float" => Ty::Float,
            "String" => Ty::String,
            "Date" => Ty::Date,
            "DateTime" => Ty::DateTime,
            "Url" => Ty::Url,
            "Secret" => Ty::Secret,
            "Json" => Ty::Json,
            "Null" => Ty::Null,
            _ => return None,
        })
    }

    pub fn field(name: &str, ty: Ty) -> Field {
        Field {
            name: SmolStr::new(name),
            ty,
            optional: false,
            doc: None,
            origin: None,
        }
    }

    pub fn optional_field(name: &str, ty: Ty) -> Field {
        Field {
            name: SmolStr::new(name),
            ty,
            optional: true,
            doc: None,
            origin: None,
        }
    }
}
