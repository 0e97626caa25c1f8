//! Byte offsets <-> LSP positions.
//!
//! The compiler speaks byte offsets into UTF-8 text; the protocol speaks lines and
//! characters, where a "character" is a code unit of the negotiated encoding
//! (UTF-16 unless the client offers UTF-8 or UTF-32). Lines end at `\n`, `\r\n` or a
//! lone `\r`, as the protocol says. A position past the end of its line means the
//! end of the line; a line past the end of the text means the end of the text; an
//! offset inside a line break or a character counts as the place just before it.

use ferry_compiler::source::Span;
use std::sync::Arc;
use tower_lsp_server::ls_types::{Position, PositionEncodingKind, Range};

/// What a position's `character` counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Encoding {
    Utf8,
    #[default]
    Utf16,
    Utf32,
}

impl Encoding {
    /// The server's pick from the client's `general.positionEncodings`: UTF-8 when
    /// offered (no conversion at all), then UTF-32 (whole characters), else UTF-16,
    /// which every client supports.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        let offered = offered.unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            Encoding::Utf8
        } else if offered.contains(&PositionEncodingKind::UTF32) {
            Encoding::Utf32
        } else {
            Encoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
            Encoding::Utf32 => PositionEncodingKind::UTF32,
        }
    }

    fn units(self, c: char) -> usize {
        match self {
            Encoding::Utf8 => c.len_utf8(),
            Encoding::Utf16 => c.len_utf16(),
            Encoding::Utf32 => 1,
        }
    }

    /// The length of `text` in this encoding's units.
    pub fn len(self, text: &str) -> usize {
        match self {
            Encoding::Utf8 => text.len(),
            _ if text.is_ascii() => text.len(),
            Encoding::Utf16 => text.chars().map(char::len_utf16).sum(),
            Encoding::Utf32 => text.chars().count(),
        }
    }
}

/// A document's text with the offsets where its lines start.
#[derive(Clone, Debug)]
pub struct Text {
    text: Arc<str>,
    /// The offset of every line's first byte; the first is 0.
    line_starts: Vec<u32>,
}

