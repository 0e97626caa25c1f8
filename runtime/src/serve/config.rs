//! What `serve` is told: [`ServeOptions`] (where to listen, where the inbox is, how
//! to retry, which clock), and each job's trigger credentials ([`TriggerSecrets`]).

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;

use super::clock::{BoxFuture, Clock, SystemClock};
use crate::secrets::Redactor;

/// Where the inbox, the run log and the schedules' state live.
#[derive(Clone, PartialEq, Eq)]
pub enum Queue {
    /// `DIR/ferry.db` under the state folder: one process per folder.
    Sqlite,
    /// A PostgreSQL database (`postgres://user:password@host:port/db`) that any
    /// number of `serve` processes share.
    Postgres(String),
}

impl Queue {
    /// Reads `--queue`: `sqlite` or a `postgres://` / `postgresql://` URL.
    pub fn parse(text: &str) -> Result<Queue, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("sqlite") {
            Ok(Queue::Sqlite)
        } else if t.starts_with("postgres://") || t.starts_with("postgresql://") {
            Ok(Queue::Postgres(t.to_string()))
        } else {
            Err(format!(
                "--queue must be `sqlite` or a postgres://user:password@host/db URL, not `{}`",
                redact_url(t)
            ))
        }
    }
}

impl fmt::Debug for Queue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Queue::Sqlite => f.write_str("Sqlite"),
            Queue::Postgres(url) => write!(f, "Postgres({})", redact_url(url)),
        }
    }
}

/// A URL with its password replaced by `***`, for messages.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => match (url.find("://"), url.rfind('@')) {
            (Some(scheme), Some(at)) if at > scheme => {
                format!("{}://***@{}", &url[..scheme], &url[at + 1..])
            }
            _ => url.to_string(),
        },
    }
}

/// What a run keeps of its data (`--keep-data all|errors|none`). Metadata
/// (status, times, attempts, the error, the version) and the redacted logs are
/// always kept.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum KeepData {
    /// Every run's input and output.
    #[default]
    All,
    /// Only failed runs' input (and output): a succeeded run's input is deleted
    /// when it succeeds, and its output is not stored.
    Errors,
    /// Neither: an event's input is kept only until its run's final outcome
    /// (retries need it), so such a run cannot be replayed.
    None,
}

impl KeepData {
    /// Reads `--keep-data`.
    pub fn parse(text: &str) -> Result<KeepData, String> {
        match text {
            "all" => Ok(KeepData::All),
            "errors" => Ok(KeepData::Errors),
            "none" => Ok(KeepData::None),
            other => Err(format!(
                "--keep-data must be all, errors or none, not `{other}`"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            KeepData::All => "all",
            KeepData::Errors => "errors",
            KeepData::None => "none",
        }
    }
}

/// How a failed run is tried again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// How many times an event is run at most, the first included (0 counts as 1).
    /// After the last failed attempt the run is `dead`.
    pub attempts: u32,
    /// The wait before the first retry; each further retry waits twice as long.
    pub base_delay: Duration,
    /// The longest wait between two attempts.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(3600),
        }
    }
}

impl RetryPolicy {
    /// `attempts`, at least 1.
    pub fn max_attempts(&self) -> u32 {
        self.attempts.max(1)
    }

    /// The wait after failed attempt number `attempt` (1-based):
    /// `min(max_delay, base_delay * 2^(attempt-1))`.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exponent = attempt.saturating_sub(1).min(31);
        self.base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay)
    }
}

/// The credentials a webhook checks its callers against: the job's config section
/// `trigger`. Every field is a secret: it is registered with the serve's
/// [`Redactor`] and never printed (`Debug` masks it).
#[derive(Clone, Default, PartialEq, Eq)]
pub struct TriggerSecrets {
    /// `trigger.key` / `FERRY_TRIGGER_KEY`: for `auth api_key(...)`.
    pub key: Option<String>,
    /// `trigger.username` / `FERRY_TRIGGER_USERNAME`: for `auth basic`.
    pub username: Option<String>,
    /// `trigger.password` / `FERRY_TRIGGER_PASSWORD`: for `auth basic`.
    pub password: Option<String>,
    /// `trigger.secret` / `FERRY_TRIGGER_SECRET`: for `auth hmac_sha256(...)`.
    pub secret: Option<String>,
}

impl fmt::Debug for TriggerSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mask = |v: &Option<String>| if v.is_some() { "Some(***)" } else { "None" };
        f.debug_struct("TriggerSecrets")
            .field("key", &mask(&self.key))
            .field("username", &self.username)
            .field("password", &mask(&self.password))
            .field("secret", &mask(&self.secret))
            .finish()
    }
}

