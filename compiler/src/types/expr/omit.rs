//! `omit`: the value of a record field that leaves the field out. It may stand
//! as a field's value, on the right of `??` there, or as a branch of an `if` or
//! `match` there, and only for a field the expected record declares `name?: T`
//! or `name: T?` (docs/language.md, "Absent and null").

use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, ExprKind, StmtKind};
use crate::types::Def;
use crate::types::items::Checker;
use crate::types::report::codes;
use crate::types::ty::Ty;
use smol_str::SmolStr;

/// What an `omit` found at a place in a field's value means.
#[derive(Clone, Debug)]
pub(in crate::types) enum OmitPlace {
    /// The field may be absent: `omit` leaves it out.
    Allowed,
    /// The field is required (`name: T`) in this record type.
    Required { field: SmolStr, record: String },
}

impl<'a> Checker<'a> {
    /// Marks the places in a field's value where its result is the field's value;
    /// adds to `through` the `??`, `if` and `match` between the value and an
    /// `omit` (their values must stay boxed: see `boxed_through`).
    pub(super) fn mark_omit_places(
        &mut self,
        value: &ast::Expr,
        place: &OmitPlace,
        through: &mut Vec<Span>,
    ) -> bool {
        crate::stack::deep(|| {
            let found = match &value.kind {
                ExprKind::Name(name) if name == "omit" => {
                    self.ctx.omit_places.insert(value.span, place.clone());
                    return true;
                }
                ExprKind::Binary {
                    op: BinaryOp::Coalesce,
                    rhs,
                    ..
                } => self.mark_omit_places(rhs, place, through),
                ExprKind::If(if_expr) => {
                    let then = self.mark_block_tail(&if_expr.then, place, through);
                    let other = match &if_expr.else_ {
                        Some(ast::Else::Block(b)) => self.mark_block_tail(b, place, through),
                        Some(ast::Else::If(e)) => self.mark_omit_places(e, place, through),
                        None => false,
                    };
                    then || other
                }
                ExprKind::Match(m) => {
                    let mut found = false;
                    for arm in &m.arms {
                        if let StmtKind::Expr(e) = &arm.body.kind {
                            found |= self.mark_omit_places(e, place, through);
                        }
                    }
                    found
                }
                _ => false,
            };
            if found {
                through.push(value.span);
            }
            found
        })
    }

    fn mark_block_tail(
        &mut self,
        block: &ast::Block,
        place: &OmitPlace,
        through: &mut Vec<Span>,
    ) -> bool {
        match block.stmts.last().map(|s| &s.kind) {
            Some(StmtKind::Expr(e)) => self.mark_omit_places(e, place, through),
            _ => false,
        }
    }

    /// `x ?? omit` has the type of `x`, but its value may be absent: it is
    /// recorded as `T?` so that it is lowered as a boxed value, never unboxed.
    pub(super) fn boxed_through(&mut self, through: &[Span]) {
        let file = self.file();
        for span in through {
            if let Some(ty) = self.info.expr_types.get(&(file, *span)).cloned() {
                self.info.expr_types.insert((file, *span), Ty::optional(ty));
            }
        }
    }

    /// The name `omit` (no local of that name in scope): `Never` where it may
    /// stand, since it gives no value; an error elsewhere.
    pub(super) fn omit(&mut self, span: Span) -> Ty {
        let file = self.file();
        match self.ctx.omit_places.get(&span).cloned() {
            Some(OmitPlace::Allowed) => {
                self.define(span, Def::Global(SmolStr::new("omit")));
                Ty::Never
            }
            Some(OmitPlace::Required { field, record }) => {
                self.error(
                    Diagnostic::error(
                        codes::MISPLACED_OMIT,
                        file,
                        span,
                        format!(
                            "the field `{field}` of `{record}` is required: it cannot be left out"
                        ),
                    )
                    .with_label("`omit` leaves a field out")
                    .with_note(format!(
                        "only a field declared `{field}?: T` or `{field}: T?` may be left out"
                    )),
                );
                Ty::Error
            }
            None => {
                self.error(
                    Diagnostic::error(
                        codes::MISPLACED_OMIT,
                        file,
                        span,
                        "`omit` can only be the value of a record field that may be left out",
                    )
                    .with_label("not the value of such a field")
                    .with_note(
                        "write `{ name: value ?? omit }` in a record whose type declares `name?: T`; \
                         elsewhere use `null`",
                    ),
                );
                Ty::Error
            }
        }
    }

    /// A literal `null` given for a field `name?: T` (no `null` in `T`): it leaves
    /// the field out, which may not be what was meant.
    pub(super) fn null_left_out(&mut self, span: Span, field: &str, ty: &Ty) {
        let ty = self.types.display(ty);
        let d = Diagnostic::warning(
            codes::NULL_LEFT_OUT,
            self.file(),
            span,
            format!("`{field}` is declared `{field}?: {ty}`: this `null` leaves it out, it is not sent as null"),
        )
        .with_label("left out, not written as `null`")
        .with_note(format!(
            "write `omit` to say so; to send `null`, declare the field `{field}: {ty}?`"
        ))
        .with_fix(
            "write `omit`",
            vec![crate::diagnostics::Edit {
                span,
                replacement: "omit".into(),
            }],
        );
        self.error(d);
    }
}
