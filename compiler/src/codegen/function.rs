//! One IR function to Cranelift IR.

use super::frame::{Frame, assigned_in, is_fresh};
use super::{RuntimeFns, clif_type, ctx};
use crate::ir::{self, Callee, Cmp, Expr, FloatOp, FnKind, IntOp, Repr, Stmt};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{
    AbiParam, Block, FuncRef, Function, InstBuilder, MemFlagsData, Signature, StackSlotData,
    StackSlotKind, Type, Value, types,
};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext, Variable};
use cranelift_module::{FuncId, Module};
use std::collections::HashMap;

#[allow(clippy::too_many_arguments)]
pub fn build<M: Module>(
    module: &mut M,
    func: &mut Function,
    builder_ctx: &mut FunctionBuilderContext,
    f: &ir::Function,
    ids: &[FuncId],
    runtime: &mut RuntimeFns,
    pointer: Type,
) -> Result<(), String> {
    let mut b = FunctionBuilder::new(func, builder_ctx);
    let entry = b.create_block();
    b.append_block_params_for_function_params(entry);
    b.switch_to_block(entry);
    let params = b.block_params(entry).to_vec();
    let context = params[0];
    let mut vars = Vec::with_capacity(f.locals.len());
    for repr in &f.locals {
        let ty = clif_type(*repr, pointer);
        let var = b.declare_var(ty);
        let zero = zero(&mut b, ty);
        b.def_var(var, zero);
        vars.push(var);
    }
    let error_exit = b.create_block();
    let frame = Frame::of(f);
    let slots = (frame.slots > 0).then(|| {
        b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            frame.slots * ferry_meta::abi::VALUE_SIZE,
            3,
        ))
    });
    let mut e = Emitter {
        b,
        module,
        ids,
        runtime,
        pointer,
        ctx: context,
        vars,
        handlers: vec![error_exit],
        loops: Vec::new(),
        func_refs: HashMap::new(),
        kind: f.kind,
        ret: f.ret,
        frame,
        slots,
        keep_captures: false,
        temp_closure: false,
    };
    if e.slots.is_some() {
        let (base, n) = e.frame_slots();
        e.call_runtime("ferry_slots_init", &[base, n], e.pointer)?;
    }
    match f.kind {
        FnKind::Main => {}
        FnKind::User => {
            for (i, value) in params[1..].iter().enumerate() {
                e.bind(i as ir::Local, *value)?;
            }
        }
        FnKind::Closure { .. } => {
            let env = params[1];
            for (i, value) in params[2..].iter().enumerate() {
                e.bind(i as ir::Local, *value)?;
            }
            for (j, slot) in f.captured.iter().enumerate() {
                let word =
                    e.b.ins()
                        .load(types::I64, MemFlagsData::trusted(), env, (j * 8) as i32);
                let value = from_word(&mut e.b, word, clif_type(f.locals[*slot as usize], pointer));
                e.bind(*slot, value)?;
            }
        }
    }
    if f.kind != FnKind::Main {
        e.stack_guard()?;
    }
    // Each statement of the body is a region: its temporaries die after it.
    for s in &f.body {
        if matches!(
            s,
            Stmt::Return(_) | Stmt::Raise(_) | Stmt::Break | Stmt::Continue
        ) {
            e.stmt(s)?;
        } else {
            let mark = e.mark()?;
            e.stmt(s)?;
            e.release(mark)?;
        }
    }
    e.default_return()?;
    e.b.switch_to_block(error_exit);
    e.default_return()?;
    e.b.seal_all_blocks();
    let config = e.module.target_config();
    e.b.finalize(config);
    Ok(())
}

fn zero(b: &mut FunctionBuilder, ty: Type) -> Value {
    if ty == types::F64 {
        b.ins().f64const(0.0)
    } else {
        b.ins().iconst(ty, 0)
    }
}

