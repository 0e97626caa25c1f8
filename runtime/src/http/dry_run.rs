//! Dry run: every request is printed instead of sent, and answered from a file of
//! recorded responses, or not at all.
//!
//! The printed form of one request (then an empty line):
//!
//! ```text
//! --> dhis2: POST https://play.dhis2.org/api/tracker?async=false
//!     Authorization: Basic ***
//!     Content-Type: application/json
//!     {
//!       "trackedEntities": []
//!     }
//! <-- 200 OK (recorded)
//! ```
//!
//! Headers are those the request sets (auth first, then `Content-Type`, then the
//! op's own, in order); credentials show as `***`, and every registered secret
//! anywhere in the block is redacted. A JSON body is pretty-printed, a form body
//! shown URL-encoded, a text body as it is, each line indented by four spaces.
//! The last line is `<-- STATUS REASON (recorded)` or `<-- no recorded response`.
//!
//! The recorded-responses file is a JSON array:
//!
//! ```json
//! [{ "method": "GET", "url": "https://play.dhis2.org/api/me?fields=id",
//!    "status": 200, "headers": { "x-a": "1" }, "body": { "id": "x" } }]
//! ```
//!
//! `url` is required (an absolute URL or a path; the host is not compared);
//! `method` defaults to `GET`, `status` to 200, `headers` to none; `body` is any
//! JSON, or `text` a raw text body instead. A request is answered by the first
//! entry with the same method, path and query pairs (in any order, the auth query
//! parameter left out). A recorded status of 400 or more fails the request as the
//! server would have.

use std::fmt;
use std::io::Write;
use std::path::Path;
use std::sync::Mutex;

use serde_json::Value;
use url::Url;

use super::error::{HttpError, status_line};
use super::prepare::Prepared;
use super::request::Method;
use super::response::Response;
use crate::secrets::Redactor;

/// Responses that answer requests in a dry run.
#[derive(Clone, Debug, Default)]
pub struct Recordings {
    file: Option<String>,
    entries: Vec<Recording>,
}

#[derive(Clone, Debug)]
struct Recording {
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

/// A recorded-responses file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordingsError {
    pub file: String,
    pub reason: String,
}

impl fmt::Display for RecordingsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "recorded responses {}: {}", self.file, self.reason)
    }
}

impl std::error::Error for RecordingsError {}

impl Recordings {
    /// No recorded responses: every request in the dry run fails.
    pub fn none() -> Recordings {
        Recordings::default()
    }

    /// Reads a recorded-responses file.
    pub fn load(path: impl AsRef<Path>) -> Result<Recordings, RecordingsError> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| RecordingsError {
            file: name.clone(),
            reason: e.to_string(),
        })?;
        Recordings::parse(&text, &name)
    }

    /// Parses the JSON of a recorded-responses file called `file` (for messages).
    pub fn parse(json: &str, file: &str) -> Result<Recordings, RecordingsError> {
        let error = |reason: String| RecordingsError {
            file: file.to_string(),
            reason,
        };
        let value: Value =
            serde_json::from_str(json).map_err(|e| error(format!("not valid JSON: {e}")))?;
        let Value::Array(items) = value else {
            return Err(error("expected a JSON array of responses".into()));
        };
        let entries = items
            .iter()
            .enumerate()
            .map(|(i, item)| parse_entry(item).map_err(|r| error(format!("entry {}: {r}", i + 1))))
            .collect::<Result<_, _>>()?;
        Ok(Recordings {
            file: Some(file.to_string()),
            entries,
        })
    }

    /// How many responses are recorded.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn find(&self, method: Method, url: &Url) -> Option<&Recording> {
        let query = sorted_query(url);
        self.entries
            .iter()
            .find(|r| r.method == method && r.path == url.path() && r.query == query)
    }
}

fn parse_entry(item: &Value) -> Result<Recording, String> {
    let Value::Object(obj) = item else {
        return Err("expected an object".into());
    };
    for key in obj.keys() {
        if !["method", "url", "status", "headers", "body", "text"].contains(&key.as_str()) {
            return Err(format!(
                "unknown field \"{key}\" (expected method, url, status, headers, body or text)"
            ));
        }
    }
    let method = match obj.get("method") {
        None => Method::Get,
        Some(Value::String(m)) => {
            Method::parse(m).ok_or_else(|| format!("\"{m}\" is not an HTTP method"))?
        }
        Some(_) => return Err("\"method\" must be a string".into()),
    };
    let Some(Value::String(url)) = obj.get("url") else {
        return Err("\"url\" is required and must be a string".into());
    };
    let url = parse_recorded_url(url).map_err(|e| format!("\"url\": {e}"))?;
    let status = match obj.get("status") {
        None => 200,
        Some(s) => s
            .as_u64()
            .filter(|s| (100..=599).contains(s))
            .ok_or("\"status\" must be a number from 100 to 599")? as u16,
    };
    let mut headers = Vec::new();
    match obj.get("headers") {
        None => {}
        Some(Value::Object(h)) => {
            for (name, value) in h {
                let Value::String(value) = value else {
                    return Err(format!("header \"{name}\" must be a string"));
                };
                headers.push((name.to_ascii_lowercase(), value.clone()));
            }
        }
        Some(_) => return Err("\"headers\" must be an object of strings".into()),
    }
    let body = match (obj.get("body"), obj.get("text")) {
        (Some(_), Some(_)) => return Err("give \"body\" or \"text\", not both".into()),
        (Some(json), None) => {
            if !headers.iter().any(|(n, _)| n == "content-type") {
                headers.push(("content-type".into(), "application/json".into()));
            }
            serde_json::to_vec(json).expect("JSON always prints")
        }
        (None, Some(Value::String(text))) => text.clone().into_bytes(),
        (None, Some(_)) => return Err("\"text\" must be a string".into()),
        (None, None) => Vec::new(),
    };
    Ok(Recording {
        method,
        path: url.path().to_string(),
        query: sorted_query(&url),
        status,
        headers,
        body,
    })
}

