//! Triggers with real compiled jobs: `ferry serve` (and a built job's `serve`)
//! processes on real sockets, webhooks posted to them, and the jobs' DHIS2 calls
//! received by a recording server on 127.0.0.1. Waits are generous and never
//! timing assertions.

#[path = "../runtime/tests/serve_support/postgres.rs"]
mod postgres;
#[path = "../runtime/tests/support/mod.rs"]
mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Reply, Server};

const PATIENCE: Duration = Duration::from_secs(60);
const KEY: &str = "hook-key-123";
/// The operator token every test process gets (FERRY_ADMIN_TOKEN), unless a test
/// removes it.
const OPERATOR_TOKEN: &str = "operator-token-for-tests";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A DHIS2 tracker endpoint that answers each registration with a UID.
fn dhis2() -> Server {
    let server = Server::start();
    server.route("POST", "/api/tracker", vec![created()]);
    server
}

fn created() -> Reply {
    Reply::json(
        200,
        json!({ "status": "OK", "bundleReport": { "typeReportMap": { "TRACKED_ENTITY": {
            "objectReports": [{ "trackerType": "TRACKED_ENTITY", "uid": "Kj6vYde4LHh" }] } } } }),
    )
}

/// The config of the test jobs: DHIS2 at `server`, the webhook's key.
fn write_config(dir: &Path, server: &Server) -> PathBuf {
    let path = dir.join("config.json");
    let config = json!({
        "dhis2": { "hostUrl": server.base(), "username": "admin", "password": "district-pw",
                   "retry": { "attempts": 1 } },
        "trigger": { "key": KEY },
    });
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

/// A `serve` process, killed when dropped.
struct Serve {
    child: Child,
    base: String,
    log: PathBuf,
}

impl Serve {
    /// `ferry serve JOBS... ARGS --listen 127.0.0.1:PORT`, once it answers `/healthz`.
    fn ferry(jobs: &[&str], args: &[&str], dir: &Path) -> Serve {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
        command.arg("serve").args(jobs);
        Serve::start(command, args, dir)
    }

    /// [`Serve::ferry`] without the tests' operator token (`FERRY_ADMIN_TOKEN` unset).
    fn ferry_without_token(jobs: &[&str], args: &[&str], dir: &Path) -> Serve {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
        command
            .arg("serve")
            .args(jobs)
            .env_remove("FERRY_ADMIN_TOKEN");
        Serve::start(command, args, dir)
    }

    /// The operator token this process printed at its start, if it printed one.
    fn printed_token(&self) -> Option<String> {
        let prefix = format!("operator API: {}/runs?token=", self.base);
        self.logs()
            .lines()
            .find_map(|l| l.strip_prefix(&prefix).map(str::to_string))
    }

    /// The status of `GET path` with these headers, and its body.
    fn get(&self, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
        let mut request = client().get(self.url(path));
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().unwrap();
        (response.status().as_u16(), response.text().unwrap())
    }

    /// `EXE serve ARGS --listen 127.0.0.1:PORT` for a built job.
    fn built(exe: &Path, args: &[&str], dir: &Path) -> Serve {
        let mut command = Command::new(exe);
        command.arg("serve");
        Serve::start(command, args, dir)
    }

    fn start(mut command: Command, args: &[&str], dir: &Path) -> Serve {
        if !command.get_envs().any(|(k, _)| k == "FERRY_ADMIN_TOKEN") {
            command.env("FERRY_ADMIN_TOKEN", OPERATOR_TOKEN);
        }
        let port = postgres::free_port();
        let log = dir.join(format!("serve-{port}.log"));
        let child = command
            .args(args)
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--log-format",
                "json",
            ])
            .current_dir(root())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut serve = Serve {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let started = Instant::now();
        loop {
            if let Ok(r) = client().get(serve.url("/healthz")).send()
                && r.status() == 200
            {
                return serve;
            }
            if let Ok(Some(status)) = serve.child.try_wait() {
                panic!("serve exited ({status}):\n{}", serve.logs());
            }
            assert!(
                started.elapsed() < PATIENCE,
                "serve did not start:\n{}",
                serve.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `kill -9`: no chance to clean up.
    fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Posts a webhook body with headers; answers the status and the JSON body.
    fn post(&self, path: &str, body: &str, headers: &[(&str, &str)]) -> (u16, Value) {
        let mut request = client().post(self.url(path)).body(body.to_string());
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        (
            status,
            serde_json::from_slice(&response.bytes().unwrap()).unwrap_or(Value::Null),
        )
    }

    /// `GET /runs?query`.
    fn runs(&self, query: &str) -> Vec<Value> {
        let response = client()
            .get(self.url(&format!("/runs?{query}")))
            .bearer_auth(OPERATOR_TOKEN)
            .send()
            .unwrap();
        let body: Value = serde_json::from_slice(&response.bytes().unwrap()).unwrap();
        body["runs"].as_array().cloned().unwrap_or_default()
    }

    /// Waits until `/runs?query` lists `n` runs, and answers them.
    fn wait_runs(&self, query: &str, n: usize) -> Vec<Value> {
        wait_for(&format!("{n} runs for {query}"), || {
            let runs = self.runs(query);
            (runs.len() >= n).then_some(runs)
        })
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        self.kill9();
    }
}

fn client() -> reqwest::blocking::Client {
    // The runtime builds reqwest without a default TLS provider.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(started.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(25));
    }
}

fn state_args<'a>(dir: &'a Path, config: &'a Path) -> Vec<String> {
    vec![
        "--state".into(),
        dir.join("state").display().to_string(),
        "--config".into(),
        config.display().to_string(),
    ]
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

const REGISTRATION: &str = "tests/fixtures/serve/registration.ferry";

fn registration_body(name: &str) -> String {
    json!({ "name": name, "sex": "female" }).to_string()
}

/// The `name` attribute of each registration DHIS2 received.
fn names(server: &Server) -> Vec<String> {
    server
        .requests_to("/api/tracker")
        .iter()
        .map(|r| {
            r.json()["trackedEntities"][0]["attributes"][0]["value"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn a_webhook_runs_its_job_whose_request_reaches_dhis2() {
    let dir = tempfile::tempdir().unwrap();
    let server = dhis2();
    let config = write_config(dir.path(), &server);
    let serve = Serve::ferry(
        &[REGISTRATION],
        &strs(&state_args(dir.path(), &config)),
        dir.path(),
    );

    let (status, body) = serve.post(
        "/hooks/registration",
        &registration_body("Amina"),
        &[("X-Api-Key", KEY), ("X-Source", "commcare")],
    );
    assert_eq!(status, 202, "{body}");
    let event_id = body["event_id"].as_str().unwrap().to_string();
    assert!(event_id.starts_with("evt_"), "{event_id}");

    let runs = serve.wait_runs("job=registration&status=succeeded", 1);
    assert_eq!(runs[0]["event_id"], json!(event_id));
    assert_eq!(runs[0]["attempts"], json!(1));
    assert_eq!(
        runs[0]["output"],
        json!({ "uid": "Kj6vYde4LHh", "source": "commcare" })
    );
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].raw_query.as_deref(),
        Some("async=false&importStrategy=CREATE")
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some("Basic YWRtaW46ZGlzdHJpY3QtcHc=")
    );
    assert_eq!(names(&server), ["Amina"]);
    // The job's log line is in serve's log, and no secret is.
    let logs = serve.logs();
    assert!(logs.contains("created Kj6vYde4LHh for Amina"), "{logs}");
    for secret in ["district-pw", KEY] {
        assert!(!logs.contains(secret), "{secret} in the log:\n{logs}");
    }
}

#[test]
fn a_missing_or_wrong_key_is_401_and_a_bad_body_400_and_nothing_is_stored() {
    let dir = tempfile::tempdir().unwrap();
    let server = dhis2();
    let config = write_config(dir.path(), &server);
    let serve = Serve::ferry(
        &[REGISTRATION],
        &strs(&state_args(dir.path(), &config)),
        dir.path(),
    );
    let body = registration_body("Amina");

    let unauthorized = json!({ "error": "unauthorized" });
    assert_eq!(
        serve.post("/hooks/registration", &body, &[]),
        (401, unauthorized.clone())
    );
    assert_eq!(
        serve.post("/hooks/registration", &body, &[("X-Api-Key", "wrong")]),
        (401, unauthorized)
    );
    assert_eq!(
        serve.post(
            "/hooks/registration",
            r#"{"name": "Amina", "sex": "f"}"#,
            &[("X-Api-Key", KEY)]
        ),
        (
            400,
            json!({ "error": "$.sex: expected \"female\" | \"male\", found \"f\"" })
        )
    );
    assert_eq!(
        serve
            .post("/hooks/registration", "{not json", &[("X-Api-Key", KEY)])
            .0,
        400
    );
    assert_eq!(serve.runs(""), Vec::<Value>::new());
    assert!(server.requests().is_empty());
}

#[test]
fn after_kill_9_between_accept_and_the_end_of_the_run_the_event_runs_once_more() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start();
    // The first registration hangs until serve is killed; the next one answers.
    server.route(
        "POST",
        "/api/tracker",
        vec![created().delay(Duration::from_secs(30)), created()],
    );
    let config = write_config(dir.path(), &server);
    let args = state_args(dir.path(), &config);
    let mut serve = Serve::ferry(&[REGISTRATION], &strs(&args), dir.path());
    let (status, body) = serve.post(
        "/hooks/registration",
        &registration_body("Amina"),
        &[("X-Api-Key", KEY)],
    );
    assert_eq!(status, 202);
    wait_for("the job's request", || {
        (server.requests().len() == 1).then_some(())
    });
    serve.kill9();

    let serve = Serve::ferry(&[REGISTRATION], &strs(&args), dir.path());
    let runs = serve.wait_runs("status=succeeded", 1);
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0]["event_id"], body["event_id"]);
    assert_eq!(names(&server), ["Amina", "Amina"]);
}

#[test]
fn a_repeated_idempotency_key_runs_once() {
    let dir = tempfile::tempdir().unwrap();
    let server = dhis2();
    let config = write_config(dir.path(), &server);
    let mut args = state_args(dir.path(), &config);
    args.extend(["--workers".to_string(), "1".to_string()]);
    let serve = Serve::ferry(&[REGISTRATION], &strs(&args), dir.path());

    let headers = [("X-Api-Key", KEY), ("Idempotency-Key", "form-3a9c1e52")];
    let first = serve.post("/hooks/registration", &registration_body("Amina"), &headers);
    let again = serve.post("/hooks/registration", &registration_body("Amina"), &headers);
    assert_eq!(first.0, 202);
    assert_eq!(again, first);
    // A later event, run after the first by the single worker: when it is done,
    // a second run of the first would have been done too.
    let other = serve.post(
        "/hooks/registration",
        &registration_body("Baraka"),
        &[("X-Api-Key", KEY)],
    );
    assert_eq!(other.0, 202);
    serve.wait_runs("status=succeeded", 2);
    assert_eq!(names(&server), ["Amina", "Baraka"]);
    assert_eq!(serve.runs("").len(), 2);
}

#[test]
fn a_failing_job_is_retried_then_dead_lettered_and_shown_in_runs() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start();
    server.route(
        "POST",
        "/api/tracker",
        vec![Reply::text(500, "text/plain", "database down")],
    );
    let config = write_config(dir.path(), &server);
    let mut args = state_args(dir.path(), &config);
    args.extend(["--attempts", "3", "--retry-delay", "50ms"].map(String::from));
    let serve = Serve::ferry(&[REGISTRATION], &strs(&args), dir.path());

    let (status, body) = serve.post(
        "/hooks/registration",
        &registration_body("Amina"),
        &[("X-Api-Key", KEY)],
    );
    assert_eq!(status, 202);
    let runs = serve.wait_runs("job=registration&status=dead", 1);
    assert_eq!(runs[0]["event_id"], body["event_id"]);
    assert_eq!(runs[0]["attempts"], json!(3));
    assert_eq!(runs[0]["output"], Value::Null);
    assert_eq!(
        runs[0]["error"],
        json!(format!(
            "dhis2: POST {} answered 500 Internal Server Error: database down (POST is not retried); the server failed: try again later or ask its administrators (at {REGISTRATION}:8:15)",
            server.url("/api/tracker?async=false&importStrategy=CREATE")
        ))
    );
    // One request per attempt: the job's POST is never repeated within a run.
    assert_eq!(names(&server), ["Amina", "Amina", "Amina"]);
}

