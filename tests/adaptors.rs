//! Adaptors at run time: jobs of `tests/fixtures/http/` run with `ferry run`
//! against recording HTTP servers on 127.0.0.1 (DHIS2-, CommCare- and
//! OAuth2-shaped), and every test asserts the exact requests the server received,
//! the exit code, standard output and standard error.

#[path = "../runtime/tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::{Value, json};
use support::{Recorded, Reply, Server};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// What a run printed and answered.
#[derive(Debug)]
struct Outcome {
    exit: i32,
    stdout: String,
    stderr: String,
}

/// A job and what it is run with.
struct Job {
    /// The job's path from the repository's root, the runs' working folder, as
    /// error locations show it.
    path: String,
    config: Value,
    input: Option<Value>,
    args: Vec<String>,
}

impl Job {
    /// A job of `tests/fixtures/http/`.
    fn new(name: &str, config: Value) -> Job {
        Job::at(format!("tests/fixtures/http/{name}.ferry"), config)
    }

    fn at(path: String, config: Value) -> Job {
        Job {
            path,
            config,
            input: None,
            args: Vec::new(),
        }
    }

    fn input(mut self, input: Value) -> Job {
        self.input = Some(input);
        self
    }

    fn arg(mut self, arg: impl Into<String>) -> Job {
        self.args.push(arg.into());
        self
    }

    /// The options after the job: adaptor path, config, input, extra arguments.
    fn options(&self, dir: &Path) -> Vec<String> {
        let config = dir.join("config.json");
        std::fs::write(&config, self.config.to_string()).unwrap();
        let mut args = vec!["--config".to_string(), config.display().to_string()];
        if let Some(input) = &self.input {
            let path = dir.join("input.json");
            std::fs::write(&path, input.to_string()).unwrap();
            args.extend(["--input".to_string(), path.display().to_string()]);
        }
        args.extend(self.args.iter().cloned());
        args
    }

    /// Runs the job through the JIT: `ferry run JOB --adaptor-path … OPTIONS`.
    fn run(&self) -> Outcome {
        let dir = tempfile::tempdir().unwrap();
        let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
        command
            .arg("run")
            .arg(&self.path)
            .arg("--adaptor-path")
            .arg("tests/fixtures/http/adaptors")
            .args(self.options(dir.path()));
        outcome(command)
    }

    /// Builds the job with `ferry build` and runs the executable with the same options.
    fn run_built(&self) -> Outcome {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("job");
        let build = Command::new(env!("CARGO_BIN_EXE_ferry"))
            .arg("build")
            .arg(&self.path)
            .arg("--adaptor-path")
            .arg("tests/fixtures/http/adaptors")
            .arg("-o")
            .arg(&exe)
            .current_dir(root())
            .output()
            .unwrap();
        assert!(
            build.status.success(),
            "ferry build failed: {}",
            String::from_utf8_lossy(&build.stderr)
        );
        let mut command = Command::new(&exe);
        command.args(self.options(dir.path()));
        outcome(command)
    }
}

fn outcome(mut command: Command) -> Outcome {
    let out = command
        .current_dir(root())
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .output()
        .unwrap();
    Outcome {
        exit: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

/// Quick retries for tests: the default first backoff step is half a second.
fn fast_retry() -> Value {
    json!({ "base_delay_seconds": 0.01, "max_delay_seconds": 2 })
}

fn dhis2_config(server: &Server) -> Value {
    json!({ "dhis2": {
        "hostUrl": server.base(),
        "username": "admin",
        "password": "district-pw",
        "retry": fast_retry(),
    } })
}

/// `METHOD /path?query` of each request, in order.
fn lines(requests: &[Recorded]) -> Vec<String> {
    requests
        .iter()
        .map(|r| match &r.raw_query {
            Some(q) => format!("{} {}?{q}", r.method, r.path),
            None => format!("{} {}", r.method, r.path),
        })
        .collect()
}

const OBJECT_REPORT: &str = r#"{
  "status": "OK",
  "bundleReport": { "typeReportMap": { "TRACKED_ENTITY": { "objectReports": [
    { "trackerType": "TRACKED_ENTITY", "uid": "Kj6vYde4LHh", "index": 0, "errorReports": [] }
  ] } } }
}"#;

fn object_report() -> Reply {
    Reply::json(200, serde_json::from_str(OBJECT_REPORT).unwrap())
}

fn registration(server: &Server) -> Job {
    Job::new("registration", dhis2_config(server))
        .input(json!({ "name": "Amina", "sex": "female" }))
}

// ---------------------------------------------------------------------------
// Auth, exact requests

#[test]
fn dhis2_create_sends_the_exact_request_with_basic_auth() {
    let server = Server::start();
    server.route("POST", "/api/tracker", vec![object_report()]);
    let run = registration(&server).run();
    assert_eq!(run.stderr, "log: created Kj6vYde4LHh\n");
    assert_eq!(run.stdout, "{\"uid\":\"Kj6vYde4LHh\"}\n");
    assert_eq!(run.exit, 0);

    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        ["POST /api/tracker?async=false&importStrategy=CREATE"]
    );
    let request = &requests[0];
    // base64("admin:district-pw")
    assert_eq!(
        request.header("authorization"),
        Some("Basic YWRtaW46ZGlzdHJpY3QtcHc=")
    );
    assert_eq!(request.header("content-type"), Some("application/json"));
    assert_eq!(
        request.json(),
        json!({ "trackedEntities": [{
            "trackedEntityType": "nEenWmSyUEp",
            "orgUnit": "DiszpKrYNg8",
            "attributes": [
                { "attribute": "w75KJ2mc4zz", "value": "Amina" },
                { "attribute": "cejWyOfXge6", "value": "F" },
            ],
        }] })
    );
}

/// `value: String?` given `null` is sent as `null` (DHIS2 deletes the stored
/// value); `storedBy?: String` given `null` is left out: in the JIT and built.
#[test]
fn dhis2_attributes_send_null_values_and_leave_absent_fields_out() {
    for built in [false, true] {
        let server = Server::start();
        server.route("POST", "/api/tracker", vec![object_report()]);
        let job = Job::new("attributes_absent_and_null", dhis2_config(&server))
            .input(json!({ "uid": "Kj6vYde4LHh", "name": "Amina", "phone": null }));
        let run = if built { job.run_built() } else { job.run() };
        assert_eq!(run.stderr, "", "built: {built}");
        assert_eq!(run.stdout, "{\"uid\":\"Kj6vYde4LHh\"}\n");
        assert_eq!(run.exit, 0);
        let requests = server.requests();
        assert_eq!(
            lines(&requests),
            ["POST /api/tracker?async=false&importStrategy=UPDATE"]
        );
        assert_eq!(
            requests[0].json(),
            json!({ "trackedEntities": [{
                "trackedEntity": "Kj6vYde4LHh",
                "trackedEntityType": "nEenWmSyUEp",
                "orgUnit": "DiszpKrYNg8",
                "attributes": [
                    { "attribute": "w75KJ2mc4zz", "value": "Amina" },
                    { "attribute": "P2cwLGskgxn", "value": null },
                    { "attribute": "cejWyOfXge6", "value": "F" },
                ],
            }] }),
            "built: {built}"
        );
    }
}

