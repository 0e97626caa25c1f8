//! Retries, backoff, Retry-After, timeouts and broken connections.

mod support;

use std::time::{Duration, Instant};

use ferry_runtime::http::{Auth, Client, HttpError, Policy, Request, Response};
use ferry_runtime::secrets::Redactor;
use serde_json::json;
use support::{DropServer, Reply, Server, closed_port_url, fast_policy};

fn send(req: Request, policy: &Policy) -> Result<Response, HttpError> {
    Client::new(Redactor::new()).send("api", req, &Auth::None, policy)
}

#[test]
fn get_is_retried_after_503() {
    let server = Server::start();
    server.route(
        "GET",
        "/flaky",
        vec![
            Reply::status(503),
            Reply::status(503),
            Reply::json(200, json!({"ok": true})),
        ],
    );
    let resp = send(Request::get(server.url("/flaky")), &fast_policy()).unwrap();
    assert_eq!(resp.json().unwrap(), json!({"ok": true}));
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn get_waits_as_long_as_retry_after_says() {
    let server = Server::start();
    server.route(
        "GET",
        "/limited",
        vec![
            Reply::json(429, json!({"message": "slow down"})).header("Retry-After", "1"),
            Reply::json(200, json!([])),
        ],
    );
    let policy = Policy {
        base_delay: Duration::from_millis(1),
        ..fast_policy()
    };
    let resp = send(Request::get(server.url("/limited")), &policy).unwrap();
    assert_eq!(resp.status, 200);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    let gap = reqs[1].at - reqs[0].at;
    assert!(gap >= Duration::from_secs(1), "retried after {gap:?}");
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let server = Server::start();
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(3));
    server.route(
        "GET",
        "/limited",
        vec![
            Reply::status(503).header("Retry-After", &date),
            Reply::json(200, json!([])),
        ],
    );
    let resp = send(Request::get(server.url("/limited")), &fast_policy()).unwrap();
    assert_eq!(resp.status, 200);
    let reqs = server.requests();
    // The date has a resolution of one second: more than one second remains.
    assert!(reqs[1].at - reqs[0].at >= Duration::from_secs(1));
}

#[test]
fn get_gives_up_after_its_attempts() {
    let server = Server::start();
    server.route(
        "GET",
        "/down",
        vec![Reply::json(502, json!({"error": "upstream down"}))],
    );
    let policy = Policy {
        attempts: 3,
        ..fast_policy()
    };
    let err = send(Request::get(server.url("/down")), &policy).unwrap_err();
    assert_eq!(server.requests().len(), 3);
    assert_eq!(
        err.to_string(),
        format!(
            "api: GET {} answered 502 Bad Gateway: upstream down (after 3 attempts); the server failed: try again later or ask its administrators",
            server.url("/down")
        )
    );
}

#[test]
fn post_is_not_retried_after_500() {
    let server = Server::start();
    server.route(
        "POST",
        "/items",
        vec![
            Reply::json(500, json!({"message": "database error"})),
            Reply::json(201, json!({})),
        ],
    );
    let err = send(
        Request::post(server.url("/items")).json(json!({"n": 1})),
        &fast_policy(),
    )
    .unwrap_err();
    assert_eq!(server.requests().len(), 1);
    let HttpError::Status {
        status,
        ref body,
        attempts,
        ..
    } = err
    else {
        panic!("{err:?}")
    };
    assert_eq!((status, attempts), (500, 1));
    assert_eq!(body, r#"{"message":"database error"}"#);
    assert_eq!(
        err.to_string(),
        format!(
            "api: POST {} answered 500 Internal Server Error: database error (POST is not retried); the server failed: try again later or ask its administrators",
            server.url("/items")
        )
    );
}

#[test]
fn post_declared_idempotent_is_retried() {
    let server = Server::start();
    server.route(
        "POST",
        "/upsert",
        vec![Reply::status(500), Reply::json(201, json!({"id": 1}))],
    );
    let resp = send(
        Request::post(server.url("/upsert"))
            .json(json!({"id": 1}))
            .idempotent(true),
        &fast_policy(),
    )
    .unwrap();
    assert_eq!(resp.status, 201);
    let reqs = server.requests();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].json(), json!({"id": 1}));
}

#[test]
fn client_errors_are_not_retried() {
    let server = Server::start();
    server.route(
        "GET",
        "/missing",
        vec![Reply::json(404, json!({"message": "no such thing"}))],
    );
    let err = send(Request::get(server.url("/missing")), &fast_policy()).unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(
        err.to_string(),
        format!(
            "api: GET {} answered 404 Not Found: no such thing; check the path and the base URL",
            server.url("/missing")
        )
    );
}

#[test]
fn a_hanging_server_hits_the_timeout() {
    let server = Server::start();
    server.route(
        "GET",
        "/hang",
        vec![Reply::json(200, json!({})).delay(Duration::from_secs(20))],
    );
    let policy = Policy {
        attempts: 1,
        ..fast_policy()
    };
    let started = Instant::now();
    let err = send(
        Request::get(server.url("/hang")).timeout(Duration::from_millis(300)),
        &policy,
    )
    .unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(
        matches!(err, HttpError::Timeout { after, .. } if after == Duration::from_millis(300)),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        format!(
            "api: GET {} timed out: no response within 300ms; raise the timeout or check the server",
            server.url("/hang")
        )
    );
}

