//! `ferry test` itself: each case is a folder of `tests/test_command/` holding
//! jobs with `test` blocks, `args` (the command line after `ferry test`, one
//! argument a line; none: the folder) and `expected`:
//!
//! ```text
//! exit: 1
//! --- stdout
//! …
//! --- stderr
//! …
//! ```
//!
//! `ferry test` runs in the case's folder. `FERRY_BLESS=1 cargo test --test
//! test_command` writes the `expected` files; review the diff.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/test_command")
}

fn render(case: &str) -> String {
    let dir = cases().join(case);
    let args: Vec<String> = std::fs::read_to_string(dir.join("args"))
        .map(|text| text.lines().map(str::to_string).collect())
        .unwrap_or_default();
    let out = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("test")
        .args(&args)
        .current_dir(&dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("ferry runs");
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn check(case: &str) {
    let got = render(case);
    let expected = cases().join(case).join("expected");
    if std::env::var_os("FERRY_BLESS").is_some() {
        std::fs::write(&expected, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&expected)
        .unwrap_or_else(|_| panic!("{} is missing; FERRY_BLESS=1 writes it", expected.display()));
    assert_eq!(got, want, "case {case}");
}

#[test]
fn a_passing_suite_exits_0() {
    check("passing");
}

#[test]
fn a_failing_expect_shows_the_difference_and_exits_1() {
    check("failing_expect");
}

#[test]
fn an_unmocked_op_fails_its_test_and_says_how_to_mock_it() {
    check("unmocked_op");
}

#[test]
fn a_mock_whose_result_does_not_fit_the_op_does_not_compile() {
    check("mock_type_mismatch");
}