#[test]
fn a_built_executable_sends_the_same_request() {
    let server = Server::start();
    server.route("POST", "/api/tracker", vec![object_report()]);
    let run = registration(&server).run_built();
    assert_eq!(run.stderr, "log: created Kj6vYde4LHh\n");
    assert_eq!(run.stdout, "{\"uid\":\"Kj6vYde4LHh\"}\n");
    assert_eq!(run.exit, 0);
    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        ["POST /api/tracker?async=false&importStrategy=CREATE"]
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some("Basic YWRtaW46ZGlzdHJpY3QtcHc=")
    );
}

fn commcare_config(server: &Server) -> Value {
    json!({ "commcare": {
        "hostUrl": server.base(),
        "domain": "demo",
        "username": "amina@example.org",
        "apiKey": "cc-key-123",
        "retry": fast_retry(),
    } })
}

const FORMS: &str = "/a/demo/api/v0.5/form/";

/// One page of a CommCare v0.5 list: `limit` of `total` items from `offset`
/// (`item(i)` each), with the `next` link that `next(limit, offset)` writes
/// while more remain.
fn v05_page(
    request: &Recorded,
    total: usize,
    item: impl Fn(usize) -> Value,
    next: impl Fn(usize, usize) -> String,
) -> Reply {
    let query = |name: &str| {
        request
            .query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.parse::<usize>().unwrap())
    };
    let (offset, limit) = (query("offset").unwrap_or(0), query("limit").unwrap_or(20));
    let objects: Vec<Value> = (offset..(offset + limit).min(total)).map(item).collect();
    let next = (offset + limit < total).then(|| next(limit, offset + limit));
    Reply::json(
        200,
        json!({ "meta": { "limit": limit, "offset": offset, "total_count": total, "next": next, "previous": null },
                "objects": objects }),
    )
}

/// CommCare's form API: `limit` forms from `offset`, five in all, with a `next`
/// link (a path and query, as HQ sends it) while more remain.
fn commcare_forms(request: &Recorded) -> Reply {
    v05_page(
        request,
        5,
        |i| {
            json!({
                "id": format!("form-{i}"),
                "form": { "@name": "Registration", "@xmlns": "http://openrosa.org/formdesigner/REG" },
                "received_on": format!("2026-11-0{}T08:00:00.000000Z", i + 1),
            })
        },
        |limit, offset| {
            format!(
                "/a/demo/api/v0.5/form/?limit={limit}&offset={offset}&xmlns=http%3A%2F%2Fopenrosa.org%2Fformdesigner%2FREG"
            )
        },
    )
}

#[test]
fn commcare_list_follows_next_links_across_pages_with_header_auth() {
    let server = Server::start();
    server.route_fn("GET", "/a/demo/api/v0.5/form/", commcare_forms);
    let run = Job::new("forms", commcare_config(&server)).run();
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "[\"form-0\",\"form-1\",\"form-2\",\"form-3\",\"form-4\"]\n"
    );
    assert_eq!(run.exit, 0);

    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        [
            "GET /a/demo/api/v0.5/form/?xmlns=http%3A%2F%2Fopenrosa.org%2Fformdesigner%2FREG&limit=2",
            "GET /a/demo/api/v0.5/form/?limit=2&offset=2&xmlns=http%3A%2F%2Fopenrosa.org%2Fformdesigner%2FREG",
            "GET /a/demo/api/v0.5/form/?limit=2&offset=4&xmlns=http%3A%2F%2Fopenrosa.org%2Fformdesigner%2FREG",
        ]
    );
    for request in &requests {
        assert_eq!(
            request.header("authorization"),
            Some("ApiKey amina@example.org:cc-key-123")
        );
    }
}

fn bearer_config(server: &Server) -> Value {
    json!({ "bearer_api": { "baseUrl": server.base(), "token": "tok-secret-1", "retry": fast_retry() } })
}

#[test]
fn bearer_auth() {
    let server = Server::start();
    server.route(
        "GET",
        "/items",
        vec![Reply::json(200, json!([{ "id": 1 }, { "id": 2 }]))],
    );
    let run = Job::new("bearer", bearer_config(&server)).run();
    assert_eq!(
        (run.exit, run.stdout.as_str(), run.stderr.as_str()),
        (0, "[1,2]\n", "")
    );
    let requests = server.requests();
    assert_eq!(lines(&requests), ["GET /items"]);
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer tok-secret-1")
    );
}

#[test]
fn query_auth_adds_the_key_after_the_ops_query() {
    let server = Server::start();
    server.route(
        "GET",
        "/weather",
        vec![Reply::json(
            200,
            json!({ "place": "Kisumu", "temperature": 27.5 }),
        )],
    );
    let config = json!({ "query_api": { "baseUrl": server.base(), "key": "k-777" } });
    let run = Job::new("query", config).run();
    assert_eq!(
        (run.exit, run.stdout.as_str(), run.stderr.as_str()),
        (0, "\"Kisumu: 27.5\"\n", "")
    );
    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        ["GET /weather?q=Kisumu&days=3&api_key=k-777"]
    );
    assert_eq!(requests[0].header("authorization"), None);
}

#[test]
fn the_http_adaptor_sends_query_lists_headers_and_a_bearer_token() {
    let server = Server::start();
    server.route(
        "GET",
        "/api/users",
        vec![Reply::json(200, json!({ "users": ["a"] }))],
    );
    let config = json!({ "http": { "token": "http-tok-9" } });
    let run = Job::new("http_get", config)
        .input(json!({ "base": server.base() }))
        .run();
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "{\"status\":200,\"body\":{\"users\":[\"a\"]}}\n"
    );
    assert_eq!(run.exit, 0);
    let requests = server.requests();
    assert_eq!(lines(&requests), ["GET /api/users?page=2&tags=a&tags=b"]);
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer http-tok-9")
    );
    assert_eq!(requests[0].header("x-trace"), Some("t1"));
}

