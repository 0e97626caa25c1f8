//! The page's HTML, written with `maud`: every value is escaped as it is
//! written (a run's input is whatever a caller posted), and no page loads
//! anything from elsewhere (its one style sheet is inlined).

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::chart;
use crate::serve::api::as_json;
use crate::serve::rfc3339;
use crate::serve::store::{RunDetail, RunFilter, RunRow, RunStatus};

const CSS: &str = include_str!("style.css");

/// Every page: the header (with navigation and the log-out form once logged
/// in) and `body`.
pub(crate) fn layout(title: &str, csrf: Option<&str>, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · Ferry serve" }
                style { (PreEscaped(CSS)) }
            }
            body {
                a.skip href="#main" { "Skip to the content" }
                header.top {
                    a.brand href="/" { "Ferry serve" }
                    @if let Some(csrf) = csrf {
                        nav aria-label="Main" {
                            a href="/" { "Runs" }
                            a href="/#schedules" { "Schedules" }
                            form method="post" action="/logout" {
                                input type="hidden" name="csrf" value=(csrf);
                                button type="submit" { "Log out" }
                            }
                        }
                    }
                }
                main id="main" { (body) }
            }
        }
    }
}

/// The login form; `wrong` after a wrong token.
pub(crate) fn login(wrong: bool) -> Markup {
    layout(
        "Log in",
        None,
        html! {
            div.login {
                h1 { "Log in" }
                @if wrong {
                    p.alert role="alert" { "That is not the operator token. Nothing was changed." }
                }
                form method="post" action="/login" {
                    div.field {
                        label for="token" { "Operator token" }
                        input id="token" type="password" name="token" required autocomplete="current-password" aria-describedby="token-help";
                    }
                    p.muted id="token-help" {
                        "serve printed the token when it first started on this state folder, or it was set with "
                        code { "--admin-token" } "."
                    }
                    button type="submit" { "Log in" }
                }
            }
        },
    )
}

/// A short page that says what happened (a refused replay, an expired form).
pub(crate) fn message(title: &str, text: &str) -> Markup {
    layout(
        title,
        None,
        html! {
            h1 { (title) }
            p { (text) }
            p { a href="/" { "Back to the runs" } }
        },
    )
}

fn status_badge(status: &str) -> Markup {
    html! { span class=(format!("status status-{status}")) { (status) } }
}

fn time(ms: Option<i64>) -> Markup {
    match ms {
        Some(ms) => {
            let t = rfc3339(ms);
            // `2026-03-02 07:14:03Z` to read; the exact time in `datetime`.
            let shown = format!("{}Z", t.get(..19).unwrap_or(&t).replace('T', " "));
            html! { time datetime=(t) { (shown) } }
        }
        None => html! { span.muted { "—" } },
    }
}

/// A stored JSON text, indented for reading.
fn pretty(text: &str) -> String {
    serde_json::to_string_pretty(&as_json(text)).unwrap_or_else(|_| text.to_string())
}

fn excerpt(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

/// What the runs page shows.
pub(crate) struct RunsPage<'a> {
    pub csrf: &'a str,
    pub jobs: &'a [String],
    pub filter: &'a RunFilter,
    /// The filter as a query string (without `after`), for links.
    pub filter_query: &'a str,
    pub rows: &'a [RunRow],
    /// The link to the next (older) page, if the page is full.
    pub older: Option<String>,
    pub counts: &'a chart::Counts,
    pub schedules: &'a [(String, String, Option<String>)],
    /// After a bulk replay: how many were replayed and refused.
    pub notice: Option<(u64, u64)>,
    pub keep_data: &'a str,
    pub retain: Option<String>,
}

const STATUSES: [&str; 5] = ["queued", "running", "succeeded", "failed", "dead"];

fn datetime_local(ms: Option<i64>) -> String {
    ms.map(|ms| rfc3339(ms).chars().take(16).collect())
        .unwrap_or_default()
}

