//! `--queue postgres://...`: several serve processes share one inbox in a real
//! PostgreSQL server (a throwaway cluster per test, see `serve_support`). Each
//! event runs exactly once; each schedule tick fires once across all processes;
//! a run left by a killed process is taken over when its lease runs out; a
//! `reply` webhook answers with the result of a run another process took.

mod serve_support;

use std::collections::BTreeMap;

use serde_json::Value;
use serve_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_share_200_events_and_run_each_exactly_once() {
    let pg = PgCluster::start();
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let job = format!(
        "name=reg;trigger=webhook:/reg;action=post:{}",
        recorder.url("/sink")
    );
    let start = |n: usize| {
        scratch.start_on(
            &format!("state-{n}"),
            &[("--queue", &pg.url), ("--job", &job), ("--workers", "3")],
        )
    };
    let a = start(1);
    let b = start(2);

    let c = client();
    let mut accepted = Vec::new();
    for n in 0..200 {
        let target = if n % 2 == 0 { &a } else { &b };
        let resp = c
            .post(target.url("/reg"))
            .body(format!(r#"{{"n":{n}}}"#))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 202);
        let v: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        accepted.push(v["event_id"].as_str().unwrap().to_string());
    }
    wait_for("200 succeeded runs", || async {
        (runs(&a.base, "status=succeeded&limit=1000").await.len() == 200).then_some(())
    })
    .await;

    let mut per_event: BTreeMap<String, usize> = BTreeMap::new();
    for r in recorder.requests() {
        *per_event
            .entry(r.header("x-event-id").unwrap().to_string())
            .or_default() += 1;
    }
    assert_eq!(per_event.len(), 200, "every event ran");
    assert!(
        per_event.values().all(|n| *n == 1),
        "none ran twice: {per_event:?}"
    );
    accepted.sort();
    assert_eq!(per_event.keys().cloned().collect::<Vec<_>>(), accepted);
    // Either process sees the whole run log.
    assert_eq!(runs(&b.base, "limit=1000").await.len(), 200);
    let done_a = metric(
        &metrics(&a.base).await,
        "ferry_runs_total{job=\"reg\",outcome=\"succeeded\"}",
    );
    let done_b = metric(
        &metrics(&b.base).await,
        "ferry_runs_total{job=\"reg\",outcome=\"succeeded\"}",
    );
    assert_eq!(done_a + done_b, 200.0);
    assert_eq!(pg.psql("SELECT count(*) FROM ferry_attempts"), "200");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_tick_fires_once_across_two_processes() {
    let pg = PgCluster::start();
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let clock = scratch.path().join("clock");
    std::fs::write(&clock, "2026-03-01T22:30:00Z").unwrap();
    let job = format!(
        "name=nightly;trigger=cron:0 2 * * *;tz=Africa/Nairobi;action=post:{}",
        recorder.url("/sink")
    );
    let start = |n: usize| {
        scratch.start_on(
            &format!("state-{n}"),
            &[
                ("--queue", &pg.url),
                ("--job", &job),
                ("--clock-file", clock.to_str().unwrap()),
            ],
        )
    };
    let a = start(1);
    let b = start(2);
    // Both schedules are up: each has read the schedule's state and waits.
    wait_for("both schedules to wait for a tick", || async {
        (a.logs().contains("waiting for the next tick")
            && b.logs().contains("waiting for the next tick"))
        .then_some(())
    })
    .await;

    for (night, tick) in [
        ("2026-03-01T23:00:05Z", "2026-03-01T23:00:00Z"),
        ("2026-03-02T23:00:05Z", "2026-03-02T23:00:00Z"),
    ] {
        std::fs::write(&clock, night).unwrap();
        // Wait until both processes have handled the tick: one fired it, the
        // other found it taken.
        wait_for("both processes to handle the tick", || async {
            let (ma, mb) = (metrics(&a.base).await, metrics(&b.base).await);
            let seen = |m: &str, outcome: &str| {
                metric(
                    m,
                    &format!("ferry_schedule_ticks_total{{job=\"nightly\",outcome=\"{outcome}\"}}"),
                )
            };
            let fired = seen(&ma, "fired") + seen(&mb, "fired");
            let taken = seen(&ma, "taken") + seen(&mb, "taken");
            let n = if night.starts_with("2026-03-01") {
                1.0
            } else {
                2.0
            };
            (fired + taken >= 2.0 * n).then_some(())
        })
        .await;
        let fired = pg.psql(&format!(
            "SELECT count(*) FROM ferry_ticks WHERE outcome = 'fired' AND tick_at = {}",
            tick.parse::<chrono::DateTime<chrono::Utc>>()
                .unwrap()
                .timestamp_millis()
        ));
        assert_eq!(fired, "1", "the tick at {tick} fired once");
    }
    wait_for("two succeeded runs", || async {
        (runs(&a.base, "status=succeeded").await.len() == 2).then_some(())
    })
    .await;
    let fired_at: Vec<String> = recorder
        .requests()
        .iter()
        .map(|r| r.header("x-fired-at").unwrap().to_string())
        .collect();
    assert_eq!(fired_at, ["2026-03-01T23:00:00Z", "2026-03-02T23:00:00Z"]);
    let (ma, mb) = (metrics(&a.base).await, metrics(&b.base).await);
    let fired = metric(
        &ma,
        "ferry_schedule_ticks_total{job=\"nightly\",outcome=\"fired\"}",
    ) + metric(
        &mb,
        "ferry_schedule_ticks_total{job=\"nightly\",outcome=\"fired\"}",
    );
    assert_eq!(fired, 2.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_of_a_killed_process_is_taken_over_after_its_lease() {
    let pg = PgCluster::start();
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let gate = scratch.path().join("go");
    let job = format!(
        "name=reg;trigger=webhook:/reg;block={};action=post:{}",
        gate.display(),
        recorder.url("/sink")
    );
    let start = |n: usize| {
        scratch.start_on(
            &format!("state-{n}"),
            &[
                ("--queue", &pg.url),
                ("--job", &job),
                ("--lease-ms", "3000"),
            ],
        )
    };
    let mut a = start(1);
    let resp = client()
        .post(a.url("/reg"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    wait_run(&a.base, "", "the run to start in A", |r| {
        r["status"] == "running"
    })
    .await;
    a.kill9();

    // B starts while A's lease still holds; it takes the run once the lease is over.
    let b = start(2);
    std::fs::write(&gate, "").unwrap();
    let run = wait_run(&b.base, "", "B to run it", |r| r["status"] == "succeeded").await;
    assert_eq!(run["attempts"], 2);
    assert_eq!(recorder.count(), 1);
    assert!(
        b.logs().contains("stopped renewing their lease"),
        "{}",
        b.logs()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retain_replay_and_keep_data_work_on_postgres_too() {
    let pg = PgCluster::start();
    let scratch = Scratch::new();
    let clock = scratch.file("clock");
    let jobs = [
        ("--queue", pg.url.as_str()),
        ("--clock-file", clock.as_str()),
        ("--keep-data", "errors"),
        ("--job", "name=ok;trigger=webhook:/ok;action=echo"),
        ("--job", "name=bad;trigger=webhook:/bad;action=fail-final"),
    ];
    let mut fx = scratch.start(&jobs);
    for n in 1..=3 {
        std::fs::write(&clock, format!("2026-01-01T00:00:0{n}Z")).unwrap();
        post(&fx.url("/ok"), r#"{"patient":"Amina"}"#).await;
        wait_run(&fx.base, "", "the run", |r| {
            r["id"] == n && r["status"] == "succeeded"
        })
        .await;
    }
    post(&fx.url("/bad"), r#"{"patient":"Baraka"}"#).await;
    let dead = wait_run(&fx.base, "", "the dead run", |r| {
        r["id"] == 4 && r["status"] == "dead"
    })
    .await;
    assert_eq!(dead["failure"], "fail");
    // --keep-data errors: the success kept neither input nor output, the failure its input.
    let ok = run_detail(&fx.base, 3).await;
    assert_eq!(
        (ok["input"].clone(), ok["output"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(
        run_detail(&fx.base, 4).await["input"],
        serde_json::json!({ "patient": "Baraka" })
    );
    let (status, body) = replay(&fx.base, 4, false).await;
    assert_eq!(status, 201, "{body}");
    wait_run(&fx.base, "", "the replay", |r| {
        r["id"] == 5 && r["status"] == "dead" && r["replay_of"] == 4
    })
    .await;
    fx.terminate();
    assert_eq!(fx.wait_exit(), Some(0));

    std::fs::write(&clock, "2026-02-01T00:00:00Z").unwrap();
    let mut flags = jobs.to_vec();
    flags.push(("--retain", "30d"));
    let fx = scratch.start(&flags);
    let m = wait_for("the pruning", || async {
        let m = metrics(&fx.base).await;
        (metric(&m, "ferry_retention_pruned_total{what=\"runs\"}") == 4.0).then_some(m)
    })
    .await;
    assert_eq!(
        metric(&m, "ferry_retention_pruned_total{what=\"events\"}"),
        4.0
    );
    let ids: Vec<i64> = runs(&fx.base, "")
        .await
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [3], "only `ok`'s last success is left");
    let left = pg.psql("SELECT count(*) FROM ferry_events");
    assert_eq!(left.trim(), "1");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_webhook_answers_with_the_result_of_a_run_another_process_took() {
    let pg = PgCluster::start();
    let scratch = Scratch::new();
    let release = scratch.file("release-hold");
    let hold = format!("name=hold;trigger=webhook:/hold;block={release};action=ok");
    let fast = "name=fast;trigger=webhook:/fast;reply=yes;action=echo";
    let refuse = "name=refuse;trigger=webhook:/refuse;reply=yes;action=fail-final";
    let crash = "name=crash;trigger=webhook:/crash;reply=yes;action=fail";
    // A's one worker is held by a job that only A has, so the reply webhooks
    // posted to A are run by B; A's own worker could not answer within the timeout.
    let a = scratch.start_on(
        "state-a",
        &[
            ("--queue", &pg.url),
            ("--workers", "1"),
            ("--attempts", "1"),
            ("--reply-timeout-ms", "5000"),
            ("--job", &hold),
            ("--job", fast),
            ("--job", refuse),
            ("--job", crash),
        ],
    );
    let b = scratch.start_on(
        "state-b",
        &[
            ("--queue", &pg.url),
            ("--attempts", "1"),
            ("--poll-ms", "50"),
            ("--job", fast),
            ("--job", refuse),
            ("--job", crash),
        ],
    );
    let (status, _) = post(&a.url("/hold"), "{}").await;
    assert_eq!(status, 202);
    wait_run(&a.base, "job=hold", "A running the hold", |r| {
        r["status"] == "running"
    })
    .await;

    let (status, body) = post(&a.url("/fast"), r#"{"uid":"Kj6vYde4LHh"}"#).await;
    assert_eq!(
        (status, body),
        (200, serde_json::json!({ "uid": "Kj6vYde4LHh" }))
    );
    let (status, body) = post(&a.url("/refuse"), r#""P-9""#).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "no such patient: \"P-9\"");
    let (status, body) = post(&a.url("/crash"), "{}").await;
    assert_eq!(status, 500);
    assert_eq!(body["error"], "boom");

    // B ran all three: A's worker is still held.
    assert_eq!(
        pg.psql(
            "SELECT count(*) FROM ferry_attempts t JOIN ferry_runs r ON r.id = t.run_id \
             WHERE r.job <> 'hold' AND t.owner <> (SELECT owner FROM ferry_runs WHERE job = 'hold')"
        ),
        "3"
    );
    std::fs::write(&release, "").unwrap();
    wait_run(&b.base, "job=hold", "the hold's end", |r| {
        r["status"] == "succeeded"
    })
    .await;
}
