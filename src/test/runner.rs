//! One job's tests: checked, compiled once in test mode, run in parallel (one
//! thread per core, each test on a run of its own).

use crate::output;
use ferry_compiler::syntax::ast::ItemKind;
use ferry_runtime::testing::{self, Verdict};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// How one test ended.
pub struct TestResult {
    pub file: String,
    pub name: String,
    pub verdict: Verdict,
    pub time: std::time::Duration,
}

/// The results of the tests of `path` that match `filter`; `Err` when the job
/// has tests and does not compile (its errors are printed). A file without
/// `test` blocks has no results.
pub fn run_job(
    path: &Path,
    adaptor_paths: &[std::path::PathBuf],
    filter: Option<&str>,
    update: bool,
) -> Result<Vec<TestResult>, ()> {
    let analysis = ferry_compiler::check_file(path, adaptor_paths).map_err(|message| {
        eprintln!("error: {message}");
    })?;
    let names: Vec<String> = analysis.files[0]
        .ast
        .items
        .iter()
        .filter_map(|item| match &item.kind {
            ItemKind::Test { name, .. } => Some(name.value.clone()),
            _ => None,
        })
        .collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    if analysis.has_errors() {
        output::print_errors(&analysis.diagnostics, &analysis.sources);
        eprintln!(
            "error: {} has errors; its tests were not run",
            path.display()
        );
        return Err(());
    }
    let program = ferry_compiler::ir::lower_tests(&analysis).map_err(|e| {
        eprintln!("error: {}: {e}", path.display());
    })?;
    let meta = program.meta.to_json();
    let jit = ferry_compiler::codegen::jit::compile(&program, &ferry_runtime::abi::symbols())
        .map_err(|message| eprintln!("error: internal error while compiling: {message}"))?;
    ferry_runtime::job_main::quiet_panics();
    let chosen: Vec<usize> = (0..names.len())
        .filter(|&i| filter.is_none_or(|f| names[i].contains(f)))
        .collect();
    // The code stays alive (`jit`) until every thread has ended.
    let main = jit.main as usize;
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(chosen.len())
        .max(1);
    let mut verdicts: Vec<(usize, (Verdict, std::time::Duration))> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(&index) = chosen.get(k) else {
                            break;
                        };
                        // Safety: `main` is the test-mode main body compiled with `meta`.
                        let verdict = unsafe {
                            let main: ferry_runtime::job_main::JobMain = std::mem::transmute(main);
                            let started = std::time::Instant::now();
                            let verdict = testing::run_test(meta.as_bytes(), main, index, update);
                            (verdict, started.elapsed())
                        };
                        done.push((index, verdict));
                    }
                    done
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_default())
            .collect()
    });
    drop(jit);
    verdicts.sort_by_key(|(i, _)| *i);
    Ok(verdicts
        .into_iter()
        .map(|(i, (verdict, time))| TestResult {
            file: path.display().to_string(),
            name: names[i].clone(),
            verdict,
            time,
        })
        .collect())
}
