//! The operator API (JSON, behind the operator token): `GET /runs`,
//! `GET /runs/{id}`, `POST /runs/{id}/replay` and `POST /runs/replay` (bulk).
//!
//! The replay endpoints also take the page's forms (a session cookie and the
//! form's CSRF token): those are answered with a redirect to the page instead
//! of JSON (see `page`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use chrono::{DateTime, NaiveDateTime};
use serde_json::{Value, json};

use super::http::{error, json_response};
use super::operator::{self, Granted};
use super::page;
use super::store::{Replay, RunDetail, RunFilter, RunRow, RunStatus};
use super::{Shared, new_event_id, rfc3339};

/// Rows of `/runs` one page holds when `limit` is not given, and at most.
pub(crate) const RUNS_PAGE: u32 = 100;
pub(crate) const RUNS_PAGE_MAX: u32 = 1000;

/// The operator's grant, or the JSON 401 (503 if the stored token cannot be read).
pub(crate) async fn grant(
    shared: &Shared,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Result<Granted, Response> {
    match check(shared, headers, query).await {
        Ok(Some(granted)) => Ok(granted),
        Ok(None) => {
            refused(shared);
            let mut r = error(
                StatusCode::UNAUTHORIZED,
                "the operator API needs the operator token: send the header Authorization: Bearer TOKEN \
                 (or ?token=TOKEN), or log in on the page at /; it was printed when serve first started, \
                 or set it with --admin-token",
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"ferry operator API\""),
            );
            Err(r)
        }
        Err(r) => Err(r),
    }
}

/// The token or session check; `Err` is a 503 when the store cannot be read.
pub(crate) async fn check(
    shared: &Shared,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Result<Option<Granted>, Response> {
    let now = shared.clock.now().timestamp_millis();
    operator::check(&shared.store, headers, query, now)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot read the operator token");
            error(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        })
}

/// Counts and logs a refused operator request (never with what it sent).
pub(crate) fn refused(shared: &Shared) {
    shared.metrics.operator_refused();
    tracing::warn!("operator API: a request without the operator token was refused");
}

/// The filter of `/runs`, the page and bulk replay, from their parameters:
/// `job`, `status`, `since`, `until` (RFC 3339, or `2026-03-01T07:00` in UTC as
/// a browser's `datetime-local` sends it), `after` and `limit`.
pub(crate) fn filter_of(
    query: &HashMap<String, String>,
    default_limit: u32,
) -> Result<RunFilter, String> {
    let given = |key: &str| query.get(key).map(|v| v.trim()).filter(|v| !v.is_empty());
    let status = match given("status") {
        None => None,
        Some(s) => Some(RunStatus::parse(s).ok_or_else(|| {
            format!("status must be queued, running, succeeded, failed or dead, not `{s}`")
        })?),
    };
    let limit = match given("limit") {
        None => default_limit,
        Some(l) => match l.parse::<u32>() {
            Ok(n) if n >= 1 => n.min(RUNS_PAGE_MAX),
            _ => {
                return Err(format!(
                    "limit must be a number from 1 to {RUNS_PAGE_MAX}, not `{l}`"
                ));
            }
        },
    };
    let before = match given("after") {
        None => None,
        Some(a) => Some(a.parse::<i64>().map_err(|_| {
            format!("after must be a run id (the `next` of the page before), not `{a}`")
        })?),
    };
    let time = |key: &str| -> Result<Option<i64>, String> {
        given(key).map(|t| parse_time(key, t)).transpose()
    };
    Ok(RunFilter {
        job: given("job").map(String::from),
        status,
        limit,
        before,
        since: time("since")?,
        until: time("until")?,
    })
}

/// A time parameter in milliseconds since the epoch.
fn parse_time(key: &str, text: &str) -> Result<i64, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.timestamp_millis());
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return Ok(t.and_utc().timestamp_millis());
        }
    }
    Err(format!(
        "{key} must be a time such as 2026-03-01T07:00:00Z (or 2026-03-01T07:00, in UTC), not `{text}`"
    ))
}

/// The query string of a filter (without `after` and `limit`), for links.
pub(crate) fn filter_query(
    filter: &RunFilter,
) -> url::form_urlencoded::Serializer<'static, String> {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(job) = &filter.job {
        q.append_pair("job", job);
    }
    if let Some(status) = filter.status {
        q.append_pair("status", status.as_str());
    }
    if let Some(since) = filter.since {
        q.append_pair("since", &rfc3339(since));
    }
    if let Some(until) = filter.until {
        q.append_pair("until", &rfc3339(until));
    }
    q
}

