//! Calls of built-ins, `fn`s, ops and function values, with the arguments the
//! typed tree gives in parameter order (defaults filled in). Methods are links
//! of a chain (`fields`).

use super::{Lowered, Lowerer};
use crate::ir::{Callee, Expr, Repr};
use crate::typed::{self, Arg, ExprKind};

impl<'a> Lowerer<'a> {
    pub(super) fn call(&mut self, e: &'a typed::Expr) -> Lowered {
        let loc = self.loc(e.span);
        let want = self.repr(&e.ty);
        match &e.kind {
            ExprKind::CallFn {
                module,
                index,
                args,
            } => self.fn_call(*module, *index, args, loc),
            ExprKind::CallOp {
                adaptor,
                index,
                args,
            } => {
                let call = self.op_call(*adaptor, *index, args, loc);
                (self.coerce((call, Repr::Value), want, e.span), want)
            }
            ExprKind::TestCalls { adaptor, index } => {
                let op = self.op_id(*adaptor, *index);
                let call = Expr::call(
                    "ferry_test_calls",
                    vec![Expr::Int(op as i64)],
                    Repr::Value,
                    None,
                );
                (self.coerce((call, Repr::Value), want, e.span), want)
            }
            ExprKind::Builtin { name, args } => {
                if let Some(call) = self.test_builtin(name, args, &e.ty, loc) {
                    return (self.coerce(call, want, e.span), want);
                }
                let args = self.boxed_args(args);
                let method = self.meta.method(name);
                let n = args.len() as i64;
                let null = self.null();
                let call = Expr::call(
                    "ferry_method",
                    vec![
                        Expr::Int(method as i64),
                        null,
                        Expr::Int(n),
                        Expr::Array(args),
                    ],
                    Repr::Value,
                    Some(loc),
                );
                (self.coerce((call, Repr::Value), want, e.span), want)
            }
            ExprKind::CallValue { callee, args } => {
                let lowered = self.expr(callee);
                let closure = self.coerce(lowered, Repr::Closure, callee.span);
                let args: Vec<Expr> = args.iter().map(|a| self.boxed_value(a)).collect();
                let call = Expr::CallClosure {
                    closure: Box::new(closure),
                    args,
                    loc,
                };
                (self.coerce((call, Repr::Value), want, e.span), want)
            }
            _ => self.internal(format!("{:?} is not a call", e.span)),
        }
    }

    /// Arguments of a method, built-in or op: boxed, except function values,
    /// which stay closures.
    pub(super) fn boxed_args(&mut self, args: &'a [Arg]) -> Vec<Expr> {
        args.iter()
            .map(|arg| match arg {
                Arg::Given(value) => {
                    let lowered = self.expr(value);
                    match lowered.1 {
                        Repr::Closure => lowered.0,
                        _ => self.boxed(lowered, value.span),
                    }
                }
                Arg::Default { module, value } => self.in_module(*module, |l| l.boxed_value(value)),
            })
            .collect()
    }

    fn fn_call(
        &mut self,
        module: usize,
        index: usize,
        args: &'a [Arg],
        loc: crate::ir::Loc,
    ) -> Lowered {
        let id = self.fn_id(module, index);
        let (param_reprs, ret) = {
            let f = &self.functions[id as usize];
            (f.params.clone(), f.ret)
        };
        if param_reprs.len() != args.len() {
            return self.internal(format!(
                "a call of `{}` with {} arguments for {} parameters",
                self.functions[id as usize].name,
                args.len(),
                param_reprs.len()
            ));
        }
        let lowered_args = args
            .iter()
            .zip(&param_reprs)
            .map(|(arg, repr)| match arg {
                Arg::Given(value) => self.value_as(value, *repr),
                Arg::Default { module, value } => {
                    self.in_module(*module, |l| l.value_as(value, *repr))
                }
            })
            .collect();
        (
            Expr::Call {
                callee: Callee::Function(id),
                args: lowered_args,
                ret,
                loc: Some(loc),
            },
            ret,
        )
    }
}
