//! Completion without types: what the syntax tree and the tokens before the
//! cursor tell.
//!
//! - At the start of a statement: statement keywords (as snippets when the client
//!   takes them), and at the top level the declarations (`use`, `trigger`,
//!   `input`, `type`, `const`, `fn`, `test`; in an adaptor file `config`, `auth`,
//!   `base`, `type`, `op`, `fn`), plus everything an expression may start with.
//! - In an expression: the names in scope (`scope.rs`), `input`/`config`/`trigger`,
//!   the expression keywords and the standard library's free functions.
//! - In a type: the built-in types, the file's types, and the used adaptors.
//! - After `ADAPTOR.` (a `use`d built-in adaptor): its ops, functions and types;
//!   after `config.` the used adaptors, after `config.ADAPTOR.` its config fields.
//! - In a comment or a string: nothing.
//!
//! Member completion on values (`input.form.`) and the expected type at the
//! cursor need the type checker; its query API will take over `Place::Member`
//! and `Place::Type` and add types to every item.

use crate::analysis::MAIN;
use crate::builtin;
use crate::documents::Snapshot;
use crate::scope::{self, Binding, BindingKind};
use crate::server::Session;
use crate::symbols;
use crate::walk::{Node, walk};
use ferry_compiler::syntax::ast::{ExprKind, File, ItemKind, TypeKind};
use ferry_compiler::syntax::token::{Keyword, Token};
use ferry_compiler::syntax::{Parsed, lexer};
use std::collections::HashMap;
use std::sync::OnceLock;
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, Documentation, InsertTextFormat, MarkupContent, MarkupKind,
    Position,
};

/// What the cursor is in.
#[derive(Debug, PartialEq)]
enum Place {
    Nowhere,
    /// After `a.b.`: the names before the last dot.
    Member(Vec<String>),
    Type,
    Statement(Block),
    Expression,
}

/// Where a statement would go.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Block {
    TopLevel,
    /// A block in a `fn` (`return` allowed), a `test` (`expect`, `mock`) or elsewhere.
    Fn,
    Test,
    Other,
}

/// Completes a member access that has no name yet, for parsing.
const PLACEHOLDER: &str = "ferry_completion";

/// Sort groups: nearer names first, keywords after names.
const LOCAL: &str = "0";
const DECLARED: &str = "1";
const KEYWORD: &str = "2";
const LIBRARY: &str = "3";

pub fn complete(
    snapshot: &Snapshot,
    parsed: &Parsed,
    position: Position,
    session: &Session,
) -> Vec<CompletionItem> {
    let src = snapshot.text.as_str();
    let offset = snapshot.text.offset(position, session.encoding);
    let adaptor_file = parsed.file.adaptor.is_some();
    let items = Items {
        snippets: session.snippets,
    };
    match place(src, parsed, offset) {
        Place::Nowhere => Vec::new(),
        Place::Member(path) if src[..offset].trim_end().ends_with('.') => {
            // A line that ends in `.` does not parse yet (the whole file is lost);
            // with a name after the dot it does.
            let patched = format!("{}{PLACEHOLDER}{}", &src[..offset], &src[offset..]);
            let file = ferry_compiler::syntax::parse(&patched, MAIN).file;
            items.members(&patched, &file, &path)
        }
        Place::Member(path) => items.members(src, &parsed.file, &path),
        Place::Type => items.types(src, &parsed.file, offset),
        Place::Statement(block) => {
            let mut out = items.statements(block, adaptor_file);
            if !(adaptor_file && block == Block::TopLevel) {
                out.extend(items.expressions(src, &parsed.file, offset, adaptor_file));
            }
            out
        }
        Place::Expression => items.expressions(src, &parsed.file, offset, adaptor_file),
    }
}

