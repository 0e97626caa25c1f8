//! What an op sends: [`Method`], [`Body`] and [`Request`], and how a path is joined
//! to an adaptor's base URL ([`join_url`]).

use std::fmt;
use std::time::Duration;

use serde_json::Value;

/// An HTTP method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
}

impl Method {
    /// Parses a method name, in any case (`"get"`, `"GET"`).
    pub fn parse(name: &str) -> Option<Method> {
        Some(match name.to_ascii_uppercase().as_str() {
            "GET" => Method::Get,
            "HEAD" => Method::Head,
            "POST" => Method::Post,
            "PUT" => Method::Put,
            "PATCH" => Method::Patch,
            "DELETE" => Method::Delete,
            "OPTIONS" => Method::Options,
            _ => return None,
        })
    }

    /// The method's name in upper case.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Head => "HEAD",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
            Method::Options => "OPTIONS",
        }
    }

    /// Whether sending the request twice has the same effect as sending it once
    /// (RFC 9110 §9.2.2): GET, HEAD, PUT, DELETE and OPTIONS are; POST and PATCH not.
    pub fn is_idempotent(self) -> bool {
        !matches!(self, Method::Post | Method::Patch)
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Method::Get => reqwest::Method::GET,
            Method::Head => reqwest::Method::HEAD,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
            Method::Options => reqwest::Method::OPTIONS,
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A request body.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Body {
    /// No body.
    #[default]
    None,
    /// Serialized compactly, sent as `application/json`.
    Json(Value),
    /// Sent as `application/x-www-form-urlencoded`, pairs in order (a key may repeat).
    Form(Vec<(String, String)>),
    /// Sent as `text/plain; charset=utf-8`.
    Text(String),
}

impl Body {
    /// The `Content-Type` this body is sent with, unless the request sets its own.
    pub fn content_type(&self) -> Option<&'static str> {
        match self {
            Body::None => None,
            Body::Json(_) => Some("application/json"),
            Body::Form(_) => Some("application/x-www-form-urlencoded"),
            Body::Text(_) => Some("text/plain; charset=utf-8"),
        }
    }

    /// The bytes sent on the wire.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Body::None => Vec::new(),
            Body::Json(v) => serde_json::to_vec(v).expect("a JSON value always serializes"),
            Body::Form(pairs) => encode_form(pairs).into_bytes(),
            Body::Text(t) => t.clone().into_bytes(),
        }
    }
}

/// `a=1&b=x+y`: pairs encoded as `application/x-www-form-urlencoded`.
pub(crate) fn encode_form(pairs: &[(String, String)]) -> String {
    let mut s = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        s.append_pair(k, v);
    }
    s.finish()
}

/// One HTTP request, before auth and retries.
///
/// `url` is either absolute (`https://host/path`) or a path joined to `base_url`
/// (the adaptor's `base`) by [`join_url`]. `query` pairs are appended to the URL in
/// order; a key may repeat (a list value). `timeout` overrides the policy's.
#[derive(Clone, Debug, PartialEq)]
pub struct Request {
    pub method: Method,
    pub url: String,
    pub base_url: Option<String>,
    pub query: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub body: Body,
    pub timeout: Option<Duration>,
    /// Whether the request may be sent again after a failure. Defaults to
    /// [`Method::is_idempotent`]; an op can declare a POST idempotent.
    pub idempotent: bool,
}

impl Request {
    /// A request with no query, headers or body; `idempotent` follows the method.
    pub fn new(method: Method, url: impl Into<String>) -> Request {
        Request {
            method,
            url: url.into(),
            base_url: None,
            query: Vec::new(),
            headers: Vec::new(),
            body: Body::None,
            timeout: None,
            idempotent: method.is_idempotent(),
        }
    }

    pub fn get(url: impl Into<String>) -> Request {
        Request::new(Method::Get, url)
    }

    pub fn post(url: impl Into<String>) -> Request {
        Request::new(Method::Post, url)
    }

    pub fn put(url: impl Into<String>) -> Request {
        Request::new(Method::Put, url)
    }

    pub fn patch(url: impl Into<String>) -> Request {
        Request::new(Method::Patch, url)
    }

    pub fn delete(url: impl Into<String>) -> Request {
        Request::new(Method::Delete, url)
    }

    /// Sets the base URL a relative `url` is joined to.
    pub fn base(mut self, base_url: impl Into<String>) -> Request {
        self.base_url = Some(base_url.into());
        self
    }

