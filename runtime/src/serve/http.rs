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
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::auth::Verifier;
use super::job::Job;
use super::metrics::Rejection;
use super::operator::MetricsAccess;
use super::store::{Accepted, NewEvent};
use super::{Shared, api, new_event_id, page};

/// A webhook route: its job, how callers authenticate, whether they wait for
/// the run (`reply`).
pub(crate) struct Hook {
    pub job: Arc<dyn Job>,
    pub verifier: Verifier,
    pub reply: bool,
}

/// Whether serve answers `path` itself (so that no webhook may take it): the
/// page, `/login`, `/logout`, `/healthz`, `/metrics`, and `/runs` and `/run`
/// with everything under them.
pub(crate) fn is_reserved(path: &str) -> bool {
    matches!(
        path,
        "/" | "/login" | "/logout" | "/healthz" | "/metrics" | "/runs" | "/run"
    ) || path.starts_with("/runs/")
        || path.starts_with("/run/")
}

/// The longest `Idempotency-Key` accepted.
const MAX_KEY_LEN: usize = 255;

/// The webhooks' router: with the operator API and page too, unless they are
/// served on `--admin-listen`.
pub(crate) fn router(shared: Arc<Shared>, with_operator: bool) -> Router {
    let router = Router::new().route("/healthz", get(healthz));
    let router = if with_operator {
        operator_routes(router)
    } else {
        router
    };
    router.fallback(webhook).with_state(shared)
}

/// The router of `--admin-listen`: the operator API and page, `/healthz`.
pub(crate) fn admin_router(shared: Arc<Shared>) -> Router {
    operator_routes(Router::new().route("/healthz", get(healthz)))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such page") })
        .with_state(shared)
}

fn operator_routes(router: Router<Arc<Shared>>) -> Router<Arc<Shared>> {
    router
        .route("/metrics", get(metrics))
        .route("/runs", get(api::runs))
        .route("/runs/replay", post(api::replay_many))
        .route("/runs/{id}", get(api::run))
        .route("/runs/{id}/replay", post(api::replay_one))
        .route("/", get(page::index))
        .route("/login", get(page::login_form).post(page::login))
        .route("/logout", post(page::logout))
        .route("/run/{id}", get(page::run))
}

pub(crate) fn json_response(status: StatusCode, body: Value) -> Response {
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

pub(crate) fn error(status: StatusCode, message: impl Into<String>) -> Response {
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
    let new_id = new_event_id(now);
    // Waiting starts before the event is stored, so that a quick run is not missed.
    let waiting = hook.reply.then(|| shared.replies.wait(&new_id));
    let event = NewEvent {
        id: new_id.clone(),
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
            match waiting {
                Some(reply) => match tokio::time::timeout(shared.reply_timeout, reply).await {
                    Ok(Ok(reply)) => {
                        let (status, body) = reply.answer(&event_id);
                        json_response(status, body)
                    }
                    // Still running (or retried later): the caller learns the event id.
                    _ => {
                        shared.replies.forget(&event_id);
                        json_response(StatusCode::ACCEPTED, json!({ "event_id": event_id }))
                    }
                },
                None => json_response(StatusCode::ACCEPTED, json!({ "event_id": event_id })),
            }
        }
        Ok(Accepted::Duplicate(event_id)) => {
            shared.replies.forget(&new_id);
            shared.metrics.duplicate(&job_name);
            tracing::info!(job = %job_name, event_id = %event_id,
                "repeated Idempotency-Key: answered with the first event");
            json_response(StatusCode::ACCEPTED, json!({ "event_id": event_id }))
        }
        Err(e) => {
            shared.replies.forget(&new_id);
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

async fn metrics(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if shared.metrics_access == MetricsAccess::Token
        && let Err(refused) = api::grant(&shared, &headers, &query).await
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
