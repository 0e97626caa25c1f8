//! Compiled runs: every case of `tests/run/` is run through the JIT (`ferry run`)
//! and as a built executable (`ferry build`), and both must give exactly the
//! expected exit code, standard output and standard error.
//!
//! A case is `NAME.ferry`, with `NAME.input.json` and `NAME.config.json` when it
//! needs them, `NAME.args` (more options) and `NAME.env` (`KEY=VALUE` lines), and
//! `NAME.expected`:
//!
//! ```text
//! exit: 0
//! --- stdout
//! …
//! --- stderr
//! …
//! ```
//!
//! `FERRY_BLESS=1 cargo test --test run` writes the `.expected` files from the
//! JIT's runs (after checking that the built executables agree); review the diff.
//! `FERRY_RUN_CASES=WORD` runs only the cases whose name contains `WORD`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cases() -> Vec<PathBuf> {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root().join("tests/run"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "ferry"))
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect();
    cases.sort();
    cases
}

#[derive(Debug, PartialEq)]
struct Run {
    exit: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn render(&self) -> String {
        format!(
            "exit: {}\n--- stdout\n{}--- stderr\n{}",
            self.exit, self.stdout, self.stderr
        )
    }
}

fn options(case: &Path) -> Vec<String> {
    let mut args = Vec::new();
    for (flag, suffix) in [("--input", "input.json"), ("--config", "config.json")] {
        let file = case.with_extension(suffix);
        if root().join(&file).is_file() {
            args.push(flag.to_string());
            args.push(file.display().to_string());
        }
    }
    if let Ok(extra) = std::fs::read_to_string(root().join(case.with_extension("args"))) {
        args.extend(extra.split_whitespace().map(str::to_string));
    }
    args
}

fn env(case: &Path) -> Vec<(String, String)> {
    std::fs::read_to_string(root().join(case.with_extension("env")))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| {
            l.split_once('=')
                .map(|(k, v)| (k.to_string(), v.to_string()))
        })
        .collect()
}

