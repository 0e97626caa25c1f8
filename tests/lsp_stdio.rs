//! The real `ferry lsp` process on stdio, with documents that used to kill it: a
//! sum of 6,000 terms (a tree 6,000 deep) checks without a diagnostic and can be
//! hovered; records nested past the nesting limit are one E0014; `shutdown` and
//! `exit` end the process with status 0; a "run test" lens's command runs the
//! real `ferry test`.

use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const TIMEOUT: Duration = Duration::from_secs(120);
const SUM: &str = "file:///jobs/sum.ferry";
const NESTED: &str = "file:///jobs/nested.ferry";

struct Server {
    child: Child,
    stdin: ChildStdin,
    received: mpsc::Receiver<Value>,
    /// Messages read while waiting for another one.
    pending: Vec<Value>,
}

/// Reads framed messages from the server's output until it closes.
fn read_frames(output: impl Read, to_test: mpsc::Sender<Value>) {
    let mut output = BufReader::new(output);
    loop {
        let mut length = None;
        loop {
            let mut line = String::new();
            if output.read_line(&mut line).unwrap_or(0) == 0 {
                return;
            }
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = Some(n.parse::<usize>().expect("a length"));
            }
        }
        let mut body = vec![0; length.expect("a Content-Length header")];
        output.read_exact(&mut body).expect("the whole body");
        let message = serde_json::from_slice(&body).expect("a JSON message");
        if to_test.send(message).is_err() {
            return;
        }
    }
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ferry"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("ferry lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (to_test, received) = mpsc::channel();
        std::thread::spawn(move || read_frames(stdout, to_test));
        Server {
            child,
            stdin,
            received,
            pending: Vec::new(),
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The first message that passes `wanted`; the others are kept.
    fn wait(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(i) = self.pending.iter().position(&wanted) {
            return self.pending.remove(i);
        }
        loop {
            let message = self
                .received
                .recv_timeout(TIMEOUT)
                .unwrap_or_else(|e| panic!("no {what} ({e}); got {:?}", self.pending));
            if wanted(&message) {
                return message;
            }
            self.pending.push(message);
        }
    }

    fn request(&mut self, id: i64, method: &str, params: Value) -> Value {
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait(method, |m| m["id"] == id)
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn diagnostics(&mut self, uri: &str) -> Value {
        self.wait("publishDiagnostics", |m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        })["params"]
            .clone()
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "ferry", "version": 1, "text": text } }),
        );
    }
}

fn range(l1: u32, c1: u32, l2: u32, c2: u32) -> Value {
    json!({ "start": { "line": l1, "character": c1 }, "end": { "line": l2, "character": c2 } })
}

#[test]
fn ferry_lsp_checks_a_long_sum_and_deep_records_and_exits_cleanly() {
    let mut server = Server::start();
    let initialized = server.request(1, "initialize", json!({ "capabilities": {} }));
    assert_eq!(initialized["result"]["serverInfo"]["name"], "ferry");
    server.notify("initialized", json!({}));

    let sum = format!("let total = 1{}\noutput total\n", " + 1".repeat(5_999));
    server.open(SUM, &sum);
    // 10,001 records inside one another: one past the limit, at the innermost
    // record (a level is an expression: the outermost record is level 1).
    let depth = 10_001;
    let nested = format!("output {}1{}\n", "{ a: ".repeat(depth), " }".repeat(depth));
    server.open(NESTED, &nested);

    assert_eq!(
        server.diagnostics(SUM),
        json!({ "uri": SUM, "version": 1, "diagnostics": [] })
    );
    let published = server.diagnostics(NESTED);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{published}");
    let too_deep = "output ".len() + "{ a: ".len() * 10_000;
    assert_eq!(
        diagnostics[0],
        json!({
            "range": range(0, too_deep as u32, 0, too_deep as u32 + 1),
            "severity": 1,
            "code": "E0014",
            "source": "ferry",
            "message": "this is nested more than 10000 levels deep\nnested too deeply from here on\nnote: Ferry reads expressions, types and blocks nested at most 10,000 levels deep (a sum of 10,000 terms is that deep): give parts of it a name with `let`, or build a long list from shorter ones",
            "data": { "version": 1, "index": 0 }
        })
    );

    let hover = server.request(
        2,
        "textDocument/hover",
        json!({ "textDocument": { "uri": SUM }, "position": { "line": 1, "character": 9 } }),
    );
    assert_eq!(
        hover["result"],
        json!({
            "contents": { "kind": "markdown", "value": "```ferry\nlet total: Int\n```" },
            "range": range(1, 7, 1, 12)
        })
    );

    let shutdown = server.request(3, "shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null, "{shutdown}");
    server.notify("exit", Value::Null);
    let (done, status) = mpsc::channel();
    let mut child = server.child;
    std::thread::spawn(move || done.send(child.wait()).unwrap());
    let status = status
        .recv_timeout(Duration::from_secs(30))
        .expect("ferry lsp exits after `exit`")
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

/// The "run test" lens's command runs the real `ferry test` on the saved file:
/// a passing test is told as information, a failing one as an error, with the
/// whole output in the answer.
#[test]
fn a_run_test_lens_runs_ferry_test_on_the_file() {
    let dir = std::env::temp_dir().join(format!("ferry-lsp-run-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("double.ferry");
    let text = "input: { n: Int }\noutput input.n * 2\n\ntest \"doubles\" {\n  expect run(input: { n: 2 }) == 4\n}\n\ntest \"wrong\" {\n  expect run(input: { n: 2 }) == 5\n}\n";
    std::fs::write(&path, text).unwrap();
    let file = path.display().to_string();
    let uri = format!("file://{file}");

    let mut server = Server::start();
    server.request(1, "initialize", json!({ "capabilities": {} }));
    server.notify("initialized", json!({}));
    server.open(&uri, text);
    let lenses = server.request(
        2,
        "textDocument/codeLens",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert_eq!(
        lenses["result"][1]["command"],
        json!({ "title": "▶ run test", "command": "ferry.runTest", "arguments": [file, "wrong"] })
    );

    let run = |server: &mut Server, id: i64, name: &str| {
        server.request(
            id,
            "workspace/executeCommand",
            json!({ "command": "ferry.runTest", "arguments": [file, name] }),
        )
    };
    let passed = run(&mut server, 3, "doubles");
    assert_eq!(passed["result"]["exitCode"], 0, "{passed}");
    let shown = server.wait("showMessage", |m| m["method"] == "window/showMessage");
    assert_eq!(
        shown["params"],
        json!({ "type": 3, "message": "test \"doubles\": 1 passed, 0 failed" })
    );
    let failed = run(&mut server, 4, "wrong");
    assert_eq!(failed["result"]["exitCode"], 1, "{failed}");
    let output = failed["result"]["output"].as_str().unwrap();
    assert!(output.contains("FAILED"), "{output}");
    assert!(!output.contains("doubles"), "{output}");
    let shown = server.wait("showMessage", |m| m["method"] == "window/showMessage");
    assert_eq!(
        shown["params"],
        json!({ "type": 1, "message": "test \"wrong\": 0 passed, 1 failed" })
    );
    let _ = std::fs::remove_dir_all(&dir);
    server.child.kill().unwrap();
}
