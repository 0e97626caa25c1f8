//! `textDocument/hover`: what the name under the cursor is, as a line of Ferry
//! in a code block, then its doc comment.

use crate::analysis::MAIN;
use crate::documents::Snapshot;
use crate::positions::Encoding;
use ferry_compiler::Analysis;
use ferry_compiler::query;
use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position};

pub fn hover(
    snapshot: &Snapshot,
    analysis: &Analysis,
    position: Position,
    encoding: Encoding,
) -> Option<Hover> {
    let offset = snapshot.text.offset(position, encoding);
    let found = query::hover_at(analysis, MAIN, offset)?;
    let mut value = format!("```ferry\n{}\n```", found.code);
    if let Some(doc) = &found.doc {
        value.push_str("\n\n");
        value.push_str(doc);
    }
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(snapshot.text.range(found.span, encoding)),
    })
}