fn parse_recorded_url(url: &str) -> Result<Url, url::ParseError> {
    match Url::parse(url) {
        Err(url::ParseError::RelativeUrlWithoutBase) => {
            let base = Url::parse("http://recorded.invalid/").expect("a valid URL");
            base.join(url)
        }
        other => other,
    }
}

fn sorted_query(url: &Url) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    pairs.sort();
    pairs
}

/// The dry-run side of a client.
pub(crate) struct DryRun {
    out: Mutex<Box<dyn Write + Send>>,
    recordings: Recordings,
}

impl DryRun {
    pub fn new(out: Box<dyn Write + Send>, recordings: Recordings) -> DryRun {
        DryRun {
            out: Mutex::new(out),
            recordings,
        }
    }

    /// Prints `p` and answers it from the recordings.
    pub fn answer(
        &self,
        p: &Prepared,
        errors: &ferry_meta::errors::ErrorsMeta,
        redactor: &Redactor,
    ) -> Result<Response, HttpError> {
        let found = self.recordings.find(p.method, &p.match_url);
        let outcome = match found {
            Some(r) => format!("{} (recorded)", status_line(r.status)),
            None => "no recorded response".to_string(),
        };
        let text = render(p, &outcome);
        {
            let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
            // A closed stderr must not fail the job.
            let _ = out.write_all(redactor.redact(&text).as_bytes());
            let _ = out.flush();
        }
        let Some(r) = found else {
            return Err(HttpError::NoRecordedResponse {
                adaptor: p.adaptor.clone(),
                method: p.method,
                url: p.display_url.clone(),
                file: self.recordings.file.clone(),
            });
        };
        let resp = Response::new(
            &p.adaptor,
            p.method,
            &p.display_url,
            r.status,
            r.headers.clone(),
            r.body.clone(),
            redactor.clone(),
        );
        if r.status >= 400 {
            // A recording answers once: nothing is retried in a dry run.
            let marked = errors.marks_retryable(r.status, &String::from_utf8_lossy(&r.body));
            Err(HttpError::from_response(
                &resp,
                1,
                p.idempotent,
                marked,
                errors,
                redactor,
            ))
        } else {
            Ok(resp)
        }
    }
}

/// The printed form of one request (before redaction).
fn render(p: &Prepared, outcome: &str) -> String {
    let mut s = format!("--> {}: {} {}\n", p.adaptor, p.method, p.display_url);
    for (name, value) in &p.display_headers {
        s.push_str(&format!("    {name}: {value}\n"));
    }
    if let Some(body) = &p.body_display {
        for line in body.lines() {
            s.push_str("    ");
            s.push_str(line);
            s.push('\n');
        }
    }
    s.push_str(&format!("<-- {outcome}\n\n"));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_default_and_match_in_any_query_order() {
        let r = Recordings::parse(
            r#"[{"url": "https://x/api/items?b=2&a=1", "body": [1]},
                {"method": "post", "url": "/api/items", "status": 201, "text": "ok"}]"#,
            "rec.json",
        )
        .unwrap();
        assert_eq!(r.len(), 2);
        let get = Url::parse("https://other/api/items?a=1&b=2").unwrap();
        let found = r.find(Method::Get, &get).unwrap();
        assert_eq!((found.status, found.body.as_slice()), (200, &b"[1]"[..]));
        let post = Url::parse("https://other/api/items").unwrap();
        assert_eq!(r.find(Method::Post, &post).unwrap().status, 201);
        assert!(r.find(Method::Get, &post).is_none());
        let more = Url::parse("https://other/api/items?a=1&b=2&c=3").unwrap();
        assert!(r.find(Method::Get, &more).is_none());
    }

    #[test]
    fn bad_files_are_explained() {
        let err = |json: &str| Recordings::parse(json, "rec.json").unwrap_err().to_string();
        assert_eq!(
            err("{}"),
            "recorded responses rec.json: expected a JSON array of responses"
        );
        assert_eq!(
            err(r#"[{"url": "/a", "stauts": 200}]"#),
            "recorded responses rec.json: entry 1: unknown field \"stauts\" (expected method, url, status, headers, body or text)"
        );
        assert_eq!(
            err(r#"[{"url": "/a"}, {"method": "GET"}]"#),
            "recorded responses rec.json: entry 2: \"url\" is required and must be a string"
        );
        assert!(err("[").starts_with("recorded responses rec.json: not valid JSON"));
        let missing = Recordings::load("/nonexistent/rec.json").unwrap_err();
        assert_eq!(missing.file, "/nonexistent/rec.json");
    }
}
