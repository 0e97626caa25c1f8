//! Assignability: may a value of one type go where another is expected? When not,
//! why — so the message can say exactly which field, which member, what is missing.

use super::ty::{Lit, Record, Ty, TypeTable};
pub use ferry_meta::formats::{is_date, is_datetime, is_url};
use smol_str::SmolStr;
use std::collections::HashSet;

#[derive(Clone, Debug, PartialEq)]
pub enum Mismatch {
    /// Expected one type, found another.
    Plain,
    /// A `T?` where a `T` is needed.
    MaybeNull,
    /// A `Secret` where it may not go.
    Secret,
    /// `Json` needs `as T` to become a `T`.
    NeedsAs,
    /// A record lacks required fields.
    MissingFields(Vec<SmolStr>),
    /// A record fits no member of a union of records, each of which it only
    /// lacks fields of: each member with what it lacks, the closest first.
    MissingFieldsOfEach(Vec<(Ty, Vec<SmolStr>)>),
    /// A closed record type does not have this field.
    UnknownField(SmolStr),
    /// An open record may carry fields a closed type does not allow.
    OpenIntoClosed,
    /// An optional field where a required one is expected.
    FieldMaybeAbsent(SmolStr),
    /// A field's value does not fit.
    Field(SmolStr, Box<Mismatch>),
    /// A list's elements or a map's values do not fit.
    Element(Box<Mismatch>),
}

/// How deep structural comparison goes before it trusts recursive types.
const MAX_DEPTH: u32 = 48;

impl TypeTable {
    pub fn assignable(&self, from: &Ty, to: &Ty) -> Result<(), Mismatch> {
        self.assign(from, to, 0)
    }

    pub fn is_assignable(&self, from: &Ty, to: &Ty) -> bool {
        self.assignable(from, to).is_ok()
    }

    fn assign(&self, from: &Ty, to: &Ty, depth: u32) -> Result<(), Mismatch> {
        if from == to || depth > MAX_DEPTH {
            return Ok(());
        }
        let (from, to) = (self.resolve(from), self.resolve(to));
        if from == to {
            return Ok(());
        }
        match (from, to) {
            (Ty::Error | Ty::Never, _) | (_, Ty::Error) => Ok(()),
            (_, Ty::Json) => match from {
                _ if self.contains_secret(from, 0) => Err(Mismatch::Secret),
                Ty::Fn(_) => Err(Mismatch::Plain),
                _ => Ok(()),
            },
            (Ty::Union(members), _) => {
                for m in members.iter() {
                    if let Err(e) = self.assign(m, to, depth + 1) {
                        let nullable_target = self.accepts_null(to);
                        return Err(if *m == Ty::Null && !nullable_target {
                            Mismatch::MaybeNull
                        } else {
                            e
                        });
                    }
                }
                Ok(())
            }
            (_, Ty::Union(members)) => {
                if members
                    .iter()
                    .any(|m| self.assign(from, m, depth + 1).is_ok())
                {
                    return Ok(());
                }
                if let Some(each) = self.missing_of_each(from, members, depth) {
                    return Err(Mismatch::MissingFieldsOfEach(each));
                }
                // Report against the member of the same kind, if there is one.
                let same_kind = members.iter().find(|m| kind(self.resolve(m)) == kind(from));
                match same_kind {
                    Some(m)
                        if matches!(self.resolve(m), Ty::Record(_) | Ty::List(_) | Ty::Map(_)) =>
                    {
                        self.assign(from, m, depth + 1)
                    }
                    _ => Err(self.plain_or_special(from)),
                }
            }
            (Ty::Secret, _) => Err(Mismatch::Secret),
            (Ty::Json, _) => Err(Mismatch::NeedsAs),
            (Ty::Int | Ty::Lit(Lit::Int(_)), Ty::Float) => Ok(()),
            (Ty::Date | Ty::DateTime | Ty::Url | Ty::Lit(Lit::Str(_)), Ty::String) => Ok(()),
            (Ty::Lit(Lit::Int(_)), Ty::Int) | (Ty::Lit(Lit::Bool(_)), Ty::Bool) => Ok(()),
            (Ty::Lit(Lit::Str(s)), Ty::Date) if is_date(s) => Ok(()),
            (Ty::Lit(Lit::Str(s)), Ty::DateTime) if is_datetime(s) => Ok(()),
            (Ty::Lit(Lit::Str(s)), Ty::Url) if is_url(s) => Ok(()),
            (Ty::List(a), Ty::List(b)) => self
                .assign(a, b, depth + 1)
                .map_err(|e| Mismatch::Element(Box::new(e))),
            (Ty::Map(a), Ty::Map(b)) => self
                .assign(a, b, depth + 1)
                .map_err(|e| Mismatch::Element(Box::new(e))),
            (Ty::Record(r), Ty::Map(b)) if !r.open => {
                for f in &r.fields {
                    self.assign(&f.ty, b, depth + 1)
                        .map_err(|e| Mismatch::Field(f.name.clone(), Box::new(e)))?;
                }
                Ok(())
            }
            (Ty::Record(a), Ty::Record(b)) => self.assign_record(a, b, depth),
            (Ty::Fn(a), Ty::Fn(b)) => {
                if a.params.len() != b.params.len() {
                    return Err(Mismatch::Plain);
                }
                for (pa, pb) in a.params.iter().zip(&b.params) {
                    self.assign(&pb.ty, &pa.ty, depth + 1)
                        .map_err(|_| Mismatch::Plain)?;
                }
                self.assign(&a.ret, &b.ret, depth + 1)
                    .map_err(|_| Mismatch::Plain)
            }
            _ => Err(self.plain_or_special(from)),
        }
    }