/// `GET /runs/{id}` with the operator token.
fn run_detail(serve: &Serve, id: &Value) -> Value {
    let (status, body) = serve.get(
        &format!("/runs/{id}"),
        &[("authorization", &format!("Bearer {OPERATOR_TOKEN}"))],
    );
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).unwrap()
}

#[test]
fn a_409_the_adaptor_marks_retryable_is_run_again_and_succeeds_on_its_second_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start();
    let locked = json!({ "httpStatusCode": 409, "status": "ERROR",
                         "message": "Could not acquire lock for the import, another one is running" });
    server.route(
        "POST",
        "/api/tracker",
        vec![Reply::json(409, locked), created()],
    );
    // The config sets `"retry": { "attempts": 1 }`: the HTTP layer sends once,
    // and serve decides about another attempt.
    let config = write_config(dir.path(), &server);
    let mut args = state_args(dir.path(), &config);
    args.extend(["--attempts", "3", "--retry-delay", "50ms"].map(String::from));
    let serve = Serve::ferry(&[REGISTRATION], &strs(&args), dir.path());
    let (status, _) = serve.post(
        "/hooks/registration",
        &registration_body("Amina"),
        &[("X-Api-Key", KEY)],
    );
    assert_eq!(status, 202);
    let runs = serve.wait_runs("job=registration&status=succeeded", 1);
    assert_eq!(runs[0]["attempts"], json!(2));
    assert_eq!(runs[0]["output"]["uid"], json!("Kj6vYde4LHh"));
    let detail = run_detail(&serve, &runs[0]["id"]);
    let attempts: Vec<(Value, Value)> = detail["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["attempt"].clone(), a["failure"].clone()))
        .collect();
    assert_eq!(
        attempts,
        [(json!(1), json!("transient")), (json!(2), Value::Null)]
    );
    assert_eq!(
        detail["attempts"][0]["error"],
        json!(format!(
            "dhis2: POST {} answered 409 Conflict: Could not acquire lock for the import, another one is running; the request conflicts with the server's current state (at {REGISTRATION}:8:15)",
            server.url("/api/tracker?async=false&importStrategy=CREATE")
        ))
    );
    assert_eq!(names(&server), ["Amina", "Amina"]);
}

