//! Schedules: when `trigger cron` and `trigger every` jobs fire, and the loop that
//! fires them.
//!
//! - `cron "m h dom mon dow" [tz "Area/City"]`: a 5-field expression (parsed by
//!   `croner`, POSIX/Vixie semantics: day of month OR day of week) in an IANA time
//!   zone, UTC by default.
//! - `every D`: at the multiples of D since 1970-01-01T00:00Z (`every 15m` fires at
//!   :00, :15, :30 and :45), so that every process computes the same ticks.
//! - A tick is stored (table `ticks`) before its run is queued, once across all
//!   processes. While the job's previous run has not finished (queued, running,
//!   or waiting for a retry), a tick is skipped: runs of one job never overlap.
//! - After downtime, the ticks missed since the last one stored come to one run,
//!   for the latest of them. On the very first start nothing is caught up; a
//!   `start` mark is stored so that ticks missed after it are.

use std::str::FromStr as _;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone as _, Utc};
use croner::Cron;
use croner::parser::{CronParser, Seconds};

use super::job::Trigger;
use super::store::{NewEvent, Tick};
use super::{Shared, new_event_id, rfc3339};

/// When a job fires.
#[derive(Clone, Debug)]
pub(crate) enum Schedule {
    Cron { cron: Box<Cron>, tz: chrono_tz::Tz },
    Every(i64),
}

impl Schedule {
    /// The schedule of `trigger`, `None` for a webhook; `Err` says what is wrong.
    pub(crate) fn of(trigger: &Trigger) -> Result<Option<Schedule>, String> {
        match trigger {
            Trigger::Cron { schedule, tz } => {
                let parser = CronParser::builder().seconds(Seconds::Disallowed).build();
                let cron = parser.parse(schedule).map_err(|e| {
                    format!(
                        "`{schedule}` is not a 5-field cron expression (minute hour day-of-month month day-of-week): {e}"
                    )
                })?;
                let tz = match tz.as_deref() {
                    None | Some("UTC") => chrono_tz::UTC,
                    Some(name) => chrono_tz::Tz::from_str(name).map_err(|_| {
                        format!(
                            "unknown time zone `{name}` (use an IANA name such as Africa/Nairobi)"
                        )
                    })?,
                };
                Ok(Some(Schedule::Cron {
                    cron: Box::new(cron),
                    tz,
                }))
            }
            Trigger::Every(d) => {
                if *d < Duration::from_secs(1) {
                    return Err(format!("`every {d:?}` is too short: at least 1s"));
                }
                let ms = i64::try_from(d.as_millis()).map_err(|_| "`every` is too long")?;
                Ok(Some(Schedule::Every(ms)))
            }
            Trigger::Webhook { .. } | Trigger::None => Ok(None),
        }
    }

    /// The first tick strictly after `t`.
    pub(crate) fn next_after(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Cron { cron, tz } => cron
                .find_next_occurrence(&t.with_timezone(tz), false)
                .ok()
                .map(|d| d.with_timezone(&Utc)),
            Schedule::Every(ms) => {
                let n = t.timestamp_millis().div_euclid(*ms) + 1;
                Utc.timestamp_millis_opt(n.checked_mul(*ms)?).single()
            }
        }
    }

    /// The last tick at or before `t`.
    pub(crate) fn latest_until(&self, t: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            Schedule::Cron { cron, tz } => cron
                .find_previous_occurrence(&t.with_timezone(tz), true)
                .ok()
                .map(|d| d.with_timezone(&Utc)),
            Schedule::Every(ms) => {
                let n = t.timestamp_millis().div_euclid(*ms);
                Utc.timestamp_millis_opt(n.checked_mul(*ms)?).single()
            }
        }
    }
}

/// Fires `job`'s ticks until serve stops.
pub(crate) async fn run(shared: Arc<Shared>, job: String, schedule: Schedule) {
    let mut stop = shared.stopping.subscribe();
    let stopped = async move {
        let _ = super::raised(&mut stop).await;
    };
    tokio::select! {
        _ = stopped => {}
        _ = fire_forever(&shared, &job, &schedule) => {}
    }
}

