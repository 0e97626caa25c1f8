//! `ferry build`'s last step: the job's object file and the runtime's static
//! library, linked into one executable by the system's C linker driver (`cc`).

use std::path::Path;
use std::process::Command;

/// Links `object` (the job) with `runtime` (the runtime's static library) into
/// `output`, stripped. `libs` are the system libraries the runtime needs
/// (`-lgcc_s -lm …`). `$CC` overrides the linker driver.
pub fn link(object: &Path, runtime: &Path, libs: &str, output: &Path) -> Result<(), String> {
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let mut command = Command::new(&cc);
    command
        .arg(object)
        .arg(runtime)
        .args(libs.split_whitespace())
        .arg("-Wl,--gc-sections");
    // Symbols help a profiler; a job copied to a server does not need them.
    if std::env::var_os("FERRY_KEEP_SYMBOLS").is_none() {
        command.arg("-s");
    }
    command.arg("-o").arg(output);
    let result = command.output().map_err(|e| {
        format!("cannot run the C linker `{cc}`: {e}\n  `ferry build` needs a C compiler driver: install gcc or clang (e.g. `apt-get install gcc`), or set CC")
    })?;
    if !result.status.success() {
        return Err(format!(
            "linking failed ({cc}):\n{}",
            String::from_utf8_lossy(&result.stderr)
        ));
    }
    Ok(())
}
