//! Running the `ferry` binary from a CLI test: its exit code and its output.

use std::path::Path;
use std::process::Command;

pub struct Out {
    pub exit: i32,
    pub stdout: String,
    pub stderr: String,
}

/// `ferry ARGS` in `dir`, without colour or backtraces.
pub fn ferry(dir: &Path, args: &[&str]) -> Out {
    let out = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    Out {
        exit: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}
