//! The syntax tree. Every node carries its byte span; a part that failed to parse
//! is an `Error` node, so a broken file still has a tree.

use crate::source::Span;
use smol_str::SmolStr;

#[derive(Clone, Debug, PartialEq)]
pub struct Ident {
    pub name: SmolStr,
    pub span: Span,
}

/// A `///` doc comment, the slashes removed and the lines joined.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    pub text: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct File {
    /// `adaptor NAME` when the file is an adaptor.
    pub adaptor: Option<AdaptorHeader>,
    pub items: Vec<Item>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AdaptorHeader {
    pub name: Ident,
    pub doc: Option<Doc>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Item {
    pub kind: ItemKind,
    pub doc: Option<Doc>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ItemKind {
    Use {
        adaptor: Ident,
        alias: Option<Ident>,
    },
    Trigger(Trigger),
    Input(Type),
    Type {
        name: Ident,
        ty: Type,
    },
    Const {
        name: Ident,
        ty: Option<Type>,
        value: Expr,
    },
    Fn(FnDecl),
    Test {
        name: StrLit,
        body: Block,
    },
    Config {
        fields: Vec<FieldType>,
    },
    Auth(Expr),
    Base(Expr),
    Op(OpDecl),
    /// An adaptor's `errors { }`.
    Errors(ErrorsDecl),
    Stmt(Stmt),
    Error,
}

/// `errors { retry 409 when "…"  detail "issue[]" code "code" text "diagnostics" }`:
/// entries as written; the checker says which words and values fit.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorsDecl {
    pub entries: Vec<ErrorEntry>,
}

/// One line of `errors { }`: a word, a status or a path, then `word "text"` clauses.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorEntry {
    /// `retry`, `detail`, or what was written instead.
    pub kind: Ident,
    pub subject: Option<ErrorSubject>,
    /// `when "…"`, `code "…"`, `text "…"`, `at "…"`.
    pub clauses: Vec<(Ident, StrLit)>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ErrorSubject {
    /// A status as written (`None` when out of range).
    Status(Option<i64>, Span),
    Path(StrLit),
}

impl ErrorSubject {
    pub fn span(&self) -> Span {
        match self {
            ErrorSubject::Status(_, span) => *span,
            ErrorSubject::Path(s) => s.span,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Trigger {
    Webhook {
        path: StrLit,
        auth: Option<Expr>,
        /// `reply`: the caller waits for the run's result.
        reply: bool,
    },
    Cron {
        schedule: StrLit,
        tz: Option<StrLit>,
    },
    Every(Duration),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DurationUnit {
    Ms,
    S,
    M,
    H,
    D,
}

impl DurationUnit {
    pub fn as_str(self) -> &'static str {
        match self {
            DurationUnit::Ms => "ms",
            DurationUnit::S => "s",
            DurationUnit::M => "m",
            DurationUnit::H => "h",
            DurationUnit::D => "d",
        }
    }

    pub fn millis(self) -> u64 {
        match self {
            DurationUnit::Ms => 1,
            DurationUnit::S => 1_000,
            DurationUnit::M => 60_000,
            DurationUnit::H => 3_600_000,
            DurationUnit::D => 86_400_000,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Duration {
    pub value: u64,
    pub unit: DurationUnit,
    pub span: Span,
}

impl Duration {
    pub fn millis(&self) -> u64 {
        self.value.saturating_mul(self.unit.millis())
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct FnDecl {
    pub name: Ident,
    pub params: Vec<Param>,
    pub ret: Option<Type>,
    pub body: Block,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub ty: Option<Type>,
    pub default: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct OpDecl {
    pub name: Ident,
    pub params: Vec<Param>,
    pub ret: Option<Type>,
    pub binding: OpBinding,
}

#[derive(Clone, Debug, PartialEq)]
pub enum OpBinding {
    Native(Span),
    Http(Box<HttpBinding>),
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct HttpBinding {
    /// `GET`, `POST`, … as written.
    pub method: Ident,
    pub path: Expr,
    pub query: Option<Expr>,
    pub headers: Option<Expr>,
    pub body: Option<Expr>,
    pub result: Option<Expr>,
    pub paged: Option<Paged>,
    pub idempotent: Option<Span>,
}

/// `paged [page|offset|cursor "PARAM"] [next E] items E [total E]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Paged {
    /// The query parameter that moves from page to page; `None` when the op
    /// follows a `next` link instead.
    pub by: Option<PageParam>,
    /// The next page's link, or with `cursor` the next cursor.
    pub next: Option<Expr>,
    pub items: Expr,
    /// How many items there are in all: paging stops once that many are read.
    pub total: Option<Expr>,
    /// From `paged` to the last clause.
    pub span: Span,
}

/// `page "page"`, `offset "offset"` or `cursor "after"` in `paged`.
#[derive(Clone, Debug, PartialEq)]
pub struct PageParam {
    pub kind: PageKind,
    pub name: StrLit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PageKind {
    /// A page number, one more each page.
    Page,
    /// An item offset, advanced by the items each page gave.
    Offset,
    /// A cursor the body gives (`next`).
    Cursor,
}

impl Paged {
    /// Its expressions, in source order: `next`, `items`, `total`.
    pub fn exprs(&self) -> impl Iterator<Item = &Expr> {
        self.next
            .iter()
            .chain(std::iter::once(&self.items))
            .chain(self.total.iter())
    }
}

impl PageKind {
    pub fn keyword(self) -> &'static str {
        match self {
            PageKind::Page => "page",
            PageKind::Offset => "offset",
            PageKind::Cursor => "cursor",
        }
    }
}

// ---------------------------------------------------------------------------
// Types

#[derive(Clone, Debug, PartialEq)]
pub struct Type {
    pub kind: TypeKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TypeKind {
    /// `String`, `Registration`, or `dhis2.TrackedEntity`.
    Name {
        adaptor: Option<Ident>,
        name: Ident,
    },
    Literal(Literal),
    Optional(Box<Type>),
    List(Box<Type>),
    Map(Box<Type>),
    Record {
        fields: Vec<FieldType>,
        open: bool,
    },
    Union(Vec<Type>),
    Fn {
        params: Vec<Type>,
        ret: Box<Type>,
    },
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub struct FieldType {
    pub name: FieldName,
    pub optional: bool,
    pub ty: Type,
    pub doc: Option<Doc>,
    pub span: Span,
}

/// A record field's name: an identifier, a keyword, or a quoted string.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldName {
    pub name: SmolStr,
    pub quoted: bool,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
}

// ---------------------------------------------------------------------------
// Statements

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub stmts: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    /// `let x = e`, `let x: T = e`, `var x = e`.
    Let {
        name: Ident,
        ty: Option<Type>,
        value: Expr,
        mutable: bool,
    },
    Assign {
        name: Ident,
        value: Expr,
    },
    For {
        binding: ForBinding,
        iter: Expr,
        body: Block,
    },
    While {
        cond: Expr,
        body: Block,
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
        body: Block,
        err: Ident,
        handler: Block,
    },
    Expect(Expr),
    /// `mock adaptor.op = lambda` inside a `test`.
    Mock {
        target: Expr,
        value: Expr,
    },
    Expr(Expr),
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ForBinding {
    One(Ident),
    Pair(Ident, Ident),
}

// ---------------------------------------------------------------------------
// Expressions

#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    Template(Vec<TemplatePart>),
    Duration(Duration),
    /// A name, including the keyword expressions `input`, `config` and `trigger`.
    Name(SmolStr),
    List(Vec<Expr>),
    Record(Vec<RecordEntry>),
    Field {
        target: Box<Expr>,
        name: Ident,
        optional: bool,
    },
    Index {
        target: Box<Expr>,
        index: Box<Expr>,
    },
    Call {
        callee: Box<Expr>,
        args: Vec<Arg>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    As {
        expr: Box<Expr>,
        ty: Type,
    },
    Lambda {
        params: Vec<Param>,
        body: Box<Expr>,
    },
    If(Box<IfExpr>),
    Match(Box<MatchExpr>),
    Error,
}

#[derive(Clone, Debug, PartialEq)]
pub enum TemplatePart {
    Text(String),
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum RecordEntry {
    Field { name: FieldName, value: Expr },
    Shorthand(Ident),
    Spread(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Coalesce,
    Or,
    And,
    Eq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Add,
    Sub,
    Mul,
    Div,
    Rem,
}

impl BinaryOp {
    pub fn as_str(self) -> &'static str {
        match self {
            BinaryOp::Coalesce => "??",
            BinaryOp::Or => "or",
            BinaryOp::And => "and",
            BinaryOp::Eq => "==",
            BinaryOp::NotEq => "!=",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
        }
    }

    /// Binding power: higher binds tighter. Shared by the parser and the formatter.
    pub fn precedence(self) -> u8 {
        match self {
            BinaryOp::Coalesce => 1,
            BinaryOp::Or => 2,
            BinaryOp::And => 3,
            BinaryOp::Eq
            | BinaryOp::NotEq
            | BinaryOp::Lt
            | BinaryOp::Le
            | BinaryOp::Gt
            | BinaryOp::Ge => 5,
            BinaryOp::Add | BinaryOp::Sub => 6,
            BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => 7,
        }
    }

    pub fn right_assoc(self) -> bool {
        self == BinaryOp::Coalesce
    }
}

/// Precedences of the operators that are not binary.
pub mod precedence {
    pub const NOT: u8 = 4;
    pub const AS: u8 = 8;
    pub const NEG: u8 = 9;
}

#[derive(Clone, Debug, PartialEq)]
pub struct IfExpr {
    pub cond: Expr,
    pub then: Block,
    pub else_: Option<Else>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Else {
    Block(Block),
    If(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct MatchExpr {
    pub scrutinee: Expr,
    pub arms: Vec<MatchArm>,
    /// The span of the braces, for "not exhaustive" messages.
    pub arms_span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MatchArm {
    pub pattern: Pattern,
    pub body: Stmt,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Pattern {
    pub kind: PatternKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum PatternKind {
    Wildcard,
    Literal(Literal),
    Bind(Ident),
    Or(Vec<Pattern>),
    Error,
}

impl Expr {
    pub fn error(span: Span) -> Expr {
        Expr {
            kind: ExprKind::Error,
            span,
        }
    }
}

impl Type {
    pub fn error(span: Span) -> Type {
        Type {
            kind: TypeKind::Error,
            span,
        }
    }
}