    /// When a record lacks only fields of each of two or more record members,
    /// every member with the fields it lacks, fewest first: the message can then
    /// name each way to fit, not only the first member's.
    fn missing_of_each(
        &self,
        from: &Ty,
        members: &[Ty],
        depth: u32,
    ) -> Option<Vec<(Ty, Vec<SmolStr>)>> {
        if !matches!(from, Ty::Record(_)) {
            return None;
        }
        let records: Vec<&Ty> = members
            .iter()
            .filter(|m| matches!(self.resolve(m), Ty::Record(_)))
            .collect();
        if records.len() < 2 {
            return None;
        }
        let mut each = Vec::new();
        for m in records {
            match self.assign(from, m, depth + 1) {
                Err(Mismatch::MissingFields(fields)) => each.push((m.clone(), fields)),
                _ => return None,
            }
        }
        each.sort_by_key(|(_, fields)| fields.len());
        Some(each)
    }

    fn plain_or_special(&self, from: &Ty) -> Mismatch {
        match from {
            Ty::Secret => Mismatch::Secret,
            Ty::Json => Mismatch::NeedsAs,
            _ => Mismatch::Plain,
        }
    }

    fn assign_record(&self, from: &Record, to: &Record, depth: u32) -> Result<(), Mismatch> {
        let mut missing = Vec::new();
        for field in &to.fields {
            match from.fields.iter().find(|f| f.name == field.name) {
                Some(have) => {
                    if have.optional && !field.optional {
                        return Err(Mismatch::FieldMaybeAbsent(field.name.clone()));
                    }
                    self.assign(&have.ty, &field.ty, depth + 1)
                        .map_err(|e| Mismatch::Field(field.name.clone(), Box::new(e)))?;
                }
                None if field.optional => {}
                None => missing.push(field.name.clone()),
            }
        }
        if !to.open
            && let Some(extra) = from
                .fields
                .iter()
                .find(|f| !to.fields.iter().any(|t| t.name == f.name))
        {
            return Err(Mismatch::UnknownField(extra.name.clone()));
        }
        if !missing.is_empty() {
            return Err(Mismatch::MissingFields(missing));
        }
        if from.open && !to.open {
            return Err(Mismatch::OpenIntoClosed);
        }
        Ok(())
    }

    pub fn accepts_null(&self, ty: &Ty) -> bool {
        match self.resolve(ty) {
            Ty::Null | Ty::Json | Ty::Error => true,
            Ty::Union(members) => members.iter().any(|m| self.accepts_null(m)),
            _ => false,
        }
    }

    /// Whether a value of this type holds a `Secret` anywhere.
    pub fn contains_secret(&self, ty: &Ty, depth: u32) -> bool {
        self.contains(ty, depth, &|t| matches!(t, Ty::Secret))
    }

    /// Whether a value of `ty` may hold a function (which is not a JSON value).
    pub fn contains_fn(&self, ty: &Ty) -> bool {
        self.contains(ty, 0, &|t| matches!(t, Ty::Fn(_)))
    }

    /// Whether `ty`, or a type inside it (element, field, member), is `wanted`.
    fn contains(&self, ty: &Ty, depth: u32, wanted: &dyn Fn(&Ty) -> bool) -> bool {
        self.contains_unseen(ty, depth, wanted, &mut HashSet::new())
    }

