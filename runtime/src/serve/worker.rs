//! Workers: take due runs from the store and run them, one at a time each, on a
//! thread of their own (never a tokio worker), then record how they ended.
//!
//! - exit code 0 (success or `skip`): `succeeded`;
//! - a failure another attempt cannot mend (bad input or config, `fail`, a
//!   runtime error, an op's 4xx: see [`crate::failure::Failure`]): `dead` at once;
//! - the others (network, timeouts, 5xx, an internal error, a panic): `failed`
//!   and due again after the backoff, or `dead` once the attempts are used up.
//!
//! What a run keeps of its input and output follows `--keep-data`; a `reply`
//! webhook waiting for the run is told how it ended.
//!
//! On a graceful shutdown a worker lets its run finish; if the grace period ends
//! first, the run goes back to the queue (the interrupted attempt does not count)
//! and its thread is abandoned to the process's exit.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::sync::oneshot;

use super::config::KeepData;
use super::job::{RunResult, Trigger, TriggerContext};
use super::reply::Reply;
use super::store::{Claimed, Finished, RunStatus, Store, pg_replies};
use super::{Shared, rfc3339};
use crate::failure::Failure;

/// Takes and runs due runs until serve stops. A run's result and the claim of
/// the next run go to the store together (one commit on SQLite).
pub(crate) async fn run(shared: Arc<Shared>) {
    let mut stopping = shared.stopping.subscribe();
    let mut failures = 0u32;
    let mut next: Option<Claimed> = None;
    loop {
        if *stopping.borrow() {
            if let Some(c) = next.take() {
                // Claimed with the last result, never started: back it goes.
                let _ = shared.store.release(c.run_id, &shared.owner).await;
            }
            return;
        }
        let claimed = match next.take() {
            Some(c) => Ok(Some(c)),
            None => {
                let now = shared.clock.now().timestamp_millis();
                shared
                    .store
                    .claim(&shared.job_names, &shared.owner, now)
                    .await
            }
        };
        match claimed {
            Ok(Some(claimed)) => {
                failures = 0;
                if let Some((finished, reply)) = execute(&shared, &claimed).await {
                    next = persist(&shared, &claimed, finished).await;
                    // Only once the result is stored: a `reply` webhook answers with it.
                    // Told here first: this process's own notification then
                    // finds no waiter, even when it is too large to carry the reply.
                    let unheard = reply.and_then(|r| shared.replies.tell(&claimed.event_id, r));
                    if let (Some(reply), Store::Postgres(pg)) = (unheard, &shared.store) {
                        // The webhook may wait in another process.
                        let payload = pg_replies::payload(&claimed.event_id, &reply);
                        if let Err(e) = pg.announce(&payload).await {
                            tracing::warn!(error = %e, "cannot announce a run's end to other processes");
                        }
                    }
                }
            }
            Ok(None) => {
                tokio::select! {
                    _ = shared.wake.notified() => {}
                    _ = tokio::time::sleep(shared.poll_interval) => {}
                    _ = super::raised(&mut stopping) => return,
                }
            }
            Err(e) => {
                failures += 1;
                if failures == 1 || failures.is_multiple_of(60) {
                    tracing::error!(error = %e, "cannot take runs from the queue; trying again");
                }
                tokio::select! {
                    _ = tokio::time::sleep(shared.poll_interval.max(Duration::from_millis(500))) => {}
                    _ = super::raised(&mut stopping) => return,
                }
            }
        }
    }
}

