//! Helpers shared by the compiler's integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Every `.ferry` file under the given folders of the repository, sorted.
pub fn ferry_files(folders: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for folder in folders {
        collect(&repo_root().join(folder), &mut files);
    }
    files.sort();
    files
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "ferry") {
            out.push(path);
        }
    }
}

/// The tree's debug text with every span removed: two trees that differ only
/// in positions print the same.
pub fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let tail = &rest[at + 1..];
        let len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        if len > 0 && tail[..len].contains("..") {
            rest = &tail[len..];
        } else {
            out.push('@');
            rest = tail;
        }
    }
    out.push_str(rest);
    out
}

/// Every `@start..end` span in a tree's debug text.
pub fn spans(debug: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut rest = debug;
    while let Some(at) = rest.find('@') {
        let tail = &rest[at + 1..];
        let len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        if let Some((a, b)) = tail[..len].split_once("..")
            && let (Ok(a), Ok(b)) = (a.parse(), b.parse())
        {
            spans.push((a, b));
        }
        rest = tail;
    }
    spans
}