/// A value as the 64-bit word an array or a closure's environment holds.
fn to_word(b: &mut FunctionBuilder, value: Value, ty: Type) -> Value {
    match ty {
        types::F64 => b.ins().bitcast(types::I64, MemFlagsData::new(), value),
        types::I8 => b.ins().uextend(types::I64, value),
        _ => value,
    }
}

fn from_word(b: &mut FunctionBuilder, word: Value, ty: Type) -> Value {
    match ty {
        types::F64 => b.ins().bitcast(types::F64, MemFlagsData::new(), word),
        types::I8 => b.ins().ireduce(types::I8, word),
        _ => word,
    }
}

struct Emitter<'a, 'm, M: Module> {
    b: FunctionBuilder<'a>,
    module: &'m mut M,
    ids: &'m [FuncId],
    runtime: &'m mut RuntimeFns,
    pointer: Type,
    ctx: Value,
    vars: Vec<Variable>,
    /// Where a pending error goes: the innermost `catch`, or the function's exit.
    handlers: Vec<Block>,
    /// (continue target, exit) of each enclosing loop.
    loops: Vec<(Block, Block)>,
    func_refs: HashMap<FuncId, FuncRef>,
    kind: FnKind,
    ret: Repr,
    frame: Frame,
    /// The frame's slots (`frame.slots` values), if it has any.
    slots: Option<cranelift_codegen::ir::StackSlot>,
    /// Set while building a closure that is assigned to a variable: it may
    /// outlive the region it is made in, so its captures are kept for the run.
    keep_captures: bool,
    /// Set while building a function value that is an argument of a runtime
    /// call (see `runtime_arg`).
    temp_closure: bool,
}

impl<M: Module> Emitter<'_, '_, M> {
    fn ty(&self, repr: Repr) -> Type {
        clif_type(repr, self.pointer)
    }

    fn func_ref(&mut self, id: FuncId) -> FuncRef {
        if let Some(r) = self.func_refs.get(&id) {
            return *r;
        }
        let r = self.module.declare_func_in_func(id, self.b.func);
        self.func_refs.insert(id, r);
        r
    }

    /// After a terminator: later code goes into a fresh block that nothing reaches.
    fn continue_in_new_block(&mut self) {
        let dead = self.b.create_block();
        self.b.switch_to_block(dead);
    }

    fn jump(&mut self, target: Block) {
        self.b.ins().jump(target, &[]);
        self.continue_in_new_block();
    }

    fn default_return(&mut self) -> Result<(), String> {
        match self.kind {
            FnKind::Main => self.exit(None),
            _ => {
                let ty = self.ty(self.ret);
                let z = zero(&mut self.b, ty);
                self.exit(Some(z))
            }
        }
    }

    /// Drops the frame's slots and returns.
    fn exit(&mut self, value: Option<Value>) -> Result<(), String> {
        if self.slots.is_some() {
            let (base, n) = self.frame_slots();
            self.call_runtime("ferry_slots_drop", &[base, n], self.pointer)?;
        }
        match value {
            Some(v) => self.b.ins().return_(&[v]),
            None => self.b.ins().return_(&[]),
        };
        Ok(())
    }

    /// The address of the frame's first slot, and the number of slots.
    fn frame_slots(&mut self) -> (Value, Value) {
        let base = self.slot_addr(0);
        let n = self.b.ins().iconst(types::I64, self.frame.slots as i64);
        (base, n)
    }

    fn slot_addr(&mut self, slot: u32) -> Value {
        let stack = self.slots.expect("a frame with slots");
        let offset = (slot * ferry_meta::abi::VALUE_SIZE) as i32;
        self.b.ins().stack_addr(self.pointer, stack, offset)
    }

    /// Starts a region: the arena's mark, in a variable (it is used across blocks).
    fn mark(&mut self) -> Result<Variable, String> {
        let mark = self.call_runtime("ferry_mark", &[], types::I64)?;
        let var = self.b.declare_var(types::I64);
        self.b.def_var(var, mark);
        Ok(var)
    }