#[test]
fn a_409_the_adaptor_does_not_mark_is_dead_at_once_with_its_details() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start();
    let rejected = json!({ "status": "ERROR", "validationReport": { "errorReports": [
        { "errorCode": "E1064", "message": "Non-unique attribute value `Amina` for attribute `w75KJ2mc4zz`", "trackerType": "TRACKED_ENTITY", "uid": "Kj6vYde4LHh" },
    ] } });
    server.route(
        "POST",
        "/api/tracker",
        vec![Reply::json(409, rejected), created()],
    );
    let config = write_config(dir.path(), &server);
    let mut args = state_args(dir.path(), &config);
    args.extend(["--attempts", "3", "--retry-delay", "50ms"].map(String::from));
    let serve = Serve::ferry(&[REGISTRATION], &strs(&args), dir.path());
    serve.post(
        "/hooks/registration",
        &registration_body("Amina"),
        &[("X-Api-Key", KEY)],
    );
    let runs = serve.wait_runs("job=registration&status=dead", 1);
    assert_eq!(
        runs[0]["attempts"],
        json!(1),
        "a rejected request is not retried"
    );
    assert_eq!(runs[0]["failure"], json!("rejected"));
    assert_eq!(
        runs[0]["error"],
        json!(format!(
            "dhis2: POST {} answered 409 Conflict; the request conflicts with the server's current state (at {REGISTRATION}:8:15)\n  E1064: Non-unique attribute value `Amina` for attribute `w75KJ2mc4zz`",
            server.url("/api/tracker?async=false&importStrategy=CREATE")
        ))
    );
    assert_eq!(names(&server), ["Amina"]);
}

