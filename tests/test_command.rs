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

#[test]
fn fixtures_calls_logs_skips_and_failing_mocks() {
    check("mocks");
}

#[test]
fn a_fixture_that_does_not_decode_fails_with_its_json_path() {
    check("fixture_mismatch");
}

#[test]
fn json_output_is_one_object_per_test_then_the_summary() {
    check("json_output");
}

#[test]
fn filter_runs_only_the_tests_whose_name_contains_the_text() {
    check("filter");
}

#[test]
fn junit_writes_a_report_for_ci_systems() {
    check("junit_output");
    let report = cases().join("junit_output/report.xml");
    let xml = std::fs::read_to_string(&report).unwrap();
    std::fs::remove_file(&report).unwrap();
    // Times vary; everything else is exact.
    let xml = without_times(&xml);
    let expected = cases().join("junit_output/report.expected.xml");
    if std::env::var_os("FERRY_BLESS").is_some() {
        std::fs::write(&expected, &xml).unwrap();
        return;
    }
    assert_eq!(xml, std::fs::read_to_string(expected).unwrap());
}

/// `time="0.004"` → `time="…"`.
fn without_times(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("time=\"") {
        out.push_str(&rest[..i + 6]);
        rest = &rest[i + 6..];
        let end = rest.find('"').unwrap();
        out.push('…');
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn update_rewrites_a_fixture_used_as_the_expected_value() {
    let dir = tempfile::tempdir().unwrap();
    let case = cases().join("update");
    std::fs::create_dir(dir.path().join("fixtures")).unwrap();
    std::fs::copy(case.join("job.ferry"), dir.path().join("job.ferry")).unwrap();
    let fixture = dir.path().join("fixtures/greeting.json");
    std::fs::copy(case.join("fixtures/greeting.json"), &fixture).unwrap();
    let ferry = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_ferry"))
            .arg("test")
            .args(args)
            .current_dir(dir.path())
            .output()
            .unwrap()
    };
    let before = ferry(&[]);
    assert_eq!(before.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&before.stdout)
            .contains("changed $.greeting: \"hello Amina\" → \"hi\"")
    );
    let update = ferry(&["--update"]);
    assert_eq!(update.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&fixture).unwrap(),
        "{\n  \"greeting\": \"hello Amina\"\n}\n"
    );
    let after = ferry(&[]);
    assert_eq!(after.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&after.stdout),
        "ok     job.ferry › the greeting is the snapshot\n1 passed, 0 failed\n"
    );
}
