//! How the CLI prints diagnostics: coloured for people, JSON for tools.

use ferry_compiler::diagnostics::{self, Diagnostic};
use ferry_compiler::source::SourceMap;
use std::io::{IsTerminal, Write};

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stderr().is_terminal()
            }
        }
    }
}

/// Terminal diagnostics go to stderr.
pub fn print_human(diagnostics: &[Diagnostic], sources: &SourceMap, color: ColorChoice) {
    let text = diagnostics::render(diagnostics, sources, color.enabled());
    let _ = std::io::stderr().write_all(text.as_bytes());
}

/// Only the errors of a check, on stderr: what `run` and `test` show of a job
/// they will not run.
pub fn print_errors(diagnostics: &[Diagnostic], sources: &SourceMap) {
    let errors: Vec<_> = diagnostics
        .iter()
        .filter(|d| d.is_error())
        .cloned()
        .collect();
    print_human(&errors, sources, ColorChoice::Auto);
}

/// JSON diagnostics go to stdout, as one array.
pub fn print_json(diagnostics: &[(Diagnostic, &SourceMap)]) {
    let values: Vec<_> = diagnostics
        .iter()
        .map(|(d, sources)| diagnostics::to_json(d, sources))
        .collect();
    let text = serde_json::to_string_pretty(&values).unwrap_or_else(|_| "[]".into());
    println!("{text}");
}

pub fn count(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    (errors, diagnostics.len() - errors)
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}
