//! Statements and blocks.

use super::{Builder, Built};
use crate::syntax::ast::{self, StmtKind as S};
use crate::typed::{ForBinding, Stmt, StmtKind};
use crate::types::Def;

impl<'a> Builder<'a> {
    pub(super) fn block(&mut self, block: &'a ast::Block) -> Built<Vec<Stmt>> {
        let mut out = Vec::with_capacity(block.stmts.len());
        for stmt in &block.stmts {
            if let Some(s) = self.stmt(stmt)? {
                out.push(s);
            }
        }
        Ok(out)
    }

    /// A statement (`None` for none, kept for callers that skip some).
    pub(super) fn stmt(&mut self, stmt: &'a ast::Stmt) -> Built<Option<Stmt>> {
        crate::stack::deep(|| self.stmt_inner(stmt))
    }

    fn stmt_inner(&mut self, stmt: &'a ast::Stmt) -> Built<Option<Stmt>> {
        let kind = match &stmt.kind {
            S::Let { name, value, .. } => StmtKind::Let {
                binding: self.binding(name)?,
                value: self.expr(value)?,
            },
            S::Assign { name, value } => {
                let Def::Local { decl, .. } = self.def(name.span)? else {
                    return Err(self.missing(name.span, "local for this assignment"));
                };
                StmtKind::Assign {
                    local: self.local(*decl),
                    value: self.expr(value)?,
                }
            }
            S::For {
                binding,
                iter,
                body,
            } => StmtKind::For {
                binding: match binding {
                    ast::ForBinding::One(x) => ForBinding::One(self.binding(x)?),
                    ast::ForBinding::Pair(a, b) => {
                        ForBinding::Pair(self.binding(a)?, self.binding(b)?)
                    }
                },
                iter: self.expr(iter)?,
                body: self.block(body)?,
            },
            S::While { cond, body } => StmtKind::While {
                cond: self.expr(cond)?,
                body: self.block(body)?,
            },
            S::Break => StmtKind::Break,
            S::Continue => StmtKind::Continue,
            S::Return(v) => StmtKind::Return(self.expr_opt(v)?),
            S::Skip(v) => StmtKind::Skip(self.expr_opt(v)?),
            S::Fail(v) => StmtKind::Fail(self.expr(v)?),
            S::Log(v) => StmtKind::Log(self.expr(v)?),
            S::Warn(v) => StmtKind::Warn(self.expr(v)?),
            S::Output(v) => StmtKind::Output(self.expr(v)?),
            S::Try { body, err, handler } => StmtKind::Try {
                body: self.block(body)?,
                err: self.binding(err)?,
                handler: self.block(handler)?,
            },
            S::Expr(e) => StmtKind::Expr(self.expr(e)?),
            S::Expect(cond) => match &cond.kind {
                ast::ExprKind::Binary {
                    op: ast::BinaryOp::Eq,
                    lhs,
                    rhs,
                } => StmtKind::ExpectEq {
                    left: self.expr(lhs)?,
                    right: self.expr(rhs)?,
                },
                _ => StmtKind::Expect(self.expr(cond)?),
            },
            S::Mock { target, value } => {
                let name = match &target.kind {
                    ast::ExprKind::Field { name, .. } => name.span,
                    _ => target.span,
                };
                let Def::Op { adaptor, index } = self.def(name)? else {
                    return Err(self.missing(name, "op for this mock"));
                };
                StmtKind::Mock {
                    adaptor: *adaptor,
                    index: *index,
                    value: self.expr(value)?,
                }
            }
            S::Error => return Err(self.missing(stmt.span, "statement (a syntax error)")),
        };
        Ok(Some(Stmt {
            kind,
            span: stmt.span,
        }))
    }

    fn expr_opt(&mut self, e: &'a Option<ast::Expr>) -> Built<Option<crate::typed::Expr>> {
        e.as_ref().map(|e| self.expr(e)).transpose()
    }
}
