//! Record literals, checked field by field against the record type expected.

use crate::diagnostics::{Diagnostic, Edit};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, RecordEntry};
use crate::types::Def;
use crate::types::expr::omit::OmitPlace;
use crate::types::items::Checker;
use crate::types::report::{self, codes};
use crate::types::scope::{Path, Root};
use crate::types::ty::{Field, Ty};
use smol_str::SmolStr;

impl<'a> Checker<'a> {
    pub(super) fn record(
        &mut self,
        e: &'a ast::Expr,
        entries: &'a [RecordEntry],
        expected: Option<&Ty>,
    ) -> Ty {
        let file = self.file();
        let target = expected.and_then(|t| self.record_target(t));
        let mut fields: Vec<Field> = Vec::new();
        let mut spread_open = false;
        let mut bad = false;
        for entry in entries {
            match entry {
                RecordEntry::Spread(value) => {
                    let ty = self.expr(value, None);
                    match self.spread_fields(&ty) {
                        Some(Some(r)) => {
                            spread_open |= r.open;
                            for f in &r.fields {
                                fields.retain(|g| g.name != f.name);
                                fields.push(f.clone());
                            }
                        }
                        Some(None) => bad = true,
                        None => {
                            let other = self.types.resolve(&ty).clone();
                            self.error(
                                Diagnostic::error(
                                    codes::TYPE_MISMATCH,
                                    file,
                                    value.span,
                                    format!(
                                        "only a record can be spread, not `{}`",
                                        self.types.display(&other)
                                    ),
                                )
                                .with_label("not a record"),
                            );
                            bad = true;
                        }
                    }
                }
                RecordEntry::Field { name, value } => {
                    if let Some(ty) =
                        self.record_field(name.span, &name.name, Some(value), None, target.as_ref())
                    {
                        fields.retain(|g| g.name != name.name);
                        fields.push(Ty::field(&name.name, ty));
                    }
                }
                RecordEntry::Shorthand(ident) => {
                    if let Some(ty) = self.record_field(
                        ident.span,
                        &ident.name,
                        None,
                        Some(ident),
                        target.as_ref(),
                    ) {
                        fields.retain(|g| g.name != ident.name);
                        fields.push(Ty::field(&ident.name, ty));
                    }
                }
            }
        }
        let mut seen: Vec<&SmolStr> = Vec::new();
        for entry in entries {
            let name = match entry {
                RecordEntry::Field { name, .. } => (&name.name, name.span),
                RecordEntry::Shorthand(i) => (&i.name, i.span),
                RecordEntry::Spread(_) => continue,
            };
            if seen.contains(&name.0) {
                self.error(Diagnostic::error(
                    codes::DUPLICATE_FIELD,
                    file,
                    name.1,
                    format!("the field `{}` is given twice", name.0),
                ));
            }
            seen.push(name.0);
        }
        if bad {
            return Ty::Error;
        }
        let own = Ty::record(fields.clone(), spread_open);
        let Some((target_ty, target_record)) = target else {
            return own;
        };
        // A misspelt field is one mistake: its suggestion is not also missing.
        let misspelt: Vec<&str> = entries
            .iter()
            .filter_map(|entry| match entry {
                RecordEntry::Field { name, .. } => Some(name.name.as_str()),
                RecordEntry::Shorthand(i) => Some(i.name.as_str()),
                RecordEntry::Spread(_) => None,
            })
            .filter(|n| !target_record.fields.iter().any(|f| f.name == *n))
            .filter_map(|n| {
                report::did_you_mean(n, target_record.fields.iter().map(|f| f.name.as_str()))
            })
            .collect();
        let missing: Vec<&Field> = target_record
            .fields
            .iter()
            .filter(|f| {
                // A spread's field that may be absent does not give a required one.
                !f.optional
                    && !fields.iter().any(|g| g.name == f.name && !g.optional)
                    && !misspelt.contains(&f.name.as_str())
            })
            .collect();
        if !missing.is_empty() && !spread_open {
            let list = missing
                .iter()
                .map(|f| format!("`{}`", f.name))
                .collect::<Vec<_>>()
                .join(", ");
            let word = if missing.len() == 1 {
                "field"
            } else {
                "fields"
            };
            let insert = missing
                .iter()
                .map(|f| {
                    format!(
                        "{}: {}, ",
                        report::field_key(&f.name),
                        self.placeholder(&f.ty)
                    )
                })
                .collect::<String>();
            let at = (e.span.start + 1) as usize;
            let d = Diagnostic::error(
                codes::MISSING_FIELDS,
                file,
                Span::new(e.span.start as usize, at),
                format!(
                    "this `{}` lacks the required {word} {list}",
                    self.types.display(&target_ty)
                ),
            )
            .with_label(format!("missing {list}"))
            .with_fix(
                format!("add the missing {word}"),
                vec![Edit {
                    span: Span::new(at, at),
                    replacement: format!(" {insert}"),
                }],
            );
            self.error(d);
        }
        target_ty
    }