fn oauth_config(server: &Server) -> Value {
    json!({ "oauth_api": {
        "baseUrl": server.base(),
        "tokenUrl": server.url("/oauth/token"),
        "clientId": "ferry-client",
        "clientSecret": "s3cr3t-client",
        "retry": fast_retry(),
    } })
}

#[test]
fn oauth2_token_is_fetched_once_and_refreshed_after_a_401() {
    let server = Server::start();
    server.route(
        "POST",
        "/oauth/token",
        vec![
            Reply::json(
                200,
                json!({ "access_token": "token-1", "token_type": "Bearer", "expires_in": 3600 }),
            ),
            Reply::json(
                200,
                json!({ "access_token": "token-2", "token_type": "Bearer", "expires_in": 3600 }),
            ),
        ],
    );
    server.route(
        "GET",
        "/records/a",
        vec![Reply::json(200, json!({ "id": "a", "value": 1 }))],
    );
    server.route(
        "GET",
        "/records/b",
        vec![
            Reply::status(401),
            Reply::json(200, json!({ "id": "b", "value": 2 })),
        ],
    );
    let run = Job::new("oauth", oauth_config(&server)).run();
    assert_eq!(
        (run.exit, run.stdout.as_str(), run.stderr.as_str()),
        (0, "[1,2]\n", "")
    );

    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        [
            "POST /oauth/token",
            "GET /records/a",
            "GET /records/b",
            "POST /oauth/token",
            "GET /records/b"
        ]
    );
    let token_request = &requests[0];
    assert_eq!(
        token_request.form_field("grant_type").as_deref(),
        Some("client_credentials")
    );
    assert_eq!(token_request.form_field("scope").as_deref(), Some("read"));
    // The client's credentials go in HTTP Basic first (RFC 6749 §2.3.1).
    assert_eq!(
        token_request.header("authorization"),
        Some("Basic ZmVycnktY2xpZW50OnMzY3IzdC1jbGllbnQ=")
    );
    assert_eq!(token_request.form_field("client_secret"), None);
    let bearers: Vec<_> = requests[1..]
        .iter()
        .map(|r| r.header("authorization"))
        .collect();
    assert_eq!(
        bearers,
        [
            Some("Bearer token-1"),
            Some("Bearer token-1"),
            bearers[2],
            Some("Bearer token-2")
        ]
    );
}

// ---------------------------------------------------------------------------
// Retries

#[test]
fn a_get_is_retried_after_503() {
    let server = Server::start();
    server.route(
        "GET",
        "/items",
        vec![
            Reply::text(503, "text/plain", "busy"),
            Reply::json(200, json!([{ "id": 7 }])),
        ],
    );
    let run = Job::new("bearer", bearer_config(&server)).run();
    assert_eq!(
        (run.exit, run.stdout.as_str(), run.stderr.as_str()),
        (0, "[7]\n", "")
    );
    assert_eq!(lines(&server.requests()), ["GET /items", "GET /items"]);
}

#[test]
fn a_get_is_retried_after_429_when_retry_after_says() {
    let server = Server::start();
    server.route(
        "GET",
        "/items",
        vec![
            Reply::text(429, "text/plain", "slow down").header("retry-after", "1"),
            Reply::json(200, json!([{ "id": 8 }])),
        ],
    );
    let run = Job::new("bearer", bearer_config(&server)).run();
    assert_eq!(
        (run.exit, run.stdout.as_str(), run.stderr.as_str()),
        (0, "[8]\n", "")
    );
    let requests = server.requests();
    assert_eq!(lines(&requests), ["GET /items", "GET /items"]);
    // The backoff alone would have waited at most 10 ms.
    let waited = requests[1].at - requests[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 was not honoured: {waited:?}"
    );
}

#[test]
fn a_post_is_not_retried_after_500_and_the_error_can_be_caught() {
    let server = Server::start();
    server.route(
        "POST",
        "/submit",
        vec![Reply::text(500, "text/plain", "database down")],
    );
    let run = Job::new("http_post_caught", json!({}))
        .input(json!({ "base": server.base() }))
        .run();
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "{\"kind\":\"http\",\"status\":500,\"body\":\"database down\"}\n"
    );
    assert_eq!(run.exit, 0);
    let requests = server.requests();
    assert_eq!(lines(&requests), ["POST /submit"]);
    assert_eq!(requests[0].json(), json!({ "n": 1 }));
}

#[test]
fn a_post_is_not_retried_after_503_either() {
    let server = Server::start();
    server.route(
        "POST",
        "/echo",
        vec![Reply::status(503), Reply::json(200, json!({}))],
    );
    let run = Job::new("echo", bearer_config(&server)).run();
    assert_eq!(run.exit, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "error: bearer_api: POST {} answered 503 Service Unavailable (POST is not retried); the server failed: try again later or ask its administrators (at tests/fixtures/http/echo.ferry:2:8)\n",
            server.url("/echo")
        )
    );
    assert_eq!(lines(&server.requests()), ["POST /echo"]);
}

#[test]
fn a_post_the_adaptor_marks_idempotent_is_retried() {
    let server = Server::start();
    server.route(
        "POST",
        "/oauth/token",
        vec![Reply::json(
            200,
            json!({ "access_token": "t", "expires_in": 3600 }),
        )],
    );
    server.route(
        "POST",
        "/records",
        vec![Reply::status(502), Reply::json(201, json!({ "ok": true }))],
    );
    let run = Job::new("oauth_save", oauth_config(&server)).run();
    assert_eq!(
        (run.exit, run.stdout.as_str(), run.stderr.as_str()),
        (0, "{\"ok\":true}\n", "")
    );
    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        ["POST /oauth/token", "POST /records", "POST /records"]
    );
    assert_eq!(requests[1].json(), json!({ "id": "x", "value": 1 }));
    assert_eq!(requests[2].body, requests[1].body);
}

#[test]
fn a_server_that_hangs_is_cut_off_by_the_timeout() {
    let server = Server::start();
    server.route(
        "GET",
        "/items",
        vec![Reply::json(200, json!([])).delay(Duration::from_secs(10))],
    );
    let config = json!({ "bearer_api": {
        "baseUrl": server.base(),
        "token": "tok-secret-1",
        "retry": { "attempts": 2, "timeout_seconds": 0.3, "base_delay_seconds": 0.01 },
    } });
    let run = Job::new("bearer", config).run();
    assert_eq!(run.exit, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "error: bearer_api: GET {} timed out: no response within 300ms (after 2 attempts); raise the timeout or check the server (at tests/fixtures/http/bearer.ferry:2:8)\n",
            server.url("/items")
        )
    );
    assert_eq!(lines(&server.requests()), ["GET /items", "GET /items"]);
}

