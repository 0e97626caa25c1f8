//! Schedules under a clock the test moves by hand (in process, jobs as Rust
//! closures): cron in a time zone, `trigger.fired_at` and `last_success`, no
//! overlapping runs, one catch-up run after downtime.

mod serve_support;

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use ferry_runtime::serve::{
    Job, ManualClock, RunResult, Running, ServeOptions, Trigger, TriggerContext,
};
use serve_support::*;

/// A job whose runs record their context and may wait for a gate.
struct ClosureJob {
    name: String,
    trigger: Trigger,
    seen: Mutex<Vec<TriggerContext>>,
    gate_open: AtomicBool,
    running: AtomicUsize,
    most_at_once: AtomicUsize,
}

impl ClosureJob {
    fn new(name: &str, trigger: Trigger, gate_open: bool) -> Arc<ClosureJob> {
        Arc::new(ClosureJob {
            name: name.into(),
            trigger,
            seen: Mutex::new(Vec::new()),
            gate_open: AtomicBool::new(gate_open),
            running: AtomicUsize::new(0),
            most_at_once: AtomicUsize::new(0),
        })
    }

    fn seen(&self) -> Vec<TriggerContext> {
        self.seen.lock().unwrap().clone()
    }
}

impl Job for ClosureJob {
    fn name(&self) -> &str {
        &self.name
    }

    fn trigger(&self) -> &Trigger {
        &self.trigger
    }

    fn validate_input(&self, _: &[u8]) -> Result<(), String> {
        Ok(())
    }

    fn run(&self, input: &[u8], context: &TriggerContext) -> RunResult {
        assert_eq!(input, b"null", "a scheduled run's input is null");
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_at_once.fetch_max(now, Ordering::SeqCst);
        self.seen.lock().unwrap().push(context.clone());
        while !self.gate_open.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(10));
        }
        self.running.fetch_sub(1, Ordering::SeqCst);
        RunResult::success(Some("null".into()))
    }
}