#[test]
fn a_failed_as_an_overflow_and_a_division_by_zero_are_dead_at_once_with_their_reason() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--state",
        &dir.path().join("state").display().to_string(),
        "--attempts",
        "3",
        "--retry-delay",
        "50ms",
    ]
    .map(String::from);
    let serve = Serve::ferry(
        &["tests/fixtures/serve/classify.ferry"],
        &strs(&args),
        dir.path(),
    );
    let cases = [
        (
            "divide",
            0,
            "runtime",
            "division by zero (at tests/fixtures/serve/classify.ferry:7:15)",
        ),
        (
            "overflow",
            2,
            "runtime",
            "integer overflow: 2 * 9223372036854775807 (at tests/fixtures/serve/classify.ferry:8:17)",
        ),
        (
            "decode",
            1,
            "decode",
            "$: expected Int, found \"seven\" (at tests/fixtures/serve/classify.ferry:9:15)",
        ),
    ];
    for (how, n, _, _) in cases {
        let body = json!({ "how": how, "n": n, "data": "seven" }).to_string();
        assert_eq!(serve.post("/hooks/classify", &body, &[]).0, 202);
    }
    let dead = serve.wait_runs("status=dead", 3);
    let mut seen: Vec<(String, Value, Value)> = dead
        .iter()
        .map(|r| {
            (
                r["error"].as_str().unwrap().to_string(),
                r["failure"].clone(),
                r["attempts"].clone(),
            )
        })
        .collect();
    seen.sort_by(|a, b| a.0.cmp(&b.0));
    let mut expected: Vec<(String, Value, Value)> = cases
        .iter()
        .map(|(_, _, failure, error)| (error.to_string(), json!(failure), json!(1)))
        .collect();
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        seen, expected,
        "each dead after its one attempt, with its reason"
    );
}