#[test]
fn a_get_that_times_out_is_retried_and_a_post_is_not() {
    let server = Server::start();
    let hang = Reply::json(200, json!({})).delay(Duration::from_secs(20));
    server.route("GET", "/hang", vec![hang.clone()]);
    server.route("POST", "/hang", vec![hang]);
    let policy = Policy {
        attempts: 2,
        timeout: Duration::from_millis(300),
        ..fast_policy()
    };
    let err = send(Request::get(server.url("/hang")), &policy).unwrap_err();
    assert!(err.to_string().contains("(after 2 attempts)"), "{err}");
    let err = send(Request::post(server.url("/hang")), &policy).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "api: POST {} timed out: no response within 300ms and POST is not retried; check on the server whether it was processed, or raise the timeout",
            server.url("/hang")
        )
    );
    let methods: Vec<_> = server.requests().into_iter().map(|r| r.method).collect();
    assert_eq!(methods, ["GET", "GET", "POST"]);
}

#[test]
fn post_is_sent_once_when_the_connection_breaks_after_sending() {
    let server = DropServer::start();
    let err = send(
        Request::post(server.url("/items")).json(json!({"n": 1})),
        &fast_policy(),
    )
    .unwrap_err();
    assert_eq!(server.received(), 1);
    assert!(matches!(err, HttpError::Transport { .. }), "{err:?}");
    let text = err.to_string();
    assert!(
        text.starts_with(&format!(
            "api: POST {} failed: the connection broke before a complete response (",
            server.url("/items")
        )),
        "{text}"
    );
    assert!(
        text.ends_with(") and POST is not retried; check on the server whether it was processed"),
        "{text}"
    );
}

#[test]
fn get_is_retried_when_the_connection_breaks() {
    let server = DropServer::start();
    let policy = Policy {
        attempts: 3,
        ..fast_policy()
    };
    let err = send(Request::get(server.url("/items")), &policy).unwrap_err();
    assert_eq!(server.received(), 3);
    assert!(
        err.to_string()
            .contains("(after 3 attempts); try again later"),
        "{err}"
    );
}

#[test]
fn a_refused_connection_is_explained() {
    let url = closed_port_url("/api");
    let policy = Policy {
        attempts: 2,
        ..fast_policy()
    };
    let err = send(Request::post(&url), &policy).unwrap_err();
    assert!(
        matches!(err, HttpError::Connect { attempts: 2, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(
        text.starts_with(&format!("api: POST {url} failed: could not connect (")),
        "{text}"
    );
    assert!(
        text.ends_with(
            " (after 2 attempts); check that the server is up and the base URL is right"
        ),
        "{text}"
    );
}

/// DHIS2's rules: a 409 that says the import could not get its lock did nothing.
fn lock_policy() -> Policy {
    use ferry_runtime::http::{DetailRule, ErrorsMeta, RetryRule};
    Policy {
        errors: std::sync::Arc::new(ErrorsMeta {
            retry: vec![RetryRule {
                status: 409,
                when: Some("could not acquire lock".into()),
            }],
            details: vec![DetailRule {
                items: "response.errorReports[]".into(),
                code: Some("errorCode".into()),
                text: "message".into(),
                at: Some("errorProperty".into()),
            }],
        }),
        ..fast_policy()
    }
}

#[test]
fn a_status_the_adaptor_marks_is_retried_even_for_a_post() {
    let server = Server::start();
    server.route(
        "POST",
        "/api/tracker",
        vec![
            Reply::json(
                409,
                json!({"status": "ERROR", "message": "Could not acquire lock on the import"}),
            ),
            Reply::json(200, json!({"status": "OK"})),
        ],
    );
    let req = Request::post(server.url("/api/tracker")).json(json!({"trackedEntities": []}));
    let resp = send(req, &lock_policy()).unwrap();
    assert_eq!(resp.json().unwrap(), json!({"status": "OK"}));
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn the_same_status_with_another_message_is_not_retried_and_keeps_its_details() {
    let server = Server::start();
    let body = json!({
        "httpStatusCode": 409,
        "message": "One or more errors occurred, please see full details in import report.",
        "response": { "errorReports": [
            { "errorCode": "E4000", "message": "Missing required property `shortName`.", "errorProperty": "shortName" },
            { "errorCode": "E5002", "message": "Invalid reference [xyz] on object." },
        ]},
    });
    server.route(
        "POST",
        "/api/metadata",
        vec![Reply::json(409, body), Reply::json(200, json!({}))],
    );
    let req = Request::post(server.url("/api/metadata")).json(json!({}));
    let err = send(req, &lock_policy()).unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert!(!err.is_transient());
    assert_eq!(
        err.details(),
        [
            "E4000 (shortName): Missing required property `shortName`.",
            "E5002: Invalid reference [xyz] on object."
        ]
    );
}

#[test]
fn a_marked_status_gives_up_after_its_attempts_as_transient() {
    let server = Server::start();
    server.route(
        "POST",
        "/api/tracker",
        vec![Reply::json(
            409,
            json!({"message": "could not acquire lock"}),
        )],
    );
    let policy = Policy {
        attempts: 2,
        ..lock_policy()
    };
    let req = Request::post(server.url("/api/tracker")).json(json!({}));
    let err = send(req, &policy).unwrap_err();
    assert_eq!(server.requests().len(), 2);
    assert!(err.is_transient());
    assert_eq!(
        err.to_string(),
        format!(
            "api: POST {} answered 409 Conflict: could not acquire lock (after 2 attempts); the request conflicts with the server's current state",
            server.url("/api/tracker")
        )
    );
}
