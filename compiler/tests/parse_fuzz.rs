//! Truncations and random edits of every example parse without a panic, end,
//! and keep every span inside the text.

mod common;

use ferry_compiler::source::SourceId;
use ferry_compiler::syntax::parse;
use std::time::Duration;

/// Snippets that random edits splice in: delimiters, operators, keywords, strings.
const SPLICES: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "${",
    "\n",
    ",",
    ".",
    "?.",
    "??",
    "=>",
    "->",
    "|",
    "..",
    ":",
    "=",
    "==",
    "let ",
    "fn ",
    "match ",
    "if ",
    "else ",
    "for ",
    "in ",
    "try ",
    "catch ",
    "type ",
    "op ",
    "adaptor x\n",
    "\\",
    "\\u{",
    "// c\n",
    "///",
    "1.5",
    "30s",
    "-",
    "not ",
    "as ",
    "'",
    "§",
    "\r\n",
    "\t",
    "é",
    "😀",
];

fn check(src: &str, what: &str) {
    let parsed = parse(src, SourceId(0));
    let tree = format!("{:?}", parsed.file);
    for (start, end) in common::spans(&tree) {
        assert!(
            start <= end && end <= src.len(),
            "{what}: span {start}..{end} outside a text of {} bytes",
            src.len()
        );
    }
    for d in &parsed.diagnostics {
        assert!(
            d.span.start <= d.span.end && d.span.end as usize <= src.len(),
            "{what}: diagnostic span {:?} outside",
            d.span
        );
        for l in &d.labels {
            assert!(
                l.span.end as usize <= src.len(),
                "{what}: label span {:?} outside",
                l.span
            );
        }
    }
}

fn char_boundary(src: &str, mut at: usize) -> usize {
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn run_all() -> usize {
    let mut rng = fastrand::Rng::with_seed(0x_f3e1);
    let mut cases = 0;
    for path in common::ferry_files(&["examples", "compiler/src/adaptors"]) {
        let src = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        for _ in 0..150 {
            let at = char_boundary(&src, rng.usize(0..=src.len()));
            check(&src[..at], &format!("{name} cut at {at}"));
            cases += 1;
        }
        for _ in 0..250 {
            let mut text = src.clone();
            for _ in 0..rng.usize(1..4) {
                let a = char_boundary(&text, rng.usize(0..=text.len()));
                let b = char_boundary(&text, (a + rng.usize(0..12)).min(text.len()));
                match rng.u8(0..3) {
                    0 => text.replace_range(a..b, ""),
                    1 => text.insert_str(a, SPLICES[rng.usize(0..SPLICES.len())]),
                    _ => text.replace_range(a..b, SPLICES[rng.usize(0..SPLICES.len())]),
                }
            }
            check(&text, &format!("{name} edited:\n{text}"));
            cases += 1;
        }
    }
    cases
}

#[test]
fn truncated_and_edited_examples_parse_without_panic_and_terminate() {
    // A parser that loops would hang the test; the thread turns that into a failure.
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(run_all()).unwrap());
    let cases = match result.recv_timeout(Duration::from_secs(300)) {
        Ok(cases) => cases,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("parsing did not finish in 5 minutes: a loop?")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            panic!("a parse panicked (see above)")
        }
    };
    assert!(cases >= 3000, "only {cases} cases");
}
