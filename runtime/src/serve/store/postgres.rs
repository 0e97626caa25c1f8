//! The PostgreSQL store (`--queue postgres://...`): the same tables as SQLite
//! (prefixed `ferry_`), shared by any number of `serve` processes.
//!
//! - A worker claims a run with `SELECT ... FOR UPDATE SKIP LOCKED` inside the
//!   claiming `UPDATE`, so each run is taken by exactly one process.
//! - A claimed run carries a lease (`lease_until`, on the database server's clock)
//!   that its process renews while the job runs. A run whose lease ran out (its
//!   process died or lost the database) is queued again by whichever process
//!   notices first; a process only writes the result of a run it still owns.
//! - A schedule tick is a row of `ferry_ticks` keyed by (job, tick time): the one
//!   process whose insert succeeds fires it, in the same transaction.
//! - The schema is created at start-up under an advisory lock, so that processes
//!   starting together do not trip over each other.
//!
//! The connection has no TLS (see `docs/triggers.md`).

use std::str::FromStr as _;
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;

use super::{
    Accepted, AttemptRow, Claimed, Finished, NewEvent, Pruned, RUN_COLUMNS, Replay, RunDetail,
    RunFilter, RunRow, RunStatus, StoreError, Tick, parse_headers, replay_refusal,
};
use crate::serve::config::redact_url;

/// The database server's clock, in milliseconds since the epoch.
const DB_NOW: &str = "(extract(epoch from clock_timestamp()) * 1000)::bigint";

/// An arbitrary constant: the advisory lock taken while creating the schema.
const SCHEMA_LOCK: i64 = 0x6665_7272_7973_6368; // "ferrysch"

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ferry_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS ferry_events (
  id TEXT PRIMARY KEY,
  job TEXT NOT NULL,
  kind TEXT NOT NULL,
  idempotency_key TEXT,
  fired_at BIGINT NOT NULL,
  headers TEXT NOT NULL,
  body BYTEA NOT NULL,
  UNIQUE (job, idempotency_key)
);
CREATE TABLE IF NOT EXISTS ferry_runs (
  id BIGSERIAL PRIMARY KEY,
  event_id TEXT NOT NULL UNIQUE REFERENCES ferry_events (id),
  job TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at BIGINT NOT NULL,
  started_at BIGINT,
  finished_at BIGINT,
  exit_code INTEGER,
  output TEXT,
  error TEXT,
  logs TEXT,
  owner TEXT,
  lease_until BIGINT
);
CREATE INDEX IF NOT EXISTS ferry_runs_due ON ferry_runs (due_at, id) WHERE status IN ('queued', 'failed');
CREATE INDEX IF NOT EXISTS ferry_runs_job ON ferry_runs (job, status, id);
CREATE INDEX IF NOT EXISTS ferry_runs_success ON ferry_runs (job, started_at) WHERE status = 'succeeded';
CREATE INDEX IF NOT EXISTS ferry_runs_lease ON ferry_runs (lease_until) WHERE status = 'running';
CREATE TABLE IF NOT EXISTS ferry_attempts (
  run_id BIGINT NOT NULL,
  attempt INTEGER NOT NULL,
  started_at BIGINT NOT NULL,
  finished_at BIGINT NOT NULL,
  exit_code INTEGER NOT NULL,
  error TEXT,
  logs TEXT NOT NULL,
  owner TEXT,
  PRIMARY KEY (run_id, attempt)
);
CREATE TABLE IF NOT EXISTS ferry_ticks (
  job TEXT NOT NULL,
  tick_at BIGINT NOT NULL,
  outcome TEXT NOT NULL,
  event_id TEXT,
  PRIMARY KEY (job, tick_at)
);
INSERT INTO ferry_meta (key, value) VALUES ('schema', '1') ON CONFLICT (key) DO NOTHING;
ALTER TABLE ferry_runs ADD COLUMN IF NOT EXISTS created_at BIGINT;
ALTER TABLE ferry_runs ADD COLUMN IF NOT EXISTS version TEXT;
ALTER TABLE ferry_runs ADD COLUMN IF NOT EXISTS failure TEXT;
ALTER TABLE ferry_runs ADD COLUMN IF NOT EXISTS skip_reason TEXT;
ALTER TABLE ferry_runs ADD COLUMN IF NOT EXISTS replay_of BIGINT;
ALTER TABLE ferry_events ADD COLUMN IF NOT EXISTS input_deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ferry_attempts ADD COLUMN IF NOT EXISTS failure TEXT;
UPDATE ferry_runs r SET created_at = e.fired_at FROM ferry_events e
  WHERE r.created_at IS NULL AND e.id = r.event_id;