// ---------------------------------------------------------------------------
// Responses that do not fit

#[test]
fn a_response_that_is_not_json_is_reported() {
    let server = Server::start();
    server.route(
        "GET",
        "/items",
        vec![Reply::text(200, "text/html", "<html>Maintenance</html>")],
    );
    let run = Job::new("bearer", bearer_config(&server)).run();
    assert_eq!(run.exit, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: bearer_api.items: the response is not JSON: <html>Maintenance</html> (at tests/fixtures/http/bearer.ferry:2:8)\n"
    );
    assert_eq!(lines(&server.requests()), ["GET /items"]);
}

#[test]
fn a_response_of_the_wrong_type_is_reported_with_its_json_path() {
    let server = Server::start();
    server.route(
        "GET",
        "/items",
        vec![Reply::json(200, json!([{ "id": 1 }, { "id": "two" }]))],
    );
    let run = Job::new("bearer", bearer_config(&server)).run();
    assert_eq!(run.exit, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        "error: bearer_api.items: the response does not fit the op's type: $[1].id: expected Int, found \"two\" (at tests/fixtures/http/bearer.ferry:2:8)\n"
    );
}

#[test]
fn an_uncaught_http_error_fails_the_job_with_exit_1() {
    let server = Server::start();
    let run = Job::new("uncaught_http", json!({}))
        .input(json!({ "base": server.base() }))
        .run();
    assert_eq!(run.exit, 1);
    assert_eq!(run.stdout, "");
    assert_eq!(
        run.stderr,
        format!(
            "error: http: GET {} answered 404 Not Found: no such route in the test server; check the path and the base URL (at tests/fixtures/http/uncaught_http.ferry:3:9)\n",
            server.url("/missing")
        )
    );
}

// ---------------------------------------------------------------------------
// Secrets

#[test]
fn a_server_that_echoes_the_password_never_gets_it_printed() {
    let server = Server::start();
    // Echoes the Authorization header (the password in base64) and the password itself.
    server.route_fn("POST", "/api/tracker", |request| {
        let echo = format!(
            "rejected {} (password district-pw)",
            request.header("authorization").unwrap_or("")
        );
        Reply::text(409, "text/plain", &echo)
    });
    let run = registration(&server).run();
    assert_eq!(run.exit, 1);
    assert_eq!(run.stdout, "");
    for secret in ["district-pw", "YWRtaW46ZGlzdHJpY3QtcHc="] {
        assert!(
            !run.stderr.contains(secret),
            "{secret} leaked: {}",
            run.stderr
        );
    }
    assert_eq!(
        run.stderr,
        format!(
            "error: dhis2: POST {} answered 409 Conflict: rejected Basic *** (password ***); the request conflicts with the server's current state (at tests/fixtures/http/registration.ferry:4:15)\n",
            server.url("/api/tracker?async=false&importStrategy=CREATE")
        )
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn an_echoed_token_is_redacted_from_the_output() {
    let server = Server::start();
    server.route_fn("POST", "/echo", |request| {
        Reply::json(
            200,
            json!({ "you_sent": request.header("authorization"), "note": request.json()["note"] }),
        )
    });
    let run = Job::new("echo", bearer_config(&server)).run();
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "{\"you_sent\":\"Bearer ***\",\"note\":\"hello\"}\n"
    );
    assert_eq!(run.exit, 0);
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some("Bearer tok-secret-1")
    );
}

// ---------------------------------------------------------------------------
// Config

#[test]
fn a_bad_retry_setting_names_its_json_path() {
    let config = json!({ "bearer_api": { "baseUrl": "http://127.0.0.1:9", "token": "t", "retry": { "attempts": "six" } } });
    let run = Job::new("bearer", config).run();
    assert_eq!(run.exit, 2);
    assert_eq!(run.stdout, "");
    assert!(
        run.stderr.starts_with("error: invalid config in ")
            && run.stderr.ends_with(
                ": $.bearer_api.retry.attempts: expected a number of 0 or more, found a string\n"
            ),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------
// Dry run

/// The run as a snapshot, the test server's address replaced by `http://api.test`.
fn snapshot(run: &Outcome, server: &Server) -> String {
    format!(
        "exit: {}\n--- stdout\n{}--- stderr\n{}",
        run.exit, run.stdout, run.stderr
    )
    .replace(&server.base(), "http://api.test")
}

#[test]
fn dry_run_prints_each_request_sends_none_and_fails_where_an_answer_is_needed() {
    let server = Server::start();
    server.route("POST", "/api/tracker", vec![object_report()]);
    let run = registration(&server).arg("--dry-run").run();
    assert!(server.requests().is_empty(), "a dry run sent a request");
    insta::assert_snapshot!("dry_run_registration", snapshot(&run, &server));
}

#[test]
fn dry_run_of_a_built_executable_answers_from_recorded_responses() {
    let server = Server::start();
    server.route_fn("GET", FORMS, commcare_forms);
    // The answers the server would give, recorded.
    let page = |query: &str| {
        let request = Recorded {
            method: "GET".into(),
            path: FORMS.into(),
            raw_query: Some(query.into()),
            query: url::form_urlencoded::parse(query.as_bytes())
                .into_owned()
                .collect(),
            headers: Vec::new(),
            body: Vec::new(),
            at: std::time::Instant::now(),
        };
        let body: Value = serde_json::from_slice(&commcare_forms(&request).body).unwrap();
        json!({ "method": "GET", "url": format!("{FORMS}?{query}"), "body": body })
    };
    const XMLNS: &str = "xmlns=http%3A%2F%2Fopenrosa.org%2Fformdesigner%2FREG";
    let responses = json!([
        page(&format!("{XMLNS}&limit=2")),
        page(&format!("limit=2&offset=2&{XMLNS}")),
        page(&format!("limit=2&offset=4&{XMLNS}")),
    ]);
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), responses.to_string()).unwrap();
    let run = Job::new("forms", commcare_config(&server))
        .arg("--dry-run")
        .arg("--responses")
        .arg(file.path().display().to_string())
        .run_built();
    assert!(server.requests().is_empty(), "a dry run sent a request");
    insta::assert_snapshot!("dry_run_forms_built", snapshot(&run, &server));
}

// ---------------------------------------------------------------------------
// The examples, end to end

fn example(name: &str, config: Value) -> Job {
    let input =
        std::fs::read_to_string(root().join(format!("examples/{name}.input.json"))).unwrap();
    Job::at(format!("examples/{name}.ferry"), config).input(serde_json::from_str(&input).unwrap())
}

