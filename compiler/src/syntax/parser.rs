//! The chumsky grammar: tokens to the syntax tree.
//!
//! Recovery happens at three levels: a broken top-level item or statement is
//! skipped to the end of its line (balanced groups skipped whole), a broken
//! string interpolation to its `}`; delimiters are always balanced by the lexer.
//! So one mistake gives one error and the rest of the file still parses.

use super::ast::*;
use super::token::{Keyword, Token};
use crate::codes;
use crate::source::Span;
use chumsky::error::{EmptyErr, LabelError};
use chumsky::extra::ParserExtra;
use chumsky::input::ValueInput;
use chumsky::pratt::{infix, left, postfix, prefix, right};
use chumsky::prelude::*;
use smol_str::SmolStr;

/// A diagnostic the grammar raises itself, beyond "expected X, found Y".
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Issue {
    pub code: &'static str,
    pub message: String,
    pub label: String,
    pub note: Option<String>,
    /// A replacement for the error's span, offered as a fix.
    pub fix: Option<(String, String)>,
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

pub type Error<'t, 's> = Rich<'t, Token<'s>, SimpleSpan, Issue>;

/// What the grammar needs of its error type. Parsing runs first with errors that
/// cost nothing to make (`EmptyErr`) and, only when that finds a mistake, again
/// with `Rich` errors for the diagnostics: backtracking over alternatives creates
/// an error at every failed branch, which `Rich` pays for.
pub trait GrammarError<'t, 's: 't, I: TokenInput<'t, 's>>:
    chumsky::error::Error<'t, I> + LabelError<'t, I, &'static str>
{
    fn issue(span: SimpleSpan, issue: Issue) -> Self;
}

impl<'t, 's: 't, I: TokenInput<'t, 's>> GrammarError<'t, 's, I> for Error<'t, 's> {
    fn issue(span: SimpleSpan, issue: Issue) -> Self {
        Rich::custom(span, issue)
    }
}

impl<'t, 's: 't, I: TokenInput<'t, 's>> GrammarError<'t, 's, I> for EmptyErr {
    fn issue(_: SimpleSpan, _: Issue) -> Self {
        EmptyErr::default()
    }
}

pub trait Extra<'t, 's: 't, I: TokenInput<'t, 's>>:
    ParserExtra<'t, I, Error: GrammarError<'t, 's, I>, State = (), Context = ()> + 't
{
}

impl<'t, 's: 't, I: TokenInput<'t, 's>, E> Extra<'t, 's, I> for E where
    E: ParserExtra<'t, I, Error: GrammarError<'t, 's, I>, State = (), Context = ()> + 't
{
}

pub trait TokenInput<'t, 's: 't>: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan> {}
impl<'t, 's: 't, I: ValueInput<'t, Token = Token<'s>, Span = SimpleSpan>> TokenInput<'t, 's> for I {}

fn sp(span: SimpleSpan) -> Span {
    Span::new(span.start, span.end)
}

fn issue(code: &'static str, message: impl Into<String>, label: impl Into<String>) -> Issue {
    Issue {
        code,
        message: message.into(),
        label: label.into(),
        note: None,
        fix: None,
    }
}

/// Parses a whole file's tokens. Never fails: broken parts become `Error` nodes.
pub fn parse_tokens<'t, 's: 't>(
    tokens: &'t [(Token<'s>, SimpleSpan)],
    len: usize,
) -> (Option<AdaptorHeader>, Vec<Item>, Vec<Error<'t, 's>>) {
    let eoi = SimpleSpan::from(len..len);
    let (fast, fast_errors) = file_parser::<_, extra::Err<EmptyErr>>()
        .parse(tokens.split_token_span(eoi))
        .into_output_errors();
    if let (Some((header, items)), true) = (fast, fast_errors.is_empty()) {
        return (header, items, Vec::new());
    }
    let (parsed, errors) = file_parser::<_, extra::Err<Error>>()
        .parse(tokens.split_token_span(eoi))
        .into_output_errors();
    let (header, items) = parsed.unwrap_or_default();
    (header, items, errors)
}

fn kw<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>(
    k: Keyword,
) -> impl Parser<'t, I, Token<'s>, E> + Clone {
    just(Token::Kw(k))
}

/// Zero or more line breaks.
fn newlines<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, (), E> + Clone {
    just(Token::Newline).repeated().ignored()
}

/// Between the entries of records, record types and `match` arms: a `,` or line breaks.
fn entry_sep<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, (), E> + Clone {
    just(Token::Comma)
        .then(newlines())
        .ignored()
        .or(just(Token::Newline).repeated().at_least(1).ignored())
}

/// Between statements and items: line breaks and `;`.
fn stmt_sep<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, (), E> + Clone {
    one_of([Token::Newline, Token::Semi])
        .repeated()
        .at_least(1)
        .ignored()
}

/// One token, or a whole balanced group: what recovery skips.
fn balanced<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, (), E> + Clone {
    recursive(|balanced| {
        let group = |open: Token<'static>, close: Token<'static>| {
            just(open)
                .then(balanced.clone().repeated())
                .then(just(close))
                .ignored()
        };
        choice((
            group(Token::LParen, Token::RParen),
            group(Token::LBracket, Token::RBracket),
            group(Token::LBrace, Token::RBrace),
            group(Token::StrStart, Token::StrEnd),
            group(Token::InterpOpen, Token::InterpClose),
            any()
                .filter(|t: &Token| {
                    !matches!(
                        t,
                        Token::LParen
                            | Token::RParen
                            | Token::LBracket
                            | Token::RBracket
                            | Token::LBrace
                            | Token::RBrace
                            | Token::StrStart
                            | Token::StrEnd
                            | Token::InterpOpen
                            | Token::InterpClose
                    )
                })
                .ignored(),
        ))
    })
}

