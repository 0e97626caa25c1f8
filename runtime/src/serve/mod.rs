//! Triggers: `ferry serve JOB...` and a built job's `job serve` (docs/triggers.md).
//!
//! [`serve`] honours each job's trigger: one HTTP route per webhook job, one
//! schedule per cron or `every` job. Every accepted event is stored durably in an
//! inbox (SQLite under `--state`, or PostgreSQL shared by several processes)
//! before it is acknowledged, and runs at least once, on a thread of its own,
//! retried with backoff and dead-lettered after the last attempt. `GET /runs`,
//! `GET /healthz` and `GET /metrics` show what happened. See `docs/triggers.md`.
//!
//! The modules, one job each:
//! - `job`: the [`Job`] trait, the boundary with compiled jobs;
//! - `config`: [`ServeOptions`], [`Queue`], [`RetryPolicy`], [`TriggerSecrets`];
//! - `clock`: [`Clock`], the system's or a [`ManualClock`] for tests;
//! - `auth`: webhook credentials, compared in constant time;
//! - `http`: the webhook routes; `listener`: connections, with their limits;
//! - `api`: the operator API (runs, replay); `page`: the operator page;
//! - `operator`: the operator token; `session`: the page's login and CSRF;
//! - `worker`: running runs; `reply`: webhooks that wait for their run;
//! - `schedule`: cron and every; `retention`: `--retain`'s pruning;
//! - `store`: the inbox and run log (`sqlite`, `postgres`);
//! - `metrics`: Prometheus text; `logging`: redacted JSON logs;
//! - `shutdown`: signals; `fd_limit`: the open-files limit raised at start.

mod api;
mod auth;
mod clock;
mod config;
mod fd_limit;
mod http;
mod job;
mod listener;
mod logging;
mod metrics;
mod operator;
mod page;
mod reply;
mod retention;
mod schedule;
mod session;
mod shutdown;
mod store;
mod worker;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chrono::{SecondsFormat, TimeZone as _, Utc};
use tokio::sync::{Notify, watch};
use tokio::task::JoinHandle;

pub use auth::hmac_sha256_hex;
pub use clock::{BoxFuture, Clock, ManualClock, SystemClock};
pub use config::{KeepData, Queue, RetryPolicy, ServeOptions, TriggerSecrets, redact_url};
pub use job::{Failure, Job, LogLevel, LogLine, RunResult, Trigger, TriggerContext, WebhookAuth};
pub use logging::{LogFormat, RedactingStderr, init_logging};
pub use operator::MetricsAccess;
pub use shutdown::signals;
pub use store::RunStatus;

use crate::secrets::Redactor;
use schedule::Schedule;
use store::Store;

/// Why serve could not start (or stopped).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ServeError {
    /// A job's trigger or credentials are wrong, or two jobs clash.
    Config(String),
    /// The state folder cannot be used.
    State(String),
    /// The PostgreSQL queue cannot be reached or set up.
    Queue(String),
    /// The listen address cannot be bound.
    Listen(String),
    /// Something else went wrong inside serve.
    Internal(String),
}

impl ServeError {
    /// The process exit code for this error: 2 for a mistake in the jobs or their
    /// config, 1 for a problem of the environment, 3 for an internal error.
    pub fn exit_code(&self) -> i32 {
        match self {
            ServeError::Config(_) => 2,
            ServeError::State(_) | ServeError::Queue(_) | ServeError::Listen(_) => 1,
            ServeError::Internal(_) => 3,
        }
    }
}

