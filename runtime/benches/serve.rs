//! The serve benchmark: webhook events accepted per second into the durable
//! inbox, and the end-to-end latency of a trivial job (request sent -> job done),
//! on SQLite (synchronous=FULL) and on PostgreSQL (fsync on, a throwaway cluster
//! as in the tests). Load comes from an in-process tokio HTTP client on loopback.
//! Prints a table.
//!
//!     cargo bench -p ferry-runtime --bench serve
//!
//! `FERRY_BENCH_EVENTS` (default 5000) and `FERRY_BENCH_CONCURRENCY` (default 64)
//! change the load. Without PostgreSQL installed, its rows are left out.

#[path = "../tests/serve_support/mod.rs"]
mod serve_support;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferry_runtime::serve::{
    Job, Queue, RunResult, ServeOptions, Trigger, TriggerContext, WebhookAuth,
};
use tokio::sync::Semaphore;

/// A job that notes when it ran each event.
struct Trivial {
    trigger: Trigger,
    done: Arc<Mutex<HashMap<String, Instant>>>,
}

impl Job for Trivial {
    fn name(&self) -> &str {
        "bench"
    }
    fn trigger(&self) -> &Trigger {
        &self.trigger
    }
    fn validate_input(&self, body: &[u8]) -> Result<(), String> {
        serde_json::from_slice::<serde_json::Value>(body)
            .map(|_| ())
            .map_err(|e| format!("$: {e}"))
    }
    fn run(&self, _: &[u8], context: &TriggerContext) -> RunResult {
        self.done
            .lock()
            .unwrap()
            .insert(context.event_id.clone(), Instant::now());
        RunResult::success(Some("{}".into()))
    }
}

struct Row {
    queue: &'static str,
    phase: String,
    events: usize,
    accepted_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// Sends `events` webhooks, `concurrency` at a time; returns accepted/s and the
/// end-to-end latencies (ms).
async fn load(
    base: &str,
    events: usize,
    concurrency: usize,
    done: &Arc<Mutex<HashMap<String, Instant>>>,
) -> (f64, Vec<f64>) {
    let client = serve_support::client();
    let gate = Arc::new(Semaphore::new(concurrency));
    let sent: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let began = Instant::now();
    let mut tasks = Vec::with_capacity(events);
    for n in 0..events {
        let permit = gate.clone().acquire_owned().await.expect("semaphore");
        let client = client.clone();
        let url = format!("{base}/hook");
        let sent = sent.clone();
        tasks.push(tokio::spawn(async move {
            let at = Instant::now();
            let resp = client
                .post(url)
                .body(format!(r#"{{"n":{n},"form":{{"name":"bench"}}}}"#))
                .send()
                .await
                .expect("request");
            assert_eq!(resp.status(), 202);
            let v: serde_json::Value =
                serde_json::from_slice(&resp.bytes().await.expect("body")).expect("json");
            sent.lock()
                .unwrap()
                .push((v["event_id"].as_str().unwrap().to_string(), at));
            drop(permit);
        }));
    }
    for t in tasks {
        t.await.expect("task");
    }
    let accepted_per_s = events as f64 / began.elapsed().as_secs_f64();
    let deadline = Instant::now() + Duration::from_secs(300);
    while done.lock().unwrap().len() < events {
        assert!(Instant::now() < deadline, "the runs did not finish");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let done = done.lock().unwrap();
    let mut latencies: Vec<f64> = sent
        .lock()
        .unwrap()
        .iter()
        .map(|(id, at)| done[id].duration_since(*at).as_secs_f64() * 1000.0)
        .collect();
    latencies.sort_by(f64::total_cmp);
    (accepted_per_s, latencies)
}

async fn bench_queue(
    queue_name: &'static str,
    queue: Queue,
    events: usize,
    concurrency: usize,
) -> Vec<Row> {
    let dir = tempfile::tempdir().expect("tempdir");
    let done: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let job = Arc::new(Trivial {
        trigger: Trigger::Webhook {
            path: "/hook".into(),
            auth: WebhookAuth::None,
            reply: false,
        },
        done: done.clone(),
    });
    let mut options = ServeOptions::new(dir.path().join("state"));
    options.listen = "127.0.0.1:0".parse().unwrap();
    options.queue = queue;
    options.handle_signals = false;
    options.workers = 4;
    options.poll_interval = Duration::from_millis(100);
    let running = ferry_runtime::serve::start(vec![job as Arc<dyn Job>], options)
        .await
        .expect("serve starts");
    let base = format!("http://{}", running.addr());

    let mut rows = Vec::new();
    // Warm-up.
    let _ = load(&base, 200, concurrency, &done).await;
    done.lock().unwrap().clear();
    let (rate, lat) = load(&base, events, concurrency, &done).await;
    rows.push(Row {
        queue: queue_name,
        phase: format!("load, {concurrency} in flight"),
        events,
        accepted_per_s: rate,
        p50_ms: percentile(&lat, 0.5),
        p99_ms: percentile(&lat, 0.99),
    });
    done.lock().unwrap().clear();
    let n = (events / 10).max(100);
    let (rate, lat) = load(&base, n, 1, &done).await;
    rows.push(Row {
        queue: queue_name,
        phase: "one at a time".into(),
        events: n,
        accepted_per_s: rate,
        p50_ms: percentile(&lat, 0.5),
        p99_ms: percentile(&lat, 0.99),
    });
    running.shutdown();
    running.wait().await.expect("serve stops");
    rows
}

fn main() {
    let events: usize = std::env::var("FERRY_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5000);
    let concurrency: usize = std::env::var("FERRY_BENCH_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let mut rows = runtime.block_on(bench_queue("sqlite", Queue::Sqlite, events, concurrency));
    let have_pg = std::path::Path::new("/usr/lib/postgresql").exists();
    if have_pg {
        let pg = serve_support::PgCluster::start_with(true);
        rows.extend(runtime.block_on(bench_queue(
            "postgres",
            Queue::Postgres(pg.url.clone()),
            events,
            concurrency,
        )));
    } else {
        eprintln!("PostgreSQL is not installed: its rows are left out (run .ci/setup)");
    }
    println!(
        "\nserve benchmark: {} cores, trivial job, 4 workers, loopback HTTP/1.1\n",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| queue    | phase                | events | accepted/s | e2e p50 ms | e2e p99 ms |");
    println!("|----------|----------------------|-------:|-----------:|-----------:|-----------:|");
    for r in rows {
        println!(
            "| {:<8} | {:<20} | {:>6} | {:>10.0} | {:>10.2} | {:>10.2} |",
            r.queue, r.phase, r.events, r.accepted_per_s, r.p50_ms, r.p99_ms
        );
    }
}
