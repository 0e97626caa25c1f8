; Ferry folds (Neovim's vim.treesitter.foldexpr()).

[
  (block)
  (test_block)
  (record)
  (record_type)
  (match_body)
  (list)
  (arguments)
  (parameters)
  (op_declaration)
  (errors_declaration)
] @fold