impl fmt::Display for ServeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Config(m)
            | ServeError::State(m)
            | ServeError::Queue(m)
            | ServeError::Listen(m)
            | ServeError::Internal(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ServeError {}

/// What every task of a serve shares.
pub(crate) struct Shared {
    pub store: Store,
    pub jobs: HashMap<String, Arc<dyn Job>>,
    pub job_names: Vec<String>,
    pub hooks: HashMap<String, http::Hook>,
    pub clock: Arc<dyn Clock>,
    pub retry: RetryPolicy,
    pub redactor: Redactor,
    pub metrics: metrics::Metrics,
    /// Wakes an idle worker: an event was stored or a run is due.
    pub wake: Notify,
    /// Set when a graceful shutdown starts: no new events, no new claims.
    pub stopping: watch::Sender<bool>,
    /// Set when the shutdown's grace period is over: unfinished runs go back.
    pub abandon: watch::Sender<bool>,
    /// Who claims runs: `host-pid-random`.
    pub owner: String,
    pub poll_interval: Duration,
    pub lease: Duration,
    pub max_body_bytes: usize,
    pub body_read_timeout: Duration,
    pub metrics_access: MetricsAccess,
    pub keep_data: KeepData,
    /// `reply` webhooks waiting for their runs.
    pub replies: reply::Replies,
    pub reply_timeout: Duration,
    pub session_lifetime: Duration,
    /// The schedules, by job (the page shows their next fire times).
    pub schedules: Vec<(String, Schedule)>,
    /// `--retain`, shown on the page.
    pub retain: Option<Duration>,
    /// The page's 24-hour counts, computed at most every few seconds: counting
    /// a day of runs is the page's one costly query.
    pub chart_counts: std::sync::Mutex<Option<(i64, store::Counts)>>,
}

/// A serve that is running: its address, and how to stop it.
pub struct Running {
    addr: SocketAddr,
    admin_addr: Option<SocketAddr>,
    stop: watch::Sender<bool>,
    task: JoinHandle<Result<(), ServeError>>,
}

impl Running {
    /// The address the HTTP server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The address of the operator API and page, when `--admin-listen` serves
    /// them apart from the webhooks.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin_addr
    }

    /// Starts a graceful shutdown (as SIGTERM does); [`Running::wait`] returns when
    /// it is done.
    pub fn shutdown(&self) {
        self.stop.send_replace(true);
    }

    /// Waits until serve has stopped.
    pub async fn wait(self) -> Result<(), ServeError> {
        match self.task.await {
            Ok(r) => r,
            Err(e) => Err(ServeError::Internal(format!(
                "serve stopped unexpectedly: {e}"
            ))),
        }
    }
}

/// Serves `jobs` until a graceful shutdown (SIGTERM or ctrl-c if
/// `options.handle_signals`, or `options.shutdown`) has completed. Must be called
/// inside a multi-threaded tokio runtime; [`serve_blocking`] makes one.
pub async fn serve(jobs: Vec<Arc<dyn Job>>, options: ServeOptions) -> Result<(), ServeError> {
    start(jobs, options).await?.wait().await
}

/// [`serve`] on a tokio runtime of its own (two worker threads), blocking the
/// calling thread: what `ferry serve` and `job serve` call.
pub fn serve_blocking(jobs: Vec<Arc<dyn Job>>, options: ServeOptions) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("ferry-serve")
        .enable_all()
        .build()
        .map_err(|e| ServeError::Internal(format!("cannot start the tokio runtime: {e}")))?;
    runtime.block_on(serve(jobs, options))
}

