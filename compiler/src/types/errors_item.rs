//! An adaptor's `errors { }` read into the rules the runtime follows
//! (`ferry_meta::errors`), with a diagnostic for every entry that cannot work.
//! The checker reports the diagnostics; the typed tree keeps the rules.

use ferry_meta::errors::{DetailRule, ErrorsMeta, RetryRule, parse_path};

use crate::codes;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, Span};
use crate::syntax::ast::{ErrorEntry, ErrorSubject, ErrorsDecl, StrLit};

const ENTRY_NOTE: &str = "write `retry 409` (optionally `when \"text in the body\"`) or `detail \"items[]\" code \"field\" text \"field\"` (optionally `at \"field\"`)";

/// The rules of `decl`, and what is wrong with it. Entries with an error are
/// left out of the rules, and so is a `retry` that changes nothing.
pub fn read(decl: &ErrorsDecl, file: SourceId) -> (ErrorsMeta, Vec<Diagnostic>) {
    let mut meta = ErrorsMeta::default();
    let mut diags = Vec::new();
    for entry in &decl.entries {
        match entry.kind.name.as_str() {
            "retry" => {
                if let Some(rule) = retry(entry, file, &mut diags) {
                    meta.retry.push(rule);
                }
            }
            "detail" => {
                if let Some(rule) = detail(entry, file, &mut diags) {
                    meta.details.push(rule);
                }
            }
            other => {
                let mut d = Diagnostic::error(
                    codes::BAD_ERRORS_ENTRY,
                    file,
                    entry.kind.span,
                    format!("`{other}` is not an entry of `errors`"),
                )
                .with_label("unknown entry");
                if let Some(near) = super::report::did_you_mean(other, ["retry", "detail"]) {
                    d = d.with_replacement(format!("did you mean `{near}`?"), near);
                }
                diags.push(d.with_note(ENTRY_NOTE));
            }
        }
    }
    (meta, diags)
}

