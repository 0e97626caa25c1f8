//! The Ferry compiler: source text to diagnostics, types and native code.
//!
//! The pipeline, one module a stage: `syntax` (lexer and parser, never fails),
//! `types` (the checker), `ir` and `codegen` (Cranelift), `link`. `diagnostics`
//! is the one error type of every stage; `fmt` is the formatter.

pub mod codes;
pub mod diagnostics;
pub mod fmt;
pub mod source;
pub mod syntax;

use diagnostics::Diagnostic;
use source::SourceMap;
use std::path::Path;

/// Reads and checks one file: the sources it involved and every diagnostic.
/// `Err` is for a file that cannot be read at all.
pub fn check_file(path: &Path) -> Result<(SourceMap, Vec<Diagnostic>), String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut sources = SourceMap::new();
    let id = sources.add(path.display().to_string(), text.as_str());
    let parsed = syntax::parse(&text, id);
    Ok((sources, parsed.diagnostics))
}
