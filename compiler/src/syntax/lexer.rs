//! The lexer: source text to tokens, comments to a side table.
//!
//! It also balances delimiters, so the parser always sees a well-nested stream: an
//! unclosed `{` is closed where the next top-level declaration starts at column 0
//! (or at the end of the file), and a stray closer is dropped, each with one
//! diagnostic. Line breaks become `Newline` tokens only where they end a statement
//! (see `docs/syntax.md`).

use super::token::{Keyword, Token};
use crate::codes;
use crate::diagnostics::Diagnostic;
use crate::source::{SourceId, Span};

/// A `//` comment, or a `///` doc comment, with its span (the slashes included).
#[derive(Clone, Debug, PartialEq)]
pub struct Comment {
    pub span: Span,
    pub doc: bool,
    /// Whether code precedes the comment on its line (`x = 1 // why`).
    pub trailing: bool,
}

pub struct Lexed<'src> {
    pub tokens: Vec<(Token<'src>, Span)>,
    pub comments: Vec<Comment>,
    pub diagnostics: Vec<Diagnostic>,
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum Delim {
    Paren,
    Bracket,
    Brace,
    /// `${` inside a string; the offset is where the string started.
    Interp {
        string_start: usize,
    },
}

impl Delim {
    fn closer(self) -> Token<'static> {
        match self {
            Delim::Paren => Token::RParen,
            Delim::Bracket => Token::RBracket,
            Delim::Brace => Token::RBrace,
            Delim::Interp { .. } => Token::InterpClose,
        }
    }

    fn text(self) -> &'static str {
        match self {
            Delim::Paren => "(",
            Delim::Bracket => "[",
            Delim::Brace => "{",
            Delim::Interp { .. } => "${",
        }
    }
}

pub fn lex(src: &str, file: SourceId) -> Lexed<'_> {
    let mut lexer = Lexer {
        src,
        bytes: src.as_bytes(),
        // A UTF-8 byte order mark at the start (some Windows editors write one)
        // is not part of the text.
        pos: if src.starts_with('\u{feff}') { 3 } else { 0 },
        file,
        tokens: Vec::with_capacity(src.len() / 4),
        comments: Vec::new(),
        diagnostics: Vec::new(),
        stack: Vec::new(),
        line_has_code: false,
    };
    lexer.run();
    Lexed {
        tokens: lexer.tokens,
        comments: lexer.comments,
        diagnostics: lexer.diagnostics,
    }
}

struct Lexer<'src> {
    src: &'src str,
    bytes: &'src [u8],
    pos: usize,
    file: SourceId,
    tokens: Vec<(Token<'src>, Span)>,
    comments: Vec<Comment>,
    diagnostics: Vec<Diagnostic>,
    /// Open delimiters with the span of their opener.
    stack: Vec<(Delim, Span)>,
    line_has_code: bool,
}

/// The declarations that start a line at column 0; meeting one while a `{` is open
/// means that `{` was never closed.
fn starts_declaration(rest: &str) -> bool {
    let word_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let (word, after) = rest.split_at(word_end);
    let next = after.trim_start_matches([' ', '\t']).chars().next();
    let next_is_name = next.is_some_and(|c| c.is_ascii_alphabetic() || c == '_');
    match word {
        "fn" | "type" | "const" | "op" | "use" | "trigger" | "adaptor" => next_is_name,
        "test" => next == Some('"'),
        "config" | "errors" => next == Some('{'),
        _ => false,
    }
}

/// Keywords that can only start a statement, never continue an expression.
fn starts_statement(rest: &str) -> bool {
    let word_end = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    matches!(
        &rest[..word_end],
        "let"
            | "var"
            | "for"
            | "while"
            | "return"
            | "skip"
            | "fail"
            | "log"
            | "warn"
            | "output"
            | "try"
    )
}

impl<'src> Lexer<'src> {
    fn peek(&self) -> u8 {
        self.bytes.get(self.pos).copied().unwrap_or(0)
    }

    fn peek_at(&self, n: usize) -> u8 {
        self.bytes.get(self.pos + n).copied().unwrap_or(0)
    }

