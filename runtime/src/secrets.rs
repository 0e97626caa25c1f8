//! Redaction of secrets from everything the runtime prints or reports.
//!
//! A [`Redactor`] holds the set of secret strings of one job run (config fields of
//! type `Secret`, auth credentials, OAuth2 access tokens) and replaces every
//! occurrence of any of them with `***`. It is cheap to clone (one `Arc`) and safe
//! to share between threads; every clone sees the secrets added through any other.
//!
//! Besides each secret's own text, the redactor also registers the forms in which
//! the secret travels and may come back in a response or an error:
//! - its URL-encoded forms (`application/x-www-form-urlencoded`, as in query strings
//!   and form bodies, and RFC 3986 percent-encoding, as in paths);
//! - its JSON-escaped form (a secret with `"` or `\` inside a JSON document);
//! - its base64 forms (standard and URL-safe, padded or not): a bearer token or
//!   an API key a server echoes encoded;
//! - for a basic-auth pair, the base64 of `user:password` (the `Authorization`
//!   header a server may echo).
//!
//! Secrets shorter than [`Redactor::MIN_LEN`] (4) characters are not redacted. A
//! one- to three-character secret would turn every occurrence of, say, `id` or
//! `200` in every log line into `***`: the output becomes unreadable, and the
//! pattern of masks itself gives the secret away. A secret that short gives no
//! protection anyway (it can be guessed in at most a few million tries), so the
//! redactor accepts and ignores it rather than mangle the output.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::{Arc, RwLock};

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine as _;
use serde_json::Value;

/// What a redacted secret is replaced with.
pub const MASK: &str = "***";

/// The set of secrets of one run, and the matcher that finds them in text.
#[derive(Clone, Default)]
pub struct Redactor {
    inner: Arc<RwLock<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// Every pattern (each secret and its encoded forms).
    patterns: BTreeSet<String>,
    /// The automaton over `patterns`, rebuilt when a pattern is added.
    matcher: Option<Arc<AhoCorasick>>,
}

impl Redactor {
    /// Secrets shorter than this many characters are ignored (see the module docs).
    pub const MIN_LEN: usize = 4;

    /// An empty redactor.
    pub fn new() -> Redactor {
        Redactor::default()
    }

    /// Registers a secret and its URL-encoded and JSON-escaped forms.
    pub fn add(&self, secret: &str) {
        self.add_patterns(&variants(secret));
    }

    /// Registers a basic-auth password, and the base64 of `user:password` that the
    /// `Authorization: Basic` header carries. The user name alone is not a secret.
    pub fn add_basic_auth(&self, user: &str, password: &str) {
        let mut patterns = variants(password);
        if password.chars().count() >= Self::MIN_LEN {
            let encoded =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            patterns.push(encoded);
        }
        self.add_patterns(&patterns);
    }

    /// Whether nothing is registered.
    pub fn is_empty(&self) -> bool {
        self.read().patterns.is_empty()
    }

    /// Whether `text` is one of the registered patterns (a secret or an encoded form).
    pub fn contains(&self, text: &str) -> bool {
        self.read().patterns.contains(text)
    }

    /// `text` with every occurrence of any secret replaced by `***`. Where two
    /// secrets overlap, the longest match wins. Borrows `text` when nothing matches.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(matcher) = self.read().matcher.clone() else {
            return Cow::Borrowed(text);
        };
        if !matcher.is_match(text) {
            return Cow::Borrowed(text);
        }
        let mut out = String::with_capacity(text.len());
        matcher.replace_all_with(text, &mut out, |_, _, out| {
            out.push_str(MASK);
            true
        });
        Cow::Owned(out)
    }

    /// A copy of `value` with every string (and object key) redacted. Use this
    /// rather than redacting serialized JSON, which could cut a number in half.
    pub fn redact_json(&self, value: &Value) -> Value {
        match value {
            Value::String(s) => Value::String(self.redact(s).into_owned()),
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.redact_json(v)).collect())
            }
            Value::Object(map) => Value::Object(
                map.iter()
                    .map(|(k, v)| (self.redact(k).into_owned(), self.redact_json(v)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    fn add_patterns(&self, patterns: &[String]) {
        let mut inner = self.inner.write().unwrap_or_else(|e| e.into_inner());
        let mut changed = false;
        for p in patterns {
            if p.chars().count() >= Self::MIN_LEN && !inner.patterns.contains(p) {
                inner.patterns.insert(p.clone());
                changed = true;
            }
        }
        if changed {
            let matcher = AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostLongest)
                .build(inner.patterns.iter())
                .expect("a set of literal, non-empty patterns always builds");
            inner.matcher = Some(Arc::new(matcher));
        }
    }

    fn read(&self) -> std::sync::RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never the secrets themselves.
        write!(f, "Redactor({} patterns)", self.read().patterns.len())
    }
}

