//! When to send a request again, and how long to wait first.
//!
//! - Only an idempotent request is sent again after it may have reached the
//!   server: a timeout, a connection that failed mid-exchange, a retryable status.
//! - Any request, POST included, is sent again when the connection could not be
//!   made at all (nothing was sent, so nothing was processed), and when the
//!   adaptor's `errors { retry … }` marks the answer's status as one the server
//!   gives when it did nothing.
//! - The wait before retry `n` (1-based) is a random duration between zero and
//!   `min(max_delay, base_delay * 2^(n-1))` ("full jitter"), or the server's
//!   `Retry-After` (seconds or an HTTP date), capped by `max_delay`.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ferry_meta::errors::ErrorsMeta;

/// How a request is retried and timed. One per adaptor; the defaults suit most APIs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    /// How many times a request is sent at most, the first included (0 counts as 1).
    pub attempts: u32,
    /// The backoff's first step.
    pub base_delay: Duration,
    /// The longest wait between two attempts, `Retry-After` included.
    pub max_delay: Duration,
    /// How long one attempt may take, from connecting to the last byte of the
    /// response. A request's own timeout overrides it.
    pub timeout: Duration,
    /// How long establishing a connection (TCP and TLS) may take.
    pub connect_timeout: Duration,
    /// The largest response body read, success or error alike; a larger one
    /// fails the request without being read further.
    pub max_response_bytes: u64,
    /// The adaptor's `errors { }`: the statuses it marks transient, and where
    /// its failures' details are.
    pub errors: Arc<ErrorsMeta>,
}

/// The default [`Policy::max_response_bytes`]: 256 MiB.
pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 256 * 1024 * 1024;

impl Default for Policy {
    fn default() -> Policy {
        Policy {
            attempts: 4,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            errors: Arc::default(),
        }
    }
}

impl Policy {
    /// `attempts`, at least 1.
    pub fn max_attempts(&self) -> u32 {
        self.attempts.max(1)
    }

    /// The wait before retry number `retry` (1 for the second attempt), given the
    /// server's `Retry-After` if any and a random number in `[0, 1)`.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, random: f64) -> Duration {
        if let Some(after) = retry_after {
            return after.min(self.max_delay);
        }
        let exponent = retry.saturating_sub(1).min(31);
        let ceiling = self
            .base_delay
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        ceiling.mul_f64(random.clamp(0.0, 1.0))
    }
}

/// Whether a response status is worth another attempt (for an idempotent request):
/// 408 Request Timeout, 429 Too Many Requests and 5xx server errors, except 501
/// Not Implemented and 505 HTTP Version Not Supported, which will not change.
pub fn is_retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429) || ((500..600).contains(&status) && !matches!(status, 501 | 505))
}

/// Parses a `Retry-After` value: a number of seconds, or an HTTP date (a date in
/// the past means now). `None` for anything else.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> Policy {
        Policy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            ..Policy::default()
        }
    }

    #[test]
    fn defaults() {
        let p = Policy::default();
        assert_eq!(p.attempts, 4);
        assert_eq!(p.base_delay, Duration::from_millis(500));
        assert_eq!(p.max_delay, Duration::from_secs(30));
        assert_eq!(p.timeout, Duration::from_secs(30));
        assert_eq!(p.connect_timeout, Duration::from_secs(10));
        assert_eq!(Policy { attempts: 0, ..p }.max_attempts(), 1);
    }

    #[test]
    fn backoff_doubles_up_to_the_cap_with_full_jitter() {
        let p = policy();
        let almost_one = 0.999_999;
        let ceilings: Vec<u128> = (1..=6)
            .map(|n| p.delay(n, None, almost_one).as_millis())
            .collect();
        assert_eq!(ceilings, [99, 199, 399, 799, 999, 999]);
        assert_eq!(p.delay(3, None, 0.0), Duration::ZERO);
        assert_eq!(p.delay(3, None, 0.5), Duration::from_millis(200));
        assert_eq!(p.delay(u32::MAX, None, 0.5), Duration::from_millis(500));
    }

    #[test]
    fn retry_after_wins_but_is_capped() {
        let p = policy();
        let after = Some(Duration::from_millis(700));
        assert_eq!(p.delay(1, after, 0.0), Duration::from_millis(700));
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(120)), 0.3),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn retryable_statuses() {
        for s in [408, 429, 500, 502, 503, 504, 599] {
            assert!(is_retryable_status(s), "{s}");
        }
        for s in [200, 301, 400, 401, 403, 404, 409, 422, 501, 505] {
            assert!(!is_retryable_status(s), "{s}");
        }
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(90));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(90))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(90));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }
}
