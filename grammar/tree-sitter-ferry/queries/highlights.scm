; Ferry highlights, with nvim-treesitter's capture names.
; Neovim lets a later pattern win, so general patterns come before specific ones.
; editors/helix/queries/ferry/highlights.scm is generated from this file
; (grammar/sync-queries.js): Helix's capture names, patterns in reverse order.

; ---------------------------------------------------------------- names

(type_identifier) @type

((type_identifier) @type.builtin
  (#any-of? @type.builtin
    "Bool" "Int" "Float" "String" "Date" "DateTime" "Url" "Secret" "Null" "Json" "Error"))

(qualified_type
  adaptor: (identifier) @module)

(field_identifier) @property

(builtin_variable) @variable.builtin

((identifier) @constant
  (#match? @constant "^[A-Z][A-Z0-9_]*$"))

(const_declaration
  name: (identifier) @constant)

(parameter
  name: (identifier) @variable.parameter)

(lambda_parameter
  name: (identifier) @variable.parameter)

(lambda
  parameters: (identifier) @variable.parameter)

(named_argument
  name: (identifier) @variable.parameter)

(adaptor_declaration
  name: (identifier) @module)

(use_declaration
  adaptor: (identifier) @module)

(use_declaration
  alias: (identifier) @module)

(function_declaration
  name: (identifier) @function)

(op_declaration
  name: (identifier) @function)

(call_expression
  function: (identifier) @function.call)

((call_expression
  function: (identifier) @function.builtin)
  (#any-of? @function.builtin
    "now" "today" "uuid" "json_parse" "json_string" "csv_parse" "env" "run" "fixture" "calls" "logs" "http_error" "set_time"))

(call_expression
  function: (member_expression
    field: (field_identifier) @function.method.call))

(auth_declaration
  scheme: (identifier) @function.builtin)

(trigger_auth
  scheme: (identifier) @function.builtin)

(mock_statement
  adaptor: (identifier) @module
  op: (field_identifier) @function)

(errors_entry
  kind: (identifier) @keyword)

(errors_entry
  clause: (identifier) @keyword)

; ---------------------------------------------------------------- keywords

[
  "adaptor"
  "trigger"
  "input"
  "config"
  "base"
  "auth"
  "errors"
  "test"
  "webhook"
  "reply"
  "cron"
  "every"
  "tz"
  "let"
  "var"
  "const"
  "log"
  "warn"
  "output"
  "expect"
  "mock"
  "query"
  "headers"
  "body"
  "result"
  "paged"
  "page"
  "offset"
  "cursor"
  "next"
  "items"
  "total"
  (native_binding)
  (idempotent)
] @keyword

(builtin_variable
  [
    "input"
    "config"
    "trigger"
  ] @variable.builtin)

"use" @keyword.import

"type" @keyword.type

[
  "fn"
  "op"
] @keyword.function

"return" @keyword.return

[
  "if"
  "else"
  "match"
] @keyword.conditional

[
  "for"
  "in"
  "while"
  (break_statement)
  (continue_statement)
] @keyword.repeat

[
  "try"
  "catch"
  "fail"
  "skip"
] @keyword.exception

[
  "and"
  "or"
  "not"
  "as"
] @keyword.operator

(http_method) @constant.builtin

; ---------------------------------------------------------------- literals

(string) @string

(escape_sequence) @string.escape

[
  (integer)
  (duration)
] @number

(float) @number.float

[
  (true)
  (false)
] @boolean

(null) @constant.builtin

(wildcard_pattern) @character.special

(comment) @comment

(doc_comment) @comment.documentation

; ---------------------------------------------------------------- punctuation

[
  "??"
  "=="
  "!="
  "<"
  "<="
  ">"
  ">="
  "+"
  "-"
  "*"
  "/"
  "%"
  "="
  "=>"
  "->"
  "|"
  "?"
  ".."
] @operator

[
  "."
  "?."
  ","
  ":"
  ";"
] @punctuation.delimiter

[
  "("
  ")"
  "["
  "]"
  "{"
  "}"
] @punctuation.bracket

(open_marker) @punctuation.special

(interpolation
  [
    "${"
    "}"
  ] @punctuation.special)