/// The example upserts with UIDs derived from the form's ID: the same request
/// for the same form, so a repeated run updates what the first one created.
#[test]
fn example_registration_upserts_one_tracked_entity_with_derived_uids() {
    let server = Server::start();
    let report = Reply::json(
        200,
        json!({
            "status": "OK",
            "stats": { "created": 3, "updated": 0, "deleted": 0, "ignored": 0, "total": 3 },
        }),
    );
    server.route("POST", "/api/tracker", vec![report.clone(), report]);
    for _ in 0..2 {
        let run = example("registration", dhis2_config(&server)).run();
        assert_eq!(run.stderr, "log: upserted tracked entity T3a9c1e527d: OK\n");
        assert_eq!(run.stdout, "{\"uid\":\"T3a9c1e527d\"}\n");
        assert_eq!(run.exit, 0);
    }
    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        ["POST /api/tracker?async=false&importStrategy=CREATE_AND_UPDATE&atomicMode=OBJECT&importMode=COMMIT";
            2]
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some("Basic YWRtaW46ZGlzdHJpY3QtcHc=")
    );
    assert_eq!(requests[0].body, requests[1].body);
    assert_eq!(
        requests[0].json(),
        json!({ "trackedEntities": [{
            "trackedEntity": "T3a9c1e527d",
            "trackedEntityType": "nEenWmSyUEp",
            "orgUnit": "DiszpKrYNg8",
            "attributes": [
                { "attribute": "w75KJ2mc4zz", "value": "Wanjiků Barasa" },
                { "attribute": "cejWyOfXge6", "value": "F" },
            ],
            "enrollments": [{
                "enrollment": "E3a9c1e527d",
                "program": "IpHINAT79UW",
                "orgUnit": "DiszpKrYNg8",
                "enrolledAt": "2024-03-17",
                "events": [{
                    "event": "V3a9c1e527d",
                    "programStage": "A03MvHHogjR",
                    "orgUnit": "DiszpKrYNg8",
                    "occurredAt": "2024-03-17",
                    "dataValues": [
                        { "dataElement": "UXz7xuGCEhU", "value": "61.5" },
                        { "dataElement": "bx6fsa0t90x", "value": "negative" },
                    ],
                }],
            }],
        }] })
    );
}

/// A registration form as CommCare's form API lists it.
fn registration_form(id: &str, case_id: &str, name: &str, sex: &str) -> Value {
    json!({
        "id": id,
        "received_on": "2024-03-17T09:41:58.284117Z",
        "indexed_on": "2024-03-17T09:42:03.774512Z",
        "form": {
            "@name": "Patient Registration",
            "@xmlns": "http://openrosa.org/formdesigner/5F1B7A2C-REG",
            "patient_name": name,
            "sex": sex,
            "village": "Bungoma",
            "visit": { "weight_kg": 61.5, "height_cm": 162, "hiv_status": "negative" },
            "case": { "@case_id": case_id },
        },
    })
}

#[test]
fn example_commcare_to_dhis2_batch_reads_every_page_and_upserts() {
    let server = Server::start();
    let forms = "/a/kenya-chw/api/v0.5/form/";
    let mut broken = registration_form("f-3", "c-3", "Baraka Otieno", "male");
    broken["form"]["sex"] = json!("unknown");
    server.route(
        "GET",
        forms,
        vec![
            Reply::json(200, json!({
                "meta": { "limit": 2, "offset": 0, "total_count": 3, "previous": null,
                          "next": "?limit=2&offset=2&order_by=indexed_on" },
                "objects": [
                    registration_form("0a1b2c3d-4e5f-6789-abcd-ef0123456789", "11112222-3333-4444-5555-666677778888", "Amina Wafula", "female"),
                    registration_form("f-2", "c2c2c2c2c2c2", "Peter Mwangi", "male"),
                ],
            })),
            Reply::json(200, json!({
                "meta": { "limit": 2, "offset": 2, "total_count": 3, "previous": null, "next": null },
                "objects": [broken],
            })),
        ],
    );
    server.route(
        "POST",
        "/api/tracker",
        vec![Reply::json(
            200,
            json!({
                "status": "OK",
                "stats": { "created": 0, "updated": 0, "deleted": 0, "ignored": 0, "total": 2 },
                "validationReport": { "errorReports": [] },
            }),
        )],
    );
    let mut config = dhis2_config(&server);
    config["commcare"] = json!({
        "hostUrl": server.base(), "domain": "kenya-chw",
        "username": "integration@example.org", "apiKey": "cc-key-123",
    });
    let run = example("commcare_to_dhis2_batch", config).run();
    assert_eq!(
        run.stderr,
        "log: reading registrations indexed since 2024-03-01T00:00:00+03:00\n\
         warn: form f-3 left out: $.form.sex: expected \"female\" | \"male\", found \"unknown\"\n\
         log: 3 forms, 2 registrations, 1 left out\n\
         log: batch 1: 0 created, 0 updated\n\
         log: validated: 0 created, 0 updated, 0 ignored, 0 rejected\n"
    );
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap(),
        json!({
            "since": "2024-03-01T00:00:00+03:00", "dry_run": true, "forms": 3, "registrations": 2,
            "created": 0, "updated": 0, "ignored": 0,
            "left_out": [{ "form": "f-3", "reason": "$.form.sex: expected \"female\" | \"male\", found \"unknown\"" }],
        })
    );
    assert_eq!(run.exit, 0);
    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        [
            format!("GET {forms}?xmlns=http%3A%2F%2Fopenrosa.org%2Fformdesigner%2F5F1B7A2C-REG&indexed_on_start=2024-03-01T00%3A00%3A00%2B03%3A00&order_by=indexed_on&limit=500"),
            format!("GET {forms}?limit=2&offset=2&order_by=indexed_on"),
            "POST /api/tracker?async=false&importStrategy=CREATE_AND_UPDATE&atomicMode=OBJECT&importMode=VALIDATE".to_string(),
        ]
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some("ApiKey integration@example.org:cc-key-123")
    );
    assert_eq!(
        requests[2].header("authorization"),
        Some("Basic YWRtaW46ZGlzdHJpY3QtcHc=")
    );
    let sent = requests[2].json();
    let uids: Vec<&str> = sent["trackedEntities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|te| te["trackedEntity"].as_str().unwrap())
        .collect();
    assert_eq!(uids, ["T1111222233", "Tc2c2c2c2c2"]);
    assert_eq!(
        sent["trackedEntities"][0]["enrollments"][0]["events"][0]["event"],
        json!("V0a1b2c3d4e")
    );
    assert_eq!(sent["trackedEntities"][1]["orgUnit"], json!("Rp268JB6Ne4"));
}