/// What ends a statement or item: line breaks or `;`, or (left in place) the
/// closer of what holds it. Anything else after a complete statement is one
/// error, skipped to the end of the line.
fn terminator<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>(
    closer: impl Parser<'t, I, (), E> + Clone,
) -> impl Parser<'t, I, (), E> + Clone {
    let end = stmt_sep().or(closer.rewind());
    end.clone().recover_with(skip_until(balanced(), end, || ()))
}

/// Where a statement or item ends; recovery skips up to here.
fn stmt_end<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, (), E> + Clone {
    one_of([Token::Newline, Token::Semi, Token::RBrace])
        .ignored()
        .or(end())
        .rewind()
}

fn ident<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, Ident, E> + Clone {
    select! { Token::Ident(name) = e => Ident { name: SmolStr::new(name), span: sp(e.span()) } }
        .labelled("a name")
}

/// A name being declared: a keyword here is reported and used anyway, so the
/// rest of the declaration still parses.
fn binding<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, Ident, E> + Clone {
    let keyword = select! { Token::Kw(k) = e => (k, e.span()) }.validate(|(k, span): (Keyword, SimpleSpan), _, emitter| {
        let name = k.as_str();
        emitter.emit(GrammarError::issue(
            span,
            Issue {
                note: Some("keywords may be field names (`r.type`, `{ base: 1 }`) but not names of variables, functions or types".into()),
                fix: Some((format!("rename it to `{name}_`"), format!("{name}_"))),
                ..issue(codes::KEYWORD_AS_NAME, format!("`{name}` is a keyword and cannot be used as a name"), "a keyword")
            },
        ));
        Ident { name: SmolStr::new(name), span: sp(span) }
    });
    ident().or(keyword).labelled("a name")
}

/// A field, method or named-argument name: keywords are allowed.
fn member<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, Ident, E> + Clone {
    select! {
        Token::Ident(name) = e => Ident { name: SmolStr::new(name), span: sp(e.span()) },
        Token::Kw(k) = e => Ident { name: SmolStr::new(k.as_str()), span: sp(e.span()) },
    }
    .labelled("a field name")
}

fn str_lit<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, StrLit, E> + Clone {
    select! { Token::Str(raw) = e => StrLit { value: unescape(raw), span: sp(e.span()) } }
        .labelled("a string")
}

/// A record key: a name, a keyword, or a quoted string.
fn field_name<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, FieldName, E> + Clone {
    member()
        .map(|i| FieldName {
            name: i.name,
            quoted: false,
            span: i.span,
        })
        .or(str_lit().map(|s| FieldName {
            name: SmolStr::new(&s.value),
            quoted: true,
            span: s.span,
        }))
        .labelled("a field name")
}