    /// The fields a spread `..value` gives: a record's; for a union of records,
    /// `Null` and `{}` (`T?`, `if c { {a: x} } else { {} }`), every field of any
    /// member, required only when every member has it and none is `Null`.
    /// `None` when the value is not such a record; `Some(None)` for an error.
    fn spread_fields(&self, ty: &Ty) -> Option<Option<crate::types::ty::Record>> {
        let members: Vec<Ty> = match self.types.resolve(ty) {
            Ty::Error => return Some(None),
            Ty::Record(r) => return Some(Some((**r).clone())),
            Ty::Union(members) => members.to_vec(),
            _ => return None,
        };
        let mut records = Vec::new();
        let mut may_be_null = false;
        for m in &members {
            match self.types.resolve(m) {
                Ty::Record(r) => records.push(r.clone()),
                Ty::Null | Ty::Never => may_be_null = true,
                Ty::Error => return Some(None),
                _ => return None,
            }
        }
        let mut merged = crate::types::ty::Record {
            fields: Vec::new(),
            open: records.iter().any(|r| r.open),
        };
        for r in &records {
            for f in &r.fields {
                if merged.fields.iter().any(|g| g.name == f.name) {
                    continue;
                }
                let of_each: Vec<Option<&Field>> = records
                    .iter()
                    .map(|r| r.fields.iter().find(|g| g.name == f.name))
                    .collect();
                let required =
                    !may_be_null && of_each.iter().all(|g| g.is_some_and(|g| !g.optional));
                let ty = Ty::union(of_each.iter().flatten().map(|g| g.ty.clone()));
                merged.fields.push(Field {
                    optional: !required,
                    ty,
                    ..f.clone()
                });
            }
        }
        Some(Some(merged))
    }

