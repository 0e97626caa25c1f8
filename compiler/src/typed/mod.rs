//! The typed tree: what the checker decided about a program, as a tree the
//! lowerer reads without asking anything again.
//!
//! Every expression carries its type; every name says what it refers to (a
//! local, a global, a const, a function); every call names what it calls (a
//! method, a built-in, a function, an op, a function value) and carries its
//! arguments in parameter order with defaults filled in; `auth`, the trigger and
//! an op's HTTP binding are their meaning, not their syntax. It is built from the
//! checker's facts once a program has no errors ([`build`]); a fact missing there
//! is an [`InternalError`], never a guess.
//!
//! Spans stay on the nodes for the locations of runtime errors.

mod build;
mod config_use;

pub use build::build;

use crate::source::{SourceId, Span};
/// Operators and literals are as the syntax has them.
pub use crate::syntax::ast::{BinaryOp, Literal};
use crate::types::Ty;
use smol_str::SmolStr;

/// A fact the checker should have recorded and did not: a compiler bug.
#[derive(Debug, Clone, PartialEq)]
pub struct InternalError(pub String);

impl std::fmt::Display for InternalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "internal error: {}; please report", self.0)
    }
}

/// A checked job with the adaptor files it uses.
#[derive(Debug)]
pub struct Program {
    /// In the checker's order: the job first, then its adaptors.
    pub modules: Vec<Module>,
    /// The adaptors (modules) whose config a run reads: an op of theirs is
    /// called, or their config read, from the job. The others are used for
    /// their types only and need no config.
    pub needs_config: std::collections::BTreeSet<usize>,
}

/// One checked file.
#[derive(Debug, Default)]
pub struct Module {
    pub file: SourceId,
    /// For an adaptor: its name.
    pub adaptor_name: Option<SmolStr>,
    /// In the checker's order, so `(module, index)` names one everywhere.
    pub fns: Vec<Fn>,
    pub consts: Vec<Const>,
    pub ops: Vec<Op>,
    /// An adaptor's `base`.
    pub base: Option<Expr>,
    /// An adaptor's `auth`.
    pub auth: Option<Auth>,
    /// An adaptor's `errors { }`: empty when it has none.
    pub errors: ferry_meta::errors::ErrorsMeta,
    /// An adaptor's `config { }` as a record type.
    pub config: Option<Ty>,
    /// A job's `input:` type (`Json` when not declared).
    pub input: Ty,
    /// A job's `use`s: the name in the job and the adaptor's module.
    pub uses: Vec<(SmolStr, usize)>,
    pub trigger: Option<Trigger>,
    /// A job's top-level statements, in order.
    pub body: Vec<Stmt>,
    /// A job's `test` blocks, in order (`ferry test`).
    pub tests: Vec<Test>,
}

/// A `test "name" { … }` block.
#[derive(Clone, Debug)]
pub struct Test {
    pub name: String,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// A local variable, parameter or binding: unique in a program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct LocalId(pub u32);

/// Where a local is declared, with its type.
#[derive(Clone, Debug)]
pub struct Binding {
    pub local: LocalId,
    pub ty: Ty,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Fn {
    pub name: SmolStr,
    pub params: Vec<Param>,
    pub ret: Ty,
    pub body: Vec<Stmt>,
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: SmolStr,
    pub binding: Binding,
    pub default: Option<Expr>,
}

#[derive(Clone, Debug)]
pub struct Const {
    pub value: Expr,
    /// The consts of the same module its value reads.
    pub reads: Vec<usize>,
}

#[derive(Clone, Debug)]
pub struct Op {
    pub name: SmolStr,
    pub params: Vec<Param>,
    pub ret: Ty,
    pub binding: OpBinding,
}

#[derive(Clone, Debug)]
pub enum OpBinding {
    /// Run by the runtime itself.
    Native,
    Http(Box<Http>),
}

/// An op's HTTP binding.
#[derive(Clone, Debug)]
pub struct Http {
    /// `GET`, `POST`, … as written.
    pub method: SmolStr,
    pub method_span: Span,
    /// Whether a failed request may be sent again.
    pub idempotent: bool,
    pub path: Expr,
    pub query: Option<Expr>,
    pub headers: Option<Expr>,
    pub body: Option<Expr>,
    /// `body` in `result` and `paged`: the decoded response.
    pub response: LocalId,
    pub result: Option<Expr>,
    pub paged: Option<Paged>,
}

#[derive(Clone, Debug)]
pub struct Paged {
    /// The query parameter that moves from page to page (`None`: a `next` link).
    pub by: Option<(crate::syntax::ast::PageKind, String)>,
    pub next: Option<Expr>,
    pub items: Expr,
    pub total: Option<Expr>,
}

/// `auth basic(user, password)`: the scheme and its arguments.
#[derive(Clone, Debug)]
pub struct Auth {
    pub scheme: SmolStr,
    pub args: Vec<Expr>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    Webhook {
        path: String,
        /// The scheme (`hmac_sha256`, `api_key`, …) and its header, if named.
        auth: Option<SmolStr>,
        header: Option<String>,
        /// `reply`: the caller waits for the run's result.
        reply: bool,
    },
    Cron {
        schedule: String,
        tz: Option<String>,
    },
    Every {
        millis: u64,
    },
}

// ---------------------------------------------------------------------------
// Statements

#[derive(Clone, Debug)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum StmtKind {
    Let {
        binding: Binding,
        value: Expr,
    },
    Assign {
        local: LocalId,
        value: Expr,
    },
    For {
        binding: ForBinding,
        iter: Expr,
        body: Vec<Stmt>,
    },
    While {
        cond: Expr,
        body: Vec<Stmt>,
    },
    Break,
    Continue,
    Return(Option<Expr>),
    Skip(Option<Expr>),
    Fail(Expr),
    Log(Expr),
    Warn(Expr),
    Output(Expr),
    Try {
        body: Vec<Stmt>,
        err: Binding,
        handler: Vec<Stmt>,
    },
    Expr(Expr),
    /// `expect cond` in a test.
    Expect(Expr),
    /// `expect a == b` in a test: on failure, the two sides are compared.
    ExpectEq {
        left: Expr,
        right: Expr,
    },
    /// `mock adaptor.op = f` in a test.
    Mock {
        adaptor: usize,
        index: usize,
        value: Expr,
    },
}

#[derive(Clone, Debug)]
pub enum ForBinding {
    One(Binding),
    Pair(Binding, Binding),
}

// ---------------------------------------------------------------------------
// Expressions

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Ty,
    pub span: Span,
}

