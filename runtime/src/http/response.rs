//! [`Response`]: what the server answered (a status below 400, unless the caller
//! builds one), and its decoding as JSON.

use std::borrow::Cow;

use serde_json::Value;

use super::error::{HttpError, one_line};
use super::request::Method;
use crate::secrets::Redactor;

/// A complete response.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: u16,
    /// Header names in lower case, in the order received (a name may repeat).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The request's method and URL (redacted), for messages.
    pub method: Method,
    pub url: String,
    pub adaptor: String,
    redactor: Redactor,
}

impl Response {
    /// A response to `method url` of `adaptor`; errors it reports are redacted by `redactor`.
    pub fn new(
        adaptor: impl Into<String>,
        method: Method,
        url: impl Into<String>,
        status: u16,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
        redactor: Redactor,
    ) -> Response {
        Response {
            status,
            headers,
            body,
            method,
            url: url.into(),
            adaptor: adaptor.into(),
            redactor,
        }
    }

    /// The first value of a header (name in any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as text (invalid UTF-8 replaced).
    pub fn text(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.body)
    }

    /// The body as JSON. An empty body (a 204, say) is `null`; anything else that
    /// does not parse is [`HttpError::NotJson`] with a short, redacted excerpt.
    pub fn json(&self) -> Result<Value, HttpError> {
        if self.body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&self.body).map_err(|_| {
            let text = self.text();
            let text = self.redactor.redact(&text);
            HttpError::NotJson {
                adaptor: self.adaptor.clone(),
                method: self.method,
                url: self.url.clone(),
                status: self.status,
                content_type: self.header("content-type").map(|ct| one_line(ct, 80)),
                excerpt: one_line(&text, 80),
            }
        })
    }
}
