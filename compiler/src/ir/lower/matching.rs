//! `match`: the arms as a chain of tests on the scrutinee, kept in a local; no
//! arm matching is an error the type did not allow.

use super::{Lowered, Lowerer};
use crate::ir::{Cmp, Expr, Local, Repr, Stmt};
use crate::typed::{self, Literal, PatternKind, StmtKind};
use ferry_meta::Constant;

impl<'a> Lowerer<'a> {
    pub(super) fn match_expr(&mut self, e: &'a typed::Expr, m: &'a typed::Match) -> Lowered {
        let repr = self.repr(&e.ty);
        let scrutinee_repr = self.repr(&m.scrutinee.ty);
        let subject = self.value_as(&m.scrutinee, scrutinee_repr);
        let temp = self.new_local(scrutinee_repr);
        let loc = self.loc(m.scrutinee.span);
        let mut result = Expr::Block(
            vec![Stmt::Raise(Expr::call(
                "ferry_no_match",
                vec![Expr::Int(loc as i64)],
                Repr::Value,
                None,
            ))],
            Box::new(Expr::Unreachable(repr)),
        );
        for arm in m.arms.iter().rev() {
            let mut binds = Vec::new();
            let test = self.pattern(&arm.pattern, temp, scrutinee_repr, &mut binds);
            let body = match &arm.body.kind {
                StmtKind::Expr(value) => {
                    let v = self.value_as(value, repr);
                    if binds.is_empty() {
                        v
                    } else {
                        Expr::Block(binds, Box::new(v))
                    }
                }
                _ => {
                    let mut stmts = binds;
                    self.stmt(&arm.body, &mut stmts);
                    let tail = if super::diverges(&stmts) {
                        Expr::Unreachable(repr)
                    } else {
                        self.default_of(repr)
                    };
                    Expr::Block(stmts, Box::new(tail))
                }
            };
            result = match test {
                None => body,
                Some(test) => Expr::If(Box::new(test), Box::new(body), Box::new(result), repr),
            };
        }
        (
            Expr::Block(vec![Stmt::Set(temp, subject)], Box::new(result)),
            repr,
        )
    }

    /// The test of a pattern on `subject` (None: always matches), with the
    /// bindings it makes.
    fn pattern(
        &mut self,
        p: &'a typed::Pattern,
        subject: Local,
        repr: Repr,
        binds: &mut Vec<Stmt>,
    ) -> Option<Expr> {
        match &p.kind {
            PatternKind::Wildcard => None,
            PatternKind::Bind(binding) => {
                let slot = self.declare(binding.local, repr);
                binds.push(Stmt::Set(slot, Expr::Local(subject)));
                None
            }
            PatternKind::Or(alternatives) => {
                let mut test: Option<Expr> = None;
                for alt in alternatives {
                    match self.pattern(alt, subject, repr, binds) {
                        None => return None,
                        Some(t) => {
                            test = Some(match test {
                                None => t,
                                Some(prev) => Expr::Or(Box::new(prev), Box::new(t)),
                            })
                        }
                    }
                }
                test
            }
            PatternKind::Literal(lit) => Some(match (lit, repr) {
                (Literal::Int(n), Repr::Int) => Expr::IntCmp(
                    Cmp::Eq,
                    Box::new(Expr::Local(subject)),
                    Box::new(Expr::Int(*n)),
                ),
                (Literal::Bool(b), Repr::Bool) => Expr::IntCmp(
                    Cmp::Eq,
                    Box::new(Expr::Local(subject)),
                    Box::new(Expr::Bool(*b)),
                ),
                (Literal::Null, _) => Expr::IsNull(Box::new(Expr::Local(subject))),
                (lit, _) => {
                    let constant = match lit {
                        Literal::Str(s) => Constant::Str(s.clone()),
                        Literal::Int(n) => Constant::Int(*n),
                        Literal::Float(x) => Constant::Float(*x),
                        Literal::Bool(b) => Constant::Bool(*b),
                        Literal::Null => Constant::Null,
                    };
                    let c = self.constant(constant);
                    let s = self.coerce((Expr::Local(subject), repr), Repr::Value, p.span);
                    Expr::call("ferry_eq", vec![s, c], Repr::Bool, None)
                }
            }),
        }
    }
}