#[test]
fn a_429_is_retried_by_serve_and_succeeds_on_the_next_attempt() {
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start();
    server.route(
        "POST",
        "/api/tracker",
        vec![
            Reply::json(429, json!({ "message": "too many requests" })),
            created(),
        ],
    );
    let config = write_config(dir.path(), &server);
    let mut args = state_args(dir.path(), &config);
    args.extend(["--attempts", "3", "--retry-delay", "50ms"].map(String::from));
    let serve = Serve::ferry(&[REGISTRATION], &strs(&args), dir.path());
    serve.post(
        "/hooks/registration",
        &registration_body("Amina"),
        &[("X-Api-Key", KEY)],
    );
    let runs = serve.wait_runs("job=registration&status=succeeded", 1);
    assert_eq!(runs[0]["attempts"], json!(2));
    let detail = run_detail(&serve, &runs[0]["id"]);
    assert_eq!(detail["attempts"][0]["failure"], json!("transient"));
    assert_eq!(names(&server), ["Amina", "Amina"]);
}

/// `ferry build JOB -o DIR/NAME`.
fn build(job: &str, dir: &Path) -> PathBuf {
    let exe = dir.join(Path::new(job).file_stem().unwrap());
    let out = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(root())
        .args(["build", job, "-o"])
        .arg(&exe)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    exe
}

#[test]
fn a_built_job_serves_its_own_webhook() {
    let dir = tempfile::tempdir().unwrap();
    let server = dhis2();
    let config = write_config(dir.path(), &server);
    let exe = build(REGISTRATION, dir.path());
    let serve = Serve::built(&exe, &strs(&state_args(dir.path(), &config)), dir.path());
    let (status, _) = serve.post(
        "/hooks/registration",
        &registration_body("Amina"),
        &[("X-Api-Key", KEY)],
    );
    assert_eq!(status, 202);
    let runs = serve.wait_runs("job=registration&status=succeeded", 1);
    assert_eq!(
        runs[0]["output"],
        json!({ "uid": "Kj6vYde4LHh", "source": null })
    );
    assert_eq!(names(&server), ["Amina"]);
}