    /// Drops the temporaries made since `mark`.
    fn release(&mut self, mark: Variable) -> Result<(), String> {
        let mark = self.b.use_var(mark);
        self.call_runtime("ferry_release", &[mark], self.pointer)?;
        Ok(())
    }

    /// Gives a local its first value: a borrowed pointer, or a copy in its slot.
    fn bind(&mut self, local: ir::Local, value: Value) -> Result<(), String> {
        match self.frame.slot(local) {
            Some(slot) => {
                let addr = self.slot_addr(slot);
                self.call_runtime("ferry_set", &[addr, value], self.pointer)?;
            }
            None => self.b.def_var(self.vars[local as usize], value),
        }
        Ok(())
    }

    /// `local = value`, where `value` was made by `e`.
    fn assign(&mut self, local: ir::Local, e: &Expr, value: Value) -> Result<(), String> {
        match self.frame.slot(local) {
            Some(slot) => {
                let addr = self.slot_addr(slot);
                let how = if is_fresh(e) {
                    "ferry_take"
                } else {
                    "ferry_set"
                };
                self.call_runtime(how, &[addr, value], self.pointer)?;
            }
            None => self.b.def_var(self.vars[local as usize], value),
        }
        Ok(())
    }

    /// Goes to the error handler when an error is pending.
    fn check(&mut self) {
        let failed = self
            .b
            .ins()
            .load(types::I32, MemFlagsData::trusted(), self.ctx, ctx::FAILED);
        let handler = *self.handlers.last().expect("a handler");
        let next = self.b.create_block();
        self.b.ins().brif(failed, handler, &[], next, &[]);
        self.b.switch_to_block(next);
    }

    /// The recursion guard of a function's prologue: when the stack pointer is
    /// below the runtime's `ctx.stack_limit`, the run fails ("recursion too deep"
    /// at the call in `ctx.loc`) instead of overflowing the stack.
    fn stack_guard(&mut self) -> Result<(), String> {
        let sp = self.b.ins().get_stack_pointer(self.pointer);
        let limit = self.b.ins().load(
            self.pointer,
            MemFlagsData::trusted(),
            self.ctx,
            ctx::STACK_LIMIT,
        );
        let too_deep = self.b.ins().icmp(IntCC::UnsignedLessThan, sp, limit);
        let fail = self.b.create_block();
        let body = self.b.create_block();
        self.b.ins().brif(too_deep, fail, &[], body, &[]);
        self.b.switch_to_block(fail);
        self.call_runtime("ferry_too_deep", &[], self.pointer)?;
        let exit = self.handlers[0];
        self.b.ins().jump(exit, &[]);
        self.b.switch_to_block(body);
        Ok(())
    }

    fn set_loc(&mut self, loc: ir::Loc) {
        if loc == ir::CALLER_LOC {
            return;
        }
        let value = self.b.ins().iconst(types::I32, loc as i64);
        self.b
            .ins()
            .store(MemFlagsData::trusted(), value, self.ctx, ctx::LOC);
    }

    fn call_runtime(
        &mut self,
        name: &'static str,
        args: &[Value],
        ret: Type,
    ) -> Result<Value, String> {
        let types: Vec<Type> = args
            .iter()
            .map(|a| self.b.func.dfg.value_type(*a))
            .collect();
        let id = self.runtime.get(self.module, name, &types, ret)?;
        let fref = self.func_ref(id);
        let mut all = vec![self.ctx];
        all.extend_from_slice(args);
        let call = self.b.ins().call(fref, &all);
        Ok(self.b.inst_results(call)[0])
    }

    // ------------------------------------------------------------------ statements

    fn stmts(&mut self, stmts: &[Stmt]) -> Result<(), String> {
        for s in stmts {
            self.stmt(s)?;
        }
        Ok(())
    }

