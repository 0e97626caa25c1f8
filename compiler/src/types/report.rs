//! Messages that teach: the codes of the checker, *did you mean*, and what a
//! mismatch means in the words of the job.

use super::assign::Mismatch;
use super::ty::{Field, Ty, TypeTable};
use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, Span};

/// The closest candidate to a misspelt name, if one is close enough to suggest.
pub fn did_you_mean<'c>(
    name: &str,
    candidates: impl IntoIterator<Item = &'c str>,
) -> Option<&'c str> {
    let lower = name.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        if candidate.to_lowercase() == lower {
            return Some(candidate);
        }
        let distance = strsim::damerau_levenshtein(&lower, &candidate.to_lowercase());
        // Short names are only ever a different case of each other.
        let allowed = name.chars().count().max(candidate.chars().count()) / 3;
        if distance <= allowed {
            let score = distance as f64;
            if best.is_none_or(|(_, s)| score < s) {
                best = Some((candidate, score));
            }
        }
    }
    best.map(|(c, _)| c)
}

/// "did you mean `x`?" with a fix replacing `span`, or nothing.
pub fn suggest(d: Diagnostic, suggestion: Option<&str>, quote: fn(&str) -> String) -> Diagnostic {
    match suggestion {
        Some(s) => {
            let text = quote(s);
            let message = format!("did you mean `{text}`?");
            let span = d.span;
            let mut d = d.with_fix(
                message,
                vec![crate::diagnostics::Edit {
                    span,
                    replacement: text,
                }],
            );
            if d.label.is_empty() {
                d.label = format!("did you mean `{}`?", quote(s));
            }
            d
        }
        None => d,
    }
}

/// After a *did you mean* for an unknown field: points at where the suggested
/// field is declared, if it is known.
pub fn declared_here(d: Diagnostic, suggestion: Option<&str>, fields: &[Field]) -> Diagnostic {
    match suggestion
        .and_then(|s| fields.iter().find(|f| f.name == s))
        .and_then(|f| f.origin)
    {
        Some((f_file, f_span)) => d.with_secondary(f_file, f_span, "declared here"),
        None => d,
    }
}

pub fn plain(name: &str) -> String {
    name.to_string()
}

/// Writes a field name as it must appear in source: quoted unless an identifier.
pub fn field_key(name: &str) -> String {
    if super::ty::is_identifier(name) && crate::syntax::token::Keyword::parse(name).is_none() {
        name.to_string()
    } else {
        serde_json::to_string(name).unwrap_or_else(|_| name.to_string())
    }
}

pub const SECRET_NOTE: &str = "a `Secret` can never reach a log, a string, a comparison or the output; pass it only where a `Secret` is expected";

