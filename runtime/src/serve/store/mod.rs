//! The durable inbox, run log and schedule state: SQLite under the state folder
//! ([`sqlite`]) or a PostgreSQL database shared by many processes ([`postgres`]).
//!
//! Both keep the same three tables (see `docs/triggers.md`):
//! - `events`: every accepted webhook body or schedule tick, with its headers and
//!   `Idempotency-Key` (unique per job);
//! - `runs`: one per event: status `queued | running | succeeded | failed | dead`,
//!   attempts, when it is next due, and the last attempt's timings, exit code,
//!   output, error and log lines (redacted); `attempts` keeps every attempt;
//! - `ticks`: the schedule ticks that fired, were skipped, or marked a first start.
//!
//! Times are stored as milliseconds since the Unix epoch (UTC).

pub(crate) mod pg_replies;
pub(crate) mod postgres;
pub(crate) mod sqlite;

use std::fmt;

use serde_json::Value;

/// A run's status (docs/triggers.md).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RunStatus {
    Queued,
    Running,
    Succeeded,
    /// Failed, and due again after the backoff.
    Failed,
    /// Failed for good: out of attempts, or bad input/config (exit code 2).
    Dead,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Dead => "dead",
        }
    }

    pub fn parse(text: &str) -> Option<RunStatus> {
        Some(match text {
            "queued" => RunStatus::Queued,
            "running" => RunStatus::Running,
            "succeeded" => RunStatus::Succeeded,
            "failed" => RunStatus::Failed,
            "dead" => RunStatus::Dead,
            _ => return None,
        })
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure of the store, already phrased for a person (what failed, and what to do).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        StoreError(format!("the SQLite inbox: {e}"))
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> StoreError {
        StoreError(format!("the PostgreSQL queue: {}", postgres::describe(&e)))
    }
}

impl From<deadpool_postgres::PoolError> for StoreError {
    fn from(e: deadpool_postgres::PoolError) -> StoreError {
        StoreError(format!(
            "the PostgreSQL queue: {}",
            postgres::describe_pool(&e)
        ))
    }
}

