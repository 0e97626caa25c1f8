//! The boundary between `serve` and a compiled job: the [`Job`] trait, what a job
//! is triggered by ([`Trigger`]), what a run is told ([`TriggerContext`]) and what it
//! answers ([`RunResult`]).
//!
//! Compiled job code is synchronous. `serve` calls [`Job::run`] on a thread of its
//! own that is not a tokio worker (and has no tokio context), so that the job may
//! block on the runtime's global tokio runtime as `ferry run` does; it also calls
//! [`Job::validate_input`] off the tokio workers.

use std::fmt;
use std::time::Duration;

pub use crate::failure::Failure;

/// One job that `serve` can honour. The lead's compiled jobs (JIT or linked)
/// implement it; the tests implement it with closures.
pub trait Job: Send + Sync + 'static {
    /// The job's name (its file stem): the `job` of events, runs and metrics.
    fn name(&self) -> &str;

    /// The job's `trigger` declaration.
    fn trigger(&self) -> &Trigger;

    /// Checks a webhook body against the job's `input:` type. `Err` is the message,
    /// naming the JSON path (`$.form.visit.weight_kg: expected Float, found "61,5"`).
    fn validate_input(&self, body: &[u8]) -> Result<(), String>;

    /// The job's version: a hash of its source and adaptors, recorded with each
    /// run so that the history says which code produced it (empty: unknown).
    fn version(&self) -> &str {
        ""
    }

    /// Runs the job once, synchronously, on a thread that `serve` owns. `input` is
    /// the webhook body, or `null` for a scheduled run. Must not panic across this
    /// boundary; `serve` catches a panic anyway and records it as exit code 3.
    fn run(&self, input: &[u8], context: &TriggerContext) -> RunResult;
}

/// What starts a job's runs (docs/triggers.md).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trigger {
    /// `trigger webhook "/path" [auth ...] [reply]`: one run per accepted POST;
    /// with `reply` the caller waits for the run's result.
    Webhook {
        path: String,
        auth: WebhookAuth,
        reply: bool,
    },
    /// `trigger cron "0 2 * * *" [tz "Africa/Nairobi"]`: a 5-field cron expression in
    /// an IANA time zone (`None`: UTC).
    Cron {
        schedule: String,
        tz: Option<String>,
    },
    /// `trigger every 15m`.
    Every(Duration),
    /// No trigger: the job runs once (`job run`); `serve` refuses it.
    None,
}

/// How a webhook authenticates its callers. The credentials themselves come from
/// the job's config section `trigger` ([`super::TriggerSecrets`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WebhookAuth {
    /// Anyone may post.
    None,
    /// `auth api_key("X-Api-Key")`: the header must carry `trigger.key`.
    ApiKey { header: String },
    /// `auth basic`: `Authorization: Basic` with `trigger.username` and `trigger.password`.
    Basic,
    /// `auth hmac_sha256("X-Signature")`: the header carries the hex HMAC-SHA256 of
    /// the raw body keyed with `trigger.secret` (a `sha256=` prefix is allowed).
    HmacSha256 { header: String },
}

impl Trigger {
    /// The trigger's kind as stored with events: `webhook`, `cron`, `every`, `none`.
    pub fn kind(&self) -> &'static str {
        match self {
            Trigger::Webhook { .. } => "webhook",
            Trigger::Cron { .. } => "cron",
            Trigger::Every(_) => "every",
            Trigger::None => "none",
        }
    }
}

/// What a run knows of what started it: `trigger.fired_at`, `trigger.last_success`,
/// `trigger.headers` in the job, and the event it runs for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TriggerContext {
    /// When the event was accepted (webhook) or the schedule's tick (cron, every),
    /// RFC 3339 in UTC.
    pub fired_at: String,
    /// The start of the job's last successful run, RFC 3339 (cron and every jobs;
    /// `None` before the first success and for webhooks).
    pub last_success: Option<String>,
    /// The webhook request's headers, names in lower case, in the order received;
    /// the credentials (`Authorization`, an API key header, `Cookie`) are left out.
    /// Empty for scheduled runs.
    pub headers: Vec<(String, String)>,
    /// The event's id (as answered to the webhook's caller).
    pub event_id: String,
}

/// How one run ended.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RunResult {
    /// docs/running.md: 0 success or `skip`, 1 the job failed, 2 bad input or config,
    /// 3 an internal error.
    pub exit_code: i32,
    /// The job's output as JSON text (`None` when it failed).
    pub output: Option<String>,
    /// Why it failed (already redacted by the job; `serve` redacts it again).
    pub error: Option<String>,
    /// The job's `log` and `warn` lines, in order.
    pub logs: Vec<LogLine>,
    /// What kind of failure it was, which decides whether `serve` retries it;
    /// `None` on success, or when the job does not say (then the exit code
    /// decides: see [`Failure::of_exit_code`]).
    pub failure: Option<Failure>,
    /// The reason of a `skip "reason"`.
    pub skipped: Option<String>,
}

impl RunResult {
    /// A successful run with this output.
    pub fn success(output: Option<String>) -> RunResult {
        RunResult {
            exit_code: 0,
            output,
            ..RunResult::default()
        }
    }

    /// A failed run (exit code 1) with this reason, of a kind the job does not
    /// say (retried).
    pub fn failure(error: impl Into<String>) -> RunResult {
        RunResult {
            exit_code: 1,
            error: Some(error.into()),
            ..RunResult::default()
        }
    }

    /// A failed run of this kind: exit code 2 for [`Failure::BadInput`], 3 for
    /// [`Failure::Internal`], 1 otherwise.
    pub fn failed(kind: Failure, error: impl Into<String>) -> RunResult {
        let exit_code = match kind {
            Failure::BadInput => 2,
            Failure::Internal => 3,
            _ => 1,
        };
        RunResult {
            exit_code,
            error: Some(error.into()),
            failure: Some(kind),
            ..RunResult::default()
        }
    }

    /// The kind of failure that ended the run (`None` if it succeeded).
    pub fn failure_kind(&self) -> Option<Failure> {
        match (self.exit_code, self.failure) {
            (0, _) => None,
            (_, Some(kind)) => Some(kind),
            (code, None) => Some(Failure::of_exit_code(code)),
        }
    }
}

/// One line a job logged.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogLine {
    pub level: LogLevel,
    pub message: String,
    /// When, RFC 3339 (may be empty if the job does not say).
    pub at: String,
}

/// `log` is `Info`, `warn` is `Warn`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogLevel {
    Info,
    Warn,
}

impl LogLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            LogLevel::Info => "info",
            LogLevel::Warn => "warn",
        }
    }
}

impl fmt::Display for LogLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