/// Checks the jobs, opens the store, binds the listener and starts every task;
/// returns once serve accepts requests.
pub async fn start(jobs: Vec<Arc<dyn Job>>, options: ServeOptions) -> Result<Running, ServeError> {
    let ServeOptions {
        listen,
        state_dir,
        queue,
        retry,
        workers,
        clock,
        secrets,
        redactor,
        handle_signals,
        shutdown,
        shutdown_grace,
        max_body_bytes,
        poll_interval,
        lease,
        admin_token,
        metrics_access,
        header_read_timeout,
        body_read_timeout,
        max_connections,
        admin_listen,
        keep_data,
        retain,
        reply_timeout,
        session_lifetime,
    } = options;

    // The jobs: unique names, a trigger each, valid schedules, unique paths.
    if jobs.is_empty() {
        return Err(ServeError::Config("serve needs at least one job".into()));
    }
    let mut by_name: HashMap<String, Arc<dyn Job>> = HashMap::new();
    let mut hooks: HashMap<String, http::Hook> = HashMap::new();
    let mut schedules: Vec<(String, Schedule)> = Vec::new();
    for job in &jobs {
        let name = job.name().to_string();
        if by_name.insert(name.clone(), job.clone()).is_some() {
            return Err(ServeError::Config(format!(
                "two jobs are named `{name}`: serve them from files with different names"
            )));
        }
        if let Some(s) = secrets.get(&name) {
            s.register(&redactor);
        }
        match job.trigger() {
            job::Trigger::None => {
                return Err(ServeError::Config(format!(
                    "job `{name}` has no trigger: run it with `run`, or add \
                     `trigger webhook \"/path\"`, `trigger cron \"...\"` or `trigger every 15m`"
                )));
            }
            job::Trigger::Webhook { path, auth, reply } => {
                if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
                    return Err(ServeError::Config(format!(
                        "job `{name}`: the webhook path `{path}` must start with `/` and have no `?`, `#` or spaces"
                    )));
                }
                if http::is_reserved(path) {
                    return Err(ServeError::Config(format!(
                        "job `{name}`: the webhook path `{path}` is serve's own; choose another"
                    )));
                }
                let verifier = auth::Verifier::new(&name, auth, secrets.get(&name))
                    .map_err(ServeError::Config)?;
                if let Some(other) = hooks.get(path) {
                    return Err(ServeError::Config(format!(
                        "jobs `{}` and `{name}` both take the webhook path `{path}`",
                        other.job.name()
                    )));
                }
                hooks.insert(
                    path.clone(),
                    http::Hook {
                        job: job.clone(),
                        verifier,
                        reply: *reply,
                    },
                );
            }
            trigger => {
                let schedule = Schedule::of(trigger)
                    .map_err(|e| ServeError::Config(format!("job `{name}`: {e}")))?;
                if let Some(s) = schedule {
                    schedules.push((name.clone(), s));
                }
            }
        }
    }

    // The store.
    let workers = workers.max(1);
    let store = match &queue {
        Queue::Sqlite => {
            let dir = state_dir.clone();
            let max = retry.max_attempts();
            let (store, requeued) =
                tokio::task::spawn_blocking(move || store::sqlite::SqliteStore::open(&dir, max))
                    .await
                    .map_err(|e| ServeError::Internal(format!("opening the inbox failed: {e}")))?
                    .map_err(|e| ServeError::State(e.0))?;
            if requeued > 0 {
                tracing::warn!(
                    requeued,
                    "queued again the runs a stopped process left running"
                );
            }
            Store::Sqlite(store)
        }
        Queue::Postgres(url) => {
            let store = store::postgres::PgStore::open(
                url,
                workers + 8,
                lease.max(Duration::from_secs(3)),
                retry.max_attempts(),
            )
            .await
            .map_err(|e| ServeError::Queue(e.0))?;
            Store::Postgres(store)
        }
    };

    if let Some(token) = &admin_token {
        redactor.add(token);
    }
    let new_token = operator::set_up(&store, admin_token.as_deref()).await?;

    let open_files = fd_limit::raise();

    let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| {
        ServeError::Listen(format!(
            "cannot listen on {listen}: {e} (is another process using the port? use --listen ADDR:PORT)"
        ))
    })?;
    let addr = listener
        .local_addr()
        .map_err(|e| ServeError::Listen(format!("cannot listen on {listen}: {e}")))?;
    let admin_listener = match admin_listen {
        None => None,
        Some(admin) => Some(tokio::net::TcpListener::bind(admin).await.map_err(|e| {
            ServeError::Listen(format!(
                "cannot listen on {admin}: {e} (is another process using the port? use --admin-listen ADDR:PORT)"
            ))
        })?),
    };
    let admin_addr =
        match &admin_listener {
            None => None,
            Some(l) => Some(l.local_addr().map_err(|e| {
                ServeError::Listen(format!("cannot listen on the admin address: {e}"))
            })?),
        };

    if let Some(token) = new_token {
        // Once, to the terminal (never to the log): only its hash is kept.
        eprintln!(
            "{}",
            operator::announcement(admin_addr.unwrap_or(addr), &token)
        );
        redactor.add(&token);
    }

    let mut job_names: Vec<String> = by_name.keys().cloned().collect();
    job_names.sort();
    let (stopping, _) = watch::channel(false);
    let (abandon, _) = watch::channel(false);
    let shared = Arc::new(Shared {
        store,
        metrics: metrics::Metrics::new(job_names.iter().map(String::as_str)),
        jobs: by_name,
        job_names,
        hooks,
        clock,
        retry,
        redactor,
        wake: Notify::new(),
        stopping,
        abandon,
        owner: owner_id(),
        poll_interval: poll_interval.max(Duration::from_millis(10)),
        lease: lease.max(Duration::from_secs(3)),
        max_body_bytes,
        body_read_timeout,
        metrics_access,
        keep_data,
        replies: reply::Replies::default(),
        reply_timeout,
        session_lifetime,
        schedules: schedules.clone(),
        retain,
        chart_counts: std::sync::Mutex::new(None),
    });

    // Stop requests: Running::shutdown, options.shutdown, signals.
    let (stop, mut stop_rx) = watch::channel(false);
    if let Some(fut) = shutdown {
        let stop = stop.clone();
        tokio::spawn(async move {
            fut.await;
            stop.send_replace(true);
        });
    }
    if handle_signals {
        let stop = stop.clone();
        tokio::spawn(async move {
            signals().await;
            stop.send_replace(true);
        });
    }

    let mut worker_tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        worker_tasks.spawn(worker::run(shared.clone()));
    }
    let mut schedule_tasks = Vec::new();
    for (name, schedule) in schedules {
        schedule_tasks.push(tokio::spawn(schedule::run(shared.clone(), name, schedule)));
    }
    let lease_task = if shared.store.is_shared() {
        let s = shared.clone();
        Some(tokio::spawn(async move {
            let every = (s.lease / 4).max(Duration::from_secs(1));
            let mut stopping = s.stopping.subscribe();
            loop {
                match s.store.requeue_expired().await {
                    Ok(0) => {}
                    Ok(n) => {
                        tracing::warn!(
                            requeued = n,
                            "queued again runs whose process stopped renewing their lease"
                        );
                        s.wake.notify_one();
                    }
                    Err(e) => tracing::warn!(error = %e, "cannot look for expired leases"),
                }
                tokio::select! {
                    _ = tokio::time::sleep(every) => {}
                    _ = raised(&mut stopping) => return,
                }
            }
        }))
    } else {
        None
    };

    // Listening before the first webhook is taken, so that no end is missed.
    let replies_task = match &shared.store {
        Store::Postgres(pg) => {
            let listener = pg.listen().await.map_err(|e| ServeError::Queue(e.0))?;
            Some(tokio::spawn(reply::relay(shared.clone(), listener)))
        }
        Store::Sqlite(_) => None,
    };

    let (http_stop, http_stop_rx) = tokio::sync::oneshot::channel::<()>();
    let limits = listener::Limits {
        header_read_timeout,
        max_connections,
    };
    let server_task = tokio::spawn(listener::serve(
        listener,
        http::router(shared.clone(), admin_listener.is_none()),
        shared.clone(),
        limits,
        http_stop_rx,
    ));
    let (admin_stop, admin_stop_rx) = tokio::sync::oneshot::channel::<()>();
    let admin_task = admin_listener.map(|l| {
        tokio::spawn(listener::serve(
            l,
            http::admin_router(shared.clone()),
            shared.clone(),
            limits,
            admin_stop_rx,
        ))
    });
    let retention_task = retain.map(|r| tokio::spawn(retention::run(shared.clone(), r)));

    let names: Vec<String> = shared.job_names.clone();
    tracing::info!(listen = %addr, admin_listen = ?admin_addr, jobs = ?names, queue = ?queue,
        keep_data = keep_data.as_str(), retain = ?retain, open_files = ?open_files, "serve started");

    let task = tokio::spawn(async move {
        let _ = raised(&mut stop_rx).await;
        tracing::info!("shutting down: no new events; waiting for the runs in progress");
        shared.stopping.send_replace(true);
        for t in schedule_tasks {
            let _ = t.await;
        }
        if let Some(t) = lease_task {
            let _ = t.await;
        }
        if let Some(t) = retention_task {
            let _ = t.await;
        }
        let all_workers = async { while worker_tasks.join_next().await.is_some() {} };
        if tokio::time::timeout(shutdown_grace, all_workers)
            .await
            .is_err()
        {
            shared.abandon.send_replace(true);
            while worker_tasks.join_next().await.is_some() {}
        }
        let _ = http_stop.send(());
        let _ = admin_stop.send(());
        if let Some(t) = replies_task {
            t.abort();
        }
        if let Some(t) = admin_task {
            let _ = t.await;
        }
        let served = match server_task.await {
            Ok(()) => Ok(()),
            Err(e) => Err(ServeError::Internal(format!(
                "the HTTP server stopped: {e}"
            ))),
        };
        tracing::info!("serve stopped");
        served
    });
    Ok(Running {
        addr,
        admin_addr,
        stop,
        task,
    })
}

/// Completes once the flag behind `rx` is set (or its sender is gone).
pub(crate) async fn raised(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|set| *set).await;
}

/// `host-pid-random`: who owns a claimed run.
fn owner_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "host".to_string());
    format!("{host}-{}-{:08x}", std::process::id(), fastrand::u32(..))
}

/// A new event id: `evt_`, the time in hex (so ids sort by time), 64 random bits.
pub(crate) fn new_event_id(now_ms: i64) -> String {
    format!("evt_{:012x}{:016x}", now_ms.max(0), fastrand::u64(..))
}

/// Milliseconds since the epoch as RFC 3339 in UTC (`2026-03-01T23:00:00Z`, with
/// milliseconds only when there are some).
pub(crate) fn rfc3339(ms: i64) -> String {
    match Utc.timestamp_millis_opt(ms).single() {
        Some(t) => t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        None => ms.to_string(),
    }
}

/// Per-job trigger secrets keyed by job name, for [`ServeOptions::secrets`].
pub type SecretsByJob = BTreeMap<String, TriggerSecrets>;
