//! What survives: `kill -9` in the middle of a run, retries and the dead letter,
//! and graceful shutdown (SIGTERM), with the fixture as a real process.

mod serve_support;

use serde_json::Value;
use serve_support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_during_a_run_then_restart_runs_the_event_exactly_once_more() {
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let gate = scratch.path().join("go");
    let job = format!(
        "name=reg;trigger=webhook:/reg;block={};action=post:{}",
        gate.display(),
        recorder.url("/sink")
    );
    let a: Vec<(&str, &str)> = vec![("--job", &job)];

    let mut first = scratch.start(&a);
    let resp = client()
        .post(first.url("/reg"))
        .body(r#"{"id":"kept"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let event: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    let event_id = event["event_id"].as_str().unwrap().to_string();
    // Accepted, and a worker is inside the job (blocked on the gate).
    wait_run(&first.base, "", "the run to start", |r| {
        r["status"] == "running"
    })
    .await;
    first.kill9();
    assert_eq!(recorder.count(), 0, "the job never got past its gate");

    let second = scratch.start(&a);
    std::fs::write(&gate, "").unwrap();
    let run = wait_run(&second.base, "", "the run to succeed", |r| {
        r["status"] == "succeeded"
    })
    .await;
    assert_eq!(run["event_id"], event_id.as_str());
    assert_eq!(run["attempts"], 2, "the interrupted attempt and this one");
    assert_eq!(recorder.count(), 1, "exactly once more");
    let received = &recorder.requests()[0];
    assert_eq!(received.body, br#"{"id":"kept"}"#);
    assert_eq!(received.header("x-event-id"), Some(event_id.as_str()));
    assert_eq!(runs(&second.base, "").await.len(), 1);
    assert!(
        second
            .logs()
            .contains("queued again the runs a stopped process left running")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_accepted_before_a_kill_9_all_run_after_restart() {
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let gate = scratch.path().join("go");
    let job = format!(
        "name=reg;trigger=webhook:/reg;block={};action=post:{}",
        gate.display(),
        recorder.url("/sink")
    );
    let a: Vec<(&str, &str)> = vec![("--job", &job), ("--workers", "2")];
    let mut first = scratch.start(&a);
    let mut ids = Vec::new();
    for n in 0..20 {
        let resp = client()
            .post(first.url("/reg"))
            .body(format!(r#"{{"n":{n}}}"#))
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 202);
        let v: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        ids.push(v["event_id"].as_str().unwrap().to_string());
    }
    first.kill9();

    let second = scratch.start(&a);
    std::fs::write(&gate, "").unwrap();
    wait_for("20 runs to succeed", || async {
        (runs(&second.base, "status=succeeded").await.len() == 20).then_some(())
    })
    .await;
    let mut seen: Vec<String> = recorder
        .requests()
        .iter()
        .map(|r| r.header("x-event-id").unwrap().to_string())
        .collect();
    seen.sort();
    ids.sort();
    assert_eq!(seen, ids, "every accepted event ran, once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_is_retried_with_backoff_then_dead_lettered() {
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let job = format!(
        "name=flaky;trigger=webhook:/flaky;action=post-fail:{}",
        recorder.url("/sink")
    );
    let fx = scratch.start(&[
        ("--job", &job),
        ("--attempts", "3"),
        ("--backoff-ms", "100"),
    ]);
    let resp = client()
        .post(fx.url("/flaky"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    // Between attempts it is `failed`, waiting for its retry.
    wait_run(
        &fx.base,
        "status=failed",
        "a failed run waiting for a retry",
        |r| r["error"] == "boom after posting",
    )
    .await;
    let run = wait_run(&fx.base, "status=dead", "the dead letter", |_| true).await;
    assert_eq!(run["attempts"], 3);
    assert_eq!(run["error"], "boom after posting");
    assert_eq!(recorder.count(), 3, "three attempts, then no more");
    let m = metrics(&fx.base).await;
    assert_eq!(
        metric(&m, "ferry_runs_total{job=\"flaky\",outcome=\"failed\"}"),
        2.0
    );
    assert_eq!(
        metric(&m, "ferry_runs_total{job=\"flaky\",outcome=\"dead\"}"),
        1.0
    );
    let logs = fx.logs();
    assert!(logs.contains("run failed for good (dead letter)"), "{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_job_is_an_internal_error_not_a_crash() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[
        ("--job", "name=p;trigger=webhook:/p;action=panic"),
        ("--job", "name=ok;trigger=webhook:/ok"),
        ("--attempts", "1"),
    ]);
    client().post(fx.url("/p")).body("{}").send().await.unwrap();
    let run = wait_run(&fx.base, "job=p", "the dead run", |r| r["status"] == "dead").await;
    assert!(
        run["error"]
            .as_str()
            .unwrap()
            .contains("the job panicked: the fixture panics"),
        "{run}"
    );
    // serve goes on.
    client()
        .post(fx.url("/ok"))
        .body("{}")
        .send()
        .await
        .unwrap();
    wait_run(&fx.base, "job=ok", "the next run", |r| {
        r["status"] == "succeeded"
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_refuses_new_events_finishes_the_running_one_and_exits() {
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let gate = scratch.path().join("go");
    let job = format!(
        "name=reg;trigger=webhook:/reg;block={};action=post:{}",
        gate.display(),
        recorder.url("/sink")
    );
    let a: Vec<(&str, &str)> = vec![("--job", &job)];
    let mut fx = scratch.start(&a);
    client()
        .post(fx.url("/reg"))
        .body("{}")
        .send()
        .await
        .unwrap();
    wait_run(&fx.base, "", "the run to start", |r| {
        r["status"] == "running"
    })
    .await;

    fx.terminate();
    // Polled on /healthz: a webhook posted before the signal lands would be
    // accepted, and be one more event to run.
    wait_for("the shutdown to begin", || async {
        let resp = client().get(fx.url("/healthz")).send().await.ok()?;
        (resp.status() == 503).then_some(())
    })
    .await;
    let refused = client()
        .post(fx.url("/reg"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 503);
    assert!(
        fx.child.try_wait().unwrap().is_none(),
        "still finishing the run"
    );

    std::fs::write(&gate, "").unwrap();
    assert_eq!(fx.wait_exit(), Some(0));
    assert_eq!(recorder.count(), 1);

    // Nothing is left to do after a restart.
    let again = scratch.start(&a);
    let all = runs(&again.base, "").await;
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["status"], "succeeded");
    assert_eq!(all[0]["attempts"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_outlasts_the_grace_period_goes_back_to_the_queue() {
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let gate = scratch.path().join("go");
    let job = format!(
        "name=reg;trigger=webhook:/reg;block={};action=post:{}",
        gate.display(),
        recorder.url("/sink")
    );
    let a: Vec<(&str, &str)> = vec![("--job", &job), ("--grace-ms", "300")];
    let mut fx = scratch.start(&a);
    client()
        .post(fx.url("/reg"))
        .body("{}")
        .send()
        .await
        .unwrap();
    wait_run(&fx.base, "", "the run to start", |r| {
        r["status"] == "running"
    })
    .await;
    fx.terminate();
    assert_eq!(fx.wait_exit(), Some(0), "{}", fx.logs());
    assert!(fx.logs().contains("goes back to the queue"));

    let again = scratch.start(&a);
    std::fs::write(&gate, "").unwrap();
    let run = wait_run(&again.base, "", "the run to succeed", |r| {
        r["status"] == "succeeded"
    })
    .await;
    assert_eq!(run["attempts"], 1, "the interrupted attempt does not count");
    assert_eq!(recorder.count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_during_which_the_process_died_counts_as_an_attempt_with_that_reason() {
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let gate = scratch.path().join("go");
    let job = format!(
        "name=reg;trigger=webhook:/reg;block={};action=post:{}",
        gate.display(),
        recorder.url("/sink")
    );
    let a: Vec<(&str, &str)> = vec![("--job", &job), ("--attempts", "1")];
    let mut first = scratch.start(&a);
    let resp = client()
        .post(first.url("/reg"))
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    wait_run(&first.base, "", "the run to start", |r| {
        r["status"] == "running"
    })
    .await;
    first.kill9();

    // Its one attempt was the interrupted one: dead, not run again.
    let second = scratch.start(&a);
    std::fs::write(&gate, "").unwrap();
    let all = runs(&second.base, "").await;
    assert_eq!(all.len(), 1);
    assert_eq!(all[0]["status"], "dead");
    assert_eq!(all[0]["attempts"], 1);
    assert_eq!(
        all[0]["error"],
        "the process running attempt 1 of this run stopped (killed or crashed); no attempts are left"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(recorder.count(), 0, "never run again");
}
