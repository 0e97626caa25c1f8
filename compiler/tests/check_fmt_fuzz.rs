//! Property tests of the checker and the formatter on random edits of every
//! job in `examples/` and `tests/` (and the built-in adaptors): the checker
//! never panics and every diagnostic lies inside the text; whenever the
//! formatter accepts a text, formatting it again changes nothing (idempotent)
//! and the formatted text parses to the same tree (it keeps the meaning) and
//! checks with the same diagnostics codes. Plus the nesting and size edges.

mod common;

use ferry_compiler::source::SourceId;
use ferry_compiler::syntax::parse;
use std::time::Duration;

/// Edits that keep a file valid more often than the parser fuzz's do, so that
/// the formatter sees many texts it accepts.
const SPLICES: &[&str] = &[
    "\n",
    "\n\n",
    "// note\n",
    " // trailing\n",
    "  ",
    "(",
    ")",
    "{",
    "}",
    ",",
    " + 1",
    "?",
    " ?? 0",
    "let z = 1\n",
    "[1, 2]",
    "{ a: 1 }",
    "\"s\"",
    "\u{feff}",
];

fn tree(src: &str) -> String {
    common::without_spans(&format!("{:#?}", parse(src, SourceId(0)).file))
}

fn codes(src: &str) -> Vec<&'static str> {
    let (_, diagnostics) = ferry_compiler::check_source("fuzz.ferry", src);
    diagnostics.iter().map(|d| d.code).collect()
}

fn char_boundary(src: &str, mut at: usize) -> usize {
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Checks one text; `(checked, formatted)` counts.
fn case(text: &str, what: &str) -> (usize, usize) {
    let analysis = ferry_compiler::analyze("fuzz.ferry", text, &Default::default());
    for d in analysis
        .diagnostics
        .iter()
        .filter(|d| d.file == SourceId(0))
    {
        assert!(
            d.span.start <= d.span.end && d.span.end as usize <= text.len(),
            "{what}: diagnostic {:?} outside the text",
            d.span
        );
    }
    let Ok(once) = ferry_compiler::fmt::format(text) else {
        return (1, 0);
    };
    let twice = ferry_compiler::fmt::format(&once)
        .unwrap_or_else(|e| panic!("{what}: the formatted text does not parse: {e:?}\n{once}"));
    assert_eq!(once, twice, "{what}: formatting is not idempotent\n{text}");
    assert_eq!(
        tree(text),
        tree(&once),
        "{what}: formatting changed the tree\n{text}\n---\n{once}"
    );
    assert_eq!(
        codes(text),
        codes(&once),
        "{what}: formatting changed what the checker says\n{text}\n---\n{once}"
    );
    (1, 1)
}

fn run_all() -> (usize, usize) {
    let mut rng = fastrand::Rng::with_seed(0x_c4ec);
    let (mut checked, mut formatted) = (0, 0);
    for path in common::ferry_files(&["examples", "tests", "compiler/src/adaptors"]) {
        let src = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        for _ in 0..12 {
            let mut text = src.clone();
            for _ in 0..rng.usize(1..3) {
                let a = char_boundary(&text, rng.usize(0..=text.len()));
                let b = char_boundary(&text, (a + rng.usize(0..6)).min(text.len()));
                let splice = SPLICES[rng.usize(0..SPLICES.len())];
                match rng.u8(0..3) {
                    0 => text.replace_range(a..b, ""),
                    1 => text.insert_str(a, splice),
                    _ => text.replace_range(a..b, splice),
                }
            }
            let (c, f) = case(&text, &format!("{name} edited"));
            checked += c;
            formatted += f;
        }
    }
    (checked, formatted)
}

#[test]
fn edited_files_check_without_panic_and_format_idempotently_keeping_the_meaning() {
    let (done, result) = std::sync::mpsc::channel();
    std::thread::spawn(move || done.send(run_all()).unwrap());
    let (checked, formatted) = match result.recv_timeout(Duration::from_secs(300)) {
        Ok(counts) => counts,
        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
            panic!("checking did not finish in 5 minutes: a loop?")
        }
        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
            panic!("a check or a format panicked (see above)")
        }
    };
    assert!(checked >= 2000, "only {checked} cases");
    assert!(
        formatted >= 300,
        "only {formatted} of {checked} cases formatted"
    );
}

#[test]
fn a_comment_before_a_closing_brace_formats_idempotently() {
    let src = "let r = {\n  a: 1,\n  // last\n}\nfn f() {\n  log 1\n  // end\n}\nlet e = [\n  // none\n]\noutput r\n";
    let once = ferry_compiler::fmt::format(src).unwrap();
    assert_eq!(once, src);
    assert_eq!(ferry_compiler::fmt::format(&once).unwrap(), once);
}

#[test]
fn an_optional_of_an_optional_formats_to_text_that_parses() {
    let once = ferry_compiler::fmt::format("type T = { a: Int? ? }\n").unwrap();
    assert_eq!(once, "type T = { a: Int?? }\n");
    assert_eq!(tree(&once), tree("type T = { a: Int? ? }\n"));
    assert_eq!(codes(&once), Vec::<&str>::new());
}

#[test]
fn a_byte_order_mark_at_the_start_is_ignored() {
    assert_eq!(codes("\u{feff}output 1\n"), Vec::<&str>::new());
    assert_eq!(
        ferry_compiler::fmt::format("\u{feff}output 1\n").unwrap(),
        "output 1\n"
    );
}

/// Deep shapes run on a thread with a 2 MiB stack (as the language server's
/// are): the passes grow their stacks, and past the nesting limit the file is
/// one error, E0014, at the first node too deep.
#[test]
fn deep_nesting_checks_and_formats_and_past_the_limit_is_one_error() {
    let within = std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(|| {
            for src in [
                format!("output 1{}\n", " + 1".repeat(9_000)),
                format!("output {}1{}\n", "{ a: ".repeat(3_000), " }".repeat(3_000)),
                format!(
                    "fn f(x: Int) -> Int {{\n  x\n}}\n\noutput {}1{}\n",
                    "f(".repeat(3_000),
                    ")".repeat(3_000)
                ),
            ] {
                assert_eq!(codes(&src), Vec::<&str>::new());
                assert!(ferry_compiler::fmt::format(&src).is_ok());
            }
            let deep = format!("output 1{}\n", " + 1".repeat(10_000));
            let (sources, diagnostics) = ferry_compiler::check_source("deep.ferry", &deep);
            let d = &diagnostics[0];
            assert_eq!(diagnostics.len(), 1);
            assert_eq!(
                (d.code, d.message.as_str()),
                ("E0014", "this is nested more than 10000 levels deep")
            );
            let at = sources.get(SourceId(0)).line_col(d.span.start as usize);
            assert_eq!((at.line, at.col), (0, 7));
        })
        .unwrap()
        .join();
    assert!(within.is_ok(), "a deep shape panicked");
}