fn place(src: &str, parsed: &Parsed, offset: usize) -> Place {
    let bytes = src.as_bytes();
    let mut start = offset.min(src.len());
    while start > 0 && (bytes[start - 1].is_ascii_alphanumeric() || bytes[start - 1] == b'_') {
        start -= 1;
    }
    if parsed
        .comments
        .iter()
        .any(|c| (c.span.start as usize) < offset && offset <= c.span.end as usize)
    {
        return Place::Nowhere;
    }
    let lexed = lexer::lex(src, MAIN);
    let tokens = &lexed.tokens;
    let in_string = tokens.iter().any(|(token, span)| {
        matches!(token, Token::Str(_) | Token::StrPart(_))
            && (span.start as usize) < offset
            && offset < span.end as usize
    });
    if in_string {
        return Place::Nowhere;
    }
    let before: Vec<Token<'_>> = tokens
        .iter()
        .filter(|(_, span)| span.end as usize <= start && !span.is_empty())
        .map(|(token, _)| *token)
        .collect();
    match before.last() {
        Some(Token::Dot | Token::QuestionDot) => return Place::Member(member_path(&before)),
        Some(Token::Int(_) | Token::Float(_)) if start == offset => return Place::Nowhere,
        _ => {}
    }
    if is_type_position(&before) {
        return Place::Type;
    }
    let container = container(&parsed.file, offset);
    let statement_start = matches!(
        before.last(),
        None | Some(Token::Newline | Token::Semi | Token::LBrace)
    );
    match container {
        Container::Block(block) if statement_start => Place::Statement(block),
        Container::TopLevel if statement_start => Place::Statement(Block::TopLevel),
        _ => Place::Expression,
    }
}

