//! The operator page's login session and its CSRF tokens.
//!
//! Logging in with the operator token sets the cookie `ferry_session`
//! (`HttpOnly`, `SameSite=Strict`, `Path=/`, expiring after the session's
//! lifetime; `Secure` behind a proxy that says `X-Forwarded-Proto: https`). Its
//! value is `EXPIRY.MAC`: the expiry (ms since the epoch) and an HMAC-SHA256 of
//! it keyed with the stored hash of the operator token. Nothing is kept per
//! session, so every process of a PostgreSQL queue accepts the sessions of the
//! others, and rotating the token ends every session at once.
//!
//! Every form that changes something carries a CSRF token: an HMAC of the
//! session's cookie under the same key, so it is valid for that session only.
//! Requests with the bearer token need none (a browser never sends it by itself).

use axum::http::HeaderMap;
use hmac::{KeyInit, Mac};

use super::auth::same_secret;

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

/// The session cookie's name.
pub(crate) const COOKIE: &str = "ferry_session";

/// A valid session, as presented by a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Session {
    /// The cookie's value.
    value: String,
}

impl Session {
    /// The CSRF token the forms of this session carry.
    pub(crate) fn csrf(&self, key: &str) -> String {
        mac_hex(key, &format!("csrf:{}", self.value))
    }

    /// Whether `given` is this session's CSRF token (compared in constant time).
    pub(crate) fn csrf_matches(&self, key: &str, given: Option<&str>) -> bool {
        match given {
            Some(given) => same_secret(given.as_bytes(), self.csrf(key).as_bytes()),
            None => false,
        }
    }
}

/// A new session's cookie value, valid until `expires_ms`.
pub(crate) fn issue(key: &str, expires_ms: i64) -> String {
    format!(
        "{expires_ms}.{}",
        mac_hex(key, &format!("session:{expires_ms}"))
    )
}

/// The `Set-Cookie` header of a new session (`max_age_s` seconds long).
pub(crate) fn set_cookie(value: &str, max_age_s: u64, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_s}{secure}")
}

/// The `Set-Cookie` header that ends a session.
pub(crate) fn clear_cookie() -> String {
    format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// Whether the request came through a TLS-terminating proxy.
pub(crate) fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

/// The request's session, if its cookie is genuine and has not expired.
pub(crate) fn presented(headers: &HeaderMap, key: &str, now_ms: i64) -> Option<Session> {
    let value = cookie(headers, COOKIE)?;
    let (expiry, mac) = value.split_once('.')?;
    let expires: i64 = expiry.parse().ok()?;
    let expected = mac_hex(key, &format!("session:{expires}"));
    (same_secret(mac.as_bytes(), expected.as_bytes()) && now_ms < expires).then(|| Session {
        value: value.to_string(),
    })
}

/// The value of the cookie `name` in the request's `Cookie` headers.
fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(axum::http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

fn mac_hex(key: &str, message: &str) -> String {
    // An HMAC takes a key of any length.
    let mut mac = <HmacSha256 as KeyInit>::new_from_slice(key.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC accepts keys of any length"));
    mac.update(message.as_bytes());
    mac.finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_cookie(value: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(
            "cookie",
            HeaderValue::from_str(&format!("other=1; {COOKIE}={value}")).unwrap(),
        );
        h
    }

    #[test]
    fn a_session_is_valid_until_it_expires_and_only_under_its_key() {
        let value = issue("key-a", 10_000);
        assert!(presented(&with_cookie(&value), "key-a", 9_999).is_some());
        assert!(presented(&with_cookie(&value), "key-a", 10_000).is_none());
        assert!(presented(&with_cookie(&value), "key-b", 1).is_none());
        // A later expiry with the old MAC is refused.
        let forged = value.replacen("10000", "99999", 1);
        assert!(presented(&with_cookie(&forged), "key-a", 1).is_none());
    }

    #[test]
    fn csrf_tokens_belong_to_their_session() {
        let a = presented(&with_cookie(&issue("k", 10)), "k", 1).unwrap();
        let b = presented(&with_cookie(&issue("k", 20)), "k", 1).unwrap();
        assert!(a.csrf_matches("k", Some(&a.csrf("k"))));
        assert!(!a.csrf_matches("k", Some(&b.csrf("k"))));
        assert!(!a.csrf_matches("k", None));
        assert!(!a.csrf_matches("k", Some("")));
    }
}