#[test]
fn example_csv_to_dhis2_data_values_sends_the_totals() {
    let server = Server::start();
    server.route(
        "POST",
        "/api/dataValueSets",
        vec![Reply::json(200, json!({
            "httpStatus": "OK", "httpStatusCode": 200, "status": "OK",
            "response": { "status": "SUCCESS", "importCount": { "imported": 4, "updated": 0, "ignored": 0, "deleted": 0 } },
        }))],
    );
    let run = example("csv_to_dhis2_data_values", dhis2_config(&server)).run();
    assert_eq!(run.exit, 0, "{}", run.stderr);
    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        ["POST /api/dataValueSets?importStrategy=CREATE_AND_UPDATE&dryRun=false"]
    );
    let values = &requests[0].json()["dataValues"];
    assert_eq!(requests[0].json()["dataSet"], json!("pBOMPrpg1QX"));
    let totals: Vec<String> = values
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{} {} {} {}",
                v["orgUnit"], v["period"], v["dataElement"], v["value"]
            )
            .replace('"', "")
        })
        .collect();
    assert_eq!(
        totals,
        [
            "DiszpKrYNg8 202403 eY5ehpbEsB7 1",
            "DiszpKrYNg8 202403 f7n9E0hX8qk 4",
            "Rp268JB6Ne4 202403 Ix2HsbDMLea 3",
            "Rp268JB6Ne4 202404 f7n9E0hX8qk 1",
        ]
    );
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["data_values"], json!(4));
    assert_eq!(
        output["dhis2"],
        json!({ "status": "SUCCESS", "imported": 4, "updated": 0, "ignored": 0, "conflicts": [] })
    );
}

#[test]
fn example_rest_to_mapping_reports_users_when_the_todo_endpoint_fails() {
    let server = Server::start();
    server.route(
        "GET",
        "/users",
        vec![Reply::json(200, json!([
            { "id": 1, "name": "Leanne Graham", "username": "Bret", "email": "Sincere@april.biz",
              "phone": "1-770-736-8031 x56442", "website": "hildegard.org",
              "address": { "street": "Kulas Light", "city": "Gwenborough", "geo": { "lat": "-37.3159", "lng": "81.1496" } },
              "company": { "name": "Romaguera-Crona" } },
        ]))],
    );
    server.route(
        "GET",
        "/todos",
        vec![Reply::text(503, "text/plain", "down for maintenance")],
    );
    let config = json!({ "http": { "token": "rest-token-5", "retry": { "attempts": 2, "base_delay_seconds": 0.01 } } });
    let mut job = example("rest_to_mapping", config);
    job.input.as_mut().unwrap()["api"] = json!(server.base());
    let run = job.run();
    assert_eq!(
        run.stderr,
        "warn: no to-dos (the API answered 503); reporting the users without them\n\
         log: 1 of 1 users, 0 open to-dos, 1 cities\n"
    );
    assert_eq!(run.exit, 0);
    let output: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(output["todos_note"], json!("the API answered 503"));
    assert_eq!(output["busiest"][0]["handle"], json!("@bret"));
    assert_eq!(output["busiest"][0]["phone"], json!("1-770-736-8031"));
    assert_eq!(
        output["busiest"][0]["location"],
        json!({ "lat": -37.3159, "lng": 81.1496 })
    );
    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        [
            "GET /users",
            "GET /todos?completed=false",
            "GET /todos?completed=false"
        ]
    );
    for request in &requests {
        assert_eq!(request.header("authorization"), Some("Bearer rest-token-5"));
    }
}

#[test]
fn the_http_adaptor_sends_forms_text_deletes_heads_and_honours_timeout() {
    let server = Server::start();
    server.route(
        "PUT",
        "/people/1",
        vec![Reply::json(200, json!({ "saved": true }))],
    );
    server.route(
        "PATCH",
        "/notes/1",
        vec![Reply::text(200, "text/plain", "noted")],
    );
    server.route(
        "DELETE",
        "/people/1",
        vec![Reply::status(204).header("x-deleted", "1")],
    );
    server.route("HEAD", "/people/1", vec![Reply::status(200)]);
    server.route(
        "GET",
        "/slow",
        vec![Reply::json(200, json!({})).delay(Duration::from_secs(3))],
    );
    let config = json!({ "http": { "password": "pw-42", "retry": { "attempts": 1 } } });
    let run = Job::new("http_methods", config)
        .input(json!({ "base": server.base() }))
        .run();
    assert_eq!(run.stderr, "");
    assert_eq!(
        serde_json::from_str::<Value>(&run.stdout).unwrap(),
        json!({
            "form": { "saved": true },
            "text": "noted",
            "gone": [204, "1"],
            "head": [200, null],
            "slow": "http: GET BASE/slow timed out: no response within 1s; raise the timeout or check the server",
        })
    );
    assert_eq!(run.exit, 0);
    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        [
            "PUT /people/1",
            "PATCH /notes/1",
            "DELETE /people/1?hard=true",
            "HEAD /people/1",
            "GET /slow"
        ]
    );
    assert_eq!(
        requests[0].header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(requests[0].text(), "name=Amina+Wafula&tags=a&tags=b");
    assert_eq!(
        requests[1].header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert_eq!(requests[1].text(), "line one\nline two");
    // base64("amina:pw-42")
    assert_eq!(
        requests[1].header("authorization"),
        Some("Basic YW1pbmE6cHctNDI=")
    );
    assert_eq!(requests[2].body, b"");
}

// ---------------------------------------------------------------------------
// Failures keep their details

/// A DHIS2 409 for `n` rejected tracked entities: several kilobytes, far past
/// the one-line message.
fn rejected_import(uids: &[String]) -> Value {
    let reports: Vec<Value> = uids
        .iter()
        .enumerate()
        .map(|(i, uid)| {
            let code = if i % 2 == 0 { "E1000" } else { "E1064" };
            json!({
                "message": format!("User: `admin`, has no write access to OrganisationUnit: `DiszpKrYNg8` (tracked entity {uid}, number {i} of the payload)."),
                "errorCode": code,
                "trackerType": "TRACKED_ENTITY",
                "uid": uid,
                "args": ["admin", "DiszpKrYNg8"],
            })
        })
        .collect();
    json!({
        "status": "ERROR",
        "validationReport": { "errorReports": reports, "warningReports": [] },
        "stats": { "created": 0, "updated": 0, "deleted": 0, "ignored": uids.len(), "total": uids.len() },
    })
}

#[test]
fn a_long_409_import_report_is_kept_whole_in_err_body() {
    let server = Server::start();
    let uids: Vec<String> = (0..40).map(|i| format!("Te{i:09}")).collect();
    let report = rejected_import(&uids);
    assert!(report.to_string().len() > 8_000);
    server.route("POST", "/api/tracker", vec![Reply::json(409, report)]);
    let run = Job::new("import_report_caught", dhis2_config(&server))
        .input(json!({ "uids": uids }))
        .run();
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "{\"status\":409,\"errors\":40,\"codes\":[\"E1000\",\"E1064\"],\"last\":\"Te000000039\"}\n"
    );
    assert_eq!(run.exit, 0);
    assert_eq!(
        lines(&server.requests()),
        [
            "POST /api/tracker?async=false&importStrategy=CREATE_AND_UPDATE&atomicMode=OBJECT&importMode=COMMIT"
        ]
    );
}

