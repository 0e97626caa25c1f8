//! Where a function's values live (docs/internals/native-code.md, "Memory").
//!
//! A `Value` local that is assigned (`Stmt::Set`, a `catch`'s error) owns its
//! value: it is a slot of the frame, `VALUE_SIZE` bytes, holding the value
//! itself, and `Expr::Local` gives the slot's address. The others — parameters,
//! captures and `for` items, which are bound once and never assigned — borrow:
//! they are pointers into what the caller, the closure's environment or the list
//! walked keeps alive. Each `for` also gets a hidden slot that holds the list it
//! walks, so that assigning the list's variable in the body cannot free it.

use crate::ir::{Expr, FnKind, Function, Local, Repr, Stmt};

pub struct Frame {
    /// The slot of each local that owns its value.
    slot_of: Vec<Option<u32>>,
    /// Slots in all, the `for` lists' hidden slots after the locals'.
    pub slots: u32,
    next_hidden: u32,
}

impl Frame {
    pub fn of(f: &Function) -> Frame {
        let mut assigned = vec![false; f.locals.len()];
        let mut bound = vec![false; f.locals.len()];
        let mut loops = 0;
        if f.kind != FnKind::Main {
            bound
                .iter_mut()
                .take(f.params.len())
                .for_each(|b| *b = true);
        }
        for &c in &f.captured {
            bound[c as usize] = true;
        }
        for_each_stmt(&f.body, &mut |s| match s {
            Stmt::Set(l, _) => assigned[*l as usize] = true,
            Stmt::Try { err, .. } => assigned[*err as usize] = true,
            Stmt::ForEach { item, .. } => {
                bound[*item as usize] = true;
                loops += 1;
            }
            _ => {}
        });
        let mut slots = 0;
        let slot_of = (0..f.locals.len())
            .map(|l| {
                let owns = f.locals[l] == Repr::Value && (assigned[l] || !bound[l]);
                owns.then(|| {
                    slots += 1;
                    slots - 1
                })
            })
            .collect();
        Frame {
            slot_of,
            next_hidden: slots,
            slots: slots + loops,
        }
    }

    /// The slot of `local`, if it owns its value.
    pub fn slot(&self, local: Local) -> Option<u32> {
        self.slot_of.get(local as usize).copied().flatten()
    }

    /// The next `for`'s hidden slot (one per `for`, in the order they are built).
    pub fn hidden(&mut self) -> u32 {
        self.next_hidden += 1;
        self.next_hidden - 1
    }
}

/// Whether `e` always gives a new temporary that nothing else points to, which
/// a slot may take rather than copy: a call of a function in
/// `ferry_meta::abi::FRESH`, or of a generated function (whose results are
/// always copied out of its frame, see `Stmt::Return`).
pub fn is_fresh(e: &Expr) -> bool {
    match e {
        Expr::Call { callee, .. } => match callee {
            crate::ir::Callee::Runtime(name) => ferry_meta::abi::FRESH.contains(name),
            crate::ir::Callee::Function(_) => true,
        },
        Expr::CallClosure { .. } => true,
        Expr::Box(_, Repr::Int | Repr::Float) => true,
        Expr::Block(_, v) => is_fresh(v),
        Expr::If(_, a, b, _) => is_fresh(a) && is_fresh(b),
        _ => false,
    }
}

/// Calls `visit` on every statement of `stmts`, nested ones (in blocks, `if`
/// expressions, loops) included.
pub fn for_each_stmt(stmts: &[Stmt], visit: &mut impl FnMut(&Stmt)) {
    for s in stmts {
        visit(s);
        match s {
            Stmt::Set(_, e) | Stmt::Expr(e) | Stmt::Return(e) | Stmt::Raise(e) => in_expr(e, visit),
            Stmt::If(c, a, b) => {
                in_expr(c, visit);
                for_each_stmt(a, visit);
                for_each_stmt(b, visit);
            }
            Stmt::While(c, body) => {
                in_expr(c, visit);
                for_each_stmt(body, visit);
            }
            Stmt::ForEach { list, body, .. } => {
                in_expr(list, visit);
                for_each_stmt(body, visit);
            }
            Stmt::Try { body, handler, .. } => {
                for_each_stmt(body, visit);
                for_each_stmt(handler, visit);
            }
            Stmt::Break | Stmt::Continue => {}
        }
    }
}

fn in_expr(e: &Expr, visit: &mut impl FnMut(&Stmt)) {
    match e {
        Expr::Block(stmts, v) => {
            for_each_stmt(stmts, visit);
            in_expr(v, visit);
        }
        Expr::Call { args, .. } | Expr::Array(args) => args.iter().for_each(|a| in_expr(a, visit)),
        Expr::CallClosure { closure, args, .. } => {
            in_expr(closure, visit);
            args.iter().for_each(|a| in_expr(a, visit));
        }
        Expr::Int2(_, a, b, _)
        | Expr::Float2(_, a, b)
        | Expr::IntCmp(_, a, b)
        | Expr::FloatCmp(_, a, b)
        | Expr::And(a, b)
        | Expr::Or(a, b) => {
            in_expr(a, visit);
            in_expr(b, visit);
        }
        Expr::If(c, a, b, _) => {
            in_expr(c, visit);
            in_expr(a, visit);
            in_expr(b, visit);
        }
        Expr::IntToFloat(a) | Expr::Not(a) | Expr::Box(a, _) | Expr::Unbox(a, _, _) => {
            in_expr(a, visit)
        }
        Expr::IsNull(a) => in_expr(a, visit),
        Expr::Int(_)
        | Expr::Float(_)
        | Expr::Bool(_)
        | Expr::Const(_)
        | Expr::Local(_)
        | Expr::Global(_)
        | Expr::Closure { .. }
        | Expr::Unreachable(_) => {}
    }
}

/// The locals that `e` assigns (in blocks it contains).
pub fn assigned_in(e: &Expr) -> Vec<Local> {
    let mut out = Vec::new();
    in_expr(e, &mut |s| match s {
        Stmt::Set(l, _) => out.push(*l),
        Stmt::Try { err, .. } => out.push(*err),
        _ => {}
    });
    out
}
