//! Builds the runtime as a static library and embeds it, compressed, in the
//! `ferry` binary, so that `ferry build` needs nothing but a C linker.
//!
//! The archive is built by a nested `cargo rustc -p ferry-runtime --profile runtime
//! --crate-type staticlib` (the `runtime` profile of Cargo.toml) into its own target folder (docs/internals/architecture.md:
//! picking it out of the outer `target/` is fragile). The system libraries it needs
//! (`--print native-static-libs`) are kept beside it.
//!
//! `FERRY_NO_RUNTIME=1` skips it (for quick builds of the compiler alone): that
//! `ferry` can check and run jobs but not build executables.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    let archive_gz = out.join("runtime.a.gz");
    let libs_file = out.join("runtime-libs.txt");
    println!("cargo:rerun-if-changed=runtime/src");
    println!("cargo:rerun-if-changed=runtime/Cargo.toml");
    println!("cargo:rerun-if-changed=Cargo.lock");
    // The `runtime` profile.
    println!("cargo:rerun-if-changed=Cargo.toml");
    println!("cargo:rerun-if-env-changed=FERRY_NO_RUNTIME");

    if std::env::var_os("FERRY_NO_RUNTIME").is_some() {
        std::fs::write(&archive_gz, b"").expect("write the empty archive");
        std::fs::write(&libs_file, b"").expect("write the empty list");
        return;
    }

    let manifest_dir =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let target_dir = out.join("runtime-target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(&manifest_dir)
        .args([
            "rustc",
            "-p",
            "ferry-runtime",
            "--lib",
            "--profile",
            "runtime",
            "--crate-type",
            "staticlib",
            "--target-dir",
        ])
        .arg(&target_dir)
        .args(["--", "--print", "native-static-libs"])
        // The outer build's settings are not the runtime's.
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_PROFILE_RELEASE_DEBUG")
        .env_remove("CARGO_PROFILE_RUNTIME_DEBUG")
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        panic!("building the runtime's static library failed:\n{stderr}");
    }
    // "note: native-static-libs: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
    let libs = stderr
        .lines()
        .find_map(|l| {
            l.split_once("native-static-libs:")
                .map(|(_, libs)| libs.trim().to_string())
        })
        .unwrap_or_else(|| "-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc".into());
    std::fs::write(&libs_file, libs).expect("write the library list");

    let archive = target_dir.join("runtime").join("libferry_runtime.a");
    compress(&archive, &archive_gz);
}

fn compress(from: &Path, to: &Path) {
    let bytes = std::fs::read(from).unwrap_or_else(|e| panic!("read {}: {e}", from.display()));
    let file = std::fs::File::create(to).unwrap_or_else(|e| panic!("create {}: {e}", to.display()));
    let mut encoder = flate2::write::GzEncoder::new(file, flate2::Compression::new(6));
    encoder.write_all(&bytes).expect("compress the runtime");
    encoder.finish().expect("finish compressing the runtime");
}