#[test]
fn an_uncaught_409_lists_the_import_reports_error_codes() {
    let server = Server::start();
    let uids: Vec<String> = (0..40).map(|i| format!("Te{i:09}")).collect();
    let report = rejected_import(&uids);
    assert!(report.to_string().len() > 8_000);
    server.route("POST", "/api/tracker", vec![Reply::json(409, report)]);
    let job =
        Job::new("import_report_uncaught", dhis2_config(&server)).input(json!({ "uids": uids }));
    let detail = |i: usize| {
        let code = if i.is_multiple_of(2) {
            "E1000"
        } else {
            "E1064"
        };
        format!(
            "  {code}: User: `admin`, has no write access to OrganisationUnit: `DiszpKrYNg8` (tracked entity Te{i:09}, number {i} of the payload).\n"
        )
    };
    let expected = format!(
        "error: dhis2: POST {} answered 409 Conflict; the request conflicts with the server's current state (at tests/fixtures/http/import_report_uncaught.ferry:10:14)\n{}  and 35 more\n",
        server.url("/api/tracker?async=false&importStrategy=CREATE_AND_UPDATE&atomicMode=OBJECT&importMode=COMMIT"),
        (0..5).map(detail).collect::<String>(),
    );
    for built in [false, true] {
        let run = if built { job.run_built() } else { job.run() };
        assert_eq!(run.stderr, expected, "built: {built}");
        assert_eq!((run.exit, run.stdout.as_str()), (1, ""), "built: {built}");
    }
    // 409 without the lock message is not retried.
    assert_eq!(server.requests().len(), 2, "one request per run");
}

#[test]
fn an_uncaught_fhir_422_lists_the_operation_outcomes_diagnostics() {
    let server = Server::start();
    let issue = |i: usize| {
        json!({
            "severity": "error",
            "code": if i == 0 { "required" } else { "value" },
            "diagnostics": format!("Patient.identifier[{i}].system: the value is not an absolute URI"),
            "expression": [format!("Patient.identifier[{i}].system")],
        })
    };
    let mut issues: Vec<Value> = (0..7).map(issue).collect();
    // An issue with neither code nor diagnostics says nothing and is left out.
    issues.insert(3, json!({ "severity": "information" }));
    server.route(
        "PUT",
        "/Patient/p1",
        vec![Reply::json(
            422,
            json!({ "resourceType": "OperationOutcome", "issue": issues }),
        )],
    );
    let run = fhir_patient(&server, json!({ "id": "p1", "family": "Okafor" })).run();
    let detail = |i: usize| {
        let code = if i == 0 { "required" } else { "value" };
        format!(
            "  {code} (Patient.identifier[{i}].system): Patient.identifier[{i}].system: the value is not an absolute URI\n"
        )
    };
    assert_eq!(
        run.stderr,
        format!(
            "error: fhir: PUT {} answered 422 Unprocessable Entity; the server rejected the request: check the data sent (at tests/fixtures/http/fhir_patient.ferry:15:8)\n{}  and 2 more\n",
            server.url("/Patient/p1"),
            (0..5).map(detail).collect::<String>(),
        )
    );
    assert_eq!((run.exit, run.stdout.as_str()), (1, ""));
    assert_eq!(lines(&server.requests()), ["PUT /Patient/p1"]);
}

#[test]
fn details_are_redacted_as_everywhere() {
    let server = Server::start();
    server.route(
        "POST",
        "/api/tracker",
        vec![Reply::json(
            409,
            json!({ "status": "ERROR", "validationReport": { "errorReports": [
                { "errorCode": "E1000", "message": "User admin with password district-pw has no access", "trackerType": "TRACKED_ENTITY" },
            ] } }),
        )],
    );
    let run = Job::new("import_report_uncaught", dhis2_config(&server))
        .input(json!({ "uids": ["Te1"] }))
        .run();
    assert!(!run.stderr.contains("district-pw"), "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with(")\n  E1000: User admin with password *** has no access\n"),
        "{}",
        run.stderr
    );
}

/// CommCare's case API v0.5: three patient cases, `limit` from `offset`, with a
/// `next` link while more remain; built-in fields among `properties`.
fn commcare_cases_v05(request: &Recorded) -> Reply {
    v05_page(
        request,
        3,
        |i| {
            let name = if i == 1 {
                Value::Null
            } else {
                json!(format!("Patient {i}"))
            };
            json!({
                "case_id": format!("case-{i}"),
                "closed": false,
                "date_closed": null,
                "date_modified": "2026-11-02T08:00:00.000000Z",
                "domain": "demo",
                "id": format!("case-{i}"),
                "indices": { "parent": { "case_id": "household-7", "case_type": "household" } },
                "properties": { "case_name": name, "case_type": "patient", "owner_id": "u1", "dob": "1990-01-01" },
                "resource_uri": "",
                "server_date_modified": "2026-11-02T08:00:01.000000Z",
                "server_date_opened": "2026-11-01T08:00:01.000000Z",
                "user_id": "u1",
                "xform_ids": ["f1"],
            })
        },
        |limit, offset| format!("?limit={limit}&offset={offset}&type=patient&closed=false"),
    )
}

#[test]
fn commcare_case_list_v05_follows_next_links_and_reads_properties() {
    let server = Server::start();
    server.route_fn("GET", "/a/demo/api/v0.5/case/", commcare_cases_v05);
    let run = Job::new("cases_v05", commcare_config(&server)).run();
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "[{\"id\":\"case-0\",\"name\":\"Patient 0\",\"parent\":\"household-7\"},{\"id\":\"case-1\",\"name\":null,\"parent\":\"household-7\"},{\"id\":\"case-2\",\"name\":\"Patient 2\",\"parent\":\"household-7\"}]\n"
    );
    assert_eq!(run.exit, 0);
    assert_eq!(
        lines(&server.requests()),
        [
            "GET /a/demo/api/v0.5/case/?type=patient&closed=false&limit=2",
            "GET /a/demo/api/v0.5/case/?limit=2&offset=2&type=patient&closed=false",
        ]
    );
}

