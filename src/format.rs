//! `ferry fmt`: rewrite files in the canonical layout, or check that they are.
//! A folder named stands for every `.ferry` file below it (crate::discover).

use crate::Outcome;
use crate::output::{self, ColorChoice};
use ferry_compiler::source::SourceMap;
use std::io::Read;
use std::path::{Path, PathBuf};

pub fn run(paths: &[PathBuf], check: bool) -> Outcome {
    let files = match files(paths) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::Usage;
        }
    };
    let mut unformatted = Vec::new();
    let mut failed = false;
    for path in &files {
        let stdin = path == Path::new("-");
        let text = if stdin {
            let mut text = String::new();
            if let Err(e) = std::io::stdin().read_to_string(&mut text) {
                eprintln!("error: cannot read standard input: {e}");
                return Outcome::Usage;
            }
            text
        } else {
            match std::fs::read_to_string(path) {
                Ok(text) => text,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", path.display());
                    return Outcome::Usage;
                }
            }
        };
        let formatted = match ferry_compiler::fmt::format(&text) {
            Ok(formatted) => formatted,
            Err(errors) => {
                let mut sources = SourceMap::new();
                let name = if stdin {
                    "<stdin>".to_string()
                } else {
                    path.display().to_string()
                };
                let id = sources.add(name.clone(), text);
                let errors: Vec<_> = errors
                    .into_iter()
                    .map(|mut d| {
                        d.file = id;
                        d
                    })
                    .collect();
                output::print_human(&errors, &sources, ColorChoice::Auto);
                eprintln!("{name}: not formatted, fix the syntax errors first");
                failed = true;
                continue;
            }
        };
        if stdin {
            print!("{formatted}");
        } else if formatted != text {
            if check {
                unformatted.push(path.display().to_string());
            } else if let Err(e) = std::fs::write(path, &formatted) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return Outcome::Usage;
            }
        }
    }
    for path in &unformatted {
        eprintln!("not formatted: {path}");
    }
    if failed || !unformatted.is_empty() {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}

/// The files the paths name, in order: `-` (standard input) as it is, each
/// folder as the `.ferry` files below it, adaptor files included.
fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path == Path::new("-") {
            files.push(path.clone());
        } else {
            files.extend(crate::discover::ferry_files(
                std::slice::from_ref(path),
                crate::discover::Adaptors::Include,
            )?);
        }
    }
    Ok(files)
}
