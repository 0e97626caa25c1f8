//! The clock schedules read: the system's, or one a test moves by hand.
//!
//! Only the schedules, `fired_at`, the backoff of retries and the timestamps of
//! runs read this clock; leases on PostgreSQL use the database server's clock.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use tokio::sync::watch;

/// A boxed future, as [`Clock::sleep_until`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Where `serve` gets the time from.
pub trait Clock: Send + Sync + 'static {
    /// The time now.
    fn now(&self) -> DateTime<Utc>;

    /// Completes once [`Clock::now`] is at or after `deadline`.
    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'_, ()>;
}

/// The system's clock. A long sleep wakes up at least every minute to look at
/// the wall clock again, so that a clock that is set (NTP, suspend) is followed.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'_, ()> {
        Box::pin(async move {
            loop {
                let left = deadline - Utc::now();
                let Ok(left) = left.to_std() else { return };
                if left.is_zero() {
                    return;
                }
                tokio::time::sleep(left.min(Duration::from_secs(60))).await;
            }
        })
    }
}

/// A clock that stands still until it is moved ([`ManualClock::set`],
/// [`ManualClock::advance`]); sleepers wake when it passes their deadline. Cheap to
/// clone; clones share the time.
#[derive(Clone)]
pub struct ManualClock {
    inner: Arc<Manual>,
}

struct Manual {
    now: Mutex<DateTime<Utc>>,
    changed: watch::Sender<DateTime<Utc>>,
}

impl ManualClock {
    /// A clock that reads `start`.
    pub fn new(start: DateTime<Utc>) -> ManualClock {
        let (changed, _) = watch::channel(start);
        ManualClock {
            inner: Arc::new(Manual {
                now: Mutex::new(start),
                changed,
            }),
        }
    }

    /// Sets the time (it may also go back).
    pub fn set(&self, now: DateTime<Utc>) {
        *self.inner.now.lock().unwrap_or_else(|e| e.into_inner()) = now;
        self.inner.changed.send_replace(now);
    }

    /// Moves the time forward by `by`.
    pub fn advance(&self, by: Duration) {
        let now = self.now() + chrono::Duration::from_std(by).unwrap_or(chrono::Duration::MAX);
        self.set(now);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.inner.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn sleep_until(&self, deadline: DateTime<Utc>) -> BoxFuture<'_, ()> {
        let mut rx = self.inner.changed.subscribe();
        Box::pin(async move {
            loop {
                if self.now() >= deadline {
                    return;
                }
                if rx.changed().await.is_err() {
                    // The clock is gone: it will never get there.
                    std::future::pending::<()>().await;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn manual_clock_wakes_sleepers_when_moved() {
        let start = "2026-01-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        let clock = ManualClock::new(start);
        let c = clock.clone();
        let sleeper = tokio::spawn(async move {
            c.sleep_until(start + chrono::Duration::minutes(5)).await;
            c.now()
        });
        tokio::task::yield_now().await;
        clock.advance(Duration::from_secs(60));
        clock.advance(Duration::from_secs(300));
        let woke = sleeper.await.unwrap();
        assert_eq!(woke, start + chrono::Duration::minutes(6));
    }
}