// ---------------------------------------------------------------------------
// Absent and null in request bodies (docs/language.md, "Absent and null")

fn fhir_patient(server: &Server, input: Value) -> Job {
    Job::new(
        "fhir_patient",
        json!({ "fhir": { "baseUrl": server.base() } }),
    )
    .input(input)
}

/// The exact bytes of the PUT bodies a FHIR-shaped server received, from the JIT
/// and from a built executable.
fn fhir_bodies(input: Value) -> Vec<String> {
    let mut bodies = Vec::new();
    for built in [false, true] {
        let server = Server::start();
        server.route(
            "PUT",
            "/Patient/p1",
            vec![Reply::json(200, json!({ "ok": true }))],
        );
        let job = fhir_patient(&server, input.clone());
        let run = if built { job.run_built() } else { job.run() };
        assert_eq!((run.exit, run.stderr.as_str()), (0, ""), "built: {built}");
        assert_eq!(run.stdout, "{\"ok\":true}\n");
        let requests = server.requests();
        assert_eq!(lines(&requests), ["PUT /Patient/p1"]);
        bodies.push(requests[0].text());
    }
    bodies
}

#[test]
fn a_fhir_resource_leaves_out_fields_without_a_value() {
    let bodies = fhir_bodies(json!({
        "id": "p1", "family": null, "given": null, "sex": null, "dob": null, "died": null
    }));
    let expected =
        r#"{"resourceType":"Patient","id":"p1","identifier":[{"value":"p1"}],"name":[{}]}"#;
    assert_eq!(bodies, [expected, expected]);
}

#[test]
fn a_fhir_resource_sends_the_fields_that_have_a_value() {
    let bodies = fhir_bodies(json!({
        "id": "p1", "family": "Otieno", "given": "Amina", "sex": "F", "dob": "1990-05-04", "died": false
    }));
    let expected = concat!(
        r#"{"resourceType":"Patient","id":"p1","identifier":[{"value":"p1"}],"#,
        r#""name":[{"family":"Otieno","given":["Amina"]}],"gender":"female","#,
        r#""birthDate":"1990-05-04","deceasedBoolean":false}"#
    );
    assert_eq!(bodies, [expected, expected]);
}

// ---------------------------------------------------------------------------
// Paging by parameters: `paged page`, `paged offset`, `paged cursor`

/// A query parameter of a request, as a number (absent: `default`).
fn query_number(request: &Recorded, name: &str, default: usize) -> usize {
    request
        .query
        .iter()
        .find(|(k, _)| k == name)
        .map_or(default, |(_, v)| v.parse().unwrap())
}

/// Five items, `{ "id": 1 }` to `{ "id": 5 }`, from `from` (0-based), at most `n`.
fn items_from(from: usize, n: usize) -> Vec<Value> {
    (from..(from + n).min(5))
        .map(|i| json!({ "id": i + 1 }))
        .collect()
}

fn paged_server() -> Server {
    let server = Server::start();
    server.route_fn("GET", "/by-page", |r| {
        let (page, size) = (query_number(r, "page", 1), query_number(r, "per_page", 0));
        Reply::json(
            200,
            json!({ "items": items_from((page - 1) * size, size), "total": 5 }),
        )
    });
    server.route_fn("GET", "/by-offset", |r| {
        let (offset, limit) = (query_number(r, "offset", 0), query_number(r, "limit", 0));
        Reply::json(200, json!({ "results": items_from(offset, limit) }))
    });
    server.route_fn("GET", "/by-cursor", |r| {
        // The cursor `cN` is the position after the page that gave it.
        let after = r
            .query
            .iter()
            .find(|(k, _)| k == "after")
            .map_or(0, |(_, v)| v[1..].parse().unwrap());
        let limit = query_number(r, "limit", 0);
        let next = (after + limit < 5).then(|| format!("c{}", after + limit));
        Reply::json(
            200,
            json!({ "data": items_from(after, limit), "meta": { "next_cursor": next } }),
        )
    });
    server
}

#[test]
fn paged_ops_move_a_page_offset_or_cursor_parameter_until_the_last_page() {
    let server = paged_server();
    let config = json!({ "paged_api": { "baseUrl": server.base() } });
    let run = Job::new("paged", config).run();
    assert_eq!(run.stderr, "");
    assert_eq!(
        run.stdout,
        "{\"by_page\":[1,2,3,4,5],\"by_offset\":[1,2,3,4,5],\"by_cursor\":[1,2,3,4,5]}\n"
    );
    assert_eq!(run.exit, 0);
    let requests = server.requests();
    assert_eq!(
        lines(&requests),
        [
            // `total` (5) is reached on the third page: no fourth request.
            "GET /by-page?per_page=2",
            "GET /by-page?per_page=2&page=2",
            "GET /by-page?per_page=2&page=3",
            // The offset moves by the items each page gave; the empty page ends it.
            "GET /by-offset?offset=0&limit=3",
            "GET /by-offset?offset=3&limit=3",
            "GET /by-offset?offset=5&limit=3",
            // The last page gives no cursor.
            "GET /by-cursor?limit=2",
            "GET /by-cursor?limit=2&after=c2",
            "GET /by-cursor?limit=2&after=c4",
        ]
    );
    // Every page is the op's request again: its headers too.
    for request in requests.iter().filter(|r| r.path == "/by-offset") {
        assert_eq!(request.header("x-tenant"), Some("t1"));
    }
}

#[test]
fn a_page_of_the_wrong_type_is_reported_with_its_json_path() {
    let server = Server::start();
    server.route_fn("GET", "/by-cursor", |r| {
        let body = match r.query.iter().any(|(k, _)| k == "after") {
            false => json!({ "data": [{ "id": 1 }], "meta": { "next_cursor": "c1" } }),
            true => json!({ "data": [{ "id": "two" }], "meta": {} }),
        };
        Reply::json(200, body)
    });
    let config = json!({ "paged_api": { "baseUrl": server.base() } });
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.ferry");
    std::fs::write(&job, "use paged_api\noutput paged_api.by_cursor()\n").unwrap();
    let run = Job::at(job.display().to_string(), config).run();
    assert_eq!(run.stdout, "");
    assert_eq!(run.exit, 1);
    // The second page's item is the joined list's second: `$[1]`.
    assert_eq!(
        run.stderr,
        format!(
            "error: paged_api.by_cursor: the response does not fit the op's type: $[1].id: expected Int, found \"two\" (at {}:2:8)\n",
            job.display()
        )
    );
    assert_eq!(server.requests().len(), 2);
}
