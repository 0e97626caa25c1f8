//! The language server on a generated 5,000-line job, in process, through the
//! same JSON-RPC service an editor talks to:
//!
//!   cargo bench -p ferry-lsp --bench lsp
//!
//! Prints a table: the time from a `didChange` to its `publishDiagnostics` (the
//! debounce set to 0 for the measurement; the server's default is 150 ms),
//! completion latency over 200 requests at different kinds of positions, other
//! requests, and the process's peak memory (VmHWM). Aims: diagnostics < 100 ms,
//! completion p99 < 20 ms, memory < 100 MB.

// The compiler's generator: a job of realistic shape that checks without an error.
#[path = "../../compiler/benches/generate.rs"]
mod generate;

use ferry_lsp::Options;
use ferry_lsp::testing::TestClient;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const URI: &str = "file:///bench/job.ferry";
const LINES: usize = 5_000;
const COMPLETIONS: usize = 200;
const EDITS: usize = 20;

/// A position of each kind: `(what, needle, offset into the needle)`.
const PLACES: &[(&str, &str, usize)] = &[
    ("statement in a fn", "  let day = ", 2),
    ("expression", "let org = VILLAGES_", 10),
    ("after `dhis2.`", "dhis2.create_tracked_entity", 6),
    ("top level", "var total_", 0),
    ("record field value", "orgUnit: org,", 9),
];

fn position(src: &str, offset: usize) -> Value {
    let line = src[..offset].matches('\n').count();
    let character = offset - src[..offset].rfind('\n').map_or(0, |i| i + 1);
    json!({ "line": line, "character": character })
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[index]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Peak and current resident memory of this process, from /proc/self/status.
fn memory() -> (String, String) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_else(|| "n/a".into())
    };
    (field("VmHWM:"), field("VmRSS:"))
}

fn row(what: &str, samples: &mut [Duration], aim: &str) {
    samples.sort();
    println!(
        "{:<34} {:>6} {:>11} {:>11} {:>11}   {}",
        what,
        samples.len(),
        ms(percentile(samples, 0.5)),
        ms(percentile(samples, 0.99)),
        ms(*samples.last().unwrap()),
        aim
    );
}

async fn bench() {
    let src = generate::job(LINES);
    let mut client = TestClient::new(Options {
        debounce: Duration::ZERO,
        ..Options::default()
    });
    client
        .initialize(
            json!({ "textDocument": { "completion": { "completionItem": { "snippetSupport": true } } } }),
            json!({}),
        )
        .await;

    let start = Instant::now();
    client.open(URI, 1, &src).await;
    let published = client.diagnostics(URI).await;
    let mut open = vec![start.elapsed()];
    let errors = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == 1)
        .count();
    assert_eq!(errors, 0, "the generated job checks without an error");

    // Edits in the middle of the file: `weight_kg * 2.0` <-> `weight_kg * 3.0`.
    let middle = src.len() / 2;
    let at = middle + src[middle..].find("weight_kg * 2.0").unwrap() + "weight_kg * ".len();
    let range = json!({ "start": position(&src, at), "end": position(&src, at + 1) });
    let mut changes = Vec::new();
    for i in 0..EDITS {
        let version = 2 + i as i32;
        let digit = if i % 2 == 0 { "3" } else { "2" };
        let start = Instant::now();
        client
            .change(URI, version, json!([{ "range": range, "text": digit }]))
            .await;
        let published = client.diagnostics(URI).await;
        changes.push(start.elapsed());
        assert_eq!(published["version"], version);
    }

    // Completion at every kind of place, spread over the file.
    let mut offsets: Vec<Vec<usize>> = PLACES
        .iter()
        .map(|(_, needle, into)| src.match_indices(needle).map(|(i, _)| i + into).collect())
        .collect();
    let per_kind = COMPLETIONS / PLACES.len();
    let mut completions: Vec<Vec<Duration>> = vec![Vec::new(); PLACES.len()];
    let mut items = vec![0; PLACES.len()];
    for n in 0..per_kind {
        for (kind, found) in offsets.iter_mut().enumerate() {
            let offset = found[n * found.len() / per_kind];
            let params =
                json!({ "textDocument": { "uri": URI }, "position": position(&src, offset) });
            let start = Instant::now();
            let result = client
                .request("textDocument/completion", params)
                .await
                .unwrap();
            completions[kind].push(start.elapsed());
            items[kind] = result.as_array().map_or(0, Vec::len);
        }
    }

    let mut others: Vec<(&str, Vec<Duration>)> = Vec::new();
    for method in [
        "textDocument/documentSymbol",
        "textDocument/foldingRange",
        "textDocument/formatting",
    ] {
        let mut samples = Vec::new();
        for _ in 0..10 {
            let params = json!({ "textDocument": { "uri": URI }, "options": { "tabSize": 2, "insertSpaces": true } });
            let start = Instant::now();
            client.request(method, params).await.unwrap();
            samples.push(start.elapsed());
        }
        others.push((method, samples));
    }

    println!(
        "ferry lsp on a generated job: {} lines, {} KB; debounce 0 ms for the measurement (default {} ms)",
        src.lines().count(),
        src.len() / 1024,
        ferry_lsp::DEFAULT_DEBOUNCE.as_millis()
    );
    println!(
        "{:<34} {:>6} {:>11} {:>11} {:>11}   aim",
        "measure", "n", "p50", "p99", "max"
    );
    row("didOpen -> publishDiagnostics", &mut open, "");
    row("didChange -> publishDiagnostics", &mut changes, "< 100 ms");
    let mut all: Vec<Duration> = completions.iter().flatten().copied().collect();
    row("completion, all positions", &mut all, "p99 < 20 ms");
    for (((what, _, _), samples), count) in PLACES.iter().zip(&mut completions).zip(&items) {
        row(&format!("  {what} ({count} items)"), samples, "");
    }
    for (method, samples) in &mut others {
        row(method.trim_start_matches("textDocument/"), samples, "");
    }
    let (peak, now) = memory();
    println!("memory: peak RSS {peak} (VmHWM), now {now}; aim < 100 MB");
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench());
}
