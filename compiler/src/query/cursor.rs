//! The text around the cursor as a syntax tree that always has the cursor in it,
//! and what that tree says at the cursor: the names in scope with their types,
//! each expression's type, and the type expected where the cursor is.
//!
//! The tree is the item that holds the cursor, parsed from its start up to the
//! cursor (to the end of the word or string at the cursor). The lexer closes
//! what is still open, and where the text ends in an operator, `.` or `:` a
//! placeholder name is put at the cursor, so `xs.map(x => x.` parses as
//! `xs.map(x => x.PLACEHOLDER)`. The text before the cursor is the document's,
//! at the same offsets (the tree is parsed behind spaces), so an expression of
//! the tree has the type the checker recorded for it whenever the checker saw
//! the same expression; for the others (in text that does not parse) the types
//! are worked out here from the program's declarations and signatures.

use super::env::{Callee, Env, field_value, has_vars, substitute};
use super::walk::{Node, children};
use crate::codes;
use crate::source::Span;
use crate::syntax::ast::{self, *};
use crate::syntax::lexer::{self, Comment};
use crate::syntax::token::{Keyword, Token};
use crate::types::{Lit, Ty};
use smol_str::SmolStr;
use std::cell::Cell;

macro_rules! placeholder {
    () => {
        "ferry_completion__"
    };
}

/// The name put at the cursor where the text needs one to parse.
pub(crate) const PLACEHOLDER: &str = placeholder!();

/// How deep type questions may nest (a local's type from its value's type ...).
const MAX_DEPTH: u32 = 24;

pub(crate) struct Cursor<'a> {
    pub env: &'a Env<'a>,
    pub offset: usize,
    /// The identifier or keyword at the cursor (empty where there is none).
    pub word: Span,
    /// The tokens from the start of the cursor's item to the end of its line,
    /// without the closers the lexer adds at the end.
    pub tokens: Vec<(Token<'a>, Span)>,
    pub comments: Vec<Comment>,
    pub tree: ast::File,
    /// Where the placeholder name is in the tree, if one was needed.
    pub placeholder: Option<Span>,
    depth: Cell<u32>,
}

/// A name in scope at the cursor.
#[derive(Clone)]
pub(crate) struct Binding<'t> {
    pub name: SmolStr,
    source: Source<'t>,
}

/// Where a local's type comes from.
#[derive(Clone)]
enum Source<'t> {
    Known(Ty),
    Let {
        name: &'t Ident,
        ty: Option<&'t Type>,
        value: &'t Expr,
        mutable: bool,
    },
    Param {
        name: &'t Ident,
        known: Option<Ty>,
        ty: Option<&'t Type>,
    },
    For {
        name: &'t Ident,
        iter: &'t Expr,
        pair: Option<usize>,
    },
    /// A lambda's parameter: from the type expected of the lambda at the end of `path`.
    Lambda {
        name: &'t Ident,
        ty: Option<&'t Type>,
        index: usize,
        path: Vec<Node<'t>>,
    },
    Pattern {
        name: &'t Ident,
        scrutinee: Option<&'t Expr>,
    },
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

