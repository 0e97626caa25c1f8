//! Each diagnostic's fix as a quick fix.
//!
//! The client sends back the diagnostics it shows at the cursor. One published by
//! this server carries `{ "version", "index" }` in `data`: when the version is the
//! snapshot's, the index names the compiler diagnostic. A client that drops
//! `data`, or a diagnostic of an older version, is matched by range, code and
//! message against the current diagnostics instead. The edit is versioned when
//! the client supports `documentChanges`, so a stale fix is refused, not misapplied.

use crate::analysis::MAIN;
use crate::diagnostics;
use crate::documents::Snapshot;
use crate::server::Session;
use ferry_compiler::Analysis;
use ferry_compiler::diagnostics::Fix;
use serde_json::Value;
use std::collections::HashMap;
use tower_lsp_server::ls_types::{
    self as lsp, CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams,
    DocumentChanges, OneOf, OptionalVersionedTextDocumentIdentifier, TextDocumentEdit, TextEdit,
    WorkspaceEdit,
};

pub fn quick_fixes(
    snapshot: &Snapshot,
    analysis: &Analysis,
    params: &CodeActionParams,
    session: &Session,
) -> Vec<CodeActionOrCommand> {
    if let Some(only) = &params.context.only
        && !only
            .iter()
            .any(|kind| CodeActionKind::QUICKFIX.as_str().starts_with(kind.as_str()))
    {
        return Vec::new();
    }
    let current = diagnostics::to_lsp(snapshot, &analysis.sources, &analysis.diagnostics, session);
    params
        .context
        .diagnostics
        .iter()
        .filter_map(|shown| {
            let index = find(snapshot, analysis, &current, shown)?;
            let fix = analysis.diagnostics[index].fix.as_ref()?;
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.message.clone(),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![shown.clone()]),
                edit: Some(workspace_edit(snapshot, fix, session)),
                is_preferred: Some(true),
                ..CodeAction::default()
            }))
        })
        .collect()
}

/// The index of the compiler diagnostic that the client's diagnostic shows.
fn find(
    snapshot: &Snapshot,
    analysis: &Analysis,
    current: &[lsp::Diagnostic],
    shown: &lsp::Diagnostic,
) -> Option<usize> {
    let field = |name: &str| {
        shown
            .data
            .as_ref()
            .and_then(|d| d.get(name))
            .and_then(Value::as_i64)
    };
    if field("version") == Some(i64::from(snapshot.version))
        && let Some(index) = field("index").and_then(|i| usize::try_from(i).ok())
        && analysis
            .diagnostics
            .get(index)
            .is_some_and(|d| d.file == MAIN)
    {
        return Some(index);
    }
    let same = current
        .iter()
        .find(|d| d.range == shown.range && d.code == shown.code && d.message == shown.message)?;
    let index = same.data.as_ref()?.get("index")?.as_u64()?;
    usize::try_from(index).ok()
}

fn workspace_edit(snapshot: &Snapshot, fix: &Fix, session: &Session) -> WorkspaceEdit {
    let edits: Vec<TextEdit> = fix
        .edits
        .iter()
        .map(|edit| TextEdit {
            range: snapshot.text.range(edit.span, session.encoding),
            new_text: edit.replacement.clone(),
        })
        .collect();
    if session.document_changes {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: snapshot.uri.clone(),
                    version: Some(snapshot.version),
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..WorkspaceEdit::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(snapshot.uri.clone(), edits)])),
            ..WorkspaceEdit::default()
        }
    }
}
