//! `docs/diagnostics.md` lists every diagnostic code with its meaning.

mod common;

#[test]
fn every_code_is_documented() {
    let docs = std::fs::read_to_string(common::repo_root().join("docs/diagnostics.md")).unwrap();
    for (code, meaning) in ferry_compiler::codes::ALL {
        let row = format!("| {code} | {meaning} |");
        assert!(
            docs.contains(&row),
            "docs/diagnostics.md lacks the row `{row}`"
        );
    }
    let mut codes: Vec<_> = ferry_compiler::codes::ALL.iter().map(|(c, _)| c).collect();
    let count = codes.len();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), count, "a code is used twice");
}