    /// Appends a query pair (call again with the same name for a list).
    pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.query.push((name.into(), value.into()));
        self
    }

    /// Appends a header.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Request {
        self.headers.push((name.into(), value.into()));
        self
    }

    pub fn json(mut self, value: Value) -> Request {
        self.body = Body::Json(value);
        self
    }

    pub fn form(mut self, pairs: Vec<(String, String)>) -> Request {
        self.body = Body::Form(pairs);
        self
    }

    pub fn text(mut self, text: impl Into<String>) -> Request {
        self.body = Body::Text(text.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Request {
        self.timeout = Some(timeout);
        self
    }

    /// Declares whether the request may be retried (overrides the method's default).
    pub fn idempotent(mut self, idempotent: bool) -> Request {
        self.idempotent = idempotent;
        self
    }

    /// The URL before query pairs are added: `url` joined to `base_url`.
    pub fn target(&self) -> String {
        join_url(self.base_url.as_deref(), &self.url)
    }
}

/// Joins a path to a base URL the way a user expects, not by RFC 3986 resolution:
/// the base's path is kept and exactly one `/` separates the two
/// (`https://h/40/` + `/api/x` and `https://h/40` + `api/x` both give
/// `https://h/40/api/x`). An absolute `url` (`http://` or `https://`) is returned
/// as it is, so is `url` without a base. An empty path gives the base; a path
/// that starts with `?` is appended to the base as it is.
pub fn join_url(base: Option<&str>, url: &str) -> String {
    let Some(base) = base else {
        return url.to_string();
    };
    if is_absolute(url) {
        return url.to_string();
    }
    if url.is_empty() || url.starts_with('?') {
        return format!("{base}{url}");
    }
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        url.trim_start_matches('/')
    )
}

/// Resolves a link a server gave in a response (a paging `next`) against the URL
/// of the request it answered, as RFC 3986 says a browser would: an absolute link
/// as it is, `/path` on the same host, `?query` on the same path, `page2` beside
/// the current path. Unresolvable input is returned as it is.
pub fn resolve_link(from: &str, link: &str) -> String {
    match url::Url::parse(from).and_then(|from| from.join(link)) {
        Ok(url) => url.to_string(),
        Err(_) => link.to_string(),
    }
}

fn is_absolute(url: &str) -> bool {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn join_handles_slashes() {
        for (base, path) in [
            ("https://h/40", "/api/x"),
            ("https://h/40/", "/api/x"),
            ("https://h/40", "api/x"),
            ("https://h/40/", "api/x"),
        ] {
            assert_eq!(join_url(Some(base), path), "https://h/40/api/x");
        }
        assert_eq!(join_url(Some("https://h"), "/a"), "https://h/a");
        assert_eq!(join_url(Some("https://h/"), ""), "https://h/");
        assert_eq!(join_url(Some("https://h/a"), "?x=1"), "https://h/a?x=1");
        assert_eq!(join_url(Some("https://h/a"), "HTTPS://o/b"), "HTTPS://o/b");
        assert_eq!(join_url(None, "/a"), "/a");
    }

    #[test]
    fn links_resolve_against_the_page_they_came_from() {
        let from = "https://hq.example.org/a/demo/api/v0.5/form/?limit=2";
        assert_eq!(
            resolve_link(from, "?limit=2&offset=2"),
            "https://hq.example.org/a/demo/api/v0.5/form/?limit=2&offset=2"
        );
        assert_eq!(
            resolve_link(from, "/a/demo/api/v0.5/form/?offset=4"),
            "https://hq.example.org/a/demo/api/v0.5/form/?offset=4"
        );
        assert_eq!(
            resolve_link(from, "https://other.org/x?p=2"),
            "https://other.org/x?p=2"
        );
        assert_eq!(
            resolve_link(from, "next"),
            "https://hq.example.org/a/demo/api/v0.5/form/next"
        );
        assert_eq!(resolve_link("not a url", "?p=2"), "?p=2");
    }

    #[test]
    fn idempotency_follows_the_method() {
        assert!(Request::get("/").idempotent);
        assert!(Request::put("/").idempotent);
        assert!(Request::delete("/").idempotent);
        assert!(Request::new(Method::Head, "/").idempotent);
        assert!(Request::new(Method::Options, "/").idempotent);
        assert!(!Request::post("/").idempotent);
        assert!(!Request::patch("/").idempotent);
        assert!(Request::post("/").idempotent(true).idempotent);
    }

    #[test]
    fn methods_parse_in_any_case() {
        assert_eq!(Method::parse("get"), Some(Method::Get));
        assert_eq!(Method::parse("PATCH"), Some(Method::Patch));
        assert_eq!(Method::parse("TRACE"), None);
    }

    #[test]
    fn bodies_encode() {
        let form = Body::Form(vec![
            ("a b".into(), "1&2".into()),
            ("a b".into(), "3".into()),
        ]);
        assert_eq!(form.to_bytes(), b"a+b=1%262&a+b=3");
        assert_eq!(
            Body::Json(serde_json::json!({"b": 1, "a": [true]})).to_bytes(),
            br#"{"b":1,"a":[true]}"#
        );
        assert_eq!(Body::None.content_type(), None);
    }
}
