//! The Ferry compiler: source text to diagnostics, types and native code.
//!
//! The pipeline, one module a stage: `syntax` (lexer and parser, never fails),
//! `types` (the checker), `ir` and `codegen` (Cranelift), `link`. `diagnostics`
//! is the one error type of every stage; `fmt` is the formatter.

pub mod adaptors;
pub mod codegen;
pub mod codes;
pub mod diagnostics;
pub mod docs;
pub mod fmt;
pub mod ir;
pub mod link;
pub mod query;
pub mod source;
pub mod stack;
pub mod syntax;
pub mod typed;
pub mod types;

use diagnostics::Diagnostic;
use source::{SourceId, SourceMap};
use std::path::Path;
use syntax::ast::ItemKind;

/// A checked file and everything the check involved.
pub struct Analysis {
    pub sources: SourceMap,
    /// The parsed files: the main one first, then the adaptors it uses.
    pub files: Vec<types::SourceFile>,
    pub checked: types::Checked,
    /// Every diagnostic of every file, syntax and types, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// The main file's comments (for the formatter and the language server).
    pub comments: Vec<syntax::Comment>,
}

// The language server shares an analysis between threads.
const _: () = {
    const fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Analysis>();
};

impl Analysis {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.is_error())
    }
}

/// Parses and checks a text as the file `name` (a job or an adaptor file), with
/// the adaptor files a job uses.
pub fn analyze(name: &str, text: &str, search: &adaptors::Search) -> Analysis {
    analyze_until(name, text, search, &|| false).expect("a check that is never stopped ends")
}

/// [`analyze`], given up once `stop` says so (it is polled after parsing and
/// before each expression the checker checks): then `None`. For the language
/// server, which stops the check of a version when a newer one arrives.
pub fn analyze_until(
    name: &str,
    text: &str,
    search: &adaptors::Search,
    stop: &dyn Fn() -> bool,
) -> Option<Analysis> {
    let mut sources = SourceMap::new();
    let main = sources.add(name, text);
    let parsed = syntax::parse(text, main);
    if stop() {
        return None;
    }
    let comments = parsed.comments;
    let mut diagnostics = parsed.diagnostics;
    let mut files = vec![types::SourceFile {
        id: main,
        ast: parsed.file,
    }];
    let wanted: Vec<(String, source::Span)> = files[0]
        .ast
        .items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Use { adaptor, .. } => Some((adaptor.name.to_string(), adaptor.span)),
            _ => None,
        })
        .collect();
    for (adaptor, span) in wanted {
        if files.iter().any(|f| {
            f.ast
                .adaptor
                .as_ref()
                .is_some_and(|h| h.name.name == adaptor)
        }) {
            continue;
        }
        match search.find(&adaptor) {
            Ok(Some(found)) => {
                let id = sources.add(found.display, found.text.as_str());
                let parsed = syntax::parse(&found.text, id);
                diagnostics.extend(parsed.diagnostics);
                if parsed
                    .file
                    .adaptor
                    .as_ref()
                    .is_none_or(|h| h.name.name != adaptor)
                {
                    diagnostics.push(
                        Diagnostic::error(
                            codes::UNKNOWN_ADAPTOR,
                            main,
                            span,
                            format!(
                                "the file for `{adaptor}` does not declare `adaptor {adaptor}`"
                            ),
                        )
                        .with_secondary(
                            id,
                            source::Span::new(0, 0),
                            "this file",
                        ),
                    );
                    continue;
                }
                files.push(types::SourceFile {
                    id,
                    ast: parsed.file,
                });
            }
            Ok(None) => {}
            Err(message) => diagnostics.push(Diagnostic::error(
                codes::UNKNOWN_ADAPTOR,
                main,
                span,
                message,
            )),
        }
    }
    let checked = types::check_until(&files, &search.available(), stop)?;
    // Warnings about a file that does not parse are noise: its broken parts
    // leave names unused and code unreachable.
    let broken: Vec<SourceId> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .map(|d| d.file)
        .collect();
    diagnostics.extend(
        checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error() || !broken.contains(&d.file))
            .cloned(),
    );
    diagnostics::sort(&mut diagnostics);
    diagnostics.dedup();
    Some(Analysis {
        sources,
        files,
        checked,
        diagnostics,
        comments,
    })
}

/// Where adaptors are searched for a file at `path`.
pub fn search_for(path: &Path, adaptor_paths: &[std::path::PathBuf]) -> adaptors::Search {
    adaptors::Search {
        paths: adaptor_paths.to_vec(),
        job_dir: Some(path.parent().map_or_else(
            || Path::new(".").to_path_buf(),
            |p| {
                if p.as_os_str().is_empty() {
                    Path::new(".").to_path_buf()
                } else {
                    p.to_path_buf()
                }
            },
        )),
    }
}

/// Reads and checks one file. `Err` is for a file that cannot be read at all.
pub fn check_file(path: &Path, adaptor_paths: &[std::path::PathBuf]) -> Result<Analysis, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(analyze(
        &path.display().to_string(),
        &text,
        &search_for(path, adaptor_paths),
    ))
}

/// Checks a text as the file `name` (a job or an adaptor file): the sources it
/// involved (the file first) and every diagnostic, sorted by file and position.
pub fn check_source(name: &str, text: &str) -> (SourceMap, Vec<Diagnostic>) {
    let analysis = analyze(name, text, &search_for(Path::new(name), &[]));
    (analysis.sources, analysis.diagnostics)
}
