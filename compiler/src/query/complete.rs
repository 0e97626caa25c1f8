//! Completion: what may be written at the cursor, each item with its type or
//! signature and its doc.
//!
//! - After `use`: the adaptors that can be used.
//! - After `ADAPTOR.` (a used adaptor, by the name it is used under): its ops and
//!   functions; in a type, its types.
//! - After `expr.` or `expr?.`: the fields of the expression's type and the
//!   standard library's methods for it (through optional chains, lambda
//!   parameters, and text that does not parse yet). After `.` on a value that may
//!   be null, each item also turns the `.` into `?.`.
//! - In a record literal where a field name goes: the fields of the expected
//!   type not written yet, required ones first.
//! - Where a value of a literal union is expected (a `match` arm's pattern, an
//!   argument, a field's value, the other side of `==`): its members first; in
//!   a string there, only they, replacing the string.
//! - In a type: the file's types, the used adaptors and the built-in types.
//! - Elsewhere: statement keywords at the start of a statement (declarations at
//!   the top level), then the names in scope, nearest first, with their types;
//!   the expression keywords, `input`/`config`/`trigger` and the free functions.
//! - Nothing in comments.

use super::cursor::{Cursor, PLACEHOLDER};
use super::env::{Callee, Env, field_value};
use super::render;
use super::walk::Node;
use super::{Completion, CompletionKind, Completions};
use crate::adaptors::Search;
use crate::source::Span;
use crate::syntax::ast::{self, ExprKind, ItemKind, PatternKind, RecordEntry, TypeKind};
use crate::syntax::token::{Keyword, Token};
use crate::types::Ty;
use crate::types::methods::{free_functions, methods_of};

/// Sort groups: what the place asks for (then what it may also take), statement
/// keywords at the start of a statement, locals, declarations, expression
/// keywords, and the language's own names.
const EXPECTED: u8 = 0;
const SECOND: u8 = 1;
const STATEMENT: u8 = 1;
const LOCAL: u8 = 2;
const DECLARED: u8 = 3;
const KEYWORD: u8 = 4;
const LIBRARY: u8 = 5;

const STATEMENTS: &[&str] = &[
    "let", "var", "if", "match", "for", "while", "try", "log", "warn", "skip", "fail", "output",
];
const IN_BLOCKS: &[&str] = &["break", "continue"];
const IN_FNS: &[&str] = &["return"];
const IN_TESTS: &[&str] = &["expect", "mock"];
const JOB_DECLARATIONS: &[&str] = &[
    "use",
    "trigger webhook",
    "trigger cron",
    "trigger every",
    "input",
    "type",
    "const",
    "fn",
    "test",
];
const ADAPTOR_DECLARATIONS: &[&str] = &["config", "auth", "base", "type", "op", "fn"];
const EXPRESSION_KEYWORDS: &[&str] = &["if", "match", "not", "true", "false", "null"];
const BUILTIN_TYPES: &[&str] = &[
    "Bool", "Int", "Float", "String", "Date", "DateTime", "Url", "Secret", "Null", "Json", "Error",
];

/// Where a statement would go.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Block {
    TopLevel,
    Fn,
    Test,
    Other,
}

struct Out<'e> {
    env: &'e Env<'e>,
    items: Vec<(u8, Completion)>,
}

impl<'e> Out<'e> {
    fn push(
        &mut self,
        group: u8,
        label: impl Into<String>,
        kind: CompletionKind,
    ) -> &mut Completion {
        self.items.push((
            group,
            Completion {
                label: label.into(),
                kind,
                detail: None,
                doc: None,
                sort: String::new(),
                insert: None,
                filter: None,
                replace: None,
                edits: Vec::new(),
                call: None,
            },
        ));
        &mut self.items.last_mut().expect("just pushed").1
    }

    fn callee(&mut self, group: u8, callee: &Callee, kind: CompletionKind) {
        let detail = render::detail(self.env, callee);
        let item = self.push(group, callee.name.clone(), kind);
        item.detail = Some(detail);
        item.doc = callee.doc.clone();
        item.call = Some(!callee.params.is_empty());
    }

    fn keyword(&mut self, group: u8, label: &str, detail: &str) {
        self.push(group, label, CompletionKind::Keyword).detail = Some(detail.into());
    }

