//! The language server on a generated 5,000-line job, in process, through the
//! same JSON-RPC service an editor talks to:
//!
//!   cargo bench -p ferry-lsp --bench lsp
//!
//! Prints a table: the time from a `didChange` to its `publishDiagnostics` (the
//! debounce set to 0 for the measurement; the server's default is 150 ms),
//! completion latency over 400 requests at different kinds of positions (typed
//! ones among them: fields after `r.form.`, methods after `.trim().`, a record
//! literal's fields, a literal union's members), typed completion right after an
//! edit that breaks the line (`x.` typed: the new version is parsed and checked
//! first), hover, definition and signature help, other requests, and the
//! process's peak memory (VmHWM). Aims: diagnostics < 100 ms, completion p99 <
//! 20 ms, memory < 100 MB.

// The compiler's generator: a job of realistic shape that checks without an error.
#[path = "../../compiler/benches/generate.rs"]
mod generate;

use ferry_lsp::Options;
use ferry_lsp::testing::TestClient;
use serde_json::{Value, json};
use std::time::{Duration, Instant};

const URI: &str = "file:///bench/job.ferry";
const LINES: usize = 5_000;
const COMPLETIONS: usize = 400;
const EDITS: usize = 20;
const QUERIES: usize = 100;

/// A position of each kind: `(what, needle, offset into the needle)`.
const PLACES: &[(&str, &str, usize)] = &[
    ("statement in a fn", "  let day = ", 2),
    ("expression", "let org = VILLAGES_", 10),
    ("after `dhis2.`", "dhis2.create_tracked_entity", 6),
    ("top level", "var total_", 0),
    ("record field value", "orgUnit: org,", 9),
    ("fields after `r.form.`", "r.form.visit.weight_kg", 7),
    ("methods after `.trim().`", ".trim().upper()", 8),
    ("record literal fields", "orgUnit: \"y\", })", 14),
    ("literal union argument", "(r.form.sex)", 1),
];

/// The generated job, with a record literal given to an op in every block, for
/// completion of its fields.
fn job() -> String {
    let src = generate::job(LINES);
    let mut out = String::with_capacity(src.len() + src.len() / 8);
    for (i, line) in src.split_inclusive('\n').enumerate() {
        if line.starts_with("log \"created ${total_") {
            out.push_str(&format!(
                "let te_{i} = dhis2.create_tracked_entity({{ trackedEntityType: \"x\", orgUnit: \"y\", }})\nlog te_{i}.uid\n"
            ));
        }
        out.push_str(line);
    }
    out
}

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
        "{:<44} {:>6} {:>11} {:>11} {:>11}   {}",
        what,
        samples.len(),
        ms(percentile(samples, 0.5)),
        ms(percentile(samples, 0.99)),
        ms(*samples.last().unwrap()),
        aim
    );
}

/// Typing `.` after a name in the middle of the file, on a server with the
/// default debounce: the completion request comes right after the change, before
/// the new version is checked, and is answered from the version checked before
/// and the text as it is now (a line that does not parse).
async fn typing(src: &str) -> Vec<Duration> {
    let mut client = TestClient::new(Options::default());
    client.initialize(json!({}), json!({})).await;
    client.open(URI, 1, src).await;
    client.diagnostics(URI).await;
    let middle = src.len() / 2;
    let target = middle + src[middle..].find("  let day = r.received_on").unwrap();
    let insert_at = position(src, target);
    let mut samples = Vec::new();
    let mut version = 1;
    for _ in 0..EDITS {
        version += 1;
        client
            .change(
                URI,
                version,
                json!([{ "range": { "start": insert_at, "end": insert_at }, "text": "  let x = r.form.\n" }]),
            )
            .await;
        let start = Instant::now();
        let result = client
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": URI }, "position": { "line": insert_at["line"], "character": 17 } }),
            )
            .await
            .unwrap();
        samples.push(start.elapsed());
        assert_eq!(result[0]["label"], "patient_name", "{result}");
        version += 1;
        let end = json!({ "line": insert_at["line"].as_u64().unwrap() + 1, "character": 0 });
        client
            .change(
                URI,
                version,
                json!([{ "range": { "start": insert_at, "end": end }, "text": "" }]),
            )
            .await;
    }
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], version);
    samples
}

