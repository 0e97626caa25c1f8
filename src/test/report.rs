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

/// JSON Lines: one object per test, then the summary (`passed`, `failed`,
/// `not_compiled`); the same exit code.
pub fn print_json(results: &[TestResult], broken: usize) -> i32 {
    let mut out = String::new();
    for r in results {
        let mut line = serde_json::json!({
            "type": "test",
            "file": r.file,
            "name": r.name,
            "outcome": if r.verdict == Verdict::Passed { "passed" } else { "failed" },
        });
        if let Verdict::Failed(message) = &r.verdict {
            line["message"] = serde_json::Value::from(message.as_str());
        }
        out.push_str(&format!("{line}\n"));
    }
    let (passed, failed) = counts(results);
    let summary = serde_json::json!({
        "type": "summary",
        "passed": passed,
        "failed": failed,
        "not_compiled": broken,
    });
    out.push_str(&format!("{summary}\n"));
    print!("{out}");
    exit_code(failed, broken)
}

/// A JUnit XML report: a `testsuite` per job, a `testcase` per test, a
/// `failure` with the message for each failed one.
pub fn junit(results: &[TestResult]) -> String {
    let (passed, failed) = counts(results);
    let mut xml = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"ferry test\" tests=\"{}\" failures=\"{failed}\">\n",
        passed + failed
    );
    let mut files: Vec<&str> = results.iter().map(|r| r.file.as_str()).collect();
    files.dedup();
    for file in files {
        let cases: Vec<&TestResult> = results.iter().filter(|r| r.file == file).collect();
        let failures = cases
            .iter()
            .filter(|r| r.verdict != Verdict::Passed)
            .count();
        let time: f64 = cases.iter().map(|r| r.time.as_secs_f64()).sum();
        xml.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" time=\"{time:.3}\">\n",
            escape(file),
            cases.len()
        ));
        for r in cases {
            let open = format!(
                "    <testcase name=\"{}\" classname=\"{}\" time=\"{:.3}\"",
                escape(&r.name),
                escape(file),
                r.time.as_secs_f64()
            );
            match &r.verdict {
                Verdict::Passed => xml.push_str(&format!("{open}/>\n")),
                Verdict::Failed(message) => xml.push_str(&format!(
                    "{open}>\n      <failure message=\"{}\">{}</failure>\n    </testcase>\n",
                    escape(message.lines().next().unwrap_or("")),
                    escape(message)
                )),
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// Text as XML attribute or element content.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            c if (c as u32) < 0x20 && c != '\t' => {}
            c => out.push(c),
        }
    }
    out
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
