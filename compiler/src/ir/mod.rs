//! The typed IR between the checked syntax tree and Cranelift: names resolved to
//! local slots, every value in a known representation (unboxed `Int`, `Float`,
//! `Bool`, or a pointer to a runtime value), every operation that can fail tagged
//! with its source location, and `?.`, `??`, `match` and interpolation spelled out.

mod lower;
pub mod print;

pub use ferry_meta::{Meta, OpMeta, ShapeMeta};
pub use lower::{LowerError, lower, lower_tests, lower_tree, repr_of};

/// How a value is held in generated code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Repr {
    /// An unboxed `i64`.
    Int,
    /// An unboxed `f64`.
    Float,
    /// An unboxed `i8`, 0 or 1.
    Bool,
    /// A pointer to a runtime `Value` (anything else, and optionals).
    Value,
    /// A pointer to a runtime closure (a function value).
    Closure,
}

pub type Local = u32;
pub type FuncId = u32;
/// An index into `Meta::locations`.
pub type Loc = u32;

/// The location of code lowered from an adaptor file (an op's request, paging and
/// result): its errors are reported where the job called the op, which is what
/// the job's author can act on, so such code leaves the caller's location as it is.
pub const CALLER_LOC: Loc = u32::MAX;

#[derive(Debug)]
pub struct Program {
    /// `functions[0]` is the job's main body.
    pub functions: Vec<Function>,
    pub meta: Meta,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FnKind {
    /// The job's top level: `fn(ctx)`.
    Main,
    /// A `fn`: `fn(ctx, params…) -> ret`, parameters in their representations.
    User,
    /// A lambda or a wrapper: `fn(ctx, env, params…) -> Value`, every parameter boxed.
    Closure { captures: u32 },
}

#[derive(Debug)]
pub struct Function {
    pub name: String,
    pub kind: FnKind,
    /// The parameters' slots are `0..params.len()`; captured values follow them.
    pub params: Vec<Repr>,
    pub ret: Repr,
    pub locals: Vec<Repr>,
    /// For a closure: the slots its captured values are loaded into, in the
    /// order of its environment.
    pub captured: Vec<Local>,
    pub body: Vec<Stmt>,
}

#[derive(Debug, Clone)]
pub enum Stmt {
    Set(Local, Expr),
    Expr(Expr),
    If(Expr, Vec<Stmt>, Vec<Stmt>),
    /// `while cond { body }`; the condition is an unboxed Bool.
    While(Expr, Vec<Stmt>),
    /// Over a list value: `item` (boxed) and `index` (Int) each round.
    ForEach {
        list: Expr,
        item: Local,
        index: Option<Local>,
        body: Vec<Stmt>,
        loc: Loc,
    },
    Break,
    Continue,
    Return(Expr),
    Try {
        body: Vec<Stmt>,
        err: Local,
        handler: Vec<Stmt>,
    },
    /// Runtime calls that end the job (`fail`, `skip`): the error path follows.
    Raise(Expr),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntOp {
    Add,
    Sub,
    Mul,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

#[derive(Debug, Clone)]
pub enum Callee {
    /// A function of the runtime's ABI, by symbol name.
    Runtime(&'static str),
    Function(FuncId),
}

#[derive(Debug, Clone)]
pub enum Expr {
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A constant value of the program (`Meta::constants`): strings, `null`, `true`…
    Const(u32),
    Local(Local),
    /// A `const` of the job, evaluated before the first statement.
    Global(u32),
    /// Fallible when `loc` is set: the error path is checked after the call.
    Call {
        callee: Callee,
        args: Vec<Expr>,
        ret: Repr,
        loc: Option<Loc>,
    },
    /// A pointer to an array of the arguments' words (for calls taking `n, *const u64`).
    Array(Vec<Expr>),
    Int2(IntOp, Box<Expr>, Box<Expr>, Loc),
    Float2(FloatOp, Box<Expr>, Box<Expr>),
    IntCmp(Cmp, Box<Expr>, Box<Expr>),
    FloatCmp(Cmp, Box<Expr>, Box<Expr>),
    IntToFloat(Box<Expr>),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    /// `if c { a } else { b }` as a value of representation `Repr`.
    If(Box<Expr>, Box<Expr>, Box<Expr>, Repr),
    /// Statements, then a value.
    Block(Vec<Stmt>, Box<Expr>),
    Box(Box<Expr>, Repr),
    Unbox(Box<Expr>, Repr, Loc),
    Closure {
        func: FuncId,
        captures: Vec<(Local, Repr)>,
    },
    CallClosure {
        closure: Box<Expr>,
        args: Vec<Expr>,
        loc: Loc,
    },
    /// Whether a boxed value is null or absent: an unboxed Bool.
    IsNull(Box<Expr>),
    /// A value that is never used (after `return`, `fail`…), of a representation.
    Unreachable(Repr),
}

impl Expr {
    pub fn call(name: &'static str, args: Vec<Expr>, ret: Repr, loc: Option<Loc>) -> Expr {
        Expr::Call {
            callee: Callee::Runtime(name),
            args,
            ret,
            loc,
        }
    }
}

/// Whether `e` reads or assigns `local` anywhere (a capture included).
pub fn mentions(e: &Expr, local: Local) -> bool {
    let any = |es: &[Expr]| es.iter().any(|e| mentions(e, local));
    match e {
        Expr::Local(l) => *l == local,
        Expr::Closure { captures, .. } => captures.iter().any(|(l, _)| *l == local),
        Expr::Call { args, .. } | Expr::Array(args) => any(args),
        Expr::CallClosure { closure, args, .. } => mentions(closure, local) || any(args),
        Expr::Int2(_, a, b, _)
        | Expr::Float2(_, a, b)
        | Expr::IntCmp(_, a, b)
        | Expr::FloatCmp(_, a, b)
        | Expr::And(a, b)
        | Expr::Or(a, b) => mentions(a, local) || mentions(b, local),
        Expr::If(c, a, b, _) => mentions(c, local) || mentions(a, local) || mentions(b, local),
        Expr::IntToFloat(a)
        | Expr::Not(a)
        | Expr::Box(a, _)
        | Expr::Unbox(a, _, _)
        | Expr::IsNull(a) => mentions(a, local),
        Expr::Block(stmts, v) => {
            stmts.iter().any(|s| stmt_mentions(s, local)) || mentions(v, local)
        }
        Expr::Int(_)
        | Expr::Float(_)
        | Expr::Bool(_)
        | Expr::Const(_)
        | Expr::Global(_)
        | Expr::Unreachable(_) => false,
    }
}

fn stmt_mentions(s: &Stmt, local: Local) -> bool {
    let block = |ss: &[Stmt]| ss.iter().any(|s| stmt_mentions(s, local));
    match s {
        Stmt::Set(l, e) => *l == local || mentions(e, local),
        Stmt::Expr(e) | Stmt::Return(e) | Stmt::Raise(e) => mentions(e, local),
        Stmt::If(c, a, b) => mentions(c, local) || block(a) || block(b),
        Stmt::While(c, body) => mentions(c, local) || block(body),
        Stmt::ForEach {
            list,
            item,
            index,
            body,
            ..
        } => *item == local || *index == Some(local) || mentions(list, local) || block(body),
        Stmt::Try { body, err, handler } => *err == local || block(body) || block(handler),
        Stmt::Break | Stmt::Continue => false,
    }
}