    fn error(
        &mut self,
        code: &'static str,
        span: Span,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.diagnostics
            .push(Diagnostic::error(code, self.file, span, message));
        self.diagnostics.last_mut().unwrap()
    }

    fn push(&mut self, token: Token<'src>, start: usize) {
        self.tokens.push((token, Span::new(start, self.pos)));
        self.line_has_code = true;
    }

    fn run(&mut self) {
        while self.pos < self.bytes.len() {
            let start = self.pos;
            let c = self.peek();
            match c {
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'\n' => {
                    self.close_interpolation_at_line_end();
                    self.line_break();
                }
                b'/' if self.peek_at(1) == b'/' => self.comment(),
                b'"' if self.in_interpolation()
                    && !self.src[start + 1..self.line_end()].contains('"') =>
                {
                    self.close_interpolation_at(start)
                }
                b'"' => self.string(start),
                b'\'' => self.single_quoted(start),
                b'0'..=b'9' => self.number(start),
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => self.word(start),
                _ => self.punct(start, c),
            }
        }
        self.close_interpolation_at_line_end();
        self.close_down_to(0, Span::empty(self.bytes.len()));
    }

    fn in_interpolation(&self) -> bool {
        matches!(self.stack.last(), Some((Delim::Interp { .. }, _)))
    }

    fn line_end(&self) -> usize {
        self.src[self.pos..]
            .find('\n')
            .map_or(self.src.len(), |i| self.pos + i)
    }

    /// A `"` inside `${…}` with no other quote after it on the line ends the
    /// string: the `}` is missing.
    fn close_interpolation_at(&mut self, quote: usize) {
        let index = self.stack.len() - 1;
        self.close_down_to(index, Span::empty(quote));
        self.pos = quote + 1;
        if let Some((_, span)) = self.tokens.last_mut() {
            *span = Span::new(quote, quote + 1);
        }
    }

    /// `'text'`: reported once, with a fix, and read as the string it means.
    fn single_quoted(&mut self, start: usize) {
        let end = self.src[start + 1..self.line_end()]
            .find('\'')
            .map(|i| start + 1 + i);
        let Some(end) = end else {
            return self.invalid_char(start);
        };
        self.pos = end + 1;
        let body = &self.src[start + 1..end];
        let span = Span::new(start, self.pos);
        let fixed = format!("\"{}\"", body.replace('"', "\\\""));
        let diagnostic = Diagnostic::error(
            codes::INVALID_CHARACTER,
            self.file,
            span,
            "strings are written with double quotes",
        )
        .with_label("single quotes")
        .with_replacement("use double quotes", fixed);
        self.diagnostics.push(diagnostic);
        self.push(Token::Str(body), start);
    }

    /// A string never spans lines, so a `${` still open at a line break is unclosed.
    fn close_interpolation_at_line_end(&mut self) {
        if let Some(index) = self
            .stack
            .iter()
            .position(|(d, _)| matches!(d, Delim::Interp { .. }))
        {
            self.close_down_to(index, Span::empty(self.pos));
        }
    }

    /// Closes every delimiter from `stack[index]` up, with one diagnostic for the
    /// innermost: that is where the text went wrong, and the rest is the same mistake.
    fn close_down_to(&mut self, index: usize, at: Span) {
        if let Some(&(delim, open)) = self.stack.last().filter(|_| self.stack.len() > index) {
            self.report_unclosed(delim, open, at);
        }
        while self.stack.len() > index {
            let (delim, _) = self.stack.pop().unwrap();
            self.tokens.push((delim.closer(), at));
            if let Delim::Interp { .. } = delim {
                self.tokens.push((Token::StrEnd, at));
            }
        }
    }

    fn report_unclosed(&mut self, delim: Delim, open: Span, at: Span) {
        let code = match delim {
            Delim::Interp { .. } => codes::UNCLOSED_INTERPOLATION,
            _ => codes::UNCLOSED_DELIMITER,
        };
        let (text, closer) = (delim.text(), delim.closer_text());
        let diagnostic = Diagnostic::error(
            code,
            self.file,
            open,
            format!("this `{text}` is never closed"),
        )
        .with_label(format!("unclosed `{text}`"))
        .with_secondary(self.file, at, format!("expected `{closer}` before here"));
        self.diagnostics.push(diagnostic);
    }

