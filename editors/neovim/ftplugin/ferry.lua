-- Buffer settings for Ferry files, and tree-sitter highlighting when the parser is there.
vim.bo.commentstring = '// %s'
vim.bo.comments = ':///,://'
vim.bo.expandtab = true
vim.bo.shiftwidth = 2
vim.bo.softtabstop = 2

-- With parser/ferry.so (scripts/build-parser.sh) or one installed by nvim-treesitter;
-- without a parser, start() fails and the buffer keeps plain highlighting.
pcall(vim.treesitter.start, 0, 'ferry')

vim.b.undo_ftplugin = (vim.b.undo_ftplugin and vim.b.undo_ftplugin .. ' | ' or '')
  .. 'setlocal commentstring< comments< expandtab< shiftwidth< softtabstop<'
