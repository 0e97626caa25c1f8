//! The HTTP side of serve (axum): one `POST` route per webhook job, and
//! `GET /healthz`, `GET /runs`, `GET /metrics`. `/runs` (the operator API) needs
//! the operator token, and `/metrics` too unless `--metrics open`.
//!
//! A webhook request is, in order: refused with 503 while shutting down;
//! authenticated from its headers (401, nothing read or stored); read up to the
//! body limit (413); for HMAC, authenticated over the body (401); checked
//! against the job's `input:` type (400 with the JSON path, nothing stored);
//! stored in the inbox, durably, with its `Idempotency-Key`; answered 202
//! `{"event_id": ...}`. A repeated key answers 202 with the first event's id.

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::auth::Verifier;
use super::job::Job;
use super::metrics::Rejection;
use super::operator::{self, MetricsAccess};
use super::store::{Accepted, NewEvent, RunFilter, RunStatus};
use super::{Shared, new_event_id, rfc3339};

/// A webhook route: its job and how callers authenticate.
pub(crate) struct Hook {
    pub job: Arc<dyn Job>,
    pub verifier: Verifier,
}

/// Paths serve answers itself, which a webhook may not take.
pub(crate) const RESERVED: [&str; 3] = ["/healthz", "/runs", "/metrics"];

/// The longest `Idempotency-Key` accepted.
const MAX_KEY_LEN: usize = 255;

pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/runs", get(runs))
        .route("/metrics", get(metrics))
        .fallback(webhook)
        .with_state(shared)
}

fn json_response(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body.to_string(),
    )
        .into_response()
}

fn error(status: StatusCode, message: impl Into<String>) -> Response {
    json_response(status, json!({ "error": message.into() }))
}