    /// `contains`, visiting each named type once: recursive types that refer
    /// to each other (as generated adaptors' do) would otherwise be walked
    /// once per path to them, exponentially many.
    fn contains_unseen(
        &self,
        ty: &Ty,
        depth: u32,
        wanted: &dyn Fn(&Ty) -> bool,
        seen: &mut HashSet<super::ty::TypeId>,
    ) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        // A set, not a list: an adaptor's types can reach thousands of others.
        if let Ty::Named(id) = ty
            && !seen.insert(*id)
        {
            return false;
        }
        let ty = self.resolve(ty);
        if wanted(ty) {
            return true;
        }
        match ty {
            Ty::List(t) | Ty::Map(t) => self.contains_unseen(t, depth + 1, wanted, seen),
            Ty::Record(r) => r
                .fields
                .iter()
                .any(|f| self.contains_unseen(&f.ty, depth + 1, wanted, seen)),
            Ty::Union(members) => members
                .iter()
                .any(|m| self.contains_unseen(m, depth + 1, wanted, seen)),
            _ => false,
        }
    }

    /// The type without `Null`: what `x` is after `if x != null`.
    pub fn non_null(&self, ty: &Ty) -> Ty {
        match self.resolve(ty) {
            Ty::Union(members) => Ty::union(members.iter().filter(|m| **m != Ty::Null).cloned()),
            Ty::Null => Ty::Never,
            _ => ty.clone(),
        }
    }

    pub fn is_optional(&self, ty: &Ty) -> bool {
        match self.resolve(ty) {
            Ty::Union(members) => members.contains(&Ty::Null),
            Ty::Null => true,
            _ => false,
        }
    }

    /// Whether a value of the type may be `null`: an optional type or `Json`.
    pub fn admits_null(&self, ty: &Ty) -> bool {
        self.is_optional(ty) || matches!(self.resolve(ty), Ty::Json)
    }

    /// The least type both fit in: the wider one; a union of literals stays a
    /// union; other texts join as `String`, numbers as `Float`; else their union.
    pub fn join(&self, a: &Ty, b: &Ty) -> Ty {
        if self.is_assignable(a, b) && !matches!(a, Ty::Error) {
            return b.clone();
        }
        if self.is_assignable(b, a) {
            return a.clone();
        }
        let literal = |t: &Ty| self.literals_only(t);
        if literal(a) && literal(b) {
            return self.bounded_union(a, b);
        }
        match (self.resolve(a), self.resolve(b)) {
            (Ty::List(x), Ty::List(y)) => return Ty::list(self.join(x, y)),
            (Ty::Map(x), Ty::Map(y)) => return Ty::map(self.join(x, y)),
            _ => {}
        }
        let (na, nb) = (self.non_null(a), self.non_null(b));
        let nullable = self.is_optional(a) || self.is_optional(b);
        let wrap = |t: Ty| if nullable { Ty::optional(t) } else { t };
        if self.is_assignable(&na, &Ty::String) && self.is_assignable(&nb, &Ty::String) {
            return wrap(Ty::String);
        }
        if self.is_assignable(&na, &Ty::Float) && self.is_assignable(&nb, &Ty::Float) {
            return wrap(Ty::Float);
        }
        self.bounded_union(a, b)
    }

    /// `a | b`, widened to the base types (`Int` for `0 | 1 | ...`, `{ id: Int }`
    /// for `{ id: 0 } | { id: 1 } | ...`) once it has more than
    /// [`JOINED_MEMBERS`] members: the type of a long list literal is then its
    /// elements' shape, and joining each element costs the same however long the
    /// list is.
    fn bounded_union(&self, a: &Ty, b: &Ty) -> Ty {
        let union = Ty::union([a.clone(), b.clone()]);
        match &union {
            Ty::Union(members) if members.len() > JOINED_MEMBERS => self.widen(&union),
            _ => union,
        }
    }

    /// Whether a type has literal members anywhere (`"a" | "b"`, `{ kind: "x" }`).
    pub fn mentions_literals(&self, ty: &Ty) -> bool {
        match self.resolve(ty) {
            Ty::Lit(_) => true,
            Ty::Union(members) => members.iter().any(|m| self.mentions_literals(m)),
            Ty::List(t) | Ty::Map(t) => self.mentions_literals(t),
            _ => false,
        }
    }

    fn literals_only(&self, ty: &Ty) -> bool {
        match self.resolve(ty) {
            Ty::Lit(_) | Ty::Null => true,
            Ty::Union(members) => members.iter().all(|m| self.literals_only(m)),
            _ => false,
        }
    }

    /// Literal types widened to their base types, deeply: what `var` keeps.
    pub fn widen(&self, ty: &Ty) -> Ty {
        match ty {
            Ty::Lit(lit) => lit.base(),
            Ty::List(t) => Ty::list(self.widen(t)),
            Ty::Map(t) => Ty::map(self.widen(t)),
            Ty::Union(members) => {
                let widened: Vec<Ty> = members.iter().map(|m| self.widen(m)).collect();
                Ty::union(widened)
            }
            Ty::Record(r) => Ty::record(
                r.fields
                    .iter()
                    .map(|f| super::ty::Field {
                        ty: self.widen(&f.ty),
                        ..f.clone()
                    })
                    .collect(),
                r.open,
            ),
            _ => ty.clone(),
        }
    }
}

/// The most members a union worked out from values (a list literal's
/// elements, the branches of an `if`) keeps before it is widened.
const JOINED_MEMBERS: usize = 64;

/// A rough kind, to pick the union member a mismatch is reported against.
fn kind(ty: &Ty) -> u8 {
    match ty {
        Ty::Record(_) => 1,
        Ty::List(_) => 2,
        Ty::Map(_) => 3,
        _ => 0,
    }
}
