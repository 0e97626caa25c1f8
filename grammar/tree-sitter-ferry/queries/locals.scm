; Ferry scopes, definitions and references (nvim-treesitter capture names).

; ---------------------------------------------------------------- scopes

[
  (source_file)
  (block)
  (test_block)
  (function_declaration)
  (op_declaration)
  (lambda)
  (for_statement)
  (match_arm)
  (try_statement)
] @local.scope

; ---------------------------------------------------------------- definitions

(use_declaration
  adaptor: (identifier) @local.definition.import)

(use_declaration
  alias: (identifier) @local.definition.import)

(type_declaration
  name: (type_identifier) @local.definition.type)

(const_declaration
  name: (identifier) @local.definition.constant)

(function_declaration
  name: (identifier) @local.definition.function)

(op_declaration
  name: (identifier) @local.definition.function)

(parameter
  name: (identifier) @local.definition.parameter)

(lambda_parameter
  name: (identifier) @local.definition.parameter)

(lambda
  parameters: (identifier) @local.definition.parameter)

(let_statement
  name: (identifier) @local.definition.var)

(var_statement
  name: (identifier) @local.definition.var)

(for_statement
  index: (identifier) @local.definition.var)

(for_statement
  item: (identifier) @local.definition.var)

(try_statement
  error: (identifier) @local.definition.var)

(match_arm
  pattern: (identifier) @local.definition.var)

; ---------------------------------------------------------------- references

(identifier) @local.reference

(type_identifier) @local.reference