/// The diagnostic for a value of type `found` where `expected` is needed.
/// `what` names the place in the user's terms ("argument `s` of `sex_code`").
pub fn mismatch(
    types: &TypeTable,
    file: SourceId,
    span: Span,
    what: &str,
    expected: &Ty,
    found: &Ty,
    why: &Mismatch,
) -> Diagnostic {
    let e = types.display(expected);
    // A literal found where literals are expected stays literal; otherwise the
    // found type is shown as its base type.
    let f = if types.mentions_literals(expected) {
        types.display(found)
    } else {
        types.display(&types.widen(found))
    };
    match why {
        Mismatch::Secret => Diagnostic::error(
            codes::SECRET_LEAK,
            file,
            span,
            format!("a `Secret` cannot be used as {what}"),
        )
        .with_label(format!("this is a Secret; {what} expects `{e}`"))
        .with_note(SECRET_NOTE),
        Mismatch::MaybeNull => Diagnostic::error(
            codes::MAYBE_NULL,
            file,
            span,
            format!("{what} expects `{e}`, but this may be null or missing"),
        )
        .with_label(format!("this is `{f}`"))
        .with_note("give a default with `??`, or check it first with `if x != null`"),
        Mismatch::NeedsAs => {
            let fix = format!(" as {e}");
            Diagnostic::error(
                codes::TYPE_MISMATCH,
                file,
                span,
                format!("{what} expects `{e}`, found `Json`"),
            )
            .with_label("this is `Json`, which is not checked")
            .with_note(format!(
                "convert it with `as {e}`: the value is checked when the job runs"
            ))
            .with_fix(
                format!("add `as {e}`"),
                vec![crate::diagnostics::Edit {
                    span: Span::empty(span.end as usize),
                    replacement: fix,
                }],
            )
        }
        Mismatch::MissingFields(fields) => {
            let list = fields
                .iter()
                .map(|f| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let word = if fields.len() == 1 { "field" } else { "fields" };
            Diagnostic::error(
                codes::MISSING_FIELDS,
                file,
                span,
                format!("{what} expects `{e}`, which needs the {word} {list}"),
            )
            .with_label(format!("missing {list}"))
        }
        Mismatch::MissingFieldsOfEach(each) => {
            let (_, closest) = &each[0];
            let list = field_list(closest);
            let mut d = Diagnostic::error(
                codes::MISSING_FIELDS,
                file,
                span,
                format!(
                    "{what} expects `{e}`, which needs the {} {list}",
                    field_word(closest)
                ),
            )
            .with_label(format!("missing {list}"));
            for (member, fields) in each {
                d = d.with_note(format!(
                    "as `{}`, it needs the {} {}",
                    types.display(member),
                    field_word(fields),
                    field_list(fields)
                ));
            }
            d
        }
        Mismatch::UnknownField(name) => Diagnostic::error(
            codes::UNKNOWN_FIELD,
            file,
            span,
            format!("{what} expects `{e}`, which has no field `{name}`"),
        )
        .with_label(format!("this has a field `{name}`")),
        Mismatch::OpenIntoClosed => Diagnostic::error(
            codes::TYPE_MISMATCH,
            file,
            span,
            format!("{what} expects the closed record `{e}`, but `{f}` may have other fields"),
        )
        .with_label(format!("this is `{f}`"))
        .with_note("build the record it expects with a literal: `{ a: x.a, b: x.b }`"),
        Mismatch::FieldMaybeAbsent(name) => Diagnostic::error(
            codes::MAYBE_NULL,
            file,
            span,
            format!(
                "{what} expects `{e}`, whose field `{name}` is required, but here it may be absent"
            ),
        )
        .with_label(format!("`{name}` may be absent in `{f}`")),
        Mismatch::Field(..) | Mismatch::Element(_) => {
            // Follow the path down to what is wrong: `enrollments[…].note`.
            let mut path = String::new();
            let mut leaf = why;
            loop {
                match leaf {
                    Mismatch::Field(name, inner) => {
                        path.push('.');
                        path.push_str(name);
                        leaf = inner;
                    }
                    Mismatch::Element(inner) => {
                        path.push_str("[…]");
                        leaf = inner;
                    }
                    _ => break,
                }
            }
            let path = path.trim_start_matches('.');
            let (code, detail) = match leaf {
                Mismatch::UnknownField(name) => (
                    codes::UNKNOWN_FIELD,
                    format!("`{path}` has a field `{name}` that the type does not have"),
                ),
                Mismatch::MissingFields(fields) => {
                    let list = fields
                        .iter()
                        .map(|f| format!("`{f}`"))
                        .collect::<Vec<_>>()
                        .join(", ");
                    (codes::MISSING_FIELDS, format!("`{path}` lacks {list}"))
                }
                Mismatch::MissingFieldsOfEach(each) => {
                    let ways = each
                        .iter()
                        .map(|(_, fields)| field_list(fields))
                        .collect::<Vec<_>>()
                        .join(" or ");
                    (codes::MISSING_FIELDS, format!("`{path}` lacks {ways}"))
                }
                Mismatch::MaybeNull | Mismatch::FieldMaybeAbsent(_) => (
                    codes::MAYBE_NULL,
                    format!("`{path}` may be null or missing"),
                ),
                Mismatch::Secret => (codes::SECRET_LEAK, format!("`{path}` is a Secret")),
                Mismatch::NeedsAs => (
                    codes::TYPE_MISMATCH,
                    format!("`{path}` is `Json`: convert it with `as`"),
                ),
                Mismatch::OpenIntoClosed => (
                    codes::TYPE_MISMATCH,
                    format!("`{path}` may have other fields"),
                ),
                _ => (codes::TYPE_MISMATCH, format!("`{path}` has another type")),
            };
            let mut d = Diagnostic::error(
                code,
                file,
                span,
                format!("{what} expects `{e}`, but {detail}"),
            )
            .with_label(format!("this is `{f}`"));
            if matches!(leaf, Mismatch::Secret) {
                d = d.with_note(SECRET_NOTE);
            }
            d
        }
        Mismatch::Plain => {
            let d = Diagnostic::error(
                codes::TYPE_MISMATCH,
                file,
                span,
                format!("{what} expects `{e}`, found `{f}`"),
            )
            .with_label(format!("this is `{f}`"));
            // A name for a union of literals: say what it allows.
            match (expected, types.resolve(expected)) {
                (Ty::Named(_), body @ Ty::Union(_)) => {
                    d.with_note(format!("`{e}` is `{}`", types.display(body)))
                }
                _ => d,
            }
        }
    }
}

/// "`a`, `b`": field names as a message lists them.
fn field_list(fields: &[smol_str::SmolStr]) -> String {
    fields
        .iter()
        .map(|f| format!("`{f}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn field_word(fields: &[smol_str::SmolStr]) -> &'static str {
    if fields.len() == 1 { "field" } else { "fields" }
}

/// The checker's codes (the syntax ones are in `crate::codes` too).
pub mod codes {
    pub use crate::codes::*;
}
