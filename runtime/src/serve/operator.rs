//! The operator token: what `/runs` (and `/metrics`, unless `--metrics open`)
//! require, so that run data (outputs hold patients' records) is not readable by
//! whoever reaches the port.
//!
//! - Given with `--admin-token` / `FERRY_ADMIN_TOKEN`, it replaces the stored one.
//! - Otherwise, at the first start, one is generated (32 bytes from the operating
//!   system's random source) and printed once with the URL to use, as Jupyter
//!   does; later starts use the stored one.
//! - Only its SHA-256 is kept, in the inbox store (the state folder's SQLite, or
//!   the PostgreSQL queue, so every process of a queue shares it). Each request
//!   reads the stored hash, so a new token takes effect on every process at once.
//! - A request gives it as `Authorization: Bearer TOKEN` or `?token=TOKEN`, or
//!   has logged in on the page with it (a session cookie, see `session`); it is
//!   compared in constant time and never logged.

use std::collections::HashMap;

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};

use super::ServeError;
use super::auth::same_secret;
use super::session::{self, Session};
use super::store::Store;

/// Who may read `/metrics` (`--metrics open|token`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MetricsAccess {
    /// Anyone who reaches the port (a scraper inside a private network).
    Open,
    /// Only a request with the operator token.
    #[default]
    Token,
}

/// Sets up the operator token at start. `Some(token)`: a new one was generated
/// and stored, and must be shown to the operator (it cannot be shown again).
pub(crate) async fn set_up(
    store: &Store,
    given: Option<&str>,
) -> Result<Option<String>, ServeError> {
    let store_error = |e: super::store::StoreError| {
        ServeError::State(format!("cannot keep the operator token: {e}"))
    };
    if let Some(token) = given {
        if token.trim().is_empty() {
            return Err(ServeError::Config(
                "--admin-token (or FERRY_ADMIN_TOKEN) is empty: give a long random token, \
                 or leave it out to have one generated"
                    .into(),
            ));
        }
        store
            .set_operator_token(digest_hex(token), true)
            .await
            .map_err(store_error)?;
        return Ok(None);
    }
    let token = new_token()?;
    let stored = store
        .set_operator_token(digest_hex(&token), false)
        .await
        .map_err(store_error)?;
    Ok(stored.then_some(token))
}

/// What the operator is shown once, when a token was generated.
pub(crate) fn announcement(addr: std::net::SocketAddr, token: &str) -> String {
    format!(
        "operator API: http://{addr}/runs?token={token}\n  \
         or send the header Authorization: Bearer {token}\n  \
         operator page: http://{addr}/ (log in with the token)\n  \
         shown only now: only its hash is kept. To set another, start with \
         --admin-token TOKEN (or FERRY_ADMIN_TOKEN)."
    )
}

/// How a request of the operator API or page proved it may.
#[derive(Clone, Debug)]
pub(crate) enum Access {
    /// The bearer token (header or `?token=`): no CSRF token needed.
    Token,
    /// A page session: forms that change something need its CSRF token.
    Session(Session),
}

/// What a request is allowed, with the key of sessions and CSRF tokens (the
/// stored token hash).
#[derive(Clone, Debug)]
pub(crate) struct Granted {
    pub access: Access,
    pub key: String,
}

impl Granted {
    /// The CSRF token forms of this request's page carry (empty for the bearer
    /// token, which needs none).
    pub(crate) fn csrf(&self) -> String {
        match &self.access {
            Access::Token => String::new(),
            Access::Session(s) => s.csrf(&self.key),
        }
    }

    /// Whether a form that changes something may go ahead: always with the
    /// bearer token, with the session's CSRF token otherwise.
    pub(crate) fn may_change(&self, csrf: Option<&str>) -> bool {
        match &self.access {
            Access::Token => true,
            Access::Session(s) => s.csrf_matches(&self.key, csrf),
        }
    }
}

/// Checks a request's token or session against the stored hash. `Ok(None)`:
/// neither is there (or valid).
pub(crate) async fn check(
    store: &Store,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    now_ms: i64,
) -> Result<Option<Granted>, super::store::StoreError> {
    let Some(stored) = store.operator_token().await? else {
        return Ok(None);
    };
    if authorized(headers, query, Some(&stored)) {
        return Ok(Some(Granted {
            access: Access::Token,
            key: stored,
        }));
    }
    Ok(
        session::presented(headers, &stored, now_ms).map(|s| Granted {
            access: Access::Session(s),
            key: stored,
        }),
    )
}

/// Whether `given` (typed into the login form) is the operator token.
pub(crate) fn is_token(given: &str, stored_hex: &str) -> bool {
    same_secret(digest_hex(given).as_bytes(), stored_hex.as_bytes())
}

/// Whether the request carries the operator token whose hash is stored.
pub(crate) fn authorized(
    headers: &HeaderMap,
    query: &HashMap<String, String>,
    stored_hex: Option<&str>,
) -> bool {
    let Some(stored) = stored_hex else {
        return false;
    };
    let Some(given) = presented(headers, query) else {
        return false;
    };
    same_secret(digest_hex(given).as_bytes(), stored.as_bytes())
}

/// The token of `Authorization: Bearer TOKEN`, or else of `?token=TOKEN`.
fn presented<'a>(headers: &'a HeaderMap, query: &'a HashMap<String, String>) -> Option<&'a str> {
    let bearer = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            let (scheme, token) = v.trim().split_once(' ')?;
            scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
        });
    bearer.or_else(|| query.get("token").map(String::as_str))
}

/// The hex SHA-256 of a token: what the store keeps.
fn digest_hex(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 32 random bytes from the operating system, in hex.
fn new_token() -> Result<String, ServeError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| {
        ServeError::Internal(format!(
            "cannot generate the operator token: {e}; give one with --admin-token"
        ))
    })?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn a_bearer_header_or_a_query_token() {
        let stored = digest_hex("op-token-1234");
        let mut headers = HeaderMap::new();
        let none = HashMap::new();
        assert!(!authorized(&headers, &none, Some(&stored)));
        headers.insert(
            "authorization",
            HeaderValue::from_static("Bearer op-token-1234"),
        );
        assert!(authorized(&headers, &none, Some(&stored)));
        assert!(!authorized(&headers, &none, None));
        headers.insert(
            "authorization",
            HeaderValue::from_static("Bearer op-token-123"),
        );
        assert!(!authorized(&headers, &none, Some(&stored)));
        let query = HashMap::from([("token".to_string(), "op-token-1234".to_string())]);
        assert!(authorized(&HeaderMap::new(), &query, Some(&stored)));
    }

    #[test]
    fn generated_tokens_are_long_and_differ() {
        let a = new_token().unwrap();
        let b = new_token().unwrap();
        assert_eq!(a.len(), 64);
        assert_ne!(a, b);
        assert_eq!(
            digest_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