/// Decodes the escapes of a string the lexer has already checked; anything
/// malformed is kept as written (the lexer reported it).
pub fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some(c @ ('"' | '\\' | '$')) => out.push(c),
            Some('u') => {
                let rest = chars.as_str();
                let decoded = rest
                    .strip_prefix('{')
                    .and_then(|r| r.split_once('}'))
                    .and_then(|(hex, _)| u32::from_str_radix(hex, 16).ok().map(|n| (hex.len(), n)))
                    .and_then(|(len, n)| char::from_u32(n).map(|c| (len, c)));
                match decoded {
                    Some((len, c)) => {
                        out.push(c);
                        chars = rest[len + 2..].chars();
                    }
                    None => out.push_str("\\u"),
                }
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

fn int_value(text: &str) -> Option<i64> {
    text.replace('_', "").parse().ok()
}

fn literal<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, Literal, E> + Clone {
    let number = select! {
        Token::Int(text) = e => (text, false, e.span()),
        Token::Float(text) = e => (text, true, e.span()),
    }
    .validate(
        |(text, float, span): (&str, bool, SimpleSpan), _, emitter| {
            let (literal, problem) = number_literal(text, float);
            if let Some(problem) = problem {
                emitter.emit(GrammarError::issue(span, problem));
            }
            literal
        },
    );
    choice((
        number,
        select! {
            Token::Str(raw) => Literal::Str(unescape(raw)),
            Token::Kw(Keyword::True) => Literal::Bool(true),
            Token::Kw(Keyword::False) => Literal::Bool(false),
            Token::Kw(Keyword::Null) => Literal::Null,
        },
    ))
    .labelled("a literal")
}

fn number_literal(text: &str, float: bool) -> (Literal, Option<Issue>) {
    if float {
        return (
            Literal::Float(text.replace('_', "").parse().unwrap_or(0.0)),
            None,
        );
    }
    match int_value(text) {
        Some(n) => (Literal::Int(n), None),
        None => (
            Literal::Int(0),
            Some(Issue {
                note: Some("an `Int` is a 64-bit integer: at most 9223372036854775807".into()),
                ..issue(
                    codes::INVALID_NUMBER,
                    format!("`{text}` is too large for an `Int`"),
                    "too large",
                )
            }),
        ),
    }
}

/// A literal, or `-` and a number: what literal types and patterns accept.
fn signed_literal<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, Literal, E> + Clone {
    just(Token::Minus)
        .or_not()
        .then(literal())
        .validate(|(minus, lit), e, emitter| match (minus, lit) {
            (None, lit) => lit,
            (Some(_), Literal::Int(n)) => Literal::Int(-n),
            (Some(_), Literal::Float(x)) => Literal::Float(-x),
            (Some(_), lit) => {
                emitter.emit(GrammarError::issue(
                    e.span(),
                    issue(
                        codes::UNEXPECTED_TOKEN,
                        "only a number can be negative",
                        "not a number",
                    ),
                ));
                lit
            }
        })
}

fn duration<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, Duration, E> + Clone {
    select! { Token::Duration(text) = e => (text, e.span()) }.validate(
        |(text, span): (&str, SimpleSpan), _, emitter| {
            let digits = text.trim_end_matches(|c: char| c.is_ascii_alphabetic());
            let unit = match &text[digits.len()..] {
                "ms" => DurationUnit::Ms,
                "s" => DurationUnit::S,
                "m" => DurationUnit::M,
                "h" => DurationUnit::H,
                _ => DurationUnit::D,
            };
            let value = int_value(digits)
                .and_then(|v| u64::try_from(v).ok())
                .unwrap_or_else(|| {
                    emitter.emit(GrammarError::issue(
                        span,
                        issue(
                            codes::INVALID_NUMBER,
                            format!("`{text}` is too large"),
                            "too large",
                        ),
                    ));
                    0
                });
            Duration {
                value,
                unit,
                span: sp(span),
            }
        },
    )
}

// ---------------------------------------------------------------------------
// Types

fn type_parser<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, Type, E> + Clone {
    recursive(|ty| {
        let named = ident()
            .then(just(Token::Dot).ignore_then(member()).or_not())
            .map(|(first, second)| match second {
                Some(name) => TypeKind::Name {
                    adaptor: Some(first),
                    name,
                },
                None => TypeKind::Name {
                    adaptor: None,
                    name: first,
                },
            });

        let list = ty
            .clone()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(|t| TypeKind::List(Box::new(t)));

        let map = select! { Token::Ident("String") => () }
            .ignore_then(just(Token::Colon))
            .ignore_then(ty.clone())
            .then_ignore(entry_sep().or_not())
            .map(|t| TypeKind::Map(Box::new(t)));

        let record =
            record_type_fields(ty.clone()).map(|(fields, open)| TypeKind::Record { fields, open });

        let braced = newlines()
            .ignore_then(map.or(record))
            .then_ignore(newlines())
            .delimited_by(just(Token::LBrace), just(Token::RBrace));

        let function = kw(Keyword::Fn)
            .ignore_then(
                ty.clone()
                    .separated_by(just(Token::Comma))
                    .allow_trailing()
                    .collect::<Vec<_>>()
                    .delimited_by(just(Token::LParen), just(Token::RParen)),
            )
            .then_ignore(just(Token::Arrow))
            .then(ty.clone())
            .map(|(params, ret)| TypeKind::Fn {
                params,
                ret: Box::new(ret),
            });

        let paren = ty
            .clone()
            .delimited_by(just(Token::LParen), just(Token::RParen))
            .map(|t: Type| t.kind);

        let atom = choice((
            named,
            signed_literal().map(TypeKind::Literal),
            list,
            braced,
            function,
            paren,
        ))
        .map_with(|kind, e| Type {
            kind,
            span: sp(e.span()),
        })
        .labelled("a type");

        // `T??` lexes as the `??` operator: in a type it is two `?`s, so that what
        // the formatter prints for `T? ?` parses again (`T??` means `T?`).
        let question = just(Token::Question)
            .map_with(|_, e| (sp(e.span()), 1))
            .or(just(Token::QuestionQuestion).map_with(|_, e| (sp(e.span()), 2)));
        let optional = atom.foldl(question.repeated(), |t, (mark, count)| {
            let mut t = t;
            for i in 0..count {
                t = Type {
                    span: Span::new(t.span.start as usize, (mark.start + i + 1) as usize),
                    kind: TypeKind::Optional(Box::new(t)),
                };
            }
            t
        });

        just(Token::Pipe)
            .or_not()
            .ignore_then(
                optional
                    .separated_by(just(Token::Pipe))
                    .at_least(1)
                    .collect::<Vec<_>>(),
            )
            .map_with(|mut members, e| {
                if members.len() == 1 {
                    members.pop().unwrap_or_else(|| Type::error(sp(e.span())))
                } else {
                    Type {
                        kind: TypeKind::Union(members),
                        span: sp(e.span()),
                    }
                }
            })
            .labelled("a type")
            .boxed()
    })
}

/// The inside of `{ a: T, b?: U, .. }`: fields and whether it is open.
fn record_type_fields<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>(
    ty: impl Parser<'t, I, Type, E> + Clone + 't,
) -> impl Parser<'t, I, (Vec<FieldType>, bool), E> + Clone {
    enum Entry {
        Field(FieldType),
        Open(SimpleSpan),
    }
    let field = field_name()
        .then(just(Token::Question).or_not())
        .then_ignore(just(Token::Colon))
        .then(ty)
        .map_with(|((name, optional), ty), e| {
            Entry::Field(FieldType {
                name,
                optional: optional.is_some(),
                ty,
                doc: None,
                span: sp(e.span()),
            })
        });
    let open = just(Token::DotDot).map_with(|_, e| Entry::Open(e.span()));
    field
        .or(open)
        .separated_by(entry_sep())
        .allow_trailing()
        .collect::<Vec<_>>()
        .validate(|entries, _, emitter| {
            let mut fields = Vec::new();
            let mut open = false;
            let count = entries.len();
            for (i, entry) in entries.into_iter().enumerate() {
                match entry {
                    Entry::Field(f) => fields.push(f),
                    Entry::Open(span) => {
                        open = true;
                        if i + 1 != count {
                            emitter.emit(GrammarError::issue(
                                span,
                                issue(
                                    codes::UNEXPECTED_TOKEN,
                                    "`..` must come after the last field",
                                    "not last",
                                ),
                            ));
                        }
                    }
                }
            }
            (fields, open)
        })
}

