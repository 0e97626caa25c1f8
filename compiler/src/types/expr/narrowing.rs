//! Conditions and what they prove: flow narrowing of locals and paths.

use super::Facts;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{self, BinaryOp, ExprKind, UnaryOp};
use crate::types::items::Checker;
use crate::types::report::codes;
use crate::types::scope::{Path, Root};
use crate::types::ty::Ty;
use smol_str::SmolStr;

impl<'a> Checker<'a> {
    pub(in crate::types) fn condition(&mut self, cond: &'a ast::Expr) -> Facts {
        let ty = self.expr(cond, Some(&Ty::Bool));
        if !self.types.is_assignable(&ty, &Ty::Bool) {
            let found = self.shown(&ty);
            let mut d = Diagnostic::error(
                codes::NOT_BOOL,
                self.file(),
                cond.span,
                format!("a condition must be a `Bool`, found `{found}`"),
            )
            .with_label(format!("this is `{found}`"));
            if self.types.is_optional(&ty) {
                d = d.with_note("to test for a value, write `x != null`");
            }
            self.error(d);
        }
        self.facts(cond)
    }

    /// What a condition proves, for narrowing.
    pub(in crate::types) fn facts(&mut self, cond: &ast::Expr) -> Facts {
        match &cond.kind {
            ExprKind::Binary {
                op: op @ (BinaryOp::Eq | BinaryOp::NotEq),
                lhs,
                rhs,
            } => {
                let (subject, null) = match (&lhs.kind, &rhs.kind) {
                    (_, ExprKind::Literal(ast::Literal::Null)) => (lhs, true),
                    (ExprKind::Literal(ast::Literal::Null), _) => (rhs, true),
                    _ => (lhs, false),
                };
                if !null {
                    return Facts::default();
                }
                let Some(path) = self.path_of(subject) else {
                    return Facts::default();
                };
                let Some(ty) = self
                    .info
                    .expr_types
                    .get(&(self.file(), subject.span))
                    .cloned()
                else {
                    return Facts::default();
                };
                let non_null = self.types.non_null(&ty);
                let (is_null, not_null) = (vec![(path.clone(), Ty::Null)], vec![(path, non_null)]);
                if *op == BinaryOp::Eq {
                    Facts {
                        when_true: is_null,
                        when_false: not_null,
                    }
                } else {
                    Facts {
                        when_true: not_null,
                        when_false: is_null,
                    }
                }
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => {
                let inner = self.facts(operand);
                Facts {
                    when_true: inner.when_false,
                    when_false: inner.when_true,
                }
            }
            ExprKind::Binary {
                op: BinaryOp::And,
                lhs,
                rhs,
            } => {
                let (l, r) = (self.facts(lhs), self.facts(rhs));
                Facts {
                    when_true: l.when_true.into_iter().chain(r.when_true).collect(),
                    when_false: Vec::new(),
                }
            }
            ExprKind::Binary {
                op: BinaryOp::Or,
                lhs,
                rhs,
            } => {
                let (l, r) = (self.facts(lhs), self.facts(rhs));
                Facts {
                    when_true: Vec::new(),
                    when_false: l.when_false.into_iter().chain(r.when_false).collect(),
                }
            }
            _ => Facts::default(),
        }
    }

    /// The path a narrowing can be about: a local, `input`/`config`/`trigger`, then fields.
    pub(in crate::types) fn path_of(&self, e: &ast::Expr) -> Option<Path> {
        match &e.kind {
            ExprKind::Name(name) => match self.ctx.scopes.lookup(name) {
                Some(local) => Some(Path {
                    root: Root::Local(local),
                    fields: Vec::new(),
                }),
                None if matches!(name.as_str(), "input" | "config" | "trigger") => Some(Path {
                    root: Root::Global(name.clone()),
                    fields: Vec::new(),
                }),
                None => None,
            },
            ExprKind::Field { target, name, .. } => {
                let mut path = self.path_of(target)?;
                path.fields.push(name.name.clone());
                Some(path)
            }
            ExprKind::Index { target, index } => match &index.kind {
                ExprKind::Literal(ast::Literal::Str(key)) => {
                    let mut path = self.path_of(target)?;
                    path.fields.push(SmolStr::new(key));
                    Some(path)
                }
                _ => None,
            },
            _ => None,
        }
    }

    pub(in crate::types) fn apply(&mut self, facts: Vec<(Path, Ty)>) {
        for (path, ty) in facts {
            self.ctx.scopes.narrow(path, ty);
        }
    }
}
