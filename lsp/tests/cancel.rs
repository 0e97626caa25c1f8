//! A check of a version that a newer one replaces stops: quick edits in a long
//! document publish the last version's diagnostics and never a stale one, a
//! running check of a replaced version works out nothing more, and a request
//! waiting for it is answered `ContentModified`.

#[path = "../../compiler/benches/generate.rs"]
mod generate;

use ferry_lsp::Options;
use ferry_lsp::testing::TestClient;
use serde_json::{Value, json};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const URI: &str = "file:///work/jobs/records.ferry";
/// Where `id: N` has its number on each line of `record_list`: `  { id: N, ...`.
const ID_AT: u32 = 8;

fn at(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

/// Types `n` before the id of record `line - 1`: `id: n5` is an unknown name.
async fn type_n(client: &mut TestClient, version: i32, line: u32) {
    let here = at(line, ID_AT);
    client
        .change(
            URI,
            version,
            json!([{ "range": { "start": here, "end": here }, "text": "n" }]),
        )
        .await;
}

/// `(code, line, message)` of each diagnostic published.
fn summary(published: &Value) -> Vec<(String, u64, String)> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["message"]
                    .as_str()
                    .unwrap()
                    .lines()
                    .next()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect()
}

/// The unknown names `n1` ... typed on lines `lines`.
fn unknown_names(lines: std::ops::RangeInclusive<u64>) -> Vec<(String, u64, String)> {
    lines
        .map(|line| {
            (
                "E0100".to_string(),
                line,
                format!("no `n{}` here", line - 1),
            )
        })
        .collect()
}

/// 20 keystrokes sent at once in a document of 1,500 records: the next
/// diagnostics published are the last version's, and none follow them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_edits_in_a_long_document_publish_only_the_last_version() {
    let mut client = TestClient::new(Options {
        debounce: Duration::ZERO,
        ..Options::default()
    });
    client.initialize(json!({}), json!({})).await;
    client
        .open(URI, 1, &generate::shapes::record_list(1_500))
        .await;
    let opened = client.diagnostics(URI).await;
    assert_eq!(
        (opened["version"].clone(), summary(&opened)),
        (json!(1), vec![])
    );
    for version in 2..=21 {
        type_n(&mut client, version, version as u32).await;
    }
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 21);
    assert_eq!(summary(&published), unknown_names(2..=21));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        client.take("textDocument/publishDiagnostics"),
        Vec::<Value>::new()
    );
}

/// The pieces of compiler work the server started, in order.
static WORK: Mutex<Vec<String>> = Mutex::new(Vec::new());
static HELD: AtomicBool = AtomicBool::new(false);
static RELEASED: AtomicBool = AtomicBool::new(false);

/// Records each piece of work; holds the first check until the test releases it.
fn hold_the_first_check(what: &str) {
    WORK.lock().unwrap().push(what.to_string());
    if what == "analysis" && !HELD.swap(true, Ordering::SeqCst) {
        while !RELEASED.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(1));
        }
    }
}

/// Version 1's check is running (held at its start) when version 2 arrives: it
/// stops without a result, so its diagnostics are never worked out, the hover
/// waiting for it is answered `ContentModified`, and version 2 is checked and
/// published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_check_of_a_replaced_version_stops() {
    let mut client = TestClient::new(Options {
        debounce: Duration::ZERO,
        fault: Some(hold_the_first_check),
        ..Options::default()
    });
    client.initialize(json!({}), json!({})).await;
    client
        .open(URI, 1, &generate::shapes::record_list(1_500))
        .await;
    tokio::time::timeout(Duration::from_secs(20), async {
        while !HELD.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    })
    .await
    .expect("version 1 is being checked");
    // A hover on version 1 starts and waits for version 1's check.
    let mut hover = client
        .send(
            "textDocument/hover",
            json!({ "textDocument": { "uri": URI }, "position": at(1, ID_AT) }),
        )
        .await;
    assert!(futures::poll!(&mut hover).is_pending());
    type_n(&mut client, 2, 1).await;
    RELEASED.store(true, Ordering::SeqCst);

    let error = tokio::time::timeout(Duration::from_secs(20), hover)
        .await
        .expect("the hover is answered")
        .unwrap_err();
    assert_eq!(
        (error.code.code(), error.message.as_ref()),
        (
            -32801,
            "version 1 of file:///work/jobs/records.ferry was replaced by a newer one before it was checked"
        )
    );
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 2);
    assert_eq!(summary(&published), unknown_names(1..=1));
    // Version 1's check, then version 2's and its diagnostics: nothing more
    // was worked out for version 1.
    assert_eq!(
        *WORK.lock().unwrap(),
        ["analysis", "analysis", "diagnostics"]
    );
}
