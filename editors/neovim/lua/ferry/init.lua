-- Ferry for Neovim: the language server (`ferry lsp`) through the built-in client, and the
-- tree-sitter parser's registration with nvim-treesitter for those who install parsers
-- with it. Filetype detection, buffer settings, queries and a locally built parser need
-- no setup: they come from this directory on the runtimepath.
--
--   require('ferry').setup({ cmd = { 'ferry', 'lsp' } })

local M = {}

local defaults = {
  -- The language server command; `ferry` must be on PATH, or give a path.
  cmd = { 'ferry', 'lsp' },
  -- Files that mark a project root (the directory of the file is used otherwise).
  root_markers = { '.git' },
  -- Register the parser with nvim-treesitter if it is installed (`:TSInstall ferry`).
  nvim_treesitter = true,
}

--- The grammar directory of this checkout: editors/neovim/../../grammar/tree-sitter-ferry.
local function grammar_dir()
  local here = debug.getinfo(1, 'S').source:sub(2)
  local root = vim.fn.fnamemodify(here, ':p:h:h:h:h:h')
  return root, root .. '/grammar/tree-sitter-ferry'
end

local function setup_lsp(opts)
  local config = {
    cmd = opts.cmd,
    filetypes = { 'ferry' },
    root_markers = opts.root_markers,
  }
  if vim.lsp.config and vim.lsp.enable then -- Neovim 0.11+
    vim.lsp.config('ferry', config)
    vim.lsp.enable('ferry')
    return
  end
  -- Neovim 0.10: start (or reuse) a client for every Ferry buffer.
  vim.api.nvim_create_autocmd('FileType', {
    group = vim.api.nvim_create_augroup('ferry_lsp', { clear = true }),
    pattern = 'ferry',
    callback = function(args)
      local root = vim.fs.root(args.buf, opts.root_markers)
        or vim.fs.dirname(vim.api.nvim_buf_get_name(args.buf))
      vim.lsp.start({ name = 'ferry', cmd = opts.cmd, root_dir = root }, { bufnr = args.buf })
    end,
  })
end

local function setup_nvim_treesitter()
  local ok, parsers = pcall(require, 'nvim-treesitter.parsers')
  if not ok then
    return
  end
  local root, grammar = grammar_dir()
  if type(parsers.get_parser_configs) == 'function' then
    -- nvim-treesitter `master`: queries come from this directory on the runtimepath.
    parsers.get_parser_configs().ferry = {
      install_info = {
        url = grammar,
        files = { 'src/parser.c', 'src/scanner.c' },
        requires_generate_from_grammar = false,
      },
      filetype = 'ferry',
    }
  else
    -- nvim-treesitter `main`: parsers are registered on every `:TSUpdate`.
    local function register()
      require('nvim-treesitter.parsers').ferry = {
        install_info = { path = root, location = 'grammar/tree-sitter-ferry', queries = 'editors/neovim/queries/ferry' },
        tier = 3,
      }
    end
    register()
    vim.api.nvim_create_autocmd('User', { pattern = 'TSUpdate', callback = register })
  end
end

function M.setup(opts)
  opts = vim.tbl_deep_extend('force', defaults, opts or {})
  vim.filetype.add({ extension = { ferry = 'ferry' } })
  setup_lsp(opts)
  if opts.nvim_treesitter then
    setup_nvim_treesitter()
  end
end

return M