/// An event to store.
#[derive(Clone, Debug)]
pub(crate) struct NewEvent {
    pub id: String,
    pub job: String,
    pub kind: &'static str,
    pub idempotency_key: Option<String>,
    pub fired_at: i64,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl NewEvent {
    pub(crate) fn headers_json(&self) -> String {
        let pairs: Vec<Value> = self
            .headers
            .iter()
            .map(|(k, v)| Value::Array(vec![Value::String(k.clone()), Value::String(v.clone())]))
            .collect();
        Value::Array(pairs).to_string()
    }
}

pub(crate) fn parse_headers(text: &str) -> Vec<(String, String)> {
    let Ok(Value::Array(pairs)) = serde_json::from_str::<Value>(text) else {
        return Vec::new();
    };
    pairs
        .into_iter()
        .filter_map(|p| match p {
            Value::Array(kv) if kv.len() == 2 => match (&kv[0], &kv[1]) {
                (Value::String(k), Value::String(v)) => Some((k.clone(), v.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// What storing an event came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Accepted {
    /// Stored, with a queued run.
    New(String),
    /// Its `Idempotency-Key` was seen before: the original event's id.
    Duplicate(String),
}

/// A run taken by a worker (its status is now `running`).
#[derive(Clone, Debug)]
pub(crate) struct Claimed {
    pub run_id: i64,
    pub event_id: String,
    pub job: String,
    /// This attempt's number (1 for the first).
    pub attempt: u32,
    pub started_at: i64,
    pub fired_at: i64,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The start of the job's last successful run.
    pub last_success: Option<i64>,
}

/// How an attempt ended, to record.
#[derive(Clone, Debug)]
pub(crate) struct Finished {
    /// The job's version that ran this attempt.
    pub version: String,
    /// What kind of failure it was (`None`: it succeeded).
    pub failure: Option<&'static str>,
    /// The reason of a `skip`.
    pub skip_reason: Option<String>,
    /// The run ended for good and its input is not to be kept (`--keep-data`):
    /// the event's body is deleted in the same commit.
    pub drop_input: bool,
    pub run_id: i64,
    pub attempt: u32,
    pub status: RunStatus,
    /// When a `failed` run is due again.
    pub due_at: i64,
    pub started_at: i64,
    pub finished_at: i64,
    pub exit_code: i32,
    pub output: Option<String>,
    pub error: Option<String>,
    /// The log lines as a JSON array of `{"level", "message", "at"}`.
    pub logs: String,
}

/// What a schedule tick came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Tick {
    /// An event was stored for it, with a queued run.
    Fired(String),
    /// The job's previous run has not finished: the tick is dropped.
    Skipped,
    /// Another process fired (or skipped) this tick already.
    Taken,
}

/// The filter of `GET /runs`, the page and bulk replay.
#[derive(Clone, Debug, Default)]
pub(crate) struct RunFilter {
    pub job: Option<String>,
    pub status: Option<RunStatus>,
    pub limit: u32,
    /// Only runs with a smaller id (the cursor of the next page).
    pub before: Option<i64>,
    /// Only runs created at or after this time (ms).
    pub since: Option<i64>,
    /// Only runs created before this time (ms).
    pub until: Option<i64>,
}

/// The `meta` key of the operator token's SHA-256 (hex).
pub(crate) const OPERATOR_TOKEN_KEY: &str = "operator_token_sha256";

/// One row of `GET /runs`.
#[derive(Clone, Debug)]
pub(crate) struct RunRow {
    pub id: i64,
    pub job: String,
    pub event_id: String,
    pub status: String,
    pub attempts: i64,
    pub created_at: Option<i64>,
    pub started_at: Option<i64>,
    pub finished_at: Option<i64>,
    pub output: Option<String>,
    pub error: Option<String>,
    /// What kind of failure the last attempt was (see `crate::failure`).
    pub failure: Option<String>,
    pub skip_reason: Option<String>,
    pub version: Option<String>,
    /// The run this one replays.
    pub replay_of: Option<i64>,
}

/// The columns of a [`RunRow`], in its order (both stores select them so).
pub(crate) const RUN_COLUMNS: &str = "id, job, event_id, status, attempts, created_at, started_at, \
     finished_at, output, error, failure, skip_reason, version, replay_of";

/// One attempt of a run.
#[derive(Clone, Debug)]
pub(crate) struct AttemptRow {
    pub attempt: i64,
    pub started_at: i64,
    pub finished_at: i64,
    pub exit_code: i64,
    pub error: Option<String>,
    pub failure: Option<String>,
}

/// Everything about one run (`GET /runs/{id}` and the page).
#[derive(Clone, Debug)]
pub(crate) struct RunDetail {
    pub run: RunRow,
    /// The event's body; `None` once deleted (`--keep-data`).
    pub input: Option<Vec<u8>>,
    pub fired_at: i64,
    /// The last attempt's log lines, a JSON array of `{"level", "message", "at"}`.
    pub logs: Option<String>,
    pub attempts: Vec<AttemptRow>,
    /// The runs that replay this one, oldest first.
    pub replays: Vec<i64>,
}

/// What a replay came to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Replay {
    /// A new run, queued now.
    Queued {
        run_id: i64,
        event_id: String,
    },
    NotFound,
    /// Why the run cannot be replayed (as is): for the operator.
    Refused(String),
}

/// Runs counted per time bucket and status: `(bucket, status, count)`.
pub(crate) type Counts = Vec<(i64, String, i64)>;

/// What one pruning pass deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Pruned {
    pub runs: u64,
    pub events: u64,
    pub ticks: u64,
}

/// Why a run of `status` cannot be replayed (`None`: it can), shared by both
/// stores. `live_replay` is a replay of it that has not died.
pub(crate) fn replay_refusal(
    run_id: i64,
    status: &str,
    input_deleted: bool,
    live_replay: Option<(i64, String)>,
    force: bool,
) -> Option<String> {
    match status {
        "queued" | "running" => {
            return Some(format!(
                "run {run_id} is {status}: it has not ended yet; replay it once it has failed"
            ));
        }
        "succeeded" if !force => {
            return Some(format!(
                "run {run_id} succeeded: replaying it does its work again; replay it with force to do so anyway"
            ));
        }
        _ => {}
    }
    if input_deleted {
        return Some(format!(
            "run {run_id}'s input was not kept (--keep-data), so it cannot be replayed"
        ));
    }
    match live_replay {
        Some((id, status)) if !force => Some(format!(
            "run {run_id} was replayed already as run {id} ({status}); replay it with force to run it once more"
        )),
        _ => None,
    }
}

/// The store in use.
pub(crate) enum Store {
    Sqlite(sqlite::SqliteStore),
    Postgres(postgres::PgStore),
}

impl Store {
    pub(crate) fn is_shared(&self) -> bool {
        matches!(self, Store::Postgres(_))
    }

    pub(crate) async fn accept(&self, event: NewEvent) -> Result<Accepted, StoreError> {
        match self {
            Store::Sqlite(s) => s.accept(event).await,
            Store::Postgres(s) => s.accept(event).await,
        }
    }

    pub(crate) async fn claim(
        &self,
        jobs: &[String],
        owner: &str,
        now: i64,
    ) -> Result<Option<Claimed>, StoreError> {
        match self {
            Store::Sqlite(s) => s.claim(jobs.to_vec(), owner.to_string(), now).await,
            Store::Postgres(s) => s.claim(jobs, owner, now).await,
        }
    }

    /// Records an attempt's end. `false`: the run was no longer this process's
    /// (its lease expired and another process took it), so nothing was written.
    pub(crate) async fn finish(&self, f: Finished, owner: &str) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(s) => s.finish(f, owner.to_string()).await,
            Store::Postgres(s) => s.finish(f, owner).await,
        }
    }

    /// [`Store::finish`], then [`Store::claim`] (in one commit on SQLite).
    pub(crate) async fn finish_and_claim(
        &self,
        f: Finished,
        owner: &str,
        jobs: &[String],
        now: i64,
    ) -> Result<(bool, Option<Claimed>), StoreError> {
        match self {
            Store::Sqlite(s) => {
                s.finish_and_claim(f, owner.to_string(), jobs.to_vec(), now)
                    .await
            }
            Store::Postgres(s) => {
                let kept = s.finish(f, owner).await?;
                Ok((kept, s.claim(jobs, owner, now).await?))
            }
        }
    }

    /// Puts an unfinished attempt back in the queue (graceful shutdown): the
    /// attempt does not count.
    pub(crate) async fn release(&self, run_id: i64, owner: &str) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.release(run_id, owner.to_string()).await,
            Store::Postgres(s) => s.release(run_id, owner).await,
        }
    }

    /// Extends the lease of this process's running runs (PostgreSQL).
    pub(crate) async fn heartbeat(&self, owner: &str, run_ids: &[i64]) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(_) => Ok(()),
            Store::Postgres(s) => s.heartbeat(owner, run_ids).await,
        }
    }

    /// Re-queues runs whose process stopped renewing their lease (PostgreSQL).
    pub(crate) async fn requeue_expired(&self) -> Result<u64, StoreError> {
        match self {
            Store::Sqlite(_) => Ok(0),
            Store::Postgres(s) => s.requeue_expired().await,
        }
    }

    /// The last tick of `job`'s schedule, if it ever ticked (or first started).
    pub(crate) async fn last_tick(&self, job: &str) -> Result<Option<i64>, StoreError> {
        match self {
            Store::Sqlite(s) => s.last_tick(job.to_string()).await,
            Store::Postgres(s) => s.last_tick(job).await,
        }
    }

    /// Marks the first start of a schedule, so that ticks missed from now on are
    /// caught up after a restart.
    pub(crate) async fn mark_start(&self, job: &str, at: i64) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.mark_start(job.to_string(), at).await,
            Store::Postgres(s) => s.mark_start(job, at).await,
        }
    }

    /// Fires the tick at `event.fired_at` of `event.job`, once across all processes.
    pub(crate) async fn tick(&self, event: NewEvent) -> Result<Tick, StoreError> {
        match self {
            Store::Sqlite(s) => s.tick(event).await,
            Store::Postgres(s) => s.tick(event).await,
        }
    }

    pub(crate) async fn list_runs(&self, filter: RunFilter) -> Result<Vec<RunRow>, StoreError> {
        match self {
            Store::Sqlite(s) => s.list_runs(filter).await,
            Store::Postgres(s) => s.list_runs(&filter).await,
        }
    }

    pub(crate) async fn run_detail(&self, id: i64) -> Result<Option<RunDetail>, StoreError> {
        match self {
            Store::Sqlite(s) => s.run_detail(id).await,
            Store::Postgres(s) => s.run_detail(id).await,
        }
    }

    /// Queues a new run of run `id`'s event (a copy of it, without its
    /// `Idempotency-Key`, which stays with the first event), linked to `id`. A
    /// `failed` run's pending retry is cancelled: the replay takes its place.
    pub(crate) async fn replay(
        &self,
        id: i64,
        force: bool,
        now: i64,
        new_event_id: String,
    ) -> Result<Replay, StoreError> {
        match self {
            Store::Sqlite(s) => s.replay(id, force, now, new_event_id).await,
            Store::Postgres(s) => s.replay(id, force, now, &new_event_id).await,
        }
    }

    /// Runs created since `since`, counted per `bucket_ms` (from `since`) and status.
    pub(crate) async fn counts(
        &self,
        since: i64,
        bucket_ms: i64,
    ) -> Result<Vec<(i64, String, i64)>, StoreError> {
        match self {
            Store::Sqlite(s) => s.counts(since, bucket_ms).await,
            Store::Postgres(s) => s.counts(since, bucket_ms).await,
        }
    }

    /// Deletes up to `batch` ended runs that finished before `cutoff`, with their
    /// attempts and events, and the schedule ticks before it, keeping what is
    /// saved state: each job's last successful run (`trigger.last_success`), its
    /// last tick, and every run that has not ended.
    pub(crate) async fn prune(&self, cutoff: i64, batch: u32) -> Result<Pruned, StoreError> {
        match self {
            Store::Sqlite(s) => s.prune(cutoff, batch).await,
            Store::Postgres(s) => s.prune(cutoff, batch).await,
        }
    }

    /// Stores the operator token's hash (see `serve::operator`).
    pub(crate) async fn set_operator_token(
        &self,
        hash: String,
        replace: bool,
    ) -> Result<bool, StoreError> {
        match self {
            Store::Sqlite(s) => s.set_operator_token(hash, replace).await,
            Store::Postgres(s) => s.set_operator_token(&hash, replace).await,
        }
    }

    /// The operator token's hash (hex SHA-256), if one is stored.
    pub(crate) async fn operator_token(&self) -> Result<Option<String>, StoreError> {
        match self {
            Store::Sqlite(s) => s.operator_token().await,
            Store::Postgres(s) => s.operator_token().await,
        }
    }

    /// A write that must succeed for `/healthz` to answer 200.
    pub(crate) async fn probe(&self, now: i64) -> Result<(), StoreError> {
        match self {
            Store::Sqlite(s) => s.probe(now).await,
            Store::Postgres(s) => s.probe(now).await,
        }
    }
}
