//! Front-end throughput: parsing (lexer + parser), formatting and checking a
//! generated job.
//!
//!   cargo bench -p ferry-compiler --bench frontend
//!
//! Prints a table; the aim for parsing is over 1 million lines per second on one core.

mod generate;

use ferry_compiler::source::SourceId;
use std::time::{Duration, Instant};

/// The best of `runs` timings: the least disturbed by the rest of the machine.
fn best_of(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap()
}

fn main() {
    let lines = 10_000;
    let src = generate::job(lines);
    let parsed = ferry_compiler::syntax::parse(&src, SourceId(0));
    let errors = parsed.diagnostics.iter().filter(|d| d.is_error()).count();
    assert_eq!(
        errors,
        0,
        "the generated job must parse cleanly: {:?}",
        parsed.diagnostics.first()
    );

    let lex = best_of(20, || {
        std::hint::black_box(ferry_compiler::syntax::lexer::lex(&src, SourceId(0)));
    });
    let parse = best_of(20, || {
        std::hint::black_box(ferry_compiler::syntax::parse(&src, SourceId(0)));
    });
    let format = best_of(10, || {
        std::hint::black_box(ferry_compiler::fmt::format(&src).unwrap());
    });

    // Checking: a 5,000-line job, parsed and checked against the built-in adaptors.
    let check_src = generate::job(5_000);
    let check_lines = check_src.lines().count();
    let search = ferry_compiler::adaptors::Search::default();
    let analysis = ferry_compiler::analyze("bench.ferry", &check_src, &search);
    assert!(
        !analysis.has_errors(),
        "the generated job must check cleanly: {:?}",
        analysis.diagnostics.first()
    );
    let check = best_of(10, || {
        std::hint::black_box(ferry_compiler::analyze("bench.ferry", &check_src, &search));
    });

    println!(
        "front end on a generated job: {lines} lines, {} KB",
        src.len() / 1024
    );
    println!(
        "{:<18} {:>10} {:>16} {:>10}",
        "stage", "time", "lines/s", "MB/s"
    );
    for (stage, time) in [("lex", lex), ("lex + parse", parse), ("format", format)] {
        let secs = time.as_secs_f64();
        println!(
            "{:<18} {:>8.2}ms {:>16.0} {:>10.1}",
            stage,
            secs * 1e3,
            lines as f64 / secs,
            src.len() as f64 / secs / 1e6
        );
    }
    println!();
    println!(
        "check (parse + types + adaptors) of a {check_lines}-line job: {:.2} ms (aim: under 50 ms)",
        check.as_secs_f64() * 1e3
    );
}