/// The clauses of `entry`, each checked against `allowed`; a repeated or unknown
/// one is reported.
fn clauses<'e>(
    entry: &'e ErrorEntry,
    allowed: &[&'static str],
    file: SourceId,
    diags: &mut Vec<Diagnostic>,
) -> Vec<(&'static str, &'e StrLit)> {
    let mut out: Vec<(&'static str, &StrLit)> = Vec::new();
    for (word, value) in &entry.clauses {
        let Some(known) = allowed.iter().find(|a| **a == word.name.as_str()) else {
            let list = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let mut d = Diagnostic::error(
                codes::BAD_ERRORS_ENTRY,
                file,
                word.span,
                format!("`{}` is not a clause of `{}`", word.name, entry.kind.name),
            )
            .with_label("unknown clause")
            .with_note(format!("`{}` takes {list}", entry.kind.name));
            if let Some(near) = super::report::did_you_mean(&word.name, allowed.iter().copied()) {
                d = d.with_replacement(format!("did you mean `{near}`?"), near);
            }
            diags.push(d);
            continue;
        };
        if out.iter().any(|(k, _)| k == known) {
            diags.push(
                Diagnostic::error(
                    codes::BAD_ERRORS_ENTRY,
                    file,
                    word.span,
                    format!("`{known}` is given twice"),
                )
                .with_label("repeated clause"),
            );
            continue;
        }
        out.push((known, value));
    }
    out
}

fn retry(entry: &ErrorEntry, file: SourceId, diags: &mut Vec<Diagnostic>) -> Option<RetryRule> {
    let before = diags.len();
    let found = clauses(entry, &["when"], file, diags);
    let when = found.first().map(|(_, s)| s);
    if let Some(text) = when.filter(|s| s.value.trim().is_empty()) {
        diags.push(
            Diagnostic::error(
                codes::BAD_ERRORS_ENTRY,
                file,
                text.span,
                "`when` needs the text the body holds when the status is transient",
            )
            .with_label("empty"),
        );
    }
    let status = match &entry.subject {
        Some(ErrorSubject::Status(Some(n), span)) => {
            if !(400..=599).contains(n) {
                diags.push(
                    Diagnostic::error(
                        codes::BAD_ERRORS_ENTRY,
                        file,
                        *span,
                        format!("`retry` takes a failure status, 400 to 599, not {n}"),
                    )
                    .with_label("not a failure status"),
                );
                return None;
            }
            (*n as u16, *span)
        }
        Some(ErrorSubject::Status(None, span)) => {
            diags.push(
                Diagnostic::error(
                    codes::BAD_ERRORS_ENTRY,
                    file,
                    *span,
                    "`retry` takes a failure status, 400 to 599",
                )
                .with_label("not a failure status"),
            );
            return None;
        }
        other => {
            let span = other.as_ref().map_or(entry.kind.span, |s| s.span());
            diags.push(
                Diagnostic::error(
                    codes::BAD_ERRORS_ENTRY,
                    file,
                    span,
                    "`retry` takes a status as a number: `retry 409`",
                )
                .with_label("expected a status"),
            );
            return None;
        }
    };
    if matches!(status.0, 408 | 429 | 500..=599) {
        diags.push(
            Diagnostic::warning(
                codes::NEEDLESS_RETRY,
                file,
                entry.span,
                format!("`retry {}` changes nothing: 408, 429 and 5xx are retried anyway", status.0),
            )
            .with_label("retried anyway")
            .with_note("`retry` marks a 4xx that the server answers when it did nothing and may succeed later (a lock, a busy import); 408, 429 and 5xx are retried for idempotent requests and by `ferry serve`"),
        );
        return None;
    }
    (diags.len() == before).then(|| RetryRule {
        status: status.0,
        when: when.map(|s| s.value.clone()),
    })
}

fn detail(entry: &ErrorEntry, file: SourceId, diags: &mut Vec<Diagnostic>) -> Option<DetailRule> {
    let before = diags.len();
    let items = match &entry.subject {
        Some(ErrorSubject::Path(path)) => {
            check_path(path, true, file, diags);
            path.value.clone()
        }
        other => {
            let span = other.as_ref().map_or(entry.kind.span, |s| s.span());
            diags.push(
                Diagnostic::error(
                    codes::BAD_ERRORS_ENTRY,
                    file,
                    span,
                    "`detail` takes the path of the details in the body, as a string: `detail \"issue[]\"`",
                )
                .with_label("expected a path"),
            );
            return None;
        }
    };
    let found = clauses(entry, &["code", "text", "at"], file, diags);
    let field = |name: &str| found.iter().find(|(k, _)| *k == name).map(|(_, s)| *s);
    for (_, value) in &found {
        check_path(value, false, file, diags);
    }
    let Some(text) = field("text") else {
        diags.push(
            Diagnostic::error(
                codes::BAD_ERRORS_ENTRY,
                file,
                entry.span,
                "a `detail` needs `text \"FIELD\"`: the field of each item that says what is wrong",
            )
            .with_label("no `text`"),
        );
        return None;
    };
    (diags.len() == before).then(|| DetailRule {
        items,
        code: field("code").map(|s| s.value.clone()),
        text: text.value.clone(),
        at: field("at").map(|s| s.value.clone()),
    })
}

/// Reports a path that does not parse, pointing at the character where it goes wrong.
fn check_path(path: &StrLit, lists: bool, file: SourceId, diags: &mut Vec<Diagnostic>) {
    let Err(e) = parse_path(&path.value, lists) else {
        return;
    };
    // Past the opening quote; paths have no escapes worth counting.
    let inner_end = path.span.end.saturating_sub(1).max(path.span.start + 1);
    let at = (path.span.start + 1 + e.offset as u32).min(inner_end);
    let span = Span::new(at as usize, at as usize + 1);
    diags.push(
        Diagnostic::error(
            codes::BAD_ERRORS_ENTRY,
            file,
            span,
            format!("bad path \"{}\": {}", path.value, e.message),
        )
        .with_label("here")
        .with_note("a path is field names joined by `.`, `[]` after a list for each of its elements: \"response.importSummaries[].conflicts[]\""),
    );
}
