//! `ferry run JOB`: compile in memory (Cranelift JIT) and run at once.

use crate::output;
use ferry_runtime::job_main::{self, RunArgs};
use std::path::{Path, PathBuf};

/// Checks and compiles a job; on errors, prints them and gives the exit code: 2
/// for a job that does not compile (nothing was run), as for a file that cannot
/// be read; 3 for the compiler's own mistake.
pub fn compile(path: &Path, adaptor_paths: &[PathBuf]) -> Result<ferry_compiler::ir::Program, i32> {
    let analysis = match ferry_compiler::check_file(path, adaptor_paths) {
        Ok(a) => a,
        Err(message) => {
            eprintln!("error: {message}");
            return Err(2);
        }
    };
    if analysis.has_errors() {
        output::print_errors(&analysis.diagnostics, &analysis.sources);
        eprintln!("error: {} has errors; nothing was run", path.display());
        return Err(2);
    }
    let mut program = ferry_compiler::ir::lower(&analysis).map_err(|e| {
        eprintln!("error: {e}");
        match e {
            ferry_compiler::ir::LowerError::NotAJob(_) => 2,
            ferry_compiler::ir::LowerError::Internal(_) => 3,
        }
    })?;
    // The version `serve` records with each run: which code produced it.
    program.meta.version = ferry_runtime::serve_jobs::version_of(
        analysis
            .sources
            .iter()
            .map(|(_, s)| (s.name.as_str(), &*s.text)),
    );
    Ok(program)
}

pub fn run(path: &Path, adaptor_paths: &[PathBuf], args: &RunArgs) -> i32 {
    let program = match compile(path, adaptor_paths) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if std::env::var_os("FERRY_DUMP_IR").is_some() {
        eprint!("{}", ferry_compiler::ir::print::print(&program));
    }
    let meta = program.meta.to_json();
    let jit = match ferry_compiler::codegen::jit::compile(&program, &ferry_runtime::abi::symbols())
    {
        Ok(jit) => jit,
        Err(message) => {
            eprintln!("error: internal error while compiling: {message}");
            return 3;
        }
    };
    job_main::quiet_panics();
    // Safety: `jit.main` is this program's main body, compiled with `meta`.
    unsafe {
        let main: job_main::JobMain = std::mem::transmute(jit.main);
        job_main::run_with_args(meta.as_bytes(), main, args)
    }
}
