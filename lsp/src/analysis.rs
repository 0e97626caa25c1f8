//! What the compiler says about one snapshot, worked out once, off the async
//! executor, and shared by every handler that needs it.
//!
//! Each snapshot has lazy cells: the syntax tree (`syntax::parse`) and the checked
//! file (`check_source`: sources and diagnostics). The first handler to ask fills a
//! cell on a blocking thread; the others wait for the same result. A panic in the
//! compiler becomes a [`Failure`] for that one request and the cell stays empty.
//! When the type checker's query API lands, its typed program is one more cell.

use crate::documents::Snapshot;
use ferry_compiler::diagnostics::Diagnostic;
use ferry_compiler::source::{SourceId, SourceMap};
use ferry_compiler::syntax::{self, Parsed};
use std::any::Any;
use std::borrow::Cow;
use std::sync::Arc;
use tokio::sync::OnceCell;
use tower_lsp_server::jsonrpc::{self, ErrorCode};

/// The source id of the document in its own parse and check: the compiler adds
/// the checked file first.
pub const MAIN: SourceId = SourceId(0);

#[derive(Default)]
pub struct Analysis {
    syntax: OnceCell<Arc<Parsed>>,
    checked: OnceCell<Arc<Checked>>,
}

pub struct Checked {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
}

/// Test builds: called with the job's name at the start of every piece of blocking
/// work; a panic there stands for a bug in the compiler.
pub type FaultHook = fn(&str);

/// Runs compiler work on tokio's blocking threads and turns a panic into a failure.
#[derive(Clone, Copy, Default)]
pub struct Runner {
    #[cfg(feature = "testing")]
    pub fault: Option<FaultHook>,
}

/// A panic inside the compiler (or the server), reported for one request.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub what: &'static str,
    pub message: String,
}

impl Failure {
    pub fn describe(&self) -> String {
        format!("internal error in {}: {}", self.what, self.message)
    }

    pub fn to_jsonrpc(&self) -> jsonrpc::Error {
        jsonrpc::Error {
            code: ErrorCode::InternalError,
            message: Cow::Owned(self.describe()),
            data: None,
        }
    }
}

pub fn panic_message(payload: Box<dyn Any + Send>) -> String {
    match payload.downcast::<String>() {
        Ok(message) => *message,
        Err(payload) => match payload.downcast::<&'static str>() {
            Ok(message) => (*message).to_string(),
            Err(_) => "a panic".to_string(),
        },
    }
}

impl Runner {
    pub async fn run<T: Send + 'static>(
        &self,
        what: &'static str,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Failure> {
        #[cfg(feature = "testing")]
        let fault = self.fault;
        let task = tokio::task::spawn_blocking(move || {
            #[cfg(feature = "testing")]
            if let Some(fault) = fault {
                fault(what);
            }
            work()
        });
        task.await.map_err(|error| Failure {
            what,
            message: if error.is_panic() {
                panic_message(error.into_panic())
            } else {
                "the work was cancelled".to_string()
            },
        })
    }
}

impl Snapshot {
    /// The syntax tree, comments and syntax diagnostics.
    pub async fn syntax(&self, runner: &Runner) -> Result<Arc<Parsed>, Failure> {
        let cell = &self.analysis.syntax;
        cell.get_or_try_init(|| {
            let text = self.text.arc();
            runner.run("parse", move || Arc::new(syntax::parse(&text, MAIN)))
        })
        .await
        .cloned()
    }

    /// Everything `ferry check` reports for this text.
    pub async fn checked(&self, runner: &Runner) -> Result<Arc<Checked>, Failure> {
        let cell = &self.analysis.checked;
        cell.get_or_try_init(|| {
            let text = self.text.arc();
            let name = self.name.clone();
            runner.run("check", move || {
                let (sources, diagnostics) = ferry_compiler::check_source(&name, &text);
                Arc::new(Checked {
                    sources,
                    diagnostics,
                })
            })
        })
        .await
        .cloned()
    }
}
