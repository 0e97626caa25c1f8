//! [`HttpError`]: why a request failed, as one line that names the request and
//! says what to do. Every URL, message and excerpt in it has been redacted.

use std::fmt;
use std::time::Duration;

use ferry_meta::errors::ErrorsMeta;

use super::request::Method;
use super::response::Response;
use crate::secrets::Redactor;

/// How much of a message or excerpt the one-line `Display` shows, and of each
/// detail.
const LINE_CHARS: usize = 200;

/// How many of the details an adaptor's `errors { detail … }` finds are shown;
/// the rest are counted (`and 35 more`).
pub const MAX_DETAILS: usize = 5;

/// A failed HTTP request. `url` fields include the query, with secret values
/// replaced by `***`; `adaptor` names the adaptor the op belongs to.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum HttpError {
    /// The URL could not be built or parsed.
    InvalidUrl {
        adaptor: String,
        url: String,
        reason: String,
    },
    /// A header name or value is not valid HTTP.
    InvalidRequest {
        adaptor: String,
        method: Method,
        url: String,
        reason: String,
    },
    /// A redirect was not followed: to another host with a body, too many, or to
    /// a URL that cannot be followed.
    Redirect {
        adaptor: String,
        method: Method,
        url: String,
        reason: String,
    },
    /// The response body (of any status) is larger than the adaptor's limit.
    ResponseTooLarge {
        adaptor: String,
        method: Method,
        url: String,
        status: u16,
        limit: u64,
    },
    /// No connection could be made (nothing was sent).
    Connect {
        adaptor: String,
        method: Method,
        url: String,
        reason: String,
        attempts: u32,
    },
    /// The connection failed after the request was (maybe) sent, before a
    /// complete response arrived.
    Transport {
        adaptor: String,
        method: Method,
        url: String,
        reason: String,
        attempts: u32,
        idempotent: bool,
    },
    /// No complete response within the timeout.
    Timeout {
        adaptor: String,
        method: Method,
        url: String,
        after: Duration,
        attempts: u32,
        idempotent: bool,
    },
    /// The server answered with a status of 400 or more (after any retries).
    Status {
        adaptor: String,
        status: u16,
        method: Method,
        url: String,
        /// What the server said: a `message`-like field of a JSON body, or the
        /// start of a text body; empty if it said nothing.
        message: String,
        /// The whole body, redacted. Its size is bounded by the adaptor's
        /// response-size limit, as for a success.
        body: String,
        /// The details the adaptor's `errors { detail … }` finds in the body, one
        /// a line (`E1064 (orgUnit): …`), at most [`MAX_DETAILS`] and then
        /// `and N more`. Boxed once more, so that the error stays small.
        details: Box<Vec<String>>,
        attempts: u32,
        idempotent: bool,
        /// Whether another attempt later may succeed: 408, 429, a 5xx, or a
        /// status the adaptor marks retryable.
        transient: bool,
    },
    /// The body was expected to be JSON and is not.
    NotJson {
        adaptor: String,
        method: Method,
        url: String,
        status: u16,
        content_type: Option<String>,
        excerpt: String,
    },
    /// The OAuth2 token endpoint refused or gave no token.
    OAuth2 {
        adaptor: String,
        token_url: String,
        reason: String,
    },
    /// Dry run: the request has no recorded response to answer it.
    NoRecordedResponse {
        adaptor: String,
        method: Method,
        url: String,
        file: Option<String>,
    },
}

impl HttpError {
    /// The error for a response whose status is 400 or more, after `attempts`;
    /// `marked` when the adaptor's `errors` marks it retryable.
    pub(crate) fn from_response(
        resp: &Response,
        attempts: u32,
        idempotent: bool,
        marked: bool,
        errors: &ErrorsMeta,
        redactor: &Redactor,
    ) -> HttpError {
        let (body, message, json) = describe_body(&resp.body, redactor);
        let details = Box::new(json.map_or_else(Vec::new, |json| shown_details(errors, &json)));
        HttpError::Status {
            adaptor: resp.adaptor.clone(),
            status: resp.status,
            method: resp.method,
            url: resp.url.clone(),
            message,
            body,
            details,
            attempts,
            idempotent,
            transient: marked || super::retry::is_retryable_status(resp.status),
        }
    }