// ---------------------------------------------------------------------------
// Expressions, statements, items

struct Grammar<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>> {
    expr: Recursive<chumsky::recursive::Indirect<'t, 't, I, Expr, E>>,
    block: Recursive<chumsky::recursive::Indirect<'t, 't, I, Block, E>>,
    stmt: Recursive<chumsky::recursive::Indirect<'t, 't, I, Stmt, E>>,
    source: std::marker::PhantomData<&'s ()>,
}

fn params<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>(
    expr: impl Parser<'t, I, Expr, E> + Clone + 't,
) -> impl Parser<'t, I, Vec<Param>, E> + Clone {
    binding()
        .then(just(Token::Colon).ignore_then(type_parser()).or_not())
        .then(just(Token::Eq).ignore_then(expr).or_not())
        .map_with(|((name, ty), default), e| Param {
            name,
            ty,
            default,
            span: sp(e.span()),
        })
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .labelled("parameters")
}

/// Parameters without a type: declarations need them, lambdas do not.
fn untyped_params(params: &[Param]) -> Vec<(SimpleSpan, Issue)> {
    params
        .iter()
        .filter(|p| p.ty.is_none())
        .map(|p| {
            let span = SimpleSpan::from(p.name.span.start as usize..p.name.span.end as usize);
            let problem = Issue {
                note: Some("write its type after a colon, e.g. `name: String`".into()),
                ..issue(
                    codes::MISSING_TYPE_ANNOTATION,
                    format!("parameter `{}` needs a type", p.name.name),
                    "no type",
                )
            };
            (span, problem)
        })
        .collect()
}

