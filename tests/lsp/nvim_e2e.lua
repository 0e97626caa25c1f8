-- End-to-end: Neovim (0.7+) starts `ferry lsp`, opens a job, and records what the
-- server answers as JSON, for tests/lsp_nvim.rs to check.
--
--   FERRY_BIN=target/debug/ferry FERRY_FILE=job.ferry FERRY_OUT=out.json \
--     nvim --headless -u NONE -i NONE -n -c 'luafile tests/lsp/nvim_e2e.lua'
--
-- Each step adds one key to the result. To test a new feature, add a step that
-- requests it with `request(...)` and stores what the test should compare.

local bin = assert(os.getenv('FERRY_BIN'), 'FERRY_BIN is not set')
local file = assert(os.getenv('FERRY_FILE'), 'FERRY_FILE is not set')
local out_path = assert(os.getenv('FERRY_OUT'), 'FERRY_OUT is not set')
local timeout_ms = 20000

local result = {}

local function write_result()
  local out = assert(io.open(out_path, 'w'))
  out:write(vim.fn.json_encode(result))
  out:close()
end

local function run()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  local client_id = vim.lsp.start_client({
    name = 'ferry',
    cmd = { bin, 'lsp' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
  })
  assert(client_id, 'the client did not start')
  assert(vim.lsp.buf_attach_client(bufnr, client_id), 'the client did not attach')

  local function request(method, params)
    local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, timeout_ms)
    assert(responses, method .. ': ' .. tostring(err))
    local response = responses[client_id]
    assert(response and not response.err, method .. ': ' .. vim.inspect(response))
    return response.result
  end

  -- Diagnostics, as Neovim shows them (0-based lines and columns).
  assert(vim.wait(timeout_ms, function()
    return #vim.diagnostic.get(bufnr) > 0
  end, 20), 'no diagnostics within the timeout')
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(result.diagnostics, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, source = d.source, code = d.code or lsp.code, message = d.message,
    })
  end

  local document = { uri = vim.uri_from_bufnr(bufnr) }

  -- Completion at the start of the last (empty) line: keywords, snippets' labels
  -- and the names in scope.
  local last = vim.api.nvim_buf_line_count(bufnr) - 1
  local completion = request('textDocument/completion', {
    textDocument = document,
    position = { line = last, character = 0 },
  })
  local items = completion.items or completion
  result.completion = {}
  for _, item in ipairs(items) do
    table.insert(result.completion, item.label)
  end

  -- The outline.
  result.symbols = {}
  for _, symbol in ipairs(request('textDocument/documentSymbol', { textDocument = document })) do
    table.insert(result.symbols, symbol.name)
  end

  -- Typed completion: type `let x = input.form.` on the last line (the line
  -- does not parse), then ask for the fields.
  local typed = 'let x = input.form.'
  vim.api.nvim_buf_set_lines(bufnr, last, last + 1, false, { typed })
  local fields = request('textDocument/completion', {
    textDocument = document,
    position = { line = last, character = #typed },
  })
  result.typed_completion = {}
  for _, item in ipairs(fields.items or fields) do
    table.insert(result.typed_completion, item.label .. ': ' .. (item.detail or ''))
  end
  vim.api.nvim_buf_set_lines(bufnr, last, last + 1, false, { '' })

  -- Hover on `sex_code` where it is called.
  local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  for lnum, line in ipairs(lines) do
    local col = line:find('value: sex_code(', 1, true)
    if col then
      local hover = request('textDocument/hover', {
        textDocument = document,
        position = { line = lnum - 1, character = col - 1 + #'value: sex' },
      })
      result.hover = hover.contents.value
      break
    end
  end

  -- Go to the definition of `dhis2.upsert_tracked_entities`: the built-in document.
  for lnum, line in ipairs(lines) do
    local col = line:find('dhis2.upsert_tracked_entities(', 1, true)
    if col then
      local found = request('textDocument/definition', {
        textDocument = document,
        position = { line = lnum - 1, character = col - 1 + #'dhis2.upsert' },
      })
      local location = found[1] or found
      result.definition = { uri = location.uri, line = location.range.start.line }
      break
    end
  end

  vim.lsp.stop_client(client_id)
  vim.wait(2000, function()
    return vim.lsp.get_client_by_id(client_id) == nil
  end, 20)
end

local ok, err = pcall(run)
if not ok then
  result.error = tostring(err)
end
write_result()
vim.cmd('qa!')
