//! Compiler diagnostics as LSP diagnostics, and their debounced publishing.
//!
//! A diagnostic's `code` is its `E0xxx`, its `relatedInformation` the compiler's
//! secondary labels (when the client shows related information; otherwise they
//! are written into the message, like the notes and the fix). `data` holds
//! `{ "version", "index" }`, the key a code action uses to find the fix again.
//!
//! Publishing: every change schedules a task that waits for the debounce delay
//! (zero on open and save), gives up if a newer version has arrived meanwhile,
//! waits for the check of an earlier version of the document to end (and gives
//! up if it is stale by then: stale versions are never checked), checks the
//! snapshot on a blocking thread, and publishes, tagged with its
//! version, only if that version is still the document's current one and no
//! newer result has gone out. A check running when a newer version arrives
//! stops (see `analysis`), so the newer version's check starts at once.

use crate::analysis::{MAIN, NoAnalysis};
use crate::documents::Snapshot;
use crate::locations::location;
use crate::server::{Session, State};
use ferry_compiler::diagnostics::{Diagnostic, Fix, Severity};
use ferry_compiler::source::SourceMap;
use serde_json::json;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;
use tower_lsp_server::ls_types::{
    self as lsp, DiagnosticRelatedInformation, DiagnosticSeverity, NumberOrString, Uri,
};

/// Publishes the diagnostics of `version` of a document after `delay`, unless the
/// document has moved on by then.
pub async fn publish(state: Arc<State>, uri: Uri, version: i32, delay: Duration) {
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let Some(snapshot) = state.documents.get(&uri) else {
        return;
    };
    // Stale already (a newer version, or the document closed and opened again).
    if snapshot.version != version || snapshot.is_superseded() {
        return;
    }
    // One check of a document at a time: a version that became stale while an
    // earlier one was being checked is never checked, so a burst of edits costs
    // the check in progress and the last version's, not one check per edit.
    let gate = state.check_gate(&uri);
    let turn = gate.lock().await;
    if snapshot.is_superseded() {
        return;
    }
    let analysis = match snapshot.analysis(&state.runner).await {
        Ok(analysis) => analysis,
        // The newer version's own task publishes.
        Err(NoAnalysis::Superseded) => return,
        Err(NoAnalysis::Failed(failure)) => {
            state.log_failure(&failure).await;
            return;
        }
    };
    drop(turn);
    let session = state.session();
    let superseded = snapshot.superseded_flag();
    let converted = state
        .runner
        .run("diagnostics", move || {
            to_lsp(
                &snapshot,
                &analysis.sources,
                &analysis.diagnostics,
                &session,
            )
        })
        .await;
    let diagnostics = match converted {
        Ok(diagnostics) => diagnostics,
        Err(failure) => {
            state.log_failure(&failure).await;
            return;
        }
    };
    let mut published = state.published.lock().await;
    if superseded.load(Ordering::Acquire)
        || published.get(&uri).is_some_and(|&last| last >= version)
    {
        return;
    }
    published.insert(uri.clone(), version);
    state
        .client
        .publish_diagnostics(uri, diagnostics, Some(version))
        .await;
}

/// Clears a closed document's diagnostics.
pub async fn clear(state: &State, uri: Uri) {
    let mut published = state.published.lock().await;
    published.remove(&uri);
    state
        .client
        .publish_diagnostics(uri, Vec::new(), None)
        .await;
}

/// The key in a published diagnostic's `data`.
pub fn key(version: i32, index: usize) -> serde_json::Value {
    json!({ "version": version, "index": index })
}

/// The diagnostics of the document itself (not of the adaptor files it uses), in
/// the compiler's order.
pub fn to_lsp(
    snapshot: &Snapshot,
    sources: &SourceMap,
    diagnostics: &[Diagnostic],
    session: &Session,
) -> Vec<lsp::Diagnostic> {
    diagnostics
        .iter()
        .enumerate()
        .filter(|(_, d)| d.file == MAIN)
        .map(|(index, d)| convert(snapshot, sources, d, index, session))
        .collect()
}