    fn stmt(&mut self, stmt: &Stmt) -> Result<(), String> {
        match stmt {
            Stmt::Set(local, e) => {
                self.keep_captures = matches!(e, Expr::Closure { .. });
                let v = self.expr(e)?;
                self.keep_captures = false;
                self.assign(*local, e, v)?;
            }
            Stmt::Expr(e) => {
                self.expr(e)?;
            }
            Stmt::If(cond, then, otherwise) => {
                let c = self.expr(cond)?;
                let (then_block, else_block, join) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                self.b.ins().brif(c, then_block, &[], else_block, &[]);
                self.b.switch_to_block(then_block);
                self.stmts(then)?;
                self.b.ins().jump(join, &[]);
                self.b.switch_to_block(else_block);
                self.stmts(otherwise)?;
                self.b.ins().jump(join, &[]);
                self.b.switch_to_block(join);
            }
            Stmt::While(cond, body) => {
                let (header, body_block, exit) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                // Each round is a region: released at the top of the next one.
                let mark = self.mark()?;
                self.b.ins().jump(header, &[]);
                self.b.switch_to_block(header);
                self.release(mark)?;
                let c = self.expr(cond)?;
                self.b.ins().brif(c, body_block, &[], exit, &[]);
                self.b.switch_to_block(body_block);
                self.loops.push((header, exit));
                self.stmts(body)?;
                self.loops.pop();
                self.b.ins().jump(header, &[]);
                self.b.switch_to_block(exit);
                self.release(mark)?;
            }
            Stmt::ForEach {
                list,
                item,
                index,
                body,
                loc,
            } => {
                let value = self.expr(list)?;
                // The list is held by a hidden slot while it is walked.
                let hidden = self.frame.hidden();
                let l = self.slot_addr(hidden);
                let how = if is_fresh(list) {
                    "ferry_take"
                } else {
                    "ferry_set"
                };
                self.call_runtime(how, &[l, value], self.pointer)?;
                let mark = self.mark()?;
                self.set_loc(*loc);
                let n = self.call_runtime("ferry_len", &[l], types::I64)?;
                self.check();
                let counter = self.b.declare_var(types::I64);
                let start = self.b.ins().iconst(types::I64, 0);
                self.b.def_var(counter, start);
                let (header, body_block, next, exit) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                self.b.ins().jump(header, &[]);
                self.b.switch_to_block(header);
                self.release(mark)?;
                let i = self.b.use_var(counter);
                let more = self.b.ins().icmp(IntCC::SignedLessThan, i, n);
                self.b.ins().brif(more, body_block, &[], exit, &[]);
                self.b.switch_to_block(body_block);
                let i = self.b.use_var(counter);
                let l = self.slot_addr(hidden);
                let value = self.call_runtime("ferry_list_get", &[l, i], self.pointer)?;
                self.bind(*item, value)?;
                if let Some(index) = index {
                    self.b.def_var(self.vars[*index as usize], i);
                }
                self.loops.push((next, exit));
                self.stmts(body)?;
                self.loops.pop();
                self.b.ins().jump(next, &[]);
                self.b.switch_to_block(next);
                let i = self.b.use_var(counter);
                let i = self.b.ins().iadd_imm_s(i, 1);
                self.b.def_var(counter, i);
                self.b.ins().jump(header, &[]);
                self.b.switch_to_block(exit);
                self.release(mark)?;
                let l = self.slot_addr(hidden);
                let nothing = self.b.ins().iconst(self.pointer, 0);
                self.call_runtime("ferry_set", &[l, nothing], self.pointer)?;
            }
            Stmt::Break => {
                let (_, exit) = *self.loops.last().ok_or("`break` outside a loop")?;
                self.jump(exit);
            }
            Stmt::Continue => {
                let (next, _) = *self.loops.last().ok_or("`continue` outside a loop")?;
                self.jump(next);
            }
            Stmt::Return(e) => {
                let mut v = self.expr(e)?;
                // A result is always a new temporary of the caller's region:
                // copied out when it may be (a part of) anything else.
                if self.ret == Repr::Value && self.kind != FnKind::Main && !is_fresh(e) {
                    v = self.call_runtime("ferry_copy", &[v], self.pointer)?;
                }
                match self.kind {
                    FnKind::Main => self.exit(None)?,
                    _ => self.exit(Some(v))?,
                };
                self.continue_in_new_block();
            }
            Stmt::Try { body, err, handler } => {
                let (catch, after, handle) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                self.handlers.push(catch);
                self.stmts(body)?;
                self.handlers.pop();
                self.b.ins().jump(after, &[]);
                self.b.switch_to_block(catch);
                let error = self.call_runtime("ferry_catch", &[], self.pointer)?;
                let uncatchable = self.b.ins().icmp_imm_s(IntCC::Equal, error, 0);
                let outer = *self.handlers.last().expect("a handler");
                self.b.ins().brif(uncatchable, outer, &[], handle, &[]);
                self.b.switch_to_block(handle);
                match self.frame.slot(*err) {
                    Some(slot) => {
                        let addr = self.slot_addr(slot);
                        self.call_runtime("ferry_take", &[addr, error], self.pointer)?;
                    }
                    None => self.b.def_var(self.vars[*err as usize], error),
                }
                self.stmts(handler)?;
                self.b.ins().jump(after, &[]);
                self.b.switch_to_block(after);
            }
            Stmt::Raise(e) => {
                self.expr(e)?;
                let handler = *self.handlers.last().expect("a handler");
                self.jump(handler);
            }
        }
        Ok(())
    }