async fn webhook(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let Some(hook) = shared.hooks.get(path) else {
        return error(StatusCode::NOT_FOUND, format!("no webhook at {path}"));
    };
    let job_name = hook.job.name().to_string();
    if parts.method != Method::POST {
        let mut r = error(
            StatusCode::METHOD_NOT_ALLOWED,
            format!("{path} takes POST, not {}", parts.method),
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return r;
    }
    if *shared.stopping.borrow() {
        shared.metrics.rejected(&job_name, Rejection::ShuttingDown);
        let mut r = error(
            StatusCode::SERVICE_UNAVAILABLE,
            "shutting down: send it again later",
        );
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        return r;
    }
    // Credentials in the headers are checked before a byte of the body is read,
    // so that an unauthenticated caller cannot make serve read (and hold) it.
    if !hook.verifier.needs_body() && !hook.verifier.verify(&parts.headers, &[]) {
        return unauthorized(&shared, &job_name, &hook.verifier);
    }
    let read = axum::body::to_bytes(body, shared.max_body_bytes);
    let body = match tokio::time::timeout(shared.body_read_timeout, read).await {
        Ok(Ok(b)) => b,
        Err(_) => {
            shared.metrics.rejected(&job_name, Rejection::TimedOut);
            tracing::warn!(job = %job_name, "webhook rejected: the body did not arrive in time");
            return error(
                StatusCode::REQUEST_TIMEOUT,
                format!(
                    "the body did not arrive within {} s; nothing was stored",
                    shared.body_read_timeout.as_secs_f64()
                ),
            );
        }
        Ok(Err(_)) => {
            shared.metrics.rejected(&job_name, Rejection::TooLarge);
            tracing::warn!(job = %job_name, "webhook rejected: body over the size limit or cut off");
            return error(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the body is larger than {} bytes, or was cut off",
                    shared.max_body_bytes
                ),
            );
        }
    };
    if hook.verifier.needs_body() && !hook.verifier.verify(&parts.headers, &body) {
        return unauthorized(&shared, &job_name, &hook.verifier);
    }
    let idempotency_key = match parts.headers.get("idempotency-key") {
        None => None,
        Some(v) => match v.to_str().map(str::trim) {
            Ok(k) if !k.is_empty() && k.len() <= MAX_KEY_LEN => Some(k.to_string()),
            _ => {
                shared.metrics.rejected(&job_name, Rejection::BadInput);
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("Idempotency-Key must be 1 to {MAX_KEY_LEN} visible ASCII characters"),
                );
            }
        },
    };
    // The job's input check is compiled job code: keep it off the tokio workers.
    let job = hook.job.clone();
    let checked_body = body.clone();
    let checked = tokio::task::spawn_blocking(move || {
        std::panic::catch_unwind(AssertUnwindSafe(|| job.validate_input(&checked_body)))
    })
    .await;
    match checked {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(message))) => {
            shared.metrics.rejected(&job_name, Rejection::BadInput);
            let message = shared.redactor.redact(&message).into_owned();
            tracing::warn!(job = %job_name, error = %message, "webhook rejected: bad input");
            return error(StatusCode::BAD_REQUEST, message);
        }
        Ok(Err(_)) | Err(_) => {
            shared.metrics.rejected(&job_name, Rejection::BadInput);
            tracing::error!(job = %job_name, "internal error: checking the webhook's input panicked");
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error while checking the input; nothing was stored",
            );
        }
    }
    let now = shared.clock.now().timestamp_millis();
    let event = NewEvent {
        id: new_event_id(now),
        job: job_name.clone(),
        kind: "webhook",
        idempotency_key,
        fired_at: now,
        headers: context_headers(&parts.headers, &hook.verifier),
        body: body.to_vec(),
    };
    match shared.store.accept(event).await {
        Ok(Accepted::New(event_id)) => {
            shared.metrics.accepted(&job_name);
            shared.wake.notify_one();
            tracing::info!(job = %job_name, event_id = %event_id, "event accepted");
            json_response(StatusCode::ACCEPTED, json!({ "event_id": event_id }))
        }
        Ok(Accepted::Duplicate(event_id)) => {
            shared.metrics.duplicate(&job_name);
            tracing::info!(job = %job_name, event_id = %event_id,
                "repeated Idempotency-Key: answered with the first event");
            json_response(StatusCode::ACCEPTED, json!({ "event_id": event_id }))
        }
        Err(e) => {
            shared.metrics.rejected(&job_name, Rejection::StoreError);
            tracing::error!(job = %job_name, error = %e, "cannot store a webhook event");
            let mut r = error(
                StatusCode::SERVICE_UNAVAILABLE,
                "the inbox cannot store the event now; nothing was stored: send it again later",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("10"));
            r
        }
    }
}

/// The 401 of a webhook request without valid credentials.
fn unauthorized(shared: &Shared, job_name: &str, verifier: &Verifier) -> Response {
    shared.metrics.rejected(job_name, Rejection::Unauthorized);
    tracing::warn!(job = %job_name, "webhook rejected: missing or wrong credentials");
    let mut r = error(StatusCode::UNAUTHORIZED, "unauthorized");
    if let Some(challenge) = verifier.challenge() {
        r.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(challenge),
        );
    }
    r
}

/// The request's headers as the job sees them (`trigger.headers`): names in
/// lower case, in order, without credentials.
fn context_headers(headers: &HeaderMap, verifier: &Verifier) -> Vec<(String, String)> {
    let secret = verifier.secret_header();
    headers
        .iter()
        .filter(|(name, _)| {
            let n = name.as_str();
            n != "authorization" && n != "proxy-authorization" && n != "cookie" && Some(n) != secret
        })
        .map(|(name, value)| {
            (
                name.as_str().to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect()
}

async fn healthz(State(shared): State<Arc<Shared>>) -> Response {
    if *shared.stopping.borrow() {
        return json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "status": "shutting down" }),
        );
    }
    let now = shared.clock.now().timestamp_millis();
    match tokio::time::timeout(Duration::from_secs(5), shared.store.probe(now)).await {
        Ok(Ok(())) => json_response(StatusCode::OK, json!({ "status": "ok" })),
        Ok(Err(e)) => json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "status": "unavailable", "error": e.to_string() }),
        ),
        Err(_) => json_response(
            StatusCode::SERVICE_UNAVAILABLE,
            json!({ "status": "unavailable", "error": "the inbox did not answer within 5 s" }),
        ),
    }
}

