//! The `main` of the executables `ferry build` writes. The generated C `main`
//! calls one of two entry points: [`ferry_standalone_main`] for a job without a
//! trigger (`job [run] ...`), and [`ferry_standalone_main_serve`] for a job with
//! one (`job serve ...` too). Only the second refers to `serve`, so the linker
//! leaves the webhook server, SQLite and PostgreSQL out of every executable that
//! cannot use them.

use crate::job_main::{JobMain, RunArgs, job_name, quiet_panics, run_with_args};
use crate::program::Program;
use crate::serve_jobs::{JobCode, ServeArgs, serve_with_args};
use clap::Parser;

/// A job without a trigger: it runs once.
#[derive(Parser)]
#[command(
    about = "A Ferry job, compiled by `ferry build`.",
    disable_version_flag = true
)]
struct JobCli {
    #[command(subcommand)]
    command: Option<JobCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(clap::Subcommand)]
enum JobCommand {
    /// Run the job once (the default).
    Run(RunArgs),
}

/// A job with a trigger: it runs once, or serves its trigger.
#[derive(Parser)]
#[command(
    about = "A Ferry job, compiled by `ferry build`.",
    disable_version_flag = true
)]
struct TriggeredJobCli {
    #[command(subcommand)]
    command: Option<TriggeredJobCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(clap::Subcommand)]
enum TriggeredJobCommand {
    /// Run the job once (the default).
    Run(RunArgs),
    /// Serve the job's trigger: its webhook or its schedule.
    Serve(ServeArgs),
}

/// The `main` of an executable whose job has no trigger.
///
/// # Safety
/// Called by the generated C `main` with its arguments, the program's metadata
/// and its main body.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ferry_standalone_main(
    argc: i32,
    argv: *const *const std::ffi::c_char,
    meta: *const u8,
    meta_len: i64,
    main: JobMain,
) -> i32 {
    unsafe {
        standalone(argc, argv, meta, meta_len, |args, meta| {
            let cli = JobCli::try_parse_from(args)?;
            Ok(match cli.command {
                Some(JobCommand::Run(run)) => run_with_args(meta, main, &run),
                None => run_with_args(meta, main, &cli.run),
            })
        })
    }
}

/// The `main` of an executable whose job has a trigger.
///
/// # Safety
/// As for [`ferry_standalone_main`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn ferry_standalone_main_serve(
    argc: i32,
    argv: *const *const std::ffi::c_char,
    meta: *const u8,
    meta_len: i64,
    main: JobMain,
) -> i32 {
    unsafe {
        standalone(argc, argv, meta, meta_len, |args, meta| {
            let cli = TriggeredJobCli::try_parse_from(args)?;
            Ok(match cli.command {
                Some(TriggeredJobCommand::Run(run)) => run_with_args(meta, main, &run),
                Some(TriggeredJobCommand::Serve(serve)) => serve_self(meta, main, &serve),
                None => run_with_args(meta, main, &cli.run),
            })
        })
    }
}

/// What both entry points do around parsing the command line and running: no
/// SIGPIPE, quiet panics, the arguments as strings, clap's errors and exit codes.
unsafe fn standalone(
    argc: i32,
    argv: *const *const std::ffi::c_char,
    meta: *const u8,
    meta_len: i64,
    dispatch: impl FnOnce(&[String], &[u8]) -> Result<i32, clap::Error> + std::panic::UnwindSafe,
) -> i32 {
    // Like a Rust `main`: a closed pipe is an error to handle, not a signal.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_IGN);
    }
    quiet_panics();
    let args: Vec<String> = (0..argc as usize)
        .map(|i| unsafe {
            std::ffi::CStr::from_ptr(*argv.add(i))
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    let meta = unsafe { std::slice::from_raw_parts(meta, meta_len as usize) };
    let result = std::panic::catch_unwind(|| match dispatch(&args, meta) {
        Ok(code) => code,
        Err(e) => {
            let _ = e.print();
            if e.use_stderr() { 2 } else { 0 }
        }
    });
    result.unwrap_or_else(|_| {
        eprintln!("error: internal error of Ferry (please report this)");
        3
    })
}

/// `job serve`: the built job's own metadata and main body, served.
fn serve_self(meta: &[u8], main: JobMain, args: &ServeArgs) -> i32 {
    let name = match Program::load(meta) {
        Ok(program) => job_name(&program.job),
        Err(e) => {
            eprintln!("error: internal error: {e}");
            return 3;
        }
    };
    let job = JobCode {
        name,
        meta: meta.into(),
        main,
    };
    // Safety: the generated `main` passes this program's own main body, which
    // lives as long as the process.
    unsafe { serve_with_args(vec![job], args) }
}