    fn comment(&mut self) {
        let start = self.pos;
        let doc =
            self.bytes.get(start + 2) == Some(&b'/') && self.bytes.get(start + 3) != Some(&b'/');
        while self.pos < self.bytes.len() && self.peek() != b'\n' {
            self.pos += 1;
        }
        let mut end = self.pos;
        if end > start && self.bytes[end - 1] == b'\r' {
            end -= 1;
        }
        self.comments.push(Comment {
            span: Span::new(start, end),
            doc,
            trailing: self.line_has_code,
        });
    }

    /// Handles a run of line breaks, blank lines and comment lines at once, then
    /// decides whether it ends a statement.
    fn line_break(&mut self) {
        let break_at = self.pos;
        loop {
            match self.peek() {
                b'\n' => {
                    self.pos += 1;
                    self.line_has_code = false;
                }
                b' ' | b'\t' | b'\r' => self.pos += 1,
                b'/' if self.peek_at(1) == b'/' => self.comment(),
                _ => break,
            }
        }
        let at_line_start = self.bytes[self.pos - 1] == b'\n';
        if at_line_start && !self.stack.is_empty() && starts_declaration(&self.src[self.pos..]) {
            self.close_down_to(0, Span::empty(break_at));
        } else if let Some(index) = self.unclosed_before_statement() {
            self.close_down_to(index, Span::empty(break_at));
        }
        if matches!(self.stack.last(), Some((Delim::Paren | Delim::Bracket, _))) {
            return;
        }
        let Some(&(last, _)) = self.tokens.last() else {
            return;
        };
        // `x.` at the end of a line goes on to a field name on the next, unless
        // that line starts a statement: then the `.` was left unfinished.
        let unfinished_member = matches!(last, Token::Dot | Token::QuestionDot)
            && (starts_statement(&self.src[self.pos..])
                || starts_declaration(&self.src[self.pos..]));
        if last.continues_line() && !unfinished_member {
            return;
        }
        let rest = &self.bytes[self.pos..];
        let continues = match rest {
            [b'.', b'.', ..] => false,
            [b'.', ..] | [b'?', b'.', ..] | [b'?', b'?', ..] | [b'|', ..] => true,
            _ => false,
        };
        if !continues {
            self.tokens
                .push((Token::Newline, Span::new(break_at, break_at + 1)));
        }
    }

    /// Inside `(` or `[` a line that starts with a statement keyword, indented no
    /// deeper than the line of the opener, means the opener was never closed:
    /// statements cannot appear there. Returns the index of that opener.
    fn unclosed_before_statement(&self) -> Option<usize> {
        let (delim, open) = *self.stack.last()?;
        if !matches!(delim, Delim::Paren | Delim::Bracket)
            || !starts_statement(&self.src[self.pos..])
        {
            return None;
        }
        let line_start = self.src[..self.pos].rfind('\n').map_or(0, |i| i + 1);
        let indent = self.pos - line_start;
        (indent <= self.indent_of_line(open.start as usize)).then_some(self.stack.len() - 1)
    }

    fn indent_of_line(&self, offset: usize) -> usize {
        let line_start = self.src[..offset].rfind('\n').map_or(0, |i| i + 1);
        self.bytes[line_start..]
            .iter()
            .take_while(|b| matches!(b, b' ' | b'\t'))
            .count()
    }

    fn word(&mut self, start: usize) {
        while matches!(self.peek(), b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_') {
            self.pos += 1;
        }
        let text = &self.src[start..self.pos];
        let token = match Keyword::parse(text) {
            Some(kw) => Token::Kw(kw),
            None => Token::Ident(text),
        };
        self.push(token, start);
    }

    fn digits(&mut self) {
        while matches!(self.peek(), b'0'..=b'9' | b'_') {
            self.pos += 1;
        }
    }

