//! The server in process, driven through its `tower::Service` by a test client:
//! every message is real JSON-RPC, every assertion exact.

use ferry_lsp::Options;
use ferry_lsp::testing::TestClient;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const URI: &str = "file:///work/jobs/job.ferry";

/// What a modern editor says it supports.
fn capabilities() -> Value {
    json!({
        "textDocument": {
            "publishDiagnostics": { "relatedInformation": true },
            "completion": { "completionItem": { "snippetSupport": true } },
            "documentSymbol": { "hierarchicalDocumentSymbolSupport": true }
        },
        "workspace": { "workspaceEdit": { "documentChanges": true } }
    })
}

async fn client(options: Options) -> TestClient {
    let mut client = TestClient::new(options);
    client.initialize(capabilities(), json!({})).await;
    client
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({ "start": { "line": l1, "character": c1 }, "end": { "line": l2, "character": c2 } })
}

fn doc() -> Value {
    json!({ "uri": URI })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn initialize_answers_the_capabilities() {
    let mut client = TestClient::new(Options::default());
    let result = client.initialize(capabilities(), json!({})).await;
    assert_eq!(
        result,
        json!({
            "capabilities": {
                "positionEncoding": "utf-16",
                "textDocumentSync": { "openClose": true, "change": 2, "save": { "includeText": false } },
                "selectionRangeProvider": true,
                "hoverProvider": true,
                "completionProvider": { "triggerCharacters": ["."] },
                "signatureHelpProvider": { "triggerCharacters": ["(", ","] },
                "definitionProvider": true,
                "documentSymbolProvider": true,
                "codeActionProvider": { "codeActionKinds": ["quickfix"] },
                "documentFormattingProvider": true,
                "foldingRangeProvider": true,
                "codeLensProvider": { "resolveProvider": false },
                "executeCommandProvider": { "commands": ["ferry.runTest"] },
                "workspace": { "textDocumentContent": { "schemes": ["ferry-builtin"] } }
            },
            "serverInfo": { "name": "ferry", "version": env!("CARGO_PKG_VERSION") }
        })
    );
    let log = client.notification("window/logMessage").await;
    assert_eq!(
        log,
        json!({ "type": 3, "message": format!("ferry lsp {} ready", env!("CARGO_PKG_VERSION")) })
    );
}

/// CRLF line ends, text outside the BMP and incremental edits: the diagnostic's
/// range counts UTF-16 units, and its quick fix edits exactly the string.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn incremental_edits_diagnostics_and_quick_fix() {
    let mut client = client(Options::default()).await;
    client
        .open(URI, 1, "// größe 😀\r\nlet s = \"ü\"\r\nlog s\r\n")
        .await;
    assert_eq!(
        client.diagnostics(URI).await,
        json!({ "uri": URI, "version": 1, "diagnostics": [] })
    );

    // Two changes in one notification: the second applies to the first's result.
    client
        .change(
            URI,
            2,
            json!([
                { "range": range(0, 3, 0, 8), "text": "straße" },
                { "range": range(1, 8, 1, 11), "text": "'ü😀'" },
            ]),
        )
        .await;
    let published = client.diagnostics(URI).await;
    let diagnostic = json!({
        "range": range(1, 8, 1, 13),
        "severity": 1,
        "code": "E0005",
        "source": "ferry",
        "message": "strings are written with double quotes\nsingle quotes\nhelp: use double quotes: `\"ü😀\"`",
        "data": { "version": 2, "index": 0 }
    });
    assert_eq!(
        published,
        json!({ "uri": URI, "version": 2, "diagnostics": [diagnostic] })
    );

    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": doc(),
                "range": range(1, 9, 1, 9),
                "context": { "diagnostics": [diagnostic] }
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        actions,
        json!([{
            "title": "use double quotes",
            "kind": "quickfix",
            "diagnostics": [diagnostic],
            "edit": { "documentChanges": [{
                "textDocument": { "uri": URI, "version": 2 },
                "edits": [{ "range": range(1, 8, 1, 13), "newText": "\"ü😀\"" }]
            }] },
            "isPreferred": true
        }])
    );

    // A client that lost `data` still gets the fix, matched by range and message.
    let mut without_data = diagnostic.clone();
    without_data.as_object_mut().unwrap().remove("data");
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": doc(),
                "range": range(1, 9, 1, 9),
                "context": { "diagnostics": [without_data] }
            }),
        )
        .await
        .unwrap();
    assert_eq!(actions[0]["title"], "use double quotes");

    // Apply the fix as the editor would; the diagnostics clear.
    client
        .change(
            URI,
            3,
            json!([{ "range": range(1, 8, 1, 13), "text": "\"ü😀\"" }]),
        )
        .await;
    assert_eq!(
        client.diagnostics(URI).await,
        json!({ "uri": URI, "version": 3, "diagnostics": [] })
    );

    client
        .notify("textDocument/didClose", json!({ "textDocument": doc() }))
        .await;
    assert_eq!(
        client.diagnostics(URI).await,
        json!({ "uri": URI, "diagnostics": [] })
    );
}

