//! Source text to syntax tree: the lexer, the chumsky grammar, error recovery.
//! `parse` never fails: whatever the text, it returns a tree (with `Error` nodes
//! where parts did not parse) and the diagnostics.

pub mod ast;
pub mod depth;
mod errors;
pub mod lexer;
mod parser;
pub mod token;

pub use lexer::Comment;
pub use parser::unescape;

use crate::codes;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, Span};
use ast::{Doc, File, Item, ItemKind, TypeKind};
use chumsky::span::SimpleSpan;
use std::collections::HashMap;

pub struct Parsed {
    pub file: File,
    /// Every comment, doc comments included, in source order (for the formatter).
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(src: &str, file: SourceId) -> Parsed {
    let lexed = lexer::lex(src, file);
    let tokens: Vec<_> = lexed
        .tokens
        .iter()
        .map(|&(token, span)| {
            (
                token,
                SimpleSpan::from(span.start as usize..span.end as usize),
            )
        })
        .collect();
    let (adaptor, mut items, errors) = parser::parse_tokens(&tokens, src.len());

    let mut diagnostics = lexed.diagnostics;
    let mut parse_diagnostics: Vec<Diagnostic> = errors
        .into_iter()
        .map(|e| errors::to_diagnostic(e, file, src))
        .collect();
    // A lexer error already explains the tokens after it on its line.
    parse_diagnostics.retain(|p| {
        !diagnostics
            .iter()
            .any(|l| same_line(src, l.span, p.span) && p.span.start >= l.span.start)
    });
    diagnostics.extend(parse_diagnostics);

    let docs = doc_comments(src, &lexed.comments);
    let mut adaptor = adaptor;
    if let Some(header) = &mut adaptor {
        header.doc = docs.get(&header.span.start).cloned();
    }
    for item in &mut items {
        attach_docs(item, &docs);
    }
    check_placement(adaptor.is_some(), &items, file, &mut diagnostics);
    let file_ast = File {
        adaptor,
        items,
        span: Span::new(0, src.len()),
    };
    if let Some(span) = depth::too_deep(&file_ast, depth::LIMIT) {
        diagnostics.push(
            Diagnostic::error(
                codes::NESTED_TOO_DEEPLY,
                file,
                Span::new(span.start as usize, span.start as usize + 1),
                format!("this is nested more than {} levels deep", depth::LIMIT),
            )
            .with_label("nested too deeply from here on")
            .with_note(
                "Ferry reads expressions, types and blocks nested at most 10,000 levels deep \
                 (a sum of 10,000 terms is that deep): give parts of it a name with `let`, \
                 or build a long list from shorter ones",
            ),
        );
    }

    crate::diagnostics::sort(&mut diagnostics);
    diagnostics.dedup_by(|a, b| a.span == b.span && a.code == b.code);
    Parsed {
        file: file_ast,
        comments: lexed.comments,
        diagnostics,
    }
}

fn same_line(src: &str, lexer: Span, parser: Span) -> bool {
    let line = |offset: u32| {
        src[..(offset as usize).min(src.len())]
            .matches('\n')
            .count()
    };
    line(lexer.start) == line(parser.start)
}

/// Runs of `///` lines, keyed by the offset of the first token after them.
fn doc_comments(src: &str, comments: &[Comment]) -> HashMap<u32, Doc> {
    let mut docs = HashMap::new();
    let mut i = 0;
    while i < comments.len() {
        if !comments[i].doc || comments[i].trailing {
            i += 1;
            continue;
        }
        let first = i;
        while i + 1 < comments.len()
            && comments[i + 1].doc
            && !comments[i + 1].trailing
            && src[comments[i].span.end as usize..comments[i + 1].span.start as usize]
                .trim()
                .is_empty()
        {
            i += 1;
        }
        let last = &comments[i];
        let rest = &src[last.span.end as usize..];
        let next = last.span.end as usize + (rest.len() - rest.trim_start().len());
        let text = comments[first..=i]
            .iter()
            .map(|c| {
                let line = &src[c.span.range()][3..];
                line.strip_prefix(' ').unwrap_or(line)
            })
            .collect::<Vec<_>>()
            .join("\n");
        docs.insert(
            next as u32,
            Doc {
                text,
                span: comments[first].span.to(last.span),
            },
        );
        i += 1;
    }
    docs
}

fn attach_docs(item: &mut Item, docs: &HashMap<u32, Doc>) {
    item.doc = docs.get(&item.span.start).cloned();
    let fields = |ty: &mut ast::Type| attach_field_docs(ty, docs);
    match &mut item.kind {
        ItemKind::Type { ty, .. } | ItemKind::Input(ty) => fields(ty),
        ItemKind::Config { fields: config } => {
            for f in config {
                f.doc = docs.get(&f.span.start).cloned();
                fields(&mut f.ty);
            }
        }
        _ => {}
    }
}

fn attach_field_docs(ty: &mut ast::Type, docs: &HashMap<u32, Doc>) {
    match &mut ty.kind {
        TypeKind::Record { fields, .. } => {
            for f in fields {
                f.doc = docs.get(&f.span.start).cloned();
                attach_field_docs(&mut f.ty, docs);
            }
        }
        TypeKind::Optional(inner) | TypeKind::List(inner) | TypeKind::Map(inner) => {
            attach_field_docs(inner, docs)
        }
        TypeKind::Union(members) => members.iter_mut().for_each(|m| attach_field_docs(m, docs)),
        _ => {}
    }
}

/// Jobs and adaptor files hold different declarations.
fn check_placement(
    is_adaptor: bool,
    items: &[Item],
    file: SourceId,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for item in items {
        let (what, allowed) = match &item.kind {
            ItemKind::Config { .. } => ("`config`", is_adaptor),
            ItemKind::Auth(_) => ("`auth`", is_adaptor),
            ItemKind::Base(_) => ("`base`", is_adaptor),
            ItemKind::Op(_) => ("`op`", is_adaptor),
            ItemKind::Errors(_) => ("`errors`", is_adaptor),
            ItemKind::Use { .. } => ("`use`", !is_adaptor),
            ItemKind::Trigger(_) => ("`trigger`", !is_adaptor),
            ItemKind::Input(_) => ("`input:`", !is_adaptor),
            ItemKind::Test { .. } => ("`test`", !is_adaptor),
            ItemKind::Stmt(_) => ("a statement", !is_adaptor),
            _ => continue,
        };
        if allowed {
            continue;
        }
        let span = first_line(item.span);
        let message = if is_adaptor {
            format!("{what} is not allowed in an adaptor file")
        } else {
            format!("{what} is only allowed in an adaptor file")
        };
        let note = if is_adaptor {
            "an adaptor file holds declarations only: config, auth, base, type, op and fn"
        } else {
            "a file that declares `config`, `auth`, `base` or `op` must start with `adaptor NAME`"
        };
        diagnostics.push(
            Diagnostic::error(codes::MISPLACED_DECLARATION, file, span, message)
                .with_label("not allowed here")
                .with_note(note),
        );
    }
}

fn first_line(span: Span) -> Span {
    span
}
