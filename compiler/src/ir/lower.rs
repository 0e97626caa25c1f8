//! Checked syntax to IR. Static types choose representations (an `Int` stays an
//! unboxed `i64`); names become slots (a lambda's free variables become captures);
//! `?.`, `??`, `match`, interpolation and named arguments become plain calls and
//! branches.

use super::{
    Callee, Cmp, Expr, FloatOp, FnKind, FuncId, Function, IntOp, Loc, Local, Program, Repr, Stmt,
};
use crate::Analysis;
use crate::source::{SourceId, Span};
use crate::syntax::ast::{self, BinaryOp, ExprKind, ItemKind, StmtKind, UnaryOp};
use crate::types::{Def, Lit, Ty, TypeTable};
use ferry_meta::{AdaptorMeta, Constant, Desc, FieldMeta, Meta, OpMeta, ShapeMeta, TriggerMeta};
use std::collections::HashMap;

mod in_place;
mod stream;

/// Lowers a checked job (without errors) to IR.
pub fn lower(analysis: &Analysis) -> Result<Program, String> {
    if analysis.has_errors() {
        return Err("the job has errors; `ferry check` shows them".into());
    }
    if analysis.files[0].ast.adaptor.is_some() {
        return Err("this is an adaptor file, not a job".into());
    }
    let mut l = Lowerer {
        a: analysis,
        types: &analysis.checked.types,
        meta: Meta {
            job: analysis.sources.get(analysis.files[0].id).name.clone(),
            ..Meta::default()
        },
        functions: Vec::new(),
        fn_ids: HashMap::new(),
        queue: Vec::new(),
        globals: HashMap::new(),
        stack: Vec::new(),
        ops: HashMap::new(),
        op_fns: HashMap::new(),
    };
    l.main()?;
    Ok(Program {
        functions: l.functions,
        meta: l.meta,
    })
}

/// A function being lowered.
struct FnState {
    module: usize,
    /// What `return` gives, in which representation.
    ret: Repr,
    locals: Vec<Repr>,
    /// Declaration span of a checker local → its slot.
    slots: HashMap<(SourceId, Span), Local>,
    /// For a closure: captured outer slots, in the order the env holds them,
    /// and the slots they are loaded into.
    captures: Vec<(Local, Repr)>,
    captured: Vec<Local>,
    /// Only closures capture; a function body sees no outer locals.
    closure: bool,
}

struct Lowerer<'a> {
    a: &'a Analysis,
    types: &'a TypeTable,
    meta: Meta,
    functions: Vec<Function>,
    fn_ids: HashMap<(usize, usize), FuncId>,
    queue: Vec<(usize, usize, FuncId)>,
    globals: HashMap<(usize, usize), u32>,
    stack: Vec<FnState>,
    ops: HashMap<(usize, usize), u32>,
    /// The function of each HTTP-bound op used.
    op_fns: HashMap<(usize, usize), FuncId>,
}

type Lowered = (Expr, Repr);

impl<'a> Lowerer<'a> {
    // ------------------------------------------------------------------ context

    fn state(&mut self) -> &mut FnState {
        self.stack.last_mut().expect("a function is being lowered")
    }

    fn module(&self) -> usize {
        self.stack.last().map_or(0, |s| s.module)
    }

    fn file(&self) -> SourceId {
        self.a.files[self.module()].id
    }

