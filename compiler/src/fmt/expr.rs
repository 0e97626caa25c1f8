//! Layout of statements and expressions.

use super::{Brackets, Doc, Entry, INDENT, Printer, Sep, text};
use crate::source::Span;
use crate::syntax::ast::*;
use pretty::RcDoc;

/// Binding power of an expression as a whole, for deciding parentheses.
fn power(e: &Expr) -> u8 {
    match &e.kind {
        ExprKind::Binary { op, .. } => op.precedence(),
        ExprKind::Unary {
            op: UnaryOp::Not, ..
        } => precedence::NOT,
        ExprKind::Unary {
            op: UnaryOp::Neg, ..
        } => precedence::NEG,
        ExprKind::As { .. } => precedence::AS,
        ExprKind::Lambda { .. } => 0,
        _ => u8::MAX,
    }
}

impl Printer<'_> {
    /// A block, one statement a line.
    pub(super) fn block(&self, block: &Block) -> Doc {
        self.block_with(block, false)
    }

    /// A branch of an `if`: `{ value }` stays on one line when the author wrote it so.
    fn branch(&self, block: &Block) -> Doc {
        self.block_with(block, true)
    }

    fn block_with(&self, block: &Block, may_be_flat: bool) -> Doc {
        let close = block.span.end.saturating_sub(1);
        let flat_ok = may_be_flat
            && block.stmts.len() == 1
            && !self.broken_in_source(block.span)
            && matches!(
                block.stmts[0].kind,
                StmtKind::Expr(_)
                    | StmtKind::Skip(_)
                    | StmtKind::Return(_)
                    | StmtKind::Break
                    | StmtKind::Continue
            )
            && !self.comments[self.next_comment.get()..]
                .iter()
                .any(|c| block.span.contains(c.span.start as usize));
        if flat_ok {
            let stmt = self.stmt(&block.stmts[0]);
            return text("{")
                .append(RcDoc::line().append(stmt).nest(INDENT))
                .append(RcDoc::line())
                .append(text("}"))
                .group();
        }
        let entries: Vec<Entry> = block
            .stmts
            .iter()
            .map(|s| Entry::new(s.span, move || self.stmt(s)))
            .collect();
        let body = self.lines(entries, block.span.start + 1);
        let tail = self.comments_before_closer(close);
        if block.stmts.is_empty() {
            return match tail {
                Some(comments) => text("{")
                    .append(RcDoc::hardline().append(comments).nest(INDENT))
                    .append(RcDoc::hardline())
                    .append(text("}")),
                None => text("{}"),
            };
        }
        let body = match tail {
            Some(comments) => body.append(RcDoc::hardline()).append(comments),
            None => body,
        };
        text("{")
            .append(RcDoc::hardline().append(body).nest(INDENT))
            .append(RcDoc::hardline())
            .append(text("}"))
    }

    pub(super) fn stmt(&self, stmt: &Stmt) -> Doc {
        crate::stack::deep(|| self.stmt_inner(stmt))
    }

    fn stmt_inner(&self, stmt: &Stmt) -> Doc {
        let keyword = |word: &str, e: &Expr| text(format!("{word} ")).append(self.expr(e));
        let optional = |word: &str, e: &Option<Expr>| match e {
            Some(e) => keyword(word, e),
            None => text(word.to_string()),
        };
        match &stmt.kind {
            StmtKind::Let {
                name,
                ty,
                value,
                mutable,
            } => {
                let head = text(format!(
                    "{} {}",
                    if *mutable { "var" } else { "let" },
                    name.name
                ));
                let head = match ty {
                    Some(ty) => head.append(text(": ")).append(self.ty(ty)),
                    None => head,
                };
                head.append(text(" = ")).append(self.expr(value))
            }
            StmtKind::Assign { name, value } => {
                text(format!("{} = ", name.name)).append(self.expr(value))
            }
            StmtKind::For {
                binding,
                iter,
                body,
            } => {
                let binding = match binding {
                    ForBinding::One(x) => x.name.to_string(),
                    ForBinding::Pair(a, b) => format!("({}, {})", a.name, b.name),
                };
                text(format!("for {binding} in "))
                    .append(self.expr(iter))
                    .append(text(" "))
                    .append(self.block(body))
            }
            StmtKind::While { cond, body } => text("while ")
                .append(self.expr(cond))
                .append(text(" "))
                .append(self.block(body)),
            StmtKind::Break => text("break"),
            StmtKind::Continue => text("continue"),
            StmtKind::Return(e) => optional("return", e),
            StmtKind::Skip(e) => optional("skip", e),
            StmtKind::Fail(e) => keyword("fail", e),
            StmtKind::Log(e) => keyword("log", e),
            StmtKind::Warn(e) => keyword("warn", e),
            StmtKind::Output(e) => keyword("output", e),
            StmtKind::Expect(e) => keyword("expect", e),
            StmtKind::Try { body, err, handler } => text("try ")
                .append(self.block(body))
                .append(text(format!(" catch {} ", err.name)))
                .append(self.block(handler)),
            StmtKind::Mock { target, value } => text("mock ")
                .append(self.expr(target))
                .append(text(" = "))
                .append(self.expr(value)),
            StmtKind::Expr(e) => self.expr(e),
            StmtKind::Error => text(self.slice(stmt.span)),
        }
    }

    /// An expression, in parentheses when its power is below `min`.
    fn operand(&self, e: &Expr, min: u8) -> Doc {
        let doc = self.expr(e);
        if power(e) < min {
            text("(").append(doc).append(text(")"))
        } else {
            doc
        }
    }

    /// `a + b - c`: the operands of a left-associative chain of one precedence,
    /// as one group: on one line, or broken after every operator, one operand
    /// a line. (A group for each operator, nested down the left operand, would
    /// make the printer's measuring quadratic in the chain's length.)
    fn left_chain(&self, e: &Expr) -> Doc {
        let mut links = Vec::new();
        let mut first = e;
        let mut precedence = None;
        while let ExprKind::Binary { op, lhs, rhs } = &first.kind
            && !op.right_assoc()
            && precedence.is_none_or(|p| p == op.precedence())
        {
            precedence = Some(op.precedence());
            links.push((op, rhs));
            first = lhs;
        }
        let p = precedence.expect("a binary expression");
        let mut doc = self.operand(first, p);
        for (op, rhs) in links.into_iter().rev() {
            doc = doc
                .append(text(format!(" {}", op.as_str())))
                .append(RcDoc::line().append(self.operand(rhs, p + 1)).nest(INDENT));
        }
        doc.group()
    }

    pub(super) fn expr(&self, e: &Expr) -> Doc {
        crate::stack::deep(|| self.expr_inner(e))
    }

    fn expr_inner(&self, e: &Expr) -> Doc {
        match &e.kind {
            ExprKind::Literal(_) | ExprKind::Duration(_) => text(self.slice(e.span)),
            ExprKind::Template(parts) => self.template(parts),
            ExprKind::Name(name) => text(name.to_string()),
            ExprKind::List(items) if self.hugs(items, e.span) => {
                text("[").append(self.expr(&items[0])).append(text("]"))
            }
            ExprKind::List(items) => {
                let entries = items
                    .iter()
                    .map(|i| Entry::new(i.span, move || self.expr(i)))
                    .collect();
                self.bracketed(
                    Brackets {
                        open: "[",
                        close: "]",
                        padded: false,
                        sep: Sep::Comma,
                        trailing_comma: true,
                        span: e.span,
                    },
                    entries,
                )
            }
            ExprKind::Record(entries) => self.record(entries, e.span),
            ExprKind::Field { .. } | ExprKind::Call { .. } | ExprKind::Index { .. } => {
                self.chain(e)
            }
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } => text("-").append(self.operand(operand, precedence::NEG + 1)),
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => text("not ").append(self.operand(operand, precedence::NOT)),
            ExprKind::Binary { op, lhs, rhs } if op.right_assoc() => {
                let p = op.precedence();
                self.operand(lhs, p + 1)
                    .append(text(format!(" {}", op.as_str())))
                    .append(RcDoc::line().append(self.operand(rhs, p)).nest(INDENT))
                    .group()
            }
            ExprKind::Binary { .. } => self.left_chain(e),
            ExprKind::As { expr, ty } => self
                .operand(expr, precedence::AS)
                .append(text(" as "))
                .append(self.ty(ty)),
            ExprKind::Lambda { params, body } => {
                let params = match params.as_slice() {
                    [p] if p.ty.is_none() => text(p.name.name.to_string()),
                    _ => {
                        let docs: Vec<Doc> = params.iter().map(|p| self.param(p)).collect();
                        text("(")
                            .append(RcDoc::intersperse(docs, text(", ")))
                            .append(text(")"))
                    }
                };
                params.append(text(" => ")).append(self.expr(body))
            }
            ExprKind::If(if_expr) => self.if_expr(if_expr),
            ExprKind::Match(m) => {
                let arms = m
                    .arms
                    .iter()
                    .map(|arm| {
                        Entry::new(arm.span, move || {
                            self.pattern(&arm.pattern)
                                .append(text(" => "))
                                .append(self.stmt(&arm.body))
                        })
                    })
                    .collect();
                text("match ")
                    .append(self.expr(&m.scrutinee))
                    .append(text(" "))
                    .append(self.bracketed(
                        Brackets {
                            open: "{",
                            close: "}",
                            padded: true,
                            sep: Sep::CommaOrLine,
                            trailing_comma: false,
                            span: m.arms_span,
                        },
                        arms,
                    ))
            }
            ExprKind::Error => text(self.slice(e.span)),
        }
    }

    /// `[{ … }]`: a list of one record, not broken by the author, hugs it.
    fn hugs(&self, items: &[Expr], span: Span) -> bool {
        matches!(items, [only] if matches!(only.kind, ExprKind::Record(_)))
            && !self.broken_in_source(span)
    }

    fn if_expr(&self, if_expr: &IfExpr) -> Doc {
        let doc = text("if ")
            .append(self.expr(&if_expr.cond))
            .append(text(" "))
            .append(self.branch(&if_expr.then));
        match &if_expr.else_ {
            None => doc,
            Some(Else::Block(block)) => doc.append(text(" else ")).append(self.branch(block)),
            Some(Else::If(e)) => doc.append(text(" else ")).append(self.expr(e)),
        }
    }

    fn pattern(&self, p: &Pattern) -> Doc {
        match &p.kind {
            PatternKind::Wildcard => text("_"),
            PatternKind::Literal(_) | PatternKind::Error => text(self.slice(p.span)),
            PatternKind::Bind(name) => text(name.name.to_string()),
            PatternKind::Or(alts) => {
                RcDoc::intersperse(alts.iter().map(|a| self.pattern(a)), text(" | "))
            }
        }
    }

    /// A string ends on its line, so the expressions inside it are printed flat
    /// however long the line gets.
    fn template(&self, parts: &[TemplatePart]) -> Doc {
        let mut out = String::from("\"");
        for part in parts {
            match part {
                TemplatePart::Text(t) => out.push_str(&escape(t)),
                TemplatePart::Expr(e) => {
                    out.push_str("${");
                    let _ = self.expr(e).group().render_fmt(usize::MAX, &mut out);
                    out.push('}');
                }
            }
        }
        out.push('"');
        text(out)
    }

    fn record(&self, entries: &[RecordEntry], span: Span) -> Doc {
        let entries = entries
            .iter()
            .map(|entry| match entry {
                RecordEntry::Field { name, value } => {
                    Entry::new(name.span.to(value.span), move || {
                        self.field_name(name)
                            .append(text(": "))
                            .append(self.expr(value))
                    })
                }
                RecordEntry::Shorthand(name) => {
                    Entry::new(name.span, move || text(name.name.to_string()))
                }
                RecordEntry::Spread(value) => {
                    let span = Span {
                        start: value.span.start.saturating_sub(2),
                        end: value.span.end,
                    };
                    Entry::new(span, move || text("..").append(self.expr(value)))
                }
            })
            .collect();
        self.bracketed(
            Brackets {
                open: "{",
                close: "}",
                padded: true,
                sep: Sep::Comma,
                trailing_comma: true,
                span,
            },
            entries,
        )
    }

    /// `a.b(c)[d]?.e`: the author's line breaks before `.` and `?.` are kept.
    fn chain(&self, e: &Expr) -> Doc {
        let mut links = Vec::new();
        let mut root = e;
        loop {
            match &root.kind {
                ExprKind::Field { target, .. } | ExprKind::Index { target, .. } => {
                    links.push(root);
                    root = target;
                }
                ExprKind::Call { callee, .. } => {
                    links.push(root);
                    root = callee;
                }
                _ => break,
            }
        }
        let mut doc = self.operand(root, u8::MAX);
        let mut broken = RcDoc::nil();
        let mut any_break = false;
        for link in links.iter().rev() {
            let piece = match &link.kind {
                ExprKind::Field {
                    target,
                    name,
                    optional,
                } => {
                    let dot = if *optional { "?." } else { "." };
                    let breaks =
                        self.src[target.span.end as usize..name.span.start as usize].contains('\n');
                    let piece = text(format!("{dot}{}", name.name));
                    if breaks {
                        any_break = true;
                        broken = broken.append(RcDoc::hardline()).append(piece);
                        continue;
                    }
                    piece
                }
                ExprKind::Index { index, .. } => {
                    text("[").append(self.expr(index)).append(text("]"))
                }
                ExprKind::Call { callee, args } => {
                    let from = callee.span.end as usize;
                    let open = self.src[from..link.span.end as usize]
                        .find('(')
                        .map_or(from, |i| from + i);
                    self.args(args, open as u32, link.span.end)
                }
                _ => RcDoc::nil(),
            };
            if any_break {
                broken = broken.append(piece);
            } else {
                doc = doc.append(piece);
            }
        }
        if any_break {
            doc.append(broken.nest(INDENT))
        } else {
            doc
        }
    }

    /// Call arguments. A single record, list or lambda argument hugs the parentheses.
    fn args(&self, args: &[Arg], open: u32, end: u32) -> Doc {
        let arg_doc = |a: &Arg| match &a.name {
            Some(name) => text(format!("{}: ", name.name)).append(self.expr(&a.value)),
            None => self.expr(&a.value),
        };
        if let [arg] = args
            && matches!(
                arg.value.kind,
                ExprKind::Record(_) | ExprKind::List(_) | ExprKind::Lambda { .. }
            )
            && arg.name.is_none()
            && !self.broken_in_source(Span { start: open, end })
        {
            return text("(").append(arg_doc(arg)).append(text(")"));
        }
        let entries = args
            .iter()
            .map(|a| {
                Entry::new(
                    a.name
                        .as_ref()
                        .map_or(a.value.span, |n| n.span.to(a.value.span)),
                    move || arg_doc(a),
                )
            })
            .collect();
        self.bracketed(
            Brackets {
                open: "(",
                close: ")",
                padded: false,
                sep: Sep::Comma,
                trailing_comma: true,
                span: Span { start: open, end },
            },
            entries,
        )
    }
}

/// A string's text as it is written between quotes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\0' => out.push_str("\\0"),
            '$' if chars.peek() == Some(&'{') => out.push_str("\\$"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}
