//! Following redirects by hand, so that credentials never leave their origin.
//!
//! reqwest's own redirect policy cannot change what the next request carries, so
//! the client asks it not to follow redirects and follows them here, one [`Hop`]
//! at a time (see `docs/http.md`, "Redirects"):
//! - to the same origin (scheme, host and port), the request keeps its auth;
//! - to another origin, every credential is dropped: the auth scheme's header or
//!   query parameter, `Authorization`, `Proxy-Authorization` and `Cookie`; and it
//!   stays dropped for the rest of the chain, even back on the first origin;
//! - 303, and 301/302 after a POST, continue as a GET without the body (as
//!   browsers do); 307 and 308 keep the method and the body, but a body is never
//!   sent to another origin: that is an error naming both;
//! - at most [`MAX_REDIRECTS`] redirects are followed.

use reqwest::Url;
use reqwest::header::{
    AUTHORIZATION, CONTENT_LENGTH, CONTENT_TYPE, COOKIE, HeaderMap, HeaderName, PROXY_AUTHORIZATION,
};

use super::request::Method;

/// The most redirects one request follows.
pub(crate) const MAX_REDIRECTS: u32 = 10;

/// The credentials the adaptor's auth adds to a request, to take off it when it
/// leaves its origin.
#[derive(Clone, Debug, Default)]
pub(crate) struct AuthMarks {
    /// The auth scheme's header (`Authorization`, or a `header(...)` scheme's own).
    pub header: Option<HeaderName>,
    /// The `query(...)` scheme's parameter: name and value.
    pub query: Option<(String, String)>,
}

/// One request of a chain of redirects.
#[derive(Clone, Debug)]
pub(crate) struct Hop {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: Option<Vec<u8>>,
    /// False once the chain has left the first origin: no credentials from then on.
    pub credentials: bool,
}

/// Whether `status` asks the client to go elsewhere (with a `Location`).
pub(crate) fn is_redirect(status: u16) -> bool {
    matches!(status, 301 | 302 | 303 | 307 | 308)
}

impl Hop {
    /// The request that follows a `status` redirect of this one to `location`,
    /// given the origin the chain started on. `Err` says why it is not followed.
    pub(crate) fn follow(
        mut self,
        status: u16,
        location: &str,
        origin: &url::Origin,
        marks: &AuthMarks,
    ) -> Result<Hop, String> {
        let mut target = self.url.join(location.trim()).map_err(|e| {
            format!(
                "the server redirected it ({status}) to an invalid Location \"{location}\" ({e})"
            )
        })?;
        if !matches!(target.scheme(), "http" | "https") {
            return Err(format!(
                "the server redirected it ({status}) to a {} URL, and only http and https are followed",
                target.scheme()
            ));
        }
        let as_get = status == 303 || (matches!(status, 301 | 302) && self.method == Method::Post);
        if as_get {
            if self.method != Method::Head {
                self.method = Method::Get;
            }
            self.body = None;
            self.headers.remove(CONTENT_TYPE);
            self.headers.remove(CONTENT_LENGTH);
        }
        let cross_origin = target.origin() != *origin;
        if cross_origin && self.body.is_some() {
            return Err(format!(
                "the server redirected it ({status}) to {} on another host than {}, and a request body is never sent to another host; if that host is right, use it in the adaptor's base URL",
                without_query(&target),
                origin.ascii_serialization()
            ));
        }
        if cross_origin && self.credentials {
            self.credentials = false;
            for name in [AUTHORIZATION, PROXY_AUTHORIZATION, COOKIE] {
                self.headers.remove(name);
            }
            if let Some(name) = &marks.header {
                self.headers.remove(name);
            }
        }
        if let Some((name, value)) = &marks.query {
            set_query_credential(&mut target, name, value, self.credentials);
        }
        self.url = target;
        Ok(self)
    }
}

/// Makes the auth query parameter `name` present (with `value`) or absent,
/// whatever the server's `Location` had.
fn set_query_credential(url: &mut Url, name: &str, value: &str, present: bool) {
    let had = url.query_pairs().any(|(n, _)| n == name);
    if present && had {
        return;
    }
    if !present && !had {
        return;
    }
    let kept: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(n, _)| n != name)
        .map(|(n, v)| (n.into_owned(), v.into_owned()))
        .collect();
    url.set_query(None);
    if kept.is_empty() && !present {
        return;
    }
    let mut pairs = url.query_pairs_mut();
    for (n, v) in &kept {
        pairs.append_pair(n, v);
    }
    if present {
        pairs.append_pair(name, value);
    }
}