pub(crate) fn runs(p: &RunsPage<'_>) -> Markup {
    let selected_status = p.filter.status.map(RunStatus::as_str);
    let bulk_status = match selected_status {
        Some(s @ ("failed" | "dead")) => Some(s),
        None => Some("dead"),
        _ => None,
    };
    layout(
        "Runs",
        Some(p.csrf),
        html! {
            h1 { "Runs" }
            @if let Some((replayed, refused)) = p.notice {
                p.notice role="status" {
                    "Replayed " (replayed) " run" @if replayed != 1 { "s" } "."
                    @if refused > 0 { " " (refused) " could not be replayed (open them to see why)." }
                }
            }
            section aria-labelledby="chart-heading" {
                h2 id="chart-heading" { "Last 24 hours" }
                (chart::render(p.counts))
            }
            section aria-labelledby="runs-heading" {
                h2 id="runs-heading" { "Runs, newest first" }
                form.filters method="get" action="/" role="search" aria-label="Filter the runs" {
                    div {
                        label for="f-job" { "Job" }
                        select id="f-job" name="job" {
                            option value="" { "All jobs" }
                            @for job in p.jobs {
                                option value=(job) selected[p.filter.job.as_deref() == Some(job.as_str())] { (job) }
                            }
                        }
                    }
                    div {
                        label for="f-status" { "Status" }
                        select id="f-status" name="status" {
                            option value="" { "Any status" }
                            @for s in STATUSES {
                                option value=(s) selected[selected_status == Some(s)] { (s) }
                            }
                        }
                    }
                    div {
                        label for="f-since" { "Created from (UTC)" }
                        input id="f-since" type="datetime-local" name="since" value=(datetime_local(p.filter.since));
                    }
                    div {
                        label for="f-until" { "Created before (UTC)" }
                        input id="f-until" type="datetime-local" name="until" value=(datetime_local(p.filter.until));
                    }
                    div {
                        button type="submit" { "Filter" }
                        " "
                        a.button.secondary href="/" { "Clear" }
                    }
                }
                @if p.rows.is_empty() {
                    p { "No runs match." }
                } @else {
                    div.table-wrap {
                        table {
                            thead {
                                tr {
                                    th scope="col" { "Run" }
                                    th scope="col" { "Job" }
                                    th scope="col" { "Status" }
                                    th scope="col" { "Attempts" }
                                    th scope="col" { "Created" }
                                    th scope="col" { "Finished" }
                                    th scope="col" { "Version" }
                                    th scope="col" { "Error or reason" }
                                }
                            }
                            tbody {
                                @for r in p.rows {
                                    tr {
                                        td { a href=(format!("/run/{}", r.id)) aria-label=(format!("Run {}", r.id)) { "#" (r.id) } }
                                        td { (r.job) }
                                        td { (status_badge(&r.status)) }
                                        td.num { (r.attempts) }
                                        td { (time(r.created_at)) }
                                        td { (time(r.finished_at)) }
                                        td { code { (r.version.as_deref().unwrap_or("")) } }
                                        td.error {
                                            @if let Some(e) = &r.error { (excerpt(e, 140)) }
                                            @else if let Some(s) = &r.skip_reason { "skipped: " (excerpt(s, 140)) }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                nav.pager aria-label="Pages" {
                    @if p.filter.before.is_some() {
                        a href=(format!("/?{}", p.filter_query)) { "Newest runs" }
                    }
                    @if let Some(older) = &p.older {
                        a href=(older) { "Older runs" }
                    }
                }
                @if let Some(status) = bulk_status {
                    form.actions method="post" action="/runs/replay" {
                        input type="hidden" name="csrf" value=(p.csrf);
                        input type="hidden" name="status" value=(status);
                        @if let Some(job) = &p.filter.job { input type="hidden" name="job" value=(job); }
                        @if let Some(since) = p.filter.since { input type="hidden" name="since" value=(rfc3339(since)); }
                        @if let Some(until) = p.filter.until { input type="hidden" name="until" value=(rfc3339(until)); }
                        button type="submit" { "Replay every " (status) " run that matches" }
                        span.muted { "(up to 1,000 at a time, with each job's current version)" }
                    }
                }
            }
            section aria-labelledby="schedules" {
                h2 id="schedules" { "Schedules" }
                @if p.schedules.is_empty() {
                    p { "No job runs on a schedule." }
                } @else {
                    div.table-wrap {
                        table {
                            thead { tr { th scope="col" { "Job" } th scope="col" { "Schedule" } th scope="col" { "Next run (UTC)" } } }
                            tbody {
                                @for (job, schedule, next) in p.schedules {
                                    tr {
                                        td { a href=(format!("/?job={}", url::form_urlencoded::byte_serialize(job.as_bytes()).collect::<String>())) { (job) } }
                                        td { code { (schedule) } }
                                        td {
                                            @match next {
                                                Some(t) => time datetime=(t) { (t) },
                                                None => span.muted { "none" },
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            p.muted {
                "Data kept: " code { (p.keep_data) } ". "
                @match &p.retain {
                    Some(r) => { "Ended runs are deleted after " (r) "." },
                    None => { "Runs are kept until deleted (see --retain)." },
                }
            }
        },
    )
}

/// What a failure kind means, for the run page.
fn failure_meaning(kind: &str) -> &'static str {
    match kind {
        "bad_input" => "the input or config does not fit: dead at once",
        "fail" => "the job's `fail`: dead at once, the same input fails the same way",
        "decode" => "a value did not fit its type (`as`, an op's result): dead at once",
        "runtime" => {
            "a runtime error (overflow, division by zero, recursion too deep): dead at once"
        }
        "rejected" => "an op was answered 4xx: dead at once",
        "transient" => "a network error, timeout, 5xx, 408 or 429: retried with backoff",
        "interrupted" => "the process running it stopped: retried",
        "internal" => "an internal error: retried",
        _ => "",
    }
}

/// A run's page.
pub(crate) fn run(d: &RunDetail, csrf: &str, input: Option<String>) -> Markup {
    let r = &d.run;
    let ended = matches!(r.status.as_str(), "succeeded" | "failed" | "dead");
    layout(
        &format!("Run {}", r.id),
        Some(csrf),
        html! {
            p { a href="/" { "← All runs" } }
            h1 { "Run " (r.id) " · " (r.job) " " (status_badge(&r.status)) }
            dl.facts {
                dt { "Status" } dd { (r.status) }
                @if let Some(f) = &r.failure {
                    dt { "Failure" } dd { code { (f) } " — " (failure_meaning(f)) }
                }
                @if let Some(s) = &r.skip_reason {
                    dt { "Skipped" } dd { (s) }
                }
                dt { "Attempts" } dd { (r.attempts) }
                dt { "Event" } dd { code { (r.event_id) } }
                dt { "Fired" } dd { (time(Some(d.fired_at))) }
                dt { "Created" } dd { (time(r.created_at)) }
                dt { "Started" } dd { (time(r.started_at)) }
                dt { "Finished" } dd { (time(r.finished_at)) }
                dt { "Version" } dd { code { (r.version.as_deref().unwrap_or("—")) } }
                @if let Some(of) = r.replay_of {
                    dt { "Replay of" } dd { a href=(format!("/run/{of}")) { "run " (of) } }
                }
                @if !d.replays.is_empty() {
                    dt { "Replayed as" }
                    dd {
                        @for (i, id) in d.replays.iter().enumerate() {
                            @if i > 0 { ", " }
                            a href=(format!("/run/{id}")) { "run " (id) }
                        }
                    }
                }
            }
            div.actions {
                @if !ended {
                    p { "This run has not ended yet; it can be replayed once it has failed." }
                } @else if input.is_none() {
                    p { "Its input was not kept (" code { "--keep-data" } "), so this run cannot be replayed." }
                } @else {
                    form method="post" action=(format!("/runs/{}/replay", r.id)) {
                        input type="hidden" name="csrf" value=(csrf);
                        @if r.status == "succeeded" {
                            label {
                                input type="checkbox" name="force" value="true";
                                " It succeeded: run it again anyway"
                            }
                        }
                        button type="submit" { "Replay this run" }
                        span.muted { "as a new run, with the job's current version" }
                    }
                }
            }
            @if let Some(e) = &r.error {
                h2 { "Error" }
                pre { (e) }
            }
            h2 { "Input" }
            @match &input {
                Some(text) => pre { (pretty(text)) },
                None => p { "Not kept (" code { "--keep-data" } ")." },
            }
            h2 { "Output" }
            @match &r.output {
                Some(o) => pre { (pretty(o)) },
                None => p.muted { "None stored." },
            }
            h2 { "Logs" }
            (logs(d.logs.as_deref()))
            h2 { "Attempts" }
            @if d.attempts.is_empty() {
                p.muted { "None yet." }
            } @else {
                div.table-wrap {
                    table {
                        thead { tr {
                            th scope="col" { "#" } th scope="col" { "Started" } th scope="col" { "Finished" }
                            th scope="col" { "Exit code" } th scope="col" { "Failure" } th scope="col" { "Error" }
                        } }
                        tbody {
                            @for a in &d.attempts {
                                tr {
                                    td.num { (a.attempt) }
                                    td { (time(Some(a.started_at))) }
                                    td { (time(Some(a.finished_at))) }
                                    td.num { (a.exit_code) }
                                    td { (a.failure.as_deref().unwrap_or("")) }
                                    td.error { (a.error.as_deref().unwrap_or("")) }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

fn logs(logs: Option<&str>) -> Markup {
    let lines: Vec<serde_json::Value> = logs
        .and_then(|l| serde_json::from_str(l).ok())
        .unwrap_or_default();
    let field = |v: &serde_json::Value, k: &str| {
        v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string()
    };
    html! {
        @if lines.is_empty() {
            p.muted { "No log lines." }
        } @else {
            div.table-wrap {
                table {
                    thead { tr { th scope="col" { "Level" } th scope="col" { "At" } th scope="col" { "Message" } } }
                    tbody {
                        @for l in &lines {
                            tr {
                                td { (field(l, "level")) }
                                td { (field(l, "at")) }
                                td.error { (field(l, "message")) }
                            }
                        }
                    }
                }
            }
        }
    }
}