/// `config.dhis2.` gives `["config", "dhis2"]`.
fn member_path(before: &[Token<'_>]) -> Vec<String> {
    let mut path = Vec::new();
    let mut i = before.len() - 1; // the last dot
    while i > 0 {
        let name = match before[i - 1] {
            Token::Ident(name) => name,
            Token::Kw(keyword) => keyword.as_str(),
            _ => break,
        };
        path.push(name.to_string());
        if i >= 2 && matches!(before[i - 2], Token::Dot | Token::QuestionDot) {
            i -= 2;
        } else {
            break;
        }
    }
    path.reverse();
    path
}

/// The statement the tokens end in, from its first token: the tokens after the
/// last line break, `;`, `{` or `}` outside brackets.
fn statement_tokens<'t, 'src>(before: &'t [Token<'src>]) -> &'t [Token<'src>] {
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
/// parameter list or a record type; after `=` or `|` in a `type` declaration.
fn is_type_position(before: &[Token<'_>]) -> bool {
    let Some(last) = before.last() else {
        return false;
    };
    let statement = statement_tokens(before);
    let starts_with = |keywords: &[Keyword]| matches!(statement.first(), Some(Token::Kw(k)) if keywords.contains(k));
    match last {
        Token::Arrow | Token::Kw(Keyword::As) => true,
        Token::Eq | Token::Pipe => starts_with(&[Keyword::Type]),
        Token::Colon => {
            starts_with(&[
                Keyword::Let,
                Keyword::Var,
                Keyword::Const,
                Keyword::Input,
                Keyword::Type,
            ]) || in_parameters(before)
                || innermost_opener_follows(before, &[Token::Kw(Keyword::Config)])
        }
        _ => false,
    }
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

fn innermost_opener_follows(before: &[Token<'_>], tokens: &[Token<'_>]) -> bool {
    innermost_opener(before)
        .and_then(|i| i.checked_sub(1))
        .is_some_and(|i| tokens.contains(&before[i]))
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

enum Container {
    TopLevel,
    Block(Block),
    /// A record, list, call or `match`: expressions only.
    Brackets,
}

/// The innermost block or bracketed expression around the offset.
fn container(file: &File, offset: usize) -> Container {
    let mut found = Container::TopLevel;
    let mut item_block = Block::Other;
    walk(file, &mut |node| {
        let span = node.span();
        let strictly_inside = (span.start as usize) < offset && offset < span.end as usize;
        if !span.contains(offset) {
            return false;
        }
        match node {
            Node::Item(item) if strictly_inside => {
                item_block = match item.kind {
                    ItemKind::Fn(_) => Block::Fn,
                    ItemKind::Test { .. } => Block::Test,
                    _ => Block::Other,
                };
            }
            Node::Block(_) if strictly_inside => found = Container::Block(item_block),
            Node::Expr(expr) if strictly_inside => {
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
            Node::Type(ty) if strictly_inside && matches!(ty.kind, TypeKind::Record { .. }) => {
                found = Container::Brackets;
            }
            _ => {}
        }
        true
    });
    found
}

struct Items {
    snippets: bool,
}

/// `(label, snippet)`: a keyword and what it expands to.
type Snippet = (&'static str, &'static str);

const STATEMENTS: &[Snippet] = &[
    ("let", "let ${1:name} = $0"),
    ("var", "var ${1:name} = $0"),
    ("if", "if ${1:condition} {\n\t$0\n}"),
    ("match", "match ${1:value} {\n\t${2:pattern} => $0\n}"),
    ("for", "for ${1:item} in ${2:items} {\n\t$0\n}"),
    ("while", "while ${1:condition} {\n\t$0\n}"),
    ("try", "try {\n\t$1\n} catch ${2:err} {\n\t$0\n}"),
    ("log", "log \"$0\""),
    ("warn", "warn \"$0\""),
    ("skip", "skip \"$0\""),
    ("fail", "fail \"$0\""),
    ("output", "output $0"),
];

const IN_LOOPS: &[Snippet] = &[("break", "break"), ("continue", "continue")];
const IN_FNS: &[Snippet] = &[("return", "return $0")];
const IN_TESTS: &[Snippet] = &[
    ("expect", "expect $0"),
    ("mock", "mock ${1:adaptor.op} = ${2:args} => $0"),
];

const JOB_DECLARATIONS: &[Snippet] = &[
    ("use", "use ${1|commcare,dhis2,dhis2_pat,http|}"),
    ("trigger webhook", "trigger webhook \"/${1:path}\""),
    ("trigger cron", "trigger cron \"${1:0 2 * * *}\""),
    ("trigger every", "trigger every ${1:15m}"),
    ("input", "input: ${1:Json}"),
    ("type", "type ${1:Name} = {\n\t$0\n}"),
    ("const", "const ${1:NAME} = $0"),
    ("fn", "fn ${1:name}(${2}) {\n\t$0\n}"),
    ("test", "test \"${1:name}\" {\n\t$0\n}"),
];

const ADAPTOR_DECLARATIONS: &[Snippet] = &[
    ("config", "config {\n\t${1:field}: ${2:String},\n}"),
    (
        "auth",
        "auth ${1|basic,bearer,header,query,oauth2_client_credentials|}($0)",
    ),
    ("base", "base ${0:config.baseUrl}"),
    ("type", "type ${1:Name} = {\n\t$0\n}"),
    (
        "op",
        "op ${1:name}(${2}) -> ${3:Json} = ${4|GET,POST,PUT,PATCH,DELETE|} \"${5:/path}\"",
    ),
    ("fn", "fn ${1:name}(${2}) {\n\t$0\n}"),
];

const EXPRESSION_KEYWORDS: &[&str] = &["if", "match", "not", "true", "false", "null"];
const JOB_EXPRESSIONS: &[&str] = &["input", "config", "trigger"];

/// The standard library's free functions: `(name, signature, doc)`.
const FREE_FUNCTIONS: &[(&str, &str, &str)] = &[
    ("now", "() -> DateTime", "The current date and time."),
    ("today", "() -> Date", "Today's date."),
    ("uuid", "() -> String", "A random UUID (version 4)."),
    ("json_parse", "(s: String) -> Json", "Parses JSON text."),
    (
        "json_string",
        "(x: Json) -> String",
        "Writes a value as compact JSON.",
    ),
    (
        "csv_parse",
        "(s: String) -> [{String: String}]",
        "Parses CSV with a header line.",
    ),
    (
        "env",
        "(name: String) -> String?",
        "An environment variable, or `null`.",
    ),
];

const BUILTIN_TYPES: &[&str] = &[
    "Bool", "Int", "Float", "String", "Date", "DateTime", "Url", "Secret", "Null", "Json", "Error",
];

impl Items {
    fn keyword(&self, (label, snippet): Snippet, detail: &str) -> CompletionItem {
        let mut item = CompletionItem {
            label: label.into(),
            kind: Some(CompletionItemKind::KEYWORD),
            detail: Some(detail.into()),
            sort_text: Some(format!("{KEYWORD}{label}")),
            ..CompletionItem::default()
        };
        if self.snippets && snippet != label {
            item.kind = Some(CompletionItemKind::SNIPPET);
            item.insert_text = Some(snippet.into());
            item.insert_text_format = Some(InsertTextFormat::SNIPPET);
        } else if label.contains(' ') {
            // `trigger webhook`: insert the words, not a snippet.
            item.insert_text = Some(format!("{label} "));
        }
        item
    }

    fn statements(&self, block: Block, adaptor_file: bool) -> Vec<CompletionItem> {
        let (declarations, detail) = if adaptor_file {
            (ADAPTOR_DECLARATIONS, "declaration")
        } else {
            (JOB_DECLARATIONS, "declaration")
        };
        let mut snippets: Vec<(Snippet, &str)> = Vec::new();
        if block == Block::TopLevel {
            snippets.extend(declarations.iter().map(|s| (*s, detail)));
        }
        if !(adaptor_file && block == Block::TopLevel) {
            snippets.extend(STATEMENTS.iter().map(|s| (*s, "statement")));
        }
        if block != Block::TopLevel {
            snippets.extend(IN_LOOPS.iter().map(|s| (*s, "statement")));
        }
        if block == Block::Fn {
            snippets.extend(IN_FNS.iter().map(|s| (*s, "statement")));
        }
        if block == Block::Test {
            snippets.extend(IN_TESTS.iter().map(|s| (*s, "statement")));
        }
        // `if` and `match` are statements and expressions: offered once.
        snippets
            .into_iter()
            .map(|(snippet, detail)| self.keyword(snippet, detail))
            .collect()
    }

    fn expressions(
        &self,
        src: &str,
        file: &File,
        offset: usize,
        adaptor_file: bool,
    ) -> Vec<CompletionItem> {
        let mut out: Vec<CompletionItem> = scope::bindings_at(src, file, offset)
            .into_iter()
            .filter(|b| b.kind != BindingKind::Type)
            .map(|b| self.binding(b))
            .collect();
        let keywords = EXPRESSION_KEYWORDS.iter().chain(if adaptor_file {
            &["config"][..]
        } else {
            JOB_EXPRESSIONS
        });
        out.extend(keywords.map(|&k| self.keyword((k, k), "keyword")));
        out.extend(
            FREE_FUNCTIONS
                .iter()
                .map(|&(name, signature, doc)| CompletionItem {
                    label: name.into(),
                    kind: Some(CompletionItemKind::FUNCTION),
                    detail: Some(signature.into()),
                    documentation: Some(markdown(doc)),
                    sort_text: Some(format!("{LIBRARY}{name}")),
                    ..self.call(name, !signature.starts_with("()"))
                }),
        );
        out
    }

    fn types(&self, src: &str, file: &File, offset: usize) -> Vec<CompletionItem> {
        let mut out: Vec<CompletionItem> = scope::bindings_at(src, file, offset)
            .into_iter()
            .filter(|b| matches!(b.kind, BindingKind::Type | BindingKind::Adaptor))
            .map(|b| self.binding(b))
            .collect();
        out.extend(BUILTIN_TYPES.iter().map(|&name| CompletionItem {
            label: name.into(),
            kind: Some(CompletionItemKind::CLASS),
            detail: Some("built-in type".into()),
            sort_text: Some(format!("{LIBRARY}{name}")),
            ..CompletionItem::default()
        }));
        out
    }

    /// A function's insert text: `name($1)`, or `name()` when it takes nothing.
    fn call(&self, name: &str, takes_arguments: bool) -> CompletionItem {
        if !self.snippets {
            return CompletionItem::default();
        }
        CompletionItem {
            insert_text: Some(if takes_arguments {
                format!("{name}($1)")
            } else {
                format!("{name}()")
            }),
            insert_text_format: Some(InsertTextFormat::SNIPPET),
            ..CompletionItem::default()
        }
    }

    fn binding(&self, binding: Binding) -> CompletionItem {
        let (kind, group) = match binding.kind {
            BindingKind::Local => (CompletionItemKind::VARIABLE, LOCAL),
            BindingKind::Function => (CompletionItemKind::FUNCTION, DECLARED),
            BindingKind::Op => (CompletionItemKind::METHOD, DECLARED),
            BindingKind::Const => (CompletionItemKind::CONSTANT, DECLARED),
            BindingKind::Type => (CompletionItemKind::STRUCT, DECLARED),
            BindingKind::Adaptor => (CompletionItemKind::MODULE, DECLARED),
        };
        CompletionItem {
            label: binding.name.clone(),
            kind: Some(kind),
            detail: binding.detail,
            documentation: binding.doc.as_deref().map(markdown),
            sort_text: Some(format!("{group}{}", binding.name)),
            ..CompletionItem::default()
        }
    }

    fn members(&self, src: &str, file: &File, path: &[String]) -> Vec<CompletionItem> {
        let uses = used_adaptors(file);
        let adaptor_file = file.adaptor.as_ref().map(|h| h.name.name.to_string());
        let resolve = |name: &str| uses.get(name).and_then(|real| adaptor(real));
        let path: Vec<&str> = path.iter().map(String::as_str).collect();
        match path.as_slice() {
            ["config"] => match &adaptor_file {
                Some(_) => config_fields(src, file)
                    .into_iter()
                    .map(|m| self.member(m))
                    .collect(),
                None => uses
                    .keys()
                    .map(|alias| CompletionItem {
                        label: alias.clone(),
                        kind: Some(CompletionItemKind::MODULE),
                        detail: Some("adaptor config".into()),
                        ..CompletionItem::default()
                    })
                    .collect(),
            },
            ["config", name] => resolve(name)
                .map(|info| {
                    info.config
                        .iter()
                        .cloned()
                        .map(|m| self.member(m))
                        .collect()
                })
                .unwrap_or_default(),
            [name] => resolve(name)
                .map(|info| {
                    info.members
                        .iter()
                        .cloned()
                        .map(|m| self.member(m))
                        .collect()
                })
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    fn member(&self, member: Member) -> CompletionItem {
        let call = match member.kind {
            CompletionItemKind::FUNCTION | CompletionItemKind::METHOD => self.call(
                &member.name,
                !member.detail.as_deref().unwrap_or("").starts_with("()"),
            ),
            _ => CompletionItem::default(),
        };
        CompletionItem {
            label: member.name.clone(),
            kind: Some(member.kind),
            detail: member.detail,
            documentation: member.doc.as_deref().map(markdown),
            sort_text: Some(format!("{DECLARED}{}", member.name)),
            ..call
        }
    }
}

fn markdown(text: &str) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: text.to_string(),
    })
}

/// The adaptors a job uses, by the name it calls them (alias or name).
fn used_adaptors(file: &File) -> HashMap<String, String> {
    file.items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Use { adaptor, alias } => Some((
                alias.as_ref().unwrap_or(adaptor).name.to_string(),
                adaptor.name.to_string(),
            )),
            _ => None,
        })
        .collect()
}

/// One declaration of an adaptor, ready to be a completion item.
#[derive(Clone)]
struct Member {
    name: String,
    kind: CompletionItemKind,
    detail: Option<String>,
    doc: Option<String>,
}

/// A built-in adaptor's ops, functions and types, and its config fields.
struct AdaptorMembers {
    members: Vec<Member>,
    config: Vec<Member>,
}

/// The built-in adaptors, parsed once per process.
fn adaptor(name: &str) -> Option<&'static AdaptorMembers> {
    static ADAPTORS: OnceLock<HashMap<&'static str, AdaptorMembers>> = OnceLock::new();
    let adaptors = ADAPTORS.get_or_init(|| {
        builtin::names()
            .filter_map(|name| {
                let src = builtin::source(name)?;
                let parsed = ferry_compiler::syntax::parse(src, MAIN);
                Some((name, adaptor_members(src, &parsed.file)))
            })
            .collect()
    });
    adaptors.get(name)
}

fn adaptor_members(src: &str, file: &File) -> AdaptorMembers {
    let mut members = Vec::new();
    for item in &file.items {
        let doc = item.doc.as_ref().map(|d| d.text.clone());
        let (name, kind, detail) = match &item.kind {
            ItemKind::Op(op) => (
                &op.name,
                CompletionItemKind::METHOD,
                symbols::signature(src, &op.name, &op.params, &op.ret),
            ),
            ItemKind::Fn(decl) => (
                &decl.name,
                CompletionItemKind::FUNCTION,
                symbols::signature(src, &decl.name, &decl.params, &decl.ret),
            ),
            ItemKind::Type { name, ty } => (
                name,
                CompletionItemKind::STRUCT,
                symbols::source(src, ty.span),
            ),
            _ => continue,
        };
        members.push(Member {
            name: name.name.to_string(),
            kind,
            detail: Some(detail),
            doc,
        });
    }
    AdaptorMembers {
        members,
        config: config_fields(src, file),
    }
}

fn config_fields(src: &str, file: &File) -> Vec<Member> {
    file.items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Config { fields } => Some(fields),
            _ => None,
        })
        .flatten()
        .map(|field| Member {
            name: field.name.name.to_string(),
            kind: CompletionItemKind::FIELD,
            detail: Some(symbols::source(src, field.ty.span)),
            doc: field.doc.as_ref().map(|d| d.text.clone()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use ferry_compiler::source::SourceId;

    fn place_at(src: &str) -> Place {
        let offset = src.find("<|>").unwrap();
        let src = src.replacen("<|>", "", 1);
        let parsed = ferry_compiler::syntax::parse(&src, SourceId(0));
        place(&src, &parsed, offset)
    }

    #[test]
    fn places() {
        assert_eq!(place_at("<|>"), Place::Statement(Block::TopLevel));
        assert_eq!(
            place_at("let a = 1\nle<|>"),
            Place::Statement(Block::TopLevel)
        );
        assert_eq!(
            place_at("fn f() {\n  <|>\n}\n"),
            Place::Statement(Block::Fn)
        );
        assert_eq!(
            place_at("test \"t\" {\n  <|>\n}\n"),
            Place::Statement(Block::Test)
        );
        assert_eq!(place_at("let a = <|>"), Place::Expression);
        assert_eq!(place_at("let a = {\n  b: <|>\n}"), Place::Expression);
        assert_eq!(place_at("let a: <|>"), Place::Type);
        assert_eq!(place_at("fn f(a: In<|>) {}"), Place::Type);
        assert_eq!(place_at("fn f(a: Int) -> <|>"), Place::Type);
        assert_eq!(place_at("type T = \"a\" | <|>"), Place::Type);
        assert_eq!(
            place_at("use dhis2\nlet x = dhis2.cr<|>"),
            Place::Member(vec!["dhis2".into()])
        );
        assert_eq!(
            place_at("log config.dhis2.<|>"),
            Place::Member(vec!["config".into(), "dhis2".into()])
        );
        assert_eq!(place_at("log \"a <|>b\""), Place::Nowhere);
        assert_eq!(place_at("// a <|>comment"), Place::Nowhere);
        assert_eq!(place_at("log \"${in<|>}\""), Place::Expression);
    }
}