#[test]
fn two_processes_on_postgres_share_200_events_each_run_once() {
    let pg = postgres::PgCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let server = dhis2();
    let config = write_config(dir.path(), &server);
    let exe = build(REGISTRATION, dir.path());
    let start = |n: usize| {
        let state = dir.path().join(format!("state-{n}")).display().to_string();
        let config = config.display().to_string();
        let args = [
            "--state",
            &state,
            "--config",
            &config,
            "--queue",
            &pg.url,
            "--workers",
            "3",
        ];
        Serve::built(&exe, &args, dir.path())
    };
    let (a, b) = (start(1), start(2));
    for n in 0..200 {
        let serve = if n % 2 == 0 { &a } else { &b };
        let (status, body) = serve.post(
            "/hooks/registration",
            &registration_body(&format!("person-{n}")),
            &[("X-Api-Key", KEY)],
        );
        assert_eq!(status, 202, "{body}");
    }
    a.wait_runs("status=succeeded&limit=1000", 200);
    let received = names(&server);
    let unique: BTreeSet<&String> = received.iter().collect();
    assert_eq!(received.len(), 200, "some events ran twice");
    assert_eq!(unique.len(), 200);
    // Both processes did some of the work.
    for serve in [&a, &b] {
        assert!(
            serve.logs().contains("\"run finished\""),
            "{}",
            serve.logs()
        );
    }
}

#[test]
fn a_schedule_on_postgres_fires_once_per_tick_across_two_processes() {
    let pg = postgres::PgCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start();
    server.route("POST", "/api/ticks", vec![Reply::json(200, json!({}))]);
    let config = write_config(dir.path(), &server);
    let exe = build("tests/fixtures/serve/ticks.ferry", dir.path());
    let start = |n: usize| {
        let state = dir.path().join(format!("state-{n}")).display().to_string();
        let config = config.display().to_string();
        Serve::built(
            &exe,
            &["--state", &state, "--config", &config, "--queue", &pg.url],
            dir.path(),
        )
    };
    let (a, b) = (start(1), start(2));
    wait_for("four ticks", || {
        (server.requests().len() >= 4).then_some(())
    });
    drop((a, b));

    let ticks: Vec<Value> = server.requests().iter().map(|r| r.json()).collect();
    let fired: Vec<&str> = ticks
        .iter()
        .map(|t| t["fired_at"].as_str().unwrap())
        .collect();
    let unique: BTreeSet<&&str> = fired.iter().collect();
    assert_eq!(unique.len(), fired.len(), "a tick fired twice: {fired:?}");
    // Every run after the first knows when the last successful one started.
    assert_eq!(ticks[0]["last_success"], Value::Null, "{ticks:?}");
    for tick in &ticks[1..] {
        assert!(tick["last_success"].is_string(), "{ticks:?}");
    }
}

