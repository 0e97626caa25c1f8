//! The tokens the lexer produces and the parser consumes.

use std::fmt;

/// A token borrows its text from the source; string contents keep their escapes
/// (the lexer has already checked them) and are decoded by the parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Token<'src> {
    Ident(&'src str),
    Kw(Keyword),
    /// Digits as written, underscores included.
    Int(&'src str),
    Float(&'src str),
    /// An integer with a unit: `30s`, `15m`, `500ms`.
    Duration(&'src str),
    /// A string without interpolation: the raw text between the quotes.
    Str(&'src str),
    /// The opening quote of a string that holds `${…}`; then `StrPart`s and
    /// `InterpOpen … InterpClose` groups, then `StrEnd`.
    StrStart,
    StrPart(&'src str),
    InterpOpen,
    InterpClose,
    StrEnd,
    LParen,
    RParen,
    LBracket,
    RBracket,
    LBrace,
    RBrace,
    Comma,
    Semi,
    Colon,
    Dot,
    DotDot,
    QuestionDot,
    QuestionQuestion,
    Question,
    Arrow,
    FatArrow,
    Eq,
    EqEq,
    NotEq,
    Lt,
    Le,
    Gt,
    Ge,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    Pipe,
    /// Ends a statement (see `docs/syntax.md` for when a line break is one).
    Newline,
}

macro_rules! keywords {
    ($($variant:ident = $text:literal,)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Keyword { $($variant,)* }

        impl Keyword {
            pub const ALL: &'static [Keyword] = &[$(Keyword::$variant,)*];

            pub fn parse(text: &str) -> Option<Keyword> {
                match text {
                    $($text => Some(Keyword::$variant),)*
                    _ => None,
                }
            }

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Keyword::$variant => $text,)*
                }
            }
        }
    };
}

keywords! {
    Adaptor = "adaptor",
    Use = "use",
    As = "as",
    Type = "type",
    Const = "const",
    Fn = "fn",
    Let = "let",
    Var = "var",
    If = "if",
    Else = "else",
    Match = "match",
    For = "for",
    In = "in",
    While = "while",
    Break = "break",
    Continue = "continue",
    Return = "return",
    Skip = "skip",
    Fail = "fail",
    Log = "log",
    Warn = "warn",
    Output = "output",
    Trigger = "trigger",
    Input = "input",
    Config = "config",
    Auth = "auth",
    Base = "base",
    Op = "op",
    Test = "test",
    Expect = "expect",
    Try = "try",
    Catch = "catch",
    And = "and",
    Or = "or",
    Not = "not",
    True = "true",
    False = "false",
    Null = "null",
}

impl Token<'_> {
    /// Whether a line break right after this token continues the expression.
    pub fn continues_line(self) -> bool {
        use Token::*;
        matches!(
            self,
            Comma
                | Colon
                | Dot
                | DotDot
                | QuestionDot
                | QuestionQuestion
                | Arrow
                | FatArrow
                | Eq
                | EqEq
                | NotEq
                | Lt
                | Le
                | Gt
                | Ge
                | Plus
                | Minus
                | Star
                | Slash
                | Percent
                | Pipe
                | LParen
                | LBracket
                | LBrace
                | Semi
                | Newline
                | Kw(Keyword::And | Keyword::Or | Keyword::Not | Keyword::As)
        )
    }
}

impl fmt::Display for Token<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use Token::*;
        let text = match self {
            Ident(name) => return write!(f, "name `{name}`"),
            Kw(kw) => return write!(f, "keyword `{}`", kw.as_str()),
            Int(text) | Float(text) => return write!(f, "number `{text}`"),
            Duration(text) => return write!(f, "duration `{text}`"),
            Str(_) | StrStart => "string",
            StrPart(_) => "string text",
            InterpOpen => "`${`",
            InterpClose => "`}`",
            StrEnd => "end of string",
            LParen => "`(`",
            RParen => "`)`",
            LBracket => "`[`",
            RBracket => "`]`",
            LBrace => "`{`",
            RBrace => "`}`",
            Comma => "`,`",
            Semi => "`;`",
            Colon => "`:`",
            Dot => "`.`",
            DotDot => "`..`",
            QuestionDot => "`?.`",
            QuestionQuestion => "`??`",
            Question => "`?`",
            Arrow => "`->`",
            FatArrow => "`=>`",
            Eq => "`=`",
            EqEq => "`==`",
            NotEq => "`!=`",
            Lt => "`<`",
            Le => "`<=`",
            Gt => "`>`",
            Ge => "`>=`",
            Plus => "`+`",
            Minus => "`-`",
            Star => "`*`",
            Slash => "`/`",
            Percent => "`%`",
            Pipe => "`|`",
            Newline => "end of line",
        };
        f.write_str(text)
    }
}
