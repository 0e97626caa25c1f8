//! The operator page over a large run log: 100,000 runs in the SQLite inbox,
//! and how long serve takes to answer the page (a page of 50 runs, the 24-hour
//! chart, the schedules) and the JSON list, from request to the last byte, on
//! loopback. Prints a table; "first" is each request's first time (the page's
//! chart counts are then reused for 10 s, see `serve::page`).
//!
//!     cargo bench -p ferry-runtime --bench serve_page
//!
//! `FERRY_BENCH_RUNS` (default 100000) changes the size of the run log.

#[path = "../tests/serve_support/mod.rs"]
mod serve_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use ferry_runtime::serve::{Job, RunResult, ServeOptions, Trigger, TriggerContext, WebhookAuth};

const TOKEN: &str = "bench-operator-token";

struct Noop(Trigger);

impl Job for Noop {
    fn name(&self) -> &str {
        "registration"
    }
    fn trigger(&self) -> &Trigger {
        &self.0
    }
    fn validate_input(&self, _: &[u8]) -> Result<(), String> {
        Ok(())
    }
    fn run(&self, _: &[u8], _: &TriggerContext) -> RunResult {
        RunResult::success(None)
    }
}

fn options(state: &std::path::Path) -> ServeOptions {
    let mut o = ServeOptions::new(state);
    o.listen = "127.0.0.1:0".parse().unwrap();
    o.handle_signals = false;
    o.admin_token = Some(TOKEN.into());
    o
}

fn job() -> Arc<dyn Job> {
    Arc::new(Noop(Trigger::Webhook {
        path: "/hook".into(),
        auth: WebhookAuth::None,
        reply: false,
    }))
}

/// Writes `n` ended runs (and their events) straight into the inbox, spread
/// over the last two days, most succeeded, some dead, a few failed.
fn fill(state: &std::path::Path, n: usize) {
    let mut conn = rusqlite::Connection::open(state.join("ferry.db")).unwrap();
    let tx = conn.transaction().unwrap();
    let now = chrono::Utc::now().timestamp_millis();
    {
        let mut event = tx
            .prepare(
                "INSERT INTO events (id, job, kind, fired_at, headers, body)
                 VALUES (?1, 'registration', 'webhook', ?2, '[]', ?3)",
            )
            .unwrap();
        let mut run = tx
            .prepare(
                "INSERT INTO runs (event_id, job, status, attempts, due_at, created_at, started_at,
                   finished_at, exit_code, output, error, failure, version, logs)
                 VALUES (?1, 'registration', ?2, 1, ?3, ?3, ?3, ?3 + 200, ?4, ?5, ?6, ?7, 'a1b2c3d4e5f6', '[]')",
            )
            .unwrap();
        for i in 0..n {
            let at = now - 48 * 3_600_000 + (i as i64 * 48 * 3_600_000 / n as i64);
            let id = format!("evt_{i:016x}");
            let body = format!(
                r#"{{"form":{{"patient_name":"Patient {i}","visit":{{"weight_kg":61.5}}}}}}"#
            );
            event
                .execute(rusqlite::params![id, at, body.as_bytes()])
                .unwrap();
            let (status, code, output, error, failure) = match i % 20 {
                0 => (
                    "dead",
                    1,
                    None,
                    Some("dhis2: POST answered 409 Conflict"),
                    Some("rejected"),
                ),
                1 => (
                    "failed",
                    1,
                    None,
                    Some("dhis2: POST answered 503"),
                    Some("transient"),
                ),
                _ => ("succeeded", 0, Some(r#"{"uid":"Kj6vYde4LHh"}"#), None, None),
            };
            run.execute(rusqlite::params![
                id, status, at, code, output, error, failure
            ])
            .unwrap();
        }
    }
    tx.commit().unwrap();
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn main() {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(bench());
}

async fn bench() {
    let n: usize = std::env::var("FERRY_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state");
    // A first start creates the schema.
    let first = ferry_runtime::serve::start(vec![job()], options(&state))
        .await
        .unwrap();
    first.shutdown();
    first.wait().await.unwrap();
    let filled = Instant::now();
    fill(&state, n);
    eprintln!("wrote {n} runs in {:.1} s", filled.elapsed().as_secs_f64());

    let running = ferry_runtime::serve::start(vec![job()], options(&state))
        .await
        .unwrap();
    let base = format!("http://{}", running.addr());
    let client = serve_support::client();
    let middle = n / 2;
    let cases = [
        ("page: newest 50", "/".to_string()),
        ("page: status=dead", "/?status=dead".to_string()),
        (
            "page: job and last 24 h",
            format!("/?job=registration&since={}", {
                let t = chrono::Utc::now() - chrono::Duration::hours(24);
                t.format("%Y-%m-%dT%H:%M")
            }),
        ),
        ("page: 50 after the middle", format!("/?after={middle}")),
        ("page: a run", format!("/run/{middle}")),
        ("json: /runs?limit=100", "/runs?limit=100".to_string()),
    ];
    const TIMES: usize = 50;
    println!(
        "| request (over {n} runs) | first ms | requests | p50 ms | p99 ms | max ms | bytes |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (name, path) in cases {
        let mut ms = Vec::with_capacity(TIMES);
        let mut bytes = 0;
        for _ in 0..TIMES {
            let began = Instant::now();
            let resp = client
                .get(format!("{base}{path}"))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap();
            assert_eq!(resp.status(), 200, "{path}");
            bytes = resp.bytes().await.unwrap().len();
            ms.push(began.elapsed().as_secs_f64() * 1000.0);
        }
        let first = ms[0];
        ms.sort_by(f64::total_cmp);
        println!(
            "| {name} | {first:.2} | {TIMES} | {:.2} | {:.2} | {:.2} | {bytes} |",
            percentile(&ms, 0.5),
            percentile(&ms, 0.99),
            ms[ms.len() - 1]
        );
    }
    running.shutdown();
    let _ = tokio::time::timeout(Duration::from_secs(30), running.wait()).await;
}
