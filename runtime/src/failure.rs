//! What kind of failure ended a run: one classification, made where the run ends
//! (`run::Run::finish`, `job_main::execute`), that `serve` reads to decide whether
//! another attempt can help (docs/triggers.md, "Which failures are retried").

use std::fmt;

use crate::error::{ErrorKind, RuntimeError};

/// Why a run failed, by what the failure is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failure {
    /// The input or the config does not fit (exit code 2).
    BadInput,
    /// `fail "reason"` in the job.
    Fail,
    /// JSON that does not fit its type: a failed `as`, an op result that does not
    /// match the adaptor's schema, `json_parse`.
    Decode,
    /// Overflow, division by zero, recursion too deep, and the standard library's
    /// other failures.
    Runtime,
    /// An op was answered 4xx other than 408 and 429, and not a status its
    /// adaptor marks retryable: the server refuses this request, and would
    /// refuse it again.
    Rejected,
    /// A network error, a timeout, 5xx, 408, 429 or a status the adaptor marks
    /// retryable, after the HTTP layer's own retries: another attempt later may
    /// succeed.
    Transient,
    /// The process running the attempt stopped (killed, crashed, lost its lease).
    Interrupted,
    /// A bug in Ferry, or a job that panicked (exit code 3).
    Internal,
}

impl Failure {
    /// Whether `serve` tries the run again (with backoff) after this failure. The
    /// others are dead-lettered at once: the same input fails the same way.
    pub fn is_retried(self) -> bool {
        matches!(
            self,
            Failure::Transient | Failure::Interrupted | Failure::Internal
        )
    }

    /// As stored and shown: `bad_input`, `fail`, `decode`, `runtime`, `rejected`,
    /// `transient`, `interrupted`, `internal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Failure::BadInput => "bad_input",
            Failure::Fail => "fail",
            Failure::Decode => "decode",
            Failure::Runtime => "runtime",
            Failure::Rejected => "rejected",
            Failure::Transient => "transient",
            Failure::Interrupted => "interrupted",
            Failure::Internal => "internal",
        }
    }

    pub fn parse(text: &str) -> Option<Failure> {
        Some(match text {
            "bad_input" => Failure::BadInput,
            "fail" => Failure::Fail,
            "decode" => Failure::Decode,
            "runtime" => Failure::Runtime,
            "rejected" => Failure::Rejected,
            "transient" => Failure::Transient,
            "interrupted" => Failure::Interrupted,
            "internal" => Failure::Internal,
            _ => return None,
        })
    }

    /// The kind of an uncaught [`RuntimeError`].
    pub fn of_error(error: &RuntimeError) -> Failure {
        match error.kind {
            ErrorKind::Decode => Failure::Decode,
            ErrorKind::Runtime => Failure::Runtime,
            // The HTTP layer decided it (`HttpError::is_transient`), with the
            // statuses the adaptor's `errors { retry … }` marks, so that its own
            // retries and serve's agree.
            ErrorKind::Http if error.transient => Failure::Transient,
            ErrorKind::Http => Failure::Rejected,
        }
    }

    /// What an exit code says when the job did not classify its failure: 2 bad
    /// input or config, 3 internal, anything else transient (retried, as before
    /// the classification existed).
    pub fn of_exit_code(code: i32) -> Failure {
        match code {
            2 => Failure::BadInput,
            3 => Failure::Internal,
            _ => Failure::Transient,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_statuses_are_classified_by_what_they_mean() {
        let http = |status| RuntimeError::http("x", status, None);
        assert_eq!(Failure::of_error(&http(Some(400))), Failure::Rejected);
        assert_eq!(Failure::of_error(&http(Some(404))), Failure::Rejected);
        assert_eq!(Failure::of_error(&http(Some(408))), Failure::Transient);
        assert_eq!(Failure::of_error(&http(Some(429))), Failure::Transient);
        assert_eq!(Failure::of_error(&http(Some(503))), Failure::Transient);
        assert_eq!(Failure::of_error(&http(None)), Failure::Transient);
        let marked = RuntimeError {
            transient: true,
            ..http(Some(409))
        };
        assert_eq!(Failure::of_error(&marked), Failure::Transient);
        let overflow = RuntimeError::runtime("integer overflow");
        assert_eq!(Failure::of_error(&overflow), Failure::Runtime);
        assert!(!Failure::Runtime.is_retried());
        assert!(!Failure::Rejected.is_retried());
        assert!(Failure::Transient.is_retried());
        for f in [
            Failure::BadInput,
            Failure::Fail,
            Failure::Decode,
            Failure::Runtime,
            Failure::Rejected,
            Failure::Transient,
            Failure::Interrupted,
            Failure::Internal,
        ] {
            assert_eq!(Failure::parse(f.as_str()), Some(f));
        }
    }
}
