//! `ferry adaptor import openapi` and `ferry adaptor infer`.

use crate::Outcome;
use std::io::Read;
use std::path::{Path, PathBuf};

fn read(path: &Path) -> Result<String, String> {
    if path == Path::new("-") {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("cannot read standard input: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Writes the adaptor to `output` (default `adaptors/NAME.ferry`, where the
/// next `ferry check` of a job in this folder finds it; `-` for stdout).
pub fn import_openapi(spec: &Path, name: Option<&str>, output: Option<&Path>) -> Outcome {
    let text = match read(spec) {
        Ok(text) => text,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::Usage;
        }
    };
    let from = (spec != Path::new("-")).then_some(spec);
    let imported = match ferry_import::import_openapi(&text, from, name) {
        Ok(imported) => imported,
        Err(message) => {
            eprintln!("error: {message}");
            return Outcome::Failed;
        }
    };
    for warning in &imported.warnings {
        eprintln!("warning: {warning}");
    }
    let target = output
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("adaptors").join(format!("{}.ferry", imported.name)));
    if target == Path::new("-") {
        print!("{}", imported.text);
    } else {
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty())
            && let Err(e) = std::fs::create_dir_all(dir)
        {
            eprintln!("error: cannot create {}: {e}", dir.display());
            return Outcome::Usage;
        }
        if let Err(e) = std::fs::write(&target, &imported.text) {
            eprintln!("error: cannot write {}: {e}", target.display());
            return Outcome::Usage;
        }
    }
    let shown = if target == Path::new("-") {
        "the adaptor".to_string()
    } else {
        target.display().to_string()
    };
    eprintln!(
        "wrote {shown}: adaptor `{}`, {}, {}, {}",
        imported.name,
        crate::output::plural(imported.types, "type"),
        crate::output::plural(imported.ops, "op"),
        crate::output::plural(imported.warnings.len(), "warning"),
    );
    Outcome::Ok
}

/// Prints a type for the samples (JSON files, or `-`).
pub fn infer(name: &str, samples: &[PathBuf], enums: bool) -> Outcome {
    let mut values = Vec::new();
    for path in samples {
        let text = match read(path) {
            Ok(text) => text,
            Err(message) => {
                eprintln!("error: {message}");
                return Outcome::Usage;
            }
        };
        match serde_json::from_str(&text) {
            Ok(value) => values.push(value),
            Err(e) => {
                let message = e.to_string();
                let message = message
                    .rsplit_once(" at line ")
                    .map_or(message.as_str(), |(m, _)| m);
                eprintln!(
                    "error: {}:{}:{}: not valid JSON: {message}",
                    path.display(),
                    e.line(),
                    e.column()
                );
                return Outcome::Failed;
            }
        }
    }
    match ferry_import::infer::infer(name, &values, enums) {
        Ok(text) => {
            print!("{text}");
            Outcome::Ok
        }
        Err(message) => {
            eprintln!("error: {message}");
            Outcome::Usage
        }
    }
}
