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
    NESTED_TOO_DEEPLY = "E0014": "code nested deeper than the nesting limit (10,000 levels)",

    // Types and names (the checker).
    UNKNOWN_NAME = "E0100": "a name that is not declared",
    UNKNOWN_FIELD = "E0101": "a field the record type does not have",
    TYPE_MISMATCH = "E0102": "a value of another type than the one expected",
    MISSING_FIELDS = "E0103": "a record without fields its type requires",
    MAYBE_NULL = "E0104": "a value that may be null or missing where one is required",
    SECRET_LEAK = "E0105": "a `Secret` on its way into a log, a string, a comparison or the output",
    NOT_EXHAUSTIVE = "E0106": "a `match` that does not cover every case",
    BAD_PATTERN = "E0107": "a `match` pattern that can never match",
    UNKNOWN_ADAPTOR = "E0108": "a `use` of an adaptor that cannot be found",
    UNKNOWN_OP = "E0109": "an op or function the adaptor does not have",
    UNKNOWN_METHOD = "E0110": "a method the value's type does not have",
    ARGUMENT_COUNT = "E0111": "too many or too few arguments",
    UNKNOWN_ARGUMENT = "E0112": "a named argument the function does not take",
    DUPLICATE_ARGUMENT = "E0113": "an argument given twice",
    ASSIGN_TO_LET = "E0114": "an assignment to a `let`, which cannot change",
    NOT_ASSIGNABLE = "E0115": "an assignment to something that is not a variable",
    NOT_CALLABLE = "E0116": "a call of something that is not a function",
    CANNOT_COMPARE = "E0117": "a comparison of values of different types",
    BAD_OPERANDS = "E0118": "an operator applied to values it does not work on",
    NOT_BOOL = "E0119": "a condition that is not a `Bool`",
    OUTSIDE_LOOP = "E0120": "`break` or `continue` outside a loop",
    RETURN_OUTSIDE_FN = "E0121": "`return` outside a function",
    NOT_CONSTANT = "E0122": "a `const` that cannot be computed before the job starts",
    DUPLICATE_DECLARATION = "E0123": "a name declared twice",
    NOT_ITERABLE = "E0124": "a `for` over something that is not a list",
    UNKNOWN_TYPE = "E0125": "a type name that is not declared",
    CANNOT_INFER = "E0126": "a type that must be written because it cannot be inferred",
    RECURSIVE_INFERENCE = "E0127": "a recursive function without a return type",
    BAD_CONVERSION = "E0128": "an `as` conversion that can never succeed",
    LAMBDA_ASSIGNS_OUTER = "E0129": "a lambda that assigns to a variable outside it",
    TEST_ONLY = "E0130": "`expect`, `mock` or a test function outside a `test`",
    TRIGGER_FIELD = "E0131": "a `trigger` field the job's trigger does not have",
    NOT_INDEXABLE = "E0132": "an index into something that has no elements",
    DUPLICATE_FIELD = "E0133": "a field given twice in a record",
    DUPLICATE_SINGLETON = "E0134": "a second `input:` or `trigger`",
    ADAPTOR_NOT_VALUE = "E0135": "an adaptor used as a value",
    BAD_OP_BINDING = "E0136": "an op's HTTP binding that cannot work",
    MISSING_VALUE = "E0137": "a function whose body does not give the value its return type promises",
    BAD_TRIGGER = "E0138": "a trigger with an invalid schedule, time zone or path",
    FUNCTION_AS_DATA = "E0139": "a function kept in data: a list, record or map, a comparison, the output or a lambda's result",
    MISPLACED_OMIT = "E0140": "`omit` where no field may be left out",
    BAD_ERRORS_ENTRY = "E0141": "an adaptor's `errors` entry that cannot work: an unknown word, a status outside 400–599, a bad path",

    // Warnings.
    UNUSED = "E0200": "a `let` or `var` that is never used (warning)",
    UNREACHABLE = "E0201": "code after `return`, `skip`, `fail`, `break` or `continue` (warning)",
    NEEDLESS_NULL_CHECK = "E0202": "`??` or `?.` on a value that cannot be null (warning)",
    NEEDLESS_RETRY = "E0203": "a `retry` of 408, 429 or a 5xx, which are retried anyway (warning)",
    NULL_LEFT_OUT = "E0204": "a literal `null` for a field `name?: T`, which leaves the field out (warning)",
    REPEATED_EFFECT = "E0205": "in a job with a trigger, a call of an op that is not idempotent, which a repeated run would repeat (warning)",
}