/// Runs one claimed run to its end and says how it ended; `None` if it went back
/// to the queue (shutdown).
async fn execute(shared: &Arc<Shared>, c: &Claimed) -> Option<(Finished, Option<Reply>)> {
    let Some(job) = shared.jobs.get(&c.job).cloned() else {
        // Claims are filtered by this process's jobs: cannot happen.
        let _ = shared.store.release(c.run_id, &shared.owner).await;
        return None;
    };
    let scheduled = matches!(job.trigger(), Trigger::Cron { .. } | Trigger::Every(_));
    let context = TriggerContext {
        fired_at: rfc3339(c.fired_at),
        last_success: if scheduled {
            c.last_success.map(rfc3339)
        } else {
            None
        },
        headers: c.headers.clone(),
        event_id: c.event_id.clone(),
    };
    tracing::info!(job = %c.job, event_id = %c.event_id, run_id = c.run_id, attempt = c.attempt,
        "run started");
    shared.metrics.started(&c.job);
    let began = Instant::now();

    let (tx, mut rx) = oneshot::channel::<RunResult>();
    let body = c.body.clone();
    let thread_job = job.clone();
    let spawned = std::thread::Builder::new()
        .name(format!("ferry-job-{}", c.job))
        // A known stack, from which the recursion guard's limit is derived.
        .stack_size(crate::stack_guard::JOB_THREAD_STACK)
        .spawn(move || {
            let result =
                std::panic::catch_unwind(AssertUnwindSafe(|| thread_job.run(&body, &context)))
                    .unwrap_or_else(|panic| {
                        RunResult::failed(
                            Failure::Internal,
                            format!("internal error: the job panicked: {}", panic_text(&*panic)),
                        )
                    });
            let _ = tx.send(result);
        });
    let result = match spawned {
        Err(e) => RunResult::failed(
            Failure::Internal,
            format!("internal error: cannot start the job's thread: {e}"),
        ),
        Ok(_) => {
            let mut abandon = shared.abandon.subscribe();
            let mut heartbeat = tokio::time::interval(shared.lease / 3);
            heartbeat.tick().await;
            loop {
                tokio::select! {
                    r = &mut rx => break r.unwrap_or_else(|_| RunResult::failed(
                        Failure::Internal,
                        "internal error: the job's thread ended without a result",
                    )),
                    _ = heartbeat.tick(), if shared.store.is_shared() => {
                        if let Err(e) = shared.store.heartbeat(&shared.owner, &[c.run_id]).await {
                            tracing::warn!(job = %c.job, event_id = %c.event_id, error = %e,
                                "cannot renew the run's lease");
                        }
                    }
                    _ = super::raised(&mut abandon) => {
                        shared.metrics.ended(&c.job, None, began.elapsed().as_secs_f64());
                        match shared.store.release(c.run_id, &shared.owner).await {
                            Ok(()) => tracing::warn!(job = %c.job, event_id = %c.event_id,
                                "shutting down: the run did not finish in time and goes back to the queue"),
                            Err(e) => tracing::error!(job = %c.job, event_id = %c.event_id, error = %e,
                                "shutting down: cannot return the unfinished run to the queue; \
                                 it runs again when its lease expires or serve restarts"),
                        }
                        return None;
                    }
                }
            }
        }
    };
    let seconds = began.elapsed().as_secs_f64();
    Some(record(shared, c, job.version(), result, seconds))
}