fn grammar<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>() -> Grammar<'t, 's, I, E> {
    let mut expr = Recursive::declare();
    let mut block = Recursive::declare();
    let mut stmt = Recursive::declare();
    let ty = type_parser();

    // --- atoms
    let template_part = select! { Token::StrPart(raw) => TemplatePart::Text(unescape(raw)) }.or(
        just(Token::InterpOpen)
            .ignore_then(expr.clone().or_not())
            .then_ignore(just(Token::InterpClose))
            .validate(|inner: Option<Expr>, e, emitter| {
                inner.map(TemplatePart::Expr).unwrap_or_else(|| {
                    emitter.emit(GrammarError::issue(
                        e.span(),
                        issue(
                            codes::EMPTY_INTERPOLATION,
                            "`${}` has nothing to insert",
                            "empty interpolation",
                        ),
                    ));
                    TemplatePart::Expr(Expr::error(sp(e.span())))
                })
            })
            .recover_with(via_parser(
                just(Token::InterpOpen)
                    .then(balanced().and_is(just(Token::InterpClose).not()).repeated())
                    .then(just(Token::InterpClose))
                    .map_with(|_, e| TemplatePart::Expr(Expr::error(sp(e.span())))),
            )),
    );
    let template = template_part
        .repeated()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::StrStart), just(Token::StrEnd))
        .map(ExprKind::Template);

    let name = select! {
        Token::Ident(name) => ExprKind::Name(SmolStr::new(name)),
        Token::Kw(Keyword::Input) => ExprKind::Name(SmolStr::new_static("input")),
        Token::Kw(Keyword::Config) => ExprKind::Name(SmolStr::new_static("config")),
        Token::Kw(Keyword::Trigger) => ExprKind::Name(SmolStr::new_static("trigger")),
    }
    .labelled("an expression");

    let list = expr
        .clone()
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LBracket), just(Token::RBracket))
        .map(ExprKind::List);

    let record_entry = choice((
        just(Token::DotDot)
            .ignore_then(expr.clone())
            .map(RecordEntry::Spread),
        field_name()
            .then_ignore(just(Token::Colon))
            .then(expr.clone())
            .map(|(name, value)| RecordEntry::Field { name, value }),
        ident().map(RecordEntry::Shorthand),
    ));
    let record = newlines()
        .ignore_then(
            record_entry
                .separated_by(entry_sep())
                .allow_trailing()
                .collect::<Vec<_>>(),
        )
        .then_ignore(newlines())
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map(ExprKind::Record);

    let lambda_param = ident()
        .then(just(Token::Colon).ignore_then(ty.clone()).or_not())
        .map_with(|(name, ty), e| Param {
            name,
            ty,
            default: None,
            span: sp(e.span()),
        });
    // Cheap lookaheads first: most names and parentheses are not lambdas.
    let one_param = select! { Token::Ident(_) => () }
        .then(just(Token::FatArrow))
        .rewind()
        .ignore_then(lambda_param.clone());
    let lambda_params = one_param.map(|p| vec![p]).or(lambda_param
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen)));
    let lambda = lambda_params
        .then_ignore(just(Token::FatArrow))
        .then(expr.clone())
        .map(|(params, body)| ExprKind::Lambda {
            params,
            body: Box::new(body),
        });

    let if_expr = recursive(|if_expr| {
        kw(Keyword::If)
            .ignore_then(expr.clone())
            .then(block.clone())
            .then(
                newlines()
                    .ignore_then(kw(Keyword::Else))
                    .ignore_then(
                        if_expr
                            .map_with(|kind, e| {
                                Else::If(Box::new(Expr {
                                    kind,
                                    span: sp(e.span()),
                                }))
                            })
                            .or(block.clone().map(Else::Block)),
                    )
                    .or_not(),
            )
            .map(|((cond, then), else_)| ExprKind::If(Box::new(IfExpr { cond, then, else_ })))
    });

    let pattern_atom = choice((
        select! { Token::Ident("_") => PatternKind::Wildcard },
        signed_literal().map(PatternKind::Literal),
        ident().map(PatternKind::Bind),
    ))
    .map_with(|kind, e| Pattern {
        kind,
        span: sp(e.span()),
    })
    .labelled("a pattern");
    let pattern = pattern_atom
        .separated_by(just(Token::Pipe))
        .at_least(1)
        .collect::<Vec<_>>()
        .map_with(|mut alts, e| {
            if alts.len() == 1 {
                alts.pop().unwrap_or(Pattern {
                    kind: PatternKind::Error,
                    span: sp(e.span()),
                })
            } else {
                Pattern {
                    kind: PatternKind::Or(alts),
                    span: sp(e.span()),
                }
            }
        });
    let arm = pattern
        .then_ignore(just(Token::FatArrow).labelled("`=>`"))
        .then(stmt.clone())
        .map_with(|(pattern, body), e| MatchArm {
            pattern,
            body,
            span: sp(e.span()),
        })
        .labelled("a match arm");
    let arms = newlines()
        .ignore_then(
            arm.separated_by(entry_sep())
                .allow_trailing()
                .collect::<Vec<_>>(),
        )
        .then_ignore(newlines())
        .delimited_by(just(Token::LBrace), just(Token::RBrace))
        .map_with(|arms, e| (arms, sp(e.span())));
    let match_expr = kw(Keyword::Match).ignore_then(expr.clone()).then(arms).map(
        |(scrutinee, (arms, arms_span))| {
            ExprKind::Match(Box::new(MatchExpr {
                scrutinee,
                arms,
                arms_span,
            }))
        },
    );

    let paren = expr
        .clone()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map(|e: Expr| e.kind);

    let atom = choice((
        literal().map(ExprKind::Literal),
        duration().map(ExprKind::Duration),
        template,
        lambda,
        name,
        list,
        record,
        if_expr,
        match_expr,
        paren,
    ))
    .map_with(|kind, e| Expr {
        kind,
        span: sp(e.span()),
    })
    .labelled("an expression")
    .boxed();

    // --- postfix: `.f`, `?.f`, `[i]`, `(args)`
    enum Postfix {
        Field(Ident, bool),
        Index(Expr),
        Call(Vec<Arg>),
    }
    let arg = member()
        .then_ignore(just(Token::Colon))
        .or_not()
        .then(expr.clone())
        .map(|(name, value)| Arg { name, value });
    let args = arg
        .separated_by(just(Token::Comma))
        .allow_trailing()
        .collect::<Vec<_>>()
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .validate(|args: Vec<Arg>, _, emitter| {
            let mut named = false;
            for a in &args {
                if a.name.is_some() {
                    named = true;
                } else if named {
                    let span =
                        SimpleSpan::from(a.value.span.start as usize..a.value.span.end as usize);
                    emitter.emit(GrammarError::issue(
                        span,
                        issue(
                            codes::POSITIONAL_AFTER_NAMED,
                            "a positional argument cannot follow a named one",
                            "positional",
                        ),
                    ));
                }
            }
            args
        });
    let postfix_op = choice((
        just(Token::Dot)
            .ignore_then(member())
            .map(|n| Postfix::Field(n, false)),
        just(Token::QuestionDot)
            .ignore_then(member())
            .map(|n| Postfix::Field(n, true)),
        expr.clone()
            .delimited_by(just(Token::LBracket), just(Token::RBracket))
            .map(Postfix::Index),
        args.map(Postfix::Call),
    ));
    let postfixed = atom.foldl_with(postfix_op.repeated(), |target, op, e| {
        let target = Box::new(target);
        let kind = match op {
            Postfix::Field(name, optional) => ExprKind::Field {
                target,
                name,
                optional,
            },
            Postfix::Index(index) => ExprKind::Index {
                target,
                index: Box::new(index),
            },
            Postfix::Call(args) => ExprKind::Call {
                callee: target,
                args,
            },
        };
        Expr {
            kind,
            span: sp(e.span()),
        }
    });

    // --- operators
    fn binary(op: BinaryOp, lhs: Expr, rhs: Expr, span: SimpleSpan) -> Expr {
        Expr {
            kind: ExprKind::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            },
            span: sp(span),
        }
    }
    let operators = postfixed.pratt((
        prefix(precedence::NEG as u16, just(Token::Minus), |_, operand, e| Expr {
            kind: ExprKind::Unary { op: UnaryOp::Neg, operand: Box::new(operand) },
            span: sp(e.span()),
        }),
        postfix(precedence::AS as u16, kw(Keyword::As).ignore_then(ty.clone()), |expr, ty, e| Expr {
            kind: ExprKind::As { expr: Box::new(expr), ty },
            span: sp(e.span()),
        }),
        infix(
            left(7),
            select! { Token::Star => BinaryOp::Mul, Token::Slash => BinaryOp::Div, Token::Percent => BinaryOp::Rem },
            |l, op, r, e| binary(op, l, r, e.span()),
        ),
        infix(left(6), select! { Token::Plus => BinaryOp::Add, Token::Minus => BinaryOp::Sub }, |l, op, r, e| {
            binary(op, l, r, e.span())
        }),
        infix(
            left(5),
            select! {
                Token::EqEq => BinaryOp::Eq, Token::NotEq => BinaryOp::NotEq,
                Token::Lt => BinaryOp::Lt, Token::Le => BinaryOp::Le,
                Token::Gt => BinaryOp::Gt, Token::Ge => BinaryOp::Ge,
            },
            |l, op, r, e| binary(op, l, r, e.span()),
        ),
        prefix(precedence::NOT as u16, kw(Keyword::Not), |_, operand, e| Expr {
            kind: ExprKind::Unary { op: UnaryOp::Not, operand: Box::new(operand) },
            span: sp(e.span()),
        }),
        infix(left(3), kw(Keyword::And), |l, _, r, e| binary(BinaryOp::And, l, r, e.span())),
        infix(left(2), kw(Keyword::Or), |l, _, r, e| binary(BinaryOp::Or, l, r, e.span())),
        infix(right(1), just(Token::QuestionQuestion), |l, _, r, e| binary(BinaryOp::Coalesce, l, r, e.span())),
    ));
    expr.define(operators.labelled("an expression").boxed());

    // --- statements
    let let_stmt = kw(Keyword::Let)
        .to(false)
        .or(kw(Keyword::Var).to(true))
        .then(binding())
        .then(just(Token::Colon).ignore_then(ty.clone()).or_not())
        .then_ignore(just(Token::Eq))
        .then(expr.clone())
        .map(|(((mutable, name), ty), value)| StmtKind::Let {
            name,
            ty,
            value,
            mutable,
        });

    let assign = select! { Token::Ident(_) => () }
        .then(just(Token::Eq))
        .rewind()
        .ignore_then(ident())
        .then_ignore(just(Token::Eq))
        .then(expr.clone())
        .map(|(name, value)| StmtKind::Assign { name, value });

    let for_binding = binding().map(ForBinding::One).or(binding()
        .then_ignore(just(Token::Comma))
        .then(binding())
        .delimited_by(just(Token::LParen), just(Token::RParen))
        .map(|(a, b)| ForBinding::Pair(a, b)));
    let for_stmt = kw(Keyword::For)
        .ignore_then(for_binding)
        .then_ignore(kw(Keyword::In))
        .then(expr.clone())
        .then(block.clone())
        .map(|((binding, iter), body)| StmtKind::For {
            binding,
            iter,
            body,
        });

    let while_stmt = kw(Keyword::While)
        .ignore_then(expr.clone())
        .then(block.clone())
        .map(|(cond, body)| StmtKind::While { cond, body });

    let try_stmt = kw(Keyword::Try)
        .ignore_then(block.clone())
        .then_ignore(newlines())
        .then_ignore(kw(Keyword::Catch))
        .then(binding())
        .then(block.clone())
        .map(|((body, err), handler)| StmtKind::Try { body, err, handler });

    let mock = select! { Token::Ident("mock") => () }
        .ignore_then(expr.clone())
        .then_ignore(just(Token::Eq))
        .then(expr.clone())
        .map(|(target, value)| StmtKind::Mock { target, value });

    let keyword_stmt = choice((
        kw(Keyword::Break).to(StmtKind::Break),
        kw(Keyword::Continue).to(StmtKind::Continue),
        kw(Keyword::Return)
            .ignore_then(expr.clone().or_not())
            .map(StmtKind::Return),
        kw(Keyword::Skip)
            .ignore_then(expr.clone().or_not())
            .map(StmtKind::Skip),
        kw(Keyword::Fail)
            .ignore_then(expr.clone())
            .map(StmtKind::Fail),
        kw(Keyword::Log)
            .ignore_then(expr.clone())
            .map(StmtKind::Log),
        kw(Keyword::Warn)
            .ignore_then(expr.clone())
            .map(StmtKind::Warn),
        kw(Keyword::Output)
            .ignore_then(expr.clone())
            .map(StmtKind::Output),
        kw(Keyword::Expect)
            .ignore_then(expr.clone())
            .map(StmtKind::Expect),
    ));

    let stmt_kind = choice((
        let_stmt,
        for_stmt,
        while_stmt,
        try_stmt,
        keyword_stmt,
        assign,
        mock,
        expr.clone().map(StmtKind::Expr),
    ))
    .labelled("a statement");
    stmt.define(
        stmt_kind
            .map_with(|kind, e| Stmt {
                kind,
                span: sp(e.span()),
            })
            .boxed(),
    );

    let recovering_stmt = none_of([Token::Newline, Token::Semi, Token::RBrace])
        .rewind()
        .ignore_then(
            stmt.clone()
                .recover_with(skip_until(balanced(), stmt_end(), || Stmt {
                    kind: StmtKind::Error,
                    span: Span::default(),
                })),
        )
        .map_with(|mut s: Stmt, e| {
            if s.kind == StmtKind::Error {
                s.span = sp(e.span());
            }
            s
        });
    block.define(
        stmt_sep()
            .or_not()
            .ignore_then(
                recovering_stmt
                    .then_ignore(terminator(just(Token::RBrace).ignored()))
                    .repeated()
                    .collect::<Vec<_>>(),
            )
            .delimited_by(just(Token::LBrace), just(Token::RBrace))
            .map_with(|stmts, e| Block {
                stmts,
                span: sp(e.span()),
            })
            .labelled("a block")
            .boxed(),
    );

    Grammar {
        expr,
        block,
        stmt,
        source: std::marker::PhantomData,
    }
}

