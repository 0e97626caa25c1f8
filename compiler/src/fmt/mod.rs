//! The formatter: one canonical layout for every file, comments kept.
//!
//! Layout is width-driven (100 columns, 2-space indent) with two ways the
//! author's choices are kept, so formatting is stable and idempotent: a bracket
//! whose first entry the author put on a new line stays broken, and a method
//! chain keeps the line breaks before its `.`s. Blank lines between statements
//! and items are kept (at most one). Comments are printed before the item,
//! statement or entry that follows them; a comment at the end of a line stays there.

mod decl;
mod expr;

use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, Span};
use crate::syntax::{self, Comment};
use pretty::RcDoc;
use std::cell::Cell;

pub const WIDTH: usize = 100;
pub const INDENT: isize = 2;

type Doc = RcDoc<'static, ()>;

/// Formats a source text. Refuses (returning the errors) when it does not parse:
/// a broken file's layout is not worth risking its text for.
pub fn format(src: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = syntax::parse(src, SourceId(0));
    let errors: Vec<Diagnostic> = parsed
        .diagnostics
        .into_iter()
        .filter(|d| d.is_error())
        .collect();
    if !errors.is_empty() {
        return Err(errors);
    }
    let printer = Printer {
        src,
        comments: &parsed.comments,
        next_comment: Cell::new(0),
    };
    let doc = printer.file(&parsed.file);
    let mut out = String::new();
    // Rendering into a String cannot fail.
    let _ = doc.render_fmt(WIDTH, &mut out);
    Ok(tidy(&out))
}

/// No trailing spaces, one final line break.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    for line in text.trim_end().lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

struct Printer<'a> {
    src: &'a str,
    comments: &'a [Comment],
    next_comment: Cell<usize>,
}

/// One entry of a sequence, with its source span for comments. The entry's doc is
/// built only after the comments before it are printed, so that comments come out
/// in source order.
struct Entry<'e> {
    span: Span,
    doc: Box<dyn FnOnce() -> Doc + 'e>,
}

