//! `textDocument/formatting` with the compiler's formatter.
//!
//! The answer is one edit that replaces only the lines that change (the lines the
//! old and new texts share at the start and the end are left alone, so the cursor
//! and folds outside the change stay put), or no edit when the file is formatted.
//! A file that does not parse is not formatted: `None`, and no error.

use crate::documents::Snapshot;
use crate::positions::Encoding;
use ferry_compiler::source::Span;
use tower_lsp_server::ls_types::TextEdit;

pub fn format(snapshot: &Snapshot, encoding: Encoding) -> Option<Vec<TextEdit>> {
    let old = snapshot.text.as_str();
    let new = ferry_compiler::fmt::format(old).ok()?;
    Some(
        minimal_edit(old, &new)
            .map(|(span, new_text)| TextEdit {
                range: snapshot.text.range(span, encoding),
                new_text,
            })
            .into_iter()
            .collect(),
    )
}

/// The span of `old` to replace, and its replacement, to turn `old` into `new`,
/// in whole lines (each with its line break).
fn minimal_edit(old: &str, new: &str) -> Option<(Span, String)> {
    if old == new {
        return None;
    }
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = old_lines
        .iter()
        .zip(&new_lines)
        .take_while(|(a, b)| a == b)
        .count();
    let suffix = old_lines[prefix..]
        .iter()
        .rev()
        .zip(new_lines[prefix..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let start: usize = old_lines[..prefix].iter().map(|l| l.len()).sum();
    let end = old.len()
        - old_lines[old_lines.len() - suffix..]
            .iter()
            .map(|l| l.len())
            .sum::<usize>();
    let replacement = new_lines[prefix..new_lines.len() - suffix].concat();
    Some((Span::new(start, end), replacement))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_changed_lines_are_replaced() {
        let old = "a\nb  \nc\nd\n";
        let new = "a\nb\nc\nd\n";
        assert_eq!(
            minimal_edit(old, new),
            Some((Span::new(2, 6), "b\n".into()))
        );
        assert_eq!(minimal_edit(new, new), None);
        // A missing final line break: the last line is replaced.
        assert_eq!(
            minimal_edit("x\ny", "x\ny\n"),
            Some((Span::new(2, 3), "y\n".into()))
        );
        // Line breaks change: every line is replaced.
        assert_eq!(
            minimal_edit("x\r\ny\r\n", "x\ny\n"),
            Some((Span::new(0, 6), "x\ny\n".into()))
        );
    }
}
