//! `trigger webhook "/x" reply`: the caller's request waits for its run.
//!
//! The event is stored (and on disk) first, as for every webhook; the request
//! then waits, up to `--reply-timeout`, for the worker that runs it to say how
//! the run ended for good. The answer: 200 with the output, 422 with the reason
//! of a `fail`, 500 for any other failure (its error redacted), or 202 with the
//! event id when the run takes longer (or is retried): the run goes on and
//! `/runs` shows its end. With `--queue postgres://...` the run may end in
//! another process, which tells this one (`store::pg_replies`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use serde_json::{Value, json};
use tokio::sync::oneshot;

use super::Shared;
use super::store::RunStatus;
use super::store::pg_replies::{self, RELISTEN_DELAY, ReplyListener};
use crate::failure::Failure;

/// How a run ended for good, as a waiting webhook is told.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Reply {
    pub status: RunStatus,
    pub failure: Option<Failure>,
    /// The output as JSON text (redacted), whatever `--keep-data` stores.
    pub output: Option<String>,
    /// The error (redacted).
    pub error: Option<String>,
}

impl Reply {
    /// The HTTP answer to the waiting caller.
    pub(crate) fn answer(&self, event_id: &str) -> (StatusCode, Value) {
        match (self.status, self.failure) {
            (RunStatus::Succeeded, _) => {
                let output = self
                    .output
                    .as_deref()
                    .map(|o| serde_json::from_str(o).unwrap_or_else(|_| Value::String(o.into())))
                    .unwrap_or(Value::Null);
                (StatusCode::OK, output)
            }
            (_, Some(Failure::Fail)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({ "error": self.error, "event_id": event_id }),
            ),
            _ => (
                StatusCode::INTERNAL_SERVER_ERROR,
                json!({ "error": self.error, "event_id": event_id }),
            ),
        }
    }
}

/// The requests waiting for their runs, by event id.
#[derive(Default)]
pub(crate) struct Replies(Mutex<HashMap<String, oneshot::Sender<Reply>>>);

impl Replies {
    /// Waits for `event_id`'s run: call before the event is stored, so that a
    /// run that ends at once is not missed.
    pub(crate) fn wait(&self, event_id: &str) -> oneshot::Receiver<Reply> {
        let (tx, rx) = oneshot::channel();
        self.lock().insert(event_id.to_string(), tx);
        rx
    }

    /// Tells the request waiting for `event_id`'s run; gives the reply back when
    /// no request waits for it in this process.
    pub(crate) fn tell(&self, event_id: &str, reply: Reply) -> Option<Reply> {
        match self.lock().remove(event_id) {
            Some(tx) => {
                let _ = tx.send(reply);
                None
            }
            None => Some(reply),
        }
    }

    /// Stops waiting (the request timed out, or the event was not stored).
    pub(crate) fn forget(&self, event_id: &str) {
        self.lock().remove(event_id);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, oneshot::Sender<Reply>>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Tells this process's waiting webhooks the ends of runs that any process
/// announced (PostgreSQL queue), listening again whenever the connection breaks.
pub(crate) async fn relay(shared: Arc<Shared>, mut listener: ReplyListener) {
    loop {
        while let Some(payload) = listener.next().await {
            match pg_replies::parse(&payload) {
                Some((event_id, Some(reply))) => {
                    shared.replies.tell(&event_id, reply);
                }
                // Too large to travel: the waiter answers 202 now.
                Some((event_id, None)) => shared.replies.forget(&event_id),
                None => {}
            }
        }
        listener = loop {
            tokio::time::sleep(RELISTEN_DELAY).await;
            let super::store::Store::Postgres(pg) = &shared.store else {
                return;
            };
            match pg.listen().await {
                Ok(l) => break l,
                Err(e) => tracing::warn!(error = %e, "cannot listen for replies; trying again"),
            }
        };
    }
}
