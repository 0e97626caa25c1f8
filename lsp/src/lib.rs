//! The Ferry language server: `ferry lsp` over the compiler's front end and checker.
