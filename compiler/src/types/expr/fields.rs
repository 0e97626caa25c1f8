//! Fields of records, maps and `Json`, and `x.f` on a value that may be null.

use super::describe;
use crate::diagnostics::{Diagnostic, Edit};
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind};
use crate::types::Def;
use crate::types::items::Checker;
use crate::types::report::{self, codes};
use crate::types::ty::Ty;

impl<'a> Checker<'a> {
    /// The type of `target.name` when the target is `Ty` (`Json` gives `Json`).
    pub(in crate::types) fn field_of(
        &mut self,
        target_ty: &Ty,
        name: &ast::Ident,
        target: &ast::Expr,
    ) -> Ty {
        let file = self.file();
        if let ExprKind::Name(global) = &target.kind
            && self.ctx.scopes.lookup(global).is_none()
            && !self.is_adaptor()
        {
            let record = match self.types.resolve(target_ty) {
                Ty::Record(r) => Some(r.clone()),
                _ => None,
            };
            let declared = record
                .as_ref()
                .is_some_and(|r| r.fields.iter().any(|f| f.name == name.name));
            if global == "trigger"
                && !declared
                && matches!(name.name.as_str(), "headers" | "last_success")
            {
                let (what, kind) = if name.name == "headers" {
                    ("the request's headers", "a `trigger webhook`")
                } else {
                    (
                        "the start of the last successful run",
                        "a `trigger cron` or `trigger every`",
                    )
                };
                self.error(
                    Diagnostic::error(
                        codes::TRIGGER_FIELD,
                        file,
                        name.span,
                        format!("`trigger.{}` is only there for {kind}", name.name),
                    )
                    .with_label(format!("{what}: not available to this job"))
                    .with_note("every job has `trigger.fired_at`"),
                );
                return Ty::Error;
            }
            if global == "config" && !declared {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    file,
                    name.span,
                    format!("this job does not use an adaptor named `{}`", name.name),
                )
                .with_label("no such config section");
                if crate::adaptors::BUILTIN
                    .iter()
                    .any(|(n, _)| *n == name.name)
                    || self
                        .modules
                        .iter()
                        .any(|m| m.adaptor_name.as_deref() == Some(name.name.as_str()))
                {
                    d = d.with_note(format!(
                        "add `use {}`: its config section is `config.{}`",
                        name.name, name.name
                    ));
                } else {
                    d = d.with_note(
                        "`config.NAME` is the config section of the adaptor used as `NAME`",
                    );
                }
                self.error(d);
                return Ty::Error;
            }
        }
        let resolved = self.types.resolve(target_ty).clone();
        match &resolved {
            Ty::Error => Ty::Error,
            Ty::Json => Ty::Json,
            Ty::Record(r) => match r.fields.iter().find(|f| f.name == name.name) {
                Some(f) => {
                    self.define(
                        name.span,
                        Def::Field {
                            name: f.name.clone(),
                            origin: f.origin,
                            doc: f.doc.clone(),
                        },
                    );
                    if f.optional {
                        Ty::optional(f.ty.clone())
                    } else {
                        f.ty.clone()
                    }
                }
                None => {
                    let suggestion =
                        report::did_you_mean(&name.name, r.fields.iter().map(|f| f.name.as_str()));
                    let shown = self.types.display(target_ty);
                    let mut d = Diagnostic::error(
                        codes::UNKNOWN_FIELD,
                        file,
                        name.span,
                        format!("`{}` has no field `{}`", describe(target), name.name),
                    )
                    .with_label("no such field");
                    if r.open && suggestion.is_none() {
                        d = d.with_note(format!(
                            "`{shown}` is open: read a field it does not declare with `[\"{}\"]`, which gives `Json?`",
                            name.name
                        ));
                    }
                    let d = report::suggest(d, suggestion, report::plain);
                    let d = report::declared_here(d, suggestion, &r.fields);
                    self.error(d);
                    Ty::Error
                }
            },
            Ty::Union(members)
                if members
                    .iter()
                    .all(|m| matches!(self.types.resolve(m), Ty::Record(_))) =>
            {
                // A member that declares it `name?: T` may lack it, and a closed
                // member that does not declare it never has it: either way the
                // field reads as `T?`. An open member that does not declare it
                // might hold anything there.
                let mut result: Option<Ty> = None;
                let mut absent_somewhere = false;
                for m in members.iter() {
                    let (ty, open) = match self.types.resolve(m) {
                        Ty::Record(r) => (
                            r.fields.iter().find(|f| f.name == name.name).map(|f| {
                                absent_somewhere |= f.optional;
                                f.ty.clone()
                            }),
                            r.open,
                        ),
                        _ => (None, true),
                    };
                    match ty {
                        Some(t) => {
                            result = Some(result.map_or(t.clone(), |r| self.types.join(&r, &t)))
                        }
                        None if !open => absent_somewhere = true,
                        None => {
                            self.error(Diagnostic::error(
                                codes::UNKNOWN_FIELD,
                                file,
                                name.span,
                                format!(
                                    "not every `{}` has the field `{}`",
                                    self.types.display(target_ty),
                                    name.name
                                ),
                            ));
                            return Ty::Error;
                        }
                    }
                }
                if result.is_none() {
                    self.error(Diagnostic::error(
                        codes::UNKNOWN_FIELD,
                        file,
                        name.span,
                        format!(
                            "no `{}` has the field `{}`",
                            self.types.display(target_ty),
                            name.name
                        ),
                    ));
                    return Ty::Error;
                }
                if absent_somewhere {
                    result = result.map(Ty::optional);
                }
                result.unwrap_or(Ty::Error)
            }
            other => {
                let shown = self.types.display(other);
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_FIELD,
                    file,
                    name.span,
                    format!("`{shown}` has no fields"),
                )
                .with_label(format!("`{}` is `{shown}`", describe(target)));
                if matches!(other, Ty::Map(_)) {
                    d = d.with_note(format!(
                        "read a map's key with `[\"{}\"]` or `.get(\"{}\")`",
                        name.name, name.name
                    ));
                }
                self.error(d);
                Ty::Error
            }
        }
    }

    /// `x.f` on an `x` that may be null: reported once, and the chain goes on as if
    /// it were not, so one mistake gives one error.
    pub(in crate::types) fn maybe_null_target(
        &mut self,
        target: &ast::Expr,
        target_ty: &Ty,
        dot_before: Span,
    ) -> Ty {
        let what = describe(target);
        let d = Diagnostic::error(codes::MAYBE_NULL, self.file(), target.span, format!("`{what}` may be null or missing"))
            .with_label(format!("this is `{}`", self.types.display(target_ty)))
            .with_note("use `?.` to skip the rest when it is null, `??` to give a default, or check it with `if`")
            .with_fix("use `?.`", vec![Edit { span: dot_before, replacement: "?.".into() }]);
        self.error(d);
        self.types.non_null(target_ty)
    }
}
