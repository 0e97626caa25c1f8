//! Property test of the server on generated edits: jobs from `examples/` and
//! `tests/` are opened and edited at random (slices deleted, slices of the
//! corpus inserted, positions in UTF-16 as editors send them), with requests of
//! every kind in between. Every request is answered without an internal error,
//! nothing is logged as a failure, published versions only grow, and the last
//! version's diagnostics are published and are exactly what the compiler says
//! about the text the test edited alongside.

#[path = "../../compiler/tests/common/mod.rs"]
mod common;

use ferry_lsp::Options;
use ferry_lsp::testing::TestClient;
use serde_json::{Value, json};
use std::path::Path;
use std::time::Duration;

const SEED: u64 = 0x15_ed17;
const SESSIONS: usize = 40;
const EDITS: usize = 40;
/// The document's name: no `adaptors/` beside it, so the compiler run here and
/// the server find the same (built-in) adaptors.
const URI: &str = "file:///fuzz/job.ferry";
const NAME: &str = "/fuzz/job.ferry";

const REQUESTS: &[&str] = &[
    "textDocument/hover",
    "textDocument/completion",
    "textDocument/definition",
    "textDocument/signatureHelp",
    "textDocument/documentSymbol",
    "textDocument/foldingRange",
    "textDocument/selectionRange",
    "textDocument/formatting",
    "textDocument/codeAction",
];

/// Every job of the corpus, without `\r` (CRLF is the documents' unit tests'
/// business; here every byte offset has a position).
fn corpus() -> Vec<(String, String)> {
    common::ferry_files(&["examples", "tests"])
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).unwrap().replace('\r', "");
            (path.display().to_string(), text)
        })
        .collect()
}

fn boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The LSP position (UTF-16) of a byte offset in a text without `\r`.
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    json!({
        "line": before.matches('\n').count(),
        "character": before[line_start..].encode_utf16().count(),
    })
}

fn random_offset(rng: &mut fastrand::Rng, text: &str) -> usize {
    boundary(text, rng.usize(0..=text.len()))
}

/// A slice of a random job of the corpus, up to 24 bytes.
fn piece<'c>(rng: &mut fastrand::Rng, corpus: &'c [(String, String)]) -> &'c str {
    let (_, text) = &corpus[rng.usize(0..corpus.len())];
    let start = random_offset(rng, text);
    let end = boundary(text, (start + rng.usize(0..24)).min(text.len()));
    &text[start..end]
}

/// The params of a random request at a random place.
fn params(rng: &mut fastrand::Rng, method: &str, text: &str) -> Value {
    let here = position(text, random_offset(rng, text));
    let doc = json!({ "uri": URI });
    match method {
        "textDocument/documentSymbol" | "textDocument/foldingRange" => {
            json!({ "textDocument": doc })
        }
        "textDocument/formatting" => {
            json!({ "textDocument": doc, "options": { "tabSize": 2, "insertSpaces": true } })
        }
        "textDocument/selectionRange" => json!({ "textDocument": doc, "positions": [here] }),
        "textDocument/codeAction" => json!({
            "textDocument": doc,
            "range": { "start": here, "end": here },
            "context": { "diagnostics": [] }
        }),
        _ => json!({ "textDocument": doc, "position": here }),
    }
}

/// What the compiler says about a text: `(code, position, message)` of each
/// diagnostic of the document itself.
fn expected(text: &str) -> Vec<Value> {
    let search = ferry_compiler::search_for(Path::new(NAME), &[]);
    let analysis = ferry_compiler::analyze(NAME, text, &search);
    analysis
        .diagnostics
        .iter()
        .filter(|d| d.file == ferry_compiler::source::SourceId(0))
        .map(|d| {
            json!([
                d.code,
                position(text, d.span.start as usize),
                d.message.as_str()
            ])
        })
        .collect()
}

fn published(diagnostics: &Value) -> Vec<Value> {
    diagnostics["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            let message = d["message"].as_str().unwrap().lines().next().unwrap();
            json!([d["code"], d["range"]["start"], message])
        })
        .collect()
}

/// What the sessions did, to show that they exercised the server.
#[derive(Default, Debug)]
struct Counts {
    requests: usize,
    /// Requests answered with something other than `null` or `[]`.
    answered: usize,
    /// Diagnostics of last versions compared with the compiler's.
    diagnostics: usize,
}

async fn session(
    client: &mut TestClient,
    rng: &mut fastrand::Rng,
    corpus: &[(String, String)],
    counts: &mut Counts,
) {
    let (name, original) = &corpus[rng.usize(0..corpus.len())];
    let mut text = original.clone();
    client.open(URI, 1, &text).await;
    let mut version = 1;
    let mut history = vec![format!("opened {name}")];
    for _ in 0..EDITS {
        let start = random_offset(rng, &text);
        let end = boundary(&text, (start + rng.usize(0..16)).min(text.len()));
        let insert = if rng.bool() { piece(rng, corpus) } else { "" };
        let range = json!({ "start": position(&text, start), "end": position(&text, end) });
        version += 1;
        client
            .change(URI, version, json!([{ "range": range, "text": insert }]))
            .await;
        text.replace_range(start..end, insert);
        history.push(format!("v{version}: {start}..{end} -> {insert:?}"));
        for _ in 0..rng.usize(0..3) {
            let method = REQUESTS[rng.usize(0..REQUESTS.len())];
            let params = params(rng, method, &text);
            counts.requests += 1;
            match client.request(method, params.clone()).await {
                Ok(answer) => {
                    counts.answered += usize::from(!answer.is_null() && answer != json!([]))
                }
                Err(error) => panic!(
                    "{method} {params} failed: {error:?}\n{}\n---\n{text}",
                    history.join("\n")
                ),
            }
        }
    }
    // Published versions only grow, and the last one is published.
    let mut last_seen = 0;
    loop {
        let diagnostics = client.diagnostics(URI).await;
        let seen = diagnostics["version"].as_i64().unwrap();
        assert!(
            seen > last_seen && seen <= version as i64,
            "version {seen} published after {last_seen} (last {version})"
        );
        last_seen = seen;
        if seen == version as i64 {
            counts.diagnostics += diagnostics["diagnostics"].as_array().unwrap().len();
            assert_eq!(
                published(&diagnostics),
                expected(&text),
                "{}\n---\n{text}",
                history.join("\n")
            );
            break;
        }
    }
    client
        .notify(
            "textDocument/didClose",
            json!({ "textDocument": { "uri": URI } }),
        )
        .await;
    let cleared = client.diagnostics(URI).await;
    assert_eq!(cleared, json!({ "uri": URI, "diagnostics": [] }));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_edits_are_answered_and_the_last_version_is_published() {
    let corpus = corpus();
    assert!(corpus.len() > 100, "the corpus: {} jobs", corpus.len());
    let mut rng = fastrand::Rng::with_seed(SEED);
    let mut client = TestClient::new(Options {
        debounce: Duration::ZERO,
        ..Options::default()
    });
    client.initialize(json!({}), json!({})).await;
    let mut counts = Counts::default();
    for _ in 0..SESSIONS {
        session(&mut client, &mut rng, &corpus, &mut counts).await;
    }
    println!("{counts:?}");
    assert!(
        counts.answered * 5 > counts.requests && counts.diagnostics > SESSIONS,
        "too little was exercised: {counts:?}"
    );
    let failures: Vec<Value> = client
        .take("window/logMessage")
        .into_iter()
        .filter(|m| m["type"] == 1)
        .collect();
    assert_eq!(failures, Vec::<Value>::new());
}