/// A secret and the encoded forms it may travel in (duplicates removed).
fn variants(secret: &str) -> Vec<String> {
    if secret.chars().count() < Redactor::MIN_LEN {
        return Vec::new();
    }
    let mut out = vec![secret.to_string()];
    let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let percent = percent_encoding::utf8_percent_encode(secret, URI_COMPONENT).to_string();
    let json = serde_json::to_string(secret).expect("a string always serializes");
    let json = json[1..json.len() - 1].to_string();
    let mut forms = vec![form, percent, json];
    forms.extend(base64_forms(secret));
    for v in forms {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// A secret's base64 forms (standard and URL-safe, with and without padding): a
/// token or key that a server echoes encoded, or that a job sends encoded.
fn base64_forms(secret: &str) -> Vec<String> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    [STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD]
        .iter()
        .map(|engine| engine.encode(secret))
        .collect()
}

/// Everything but RFC 3986's unreserved characters.
const URI_COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_every_occurrence() {
        let r = Redactor::new();
        r.add("hunter22");
        assert_eq!(r.redact("pw=hunter22, again hunter22"), "pw=***, again ***");
    }

    #[test]
    fn borrows_when_nothing_matches() {
        let r = Redactor::new();
        assert!(matches!(r.redact("plain"), Cow::Borrowed("plain")));
        r.add("secret");
        assert!(matches!(r.redact("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn longest_secret_wins() {
        let r = Redactor::new();
        r.add("abcd");
        r.add("abcdefgh");
        assert_eq!(r.redact("xabcdefghx abcdx"), "x***x ***x");
    }

    #[test]
    fn short_secrets_are_ignored() {
        let r = Redactor::new();
        r.add("");
        r.add("abc");
        assert!(r.is_empty());
        assert_eq!(r.redact("abc"), "abc");
    }

    #[test]
    fn url_encoded_and_json_forms() {
        let r = Redactor::new();
        r.add("p@ss w\"rd/1");
        assert_eq!(r.redact("q=p%40ss+w%22rd%2F1"), "q=***");
        assert_eq!(r.redact("/x/p%40ss%20w%22rd%2F1"), "/x/***");
        assert_eq!(r.redact(r#"{"pw":"p@ss w\"rd/1"}"#), r#"{"pw":"***"}"#);
    }

    #[test]
    fn single_secrets_register_their_base64_forms() {
        let r = Redactor::new();
        r.add("tok-abc.123?");
        // base64("tok-abc.123?"), standard and URL-safe.
        assert_eq!(r.redact("echo dG9rLWFiYy4xMjM/"), "echo ***");
        assert_eq!(r.redact("echo dG9rLWFiYy4xMjM_"), "echo ***");
    }

    #[test]
    fn basic_auth_pair_registers_base64() {
        let r = Redactor::new();
        r.add_basic_auth("alice", "s3cret-pw");
        // base64("alice:s3cret-pw")
        assert_eq!(r.redact("Basic YWxpY2U6czNjcmV0LXB3"), "Basic ***");
        assert_eq!(r.redact("user alice"), "user alice");
    }

    #[test]
    fn clones_share_secrets() {
        let r = Redactor::new();
        let c = r.clone();
        std::thread::spawn(move || c.add("token-123"))
            .join()
            .unwrap();
        assert_eq!(r.redact("Bearer token-123"), "Bearer ***");
        // The token and its base64 (which is the same in every base64 alphabet).
        assert_eq!(format!("{r:?}"), "Redactor(2 patterns)");
    }

    #[test]
    fn redacts_json_strings_only() {
        let r = Redactor::new();
        r.add("1234");
        let v = serde_json::json!({ "pin": "1234", "n": 12345, "1234": ["a1234"] });
        assert_eq!(
            r.redact_json(&v),
            serde_json::json!({ "pin": "***", "n": 12345, "***": ["a***"] })
        );
    }
}
