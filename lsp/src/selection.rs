//! Selection ranges ("expand selection"): from the innermost node at the cursor
//! out through every node that encloses it, to the whole file.

use crate::documents::Snapshot;
use crate::positions::Encoding;
use ferry_compiler::query::walk::walk;
use ferry_compiler::source::Span;
use ferry_compiler::syntax::ast::File;
use tower_lsp_server::ls_types::{Position, SelectionRange};

pub fn selection_ranges(
    snapshot: &Snapshot,
    file: &File,
    positions: &[Position],
    encoding: Encoding,
) -> Vec<SelectionRange> {
    positions
        .iter()
        .map(|&position| {
            let offset = snapshot.text.offset(position, encoding);
            let mut spans = vec![Span::new(0, snapshot.text.as_str().len())];
            walk(file, &mut |node| {
                let span = node.span();
                let inside = span.contains(offset);
                if inside {
                    spans.push(span);
                }
                inside
            });
            // Enclosing spans, outermost first; equal spans once.
            spans.sort_by_key(|span| (span.start, std::cmp::Reverse(span.end)));
            spans.dedup();
            let mut chain: Option<SelectionRange> = None;
            let mut parent: Option<Span> = None;
            for span in spans {
                // Siblings that touch at the cursor: keep the first.
                if parent.is_some_and(|p| span.start < p.start || span.end > p.end) {
                    continue;
                }
                parent = Some(span);
                chain = Some(SelectionRange {
                    range: snapshot.text.range(span, encoding),
                    parent: chain.map(Box::new),
                });
            }
            chain.unwrap_or_else(|| SelectionRange {
                range: snapshot.text.range(Span::empty(offset), encoding),
                parent: None,
            })
        })
        .collect()
}