impl<'a> Cursor<'a> {
    /// The cursor at `offset`, with the tree of the text around it. Where a
    /// `match` arm's pattern goes, an arrow is put after the cursor for the arm
    /// to parse; an unterminated string at the cursor is closed.
    pub fn new(env: &'a Env<'a>, offset: usize) -> Cursor<'a> {
        let src = env.src;
        let mut offset = offset.min(src.len());
        while !src.is_char_boundary(offset) {
            offset -= 1;
        }
        let bytes = src.as_bytes();
        let (mut start, mut end) = (offset, offset);
        while start > 0 && is_word_byte(bytes[start - 1]) {
            start -= 1;
        }
        while end < bytes.len() && is_word_byte(bytes[end]) {
            end += 1;
        }
        let word = Span::new(start, end);
        let base = env
            .ast
            .items
            .iter()
            .filter_map(|item| env.new_offset(item.span.start as usize))
            .filter(|&s| s <= start)
            .max()
            .unwrap_or(0);
        let line_end = src[offset..].find('\n').map_or(src.len(), |i| offset + i);
        let lexed = lexer::lex(&src[base..line_end], env.file);
        let shift = |span: Span| Span::new(span.start as usize + base, span.end as usize + base);
        let tokens: Vec<(Token<'a>, Span)> = lexed
            .tokens
            .into_iter()
            .filter(|(_, span)| !span.is_empty())
            .map(|(token, span)| (token, shift(span)))
            .collect();
        let comments = lexed
            .comments
            .into_iter()
            .map(|c| Comment {
                span: shift(c.span),
                ..c
            })
            .collect();
        let mut cursor = Cursor {
            env,
            offset,
            word,
            tokens,
            comments,
            tree: ast::File {
                adaptor: None,
                items: Vec::new(),
                span: Span::default(),
            },
            placeholder: None,
            depth: Cell::new(0),
        };
        let string = cursor.string_at();
        let cut = match string {
            Some((_, span)) => span.end as usize,
            None if !word.is_empty() => word.end as usize,
            None => offset,
        };
        // What may complete the text: nothing, a name, a name and a block (for
        // `if x == `), a block, a value after the name (for a test's `mock
        // shop.`, which needs `= fn`); the first that parses wins, else the one
        // with the fewest errors. The lexer closes brackets left open.
        let suffixes: &[&str] = match (word.is_empty(), string.is_some()) {
            (true, false) => &[
                "",
                PLACEHOLDER,
                concat!(placeholder!(), " {}"),
                concat!(placeholder!(), " = null"),
            ],
            (false, false) => &["", " {}", " = null"],
            _ => &["", " {}"],
        };
        let pattern = cursor.in_pattern();
        let text = &src[base..cut];
        // An unterminated string at the cursor is closed, so a pattern's arrow or
        // a block after it stays out of it.
        let close_string = string.is_some_and(|(token, span)| {
            matches!(token, Token::Str(_))
                && (span.len() < 2 || !src[..span.end as usize].ends_with('"'))
        });
        let mut best: Option<((usize, usize), ast::File, Option<Span>)> = None;
        for suffix in suffixes {
            let mut patched = String::with_capacity(cut + suffix.len() + 16);
            patched.extend(std::iter::repeat_n(' ', base));
            patched.push_str(text);
            if close_string {
                patched.push('"');
            }
            patched.push_str(suffix);
            if pattern {
                patched.push_str(" => null");
            }
            // The closers the lexer adds go after the cursor, not at it.
            patched.push('\n');
            let parsed = crate::syntax::parse(&patched, env.file);
            let errors = parsed
                .diagnostics
                .iter()
                .filter(|d| {
                    !matches!(
                        d.code,
                        codes::UNCLOSED_DELIMITER
                            | codes::UNCLOSED_INTERPOLATION
                            | codes::UNTERMINATED_STRING
                    )
                })
                .count();
            // A lexer error hides the parser's on its line: count the tree's
            // error nodes too.
            let score = (errors, error_nodes(&parsed.file));
            if best.as_ref().is_none_or(|(b, _, _)| score < *b) {
                let placeholder = suffix
                    .starts_with(PLACEHOLDER)
                    .then(|| Span::new(cut, cut + PLACEHOLDER.len()));
                best = Some((score, parsed.file, placeholder));
            }
            if score == (0, 0) {
                break;
            }
        }
        if let Some((_, tree, placeholder)) = best {
            cursor.tree = tree;
            cursor.placeholder = placeholder;
        }
        cursor
    }

