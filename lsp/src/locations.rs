//! Spans of the compiler's sources as LSP locations: the document's own, a
//! built-in adaptor's (`ferry-builtin:///dhis2.ferry`), or a user adaptor file's
//! (by its path).

use crate::analysis::MAIN;
use crate::builtin;
use crate::documents::Snapshot;
use crate::positions::{Encoding, Text};
use ferry_compiler::source::{SourceId, SourceMap, Span};
use std::path::Path;
use tower_lsp_server::ls_types::{Location, Uri};

/// Where a span of any source of the analysis is, as a URI and range. `None` for
/// a source that is neither the document, a built-in adaptor nor a file.
pub fn location(
    snapshot: &Snapshot,
    sources: &SourceMap,
    file: SourceId,
    span: Span,
    encoding: Encoding,
) -> Option<Location> {
    if file == MAIN {
        return Some(Location {
            uri: snapshot.uri.clone(),
            range: snapshot.text.range(span, encoding),
        });
    }
    let source = sources.iter().find(|(id, _)| *id == file)?.1;
    let builtin =
        builtin::names().find(|n| ferry_compiler::adaptors::builtin_display(n) == source.name);
    let uri = match builtin {
        Some(name) => builtin::uri(name)?,
        None if Path::new(&source.name).is_absolute() => Uri::from_file_path(&source.name)?,
        None => return None,
    };
    Some(Location {
        uri,
        range: Text::new(source.text.clone()).range(span, encoding),
    })
}