/// A URL without its query (which may hold a credential), for messages.
fn without_query(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    let _ = shown.set_password(None);
    shown.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn hop(method: Method, url: &str, body: bool) -> Hop {
        let mut headers = HeaderMap::new();
        headers.insert("x-api-key", HeaderValue::from_static("key-1234"));
        headers.insert(AUTHORIZATION, HeaderValue::from_static("Bearer t"));
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert("x-request-id", HeaderValue::from_static("r-1"));
        Hop {
            method,
            url: Url::parse(url).unwrap(),
            headers,
            body: body.then(|| b"{}".to_vec()),
            credentials: true,
        }
    }

    fn marks() -> AuthMarks {
        AuthMarks {
            header: Some(HeaderName::from_static("x-api-key")),
            query: Some(("api_key".into(), "q-1234".into())),
        }
    }

    fn origin(url: &str) -> url::Origin {
        Url::parse(url).unwrap().origin()
    }

    #[test]
    fn same_origin_keeps_the_credentials() {
        let o = origin("https://a.example");
        let next = hop(Method::Get, "https://a.example/x?api_key=q-1234", false)
            .follow(302, "/y?page=2", &o, &marks())
            .unwrap();
        assert_eq!(
            next.url.as_str(),
            "https://a.example/y?page=2&api_key=q-1234"
        );
        assert_eq!(next.headers.get("x-api-key").unwrap(), "key-1234");
        assert!(next.credentials);
    }

    #[test]
    fn another_origin_gets_no_credentials() {
        let o = origin("https://a.example");
        let next = hop(Method::Get, "https://a.example/x?api_key=q-1234", false)
            .follow(301, "https://b.example/y?api_key=q-1234&n=1", &o, &marks())
            .unwrap();
        assert_eq!(next.url.as_str(), "https://b.example/y?n=1");
        assert_eq!(next.headers.get("x-api-key"), None);
        assert_eq!(next.headers.get(AUTHORIZATION), None);
        assert_eq!(next.headers.get("x-request-id").unwrap(), "r-1");
        // Back on the first origin, they stay dropped.
        let back = next
            .follow(302, "https://a.example/z", &o, &marks())
            .unwrap();
        assert_eq!(back.url.as_str(), "https://a.example/z");
        assert_eq!(back.headers.get("x-api-key"), None);
    }

    #[test]
    fn another_port_or_scheme_is_another_origin() {
        let o = origin("https://a.example");
        for to in ["https://a.example:8443/y", "http://a.example/y"] {
            let next = hop(Method::Get, "https://a.example/x", false)
                .follow(307, to, &o, &marks())
                .unwrap();
            assert!(!next.credentials, "{to}");
        }
    }

    #[test]
    fn see_other_and_moved_posts_become_gets_without_a_body() {
        let o = origin("https://a.example");
        for status in [301, 302, 303] {
            let next = hop(Method::Post, "https://a.example/x", true)
                .follow(status, "https://b.example/done", &o, &marks())
                .unwrap();
            assert_eq!(next.method, Method::Get, "{status}");
            assert_eq!(next.body, None);
            assert_eq!(next.headers.get(CONTENT_TYPE), None);
        }
    }

    #[test]
    fn a_body_never_goes_to_another_origin() {
        let o = origin("https://a.example");
        let err = hop(Method::Post, "https://a.example/x", true)
            .follow(307, "https://b.example/y?api_key=q-1234", &o, &marks())
            .unwrap_err();
        assert_eq!(
            err,
            "the server redirected it (307) to https://b.example/y on another host than https://a.example, and a request body is never sent to another host; if that host is right, use it in the adaptor's base URL"
        );
        let same = hop(Method::Post, "https://a.example/x", true)
            .follow(308, "/y", &o, &marks())
            .unwrap();
        assert_eq!(same.method, Method::Post);
        assert_eq!(same.body.as_deref(), Some(&b"{}"[..]));
    }

    #[test]
    fn only_http_locations_are_followed() {
        let o = origin("https://a.example");
        let err = hop(Method::Get, "https://a.example/x", false)
            .follow(302, "file:///etc/passwd", &o, &marks())
            .unwrap_err();
        assert_eq!(
            err,
            "the server redirected it (302) to a file URL, and only http and https are followed"
        );
    }
}