    /// Whether another attempt later may succeed (what `ferry serve` retries):
    /// a network error or timeout, 408, 429, a 5xx, a status the adaptor marks;
    /// not a 4xx the server means, nor a request that cannot be built.
    pub fn is_transient(&self) -> bool {
        match self {
            HttpError::Status { transient, .. } => *transient,
            HttpError::Connect { .. }
            | HttpError::Transport { .. }
            | HttpError::Timeout { .. }
            | HttpError::OAuth2 { .. } => true,
            other => other.status().is_none_or(default_transient),
        }
    }

    /// The details of a [`HttpError::Status`] (none for the others).
    pub fn details(&self) -> &[String] {
        match self {
            HttpError::Status { details, .. } => details,
            _ => &[],
        }
    }

    /// A short, stable name of the variant (for logs and metrics).
    pub fn kind(&self) -> &'static str {
        match self {
            HttpError::InvalidUrl { .. } => "invalid_url",
            HttpError::InvalidRequest { .. } => "invalid_request",
            HttpError::Redirect { .. } => "redirect",
            HttpError::ResponseTooLarge { .. } => "response_too_large",
            HttpError::Connect { .. } => "connect",
            HttpError::Transport { .. } => "transport",
            HttpError::Timeout { .. } => "timeout",
            HttpError::Status { .. } => "status",
            HttpError::NotJson { .. } => "not_json",
            HttpError::OAuth2 { .. } => "oauth2",
            HttpError::NoRecordedResponse { .. } => "no_recorded_response",
        }
    }

    /// The response status, for [`HttpError::Status`] and [`HttpError::NotJson`].
    pub fn status(&self) -> Option<u16> {
        match self {
            HttpError::Status { status, .. }
            | HttpError::NotJson { status, .. }
            | HttpError::ResponseTooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The adaptor whose request failed.
    pub fn adaptor(&self) -> &str {
        match self {
            HttpError::InvalidUrl { adaptor, .. }
            | HttpError::InvalidRequest { adaptor, .. }
            | HttpError::Redirect { adaptor, .. }
            | HttpError::ResponseTooLarge { adaptor, .. }
            | HttpError::Connect { adaptor, .. }
            | HttpError::Transport { adaptor, .. }
            | HttpError::Timeout { adaptor, .. }
            | HttpError::Status { adaptor, .. }
            | HttpError::NotJson { adaptor, .. }
            | HttpError::OAuth2 { adaptor, .. }
            | HttpError::NoRecordedResponse { adaptor, .. } => adaptor,
        }
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::InvalidUrl {
                adaptor,
                url,
                reason,
            } => write!(
                f,
                "{adaptor}: invalid URL \"{url}\": {reason}; check the adaptor's base URL and the op's path"
            ),
            HttpError::InvalidRequest {
                adaptor,
                method,
                url,
                reason,
            } => write!(f, "{adaptor}: cannot send {method} {url}: {reason}"),
            HttpError::Redirect {
                adaptor,
                method,
                url,
                reason,
            } => write!(f, "{adaptor}: {method} {url}: {reason}"),
            HttpError::ResponseTooLarge {
                adaptor,
                method,
                url,
                status,
                limit,
            } => write!(
                f,
                "{adaptor}: {method} {url} answered {status} with a body larger than {limit} bytes, the adaptor's limit; ask for less (a page, fewer fields), or raise \"max_response_bytes\" in the adaptor's \"retry\" settings"
            ),
            HttpError::Connect {
                adaptor,
                method,
                url,
                reason,
                attempts,
            } => write!(
                f,
                "{adaptor}: {method} {url} failed: could not connect ({reason}){}; check that the server is up and the base URL is right",
                after_attempts(*attempts)
            ),
            HttpError::Transport {
                adaptor,
                method,
                url,
                reason,
                attempts,
                idempotent,
            } => {
                write!(
                    f,
                    "{adaptor}: {method} {url} failed: the connection broke before a complete response ({reason})"
                )?;
                if *idempotent {
                    write!(f, "{}; try again later", after_attempts(*attempts))
                } else {
                    write!(
                        f,
                        " and {method} is not retried; check on the server whether it was processed"
                    )
                }
            }
            HttpError::Timeout {
                adaptor,
                method,
                url,
                after,
                attempts,
                idempotent,
            } => {
                write!(
                    f,
                    "{adaptor}: {method} {url} timed out: no response within {}",
                    format_duration(*after)
                )?;
                if *idempotent {
                    write!(
                        f,
                        "{}; raise the timeout or check the server",
                        after_attempts(*attempts)
                    )
                } else {
                    write!(
                        f,
                        " and {method} is not retried; check on the server whether it was processed, or raise the timeout"
                    )
                }
            }
            HttpError::Status {
                adaptor,
                status,
                method,
                url,
                message,
                attempts,
                idempotent,
                ..
            } => {
                write!(
                    f,
                    "{adaptor}: {method} {url} answered {}",
                    status_line(*status)
                )?;
                if !message.is_empty() {
                    write!(f, ": {}", one_line(message, LINE_CHARS))?;
                }
                f.write_str(&after_attempts(*attempts))?;
                if !*idempotent && super::retry::is_retryable_status(*status) {
                    write!(f, " ({method} is not retried)")?;
                }
                match status_hint(*status) {
                    Some(hint) => write!(f, "; {hint}"),
                    None => Ok(()),
                }
            }
            HttpError::NotJson {
                adaptor,
                method,
                url,
                status,
                content_type,
                excerpt,
            } => {
                write!(
                    f,
                    "{adaptor}: {method} {url} answered {status} but the response is not JSON"
                )?;
                if let Some(ct) = content_type {
                    write!(f, " ({ct})")?;
                }
                write!(f, ": \"{excerpt}\"; check the path and the base URL")
            }
            HttpError::OAuth2 {
                adaptor,
                token_url,
                reason,
            } => write!(
                f,
                "{adaptor}: OAuth2 token request to {token_url} failed: {reason}; check token_url, client_id and client_secret in the adaptor's config"
            ),
            HttpError::NoRecordedResponse {
                method, url, file, ..
            } => match file {
                Some(file) => write!(
                    f,
                    "dry run: no recorded response for {method} {url} (add one to {file})"
                ),
                None => write!(
                    f,
                    "dry run: no recorded response for {method} {url} (give a recorded-responses file to answer it)"
                ),
            },
        }
    }
}

