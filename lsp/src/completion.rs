//! `textDocument/completion`: the compiler's completions at the cursor
//! (`ferry_compiler::query::completions_at`) as LSP items.
//!
//! The query decides what fits the place (see `compiler/src/query/complete.rs`);
//! this module writes each item for the client: keywords as snippets and
//! functions as `name($1)` when the client takes snippets, the item's own
//! replacement range (a whole string for `"female"`) as a text edit, and the
//! `.` → `?.` fix as an additional edit.

use crate::analysis::Typed;
use crate::documents::Snapshot;
use crate::positions::Encoding;
use crate::server::Session;
use ferry_compiler::query::{self, Completion, CompletionKind};
use tower_lsp_server::ls_types::{
    CompletionItem, CompletionItemKind, CompletionTextEdit, Documentation, InsertTextFormat,
    MarkupContent, MarkupKind, Position, TextEdit,
};

/// `(label, snippet)`: a keyword and the template it expands to.
const SNIPPETS: &[(&str, &str)] = &[
    ("let", "let ${1:name} = $0"),
    ("var", "var ${1:name} = $0"),
    ("if", "if ${1:condition} {\n\t$0\n}"),
    ("match", "match ${1:value} {\n\t${2:pattern} => $0\n}"),
    ("for", "for ${1:item} in ${2:items} {\n\t$0\n}"),
    ("while", "while ${1:condition} {\n\t$0\n}"),
    ("try", "try {\n\t$1\n} catch ${2:err} {\n\t$0\n}"),
    ("log", "log \"$0\""),
    ("warn", "warn \"$0\""),
    ("skip", "skip \"$0\""),
    ("fail", "fail \"$0\""),
    ("output", "output $0"),
    ("return", "return $0"),
    ("expect", "expect $0"),
    ("mock", "mock ${1:adaptor.op} = ${2:args} => $0"),
    ("use", "use ${1|commcare,dhis2,dhis2_pat,http|}"),
    ("trigger webhook", "trigger webhook \"/${1:path}\""),
    ("trigger cron", "trigger cron \"${1:0 2 * * *}\""),
    ("trigger every", "trigger every ${1:15m}"),
    ("input", "input: ${1:Json}"),
    ("type", "type ${1:Name} = {\n\t$0\n}"),
    ("const", "const ${1:NAME} = $0"),
    ("fn", "fn ${1:name}(${2}) {\n\t$0\n}"),
    ("test", "test \"${1:name}\" {\n\t$0\n}"),
    ("config", "config {\n\t${1:field}: ${2:String},\n}"),
    (
        "auth",
        "auth ${1|basic,bearer,header,query,oauth2_client_credentials|}($0)",
    ),
    ("base", "base ${0:config.baseUrl}"),
    (
        "op",
        "op ${1:name}(${2}) -> ${3:Json} = ${4|GET,POST,PUT,PATCH,DELETE|} \"${5:/path}\"",
    ),
];

/// Keywords that are also expressions: no snippet where an expression goes.
const EXPRESSIONS: &[&str] = &["if", "match"];

pub fn complete(
    snapshot: &Snapshot,
    typed: &Typed,
    position: Position,
    session: &Session,
) -> Vec<CompletionItem> {
    let offset = snapshot.text.offset(position, session.encoding);
    let main = crate::analysis::MAIN;
    let completions = match typed {
        Typed::Current(analysis) => query::completions_at(analysis, &snapshot.search, main, offset),
        Typed::Earlier(analysis) => query::completions_in_edit(
            analysis,
            &snapshot.search,
            main,
            snapshot.text.as_str(),
            offset,
        ),
    };
    completions
        .items
        .into_iter()
        .map(|item| convert(snapshot, item, session))
        .collect()
}

fn kind(kind: CompletionKind) -> CompletionItemKind {
    match kind {
        CompletionKind::Keyword => CompletionItemKind::KEYWORD,
        CompletionKind::Local | CompletionKind::Global => CompletionItemKind::VARIABLE,
        CompletionKind::Function => CompletionItemKind::FUNCTION,
        CompletionKind::Op | CompletionKind::Method => CompletionItemKind::METHOD,
        CompletionKind::Field => CompletionItemKind::FIELD,
        CompletionKind::Const => CompletionItemKind::CONSTANT,
        CompletionKind::Type => CompletionItemKind::STRUCT,
        CompletionKind::Adaptor => CompletionItemKind::MODULE,
        CompletionKind::Literal => CompletionItemKind::ENUM_MEMBER,
    }
}

pub fn markdown(text: &str) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value: text.to_string(),
    })
}

fn convert(snapshot: &Snapshot, item: Completion, session: &Session) -> CompletionItem {
    let encoding: Encoding = session.encoding;
    let mut out = CompletionItem {
        label: item.label.clone(),
        kind: Some(kind(item.kind)),
        detail: item.detail.clone(),
        documentation: item.doc.as_deref().map(markdown),
        sort_text: Some(item.sort.clone()),
        filter_text: item.filter.clone(),
        ..CompletionItem::default()
    };
    let snippet = SNIPPETS
        .iter()
        .find(|(label, _)| *label == item.label)
        .map(|(_, snippet)| *snippet);
    match (item.kind, snippet) {
        (CompletionKind::Keyword, Some(snippet))
            if session.snippets
                && !(EXPRESSIONS.contains(&item.label.as_str())
                    && item.detail.as_deref() == Some("keyword")) =>
        {
            out.kind = Some(CompletionItemKind::SNIPPET);
            out.insert_text = Some(snippet.into());
            out.insert_text_format = Some(InsertTextFormat::SNIPPET);
        }
        (CompletionKind::Keyword, _) if item.label.contains(' ') => {
            // `trigger webhook`: the words, then a space.
            out.insert_text = Some(format!("{} ", item.label));
        }
        _ => {}
    }
    if let Some(takes_arguments) = item.call
        && session.snippets
    {
        out.insert_text = Some(if takes_arguments {
            format!("{}($1)", item.label)
        } else {
            format!("{}()", item.label)
        });
        out.insert_text_format = Some(InsertTextFormat::SNIPPET);
    }
    if let Some(insert) = &item.insert {
        out.insert_text = Some(insert.clone());
    }
    if let Some(span) = item.replace {
        let new_text = out.insert_text.take().unwrap_or_else(|| item.label.clone());
        out.text_edit = Some(CompletionTextEdit::Edit(TextEdit {
            range: snapshot.text.range(span, encoding),
            new_text,
        }));
    }
    if !item.edits.is_empty() {
        out.additional_text_edits = Some(
            item.edits
                .iter()
                .map(|(span, text)| TextEdit {
                    range: snapshot.text.range(*span, encoding),
                    new_text: text.clone(),
                })
                .collect(),
        );
    }
    out
}
