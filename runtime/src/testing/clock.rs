//! The clock of a test: `now()`, `today()` and `trigger.fired_at` read a fixed
//! instant while a test runs on this thread (tests run in parallel, one per
//! thread at a time), so a job's output never depends on when its tests ran.

use chrono::{DateTime, Utc};
use std::cell::Cell;

/// Where every test's clock starts.
pub const START: &str = "2026-01-01T00:00:00Z";

thread_local! {
    static FIXED: Cell<Option<DateTime<Utc>>> = const { Cell::new(None) };
}

/// The current time: the test's fixed instant when one is set on this thread.
pub fn now() -> DateTime<Utc> {
    FIXED.with(|f| f.get()).unwrap_or_else(Utc::now)
}

/// Fixes this thread's clock (`None`: the real clock again).
pub fn set(at: Option<DateTime<Utc>>) {
    FIXED.with(|f| f.set(at));
}

/// The instant a date-time text names, as `set_time` takes it.
pub fn parse(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_stays_until_it_is_unset() {
        set(parse(START));
        assert_eq!(now().to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(now(), now());
        set(None);
        assert_ne!(now(), parse(START).unwrap());
    }
}