    /// An array of argument words on the stack.
    fn array(&mut self, items: &[Expr], temp_closures: bool) -> Result<Value, String> {
        let size = (items.len().max(1) * 8) as u32;
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(
            StackSlotKind::ExplicitSlot,
            size,
            3,
        ));
        let guard = self.later_assignments(items);
        let mut words = Vec::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            let v = if temp_closures {
                self.runtime_arg(item)?
            } else {
                self.expr(item)?
            };
            let v = self.outlive_assignments(item, v, &guard[i])?;
            let ty = self.b.func.dfg.value_type(v);
            words.push(to_word(&mut self.b, v, ty));
        }
        for (i, w) in words.into_iter().enumerate() {
            self.b
                .ins()
                .stack_store(self.pointer, w, slot, (i * 8) as i32);
        }
        Ok(self.b.ins().stack_addr(self.pointer, slot, 0))
    }

    /// For each operand, the slots that the operands after it assign
    /// (`[r.x, if c { r = … }]`).
    fn later_assignments(&self, operands: &[Expr]) -> Vec<Vec<ir::Local>> {
        let mut later = vec![Vec::new(); operands.len()];
        let mut seen: Vec<ir::Local> = Vec::new();
        for (i, e) in operands.iter().enumerate().rev() {
            later[i] = seen.clone();
            seen.extend(
                assigned_in(e)
                    .into_iter()
                    .filter(|l| self.frame.slot(*l).is_some()),
            );
        }
        later
    }

    /// An operand's value, copied into the region when it may point into a
    /// slot that a later operand assigns (which would drop what it points to).
    fn outlive_assignments(
        &mut self,
        e: &Expr,
        v: Value,
        assigned: &[ir::Local],
    ) -> Result<Value, String> {
        let pointer = self.b.func.dfg.value_type(v) == self.pointer;
        let closure = matches!(e, Expr::Closure { .. });
        if pointer && !closure && !is_fresh(e) && assigned.iter().any(|l| ir::mentions(e, *l)) {
            return self.call_runtime("ferry_copy", &[v], self.pointer);
        }
        Ok(v)
    }

    /// An argument of a runtime call. A function value made right there
    /// (`xs.map(x => …)`) is only called during the call: it is built in this
    /// frame, with its captures in the current region, and costs no allocation
    /// that outlives the statement.
    fn runtime_arg(&mut self, a: &Expr) -> Result<Value, String> {
        match a {
            Expr::Closure { .. } => {
                self.temp_closure = true;
                self.expr(a)
            }
            Expr::Array(items) => self.array(items, true),
            _ => self.expr(a),
        }
    }

    // ------------------------------------------------------------------ expressions

    fn expr(&mut self, e: &Expr) -> Result<Value, String> {
        Ok(match e {
            Expr::Int(n) => self.b.ins().iconst(types::I64, *n),
            Expr::Float(x) => self.b.ins().f64const(*x),
            Expr::Bool(v) => self.b.ins().iconst(types::I8, *v as i64),
            Expr::Const(i) => {
                let table = self.b.ins().load(
                    self.pointer,
                    MemFlagsData::trusted(),
                    self.ctx,
                    ctx::CONSTANTS,
                );
                self.b.ins().load(
                    self.pointer,
                    MemFlagsData::trusted(),
                    table,
                    (*i as i32) * 8,
                )
            }
            Expr::Global(g) => {
                let table = self.b.ins().load(
                    self.pointer,
                    MemFlagsData::trusted(),
                    self.ctx,
                    ctx::GLOBALS,
                );
                self.b.ins().load(
                    self.pointer,
                    MemFlagsData::trusted(),
                    table,
                    (*g as i32) * 8,
                )
            }
            Expr::Local(l) => match self.frame.slot(*l) {
                Some(slot) => self.slot_addr(slot),
                None => self.b.use_var(self.vars[*l as usize]),
            },
            Expr::Call {
                callee,
                args,
                ret,
                loc,
            } => {
                let guard = self.later_assignments(args);
                let mut values = Vec::with_capacity(args.len());
                for (i, a) in args.iter().enumerate() {
                    let v = match callee {
                        Callee::Runtime(_) => self.runtime_arg(a)?,
                        Callee::Function(_) => self.expr(a)?,
                    };
                    values.push(self.outlive_assignments(a, v, &guard[i])?);
                }
                let ret_ty = self.ty(*ret);
                let result = match callee {
                    Callee::Runtime(name) => {
                        if let Some(loc) = loc {
                            self.set_loc(*loc);
                        }
                        self.call_runtime(name, &values, ret_ty)?
                    }
                    Callee::Function(id) => {
                        if let Some(loc) = loc {
                            self.set_loc(*loc);
                        }
                        let fref = self.func_ref(self.ids[*id as usize]);
                        let mut all = vec![self.ctx];
                        all.extend(values);
                        let call = self.b.ins().call(fref, &all);
                        self.b.inst_results(call)[0]
                    }
                };
                if loc.is_some() {
                    self.check();
                }
                result
            }
            Expr::Array(items) => self.array(items, false)?,
            Expr::Int2(op, a, b, loc) => {
                let (x, y) = (self.expr(a)?, self.expr(b)?);
                let (result, overflow) = match op {
                    IntOp::Add => self.b.ins().sadd_overflow(x, y),
                    IntOp::Sub => self.b.ins().ssub_overflow(x, y),
                    IntOp::Mul => self.b.ins().smul_overflow(x, y),
                };
                let (fail, next) = (self.b.create_block(), self.b.create_block());
                self.b.set_cold_block(fail);
                self.b.ins().brif(overflow, fail, &[], next, &[]);
                self.b.switch_to_block(fail);
                self.set_loc(*loc);
                let symbol = match op {
                    IntOp::Add => "+",
                    IntOp::Sub => "-",
                    IntOp::Mul => "*",
                };
                let code = self.b.ins().iconst(types::I64, symbol.as_bytes()[0] as i64);
                self.call_runtime("ferry_overflow", &[x, y, code], self.pointer)?;
                let handler = *self.handlers.last().expect("a handler");
                self.b.ins().jump(handler, &[]);
                self.b.switch_to_block(next);
                result
            }
            Expr::Float2(op, a, b) => {
                let (x, y) = (self.expr(a)?, self.expr(b)?);
                match op {
                    FloatOp::Add => self.b.ins().fadd(x, y),
                    FloatOp::Sub => self.b.ins().fsub(x, y),
                    FloatOp::Mul => self.b.ins().fmul(x, y),
                    FloatOp::Div => self.b.ins().fdiv(x, y),
                }
            }
            Expr::IntCmp(cmp, a, b) => {
                let (x, y) = (self.expr(a)?, self.expr(b)?);
                let cc = match cmp {
                    Cmp::Eq => IntCC::Equal,
                    Cmp::Ne => IntCC::NotEqual,
                    Cmp::Lt => IntCC::SignedLessThan,
                    Cmp::Le => IntCC::SignedLessThanOrEqual,
                    Cmp::Gt => IntCC::SignedGreaterThan,
                    Cmp::Ge => IntCC::SignedGreaterThanOrEqual,
                };
                self.b.ins().icmp(cc, x, y)
            }
            Expr::FloatCmp(cmp, a, b) => {
                let (x, y) = (self.expr(a)?, self.expr(b)?);
                let cc = match cmp {
                    Cmp::Eq => FloatCC::Equal,
                    Cmp::Ne => FloatCC::NotEqual,
                    Cmp::Lt => FloatCC::LessThan,
                    Cmp::Le => FloatCC::LessThanOrEqual,
                    Cmp::Gt => FloatCC::GreaterThan,
                    Cmp::Ge => FloatCC::GreaterThanOrEqual,
                };
                self.b.ins().fcmp(cc, x, y)
            }
            Expr::IntToFloat(a) => {
                let x = self.expr(a)?;
                self.b.ins().fcvt_from_sint(types::F64, x)
            }
            Expr::Not(a) => {
                let x = self.expr(a)?;
                self.b.ins().bxor_imm_u(x, 1)
            }
            Expr::And(a, b) | Expr::Or(a, b) => {
                let x = self.expr(a)?;
                let (rhs, join) = (self.b.create_block(), self.b.create_block());
                let result = self.b.append_block_param(join, types::I8);
                let short = x;
                if matches!(e, Expr::And(..)) {
                    self.b.ins().brif(x, rhs, &[], join, &[short.into()]);
                } else {
                    self.b.ins().brif(x, join, &[short.into()], rhs, &[]);
                }
                self.b.switch_to_block(rhs);
                let y = self.expr(b)?;
                self.b.ins().jump(join, &[y.into()]);
                self.b.switch_to_block(join);
                result
            }
            Expr::If(cond, then, otherwise, repr) => {
                let c = self.expr(cond)?;
                let (then_block, else_block, join) = (
                    self.b.create_block(),
                    self.b.create_block(),
                    self.b.create_block(),
                );
                let ty = self.ty(*repr);
                let result = self.b.append_block_param(join, ty);
                self.b.ins().brif(c, then_block, &[], else_block, &[]);
                self.b.switch_to_block(then_block);
                let a = self.expr(then)?;
                self.b.ins().jump(join, &[a.into()]);
                self.b.switch_to_block(else_block);
                let b = self.expr(otherwise)?;
                self.b.ins().jump(join, &[b.into()]);
                self.b.switch_to_block(join);
                result
            }
            Expr::Block(stmts, value) => {
                self.stmts(stmts)?;
                self.expr(value)?
            }
            Expr::Box(inner, repr) => {
                let v = self.expr(inner)?;
                let name = match repr {
                    Repr::Int => "ferry_box_int",
                    Repr::Float => "ferry_box_float",
                    Repr::Bool => "ferry_box_bool",
                    Repr::Value | Repr::Closure => return Ok(v),
                };
                self.call_runtime(name, &[v], self.pointer)?
            }
            Expr::Unbox(inner, repr, loc) => {
                let v = self.expr(inner)?;
                let (name, ty) = match repr {
                    Repr::Int => ("ferry_unbox_int", types::I64),
                    Repr::Float => ("ferry_unbox_float", types::F64),
                    Repr::Bool => ("ferry_unbox_bool", types::I8),
                    Repr::Value | Repr::Closure => return Ok(v),
                };
                self.set_loc(*loc);
                let result = self.call_runtime(name, &[v], ty)?;
                self.check();
                result
            }
            Expr::Closure { func, captures } => {
                let fref = self.func_ref(self.ids[*func as usize]);
                let address = self.b.ins().func_addr(self.pointer, fref);
                let size = (captures.len().max(1) * 8) as u32;
                let slot = self.b.create_sized_stack_slot(StackSlotData::new(
                    StackSlotKind::ExplicitSlot,
                    size,
                    3,
                ));
                let copy = if self.keep_captures {
                    "ferry_copy_kept"
                } else {
                    "ferry_copy"
                };
                self.keep_captures = false;
                let temporary = std::mem::take(&mut self.temp_closure) && copy == "ferry_copy";
                let mut values = Vec::with_capacity(captures.len());
                for (local, repr) in captures {
                    let mut v = self.expr(&Expr::Local(*local))?;
                    // A capture is the value when the closure is made.
                    if *repr == Repr::Value {
                        v = self.call_runtime(copy, &[v], self.pointer)?;
                    }
                    values.push(v);
                }
                for (i, ((_, repr), v)) in captures.iter().zip(values).enumerate() {
                    let ty = self.ty(*repr);
                    let w = to_word(&mut self.b, v, ty);
                    self.b
                        .ins()
                        .stack_store(self.pointer, w, slot, (i * 8) as i32);
                }
                let words = self.b.ins().stack_addr(self.pointer, slot, 0);
                if temporary {
                    // `run::Closure { function, env }`, in this frame.
                    let closure = self.b.create_sized_stack_slot(StackSlotData::new(
                        StackSlotKind::ExplicitSlot,
                        16,
                        3,
                    ));
                    self.b.ins().stack_store(self.pointer, address, closure, 0);
                    self.b.ins().stack_store(self.pointer, words, closure, 8);
                    self.b.ins().stack_addr(self.pointer, closure, 0)
                } else {
                    let n = self.b.ins().iconst(types::I64, captures.len() as i64);
                    self.call_runtime("ferry_closure", &[address, n, words], self.pointer)?
                }
            }
            Expr::CallClosure { closure, args, loc } => {
                let c = self.expr(closure)?;
                let guard = self.later_assignments(args);
                let mut values = Vec::new();
                for (i, a) in args.iter().enumerate() {
                    let v = self.expr(a)?;
                    values.push(self.outlive_assignments(a, v, &guard[i])?);
                }
                let function = self
                    .b
                    .ins()
                    .load(self.pointer, MemFlagsData::trusted(), c, 0);
                let env = self
                    .b
                    .ins()
                    .load(self.pointer, MemFlagsData::trusted(), c, 8);
                let mut sig = Signature::new(self.module.target_config().default_call_conv);
                for _ in 0..values.len() + 2 {
                    sig.params.push(AbiParam::new(self.pointer));
                }
                sig.returns.push(AbiParam::new(self.pointer));
                let sig_ref = self.b.import_signature(sig);
                let mut all = vec![self.ctx, env];
                all.extend(values);
                self.set_loc(*loc);
                let call = self.b.ins().call_indirect(sig_ref, function, &all);
                let result = self.b.inst_results(call)[0];
                self.check();
                result
            }
            Expr::IsNull(inner) => {
                let v = self.expr(inner)?;
                self.call_runtime("ferry_is_null", &[v], types::I8)?
            }
            Expr::Unreachable(repr) => {
                let ty = self.ty(*repr);
                zero(&mut self.b, ty)
            }
        })
    }
}
