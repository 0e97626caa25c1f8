//! The SQLite store: `STATE/ferry.db`, one process per state folder.
//!
//! Durability: WAL with `synchronous=FULL`, so a commit is on disk (the WAL is
//! fsynced) before the event is acknowledged, and survives a power loss, not only
//! a crash of the process. To keep that affordable, every write goes through one
//! writer thread that commits whatever has queued up since its last commit in one
//! transaction (group commit): under load one fsync acknowledges many events.
//! Each operation runs inside its own savepoint, so one that fails leaves the
//! others of its batch alone. Reads for `GET /runs` use a second connection
//! (WAL lets them run beside the writer).
//!
//! A lock file (`STATE/serve.lock`, held with `flock` for the life of the
//! process) keeps a second `serve` off the folder; so on start, every run still
//! marked `running` was left by a process that died, and is queued again.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, params};
use tokio::sync::oneshot;

use super::{
    Accepted, AttemptRow, Claimed, Finished, NewEvent, Pruned, RUN_COLUMNS, Replay, RunDetail,
    RunFilter, RunRow, RunStatus, StoreError, Tick, parse_headers, replay_refusal,
};

/// What the writer thread runs: an operation, which answers with what to do once
/// its batch is committed (or failed to commit).
type Deferred = Box<dyn FnOnce(Result<(), StoreError>) + Send>;
type Op = Box<dyn FnOnce(&Connection) -> Deferred + Send>;

/// The most operations one commit takes.
const MAX_BATCH: usize = 1024;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  id TEXT PRIMARY KEY,
  job TEXT NOT NULL,
  kind TEXT NOT NULL,
  idempotency_key TEXT,
  fired_at INTEGER NOT NULL,
  headers TEXT NOT NULL,
  body BLOB NOT NULL,
  UNIQUE (job, idempotency_key)
);
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id TEXT NOT NULL UNIQUE REFERENCES events (id),
  job TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  exit_code INTEGER,
  output TEXT,
  error TEXT,
  logs TEXT,
  owner TEXT
);
CREATE INDEX IF NOT EXISTS runs_due ON runs (due_at, id) WHERE status IN ('queued', 'failed');
CREATE INDEX IF NOT EXISTS runs_job ON runs (job, status, id);
CREATE INDEX IF NOT EXISTS runs_success ON runs (job, started_at) WHERE status = 'succeeded';
CREATE TABLE IF NOT EXISTS attempts (
  run_id INTEGER NOT NULL,
  attempt INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  finished_at INTEGER NOT NULL,
  exit_code INTEGER NOT NULL,
  error TEXT,
  logs TEXT NOT NULL,
  PRIMARY KEY (run_id, attempt)
);
CREATE TABLE IF NOT EXISTS ticks (
  job TEXT NOT NULL,
  tick_at INTEGER NOT NULL,
  outcome TEXT NOT NULL,
  event_id TEXT,
  PRIMARY KEY (job, tick_at)
);
INSERT INTO meta (key, value) VALUES ('schema', '1') ON CONFLICT (key) DO NOTHING;
";

/// Schema 1 to 2: what the operator API needs (when a run was created, the job's
/// version, the failure's kind, skip reasons, replays, deleted inputs).
const MIGRATE_TO_2: &str = "
ALTER TABLE runs ADD COLUMN created_at INTEGER;
ALTER TABLE runs ADD COLUMN version TEXT;
ALTER TABLE runs ADD COLUMN failure TEXT;
ALTER TABLE runs ADD COLUMN skip_reason TEXT;
ALTER TABLE runs ADD COLUMN replay_of INTEGER;
ALTER TABLE events ADD COLUMN input_deleted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE attempts ADD COLUMN failure TEXT;
UPDATE runs SET created_at = (SELECT fired_at FROM events WHERE events.id = runs.event_id);
CREATE INDEX IF NOT EXISTS runs_created ON runs (created_at, status);
CREATE INDEX IF NOT EXISTS runs_ended ON runs (finished_at) WHERE status IN ('succeeded', 'dead');
CREATE INDEX IF NOT EXISTS runs_replay ON runs (replay_of) WHERE replay_of IS NOT NULL;
UPDATE meta SET value = '2' WHERE key = 'schema';
";