fn t(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

async fn start(state: &Path, clock: &ManualClock, job: Arc<ClosureJob>) -> Running {
    let mut options = ServeOptions::new(state);
    options.listen = "127.0.0.1:0".parse().unwrap();
    options.clock = Arc::new(clock.clone());
    options.handle_signals = false;
    options.poll_interval = Duration::from_millis(20);
    options.admin_token = Some(OPERATOR_TOKEN.into());
    ferry_runtime::serve::start(vec![job as Arc<dyn Job>], options)
        .await
        .expect("serve starts")
}

/// Rows of the schedule's state, read from the inbox directly.
fn ticks(state: &Path, outcome: &str) -> usize {
    let conn = rusqlite::Connection::open(state.join("ferry.db")).unwrap();
    conn.query_row(
        "SELECT count(*) FROM ticks WHERE outcome = ?1",
        [outcome],
        |r| r.get::<_, i64>(0),
    )
    .unwrap_or(0) as usize
}

async fn wait_ticks(state: &Path, outcome: &str, n: usize) {
    let what = format!("{n} tick(s) {outcome}");
    wait_for(&what, || async {
        (ticks(state, outcome) >= n).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cron_fires_at_the_right_minute_in_its_time_zone() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let clock = ManualClock::new(t("2026-03-01T22:00:00Z"));
    let job = ClosureJob::new(
        "nightly",
        Trigger::Cron {
            schedule: "0 2 * * *".into(),
            tz: Some("Africa/Nairobi".into()),
        },
        true,
    );
    let running = start(&state, &clock, job.clone()).await;
    let base = format!("http://{}", running.addr());
    wait_ticks(&state, "start", 1).await;

    clock.set(t("2026-03-01T22:59:59Z"));
    clock.set(t("2026-03-01T23:00:20Z"));
    wait_run(&base, "", "the 02:00 Nairobi run", |r| {
        r["status"] == "succeeded"
    })
    .await;
    let seen = job.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(
        seen[0].fired_at, "2026-03-01T23:00:00Z",
        "02:00 in Nairobi is 23:00 UTC"
    );
    assert_eq!(seen[0].last_success, None);
    assert!(seen[0].headers.is_empty());

    clock.set(t("2026-03-02T22:59:00Z"));
    clock.set(t("2026-03-02T23:00:00Z"));
    wait_for("the second night's run", || async {
        (runs(&base, "status=succeeded").await.len() == 2).then_some(())
    })
    .await;
    let seen = job.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].fired_at, "2026-03-02T23:00:00Z");
    assert_eq!(
        seen[1].last_success.as_deref(),
        Some("2026-03-01T23:00:20Z"),
        "the start of the last successful run"
    );
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_of_one_job_never_overlap_ticks_during_a_slow_run_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let clock = ManualClock::new(t("2026-03-01T00:00:30Z"));
    let job = ClosureJob::new(
        "every_minute",
        Trigger::Every(Duration::from_secs(60)),
        false,
    );
    let running = start(&state, &clock, job.clone()).await;
    let base = format!("http://{}", running.addr());
    wait_ticks(&state, "start", 1).await;

    clock.set(t("2026-03-01T00:01:00Z"));
    wait_run(&base, "", "the first run to start", |r| {
        r["status"] == "running"
    })
    .await;
    clock.set(t("2026-03-01T00:02:00Z"));
    wait_ticks(&state, "skipped", 1).await;
    clock.set(t("2026-03-01T00:03:00Z"));
    wait_ticks(&state, "skipped", 2).await;

    job.gate_open.store(true, Ordering::SeqCst);
    wait_run(&base, "", "the slow run to finish", |r| {
        r["status"] == "succeeded"
    })
    .await;
    clock.set(t("2026-03-01T00:04:00Z"));
    wait_for("the next run", || async {
        (runs(&base, "status=succeeded").await.len() == 2).then_some(())
    })
    .await;

    assert_eq!(job.most_at_once.load(Ordering::SeqCst), 1);
    let fired: Vec<String> = job.seen().into_iter().map(|c| c.fired_at).collect();
    assert_eq!(fired, ["2026-03-01T00:01:00Z", "2026-03-01T00:04:00Z"]);
    assert_eq!(ticks(&state, "fired"), 2);
    assert_eq!(ticks(&state, "skipped"), 2);
    let m = metrics(&base).await;
    assert_eq!(
        metric(
            &m,
            "ferry_schedule_ticks_total{job=\"every_minute\",outcome=\"skipped\"}"
        ),
        2.0
    );
    running.shutdown();
    running.wait().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_downtime_the_missed_ticks_come_to_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    let clock = ManualClock::new(t("2026-03-01T22:00:00Z"));
    let trigger = Trigger::Cron {
        schedule: "0 2 * * *".into(),
        tz: Some("Africa/Nairobi".into()),
    };
    let job = ClosureJob::new("nightly", trigger.clone(), true);
    let running = start(&state, &clock, job.clone()).await;
    let base = format!("http://{}", running.addr());
    wait_ticks(&state, "start", 1).await;
    clock.set(t("2026-03-01T23:00:00Z"));
    wait_run(&base, "", "the first night's run", |r| {
        r["status"] == "succeeded"
    })
    .await;
    running.shutdown();
    running.wait().await.unwrap();

    // Down for three nights and a half.
    clock.set(t("2026-03-05T10:00:00Z"));
    let job = ClosureJob::new("nightly", trigger, true);
    let running = start(&state, &clock, job.clone()).await;
    let base = format!("http://{}", running.addr());
    wait_for("the catch-up run", || async {
        (runs(&base, "status=succeeded").await.len() == 2).then_some(())
    })
    .await;
    let seen = job.seen();
    assert_eq!(seen.len(), 1, "one run for the missed nights, not three");
    assert_eq!(
        seen[0].fired_at, "2026-03-04T23:00:00Z",
        "the latest missed tick"
    );
    assert_eq!(
        seen[0].last_success.as_deref(),
        Some("2026-03-01T23:00:00Z")
    );

    // And the schedule goes on as usual.
    clock.set(t("2026-03-05T23:00:00Z"));
    wait_for("the next night's run", || async {
        (runs(&base, "status=succeeded").await.len() == 3).then_some(())
    })
    .await;
    assert_eq!(job.seen().len(), 2);
    assert_eq!(job.seen()[1].fired_at, "2026-03-05T23:00:00Z");
    assert_eq!(ticks(&state, "fired"), 3);
    running.shutdown();
    running.wait().await.unwrap();
}