fn capture(command: &mut Command) -> Run {
    let output = command
        .current_dir(root())
        .stdin(Stdio::null())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    Run {
        exit: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

#[test]
fn every_case_runs_the_same_through_the_jit_and_built() {
    let bless = std::env::var_os("FERRY_BLESS").is_some();
    let only = std::env::var("FERRY_RUN_CASES").ok();
    let cases: Vec<PathBuf> = cases()
        .into_iter()
        .filter(|c| {
            only.as_ref()
                .is_none_or(|w| c.to_string_lossy().contains(w.as_str()))
        })
        .collect();
    assert!(
        only.is_some() || cases.len() >= 40,
        "expected at least 40 run cases, found {}",
        cases.len()
    );
    let work = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_stem().unwrap().to_string_lossy().into_owned();
        let jit = capture(
            Command::new(env!("CARGO_BIN_EXE_ferry"))
                .arg("run")
                .arg(case)
                .args(options(case))
                .envs(env(case)),
        );
        let exe = work.path().join(&name);
        let build = capture(
            Command::new(env!("CARGO_BIN_EXE_ferry"))
                .arg("build")
                .arg(case)
                .arg("-o")
                .arg(&exe),
        );
        assert_eq!(
            build.exit, 0,
            "{name}: ferry build failed:\n{}",
            build.stderr
        );
        let built = capture(Command::new(&exe).args(options(case)).envs(env(case)));
        if jit != built {
            failures.push(format!(
                "{name}: the JIT and the executable differ\n--- jit\n{}\n--- built\n{}",
                jit.render(),
                built.render()
            ));
            continue;
        }
        let expected_path = root().join(case.with_extension("expected"));
        if bless {
            std::fs::write(&expected_path, jit.render()).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == jit.render() => {}
            Ok(expected) => failures.push(format!(
                "{name}: differs from {}\n--- expected\n{expected}\n--- actual\n{}",
                expected_path.display(),
                jit.render()
            )),
            Err(_) => failures.push(format!(
                "{name}: no {} (run with FERRY_BLESS=1)",
                expected_path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

#[test]
fn a_built_job_runs_from_an_empty_folder_with_an_empty_path() {
    let work = tempfile::tempdir().unwrap();
    let exe = work.path().join("mapping");
    let build = capture(
        Command::new(env!("CARGO_BIN_EXE_ferry"))
            .args(["build", "examples/mapping.ferry", "-o"])
            .arg(&exe),
    );
    assert_eq!(build.exit, 0, "{}", build.stderr);
    let empty = tempfile::tempdir().unwrap();
    let input = root().join("examples/mapping.input.json");
    let output = Command::new(&exe)
        .current_dir(empty.path())
        .env_clear()
        .env("PATH", "")
        .arg("--input")
        .arg(&input)
        .args(["--output", "out.json"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(empty.path().join("out.json")).unwrap())
            .unwrap();
    let expected: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/mapping.output.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(written, expected);
}

#[test]
fn the_examples_that_need_no_server_give_their_outputs() {
    for example in ["mapping", "pure_transform"] {
        let job = format!("examples/{example}.ferry");
        let input = format!("examples/{example}.input.json");
        let run = capture(
            Command::new(env!("CARGO_BIN_EXE_ferry")).args(["run", &job, "--input", &input]),
        );
        assert_eq!(run.exit, 0, "{example}: {}", run.stderr);
        let actual: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(root().join(format!("examples/{example}.output.json")))
                .unwrap(),
        )
        .unwrap();
        assert_eq!(actual, expected, "{example}");
    }
}

#[test]
fn built_jobs_answer_help_and_reject_unknown_options() {
    let work = tempfile::tempdir().unwrap();
    let exe = work.path().join("hello");
    let build = capture(
        Command::new(env!("CARGO_BIN_EXE_ferry"))
            .args(["build", "tests/run/let_var_assign.ferry", "-o"])
            .arg(&exe),
    );
    assert_eq!(build.exit, 0, "{}", build.stderr);
    let help = capture(Command::new(&exe).arg("--help"));
    assert_eq!(help.exit, 0);
    for flag in [
        "--input",
        "--config",
        "--output",
        "--log-format",
        "--dry-run",
    ] {
        assert!(
            help.stdout.contains(flag),
            "{flag} missing from:\n{}",
            help.stdout
        );
    }
    let bad = capture(Command::new(&exe).arg("--nope"));
    assert_eq!(bad.exit, 2);
    assert!(bad.stderr.contains("--nope"), "{}", bad.stderr);
}

#[test]
fn a_streamed_output_is_the_text_of_the_whole_value() {
    // `streamed_output` writes its mapped lists element by element;
    // `whole_output` is the same job with the value built first.
    let stdout = |case: &str| {
        let expected =
            std::fs::read_to_string(root().join(format!("tests/run/{case}.expected"))).unwrap();
        let start = expected.find("--- stdout\n").unwrap() + "--- stdout\n".len();
        let end = expected.find("--- stderr").unwrap();
        expected[start..end].to_string()
    };
    let streamed = stdout("streamed_output");
    assert!(streamed.starts_with("{\"source\":\"clinic\""), "{streamed}");
    assert_eq!(streamed, stdout("whole_output"));
}

#[test]
fn the_readme_first_command_runs_its_example() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let line = readme
        .lines()
        .find(|l| l.starts_with("cargo install --path . && ferry run "))
        .expect("the README's install-and-run command");
    let args: Vec<&str> = line["cargo install --path . && ferry ".len()..]
        .split_whitespace()
        .collect();
    let run = capture(Command::new(env!("CARGO_BIN_EXE_ferry")).args(&args));
    assert_eq!(run.exit, 0, "{}", run.stderr);
    let output: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["month"], "2024-03", "{}", run.stdout);
}

#[test]
fn a_job_with_errors_is_not_run_and_exits_2_while_check_exits_1() {
    let work = tempfile::tempdir().unwrap();
    let job = work.path().join("broken.ferry");
    std::fs::write(&job, "let n = 1\noutput n + \"x\"\n").unwrap();
    let run = capture(
        Command::new(env!("CARGO_BIN_EXE_ferry"))
            .arg("run")
            .arg(&job),
    );
    assert_eq!(run.exit, 2, "{}", run.stderr);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.ends_with(&format!(
            "error: {} has errors; nothing was run\n",
            job.display()
        )),
        "{}",
        run.stderr
    );
    let check = capture(
        Command::new(env!("CARGO_BIN_EXE_ferry"))
            .arg("check")
            .arg(&job),
    );
    assert_eq!(check.exit, 1, "{}", check.stderr);
}
