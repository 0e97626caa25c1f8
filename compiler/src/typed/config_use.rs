//! Which adaptors a run needs the config of: those whose ops the job calls or
//! whose config it reads, through its body and every function it reaches. An
//! adaptor a job `use`s only for its types (`commcare.Case`) needs none, so a
//! run does not ask for it.

use super::TemplatePart;
use super::{Arg, Else, Expr, ExprKind, Global, Module, Program, RecordEntry, Stmt, StmtKind};
use std::collections::{BTreeSet, HashSet};

/// The modules (adaptors) whose config a run of the job (module 0) reads.
pub fn adaptors_needing_config(modules: &[Module]) -> BTreeSet<usize> {
    let mut walk = Walk {
        modules,
        fns: HashSet::new(),
        consts: HashSet::new(),
        needed: BTreeSet::new(),
    };
    if let Some(job) = modules.first() {
        walk.stmts(&job.body);
    }
    walk.needed
}

impl Program {
    /// Whether a run needs the config of the adaptor in `module`.
    pub fn needs_config(&self, module: usize) -> bool {
        self.needs_config.contains(&module)
    }
}

struct Walk<'a> {
    modules: &'a [Module],
    fns: HashSet<(usize, usize)>,
    consts: HashSet<(usize, usize)>,
    needed: BTreeSet<usize>,
}

impl<'a> Walk<'a> {
    /// The module a job calls `alias` (`config.dhis2` → dhis2's module).
    fn used_as(&self, alias: &str) -> Option<usize> {
        let job = self.modules.first()?;
        job.uses
            .iter()
            .find(|(a, _)| a.as_str() == alias)
            .map(|(_, m)| *m)
    }

    fn call_fn(&mut self, module: usize, index: usize) {
        if !self.fns.insert((module, index)) {
            return;
        }
        if let Some(f) = self.modules.get(module).and_then(|m| m.fns.get(index)) {
            for p in &f.params {
                if let Some(d) = &p.default {
                    self.expr(d);
                }
            }
            self.stmts(&f.body);
        }
    }

    fn read_const(&mut self, module: usize, index: usize) {
        if !self.consts.insert((module, index)) {
            return;
        }
        if let Some(c) = self.modules.get(module).and_then(|m| m.consts.get(index)) {
            self.expr(&c.value);
        }
    }

    fn stmts(&mut self, stmts: &[Stmt]) {
        for s in stmts {
            self.stmt(s);
        }
    }

    fn stmt(&mut self, s: &Stmt) {
        match &s.kind {
            StmtKind::Let { value, .. } | StmtKind::Assign { value, .. } => self.expr(value),
            StmtKind::For { iter, body, .. } => {
                self.expr(iter);
                self.stmts(body);
            }
            StmtKind::While { cond, body } => {
                self.expr(cond);
                self.stmts(body);
            }
            StmtKind::Break | StmtKind::Continue => {}
            StmtKind::Return(e) | StmtKind::Skip(e) => {
                if let Some(e) = e {
                    self.expr(e);
                }
            }
            StmtKind::Fail(e)
            | StmtKind::Log(e)
            | StmtKind::Warn(e)
            | StmtKind::Output(e)
            | StmtKind::Expr(e)
            | StmtKind::Expect(e)
            | StmtKind::Mock { value: e, .. } => self.expr(e),
            StmtKind::ExpectEq { left, right } => {
                self.expr(left);
                self.expr(right);
            }
            StmtKind::Try { body, handler, .. } => {
                self.stmts(body);
                self.stmts(handler);
            }
        }
    }

    fn args(&mut self, args: &[Arg]) {
        for a in args {
            match a {
                Arg::Given(e) => self.expr(e),
                Arg::Default { value, .. } => self.expr(value),
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Literal(_) | ExprKind::Duration(_) | ExprKind::Local(_) => {}
            ExprKind::Global(Global::Config) => {
                // The whole config, not one section of it: every adaptor's.
                if let Some(job) = self.modules.first() {
                    self.needed.extend(job.uses.iter().map(|(_, m)| *m));
                }
            }
            ExprKind::Global(Global::AdaptorConfig(m)) => {
                self.needed.insert(*m);
            }
            ExprKind::Global(Global::Input | Global::Trigger) | ExprKind::TestCalls { .. } => {}
            ExprKind::Field { target, name, .. }
                if matches!(target.kind, ExprKind::Global(Global::Config)) =>
            {
                match self.used_as(name) {
                    Some(m) => {
                        self.needed.insert(m);
                    }
                    None => self.expr(target),
                }
            }
            ExprKind::Template(parts) => {
                for p in parts {
                    if let TemplatePart::Expr(e) = p {
                        self.expr(e);
                    }
                }
            }
            ExprKind::Const { module: m, index } => self.read_const(*m, *index),
            ExprKind::FnRef { module: m, index } => self.call_fn(*m, *index),
            ExprKind::List(items) => {
                for i in items {
                    self.expr(i);
                }
            }
            ExprKind::Record(entries) => {
                for entry in entries {
                    match entry {
                        RecordEntry::Field { value, .. } => self.expr(value),
                        RecordEntry::Spread(e) => self.expr(e),
                    }
                }
            }
            ExprKind::Field { target, .. } => self.expr(target),
            ExprKind::Index { target, index } => {
                self.expr(target);
                self.expr(index);
            }
            ExprKind::Method { receiver, args, .. } => {
                self.expr(receiver);
                self.args(args);
            }
            ExprKind::Builtin { args, .. } => self.args(args),
            ExprKind::CallFn {
                module: m,
                index,
                args,
            } => {
                self.args(args);
                self.call_fn(*m, *index);
            }
            ExprKind::CallOp { adaptor, args, .. } => {
                self.needed.insert(*adaptor);
                self.args(args);
            }
            ExprKind::CallValue { callee, args } => {
                self.expr(callee);
                for a in args {
                    self.expr(a);
                }
            }
            ExprKind::Not(e) | ExprKind::Neg(e) | ExprKind::As(e) | ExprKind::OmitNull(e) => {
                self.expr(e)
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Lambda { body, .. } => self.expr(body),
            ExprKind::If(i) => {
                self.expr(&i.cond);
                self.stmts(&i.then);
                match &i.else_ {
                    Some(Else::Block(b)) => self.stmts(b),
                    Some(Else::If(e)) => self.expr(e),
                    None => {}
                }
            }
            ExprKind::Match(m) => {
                self.expr(&m.scrutinee);
                for arm in &m.arms {
                    self.stmt(&arm.body);
                }
            }
        }
    }
}
