//! The typed tree to IR. Static types choose representations (an `Int` stays an
//! unboxed `i64`); locals become slots (a lambda's free variables become
//! captures); `?.`, `??`, `match`, interpolation and defaults become plain calls
//! and branches. Everything comes from the typed tree (`crate::typed`): a fact
//! missing there is an internal error, never a guess.
//!
//! Modules: `functions` (the main body, consts, `fn`s, lambdas), `stmt`,
//! `expr` (literals, names, operators, `if`), `records`, `matching`, `fields`
//! (chains of fields, indexes and `?.`), `calls`, `adaptors` (ops and their HTTP
//! bindings), `describe` (type descriptors, what the runtime is told about the
//! program), `in_place` and `stream` (two ways of lowering that save memory).

use super::{Expr, FuncId, Function, Loc, Local, Program, Repr};
use crate::Analysis;
use crate::source::{SourceMap, Span};
use crate::typed::{self, InternalError, LocalId};
use crate::types::{Ty, TypeTable};
use ferry_meta::{Constant, Meta};
use std::collections::HashMap;

mod adaptors;
mod calls;
mod describe;
mod expr;
mod fields;
mod functions;
mod in_place;
mod matching;
mod records;
mod stmt;
mod stream;
mod tests;

pub use describe::repr_of;

/// Why a program was not lowered.
#[derive(Debug, Clone, PartialEq)]
pub enum LowerError {
    /// The file is not a job without errors: the user's to fix.
    NotAJob(String),
    /// The compiler's own mistake (exit code 3).
    Internal(InternalError),
}

impl std::fmt::Display for LowerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LowerError::NotAJob(message) => f.write_str(message),
            LowerError::Internal(e) => e.fmt(f),
        }
    }
}

/// Lowers a checked job (without errors) to IR, through its typed tree.
pub fn lower(analysis: &Analysis) -> Result<Program, LowerError> {
    lower_checked(analysis, false)
}

/// Lowers a checked job (without errors) in test mode, for `ferry test`: its
/// main body runs one `test` block (see `tests.rs`).
pub fn lower_tests(analysis: &Analysis) -> Result<Program, LowerError> {
    lower_checked(analysis, true)
}

fn lower_checked(analysis: &Analysis, test_mode: bool) -> Result<Program, LowerError> {
    if analysis.has_errors() {
        return Err(LowerError::NotAJob(
            "the job has errors; `ferry check` shows them".into(),
        ));
    }
    if analysis.files[0].ast.adaptor.is_some() {
        return Err(LowerError::NotAJob(
            "this is an adaptor file, not a job".into(),
        ));
    }
    let tree = typed::build(analysis).map_err(LowerError::Internal)?;
    lower_mode(&tree, &analysis.checked.types, &analysis.sources, test_mode)
        .map_err(LowerError::Internal)
}

/// Lowers a typed tree to IR.
pub fn lower_tree(
    tree: &typed::Program,
    types: &TypeTable,
    sources: &SourceMap,
) -> Result<Program, InternalError> {
    lower_mode(tree, types, sources, false)
}

fn lower_mode(
    tree: &typed::Program,
    types: &TypeTable,
    sources: &SourceMap,
    test_mode: bool,
) -> Result<Program, InternalError> {
    let mut l = Lowerer {
        t: tree,
        types,
        sources,
        meta: Meta {
            job: sources.get(tree.modules[0].file).name.clone(),
            ..Meta::default()
        },
        functions: Vec::new(),
        fn_ids: HashMap::new(),
        queue: Vec::new(),
        globals: HashMap::new(),
        stack: Vec::new(),
        ops: HashMap::new(),
        op_fns: HashMap::new(),
        internal: None,
        test_job: None,
    };
    if test_mode {
        l.test_main();
    } else {
        l.main();
    }
    if let Some(e) = l.internal {
        return Err(e);
    }
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
    /// The typed tree's locals → their slots.
    slots: HashMap<LocalId, Local>,
    /// For a closure: captured outer slots, in the order the env holds them,
    /// and the slots they are loaded into.
    captures: Vec<(Local, Repr)>,
    captured: Vec<Local>,
    /// Only closures capture; a function body sees no outer locals.
    closure: bool,
}

impl FnState {
    fn new(module: usize, ret: Repr, params: Vec<Repr>, closure: bool) -> FnState {
        FnState {
            module,
            ret,
            locals: params,
            slots: HashMap::new(),
            captures: Vec::new(),
            captured: Vec::new(),
            closure,
        }
    }
}

