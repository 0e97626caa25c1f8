//! Turns a [`Request`] and its [`Auth`] into what goes on the wire (URL with
//! query, headers, body bytes) and into what may be shown of it (the same with
//! every credential masked).

use std::time::Duration;

use reqwest::Url;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use super::auth::{Auth, is_sensitive_header};
use super::error::HttpError;
use super::redirect::AuthMarks;
use super::request::{Body, Method, Request, encode_form};
use super::retry::Policy;
use crate::secrets::{MASK, Redactor};

/// A request ready to send, any number of times.
#[derive(Debug)]
pub(crate) struct Prepared {
    pub adaptor: String,
    pub method: Method,
    /// The URL sent: target, query pairs, then the auth query pair if any.
    pub url: Url,
    /// The URL without the auth query pair (what recorded responses match).
    pub match_url: Url,
    /// The URL as messages show it: the auth query value masked, secrets redacted.
    pub display_url: String,
    /// Headers sent (the static auth header, `Content-Type`, the request's own).
    pub headers: HeaderMap,
    /// Headers as the dry run shows them, in order, credentials masked.
    pub display_headers: Vec<(String, String)>,
    /// `None` for a request without a body.
    pub body: Option<Vec<u8>>,
    /// The body as the dry run shows it (pretty JSON, form or text).
    pub body_display: Option<String>,
    pub idempotent: bool,
    pub timeout: Duration,
    /// What the auth adds, to take off when a redirect leaves the origin.
    pub auth_marks: AuthMarks,
}

