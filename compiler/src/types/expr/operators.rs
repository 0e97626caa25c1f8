//! Unary and binary operators.

use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::syntax::ast::{self, BinaryOp, UnaryOp};
use crate::types::items::Checker;
use crate::types::report::{self, codes};
use crate::types::scope::FrameKind;
use crate::types::ty::{Lit, Ty};

impl<'a> Checker<'a> {
    pub(super) fn unary(&mut self, op: UnaryOp, operand: &'a ast::Expr) -> Ty {
        let ty = self.expr(operand, None);
        match (op, self.types.resolve(&ty).clone()) {
            (_, Ty::Error) => Ty::Error,
            (UnaryOp::Neg, Ty::Int | Ty::Lit(Lit::Int(_))) => Ty::Int,
            (UnaryOp::Neg, Ty::Float) => Ty::Float,
            (UnaryOp::Not, t) if self.types.is_assignable(&t, &Ty::Bool) => Ty::Bool,
            (op, _) => {
                let (symbol, wants) = match op {
                    UnaryOp::Neg => ("-", "a number"),
                    UnaryOp::Not => ("not", "a `Bool`"),
                };
                let found = self.shown(&ty);
                self.error(
                    Diagnostic::error(
                        codes::BAD_OPERANDS,
                        self.file(),
                        operand.span,
                        format!("`{symbol}` needs {wants}, found `{found}`"),
                    )
                    .with_label(format!("this is `{found}`")),
                );
                Ty::Error
            }
        }
    }