fn file_parser<'t, 's: 't, I: TokenInput<'t, 's>, E: Extra<'t, 's, I>>()
-> impl Parser<'t, I, (Option<AdaptorHeader>, Vec<Item>), E> {
    let Grammar {
        expr, block, stmt, ..
    } = grammar();
    let ty = type_parser();

    let header = kw(Keyword::Adaptor)
        .ignore_then(binding())
        .map_with(|name, e| AdaptorHeader {
            name,
            doc: None,
            span: sp(e.span()),
        })
        .then_ignore(stmt_sep().or(end()));
    let misplaced_header = kw(Keyword::Adaptor)
        .ignore_then(binding())
        .validate(|_, e, emitter| {
            emitter.emit(GrammarError::issue(
                e.span(),
                issue(
                    codes::MISPLACED_DECLARATION,
                    "`adaptor` must be the first declaration of its file",
                    "not first",
                ),
            ));
            ItemKind::Error
        });

    let use_decl = kw(Keyword::Use)
        .ignore_then(ident())
        .then(kw(Keyword::As).ignore_then(binding()).or_not())
        .map(|(adaptor, alias)| ItemKind::Use { adaptor, alias });

    // `reply` may come before or after `auth ...`.
    let reply = select! { Token::Ident("reply") => () }
        .or_not()
        .map(|r| r.is_some());
    let webhook = select! { Token::Ident("webhook") => () }
        .ignore_then(str_lit())
        .then(reply)
        .then(kw(Keyword::Auth).ignore_then(expr.clone()).or_not())
        .then(reply)
        .map(|(((path, before), auth), after)| Trigger::Webhook {
            path,
            auth,
            reply: before || after,
        });
    let cron = select! { Token::Ident("cron") => () }
        .ignore_then(str_lit())
        .then(
            select! { Token::Ident("tz") => () }
                .ignore_then(str_lit())
                .or_not(),
        )
        .map(|(schedule, tz)| Trigger::Cron { schedule, tz });
    let every = select! { Token::Ident("every") => () }
        .ignore_then(duration())
        .map(Trigger::Every);
    let unknown_trigger = ident()
        .then_ignore(balanced().and_is(stmt_end().not()).repeated())
        .validate(|kind, _, emitter| {
            let span = SimpleSpan::from(kind.span.start as usize..kind.span.end as usize);
            emitter.emit(GrammarError::issue(
                span,
                Issue {
                    note: Some("write `trigger webhook \"/path\"`, `trigger cron \"0 2 * * *\"` or `trigger every 15m`".into()),
                    ..issue(codes::UNEXPECTED_TOKEN, format!("`{}` is not a kind of trigger", kind.name), "unknown trigger")
                },
            ));
            ItemKind::Error
        });
    let trigger = kw(Keyword::Trigger).ignore_then(
        choice((webhook, cron, every))
            .map(ItemKind::Trigger)
            .or(unknown_trigger)
            .labelled("`webhook`, `cron` or `every`"),
    );

    let input = kw(Keyword::Input)
        .ignore_then(just(Token::Colon))
        .ignore_then(ty.clone())
        .map(ItemKind::Input);

    let type_decl = kw(Keyword::Type)
        .ignore_then(binding())
        .then_ignore(just(Token::Eq))
        .then(ty.clone())
        .map(|(name, ty)| ItemKind::Type { name, ty });

    let const_decl = kw(Keyword::Const)
        .ignore_then(binding())
        .then(just(Token::Colon).ignore_then(ty.clone()).or_not())
        .then_ignore(just(Token::Eq))
        .then(expr.clone())
        .map(|((name, ty), value)| ItemKind::Const { name, ty, value });

    let fn_decl = kw(Keyword::Fn)
        .ignore_then(binding())
        .then(params(expr.clone()).validate(|ps, _, emitter| {
            for (span, problem) in untyped_params(&ps) {
                emitter.emit(GrammarError::issue(span, problem));
            }
            ps
        }))
        .then(just(Token::Arrow).ignore_then(ty.clone()).or_not())
        .then(block.clone())
        .map(|(((name, params), ret), body)| {
            ItemKind::Fn(FnDecl {
                name,
                params,
                ret,
                body,
            })
        });

    let test = kw(Keyword::Test)
        .ignore_then(str_lit())
        .then(block.clone())
        .map(|(name, body)| ItemKind::Test { name, body });

    let config = kw(Keyword::Config)
        .ignore_then(
            newlines()
                .ignore_then(record_type_fields(ty.clone()))
                .then_ignore(newlines())
                .delimited_by(just(Token::LBrace), just(Token::RBrace)),
        )
        .validate(|(fields, open), e, emitter| {
            if open {
                emitter.emit(GrammarError::issue(
                    e.span(),
                    issue(
                        codes::UNEXPECTED_TOKEN,
                        "a `config` cannot be open (`..`)",
                        "open config",
                    ),
                ));
            }
            ItemKind::Config { fields }
        });

    let auth = kw(Keyword::Auth)
        .ignore_then(expr.clone())
        .map(ItemKind::Auth);
    let base = kw(Keyword::Base)
        .ignore_then(expr.clone())
        .map(ItemKind::Base);

    // `errors { }` is read loosely here (a word, a status or a path, then
    // `word "text"` pairs, one entry a line) and checked by the checker, which
    // names every word it does not know.
    let error_subject = select! {
        Token::Int(digits) = e => ErrorSubject::Status(int_value(digits), sp(e.span())),
    }
    .or(str_lit().map(ErrorSubject::Path));
    let error_entry = member()
        .then(error_subject.or_not())
        .then(member().then(str_lit()).repeated().collect::<Vec<_>>())
        .map_with(|((kind, subject), clauses), e| ErrorEntry {
            kind,
            subject,
            clauses,
            span: sp(e.span()),
        })
        .then_ignore(terminator(just(Token::RBrace).ignored()));
    let errors = select! { Token::Ident("errors") => () }
        .ignore_then(
            stmt_sep()
                .or_not()
                .ignore_then(error_entry.repeated().collect::<Vec<_>>())
                .delimited_by(just(Token::LBrace), just(Token::RBrace)),
        )
        .map(|entries| ItemKind::Errors(ErrorsDecl { entries }));

    let clause = |word: &'static str| select! { Token::Ident(w) if w == word => () };
    let method = select! { Token::Ident(m) = e if matches!(m, "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD") =>
        Ident { name: SmolStr::new(m), span: sp(e.span()) } }
    .labelled("an HTTP method (GET, POST, PUT, PATCH, DELETE, HEAD)");
    enum Clause {
        Query(Expr),
        Headers(Expr),
        Body(Expr),
        Result(Expr),
        Paged(Box<Paged>),
        Idempotent(Span),
    }
    let clauses = newlines()
        .ignore_then(choice((
            clause("query").ignore_then(expr.clone()).map(Clause::Query),
            clause("headers")
                .ignore_then(expr.clone())
                .map(Clause::Headers),
            clause("body").ignore_then(expr.clone()).map(Clause::Body),
            clause("result")
                .ignore_then(expr.clone())
                .map(Clause::Result),
            clause("paged")
                .ignore_then(
                    choice((
                        clause("page").to(PageKind::Page),
                        clause("offset").to(PageKind::Offset),
                        clause("cursor").to(PageKind::Cursor),
                    ))
                    .then(str_lit())
                    .map(|(kind, name)| PageParam { kind, name })
                    .or_not(),
                )
                .then(clause("next").ignore_then(expr.clone()).or_not())
                .then_ignore(newlines())
                .then_ignore(clause("items"))
                .then(expr.clone())
                .then(clause("total").ignore_then(expr.clone()).or_not())
                .map_with(|(((by, next), items), total), e| {
                    Clause::Paged(Box::new(Paged {
                        by,
                        next,
                        items,
                        total,
                        span: sp(e.span()),
                    }))
                }),
            clause("idempotent").map_with(|_, e| Clause::Idempotent(sp(e.span()))),
        )))
        .repeated()
        .collect::<Vec<_>>();
    let http = method.then(expr.clone()).then(clauses).validate(
        |((method, path), clauses), _, emitter| {
            let mut binding = HttpBinding {
                method,
                path,
                query: None,
                headers: None,
                body: None,
                result: None,
                paged: None,
                idempotent: None,
            };
            for clause in clauses {
                let (slot_taken, span) = match clause {
                    Clause::Query(e) => (binding.query.replace(e.clone()).is_some(), e.span),
                    Clause::Headers(e) => (binding.headers.replace(e.clone()).is_some(), e.span),
                    Clause::Body(e) => (binding.body.replace(e.clone()).is_some(), e.span),
                    Clause::Result(e) => (binding.result.replace(e.clone()).is_some(), e.span),
                    Clause::Paged(p) => {
                        let span = p.span;
                        (binding.paged.replace(*p).is_some(), span)
                    }
                    Clause::Idempotent(span) => (binding.idempotent.replace(span).is_some(), span),
                };
                if slot_taken {
                    let span = SimpleSpan::from(span.start as usize..span.end as usize);
                    emitter.emit(GrammarError::issue(
                        span,
                        issue(
                            codes::UNEXPECTED_TOKEN,
                            "this clause is given twice",
                            "repeated clause",
                        ),
                    ));
                }
            }
            OpBinding::Http(Box::new(binding))
        },
    );
    let native = select! { Token::Ident("native") = e => OpBinding::Native(sp(e.span())) };
    let op = kw(Keyword::Op)
        .ignore_then(binding())
        .then(params(expr.clone()).validate(|ps, _, emitter| {
            for (span, problem) in untyped_params(&ps) {
                emitter.emit(GrammarError::issue(span, problem));
            }
            ps
        }))
        .then(just(Token::Arrow).ignore_then(ty.clone()).or_not())
        .then_ignore(newlines())
        .then_ignore(just(Token::Eq))
        .then(native.or(http).labelled("`native` or an HTTP method"))
        .map(|(((name, params), ret), binding)| {
            ItemKind::Op(OpDecl {
                name,
                params,
                ret,
                binding,
            })
        });

    let item_kind = choice((
        misplaced_header,
        use_decl,
        trigger,
        input,
        type_decl,
        const_decl,
        fn_decl,
        test,
        config,
        auth,
        base,
        op,
        errors,
        stmt.map(ItemKind::Stmt),
    ))
    .labelled("a declaration or statement");

    let item = none_of([Token::Newline, Token::Semi])
        .rewind()
        .ignore_then(item_kind.recover_with(skip_until(balanced(), stmt_end(), || ItemKind::Error)))
        .map_with(|kind, e| Item {
            kind,
            doc: None,
            span: sp(e.span()),
        });

    stmt_sep()
        .or_not()
        .ignore_then(header.or_not())
        .then(
            item.then_ignore(terminator(end()))
                .repeated()
                .collect::<Vec<_>>(),
        )
        .then_ignore(end())
}