#[test]
fn serve_refuses_to_start_on_a_bad_config_a_missing_key_or_no_trigger() {
    let dir = tempfile::tempdir().unwrap();
    let state = dir.path().join("state").display().to_string();
    let serve = |job: &str, config: Option<Value>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ferry"));
        command
            .current_dir(root())
            .args(["serve", job, "--state", &state]);
        if let Some(config) = config {
            let path = dir.path().join("config.json");
            std::fs::write(&path, config.to_string()).unwrap();
            command.arg("--config").arg(path);
        }
        let out = command.output().unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        let config_file = dir.path().join("config.json").display().to_string();
        (out.status.code(), stderr.replace(&config_file, "CONFIG"))
    };
    assert_eq!(
        serve(REGISTRATION, Some(json!({ "dhis2": { "username": "a", "password": "district-pw" } }))),
        (
            Some(2),
            "error: registration: invalid config in CONFIG: $.dhis2: missing field \"hostUrl\"\n  \
             set it in the config file (--config) under \"dhis2\", or as FERRY_DHIS2_<FIELD> in the environment\n"
                .to_string()
        )
    );
    assert_eq!(
        serve(
            REGISTRATION,
            Some(json!({ "dhis2": { "hostUrl": "http://127.0.0.1:9", "username": "a", "password": "district-pw" } }))
        ),
        (
            Some(2),
            "error: job `registration`: `auth api_key` needs `trigger.key` in the job's config (or FERRY_TRIGGER_KEY)\n"
                .to_string()
        )
    );
    assert_eq!(
        serve("tests/run/skip_gives_null_output.ferry", None),
        (
            Some(2),
            "error: job `skip_gives_null_output` has no trigger: run it with `run`, or add `trigger webhook \"/path\"`, `trigger cron \"...\"` or `trigger every 15m`\n"
                .to_string()
        )
    );
}

/// The 401 body of the operator API.
const OPERATOR_REFUSED: &str = "{\"error\":\"the operator API needs the operator token: send the header Authorization: Bearer TOKEN (or ?token=TOKEN), or log in on the page at /; it was printed when serve first started, or set it with --admin-token\"}";

#[test]
fn the_operator_api_needs_the_token_printed_once_at_the_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let server = dhis2();
    let config = write_config(dir.path(), &server);
    let args = state_args(dir.path(), &config);
    let mut first = Serve::ferry_without_token(&[REGISTRATION], &strs(&args), dir.path());
    let token = first
        .printed_token()
        .unwrap_or_else(|| panic!("no token:\n{}", first.logs()));
    assert_eq!(token.len(), 64, "{token}");
    let logs = first.logs();
    assert!(
        logs.contains(&format!(
            "  or send the header Authorization: Bearer {token}\n  operator page: {}/ (log in with the token)\n  shown only now: only its hash is kept.",
            first.base
        )),
        "{logs}"
    );
    assert_eq!(
        logs.matches(&token).count(),
        2,
        "printed once (URL and header), never logged"
    );

    let bearer = format!("Bearer {token}");
    for path in ["/runs", "/metrics"] {
        let (status, body) = first.get(path, &[]);
        assert_eq!((status, body.as_str()), (401, OPERATOR_REFUSED), "{path}");
        let (status, _) = first.get(path, &[("Authorization", "Bearer wrong-token")]);
        assert_eq!(status, 401, "{path}");
        let (status, _) = first.get(path, &[("Authorization", &bearer)]);
        assert_eq!(status, 200, "{path}");
    }
    let (status, body) = first.get(&format!("/runs?token={token}"), &[]);
    assert_eq!(
        (status, body.as_str()),
        (200, "{\"runs\":[],\"next\":null}")
    );
    assert_eq!(first.get("/healthz", &[]).0, 200);
    let refused = client().get(first.url("/runs")).send().unwrap();
    assert_eq!(
        refused.headers()["www-authenticate"],
        "Bearer realm=\"ferry operator API\""
    );
    // Only the hash is stored.
    first.kill9();
    let db = std::fs::read(dir.path().join("state/ferry.db")).unwrap();
    assert!(!String::from_utf8_lossy(&db).contains(&token));

    // A later start keeps the stored token, and prints nothing.
    let mut second = Serve::ferry_without_token(&[REGISTRATION], &strs(&args), dir.path());
    assert_eq!(second.printed_token(), None, "{}", second.logs());
    assert_eq!(second.get("/runs", &[("Authorization", &bearer)]).0, 200);
    second.kill9();

    // --admin-token replaces it; --metrics open opens /metrics only.
    let mut with_new = args.clone();
    with_new.extend(["--admin-token", "rotated-token-5678", "--metrics", "open"].map(String::from));
    let third = Serve::ferry_without_token(&[REGISTRATION], &strs(&with_new), dir.path());
    assert_eq!(third.printed_token(), None);
    assert_eq!(third.get("/runs", &[("Authorization", &bearer)]).0, 401);
    assert_eq!(
        third
            .get("/runs", &[("Authorization", "Bearer rotated-token-5678")])
            .0,
        200
    );
    assert_eq!(third.get("/metrics", &[]).0, 200);
    assert!(!third.logs().contains("rotated-token-5678"));
}

