//! `analyze_until`: a check stops as soon as its caller says so (the language
//! server's cancellation of a stale version), and one never stopped is `analyze`.

use ferry_compiler::adaptors::Search;
use std::cell::Cell;

/// A list literal of `len` records, one a line (the benchmark's shape).
fn records(len: usize) -> String {
    let mut out = String::from("output [\n");
    for i in 0..len {
        out.push_str(&format!(
            "  {{ id: {i}, name: \"patient {i}\", sex: \"female\", weight: {i}.5 }},\n"
        ));
    }
    out.push_str("]\nlet unused = 1\n");
    out
}

#[test]
fn a_check_never_stopped_is_analyze_and_polls_at_every_expression() {
    let src = records(1_500);
    let polls = Cell::new(0usize);
    let stop = || {
        polls.set(polls.get() + 1);
        false
    };
    let until = ferry_compiler::analyze_until("job.ferry", &src, &Search::default(), &stop)
        .expect("never stopped");
    let whole = ferry_compiler::analyze("job.ferry", &src, &Search::default());
    let codes = |a: &ferry_compiler::Analysis| -> Vec<(&str, u32)> {
        a.diagnostics
            .iter()
            .map(|d| (d.code, d.span.start))
            .collect()
    };
    assert_eq!(codes(&until), codes(&whole));
    assert_eq!(
        codes(&until),
        [("E0200", src.rfind("unused").unwrap() as u32)]
    );
    // Once after parsing, then before each expression: the list, 1,500 records of
    // 4 fields each, and `1`.
    assert_eq!(polls.get(), 1 + 1 + 1_500 * 5 + 1);
}

#[test]
fn a_check_stops_at_the_first_poll_that_says_so() {
    let src = records(1_500);
    let polls = Cell::new(0usize);
    let stop = || {
        polls.set(polls.get() + 1);
        polls.get() > 10
    };
    let stopped = ferry_compiler::analyze_until("job.ferry", &src, &Search::default(), &stop);
    assert!(stopped.is_none());
    // Not asked again after it said to stop: the rest of the check was skipped.
    assert_eq!(polls.get(), 11);
}

#[test]
fn a_check_asked_to_stop_before_it_starts_only_parses() {
    let polls = Cell::new(0usize);
    let stop = || {
        polls.set(polls.get() + 1);
        true
    };
    let stopped =
        ferry_compiler::analyze_until("job.ferry", &records(10), &Search::default(), &stop);
    assert!(stopped.is_none());
    assert_eq!(polls.get(), 1);
}
