//! Which `.ferry` files a command looks at: each file named, and every `.ferry`
//! file under each folder named (outside hidden folders and `target/`), in path
//! order. `ferry test` also leaves out `adaptors/` folders (adaptor files are not
//! jobs); `ferry fmt` and `ferry check` take them too.

use std::path::{Path, PathBuf};

/// Whether a walk goes into `adaptors/` folders.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Adaptors {
    Include,
    Skip,
}

pub fn ferry_files(paths: &[PathBuf], adaptors: Adaptors) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, adaptors, &mut found)?;
        } else if path.is_file() {
            found.push(path.clone());
        } else {
            return Err(format!("{}: no such file or folder", path.display()));
        }
    }
    Ok(found)
}

fn walk(dir: &Path, adaptors: Adaptors, found: &mut Vec<PathBuf>) -> Result<(), String> {
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
            if !(adaptors == Adaptors::Skip && name == "adaptors") {
                walk(&path, adaptors, found)?;
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