/// Quick typing: only the last version's diagnostics are published.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn debounced_diagnostics_are_never_stale() {
    let mut client = client(Options {
        debounce: Duration::from_millis(400),
        ..Options::default()
    })
    .await;
    client.open(URI, 1, "log 1\n").await;
    assert_eq!(client.diagnostics(URI).await["version"], 1);
    for (version, text) in [(2, "log 1 +\n"), (3, "log 1 + )\n"), (4, "log 1 + 2\n")] {
        client.change(URI, version, json!([{ "text": text }])).await;
    }
    assert_eq!(
        client.diagnostics(URI).await,
        json!({ "uri": URI, "version": 4, "diagnostics": [] })
    );
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        client.take("textDocument/publishDiagnostics"),
        Vec::<Value>::new()
    );

    // Saving publishes at once, and only once per version.
    client.change(URI, 5, json!([{ "text": "log (\n" }])).await;
    client
        .notify("textDocument/didSave", json!({ "textDocument": doc() }))
        .await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["version"], 5);
    assert_eq!(published["diagnostics"][0]["code"], "E0006");
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(
        client.take("textDocument/publishDiagnostics"),
        Vec::<Value>::new()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formatting_edits_only_the_changed_lines() {
    let mut client = client(Options::default()).await;
    client
        .open(URI, 1, "// keep\nlet  a =  [1,2]\nlog a\n")
        .await;
    let edits = client
        .request(
            "textDocument/formatting",
            json!({ "textDocument": doc(), "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .await
        .unwrap();
    assert_eq!(
        edits,
        json!([{ "range": range(1, 0, 2, 0), "newText": "let a = [1, 2]\n" }])
    );

    // A file that does not parse: no edits, no error, a log line.
    client
        .change(URI, 2, json!([{ "text": "let a = (\n" }]))
        .await;
    let edits = client
        .request(
            "textDocument/formatting",
            json!({ "textDocument": doc(), "options": { "tabSize": 2, "insertSpaces": true } }),
        )
        .await;
    assert_eq!(edits, Ok(Value::Null));
    let log = client
        .notification_where("window/logMessage", |p| {
            p["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("not formatting"))
        })
        .await;
    assert_eq!(
        log,
        json!({ "type": 3, "message": format!("not formatting {URI}: it has syntax errors") })
    );
}

const JOB: &str = r#"use dhis2 as d
trigger webhook "/hook"
/// The payload.
type Payload = {
  id: String,
  status: "new" | "done",
}
input: Payload
const LIMIT = 3
fn double(x: Int) -> Int {
  x * 2
}
let n = double(LIMIT)
test "doubles" {
  expect double(2) == 4
}
"#;

fn symbol(name: &str, detail: Option<&str>, kind: u32, range: Value, selection: Value) -> Value {
    let mut symbol =
        json!({ "name": name, "kind": kind, "range": range, "selectionRange": selection });
    if let Some(detail) = detail {
        symbol["detail"] = json!(detail);
    }
    symbol
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn document_symbols_outline_the_file() {
    let mut client = client(Options::default()).await;
    client.open(URI, 1, JOB).await;
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": doc() }),
        )
        .await
        .unwrap();
    let mut payload = symbol("Payload", None, 23, range(2, 0, 6, 1), range(3, 5, 3, 12));
    let mut status = symbol(
        "status",
        Some("\"new\" | \"done\""),
        8,
        range(5, 2, 5, 24),
        range(5, 2, 5, 8),
    );
    status["children"] = json!([
        symbol(
            "\"new\"",
            None,
            22,
            range(5, 10, 5, 15),
            range(5, 10, 5, 15)
        ),
        symbol(
            "\"done\"",
            None,
            22,
            range(5, 18, 5, 24),
            range(5, 18, 5, 24)
        ),
    ]);
    payload["children"] = json!([
        symbol(
            "id",
            Some("String"),
            8,
            range(4, 2, 4, 12),
            range(4, 2, 4, 4)
        ),
        status,
    ]);
    assert_eq!(
        symbols,
        json!([
            symbol(
                "d",
                Some("use dhis2 as d"),
                2,
                range(0, 0, 0, 14),
                range(0, 13, 0, 14)
            ),
            symbol(
                "webhook /hook",
                Some("trigger"),
                24,
                range(1, 0, 1, 23),
                range(1, 16, 1, 23)
            ),
            payload,
            symbol(
                "input",
                Some("Payload"),
                13,
                range(7, 0, 7, 14),
                range(7, 0, 7, 5)
            ),
            symbol("LIMIT", None, 14, range(8, 0, 8, 15), range(8, 6, 8, 11)),
            symbol(
                "double",
                Some("(x: Int) -> Int"),
                12,
                range(9, 0, 11, 1),
                range(9, 3, 9, 9)
            ),
            symbol(
                "n",
                Some("let"),
                13,
                range(12, 0, 12, 21),
                range(12, 4, 12, 5)
            ),
            symbol(
                "doubles",
                Some("test"),
                12,
                range(13, 0, 15, 1),
                range(13, 5, 13, 14)
            ),
        ])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folding_and_selection_ranges_follow_the_tree() {
    let mut client = client(Options::default()).await;
    client.open(URI, 1, JOB).await;
    let folds = client
        .request(
            "textDocument/foldingRange",
            json!({ "textDocument": doc() }),
        )
        .await
        .unwrap();
    assert_eq!(
        folds,
        json!([
            { "startLine": 3, "endLine": 5 },
            { "startLine": 9, "endLine": 10 },
            { "startLine": 13, "endLine": 14 },
        ])
    );
    // In `x * 2`, on `x`: the name, the product, the statement, the body, the fn, the file.
    let selection = client
        .request(
            "textDocument/selectionRange",
            json!({ "textDocument": doc(), "positions": [{ "line": 10, "character": 2 }] }),
        )
        .await
        .unwrap();
    let mut chain = Vec::new();
    let mut node = &selection[0];
    while !node.is_null() {
        chain.push(node["range"].clone());
        node = &node["parent"];
    }
    assert_eq!(
        chain,
        [
            range(10, 2, 10, 3),
            range(10, 2, 10, 7),
            range(9, 25, 11, 1),
            range(9, 0, 11, 1),
            range(0, 0, 16, 0),
        ]
    );
}

fn labels(items: &Value) -> Vec<String> {
    items
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["label"].as_str().unwrap().to_string())
        .collect()
}

async fn complete(client: &mut TestClient, line: u32, character: u32) -> Value {
    client
        .request(
            "textDocument/completion",
            json!({ "textDocument": doc(), "position": { "line": line, "character": character } }),
        )
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completion_offers_keywords_snippets_and_names_in_scope() {
    let mut client = client(Options::default()).await;
    let text = "use dhis2\nconst LIMIT = 3\nfn f(a: Int) -> Int {\n  let b = a\n  \n}\n";
    client.open(URI, 1, text).await;

    // In the fn body, at the start of a statement.
    let items = complete(&mut client, 4, 2).await;
    assert_eq!(
        labels(&items),
        [
            "let",
            "var",
            "if",
            "match",
            "for",
            "while",
            "try",
            "log",
            "warn",
            "skip",
            "fail",
            "output",
            "break",
            "continue",
            "return",
            "b",
            "a",
            "f",
            "LIMIT",
            "dhis2",
            "not",
            "true",
            "false",
            "null",
            "input",
            "config",
            "trigger",
            "now",
            "today",
            "uuid",
            "json_parse",
            "json_string",
            "csv_parse",
            "env",
        ]
    );
    assert_eq!(
        items[2],
        json!({
            "label": "if", "kind": 15, "detail": "statement", "sortText": "10002",
            "insertText": "if ${1:condition} {\n\t$0\n}", "insertTextFormat": 2
        })
    );
    assert_eq!(
        items[15],
        json!({ "label": "b", "kind": 6, "detail": "Int", "sortText": "20015" })
    );
    assert_eq!(
        items[17],
        json!({
            "label": "f", "kind": 3, "detail": "(a: Int) -> Int", "sortText": "30017",
            "insertText": "f($1)", "insertTextFormat": 2
        })
    );

    // After `dhis2.`: the built-in adaptor's members, with their docs.
    client
        .change(
            URI,
            2,
            json!([{ "range": range(6, 0, 6, 0), "text": "let c = dhis2.\n" }]),
        )
        .await;
    let items = complete(&mut client, 6, 14).await;
    let op = items
        .as_array()
        .unwrap()
        .iter()
        .find(|item| item["label"] == "create_tracked_entity")
        .unwrap();
    assert_eq!(op["kind"], 2);
    assert_eq!(op["insertText"], "create_tracked_entity($1)");
    assert_eq!(
        op["detail"],
        "(te: dhis2.TrackedEntity) -> dhis2.ObjectReport"
    );
    assert_eq!(
        op["documentation"]["value"],
        "Create one tracked entity, with its nested enrollments and events, and\nanswer the report on the tracked entity: `uid` is its UID."
    );

    // Top level of a job: declarations first.
    let items = complete(&mut client, 6, 0).await;
    assert_eq!(
        labels(&items)[..9],
        [
            "use",
            "trigger webhook",
            "trigger cron",
            "trigger every",
            "input",
            "type",
            "const",
            "fn",
            "test"
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_in_adaptors_are_read_only_documents() {
    let mut client = client(Options::default()).await;
    let uri = "ferry-builtin:///http.ferry";
    let content = client
        .request("workspace/textDocumentContent", json!({ "uri": uri }))
        .await
        .unwrap();
    assert!(
        content["text"]
            .as_str()
            .unwrap()
            .contains("\nadaptor http\n")
    );
    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": { "uri": uri } }),
        )
        .await
        .unwrap();
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "http",
            "config",
            "Method",
            "BodyFormat",
            "Response",
            "get",
            "post",
            "put",
            "patch",
            "delete",
            "request"
        ]
    );
    let missing = client
        .request(
            "workspace/textDocumentContent",
            json!({ "uri": "ferry-builtin:///nope.ferry" }),
        )
        .await
        .unwrap_err();
    assert_eq!(
        missing.message,
        "no built-in document ferry-builtin:///nope.ferry"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn utf8_positions_when_the_client_offers_them() {
    let mut client = TestClient::new(Options::default());
    let result = client
        .initialize(
            json!({ "general": { "positionEncodings": ["utf-8", "utf-16"] } }),
            json!({}),
        )
        .await;
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    client.open(URI, 1, "// ü\nlet s = 'é'\nlog s\n").await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["diagnostics"][0]["range"], range(1, 8, 1, 12));
}

static PANICKED: AtomicBool = AtomicBool::new(false);

/// The first formatting request panics inside; the server answers it with an
/// error, logs it, and answers every request after it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_fails_one_request_and_the_server_goes_on() {
    let mut client = client(Options {
        fault: Some(|what| {
            if what == "formatting" && !PANICKED.swap(true, Ordering::SeqCst) {
                panic!("injected failure");
            }
        }),
        ..Options::default()
    })
    .await;
    client.open(URI, 1, "let  a = 1\nlog a\n").await;
    let params =
        json!({ "textDocument": doc(), "options": { "tabSize": 2, "insertSpaces": true } });
    let error = client
        .request("textDocument/formatting", params.clone())
        .await
        .unwrap_err();
    assert_eq!(error.code.code(), -32603);
    assert_eq!(
        error.message,
        "internal error in formatting: injected failure"
    );
    let log = client
        .notification_where("window/logMessage", |p| p["type"] == 1)
        .await;
    assert_eq!(
        log,
        json!({ "type": 1, "message": "internal error in formatting: injected failure" })
    );

    let symbols = client
        .request(
            "textDocument/documentSymbol",
            json!({ "textDocument": doc() }),
        )
        .await
        .unwrap();
    assert_eq!(symbols[0]["name"], "a");
    let edits = client
        .request("textDocument/formatting", params)
        .await
        .unwrap();
    assert_eq!(
        edits,
        json!([{ "range": range(0, 0, 1, 0), "newText": "let a = 1\n" }])
    );
}

// ---------------------------------------------------------------------------
// Typed features: completion, hover, definition and signature help, on a file
// that does not parse, with CRLF line ends and non-ASCII text before the cursor.

const TYPED: &[&str] = &[
    "use dhis2",
    "/// A registration form.",
    "type Form = {",
    "  /// The patient's name.",
    "  patient_name: String,",
    "  sex: \"female\" | \"male\",",
    "  village: String?,",
    "  ..",
    "}",
    "input: { form: Form, .. }",
    "/// The code of a sex.",
    "fn code(s: \"female\" | \"male\", label: String = \"größe 😀\", upper: Bool = false) -> String {",
    "  match s { \"female\" => \"F\", \"male\" => \"M\" }",
    "}",
    "log 'single quotes'",
    "let name = input.form.patient_name",
    "log \"ü😀\" + input.form.",
    "log \"ü😀\" + input.form.village.",
    "let c = code(\"\", \"ü😀\", )",
    "let te = dhis2.create_tracked_entity({ orgUnit: \"ü\", })",
    "log name",
    "log code(input.form.sex)",
    "let t: dhis2.TrackedEntity = te",
    "fn nope( {",
    "",
];

fn typed_text() -> String {
    TYPED.join("\r\n")
}

/// The position of `|` in `needle`, found in the text, in UTF-16 units.
fn at(needle: &str) -> Value {
    let text = typed_text();
    let (before, after) = needle.split_once('|').unwrap();
    let found = text.find(&format!("{before}{after}")).unwrap() + before.len();
    let line = text[..found].matches('\n').count();
    let line_start = text[..found].rfind('\n').map_or(0, |i| i + 1);
    let character: usize = text[line_start..found].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

async fn typed_client() -> TestClient {
    let mut client = client(Options::default()).await;
    client.open(URI, 1, &typed_text()).await;
    let published = client.diagnostics(URI).await;
    assert!(
        published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["code"] == "E0005"),
        "the file does not parse: {published}"
    );
    client
}

async fn request_at(client: &mut TestClient, method: &str, position: Value) -> Value {
    client
        .request(
            method,
            json!({ "textDocument": doc(), "position": position }),
        )
        .await
        .unwrap()
}

fn string_methods() -> Vec<&'static str> {
    vec![
        "len",
        "upper",
        "lower",
        "trim",
        "split",
        "contains",
        "starts_with",
        "ends_with",
        "replace",
        "slice",
        "to_int",
        "to_float",
        "to_date",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_completion_of_fields_methods_records_and_literals() {
    let mut client = typed_client().await;

    // Fields after `input.form.`, with types and docs, on a line that does not parse.
    let items = request_at(
        &mut client,
        "textDocument/completion",
        at("input.form.|\r\nlog"),
    )
    .await;
    assert_eq!(
        items,
        json!([
            {
                "label": "patient_name", "kind": 5, "detail": "String", "sortText": "00000",
                "documentation": { "kind": "markdown", "value": "The patient's name." }
            },
            { "label": "sex", "kind": 5, "detail": "\"female\" | \"male\"", "sortText": "00001" },
            { "label": "village", "kind": 5, "detail": "String?", "sortText": "00002" },
        ])
    );

    // A `.` on a `String?`: its methods, each turning the `.` into `?.` (the
    // `.` is at UTF-16 column 30, after "ü😀").
    let items = request_at(&mut client, "textDocument/completion", at("village.|")).await;
    assert_eq!(labels(&items), string_methods());
    assert_eq!(
        items[4],
        json!({
            "label": "split", "kind": 2, "detail": "(sep: String) -> [String]", "sortText": "10004",
            "documentation": { "kind": "markdown", "value": "The parts between each `sep`." },
            "insertText": "split($1)", "insertTextFormat": 2,
            "additionalTextEdits": [{ "range": range(17, 30, 17, 31), "newText": "?." }]
        })
    );

    // In a string where `"female" | "male"` is expected: the members replace it.
    let items = request_at(&mut client, "textDocument/completion", at("code(\"|\"")).await;
    assert_eq!(
        items,
        json!([
            {
                "label": "\"female\"", "kind": 20, "detail": "\"female\" | \"male\"", "sortText": "00000",
                "textEdit": { "range": range(18, 13, 18, 15), "newText": "\"female\"" }
            },
            {
                "label": "\"male\"", "kind": 20, "detail": "\"female\" | \"male\"", "sortText": "00001",
                "textEdit": { "range": range(18, 13, 18, 15), "newText": "\"male\"" }
            },
        ])
    );

    // In a record literal given to an op: the fields not written yet, required first.
    let items = request_at(&mut client, "textDocument/completion", at("\"ü\", |})")).await;
    assert_eq!(
        labels(&items),
        [
            "trackedEntityType",
            "trackedEntity",
            "attributes",
            "enrollments",
            "relationships",
            "inactive",
            "geometry",
            "deleted",
            "potentialDuplicate",
            "programOwners",
            "createdAt",
            "createdAtClient",
            "updatedAt",
            "updatedAtClient",
            "createdBy",
            "updatedBy",
        ]
    );
    assert_eq!(
        items[0],
        json!({
            "label": "trackedEntityType", "kind": 5, "detail": "String", "sortText": "00000",
            "documentation": { "kind": "markdown", "value": "UID of the tracked entity type (e.g. \"Person\"). Required." },
            "insertText": "trackedEntityType: "
        })
    );
    assert_eq!(items[2]["detail"], "[dhis2.Attribute]?");
    assert_eq!(items[2]["sortText"], "10002");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hover_shows_the_type_and_the_doc() {
    let mut client = typed_client().await;
    let hover = request_at(&mut client, "textDocument/hover", at("log na|me")).await;
    assert_eq!(
        hover,
        json!({
            "contents": { "kind": "markdown", "value": "```ferry\nlet name: String\n```" },
            "range": range(20, 4, 20, 8)
        })
    );
    let hover = request_at(&mut client, "textDocument/hover", at("log co|de(input")).await;
    assert_eq!(
        hover,
        json!({
            "contents": {
                "kind": "markdown",
                "value": "```ferry\nfn code(s: \"female\" | \"male\", label: String = \"größe 😀\", upper: Bool = false) -> String\n```\n\nThe code of a sex."
            },
            "range": range(21, 4, 21, 8)
        })
    );
    // A field of a record type, with its doc.
    let hover = request_at(
        &mut client,
        "textDocument/hover",
        at("input.form.patient_|name"),
    )
    .await;
    assert_eq!(
        hover["contents"]["value"],
        "```ferry\npatient_name: String\n```\n\nThe patient's name."
    );
    // Nothing to say about a keyword.
    let hover = request_at(&mut client, "textDocument/hover", at("l|og name")).await;
    assert_eq!(hover, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_in_the_document_and_in_a_built_in_adaptor() {
    let mut client = typed_client().await;
    let found = request_at(&mut client, "textDocument/definition", at("log na|me")).await;
    assert_eq!(found, json!({ "uri": URI, "range": range(15, 4, 15, 8) }));
    let found = request_at(
        &mut client,
        "textDocument/definition",
        at("log co|de(input"),
    )
    .await;
    assert_eq!(found, json!({ "uri": URI, "range": range(11, 3, 11, 7) }));
    let found = request_at(&mut client, "textDocument/definition", at("form.s|ex)")).await;
    assert_eq!(found, json!({ "uri": URI, "range": range(5, 2, 5, 5) }));

    // `dhis2.TrackedEntity` is declared in the built-in adaptor's document.
    let found = request_at(
        &mut client,
        "textDocument/definition",
        at("dhis2.Tracked|Entity = te"),
    )
    .await;
    let dhis2 = ferry_compiler::adaptors::BUILTIN
        .iter()
        .find(|(name, _)| *name == "dhis2")
        .unwrap()
        .1;
    let line = dhis2
        .lines()
        .position(|l| l == "type TrackedEntity = {")
        .unwrap() as u32;
    assert_eq!(
        found,
        json!({ "uri": "ferry-builtin:///dhis2.ferry", "range": range(line, 5, line, 18) })
    );
    // That document can be read, and is a document for every request.
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": "ferry-builtin:///dhis2.ferry" }, "position": { "line": line, "character": 7 } }),
        )
        .await
        .unwrap();
    assert!(
        hover["contents"]["value"]
            .as_str()
            .unwrap()
            .starts_with("```ferry\ntype dhis2.TrackedEntity = { trackedEntity?: String?, ")
    );
    // A keyword names nothing.
    let found = request_at(&mut client, "textDocument/definition", at("l|og name")).await;
    assert_eq!(found, Value::Null);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn definition_in_a_user_adaptor_file() {
    let dir = std::env::temp_dir().join(format!("ferry-lsp-protocol-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("adaptors")).unwrap();
    let adaptor = "adaptor shop\n\nconfig {\n  baseUrl: Url,\n}\n\nbase config.baseUrl\n\n/// Lists the orders.\nop orders() -> [Json] = GET \"/orders\"\n";
    std::fs::write(dir.join("adaptors/shop.ferry"), adaptor).unwrap();
    let uri = format!("file://{}/job.ferry", dir.display());
    let mut client = client(Options::default()).await;
    client
        .open(&uri, 1, "use shop\nlet o = shop.orders()\nlog o\n")
        .await;
    assert_eq!(client.diagnostics(&uri).await["diagnostics"], json!([]));
    let found = client
        .request(
            "textDocument/definition",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 15 } }),
        )
        .await
        .unwrap();
    assert_eq!(
        found,
        json!({
            "uri": format!("file://{}/adaptors/shop.ferry", dir.display()),
            "range": range(9, 3, 9, 9)
        })
    );
    let hover = client
        .request(
            "textDocument/hover",
            json!({ "textDocument": { "uri": uri }, "position": { "line": 1, "character": 15 } }),
        )
        .await
        .unwrap();
    assert_eq!(
        hover["contents"]["value"],
        "```ferry\nop shop.orders() -> [Json]\n```\n\nLists the orders."
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signature_help_counts_parameters_in_utf16() {
    let mut client = typed_client().await;
    let label = "code(s: \"female\" | \"male\", label: String = \"größe 😀\", upper: Bool = false) -> String";
    let help = request_at(&mut client, "textDocument/signatureHelp", at("\"ü😀\", |)")).await;
    // "größe 😀" is 4 UTF-16 units shorter than its UTF-8 bytes.
    assert_eq!(
        help,
        json!({
            "signatures": [{
                "label": label,
                "documentation": { "kind": "markdown", "value": "The code of a sex." },
                "parameters": [{ "label": [5, 25] }, { "label": [27, 53] }, { "label": [55, 74] }],
                "activeParameter": 2
            }],
            "activeSignature": 0,
            "activeParameter": 2
        })
    );
    let help = request_at(
        &mut client,
        "textDocument/signatureHelp",
        at("code(\"\", \"ü|😀\""),
    )
    .await;
    assert_eq!(help["activeParameter"], 1);
    // An op's, by its named argument; none outside the parentheses.
    let help = request_at(
        &mut client,
        "textDocument/signatureHelp",
        at("create_tracked_entity({ org|Unit"),
    )
    .await;
    assert_eq!(
        help["signatures"][0]["label"],
        "create_tracked_entity(te: dhis2.TrackedEntity) -> dhis2.ObjectReport"
    );
    assert_eq!(help["activeParameter"], 0);
    let help = request_at(
        &mut client,
        "textDocument/signatureHelp",
        at("let c = co|de("),
    )
    .await;
    assert_eq!(help, Value::Null);
}

/// In a job with a trigger, E0205 (an op that is not idempotent) comes with a
/// quick fix: the acknowledgement `allow_duplicates: true` after the last argument.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_effect_is_acknowledged_by_a_quick_fix() {
    let mut client = client(Options::default()).await;
    client
        .open(
            URI,
            1,
            "use dhis2\ntrigger every 15m\nlet te: dhis2.TrackedEntity = { trackedEntityType: \"t\", orgUnit: \"o\" }\ndhis2.create_tracked_entity(te)\n",
        )
        .await;
    let published = client.diagnostics(URI).await;
    assert_eq!(published["diagnostics"].as_array().unwrap().len(), 1);
    let diagnostic = published["diagnostics"][0].clone();
    assert_eq!(diagnostic["code"], "E0205");
    assert_eq!(diagnostic["severity"], 2);
    assert_eq!(diagnostic["range"], range(3, 6, 3, 27));
    let actions = client
        .request(
            "textDocument/codeAction",
            json!({
                "textDocument": doc(),
                "range": range(3, 6, 3, 6),
                "context": { "diagnostics": [diagnostic] }
            }),
        )
        .await
        .unwrap();
    assert_eq!(actions[0]["title"], "acknowledge duplicates");
    assert_eq!(
        actions[0]["edit"]["documentChanges"][0]["edits"],
        json!([{ "range": range(3, 30, 3, 30), "newText": ", allow_duplicates: true" }])
    );
}

const TESTED: &str = "input: { n: Int }\noutput input.n + 1\n\ntest \"adds one\" {\n  expect run(input: { n: 1 }) == 2\n}\n\ntest \"it's two\" {\n  expect run(input: { n: 1 }) == 2\n}\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_test_lens_above_each_test_runs_ferry_test() {
    let mut client = client(Options {
        ferry: Some("/nowhere/ferry".into()),
        ..Options::default()
    })
    .await;
    client.open(URI, 1, TESTED).await;
    let lenses = client
        .request("textDocument/codeLens", json!({ "textDocument": doc() }))
        .await
        .unwrap();
    let lens = |l1, l2, name: &str| {
        json!({
            "range": range(l1, 0, l2, 1),
            "command": {
                "title": "▶ run test",
                "command": "ferry.runTest",
                "arguments": ["/work/jobs/job.ferry", name]
            }
        })
    };
    assert_eq!(
        lenses,
        json!([lens(3, 5, "adds one"), lens(7, 9, "it's two")])
    );
    // The command runs `ferry test`; one that cannot start is said so.
    let answer = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "ferry.runTest", "arguments": ["/work/jobs/job.ferry", "it's two"] }),
        )
        .await
        .unwrap();
    assert_eq!(answer, json!({ "exitCode": null, "output": "" }));
    let shown = client.notification("window/showMessage").await;
    assert_eq!(
        shown,
        json!({
            "type": 1,
            "message": "could not run `ferry test --filter 'it'\\''s two' /work/jobs/job.ferry` (/nowhere/ferry): No such file or directory (os error 2)"
        })
    );
    let wrong = client
        .request(
            "workspace/executeCommand",
            json!({ "command": "ferry.runTest", "arguments": ["adds one"] }),
        )
        .await
        .unwrap_err();
    assert_eq!(
        wrong.message,
        "ferry.runTest takes a file's path and a test's name, as its code lens gives them; got [\"adds one\"]"
    );
    // A document that is not a file has no lens: `ferry test` reads files.
    client.open("untitled:Untitled-1", 1, TESTED).await;
    let none = client
        .request(
            "textDocument/codeLens",
            json!({ "textDocument": { "uri": "untitled:Untitled-1" } }),
        )
        .await
        .unwrap();
    assert_eq!(none, json!([]));
}
