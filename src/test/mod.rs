//! `ferry test [PATH...]` (docs/testing-jobs.md): finds the jobs with `test`
//! blocks under the paths, compiles each once in test mode with the JIT, runs
//! its tests in parallel, prints one line per test and a summary line. Exit
//! codes: 0 every test passed, 1 a test failed, 2 a job or test did not compile.

mod report;
mod runner;

use std::path::PathBuf;

/// What `ferry test` was asked.
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub adaptor_paths: Vec<PathBuf>,
    /// Only the tests whose name contains this text.
    pub filter: Option<String>,
    /// JSON Lines instead of lines for people.
    pub json: bool,
    /// Where to write a JUnit XML report.
    pub junit: Option<PathBuf>,
    /// Rewrite the fixtures `expect … == fixture(…)` compares with.
    pub update: bool,
}

pub fn run(options: &Options) -> i32 {
    // No path: the current folder.
    let default = [PathBuf::from(".")];
    let paths = if options.paths.is_empty() {
        &default[..]
    } else {
        &options.paths[..]
    };
    let jobs = match crate::discover::ferry_files(paths, crate::discover::Adaptors::Skip) {
        Ok(jobs) => jobs,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let mut results = Vec::new();
    let mut broken = 0;
    for job in &jobs {
        match runner::run_job(
            job,
            &options.adaptor_paths,
            options.filter.as_deref(),
            options.update,
        ) {
            Ok(mut r) => results.append(&mut r),
            Err(()) => broken += 1,
        }
    }
    if let Some(path) = &options.junit
        && let Err(e) = std::fs::write(path, report::junit(&results))
    {
        eprintln!("error: cannot write {}: {e}", path.display());
        return 2;
    }
    if options.json {
        report::print_json(&results, broken)
    } else {
        report::print_human(&results, broken)
    }
}
