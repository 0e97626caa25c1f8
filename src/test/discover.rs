//! Which files `ferry test` looks at: each `.ferry` file named, and every
//! `.ferry` file under each folder named (outside `adaptors/` folders and hidden
//! ones), in path order.

use std::path::{Path, PathBuf};

pub fn jobs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let default = [PathBuf::from(".")];
    let paths = if paths.is_empty() {
        &default[..]
    } else {
        paths
    };
    for path in paths {
        if path.is_dir() {
            walk(path, &mut found)?;
        } else if path.is_file() {
            found.push(path.clone());
        } else {
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    Ok(found)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if path.is_dir() {
            // Adaptor files are not jobs.
            if name != "adaptors" {
                walk(&path, found)?;
            }
        } else if name.ends_with(".ferry") {
            // `./job.ferry` is shown as `job.ferry`.
            let shown = path
                .strip_prefix(".")
                .map_or(path.clone(), |p| p.to_path_buf());
            found.push(shown);
        }
    }
    Ok(())
}
