//! Front-end throughput: parsing (lexer + parser), formatting and checking a
//! generated job.
//!
//!   cargo bench -p ferry-compiler --bench frontend
//!
//! Prints a table; the aim for parsing is over 1 million lines per second on one core.
//! A second table times the long and hostile shapes (one scope of 40,000 lines,
//! many scopes, long literals, deep nesting, runs of errors and warnings): each
//! row's time should grow with its size, not faster.

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
    // After the check: the typed tree, and the lowering of it to IR.
    let tree = ferry_compiler::typed::build(&analysis).expect("the typed tree");
    let typed = best_of(10, || {
        std::hint::black_box(ferry_compiler::typed::build(&analysis).unwrap());
    });
    let types = &analysis.checked.types;
    let lower = best_of(10, || {
        std::hint::black_box(
            ferry_compiler::ir::lower_tree(&tree, types, &analysis.sources).unwrap(),
        );
    });

    println!();
    println!(
        "check (parse + types + adaptors) of a {check_lines}-line job: {:.2} ms (aim: under 50 ms)",
        check.as_secs_f64() * 1e3
    );
    println!(
        "its typed tree: {:.2} ms; the tree lowered to IR: {:.2} ms",
        typed.as_secs_f64() * 1e3,
        lower.as_secs_f64() * 1e3
    );
    shapes();
}

/// Parse, check (with rendering every diagnostic as the terminal shows them)
/// and format of each shape, at two sizes where the issue gave them.
fn shapes() {
    use generate::shapes;
    let rows: Vec<(&str, String)> = vec![
        ("one scope, 5,000 lines", shapes::long_scope(5_000)),
        ("one scope, 20,000 lines", shapes::long_scope(20_000)),
        ("one scope, 40,000 lines", shapes::long_scope(40_000)),
        ("many scopes, 40,000 lines", shapes::many_scopes(40_000)),
        ("list of 1,600 records", shapes::record_list(1_600)),
        ("list of 3,200 integers", shapes::int_list(3_200)),
        ("list of 200,000 integers", shapes::int_list(200_000)),
        ("match of 2,000 arms", shapes::match_arms(2_000)),
        ("sum of 5,376 terms", shapes::sum(5_376)),
        ("sum of 9,999 terms", shapes::sum(9_999)),
        ("sum of 50,000 terms (past the limit)", shapes::sum(50_000)),
        ("records nested 2,496 deep", shapes::nested_records(2_496)),
        ("calls nested 2,368 deep", shapes::nested_calls(2_368)),
        ("24 KB of `)]}`", shapes::closers(24 * 1024)),
        ("100,000 NUL bytes", shapes::nul_bytes(100_000)),
        ("20,000 warnings", shapes::warnings(20_000)),
    ];
    println!();
    println!(
        "{:<38} {:>8} {:>7} {:>11} {:>11} {:>11} {:>11}",
        "shape", "KB", "diags", "parse", "check", "render", "format"
    );
    let search = ferry_compiler::adaptors::Search::default();
    for (what, src) in rows {
        let parse = best_of(3, || {
            std::hint::black_box(ferry_compiler::syntax::parse(&src, SourceId(0)));
        });
        let mut analysis = None;
        let check = best_of(3, || {
            analysis = Some(ferry_compiler::analyze("shape.ferry", &src, &search));
        });
        let analysis = analysis.unwrap();
        let render = best_of(3, || {
            std::hint::black_box(ferry_compiler::diagnostics::render(
                &analysis.diagnostics,
                &analysis.sources,
                false,
            ));
        });
        let format = best_of(3, || {
            let _ = std::hint::black_box(ferry_compiler::fmt::format(&src));
        });
        let ms = |d: Duration| format!("{:.1}ms", d.as_secs_f64() * 1e3);
        println!(
            "{:<38} {:>8} {:>7} {:>11} {:>11} {:>11} {:>11}",
            what,
            src.len() / 1024,
            analysis.diagnostics.len(),
            ms(parse),
            ms(check),
            ms(render),
            ms(format)
        );
    }
}
