//! Statements and blocks.

use super::{Lowered, Lowerer, in_place};
use crate::ir::{Expr, Repr, Stmt};
use crate::source::Span;
use crate::typed::{self, ExprKind, ForBinding, StmtKind};

impl<'a> Lowerer<'a> {
    pub(super) fn block(&mut self, block: &'a [typed::Stmt]) -> Vec<Stmt> {
        let mut out = Vec::new();
        for stmt in block {
            self.stmt(stmt, &mut out);
        }
        out
    }

    /// A block's statements into `out`, and its value (its last expression).
    pub(super) fn block_value(
        &mut self,
        block: &'a [typed::Stmt],
        out: &mut Vec<Stmt>,
    ) -> Option<(Lowered, Span)> {
        let (last, init) = block.split_last()?;
        for stmt in init {
            self.stmt(stmt, out);
        }
        match &last.kind {
            StmtKind::Expr(e) => Some((self.expr(e), e.span)),
            _ => {
                self.stmt(last, out);
                None
            }
        }
    }

    pub(super) fn stmt(&mut self, stmt: &'a typed::Stmt, out: &mut Vec<Stmt>) {
        crate::stack::deep(|| self.stmt_inner(stmt, out))
    }

    fn stmt_inner(&mut self, stmt: &'a typed::Stmt, out: &mut Vec<Stmt>) {
        match &stmt.kind {
            StmtKind::Let { binding, value } => {
                let repr = self.repr(&binding.ty);
                let lowered = self.expr(value);
                let value = self.coerce(lowered, repr, value.span);
                let slot = self.declare(binding.local, repr);
                out.push(Stmt::Set(slot, value));
            }
            StmtKind::Assign { local, value } => {
                let (Expr::Local(slot), repr) = self.local(*local) else {
                    return;
                };
                let value = self.value_as(value, repr);
                match in_place::in_place(slot, &value, &mut || self.new_local(Repr::Value)) {
                    Some(updates) => out.extend(updates),
                    None => out.push(Stmt::Set(slot, value)),
                }
            }
            StmtKind::For {
                binding,
                iter,
                body,
            } => self.for_loop(binding, iter, body, out),
            StmtKind::While { cond, body } => {
                let cond = self.value_as(cond, Repr::Bool);
                let body = self.block(body);
                out.push(Stmt::While(cond, body));
            }
            StmtKind::Break => out.push(Stmt::Break),
            StmtKind::Continue => out.push(Stmt::Continue),
            StmtKind::Return(value) => {
                let ret = self.current_ret();
                let value = match value {
                    Some(v) => self.value_as(v, ret),
                    None => self.default_of(ret),
                };
                out.push(Stmt::Return(value));
            }
            StmtKind::Skip(reason) => {
                let reason = match reason {
                    Some(r) => self.boxed_value(r),
                    None => self.null(),
                };
                out.push(Stmt::Raise(Expr::call(
                    "ferry_skip",
                    vec![reason],
                    Repr::Value,
                    None,
                )));
            }
            StmtKind::Fail(reason) => {
                let reason = self.boxed_value(reason);
                let loc = self.loc(stmt.span);
                out.push(Stmt::Raise(Expr::call(
                    "ferry_fail",
                    vec![reason, Expr::Int(loc as i64)],
                    Repr::Value,
                    None,
                )));
            }
            StmtKind::Log(value) | StmtKind::Warn(value) => {
                let level = if matches!(stmt.kind, StmtKind::Warn(_)) {
                    1
                } else {
                    0
                };
                let value = self.boxed_value(value);
                out.push(Stmt::Expr(Expr::call(
                    "ferry_log",
                    vec![Expr::Int(level), value],
                    Repr::Value,
                    None,
                )));
            }
            StmtKind::Output(value) => {
                let value = self.boxed_value(value);
                out.push(Stmt::Expr(Expr::call(
                    "ferry_output",
                    vec![value],
                    Repr::Value,
                    None,
                )));
            }
            StmtKind::Try { body, err, handler } => {
                let body = self.block(body);
                let slot = self.declare(err.local, Repr::Value);
                let handler = self.block(handler);
                out.push(Stmt::Try {
                    body,
                    err: slot,
                    handler,
                });
            }
            StmtKind::Expect(_) | StmtKind::ExpectEq { .. } | StmtKind::Mock { .. } => {
                self.test_stmt(stmt, out)
            }
            StmtKind::Expr(e) => match &e.kind {
                ExprKind::If(if_expr) => self.if_stmt(if_expr, out),
                _ => {
                    let (expr, _) = self.expr(e);
                    out.push(Stmt::Expr(expr));
                }
            },
        }
    }

    fn if_stmt(&mut self, if_expr: &'a typed::If, out: &mut Vec<Stmt>) {
        let cond = self.value_as(&if_expr.cond, Repr::Bool);
        let then = self.block(&if_expr.then);
        let otherwise = match &if_expr.else_ {
            None => Vec::new(),
            Some(typed::Else::Block(b)) => self.block(b),
            Some(typed::Else::If(e)) => {
                let mut stmts = Vec::new();
                match &e.kind {
                    ExprKind::If(inner) => self.if_stmt(inner, &mut stmts),
                    _ => {
                        let (expr, _) = self.expr(e);
                        stmts.push(Stmt::Expr(expr));
                    }
                }
                stmts
            }
        };
        out.push(Stmt::If(cond, then, otherwise));
    }

    fn for_loop(
        &mut self,
        binding: &'a ForBinding,
        iter: &'a typed::Expr,
        body: &'a [typed::Stmt],
        out: &mut Vec<Stmt>,
    ) {
        let loc = self.loc(iter.span);
        // `for (i, x) in xs.enumerate()` walks `xs` with an index, allocating nothing.
        if let ForBinding::Pair(i, x) = binding
            && let ExprKind::Method {
                receiver,
                method,
                args,
                optional: false,
            } = &iter.kind
            && args.is_empty()
            && method == "enumerate"
        {
            let list = self.boxed_value(receiver);
            let item = self.new_local(Repr::Value);
            let index = self.declare(i.local, Repr::Int);
            let mut stmts = Vec::new();
            let x_repr = self.repr(&x.ty);
            let x_slot = self.declare(x.local, x_repr);
            let item_value = self.coerce((Expr::Local(item), Repr::Value), x_repr, x.span);
            stmts.push(Stmt::Set(x_slot, item_value));
            stmts.extend(self.block(body));
            out.push(Stmt::ForEach {
                list,
                item,
                index: Some(index),
                body: stmts,
                loc,
            });
            return;
        }
        let list = self.boxed_value(iter);
        let item = self.new_local(Repr::Value);
        let mut stmts = Vec::new();
        match binding {
            ForBinding::One(x) => self.param_from_box(x, item, &mut stmts),
            ForBinding::Pair(a, b) => {
                for (k, name) in [(0, a), (1, b)] {
                    let repr = self.repr(&name.ty);
                    let slot = self.declare(name.local, repr);
                    let part = Expr::call(
                        "ferry_pair",
                        vec![Expr::Local(item), Expr::Int(k)],
                        Repr::Value,
                        Some(loc),
                    );
                    let v = self.coerce((part, Repr::Value), repr, name.span);
                    stmts.push(Stmt::Set(slot, v));
                }
            }
        }
        stmts.extend(self.block(body));
        out.push(Stmt::ForEach {
            list,
            item,
            index: None,
            body: stmts,
            loc,
        });
    }
}
