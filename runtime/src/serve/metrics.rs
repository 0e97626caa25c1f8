//! The counters behind `GET /metrics`, printed in Prometheus' text format (0.0.4).
//!
//! Hand-written rather than through the `prometheus` or `metrics` crates: the set
//! is fixed and small (five counters, one gauge, one histogram), every series is
//! labelled by job, and the text format is a few lines to print; a registry crate
//! would add dependencies to every standalone job executable for no gain.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;

/// The upper bounds of the run duration histogram's buckets, in seconds.
const BUCKETS: [f64; 14] = [
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0,
];

/// Why a webhook request was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rejection {
    Unauthorized,
    BadInput,
    TooLarge,
    /// The body did not arrive within the body-read timeout.
    TimedOut,
    ShuttingDown,
    StoreError,
}

impl Rejection {
    fn as_str(self) -> &'static str {
        match self {
            Rejection::Unauthorized => "unauthorized",
            Rejection::BadInput => "bad_input",
            Rejection::TooLarge => "too_large",
            Rejection::TimedOut => "timed_out",
            Rejection::ShuttingDown => "shutting_down",
            Rejection::StoreError => "store_error",
        }
    }
}

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Default)]
struct Inner {
    accepted: BTreeMap<String, u64>,
    duplicates: BTreeMap<String, u64>,
    rejected: BTreeMap<(String, Rejection), u64>,
    runs: BTreeMap<(String, &'static str), u64>,
    ticks: BTreeMap<(String, &'static str), u64>,
    durations: BTreeMap<String, Histogram>,
    in_progress: BTreeMap<String, i64>,
    /// Requests of the operator API refused for want of the operator token.
    operator_refused: u64,
    connections_open: i64,
    connections_refused: u64,
    /// Rows deleted by `--retain`, by what they were (`runs`, `events`, `ticks`).
    pruned: BTreeMap<&'static str, u64>,
    /// Runs queued again by a replay.
    replays: u64,
}

/// All of serve's metrics. Shared by every task; the lock is held for a few
/// additions at a time.
#[derive(Default)]
pub(crate) struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    /// Metrics with every job's series present at zero.
    pub(crate) fn new<'a>(jobs: impl IntoIterator<Item = &'a str>) -> Metrics {
        let m = Metrics::default();
        {
            let mut i = m.lock();
            for job in jobs {
                i.accepted.insert(job.to_string(), 0);
                i.durations.entry(job.to_string()).or_default();
                i.in_progress.insert(job.to_string(), 0);
                for outcome in ["succeeded", "failed", "dead"] {
                    i.runs.insert((job.to_string(), outcome), 0);
                }
            }
        }
        m
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn accepted(&self, job: &str) {
        *self.lock().accepted.entry(job.to_string()).or_default() += 1;
    }

    pub(crate) fn duplicate(&self, job: &str) {
        *self.lock().duplicates.entry(job.to_string()).or_default() += 1;
    }

    pub(crate) fn rejected(&self, job: &str, why: Rejection) {
        *self
            .lock()
            .rejected
            .entry((job.to_string(), why))
            .or_default() += 1;
    }

    pub(crate) fn tick(&self, job: &str, outcome: &'static str) {
        *self
            .lock()
            .ticks
            .entry((job.to_string(), outcome))
            .or_default() += 1;
    }

    pub(crate) fn connection_opened(&self) {
        self.lock().connections_open += 1;
    }

    pub(crate) fn connection_closed(&self) {
        self.lock().connections_open -= 1;
    }

    pub(crate) fn connection_refused(&self) {
        self.lock().connections_refused += 1;
    }

    pub(crate) fn pruned(&self, what: &'static str, n: u64) {
        *self.lock().pruned.entry(what).or_default() += n;
    }

    pub(crate) fn replayed(&self) {
        self.lock().replays += 1;
    }

    pub(crate) fn operator_refused(&self) {
        self.lock().operator_refused += 1;
    }

    pub(crate) fn started(&self, job: &str) {
        *self.lock().in_progress.entry(job.to_string()).or_default() += 1;
    }

    /// A run's attempt ended (`outcome`: its status), after `seconds`; or it was
    /// interrupted (`outcome` `None`: returned to the queue, not counted).
    pub(crate) fn ended(&self, job: &str, outcome: Option<&'static str>, seconds: f64) {
        let mut i = self.lock();
        *i.in_progress.entry(job.to_string()).or_default() -= 1;
        let Some(outcome) = outcome else { return };
        *i.runs.entry((job.to_string(), outcome)).or_default() += 1;
        let h = i.durations.entry(job.to_string()).or_default();
        for (n, bound) in BUCKETS.iter().enumerate() {
            if seconds <= *bound {
                h.counts[n] += 1;
            }
        }
        h.sum += seconds;
        h.count += 1;
    }

    /// The text of `GET /metrics`.
    pub(crate) fn render(&self) -> String {
        let i = self.lock();
        let mut out = String::new();
        family_into(
            &mut out,
            "ferry_events_accepted_total",
            "counter",
            "Webhook events stored in the inbox (202).",
        );
        for (job, n) in &i.accepted {
            let _ = writeln!(
                out,
                "ferry_events_accepted_total{{job=\"{}\"}} {n}",
                esc(job)
            );
        }
        family_into(
            &mut out,
            "ferry_events_duplicate_total",
            "counter",
            "Webhook events answered with the event of an earlier Idempotency-Key (202, nothing new run).",
        );
        for (job, n) in &i.duplicates {
            let _ = writeln!(
                out,
                "ferry_events_duplicate_total{{job=\"{}\"}} {n}",
                esc(job)
            );
        }
        family_into(
            &mut out,
            "ferry_events_rejected_total",
            "counter",
            "Webhook requests not accepted, by reason (nothing stored).",
        );
        for ((job, why), n) in &i.rejected {
            let _ = writeln!(
                out,
                "ferry_events_rejected_total{{job=\"{}\",reason=\"{}\"}} {n}",
                esc(job),
                why.as_str()
            );
        }
        family_into(
            &mut out,
            "ferry_schedule_ticks_total",
            "counter",
            "Schedule ticks seen by this process: fired here, skipped (previous run not finished), taken (fired by another process).",
        );
        for ((job, outcome), n) in &i.ticks {
            let _ = writeln!(
                out,
                "ferry_schedule_ticks_total{{job=\"{}\",outcome=\"{outcome}\"}} {n}",
                esc(job)
            );
        }
        family_into(
            &mut out,
            "ferry_runs_total",
            "counter",
            "Attempts of runs that ended in this process, by outcome: succeeded, failed (will be retried), dead.",
        );
        for ((job, outcome), n) in &i.runs {
            let _ = writeln!(
                out,
                "ferry_runs_total{{job=\"{}\",outcome=\"{outcome}\"}} {n}",
                esc(job)
            );
        }
        family_into(
            &mut out,
            "ferry_runs_in_progress",
            "gauge",
            "Runs going on in this process now.",
        );
        for (job, n) in &i.in_progress {
            let _ = writeln!(out, "ferry_runs_in_progress{{job=\"{}\"}} {n}", esc(job));
        }
        family_into(
            &mut out,
            "ferry_run_duration_seconds",
            "histogram",
            "How long attempts of runs took, from start to end.",
        );
        for (job, h) in &i.durations {
            let job = esc(job);
            for (n, bound) in BUCKETS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "ferry_run_duration_seconds_bucket{{job=\"{job}\",le=\"{bound}\"}} {}",
                    h.counts[n]
                );
            }
            let _ = writeln!(
                out,
                "ferry_run_duration_seconds_bucket{{job=\"{job}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "ferry_run_duration_seconds_sum{{job=\"{job}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "ferry_run_duration_seconds_count{{job=\"{job}\"}} {}",
                h.count
            );
        }
        family_into(
            &mut out,
            "ferry_operator_refused_total",
            "counter",
            "Requests of the operator API (/runs, /metrics) refused without the operator token.",
        );
        let _ = writeln!(out, "ferry_operator_refused_total {}", i.operator_refused);
        family_into(
            &mut out,
            "ferry_connections_open",
            "gauge",
            "HTTP connections open now.",
        );
        let _ = writeln!(out, "ferry_connections_open {}", i.connections_open);
        family_into(
            &mut out,
            "ferry_connections_refused_total",
            "counter",
            "HTTP connections closed at once because the connection limit was reached.",
        );
        let _ = writeln!(
            out,
            "ferry_connections_refused_total {}",
            i.connections_refused
        );
        family_into(
            &mut out,
            "ferry_retention_pruned_total",
            "counter",
            "Rows deleted by --retain in this process: ended runs (with their attempts), their events, schedule ticks.",
        );
        for what in ["runs", "events", "ticks"] {
            let n = i.pruned.get(what).copied().unwrap_or(0);
            let _ = writeln!(out, "ferry_retention_pruned_total{{what=\"{what}\"}} {n}");
        }
        family_into(
            &mut out,
            "ferry_replays_total",
            "counter",
            "Runs queued again by a replay (POST /runs/{id}/replay, bulk or from the page) in this process.",
        );
        let _ = writeln!(out, "ferry_replays_total {}", i.replays);
        out
    }
}

fn family_into(out: &mut String, name: &str, kind: &str, help: &str) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
}

/// A label value escaped for the text format.
fn esc(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_histogram() {
        let m = Metrics::new(["reg"]);
        m.accepted("reg");
        m.rejected("reg", Rejection::Unauthorized);
        m.started("reg");
        m.ended("reg", Some("succeeded"), 0.2);
        let text = m.render();
        assert!(text.contains("ferry_events_accepted_total{job=\"reg\"} 1\n"));
        assert!(
            text.contains("ferry_events_rejected_total{job=\"reg\",reason=\"unauthorized\"} 1\n")
        );
        assert!(text.contains("ferry_runs_total{job=\"reg\",outcome=\"succeeded\"} 1\n"));
        assert!(text.contains("ferry_run_duration_seconds_bucket{job=\"reg\",le=\"0.1\"} 0\n"));
        assert!(text.contains("ferry_run_duration_seconds_bucket{job=\"reg\",le=\"0.25\"} 1\n"));
        assert!(text.contains("ferry_run_duration_seconds_count{job=\"reg\"} 1\n"));
        assert!(text.contains("ferry_runs_in_progress{job=\"reg\"} 0\n"));
        assert!(text.contains("# TYPE ferry_run_duration_seconds histogram\n"));
    }
}