fn convert(
    snapshot: &Snapshot,
    sources: &SourceMap,
    d: &Diagnostic,
    index: usize,
    session: &Session,
) -> lsp::Diagnostic {
    let encoding = session.encoding;
    let mut message = d.message.clone();
    if !d.label.is_empty() && d.label != d.message {
        message.push_str(&format!("\n{}", d.label));
    }
    let mut related = Vec::new();
    for label in &d.labels {
        match location(snapshot, sources, label.file, label.span, encoding) {
            Some(location) if session.related_information => {
                related.push(DiagnosticRelatedInformation {
                    location,
                    message: label.message.clone(),
                })
            }
            Some(location) => message.push_str(&format!(
                "\n{} ({}:{})",
                label.message,
                location.range.start.line + 1,
                location.range.start.character + 1
            )),
            None => message.push_str(&format!("\n{}", label.message)),
        }
    }
    for note in &d.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    if let Some(fix) = &d.fix {
        message.push_str(&format!("\nhelp: {}", fix_help(fix)));
    }
    lsp::Diagnostic {
        range: snapshot.text.range(d.span, encoding),
        severity: Some(match d.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.to_string())),
        code_description: None,
        source: Some("ferry".into()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: Some(key(snapshot.version, index)),
    }
}

/// As `ferry check` shows a fix: its message, and the replacement when it is short.
fn fix_help(fix: &Fix) -> String {
    match fix.edits.as_slice() {
        [edit] if !edit.replacement.contains('\n') && !edit.replacement.trim().is_empty() => {
            format!("{}: `{}`", fix.message, edit.replacement.trim())
        }
        _ => fix.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::positions::Text;
    use ferry_compiler::diagnostics::Edit;
    use ferry_compiler::source::{SourceId, Span};
    use tower_lsp_server::ls_types::{Position, Range};

    fn snapshot(text: &str) -> Snapshot {
        Snapshot::new("file:///w/job.ferry".parse().unwrap(), 7, Text::new(text))
    }

    fn sources(text: &str) -> SourceMap {
        let mut sources = SourceMap::new();
        sources.add("/w/job.ferry", text);
        sources.add("<builtin>/dhis2.ferry", "adaptor dhis2\ntype T = Int\n");
        sources
    }

    fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Range {
        Range {
            start: Position::new(l1, c1),
            end: Position::new(l2, c2),
        }
    }

    #[test]
    fn labels_become_related_information_and_notes_join_the_message() {
        let text = "let ä = 1\r\nlet b = ä + x\r\n";
        let x = text.find('x').unwrap();
        let d = Diagnostic::error("E0100", MAIN, Span::new(x, x + 1), "unknown name `x`")
            .with_label("not in scope")
            .with_secondary(MAIN, Span::new(4, 6), "`ä` is declared here")
            .with_secondary(SourceId(1), Span::new(19, 20), "a type")
            .with_note("names are declared before use")
            .with_replacement("use `ä`", "ä");
        let other = Diagnostic::error("E0101", SourceId(1), Span::new(0, 1), "elsewhere");
        let snapshot = snapshot(text);
        let session = Session {
            related_information: true,
            ..Session::default()
        };
        let diagnostics = to_lsp(&snapshot, &sources(text), &[other, d], &session);
        assert_eq!(diagnostics.len(), 1);
        let d = &diagnostics[0];
        assert_eq!(d.range, range(1, 12, 1, 13));
        assert_eq!(d.code, Some(NumberOrString::String("E0100".into())));
        assert_eq!(d.severity, Some(DiagnosticSeverity::ERROR));
        assert_eq!(
            d.message,
            "unknown name `x`\nnot in scope\nnote: names are declared before use\nhelp: use `ä`: `ä`"
        );
        assert_eq!(d.data, Some(json!({ "version": 7, "index": 1 })));
        let related = d.related_information.as_ref().unwrap();
        assert_eq!(related[0].location.uri, snapshot.uri);
        assert_eq!(related[0].location.range, range(0, 4, 0, 5));
        assert_eq!(related[0].message, "`ä` is declared here");
        assert_eq!(
            related[1].location.uri.as_str(),
            "ferry-builtin:///dhis2.ferry"
        );
        assert_eq!(related[1].location.range, range(1, 5, 1, 6));
    }

    #[test]
    fn without_related_information_labels_are_written_into_the_message() {
        let text = "let a = b\n";
        let d = Diagnostic::warning("E0200", MAIN, Span::new(8, 9), "odd")
            .with_secondary(MAIN, Span::new(4, 5), "see here")
            .with_fix(
                "remove it",
                vec![Edit {
                    span: Span::new(8, 9),
                    replacement: String::new(),
                }],
            );
        let diagnostics = to_lsp(&snapshot(text), &sources(text), &[d], &Session::default());
        assert_eq!(
            diagnostics[0].message,
            "odd\nsee here (1:5)\nhelp: remove it"
        );
        assert_eq!(diagnostics[0].severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(diagnostics[0].related_information, None);
    }
}
