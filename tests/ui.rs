//! UI tests: `ferry check` on every `tests/ui/**/*.ferry`, its terminal output
//! compared with the reviewed `.stderr` file beside it.
//!
//! `FERRY_BLESS=1 cargo test --test ui` rewrites the `.stderr` files; review the
//! diff before committing it.

use std::path::{Path, PathBuf};
use std::process::Command;

fn cases(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            cases(&path, out);
        } else if path.extension().is_some_and(|e| e == "ferry") {
            out.push(path);
        }
    }
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `ferry check` on one case, from the repository root.
fn check(relative: &Path, extra: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(root())
        .arg("check")
        .args(extra)
        .arg(relative)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn all_cases() -> Vec<PathBuf> {
    let mut all = Vec::new();
    cases(&root().join("tests/ui"), &mut all);
    all.sort();
    all.into_iter()
        .map(|p| p.strip_prefix(root()).unwrap().to_path_buf())
        .collect()
}

#[test]
fn ui_snapshots() {
    let bless = std::env::var_os("FERRY_BLESS").is_some();
    let mut failures = Vec::new();
    let all = all_cases();
    assert!(
        all.len() >= 25,
        "expected at least 25 UI cases, found {}",
        all.len()
    );
    for case in &all {
        let (code, _, stderr) = check(case, &["--color", "never"]);
        let expected_path = root().join(case.with_extension("stderr"));
        let has_errors = stderr.contains("Error:") || stderr.contains("] Error");
        assert_eq!(
            code,
            if has_errors { 1 } else { 0 },
            "{}: exit code {code} with output\n{stderr}",
            case.display()
        );
        if bless {
            std::fs::write(&expected_path, &stderr).unwrap();
            continue;
        }
        match std::fs::read_to_string(&expected_path) {
            Ok(expected) if expected == stderr => {}
            Ok(expected) => failures.push(format!(
                "{}: output differs\n--- expected\n{expected}\n--- actual\n{stderr}",
                case.display()
            )),
            Err(_) => failures.push(format!(
                "{}: no {} (run with FERRY_BLESS=1)",
                case.display(),
                expected_path.display()
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} UI cases differ:\n\n{}",
        failures.len(),
        all.len(),
        failures.join("\n\n")
    );
}

#[test]
fn three_separate_mistakes_give_exactly_three_diagnostics() {
    let (code, stdout, _) = check(
        Path::new("tests/ui/syntax/three_mistakes.ferry"),
        &["--format", "json"],
    );
    assert_eq!(code, 1);
    let diagnostics: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let lines: Vec<u64> = diagnostics
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![2, 2, 3], "{stdout}");
}

#[test]
fn json_diagnostics_carry_position_message_and_fix() {
    let (code, stdout, _) = check(
        Path::new("tests/ui/syntax/single_quotes.ferry"),
        &["--format", "json"],
    );
    assert_eq!(code, 1);
    let diagnostics: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        diagnostics,
        serde_json::json!([{
            "severity": "error", "code": "E0005", "message": "strings are written with double quotes",
            "file": "tests/ui/syntax/single_quotes.ferry", "line": 1, "column": 5, "end_line": 1, "end_column": 12,
            "label": "single quotes", "labels": [], "notes": [],
            "fixes": [{ "message": "use double quotes", "edits": [
                { "line": 1, "column": 5, "end_line": 1, "end_column": 12, "replacement": "\"hello\"" }
            ] }]
        }])
    );
}

#[test]
fn columns_count_characters_not_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accents.ferry");
    std::fs::write(&file, "let cafe = \"é\" + +\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .unwrap();
    let diagnostics: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(diagnostics[0]["column"], 18, "{diagnostics}");
}

#[test]
fn unreadable_file_and_usage_errors_exit_2() {
    let (code, _, stderr) = check(Path::new("tests/ui/does-not-exist.ferry"), &[]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        // A missing path is found missing before anything is read, as `ferry test` and `ferry fmt` say it.
        "error: tests/ui/does-not-exist.ferry: no such file or folder\n"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .arg("check")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn colour_only_when_asked_and_never_with_no_color() {
    let case = Path::new("tests/ui/syntax/stray_token.ferry");
    let (_, _, always) = check(case, &["--color", "always"]);
    assert!(always.contains("\u{1b}["), "expected ANSI colour codes");
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(root())
        .args(["check"])
        .arg(case)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stderr).contains("\u{1b}["));
}

#[test]
fn adaptor_path_finds_user_adaptors() {
    let job = Path::new("tests/fixtures/uses_registry.ferry");
    let (code, _, stderr) = check(job, &["--color", "never"]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("[E0108] Error: no adaptor named `registry`"),
        "{stderr}"
    );
    let (code, _, stderr) = check(
        job,
        &[
            "--color",
            "never",
            "--adaptor-path",
            "tests/fixtures/adaptor-path",
        ],
    );
    assert_eq!((code, stderr.as_str()), (0, "checked 1 file: no errors\n"));
}

#[test]
fn a_broken_adaptor_is_reported_in_its_own_file() {
    let (code, stdout, _) = check(
        Path::new("tests/ui/adaptors/broken_adaptor.ferry"),
        &["--format", "json"],
    );
    assert_eq!(code, 1);
    let diagnostics: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let d = &diagnostics[0];
    assert_eq!(diagnostics.as_array().unwrap().len(), 1, "{stdout}");
    assert_eq!(
        (
            d["file"].as_str(),
            d["line"].as_u64(),
            d["column"].as_u64(),
            d["code"].as_str()
        ),
        (
            Some("tests/ui/adaptors/adaptors/broken.ferry"),
            Some(3),
            Some(22),
            Some("E0125")
        )
    );
    assert_eq!(d["fixes"][0]["edits"][0]["replacement"], "String");
}

#[test]
fn json_carries_the_suggestion_of_every_checker_case() {
    // Every checker case that offers a fix carries it in the JSON too, with its line.
    let (_, stdout, _) = check(
        Path::new("tests/ui/types/section1_misspelt_field.ferry"),
        &["--format", "json"],
    );
    let diagnostics: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        diagnostics[0]["message"],
        "`input.form` has no field `patient_nmae`"
    );
    assert_eq!(diagnostics[0]["line"], 48);
    assert_eq!(
        diagnostics[0]["fixes"][0]["message"],
        "did you mean `patient_name`?"
    );
    assert_eq!(
        diagnostics[0]["fixes"][0]["edits"][0]["replacement"],
        "patient_name"
    );
    assert_eq!(
        diagnostics[0]["labels"][0]["file"],
        "tests/ui/types/section1_misspelt_field.ferry"
    );
}

