//! `textDocument/definition`: where the name under the cursor is declared, in
//! the document, in a user adaptor file (by its path), or in a built-in
//! adaptor's `ferry-builtin:` document.

use crate::analysis::MAIN;
use crate::documents::Snapshot;
use crate::locations::location;
use crate::positions::Encoding;
use ferry_compiler::Analysis;
use ferry_compiler::query;
use tower_lsp_server::ls_types::{Location, Position};

pub fn definition(
    snapshot: &Snapshot,
    analysis: &Analysis,
    position: Position,
    encoding: Encoding,
) -> Option<Location> {
    let offset = snapshot.text.offset(position, encoding);
    let found = query::definition_at(analysis, MAIN, offset)?;
    location(
        snapshot,
        &analysis.sources,
        found.file,
        found.span,
        encoding,
    )
}