pub(crate) struct SqliteStore {
    ops: Mutex<mpsc::Sender<Op>>,
    reader: Arc<Mutex<Connection>>,
    /// Held (locked) for the life of the store.
    _lock: File,
}

impl SqliteStore {
    /// Opens (creating) the inbox under `dir`, takes the folder's lock, and queues
    /// again the runs a dead process left `running`, the interrupted attempt
    /// counted and its reason recorded. A run interrupted during its last
    /// attempt is dead-lettered instead (a job that takes the process down every
    /// time must not restart it forever).
    pub(crate) fn open(dir: &Path, max_attempts: u32) -> Result<(SqliteStore, u64), StoreError> {
        let shown = dir.display();
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError(format!(
                "cannot create the state folder {shown}: {e} (give --state a folder this user can write)"
            ))
        })?;
        let lock_path = dir.join("serve.lock");
        let lock = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .read(true)
            .open(&lock_path)
            .map_err(|e| {
                StoreError(format!(
                    "cannot write in the state folder {shown}: {e} (give --state a folder this user can write)"
                ))
            })?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                let pid = std::fs::read_to_string(&lock_path).unwrap_or_default();
                return Err(StoreError(format!(
                    "the state folder {shown} is in use by another `serve` (pid {}): stop it, \
                     or give this one another --state; to share work between processes use \
                     --queue postgres://...",
                    pid.trim()
                )));
            }
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(StoreError(format!(
                    "cannot lock {}: {e}",
                    lock_path.display()
                )));
            }
        }
        let _ = lock.set_len(0);
        let _ = (&lock).write_all(std::process::id().to_string().as_bytes());

        let path = dir.join("ferry.db");
        let conn = open_connection(&path)?;
        conn.execute_batch(SCHEMA)
            .map_err(|e| StoreError(format!("cannot set up the inbox {}: {e}", path.display())))?;
        let schema: String =
            conn.query_row("SELECT value FROM meta WHERE key = 'schema'", [], |r| {
                r.get(0)
            })?;
        if schema == "1" {
            conn.execute_batch(&format!("BEGIN; {MIGRATE_TO_2} COMMIT;"))
                .map_err(|e| {
                    StoreError(format!("cannot upgrade the inbox {}: {e}", path.display()))
                })?;
        }
        // The attempt during which the process died counts, with that reason.
        let limit = i64::from(max_attempts);
        conn.execute(
            "UPDATE runs SET status = 'dead', owner = NULL, failure = 'interrupted',
               error = 'the process running attempt ' || attempts || ' of this run stopped (killed or crashed); no attempts are left'
             WHERE status = 'running' AND attempts >= ?1",
            params![limit],
        )?;
        let requeued = conn.execute(
            "UPDATE runs SET status = 'queued', owner = NULL, failure = 'interrupted',
               error = 'the process running attempt ' || attempts || ' of this run stopped (killed or crashed)'
             WHERE status = 'running'",
            [],
        )?;
        let reader = open_connection(&path)?;

        let (tx, rx) = mpsc::channel::<Op>();
        std::thread::Builder::new()
            .name("ferry-inbox".into())
            .spawn(move || writer(conn, rx))
            .map_err(|e| StoreError(format!("cannot start the inbox's writer thread: {e}")))?;
        Ok((
            SqliteStore {
                ops: Mutex::new(tx),
                reader: Arc::new(Mutex::new(reader)),
                _lock: lock,
            },
            requeued as u64,
        ))
    }

    /// Runs `f` on the writer thread, in the next commit, and answers once that
    /// commit is on disk.
    async fn write<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, rusqlite::Error> + Send + 'static,
    {
        let (tx, rx) = oneshot::channel::<Result<R, StoreError>>();
        let op: Op = Box::new(move |conn: &Connection| {
            let result = in_savepoint(conn, f);
            Box::new(move |committed: Result<(), StoreError>| {
                let out = match (result, committed) {
                    (Err(e), _) => Err(StoreError::from(e)),
                    (Ok(_), Err(e)) => Err(e),
                    (Ok(r), Ok(())) => Ok(r),
                };
                let _ = tx.send(out);
            }) as Deferred
        });
        let sent = self
            .ops
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .send(op)
            .is_ok();
        if !sent {
            return Err(StoreError(
                "the SQLite inbox's writer thread stopped".into(),
            ));
        }
        rx.await
            .map_err(|_| StoreError("the SQLite inbox's writer thread stopped".into()))?
    }

    pub(crate) async fn accept(&self, e: NewEvent) -> Result<Accepted, StoreError> {
        self.write(move |c| {
            let headers = e.headers_json();
            let inserted = c
                .prepare_cached(
                    "INSERT INTO events (id, job, kind, idempotency_key, fired_at, headers, body)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (job, idempotency_key) DO NOTHING",
                )?
                .execute(params![
                    e.id,
                    e.job,
                    e.kind,
                    e.idempotency_key,
                    e.fired_at,
                    headers,
                    e.body
                ])?;
            if inserted == 0 {
                let id: String = c
                    .prepare_cached(
                        "SELECT id FROM events WHERE job = ?1 AND idempotency_key = ?2",
                    )?
                    .query_row(params![e.job, e.idempotency_key], |r| r.get(0))?;
                return Ok(Accepted::Duplicate(id));
            }
            insert_run(c, &e)?;
            Ok(Accepted::New(e.id))
        })
        .await
    }

    pub(crate) async fn claim(
        &self,
        jobs: Vec<String>,
        owner: String,
        now: i64,
    ) -> Result<Option<Claimed>, StoreError> {
        let jobs = serde_json::Value::from(jobs).to_string();
        self.write(move |c| claim_in(c, &jobs, &owner, now)).await
    }

    pub(crate) async fn finish(&self, f: Finished, owner: String) -> Result<bool, StoreError> {
        self.write(move |c| finish_in(c, &f, &owner)).await
    }

    /// [`SqliteStore::finish`] and [`SqliteStore::claim`] in one commit.
    pub(crate) async fn finish_and_claim(
        &self,
        f: Finished,
        owner: String,
        jobs: Vec<String>,
        now: i64,
    ) -> Result<(bool, Option<Claimed>), StoreError> {
        let jobs = serde_json::Value::from(jobs).to_string();
        self.write(move |c| {
            let kept = finish_in(c, &f, &owner)?;
            Ok((kept, claim_in(c, &jobs, &owner, now)?))
        })
        .await
    }

    pub(crate) async fn release(&self, run_id: i64, owner: String) -> Result<(), StoreError> {
        self.write(move |c| {
            c.prepare_cached(
                "UPDATE runs SET status = 'queued', attempts = max(attempts - 1, 0), owner = NULL
                 WHERE id = ?1 AND owner = ?2 AND status = 'running'",
            )?
            .execute(params![run_id, owner])?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn last_tick(&self, job: String) -> Result<Option<i64>, StoreError> {
        self.write(move |c| {
            c.prepare_cached("SELECT max(tick_at) FROM ticks WHERE job = ?1")?
                .query_row(params![job], |r| r.get(0))
        })
        .await
    }

    pub(crate) async fn mark_start(&self, job: String, at: i64) -> Result<(), StoreError> {
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO ticks (job, tick_at, outcome) VALUES (?1, ?2, 'start')
                 ON CONFLICT (job, tick_at) DO NOTHING",
            )?
            .execute(params![job, at])?;
            Ok(())
        })
        .await
    }

    pub(crate) async fn tick(&self, e: NewEvent) -> Result<Tick, StoreError> {
        self.write(move |c| {
            let inserted = c
                .prepare_cached(
                    "INSERT INTO ticks (job, tick_at, outcome, event_id) VALUES (?1, ?2, 'fired', ?3)
                     ON CONFLICT (job, tick_at) DO NOTHING",
                )?
                .execute(params![e.job, e.fired_at, e.id])?;
            if inserted == 0 {
                return Ok(Tick::Taken);
            }
            let busy: Option<i64> = c
                .prepare_cached(
                    "SELECT id FROM runs WHERE job = ?1 AND status IN ('queued', 'running', 'failed')
                     LIMIT 1",
                )?
                .query_row(params![e.job], |r| r.get(0))
                .optional()?;
            if busy.is_some() {
                c.prepare_cached(
                    "UPDATE ticks SET outcome = 'skipped', event_id = NULL
                     WHERE job = ?1 AND tick_at = ?2",
                )?
                .execute(params![e.job, e.fired_at])?;
                return Ok(Tick::Skipped);
            }
            c.prepare_cached(
                "INSERT INTO events (id, job, kind, idempotency_key, fired_at, headers, body)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6)",
            )?
            .execute(params![
                e.id,
                e.job,
                e.kind,
                e.fired_at,
                e.headers_json(),
                e.body
            ])?;
            insert_run(c, &e)?;
            Ok(Tick::Fired(e.id))
        })
        .await
    }

    pub(crate) async fn list_runs(&self, filter: RunFilter) -> Result<Vec<RunRow>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT {RUN_COLUMNS} FROM runs
                 WHERE (?1 IS NULL OR job = ?1) AND (?2 IS NULL OR status = ?2)
                   AND (?4 IS NULL OR id < ?4)
                   AND (?5 IS NULL OR created_at >= ?5) AND (?6 IS NULL OR created_at < ?6)
                 ORDER BY id DESC LIMIT ?3"
            ))?;
            let rows = stmt.query_map(
                params![
                    filter.job,
                    filter.status.map(RunStatus::as_str),
                    filter.limit,
                    filter.before,
                    filter.since,
                    filter.until
                ],
                run_row,
            )?;
            rows.collect::<Result<Vec<_>, _>>()
        })
        .await
    }

    pub(crate) async fn run_detail(&self, id: i64) -> Result<Option<RunDetail>, StoreError> {
        self.read(move |conn| {
            let Some(run) = conn
                .prepare_cached(&format!("SELECT {RUN_COLUMNS} FROM runs WHERE id = ?1"))?
                .query_row(params![id], run_row)
                .optional()?
            else {
                return Ok(None);
            };
            let (fired_at, body, deleted, logs) = conn
                .prepare_cached(
                    "SELECT e.fired_at, e.body, e.input_deleted, r.logs
                     FROM runs r JOIN events e ON e.id = r.event_id WHERE r.id = ?1",
                )?
                .query_row(params![id], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, Vec<u8>>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<String>>(3)?,
                    ))
                })?;
            let attempts = conn
                .prepare_cached(
                    "SELECT attempt, started_at, finished_at, exit_code, error, failure
                     FROM attempts WHERE run_id = ?1 ORDER BY attempt",
                )?
                .query_map(params![id], |r| {
                    Ok(AttemptRow {
                        attempt: r.get(0)?,
                        started_at: r.get(1)?,
                        finished_at: r.get(2)?,
                        exit_code: r.get(3)?,
                        error: r.get(4)?,
                        failure: r.get(5)?,
                    })
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let replays = conn
                .prepare_cached("SELECT id FROM runs WHERE replay_of = ?1 ORDER BY id")?
                .query_map(params![id], |r| r.get(0))?
                .collect::<Result<Vec<i64>, _>>()?;
            Ok(Some(RunDetail {
                run,
                input: (deleted == 0).then_some(body),
                fired_at,
                logs,
                attempts,
                replays,
            }))
        })
        .await
    }

    pub(crate) async fn replay(
        &self,
        id: i64,
        force: bool,
        now: i64,
        new_event_id: String,
    ) -> Result<Replay, StoreError> {
        self.write(move |c| {
            let Some((status, job, kind, fired_at, headers, body, deleted)) = c
                .prepare_cached(
                    "SELECT r.status, r.job, e.kind, e.fired_at, e.headers, e.body, e.input_deleted
                     FROM runs r JOIN events e ON e.id = r.event_id WHERE r.id = ?1",
                )?
                .query_row(params![id], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, i64>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, Vec<u8>>(5)?,
                        r.get::<_, i64>(6)?,
                    ))
                })
                .optional()?
            else {
                return Ok(Replay::NotFound);
            };
            let live: Option<(i64, String)> = c
                .prepare_cached(
                    "SELECT id, status FROM runs WHERE replay_of = ?1 AND status != 'dead'
                     ORDER BY id DESC LIMIT 1",
                )?
                .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            if let Some(why) = replay_refusal(id, &status, deleted != 0, live, force) {
                return Ok(Replay::Refused(why));
            }
            c.prepare_cached(
                "INSERT INTO events (id, job, kind, idempotency_key, fired_at, headers, body)
                 VALUES (?1, ?2, ?3, NULL, ?4, ?5, ?6)",
            )?
            .execute(params![new_event_id, job, kind, fired_at, headers, body])?;
            let run_id: i64 = c
                .prepare_cached(
                    "INSERT INTO runs (event_id, job, status, due_at, created_at, replay_of)
                     VALUES (?1, ?2, 'queued', ?3, ?3, ?4) RETURNING id",
                )?
                .query_row(params![new_event_id, job, now, id], |r| r.get(0))?;
            if status == "failed" {
                c.prepare_cached(
                    "UPDATE runs SET status = 'dead',
                       error = coalesce(error || ' ', '') || '(its retry was replaced by run ' || ?2 || ')'
                     WHERE id = ?1 AND status = 'failed'",
                )?
                .execute(params![id, run_id])?;
            }
            Ok(Replay::Queued {
                run_id,
                event_id: new_event_id,
            })
        })
        .await
    }

    pub(crate) async fn counts(
        &self,
        since: i64,
        bucket_ms: i64,
    ) -> Result<Vec<(i64, String, i64)>, StoreError> {
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT (created_at - ?1) / ?2, status, count(*) FROM runs
                 WHERE created_at >= ?1 GROUP BY 1, 2",
            )?
            .query_map(params![since, bucket_ms.max(1)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            })?
            .collect::<Result<Vec<_>, _>>()
        })
        .await
    }

    pub(crate) async fn prune(&self, cutoff: i64, batch: u32) -> Result<Pruned, StoreError> {
        self.write(move |c| {
            let gone: Vec<(i64, String)> = c
                .prepare_cached(
                    "DELETE FROM runs WHERE id IN (
                       SELECT id FROM runs
                       WHERE status IN ('succeeded', 'dead') AND finished_at < ?1
                         AND (job, started_at) NOT IN
                           (SELECT job, max(started_at) FROM runs WHERE status = 'succeeded' GROUP BY job)
                       ORDER BY finished_at LIMIT ?2)
                     RETURNING id, event_id",
                )?
                .query_map(params![cutoff, batch], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<Vec<_>, _>>()?;
            let mut pruned = Pruned {
                runs: gone.len() as u64,
                ..Pruned::default()
            };
            let mut attempts = c.prepare_cached("DELETE FROM attempts WHERE run_id = ?1")?;
            let mut events = c.prepare_cached(
                "DELETE FROM events WHERE id = ?1
                   AND NOT EXISTS (SELECT 1 FROM runs WHERE event_id = ?1)",
            )?;
            for (run_id, event_id) in &gone {
                attempts.execute(params![run_id])?;
                pruned.events += events.execute(params![event_id])? as u64;
            }
            pruned.ticks = c
                .prepare_cached(
                    "DELETE FROM ticks WHERE rowid IN (
                       SELECT rowid FROM ticks WHERE tick_at < ?1
                         AND (job, tick_at) NOT IN (SELECT job, max(tick_at) FROM ticks GROUP BY job)
                       LIMIT ?2)",
                )?
                .execute(params![cutoff, batch])? as u64;
            Ok(pruned)
        })
        .await
    }

    /// Runs `f` on the reading connection, off the tokio workers.
    async fn read<R, F>(&self, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, rusqlite::Error> + Send + 'static,
    {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let conn = reader.lock().unwrap_or_else(|e| e.into_inner());
            f(&conn).map_err(StoreError::from)
        })
        .await
        .map_err(|e| StoreError(format!("reading the run log failed: {e}")))?
    }

    /// Stores `hash` as the operator token's (replacing the one stored if
    /// `replace`); whether `hash` is the stored one now.
    pub(crate) async fn set_operator_token(
        &self,
        hash: String,
        replace: bool,
    ) -> Result<bool, StoreError> {
        self.write(move |c| {
            let sql = if replace {
                "INSERT INTO meta (key, value) VALUES (?1, ?2)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            } else {
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO NOTHING"
            };
            Ok(c.prepare_cached(sql)?
                .execute(params![super::OPERATOR_TOKEN_KEY, hash])?
                > 0)
        })
        .await
    }

    /// The operator token's hash, if one is stored.
    pub(crate) async fn operator_token(&self) -> Result<Option<String>, StoreError> {
        let reader = self.reader.clone();
        tokio::task::spawn_blocking(move || {
            let conn = reader.lock().unwrap_or_else(|e| e.into_inner());
            conn.prepare_cached("SELECT value FROM meta WHERE key = ?1")?
                .query_row(params![super::OPERATOR_TOKEN_KEY], |r| r.get(0))
                .optional()
                .map_err(StoreError::from)
        })
        .await
        .map_err(|e| StoreError(format!("reading the operator token failed: {e}")))?
    }

    pub(crate) async fn probe(&self, now: i64) -> Result<(), StoreError> {
        self.write(move |c| {
            c.prepare_cached(
                "INSERT INTO meta (key, value) VALUES ('probe', ?1)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            )?
            .execute(params![now.to_string()])?;
            Ok(())
        })
        .await
    }
}

