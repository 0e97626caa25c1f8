//! Functions: the job's main body (consts first), `fn`s as calls reach them,
//! lambdas as closures, and named functions used as values.

use super::{FnState, Lowered, Lowerer};
use crate::ir::{Callee, Expr, FnKind, FuncId, Function, Local, Repr, Stmt};
use crate::typed::{self, StmtKind};

impl<'a> Lowerer<'a> {
    pub(super) fn main(&mut self) {
        self.main_fn("ferry_job_main", |l, body| {
            for stmt in &l.module_tree(0).body {
                match &stmt.kind {
                    StmtKind::Output(value) if l.streams(value) => l.streamed_output(value, body),
                    _ => l.stmt(stmt, body),
                }
            }
        });
    }

    /// A main function: the program's description, the consts, then what
    /// `fill` lowers; last the user functions its calls found.
    pub(super) fn main_fn(&mut self, name: &str, fill: fn(&mut Self, &mut Vec<Stmt>)) {
        self.functions.push(Function {
            name: name.into(),
            kind: FnKind::Main,
            params: Vec::new(),
            ret: Repr::Value,
            locals: Vec::new(),
            captured: Vec::new(),
            body: Vec::new(),
        });
        self.stack
            .push(FnState::new(0, Repr::Value, Vec::new(), false));
        self.describe_program();
        let mut body = Vec::new();
        self.const_inits(&mut body);
        fill(self, &mut body);
        let state = self.stack.pop().expect("main state");
        self.functions[0].locals = state.locals;
        self.functions[0].body = body;
        self.meta.globals = self.globals.len() as u32;
        self.lower_queued_fns();
    }

    /// User functions, as calls found them.
    pub(super) fn lower_queued_fns(&mut self) {
        while let Some((module, index, id)) = self.queue.pop() {
            self.user_fn(module, index, id);
        }
    }

    /// The job's consts, first in its main body, each after those it reads.
    pub(super) fn const_inits(&mut self, body: &mut Vec<Stmt>) {
        for index in self.const_order(0) {
            let g = self.global(0, index);
            let value = self.const_value(0, index);
            let span = self.module_tree(0).consts[index].value.span;
            let value = self.boxed(value, span);
            body.push(Stmt::Expr(Expr::call(
                "ferry_set_global",
                vec![Expr::Int(g as i64), value],
                Repr::Value,
                None,
            )));
        }
    }

    pub(super) fn global(&mut self, module: usize, index: usize) -> u32 {
        let next = self.globals.len() as u32;
        *self.globals.entry((module, index)).or_insert(next)
    }

    fn const_value(&mut self, module: usize, index: usize) -> Lowered {
        let saved = std::mem::take(&mut self.stack);
        self.stack
            .push(FnState::new(module, Repr::Value, Vec::new(), false));
        let value = &self.module_tree(module).consts[index].value;
        let result = self.expr(value);
        let state = self.stack.pop().expect("const state");
        self.stack = saved;
        // Const initializers are constant expressions: they need no locals of
        // their own, but lambdas inside them may; keep any in main's frame.
        for repr in state.locals {
            self.state().locals.push(repr);
        }
        result
    }

    /// Consts in an order where each comes after the consts it reads.
    fn const_order(&self, module: usize) -> Vec<usize> {
        let consts = &self.module_tree(module).consts;
        let mut order = Vec::with_capacity(consts.len());
        let mut seen = vec![false; consts.len()];
        fn visit(consts: &[typed::Const], i: usize, seen: &mut Vec<bool>, order: &mut Vec<usize>) {
            if seen[i] {
                return;
            }
            seen[i] = true;
            for &d in &consts[i].reads {
                visit(consts, d, seen, order);
            }
            order.push(i);
        }
        for i in 0..consts.len() {
            visit(consts, i, &mut seen, &mut order);
        }
        order
    }

    pub(super) fn fn_id(&mut self, module: usize, index: usize) -> FuncId {
        if let Some(&id) = self.fn_ids.get(&(module, index)) {
            return id;
        }
        let f = &self.module_tree(module).fns[index];
        let params = f.params.iter().map(|p| self.repr(&p.binding.ty)).collect();
        let ret = self.repr(&f.ret);
        let id = self.functions.len() as FuncId;
        self.functions.push(Function {
            name: format!("fn_{}_{}", module, f.name),
            kind: FnKind::User,
            params,
            ret,
            locals: Vec::new(),
            captured: Vec::new(),
            body: Vec::new(),
        });
        self.fn_ids.insert((module, index), id);
        self.queue.push((module, index, id));
        id
    }