impl TriggerSecrets {
    /// The fields of `config`'s section `trigger` (the whole `--config` object is
    /// given; a missing section is fine), each of which may instead come from the
    /// environment as `FERRY_TRIGGER_KEY`, `FERRY_TRIGGER_USERNAME`,
    /// `FERRY_TRIGGER_PASSWORD`, `FERRY_TRIGGER_SECRET` (read through `env`). The
    /// config file wins when both give a field. A field that is not a string is an
    /// error naming its JSON path.
    pub fn load(
        config: Option<&Value>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<TriggerSecrets, String> {
        let section = match config.and_then(|c| c.get("trigger")) {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map),
            Some(other) => {
                return Err(format!(
                    "$.trigger: expected an object, found {}",
                    json_kind(other)
                ));
            }
        };
        let field = |name: &str| -> Result<Option<String>, String> {
            match section.and_then(|s| s.get(name)) {
                Some(Value::String(s)) => Ok(Some(s.clone())),
                None | Some(Value::Null) => {
                    Ok(env(&format!("FERRY_TRIGGER_{}", name.to_ascii_uppercase())))
                }
                Some(other) => Err(format!(
                    "$.trigger.{name}: expected String, found {}",
                    json_kind(other)
                )),
            }
        };
        Ok(TriggerSecrets {
            key: field("key")?,
            username: field("username")?,
            password: field("password")?,
            secret: field("secret")?,
        })
    }

    /// [`TriggerSecrets::load`] with the process's environment.
    pub fn from_config_and_env(config: Option<&Value>) -> Result<TriggerSecrets, String> {
        TriggerSecrets::load(config, |name| std::env::var(name).ok())
    }

