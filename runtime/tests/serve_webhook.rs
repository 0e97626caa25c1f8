//! Webhooks end to end, with the fixture as a real process on a real socket:
//! accepted events run and make their HTTP call; bad credentials and bad bodies
//! are refused and store nothing; `Idempotency-Key` runs once; `/runs`,
//! `/healthz`, `/metrics`; secrets stay out of the logs.

mod serve_support;

use base64::Engine as _;
use ferry_runtime::serve::hmac_sha256_hex;
use serde_json::{Value, json};
use serve_support::*;

const KEY: &str = "k3y-for-tests-only";
const PASSWORD: &str = "pa55word-for-tests";
const SECRET: &str = "hmac-secret-for-tests";

fn config(dir: &std::path::Path) -> String {
    let path = dir.join("config.json");
    let config = json!({ "trigger": { "key": KEY, "username": "commcare", "password": PASSWORD } });
    std::fs::write(&path, config.to_string()).unwrap();
    path.to_string_lossy().into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_event_runs_and_its_request_carries_the_exact_body() {
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let job = format!(
        "name=registration;trigger=webhook:/commcare/registration;auth=api_key:X-Api-Key;validate=id;action=post:{}",
        recorder.url("/dhis2/tracker")
    );
    let fx = scratch.start(&[("--config", &config(scratch.path())), ("--job", &job)]);
    let body = r#"{"id": "form-1",  "form": {"patient_name": "Amina", "note": "ünïcode"}}"#;
    let resp = client()
        .post(fx.url("/commcare/registration"))
        .header("X-Api-Key", KEY)
        .header("X-CommCare-Domain", "demo")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 202);
    let answer: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    let event_id = answer["event_id"].as_str().unwrap().to_string();
    assert!(event_id.starts_with("evt_"), "{event_id}");

    let received = wait_for("the job's request", || async {
        recorder.requests().first().cloned()
    })
    .await;
    assert_eq!(received.path, "/dhis2/tracker");
    assert_eq!(received.body, body.as_bytes(), "the body, byte for byte");
    assert_eq!(received.header("x-event-id"), Some(event_id.as_str()));
    assert!(received.header("x-fired-at").unwrap().ends_with('Z'));

    let run = wait_run(&fx.base, "job=registration", "a succeeded run", |r| {
        r["status"] == "succeeded"
    })
    .await;
    assert_eq!(run["event_id"], event_id.as_str());
    assert_eq!(run["job"], "registration");
    assert_eq!(run["attempts"], 1);
    assert_eq!(run["output"], json!({ "status": 200 }));
    assert_eq!(run["error"], Value::Null);
    assert!(run["started_at"].as_str().unwrap().ends_with('Z'));
    assert!(run["finished_at"].is_string());
    let keys: Vec<&str> = run
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "id",
            "job",
            "event_id",
            "status",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "output",
            "error",
            "failure",
            "skip_reason",
            "version",
            "replay_of"
        ]
    );
    assert_eq!(
        run["version"], "fixture-v1",
        "the job's version is recorded"
    );
    assert_eq!(run["failure"], Value::Null);
    assert_eq!(run["replay_of"], Value::Null);
    assert_eq!(recorder.count(), 1);

    let m = metrics(&fx.base).await;
    assert_eq!(
        metric(&m, "ferry_events_accepted_total{job=\"registration\"}"),
        1.0
    );
    assert_eq!(
        metric(
            &m,
            "ferry_runs_total{job=\"registration\",outcome=\"succeeded\"}"
        ),
        1.0
    );
    assert_eq!(
        metric(&m, "ferry_run_duration_seconds_count{job=\"registration\"}"),
        1.0
    );
    let logs = fx.logs();
    assert!(logs.contains("\"event accepted\""), "{logs}");
    assert!(!logs.contains(KEY), "the API key reached the logs:\n{logs}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_credentials_are_refused_and_nothing_is_stored() {
    let scratch = Scratch::new();
    let fx = scratch.start_env(
        "state",
        &[
            ("--config", &config(scratch.path())),
            (
                "--job",
                "name=keyed;trigger=webhook:/keyed;auth=api_key:X-Api-Key",
            ),
            ("--job", "name=basic;trigger=webhook:/basic;auth=basic"),
            (
                "--job",
                "name=signed;trigger=webhook:/signed;auth=hmac:X-Signature",
            ),
        ],
        &[("FERRY_TRIGGER_SECRET", SECRET)],
    );
    let c = client();
    let body = r#"{"id":"x"}"#;
    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let refused = [
        c.post(fx.url("/keyed")).body(body),
        c.post(fx.url("/keyed"))
            .header("X-Api-Key", "wrong")
            .body(body),
        c.post(fx.url("/keyed"))
            .header("X-Api-Key", &KEY[..KEY.len() - 1])
            .body(body),
        c.post(fx.url("/basic")).body(body),
        c.post(fx.url("/basic"))
            .header("Authorization", format!("Basic {}", b64("commcare:nope")))
            .body(body),
        c.post(fx.url("/basic"))
            .header(
                "Authorization",
                format!("Basic {}", b64("other:pa55word-for-tests")),
            )
            .body(body),
        c.post(fx.url("/signed")).body(body),
        c.post(fx.url("/signed"))
            .header(
                "X-Signature",
                hmac_sha256_hex(b"not-the-secret", body.as_bytes()),
            )
            .body(body),
        c.post(fx.url("/signed"))
            .header(
                "X-Signature",
                hmac_sha256_hex(SECRET.as_bytes(), b"another body"),
            )
            .body(body),
        c.post(fx.url("/signed"))
            .header("X-Signature", "nothex")
            .body(body),
    ];
    for (n, req) in refused.into_iter().enumerate() {
        let resp = req.send().await.unwrap();
        assert_eq!(resp.status(), 401, "request {n}");
        let answer: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!(answer, json!({ "error": "unauthorized" }), "request {n}");
    }
    assert!(runs(&fx.base, "").await.is_empty(), "nothing is stored");

    // The right credentials get in.
    let accepted = [
        c.post(fx.url("/keyed")).header("X-Api-Key", KEY).body(body),
        c.post(fx.url("/basic"))
            .basic_auth("commcare", Some(PASSWORD))
            .body(body),
        c.post(fx.url("/signed"))
            .header(
                "X-Signature",
                format!(
                    "sha256={}",
                    hmac_sha256_hex(SECRET.as_bytes(), body.as_bytes())
                ),
            )
            .body(body),
    ];
    for (n, req) in accepted.into_iter().enumerate() {
        assert_eq!(req.send().await.unwrap().status(), 202, "request {n}");
    }
    wait_for("three succeeded runs", || async {
        let runs = runs(&fx.base, "status=succeeded").await;
        (runs.len() == 3).then_some(())
    })
    .await;
    let m = metrics(&fx.base).await;
    assert_eq!(
        metric(
            &m,
            "ferry_events_rejected_total{job=\"signed\",reason=\"unauthorized\"}"
        ),
        4.0
    );
    let logs = fx.logs();
    for secret in [KEY, PASSWORD, SECRET, &b64(&format!("commcare:{PASSWORD}"))] {
        assert!(!logs.contains(secret), "a secret reached the logs:\n{logs}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_body_is_answered_400_with_its_json_path_and_nothing_is_stored() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[("--job", "name=reg;trigger=webhook:/reg;validate=id")]);
    let cases = [
        (r#"{"id": 42}"#, "$.id: expected String, found 42"),
        (r#"{"name": "x"}"#, "$.id: missing required field"),
    ];
    for (body, message) in cases {
        let resp = client()
            .post(fx.url("/reg"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status(), 400);
        let answer: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
        assert_eq!(answer, json!({ "error": message }));
    }
    let resp = client()
        .post(fx.url("/reg"))
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    let answer: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
    assert!(
        answer["error"].as_str().unwrap().starts_with("$: "),
        "{answer}"
    );
    assert!(runs(&fx.base, "").await.is_empty(), "nothing is stored");
    let m = metrics(&fx.base).await;
    assert_eq!(
        metric(
            &m,
            "ferry_events_rejected_total{job=\"reg\",reason=\"bad_input\"}"
        ),
        3.0
    );
    assert_eq!(metric(&m, "ferry_events_accepted_total{job=\"reg\"}"), 0.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_idempotency_key_runs_once() {
    let scratch = Scratch::new();
    let recorder = Recorder::start().await;
    let job = format!(
        "name=reg;trigger=webhook:/reg;action=post:{}",
        recorder.url("/x")
    );
    let fx = scratch.start(&[("--job", &job)]);
    let post = |key: &'static str, body: &'static str| {
        let req = client()
            .post(fx.url("/reg"))
            .header("Idempotency-Key", key)
            .body(body);
        async move {
            let resp = req.send().await.unwrap();
            assert_eq!(resp.status(), 202);
            let v: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap();
            v["event_id"].as_str().unwrap().to_string()
        }
    };
    let first = post("form-123", r#"{"n":1}"#).await;
    let again = post("form-123", r#"{"n":1}"#).await;
    let other = post("form-456", r#"{"n":2}"#).await;
    wait_for("the first run", || async {
        (runs(&fx.base, "status=succeeded").await.len() == 2).then_some(())
    })
    .await;
    // Sent again after the run finished: still the same event, still no new run.
    let late = post("form-123", r#"{"n":1}"#).await;
    assert_eq!(first, again);
    assert_eq!(first, late);
    assert_ne!(first, other);
    let all = runs(&fx.base, "").await;
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(recorder.count(), 2);
    let m = metrics(&fx.base).await;
    assert_eq!(metric(&m, "ferry_events_duplicate_total{job=\"reg\"}"), 2.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_endpoints() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[
        ("--job", "name=ok;trigger=webhook:/ok"),
        ("--job", "name=broken;trigger=webhook:/broken;action=fail"),
        ("--attempts", "1"),
    ]);
    let c = client();
    let health = c.get(fx.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);

    for _ in 0..3 {
        assert_eq!(
            c.post(fx.url("/ok"))
                .body("{}")
                .send()
                .await
                .unwrap()
                .status(),
            202
        );
    }
    assert_eq!(
        c.post(fx.url("/broken"))
            .body("{}")
            .send()
            .await
            .unwrap()
            .status(),
        202
    );
    wait_for("four finished runs", || async {
        let all = runs(&fx.base, "").await;
        (all.len() == 4 && all.iter().all(|r| r["finished_at"].is_string())).then_some(())
    })
    .await;

    // Newest first; filters; limit.
    let all = runs(&fx.base, "").await;
    let ids: Vec<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(ids, sorted);
    assert_eq!(runs(&fx.base, "job=ok").await.len(), 3);
    assert_eq!(runs(&fx.base, "job=ok&limit=2").await.len(), 2);
    assert_eq!(runs(&fx.base, "limit=5000").await.len(), 4);
    let dead = runs(&fx.base, "status=dead").await;
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0]["job"], "broken");
    assert_eq!(dead[0]["error"], "boom");
    assert_eq!(dead[0]["output"], Value::Null);

    for query in ["status=done", "limit=ten", "after=ten"] {
        let bad = c
            .get(fx.url(&format!("/runs?{query}")))
            .bearer_auth(OPERATOR_TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(bad.status(), 400, "{query}");
    }

    let missing = c.post(fx.url("/nothing")).body("{}").send().await.unwrap();
    assert_eq!(missing.status(), 404);
    let get = c.get(fx.url("/ok")).send().await.unwrap();
    assert_eq!(get.status(), 405);
    assert_eq!(get.headers()["allow"], "POST");

    let m = c
        .get(fx.url("/metrics"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .unwrap();
    assert!(
        m.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain; version=0.0.4")
    );
    let text = m.text().await.unwrap();
    assert!(text.contains("# TYPE ferry_run_duration_seconds histogram"));
    assert_eq!(
        metric(&text, "ferry_runs_total{job=\"broken\",outcome=\"dead\"}"),
        1.0
    );
    assert_eq!(
        metric(&text, "ferry_runs_total{job=\"ok\",outcome=\"succeeded\"}"),
        3.0
    );
}

#[test]
fn unusable_state_folders_and_missing_credentials_are_clear_errors() {
    let scratch = Scratch::new();
    let file = scratch.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let out = std::process::Command::new(fixture_path())
        .args(args(&[
            ("--state", file.to_str().unwrap()),
            ("--job", "name=reg;trigger=webhook:/reg"),
        ]))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot create the state folder") && err.contains("--state"),
        "{err}"
    );

    let out = std::process::Command::new(fixture_path())
        .args(args(&[
            ("--state", scratch.path().join("s").to_str().unwrap()),
            (
                "--job",
                "name=reg;trigger=webhook:/reg;auth=api_key:X-Api-Key",
            ),
        ]))
        .env_remove("FERRY_TRIGGER_KEY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`auth api_key` needs `trigger.key`") && err.contains("FERRY_TRIGGER_KEY"),
        "{err}"
    );

    let out = std::process::Command::new(fixture_path())
        .args(args(&[
            ("--state", scratch.path().join("s").to_str().unwrap()),
            ("--queue", "postgres://ferry:pw-not-shown@127.0.0.1:1/ferry"),
            ("--job", "name=reg;trigger=webhook:/reg"),
        ]))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot reach the PostgreSQL queue at postgres://ferry:***@127.0.0.1:1/ferry"),
        "{err}"
    );
    assert!(!err.contains("pw-not-shown"), "{err}");
}

#[test]
fn a_second_process_on_the_same_state_folder_is_refused() {
    let scratch = Scratch::new();
    let a: Vec<(&str, &str)> = vec![("--job", "name=reg;trigger=webhook:/reg")];
    let _first = scratch.start(&a);
    let state = scratch.file("state");
    let mut second = vec![("--state", state.as_str())];
    second.extend_from_slice(&a);
    let out = std::process::Command::new(fixture_path())
        .args(args(&second))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("is in use by another `serve`"), "{err}");
}

/// Sends a request head announcing a 100 MB body, and nothing of the body; the
/// answer, if any arrives within `PATIENCE`.
fn head_only(addr: std::net::SocketAddr, path: &str, headers: &str) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    write!(
        stream,
        "POST {path} HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 104857600\r\n{headers}\r\n"
    )
    .unwrap();
    let mut answer = vec![0u8; 4096];
    let n = stream.read(&mut answer).unwrap_or(0);
    String::from_utf8_lossy(&answer[..n]).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credentials_in_headers_are_refused_before_the_body_is_read() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[
        ("--config", &config(scratch.path())),
        (
            "--job",
            "name=keyed;trigger=webhook:/keyed;auth=api_key:X-Api-Key",
        ),
        ("--job", "name=basic;trigger=webhook:/basic;auth=basic"),
    ]);
    let addr = fx.addr;
    for (path, headers) in [
        ("/keyed", "x-api-key: wrong\r\n"),
        ("/keyed", ""),
        ("/basic", "authorization: Basic bm9ib2R5Om5vcGU=\r\n"),
    ] {
        let answer = tokio::task::spawn_blocking(move || head_only(addr, path, headers))
            .await
            .unwrap();
        assert!(
            answer.starts_with("HTTP/1.1 401 Unauthorized\r\n"),
            "{path}: {answer:?}"
        );
        assert!(
            answer.ends_with("{\"error\":\"unauthorized\"}"),
            "{answer:?}"
        );
    }
    let m = metrics(&fx.base).await;
    assert_eq!(
        metric(
            &m,
            "ferry_events_rejected_total{job=\"keyed\",reason=\"unauthorized\"}"
        ),
        2.0
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_operator_api_needs_the_token_and_runs_page_by_page() {
    let scratch = Scratch::new();
    let fx = scratch.start(&[("--job", "name=ok;trigger=webhook:/ok")]);
    let c = client();
    for path in ["/runs", "/metrics", "/runs?token=wrong"] {
        let r = c.get(fx.url(path)).send().await.unwrap();
        assert_eq!(r.status(), 401, "{path}");
    }
    for _ in 0..5 {
        let r = c.post(fx.url("/ok")).body("{}").send().await.unwrap();
        assert_eq!(r.status(), 202);
    }
    wait_for("five runs", || async {
        (runs(&fx.base, "status=succeeded").await.len() == 5).then_some(())
    })
    .await;
    let page = |query: String| {
        let c = c.clone();
        let url = fx.url(&query);
        async move {
            let r = c.get(url).bearer_auth(OPERATOR_TOKEN).send().await.unwrap();
            assert_eq!(r.status(), 200);
            serde_json::from_slice::<Value>(&r.bytes().await.unwrap()).unwrap()
        }
    };
    let mut seen = Vec::new();
    let mut next = Value::String("/runs?job=ok&limit=2".into());
    let mut pages = 0;
    while let Value::String(link) = next {
        let body = page(link).await;
        for run in body["runs"].as_array().unwrap() {
            seen.push(run["id"].as_i64().unwrap());
        }
        next = body["next"].clone();
        pages += 1;
    }
    assert_eq!(pages, 3, "2 + 2 + 1");
    let mut expected = seen.clone();
    expected.sort_by(|a, b| b.cmp(a));
    expected.dedup();
    assert_eq!(seen, expected, "newest first, each run once");
    assert_eq!(seen.len(), 5);
    let first = page("/runs?limit=2".into()).await;
    assert_eq!(
        first["next"],
        json!(format!("/runs?limit=2&after={}", seen[1]))
    );
}

/// Reads from `stream` until the server closes it; `Err` if it is still open
/// after `PATIENCE`.
fn read_until_closed(stream: &mut std::net::TcpStream) -> Result<String, String> {
    use std::io::Read;
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return Ok(String::from_utf8_lossy(&got).into_owned()),
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {
                return Ok(String::from_utf8_lossy(&got).into_owned());
            }
            Err(e) => return Err(format!("still open: {e}")),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_clients_are_cut_off_and_connections_are_limited() {
    use std::io::Write;
    let scratch = Scratch::new();
    let fx = scratch.start(&[
        ("--job", "name=ok;trigger=webhook:/ok"),
        ("--header-timeout-ms", "300"),
        ("--body-timeout-ms", "300"),
    ]);
    let addr = fx.addr;
    let outcome = tokio::task::spawn_blocking(move || {
        // Headers that never end: the connection is closed.
        let mut slow = std::net::TcpStream::connect(addr).unwrap();
        slow.write_all(b"POST /ok HTTP/1.1\r\nhost: x\r\n").unwrap();
        let headers = read_until_closed(&mut slow);
        // A body that never ends: 408, nothing stored.
        let mut stalled = std::net::TcpStream::connect(addr).unwrap();
        stalled
            .write_all(b"POST /ok HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{\"a\":")
            .unwrap();
        let body = read_until_closed(&mut stalled);
        (headers, body)
    })
    .await
    .unwrap();
    assert_eq!(outcome.0, Ok(String::new()), "closed without an answer");
    let body = outcome.1.unwrap();
    assert!(
        body.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
        "{body}"
    );
    assert!(
        body.contains("{\"error\":\"the body did not arrive within 0.3 s; nothing was stored\"}"),
        "{body}"
    );

    let m = metrics(&fx.base).await;
    assert_eq!(
        metric(
            &m,
            "ferry_events_rejected_total{job=\"ok\",reason=\"timed_out\"}"
        ),
        1.0
    );
    assert_eq!(runs(&fx.base, "").await, Vec::<Value>::new());

    // Three idle connections hold every slot; a fourth is closed at once.
    let limited = Fixture::start(
        scratch.path(),
        &args(&[
            ("--state", scratch.path().join("state-2").to_str().unwrap()),
            ("--job", "name=ok;trigger=webhook:/ok"),
            ("--max-connections", "3"),
        ]),
    );
    let addr = limited.addr;
    let held = tokio::task::spawn_blocking(move || {
        let held: Vec<std::net::TcpStream> = (0..3)
            .map(|_| std::net::TcpStream::connect(addr).unwrap())
            .collect();
        std::thread::sleep(std::time::Duration::from_millis(100));
        let mut fourth = std::net::TcpStream::connect(addr).unwrap();
        let _ = fourth.write_all(b"GET /healthz HTTP/1.1\r\nhost: x\r\n\r\n");
        let refused = read_until_closed(&mut fourth);
        drop(held);
        refused
    })
    .await
    .unwrap();
    assert_eq!(held, Ok(String::new()));
    let m = wait_for("the held connections to close", || async {
        let m = metrics(&limited.base).await;
        (metric(&m, "ferry_connections_open") == 1.0).then_some(m)
    })
    .await;
    assert_eq!(metric(&m, "ferry_connections_refused_total"), 1.0);
}
