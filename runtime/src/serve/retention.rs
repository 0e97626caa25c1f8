//! `--retain DURATION`: a background task that deletes ended runs (succeeded or
//! dead) that finished longer ago than that, with their attempts and events, and
//! old schedule ticks, on SQLite and PostgreSQL alike.
//!
//! It deletes in batches of [`BATCH`] rows, one commit each, with a pause
//! between them, so that webhooks and workers are never held up by a long
//! delete. It never deletes saved state: runs that have not ended, each job's
//! last successful run (`trigger.last_success` comes from it), each schedule's
//! last tick. What it deleted is counted in `ferry_retention_pruned_total`.

use std::sync::Arc;
use std::time::Duration;

use super::Shared;

/// Rows one commit deletes at most.
pub(crate) const BATCH: u32 = 500;

/// How often the task looks for rows to prune.
const EVERY: Duration = Duration::from_secs(60);

/// Prunes until serve stops: once at start, then every minute.
pub(crate) async fn run(shared: Arc<Shared>, retain: Duration) {
    let mut stopping = shared.stopping.subscribe();
    let retain_ms = i64::try_from(retain.as_millis()).unwrap_or(i64::MAX);
    loop {
        let cutoff = shared
            .clock
            .now()
            .timestamp_millis()
            .saturating_sub(retain_ms);
        prune_before(&shared, cutoff).await;
        tokio::select! {
            _ = tokio::time::sleep(EVERY) => {}
            _ = super::raised(&mut stopping) => return,
        }
    }
}

/// Deletes everything prunable before `cutoff`, batch by batch.
async fn prune_before(shared: &Shared, cutoff: i64) {
    let mut total = super::store::Pruned::default();
    loop {
        if *shared.stopping.borrow() {
            break;
        }
        match shared.store.prune(cutoff, BATCH).await {
            Ok(p) => {
                shared.metrics.pruned("runs", p.runs);
                shared.metrics.pruned("events", p.events);
                shared.metrics.pruned("ticks", p.ticks);
                total.runs += p.runs;
                total.events += p.events;
                total.ticks += p.ticks;
                if p.runs < u64::from(BATCH) && p.ticks < u64::from(BATCH) {
                    break;
                }
                // Let the webhooks' and workers' commits in between batches.
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot prune old runs; trying again in a minute");
                break;
            }
        }
    }
    if total.runs + total.ticks > 0 {
        tracing::info!(
            runs = total.runs,
            events = total.events,
            ticks = total.ticks,
            before = %super::rfc3339(cutoff),
            "pruned old runs (--retain)"
        );
    }
}