    pub fn src(&self) -> &'a str {
        self.env.src
    }

    /// The tokens that end before the word at the cursor.
    pub fn before(&self) -> Vec<Token<'a>> {
        self.tokens
            .iter()
            .filter(|(_, span)| span.end <= self.word.start)
            .map(|(token, _)| *token)
            .collect()
    }

    pub fn in_comment(&self) -> bool {
        self.comments
            .iter()
            .any(|c| (c.span.start as usize) < self.offset && self.offset <= c.span.end as usize)
    }

    /// The string token the cursor is inside, if any.
    pub fn string_at(&self) -> Option<(Token<'a>, Span)> {
        self.tokens.iter().copied().find(|(token, span)| {
            matches!(token, Token::Str(_) | Token::StrPart(_))
                && (span.start as usize) < self.offset
                && (self.offset < span.end as usize
                    // An unterminated string runs to the end of its line.
                    || (matches!(token, Token::Str(_))
                        && self.offset == span.end as usize
                        && !self.src()[..span.end as usize].ends_with('"')))
        })
    }

    /// Whether the cursor is where a `match` arm's pattern goes: inside the
    /// braces of a `match`, with no `=>` yet in its arm.
    fn in_pattern(&self) -> bool {
        let before = self.before();
        let mut depth = 0i32;
        for i in (0..before.len()).rev() {
            match before[i] {
                Token::RParen | Token::RBracket | Token::RBrace => depth += 1,
                Token::LParen | Token::LBracket if depth > 0 => depth -= 1,
                Token::LBrace if depth > 0 => depth -= 1,
                Token::FatArrow if depth == 0 => return false,
                Token::LParen | Token::LBracket => return false,
                Token::LBrace => return is_match_brace(&before[..i]),
                Token::Comma | Token::Newline if depth == 0 => {
                    // An arm ended: the braces decide.
                    return innermost_brace(&before[..i])
                        .is_some_and(|j| is_match_brace(&before[..j]));
                }
                _ => {}
            }
        }
        false
    }

    // -----------------------------------------------------------------------
    // The tree

    /// The nodes from the tree's item that holds `offset` down to the innermost
    /// node that holds it.
    pub fn path(&self, offset: usize) -> Vec<Node<'_>> {
        let mut path = Vec::new();
        let items: Vec<Node<'_>> = self.tree.items.iter().map(Node::Item).collect();
        let mut next = pick(&items, offset);
        while let Some(node) = next {
            path.push(node);
            next = pick(&children(node), offset);
        }
        path
    }

    /// Whether an expression is the placeholder (or ends in it).
    pub fn is_placeholder(&self, e: &Expr) -> bool {
        matches!(&e.kind, ExprKind::Name(n) if n == PLACEHOLDER)
    }

    /// Whether the cursor is in a `test` block.
    pub fn in_test(&self) -> bool {
        self.tree.items.iter().any(|item| {
            matches!(item.kind, ItemKind::Test { .. }) && item.span.contains(self.offset)
        })
    }

    // -----------------------------------------------------------------------
    // Scope

    /// The locals visible at `offset`, innermost first, each name once. Their
    /// types are worked out when asked for (`binding_type`).
    pub fn locals(&self, offset: usize) -> Vec<Binding<'_>> {
        let path = self.path(offset);
        let mut levels: Vec<Vec<Binding<'_>>> = Vec::new();
        for (i, node) in path.iter().enumerate() {
            let mut level = Vec::new();
            self.bindings_of(&path, i, *node, offset, &mut level);
            if !level.is_empty() {
                levels.push(level);
            }
        }
        let top_level = match path.first() {
            None => true,
            Some(Node::Item(item)) => matches!(item.kind, ItemKind::Stmt(_) | ItemKind::Error),
            Some(_) => false,
        };
        let mut out: Vec<Binding<'_>> = levels.into_iter().rev().flatten().collect();
        if top_level {
            // The top-level `let`s of the tree before the offset, nearest first.
            for item in self.tree.items.iter().rev() {
                if let ItemKind::Stmt(stmt) = &item.kind
                    && (stmt.span.end as usize) < offset
                {
                    let_binding(stmt, &mut out);
                }
            }
            // Then those the checker saw before the tree.
            let base = self.tree_start();
            let mut outer: Vec<&crate::types::LocalInfo> = self
                .env
                .analysis
                .checked
                .info
                .locals
                .iter()
                .filter(|l| {
                    let env = self.env;
                    l.file == env.file
                        && !l.decl.is_empty()
                        && env
                            .new_offset(l.decl.start as usize)
                            .is_some_and(|d| d < base)
                        && (l.visible.end == u32::MAX
                            || env
                                .new_offset(l.visible.end as usize)
                                .is_some_and(|end| offset <= end))
                })
                .collect();
            outer.sort_by_key(|l| std::cmp::Reverse(l.decl.start));
            out.extend(outer.into_iter().map(|l| Binding {
                name: l.name.clone(),
                source: Source::Known(l.ty.clone()),
            }));
        }
        let mut seen = std::collections::HashSet::new();
        out.retain(|b| b.name != PLACEHOLDER && !b.name.is_empty() && seen.insert(b.name.clone()));
        out
    }

    /// Where the tree's first item starts.
    fn tree_start(&self) -> usize {
        self.tree
            .items
            .first()
            .map_or(self.offset, |item| item.span.start as usize)
    }

    /// What `node` (at `path[i]`) brings into scope at `offset`, nearest first.
    fn bindings_of<'t>(
        &'t self,
        path: &[Node<'t>],
        i: usize,
        node: Node<'t>,
        offset: usize,
        out: &mut Vec<Binding<'t>>,
    ) {
        let inside = |span: Span| span.contains(offset);
        let other = |name: &'t Ident, source: Source<'t>| Binding {
            name: name.name.clone(),
            source,
        };
        match node {
            Node::Item(Item {
                kind: ItemKind::Fn(decl),
                ..
            }) if inside(decl.body.span) => {
                let sig = self.env.module().fns.iter().find(|f| {
                    Some(f.origin) == self.env.old(decl.name.span).map(|s| (self.env.file, s))
                });
                for (n, param) in decl.params.iter().enumerate() {
                    let known = sig.and_then(|s| s.params.get(n)).map(|p| p.ty.clone());
                    out.push(other(
                        &param.name,
                        Source::Param {
                            name: &param.name,
                            known,
                            ty: param.ty.as_ref(),
                        },
                    ));
                }
            }
            Node::Item(Item {
                kind: ItemKind::Op(op),
                ..
            }) => {
                if let OpBinding::Http(http) = &op.binding {
                    let mut clauses = http
                        .result
                        .iter()
                        .chain(http.paged.iter().flat_map(|p| p.exprs()));
                    if clauses.any(|e| inside(e.span)) {
                        out.push(Binding {
                            name: SmolStr::new_static("body"),
                            source: Source::Known(Ty::Json),
                        });
                    }
                }
                for param in &op.params {
                    out.push(other(
                        &param.name,
                        Source::Param {
                            name: &param.name,
                            known: None,
                            ty: param.ty.as_ref(),
                        },
                    ));
                }
            }
            Node::Block(block) => {
                for stmt in block.stmts.iter().rev() {
                    if (stmt.span.end as usize) < offset {
                        let_binding(stmt, out);
                    }
                }
            }
            Node::Stmt(stmt) => match &stmt.kind {
                StmtKind::For {
                    binding,
                    iter,
                    body,
                } if inside(body.span) => match binding {
                    ForBinding::One(x) => out.push(other(
                        x,
                        Source::For {
                            name: x,
                            iter,
                            pair: None,
                        },
                    )),
                    ForBinding::Pair(a, b) => {
                        out.push(other(
                            b,
                            Source::For {
                                name: b,
                                iter,
                                pair: Some(1),
                            },
                        ));
                        out.push(other(
                            a,
                            Source::For {
                                name: a,
                                iter,
                                pair: Some(0),
                            },
                        ));
                    }
                },
                StmtKind::Try { err, handler, .. } if inside(handler.span) => {
                    out.push(other(err, Source::Known(self.env.error_type())));
                }
                _ => {}
            },
            Node::Expr(Expr {
                kind: ExprKind::Lambda { params, body },
                ..
            }) if inside(body.span) => {
                for (n, param) in params.iter().enumerate() {
                    out.push(other(
                        &param.name,
                        Source::Lambda {
                            name: &param.name,
                            ty: param.ty.as_ref(),
                            index: n,
                            path: path[..=i].to_vec(),
                        },
                    ));
                }
            }
            Node::Arm(arm) if inside(arm.body.span) => {
                let scrutinee = match path.get(i.wrapping_sub(1)) {
                    Some(Node::Expr(Expr {
                        kind: ExprKind::Match(m),
                        ..
                    })) => Some(&m.scrutinee),
                    _ => None,
                };
                pattern_bindings(&arm.pattern, scrutinee, out);
            }
            _ => {}
        }
    }

    /// The type of a local: as the checker recorded it at its declaration, or
    /// worked out from its declaration when the checker did not see it.
    pub fn binding_type(&self, binding: &Binding<'_>) -> Ty {
        let name = match &binding.source {
            Source::Known(ty) => return ty.clone(),
            Source::Let { name, .. }
            | Source::Param { name, .. }
            | Source::For { name, .. }
            | Source::Lambda { name, .. }
            | Source::Pattern { name, .. } => *name,
        };
        if let Some(ty) = self.env.recorded(name.span)
            && !ty.is_error()
        {
            return ty.clone();
        }
        self.nested(Ty::Error, || self.declared_type(&binding.source))
    }

    fn declared_type(&self, source: &Source<'_>) -> Ty {
        let env = self.env;
        let types = env.types();
        match source {
            Source::Known(ty) => ty.clone(),
            Source::Let {
                ty, value, mutable, ..
            } => match ty {
                Some(ty) => env.resolve(ty),
                None if *mutable => types.widen(&self.type_of(value)),
                None => self.type_of(value),
            },
            Source::Param { known, ty, .. } => known
                .clone()
                .or_else(|| ty.map(|t| env.resolve(t)))
                .unwrap_or(Ty::Error),
            Source::For { iter, pair, .. } => {
                let element = match types.resolve(&self.type_of(iter)) {
                    Ty::List(t) => (**t).clone(),
                    Ty::Json => Ty::Json,
                    _ => Ty::Error,
                };
                match pair {
                    None => element,
                    Some(n) => match types.resolve(&element) {
                        Ty::Record(r) if r.fields.len() == 2 => r.fields[*n].ty.clone(),
                        Ty::Json => Ty::Json,
                        _ => Ty::Error,
                    },
                }
            }
            Source::Lambda {
                ty, index, path, ..
            } => {
                if let Some(ty) = ty {
                    return env.resolve(ty);
                }
                let expected = self.expected(path, path.len() - 1);
                match expected.as_ref().map(|t| types.resolve(t)) {
                    Some(Ty::Fn(f)) => f
                        .params
                        .get(*index)
                        .map(|p| p.ty.clone())
                        .filter(|t| !has_vars(t))
                        .unwrap_or(Ty::Error),
                    _ => Ty::Error,
                }
            }
            Source::Pattern { scrutinee, .. } => scrutinee.map_or(Ty::Error, |s| self.type_of(s)),
        }
    }

    /// The type of a local visible at `offset`, if there is one by that name.
    pub fn lookup(&self, name: &str, offset: usize) -> Option<Ty> {
        let locals = self.locals(offset);
        let binding = locals.iter().find(|b| b.name == name)?;
        Some(self.binding_type(binding))
    }

    // -----------------------------------------------------------------------
    // Types

    fn nested<T>(&self, fallback: T, work: impl FnOnce() -> T) -> T {
        let depth = self.depth.get();
        if depth >= MAX_DEPTH {
            return fallback;
        }
        self.depth.set(depth + 1);
        let result = work();
        self.depth.set(depth);
        result
    }

    /// The type of an expression of the tree.
    pub fn type_of(&self, e: &Expr) -> Ty {
        if let Some(ty) = self.env.recorded(e.span)
            && !ty.is_error()
        {
            return ty.clone();
        }
        self.nested(Ty::Error, || self.compute(e))
    }

    /// Whether the expression names a used adaptor (not shadowed by a local).
    pub fn adaptor_name<'e>(&self, e: &'e Expr) -> Option<&'e SmolStr> {
        match &e.kind {
            ExprKind::Name(name)
                if self.env.adaptor(name).is_some()
                    && self.lookup(name, e.span.start as usize).is_none() =>
            {
                Some(name)
            }
            _ => None,
        }
    }

    fn compute(&self, e: &Expr) -> Ty {
        let env = self.env;
        let types = env.types();
        match &e.kind {
            ExprKind::Literal(lit) => match lit {
                Literal::Null => Ty::Null,
                Literal::Bool(b) => Ty::Lit(Lit::Bool(*b)),
                Literal::Int(n) => Ty::Lit(Lit::Int(*n)),
                Literal::Float(_) => Ty::Float,
                Literal::Str(s) => Ty::Lit(Lit::Str(SmolStr::new(s))),
            },
            ExprKind::Template(_) => Ty::String,
            ExprKind::Duration(_) => Ty::Int,
            ExprKind::Name(name) => {
                if name == PLACEHOLDER {
                    return Ty::Error;
                }
                if let Some(ty) = self.lookup(name, e.span.start as usize) {
                    return ty;
                }
                if let Some(ty) = env.global(name) {
                    return ty;
                }
                if let Some(sig) = env.fn_sig(env.index, name) {
                    return sig.fn_ty();
                }
                if let Some((_, ty, _)) = env.module().consts.iter().find(|c| c.0 == *name) {
                    return ty.clone();
                }
                match env.free_function(name, self.in_test()) {
                    Some(f) => callee_type(&f),
                    None => Ty::Error,
                }
            }
            ExprKind::List(items) => match items.first() {
                Some(first) => {
                    Ty::list(items.iter().skip(1).fold(self.type_of(first), |acc, item| {
                        types.join(&acc, &self.type_of(item))
                    }))
                }
                None => Ty::list(Ty::Never),
            },
            ExprKind::Record(entries) => {
                let mut fields: Vec<crate::types::Field> = Vec::new();
                for entry in entries {
                    let (name, ty) = match entry {
                        RecordEntry::Field { name, value } => {
                            (name.name.clone(), self.type_of(value))
                        }
                        RecordEntry::Shorthand(ident) => (
                            ident.name.clone(),
                            self.lookup(&ident.name, ident.span.start as usize)
                                .unwrap_or(Ty::Error),
                        ),
                        RecordEntry::Spread(value) => {
                            for f in env.fields(&self.type_of(value)) {
                                fields.retain(|g| g.name != f.name);
                                fields.push(f);
                            }
                            continue;
                        }
                    };
                    fields.retain(|g| g.name != name);
                    fields.push(Ty::field(&name, ty));
                }
                Ty::record(fields, false)
            }
            ExprKind::Field {
                target,
                name,
                optional,
            } => {
                if let Some(alias) = self.adaptor_name(target) {
                    return env
                        .adaptor_member(alias, &name.name)
                        .map_or(Ty::Error, |c| callee_type(&c));
                }
                let target_ty = self.type_of(target);
                let ty = env.field_type(&target_ty, &name.name).unwrap_or(Ty::Error);
                if *optional && !ty.is_error() {
                    Ty::optional(ty)
                } else {
                    ty
                }
            }
            ExprKind::Index { target, index } => {
                let target_ty = types.non_null(&self.type_of(target));
                match types.resolve(&target_ty) {
                    Ty::List(t) => Ty::optional((**t).clone()),
                    Ty::Map(t) => Ty::optional((**t).clone()),
                    Ty::Json => Ty::Json,
                    Ty::Record(_) => match &index.kind {
                        ExprKind::Literal(Literal::Str(key)) => env
                            .field_type(&target_ty, key)
                            .unwrap_or(Ty::optional(Ty::Json)),
                        _ => Ty::Error,
                    },
                    _ => Ty::Error,
                }
            }
            ExprKind::Call { callee, args } => {
                let Some(callee_sig) = self.callee(callee) else {
                    return Ty::Error;
                };
                if !has_vars(&callee_sig.ret) {
                    return callee_sig.ret;
                }
                // `xs.map(x => …)`: the result of the lambda given binds `U`.
                let bound = args.iter().find_map(|arg| match &arg.value.kind {
                    ExprKind::Lambda { body, .. } => Some(self.type_of(body)),
                    _ => None,
                });
                match bound {
                    Some(bound) if !bound.is_error() => substitute(&callee_sig.ret, &bound),
                    _ => Ty::Error,
                }
            }
            ExprKind::Unary { op, operand } => match op {
                UnaryOp::Not => Ty::Bool,
                UnaryOp::Neg => types.widen(&self.type_of(operand)),
            },
            ExprKind::Binary { op, lhs, rhs } => {
                let (l, r) = (self.type_of(lhs), self.type_of(rhs));
                let is = |t: &Ty, want: &Ty| types.is_assignable(t, want) && !t.is_error();
                match op {
                    BinaryOp::Coalesce => {
                        let inner = types.non_null(&l);
                        if inner.is_error() {
                            r
                        } else {
                            types.join(&inner, &r)
                        }
                    }
                    BinaryOp::Or
                    | BinaryOp::And
                    | BinaryOp::Eq
                    | BinaryOp::NotEq
                    | BinaryOp::Lt
                    | BinaryOp::Le
                    | BinaryOp::Gt
                    | BinaryOp::Ge => Ty::Bool,
                    BinaryOp::Div => Ty::Float,
                    BinaryOp::Rem => Ty::Int,
                    BinaryOp::Add if is(&l, &Ty::String) && is(&r, &Ty::String) => Ty::String,
                    BinaryOp::Add => match (types.resolve(&l), types.resolve(&r)) {
                        (Ty::List(a), Ty::List(b)) => Ty::list(types.join(a, b)),
                        _ if is(&l, &Ty::Int) && is(&r, &Ty::Int) => Ty::Int,
                        _ if is(&l, &Ty::Float) && is(&r, &Ty::Float) => Ty::Float,
                        _ => Ty::Error,
                    },
                    BinaryOp::Sub | BinaryOp::Mul => {
                        if is(&l, &Ty::Int) && is(&r, &Ty::Int) {
                            Ty::Int
                        } else if is(&l, &Ty::Float) && is(&r, &Ty::Float) {
                            Ty::Float
                        } else {
                            Ty::Error
                        }
                    }
                }
            }
            ExprKind::As { ty, .. } => env.resolve(ty),
            ExprKind::If(if_expr) => {
                let then = block_value(&if_expr.then).map(|e| self.type_of(e));
                let otherwise = match &if_expr.else_ {
                    Some(Else::Block(block)) => block_value(block).map(|e| self.type_of(e)),
                    Some(Else::If(e)) => Some(self.type_of(e)),
                    None => Some(Ty::Null),
                };
                match (then, otherwise) {
                    (Some(a), Some(b)) => types.join(&a, &b),
                    _ => Ty::Error,
                }
            }
            ExprKind::Match(m) => m
                .arms
                .iter()
                .filter_map(|arm| match &arm.body.kind {
                    StmtKind::Expr(e) => Some(self.type_of(e)),
                    _ => None,
                })
                .reduce(|a, b| types.join(&a, &b))
                .unwrap_or(Ty::Error),
            ExprKind::Lambda { .. } | ExprKind::Error => Ty::Error,
        }
    }

    /// What a call's callee is, with its signature.
    pub fn callee(&self, callee: &Expr) -> Option<Callee> {
        let env = self.env;
        match &callee.kind {
            ExprKind::Field { target, name, .. } => match self.adaptor_name(target) {
                Some(alias) => env.adaptor_member(alias, &name.name),
                None => env.method(&self.type_of(target), &name.name),
            },
            ExprKind::Name(name) => {
                if let Some(ty) = self.lookup(name, callee.span.start as usize) {
                    return env.value_callee(name, &ty);
                }
                if let Some(sig) = env.fn_sig(env.index, name) {
                    return Some(env.fn_callee(sig));
                }
                env.free_function(name, self.in_test())
            }
            _ => env.value_callee("", &self.type_of(callee)),
        }
    }

    /// The parameter an argument is for: by its name, or by its position among
    /// the positional arguments.
    pub fn slot(args: &[Arg], index: usize, callee: &Callee) -> Option<usize> {
        match &args.get(index)?.name {
            Some(name) => callee
                .params
                .iter()
                .position(|p| p.name.as_deref() == Some(name.name.as_str())),
            None => {
                let position = args[..index].iter().filter(|a| a.name.is_none()).count();
                (position < callee.params.len()).then_some(position)
            }
        }
    }

    /// The parameter a new argument at `offset` would be for, in a call whose
    /// arguments do not hold `offset`: the next one by position, or the first
    /// one not given yet after named arguments.
    pub fn next_slot(args: &[Arg], offset: usize, callee: &Callee) -> Option<usize> {
        let before: Vec<&Arg> = args
            .iter()
            .filter(|a| (a.value.span.end as usize) < offset)
            .collect();
        if before.iter().all(|a| a.name.is_none()) {
            return (before.len() < callee.params.len()).then_some(before.len());
        }
        (0..callee.params.len()).find(|&slot| {
            !args
                .iter()
                .enumerate()
                .any(|(i, _)| Self::slot(args, i, callee) == Some(slot))
        })
    }

    /// The type expected of `path[i]` where it stands: a parameter's for an
    /// argument, a field's for a field's value, a list's element type, the other
    /// side's for a comparison, an annotation's for a `let`, a function's return
    /// type for its last expression or `return`.
    pub fn expected(&self, path: &[Node<'_>], i: usize) -> Option<Ty> {
        self.nested(None, || self.expected_in(path, i))
    }

    fn expected_in(&self, path: &[Node<'_>], i: usize) -> Option<Ty> {
        let env = self.env;
        let types = env.types();
        let node = path.get(i)?;
        let span = node.span();
        let parent = path.get(i.checked_sub(1)?)?;
        match parent {
            Node::Arg(arg) => {
                let Some(Node::Expr(Expr {
                    kind: ExprKind::Call { callee, args },
                    ..
                })) = path.get(i.checked_sub(2)?)
                else {
                    return None;
                };
                let callee = self.callee(callee)?;
                let index = args.iter().position(|a| std::ptr::eq(a, *arg))?;
                let slot = Self::slot(args, index, &callee)?;
                Some(callee.params[slot].ty.clone())
            }
            Node::Entry(RecordEntry::Field { name, value }) if value.span == span => {
                let record = self.expected(path, i.checked_sub(2)?)?;
                env.fields(&record)
                    .into_iter()
                    .find(|f| f.name == name.name)
                    .map(|f| field_value(&f))
            }
            Node::Entry(_) => None,
            Node::Expr(e) => match &e.kind {
                ExprKind::List(_) => {
                    let list = self.expected(path, i - 1)?;
                    list_element(types, &list)
                }
                ExprKind::Binary { op, lhs, rhs } => match op {
                    BinaryOp::Eq
                    | BinaryOp::NotEq
                    | BinaryOp::Lt
                    | BinaryOp::Le
                    | BinaryOp::Gt
                    | BinaryOp::Ge => {
                        let other = if lhs.span == span { rhs } else { lhs };
                        if self.is_placeholder(other) {
                            return None;
                        }
                        Some(self.type_of(other)).filter(|t| !t.is_error())
                    }
                    BinaryOp::And | BinaryOp::Or => Some(Ty::Bool),
                    BinaryOp::Coalesce if rhs.span == span => self
                        .expected(path, i - 1)
                        .or_else(|| Some(types.non_null(&self.type_of(lhs))))
                        .filter(|t| !t.is_error()),
                    BinaryOp::Coalesce => self.expected(path, i - 1).map(Ty::optional),
                    _ => None,
                },
                ExprKind::Unary {
                    op: UnaryOp::Not, ..
                } => Some(Ty::Bool),
                ExprKind::If(if_expr) if if_expr.cond.span == span => Some(Ty::Bool),
                ExprKind::If(_) => self.expected(path, i - 1),
                ExprKind::Lambda { body, .. } if body.span == span => {
                    match types.resolve(&self.expected(path, i - 1)?) {
                        Ty::Fn(f) if !has_vars(&f.ret) => Some(f.ret.clone()),
                        _ => None,
                    }
                }
                ExprKind::Index { target, index } if index.span == span => {
                    match types.resolve(&types.non_null(&self.type_of(target))) {
                        Ty::List(_) => Some(Ty::Int),
                        Ty::Map(_) | Ty::Record(_) => Some(Ty::String),
                        _ => None,
                    }
                }
                _ => None,
            },
            Node::Arm(arm) => {
                let Some(Node::Expr(Expr {
                    kind: ExprKind::Match(m),
                    ..
                })) = path.get(i.checked_sub(2)?)
                else {
                    return None;
                };
                if arm.pattern.span == span {
                    Some(self.type_of(&m.scrutinee))
                } else {
                    self.expected(path, i - 2)
                }
            }
            Node::Block(block) => {
                let last = block.stmts.last()?;
                if last.span != span {
                    return None;
                }
                match path.get(i.checked_sub(2)?)? {
                    Node::Expr(Expr {
                        kind: ExprKind::If(_),
                        ..
                    }) => self.expected(path, i - 2),
                    Node::Item(Item {
                        kind: ItemKind::Fn(decl),
                        ..
                    }) => decl.ret.as_ref().map(|t| env.resolve(t)),
                    _ => None,
                }
            }
            Node::Stmt(stmt) => self.expected_in_stmt(path, i, stmt, span),
            Node::Item(item) => match &item.kind {
                ItemKind::Const { ty: Some(ty), .. } => Some(env.resolve(ty)),
                _ => None,
            },
            Node::Param(param) => param.ty.as_ref().map(|t| env.resolve(t)),
            _ => None,
        }
    }

    fn expected_in_stmt(&self, path: &[Node<'_>], i: usize, stmt: &Stmt, span: Span) -> Option<Ty> {
        let env = self.env;
        match &stmt.kind {
            StmtKind::Let { name, ty, .. } => ty.as_ref().map(|ty| {
                env.recorded(name.span)
                    .filter(|t| !t.is_error())
                    .cloned()
                    .unwrap_or_else(|| env.resolve(ty))
            }),
            StmtKind::Assign { name, .. } => self.lookup(&name.name, name.span.start as usize),
            StmtKind::Return(_) => path.iter().find_map(|node| match node {
                Node::Item(Item {
                    kind: ItemKind::Fn(decl),
                    ..
                }) => decl.ret.as_ref().map(|t| env.resolve(t)),
                _ => None,
            }),
            StmtKind::Expect(_) => Some(Ty::Bool),
            StmtKind::While { cond, .. } if cond.span == span => Some(Ty::Bool),
            StmtKind::Mock { target, value } if value.span == span => Some(self.type_of(target)),
            // An expression statement: what its place expects of it.
            StmtKind::Expr(_) => self.expected(path, i - 1),
            _ => None,
        }
    }
}

fn let_binding<'t>(stmt: &'t Stmt, out: &mut Vec<Binding<'t>>) {
    if let StmtKind::Let {
        name,
        ty,
        value,
        mutable,
    } = &stmt.kind
    {
        out.push(Binding {
            name: name.name.clone(),
            source: Source::Let {
                name,
                ty: ty.as_ref(),
                value,
                mutable: *mutable,
            },
        });
    }
}

fn pattern_bindings<'t>(
    pattern: &'t Pattern,
    scrutinee: Option<&'t Expr>,
    out: &mut Vec<Binding<'t>>,
) {
    match &pattern.kind {
        PatternKind::Bind(name) => out.push(Binding {
            name: name.name.clone(),
            source: Source::Pattern { name, scrutinee },
        }),
        PatternKind::Or(alternatives) => {
            for p in alternatives {
                pattern_bindings(p, scrutinee, out);
            }
        }
        _ => {}
    }
}