pub(crate) fn prepare(
    adaptor: &str,
    req: Request,
    auth: &Auth,
    policy: &Policy,
    redactor: &Redactor,
) -> Result<Prepared, HttpError> {
    let target = req.target();
    let invalid_url = |reason: String| HttpError::InvalidUrl {
        adaptor: adaptor.to_string(),
        url: redactor.redact(&target).into_owned(),
        reason,
    };
    let mut url = Url::parse(&target).map_err(|e| {
        invalid_url(match e {
            url::ParseError::RelativeUrlWithoutBase => {
                "a path needs the adaptor's base URL, and none is set".to_string()
            }
            other => other.to_string(),
        })
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid_url(format!(
            "the scheme is {}, and only http and https are supported",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid_url("the URL has no host".to_string()));
    }
    if !req.query.is_empty() {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in &req.query {
            pairs.append_pair(name, value);
        }
    }
    let match_url = url.clone();
    let mut display = url.clone();
    if let Some(password) = url.password() {
        // https://user:password@host/: the password is a secret too.
        redactor.add(password);
        redactor.add(&percent_encoding::percent_decode_str(password).decode_utf8_lossy());
        let _ = display.set_password(Some(MASK));
    }
    if let Auth::Query { name, value } = auth {
        url.query_pairs_mut().append_pair(name, value);
        display.query_pairs_mut().append_pair(name, MASK);
    }
    let display_url = redactor.redact(display.as_str()).into_owned();

    let invalid_request = |reason: String| HttpError::InvalidRequest {
        adaptor: adaptor.to_string(),
        method: req.method,
        url: display_url.clone(),
        reason: redactor.redact(&reason).into_owned(),
    };

    let mut headers = HeaderMap::new();
    let mut display_headers = Vec::new();
    let mut auth_marks = AuthMarks {
        header: None,
        query: match auth {
            Auth::Query { name, value } => Some((name.clone(), value.clone())),
            _ => None,
        },
    };
    if let (Some((name, value)), Some(masked)) = (auth.header(), auth.masked_header()) {
        let name = header_name(&name).map_err(&invalid_request)?;
        auth_marks.header = Some(name.clone());
        let mut value = HeaderValue::from_str(&value).map_err(|_| {
            invalid_request(format!(
                "the auth header {name} has a character that is not allowed in a header"
            ))
        })?;
        value.set_sensitive(true);
        headers.append(name, value);
        display_headers.push(masked);
    } else if let Some(masked) = auth.masked_header() {
        display_headers.push(masked); // OAuth2: the token comes later
    }
    let has_content_type = req
        .headers
        .iter()
        .any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    if let (false, Some(ct)) = (has_content_type, req.body.content_type()) {
        headers.append(reqwest::header::CONTENT_TYPE, HeaderValue::from_static(ct));
        display_headers.push(("Content-Type".to_string(), ct.to_string()));
    }
    for (name, value) in &req.headers {
        let header = header_name(name).map_err(&invalid_request)?;
        let mut header_value = HeaderValue::from_str(value).map_err(|_| {
            invalid_request(format!(
                "the value of header {name} has a character that is not allowed in a header"
            ))
        })?;
        let sensitive = is_sensitive_header(name);
        header_value.set_sensitive(sensitive);
        headers.append(header, header_value);
        let shown = if sensitive {
            MASK.to_string()
        } else {
            value.clone()
        };
        display_headers.push((name.clone(), shown));
    }

    let body_display = match &req.body {
        Body::None => None,
        Body::Json(v) => Some(serde_json::to_string_pretty(v).expect("JSON always prints")),
        Body::Form(pairs) => Some(encode_form(pairs)),
        Body::Text(t) => Some(t.clone()),
    };
    let body = match req.body {
        Body::None => None,
        ref body => Some(body.to_bytes()),
    };

    Ok(Prepared {
        adaptor: adaptor.to_string(),
        method: req.method,
        url,
        match_url,
        display_url,
        headers,
        display_headers,
        body,
        body_display,
        idempotent: req.idempotent,
        timeout: req.timeout.unwrap_or(policy.timeout),
        auth_marks,
    })
}

fn header_name(name: &str) -> Result<HeaderName, String> {
    HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("\"{name}\" is not a valid header name"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prep(req: Request, auth: &Auth) -> Result<Prepared, HttpError> {
        let r = Redactor::new();
        auth.register_secrets(&r);
        prepare("api", req, auth, &Policy::default(), &r)
    }

    #[test]
    fn query_pairs_follow_the_target_and_auth_comes_last() {
        let auth = Auth::Query {
            name: "key".into(),
            value: "k 12345".into(),
        };
        let p = prep(
            Request::get("/items?fixed=1")
                .base("https://h/api/")
                .query("tag", "a b")
                .query("tag", "c&d"),
            &auth,
        )
        .unwrap();
        assert_eq!(
            p.url.as_str(),
            "https://h/api/items?fixed=1&tag=a+b&tag=c%26d&key=k+12345"
        );
        assert_eq!(
            p.display_url,
            "https://h/api/items?fixed=1&tag=a+b&tag=c%26d&key=***"
        );
        assert_eq!(
            p.match_url.as_str(),
            "https://h/api/items?fixed=1&tag=a+b&tag=c%26d"
        );
    }

    #[test]
    fn a_password_in_the_url_is_masked() {
        let p = prep(Request::get("https://me:p%40ss-word@h/x"), &Auth::None).unwrap();
        assert_eq!(p.display_url, "https://me:***@h/x");
        assert_eq!(p.url.as_str(), "https://me:p%40ss-word@h/x");
    }

    #[test]
    fn bad_urls_are_explained() {
        let err = prep(Request::get("/items"), &Auth::None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "api: invalid URL \"/items\": a path needs the adaptor's base URL, and none is set; check the adaptor's base URL and the op's path"
        );
        let err = prep(Request::get("ftp://h/x"), &Auth::None).unwrap_err();
        assert!(err.to_string().contains("only http and https"), "{err}");
    }

    #[test]
    fn bad_headers_are_explained() {
        let err = prep(
            Request::get("https://h/").header("X-A", "line\nbreak"),
            &Auth::None,
        )
        .unwrap_err();
        assert_eq!(
            err.to_string(),
            "api: cannot send GET https://h/: the value of header X-A has a character that is not allowed in a header"
        );
        let err = prep(
            Request::get("https://h/").header("bad name", "v"),
            &Auth::None,
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("\"bad name\" is not a valid header name")
        );
    }

    #[test]
    fn a_content_type_of_the_request_wins() {
        let p = prep(
            Request::post("https://h/")
                .header("content-type", "application/fhir+json")
                .json(serde_json::json!({})),
            &Auth::None,
        )
        .unwrap();
        assert_eq!(
            p.display_headers,
            vec![(
                "content-type".to_string(),
                "application/fhir+json".to_string()
            )]
        );
        assert_eq!(p.headers.get_all("content-type").iter().count(), 1);
    }
}