    fn number(&mut self, start: usize) {
        self.digits();
        let mut float = false;
        if self.peek() == b'.' && self.peek_at(1).is_ascii_digit() {
            float = true;
            self.pos += 1;
            self.digits();
        }
        if matches!(self.peek(), b'e' | b'E') {
            let sign = usize::from(matches!(self.peek_at(1), b'+' | b'-'));
            if self.peek_at(1 + sign).is_ascii_digit() {
                float = true;
                self.pos += 1 + sign;
                self.digits();
            }
        }
        let number_end = self.pos;
        let suffix_start = self.pos;
        while self.peek().is_ascii_alphanumeric() || self.peek() == b'_' {
            self.pos += 1;
        }
        let suffix = &self.src[suffix_start..self.pos];
        let text = &self.src[start..self.pos];
        let token = match (suffix, float) {
            ("", true) => Token::Float(text),
            ("", false) => Token::Int(text),
            ("ms" | "s" | "m" | "h" | "d", false) => Token::Duration(text),
            _ => {
                let span = Span::new(start, self.pos);
                let message = if float && matches!(suffix, "ms" | "s" | "m" | "h" | "d") {
                    format!("a duration takes a whole number: `{text}`")
                } else {
                    format!("`{suffix}` is not a number suffix")
                };
                self.error(codes::INVALID_NUMBER, span, message)
                    .notes
                    .push("durations are written `500ms`, `30s`, `15m`, `2h` or `1d`".into());
                if float {
                    Token::Float(&self.src[start..number_end])
                } else {
                    Token::Int(&self.src[start..number_end])
                }
            }
        };
        self.push(token, start);
    }

    fn punct(&mut self, start: usize, c: u8) {
        let two = [c, self.peek_at(1)];
        let (token, len) = match &two {
            b"?." => (Token::QuestionDot, 2),
            b"??" => (Token::QuestionQuestion, 2),
            b".." => (Token::DotDot, 2),
            b"->" => (Token::Arrow, 2),
            b"=>" => (Token::FatArrow, 2),
            b"==" => (Token::EqEq, 2),
            b"!=" => (Token::NotEq, 2),
            b"<=" => (Token::Le, 2),
            b">=" => (Token::Ge, 2),
            _ => match c {
                b'(' => (Token::LParen, 1),
                b')' => (Token::RParen, 1),
                b'[' => (Token::LBracket, 1),
                b']' => (Token::RBracket, 1),
                b'{' => (Token::LBrace, 1),
                b'}' => (Token::RBrace, 1),
                b',' => (Token::Comma, 1),
                b';' => (Token::Semi, 1),
                b':' => (Token::Colon, 1),
                b'.' => (Token::Dot, 1),
                b'?' => (Token::Question, 1),
                b'=' => (Token::Eq, 1),
                b'<' => (Token::Lt, 1),
                b'>' => (Token::Gt, 1),
                b'+' => (Token::Plus, 1),
                b'-' => (Token::Minus, 1),
                b'*' => (Token::Star, 1),
                b'/' => (Token::Slash, 1),
                b'%' => (Token::Percent, 1),
                b'|' => (Token::Pipe, 1),
                _ => return self.invalid_char(start),
            },
        };
        self.pos += len;
        let span = Span::new(start, self.pos);
        match token {
            Token::LParen => self.stack.push((Delim::Paren, span)),
            Token::LBracket => self.stack.push((Delim::Bracket, span)),
            Token::LBrace => self.stack.push((Delim::Brace, span)),
            Token::RParen | Token::RBracket | Token::RBrace => return self.close(token, span),
            _ => {}
        }
        self.push(token, start);
    }

