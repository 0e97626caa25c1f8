//! Folding ranges from the syntax tree: blocks, records, lists, calls, `match`
//! arms, record types, `config`, multi-line `op` bindings, runs of comments and
//! runs of `use` lines. Ranges are whole lines: a closing bracket that starts its
//! line stays visible.

use crate::documents::Snapshot;
use ferry_compiler::query::walk::{Node, walk};
use ferry_compiler::source::Span;
use ferry_compiler::syntax::Comment;
use ferry_compiler::syntax::ast::File;
use ferry_compiler::syntax::ast::{ExprKind, ItemKind, TypeKind};
use std::collections::BTreeMap;
use tower_lsp_server::ls_types::{FoldingRange, FoldingRangeKind};

pub fn folding_ranges(snapshot: &Snapshot, file: &File, comments: &[Comment]) -> Vec<FoldingRange> {
    let text = &snapshot.text;
    // Start line -> (end line, kind); the widest range from a line wins.
    let mut ranges: BTreeMap<usize, (usize, Option<FoldingRangeKind>)> = BTreeMap::new();
    let mut add = |start: usize, end: usize, kind: Option<FoldingRangeKind>| {
        if end > start {
            let entry = ranges.entry(start).or_insert((end, kind.clone()));
            if end > entry.0 {
                *entry = (end, kind);
            }
        }
    };
    let bracketed = |span: Span| {
        let close = (span.end as usize).saturating_sub(1);
        let line = text.line_of(close);
        let before = &text.as_str()[text.line_start(line)..close];
        if before.trim().is_empty() {
            line.saturating_sub(1)
        } else {
            line
        }
    };
    walk(file, &mut |node| {
        let span = node.span();
        let from = match node {
            Node::Block(_) => Some(span.start),
            Node::Expr(expr) => match &expr.kind {
                ExprKind::Record(_) | ExprKind::List(_) | ExprKind::Match(_) => Some(span.start),
                ExprKind::Call { callee, .. } => Some(callee.span.end),
                _ => None,
            },
            Node::Type(ty) => matches!(ty.kind, TypeKind::Record { .. }).then_some(span.start),
            Node::Item(item) => {
                matches!(item.kind, ItemKind::Config { .. } | ItemKind::Op(_)).then_some(span.start)
            }
            _ => None,
        };
        if let Some(from) = from {
            let end = match node {
                Node::Item(item) if matches!(item.kind, ItemKind::Op(_)) => {
                    text.line_of(span.end as usize)
                }
                _ => bracketed(span),
            };
            add(text.line_of(from as usize), end, None);
        }
        true
    });
    // Runs of whole-line comments.
    let mut run: Option<(usize, usize)> = None;
    for comment in comments.iter().filter(|c| !c.trailing) {
        let line = text.line_of(comment.span.start as usize);
        run = match run {
            Some((start, end)) if line == end + 1 => Some((start, line)),
            Some((start, end)) => {
                add(start, end, Some(FoldingRangeKind::Comment));
                Some((line, line))
            }
            None => Some((line, line)),
        };
    }
    if let Some((start, end)) = run {
        add(start, end, Some(FoldingRangeKind::Comment));
    }
    // Runs of consecutive `use` items.
    let mut uses: Option<(usize, usize)> = None;
    for item in &file.items {
        let ItemKind::Use { .. } = item.kind else {
            if let Some((start, end)) = uses.take() {
                add(start, end, Some(FoldingRangeKind::Imports));
            }
            continue;
        };
        let line = text.line_of(item.span.start as usize);
        uses = Some(uses.map_or((line, line), |(start, _)| (start, line)));
    }
    if let Some((start, end)) = uses {
        add(start, end, Some(FoldingRangeKind::Imports));
    }
    ranges
        .into_iter()
        .map(|(start, (end, kind))| FoldingRange {
            start_line: start as u32,
            end_line: end as u32,
            kind,
            ..FoldingRange::default()
        })
        .collect()
}