struct Lowerer<'a> {
    t: &'a typed::Program,
    types: &'a TypeTable,
    sources: &'a SourceMap,
    meta: Meta,
    functions: Vec<Function>,
    fn_ids: HashMap<(usize, usize), FuncId>,
    queue: Vec<(usize, usize, FuncId)>,
    globals: HashMap<(usize, usize), u32>,
    stack: Vec<FnState>,
    ops: HashMap<(usize, usize), u32>,
    /// The function of each HTTP-bound op used.
    op_fns: HashMap<(usize, usize), FuncId>,
    /// The first internal error met: lowering goes on with a placeholder, and
    /// `lower` fails with it.
    internal: Option<InternalError>,
    /// In test mode: the job's body as a function, which `run(…)` calls.
    test_job: Option<FuncId>,
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

    fn module_tree(&self, module: usize) -> &'a typed::Module {
        &self.t.modules[module]
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
        let source = self.sources.get(self.module_tree(0).file);
        let at = source.line_col(span.start as usize);
        let text = format!("{}:{}:{}", source.name, at.line + 1, at.col + 1);
        self.meta.location(text)
    }

    /// Records an internal error (the first one is reported) and gives a
    /// placeholder of `repr` that is never run: `lower` fails.
    fn internal(&mut self, what: String) -> Lowered {
        if self.internal.is_none() {
            self.internal = Some(InternalError(what));
        }
        (Expr::Unreachable(Repr::Value), Repr::Value)
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

    /// A local's slot and representation, captured from enclosing functions
    /// when needed.
    fn local(&mut self, local: LocalId) -> Lowered {
        match self.slot_at(self.stack.len() - 1, local) {
            Some(slot) => {
                let repr = self.state().locals[slot as usize];
                (Expr::Local(slot), repr)
            }
            None => self.internal(format!("local {} has no slot here", local.0)),
        }
    }

    fn slot_at(&mut self, depth: usize, local: LocalId) -> Option<Local> {
        if let Some(&slot) = self.stack[depth].slots.get(&local) {
            return Some(slot);
        }
        if depth == 0 || !self.stack[depth].closure {
            return None;
        }
        let outer = self.slot_at(depth - 1, local)?;
        let repr = self.stack[depth - 1].locals[outer as usize];
        let state = &mut self.stack[depth];
        state.locals.push(repr);
        let slot = state.locals.len() as Local - 1;
        state.captures.push((outer, repr));
        state.captured.push(slot);
        state.slots.insert(local, slot);
        Some(slot)
    }

    /// A new slot for a local of the typed tree.
    fn declare(&mut self, local: LocalId, repr: Repr) -> Local {
        let slot = self.new_local(repr);
        self.state().slots.insert(local, slot);
        slot
    }

    /// Binds a local of the typed tree to an existing slot.
    fn bind(&mut self, local: LocalId, slot: Local) {
        self.state().slots.insert(local, slot);
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

    fn value_as(&mut self, e: &'a typed::Expr, repr: Repr) -> Expr {
        let lowered = self.expr(e);
        self.coerce(lowered, repr, e.span)
    }

    fn boxed_value(&mut self, e: &'a typed::Expr) -> Expr {
        let lowered = self.expr(e);
        self.boxed(lowered, e.span)
    }

    fn default_of(&mut self, repr: Repr) -> Expr {
        match repr {
            Repr::Int => Expr::Int(0),
            Repr::Float => Expr::Float(0.0),
            Repr::Bool => Expr::Bool(false),
            Repr::Value | Repr::Closure => self.null(),
        }
    }

    fn current_ret(&self) -> Repr {
        self.stack.last().map_or(Repr::Value, |s| s.ret)
    }

    /// Runs `f` with the current function lowering code of `module` (a
    /// parameter's default is an expression of the callee's module).
    fn in_module<T>(&mut self, module: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        let state = self.state();
        let saved = state.module;
        state.module = module;
        let out = f(self);
        self.state().module = saved;
        out
    }
}

/// Whether statements always leave (their last one raises, returns, breaks).
fn diverges(stmts: &[super::Stmt]) -> bool {
    use super::Stmt;
    matches!(
        stmts.last(),
        Some(Stmt::Raise(_) | Stmt::Return(_) | Stmt::Break | Stmt::Continue)
    )
}