/// How many nodes of a tree are errors.
fn error_nodes(file: &ast::File) -> usize {
    let mut count = 0;
    super::walk::walk(file, &mut |node| {
        let error = match node {
            Node::Item(item) => matches!(item.kind, ItemKind::Error),
            Node::Stmt(stmt) => matches!(stmt.kind, StmtKind::Error),
            Node::Expr(expr) => matches!(expr.kind, ExprKind::Error),
            Node::Pattern(pattern) => matches!(pattern.kind, PatternKind::Error),
            Node::Type(ty) => matches!(ty.kind, TypeKind::Error),
            _ => false,
        };
        count += usize::from(error);
        true
    });
    count
}

/// The innermost bracket still open at the end of `before`, if a brace.
fn innermost_brace(before: &[Token<'_>]) -> Option<usize> {
    let mut depth = 0i32;
    for i in (0..before.len()).rev() {
        match before[i] {
            Token::RParen | Token::RBracket | Token::RBrace => depth += 1,
            Token::LBrace if depth == 0 => return Some(i),
            Token::LParen | Token::LBracket if depth == 0 => return None,
            Token::LParen | Token::LBracket | Token::LBrace => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Whether the tokens before a `{` are `match SCRUTINEE`.
fn is_match_brace(before: &[Token<'_>]) -> bool {
    let mut depth = 0i32;
    for token in before.iter().rev() {
        match token {
            Token::RParen | Token::RBracket | Token::RBrace => depth += 1,
            Token::LParen | Token::LBracket | Token::LBrace if depth > 0 => depth -= 1,
            Token::LParen | Token::LBracket | Token::LBrace => return false,
            Token::Kw(Keyword::Match) if depth == 0 => return true,
            Token::Newline | Token::Semi | Token::Comma | Token::FatArrow if depth == 0 => {
                return false;
            }
            Token::Kw(
                Keyword::If | Keyword::For | Keyword::While | Keyword::Try | Keyword::Else,
            ) if depth == 0 => return false,
            _ => {}
        }
    }
    false
}

/// Of the nodes that hold `offset`, the one it is inside rather than at the end of.
fn pick<'n>(nodes: &[Node<'n>], offset: usize) -> Option<Node<'n>> {
    let holds: Vec<Node<'n>> = nodes
        .iter()
        .copied()
        .filter(|n| n.span().contains(offset))
        .collect();
    holds
        .iter()
        .copied()
        .find(|n| (n.span().start as usize) <= offset && offset < n.span().end as usize)
        .or_else(|| holds.last().copied())
}

/// The last expression of a block, its value.
fn block_value(block: &Block) -> Option<&Expr> {
    match &block.stmts.last()?.kind {
        StmtKind::Expr(e) => Some(e),
        _ => None,
    }
}

/// The element type a list of this type holds.
fn list_element(types: &crate::types::TypeTable, ty: &Ty) -> Option<Ty> {
    match types.resolve(ty) {
        Ty::List(t) => Some((**t).clone()),
        Ty::Union(members) => members.iter().find_map(|m| match types.resolve(m) {
            Ty::List(t) => Some((**t).clone()),
            _ => None,
        }),
        _ => None,
    }
}

/// A callee's signature as a function type.
pub(crate) fn callee_type(callee: &Callee) -> Ty {
    Ty::func(
        callee
            .params
            .iter()
            .map(|p| crate::types::ParamTy {
                name: p.name.clone(),
                ty: p.ty.clone(),
                has_default: p.default.is_some(),
            })
            .collect(),
        callee.ret.clone(),
    )
}