/// `Err` is the answer to a request of the operator API without the operator
/// token (401), or when the stored token cannot be read (503).
async fn operator_only(
    shared: &Shared,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Result<(), Response> {
    let stored = match shared.store.operator_token().await {
        Ok(stored) => stored,
        Err(e) => {
            tracing::error!(error = %e, "cannot read the operator token");
            return Err(error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()));
        }
    };
    if operator::authorized(headers, query, stored.as_deref()) {
        return Ok(());
    }
    shared.metrics.operator_refused();
    tracing::warn!("operator API: a request without the operator token was refused");
    let mut r = error(
        StatusCode::UNAUTHORIZED,
        "the operator API needs the operator token: send the header Authorization: Bearer TOKEN \
         (or ?token=TOKEN); it was printed when serve first started, or set it with --admin-token",
    );
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"ferry operator API\""),
    );
    Err(r)
}

/// Rows of `/runs` one page holds when `limit` is not given, and at most.
const RUNS_PAGE: u32 = 100;
const RUNS_PAGE_MAX: u32 = 1000;

async fn runs(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(refused) = operator_only(&shared, &headers, &query).await {
        return refused;
    }
    let status = match query.get("status").map(String::as_str) {
        None | Some("") => None,
        Some(s) => match RunStatus::parse(s) {
            Some(s) => Some(s),
            None => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("status must be queued, running, succeeded, failed or dead, not `{s}`"),
                );
            }
        },
    };
    let limit = match query.get("limit").map(String::as_str) {
        None | Some("") => RUNS_PAGE,
        Some(l) => match l.parse::<u32>() {
            Ok(n) if n >= 1 => n.min(RUNS_PAGE_MAX),
            _ => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("limit must be a number from 1 to {RUNS_PAGE_MAX}, not `{l}`"),
                );
            }
        },
    };
    let before = match query.get("after").map(String::as_str) {
        None | Some("") => None,
        Some(a) => match a.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                return error(
                    StatusCode::BAD_REQUEST,
                    format!("after must be a run id (the `next` of the page before), not `{a}`"),
                );
            }
        },
    };
    let filter = RunFilter {
        job: query.get("job").filter(|j| !j.is_empty()).cloned(),
        status,
        limit,
        before,
    };
    let next_page = |last: i64| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if let Some(job) = &filter.job {
            q.append_pair("job", job);
        }
        if let Some(status) = filter.status {
            q.append_pair("status", status.as_str());
        }
        q.append_pair("limit", &limit.to_string());
        q.append_pair("after", &last.to_string());
        format!("/runs?{}", q.finish())
    };
    match shared.store.list_runs(filter.clone()).await {
        Ok(rows) => {
            // A full page may have more after it: `next` is the link to it.
            let next = match rows.last() {
                Some(last) if rows.len() == limit as usize => Value::String(next_page(last.id)),
                _ => Value::Null,
            };
            let runs: Vec<Value> = rows
                .into_iter()
                .map(|r| {
                    let output = r.output.as_deref().map(|o| {
                        serde_json::from_str::<Value>(o).unwrap_or_else(|_| Value::String(o.into()))
                    });
                    json!({
                        "id": r.id,
                        "job": r.job,
                        "event_id": r.event_id,
                        "status": r.status,
                        "attempts": r.attempts,
                        "started_at": r.started_at.map(rfc3339),
                        "finished_at": r.finished_at.map(rfc3339),
                        "output": output,
                        "error": r.error,
                    })
                })
                .collect();
            json_response(StatusCode::OK, json!({ "runs": runs, "next": next }))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read the run log");
            error(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        }
    }
}

async fn metrics(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if shared.metrics_access == MetricsAccess::Token
        && let Err(refused) = operator_only(&shared, &headers, &query).await
    {
        return refused;
    }
    (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        Body::from(shared.metrics.render()),
    )
        .into_response()
}
