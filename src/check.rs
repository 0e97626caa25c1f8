//! `ferry check`: every diagnostic of every file, and an exit code. A folder
//! named stands for every `.ferry` file below it (crate::discover).

use crate::Outcome;
use crate::discover;
use crate::output::{self, ColorChoice, Format};
use ferry_compiler::diagnostics::Diagnostic;
use ferry_compiler::source::SourceMap;
use std::path::PathBuf;

pub fn run(
    paths: &[PathBuf],
    adaptor_paths: &[PathBuf],
    format: Format,
    color: ColorChoice,
) -> Outcome {
    let files = match discover::ferry_files(paths, discover::Adaptors::Include) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::Usage;
        }
    };
    let mut results: Vec<(SourceMap, Vec<Diagnostic>)> = Vec::new();
    for path in &files {
        match ferry_compiler::check_file(path, adaptor_paths) {
            Ok(analysis) => results.push((analysis.sources, analysis.diagnostics)),
            Err(message) => {
                eprintln!("error: {message}");
                return Outcome::Usage;
            }
        }
    }
    let all: Vec<&Diagnostic> = results.iter().flat_map(|(_, d)| d).collect();
    let (errors, warnings) = output::count(&all.iter().map(|d| (*d).clone()).collect::<Vec<_>>());
    match format {
        Format::Json => {
            let pairs: Vec<(Diagnostic, &SourceMap)> = results
                .iter()
                .flat_map(|(s, ds)| ds.iter().map(move |d| (d.clone(), s)))
                .collect();
            output::print_json(&pairs);
        }
        Format::Human => {
            for (sources, diagnostics) in &results {
                output::print_human(diagnostics, sources, color);
            }
            let files = output::plural(results.len(), "file");
            if errors + warnings == 0 {
                eprintln!("checked {files}: no errors");
            } else {
                eprintln!(
                    "checked {files}: {}, {}",
                    output::plural(errors, "error"),
                    output::plural(warnings, "warning")
                );
            }
        }
    }
    if errors > 0 {
        Outcome::Failed
    } else {
        Outcome::Ok
    }
}
