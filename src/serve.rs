//! `ferry serve JOB...`: compile each job in memory and serve their triggers.

use ferry_runtime::job_main::{self, JobMain};
use ferry_runtime::serve_jobs::{self, JobCode, ServeArgs};
use std::path::{Path, PathBuf};

pub fn serve(paths: &[PathBuf], adaptor_paths: &[PathBuf], args: &ServeArgs) -> i32 {
    // The compiled code must outlive the serve: it is kept here until it returns.
    let mut compiled = Vec::new();
    let mut jobs = Vec::new();
    for path in paths {
        let program = match crate::run::compile(path, adaptor_paths) {
            Ok(p) => p,
            Err(code) => return code,
        };
        let meta = program.meta.to_json();
        let jit =
            match ferry_compiler::codegen::jit::compile(&program, &ferry_runtime::abi::symbols()) {
                Ok(jit) => jit,
                Err(message) => {
                    eprintln!(
                        "error: internal error while compiling {}: {message}",
                        path.display()
                    );
                    return 3;
                }
            };
        // Safety: `jit.main` is this program's main body, compiled with `meta`.
        let main: JobMain = unsafe { std::mem::transmute(jit.main) };
        jobs.push(JobCode {
            name: job_name(path),
            meta: meta.into_bytes().into(),
            main,
        });
        compiled.push(jit);
    }
    job_main::quiet_panics();
    // Safety: every main body stays compiled (`compiled`) until serve returns.
    let code = unsafe { serve_jobs::serve_with_args(jobs, args) };
    drop(compiled);
    code
}

fn job_name(path: &Path) -> String {
    job_main::job_name(&path.display().to_string())
}
