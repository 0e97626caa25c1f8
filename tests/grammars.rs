//! The tree-sitter and TextMate grammars and the VS Code package, checked by
//! `grammar/check.sh` (tree-sitter corpus tests, every example parsed without an
//! error node in both grammars, the `.vsix` contents). `.ci/setup` installs the tools.

use std::process::Command;

#[test]
fn grammars_and_editor_package_check() {
    let root = env!("CARGO_MANIFEST_DIR");
    let output = Command::new("bash")
        .arg(format!("{root}/grammar/check.sh"))
        .arg(format!("{root}/examples"))
        .arg(format!("{root}/tests"))
        .arg(format!("{root}/compiler/src/adaptors"))
        .output()
        .expect("bash runs grammar/check.sh");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "grammar/check.sh failed (exit {:?}); if a tool is missing, run .ci/setup\n{stdout}\n{stderr}",
        output.status.code()
    );
    let summary = stdout.lines().last().unwrap_or("");
    assert!(
        summary.contains(" passed, 0 failed"),
        "unexpected summary: {summary}"
    );
}