async fn fire_forever(shared: &Arc<Shared>, job: &str, schedule: &Schedule) {
    let now = shared.clock.now();
    let last = loop {
        match shared.store.last_tick(job).await {
            Ok(last) => break last,
            Err(e) => {
                tracing::error!(job, error = %e, "cannot read the schedule's state; trying again in 5 s");
                tokio::time::sleep(Duration::from_secs(5)).await;
            }
        }
    };
    let mut after = now;
    match last.and_then(|ms| Utc.timestamp_millis_opt(ms).single()) {
        None => {
            if let Err(e) = shared.store.mark_start(job, now.timestamp_millis()).await {
                tracing::warn!(job, error = %e, "cannot mark the schedule's first start");
            }
        }
        Some(last) => {
            if let Some(missed) = schedule.latest_until(now).filter(|m| *m > last) {
                tracing::info!(job, tick = %rfc3339(missed.timestamp_millis()),
                    "catching up the latest tick missed while serve was down");
                fire(shared, job, missed).await;
            }
            after = after.max(last);
        }
    }
    loop {
        let Some(next) = schedule.next_after(after) else {
            tracing::warn!(job, "the schedule has no further ticks");
            return;
        };
        tracing::info!(job, next = %rfc3339(next.timestamp_millis()), "waiting for the next tick");
        shared.clock.sleep_until(next).await;
        // If the clock jumped past several ticks, fire the latest of them only.
        let tick = schedule
            .latest_until(shared.clock.now())
            .filter(|t| *t >= next)
            .unwrap_or(next);
        fire(shared, job, tick).await;
        after = tick;
    }
}

/// Stores the tick (trying again for a while if the store is down) and wakes a
/// worker if it fired.
async fn fire(shared: &Arc<Shared>, job: &str, tick: DateTime<Utc>) {
    let at = tick.timestamp_millis();
    let kind = shared.jobs.get(job).map_or("cron", |j| j.trigger().kind());
    let event = NewEvent {
        id: new_event_id(at),
        job: job.to_string(),
        kind,
        idempotency_key: None,
        fired_at: at,
        headers: Vec::new(),
        body: b"null".to_vec(),
    };
    for attempt in 1..=30 {
        match shared.store.tick(event.clone()).await {
            Ok(Tick::Fired(event_id)) => {
                shared.metrics.tick(job, "fired");
                tracing::info!(job, event_id = %event_id, fired_at = %rfc3339(at), "schedule fired");
                shared.wake.notify_one();
                return;
            }
            Ok(Tick::Skipped) => {
                shared.metrics.tick(job, "skipped");
                tracing::warn!(job, fired_at = %rfc3339(at),
                    "tick skipped: the previous run has not finished");
                return;
            }
            Ok(Tick::Taken) => {
                shared.metrics.tick(job, "taken");
                tracing::debug!(job, fired_at = %rfc3339(at), "tick fired by another process");
                return;
            }
            Err(e) => {
                tracing::error!(job, fired_at = %rfc3339(at), attempt, error = %e,
                    "cannot store the schedule's tick; trying again in 2 s");
                tokio::time::sleep(Duration::from_secs(2)).await;
            }
        }
    }
    tracing::error!(job, fired_at = %rfc3339(at), "gave up storing the tick: this tick does not run");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn cron_in_a_time_zone() {
        let s = Schedule::of(&Trigger::Cron {
            schedule: "0 2 * * *".into(),
            tz: Some("Africa/Nairobi".into()),
        })
        .unwrap()
        .unwrap();
        assert_eq!(
            s.next_after(t("2026-03-01T12:00:00Z")),
            Some(t("2026-03-01T23:00:00Z"))
        );
        assert_eq!(
            s.next_after(t("2026-03-01T23:00:00Z")),
            Some(t("2026-03-02T23:00:00Z"))
        );
        assert_eq!(
            s.latest_until(t("2026-03-05T10:00:00Z")),
            Some(t("2026-03-04T23:00:00Z"))
        );
        assert_eq!(
            s.latest_until(t("2026-03-04T23:00:00Z")),
            Some(t("2026-03-04T23:00:00Z"))
        );
    }

    #[test]
    fn every_is_aligned_to_the_epoch() {
        let s = Schedule::of(&Trigger::Every(Duration::from_secs(900)))
            .unwrap()
            .unwrap();
        assert_eq!(
            s.next_after(t("2026-03-01T12:07:13Z")),
            Some(t("2026-03-01T12:15:00Z"))
        );
        assert_eq!(
            s.next_after(t("2026-03-01T12:15:00Z")),
            Some(t("2026-03-01T12:30:00Z"))
        );
        assert_eq!(
            s.latest_until(t("2026-03-01T12:29:59Z")),
            Some(t("2026-03-01T12:15:00Z"))
        );
    }

    #[test]
    fn bad_schedules_say_why() {
        let err = Schedule::of(&Trigger::Cron {
            schedule: "0 2 * *".into(),
            tz: None,
        })
        .unwrap_err();
        assert!(err.contains("5-field"), "{err}");
        let err = Schedule::of(&Trigger::Cron {
            schedule: "0 2 * * *".into(),
            tz: Some("Africa/Nairobii".into()),
        })
        .unwrap_err();
        assert!(err.contains("unknown time zone `Africa/Nairobii`"), "{err}");
        assert!(Schedule::of(&Trigger::Every(Duration::from_millis(10))).is_err());
    }
}
