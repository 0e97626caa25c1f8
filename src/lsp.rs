//! `ferry lsp`: the language server on standard input and output (see docs/lsp.md).

use crate::Outcome;

pub fn run() -> Outcome {
    match ferry_lsp::run_stdio() {
        Ok(()) => Outcome::Ok,
        Err(error) => {
            eprintln!("error: cannot start the language server: {error}");
            Outcome::Failed
        }
    }
}