    fn finish(self, word: Span) -> Completions {
        let mut items = self.items;
        items.sort_by_key(|(group, _)| *group);
        let mut seen = std::collections::HashSet::new();
        let items = items
            .into_iter()
            .filter(|(_, item)| {
                seen.insert((item.label.clone(), item.kind == CompletionKind::Keyword))
            })
            .enumerate()
            .map(|(i, (group, mut item))| {
                item.sort = format!("{group}{i:04}");
                item
            })
            .collect();
        Completions { word, items }
    }
}

pub(crate) fn complete(env: &Env, search: &Search, offset: usize) -> Completions {
    let cursor = Cursor::new(env, offset);
    let mut out = Out {
        env,
        items: Vec::new(),
    };
    let word = Span::new(cursor.word.start as usize, cursor.offset);
    if cursor.in_comment() {
        return out.finish(word);
    }
    if let Some((token, span)) = cursor.string_at() {
        if let Token::Str(_) = token {
            let path = cursor.path(cursor.offset);
            if !pattern(&mut out, &cursor, &path, Some(span))
                && let Some(expected) = path
                    .len()
                    .checked_sub(1)
                    .and_then(|last| cursor.expected(&path, last))
            {
                literals(&mut out, &cursor, &expected, &[], Some(span));
            }
        }
        return out.finish(word);
    }
    let before = cursor.before();
    let n = before.len();
    match before.last() {
        Some(Token::Dot | Token::QuestionDot) => {
            match before.get(n.wrapping_sub(2)) {
                Some(Token::Ident(alias)) if is_type_position(&before[..n - 2]) => {
                    adaptor_types(&mut out, alias);
                }
                Some(Token::Int(_) | Token::Float(_)) => {}
                _ => members(&mut out, &cursor),
            }
            return out.finish(word);
        }
        Some(Token::Int(_) | Token::Float(_)) if cursor.word.start as usize == cursor.offset => {
            return out.finish(word);
        }
        Some(Token::Kw(Keyword::Use)) => {
            for name in search.available() {
                out.push(EXPECTED, name, CompletionKind::Adaptor).detail = Some("adaptor".into());
            }
            return out.finish(word);
        }
        // `use dhis2 as …`: a new name.
        _ if matches!(
            statement_tokens(&before).first(),
            Some(Token::Kw(Keyword::Use))
        ) =>
        {
            return out.finish(word);
        }
        _ if is_type_position(&before) => {
            types(&mut out, &cursor);
            return out.finish(word);
        }
        _ => {}
    }
    let path = cursor.path(cursor.offset);
    if record_fields(&mut out, &cursor, &path) || pattern(&mut out, &cursor, &path, None) {
        return out.finish(word);
    }
    if let Some(expected) = expected_at(&cursor, &path) {
        literals(&mut out, &cursor, &expected, &[], None);
    }
    let statement_start = matches!(
        before.last(),
        None | Some(Token::Newline | Token::Semi | Token::LBrace)
    );
    let adaptor_file = env.is_adaptor();
    match container(&path, cursor.offset) {
        Container::Block(block) if statement_start => statements(&mut out, block, adaptor_file),
        Container::TopLevel if statement_start => {
            statements(&mut out, Block::TopLevel, adaptor_file)
        }
        _ => {}
    }
    let top_level_adaptor = adaptor_file
        && statement_start
        && matches!(container(&path, cursor.offset), Container::TopLevel);
    if !top_level_adaptor {
        expressions(&mut out, &cursor);
    }
    out.finish(word)
}