/// A stored output or input as JSON (text that is not JSON as a string).
pub(crate) fn as_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()))
}

fn run_json(r: &RunRow) -> Value {
    json!({
        "id": r.id,
        "job": r.job,
        "event_id": r.event_id,
        "status": r.status,
        "attempts": r.attempts,
        "created_at": r.created_at.map(rfc3339),
        "started_at": r.started_at.map(rfc3339),
        "finished_at": r.finished_at.map(rfc3339),
        "output": r.output.as_deref().map(as_json),
        "error": r.error,
        "failure": r.failure,
        "skip_reason": r.skip_reason,
        "version": r.version,
        "replay_of": r.replay_of,
    })
}

pub(crate) async fn runs(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(refused) = grant(&shared, &headers, &query).await {
        return refused;
    }
    let filter = match filter_of(&query, RUNS_PAGE) {
        Ok(f) => f,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    let limit = filter.limit;
    match shared.store.list_runs(filter.clone()).await {
        Ok(rows) => {
            // A full page may have more after it: `next` is the link to it.
            let next = match rows.last() {
                Some(last) if rows.len() == limit as usize => {
                    let mut q = filter_query(&filter);
                    q.append_pair("limit", &limit.to_string());
                    q.append_pair("after", &last.id.to_string());
                    Value::String(format!("/runs?{}", q.finish()))
                }
                _ => Value::Null,
            };
            let runs: Vec<Value> = rows.iter().map(run_json).collect();
            json_response(StatusCode::OK, json!({ "runs": runs, "next": next }))
        }
        Err(e) => {
            tracing::error!(error = %e, "cannot read the run log");
            error(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        }
    }
}

/// A run with everything about it, as the API shows it.
pub(crate) fn detail_json(d: &RunDetail) -> Value {
    let mut run = run_json(&d.run);
    let input = d
        .input
        .as_deref()
        .map(|b| as_json(&String::from_utf8_lossy(b)));
    let logs = d.logs.as_deref().map(as_json).unwrap_or(json!([]));
    let attempts: Vec<Value> = d
        .attempts
        .iter()
        .map(|a| {
            json!({
                "attempt": a.attempt,
                "started_at": rfc3339(a.started_at),
                "finished_at": rfc3339(a.finished_at),
                "exit_code": a.exit_code,
                "error": a.error,
                "failure": a.failure,
            })
        })
        .collect();
    if let Value::Object(map) = &mut run {
        map.insert("fired_at".into(), rfc3339(d.fired_at).into());
        map.insert("input_kept".into(), d.input.is_some().into());
        map.insert("input".into(), input.unwrap_or(Value::Null));
        map.insert("logs".into(), logs);
        map.insert("attempts".into(), attempts.into());
        map.insert("replays".into(), d.replays.clone().into());
    }
    run
}

/// A run id of a path, or the 404 that says it is not one.
fn run_id(text: &str) -> Result<i64, Box<Response>> {
    text.parse::<i64>().map_err(|_| {
        Box::new(error(
            StatusCode::NOT_FOUND,
            format!("no run `{text}`: a run's id is a number"),
        ))
    })
}

pub(crate) async fn run(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    if let Err(refused) = grant(&shared, &headers, &query).await {
        return refused;
    }
    let id = match run_id(&id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    match shared.store.run_detail(id).await {
        Ok(Some(d)) => json_response(StatusCode::OK, detail_json(&d)),
        Ok(None) => error(StatusCode::NOT_FOUND, format!("no run {id}")),
        Err(e) => error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
    }
}

/// The parameters of a POST: its query, and its form body when it has one.
/// `from_form` says the page sent it.
fn post_fields(
    headers: &HeaderMap,
    query: HashMap<String, String>,
    body: &Bytes,
) -> (HashMap<String, String>, bool) {
    let is_form = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let mut fields = query;
    if is_form {
        fields.extend(url::form_urlencoded::parse(body).into_owned());
    }
    (fields, is_form)
}

fn truthy(fields: &HashMap<String, String>, key: &str) -> bool {
    fields
        .get(key)
        .is_some_and(|v| matches!(v.as_str(), "true" | "1" | "on" | "yes"))
}

/// The 403 of a form without its session's CSRF token.
fn csrf_refused(shared: &Shared) -> Response {
    shared.metrics.operator_refused();
    tracing::warn!("operator page: a form without a valid CSRF token was refused");
    page::message(
        StatusCode::FORBIDDEN,
        "This form has expired",
        "The form did not carry this session's CSRF token, so nothing was changed. \
         Go back, reload the page and try again.",
    )
}

/// Replays one run, or answers why not.
async fn replay(shared: &Shared, id: i64, force: bool) -> Result<Replay, Response> {
    let now = shared.clock.now().timestamp_millis();
    let outcome = shared
        .store
        .replay(id, force, now, new_event_id(now))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot replay a run");
            error(StatusCode::SERVICE_UNAVAILABLE, e.to_string())
        })?;
    if let Replay::Queued { run_id, event_id } = &outcome {
        shared.wake.notify_one();
        shared.metrics.replayed();
        tracing::info!(replay_of = id, run_id, event_id = %event_id, force, "run replayed");
    }
    Ok(outcome)
}

pub(crate) async fn replay_one(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (fields, from_form) = post_fields(&headers, query, &body);
    let granted = match grant(&shared, &headers, &fields).await {
        Ok(g) => g,
        Err(r) => return r,
    };
    if !granted.may_change(fields.get("csrf").map(String::as_str)) {
        return csrf_refused(&shared);
    }
    let id = match run_id(&id) {
        Ok(id) => id,
        Err(r) => return *r,
    };
    let force = truthy(&fields, "force");
    let outcome = match replay(&shared, id, force).await {
        Ok(o) => o,
        Err(r) => return r,
    };
    match (outcome, from_form) {
        (Replay::Queued { run_id, .. }, true) => page::see_other(&format!("/run/{run_id}")),
        (Replay::Queued { run_id, event_id }, false) => json_response(
            StatusCode::CREATED,
            json!({ "run_id": run_id, "event_id": event_id, "replay_of": id }),
        ),
        (Replay::NotFound, true) => page::message(
            StatusCode::NOT_FOUND,
            "No such run",
            &format!("There is no run {id} (it may have been pruned by --retain)."),
        ),
        (Replay::NotFound, false) => error(StatusCode::NOT_FOUND, format!("no run {id}")),
        (Replay::Refused(why), true) => {
            page::message(StatusCode::CONFLICT, "This run was not replayed", &why)
        }
        (Replay::Refused(why), false) => error(StatusCode::CONFLICT, why),
    }
}

/// The most runs one bulk replay takes (send it again for the rest).
const BULK_MAX: u32 = 1000;

pub(crate) async fn replay_many(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
    body: Bytes,
) -> Response {
    let (mut fields, from_form) = post_fields(&headers, query, &body);
    let granted = match grant(&shared, &headers, &fields).await {
        Ok(g) => g,
        Err(r) => return r,
    };
    if !granted.may_change(fields.get("csrf").map(String::as_str)) {
        return csrf_refused(&shared);
    }
    // Dead letters unless another status is asked for; never runs in progress.
    fields
        .entry("status".into())
        .or_insert_with(|| "dead".into());
    fields.remove("after");
    fields.insert("limit".into(), BULK_MAX.to_string());
    let filter = match filter_of(&fields, BULK_MAX) {
        Ok(f) => f,
        Err(message) => return error(StatusCode::BAD_REQUEST, message),
    };
    if !matches!(
        filter.status,
        Some(RunStatus::Dead | RunStatus::Failed | RunStatus::Succeeded)
    ) {
        return error(
            StatusCode::BAD_REQUEST,
            "a bulk replay takes runs that ended: status must be dead, failed or succeeded",
        );
    }
    let force = truthy(&fields, "force");
    let rows = match shared.store.list_runs(filter.clone()).await {
        Ok(rows) => rows,
        Err(e) => return error(StatusCode::SERVICE_UNAVAILABLE, e.to_string()),
    };
    let more = rows.len() == BULK_MAX as usize;
    let mut replayed = Vec::new();
    let mut refused = Vec::new();
    // Oldest first, so that the new runs are queued in the order of the old ones.
    for row in rows.iter().rev() {
        match replay(&shared, row.id, force).await {
            Ok(Replay::Queued { run_id, .. }) => {
                replayed.push(json!({ "run": row.id, "run_id": run_id }))
            }
            Ok(Replay::NotFound) => {}
            Ok(Replay::Refused(why)) => refused.push(json!({ "run": row.id, "error": why })),
            Err(r) => return r,
        }
    }
    tracing::info!(
        replayed = replayed.len(),
        refused = refused.len(),
        "bulk replay"
    );
    if from_form {
        let mut q = filter_query(&filter);
        q.append_pair("replayed", &replayed.len().to_string());
        q.append_pair("refused", &refused.len().to_string());
        return page::see_other(&format!("/?{}", q.finish()));
    }
    json_response(
        StatusCode::OK,
        json!({ "replayed": replayed, "refused": refused, "more": more }),
    )
}