async fn bench() {
    let src = job();
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

    // Hover, definition and signature help at places spread over the file.
    let spread = |needle: &str, into: usize| -> Vec<Value> {
        let found: Vec<usize> = src.match_indices(needle).map(|(i, _)| i + into).collect();
        (0..QUERIES)
            .map(|n| position(&src, found[n * found.len() / QUERIES]))
            .collect()
    };
    let mut queries: Vec<(&str, Vec<Duration>)> = Vec::new();
    for (what, method, needle, into) in [
        (
            "hover on a field",
            "textDocument/hover",
            "r.form.visit.weight_kg",
            14,
        ),
        (
            "hover on an op",
            "textDocument/hover",
            "dhis2.create_tracked_entity(entity",
            8,
        ),
        (
            "definition of a fn",
            "textDocument/definition",
            "sex_code_",
            2,
        ),
        (
            "definition into dhis2",
            "textDocument/definition",
            "create_tracked_entity({",
            3,
        ),
        (
            "signatureHelp",
            "textDocument/signatureHelp",
            "(r.form.sex)",
            1,
        ),
    ] {
        let mut samples = Vec::new();
        for position in spread(needle, into) {
            let start = Instant::now();
            let result = client
                .request(
                    method,
                    json!({ "textDocument": { "uri": URI }, "position": position }),
                )
                .await
                .unwrap();
            samples.push(start.elapsed());
            assert!(!result.is_null(), "{what} at {position}");
        }
        queries.push((what, samples));
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

    let (peak, now) = memory();
    println!(
        "ferry lsp on a generated job: {} lines, {} KB; debounce 0 ms for the measurement (default {} ms)",
        src.lines().count(),
        src.len() / 1024,
        ferry_lsp::DEFAULT_DEBOUNCE.as_millis()
    );
    println!(
        "{:<44} {:>6} {:>11} {:>11} {:>11}   aim",
        "measure", "n", "p50", "p99", "max"
    );
    row("didOpen -> publishDiagnostics", &mut open, "");
    row("didChange -> publishDiagnostics", &mut changes, "< 100 ms");
    let mut all: Vec<Duration> = completions.iter().flatten().copied().collect();
    row("completion, all positions", &mut all, "p99 < 20 ms");
    for (((what, _, _), samples), count) in PLACES.iter().zip(&mut completions).zip(&items) {
        row(&format!("  {what} ({count} items)"), samples, "");
    }
    for (what, samples) in &mut queries {
        row(what, samples, "");
    }
    for (method, samples) in &mut others {
        row(method.trim_start_matches("textDocument/"), samples, "");
    }
    drop(client);
    let mut typed_after_edit = typing(&src).await;
    row(
        "completion typing `r.form.` (debounce 150 ms)",
        &mut typed_after_edit,
        "p99 < 20 ms",
    );
    let (peak_typing, now_typing) = memory();
    println!("memory: peak RSS {peak} (VmHWM), now {now}; aim < 100 MB");
    println!("  after the typing run (a second server): peak {peak_typing}, now {now_typing}");
}

/// The time from `didOpen` of `src` to its diagnostics, and from a burst of
/// `burst` edits (each one sent at once after the previous, as typing does) to
/// the diagnostics of the last one, with the debounce at 0: stale versions must
/// not be checked in full one after another.
async fn shape(src: &str, burst: usize) -> (Duration, Duration) {
    let mut client = TestClient::new(Options {
        debounce: Duration::ZERO,
        ..Options::default()
    });
    client.initialize(json!({}), json!({})).await;
    let start = Instant::now();
    client.open(URI, 1, src).await;
    client.diagnostics(URI).await;
    let open = start.elapsed();
    let end = position(src, src.len());
    let start = Instant::now();
    for version in 2..2 + burst as i32 {
        client
            .change(
                URI,
                version,
                json!([{ "range": { "start": end, "end": end }, "text": "\n" }]),
            )
            .await;
    }
    let last = 1 + burst as i64;
    while client.diagnostics(URI).await["version"].as_i64() != Some(last) {}
    (open, start.elapsed())
}

/// The hostile and long shapes of the front-end benchmark, through the server.
async fn shapes() {
    use generate::shapes;
    println!();
    println!("ferry lsp on long and deep shapes (debounce 0 ms)");
    println!(
        "{:<44} {:>9} {:>16} {:>22}",
        "shape", "KB", "didOpen -> diags", "20 edits -> last diags"
    );
    for (what, src) in [
        ("one scope, 10,000 lines", shapes::long_scope(10_000)),
        ("many scopes, 10,000 lines", shapes::many_scopes(10_000)),
        ("a list of 1,500 records", shapes::record_list(1_500)),
        ("a list of 3,200 integers", shapes::int_list(3_200)),
        ("a match of 2,000 arms", shapes::match_arms(2_000)),
        ("a sum of 6,000 terms", shapes::sum(6_000)),
        ("records nested 2,500 deep", shapes::nested_records(2_500)),
    ] {
        let (open, burst) = shape(&src, EDITS).await;
        println!(
            "{:<44} {:>9} {:>16} {:>22}",
            what,
            src.len() / 1024,
            ms(open),
            ms(burst)
        );
    }
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(async {
            bench().await;
            shapes().await;
        });
}