/// Takes the next due run of `jobs` (a JSON array of names) for `owner`.
fn claim_in(
    c: &Connection,
    jobs: &str,
    owner: &str,
    now: i64,
) -> Result<Option<Claimed>, rusqlite::Error> {
    let row = c
        .prepare_cached(
            "UPDATE runs SET status = 'running', attempts = attempts + 1,
               started_at = ?1, owner = ?2
             WHERE id = (SELECT id FROM runs
                         WHERE status IN ('queued', 'failed') AND due_at <= ?1
                           AND job IN (SELECT value FROM json_each(?3))
                         ORDER BY due_at, id LIMIT 1)
             RETURNING id, event_id, job, attempts",
        )?
        .query_row(params![now, owner, jobs], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, i64>(3)?,
            ))
        })
        .optional()?;
    let Some((run_id, event_id, job, attempts)) = row else {
        return Ok(None);
    };
    let (fired_at, headers, body) = c
        .prepare_cached("SELECT fired_at, headers, body FROM events WHERE id = ?1")?
        .query_row(params![event_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
    let last_success: Option<i64> = c
        .prepare_cached("SELECT max(started_at) FROM runs WHERE job = ?1 AND status = 'succeeded'")?
        .query_row(params![job], |r| r.get(0))?;
    Ok(Some(Claimed {
        run_id,
        event_id,
        job,
        attempt: u32::try_from(attempts).unwrap_or(u32::MAX),
        started_at: now,
        fired_at,
        headers: parse_headers(&headers),
        body,
        last_success,
    }))
}

/// Records an attempt's end if the run is still `owner`'s.
fn finish_in(c: &Connection, f: &Finished, owner: &str) -> Result<bool, rusqlite::Error> {
    let changed = c
        .prepare_cached(
            "UPDATE runs SET status = ?1, due_at = ?2, finished_at = ?3, exit_code = ?4,
               output = ?5, error = ?6, logs = ?7, owner = NULL, version = ?10, failure = ?11,
               skip_reason = ?12
             WHERE id = ?8 AND owner = ?9 AND status = 'running'",
        )?
        .execute(params![
            f.status.as_str(),
            f.due_at,
            f.finished_at,
            f.exit_code,
            f.output,
            f.error,
            f.logs,
            f.run_id,
            owner,
            f.version,
            f.failure,
            f.skip_reason
        ])?;
    if changed == 0 {
        return Ok(false);
    }
    if f.drop_input {
        c.prepare_cached(
            "UPDATE events SET body = x'', input_deleted = 1
             WHERE id = (SELECT event_id FROM runs WHERE id = ?1)",
        )?
        .execute(params![f.run_id])?;
    }
    c.prepare_cached(
        "INSERT INTO attempts (run_id, attempt, started_at, finished_at, exit_code, error, logs, failure)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
         ON CONFLICT (run_id, attempt) DO UPDATE SET finished_at = excluded.finished_at,
           exit_code = excluded.exit_code, error = excluded.error, logs = excluded.logs,
           failure = excluded.failure",
    )?
    .execute(params![
        f.run_id,
        f.attempt,
        f.started_at,
        f.finished_at,
        f.exit_code,
        f.error,
        f.logs,
        f.failure
    ])?;
    Ok(true)
}

fn run_row(r: &rusqlite::Row<'_>) -> Result<RunRow, rusqlite::Error> {
    Ok(RunRow {
        id: r.get(0)?,
        job: r.get(1)?,
        event_id: r.get(2)?,
        status: r.get(3)?,
        attempts: r.get(4)?,
        created_at: r.get(5)?,
        started_at: r.get(6)?,
        finished_at: r.get(7)?,
        output: r.get(8)?,
        error: r.get(9)?,
        failure: r.get(10)?,
        skip_reason: r.get(11)?,
        version: r.get(12)?,
        replay_of: r.get(13)?,
    })
}

fn insert_run(c: &Connection, e: &NewEvent) -> Result<(), rusqlite::Error> {
    c.prepare_cached(
        "INSERT INTO runs (event_id, job, status, due_at, created_at)
         VALUES (?1, ?2, 'queued', ?3, ?3)",
    )?
    .execute(params![e.id, e.job, e.fired_at])?;
    Ok(())
}

fn open_connection(path: &PathBuf) -> Result<Connection, StoreError> {
    let shown = path.display();
    let conn = Connection::open(path).map_err(|e| {
        StoreError(format!(
            "cannot open the inbox {shown}: {e} (give --state a folder this user can write)"
        ))
    })?;
    let setup = || -> Result<(), rusqlite::Error> {
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(rusqlite::Error::InvalidParameterName(format!(
                "journal_mode is {mode}, not wal"
            )));
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(())
    };
    setup().map_err(|e| StoreError(format!("cannot set up the inbox {shown}: {e}")))?;
    Ok(conn)
}

/// Runs `f` inside a savepoint: its writes are kept if it succeeds, undone if not.
fn in_savepoint<R>(
    conn: &Connection,
    f: impl FnOnce(&Connection) -> Result<R, rusqlite::Error>,
) -> Result<R, rusqlite::Error> {
    conn.execute_batch("SAVEPOINT op")?;
    match f(conn) {
        Ok(r) => {
            conn.execute_batch("RELEASE op")?;
            Ok(r)
        }
        Err(e) => {
            let _ = conn.execute_batch("ROLLBACK TO op; RELEASE op");
            Err(e)
        }
    }
}

/// The writer thread: takes every operation queued, runs them in one
/// transaction, commits, then answers them all.
fn writer(conn: Connection, rx: mpsc::Receiver<Op>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(op) => batch.push(op),
                Err(_) => break,
            }
        }
        if let Err(e) = conn.execute_batch("BEGIN IMMEDIATE") {
            // Outside a transaction each operation's savepoint commits on its
            // own: slower, but every operation still answers for itself.
            tracing::warn!(error = %StoreError::from(e), "the inbox could not group a commit");
            for op in batch {
                op(&conn)(Ok(()));
            }
            continue;
        }
        let deferred: Vec<Deferred> = batch.into_iter().map(|op| op(&conn)).collect();
        let committed = conn.execute_batch("COMMIT").map_err(StoreError::from);
        if committed.is_err() {
            let _ = conn.execute_batch("ROLLBACK");
        }
        for d in deferred {
            d(committed.clone());
        }
    }
}