#[test]
fn processes_of_a_postgres_queue_share_one_operator_token() {
    let pg = postgres::PgCluster::start();
    let dir = tempfile::tempdir().unwrap();
    let server = dhis2();
    let config = write_config(dir.path(), &server);
    let start = |n: usize| {
        let state = dir.path().join(format!("state-{n}")).display().to_string();
        let config = config.display().to_string();
        let args = ["--state", &state, "--config", &config, "--queue", &pg.url];
        Serve::ferry_without_token(&[REGISTRATION], &args, dir.path())
    };
    let a = start(1);
    let token = a
        .printed_token()
        .unwrap_or_else(|| panic!("no token:\n{}", a.logs()));
    let b = start(2);
    assert_eq!(b.printed_token(), None, "{}", b.logs());
    for serve in [&a, &b] {
        assert_eq!(serve.get("/runs", &[]).0, 401);
        assert_eq!(
            serve
                .get("/runs", &[("Authorization", &format!("Bearer {token}"))])
                .0,
            200
        );
    }
}

#[test]
fn a_job_that_recurses_too_deep_fails_its_run_and_serve_keeps_serving() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--state",
        &dir.path().join("state").display().to_string(),
        "--attempts",
        "1",
    ]
    .map(String::from);
    let serve = Serve::ferry(
        &["tests/fixtures/serve/deep.ferry"],
        &strs(&args),
        dir.path(),
    );
    let (status, _) = serve.post("/hooks/deep", r#"{"n": 1000000}"#, &[]);
    assert_eq!(status, 202);
    let dead = serve.wait_runs("status=dead", 1);
    assert_eq!(
        dead[0]["attempts"],
        json!(1),
        "a runtime error: not retried past its attempts"
    );
    assert_eq!(
        dead[0]["error"],
        json!(
            "recursion too deep at tests/fixtures/serve/deep.ferry:7:30: the calls nested deeper than the job's stack allows; make the recursion shallower (a loop with `for`, or a list function) or split the input"
        )
    );
    // The process is still there, and runs the next event.
    let (status, _) = serve.post("/hooks/deep", r#"{"n": 1000}"#, &[]);
    assert_eq!(status, 202);
    let done = serve.wait_runs("status=succeeded", 1);
    assert_eq!(done[0]["output"], json!({ "depth": 1000 }));
    assert_eq!(serve.runs("").len(), 2);
}

#[test]
fn a_reply_webhook_answers_with_its_jobs_output_or_the_reason_of_its_fail() {
    let dir = tempfile::tempdir().unwrap();
    let args = ["--state", &dir.path().join("state").display().to_string()].map(String::from);
    let serve = Serve::ferry(
        &["tests/fixtures/serve/ask.ferry"],
        &strs(&args),
        dir.path(),
    );
    let (status, body) = serve.post("/hooks/ask", r#"{"n": 21}"#, &[]);
    assert_eq!((status, body), (200, json!({ "double": 42 })));
    let (status, body) = serve.post("/hooks/ask", r#"{"n": -1}"#, &[]);
    assert_eq!(status, 422);
    assert_eq!(
        body["error"],
        json!("n must not be negative, got -1 (at tests/fixtures/serve/ask.ferry:7:3)")
    );
    // `fail` is dead at once, and the run records the job's version.
    let dead = serve.wait_runs("status=dead", 1);
    assert_eq!(dead[0]["attempts"], json!(1));
    assert_eq!(dead[0]["failure"], json!("fail"));
    let version = dead[0]["version"].as_str().unwrap();
    assert_eq!(version.len(), 12, "{version}");
    assert!(version.chars().all(|c| c.is_ascii_hexdigit()), "{version}");
}