/// After `.` or `?.`: an adaptor's ops and functions, or the fields and methods
/// of the value before the dot.
fn members(out: &mut Out, cursor: &Cursor) {
    let env = cursor.env;
    let path = cursor.path(cursor.offset);
    let Some((target, name, optional)) = path.iter().rev().find_map(|node| match node {
        Node::Expr(ast::Expr {
            kind:
                ExprKind::Field {
                    target,
                    name,
                    optional,
                },
            ..
        }) if name.span.contains(cursor.offset) => Some((target, name, *optional)),
        _ => None,
    }) else {
        return;
    };
    if let Some(alias) = cursor.adaptor_name(target) {
        let Some(module) = env.adaptor(alias).map(|m| &env.modules()[m]) else {
            return;
        };
        for op in &module.ops {
            out.callee(EXPECTED, &env.op_callee(op), CompletionKind::Op);
        }
        for f in &module.fns {
            out.callee(EXPECTED, &env.fn_callee(f), CompletionKind::Function);
        }
        return;
    }
    let ty = cursor.type_of(target);
    let types = env.types();
    // `.` on a value that may be null: each item also makes it `?.`.
    let edits: Vec<(Span, String)> = match env.recorded(target.span) {
        Some(recorded) if !optional && types.is_optional(recorded) => {
            let dot = name.span.start as usize - 1;
            vec![(Span::new(dot, dot + 1), "?.".into())]
        }
        _ => Vec::new(),
    };
    for field in env.fields(&ty) {
        if !crate::types::ty::is_identifier(&field.name) {
            continue;
        }
        let detail = env.display(&field_value(&field));
        let item = out.push(EXPECTED, field.name.to_string(), CompletionKind::Field);
        item.detail = Some(detail);
        item.doc = field.doc.clone();
        item.edits = edits.clone();
    }
    for method in methods_of(types, &types.non_null(&ty)) {
        let callee = env.method_callee(&method, super::env::CalleeKind::Method);
        out.callee(SECOND, &callee, CompletionKind::Method);
        if let Some(item) = out.items.last_mut() {
            item.1.edits = edits.clone();
        }
    }
}

/// In a type, after `ADAPTOR.`: the adaptor's types.
fn adaptor_types(out: &mut Out, alias: &str) {
    let env = out.env;
    let Some(module) = env.adaptor(alias).map(|m| &env.modules()[m]) else {
        return;
    };
    let mut named: Vec<_> = module.types.iter().collect();
    named.sort_by_key(|(_, id)| env.types().get(**id).origin.1);
    for (name, id) in named {
        let ty = env.types().get(*id);
        let detail = env.display(&ty.ty);
        let item = out.push(EXPECTED, name.to_string(), CompletionKind::Type);
        item.detail = Some(detail);
        item.doc = ty.doc.clone();
    }
}

/// In a type: the file's types, the used adaptors, the built-in types.
fn types(out: &mut Out, cursor: &Cursor) {
    let env = cursor.env;
    let mut named: Vec<_> = env.module().types.iter().collect();
    named.sort_by_key(|(_, id)| env.types().get(**id).origin.1);
    for (name, id) in named {
        let ty = env.types().get(*id);
        let detail = env.display(&ty.ty);
        let item = out.push(DECLARED, name.to_string(), CompletionKind::Type);
        item.detail = Some(detail);
        item.doc = ty.doc.clone();
    }
    adaptors(out);
    for name in BUILTIN_TYPES {
        let item = out.push(LIBRARY, *name, CompletionKind::Type);
        item.detail = Some("built-in type".into());
        if *name == "Error" {
            item.doc = env.types().get(crate::types::TypeId(0)).doc.clone();
        }
    }
}

/// The adaptors the file uses, by the names it uses them under.
fn adaptors(out: &mut Out) {
    let env = out.env;
    for (alias, module) in &env.module().uses {
        let module = &env.modules()[*module];
        let name = module.adaptor_name.clone().unwrap_or_default();
        let item = out.push(DECLARED, alias.to_string(), CompletionKind::Adaptor);
        item.detail = Some(format!("adaptor {name}"));
        item.doc = module.doc.clone();
    }
}