    pub(super) fn binary(
        &mut self,
        e: &'a ast::Expr,
        op: BinaryOp,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
        expected: Option<&Ty>,
    ) -> Ty {
        let file = self.file();
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let left = self.condition(lhs);
                self.ctx.scopes.push(FrameKind::Block, rhs.span.end);
                self.apply(if op == BinaryOp::And {
                    left.when_true
                } else {
                    left.when_false
                });
                self.condition(rhs);
                self.ctx.scopes.pop();
                return Ty::Bool;
            }
            BinaryOp::Coalesce => {
                let left = self.expr(lhs, expected);
                if !left.is_error()
                    && !self.types.is_optional(&left)
                    && !matches!(self.types.resolve(&left), Ty::Json)
                {
                    self.error(
                        Diagnostic::warning(
                            codes::NEEDLESS_NULL_CHECK,
                            file,
                            lhs.span,
                            format!("this is never null: `{}`", self.types.display(&left)),
                        )
                        .with_label("never null")
                        .with_note("`??` gives its right side only when the left is null"),
                    );
                }
                let inner = self.types.non_null(&left);
                let right = self.expr(rhs, Some(expected.unwrap_or(&inner)));
                return if matches!(inner, Ty::Never) {
                    right
                } else {
                    self.types.join(&inner, &right)
                };
            }
            _ => {}
        }
        let left = self.expr(lhs, None);
        let right = self.expr(rhs, None);
        if left.is_error() || right.is_error() {
            return match op {
                BinaryOp::Eq
                | BinaryOp::NotEq
                | BinaryOp::Lt
                | BinaryOp::Le
                | BinaryOp::Gt
                | BinaryOp::Ge => Ty::Bool,
                _ => Ty::Error,
            };
        }
        let _ = e;
        let (l, r) = (
            self.types.resolve(&left).clone(),
            self.types.resolve(&right).clone(),
        );
        for (side, ty) in [(lhs, &left), (rhs, &right)] {
            if self.types.contains_secret(ty, 0) {
                self.error(
                    Diagnostic::error(
                        codes::SECRET_LEAK,
                        file,
                        side.span,
                        format!("a `Secret` cannot be used with `{}`", op.as_str()),
                    )
                    .with_label("this is a Secret")
                    .with_note(report::SECRET_NOTE),
                );
                return if matches!(
                    op,
                    BinaryOp::Eq
                        | BinaryOp::NotEq
                        | BinaryOp::Lt
                        | BinaryOp::Le
                        | BinaryOp::Gt
                        | BinaryOp::Ge
                ) {
                    Ty::Bool
                } else {
                    Ty::Error
                };
            }
        }
        let numeric = |t: &Ty| self.types.is_assignable(t, &Ty::Float) && !matches!(t, Ty::Never);
        let int = |t: &Ty| self.types.is_assignable(t, &Ty::Int) && !matches!(t, Ty::Never);
        let text = |t: &Ty| self.types.is_assignable(t, &Ty::String) && !matches!(t, Ty::Never);
        match op {
            BinaryOp::Eq | BinaryOp::NotEq => {
                if self.types.contains_fn(&left) || self.types.contains_fn(&right) {
                    let side = if self.types.contains_fn(&left) {
                        (lhs, &left)
                    } else {
                        (rhs, &right)
                    };
                    self.not_function(side.0.span, side.1, "be compared");
                    return Ty::Bool;
                }
                let comparable = self.types.is_assignable(&left, &right)
                    || self.types.is_assignable(&right, &left)
                    || (numeric(&l) && numeric(&r))
                    || (text(&l) && text(&r))
                    || (self
                        .types
                        .is_assignable(&self.types.non_null(&left), &self.types.non_null(&right)))
                    || (self
                        .types
                        .is_assignable(&self.types.non_null(&right), &self.types.non_null(&left)));
                if !comparable {
                    self.cannot_compare(e.span, &left, &right);
                }
                Ty::Bool
            }
            BinaryOp::Lt | BinaryOp::Le | BinaryOp::Gt | BinaryOp::Ge => {
                let dates = |t: &Ty| matches!(t, Ty::Date | Ty::DateTime);
                let ok = (numeric(&l) && numeric(&r))
                    || (text(&l)
                        && text(&r)
                        && (dates(&l) == dates(&r) || !dates(&l) || !dates(&r)));
                if !ok {
                    if self.types.is_optional(&left) || self.types.is_optional(&right) {
                        let side = if self.types.is_optional(&left) {
                            lhs
                        } else {
                            rhs
                        };
                        self.error(
                            Diagnostic::error(
                                codes::MAYBE_NULL,
                                file,
                                side.span,
                                format!("`{}` cannot order a value that may be null", op.as_str()),
                            )
                            .with_label(format!(
                                "this is `{}`",
                                self.types.display(if self.types.is_optional(&left) {
                                    &left
                                } else {
                                    &right
                                })
                            ))
                            .with_note(
                                "give a default with `??`, or check it first with `if x != null`",
                            ),
                        );
                    } else {
                        self.cannot_compare(e.span, &left, &right);
                    }
                }
                Ty::Bool
            }
            BinaryOp::Add => {
                if int(&l) && int(&r) {
                    Ty::Int
                } else if numeric(&l) && numeric(&r) {
                    Ty::Float
                } else if text(&l) && text(&r) {
                    Ty::String
                } else if let (Ty::List(a), Ty::List(b)) = (&l, &r) {
                    Ty::list(self.types.join(a, b))
                } else {
                    self.bad_operands(e.span, op, &left, &right)
                }
            }
            BinaryOp::Sub | BinaryOp::Mul => {
                if int(&l) && int(&r) {
                    Ty::Int
                } else if numeric(&l) && numeric(&r) {
                    Ty::Float
                } else {
                    self.bad_operands(e.span, op, &left, &right)
                }
            }
            BinaryOp::Div => {
                if numeric(&l) && numeric(&r) {
                    Ty::Float
                } else {
                    self.bad_operands(e.span, op, &left, &right)
                }
            }
            BinaryOp::Rem => {
                if int(&l) && int(&r) {
                    Ty::Int
                } else {
                    self.bad_operands(e.span, op, &left, &right)
                }
            }
            BinaryOp::And | BinaryOp::Or | BinaryOp::Coalesce => Ty::Error,
        }
    }

    pub(super) fn cannot_compare(&mut self, span: Span, left: &Ty, right: &Ty) {
        let (l, r) = (self.shown(left), self.shown(right));
        self.error(
            Diagnostic::error(codes::CANNOT_COMPARE, self.file(), span, format!("cannot compare `{l}` with `{r}`"))
                .with_label("different types")
                .with_note("values of different types are never equal; convert one side first (`to_string()`, `to_int()`, `as`)"),
        );
    }

    pub(super) fn bad_operands(&mut self, span: Span, op: BinaryOp, left: &Ty, right: &Ty) -> Ty {
        let (l, r) = (self.shown(left), self.shown(right));
        let mut d = Diagnostic::error(
            codes::BAD_OPERANDS,
            self.file(),
            span,
            format!("`{}` does not work on `{l}` and `{r}`", op.as_str()),
        )
        .with_label(format!("`{l}` {} `{r}`", op.as_str()));
        if self.types.is_optional(left) || self.types.is_optional(right) {
            d = d.with_note("a value that may be null needs a default first: `x ?? 0`");
        } else if op == BinaryOp::Add {
            d = d.with_note("`+` adds numbers, joins strings and joins lists; to put a number in a string, use `\"${n}\"`");
        } else if op == BinaryOp::Rem {
            d = d.with_note("`%` is the remainder of two `Int`s");
        }
        self.error(d);
        Ty::Error
    }
}
