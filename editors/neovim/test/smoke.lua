-- Headless smoke test of editors/neovim (Neovim 0.10+):
--   nvim --headless --clean --cmd 'set rtp^=editors/neovim' -l editors/neovim/test/smoke.lua FILE.ferry
-- Needs parser/ferry.so (scripts/build-parser.sh) and node (for the stand-in server).
local here = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h')
local file = assert(arg[1], 'usage: smoke.lua FILE.ferry')
local log = vim.fn.tempname()
vim.env.FAKE_LSP_LOG = log

local failures = 0
local function check(ok, what)
  io.stdout:write((ok and 'ok   ' or 'FAIL ') .. what .. '\n')
  if not ok then failures = failures + 1 end
end

require('ferry').setup({ cmd = { 'node', here .. '/fake-lsp.js' }, nvim_treesitter = false })
vim.cmd.edit(vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()

check(vim.bo[buf].filetype == 'ferry', 'filetype of *.ferry is ferry')
check(vim.bo[buf].commentstring == '// %s', 'commentstring is // %s')

local ok, parser = pcall(vim.treesitter.get_parser, buf, 'ferry')
check(ok, 'the ferry parser loads')
if ok then
  local tree = parser:parse()[1]
  check(not tree:root():has_error(), 'the file parses without errors')
end
for _, name in ipairs({ 'highlights', 'locals', 'injections', 'folds', 'indents' }) do
  local qok, query = pcall(vim.treesitter.query.get, 'ferry', name)
  check(qok and query ~= nil, 'queries/ferry/' .. name .. '.scm compiles' .. (qok and '' or (': ' .. tostring(query))))
end
check(vim.treesitter.highlighter.active[buf] ~= nil, 'tree-sitter highlighting is on')

local attached = vim.wait(5000, function()
  return #vim.lsp.get_clients({ bufnr = buf, name = 'ferry' }) > 0
    and vim.fn.filereadable(log) == 1
    and vim.fn.readfile(log)[3] ~= nil
end, 50)
check(attached, 'the ferry language server starts and attaches')
if attached then
  local methods = table.concat(vim.fn.readfile(log), ' ')
  check(methods:find('initialize', 1, true) and methods:find('textDocument/didOpen', 1, true),
    'the server got initialize and didOpen (' .. methods .. ')')
end
for _, client in ipairs(vim.lsp.get_clients({ name = 'ferry' })) do
  client:stop(true)
end

io.stdout:write(string.format('neovim smoke test: %d failure(s)\n', failures))
os.exit(failures == 0 and 0 or 1)