/// A record literal where a field name goes: the expected type's fields that are
/// not written yet, required ones first. Whether the place is one.
fn record_fields(out: &mut Out, cursor: &Cursor, path: &[Node<'_>]) -> bool {
    let Some(r) = path.iter().rposition(|n| {
        matches!(
            n,
            Node::Expr(ast::Expr {
                kind: ExprKind::Record(_),
                ..
            })
        )
    }) else {
        return false;
    };
    let Node::Expr(ast::Expr {
        kind: ExprKind::Record(entries),
        ..
    }) = path[r]
    else {
        return false;
    };
    // Where in the record: a new entry, a shorthand being typed, or a key.
    let (new_entry, current) = match (path.get(r + 1), path.get(r + 2)) {
        (None, _) => (true, None),
        (Some(Node::Entry(RecordEntry::Shorthand(ident))), _) => (true, Some(ident.span)),
        (Some(Node::Entry(RecordEntry::Field { name, .. })), Some(Node::Leaf(span)))
            if *span == name.span =>
        {
            (false, Some(name.span))
        }
        _ => return false,
    };
    let Some(expected) = cursor.expected(path, r) else {
        return false;
    };
    let env = cursor.env;
    let fields = env.fields(&expected);
    if fields.is_empty() {
        return false;
    }
    let written: Vec<&str> = entries
        .iter()
        .filter_map(|entry| match entry {
            RecordEntry::Field { name, .. } if Some(name.span) != current => {
                Some(name.name.as_str())
            }
            RecordEntry::Shorthand(ident) if Some(ident.span) != current => {
                Some(ident.name.as_str())
            }
            _ => None,
        })
        .collect();
    for field in fields {
        if written.contains(&field.name.as_str()) || field.name == PLACEHOLDER {
            continue;
        }
        let group = if field.optional { SECOND } else { EXPECTED };
        let key = render::key(&field.name);
        let detail = env.display(&field_value(&field));
        let item = out.push(group, key.clone(), CompletionKind::Field);
        item.detail = Some(detail);
        item.doc = field.doc.clone();
        if new_entry {
            item.insert = Some(format!("{key}: "));
        }
        if key != field.name.as_str() {
            item.filter = Some(field.name.to_string());
        }
    }
    true
}

/// A `match` arm's pattern: the members of the scrutinee's type that no other
/// arm covers (replacing the string at the cursor, if in one). Whether the
/// place is one.
fn pattern(out: &mut Out, cursor: &Cursor, path: &[Node<'_>], replace: Option<Span>) -> bool {
    let Some(p) = path.iter().rposition(|n| matches!(n, Node::Pattern(_))) else {
        return false;
    };
    let Some(Node::Expr(ast::Expr {
        kind: ExprKind::Match(m),
        ..
    })) = path.get(p.wrapping_sub(2))
    else {
        return false;
    };
    let Some(expected) = cursor.expected(path, p) else {
        return true;
    };
    let mut covered: Vec<Ty> = Vec::new();
    for arm in &m.arms {
        if !arm.pattern.span.contains(cursor.offset) {
            collect_literals(&arm.pattern, &mut covered);
        }
    }
    literals(out, cursor, &expected, &covered, replace);
    if replace.is_none() {
        out.keyword(SECOND, "_", "any other value");
    }
    true
}

fn collect_literals(pattern: &ast::Pattern, out: &mut Vec<Ty>) {
    use crate::types::Lit;
    match &pattern.kind {
        PatternKind::Literal(lit) => out.push(match lit {
            ast::Literal::Null => Ty::Null,
            ast::Literal::Bool(b) => Ty::Lit(Lit::Bool(*b)),
            ast::Literal::Int(n) => Ty::Lit(Lit::Int(*n)),
            ast::Literal::Str(s) => Ty::Lit(Lit::Str(s.into())),
            ast::Literal::Float(_) => return,
        }),
        PatternKind::Or(alternatives) => {
            for p in alternatives {
                collect_literals(p, out);
            }
        }
        _ => {}
    }
}

/// The literal values of the expected type, but those covered.
fn literals(out: &mut Out, cursor: &Cursor, expected: &Ty, covered: &[Ty], replace: Option<Span>) {
    let env = cursor.env;
    let shown = env.display(expected);
    for value in env.literals(expected) {
        if covered.contains(&value) {
            continue;
        }
        let label = match &value {
            Ty::Lit(lit) => lit.to_string(),
            _ => "null".to_string(),
        };
        let filter = match &value {
            Ty::Lit(crate::types::Lit::Str(s)) if replace.is_none() => Some(s.to_string()),
            _ => None,
        };
        let item = out.push(EXPECTED, label, CompletionKind::Literal);
        item.detail = Some(shown.clone());
        item.filter = filter;
        item.replace = replace;
    }
}

/// The type expected where the cursor is in an expression: of the name being
/// typed, of a new argument, or of a new list element.
fn expected_at(cursor: &Cursor, path: &[Node<'_>]) -> Option<Ty> {
    let last = path.len().checked_sub(1)?;
    match path[last] {
        Node::Expr(ast::Expr {
            kind: ExprKind::Name(_) | ExprKind::Literal(_),
            ..
        }) => cursor.expected(path, last),
        Node::Expr(ast::Expr {
            kind: ExprKind::Call { callee, args },
            ..
        }) if (callee.span.end as usize) < cursor.offset => {
            let callee = cursor.callee(callee)?;
            let slot = Cursor::next_slot(args, cursor.offset, &callee)?;
            Some(callee.params[slot].ty.clone())
        }
        Node::Expr(ast::Expr {
            kind: ExprKind::List(_),
            ..
        }) => {
            let list = cursor.expected(path, last)?;
            match cursor.env.types().resolve(&list) {
                Ty::List(t) => Some((**t).clone()),
                _ => None,
            }
        }
        _ => None,
    }
}

/// Statement keywords, and at the top level the declarations.
fn statements(out: &mut Out, block: Block, adaptor_file: bool) {
    if block == Block::TopLevel {
        let declarations = if adaptor_file {
            ADAPTOR_DECLARATIONS
        } else {
            JOB_DECLARATIONS
        };
        for keyword in declarations {
            out.keyword(STATEMENT, keyword, "declaration");
        }
        if adaptor_file {
            return;
        }
    }
    for keyword in STATEMENTS {
        out.keyword(STATEMENT, keyword, "statement");
    }
    if block != Block::TopLevel {
        for keyword in IN_BLOCKS {
            out.keyword(STATEMENT, keyword, "statement");
        }
    }
    if block == Block::Fn {
        for keyword in IN_FNS {
            out.keyword(STATEMENT, keyword, "statement");
        }
    }
    if block == Block::Test {
        for keyword in IN_TESTS {
            out.keyword(STATEMENT, keyword, "statement");
        }
    }
}

/// The names in scope, the expression keywords, `input`/`config`/`trigger` and
/// the free functions.
fn expressions(out: &mut Out, cursor: &Cursor) {
    let env = cursor.env;
    for binding in cursor.locals(cursor.offset) {
        let ty = cursor.binding_type(&binding);
        let detail = env.shown(&ty);
        let item = out.push(LOCAL, binding.name.to_string(), CompletionKind::Local);
        item.detail = Some(detail);
        if let Some(callee) = env.value_callee(&binding.name, &ty) {
            item.call = Some(!callee.params.is_empty());
        }
    }
    // The file's declarations, the nearest first.
    for item in env.ast.items.iter().rev() {
        match &item.kind {
            ItemKind::Fn(f) => {
                if let Some(sig) = env.fn_sig(env.index, &f.name.name) {
                    out.callee(DECLARED, &env.fn_callee(sig), CompletionKind::Function);
                }
            }
            ItemKind::Const { name, .. } => {
                if let Some((_, ty, origin)) = env.module().consts.iter().find(|c| c.0 == name.name)
                {
                    let detail = env.shown(ty);
                    let doc = env.item_doc(*origin);
                    let item = out.push(DECLARED, name.name.to_string(), CompletionKind::Const);
                    item.detail = Some(detail);
                    item.doc = doc;
                }
            }
            ItemKind::Use { adaptor, alias } => {
                let name = alias.as_ref().unwrap_or(adaptor);
                let Some(module) = env.adaptor(&name.name) else {
                    continue;
                };
                let module = &env.modules()[module];
                let item = out.push(DECLARED, name.name.to_string(), CompletionKind::Adaptor);
                item.detail = Some(format!(
                    "adaptor {}",
                    module.adaptor_name.as_deref().unwrap_or_default()
                ));
                item.doc = module.doc.clone();
            }
            _ => {}
        }
    }
    for keyword in EXPRESSION_KEYWORDS {
        out.keyword(KEYWORD, keyword, "keyword");
    }
    let globals: &[&str] = if env.is_adaptor() {
        &["config"]
    } else {
        &["input", "config", "trigger"]
    };
    for name in globals {
        if let Some(ty) = env.global(name) {
            let detail = env.display(&ty);
            out.push(LIBRARY, *name, CompletionKind::Global).detail = Some(detail);
        }
    }
    for f in free_functions(cursor.in_test()) {
        let callee = env.method_callee(&f, super::env::CalleeKind::Function);
        out.callee(LIBRARY, &callee, CompletionKind::Function);
    }
}

enum Container {
    TopLevel,
    Block(Block),
    /// A record, list, call or `match`: expressions only.
    Brackets,
}

/// The innermost block or bracketed expression around the offset.
fn container(path: &[Node<'_>], offset: usize) -> Container {
    let mut found = Container::TopLevel;
    let mut item_block = Block::Other;
    for node in path {
        let span = node.span();
        if !((span.start as usize) < offset && offset < span.end as usize) {
            continue;
        }
        match node {
            Node::Item(item) => {
                item_block = match item.kind {
                    ItemKind::Fn(_) => Block::Fn,
                    ItemKind::Test { .. } => Block::Test,
                    _ => Block::Other,
                };
            }
            Node::Block(_) => found = Container::Block(item_block),
            Node::Expr(expr) => {
                if matches!(
                    expr.kind,
                    ExprKind::Record(_)
                        | ExprKind::List(_)
                        | ExprKind::Call { .. }
                        | ExprKind::Match(_)
                ) {
                    found = Container::Brackets;
                }
            }
            Node::Type(ty) if matches!(ty.kind, TypeKind::Record { .. }) => {
                found = Container::Brackets;
            }
            _ => {}
        }
    }
    found
}

/// The statement the tokens end in, from its first token: the tokens after the
/// last line break, `;`, `{` or `}` outside brackets.
fn statement_tokens<'t, 's>(before: &'t [Token<'s>]) -> &'t [Token<'s>] {
    let mut depth = 0i32;
    for i in (0..before.len()).rev() {
        match before[i] {
            Token::RParen | Token::RBracket | Token::RBrace => depth += 1,
            Token::LParen | Token::LBracket if depth > 0 => depth -= 1,
            Token::LBrace if depth > 0 => depth -= 1,
            Token::LBrace | Token::Newline | Token::Semi if depth == 0 => return &before[i + 1..],
            _ => {}
        }
    }
    before
}

/// After `->` or `as`; after `:` in a `let`, `var`, `const`, `input`, a
/// parameter list, `config { }` or a record type; after `=` in a `type`
/// declaration, after `|` in a union, after `[` in a list type.
fn is_type_position(before: &[Token<'_>]) -> bool {
    let Some(last) = before.last() else {
        return false;
    };
    let statement = statement_tokens(before);
    let starts_with = |keywords: &[Keyword]| matches!(statement.first(), Some(Token::Kw(k)) if keywords.contains(k));
    let n = before.len();
    match last {
        Token::Arrow | Token::Kw(Keyword::As) => true,
        Token::Eq => starts_with(&[Keyword::Type]) && innermost_opener(before).is_none(),
        Token::Pipe => {
            starts_with(&[Keyword::Type])
                || innermost_opener(before).is_some_and(|j| type_brace(&before[..=j]))
        }
        Token::LBracket => is_type_position(&before[..n - 1]),
        Token::Colon => match innermost_opener(before) {
            None => starts_with(&[Keyword::Let, Keyword::Var, Keyword::Const, Keyword::Input]),
            Some(j) => match before[j] {
                Token::LBrace => type_brace(&before[..=j]),
                Token::LParen => in_parameters(before),
                _ => false,
            },
        },
        _ => false,
    }
}

/// Whether the `{` that ends `before` opens a record type (or `config { }`).
fn type_brace(before: &[Token<'_>]) -> bool {
    let j = before.len() - 1;
    before[j] == Token::LBrace
        && (is_type_position(&before[..j])
            || (j > 0 && before[j - 1] == Token::Kw(Keyword::Config)))
}

/// The index of the innermost bracket still open at the end of `before`.
fn innermost_opener(before: &[Token<'_>]) -> Option<usize> {
    let mut depth = 0i32;
    for i in (0..before.len()).rev() {
        match before[i] {
            Token::RParen | Token::RBracket | Token::RBrace => depth += 1,
            Token::LParen | Token::LBracket | Token::LBrace if depth == 0 => return Some(i),
            Token::LParen | Token::LBracket | Token::LBrace => depth -= 1,
            _ => {}
        }
    }
    None
}

/// Inside the parentheses of `fn NAME(` or `op NAME(`.
fn in_parameters(before: &[Token<'_>]) -> bool {
    let Some(open) = innermost_opener(before) else {
        return false;
    };
    open >= 2
        && before[open] == Token::LParen
        && matches!(before[open - 1], Token::Ident(_))
        && matches!(before[open - 2], Token::Kw(Keyword::Fn | Keyword::Op))
}