/// How the attempt ended, as stored; logs it and counts it.
fn record(
    shared: &Arc<Shared>,
    c: &Claimed,
    version: &str,
    result: RunResult,
    seconds: f64,
) -> (Finished, Option<Reply>) {
    let redactor = &shared.redactor;
    let finished_at = shared.clock.now().timestamp_millis();
    let max = shared.retry.max_attempts();
    let failure = result.failure_kind();
    let status = match failure {
        None => RunStatus::Succeeded,
        Some(kind) if !kind.is_retried() => RunStatus::Dead,
        Some(_) if c.attempt >= max => RunStatus::Dead,
        Some(_) => RunStatus::Failed,
    };
    let ended = status != RunStatus::Failed;
    // `--keep-data`: what of the input and output outlives the run's end.
    let (keep_output, drop_input) = match shared.keep_data {
        KeepData::All => (true, false),
        KeepData::Errors => (
            status != RunStatus::Succeeded,
            status == RunStatus::Succeeded,
        ),
        KeepData::None => (false, ended),
    };
    let due_at = if status == RunStatus::Failed {
        let delay = i64::try_from(shared.retry.delay(c.attempt).as_millis()).unwrap_or(i64::MAX);
        finished_at.saturating_add(delay)
    } else {
        finished_at
    };
    let output = result
        .output
        .as_deref()
        .map(|o| match serde_json::from_str::<Value>(o) {
            Ok(v) => redactor.redact_json(&v).to_string(),
            Err(_) => Value::String(redactor.redact(o).into_owned()).to_string(),
        });
    let error = result
        .error
        .as_deref()
        .map(|e| redactor.redact(e).into_owned());
    let error = match (&error, status) {
        (None, RunStatus::Failed | RunStatus::Dead) => {
            Some(format!("the job ended with exit code {}", result.exit_code))
        }
        _ => error,
    };
    let logs: Vec<Value> = result
        .logs
        .iter()
        .map(|l| {
            let message = redactor.redact(&l.message).into_owned();
            match l.level {
                super::LogLevel::Info => {
                    tracing::info!(target: "ferry::job", job = %c.job, event_id = %c.event_id, "{message}")
                }
                super::LogLevel::Warn => {
                    tracing::warn!(target: "ferry::job", job = %c.job, event_id = %c.event_id, "{message}")
                }
            }
            serde_json::json!({ "level": l.level.as_str(), "message": message, "at": l.at })
        })
        .collect();
    let skip_reason = result
        .skipped
        .as_deref()
        .map(|r| redactor.redact(r).into_owned());
    let reply = ended.then(|| Reply {
        status,
        failure,
        output: output.clone(),
        error: error.clone(),
    });
    let finished = Finished {
        version: version.to_string(),
        failure: failure.map(Failure::as_str),
        skip_reason,
        drop_input,
        run_id: c.run_id,
        attempt: c.attempt,
        status,
        due_at,
        started_at: c.started_at,
        finished_at,
        exit_code: result.exit_code,
        output: output.filter(|_| keep_output),
        error: error.clone(),
        logs: Value::Array(logs).to_string(),
    };
    let finished = (finished, reply);
    shared.metrics.ended(&c.job, Some(status.as_str()), seconds);
    let duration_ms = (seconds * 1000.0).round() as u64;
    match status {
        RunStatus::Succeeded => {
            tracing::info!(job = %c.job, event_id = %c.event_id, run_id = c.run_id,
            attempt = c.attempt, exit_code = result.exit_code, duration_ms, status = "succeeded", "run finished")
        }
        RunStatus::Failed => {
            tracing::warn!(job = %c.job, event_id = %c.event_id, run_id = c.run_id,
            attempt = c.attempt, exit_code = result.exit_code, duration_ms, status = "failed",
            retry_at = %rfc3339(due_at), error = error.as_deref().unwrap_or(""), "run failed; it will be retried")
        }
        _ => tracing::error!(job = %c.job, event_id = %c.event_id, run_id = c.run_id,
            attempt = c.attempt, exit_code = result.exit_code, duration_ms, status = "dead",
            failure = failure.map_or("", Failure::as_str),
            error = error.as_deref().unwrap_or(""), "run failed for good (dead letter)"),
    }
    finished
}

/// Stores an attempt's end, and claims the next due run with it unless serve is
/// stopping. The result must not be lost (a run left `running` would run
/// again): a failed write is tried again for a while.
async fn persist(shared: &Arc<Shared>, c: &Claimed, finished: Finished) -> Option<Claimed> {
    let retry = finished.status == RunStatus::Failed;
    let mut wait = Duration::from_millis(200);
    for attempt in 1..=20 {
        let outcome = if *shared.stopping.borrow() {
            shared
                .store
                .finish(finished.clone(), &shared.owner)
                .await
                .map(|kept| (kept, None))
        } else {
            let now = shared.clock.now().timestamp_millis();
            shared
                .store
                .finish_and_claim(finished.clone(), &shared.owner, &shared.job_names, now)
                .await
        };
        match outcome {
            Ok((kept, next)) => {
                if !kept {
                    tracing::error!(job = %c.job, event_id = %c.event_id,
                        "the run's lease expired while it ran and another process took it over: \
                         this result is not recorded (raise the lease if runs stall for long)");
                }
                if retry {
                    shared.wake.notify_one();
                }
                return next;
            }
            Err(e) => {
                tracing::error!(job = %c.job, event_id = %c.event_id, attempt, error = %e,
                    "cannot record the run's result; trying again");
                tokio::time::sleep(wait).await;
                wait = (wait * 2).min(Duration::from_secs(10));
            }
        }
    }
    tracing::error!(job = %c.job, event_id = %c.event_id,
        "gave up recording the run's result: it will run again after a restart");
    None
}

fn panic_text(panic: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = panic.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = panic.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".to_string()
    }
}
