//! The operator page (`GET /`, behind the operator token): server-rendered
//! HTML, no script and no external asset, so that it works offline inside a
//! clinic's network. The runs newest first with filters, a 24-hour chart, each
//! run's detail with replay buttons, the schedules with their next fire times.
//!
//! A browser logs in at `/login` with the operator token and gets a session
//! cookie (see `session`); every form that changes something carries the
//! session's CSRF token. The bearer token works too, for scripts.

mod chart;
mod view;

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::Markup;

use super::api::{self, filter_of, filter_query};
use super::job::Trigger;
use super::operator::{self, Granted};
use super::{Shared, rfc3339, session};

/// Runs one page shows.
const PAGE_SIZE: u32 = 50;

/// The headers of every page: nothing loads from elsewhere, nothing runs, no
/// framing, no caching of run data.
fn html(status: StatusCode, markup: Markup) -> Response {
    let mut r = (status, markup.into_string()).into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; \
             frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A page that says what happened.
pub(crate) fn message(status: StatusCode, title: &str, text: &str) -> Response {
    html(status, view::message(title, text))
}

/// 303 to `location` (after a form).
pub(crate) fn see_other(location: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// The grant of a page request, or the login form with 401.
async fn grant(
    shared: &Shared,
    headers: &HeaderMap,
    query: &HashMap<String, String>,
) -> Result<Granted, Response> {
    match api::check(shared, headers, query).await? {
        Some(g) => Ok(g),
        None => {
            api::refused(shared);
            Err(html(StatusCode::UNAUTHORIZED, view::login(false)))
        }
    }
}

pub(crate) async fn login_form() -> Response {
    html(StatusCode::OK, view::login(false))
}

pub(crate) async fn login(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token: Option<String> = url::form_urlencoded::parse(&body)
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.trim().to_string());
    let stored = match shared.store.operator_token().await {
        Ok(stored) => stored,
        Err(e) => return message(StatusCode::SERVICE_UNAVAILABLE, "Cannot log in now", &e.0),
    };
    let (Some(token), Some(stored)) = (token, stored) else {
        api::refused(&shared);
        return html(StatusCode::UNAUTHORIZED, view::login(true));
    };
    if !operator::is_token(&token, &stored) {
        api::refused(&shared);
        return html(StatusCode::UNAUTHORIZED, view::login(true));
    }
    let lifetime = shared.session_lifetime;
    let expires = shared
        .clock
        .now()
        .timestamp_millis()
        .saturating_add(i64::try_from(lifetime.as_millis()).unwrap_or(i64::MAX / 2));
    let cookie = session::set_cookie(
        &session::issue(&stored, expires),
        lifetime.as_secs(),
        session::is_https(&headers),
    );
    tracing::info!("operator page: logged in");
    let mut r = see_other("/");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

pub(crate) async fn logout(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let fields: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    let granted = match grant(&shared, &headers, &HashMap::new()).await {
        Ok(g) => g,
        Err(r) => return r,
    };
    if !granted.may_change(fields.get("csrf").map(String::as_str)) {
        return message(
            StatusCode::FORBIDDEN,
            "This form has expired",
            "The form did not carry this session's CSRF token. Reload the page and try again.",
        );
    }
    let mut r = see_other("/login");
    if let Ok(v) = HeaderValue::from_str(&session::clear_cookie()) {
        r.headers_mut().insert(header::SET_COOKIE, v);
    }
    r
}

/// How long the chart's counts are reused.
const CHART_FRESH_MS: i64 = 10_000;

/// Runs created per hour over the 24 hours before `now`, by status: from the
/// store at most every [`CHART_FRESH_MS`], so that a busy page does not count a
/// day of runs for every request.
async fn chart_counts(shared: &Shared, now: i64) -> Vec<(i64, String, i64)> {
    let cached = shared
        .chart_counts
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone();
    if let Some((at, rows)) = cached
        && (0..CHART_FRESH_MS).contains(&(now - at))
    {
        return rows;
    }
    let since = now - chart::HOURS as i64 * 3_600_000;
    match shared.store.counts(since, 3_600_000).await {
        Ok(rows) => {
            *shared
                .chart_counts
                .lock()
                .unwrap_or_else(|e| e.into_inner()) = Some((now, rows.clone()));
            rows
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot count the runs of the last 24 hours");
            Vec::new()
        }
    }
}

/// A schedule as the page names it: `cron "0 2 * * *" tz Africa/Nairobi`, `every 15m`.
fn schedule_text(trigger: &Trigger) -> String {
    match trigger {
        Trigger::Cron { schedule, tz } => match tz {
            Some(tz) => format!("cron \"{schedule}\" tz {tz}"),
            None => format!("cron \"{schedule}\""),
        },
        Trigger::Every(d) => format!("every {}", humantime::format_duration(*d)),
        _ => String::new(),
    }
}

pub(crate) async fn index(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let granted = match grant(&shared, &headers, &query).await {
        Ok(g) => g,
        Err(r) => return r,
    };
    let filter = match filter_of(&query, PAGE_SIZE) {
        Ok(f) => f,
        Err(text) => return message(StatusCode::BAD_REQUEST, "That filter is not valid", &text),
    };
    let now = shared.clock.now();
    let (rows, counts) = tokio::join!(
        shared.store.list_runs(filter.clone()),
        chart_counts(&shared, now.timestamp_millis())
    );
    let rows = match rows {
        Ok(rows) => rows,
        Err(e) => {
            return message(
                StatusCode::SERVICE_UNAVAILABLE,
                "Cannot read the runs",
                &e.0,
            );
        }
    };
    let counts = chart::Counts::from_rows(&counts);
    let base_query = filter_query(&filter).finish();
    let older = match rows.last() {
        Some(last) if rows.len() == filter.limit as usize => {
            let mut q = filter_query(&filter);
            if filter.limit != PAGE_SIZE {
                q.append_pair("limit", &filter.limit.to_string());
            }
            q.append_pair("after", &last.id.to_string());
            Some(format!("/?{}", q.finish()))
        }
        _ => None,
    };
    let schedules: Vec<(String, String, Option<String>)> = shared
        .schedules
        .iter()
        .map(|(job, schedule)| {
            let text = shared
                .jobs
                .get(job)
                .map(|j| schedule_text(j.trigger()))
                .unwrap_or_default();
            let next = schedule
                .next_after(now)
                .map(|t| rfc3339(t.timestamp_millis()));
            (job.clone(), text, next)
        })
        .collect();
    let count = |key: &str| query.get(key).and_then(|v| v.parse::<u64>().ok());
    let notice = match (count("replayed"), count("refused")) {
        (None, None) => None,
        (a, b) => Some((a.unwrap_or(0), b.unwrap_or(0))),
    };
    let csrf = granted.csrf();
    let page = view::RunsPage {
        csrf: &csrf,
        jobs: &shared.job_names,
        filter: &filter,
        filter_query: &base_query,
        rows: &rows,
        older,
        counts: &counts,
        schedules: &schedules,
        notice,
        keep_data: shared.keep_data.as_str(),
        retain: shared
            .retain
            .map(|r| humantime::format_duration(r).to_string()),
    };
    html(StatusCode::OK, view::runs(&page))
}

pub(crate) async fn run(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let granted = match grant(&shared, &headers, &query).await {
        Ok(g) => g,
        Err(r) => return r,
    };
    let Ok(id) = id.parse::<i64>() else {
        return message(
            StatusCode::NOT_FOUND,
            "No such run",
            "A run's id is a number.",
        );
    };
    match shared.store.run_detail(id).await {
        Ok(Some(d)) => {
            // The input is what the caller posted: redacted like everything shown.
            let input = d.input.as_deref().map(|b| {
                shared
                    .redactor
                    .redact(&String::from_utf8_lossy(b))
                    .into_owned()
            });
            html(StatusCode::OK, view::run(&d, &granted.csrf(), input))
        }
        Ok(None) => message(
            StatusCode::NOT_FOUND,
            "No such run",
            &format!("There is no run {id} (it may have been pruned by --retain)."),
        ),
        Err(e) => message(StatusCode::SERVICE_UNAVAILABLE, "Cannot read the run", &e.0),
    }
}