impl<'e> Entry<'e> {
    fn new(span: Span, doc: impl FnOnce() -> Doc + 'e) -> Entry<'e> {
        Entry {
            span,
            doc: Box::new(doc),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Sep {
    /// `a, b`; broken: one a line, with a trailing comma.
    Comma,
    /// `a, b` flat; broken: one a line, no commas (match arms).
    CommaOrLine,
}

struct Brackets {
    open: &'static str,
    close: &'static str,
    /// `{ a }` rather than `{a}` when flat.
    padded: bool,
    sep: Sep,
    /// Whether a broken sequence ends with a comma (not after a record type's `..`).
    trailing_comma: bool,
    /// The whole construct, to find comments before its closer and whether the
    /// author broke it.
    span: Span,
}

/// The parts one after the other, as a balanced tree of appends: a long list
/// or file is not one chain as deep as it is long (which would overflow the
/// stack when the document is dropped).
fn concat(mut parts: Vec<Doc>) -> Doc {
    fn halves(parts: &mut Vec<Doc>, from: usize) -> Doc {
        let len = parts.len() - from;
        match len {
            0 => RcDoc::nil(),
            1 => parts.pop().unwrap_or_else(RcDoc::nil),
            _ => {
                let right = halves(parts, from + len / 2);
                let left = halves(parts, from);
                left.append(right)
            }
        }
    }
    halves(&mut parts, 0)
}

fn text(s: impl Into<String>) -> Doc {
    RcDoc::text(s.into())
}

/// Text that does not count toward the line width: a comment never makes the
/// code before it break.
fn width_free(s: &str) -> Doc {
    RcDoc::from(pretty::Doc::RenderLen(
        0,
        RcDoc::from(pretty::Doc::OwnedText(s.into())),
    ))
}

impl<'a> Printer<'a> {
    fn slice(&self, span: Span) -> &'a str {
        &self.src[span.range()]
    }

    /// Whether the author started a new line right after the opener at `span.start`.
    fn broken_in_source(&self, span: Span) -> bool {
        let after_open = &self.src[span.start as usize + 1..span.end as usize];
        let first = after_open.trim_start_matches([' ', '\t', '\r']);
        first.starts_with('\n') || first.starts_with("//")
    }

    fn has_blank_line(&self, from: u32, to: u32) -> bool {
        let to = to.min(self.src.len() as u32);
        if from >= to {
            return false;
        }
        let gap = &self.src[from as usize..to as usize];
        gap.split('\n')
            .skip(1)
            .collect::<Vec<_>>()
            .split_last()
            .is_some_and(|(_, middle)| middle.iter().any(|line| line.trim().is_empty()))
    }

    /// Comments not printed yet that start before `offset`, each on its own line
    /// (blank lines between them kept), ending with a line break: what comes
    /// before an entry.
    fn comments_before(&self, offset: u32) -> Option<Doc> {
        let (doc, end) = self.comment_lines(offset)?;
        let doc = doc.append(RcDoc::hardline());
        // A blank line between the comments and what follows them stays.
        if self.has_blank_line(end, offset) && offset != u32::MAX {
            return Some(doc.append(RcDoc::hardline()));
        }
        Some(doc)
    }

    /// The comments before a closing bracket at `closer`, without a line break
    /// after the last one: the caller breaks the line before the closer, so a
    /// blank line is never added there (formatting stays idempotent).
    fn comments_before_closer(&self, closer: u32) -> Option<Doc> {
        self.comment_lines(closer).map(|(doc, _)| doc)
    }

    /// The comments not printed yet that start before `offset`, separated by line
    /// breaks (and the blank lines between them), and where the last one ends.
    fn comment_lines(&self, offset: u32) -> Option<(Doc, u32)> {
        let mut doc: Option<Doc> = None;
        let mut previous_end = None;
        while let Some(comment) = self
            .comments
            .get(self.next_comment.get())
            .filter(|c| c.span.start < offset)
        {
            self.next_comment.set(self.next_comment.get() + 1);
            let line = width_free(self.slice(comment.span).trim_end());
            doc = Some(match (doc, previous_end) {
                (None, _) => line,
                (Some(d), Some(end)) if self.has_blank_line(end, comment.span.start) => d
                    .append(RcDoc::hardline())
                    .append(RcDoc::hardline())
                    .append(line),
                (Some(d), _) => d.append(RcDoc::hardline()).append(line),
            });
            previous_end = Some(comment.span.end);
        }
        Some((doc?, previous_end?))
    }

    /// The comment at the end of the line that ends at `after`, if there is one;
    /// the caller puts it after a space and breaks the line after it.
    fn trailing_comment(&self, after: u32) -> Option<Doc> {
        let comment = self.comments.get(self.next_comment.get())?;
        let gap = self.src.get(after as usize..comment.span.start as usize)?;
        if !comment.trailing || !gap.trim_matches([' ', '\t', ',', ';']).is_empty() {
            return None;
        }
        self.next_comment.set(self.next_comment.get() + 1);
        Some(text(" ").append(width_free(self.slice(comment.span).trim_end())))
    }

    /// Statements or items, one a line, blank lines kept, comments kept.
    fn lines(&self, entries: Vec<Entry<'_>>, start: u32) -> Doc {
        let mut doc: Vec<Doc> = Vec::with_capacity(entries.len() * 2);
        let mut previous_end = start;
        let mut first = true;
        for entry in entries {
            let leading_start = self
                .comments
                .get(self.next_comment.get())
                .map_or(entry.span.start, |c| c.span.start.min(entry.span.start));
            if !first {
                doc.push(RcDoc::hardline());
                if self.has_blank_line(previous_end, leading_start) {
                    doc.push(RcDoc::hardline());
                }
            }
            if let Some(comments) = self.comments_before(entry.span.start) {
                doc.push(comments);
            }
            doc.push((entry.doc)());
            if let Some(comment) = self.trailing_comment(entry.span.end) {
                doc.push(comment);
            }
            previous_end = entry.span.end;
            first = false;
        }
        concat(doc)
    }

    /// A bracketed sequence: flat when it fits and the author did not break it.
    fn bracketed(&self, b: Brackets, entries: Vec<Entry<'_>>) -> Doc {
        let count = entries.len();
        let closer_at = b.span.end.saturating_sub(b.close.len() as u32);
        if count == 0 {
            return match self.comments_before_closer(closer_at) {
                Some(comments) => text(b.open)
                    .append(RcDoc::hardline().append(comments).nest(INDENT))
                    .append(RcDoc::hardline())
                    .append(text(b.close)),
                None => text(b.open).append(text(b.close)),
            };
        }
        let mut forced = self.broken_in_source(b.span);
        let mut inner: Vec<Doc> = Vec::with_capacity(count * 3);
        for (i, entry) in entries.into_iter().enumerate() {
            if let Some(comments) = self.comments_before(entry.span.start) {
                forced = true;
                inner.push(comments);
            }
            inner.push((entry.doc)());
            let last = i + 1 == count;
            let sep = match (b.sep, last) {
                (Sep::Comma, false) => text(","),
                (Sep::Comma, true) if b.trailing_comma => text(",").flat_alt(RcDoc::nil()),
                (Sep::Comma, true) => RcDoc::nil(),
                (Sep::CommaOrLine, false) => RcDoc::nil().flat_alt(text(",")),
                (Sep::CommaOrLine, true) => RcDoc::nil(),
            };
            inner.push(sep);
            if let Some(comment) = self.trailing_comment(entry.span.end) {
                forced = true;
                inner.push(comment);
            }
            if !last {
                inner.push(RcDoc::line());
            }
        }
        if let Some(comments) = self.comments_before_closer(closer_at) {
            forced = true;
            inner.push(RcDoc::hardline());
            inner.push(comments);
        }
        let inner = concat(inner);
        let edge = if forced {
            RcDoc::hardline()
        } else if b.padded {
            RcDoc::line()
        } else {
            RcDoc::line_()
        };
        text(b.open)
            .append(edge.clone().append(inner).nest(INDENT))
            .append(edge)
            .append(text(b.close))
            .group()
    }
}