    fn user_fn(&mut self, module: usize, index: usize, id: FuncId) {
        let decl = &self.module_tree(module).fns[index];
        let (params, ret) = {
            let f = &self.functions[id as usize];
            (f.params.clone(), f.ret)
        };
        self.stack.push(FnState::new(module, ret, params, false));
        for (i, p) in decl.params.iter().enumerate() {
            self.bind(p.binding.local, i as Local);
        }
        let mut body = Vec::new();
        let value = self.block_value(&decl.body, &mut body);
        let value = match value {
            Some((lowered, span)) => self.coerce(lowered, ret, span),
            None => self.default_of(ret),
        };
        body.push(Stmt::Return(value));
        let state = self.stack.pop().expect("fn state");
        let f = &mut self.functions[id as usize];
        f.locals = state.locals;
        f.body = body;
    }

    /// A lambda: a closure function whose parameters come boxed.
    pub(super) fn lambda(
        &mut self,
        params: &'a [typed::Binding],
        body: &'a typed::Expr,
    ) -> Lowered {
        let module = self.module();
        let id = self.functions.len() as FuncId;
        self.functions.push(Function {
            name: format!("lambda_{id}"),
            kind: FnKind::Closure { captures: 0 },
            params: vec![Repr::Value; params.len()],
            ret: Repr::Value,
            locals: Vec::new(),
            captured: Vec::new(),
            body: Vec::new(),
        });
        self.stack.push(FnState::new(
            module,
            Repr::Value,
            vec![Repr::Value; params.len()],
            true,
        ));
        let mut stmts = Vec::new();
        for (i, p) in params.iter().enumerate() {
            self.param_from_box(p, i as Local, &mut stmts);
        }
        let value = self.boxed_value(body);
        stmts.push(Stmt::Return(value));
        let state = self.stack.pop().expect("lambda state");
        let captures = state.captures.clone();
        let f = &mut self.functions[id as usize];
        f.kind = FnKind::Closure {
            captures: captures.len() as u32,
        };
        f.captured = state.captured;
        f.locals = state.locals;
        f.body = stmts;
        (Expr::Closure { func: id, captures }, Repr::Closure)
    }

    /// A parameter that comes boxed in slot `slot`: bound to it, or unboxed
    /// into a slot of its own when its type is held unboxed.
    pub(super) fn param_from_box(
        &mut self,
        p: &typed::Binding,
        slot: Local,
        stmts: &mut Vec<Stmt>,
    ) {
        let repr = self.repr(&p.ty);
        if repr == Repr::Value {
            self.bind(p.local, slot);
        } else {
            let own = self.declare(p.local, repr);
            let unboxed = self.coerce((Expr::Local(slot), Repr::Value), repr, p.span);
            stmts.push(Stmt::Set(own, unboxed));
        }
    }

    /// A named function used as a value: a closure that calls it.
    pub(super) fn fn_closure(&mut self, module: usize, index: usize) -> Lowered {
        let target = self.fn_id(module, index);
        let (params, ret) = {
            let f = &self.functions[target as usize];
            (f.params.clone(), f.ret)
        };
        let id = self.functions.len() as FuncId;
        let mut locals = vec![Repr::Value; params.len()];
        let mut args = Vec::new();
        let mut body = Vec::new();
        for (i, repr) in params.iter().enumerate() {
            if *repr == Repr::Value || *repr == Repr::Closure {
                args.push(Expr::Local(i as Local));
            } else {
                locals.push(*repr);
                let slot = locals.len() as Local - 1;
                let loc = self.meta.location(self.meta.job.to_string());
                body.push(Stmt::Set(
                    slot,
                    Expr::Unbox(Box::new(Expr::Local(i as Local)), *repr, loc),
                ));
                args.push(Expr::Local(slot));
            }
        }
        let loc = self.meta.location(self.meta.job.clone());
        let call = Expr::Call {
            callee: Callee::Function(target),
            args,
            ret,
            loc: Some(loc),
        };
        let result = if ret == Repr::Value {
            call
        } else {
            Expr::Box(Box::new(call), ret)
        };
        body.push(Stmt::Return(result));
        self.functions.push(Function {
            name: format!("wrap_{target}"),
            kind: FnKind::Closure { captures: 0 },
            params: vec![Repr::Value; params.len()],
            ret: Repr::Value,
            locals,
            captured: Vec::new(),
            body,
        });
        (
            Expr::Closure {
                func: id,
                captures: Vec::new(),
            },
            Repr::Closure,
        )
    }
}