    /// The record type a literal is checked against, from what is expected.
    pub(super) fn record_target(
        &self,
        expected: &Ty,
    ) -> Option<(Ty, std::sync::Arc<crate::types::ty::Record>)> {
        match self.types.resolve(expected) {
            Ty::Record(r) => Some((expected.clone(), r.clone())),
            Ty::Union(members) => {
                let records: Vec<&Ty> = members
                    .iter()
                    .filter(|m| matches!(self.types.resolve(m), Ty::Record(_)))
                    .collect();
                match records.as_slice() {
                    [one] => self.record_target(one),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// One field of a record literal, checked against the target type's field.
    pub(super) fn record_field(
        &mut self,
        name_span: Span,
        name: &SmolStr,
        value: Option<&'a ast::Expr>,
        shorthand: Option<&'a ast::Ident>,
        target: Option<&(Ty, std::sync::Arc<crate::types::ty::Record>)>,
    ) -> Option<Ty> {
        let file = self.file();
        let declared = target.and_then(|(_, r)| r.fields.iter().find(|f| f.name == *name).cloned());
        if let (Some((target_ty, record)), None) = (target, &declared)
            && !record.open
        {
            let suggestion =
                report::did_you_mean(name, record.fields.iter().map(|f| f.name.as_str()));
            let d = Diagnostic::error(
                codes::UNKNOWN_FIELD,
                file,
                name_span,
                format!("`{}` has no field `{name}`", self.types.display(target_ty)),
            )
            .with_label("unknown field");
            let d = report::suggest(d, suggestion, report::field_key);
            let d = report::declared_here(d, suggestion, &record.fields);
            self.error(d);
        }
        if let Some(f) = &declared {
            self.define(
                name_span,
                Def::Field {
                    name: f.name.clone(),
                    origin: f.origin,
                    doc: f.doc.clone(),
                },
            );
        }
        let expected = declared.as_ref().map(|f| {
            if f.optional {
                Ty::optional(f.ty.clone())
            } else {
                f.ty.clone()
            }
        });
        let mut through = Vec::new();
        if let (Some(value), Some((target_ty, _))) = (value, target) {
            let place = match &declared {
                Some(f) if f.optional => Some(OmitPlace::Allowed),
                Some(f) => Some(OmitPlace::Required {
                    field: f.name.clone(),
                    record: self.types.display(target_ty),
                }),
                None => None,
            };
            if let Some(place) = place {
                self.mark_omit_places(value, &place, &mut through);
            }
        }
        let (ty, span) = match (value, shorthand) {
            (Some(value), _) => {
                let ty = self.expr(value, expected.as_ref());
                self.boxed_through(&through);
                (ty, value.span)
            }
            (None, Some(ident)) => {
                let e = ast::Expr {
                    kind: ExprKind::Name(ident.name.clone()),
                    span: ident.span,
                };
                // The shorthand is its own name expression; check it through a leaked-free path.
                (self.shorthand(&e), ident.span)
            }
            (None, None) => return None,
        };
        self.not_function(span, &ty, "be kept in a record");
        // `name?: T` has no `null`: a `null` given for it leaves the field out.
        if let Some(f) = &declared
            && f.optional
            && !self.types.admits_null(&f.ty)
            && self.types.admits_null(&ty)
        {
            self.info.omit_null.insert((file, span));
            if let (Some(value), Some(f)) = (value, &declared)
                && matches!(value.kind, ExprKind::Literal(ast::Literal::Null))
            {
                self.null_left_out(value.span, &f.name, &f.ty);
            }
        }
        if let Some(expected) = &expected {
            let what = format!("the field `{name}`");
            self.expect_type(span, &ty, expected, &what);
            return Some(expected.clone());
        }
        Some(ty)
    }

    pub(super) fn shorthand(&mut self, e: &ast::Expr) -> Ty {
        let ExprKind::Name(name) = &e.kind else {
            return Ty::Error;
        };
        if let Some(local) = self.ctx.scopes.lookup(name) {
            self.ctx.scopes.get_mut(local).used = true;
            let info = self.ctx.scopes.get(local).clone();
            self.define(
                e.span,
                Def::Local {
                    decl: info.decl,
                    mutable: info.mutable,
                },
            );
            self.info
                .expr_types
                .insert((self.file(), e.span), info.ty.clone());
            let path = Path {
                root: Root::Local(local),
                fields: Vec::new(),
            };
            return self.ctx.scopes.narrowed(&path).cloned().unwrap_or(info.ty);
        }
        let module = self.ctx.module;
        if let Some(index) = self.const_index(module, name) {
            self.define(e.span, Def::Const { module, index });
            return self.ensure_const(module, index).unwrap_or(Ty::Error);
        }
        self.unknown_name(e.span, name);
        Ty::Error
    }

    /// A type's placeholder value, for "add the missing fields".
    pub(super) fn placeholder(&self, ty: &Ty) -> String {
        match self.types.resolve(ty) {
            Ty::Int => "0".into(),
            Ty::Float => "0.0".into(),
            Ty::Bool => "false".into(),
            Ty::List(_) => "[]".into(),
            Ty::Map(_) | Ty::Record(_) => "{}".into(),
            Ty::Lit(lit) => lit.to_string(),
            Ty::Union(members) => members
                .first()
                .map_or("null".into(), |m| self.placeholder(m)),
            Ty::Null | Ty::Json => "null".into(),
            _ => "\"\"".into(),
        }
    }
}
