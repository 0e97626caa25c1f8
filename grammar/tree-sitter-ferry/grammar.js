/**
 * @file Tree-sitter grammar for Ferry, a typed language for data-integration jobs.
 * @license Apache-2.0
 *
 * Follows docs/language.md and docs/syntax.md (the compiler's parser is the
 * reference). Newlines end statements; the external scanner (src/scanner.c) decides
 * when a newline is a separator, so `_newline` only appears where one may end an
 * item, a statement, a record entry or a match arm.
 */

/// <reference types="tree-sitter-cli/dsl" />
// @ts-check

const PREC = {
  lambda: -1,
  nullish: 1, // ??
  or: 2,
  and: 3,
  not: 4,
  compare: 5, // == != < <= > >=
  add: 6, // + -
  mul: 7, // * / %
  as: 8, // e as T: tighter than binary operators, looser than unary and postfix
  unary: 9, // -e
  postfix: 10, // .f ?.f [i] (args)
};

// Reserved everywhere except where a field, method, key or argument name is expected.
// docs/language.md lists `base` as a keyword too, but its own example spreads a variable
// named `base` (`{ a: 1, c, ..base }`), so here `base` is reserved only where an
// adaptor's `base` declaration can start.
const KEYWORDS = [
  'adaptor', 'use', 'as', 'type', 'const', 'fn', 'let', 'var', 'if', 'else', 'match',
  'for', 'in', 'while', 'break', 'continue', 'return', 'skip', 'fail', 'log', 'warn',
  'output', 'trigger', 'input', 'config', 'auth', 'op', 'test', 'expect', 'try',
  'catch', 'and', 'or', 'not', 'true', 'false', 'null',
];

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'];

/** Zero or more `rule`s separated by `sep`, with an optional trailing `sep`. */
function sepBy(sep, rule) {
  return optional(seq(rule, repeat(seq(sep, rule)), optional(sep)));
}

/** One or more `rule`s separated by `sep` (no trailing separator). */
function sepBy1(sep, rule) {
  return seq(rule, repeat(seq(sep, rule)));
}

/** A field, method, key or argument name: keywords are allowed there. */
function fieldName($) {
  return alias(reserved('field', $.identifier), $.field_identifier);
}

/** A name in type position. */
function typeName($) {
  return alias($.identifier, $.type_identifier);
}

