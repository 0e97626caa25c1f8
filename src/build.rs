//! `ferry build JOB -o OUT`: a standalone executable of the job.
//!
//! The runtime's static library travels inside this binary (compressed; see the
//! package's `build.rs`) and is unpacked once into a cache folder.

use std::io::Read;
use std::path::{Path, PathBuf};

static RUNTIME_GZ: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/runtime.a.gz"));
static RUNTIME_LIBS: &str = include_str!(concat!(env!("OUT_DIR"), "/runtime-libs.txt"));

/// The unpacked runtime archive, in a cache folder named after its contents.
fn runtime_archive() -> Result<PathBuf, String> {
    if RUNTIME_GZ.is_empty() {
        return Err("this `ferry` was built without its runtime (FERRY_NO_RUNTIME): it cannot build executables".into());
    }
    let digest = RUNTIME_GZ.iter().fold(0xcbf29ce484222325u64, |h, b| {
        (h ^ *b as u64).wrapping_mul(0x100000001b3)
    });
    let dir = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
        .join("ferry");
    let path = dir.join(format!(
        "runtime-{}-{digest:016x}.a",
        env!("CARGO_PKG_VERSION")
    ));
    if path.is_file() {
        return Ok(path);
    }
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut bytes = Vec::new();
    flate2::read::GzDecoder::new(RUNTIME_GZ)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("the embedded runtime is damaged: {e}"))?;
    // Written beside, then renamed: two builds at once never see half a file.
    let partial = dir.join(format!(".runtime-{}-{digest:016x}.a", std::process::id()));
    std::fs::write(&partial, &bytes)
        .map_err(|e| format!("cannot write {}: {e}", partial.display()))?;
    std::fs::rename(&partial, &path)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

pub fn build(job: &Path, output: Option<&Path>, adaptor_paths: &[PathBuf]) -> i32 {
    let program = match crate::run::compile(job, adaptor_paths) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let output = output.map(Path::to_path_buf).unwrap_or_else(|| {
        PathBuf::from(
            job.file_stem()
                .map_or_else(|| "job".into(), |s| s.to_string_lossy().into_owned()),
        )
    });
    let meta = program.meta.to_json();
    let object = match ferry_compiler::codegen::object::compile(&program, meta.as_bytes()) {
        Ok(o) => o,
        Err(message) => {
            eprintln!("error: internal error while compiling: {message}");
            return 3;
        }
    };
    let runtime = match runtime_archive() {
        Ok(p) => p,
        Err(message) => {
            eprintln!("error: {message}");
            return 2;
        }
    };
    let work = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: cannot create a temporary folder: {e}");
            return 2;
        }
    };
    let object_path = work.path().join("job.o");
    if let Err(e) = std::fs::write(&object_path, object) {
        eprintln!("error: cannot write {}: {e}", object_path.display());
        return 2;
    }
    match ferry_compiler::link::link(&object_path, &runtime, RUNTIME_LIBS, &output) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("error: {message}");
            2
        }
    }
}