fn docs(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(root())
        .arg("docs")
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

#[test]
fn docs_prints_an_adaptor_and_one_op() {
    let (code, stdout, _) = docs(&["registry", "--adaptor-path", "tests/fixtures/adaptor-path"]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "adaptor registry\n\n  A patient registry, found through --adaptor-path.\n\n\
         config (`config.registry` in a job; in the config file under \"registry\", or as FERRY_REGISTRY_FIELD in the environment):\n\n  \
         hostUrl: Url\n\n  token: Secret\n\n\
         ops (call as `registry.op(…)`; `ferry docs registry OP` for one op):\n\n  \
         patient(id: String) -> registry.Patient\n      One patient by id.\n\n\
         types (write them as `registry.Type` in a job):\n\n  \
         type Patient = { id: String, name: String, village: String? }\n"
    );
    let (code, stdout, _) = docs(&[
        "registry",
        "patient",
        "--adaptor-path",
        "tests/fixtures/adaptor-path",
    ]);
    assert_eq!(code, 0);
    assert_eq!(
        stdout,
        "registry.patient(id: String) -> registry.Patient\n\n  One patient by id.\n\nrequest:\n  GET \"/patients/${id}\"\n\n  \
         type Patient = { id: String, name: String, village: String? }\n"
    );
}

/// `ferry docs ADAPTOR OP` ends with the fields of each record the op sends:
/// required, optional (`name?: T`, left out) and nullable (`name: T?`).
#[test]
fn docs_of_an_op_show_which_fields_it_sends() {
    let (code, stdout, _) = docs(&["dhis2", "create_event"]);
    assert_eq!(code, 0);
    let at = stdout
        .find("\nfields to send:\n")
        .expect("a fields section");
    let fields = &stdout[at..];
    let occurred = "\n  OccurredEvent:\n    \
         required: programStage, orgUnit, occurredAt\n    \
         optional (left out when absent or null): scheduledAt\n    \
         nullable (left out when absent, sent as null when null): event, status, enrollment, program, trackedEntity, dataValues, notes, completedAt, attributeOptionCombo, attributeCategoryOptions, assignedUser, geometry, relationships, followUp, deleted, completedBy, createdAt, createdAtClient, updatedAt, updatedAtClient, createdBy, updatedBy\n";
    let data_value = "\n  DataValue:\n    \
         required: dataElement\n    \
         optional (left out when absent or null): providedElsewhere, createdAt, updatedAt, storedBy, createdBy, updatedBy\n    \
         nullable (left out when absent, sent as null when null): value\n";
    let scheduled = "\n  ScheduledEvent:\n    required: programStage, orgUnit, scheduledAt\n    \
         optional (left out when absent or null): -\n";
    assert!(
        fields.starts_with(&format!("\nfields to send:\n{occurred}{data_value}")),
        "{fields}"
    );
    assert!(fields.contains(scheduled), "{fields}");
    // An op that sends no record has no such section.
    let (_, stdout, _) = docs(&["dhis2", "get_tracked_entity"]);
    assert!(!stdout.contains("fields to send"), "{stdout}");
}

#[test]
fn docs_of_the_builtin_adaptors_and_unknown_names() {
    for adaptor in ["http", "dhis2", "dhis2_pat", "commcare"] {
        let (code, stdout, stderr) = docs(&[adaptor]);
        assert_eq!(code, 0, "{adaptor}: {stderr}");
        assert!(
            stdout.starts_with(&format!("adaptor {adaptor}\n")),
            "{stdout}"
        );
    }
    let (code, _, stderr) = docs(&["dhis3"]);
    assert_eq!(code, 2);
    assert_eq!(
        stderr,
        "error: no adaptor named `dhis3` (available: commcare, dhis2, dhis2_pat, http)\n"
    );
    let (code, _, stderr) = docs(&["dhis2", "create_tracked_entites"]);
    assert_eq!(code, 2);
    assert!(stderr.starts_with("error: the adaptor `dhis2` has no op `create_tracked_entites`; did you mean `create_tracked_entity`?"), "{stderr}");
}
