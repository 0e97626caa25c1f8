//! The type checker: names resolved, every expression typed against the adaptors'
//! schemas, flow narrowing, `match` exhaustiveness and the `Secret` rules, with
//! messages that say how to fix each mistake.
//!
//! A check covers one file (a job, or an adaptor file on its own) and the adaptor
//! files it uses. Besides diagnostics it produces `TypeInfo`: the type of every
//! expression and what every name refers to, keyed by source and span, which code
//! generation and the language server read.

mod assign;
mod call;
pub mod errors_item;
mod expr;
mod items;
pub mod methods;
mod repeat;
mod report;
mod resolve;
mod scope;
mod stmt;
mod test_calls;
pub mod ty;

pub use assign::{Mismatch, is_date, is_datetime, is_url};

/// The closest name to a misspelt one, if one is close enough to suggest.
pub fn report_did_you_mean<'c>(name: &str, candidates: &[&'c str]) -> Option<&'c str> {
    report::did_you_mean(name, candidates.iter().copied())
}
pub use methods::{MethodSig, methods_of};
pub use ty::{Field, FnTy, Lit, NamedType, ParamTy, Record, Ty, TypeId, TypeTable};

use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, Span};
use crate::syntax::ast;
use smol_str::SmolStr;
use std::collections::HashMap;

/// A parsed file handed to the checker.
pub struct SourceFile {
    pub id: SourceId,
    pub ast: ast::File,
}

/// Where a name, field or call leads: for go-to-definition, hover and code generation.
#[derive(Clone, Debug, PartialEq)]
pub enum Def {
    /// A `let`, `var`, parameter, loop variable, `catch` binding or lambda parameter.
    Local {
        decl: Span,
        mutable: bool,
    },
    Fn {
        module: usize,
        index: usize,
    },
    Const {
        module: usize,
        index: usize,
    },
    Type(TypeId),
    /// `dhis2` after `use dhis2`.
    Adaptor(usize),
    Op {
        adaptor: usize,
        index: usize,
    },
    /// A field of a record type; `origin` is where it is declared, if in a type.
    Field {
        name: SmolStr,
        origin: Option<(SourceId, Span)>,
        doc: Option<String>,
    },
    /// A standard-library method or free function.
    Builtin(SmolStr),
    /// `input`, `config` or `trigger`.
    Global(SmolStr),
    /// `config.dhis2`: an adaptor's config section.
    ConfigSection(usize),
}

/// Facts about the checked program, keyed by `(file, span)`.
#[derive(Default, Debug)]
pub struct TypeInfo {
    pub expr_types: HashMap<(SourceId, Span), Ty>,
    /// For names, fields, methods and callees: what they refer to.
    pub defs: HashMap<(SourceId, Span), Def>,
    /// For each call with a signature (keyed by the call's span): for each
    /// parameter, the index of the argument given for it, `None` for its default.
    pub call_args: HashMap<(SourceId, Span), Vec<Option<usize>>>,
    /// Every local with where it is visible, for completion.
    pub locals: Vec<LocalInfo>,
    /// The values of record fields declared `name?: T` (no `null` in `T`): a
    /// `null` there leaves the field out (docs/language.md, "Absent and null").
    pub omit_null: std::collections::HashSet<(SourceId, Span)>,
}

#[derive(Clone, Debug)]
pub struct LocalInfo {
    pub name: SmolStr,
    pub ty: Ty,
    pub file: SourceId,
    pub decl: Span,
    /// From the end of its declaration to the end of its block.
    pub visible: Span,
    pub mutable: bool,
}

/// A function's signature once checked (its return type inferred if not written).
#[derive(Clone, Debug)]
pub struct FnSig {
    pub name: SmolStr,
    pub params: Vec<ParamSig>,
    pub ret: Ty,
    pub doc: Option<String>,
    pub origin: (SourceId, Span),
}

#[derive(Clone, Debug)]
pub struct ParamSig {
    pub name: SmolStr,
    pub ty: Ty,
    pub has_default: bool,
}

/// The type of a function or op with these parameters and return type.
fn sig_fn_ty(params: &[ParamSig], ret: &Ty) -> Ty {
    Ty::func(
        params
            .iter()
            .map(|p| ParamTy {
                name: Some(p.name.clone()),
                ty: p.ty.clone(),
                has_default: p.has_default,
            })
            .collect(),
        ret.clone(),
    )
}