    fn ast_of(&self, module: usize) -> &'a ast::File {
        &self.a.files[module].ast
    }

    fn ty(&self, span: Span) -> Ty {
        self.a
            .checked
            .info
            .expr_types
            .get(&(self.file(), span))
            .cloned()
            .unwrap_or(Ty::Json)
    }

    fn def(&self, span: Span) -> Option<&'a Def> {
        self.a.checked.info.defs.get(&(self.file(), span))
    }

    fn repr(&self, ty: &Ty) -> Repr {
        repr_of(self.types, ty)
    }

    fn new_local(&mut self, repr: Repr) -> Local {
        let state = self.state();
        state.locals.push(repr);
        state.locals.len() as Local - 1
    }

    fn loc(&mut self, span: Span) -> Loc {
        if self.module() != 0 {
            return super::CALLER_LOC;
        }
        let source = self.a.sources.get(self.file());
        let at = source.line_col(span.start as usize);
        let text = format!("{}:{}:{}", source.name, at.line + 1, at.col + 1);
        self.meta.location(text)
    }

    fn constant(&mut self, c: Constant) -> Expr {
        Expr::Const(self.meta.constant(c))
    }

    fn null(&mut self) -> Expr {
        self.constant(Constant::Null)
    }

    fn string(&mut self, s: &str) -> Expr {
        self.constant(Constant::Str(s.to_string()))
    }

    /// The slot of a local, capturing it from enclosing functions when needed.
    fn slot(&mut self, decl: Span) -> Local {
        let key = (self.file(), decl);
        self.slot_at(self.stack.len() - 1, key)
    }

    fn slot_at(&mut self, depth: usize, decl: (SourceId, Span)) -> Local {
        if let Some(&slot) = self.stack[depth].slots.get(&decl) {
            return slot;
        }
        if depth == 0 || !self.stack[depth].closure {
            return 0;
        }
        let outer = self.slot_at(depth - 1, decl);
        let repr = self.stack[depth - 1].locals[outer as usize];
        let state = &mut self.stack[depth];
        state.locals.push(repr);
        let slot = state.locals.len() as Local - 1;
        state.captures.push((outer, repr));
        state.captured.push(slot);
        state.slots.insert(decl, slot);
        slot
    }

    /// A new slot for a local the checker declared at `decl`.
    fn declare(&mut self, decl: Span, repr: Repr) -> Local {
        let slot = self.new_local(repr);
        let key = (self.file(), decl);
        self.state().slots.insert(key, slot);
        slot
    }

    /// Binds the checker's local declared at `decl` to an existing slot.
    fn bind(&mut self, decl: Span, slot: Local) {
        let key = (self.file(), decl);
        self.state().slots.insert(key, slot);
    }

    // ------------------------------------------------------------------ conversions

    fn coerce(&mut self, (expr, from): Lowered, to: Repr, span: Span) -> Expr {
        if from == to {
            return expr;
        }
        match (from, to) {
            (Repr::Int, Repr::Float) => Expr::IntToFloat(Box::new(expr)),
            (_, Repr::Value) => Expr::Box(Box::new(expr), from),
            (Repr::Value, _) => {
                let loc = self.loc(span);
                Expr::Unbox(Box::new(expr), to, loc)
            }
            (Repr::Closure, _) | (_, Repr::Closure) => expr,
            (from, to) => {
                // Int/Bool/Float to another unboxed kind: through a box (rare).
                let loc = self.loc(span);
                Expr::Unbox(Box::new(Expr::Box(Box::new(expr), from)), to, loc)
            }
        }
    }

    fn boxed(&mut self, lowered: Lowered, span: Span) -> Expr {
        self.coerce(lowered, Repr::Value, span)
    }

    fn value_as(&mut self, e: &'a ast::Expr, repr: Repr) -> Expr {
        let lowered = self.expr(e);
        self.coerce(lowered, repr, e.span)
    }

    // ------------------------------------------------------------------ functions

    fn main(&mut self) -> Result<(), String> {
        self.functions.push(Function {
            name: "ferry_job_main".into(),
            kind: FnKind::Main,
            params: Vec::new(),
            ret: Repr::Value,
            locals: Vec::new(),
            captured: Vec::new(),
            body: Vec::new(),
        });
        self.stack.push(FnState {
            module: 0,
            ret: Repr::Value,
            locals: Vec::new(),
            slots: HashMap::new(),
            captures: Vec::new(),
            captured: Vec::new(),
            closure: false,
        });
        self.describe_program();
        let mut body = Vec::new();
        // Consts first, each after those it reads.
        let order = self.const_order(0);
        for index in order {
            let g = self.global(0, index);
            let value = self.const_value(0, index);
            let value = self.boxed(value, Span::default());
            body.push(Stmt::Expr(Expr::call(
                "ferry_set_global",
                vec![Expr::Int(g as i64), value],
                Repr::Value,
                None,
            )));
        }
        for item in &self.ast_of(0).items {
            if let ItemKind::Stmt(stmt) = &item.kind {
                match &stmt.kind {
                    StmtKind::Output(value) if self.streams(value) => {
                        self.streamed_output(value, &mut body)
                    }
                    _ => self.stmt(stmt, &mut body),
                }
            }
        }
        let state = self.stack.pop().expect("main state");
        self.functions[0].locals = state.locals;
        self.functions[0].body = body;
        self.meta.globals = self.globals.len() as u32;
        // User functions, as calls found them.
        while let Some((module, index, id)) = self.queue.pop() {
            self.user_fn(module, index, id);
        }
        Ok(())
    }

    fn global(&mut self, module: usize, index: usize) -> u32 {
        let next = self.globals.len() as u32;
        *self.globals.entry((module, index)).or_insert(next)
    }

    fn const_decl(&self, module: usize, index: usize) -> Option<&'a ast::Expr> {
        self.ast_of(module)
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Const { value, .. } => Some(value),
                _ => None,
            })
            .nth(index)
    }

    fn const_value(&mut self, module: usize, index: usize) -> Lowered {
        let saved = std::mem::take(&mut self.stack);
        self.stack.push(FnState {
            module,
            ret: Repr::Value,
            locals: Vec::new(),
            slots: HashMap::new(),
            captures: Vec::new(),
            captured: Vec::new(),
            closure: false,
        });
        let result = match self.const_decl(module, index) {
            Some(e) => self.expr(e),
            None => (self.null(), Repr::Value),
        };
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
        let count = self.a.checked.modules[module].consts.len();
        let mut order = Vec::new();
        let mut seen = vec![false; count];
        fn visit(
            l: &Lowerer,
            module: usize,
            i: usize,
            seen: &mut Vec<bool>,
            order: &mut Vec<usize>,
        ) {
            if seen[i] {
                return;
            }
            seen[i] = true;
            if let Some(e) = l.const_decl(module, i) {
                let mut deps = Vec::new();
                const_refs(l, module, e, &mut deps);
                for d in deps {
                    visit(l, module, d, seen, order);
                }
            }
            order.push(i);
        }
        for i in 0..count {
            visit(self, module, i, &mut seen, &mut order);
        }
        order
    }

    fn fn_id(&mut self, module: usize, index: usize) -> FuncId {
        if let Some(&id) = self.fn_ids.get(&(module, index)) {
            return id;
        }
        let sig = &self.a.checked.modules[module].fns[index];
        let params = sig
            .params
            .iter()
            .map(|p| repr_of(self.types, &p.ty))
            .collect();
        let ret = repr_of(self.types, &sig.ret);
        let id = self.functions.len() as FuncId;
        self.functions.push(Function {
            name: format!("fn_{}_{}", module, sig.name),
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

    fn fn_decl(&self, module: usize, index: usize) -> &'a ast::FnDecl {
        self.ast_of(module)
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Fn(f) => Some(f),
                _ => None,
            })
            .nth(index)
            .expect("the checker's function index")
    }

    fn user_fn(&mut self, module: usize, index: usize, id: FuncId) {
        let decl = self.fn_decl(module, index);
        let (params, ret) = {
            let f = &self.functions[id as usize];
            (f.params.clone(), f.ret)
        };
        self.stack.push(FnState {
            module,
            ret,
            locals: params.clone(),
            slots: HashMap::new(),
            captures: Vec::new(),
            captured: Vec::new(),
            closure: false,
        });
        for (i, p) in decl.params.iter().enumerate() {
            self.bind(p.name.span, i as Local);
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

    fn default_of(&mut self, repr: Repr) -> Expr {
        match repr {
            Repr::Int => Expr::Int(0),
            Repr::Float => Expr::Float(0.0),
            Repr::Bool => Expr::Bool(false),
            Repr::Value | Repr::Closure => self.null(),
        }
    }

    /// A lambda: a closure function whose parameters come boxed.
    fn lambda(&mut self, params: &'a [ast::Param], body: &'a ast::Expr) -> Lowered {
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
        self.stack.push(FnState {
            module,
            ret: Repr::Value,
            locals: vec![Repr::Value; params.len()],
            slots: HashMap::new(),
            captures: Vec::new(),
            captured: Vec::new(),
            closure: true,
        });
        let mut stmts = Vec::new();
        for (i, p) in params.iter().enumerate() {
            let repr = self.repr(&self.ty(p.name.span));
            if repr == Repr::Value {
                self.bind(p.name.span, i as Local);
            } else {
                let slot = self.declare(p.name.span, repr);
                let unboxed =
                    self.coerce((Expr::Local(i as Local), Repr::Value), repr, p.name.span);
                stmts.push(Stmt::Set(slot, unboxed));
            }
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

    fn boxed_value(&mut self, e: &'a ast::Expr) -> Expr {
        let lowered = self.expr(e);
        self.boxed(lowered, e.span)
    }

    /// A named function used as a value: a closure that calls it.
    fn fn_closure(&mut self, module: usize, index: usize) -> Lowered {
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

    // ------------------------------------------------------------------ statements

    fn block(&mut self, block: &'a ast::Block) -> Vec<Stmt> {
        let mut out = Vec::new();
        for stmt in &block.stmts {
            self.stmt(stmt, &mut out);
        }
        out
    }

    /// A block's statements into `out`, and its value (its last expression).
    fn block_value(
        &mut self,
        block: &'a ast::Block,
        out: &mut Vec<Stmt>,
    ) -> Option<(Lowered, Span)> {
        let (last, init) = block.stmts.split_last()?;
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

    fn stmt(&mut self, stmt: &'a ast::Stmt, out: &mut Vec<Stmt>) {
        crate::stack::deep(|| self.stmt_inner(stmt, out))
    }

    fn stmt_inner(&mut self, stmt: &'a ast::Stmt, out: &mut Vec<Stmt>) {
        match &stmt.kind {
            StmtKind::Let { name, value, .. } => {
                let repr = self.repr(&self.ty(name.span));
                let lowered = self.expr(value);
                let value = self.coerce(lowered, repr, value.span);
                let slot = self.declare(name.span, repr);
                out.push(Stmt::Set(slot, value));
            }
            StmtKind::Assign { name, value } => {
                let Some(Def::Local { decl, .. }) = self.def(name.span) else {
                    return;
                };
                let slot = self.slot(*decl);
                let repr = self.state().locals[slot as usize];
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
                let slot = self.declare(err.span, Repr::Value);
                let handler = self.block(handler);
                out.push(Stmt::Try {
                    body,
                    err: slot,
                    handler,
                });
            }
            StmtKind::Expr(e) => match &e.kind {
                ExprKind::If(if_expr) => self.if_stmt(if_expr, out),
                _ => {
                    let (expr, _) = self.expr(e);
                    out.push(Stmt::Expr(expr));
                }
            },
            // Tests are run by `ferry test`, not compiled into the job.
            StmtKind::Expect(_) | StmtKind::Mock { .. } | StmtKind::Error => {}
        }
    }

    fn current_ret(&self) -> Repr {
        self.stack.last().map_or(Repr::Value, |s| s.ret)
    }

    fn if_stmt(&mut self, if_expr: &'a ast::IfExpr, out: &mut Vec<Stmt>) {
        let cond = self.value_as(&if_expr.cond, Repr::Bool);
        let then = self.block(&if_expr.then);
        let otherwise = match &if_expr.else_ {
            None => Vec::new(),
            Some(ast::Else::Block(b)) => self.block(b),
            Some(ast::Else::If(e)) => {
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
        binding: &'a ast::ForBinding,
        iter: &'a ast::Expr,
        body: &'a ast::Block,
        out: &mut Vec<Stmt>,
    ) {
        let loc = self.loc(iter.span);
        // `for (i, x) in xs.enumerate()` walks `xs` with an index, allocating nothing.
        if let ast::ForBinding::Pair(i, x) = binding
            && let ExprKind::Call { callee, args } = &iter.kind
            && args.is_empty()
            && let ExprKind::Field {
                target,
                name,
                optional: false,
            } = &callee.kind
            && name.name == "enumerate"
        {
            let list = self.boxed_value(target);
            let item = self.new_local(Repr::Value);
            let index = self.declare(i.span, Repr::Int);
            let mut stmts = Vec::new();
            let x_repr = self.repr(&self.ty(x.span));
            let x_slot = self.declare(x.span, x_repr);
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
            ast::ForBinding::One(x) => {
                let repr = self.repr(&self.ty(x.span));
                if repr == Repr::Value {
                    self.bind(x.span, item);
                } else {
                    let slot = self.declare(x.span, repr);
                    let v = self.coerce((Expr::Local(item), Repr::Value), repr, x.span);
                    stmts.push(Stmt::Set(slot, v));
                }
            }
            ast::ForBinding::Pair(a, b) => {
                for (k, name) in [(0, a), (1, b)] {
                    let repr = self.repr(&self.ty(name.span));
                    let slot = self.declare(name.span, repr);
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

    // ------------------------------------------------------------------ expressions

    fn expr(&mut self, e: &'a ast::Expr) -> Lowered {
        crate::stack::deep(|| self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &'a ast::Expr) -> Lowered {
        match &e.kind {
            ExprKind::Literal(lit) => match lit {
                ast::Literal::Null => (self.null(), Repr::Value),
                ast::Literal::Bool(b) => (Expr::Bool(*b), Repr::Bool),
                ast::Literal::Int(n) => (Expr::Int(*n), Repr::Int),
                ast::Literal::Float(x) => (Expr::Float(*x), Repr::Float),
                ast::Literal::Str(s) => (self.string(s), Repr::Value),
            },
            ExprKind::Duration(d) => (Expr::Int(d.millis() as i64), Repr::Int),
            ExprKind::Template(parts) => {
                let mut items = Vec::new();
                for part in parts {
                    match part {
                        ast::TemplatePart::Text(t) => items.push(self.string(t)),
                        ast::TemplatePart::Expr(inner) => items.push(self.boxed_value(inner)),
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
            ExprKind::Name(name) => self.name(e, name),
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
            ExprKind::Field { .. } | ExprKind::Index { .. } | ExprKind::Call { .. } => {
                self.chain(e)
            }
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => (
                Expr::Not(Box::new(self.value_as(operand, Repr::Bool))),
                Repr::Bool,
            ),
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } => {
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
            ExprKind::As { expr, ty: _ } => {
                let target = self.ty(e.span);
                let desc = self.desc(&target);
                let value = self.boxed_value(expr);
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
            ExprKind::Error => (self.null(), Repr::Value),
        }
    }

    fn name(&mut self, e: &'a ast::Expr, name: &str) -> Lowered {
        match self.def(e.span) {
            Some(Def::Local { decl, .. }) => {
                let slot = self.slot(*decl);
                let repr = self.state().locals[slot as usize];
                (Expr::Local(slot), repr)
            }
            Some(Def::Fn { module, index }) => self.fn_closure(*module, *index),
            Some(Def::Const { module, index }) => {
                let g = self.global(*module, *index);
                (Expr::Global(g), Repr::Value)
            }
            Some(Def::Global(g)) => {
                let f = match g.as_str() {
                    "input" => "ferry_input",
                    "config" => "ferry_config",
                    _ => "ferry_trigger",
                };
                // Inside an adaptor, `config` is the adaptor's own section.
                if self.module() != 0 && g == "config" {
                    let adaptor = self.adaptor_index(self.module());
                    return (
                        Expr::call(
                            "ferry_adaptor_config",
                            vec![Expr::Int(adaptor as i64)],
                            Repr::Value,
                            None,
                        ),
                        Repr::Value,
                    );
                }
                (Expr::call(f, Vec::new(), Repr::Value, None), Repr::Value)
            }
            _ => {
                // Only reached for names the checker let through as errors.
                let _ = name;
                (self.null(), Repr::Value)
            }
        }
    }

    fn record(&mut self, entries: &'a [ast::RecordEntry]) -> Expr {
        let spread = entries
            .iter()
            .any(|e| matches!(e, ast::RecordEntry::Spread(_)));
        if !spread {
            let mut names = Vec::new();
            let mut values = Vec::new();
            for entry in entries {
                if let Some((name, value)) = self.record_field(entry) {
                    names.push(name.to_string());
                    values.push(value);
                }
            }
            let shape = self.meta.shape(ShapeMeta {
                fields: names,
                open: false,
            });
            return Expr::call(
                "ferry_record",
                vec![Expr::Int(shape as i64), Expr::Array(values)],
                Repr::Value,
                None,
            );
        }
        // With spreads: built field by field, later fields winning.
        let builder = self.new_local(Repr::Value);
        let mut stmts = vec![Stmt::Set(
            builder,
            Expr::call("ferry_object_new", Vec::new(), Repr::Value, None),
        )];
        for entry in entries {
            let call = match (entry, self.record_field(entry)) {
                (_, Some((name, v))) => {
                    let key = self.string(name);
                    Expr::call(
                        "ferry_object_set",
                        vec![Expr::Local(builder), key, v],
                        Repr::Value,
                        None,
                    )
                }
                (ast::RecordEntry::Spread(value), None) => {
                    let v = self.boxed_value(value);
                    Expr::call(
                        "ferry_object_spread",
                        vec![Expr::Local(builder), v],
                        Repr::Value,
                        None,
                    )
                }
                (_, None) => continue,
            };
            stmts.push(Stmt::Expr(call));
        }
        Expr::Block(stmts, Box::new(Expr::Local(builder)))
    }

    /// A record literal's field (`name: value` or a shorthand `name`): its name
    /// and boxed value; `None` for a spread.
    fn record_field(&mut self, entry: &'a ast::RecordEntry) -> Option<(&'a str, Expr)> {
        match entry {
            ast::RecordEntry::Field { name, value } => Some((&name.name, self.boxed_value(value))),
            ast::RecordEntry::Shorthand(ident) => Some((&ident.name, self.shorthand(ident))),
            ast::RecordEntry::Spread(_) => None,
        }
    }

    fn shorthand(&mut self, ident: &'a ast::Ident) -> Expr {
        let e = ast::Expr {
            kind: ExprKind::Name(ident.name.clone()),
            span: ident.span,
        };
        let lowered = match self.def(ident.span) {
            Some(Def::Local { decl, .. }) => {
                let slot = self.slot(*decl);
                let repr = self.state().locals[slot as usize];
                (Expr::Local(slot), repr)
            }
            Some(Def::Const { module, index }) => {
                let g = self.global(*module, *index);
                (Expr::Global(g), Repr::Value)
            }
            _ => (self.null(), Repr::Value),
        };
        let _ = e;
        self.boxed(lowered, ident.span)
    }

    fn binary(
        &mut self,
        e: &'a ast::Expr,
        op: BinaryOp,
        lhs: &'a ast::Expr,
        rhs: &'a ast::Expr,
    ) -> Lowered {
        let result = self.repr(&self.ty(e.span));
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
        let (lt, rt) = (self.ty(lhs.span), self.ty(rhs.span));
        let (lr, rr) = (self.repr(&lt), self.repr(&rt));
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

    fn if_expr(&mut self, e: &'a ast::Expr, if_expr: &'a ast::IfExpr) -> Lowered {
        let repr = self.repr(&self.ty(e.span));
        let cond = self.value_as(&if_expr.cond, Repr::Bool);
        let then = self.branch(&if_expr.then, repr);
        let otherwise = match &if_expr.else_ {
            None => self.default_of(repr),
            Some(ast::Else::Block(b)) => self.branch(b, repr),
            Some(ast::Else::If(inner)) => self.value_as(inner, repr),
        };
        (
            Expr::If(Box::new(cond), Box::new(then), Box::new(otherwise), repr),
            repr,
        )
    }

    /// A block as a value of `repr` (`null` when it ends without one).
    fn branch(&mut self, block: &'a ast::Block, repr: Repr) -> Expr {
        let mut stmts = Vec::new();
        let value = match self.block_value(block, &mut stmts) {
            Some((lowered, span)) => self.coerce(lowered, repr, span),
            None => Expr::Unreachable(repr),
        };
        let value = match value {
            Expr::Unreachable(r) if !diverges(&stmts) => self.default_of(r),
            v => v,
        };
        if stmts.is_empty() {
            value
        } else {
            Expr::Block(stmts, Box::new(value))
        }
    }

    fn match_expr(&mut self, e: &'a ast::Expr, m: &'a ast::MatchExpr) -> Lowered {
        let repr = self.repr(&self.ty(e.span));
        let scrutinee_repr = self.repr(&self.ty(m.scrutinee.span));
        let subject = self.value_as(&m.scrutinee, scrutinee_repr);
        let temp = self.new_local(scrutinee_repr);
        let loc = self.loc(m.scrutinee.span);
        // No arm matched: only possible for values the type does not allow.
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
                    let tail = if diverges(&stmts) {
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
        p: &'a ast::Pattern,
        subject: Local,
        repr: Repr,
        binds: &mut Vec<Stmt>,
    ) -> Option<Expr> {
        match &p.kind {
            ast::PatternKind::Wildcard | ast::PatternKind::Error => None,
            ast::PatternKind::Bind(name) => {
                let slot = self.declare(name.span, repr);
                binds.push(Stmt::Set(slot, Expr::Local(subject)));
                None
            }
            ast::PatternKind::Or(alternatives) => {
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
            ast::PatternKind::Literal(lit) => Some(match (lit, repr) {
                (ast::Literal::Int(n), Repr::Int) => Expr::IntCmp(
                    Cmp::Eq,
                    Box::new(Expr::Local(subject)),
                    Box::new(Expr::Int(*n)),
                ),
                (ast::Literal::Bool(b), Repr::Bool) => Expr::IntCmp(
                    Cmp::Eq,
                    Box::new(Expr::Local(subject)),
                    Box::new(Expr::Bool(*b)),
                ),
                (ast::Literal::Null, _) => Expr::IsNull(Box::new(Expr::Local(subject))),
                (lit, _) => {
                    let constant = match lit {
                        ast::Literal::Str(s) => Constant::Str(s.clone()),
                        ast::Literal::Int(n) => Constant::Int(*n),
                        ast::Literal::Float(x) => Constant::Float(*x),
                        ast::Literal::Bool(b) => Constant::Bool(*b),
                        ast::Literal::Null => Constant::Null,
                    };
                    let c = self.constant(constant);
                    let s = self.coerce((Expr::Local(subject), repr), Repr::Value, p.span);
                    Expr::call("ferry_eq", vec![s, c], Repr::Bool, None)
                }
            }),
        }
    }

    // ------------------------------------------------------------------ chains and calls

    /// `a.b?.c[0].d(x)`: links applied in order; a `?.` makes the rest of the
    /// chain run only when the value before it is not null.
    fn chain(&mut self, e: &'a ast::Expr) -> Lowered {
        let mut links = Vec::new();
        let mut root = e;
        loop {
            match &root.kind {
                ExprKind::Field { target, .. } if !self.is_adaptor(target) => {
                    links.push(root);
                    root = target;
                }
                ExprKind::Index { target, .. } => {
                    links.push(root);
                    root = target;
                }
                ExprKind::Call { callee, .. } => {
                    links.push(root);
                    // A method's name is part of its call link; an op's callee
                    // (`dhis2.op`) is the whole root.
                    match &callee.kind {
                        ExprKind::Field { target, .. } if !self.is_adaptor(target) => root = target,
                        _ => {
                            root = callee;
                            break;
                        }
                    }
                }
                _ => break,
            }
        }
        links.reverse();
        // A called function or op is not a value of its own.
        let called_directly = links.first().is_some_and(
            |l| matches!(&l.kind, ExprKind::Call { callee, .. } if std::ptr::eq(&**callee, root)),
        ) && (self.is_adaptor_field(root)
            || matches!(self.def(root.span), Some(Def::Fn { .. } | Def::Builtin(_))));
        let start = if called_directly {
            (self.null(), Repr::Value)
        } else {
            self.expr(root)
        };
        self.links(start, root, &links)
    }

    fn is_adaptor(&self, target: &ast::Expr) -> bool {
        matches!(self.def(target.span), Some(Def::Adaptor(_)))
    }

    fn is_adaptor_field(&self, e: &ast::Expr) -> bool {
        matches!(&e.kind, ExprKind::Field { target, .. } if self.is_adaptor(target))
    }

    fn links(
        &mut self,
        current: Lowered,
        before: &'a ast::Expr,
        links: &[&'a ast::Expr],
    ) -> Lowered {
        let Some((&link, rest)) = links.split_first() else {
            return current;
        };
        let optional = match &link.kind {
            ExprKind::Field { optional, .. } => *optional,
            ExprKind::Call { callee, .. } => {
                matches!(&callee.kind, ExprKind::Field { optional: true, target, .. } if !self.is_adaptor(target))
            }
            _ => false,
        };
        if optional {
            let temp = self.new_local(Repr::Value);
            let value = self.boxed(current, before.span);
            let applied = self.link((Expr::Local(temp), Repr::Value), before, link);
            let tail = self.links(applied, link, rest);
            let tail = self.boxed(tail, link.span);
            let null = self.null();
            let guarded = Expr::If(
                Box::new(Expr::IsNull(Box::new(Expr::Local(temp)))),
                Box::new(null),
                Box::new(tail),
                Repr::Value,
            );
            return (
                Expr::Block(vec![Stmt::Set(temp, value)], Box::new(guarded)),
                Repr::Value,
            );
        }
        let applied = self.link(current, before, link);
        self.links(applied, link, rest)
    }

    /// One link applied to the value before it.
    fn link(&mut self, current: Lowered, before: &'a ast::Expr, link: &'a ast::Expr) -> Lowered {
        let loc = self.loc(link.span);
        match &link.kind {
            ExprKind::Field { name, .. } => {
                let target_ty = self.types.non_null(&self.ty(before.span));
                let target = self.boxed(current, before.span);
                let want = self.repr(&self.ty(link.span));
                let key = self.meta.constant(Constant::Str(name.name.to_string())) as i64;
                let value = match self.record_slot(&target_ty, &name.name) {
                    Some((shape, slot)) => Expr::call(
                        "ferry_field",
                        vec![
                            target,
                            Expr::Int(shape as i64),
                            Expr::Int(slot as i64),
                            Expr::Int(key),
                        ],
                        Repr::Value,
                        Some(loc),
                    ),
                    None => Expr::call(
                        "ferry_get",
                        vec![target, Expr::Int(key)],
                        Repr::Value,
                        Some(loc),
                    ),
                };
                (self.coerce((value, Repr::Value), want, link.span), want)
            }
            ExprKind::Index { index, .. } => {
                let target = self.boxed(current, before.span);
                let key = self.boxed_value(index);
                (
                    Expr::call("ferry_index", vec![target, key], Repr::Value, Some(loc)),
                    Repr::Value,
                )
            }
            ExprKind::Call { callee, args } => self.call(current, before, link, callee, args, loc),
            _ => current,
        }
    }

    /// The shape and slot of a field, when the static type is a record.
    fn record_slot(&mut self, ty: &Ty, name: &str) -> Option<(u32, u32)> {
        let Ty::Record(r) = self.types.resolve(ty) else {
            return None;
        };
        let slot = r.fields.iter().position(|f| f.name == name)?;
        let shape = self.meta.shape(ShapeMeta {
            fields: r.fields.iter().map(|f| f.name.to_string()).collect(),
            open: r.open,
        });
        Some((shape, slot as u32))
    }

    fn call(
        &mut self,
        current: Lowered,
        before: &'a ast::Expr,
        link: &'a ast::Expr,
        callee: &'a ast::Expr,
        args: &'a [ast::Arg],
        loc: Loc,
    ) -> Lowered {
        let want = self.repr(&self.ty(link.span));
        // An op or function of an adaptor: `dhis2.create_tracked_entity(…)`.
        if let ExprKind::Field { target, name, .. } = &callee.kind
            && self.is_adaptor(target)
        {
            return match self.def(name.span) {
                Some(Def::Op { adaptor, index }) => {
                    let (adaptor, index) = (*adaptor, *index);
                    let call = self.op_call(adaptor, index, args, loc);
                    (self.coerce((call, Repr::Value), want, link.span), want)
                }
                Some(Def::Fn { module, index }) => {
                    let (module, index) = (*module, *index);
                    self.fn_call(module, index, args, loc)
                }
                _ => (self.null(), Repr::Value),
            };
        }
        // A method: `target.name(args)`.
        if let ExprKind::Field { name, .. } = &callee.kind {
            let receiver_ty = self.types.non_null(&self.ty(before.span));
            let receiver = self.boxed(current, before.span);
            let sig = crate::types::methods::method(self.types, &receiver_ty, &name.name);
            let params: Vec<(String, bool)> = sig
                .as_ref()
                .map(|s| {
                    s.params
                        .iter()
                        .map(|(n, _, d)| (n.to_string(), *d))
                        .collect()
                })
                .unwrap_or_default();
            let args = self.ordered_args(&params, args, |l, i| l.method_default(&name.name, i));
            let method = self.meta.method(&name.name);
            let n = args.len() as i64;
            let call = Expr::call(
                "ferry_method",
                vec![
                    Expr::Int(method as i64),
                    receiver,
                    Expr::Int(n),
                    Expr::Array(args),
                ],
                Repr::Value,
                Some(loc),
            );
            return (self.coerce((call, Repr::Value), want, link.span), want);
        }
        match self.def(callee.span) {
            Some(Def::Fn { module, index }) => {
                let (module, index) = (*module, *index);
                self.fn_call(module, index, args, loc)
            }
            Some(Def::Builtin(name)) => {
                let sig = crate::types::methods::free_functions(true)
                    .into_iter()
                    .find(|f| f.name == name.as_str());
                let params: Vec<(String, bool)> = sig
                    .map(|s| {
                        s.params
                            .iter()
                            .map(|(n, _, d)| (n.to_string(), *d))
                            .collect()
                    })
                    .unwrap_or_default();
                let args = self.ordered_args(&params, args, |l, _| l.null());
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
                (self.coerce((call, Repr::Value), want, link.span), want)
            }
            _ => {
                // A function value.
                let closure = self.coerce(current, Repr::Closure, before.span);
                let args: Vec<Expr> = args.iter().map(|a| self.boxed_value(&a.value)).collect();
                let call = Expr::CallClosure {
                    closure: Box::new(closure),
                    args,
                    loc,
                };
                (self.coerce((call, Repr::Value), want, link.span), want)
            }
        }
    }

    /// Arguments in parameter order, named ones placed and defaults filled.
    fn ordered_args(
        &mut self,
        params: &[(String, bool)],
        args: &'a [ast::Arg],
        default: impl Fn(&mut Self, usize) -> Expr,
    ) -> Vec<Expr> {
        let mut slots: Vec<Option<&'a ast::Arg>> = vec![None; params.len().max(args.len())];
        let mut positional = 0;
        for arg in args {
            let slot = match &arg.name {
                Some(n) => params
                    .iter()
                    .position(|(p, _)| *p == n.name.as_str())
                    .unwrap_or(positional),
                None => {
                    positional += 1;
                    positional - 1
                }
            };
            if slot < slots.len() {
                slots[slot] = Some(arg);
            }
        }
        let count = params.len().max(positional);
        (0..count)
            .map(|i| match slots.get(i).copied().flatten() {
                Some(arg) => match &arg.value.kind {
                    ExprKind::Lambda { .. } => self.expr(&arg.value).0,
                    _ => {
                        let lowered = self.expr(&arg.value);
                        match lowered.1 {
                            Repr::Closure => lowered.0,
                            _ => self.boxed(lowered, arg.value.span),
                        }
                    }
                },
                None => default(self, i),
            })
            .collect()
    }

    fn method_default(&mut self, method: &str, index: usize) -> Expr {
        match (method, index) {
            ("sort_by", 1) => Expr::Box(Box::new(Expr::Bool(false)), Repr::Bool),
            _ => self.null(),
        }
    }

    fn fn_call(&mut self, module: usize, index: usize, args: &'a [ast::Arg], loc: Loc) -> Lowered {
        let id = self.fn_id(module, index);
        let (param_reprs, ret) = {
            let f = &self.functions[id as usize];
            (f.params.clone(), f.ret)
        };
        let decl = self.fn_decl(module, index);
        let params: Vec<(String, bool)> = decl
            .params
            .iter()
            .map(|p| (p.name.name.to_string(), p.default.is_some()))
            .collect();
        let mut ordered: Vec<Option<&'a ast::Expr>> = vec![None; params.len()];
        let mut positional = 0;
        for arg in args {
            let slot = match &arg.name {
                Some(n) => params
                    .iter()
                    .position(|(p, _)| *p == n.name.as_str())
                    .unwrap_or(0),
                None => {
                    positional += 1;
                    positional - 1
                }
            };
            if slot < ordered.len() {
                ordered[slot] = Some(&arg.value);
            }
        }
        let mut lowered_args = Vec::new();
        for (i, repr) in param_reprs.iter().enumerate() {
            let value = match ordered[i] {
                Some(e) => self.value_as(e, *repr),
                None => {
                    let default = decl.params[i]
                        .default
                        .as_ref()
                        .expect("the checker requires the argument or a default");
                    self.in_module(module, |l| l.value_as(default, *repr))
                }
            };
            lowered_args.push(value);
        }
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

    fn in_module<T>(&mut self, module: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        let current = self.module();
        if current == module {
            return f(self);
        }
        let state = self.state();
        let saved = state.module;
        state.module = module;
        let out = f(self);
        self.state().module = saved;
        out
    }

    // ------------------------------------------------------------------ adaptors

    fn adaptor_index(&self, module: usize) -> u32 {
        self.a.checked.modules[0]
            .uses
            .iter()
            .position(|(_, m)| *m == module)
            .unwrap_or(0) as u32
    }

    /// An op call: a native op through `ferry_op`, an HTTP binding through its
    /// own function; the arguments in parameter order.
    fn op_call(&mut self, adaptor: usize, index: usize, args: &'a [ast::Arg], loc: Loc) -> Expr {
        let op = self.op_id(adaptor, index);
        let sig = &self.a.checked.modules[adaptor].ops[index];
        let params: Vec<(String, bool)> = sig
            .params
            .iter()
            .map(|p| (p.name.to_string(), p.has_default))
            .collect();
        let decl = self.op_decl(adaptor, index);
        let args = self.ordered_args(&params, args, |l, i| {
            match decl.params.get(i).and_then(|p| p.default.as_ref()) {
                Some(default) => l.in_module(adaptor, |l| l.boxed_value(default)),
                None => l.null(),
            }
        });
        if let ast::OpBinding::Http(http) = &decl.binding {
            let function = self.op_fn(adaptor, index, op, http);
            return Expr::Call {
                callee: Callee::Function(function),
                args,
                ret: Repr::Value,
                loc: Some(loc),
            };
        }
        let n = args.len() as i64;
        Expr::call(
            "ferry_op",
            vec![Expr::Int(op as i64), Expr::Int(n), Expr::Array(args)],
            Repr::Value,
            Some(loc),
        )
    }

    /// The function that runs an HTTP-bound op: it builds the request from the
    /// binding, sends it (`ferry_http`), follows `paged` links, picks `result`,
    /// and checks the answer against the op's return type. Parameters come boxed.
    fn op_fn(
        &mut self,
        adaptor: usize,
        index: usize,
        op: u32,
        http: &'a ast::HttpBinding,
    ) -> FuncId {
        if let Some(&id) = self.op_fns.get(&(adaptor, index)) {
            return id;
        }
        let decl = self.op_decl(adaptor, index);
        let id = self.functions.len() as FuncId;
        let params = vec![Repr::Value; decl.params.len()];
        self.functions.push(Function {
            name: format!("op_{}", self.meta.ops[op as usize].name.replace('.', "_")),
            kind: FnKind::User,
            params: params.clone(),
            ret: Repr::Value,
            locals: Vec::new(),
            captured: Vec::new(),
            body: Vec::new(),
        });
        self.op_fns.insert((adaptor, index), id);
        self.stack.push(FnState {
            module: adaptor,
            ret: Repr::Value,
            locals: params,
            slots: HashMap::new(),
            captures: Vec::new(),
            captured: Vec::new(),
            closure: false,
        });
        for (i, p) in decl.params.iter().enumerate() {
            let repr = self.repr(&self.ty(p.name.span));
            if repr == Repr::Value {
                self.bind(p.name.span, i as Local);
            }
        }
        let mut body = Vec::new();
        // Parameters the binding reads unboxed.
        for (i, p) in decl.params.iter().enumerate() {
            let repr = self.repr(&self.ty(p.name.span));
            if repr != Repr::Value {
                let slot = self.declare(p.name.span, repr);
                let v = self.coerce((Expr::Local(i as Local), Repr::Value), repr, p.name.span);
                body.push(Stmt::Set(slot, v));
            }
        }
        let base = self.new_local(Repr::Value);
        let base_value = self.adaptor_base(adaptor);
        body.push(Stmt::Set(base, base_value));
        let auth = self.new_local(Repr::Value);
        let auth_value = self.adaptor_auth(adaptor);
        body.push(Stmt::Set(auth, auth_value));
        let part = |l: &mut Self, e: &'a Option<ast::Expr>| match e {
            Some(e) => l.boxed_value(e),
            None => l.null(),
        };
        let path = self.boxed_value(&http.path);
        let query = part(self, &http.query);
        let headers = part(self, &http.headers);
        let request_body = part(self, &http.body);
        let shape = self.meta.shape(ShapeMeta {
            fields: ["path", "query", "headers", "body"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            open: false,
        });
        let request = Expr::call(
            "ferry_record",
            vec![
                Expr::Int(shape as i64),
                Expr::Array(vec![path, query, headers, request_body]),
            ],
            Repr::Value,
            None,
        );
        let loc = self.loc(http.method.span);
        // The checker's `body`: the decoded response, in `result` and `paged`.
        let response = self.declare(Span::default(), Repr::Value);
        let send = |kind: &'static str, what: Expr| {
            Expr::call(
                kind,
                vec![
                    Expr::Int(op as i64),
                    what,
                    Expr::Local(base),
                    Expr::Local(auth),
                ],
                Repr::Value,
                Some(loc),
            )
        };
        body.push(Stmt::Set(response, send("ferry_http", request)));
        let result = match &http.paged {
            Some(paged) => {
                let acc = self.new_local(Repr::Value);
                body.push(Stmt::Set(
                    acc,
                    Expr::call(
                        "ferry_list",
                        vec![Expr::Int(0), Expr::Array(Vec::new())],
                        Repr::Value,
                        None,
                    ),
                ));
                let items = self.boxed_value(&paged.items);
                let next_value = self.boxed_value(&paged.next);
                let next = self.new_local(Repr::Value);
                let page_loc = self.loc(paged.items.span);
                let round = vec![
                    Stmt::Expr(Expr::call(
                        "ferry_append_page",
                        vec![Expr::Local(acc), items],
                        Repr::Value,
                        Some(page_loc),
                    )),
                    Stmt::Set(next, next_value),
                    Stmt::If(
                        Expr::IsNull(Box::new(Expr::Local(next))),
                        vec![Stmt::Break],
                        Vec::new(),
                    ),
                    Stmt::Set(response, send("ferry_http_next", Expr::Local(next))),
                ];
                body.push(Stmt::While(Expr::Bool(true), round));
                Expr::Local(acc)
            }
            None => match &http.result {
                Some(result) => self.boxed_value(result),
                None => Expr::Local(response),
            },
        };
        let checked = Expr::call(
            "ferry_op_result",
            vec![Expr::Int(op as i64), result],
            Repr::Value,
            Some(loc),
        );
        body.push(Stmt::Return(checked));
        let state = self.stack.pop().expect("op state");
        let f = &mut self.functions[id as usize];
        f.locals = state.locals;
        f.body = body;
        id
    }

    fn adaptor_item(&self, adaptor: usize, base: bool) -> Option<&'a ast::Expr> {
        self.ast_of(adaptor)
            .items
            .iter()
            .find_map(|i| match (&i.kind, base) {
                (ItemKind::Base(e), true) | (ItemKind::Auth(e), false) => Some(e),
                _ => None,
            })
    }

    fn adaptor_base(&mut self, adaptor: usize) -> Expr {
        match self.adaptor_item(adaptor, true) {
            Some(e) => self.boxed_value(e),
            None => self.null(),
        }
    }

    /// `auth basic(a, b)` as the record `{ scheme: "basic", args: [a, b] }`.
    fn adaptor_auth(&mut self, adaptor: usize) -> Expr {
        let Some(e) = self.adaptor_item(adaptor, false) else {
            return self.null();
        };
        let ExprKind::Call { callee, args } = &e.kind else {
            return self.null();
        };
        let ExprKind::Name(scheme) = &callee.kind else {
            return self.null();
        };
        let scheme = self.string(scheme);
        let values: Vec<Expr> = args.iter().map(|a| self.boxed_value(&a.value)).collect();
        let n = values.len() as i64;
        let list = Expr::call(
            "ferry_list",
            vec![Expr::Int(n), Expr::Array(values)],
            Repr::Value,
            None,
        );
        let shape = self.meta.shape(ShapeMeta {
            fields: vec!["scheme".into(), "args".into()],
            open: false,
        });
        Expr::call(
            "ferry_record",
            vec![Expr::Int(shape as i64), Expr::Array(vec![scheme, list])],
            Repr::Value,
            None,
        )
    }

    fn op_decl(&self, adaptor: usize, index: usize) -> &'a ast::OpDecl {
        self.ast_of(adaptor)
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Op(o) => Some(o),
                _ => None,
            })
            .nth(index)
            .expect("the checker's op index")
    }

    fn op_id(&mut self, adaptor: usize, index: usize) -> u32 {
        if let Some(&id) = self.ops.get(&(adaptor, index)) {
            return id;
        }
        let sig = self.a.checked.modules[adaptor].ops[index].clone();
        let decl = self.op_decl(adaptor, index);
        let result = self.desc(&sig.ret);
        let adaptor_name = self.a.checked.modules[adaptor]
            .adaptor_name
            .clone()
            .unwrap_or_default();
        let (method, idempotent) = match &decl.binding {
            ast::OpBinding::Http(http) => (
                http.method.name.to_string(),
                http.idempotent.is_some()
                    || matches!(http.method.name.as_str(), "GET" | "HEAD" | "PUT" | "DELETE"),
            ),
            _ => (String::new(), false),
        };
        let id = self.meta.ops.len() as u32;
        self.meta.ops.push(OpMeta {
            name: format!("{adaptor_name}.{}", sig.name),
            params: sig.params.iter().map(|p| p.name.to_string()).collect(),
            adaptor: self.adaptor_index(adaptor),
            native: sig.native,
            method,
            idempotent,
            result,
        });
        self.ops.insert((adaptor, index), id);
        id
    }

    // ------------------------------------------------------------------ descriptors

    fn desc(&mut self, ty: &Ty) -> u32 {
        let desc = self.desc_of(ty, &mut Vec::new());
        self.meta.desc(desc)
    }

    fn desc_of(&mut self, ty: &Ty, named: &mut Vec<crate::types::TypeId>) -> Desc {
        match ty {
            Ty::Error | Ty::Never | Ty::Json | Ty::Var(_) | Ty::Fn(_) => Desc::Json,
            Ty::Null => Desc::Null,
            Ty::Bool => Desc::Bool,
            Ty::Int => Desc::Int,
            Ty::Float => Desc::Float,
            Ty::String => Desc::String,
            Ty::Date => Desc::Date,
            Ty::DateTime => Desc::DateTime,
            Ty::Url => Desc::Url,
            Ty::Secret => Desc::Secret,
            Ty::Lit(lit) => Desc::Literal {
                value: match lit {
                    Lit::Str(s) => Constant::Str(s.to_string()),
                    Lit::Int(n) => Constant::Int(*n),
                    Lit::Bool(b) => Constant::Bool(*b),
                },
            },
            Ty::List(t) => Desc::List {
                of: Box::new(self.desc_of(t, named)),
            },
            Ty::Map(t) => Desc::Map {
                of: Box::new(self.desc_of(t, named)),
            },
            Ty::Record(r) => {
                let shape = self.meta.shape(ShapeMeta {
                    fields: r.fields.iter().map(|f| f.name.to_string()).collect(),
                    open: r.open,
                });
                let fields = r
                    .fields
                    .iter()
                    .map(|f| FieldMeta {
                        desc: self.desc_of(&f.ty, named),
                        optional: f.optional,
                    })
                    .collect();
                Desc::Record { shape, fields }
            }
            Ty::Union(members) => {
                let non_null: Vec<&Ty> = members.iter().filter(|m| **m != Ty::Null).collect();
                if non_null.len() + 1 == members.len() && non_null.len() == 1 {
                    return Desc::Optional {
                        of: Box::new(self.desc_of(non_null[0], named)),
                    };
                }
                Desc::Union {
                    of: members.iter().map(|m| self.desc_of(m, named)).collect(),
                }
            }
            Ty::Named(id) => {
                if named.contains(id) {
                    // A recursive type: its inner occurrences are not checked.
                    return Desc::Json;
                }
                named.push(*id);
                let t = self.types.get(*id);
                let body = self.desc_of(&t.ty.clone(), named);
                named.pop();
                Desc::Named {
                    name: t.name.clone(),
                    body: Box::new(body),
                }
            }
        }
    }

    /// `input:`, the adaptors' config sections and the trigger, for the runtime.
    fn describe_program(&mut self) {
        let job = &self.a.checked.modules[0];
        let input = job.input.clone();
        self.meta.input = self.desc(&input);
        let uses = job.uses.clone();
        for (alias, module) in uses {
            let m = &self.a.checked.modules[module];
            let config = m
                .config
                .clone()
                .unwrap_or_else(|| Ty::record(Vec::new(), false));
            let secrets = match self.types.resolve(&config) {
                Ty::Record(r) => r
                    .fields
                    .iter()
                    .filter(|f| self.types.contains_secret(&f.ty, 0))
                    .map(|f| f.name.to_string())
                    .collect(),
                _ => Vec::new(),
            };
            let desc = self.desc(&config);
            self.meta.adaptors.push(AdaptorMeta {
                name: alias.to_string(),
                adaptor: m.adaptor_name.as_deref().unwrap_or_default().to_string(),
                config: desc,
                secrets,
                base: None,
                auth: None,
            });
        }
        self.meta.trigger = job.trigger.as_ref().map(|t| match t {
            ast::Trigger::Webhook { path, auth, reply } => {
                let (scheme, header) = match auth.as_ref().map(|a| &a.kind) {
                    Some(ExprKind::Name(n)) => (Some(n.to_string()), None),
                    Some(ExprKind::Call { callee, args }) => {
                        let scheme = match &callee.kind {
                            ExprKind::Name(n) => Some(n.to_string()),
                            _ => None,
                        };
                        let header = args.first().and_then(|a| match &a.value.kind {
                            ExprKind::Literal(ast::Literal::Str(s)) => Some(s.clone()),
                            _ => None,
                        });
                        (scheme, header)
                    }
                    _ => (None, None),
                };
                TriggerMeta::Webhook {
                    path: path.value.clone(),
                    auth: scheme,
                    header,
                    reply: *reply,
                }
            }
            ast::Trigger::Cron { schedule, tz } => TriggerMeta::Cron {
                schedule: schedule.value.clone(),
                tz: tz.as_ref().map(|t| t.value.clone()),
            },
            ast::Trigger::Every(d) => TriggerMeta::Every { millis: d.millis() },
        });
    }
}

/// The representation a value of this static type is held in.
pub fn repr_of(types: &TypeTable, ty: &Ty) -> Repr {
    match types.resolve(ty) {
        Ty::Int | Ty::Lit(Lit::Int(_)) => Repr::Int,
        Ty::Float => Repr::Float,
        Ty::Bool | Ty::Lit(Lit::Bool(_)) => Repr::Bool,
        Ty::Fn(_) => Repr::Closure,
        Ty::Union(members)
            if members
                .iter()
                .all(|m| matches!(types.resolve(m), Ty::Lit(Lit::Int(_)))) =>
        {
            Repr::Int
        }
        Ty::Union(members)
            if members
                .iter()
                .all(|m| matches!(types.resolve(m), Ty::Lit(Lit::Bool(_)) | Ty::Bool)) =>
        {
            Repr::Bool
        }
        _ => Repr::Value,
    }
}

/// Whether statements always leave (their last one raises, returns, breaks).
fn diverges(stmts: &[Stmt]) -> bool {
    matches!(
        stmts.last(),
        Some(Stmt::Raise(_) | Stmt::Return(_) | Stmt::Break | Stmt::Continue)
    )
}

/// The consts an expression reads.
fn const_refs(l: &Lowerer, module: usize, e: &ast::Expr, out: &mut Vec<usize>) {
    let file = l.a.files[module].id;
    walk(e, &mut |e| {
        if let Some(Def::Const { module: m, index }) = l.a.checked.info.defs.get(&(file, e.span))
            && *m == module
        {
            out.push(*index);
        }
    });
}

/// Calls `f` on an expression and every expression inside it.
fn walk(e: &ast::Expr, f: &mut dyn FnMut(&ast::Expr)) {
    f(e);
    match &e.kind {
        ExprKind::Template(parts) => {
            for p in parts {
                if let ast::TemplatePart::Expr(x) = p {
                    walk(x, f);
                }
            }
        }
        ExprKind::List(items) => items.iter().for_each(|i| walk(i, f)),
        ExprKind::Record(entries) => {
            for entry in entries {
                match entry {
                    ast::RecordEntry::Field { value, .. } | ast::RecordEntry::Spread(value) => {
                        walk(value, f)
                    }
                    ast::RecordEntry::Shorthand(i) => f(&ast::Expr {
                        kind: ExprKind::Name(i.name.clone()),
                        span: i.span,
                    }),
                }
            }
        }
        ExprKind::Field { target, .. } => walk(target, f),
        ExprKind::Index { target, index } => {
            walk(target, f);
            walk(index, f);
        }
        ExprKind::Call { callee, args } => {
            walk(callee, f);
            args.iter().for_each(|a| walk(&a.value, f));
        }
        ExprKind::Unary { operand, .. } => walk(operand, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            walk(lhs, f);
            walk(rhs, f);
        }
        ExprKind::As { expr, .. } => walk(expr, f),
        ExprKind::Lambda { body, .. } => walk(body, f),
        _ => {}
    }
}