    fn invalid_char(&mut self, start: usize) {
        let c = self.src[start..].chars().next().unwrap();
        self.pos += c.len_utf8();
        // A run of the same character is one error (100,000 NUL bytes are one).
        let mut count = 1;
        while self.src[self.pos..].starts_with(c) {
            self.pos += c.len_utf8();
            count += 1;
        }
        let span = Span::new(start, self.pos);
        let hint = match c {
            '&' => Some("use `and`"),
            '!' => Some("use `not`"),
            '#' => Some("comments start with `//`"),
            '“' | '”' => Some("use a straight double quote `\"`"),
            c if c.is_alphabetic() => {
                Some("names use ASCII letters, digits and `_`; other text belongs in a string")
            }
            _ => None,
        };
        let shown: String = if c.is_control() {
            c.escape_unicode().collect()
        } else {
            c.to_string()
        };
        let message = match count {
            1 => format!("unexpected character `{shown}`"),
            n => format!("unexpected character `{shown}`, {n} times"),
        };
        let diagnostic = self.error(codes::INVALID_CHARACTER, span, message);
        if let Some(hint) = hint {
            diagnostic.notes.push(hint.into());
        }
    }

    fn close(&mut self, token: Token<'src>, span: Span) {
        let wanted = match token {
            Token::RParen => Delim::Paren,
            Token::RBracket => Delim::Bracket,
            _ => Delim::Brace,
        };
        let innermost_interp = self
            .stack
            .iter()
            .rposition(|(d, _)| matches!(d, Delim::Interp { .. }));
        let opener = self.stack.iter().rposition(|(d, _)| *d == wanted);
        match (opener, innermost_interp) {
            // The opener is inside the current interpolation (or there is none).
            (Some(index), interp) if interp.is_none_or(|i| i < index) => {
                self.close_down_to(index + 1, Span::empty(span.start as usize));
                self.stack.pop();
                self.push(token, span.start as usize);
            }
            (_, Some(interp)) if wanted == Delim::Brace => {
                self.close_down_to(interp + 1, Span::empty(span.start as usize));
                let Some((Delim::Interp { string_start }, _)) = self.stack.pop() else {
                    return;
                };
                self.push(Token::InterpClose, span.start as usize);
                self.string_rest(span.end as usize, string_start);
            }
            _ => {
                // A run of closers that close nothing is one error: a file of
                // `)]}` is not thousands of them.
                if let Some(last) = self.diagnostics.last_mut()
                    && last.code == codes::UNMATCHED_DELIMITER
                    && self.src[last.span.end as usize..span.start as usize]
                        .trim()
                        .is_empty()
                {
                    last.span.end = span.end;
                    last.message = "these closers close nothing".into();
                    last.label = "unexpected closers".into();
                    return;
                }
                let closer = wanted.closer_text();
                self.error(
                    codes::UNMATCHED_DELIMITER,
                    span,
                    format!("this `{closer}` closes nothing"),
                )
                .label = format!("unexpected `{closer}`");
            }
        }
    }

    /// A string literal. Without `${…}` it is one `Str` token; with it, the parts.
    fn string(&mut self, start: usize) {
        self.pos += 1;
        match self.string_body() {
            StringEnd::Quote(body_end) => {
                self.push(Token::Str(&self.src[start + 1..body_end]), start);
            }
            StringEnd::Interp(body_end) => {
                self.tokens
                    .push((Token::StrStart, Span::new(start, start + 1)));
                if body_end > start + 1 {
                    self.tokens.push((
                        Token::StrPart(&self.src[start + 1..body_end]),
                        Span::new(start + 1, body_end),
                    ));
                }
                self.open_interp(start, body_end);
            }
            StringEnd::Unterminated(body_end) => {
                self.report_unterminated(start, body_end);
                self.tokens.push((
                    Token::Str(&self.src[start + 1..body_end]),
                    Span::new(start, body_end),
                ));
                self.line_has_code = true;
            }
        }
    }

    /// The rest of an interpolated string after a `}`.
    fn string_rest(&mut self, start: usize, string_start: usize) {
        match self.string_body() {
            StringEnd::Quote(body_end) => {
                if body_end > start {
                    self.tokens.push((
                        Token::StrPart(&self.src[start..body_end]),
                        Span::new(start, body_end),
                    ));
                }
                self.tokens
                    .push((Token::StrEnd, Span::new(body_end, self.pos)));
            }
            StringEnd::Interp(body_end) => {
                if body_end > start {
                    self.tokens.push((
                        Token::StrPart(&self.src[start..body_end]),
                        Span::new(start, body_end),
                    ));
                }
                self.open_interp(string_start, body_end);
            }
            StringEnd::Unterminated(body_end) => {
                self.report_unterminated(string_start, body_end);
                if body_end > start {
                    self.tokens.push((
                        Token::StrPart(&self.src[start..body_end]),
                        Span::new(start, body_end),
                    ));
                }
                self.tokens.push((Token::StrEnd, Span::empty(body_end)));
            }
        }
        self.line_has_code = true;
    }