CREATE INDEX IF NOT EXISTS ferry_runs_created ON ferry_runs (created_at, status);
CREATE INDEX IF NOT EXISTS ferry_runs_ended ON ferry_runs (finished_at) WHERE status IN ('succeeded', 'dead');
CREATE INDEX IF NOT EXISTS ferry_runs_replay ON ferry_runs (replay_of) WHERE replay_of IS NOT NULL;
UPDATE ferry_meta SET value = '2' WHERE key = 'schema';
";

pub(crate) struct PgStore {
    pub(super) pool: Pool,
    /// For the connection that listens for other processes' replies.
    pub(super) config: Box<tokio_postgres::Config>,
    /// The lease of a claimed run, in milliseconds.
    lease_ms: i64,
    /// A run whose process died during its last allowed attempt is dead-lettered:
    /// an interrupted attempt counts like any other.
    interrupted_limit: i32,
}

/// A tokio-postgres error in one line, with its cause.
pub(crate) fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let part = s.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = s.source();
    }
    text
}

pub(crate) fn describe_pool(e: &deadpool_postgres::PoolError) -> String {
    match e {
        deadpool_postgres::PoolError::Backend(e) => describe(e),
        other => other.to_string(),
    }
}

impl PgStore {
    /// Connects to `url`, creates the schema if needed, and checks that it works.
    pub(crate) async fn open(
        url: &str,
        pool_size: usize,
        lease: Duration,
        max_attempts: u32,
    ) -> Result<PgStore, StoreError> {
        let shown = redact_url(url);
        let config = tokio_postgres::Config::from_str(url).map_err(|e| {
            StoreError(format!(
                "--queue {shown} is not a valid PostgreSQL URL: {} \
                 (expected postgres://user:password@host:port/database)",
                describe(&e)
            ))
        })?;
        let mut config = config;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("ferry-serve");
        let manager = Manager::from_config(
            config.clone(),
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(pool_size.max(2))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(Duration::from_secs(15)))
            .build()
            .map_err(|e| StoreError(format!("cannot set up the PostgreSQL pool: {e}")))?;
        let unreachable = |why: String| {
            StoreError(format!(
                "cannot reach the PostgreSQL queue at {shown}: {why} \
                 (check --queue, that the server is running and accepts this user, \
                 and that the database exists)"
            ))
        };
        let mut client = pool
            .get()
            .await
            .map_err(|e| unreachable(describe_pool(&e)))?;
        let tx = client
            .transaction()
            .await
            .map_err(|e| unreachable(describe(&e)))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(|e| unreachable(describe(&e)))?;
        tx.batch_execute(SCHEMA).await.map_err(|e| {
            StoreError(format!(
                "cannot create Ferry's tables in {shown}: {} (the user needs CREATE on the database's schema)",
                describe(&e)
            ))
        })?;
        tx.commit().await.map_err(|e| unreachable(describe(&e)))?;
        Ok(PgStore {
            pool,
            config: Box::new(config),
            lease_ms: i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 4),
            interrupted_limit: i32::try_from(max_attempts).unwrap_or(i32::MAX),
        })
    }

    pub(crate) async fn accept(&self, e: NewEvent) -> Result<Accepted, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inserted = tx
            .execute(
                "INSERT INTO ferry_events (id, job, kind, idempotency_key, fired_at, headers, body)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (job, idempotency_key) DO NOTHING",
                &[
                    &e.id,
                    &e.job,
                    &e.kind,
                    &e.idempotency_key,
                    &e.fired_at,
                    &e.headers_json(),
                    &e.body,
                ],
            )
            .await?;
        if inserted == 0 {
            let row = tx
                .query_one(
                    "SELECT id FROM ferry_events WHERE job = $1 AND idempotency_key = $2",
                    &[&e.job, &e.idempotency_key],
                )
                .await?;
            tx.commit().await?;
            return Ok(Accepted::Duplicate(row.get(0)));
        }
        tx.execute(
            "INSERT INTO ferry_runs (event_id, job, status, due_at, created_at)
             VALUES ($1, $2, 'queued', $3, $3)",
            &[&e.id, &e.job, &e.fired_at],
        )
        .await?;
        tx.commit().await?;
        Ok(Accepted::New(e.id))
    }

    pub(crate) async fn claim(
        &self,
        jobs: &[String],
        owner: &str,
        now: i64,
    ) -> Result<Option<Claimed>, StoreError> {
        let client = self.pool.get().await?;
        let sql = format!(
            "UPDATE ferry_runs r SET status = 'running', attempts = r.attempts + 1,
               started_at = $1, owner = $2, lease_until = {DB_NOW} + $4
             FROM (SELECT id FROM ferry_runs
                   WHERE status IN ('queued', 'failed') AND due_at <= $1 AND job = ANY($3)
                   ORDER BY due_at, id LIMIT 1
                   FOR UPDATE SKIP LOCKED) next
             WHERE r.id = next.id
             RETURNING r.id, r.event_id, r.job, r.attempts"
        );
        let jobs: Vec<String> = jobs.to_vec();
        let row = client
            .query_opt(&sql, &[&now, &owner, &jobs, &self.lease_ms])
            .await?;
        let Some(row) = row else { return Ok(None) };
        let run_id: i64 = row.get(0);
        let event_id: String = row.get(1);
        let job: String = row.get(2);
        let attempts: i32 = row.get(3);
        let event = client
            .query_one(
                "SELECT fired_at, headers, body FROM ferry_events WHERE id = $1",
                &[&event_id],
            )
            .await?;
        let last = client
            .query_one(
                "SELECT max(started_at) FROM ferry_runs WHERE job = $1 AND status = 'succeeded'",
                &[&job],
            )
            .await?;
        let headers: String = event.get(1);
        Ok(Some(Claimed {
            run_id,
            event_id,
            job,
            attempt: u32::try_from(attempts).unwrap_or(0),
            started_at: now,
            fired_at: event.get(0),
            headers: parse_headers(&headers),
            body: event.get(2),
            last_success: last.get(0),
        }))
    }

    pub(crate) async fn finish(&self, f: Finished, owner: &str) -> Result<bool, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let changed = tx
            .execute(
                "UPDATE ferry_runs SET status = $1, due_at = $2, finished_at = $3, exit_code = $4,
                   output = $5, error = $6, logs = $7, owner = NULL, lease_until = NULL,
                   version = $10, failure = $11, skip_reason = $12
                 WHERE id = $8 AND owner = $9 AND status = 'running'",
                &[
                    &f.status.as_str(),
                    &f.due_at,
                    &f.finished_at,
                    &f.exit_code,
                    &f.output,
                    &f.error,
                    &f.logs,
                    &f.run_id,
                    &owner,
                    &f.version,
                    &f.failure,
                    &f.skip_reason,
                ],
            )
            .await?;
        if changed == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        if f.drop_input {
            tx.execute(
                "UPDATE ferry_events SET body = ''::bytea, input_deleted = 1
                 WHERE id = (SELECT event_id FROM ferry_runs WHERE id = $1)",
                &[&f.run_id],
            )
            .await?;
        }
        let attempt = i32::try_from(f.attempt).unwrap_or(i32::MAX);
        tx.execute(
            "INSERT INTO ferry_attempts
               (run_id, attempt, started_at, finished_at, exit_code, error, logs, owner, failure)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
             ON CONFLICT (run_id, attempt) DO UPDATE SET finished_at = excluded.finished_at,
               exit_code = excluded.exit_code, error = excluded.error, logs = excluded.logs,
               owner = excluded.owner, failure = excluded.failure",
            &[
                &f.run_id,
                &attempt,
                &f.started_at,
                &f.finished_at,
                &f.exit_code,
                &f.error,
                &f.logs,
                &owner,
                &f.failure,
            ],
        )
        .await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(crate) async fn release(&self, run_id: i64, owner: &str) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "UPDATE ferry_runs SET status = 'queued', attempts = greatest(attempts - 1, 0),
                   owner = NULL, lease_until = NULL
                 WHERE id = $1 AND owner = $2 AND status = 'running'",
                &[&run_id, &owner],
            )
            .await?;
        Ok(())
    }

    pub(crate) async fn heartbeat(&self, owner: &str, run_ids: &[i64]) -> Result<(), StoreError> {
        if run_ids.is_empty() {
            return Ok(());
        }
        let client = self.pool.get().await?;
        let ids: Vec<i64> = run_ids.to_vec();
        client
            .execute(
                &format!(
                    "UPDATE ferry_runs SET lease_until = {DB_NOW} + $2
                     WHERE owner = $1 AND status = 'running' AND id = ANY($3)"
                ),
                &[&owner, &self.lease_ms, &ids],
            )
            .await?;
        Ok(())
    }

    pub(crate) async fn requeue_expired(&self) -> Result<u64, StoreError> {
        let client = self.pool.get().await?;
        let n = client
            .execute(
                &format!(
                    "UPDATE ferry_runs SET
                       status = CASE WHEN attempts >= $1 THEN 'dead' ELSE 'queued' END,
                       failure = 'interrupted',
                       error = 'the process running attempt ' || attempts || ' of this run stopped (killed, crashed, or cut off from the database)'
                         || CASE WHEN attempts >= $1 THEN '; no attempts are left' ELSE '' END,
                       owner = NULL, lease_until = NULL
                     WHERE status = 'running' AND lease_until < {DB_NOW}"
                ),
                &[&self.interrupted_limit],
            )
            .await?;
        Ok(n)
    }

    pub(crate) async fn last_tick(&self, job: &str) -> Result<Option<i64>, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_one(
                "SELECT max(tick_at) FROM ferry_ticks WHERE job = $1",
                &[&job],
            )
            .await?;
        Ok(row.get(0))
    }

    pub(crate) async fn mark_start(&self, job: &str, at: i64) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO ferry_ticks (job, tick_at, outcome) VALUES ($1, $2, 'start')
                 ON CONFLICT (job, tick_at) DO NOTHING",
                &[&job, &at],
            )
            .await?;
        Ok(())
    }

    pub(crate) async fn tick(&self, e: NewEvent) -> Result<Tick, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let inserted = tx
            .execute(
                "INSERT INTO ferry_ticks (job, tick_at, outcome, event_id) VALUES ($1, $2, 'fired', $3)
                 ON CONFLICT (job, tick_at) DO NOTHING",
                &[&e.job, &e.fired_at, &e.id],
            )
            .await?;
        if inserted == 0 {
            tx.rollback().await?;
            return Ok(Tick::Taken);
        }
        let busy = tx
            .query_opt(
                "SELECT id FROM ferry_runs WHERE job = $1 AND status IN ('queued', 'running', 'failed')
                 LIMIT 1",
                &[&e.job],
            )
            .await?;
        if busy.is_some() {
            tx.execute(
                "UPDATE ferry_ticks SET outcome = 'skipped', event_id = NULL
                 WHERE job = $1 AND tick_at = $2",
                &[&e.job, &e.fired_at],
            )
            .await?;
            tx.commit().await?;
            return Ok(Tick::Skipped);
        }
        tx.execute(
            "INSERT INTO ferry_events (id, job, kind, idempotency_key, fired_at, headers, body)
             VALUES ($1, $2, $3, NULL, $4, $5, $6)",
            &[
                &e.id,
                &e.job,
                &e.kind,
                &e.fired_at,
                &e.headers_json(),
                &e.body,
            ],
        )
        .await?;
        tx.execute(
            "INSERT INTO ferry_runs (event_id, job, status, due_at, created_at)
             VALUES ($1, $2, 'queued', $3, $3)",
            &[&e.id, &e.job, &e.fired_at],
        )
        .await?;
        tx.commit().await?;
        Ok(Tick::Fired(e.id))
    }

    pub(crate) async fn list_runs(&self, filter: &RunFilter) -> Result<Vec<RunRow>, StoreError> {
        let client = self.pool.get().await?;
        let status = filter.status.map(RunStatus::as_str);
        let limit = i64::from(filter.limit);
        let rows = client
            .query(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM ferry_runs
                     WHERE ($1::text IS NULL OR job = $1) AND ($2::text IS NULL OR status = $2)
                       AND ($4::bigint IS NULL OR id < $4)
                       AND ($5::bigint IS NULL OR created_at >= $5)
                       AND ($6::bigint IS NULL OR created_at < $6)
                     ORDER BY id DESC LIMIT $3"
                ),
                &[
                    &filter.job,
                    &status,
                    &limit,
                    &filter.before,
                    &filter.since,
                    &filter.until,
                ],
            )
            .await?;
        Ok(rows.iter().map(run_row).collect())
    }

    pub(crate) async fn run_detail(&self, id: i64) -> Result<Option<RunDetail>, StoreError> {
        let client = self.pool.get().await?;
        let Some(row) = client
            .query_opt(
                &format!("SELECT {RUN_COLUMNS} FROM ferry_runs WHERE id = $1"),
                &[&id],
            )
            .await?
        else {
            return Ok(None);
        };
        let run = run_row(&row);
        let event = client
            .query_one(
                "SELECT e.fired_at, e.body, e.input_deleted, r.logs
                 FROM ferry_runs r JOIN ferry_events e ON e.id = r.event_id WHERE r.id = $1",
                &[&id],
            )
            .await?;
        let attempts = client
            .query(
                "SELECT attempt, started_at, finished_at, exit_code, error, failure
                 FROM ferry_attempts WHERE run_id = $1 ORDER BY attempt",
                &[&id],
            )
            .await?
            .iter()
            .map(|r| AttemptRow {
                attempt: i64::from(r.get::<_, i32>(0)),
                started_at: r.get(1),
                finished_at: r.get(2),
                exit_code: i64::from(r.get::<_, i32>(3)),
                error: r.get(4),
                failure: r.get(5),
            })
            .collect();
        let replays = client
            .query(
                "SELECT id FROM ferry_runs WHERE replay_of = $1 ORDER BY id",
                &[&id],
            )
            .await?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let deleted: i32 = event.get(2);
        Ok(Some(RunDetail {
            run,
            input: (deleted == 0).then(|| event.get(1)),
            fired_at: event.get(0),
            logs: event.get(3),
            attempts,
            replays,
        }))
    }

    pub(crate) async fn replay(
        &self,
        id: i64,
        force: bool,
        now: i64,
        new_event_id: &str,
    ) -> Result<Replay, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        // Locks the run: two replays of it at once wait for each other.
        let Some(row) = tx
            .query_opt(
                "SELECT r.status, r.job, e.kind, e.fired_at, e.headers, e.body, e.input_deleted
                 FROM ferry_runs r JOIN ferry_events e ON e.id = r.event_id
                 WHERE r.id = $1 FOR UPDATE OF r",
                &[&id],
            )
            .await?
        else {
            tx.rollback().await?;
            return Ok(Replay::NotFound);
        };
        let status: String = row.get(0);
        let job: String = row.get(1);
        let kind: String = row.get(2);
        let fired_at: i64 = row.get(3);
        let headers: String = row.get(4);
        let body: Vec<u8> = row.get(5);
        let deleted: i32 = row.get(6);
        let live = tx
            .query_opt(
                "SELECT id, status FROM ferry_runs WHERE replay_of = $1 AND status != 'dead'
                 ORDER BY id DESC LIMIT 1",
                &[&id],
            )
            .await?
            .map(|r| (r.get::<_, i64>(0), r.get::<_, String>(1)));
        if let Some(why) = replay_refusal(id, &status, deleted != 0, live, force) {
            tx.rollback().await?;
            return Ok(Replay::Refused(why));
        }
        tx.execute(
            "INSERT INTO ferry_events (id, job, kind, idempotency_key, fired_at, headers, body)
             VALUES ($1, $2, $3, NULL, $4, $5, $6)",
            &[&new_event_id, &job, &kind, &fired_at, &headers, &body],
        )
        .await?;
        let run_id: i64 = tx
            .query_one(
                "INSERT INTO ferry_runs (event_id, job, status, due_at, created_at, replay_of)
                 VALUES ($1, $2, 'queued', $3, $3, $4) RETURNING id",
                &[&new_event_id, &job, &now, &id],
            )
            .await?
            .get(0);
        if status == "failed" {
            tx.execute(
                "UPDATE ferry_runs SET status = 'dead',
                   error = coalesce(error || ' ', '') || '(its retry was replaced by run ' || $2 || ')'
                 WHERE id = $1 AND status = 'failed'",
                &[&id, &run_id.to_string()],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(Replay::Queued {
            run_id,
            event_id: new_event_id.to_string(),
        })
    }

    pub(crate) async fn counts(
        &self,
        since: i64,
        bucket_ms: i64,
    ) -> Result<Vec<(i64, String, i64)>, StoreError> {
        let client = self.pool.get().await?;
        let rows = client
            .query(
                "SELECT (created_at - $1) / $2, status, count(*) FROM ferry_runs
                 WHERE created_at >= $1 GROUP BY 1, 2",
                &[&since, &bucket_ms.max(1)],
            )
            .await?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    pub(crate) async fn prune(&self, cutoff: i64, batch: u32) -> Result<Pruned, StoreError> {
        let mut client = self.pool.get().await?;
        let tx = client.transaction().await?;
        let limit = i64::from(batch);
        let gone = tx
            .query(
                "DELETE FROM ferry_runs WHERE id IN (
                   SELECT id FROM ferry_runs
                   WHERE status IN ('succeeded', 'dead') AND finished_at < $1
                     AND (job, started_at) NOT IN
                       (SELECT job, max(started_at) FROM ferry_runs WHERE status = 'succeeded' GROUP BY job)
                   ORDER BY finished_at LIMIT $2
                   FOR UPDATE SKIP LOCKED)
                 RETURNING id, event_id",
                &[&cutoff, &limit],
            )
            .await?;
        let run_ids: Vec<i64> = gone.iter().map(|r| r.get(0)).collect();
        let event_ids: Vec<String> = gone.iter().map(|r| r.get(1)).collect();
        tx.execute(
            "DELETE FROM ferry_attempts WHERE run_id = ANY($1)",
            &[&run_ids],
        )
        .await?;
        let events = tx
            .execute(
                "DELETE FROM ferry_events e WHERE e.id = ANY($1)
                   AND NOT EXISTS (SELECT 1 FROM ferry_runs r WHERE r.event_id = e.id)",
                &[&event_ids],
            )
            .await?;
        let ticks = tx
            .execute(
                "DELETE FROM ferry_ticks WHERE (job, tick_at) IN (
                   SELECT job, tick_at FROM ferry_ticks WHERE tick_at < $1
                     AND (job, tick_at) NOT IN (SELECT job, max(tick_at) FROM ferry_ticks GROUP BY job)
                   LIMIT $2)",
                &[&cutoff, &limit],
            )
            .await?;
        tx.commit().await?;
        Ok(Pruned {
            runs: run_ids.len() as u64,
            events,
            ticks,
        })
    }

    /// Stores `hash` as the operator token's (replacing the one stored if
    /// `replace`); whether `hash` is the stored one now. Every process of the
    /// queue reads the same row.
    pub(crate) async fn set_operator_token(
        &self,
        hash: &str,
        replace: bool,
    ) -> Result<bool, StoreError> {
        let client = self.pool.get().await?;
        let sql = if replace {
            "INSERT INTO ferry_meta (key, value) VALUES ($1, $2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        } else {
            "INSERT INTO ferry_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING"
        };
        let changed = client
            .execute(sql, &[&super::OPERATOR_TOKEN_KEY, &hash])
            .await?;
        Ok(changed > 0)
    }

    /// The operator token's hash, if one is stored.
    pub(crate) async fn operator_token(&self) -> Result<Option<String>, StoreError> {
        let client = self.pool.get().await?;
        let row = client
            .query_opt(
                "SELECT value FROM ferry_meta WHERE key = $1",
                &[&super::OPERATOR_TOKEN_KEY],
            )
            .await?;
        Ok(row.map(|r| r.get(0)))
    }

    pub(crate) async fn probe(&self, now: i64) -> Result<(), StoreError> {
        let client = self.pool.get().await?;
        client
            .execute(
                "INSERT INTO ferry_meta (key, value) VALUES ('probe', $1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[&now.to_string()],
            )
            .await?;
        Ok(())
    }
}

fn run_row(r: &tokio_postgres::Row) -> RunRow {
    RunRow {
        id: r.get(0),
        job: r.get(1),
        event_id: r.get(2),
        status: r.get(3),
        attempts: i64::from(r.get::<_, i32>(4)),
        created_at: r.get(5),
        started_at: r.get(6),
        finished_at: r.get(7),
        output: r.get(8),
        error: r.get(9),
        failure: r.get(10),
        skip_reason: r.get(11),
        version: r.get(12),
        replay_of: r.get(13),
    }
}
