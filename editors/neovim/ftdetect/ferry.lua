vim.filetype.add({ extension = { ferry = 'ferry' } })