    /// Registers every secret with `redactor` (the user name is not a secret, but
    /// the base64 of `user:password` is).
    pub fn register(&self, redactor: &Redactor) {
        if let Some(key) = &self.key {
            redactor.add(key);
        }
        if let Some(secret) = &self.secret {
            redactor.add(secret);
        }
        if let Some(password) = &self.password {
            redactor.add_basic_auth(self.username.as_deref().unwrap_or(""), password);
        }
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Everything `serve` needs besides the jobs. `ServeOptions::new(state_dir)` gives
/// the defaults; set the fields you need.
pub struct ServeOptions {
    /// Where the HTTP server listens (webhooks, `/healthz`, `/runs`, `/metrics`).
    /// Port 0 picks a free port ([`super::Running::addr`] tells which).
    pub listen: SocketAddr,
    /// The state folder (`--state`): the SQLite inbox and the lock that keeps a
    /// second process off it. Created if missing.
    pub state_dir: PathBuf,
    pub queue: Queue,
    pub retry: RetryPolicy,
    /// How many runs may go on at once in this process (at least 1).
    pub workers: usize,
    /// The clock of schedules, `fired_at`, backoff and run timestamps.
    pub clock: Arc<dyn Clock>,
    /// Each job's trigger credentials, by job name. A webhook job with `auth` must
    /// have the fields its scheme needs.
    pub secrets: BTreeMap<String, TriggerSecrets>,
    /// The redactor of log lines, errors and outputs: share the one the jobs'
    /// config secrets are registered with. The trigger secrets are added to it.
    pub redactor: Redactor,
    /// Whether SIGTERM and ctrl-c (SIGINT) start a graceful shutdown.
    pub handle_signals: bool,
    /// Another way to start a graceful shutdown (besides [`super::Running::shutdown`]).
    pub shutdown: Option<BoxFuture<'static, ()>>,
    /// How long a graceful shutdown waits for runs in progress before it returns
    /// them to the queue.
    pub shutdown_grace: Duration,
    /// The largest webhook body accepted (413 above it).
    pub max_body_bytes: usize,
    /// How often idle workers look for due runs when nothing woke them (events
    /// of other processes on PostgreSQL, retries coming due).
    pub poll_interval: Duration,
    /// PostgreSQL: how long a claimed run stays this process's without a
    /// heartbeat (renewed every third of it). After that another process may
    /// take it over.
    pub lease: Duration,
    /// The operator token (`--admin-token` / `FERRY_ADMIN_TOKEN`); `None`: the
    /// stored one, or, at the first start, a new one printed once.
    pub admin_token: Option<String>,
    /// Whether `/metrics` needs the operator token (`--metrics open|token`).
    pub metrics_access: super::MetricsAccess,
    /// How long a client may take to send a request's headers.
    pub header_read_timeout: Duration,
    /// How long a client may take to send a webhook's body (408 after).
    pub body_read_timeout: Duration,
    /// The most HTTP connections open at once; more are closed at once.
    pub max_connections: usize,
    /// Where the operator API and page are served instead (`--admin-listen`);
    /// `None`: on `listen`, beside the webhooks.
    pub admin_listen: Option<SocketAddr>,
    /// What runs keep of their input and output (`--keep-data`).
    pub keep_data: KeepData,
    /// Ended runs (and their events) older than this are deleted (`--retain`);
    /// `None`: kept forever.
    pub retain: Option<Duration>,
    /// How long a `reply` webhook waits for its run before answering 202.
    pub reply_timeout: Duration,
    /// How long an operator page session lasts after logging in.
    pub session_lifetime: Duration,
}

impl ServeOptions {
    /// The defaults: listen on 127.0.0.1:8080, SQLite under `state_dir`, 5
    /// attempts from 30 s backoff, 4 workers, the system clock, signals handled,
    /// 30 s of grace on shutdown, 16 MiB bodies, 1 s polls, 60 s leases.
    pub fn new(state_dir: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            state_dir: state_dir.into(),
            queue: Queue::Sqlite,
            retry: RetryPolicy::default(),
            workers: 4,
            clock: Arc::new(SystemClock),
            secrets: BTreeMap::new(),
            redactor: Redactor::new(),
            handle_signals: true,
            shutdown: None,
            shutdown_grace: Duration::from_secs(30),
            max_body_bytes: 16 * 1024 * 1024,
            poll_interval: Duration::from_secs(1),
            lease: Duration::from_secs(60),
            admin_token: None,
            metrics_access: super::MetricsAccess::Token,
            header_read_timeout: Duration::from_secs(10),
            body_read_timeout: Duration::from_secs(60),
            max_connections: 1024,
            admin_listen: None,
            keep_data: KeepData::All,
            retain: None,
            reply_timeout: Duration::from_secs(10),
            session_lifetime: Duration::from_secs(12 * 3600),
        }
    }
}

impl fmt::Debug for ServeOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServeOptions")
            .field("listen", &self.listen)
            .field("state_dir", &self.state_dir)
            .field("queue", &self.queue)
            .field("retry", &self.retry)
            .field("workers", &self.workers)
            .field("secrets", &self.secrets)
            .field("handle_signals", &self.handle_signals)
            .field("shutdown_grace", &self.shutdown_grace)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("poll_interval", &self.poll_interval)
            .field("lease", &self.lease)
            .field("admin_token", &self.admin_token.as_ref().map(|_| "***"))
            .field("metrics_access", &self.metrics_access)
            .field("header_read_timeout", &self.header_read_timeout)
            .field("body_read_timeout", &self.body_read_timeout)
            .field("max_connections", &self.max_connections)
            .field("admin_listen", &self.admin_listen)
            .field("keep_data", &self.keep_data)
            .field("retain", &self.retain)
            .field("reply_timeout", &self.reply_timeout)
            .field("session_lifetime", &self.session_lifetime)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_from_config_then_env() {
        let config = json!({ "trigger": { "key": "from-file" }, "dhis2": {} });
        let env = |name: &str| match name {
            "FERRY_TRIGGER_KEY" => Some("from-env".to_string()),
            "FERRY_TRIGGER_SECRET" => Some("hmac-secret".to_string()),
            _ => None,
        };
        let s = TriggerSecrets::load(Some(&config), env).unwrap();
        assert_eq!(s.key.as_deref(), Some("from-file"));
        assert_eq!(s.secret.as_deref(), Some("hmac-secret"));
        assert_eq!(s.username, None);
        let debug = format!("{s:?}");
        assert!(!debug.contains("from-file") && !debug.contains("hmac-secret"));
    }

    #[test]
    fn secrets_of_the_wrong_type_name_their_path() {
        let config = json!({ "trigger": { "key": 42 } });
        let err = TriggerSecrets::load(Some(&config), |_| None).unwrap_err();
        assert_eq!(err, "$.trigger.key: expected String, found a number");
        let config = json!({ "trigger": "x" });
        let err = TriggerSecrets::load(Some(&config), |_| None).unwrap_err();
        assert_eq!(err, "$.trigger: expected an object, found a string");
    }

    #[test]
    fn queue_urls_hide_passwords() {
        assert_eq!(Queue::parse("sqlite"), Ok(Queue::Sqlite));
        let q = Queue::parse("postgres://ferry:pw1234@db:5432/ferry").unwrap();
        assert_eq!(
            format!("{q:?}"),
            "Postgres(postgres://ferry:***@db:5432/ferry)"
        );
        let err = Queue::parse("mysql://a:secretpw@x/y").unwrap_err();
        assert!(!err.contains("secretpw"), "{err}");
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let p = RetryPolicy {
            attempts: 5,
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(100),
        };
        assert_eq!(p.delay(1), Duration::from_secs(30));
        assert_eq!(p.delay(2), Duration::from_secs(60));
        assert_eq!(p.delay(3), Duration::from_secs(100));
        assert_eq!(p.delay(40), Duration::from_secs(100));
    }
}