/// `input`, `config` and `trigger`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Global {
    Input,
    /// The job's whole config.
    Config,
    /// Inside an adaptor, `config` is its own section (the module's).
    AdaptorConfig(usize),
    Trigger,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Literal(Literal),
    /// A duration, in milliseconds.
    Duration(u64),
    Template(Vec<TemplatePart>),
    Local(LocalId),
    Global(Global),
    Const {
        module: usize,
        index: usize,
    },
    /// A named function used as a value.
    FnRef {
        module: usize,
        index: usize,
    },
    List(Vec<Expr>),
    Record(Vec<RecordEntry>),
    Field {
        target: Box<Expr>,
        name: SmolStr,
        /// `?.`: the rest of the chain runs only when the target is not null.
        optional: bool,
    },
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    /// A standard-library method: `receiver.method(args)`.
    Method {
        receiver: Box<Expr>,
        method: SmolStr,
        args: Vec<Arg>,
        optional: bool,
    },
    /// A free built-in function (`now()`, `uuid()`, …).
    Builtin {
        name: SmolStr,
        args: Vec<Arg>,
    },
    CallFn {
        module: usize,
        index: usize,
        args: Vec<Arg>,
    },
    CallOp {
        adaptor: usize,
        index: usize,
        args: Vec<Arg>,
    },
    /// A call of a function value; its arguments are positional.
    CallValue {
        callee: Box<Expr>,
        args: Vec<Expr>,
    },
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `e as T`: checked at run time against the expression's type.
    As(Box<Expr>),
    Lambda {
        params: Vec<Binding>,
        body: Box<Expr>,
    },
    If(Box<If>),
    Match(Box<Match>),
    /// `calls(adaptor.op)` in a test: the arguments of each call of the op.
    TestCalls {
        adaptor: usize,
        index: usize,
    },
    /// A record field's value that leaves the field out when it is `null`: the
    /// value given for a field `name?: T`, and `omit` (of `null`).
    OmitNull(Box<Expr>),
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    Text(String),
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub enum RecordEntry {
    /// `name: value`, and the shorthand `name`.
    Field {
        name: SmolStr,
        value: Expr,
    },
    Spread(Expr),
}

/// One argument of a call, in parameter order.
#[derive(Clone, Debug)]
pub enum Arg {
    Given(Expr),
    /// The parameter's default, an expression of `module` (where the callee is
    /// declared).
    Default {
        module: usize,
        value: Expr,
    },
}

#[derive(Clone, Debug)]
pub struct If {
    pub cond: Expr,
    pub then: Vec<Stmt>,
    pub else_: Option<Else>,
}

#[derive(Clone, Debug)]
pub enum Else {
    Block(Vec<Stmt>),
    If(Expr),
}

#[derive(Clone, Debug)]
pub struct Match {
    pub scrutinee: Expr,
    pub arms: Vec<Arm>,
}

#[derive(Clone, Debug)]
pub struct Arm {
    pub pattern: Pattern,
    pub body: Stmt,
}

#[derive(Clone, Debug)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum PatternKind {
    Wildcard,
    Literal(Literal),
    Bind(Binding),
    Or(Vec<Pattern>),
}
