//! What `ferry test` prints: one line per test (`ok` or `FAILED`, the file and
//! the test's name), the failures' messages under their line, and last the
//! summary line `N passed, N failed` on its own, which CI systems read.

use super::runner::TestResult;
use ferry_runtime::testing::Verdict;

/// Prints the results; the exit code: 2 when a job did not compile, else 1
/// when a test failed, else 0.
pub fn print_human(results: &[TestResult], broken: usize) -> i32 {
    let mut out = String::new();
    for r in results {
        match &r.verdict {
            Verdict::Passed => out.push_str(&format!("ok     {} › {}\n", r.file, r.name)),
            Verdict::Failed(message) => {
                out.push_str(&format!("FAILED {} › {}\n", r.file, r.name));
                for line in message.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
            }
        }
    }
    let (passed, failed) = counts(results);
    if broken > 0 {
        let s = if broken == 1 { "" } else { "s" };
        out.push_str(&format!("{broken} job{s} did not compile\n"));
    }
    out.push_str(&format!("{passed} passed, {failed} failed\n"));
    print!("{out}");
    exit_code(failed, broken)
}

pub fn counts(results: &[TestResult]) -> (usize, usize) {
    let passed = results
        .iter()
        .filter(|r| r.verdict == Verdict::Passed)
        .count();
    (passed, results.len() - passed)
}

pub fn exit_code(failed: usize, broken: usize) -> i32 {
    if broken > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    }
}
