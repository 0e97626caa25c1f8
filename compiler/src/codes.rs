//! Every diagnostic code, with the one line `docs/diagnostics.md` shows for it.
//! Codes are stable: a code is never reused for another meaning.

macro_rules! codes {
    ($($name:ident = $code:literal : $meaning:literal,)*) => {
        $(pub const $name: &str = $code;)*
        /// `(code, meaning)` for every code, in order.
        pub const ALL: &[(&str, &str)] = &[$(($code, $meaning),)*];
    };
}

codes! {
    // Syntax (lexer and parser).
    UNEXPECTED_TOKEN = "E0001": "the parser found a token it cannot use here",
    UNTERMINATED_STRING = "E0002": "a string is not closed before the end of its line",
    INVALID_ESCAPE = "E0003": "an unknown escape sequence in a string",
    UNCLOSED_INTERPOLATION = "E0004": "a `${` in a string has no matching `}`",
    INVALID_CHARACTER = "E0005": "a character that cannot start any token",
    UNCLOSED_DELIMITER = "E0006": "a `(`, `[` or `{` is never closed",
    UNMATCHED_DELIMITER = "E0007": "a `)`, `]` or `}` closes nothing",
    KEYWORD_AS_NAME = "E0008": "a keyword is used where a name is expected",
    INVALID_NUMBER = "E0009": "a number that is malformed or out of range",
    MISPLACED_DECLARATION = "E0010": "a declaration where it is not allowed",
    EMPTY_INTERPOLATION = "E0011": "`${}` with nothing inside",
    POSITIONAL_AFTER_NAMED = "E0012": "a positional argument after a named one",
    MISSING_TYPE_ANNOTATION = "E0013": "a function parameter without a type",
}