impl std::error::Error for HttpError {}

fn after_attempts(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

/// `404 Not Found`, or just `499` for a status without a standard reason.
pub(crate) fn status_line(status: u16) -> String {
    match reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
    {
        Some(reason) => format!("{status} {reason}"),
        None => status.to_string(),
    }
}

fn status_hint(status: u16) -> Option<&'static str> {
    Some(match status {
        400 | 422 => "the server rejected the request: check the data sent",
        401 => "check the credentials in the adaptor's config",
        403 => "the credentials are not allowed to do this: check their permissions",
        404 => "check the path and the base URL",
        405 => "check the op's HTTP method",
        409 => "the request conflicts with the server's current state",
        408 | 429 => {
            "the server is overloaded or rate limiting: send fewer requests or allow more attempts"
        }
        500..=599 => "the server failed: try again later or ask its administrators",
        _ => return None,
    })
}

/// `text` on one line (whitespace runs collapsed), cut to `max` characters.
pub(crate) fn one_line(text: &str, max: usize) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    truncate_chars(&collapsed, max)
}

/// The first `max` characters of `text`, with `...` if it was longer.
pub(crate) fn truncate_chars(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}...", &text[..at]),
        None => text.to_string(),
    }
}

/// `300ms`, `1.5s`, `30s`, `2m`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if ms.is_multiple_of(60_000) {
        format!("{}m", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

/// Whether a status without the adaptor's word is transient: anything but a
/// 4xx other than 408 and 429 (`Failure::of_error` in serve).
pub fn default_transient(status: u16) -> bool {
    !(400..500).contains(&status) || matches!(status, 408 | 429)
}

/// The details `errors` finds in a (redacted) JSON body, as shown: each on one
/// line, at most [`MAX_DETAILS`], then how many more there are.
fn shown_details(errors: &ErrorsMeta, json: &serde_json::Value) -> Vec<String> {
    let all = errors.details(json);
    let mut shown: Vec<String> = all
        .iter()
        .take(MAX_DETAILS)
        .map(|d| one_line(&d.to_string(), LINE_CHARS))
        .collect();
    if all.len() > MAX_DETAILS {
        shown.push(format!("and {} more", all.len() - MAX_DETAILS));
    }
    shown
}

/// The redacted body (whole, trimmed), the server's message in it, and the
/// body as JSON when it is JSON.
pub(crate) fn describe_body(
    body: &[u8],
    redactor: &Redactor,
) -> (String, String, Option<serde_json::Value>) {
    let text = String::from_utf8_lossy(body);
    // Redact the whole text before the message is cut from it, so that a cut
    // cannot split a secret.
    let text = redactor.redact(&text);
    let (message, json) = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(json) => (json_message(&json).unwrap_or_default(), Some(json)),
        Err(_) if text.trim_start().starts_with('<') => (String::new(), None), // an HTML page
        Err(_) => (one_line(&text, LINE_CHARS), None),
    };
    (text.trim().to_string(), message, json)
}