impl FnSig {
    pub fn fn_ty(&self) -> Ty {
        sig_fn_ty(&self.params, &self.ret)
    }
}

/// Where the made-up `body` local of an HTTP binding (the decoded response, in
/// `result` and `paged`) is declared: an empty span just after the method, so no
/// cursor lands on it. The checker declares it there; the typed tree finds it there.
pub fn response_decl(http: &ast::HttpBinding) -> Span {
    Span {
        start: http.method.span.end,
        end: http.method.span.end,
    }
}

/// `trigger`: what a job's trigger provides (docs/language.md §12). Shared by the
/// checker and `query`.
pub(crate) fn trigger_type(trigger: Option<&ast::Trigger>) -> Ty {
    let mut fields = vec![Ty::field("fired_at", Ty::DateTime)];
    match trigger {
        Some(ast::Trigger::Cron { .. } | ast::Trigger::Every(_)) => {
            fields.push(Ty::field("last_success", Ty::optional(Ty::DateTime)))
        }
        Some(ast::Trigger::Webhook { .. }) => {
            fields.push(Ty::field("headers", Ty::map(Ty::String)))
        }
        None => {}
    }
    Ty::record(fields, false)
}

/// A checked file: a job, or an adaptor.
#[derive(Debug, Default)]
pub struct Module {
    pub file: SourceId,
    /// For an adaptor: its name.
    pub adaptor_name: Option<SmolStr>,
    pub doc: Option<String>,
    pub types: HashMap<SmolStr, TypeId>,
    pub fns: Vec<FnSig>,
    pub consts: Vec<(SmolStr, Ty, (SourceId, Span))>,
    /// An adaptor's `config { }` as a record type.
    pub config: Option<Ty>,
    pub ops: Vec<OpSig>,
    /// A job's `input:` type (`Json` when not declared).
    pub input: Ty,
    /// A job's `trigger`, if any.
    pub trigger: Option<ast::Trigger>,
    /// A job's `use` declarations: the name in the job, and the adaptor's module.
    pub uses: Vec<(SmolStr, usize)>,
    /// Names of `use`s whose adaptor was not found: already reported, so their
    /// uses are not reported again.
    pub unresolved_uses: Vec<SmolStr>,
    /// A job with tests: what its tests' `run(…)` gives (the job's output, or
    /// `null` when it skips), for the editor's signature of `run`.
    pub run_output: Option<Ty>,
}

#[derive(Clone, Debug)]
pub struct OpSig {
    pub name: SmolStr,
    pub params: Vec<ParamSig>,
    pub ret: Ty,
    pub doc: Option<String>,
    pub origin: (SourceId, Span),
    pub native: bool,
}

impl OpSig {
    pub fn fn_ty(&self) -> Ty {
        sig_fn_ty(&self.params, &self.ret)
    }
}

/// Everything a check produces.
pub struct Checked {
    pub types: TypeTable,
    /// The checked files, in the order of the `files` given: the main file first.
    pub modules: Vec<Module>,
    pub info: TypeInfo,
    pub diagnostics: Vec<Diagnostic>,
}

/// Checks `files[0]` (a job or an adaptor) together with the adaptor files in the
/// rest of `files`, which the job's `use` declarations name. `available_adaptors`
/// are the names a misspelt `use` is compared with.
pub fn check(files: &[SourceFile], available_adaptors: &[String]) -> Checked {
    items::Checker::new(files, available_adaptors).run()
}

/// [`check`], stopped early once `stop` says so (it is polled before each
/// expression): then `None`. The language server stops the check of a version
/// of a document when a newer version arrives.
pub fn check_until(
    files: &[SourceFile],
    available_adaptors: &[String],
    stop: &dyn Fn() -> bool,
) -> Option<Checked> {
    // Sticky: once stopped, every later poll says so without asking again.
    let stopped = std::cell::Cell::new(false);
    let poll = || {
        if !stopped.get() {
            stopped.set(stop());
        }
        stopped.get()
    };
    let mut checker = items::Checker::new(files, available_adaptors);
    checker.stop = &poll;
    let checked = checker.run();
    (!stopped.get()).then_some(checked)
}
