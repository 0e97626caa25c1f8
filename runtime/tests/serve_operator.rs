//! The operator API and page: the token (401 without it or with a wrong one),
//! the login session and CSRF, `--admin-listen`, escaping, replay, the failure
//! table, `--keep-data`, `--retain`, and webhooks that `reply`.

mod serve_support;

use serde_json::{Value, json};
use serve_support::*;

const WRONG: &str = "not-the-operator-token";

/// Logs in on the page; the session cookie (`name=value`) and the whole `Set-Cookie`.
async fn log_in(base: &str) -> (String, String) {
    let resp = browser()
        .post(format!("{base}/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={OPERATOR_TOKEN}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 303);
    assert_eq!(resp.headers()["location"], "/");
    let set = resp.headers()["set-cookie"].to_str().unwrap().to_string();
    let pair = set.split(';').next().unwrap().to_string();
    (pair, set)
}

async fn page(url: &str, cookie: &str) -> (u16, String) {
    let resp = browser()
        .get(url)
        .header("cookie", cookie)
        .send()
        .await
        .unwrap();
    (resp.status().as_u16(), resp.text().await.unwrap())
}

/// The CSRF token of the first form of `html`.
fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + 19;
    html[at..].split('"').next().unwrap().to_string()
}

async fn post_form(url: &str, cookie: &str, form: &str) -> reqwest::Response {
    browser()
        .post(url)
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(form.to_string())
        .send()
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn details_replay_and_the_page_refuse_without_the_token_or_with_a_wrong_one() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[("--job", "name=reg;trigger=webhook:/reg;action=ok")]);
    let (status, _) = post(&fx.url("/reg"), r#"{"id":"a"}"#).await;
    assert_eq!(status, 202);
    let run = wait_run(&fx.base, "", "a succeeded run", |r| {
        r["status"] == "succeeded"
    })
    .await;
    let id = run["id"].as_i64().unwrap();

    let c = client();
    let requests = [
        ("GET", format!("/runs/{id}")),
        ("POST", format!("/runs/{id}/replay?force=true")),
        ("POST", "/runs/replay".to_string()),
        ("GET", "/".to_string()),
        ("GET", format!("/run/{id}")),
        ("POST", "/logout".to_string()),
    ];
    for (method, path) in &requests {
        for token in [None, Some(WRONG)] {
            let mut req = c.request(method.parse().unwrap(), fx.url(path));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), 401, "{method} {path} with {token:?}");
        }
        // A made-up session cookie is no better.
        let resp = c
            .request(method.parse().unwrap(), fx.url(path))
            .header("cookie", "ferry_session=99999999999999.0123abcd")
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 401, "{method} {path} with a forged cookie");
    }
    // The page's 401 is the login form, not JSON.
    let resp = c.get(fx.url("/")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
    let body = resp.text().await.unwrap();
    assert!(
        body.contains("<form method=\"post\" action=\"/login\">"),
        "{body}"
    );
    // A wrong token in the login form: 401, no cookie.
    let resp = browser()
        .post(fx.url("/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("token={WRONG}"))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 401);
    assert!(resp.headers().get("set-cookie").is_none());
    assert!(
        resp.text()
            .await
            .unwrap()
            .contains("That is not the operator token")
    );
    // Nothing was replayed by the refused requests.
    assert_eq!(runs(&fx.base, "").await.len(), 1);
    let m = metrics(&fx.base).await;
    assert_eq!(metric(&m, "ferry_operator_refused_total"), 20.0);
    assert_eq!(metric(&m, "ferry_replays_total"), 0.0);

    // With the token, the detail.
    let d = run_detail(&fx.base, id).await;
    assert_eq!(d["input"], json!({ "id": "a" }));
    assert_eq!(d["input_kept"], true);
    assert_eq!(d["output"], json!({ "ok": true }));
    assert_eq!(d["attempts"][0]["exit_code"], 0);
    assert_eq!(
        d["logs"][0]["message"],
        format!("running for {}", run["event_id"].as_str().unwrap())
    );
    assert_eq!(d["replays"], json!([]));

    let (cookie, _) = log_in(&fx.base).await;
    let (status, html) = page(&fx.url("/"), &cookie).await;
    assert_eq!(status, 200);
    let (_, detail) = page(&fx.url(&format!("/run/{id}")), &cookie).await;
    let logs = fx.logs();
    for text in [&logs, &html, &detail] {
        assert!(!text.contains(OPERATOR_TOKEN), "the token leaked:\n{text}");
        assert!(!text.contains(WRONG), "a wrong token was echoed:\n{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_session_cookie_is_strict_and_expires_and_forms_need_their_csrf_token() {
    let scratch = Scratch::new();
    let clock = scratch.file("clock");
    std::fs::write(&clock, "2026-03-02T07:00:00Z").unwrap();
    let fx = scratch.start(&[
        ("--clock-file", &clock),
        ("--job", "name=reg;trigger=webhook:/reg;action=fail-final"),
    ]);
    post(&fx.url("/reg"), r#"{"id":"a"}"#).await;
    let dead = wait_run(&fx.base, "", "a dead run", |r| r["status"] == "dead").await;
    let id = dead["id"].as_i64().unwrap();

    let (cookie, set) = log_in(&fx.base).await;
    let attributes: Vec<&str> = set.split("; ").skip(1).collect();
    assert_eq!(
        attributes,
        ["Path=/", "HttpOnly", "SameSite=Strict", "Max-Age=43200"]
    );
    let (status, html) = page(&fx.url(&format!("/run/{id}")), &cookie).await;
    assert_eq!(status, 200);
    let csrf = csrf_of(&html);

    // Without the CSRF token, or with another session's: 403 and nothing replayed.
    let replay_url = fx.url(&format!("/runs/{id}/replay"));
    let resp = post_form(&replay_url, &cookie, "").await;
    assert_eq!(resp.status(), 403);
    let resp = post_form(&replay_url, &cookie, "csrf=0123456789abcdef").await;
    assert_eq!(resp.status(), 403);
    let resp = post_form(&fx.url("/runs/replay"), &cookie, "status=dead").await;
    assert_eq!(resp.status(), 403);
    let resp = post_form(&fx.url("/logout"), &cookie, "").await;
    assert_eq!(resp.status(), 403);
    assert_eq!(runs(&fx.base, "").await.len(), 1, "nothing was replayed");

    // With it: replayed, and the page goes to the new run.
    let resp = post_form(&replay_url, &cookie, &format!("csrf={csrf}")).await;
    assert_eq!(resp.status(), 303);
    let location = resp.headers()["location"].to_str().unwrap().to_string();
    let new_id = id + 1;
    assert_eq!(location, format!("/run/{new_id}"));

    // Twelve hours later the session is over.
    std::fs::write(&clock, "2026-03-02T19:00:01Z").unwrap();
    let (status, html) = page(&fx.url("/"), &cookie).await;
    assert_eq!(status, 401);
    assert!(html.contains("Log in"));

    // Logging out clears the cookie.
    let (cookie, _) = log_in(&fx.base).await;
    let (_, html) = page(&fx.url("/"), &cookie).await;
    let resp = post_form(
        &fx.url("/logout"),
        &cookie,
        &format!("csrf={}", csrf_of(&html)),
    )
    .await;
    assert_eq!(resp.status(), 303);
    assert_eq!(
        resp.headers()["set-cookie"],
        "ferry_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_listen_serves_the_operator_api_apart_from_the_webhooks() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[
        ("--admin-listen", "127.0.0.1:0"),
        ("--job", "name=reg;trigger=webhook:/reg;action=ok"),
    ]);
    let admin = fx.admin.clone().expect("the admin address");
    let (status, _) = post(&fx.url("/reg"), "{}").await;
    assert_eq!(status, 202);
    for path in ["/runs", "/", "/metrics", "/runs/1"] {
        let resp = client()
            .get(fx.url(path))
            .bearer_auth(OPERATOR_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 404, "{path} is not on the webhooks' address");
    }
    wait_run(&admin, "", "the run, on the admin address", |r| {
        r["status"] == "succeeded"
    })
    .await;
    let (status, _) = post(&format!("{admin}/reg"), "{}").await;
    assert_eq!(status, 404, "no webhooks on the admin address");
    let resp = client().get(format!("{admin}/runs")).send().await.unwrap();
    assert_eq!(resp.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_runs_input_is_escaped_on_the_page() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[("--job", "name=reg;trigger=webhook:/reg;action=echo")]);
    let evil = r#"{"name":"<script>alert('x')</script>","note":"a & b \" c"}"#;
    post(&fx.url("/reg"), evil).await;
    let run = wait_run(&fx.base, "", "the run", |r| r["status"] == "succeeded").await;
    let (cookie, _) = log_in(&fx.base).await;
    let (status, html) = page(&fx.url(&format!("/run/{}", run["id"])), &cookie).await;
    assert_eq!(status, 200);
    assert!(!html.contains("<script"), "{html}");
    assert!(
        html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"),
        "{html}"
    );
    assert!(html.contains("a &amp; b \\&quot; c"), "{html}");
    let resp = browser()
        .get(fx.url("/"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(
        resp.headers()["content-security-policy"],
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fail_is_dead_at_once_and_a_dead_letter_can_be_replayed() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[
        ("--attempts", "5"),
        (
            "--job",
            "name=reg;trigger=webhook:/reg;action=fail-final;version=v1",
        ),
        ("--job", "name=flaky;trigger=webhook:/flaky;action=fail"),
    ]);
    post(&fx.url("/reg"), r#""P-17""#).await;
    let dead = wait_run(&fx.base, "job=reg", "the dead run", |r| {
        r["status"] == "dead"
    })
    .await;
    assert_eq!(dead["attempts"], 1, "a `fail` is not retried");
    assert_eq!(dead["failure"], "fail");
    assert_eq!(dead["error"], "no such patient: \"P-17\"");
    assert_eq!(dead["version"], "v1");
    // An unclassified exit-1 failure is still retried.
    post(&fx.url("/flaky"), "{}").await;
    let flaky = wait_run(&fx.base, "job=flaky", "the flaky run's end", |r| {
        r["status"] == "dead"
    })
    .await;
    assert_eq!(flaky["attempts"], 5);
    assert_eq!(flaky["failure"], "transient");

    let id = dead["id"].as_i64().unwrap();
    let (status, body) = replay(&fx.base, id, false).await;
    assert_eq!(status, 201, "{body}");
    let new_id = body["run_id"].as_i64().unwrap();
    assert_eq!(body["replay_of"], id);
    let replayed = wait_run(&fx.base, "job=reg", "the replay's end", |r| {
        r["id"] == new_id && r["status"] == "dead"
    })
    .await;
    assert_eq!(replayed["replay_of"], id);
    assert_ne!(replayed["event_id"], dead["event_id"], "a new event");
    assert_eq!(run_detail(&fx.base, new_id).await["input"], "P-17");
    assert_eq!(run_detail(&fx.base, id).await["replays"], json!([new_id]));

    // Not found, not ended: refused with the reason.
    let (status, body) = replay(&fx.base, 999, false).await;
    assert_eq!((status, body), (404, json!({ "error": "no run 999" })));
    let m = metrics(&fx.base).await;
    assert_eq!(metric(&m, "ferry_replays_total"), 1.0);

    // Bulk: every dead run of `reg` (the two of them).
    let resp = client()
        .post(fx.url("/runs/replay?job=reg"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let bulk: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert_eq!(bulk["replayed"].as_array().unwrap().len(), 2, "{bulk}");
    assert_eq!(bulk["refused"], json!([]));
    assert_eq!(bulk["more"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replaying_a_success_needs_force_and_idempotency_keys_still_hold() {
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let job = format!(
        "name=reg;trigger=webhook:/reg;action=post:{}",
        recorder.url("/sink")
    );
    let fx = scratch.start(&[("--job", &job)]);
    let send = || async {
        client()
            .post(fx.url("/reg"))
            .header("Idempotency-Key", "form-1")
            .body(r#"{"id":"form-1"}"#)
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .map(|b| serde_json::from_slice::<Value>(&b).unwrap())
            .unwrap()
    };
    let first = send().await;
    let run = wait_run(&fx.base, "", "the run", |r| r["status"] == "succeeded").await;
    let id = run["id"].as_i64().unwrap();
    let (status, body) = replay(&fx.base, id, false).await;
    assert_eq!(status, 409);
    assert_eq!(
        body["error"],
        format!(
            "run {id} succeeded: replaying it does its work again; replay it with force to do so anyway"
        )
    );
    let (status, body) = replay(&fx.base, id, true).await;
    assert_eq!(status, 201, "{body}");
    wait_for("two requests", || async {
        (recorder.count() == 2).then_some(())
    })
    .await;
    // A second replay while the first one stands needs force too.
    wait_run(&fx.base, "", "the replay", |r| {
        r["replay_of"] == id && r["status"] == "succeeded"
    })
    .await;
    let (status, _) = replay(&fx.base, id, false).await;
    assert_eq!(status, 409);
    // The key still answers with the first event, and runs nothing.
    let again = send().await;
    assert_eq!(again["event_id"], first["event_id"]);
    assert_eq!(runs(&fx.base, "").await.len(), 2);
    assert_eq!(recorder.count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keep_data_none_stores_no_input_or_output_and_errors_keeps_only_failures() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[
        ("--keep-data", "none"),
        ("--job", "name=ok;trigger=webhook:/ok;action=echo"),
        ("--job", "name=bad;trigger=webhook:/bad;action=fail-final"),
    ]);
    post(&fx.url("/ok"), r#"{"patient":"Amina"}"#).await;
    post(&fx.url("/bad"), r#"{"patient":"Baraka"}"#).await;
    let ok = wait_run(&fx.base, "job=ok", "ok", |r| r["status"] == "succeeded").await;
    let bad = wait_run(&fx.base, "job=bad", "bad", |r| r["status"] == "dead").await;
    for run in [&ok, &bad] {
        let d = run_detail(&fx.base, run["id"].as_i64().unwrap()).await;
        assert_eq!(d["input"], Value::Null);
        assert_eq!(d["input_kept"], false);
        assert_eq!(d["output"], Value::Null);
        let (status, body) = replay(&fx.base, run["id"].as_i64().unwrap(), true).await;
        assert_eq!(status, 409);
        assert!(
            body["error"]
                .as_str()
                .unwrap()
                .contains("input was not kept")
        );
    }
    // Nowhere in the database's rows either.
    drop(fx);
    assert!(!sqlite_has(&scratch, "Amina"));
    assert!(!sqlite_has(&scratch, "Baraka"));

    let scratch = Scratch::new();
    let fx = scratch.start(&[
        ("--keep-data", "errors"),
        ("--job", "name=ok;trigger=webhook:/ok;action=echo"),
        ("--job", "name=bad;trigger=webhook:/bad;action=fail-final"),
    ]);
    post(&fx.url("/ok"), r#"{"patient":"Amina"}"#).await;
    post(&fx.url("/bad"), r#"{"patient":"Baraka"}"#).await;
    let ok = wait_run(&fx.base, "job=ok", "ok", |r| r["status"] == "succeeded").await;
    let bad = wait_run(&fx.base, "job=bad", "bad", |r| r["status"] == "dead").await;
    let d = run_detail(&fx.base, ok["id"].as_i64().unwrap()).await;
    assert_eq!(
        (d["input"].clone(), d["output"].clone()),
        (Value::Null, Value::Null)
    );
    let d = run_detail(&fx.base, bad["id"].as_i64().unwrap()).await;
    assert_eq!(d["input"], json!({ "patient": "Baraka" }));
}

/// Whether the SQLite inbox holds `text` in a row (its pages may keep deleted bytes).
fn sqlite_has(scratch: &Scratch, text: &str) -> bool {
    let conn = rusqlite::Connection::open(scratch.path().join("state").join("ferry.db")).unwrap();
    let like = format!("%{text}%");
    let events: i64 = conn
        .query_row(
            "SELECT count(*) FROM events WHERE CAST(body AS TEXT) LIKE ?1",
            [&like],
            |r| r.get(0),
        )
        .unwrap();
    let runs: i64 = conn
        .query_row(
            "SELECT count(*) FROM runs WHERE output LIKE ?1",
            [&like],
            |r| r.get(0),
        )
        .unwrap();
    events + runs > 0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retain_deletes_old_ended_runs_and_keeps_saved_state_on_sqlite() {
    let scratch = Scratch::new();
    let clock = scratch.file("clock");
    std::fs::write(&clock, "2026-01-01T00:00:00Z").unwrap();
    let jobs = [
        ("--clock-file", clock.as_str()),
        ("--job", "name=ok;trigger=webhook:/ok;action=ok"),
        ("--job", "name=bad;trigger=webhook:/bad;action=fail-final"),
    ];
    let mut fx = scratch.start(&jobs);
    // One run at a time, a second apart: each has its own start time.
    for n in 1..=3 {
        std::fs::write(&clock, format!("2026-01-01T00:00:0{n}Z")).unwrap();
        post(&fx.url("/ok"), "{}").await;
        wait_run(&fx.base, "", "the run", |r| {
            r["id"] == n && r["status"] == "succeeded"
        })
        .await;
    }
    post(&fx.url("/bad"), "{}").await;
    wait_run(&fx.base, "", "the dead run", |r| {
        r["id"] == 4 && r["status"] == "dead"
    })
    .await;
    fx.terminate();
    assert_eq!(fx.wait_exit(), Some(0));

    // 31 days later, with --retain 30d: one recent run, and the old ones pruned.
    std::fs::write(&clock, "2026-02-01T00:00:00Z").unwrap();
    let mut flags = jobs.to_vec();
    flags.push(("--retain", "30d"));
    let fx = scratch.start(&flags);
    post(&fx.url("/bad"), "{}").await;
    let kept = wait_for("the pruning", || async {
        let m = metrics(&fx.base).await;
        (metric(&m, "ferry_retention_pruned_total{what=\"runs\"}") == 3.0).then_some(m)
    })
    .await;
    assert_eq!(
        metric(&kept, "ferry_retention_pruned_total{what=\"events\"}"),
        3.0
    );
    wait_run(&fx.base, "", "the new run", |r| {
        r["status"] == "dead" && r["id"] == 5
    })
    .await;
    let ids: Vec<i64> = runs(&fx.base, "")
        .await
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    // Run 3 is `ok`'s last success (saved state: trigger.last_success); 5 is recent.
    assert_eq!(ids, [5, 3]);
    let (status, _) = replay(&fx.base, 1, true).await;
    assert_eq!(status, 404, "pruned");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_webhook_answers_with_the_result_or_202_when_slow() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[
        ("--reply-timeout-ms", "500"),
        ("--attempts", "1"),
        (
            "--job",
            "name=crash;trigger=webhook:/crash;reply=yes;action=fail",
        ),
        (
            "--job",
            "name=fast;trigger=webhook:/fast;reply=yes;action=echo",
        ),
        (
            "--job",
            "name=refuse;trigger=webhook:/refuse;reply=yes;action=fail-final",
        ),
        (
            "--job",
            "name=slow;trigger=webhook:/slow;reply=yes;sleep=1500;action=ok",
        ),
        ("--job", "name=skip;trigger=webhook:/skip;action=skip"),
    ]);
    let (status, body) = post(&fx.url("/fast"), r#"{"uid":"Kj6vYde4LHh"}"#).await;
    assert_eq!((status, body), (200, json!({ "uid": "Kj6vYde4LHh" })));
    let (status, body) = post(&fx.url("/refuse"), r#""P-9""#).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "no such patient: \"P-9\"");
    assert!(body["event_id"].as_str().unwrap().starts_with("evt_"));
    let (status, body) = post(&fx.url("/crash"), "{}").await;
    assert_eq!(status, 500);
    assert_eq!(body["error"], "boom");
    let (status, body) = post(&fx.url("/slow"), "{}").await;
    assert_eq!(status, 202);
    let event_id = body["event_id"].as_str().unwrap().to_string();
    let run = wait_run(&fx.base, "job=slow", "the slow run's end", |r| {
        r["status"] == "succeeded"
    })
    .await;
    assert_eq!(
        run["event_id"],
        event_id.as_str(),
        "stored first, run to the end"
    );
    // `skip` records its reason.
    post(&fx.url("/skip"), "{}").await;
    let skipped = wait_run(&fx.base, "job=skip", "the skip", |r| {
        r["status"] == "succeeded"
    })
    .await;
    assert_eq!(skipped["skip_reason"], "nothing to do");
}