/// The human part of a JSON error body: the first string found under a usual key.
fn json_message(json: &serde_json::Value) -> Option<String> {
    const KEYS: [&str; 7] = [
        "message",
        "error_description",
        "errorMessage",
        "detail",
        "title",
        "error",
        "errors",
    ];
    let obj = json.as_object()?;
    for key in KEYS {
        match obj.get(key) {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
                return Some(one_line(s, LINE_CHARS));
            }
            Some(nested @ serde_json::Value::Object(_)) => {
                if let Some(m) = json_message(nested) {
                    return Some(m);
                }
            }
            Some(serde_json::Value::Array(items)) => {
                if let Some(first) = items.first() {
                    if let Some(s) = first.as_str() {
                        return Some(one_line(s, LINE_CHARS));
                    }
                    if let Some(m) = json_message(first) {
                        return Some(m);
                    }
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(format_duration(Duration::from_millis(300)), "300ms");
        assert_eq!(format_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(format_duration(Duration::from_secs(30)), "30s");
        assert_eq!(format_duration(Duration::from_secs(120)), "2m");
    }

    #[test]
    fn messages_from_bodies() {
        let r = Redactor::new();
        let m = |body: &str| describe_body(body.as_bytes(), &r).1;
        assert_eq!(
            m(r#"{"httpStatusCode":409,"message":"Already exists"}"#),
            "Already exists"
        );
        assert_eq!(m(r#"{"error":{"message":"nested"}}"#), "nested");
        assert_eq!(m(r#"{"errors":[{"detail":"first"}]}"#), "first");
        assert_eq!(
            m(r#"{"error":"invalid_client","error_description":"bad secret"}"#),
            "bad secret"
        );
        assert_eq!(m("plain\ntext  here"), "plain text here");
        assert_eq!(m("<html><body>x</body></html>"), "");
        assert_eq!(m(""), "");
    }

    #[test]
    fn bodies_are_kept_whole_and_redacted_before_the_message_is_cut() {
        let r = Redactor::new();
        r.add("supersecret");
        let body = format!("{}supersecret and more", "x".repeat(LINE_CHARS - 3));
        let (whole, message, _) = describe_body(body.as_bytes(), &r);
        assert_eq!(whole, format!("{}*** and more", "x".repeat(LINE_CHARS - 3)));
        assert!(!message.contains("sup"), "{message}");
        assert!(message.ends_with("xxx***..."), "{message}");
    }

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate_chars("héllo", 2), "hé...");
        assert_eq!(truncate_chars("hé", 2), "hé");
    }
}
