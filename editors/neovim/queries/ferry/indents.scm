; Ferry indentation (nvim-treesitter's captures; grammar/sync-queries.js writes Helix's).

[
  (block)
  (test_block)
  (record)
  (record_type)
  (map_type)
  (match_body)
  (list)
  (list_type)
  (arguments)
  (parameters)
  (lambda_parameters)
  (http_binding)
  (errors_declaration)
] @indent.begin

[
  "}"
  "]"
  ")"
] @indent.branch

[
  "}"
  "]"
  ")"
] @indent.end
