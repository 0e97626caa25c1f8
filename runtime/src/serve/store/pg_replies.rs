//! `reply` webhooks across processes (`--queue postgres://...`): the process that
//! ends a run announces how it ended with `NOTIFY`, and every process listens on
//! one connection of its own, so that a webhook waiting in one process learns the
//! end of a run that another process took.
//!
//! Why notifications rather than polling the run's row: the waiting request is
//! answered as soon as the run ends (no polling interval added to every reply),
//! the database does no work while nothing ends, and the output travels even
//! with `--keep-data none`, which stores none. A notification's payload is at
//! most [`MAX_PAYLOAD`] bytes (PostgreSQL's limit is 8000); a longer one goes
//! without the output and error, and its waiter answers 202 with the event id
//! at once, as for a run that takes longer than `--reply-timeout`. A notification sent
//! while a process has no listening connection (it is reconnecting) is lost for
//! it: its waiter answers 202 the same way; the run itself is never affected.

use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_postgres::{AsyncMessage, NoTls};

use super::postgres::{PgStore, describe, describe_pool};
use super::{RunStatus, StoreError};
use crate::failure::Failure;
use crate::serve::reply::Reply;

/// The channel of the notifications.
const CHANNEL: &str = "ferry_replies";

/// The largest payload sent whole (PostgreSQL refuses 8000 bytes or more).
pub(crate) const MAX_PAYLOAD: usize = 7900;

/// A reply as a notification's payload.
pub(crate) fn payload(event_id: &str, reply: &Reply) -> String {
    let whole = json!({
        "event_id": event_id,
        "status": reply.status.as_str(),
        "failure": reply.failure.map(Failure::as_str),
        "output": reply.output,
        "error": reply.error,
    })
    .to_string();
    if whole.len() <= MAX_PAYLOAD {
        return whole;
    }
    json!({
        "event_id": event_id,
        "status": reply.status.as_str(),
        "failure": reply.failure.map(Failure::as_str),
        "too_large": true,
    })
    .to_string()
}

/// The event id and reply of a payload; `None` for the reply when it was too
/// large to travel (or the payload is not one of ours).
pub(crate) fn parse(payload: &str) -> Option<(String, Option<Reply>)> {
    let v: Value = serde_json::from_str(payload).ok()?;
    let event_id = v.get("event_id")?.as_str()?.to_string();
    if v.get("too_large").is_some() {
        return Some((event_id, None));
    }
    let text = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_string);
    let reply = Reply {
        status: RunStatus::parse(v.get("status")?.as_str()?)?,
        failure: text("failure").as_deref().and_then(Failure::parse),
        output: text("output"),
        error: text("error"),
    };
    Some((event_id, Some(reply)))
}

/// A connection listening for replies.
pub(crate) struct ReplyListener {
    // Kept: dropping the client closes the connection.
    _client: tokio_postgres::Client,
    payloads: mpsc::UnboundedReceiver<String>,
}

impl ReplyListener {
    /// The next payload; `None` once the connection is gone.
    pub(crate) async fn next(&mut self) -> Option<String> {
        self.payloads.recv().await
    }
}

impl PgStore {
    /// Tells every process how a run ended.
    pub(crate) async fn announce(&self, payload: &str) -> Result<(), StoreError> {
        let client = self
            .pool
            .get()
            .await
            .map_err(|e| StoreError(describe_pool(&e)))?;
        client
            .execute("SELECT pg_notify($1, $2)", &[&CHANNEL, &payload])
            .await
            .map_err(|e| StoreError(describe(&e)))?;
        Ok(())
    }

    /// Opens a connection of its own and listens; returns once `LISTEN` holds.
    pub(crate) async fn listen(&self) -> Result<ReplyListener, StoreError> {
        let (client, mut connection) = self
            .config
            .connect(NoTls)
            .await
            .map_err(|e| StoreError(describe(&e)))?;
        let (tx, payloads) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Some(message) = std::future::poll_fn(|cx| connection.poll_message(cx)).await {
                match message {
                    Ok(AsyncMessage::Notification(n)) => {
                        if tx.send(n.payload().to_string()).is_err() {
                            return;
                        }
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %describe(&e), "the connection listening for replies broke");
                        return;
                    }
                }
            }
        });
        client
            .batch_execute(&format!("LISTEN {CHANNEL}"))
            .await
            .map_err(|e| StoreError(describe(&e)))?;
        Ok(ReplyListener {
            _client: client,
            payloads,
        })
    }
}

/// How long a process waits before listening again after its connection broke.
pub(crate) const RELISTEN_DELAY: Duration = Duration::from_secs(1);

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(output: Option<String>) -> Reply {
        Reply {
            status: RunStatus::Succeeded,
            failure: None,
            output,
            error: None,
        }
    }

    #[test]
    fn replies_travel_whole_up_to_the_limit() {
        let p = payload("ev1", &reply(Some(r#"{"n":1}"#.into())));
        assert_eq!(
            p,
            r#"{"event_id":"ev1","status":"succeeded","failure":null,"output":"{\"n\":1}","error":null}"#
        );
        let (id, back) = parse(&p).unwrap();
        assert_eq!(id, "ev1");
        let back = back.unwrap();
        assert_eq!(back.output.as_deref(), Some(r#"{"n":1}"#));
        assert_eq!(back.status, RunStatus::Succeeded);

        let failed = Reply {
            status: RunStatus::Dead,
            failure: Some(Failure::Fail),
            output: None,
            error: Some("no patient".into()),
        };
        let (_, back) = parse(&payload("ev2", &failed)).unwrap();
        let back = back.unwrap();
        assert_eq!(back.failure, Some(Failure::Fail));
        assert_eq!(back.error.as_deref(), Some("no patient"));

        let big = payload("ev3", &reply(Some("x".repeat(MAX_PAYLOAD))));
        assert!(big.len() <= MAX_PAYLOAD, "{}", big.len());
        assert_eq!(parse(&big).unwrap(), ("ev3".to_string(), None));
        assert_eq!(parse("not ours"), None);
    }
}
