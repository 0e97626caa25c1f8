//! Turns the grammar's errors into diagnostics a person can act on.

use super::parser::{Error, Issue};
use super::token::Token;
use crate::codes;
use crate::diagnostics::{Diagnostic, Edit};
use crate::source::{SourceId, Span};
use chumsky::error::{RichPattern, RichReason};

pub fn to_diagnostic(error: Error<'_, '_>, file: SourceId, src: &str) -> Diagnostic {
    let span = Span::new(error.span().start, error.span().end);
    match error.reason() {
        RichReason::Custom(issue) => from_issue(issue, file, span),
        RichReason::ExpectedFound { expected, found } => {
            let found = found.as_deref().copied();
            let line_start = src[..(span.start as usize).min(src.len())]
                .rsplit('\n')
                .next()
                .unwrap_or("");
            let first_on_line = line_start.trim().is_empty();
            expected_found(expected, found, first_on_line, file, span)
        }
    }
}

fn from_issue(issue: &Issue, file: SourceId, span: Span) -> Diagnostic {
    let mut d = Diagnostic::error(issue.code, file, span, issue.message.clone())
        .with_label(issue.label.clone());
    if let Some(note) = &issue.note {
        d = d.with_note(note.clone());
    }
    if let Some((message, replacement)) = &issue.fix {
        d = d.with_fix(
            message.clone(),
            vec![Edit {
                span,
                replacement: replacement.clone(),
            }],
        );
    }
    d
}

fn describe_found(found: Option<Token<'_>>) -> String {
    match found {
        None => "end of file".into(),
        Some(token) => token.to_string(),
    }
}

fn describe_expected(pattern: &RichPattern<'_, Token<'_>>) -> Option<String> {
    Some(match pattern {
        RichPattern::Token(t) => match **t {
            // "Expected end of line" is how a finished statement asks for its end.
            Token::Newline => "end of line".into(),
            t => t.to_string(),
        },
        RichPattern::Label(label) => label.to_string(),
        RichPattern::Identifier(name) => format!("`{name}`"),
        RichPattern::EndOfInput => "end of file".into(),
        _ => return None,
    })
}

/// How many alternatives a message lists before it says only what it found.
const MAX_LISTED: usize = 4;

/// Tokens that only restate "an expression" or "a type" when those are expected too.
const IMPLIED: &[(&str, &[&str])] = &[
    (
        "an expression",
        &[
            "`-`",
            "keyword `not`",
            "keyword `if`",
            "keyword `match`",
            "`(`",
            "`[`",
            "`{`",
            "string",
        ],
    ),
    (
        "a type",
        &["`|`", "`(`", "`[`", "`{`", "keyword `fn`", "`-`"],
    ),
];

fn expected_found(
    expected: &[RichPattern<'_, Token<'_>>],
    found: Option<Token<'_>>,
    first_on_line: bool,
    file: SourceId,
    span: Span,
) -> Diagnostic {
    let found_text = describe_found(found);
    let mut wanted: Vec<String> = expected.iter().filter_map(describe_expected).collect();
    wanted.sort();
    wanted.dedup();
    for (general, implied) in IMPLIED {
        if wanted.iter().any(|w| w == general) {
            wanted.retain(|w| !implied.contains(&w.as_str()));
        }
    }
    if first_on_line {
        // More line breaks were allowed before this token; saying so does not help.
        wanted.retain(|w| w != "end of line");
    }
    let line_goes_on = wanted.iter().any(|w| w == "end of line") && found.is_some();
    let (message, label) = if line_goes_on {
        (
            format!("unexpected {found_text}"),
            "expected end of line or `;` before this".to_string(),
        )
    } else if wanted.is_empty() || wanted.len() > MAX_LISTED {
        (
            format!("unexpected {found_text}"),
            format!("unexpected {found_text}"),
        )
    } else {
        let list = join_or(&wanted);
        (
            format!("expected {list}, found {found_text}"),
            format!("expected {list}"),
        )
    };
    let mut d = Diagnostic::error(codes::UNEXPECTED_TOKEN, file, span, message).with_label(label);
    if let Some(note) = hint(found, &wanted) {
        d = d.with_note(note);
    }
    d
}

fn hint(found: Option<Token<'_>>, wanted: &[String]) -> Option<&'static str> {
    let wants = |s: &str| wanted.iter().any(|w| w == s);
    match found {
        Some(Token::Eq) => Some("compare with `==`; `=` assigns to a `var`"),
        Some(Token::Newline) if wants("an expression") => Some(
            "an expression continues on the next line only after an operator, `,` or an opening bracket",
        ),
        _ if wants("`=>`") => Some("a match arm is written `pattern => result`"),
        _ if wants("end of line") => {
            Some("statements and declarations are separated by a line break or `;`")
        }
        _ => None,
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}
