//! Expressions: literals, names, lists, operators, `as`, `if`.

use super::{Lowered, Lowerer};
use crate::ir::{Cmp, Expr, FloatOp, IntOp, Repr, Stmt};
use crate::typed::{self, BinaryOp, ExprKind, Global, Literal, TemplatePart};

impl<'a> Lowerer<'a> {
    pub(super) fn expr(&mut self, e: &'a typed::Expr) -> Lowered {
        crate::stack::deep(|| self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &'a typed::Expr) -> Lowered {
        match &e.kind {
            ExprKind::Literal(lit) => match lit {
                Literal::Null => (self.null(), Repr::Value),
                Literal::Bool(b) => (Expr::Bool(*b), Repr::Bool),
                Literal::Int(n) => (Expr::Int(*n), Repr::Int),
                Literal::Float(x) => (Expr::Float(*x), Repr::Float),
                Literal::Str(s) => (self.string(s), Repr::Value),
            },
            ExprKind::Duration(millis) => (Expr::Int(*millis as i64), Repr::Int),
            ExprKind::Template(parts) => {
                let mut items = Vec::new();
                for part in parts {
                    match part {
                        TemplatePart::Text(t) => items.push(self.string(t)),
                        TemplatePart::Expr(inner) => items.push(self.boxed_value(inner)),
                    }
                }
                let n = items.len() as i64;
                (
                    Expr::call(
                        "ferry_text",
                        vec![Expr::Int(n), Expr::Array(items)],
                        Repr::Value,
                        None,
                    ),
                    Repr::Value,
                )
            }
            ExprKind::Local(local) => self.local(*local),
            ExprKind::Global(g) => (self.global_value(*g), Repr::Value),
            ExprKind::Const { module, index } => {
                let g = self.global(*module, *index);
                (Expr::Global(g), Repr::Value)
            }
            ExprKind::FnRef { module, index } => self.fn_closure(*module, *index),
            ExprKind::List(items) => {
                let items: Vec<Expr> = items.iter().map(|i| self.boxed_value(i)).collect();
                let n = items.len() as i64;
                (
                    Expr::call(
                        "ferry_list",
                        vec![Expr::Int(n), Expr::Array(items)],
                        Repr::Value,
                        None,
                    ),
                    Repr::Value,
                )
            }
            ExprKind::Record(entries) => (self.record(entries), Repr::Value),
            ExprKind::Field { .. } | ExprKind::Index { .. } | ExprKind::Method { .. } => {
                self.chain(e)
            }
            ExprKind::Builtin { .. }
            | ExprKind::CallFn { .. }
            | ExprKind::CallOp { .. }
            | ExprKind::CallValue { .. }
            | ExprKind::TestCalls { .. } => self.call(e),
            ExprKind::Not(operand) => (
                Expr::Not(Box::new(self.value_as(operand, Repr::Bool))),
                Repr::Bool,
            ),
            ExprKind::Neg(operand) => {
                let lowered = self.expr(operand);
                match lowered.1 {
                    Repr::Int => {
                        let loc = self.loc(e.span);
                        (
                            Expr::Int2(
                                IntOp::Sub,
                                Box::new(Expr::Int(0)),
                                Box::new(lowered.0),
                                loc,
                            ),
                            Repr::Int,
                        )
                    }
                    _ => {
                        let x = self.coerce(lowered, Repr::Float, operand.span);
                        (
                            Expr::Float2(FloatOp::Sub, Box::new(Expr::Float(0.0)), Box::new(x)),
                            Repr::Float,
                        )
                    }
                }
            }
            ExprKind::Binary { op, lhs, rhs } => self.binary(e, *op, lhs, rhs),
            ExprKind::As(inner) => {
                let desc = self.desc(&e.ty);
                let value = self.boxed_value(inner);
                let loc = self.loc(e.span);
                (
                    Expr::call(
                        "ferry_as",
                        vec![value, Expr::Int(desc as i64)],
                        Repr::Value,
                        Some(loc),
                    ),
                    Repr::Value,
                )
            }
            ExprKind::Lambda { params, body } => self.lambda(params, body),
            ExprKind::If(if_expr) => self.if_expr(e, if_expr),
            ExprKind::Match(m) => self.match_expr(e, m),
            ExprKind::OmitNull(inner) => {
                let value = self.boxed_value(inner);
                (
                    Expr::call("ferry_omit_null", vec![value], Repr::Value, None),
                    Repr::Value,
                )
            }
        }
    }

    /// `input`, `config`, `trigger`; inside an adaptor, `config` is its section.
    fn global_value(&mut self, g: Global) -> Expr {
        let f = match g {
            Global::Input => "ferry_input",
            Global::Config => "ferry_config",
            Global::Trigger => "ferry_trigger",
            Global::AdaptorConfig(module) => {
                let adaptor = self.adaptor_index(module);
                return Expr::call(
                    "ferry_adaptor_config",
                    vec![Expr::Int(adaptor as i64)],
                    Repr::Value,
                    None,
                );
            }
        };
        Expr::call(f, Vec::new(), Repr::Value, None)
    }

    fn binary(
        &mut self,
        e: &'a typed::Expr,
        op: BinaryOp,
        lhs: &'a typed::Expr,
        rhs: &'a typed::Expr,
    ) -> Lowered {
        let result = self.repr(&e.ty);
        match op {
            BinaryOp::And | BinaryOp::Or => {
                let (a, b) = (
                    self.value_as(lhs, Repr::Bool),
                    self.value_as(rhs, Repr::Bool),
                );
                let expr = if op == BinaryOp::And {
                    Expr::And(Box::new(a), Box::new(b))
                } else {
                    Expr::Or(Box::new(a), Box::new(b))
                };
                return (expr, Repr::Bool);
            }
            BinaryOp::Coalesce => {
                let left = self.boxed_value(lhs);
                let temp = self.new_local(Repr::Value);
                let right = self.value_as(rhs, result);
                let present = self.coerce((Expr::Local(temp), Repr::Value), result, lhs.span);
                let choice = Expr::If(
                    Box::new(Expr::IsNull(Box::new(Expr::Local(temp)))),
                    Box::new(right),
                    Box::new(present),
                    result,
                );
                return (
                    Expr::Block(vec![Stmt::Set(temp, left)], Box::new(choice)),
                    result,
                );
            }
            _ => {}
        }
        let (lr, rr) = (self.repr(&lhs.ty), self.repr(&rhs.ty));
        let numeric = |r: Repr| matches!(r, Repr::Int | Repr::Float);
        let loc = self.loc(e.span);
        match op {
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => {
                let cmp = match op {
                    BinaryOp::Eq => Cmp::Eq,
                    BinaryOp::NotEq => Cmp::Ne,
                    BinaryOp::Lt => Cmp::Lt,
                    BinaryOp::Le => Cmp::Le,
                    BinaryOp::Gt => Cmp::Gt,
                    _ => Cmp::Ge,
                };
                if lr == Repr::Int && rr == Repr::Int {
                    let (a, b) = (self.value_as(lhs, Repr::Int), self.value_as(rhs, Repr::Int));
                    return (Expr::IntCmp(cmp, Box::new(a), Box::new(b)), Repr::Bool);
                }
                if numeric(lr) && numeric(rr) {
                    let (a, b) = (
                        self.value_as(lhs, Repr::Float),
                        self.value_as(rhs, Repr::Float),
                    );
                    return (Expr::FloatCmp(cmp, Box::new(a), Box::new(b)), Repr::Bool);
                }
                if lr == Repr::Bool && rr == Repr::Bool && matches!(cmp, Cmp::Eq | Cmp::Ne) {
                    let (a, b) = (
                        self.value_as(lhs, Repr::Bool),
                        self.value_as(rhs, Repr::Bool),
                    );
                    return (Expr::IntCmp(cmp, Box::new(a), Box::new(b)), Repr::Bool);
                }
                let (a, b) = (self.boxed_value(lhs), self.boxed_value(rhs));
                if matches!(cmp, Cmp::Eq | Cmp::Ne) {
                    let eq = Expr::call("ferry_eq", vec![a, b], Repr::Bool, None);
                    return (
                        if cmp == Cmp::Eq {
                            eq
                        } else {
                            Expr::Not(Box::new(eq))
                        },
                        Repr::Bool,
                    );
                }
                let order = Expr::call("ferry_cmp", vec![a, b], Repr::Int, None);
                (
                    Expr::IntCmp(cmp, Box::new(order), Box::new(Expr::Int(0))),
                    Repr::Bool,
                )
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul if lr == Repr::Int && rr == Repr::Int => {
                let int_op = match op {
                    BinaryOp::Add => IntOp::Add,
                    BinaryOp::Sub => IntOp::Sub,
                    _ => IntOp::Mul,
                };
                let (a, b) = (self.value_as(lhs, Repr::Int), self.value_as(rhs, Repr::Int));
                (Expr::Int2(int_op, Box::new(a), Box::new(b), loc), Repr::Int)
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div
                if numeric(lr) && numeric(rr) =>
            {
                let (a, b) = (
                    self.value_as(lhs, Repr::Float),
                    self.value_as(rhs, Repr::Float),
                );
                let float_op = match op {
                    BinaryOp::Add => FloatOp::Add,
                    BinaryOp::Sub => FloatOp::Sub,
                    BinaryOp::Mul => FloatOp::Mul,
                    _ => {
                        return (
                            Expr::call("ferry_float_div", vec![a, b], Repr::Float, Some(loc)),
                            Repr::Float,
                        );
                    }
                };
                (
                    Expr::Float2(float_op, Box::new(a), Box::new(b)),
                    Repr::Float,
                )
            }
            BinaryOp::Rem => {
                let (a, b) = (self.value_as(lhs, Repr::Int), self.value_as(rhs, Repr::Int));
                (
                    Expr::call("ferry_int_rem", vec![a, b], Repr::Int, Some(loc)),
                    Repr::Int,
                )
            }
            _ => {
                // `+` of texts or lists.
                let (a, b) = (self.boxed_value(lhs), self.boxed_value(rhs));
                (
                    Expr::call("ferry_concat", vec![a, b], Repr::Value, Some(loc)),
                    Repr::Value,
                )
            }
        }
    }

    fn if_expr(&mut self, e: &'a typed::Expr, if_expr: &'a typed::If) -> Lowered {
        let repr = self.repr(&e.ty);
        let cond = self.value_as(&if_expr.cond, Repr::Bool);
        let then = self.branch(&if_expr.then, repr);
        let otherwise = match &if_expr.else_ {
            None => self.default_of(repr),
            Some(typed::Else::Block(b)) => self.branch(b, repr),
            Some(typed::Else::If(inner)) => self.value_as(inner, repr),
        };
        (
            Expr::If(Box::new(cond), Box::new(then), Box::new(otherwise), repr),
            repr,
        )
    }

    /// A block as a value of `repr` (`null` when it ends without one).
    pub(super) fn branch(&mut self, block: &'a [typed::Stmt], repr: Repr) -> Expr {
        let mut stmts = Vec::new();
        let value = match self.block_value(block, &mut stmts) {
            Some((lowered, span)) => self.coerce(lowered, repr, span),
            None => Expr::Unreachable(repr),
        };
        let value = match value {
            Expr::Unreachable(r) if !super::diverges(&stmts) => self.default_of(r),
            v => v,
        };
        if stmts.is_empty() {
            value
        } else {
            Expr::Block(stmts, Box::new(value))
        }
    }
}
