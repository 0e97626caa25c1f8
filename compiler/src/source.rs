//! Source texts, byte spans, and the line/column arithmetic every consumer of a
//! span needs (terminal rendering, JSON diagnostics, the LSP's UTF-16 positions).

use std::fmt;
use std::sync::Arc;

/// A byte range in one source text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: start as u32,
            end: end as u32,
        }
    }

    pub fn empty(at: usize) -> Span {
        Span::new(at, at)
    }

    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn len(self) -> usize {
        (self.end - self.start) as usize
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: usize) -> bool {
        self.start as usize <= offset && offset <= self.end as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "@{}..{}", self.start, self.end)
    }
}

impl From<chumsky::span::SimpleSpan> for Span {
    fn from(span: chumsky::span::SimpleSpan) -> Span {
        Span::new(span.start, span.end)
    }
}

/// Which source a span belongs to.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default, PartialOrd, Ord)]
pub struct SourceId(pub u32);

/// One source text and where its lines start.
#[derive(Clone)]
pub struct Source {
    /// The path as the user wrote it, or `<builtin>/dhis2.ferry` for embedded files.
    pub name: String,
    pub text: Arc<str>,
    line_starts: Vec<u32>,
    /// Whether the text is all ASCII (a column is then a byte offset).
    ascii: bool,
}

/// A zero-based line and column.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

impl Source {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> Source {
        let text = text.into();
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i as u32 + 1))
            .collect();
        Source {
            name: name.into(),
            ascii: text.is_ascii(),
            text,
            line_starts,
        }
    }

    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }

    pub fn line_of(&self, offset: usize) -> usize {
        let offset = self.clamp(offset) as u32;
        self.line_starts.partition_point(|&start| start <= offset) - 1
    }

    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.text.len(), |&s| s as usize)
    }

    /// The text of a line without its line break.
    pub fn line_text(&self, line: usize) -> &str {
        let start = self.line_start(line);
        let end = self.line_start(line + 1).min(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }

    /// Line and column, the column counted in Unicode scalar values.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let before = &self.text[self.line_start(line)..offset];
        // Counting is linear in the line: for ASCII text the byte count is the
        // answer, so many diagnostics on one long line stay cheap.
        let col = if self.ascii {
            before.len()
        } else {
            before.chars().count()
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// Line and column, the column counted in UTF-16 code units (the LSP's default).
    pub fn line_col_utf16(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let col: usize = self.text[self.line_start(line)..offset]
            .chars()
            .map(char::len_utf16)
            .sum();
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The byte offset of a UTF-16 position; positions past the end of a line clamp to it.
    pub fn offset_of_utf16(&self, pos: LineCol) -> usize {
        let line = pos.line as usize;
        if line >= self.line_starts.len() {
            return self.text.len();
        }
        let start = self.line_start(line);
        let text = self.line_text(line);
        let mut units = 0;
        for (i, c) in text.char_indices() {
            if units >= pos.col as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + text.len()
    }
}

/// All sources of one compilation: the job, the adaptor files it uses.
#[derive(Clone, Default)]
pub struct SourceMap {
    sources: Vec<Source>,
}

impl SourceMap {
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    pub fn add(&mut self, name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceId {
        self.sources.push(Source::new(name, text));
        SourceId(self.sources.len() as u32 - 1)
    }

    pub fn get(&self, id: SourceId) -> &Source {
        &self.sources[id.0 as usize]
    }

    pub fn find(&self, name: &str) -> Option<SourceId> {
        self.sources
            .iter()
            .position(|s| s.name == name)
            .map(|i| SourceId(i as u32))
    }

    pub fn iter(&self) -> impl Iterator<Item = (SourceId, &Source)> {
        self.sources
            .iter()
            .enumerate()
            .map(|(i, s)| (SourceId(i as u32), s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_characters_and_utf16_units() {
        let source = Source::new("t", "ab\r\nΩ😀x\n");
        assert_eq!(source.line_col(0), LineCol { line: 0, col: 0 });
        let x = source.text.find('x').unwrap();
        assert_eq!(source.line_col(x), LineCol { line: 1, col: 2 });
        assert_eq!(source.line_col_utf16(x), LineCol { line: 1, col: 3 });
        assert_eq!(source.offset_of_utf16(LineCol { line: 1, col: 3 }), x);
        assert_eq!(source.line_text(0), "ab");
        assert_eq!(source.line_count(), 3);
    }
}