impl Text {
    pub fn new(text: impl Into<Arc<str>>) -> Text {
        let text = text.into();
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => line_starts.push(i as u32 + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    line_starts.push(i as u32 + 2);
                    i += 1;
                }
                b'\r' => line_starts.push(i as u32 + 1),
                _ => {}
            }
            i += 1;
        }
        Text { text, line_starts }
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn arc(&self) -> Arc<str> {
        self.text.clone()
    }

    #[cfg(test)]
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// The offset of a line's first byte; the end of the text past the last line.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.text.len(), |&start| start as usize)
    }

    /// The byte range of a line's text, without its line break.
    fn line_bounds(&self, line: usize) -> (usize, usize) {
        let start = self.line_starts[line] as usize;
        let end = match self.line_starts.get(line + 1) {
            Some(&next) => {
                let next = next as usize;
                let bytes = self.text.as_bytes();
                if next >= 2 && &bytes[next - 2..next] == b"\r\n" {
                    next - 2
                } else {
                    next - 1
                }
            }
            None => self.text.len(),
        };
        (start, end)
    }

    /// The text of a line, without its line break.
    #[cfg(test)]
    pub fn line(&self, line: usize) -> &str {
        let (start, end) = self.line_bounds(line);
        &self.text[start..end]
    }

    /// The zero-based line that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.text.len()) as u32;
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let line = self.line_of(offset);
        let (start, end) = self.line_bounds(line);
        let mut offset = offset.clamp(start, end);
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        Position {
            line: line as u32,
            character: encoding.len(&self.text[start..offset]) as u32,
        }
    }

    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        if line >= self.line_starts.len() {
            return self.text.len();
        }
        let (start, end) = self.line_bounds(line);
        let wanted = position.character as usize;
        if encoding == Encoding::Utf8 {
            let mut offset = (start + wanted).min(end);
            while !self.text.is_char_boundary(offset) {
                offset -= 1;
            }
            return offset;
        }
        let mut units = 0;
        for (i, c) in self.text[start..end].char_indices() {
            if units >= wanted {
                return start + i;
            }
            units += encoding.units(c);
            if units > wanted {
                // Inside a surrogate pair: the place before the character.
                return start + i;
            }
        }
        end
    }

    pub fn range(&self, span: Span, encoding: Encoding) -> Range {
        Range {
            start: self.position(span.start as usize, encoding),
            end: self.position(span.end as usize, encoding),
        }
    }

    /// The byte span of a range, its ends in order.
    pub fn span(&self, range: Range, encoding: Encoding) -> Span {
        let start = self.offset(range.start, encoding);
        let end = self.offset(range.end, encoding);
        Span::new(start.min(end), start.max(end))
    }

    /// The text with `range` replaced by `replacement` (an incremental change).
    pub fn edit(&self, range: Range, replacement: &str, encoding: Encoding) -> Text {
        let span = self.span(range, encoding);
        let mut text = String::with_capacity(self.text.len() + replacement.len());
        text.push_str(&self.text[..span.start as usize]);
        text.push_str(replacement);
        text.push_str(&self.text[span.end as usize..]);
        Text::new(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn line_ends_are_lf_crlf_and_lone_cr() {
        let text = Text::new("a\nb\r\nc\rd");
        assert_eq!(text.line_count(), 4);
        assert_eq!(
            (0..4).map(|l| text.line(l)).collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
        assert_eq!(text.offset(pos(2, 0), Encoding::Utf16), 5);
        assert_eq!(text.position(7, Encoding::Utf16), pos(3, 0));
        // Inside `\r\n`: the end of the line.
        assert_eq!(text.position(4, Encoding::Utf16), pos(1, 1));
    }

    #[test]
    fn characters_count_in_the_negotiated_encoding() {
        // Ω is 2 bytes and 1 UTF-16 unit; 😀 is 4 bytes and 2 UTF-16 units.
        let text = Text::new("x\r\nΩ😀y = 1\r\n");
        let y = text.as_str().find('y').unwrap();
        assert_eq!(text.position(y, Encoding::Utf16), pos(1, 3));
        assert_eq!(text.position(y, Encoding::Utf8), pos(1, 6));
        assert_eq!(text.position(y, Encoding::Utf32), pos(1, 2));
        for encoding in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            assert_eq!(text.offset(text.position(y, encoding), encoding), y);
        }
        // Between the two halves of a surrogate pair: before the emoji.
        assert_eq!(text.offset(pos(1, 2), Encoding::Utf16), y - 4);
        // Past the end of the line: its end, before `\r\n`.
        assert_eq!(text.offset(pos(1, 99), Encoding::Utf16), y + 5);
        // Past the last line: the end of the text.
        assert_eq!(text.offset(pos(9, 0), Encoding::Utf16), text.as_str().len());
    }

    #[test]
    fn incremental_edits_replace_ranges() {
        let text = Text::new("let a = 1\r\nlet b = 2\r\n");
        let range = Range {
            start: pos(0, 4),
            end: pos(1, 5),
        };
        let edited = text.edit(range, "é =\r\nlet ü", Encoding::Utf16);
        assert_eq!(edited.as_str(), "let é =\r\nlet ü = 2\r\n");
        assert_eq!(edited.line_count(), 3);
    }

    #[test]
    fn negotiation_prefers_utf8_then_utf32_then_utf16() {
        let offered = [PositionEncodingKind::UTF16, PositionEncodingKind::UTF8];
        assert_eq!(Encoding::negotiate(Some(&offered)), Encoding::Utf8);
        assert_eq!(
            Encoding::negotiate(Some(&[
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF32
            ])),
            Encoding::Utf32
        );
        assert_eq!(Encoding::negotiate(None), Encoding::Utf16);
    }
}
