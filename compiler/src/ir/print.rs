//! A readable text form of a lowered program, for snapshot tests and
//! `FERRY_DUMP_IR`: one function after another, a statement a line, constants,
//! shapes, locations and methods shown by what they are rather than by index.

use super::{Callee, Cmp, Expr, FloatOp, FnKind, Function, IntOp, Program, Stmt};
use ferry_meta::{Constant, Meta};
use std::fmt::Write;

/// The program as text.
pub fn print(program: &Program) -> String {
    let mut p = Printer {
        meta: &program.meta,
        functions: &program.functions,
        out: String::new(),
    };
    for (id, f) in program.functions.iter().enumerate() {
        if id > 0 {
            p.out.push('\n');
        }
        p.function(f);
    }
    p.out
}

struct Printer<'a> {
    meta: &'a Meta,
    functions: &'a [Function],
    out: String,
}

impl Printer<'_> {
    fn function(&mut self, f: &Function) {
        let kind = match f.kind {
            FnKind::Main => "main".to_string(),
            FnKind::User => "fn".to_string(),
            FnKind::Closure { captures } => format!("closure[{captures}]"),
        };
        let params: Vec<String> = f
            .params
            .iter()
            .enumerate()
            .map(|(i, r)| format!("v{i}: {r:?}"))
            .collect();
        let _ = writeln!(
            self.out,
            "{kind} {}({}) -> {:?}",
            f.name,
            params.join(", "),
            f.ret
        );
        let locals: Vec<String> = f
            .locals
            .iter()
            .enumerate()
            .skip(f.params.len())
            .map(|(i, r)| format!("v{i}: {r:?}"))
            .collect();
        if !locals.is_empty() {
            let _ = writeln!(self.out, "  locals {}", locals.join(", "));
        }
        if !f.captured.is_empty() {
            let captured: Vec<String> = f.captured.iter().map(|l| format!("v{l}")).collect();
            let _ = writeln!(self.out, "  captured {}", captured.join(", "));
        }
        self.block(&f.body, 1);
    }

    fn block(&mut self, stmts: &[Stmt], depth: usize) {
        for s in stmts {
            self.stmt(s, depth);
        }
    }

    fn line(&mut self, depth: usize, text: &str) {
        let _ = writeln!(self.out, "{}{text}", "  ".repeat(depth));
    }

    fn stmt(&mut self, s: &Stmt, depth: usize) {
        match s {
            Stmt::Set(l, e) => {
                let e = self.expr(e);
                self.line(depth, &format!("v{l} = {e}"));
            }
            Stmt::Expr(e) => {
                let e = self.expr(e);
                self.line(depth, &e);
            }
            Stmt::If(c, then, otherwise) => {
                let c = self.expr(c);
                self.line(depth, &format!("if {c}"));
                self.block(then, depth + 1);
                if !otherwise.is_empty() {
                    self.line(depth, "else");
                    self.block(otherwise, depth + 1);
                }
            }
            Stmt::While(c, body) => {
                let c = self.expr(c);
                self.line(depth, &format!("while {c}"));
                self.block(body, depth + 1);
            }
            Stmt::ForEach {
                list,
                item,
                index,
                body,
                loc,
            } => {
                let list = self.expr(list);
                let index = index.map_or(String::new(), |i| format!(", v{i}"));
                let at = self.loc(*loc);
                self.line(depth, &format!("for v{item}{index} in {list} {at}"));
                self.block(body, depth + 1);
            }
            Stmt::Break => self.line(depth, "break"),
            Stmt::Continue => self.line(depth, "continue"),
            Stmt::Return(e) => {
                let e = self.expr(e);
                self.line(depth, &format!("return {e}"));
            }
            Stmt::Try { body, err, handler } => {
                self.line(depth, "try");
                self.block(body, depth + 1);
                self.line(depth, &format!("catch v{err}"));
                self.block(handler, depth + 1);
            }
            Stmt::Raise(e) => {
                let e = self.expr(e);
                self.line(depth, &format!("raise {e}"));
            }
        }
    }

    fn loc(&self, loc: u32) -> String {
        match self.meta.locations.get(loc as usize) {
            Some(at) => format!("@{at}"),
            None if loc == super::CALLER_LOC => "@caller".into(),
            None => format!("@?{loc}"),
        }
    }

    fn list(&mut self, es: &[Expr]) -> String {
        es.iter()
            .map(|e| self.expr(e))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// A runtime call's arguments, a method or a shape named by what it is.
    fn call_args(&mut self, callee: &Callee, args: &[Expr]) -> String {
        let named = match (callee, args.first()) {
            (Callee::Runtime("ferry_method"), Some(Expr::Int(m))) => self
                .meta
                .methods
                .get(*m as usize)
                .map(|name| format!("method {name}")),
            (Callee::Runtime("ferry_record"), Some(Expr::Int(shape))) => self
                .meta
                .shapes
                .get(*shape as usize)
                .map(|s| format!("shape {{{}}}", s.fields.join(", "))),
            _ => None,
        };
        match named {
            Some(first) => {
                let rest = self.list(&args[1..]);
                if rest.is_empty() {
                    first
                } else {
                    format!("{first}, {rest}")
                }
            }
            None => self.list(args),
        }
    }

    fn expr(&mut self, e: &Expr) -> String {
        crate::stack::deep(|| self.expr_inner(e))
    }

    fn expr_inner(&mut self, e: &Expr) -> String {
        match e {
            Expr::Int(n) => n.to_string(),
            Expr::Float(x) => format!("{x:?}"),
            Expr::Bool(b) => b.to_string(),
            Expr::Const(c) => match self.meta.constants.get(*c as usize) {
                Some(Constant::Null) => "null".into(),
                Some(Constant::Bool(b)) => format!("const {b}"),
                Some(Constant::Int(n)) => format!("const {n}"),
                Some(Constant::Float(x)) => format!("const {x:?}"),
                Some(Constant::Str(s)) => format!("{s:?}"),
                None => format!("const?{c}"),
            },
            Expr::Local(l) => format!("v{l}"),
            Expr::Global(g) => format!("global{g}"),
            Expr::Call {
                callee,
                args,
                ret,
                loc,
            } => {
                let name = match callee {
                    Callee::Runtime(name) => name.to_string(),
                    Callee::Function(id) => match self.functions.get(*id as usize) {
                        Some(f) => f.name.clone(),
                        None => format!("fn?{id}"),
                    },
                };
                let args = self.call_args(callee, args);
                let at = loc.map_or(String::new(), |l| format!(" {}", self.loc(l)));
                format!("{name}({args}) -> {ret:?}{at}")
            }
            Expr::Array(items) => format!("[{}]", self.list(items)),
            Expr::Int2(op, a, b, loc) => {
                let op = match op {
                    IntOp::Add => "+",
                    IntOp::Sub => "-",
                    IntOp::Mul => "*",
                };
                let (a, b) = (self.expr(a), self.expr(b));
                format!("({a} {op}i {b} {})", self.loc(*loc))
            }
            Expr::Float2(op, a, b) => {
                let op = match op {
                    FloatOp::Add => "+",
                    FloatOp::Sub => "-",
                    FloatOp::Mul => "*",
                    FloatOp::Div => "/",
                };
                let (a, b) = (self.expr(a), self.expr(b));
                format!("({a} {op}f {b})")
            }
            Expr::IntCmp(c, a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                format!("({a} {}i {b})", cmp(*c))
            }
            Expr::FloatCmp(c, a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                format!("({a} {}f {b})", cmp(*c))
            }
            Expr::IntToFloat(a) => format!("float({})", self.expr(a)),
            Expr::Not(a) => format!("not {}", self.expr(a)),
            Expr::And(a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                format!("({a} and {b})")
            }
            Expr::Or(a, b) => {
                let (a, b) = (self.expr(a), self.expr(b));
                format!("({a} or {b})")
            }
            Expr::If(c, a, b, repr) => {
                let (c, a, b) = (self.expr(c), self.expr(a), self.expr(b));
                format!("(if {c} then {a} else {b}: {repr:?})")
            }
            Expr::Block(stmts, value) => {
                // A block inside an expression: its statements on one line each
                // would lose their nesting, so they are written inline.
                let mut inner = Printer {
                    meta: self.meta,
                    functions: self.functions,
                    out: String::new(),
                };
                inner.block(stmts, 0);
                let stmts: Vec<&str> = inner.out.lines().collect();
                let value = self.expr(value);
                format!("{{ {}; {value} }}", stmts.join("; "))
            }
            Expr::Box(a, repr) => format!("box{repr:?}({})", self.expr(a)),
            Expr::Unbox(a, repr, loc) => {
                let a = self.expr(a);
                format!("unbox{repr:?}({a}) {}", self.loc(*loc))
            }
            Expr::Closure { func, captures } => {
                let name = self
                    .functions
                    .get(*func as usize)
                    .map_or_else(|| format!("fn?{func}"), |f| f.name.clone());
                let captures: Vec<String> = captures
                    .iter()
                    .map(|(l, r)| format!("v{l}: {r:?}"))
                    .collect();
                format!("closure {name}[{}]", captures.join(", "))
            }
            Expr::CallClosure { closure, args, loc } => {
                let closure = self.expr(closure);
                let args = self.list(args);
                format!("call {closure}({args}) {}", self.loc(*loc))
            }
            Expr::IsNull(a) => format!("is_null({})", self.expr(a)),
            Expr::Unreachable(repr) => format!("unreachable {repr:?}"),
        }
    }
}

fn cmp(c: Cmp) -> &'static str {
    match c {
        Cmp::Eq => "==",
        Cmp::Ne => "!=",
        Cmp::Lt => "<",
        Cmp::Le => "<=",
        Cmp::Gt => ">",
        Cmp::Ge => ">=",
    }
}
