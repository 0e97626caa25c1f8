//! A job compiled in test mode, for `ferry test` (docs/testing-jobs.md). Its main
//! body sets the consts, then runs the one `test` block the runtime names
//! (`ferry_test_index`). The job's own body becomes a function of its own that
//! `run(…)` calls (`ferry_test_run`), and every op call goes to the test's mocks
//! (`ferry_test_op`), so no request can leave a test. `fixture`, `calls`,
//! `logs` and `http_error` are runtime calls of their own.

use super::{FnState, Lowered, Lowerer};
use crate::ir::{Cmp, Expr, FnKind, Function, Repr, Stmt};
use crate::typed::{self, Arg};
use crate::types::Ty;

impl<'a> Lowerer<'a> {
    /// The test-mode main body and the job's body as `run`'s closure.
    pub(super) fn test_main(&mut self) {
        self.main_fn("ferry_test_main", |l, body| {
            l.test_job_body();
            for (i, test) in l.module_tree(0).tests.iter().enumerate() {
                let block = l.block(&test.body);
                let which = Expr::call("ferry_test_index", Vec::new(), Repr::Int, None);
                let chosen = Expr::IntCmp(Cmp::Eq, Box::new(which), Box::new(Expr::Int(i as i64)));
                body.push(Stmt::If(chosen, block, Vec::new()));
            }
        });
    }

    /// The job's top-level statements as a closure of no parameters.
    fn test_job_body(&mut self) {
        let id = self.functions.len() as u32;
        self.functions.push(Function {
            name: "ferry_test_job".into(),
            kind: FnKind::Closure { captures: 0 },
            params: Vec::new(),
            ret: Repr::Value,
            locals: Vec::new(),
            captured: Vec::new(),
            body: Vec::new(),
        });
        self.test_job = Some(id);
        self.stack
            .push(FnState::new(0, Repr::Value, Vec::new(), false));
        // Never streamed: `run` gives the output back as a value.
        let body = self.block(&self.module_tree(0).body);
        let state = self.stack.pop().expect("test job state");
        let f = &mut self.functions[id as usize];
        f.locals = state.locals;
        f.body = body;
    }

    /// A call only a test makes (`run`, `set_time`), or `None`.
    pub(super) fn test_builtin(
        &mut self,
        name: &str,
        args: &'a [Arg],
        ty: &Ty,
        loc: crate::ir::Loc,
    ) -> Option<Lowered> {
        let job = self.test_job?;
        let mut args = self.boxed_args(args);
        let call = match name {
            "run" if args.len() == 2 => {
                let config = args.pop()?;
                let input = args.pop()?;
                let closure = Expr::Closure {
                    func: job,
                    captures: Vec::new(),
                };
                Expr::call(
                    "ferry_test_run",
                    vec![closure, input, config],
                    Repr::Value,
                    Some(loc),
                )
            }
            "fixture" if args.len() == 1 => {
                let desc = self.desc(ty);
                args.push(Expr::Int(desc as i64));
                Expr::call("ferry_test_fixture", args, Repr::Value, Some(loc))
            }
            "logs" => Expr::call("ferry_test_logs", Vec::new(), Repr::Value, None),
            "http_error" if args.len() == 2 => {
                let body = args.pop()?;
                let status = args.pop()?;
                let status = Expr::Unbox(Box::new(status), Repr::Int, loc);
                Expr::call(
                    "ferry_test_http_error",
                    vec![status, body],
                    Repr::Value,
                    Some(loc),
                )
            }
            "set_time" if args.len() == 1 => {
                Expr::call("ferry_test_set_time", args, Repr::Value, Some(loc))
            }
            _ => return None,
        };
        Some((call, Repr::Value))
    }

    /// `expect`, `expect a == b` and `mock` (only in a test).
    pub(super) fn test_stmt(&mut self, stmt: &'a typed::Stmt, out: &mut Vec<Stmt>) {
        let loc = self.loc(stmt.span);
        match &stmt.kind {
            typed::StmtKind::Expect(cond) => {
                let holds = self.value_as(cond, Repr::Bool);
                out.push(Stmt::Expr(Expr::call(
                    "ferry_test_expect",
                    vec![holds, Expr::Int(loc as i64)],
                    Repr::Value,
                    Some(loc),
                )));
            }
            typed::StmtKind::ExpectEq { left, right }
                if let typed::ExprKind::Builtin { name, args } = &right.kind
                    && name == "fixture"
                    && let [Arg::Given(path)] = &args[..] =>
            {
                let desc = self.desc(&right.ty);
                let left = self.boxed_value(left);
                let path = self.boxed_value(path);
                out.push(Stmt::Expr(Expr::call(
                    "ferry_test_expect_fixture",
                    vec![left, path, Expr::Int(desc as i64), Expr::Int(loc as i64)],
                    Repr::Value,
                    Some(loc),
                )));
            }
            typed::StmtKind::ExpectEq { left, right } => {
                let left = self.boxed_value(left);
                let right = self.boxed_value(right);
                out.push(Stmt::Expr(Expr::call(
                    "ferry_test_expect_eq",
                    vec![left, right, Expr::Int(loc as i64)],
                    Repr::Value,
                    Some(loc),
                )));
            }
            typed::StmtKind::Mock {
                adaptor,
                index,
                value,
            } => {
                let op = self.op_id(*adaptor, *index);
                let params = match self.types.resolve(&value.ty) {
                    Ty::Fn(f) => f.params.len(),
                    _ => 0,
                };
                let closure = self.value_as(value, Repr::Closure);
                out.push(Stmt::Expr(Expr::call(
                    "ferry_test_mock",
                    vec![Expr::Int(op as i64), closure, Expr::Int(params as i64)],
                    Repr::Value,
                    Some(loc),
                )));
            }
            _ => {}
        }
    }
}