module.exports = grammar({
  name: 'ferry',

  word: $ => $.identifier,

  externals: $ => [
    $._newline, // a newline (or `//` comment then newline) that ends something
    $._clause_newline, // a newline before the next clause of an op's HTTP binding
    $._error_sentinel, // valid only during error recovery
    $._errors_keyword, // `errors` followed by `{`: an adaptor's `errors { }` (a name otherwise)
  ],

  extras: $ => [/\s/, $.comment, $.doc_comment],

  reserved: {
    global: _ => KEYWORDS,
    field: _ => [],
  },

  supertypes: $ => [$._expression, $._type, $._statement],

  conflicts: $ => [
    [$._expression, $.lambda_parameter],
  ],

  rules: {
    source_file: $ => choice(
      seq($.adaptor_declaration, optional(seq($._separator, sepBy($._separator, $._item)))),
      sepBy($._separator, $._item),
    ),

    _separator: $ => choice(';', $._newline),
    _entry_separator: $ => choice(',', $._newline),

    _item: $ => choice(
      $.use_declaration,
      $.trigger_declaration,
      $.input_declaration,
      $.type_declaration,
      $.const_declaration,
      $.function_declaration,
      $.test_declaration,
      $.config_declaration,
      $.base_declaration,
      $.auth_declaration,
      $.op_declaration,
      $.errors_declaration,
      $._statement,
    ),

    // ---------------------------------------------------------------- declarations

    adaptor_declaration: $ => seq('adaptor', field('name', $.identifier)),

    use_declaration: $ => seq(
      'use',
      field('adaptor', $.identifier),
      optional(seq('as', field('alias', $.identifier))),
    ),

    trigger_declaration: $ => seq(
      'trigger',
      choice($.webhook_trigger, $.cron_trigger, $.every_trigger),
    ),

    webhook_trigger: $ => seq(
      'webhook',
      field('path', $.string),
      optional('reply'),
      optional(seq('auth', field('auth', $.trigger_auth))),
      optional('reply'),
    ),

    trigger_auth: $ => seq(
      field('scheme', $.identifier),
      optional(field('arguments', $.arguments)),
    ),

    cron_trigger: $ => seq(
      'cron',
      field('schedule', $.string),
      optional(seq('tz', field('timezone', $.string))),
    ),

    every_trigger: $ => seq('every', field('interval', $.duration)),

    input_declaration: $ => seq('input', ':', field('type', $._type)),

    type_declaration: $ => seq(
      'type',
      field('name', typeName($)),
      '=',
      field('value', $._type),
    ),

    const_declaration: $ => seq(
      'const',
      field('name', $.identifier),
      optional(seq(':', field('type', $._type))),
      '=',
      field('value', $._expression),
    ),

    function_declaration: $ => seq(
      'fn',
      field('name', $.identifier),
      field('parameters', $.parameters),
      optional(seq('->', field('return_type', $._type))),
      field('body', $.block),
    ),

    parameters: $ => seq('(', sepBy(',', $.parameter), ')'),

    parameter: $ => seq(
      field('name', $.identifier),
      ':',
      field('type', $._type),
      optional(seq('=', field('default', $._expression))),
    ),

    test_declaration: $ => seq('test', field('name', $.string), field('body', $.test_block)),

    test_block: $ => seq(
      '{',
      sepBy($._separator, choice($.mock_statement, $._statement)),
      '}',
    ),

    mock_statement: $ => seq(
      'mock',
      field('adaptor', $.identifier),
      '.',
      field('op', fieldName($)),
      '=',
      field('value', $._expression),
    ),

    // Adaptor files

    config_declaration: $ => seq('config', field('fields', $.record_type)),

    base_declaration: $ => seq('base', field('url', $._expression)),

    auth_declaration: $ => seq(
      'auth',
      field('scheme', $.identifier),
      field('arguments', $.arguments),
    ),

    // `errors` is a keyword only before `{`, so a variable may still be named `errors`.
    errors_declaration: $ => seq(
      alias($._errors_keyword, 'errors'),
      '{',
      sepBy($._separator, $.errors_entry),
      '}',
    ),

    errors_entry: $ => seq(
      field('kind', $.identifier),
      optional(field('subject', choice($.integer, $.string))),
      repeat(seq(field('clause', $.identifier), field('value', $.string))),
    ),

    op_declaration: $ => seq(
      'op',
      field('name', $.identifier),
      field('parameters', $.parameters),
      optional(seq('->', field('return_type', $._type))),
      '=',
      field('binding', choice($.native_binding, $.http_binding)),
    ),

    native_binding: _ => 'native',

    http_binding: $ => seq(
      field('method', $.http_method),
      field('path', $._expression),
      repeat(seq(optional($._clause_newline), $._binding_clause)),
    ),

    http_method: _ => choice(...HTTP_METHODS),

    _binding_clause: $ => choice(
      $.query_clause,
      $.headers_clause,
      $.body_clause,
      $.result_clause,
      $.paged_clause,
      $.idempotent,
    ),

    query_clause: $ => seq('query', field('value', $._expression)),
    headers_clause: $ => seq('headers', field('value', $._expression)),
    body_clause: $ => seq('body', field('value', $._expression)),
    result_clause: $ => seq('result', field('value', $._expression)),
    paged_clause: $ => seq(
      'paged',
      optional(seq(field('by', choice('page', 'offset', 'cursor')), field('param', $.string))),
      optional(seq('next', field('next', $._expression))),
      optional($._clause_newline),
      'items',
      field('items', $._expression),
      optional(seq('total', field('total', $._expression))),
    ),
    idempotent: _ => 'idempotent',

    // ---------------------------------------------------------------- statements

    _statement: $ => choice(
      $.let_statement,
      $.var_statement,
      $.assignment_statement,
      $.for_statement,
      $.while_statement,
      $.break_statement,
      $.continue_statement,
      $.return_statement,
      $.skip_statement,
      $.fail_statement,
      $.log_statement,
      $.warn_statement,
      $.output_statement,
      $.expect_statement,
      $.try_statement,
      $._expression,
    ),

    block: $ => seq('{', sepBy($._separator, $._statement), '}'),

    let_statement: $ => seq(
      'let',
      field('name', $.identifier),
      optional(seq(':', field('type', $._type))),
      '=',
      field('value', $._expression),
    ),

    var_statement: $ => seq(
      'var',
      field('name', $.identifier),
      optional(seq(':', field('type', $._type))),
      '=',
      field('value', $._expression),
    ),

    assignment_statement: $ => seq(
      field('left', $.identifier),
      '=',
      field('right', $._expression),
    ),

    for_statement: $ => seq(
      'for',
      choice(
        field('item', $.identifier),
        seq('(', field('index', $.identifier), ',', field('item', $.identifier), ')'),
      ),
      'in',
      field('iterable', $._expression),
      field('body', $.block),
    ),

    while_statement: $ => seq('while', field('condition', $._expression), field('body', $.block)),

    break_statement: _ => 'break',
    continue_statement: _ => 'continue',
    return_statement: $ => prec.right(seq('return', optional(field('value', $._expression)))),
    skip_statement: $ => prec.right(seq('skip', optional(field('reason', $._expression)))),
    fail_statement: $ => seq('fail', field('reason', $._expression)),
    log_statement: $ => seq('log', field('value', $._expression)),
    warn_statement: $ => seq('warn', field('value', $._expression)),
    output_statement: $ => seq('output', field('value', $._expression)),
    expect_statement: $ => seq('expect', field('value', $._expression)),

    try_statement: $ => seq(
      'try',
      field('body', $.block),
      'catch',
      field('error', $.identifier),
      field('handler', $.block),
    ),

    // ---------------------------------------------------------------- expressions

    _expression: $ => choice(
      $.identifier,
      $.builtin_variable,
      $.integer,
      $.float,
      $.duration,
      $.string,
      $.true,
      $.false,
      $.null,
      $.list,
      $.record,
      $.parenthesized_expression,
      $.member_expression,
      $.index_expression,
      $.call_expression,
      $.unary_expression,
      $.binary_expression,
      $.as_expression,
      $.lambda,
      $.if_expression,
      $.match_expression,
    ),

    builtin_variable: _ => choice('input', 'config', 'trigger'),

    parenthesized_expression: $ => seq('(', $._expression, ')'),

    member_expression: $ => prec(PREC.postfix, seq(
      field('object', $._expression),
      choice('.', '?.'),
      field('field', fieldName($)),
    )),

    index_expression: $ => prec(PREC.postfix, seq(
      field('object', $._expression),
      '[',
      field('index', $._expression),
      ']',
    )),

    call_expression: $ => prec(PREC.postfix, seq(
      field('function', $._expression),
      field('arguments', $.arguments),
    )),

    arguments: $ => seq('(', sepBy(',', choice($._expression, $.named_argument)), ')'),

    named_argument: $ => seq(
      field('name', choice(reserved('field', $.identifier), $._keyword_name)),
      ':',
      field('value', $._expression),
    ),

    unary_expression: $ => choice(
      prec(PREC.not, seq(field('operator', 'not'), field('operand', $._expression))),
      prec(PREC.unary, seq(field('operator', '-'), field('operand', $._expression))),
    ),

    binary_expression: $ => {
      const table = [
        [prec.right, PREC.nullish, '??'],
        [prec.left, PREC.or, 'or'],
        [prec.left, PREC.and, 'and'],
        [prec.left, PREC.compare, choice('==', '!=', '<', '<=', '>', '>=')],
        [prec.left, PREC.add, choice('+', '-')],
        [prec.left, PREC.mul, choice('*', '/', '%')],
      ];
      return choice(...table.map(([assoc, p, op]) => assoc(p, seq(
        field('left', $._expression),
        field('operator', op),
        field('right', $._expression),
      ))));
    },

    as_expression: $ => prec.left(PREC.as, seq(
      field('value', $._expression),
      'as',
      field('type', $._type),
    )),

    lambda: $ => prec.right(PREC.lambda, seq(
      field('parameters', choice($.identifier, $.lambda_parameters)),
      '=>',
      field('body', $._expression),
    )),

    lambda_parameters: $ => seq('(', sepBy(',', $.lambda_parameter), ')'),

    lambda_parameter: $ => seq(
      field('name', $.identifier),
      optional(seq(':', field('type', $._type))),
    ),

    if_expression: $ => seq(
      'if',
      field('condition', $._expression),
      field('consequence', $.block),
      optional(seq('else', field('alternative', choice($.block, $.if_expression)))),
    ),

    match_expression: $ => seq(
      'match',
      field('value', $._expression),
      field('body', $.match_body),
    ),

    match_body: $ => seq('{', sepBy($._entry_separator, $.match_arm), '}'),

    match_arm: $ => seq(
      field('pattern', $._pattern),
      '=>',
      field('value', $._statement),
    ),

    _pattern: $ => choice($._pattern_atom, $.alternative_pattern),

    alternative_pattern: $ => seq($._pattern_atom, repeat1(seq('|', $._pattern_atom))),

    _pattern_atom: $ => choice(
      $.string,
      $.integer,
      $.negative_integer,
      $.true,
      $.false,
      $.null,
      $.wildcard_pattern,
      $.identifier,
    ),

    wildcard_pattern: _ => '_',

    negative_integer: $ => seq('-', $.integer),

    list: $ => seq('[', sepBy(',', $._expression), ']'),

    record: $ => seq(
      '{',
      sepBy($._entry_separator, choice($.pair, $.shorthand_field, $.spread_element)),
      '}',
    ),

    pair: $ => seq(
      field('key', choice(fieldName($), $.string)),
      ':',
      field('value', $._expression),
    ),

    shorthand_field: $ => $.identifier,

    spread_element: $ => seq('..', $._expression),

    // ---------------------------------------------------------------- types

    _type: $ => choice($.union_type, $._simple_type),

    union_type: $ => prec.left(1, choice(
      seq($._simple_type, repeat1(seq('|', $._simple_type))),
      seq('|', $._simple_type, repeat(seq('|', $._simple_type))),
    )),

    _simple_type: $ => choice(
      typeName($),
      $.qualified_type,
      $.literal_type,
      $.optional_type,
      $.list_type,
      $.map_type,
      $.record_type,
      $.function_type,
      $.parenthesized_type,
    ),

    qualified_type: $ => prec(PREC.postfix + 1, seq(
      field('adaptor', $.identifier),
      '.',
      field('name', typeName($)),
    )),

    literal_type: $ => choice($.string, $.integer, $.negative_integer, $.true, $.false, $.null),

    optional_type: $ => prec(2, seq($._simple_type, '?')),

    list_type: $ => seq('[', field('element', $._type), ']'),

    map_type: $ => seq('{', 'String', ':', field('value', $._type), '}'),

    record_type: $ => seq(
      '{',
      optional(seq(
        choice(
          seq(
            sepBy1($._entry_separator, $.field_declaration),
            optional(seq($._entry_separator, $.open_marker)),
          ),
          $.open_marker,
        ),
        optional($._entry_separator),
      )),
      '}',
    ),

    field_declaration: $ => seq(
      field('name', choice(fieldName($), $.string)),
      optional(field('optional', '?')),
      ':',
      field('type', $._type),
    ),

    open_marker: _ => '..',

    function_type: $ => prec.right(seq(
      'fn',
      '(',
      sepBy(',', $._type),
      ')',
      '->',
      field('return_type', $._type),
    )),

    parenthesized_type: $ => seq('(', $._type, ')'),

    // ---------------------------------------------------------------- names

    // Keywords that can also start an expression, as named-argument names (`f(match: 1)`).
    _keyword_name: $ => alias(
      choice('if', 'match', 'not', 'true', 'false', 'null', 'input', 'config', 'trigger'),
      $.identifier,
    ),

    identifier: _ => /[A-Za-z_][A-Za-z0-9_]*/,

    // ---------------------------------------------------------------- literals

    integer: _ => /[0-9][0-9_]*/,
    float: _ => /[0-9][0-9_]*(\.[0-9][0-9_]*([eE][+-]?[0-9]+)?|[eE][+-]?[0-9]+)/,
    duration: _ => /[0-9][0-9_]*(ms|s|m|h|d)/,
    true: _ => 'true',
    false: _ => 'false',
    null: _ => 'null',

    string: $ => seq(
      '"',
      repeat(choice(
        $.string_content,
        alias(token.immediate('$'), $.string_content),
        $.escape_sequence,
        $.interpolation,
      )),
      token.immediate('"'),
    ),

    // `$` is text unless it starts `${`; a `$` directly before `$` is a lone `$`.
    string_content: _ => token.immediate(prec(1, /([^"\\$\n]|\$[^{"\\$\n])+/)),

    escape_sequence: _ => token.immediate(seq(
      '\\',
      choice(/[ntr"\\$0]/, /u\{[0-9A-Fa-f]{1,6}\}/),
    )),

    interpolation: $ => seq(token.immediate('${'), field('value', $._expression), '}'),

    comment: _ => token(seq('//', /[^\n]*/)),
    doc_comment: _ => token(prec(1, seq('///', /[^\n]*/))),
  },
});
