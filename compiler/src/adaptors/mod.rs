//! Adaptor files: the built-in ones (embedded in the compiler), and the user's,
//! found in `--adaptor-path` folders and in `./adaptors/` beside the job.

use std::path::{Path, PathBuf};

/// The built-in adaptors: name and source text.
pub const BUILTIN: &[(&str, &str)] = &[
    ("commcare", include_str!("commcare.ferry")),
    ("dhis2", include_str!("dhis2.ferry")),
    ("dhis2_pat", include_str!("dhis2_pat.ferry")),
    ("http", include_str!("http.ferry")),
];

/// Where a job's adaptors are looked for.
#[derive(Clone, Debug, Default)]
pub struct Search {
    /// `--adaptor-path` folders, searched first, in order.
    pub paths: Vec<PathBuf>,
    /// The job's folder: its `adaptors/` subfolder is searched next.
    pub job_dir: Option<PathBuf>,
}

/// An adaptor file found: the name to show for it, and its text.
pub struct Found {
    pub display: String,
    pub text: String,
}

/// How built-in adaptor files are named in messages and in the LSP.
pub fn builtin_display(name: &str) -> String {
    format!("<builtin>/{name}.ferry")
}

impl Search {
    fn folders(&self) -> Vec<PathBuf> {
        let mut folders = self.paths.clone();
        if let Some(dir) = &self.job_dir {
            folders.push(dir.join("adaptors"));
        }
        folders
    }

    /// The file of adaptor `name`: a user's file first, then a built-in one.
    /// An unreadable user file is an error message.
    pub fn find(&self, name: &str) -> Result<Option<Found>, String> {
        for folder in self.folders() {
            let path = folder.join(format!("{name}.ferry"));
            if path.is_file() {
                return std::fs::read_to_string(&path)
                    .map(|text| {
                        Some(Found {
                            display: display_path(&path),
                            text,
                        })
                    })
                    .map_err(|e| format!("cannot read {}: {e}", path.display()));
            }
        }
        Ok(BUILTIN
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| Found {
                display: builtin_display(n),
                text: text.to_string(),
            }))
    }

    /// Every adaptor name that `use` could name.
    pub fn available(&self) -> Vec<String> {
        let mut names: Vec<String> = BUILTIN.iter().map(|(n, _)| n.to_string()).collect();
        for folder in self.folders() {
            let Ok(entries) = std::fs::read_dir(folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.extension().is_some_and(|e| e == "ferry")
                    && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
                {
                    names.push(stem.to_string());
                }
            }
        }
        names.sort();
        names.dedup();
        names
    }
}

fn display_path(path: &Path) -> String {
    path.strip_prefix("./")
        .unwrap_or(path)
        .display()
        .to_string()
}
