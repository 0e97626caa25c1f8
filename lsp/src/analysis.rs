//! What the compiler says about one snapshot, worked out once, off the async
//! executor, and shared by every handler that needs it.
//!
//! Each snapshot has one lazy cell: its analysis (`ferry_compiler::analyze`: the
//! parsed file and the adaptor files it uses, the checked program, every
//! diagnostic, the comments). The first handler to ask fills it on a blocking
//! thread; the others wait for the same result. A panic in the compiler becomes
//! a [`Failure`] for that one request and the cell stays empty.
//!
//! The check polls the snapshot's superseded flag (`ferry_compiler::analyze_until`):
//! when a newer version of the document arrives, the check of the old one stops
//! within one expression, and the cell stays empty ([`NoAnalysis::Superseded`]).

use crate::documents::Snapshot;
use ferry_compiler::source::SourceId;
use std::any::Any;
use std::borrow::Cow;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use tokio::sync::OnceCell;
use tower_lsp_server::jsonrpc::{self, ErrorCode};

/// The source id of the document in its own parse and check: the compiler adds
/// the checked file first.
pub const MAIN: SourceId = SourceId(0);

#[derive(Default)]
pub struct Analysis {
    analysis: OnceCell<Arc<ferry_compiler::Analysis>>,
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

/// Why a snapshot has no analysis.
#[derive(Clone, Debug, PartialEq)]
pub enum NoAnalysis {
    /// The compiler panicked.
    Failed(Failure),
    /// A newer version replaced the snapshot (or it was closed) before its check
    /// ended: the check stopped.
    Superseded,
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

/// What completion and signature help read while a version is not checked yet.
pub enum Typed {
    /// The analysis of this version.
    Current(Arc<ferry_compiler::Analysis>),
    /// The analysis of an earlier version: the text has been edited since.
    Earlier(Arc<ferry_compiler::Analysis>),
}

impl Snapshot {
    /// The parse and check of this version: done once, shared by every request.
    pub async fn analysis(
        &self,
        runner: &Runner,
    ) -> Result<Arc<ferry_compiler::Analysis>, NoAnalysis> {
        let cell = &self.analysis.analysis;
        let analysis = cell
            .get_or_try_init(|| async {
                if self.is_superseded() {
                    return Err(NoAnalysis::Superseded);
                }
                let text = self.text.arc();
                let name = self.name.clone();
                let search = self.search.clone();
                let superseded = self.superseded_flag();
                let stop = move || superseded.load(Ordering::Acquire);
                let analysis = runner
                    .run("analysis", move || {
                        ferry_compiler::analyze_until(&name, &text, &search, &stop)
                    })
                    .await
                    .map_err(NoAnalysis::Failed)?;
                analysis.map(Arc::new).ok_or(NoAnalysis::Superseded)
            })
            .await
            .cloned()?;
        // The earlier version's analysis is not needed any more.
        self.take_earlier();
        Ok(analysis)
    }

    /// This version's analysis if it is done, else the latest earlier version's
    /// if there is one (typing goes on while a version is checked: completion
    /// right after a keystroke does not wait for it), else this version's.
    pub async fn typed(&self, runner: &Runner) -> Result<Typed, NoAnalysis> {
        if let Some(analysis) = self.analysis.analysis.get() {
            return Ok(Typed::Current(analysis.clone()));
        }
        if let Some(earlier) = self.earlier() {
            return Ok(Typed::Earlier(earlier));
        }
        self.analysis(runner).await.map(Typed::Current)
    }

    /// The analysis a newer version can fall back on: this one's if done, else
    /// the one this version fell back on.
    pub fn latest_analysis(&self) -> Option<Arc<ferry_compiler::Analysis>> {
        self.analysis
            .analysis
            .get()
            .cloned()
            .or_else(|| self.earlier())
    }
}