    fn open_interp(&mut self, string_start: usize, at: usize) {
        let span = Span::new(at, at + 2);
        self.tokens.push((Token::InterpOpen, span));
        self.stack.push((Delim::Interp { string_start }, span));
    }

    fn report_unterminated(&mut self, start: usize, end: usize) {
        let diagnostic = self.error(
            codes::UNTERMINATED_STRING,
            Span::new(start, end),
            "this string is not closed",
        );
        diagnostic.label = "missing the closing `\"`".into();
        diagnostic
            .notes
            .push("a string ends on its own line; write a line break inside it as `\\n`".into());
    }

    /// Scans string text from `self.pos` to the closing quote, a `${`, or the end of the line.
    fn string_body(&mut self) -> StringEnd {
        loop {
            match self.peek() {
                b'"' => {
                    let end = self.pos;
                    self.pos += 1;
                    return StringEnd::Quote(end);
                }
                b'$' if self.peek_at(1) == b'{' => {
                    let end = self.pos;
                    self.pos += 2;
                    return StringEnd::Interp(end);
                }
                b'\\' => self.escape(),
                _ if self.pos >= self.bytes.len() || self.peek() == b'\n' => {
                    let mut end = self.pos;
                    if end > 0 && self.bytes[end - 1] == b'\r' {
                        end -= 1;
                    }
                    return StringEnd::Unterminated(end);
                }
                _ => self.pos += 1,
            }
        }
    }

    fn escape(&mut self) {
        let start = self.pos;
        self.pos += 1;
        match self.peek() {
            b'n' | b't' | b'r' | b'"' | b'\\' | b'$' | b'0' => self.pos += 1,
            b'u' => {
                self.pos += 1;
                if self.peek() != b'{' {
                    self.bad_escape(start, "`\\u` takes hex digits in braces: `\\u{1F600}`");
                    return;
                }
                self.pos += 1;
                let digits_start = self.pos;
                while self.peek().is_ascii_hexdigit() {
                    self.pos += 1;
                }
                let digits = &self.src[digits_start..self.pos];
                if self.peek() != b'}' {
                    self.bad_escape(start, "`\\u{…}` needs a closing `}` after its hex digits");
                    return;
                }
                self.pos += 1;
                let valid = !digits.is_empty()
                    && digits.len() <= 6
                    && u32::from_str_radix(digits, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .is_some();
                if !valid {
                    self.bad_escape(
                        start,
                        "`\\u{…}` must name a Unicode scalar value (up to 10FFFF, no surrogates)",
                    );
                }
            }
            _ if self.pos >= self.bytes.len() || self.peek() == b'\n' => {
                self.bad_escape(start, "a `\\` at the end of a line escapes nothing")
            }
            _ => {
                let c = self.src[self.pos..].chars().next().unwrap();
                self.pos += c.len_utf8();
                self.bad_escape(
                    start,
                    "the escapes are \\n \\t \\r \\\" \\\\ \\$ \\0 and \\u{…}",
                );
            }
        }
    }

    fn bad_escape(&mut self, start: usize, note: &str) {
        let span = Span::new(start, self.pos);
        let text = self.src[span.range()].to_string();
        let diagnostic = self.error(
            codes::INVALID_ESCAPE,
            span,
            format!("unknown escape `{text}`"),
        );
        diagnostic.notes.push(note.into());
    }
}

enum StringEnd {
    Quote(usize),
    Interp(usize),
    Unterminated(usize),
}

impl Delim {
    fn closer_text(self) -> &'static str {
        match self {
            Delim::Paren => ")",
            Delim::Bracket => "]",
            Delim::Brace | Delim::Interp { .. } => "}",
        }
    }
}
