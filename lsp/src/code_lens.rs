//! The "run test" code lens above each `test` block, and the `ferry.runTest`
//! command it carries, which runs that test with `ferry test --filter NAME FILE`
//! (the file as saved on disk) and tells the editor how it went.

use crate::documents::Snapshot;
use crate::positions::Encoding;
use ferry_compiler::query;
use ferry_compiler::syntax::ast::File;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command as Process;
use tower_lsp_server::ls_types::{CodeLens, Command, MessageType};

/// The command a "run test" lens carries: its arguments are the file's path and
/// the test's name.
pub const RUN_TEST: &str = "ferry.runTest";

/// A lens above each `test` block of a document saved as a file (`ferry test`
/// reads files: an untitled document has none).
pub fn lenses(snapshot: &Snapshot, file: &File, encoding: Encoding) -> Vec<CodeLens> {
    let path = match crate::documents::is_file(&snapshot.uri) {
        true => snapshot.uri.to_file_path(),
        false => None,
    };
    let Some(path) = path else {
        return Vec::new();
    };
    let path = path.display().to_string();
    query::test_blocks(file)
        .into_iter()
        .map(|test| CodeLens {
            range: snapshot.text.range(test.span, encoding),
            command: Some(Command {
                title: "▶ run test".into(),
                command: RUN_TEST.into(),
                arguments: Some(vec![json!(path), json!(test.name)]),
            }),
            data: None,
        })
        .collect()
}

/// How a run of `ferry test` went: what the editor is shown, what goes to its
/// log, and the command's answer (`{ exitCode, output }`).
pub struct Outcome {
    pub message: (MessageType, String),
    pub log: String,
    pub answer: Value,
}

/// The file and test name of a `ferry.runTest` command's arguments.
pub fn arguments(arguments: &[Value]) -> Result<(String, String), String> {
    match arguments {
        [Value::String(path), Value::String(name)] => Ok((path.clone(), name.clone())),
        _ => Err(format!(
            "{RUN_TEST} takes a file's path and a test's name, as its code lens gives them; got {}",
            Value::Array(arguments.to_vec())
        )),
    }
}

/// Runs the test named `name` of the file at `path` with the `ferry` binary at
/// `ferry`, and waits for it.
pub fn run_test(ferry: &Path, path: &str, name: &str) -> Outcome {
    let args = query::run_test_args(name, path);
    let shown = format!("ferry {}", shell_words(&args));
    let output = match Process::new(ferry).args(&args).output() {
        Ok(output) => output,
        Err(error) => {
            let message = format!("could not run `{shown}` ({}): {error}", ferry.display());
            return Outcome {
                message: (MessageType::ERROR, message.clone()),
                log: message,
                answer: json!({ "exitCode": null, "output": "" }),
            };
        }
    };
    let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stderr));
    let code = output.status.code();
    // `ferry test` ends with its summary line (`1 passed, 0 failed`).
    let summary = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no output");
    let kind = if code == Some(0) {
        MessageType::INFO
    } else {
        MessageType::ERROR
    };
    Outcome {
        message: (kind, format!("test \"{name}\": {summary}")),
        log: format!("$ {shown}\n{text}"),
        answer: json!({ "exitCode": code, "output": text }),
    }
}

/// Arguments as a shell would need them, for the log.
fn shell_words(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
            {
                a.clone()
            } else {
                format!("'{}'", a.replace('\'', r"'\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
