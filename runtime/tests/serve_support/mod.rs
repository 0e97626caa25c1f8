//! What the serve tests share: the fixture process (`examples/serve_fixture.rs`),
//! a recording HTTP server, waiting with generous timeouts, and throwaway
//! PostgreSQL clusters.
#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use serde_json::Value;

mod postgres;
#[allow(unused_imports)] // not every test binary that shares this module uses PostgreSQL
pub use postgres::PgCluster;

/// How long any wait may take before the test fails: generous, never a timing
/// assertion.
pub const PATIENCE: Duration = Duration::from_secs(60);

/// The fixture executable, built with the tests (cargo builds examples).
pub fn fixture_path() -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/serve_x-HASH -> target/<profile>/examples/serve_fixture
    let profile_dir = exe
        .parent()
        .and_then(Path::parent)
        .expect("the test binary lives in target/<profile>/deps");
    let path = profile_dir.join("examples").join("serve_fixture");
    assert!(
        path.exists(),
        "{} is missing: run the tests with `cargo test -p ferry-runtime` (which builds the \
         examples), or build it first with `cargo build -p ferry-runtime --example serve_fixture`",
        path.display()
    );
    path
}

/// A running fixture process.
pub struct Fixture {
    pub child: Child,
    pub addr: SocketAddr,
    pub stderr: PathBuf,
    pub base: String,
    /// `http://ADDR` of `--admin-listen`, when given.
    pub admin: Option<String>,
}

impl Fixture {
    /// Starts the fixture with `args` and waits until it listens. Its stderr (the
    /// JSON logs) goes to a file in `dir`.
    pub fn start(dir: &Path, args: &[String]) -> Fixture {
        Fixture::start_env(dir, args, &[])
    }

    pub fn start_env(dir: &Path, args: &[String], env: &[(&str, &str)]) -> Fixture {
        let stderr = dir.join(format!("fixture-{}.log", fastrand::u32(..)));
        let err_file = std::fs::File::create(&stderr).expect("a log file");
        let mut cmd = Command::new(fixture_path());
        cmd.args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(err_file);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("the fixture starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        let with_admin = args.iter().any(|a| a == "--admin-listen");
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let wanted = if with_admin { 2 } else { 1 };
            for _ in 0..wanted {
                if let Some(Ok(line)) = lines.next() {
                    let _ = tx.send(line);
                }
            }
            for _ in lines {}
        });
        let line = match rx.recv_timeout(PATIENCE) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "the fixture did not start; its log:\n{}",
                    std::fs::read_to_string(&stderr).unwrap_or_default()
                );
            }
        };
        let addr: SocketAddr = line
            .strip_prefix("listening on ")
            .and_then(|a| a.parse().ok())
            .unwrap_or_else(|| panic!("unexpected first line from the fixture: {line}"));
        let admin = args.iter().any(|a| a == "--admin-listen").then(|| {
            let line = rx.recv_timeout(PATIENCE).expect("the admin address");
            let admin: SocketAddr = line
                .strip_prefix("admin on ")
                .and_then(|a| a.parse().ok())
                .unwrap_or_else(|| panic!("unexpected second line from the fixture: {line}"));
            format!("http://{admin}")
        });
        Fixture {
            child,
            addr,
            stderr,
            base: format!("http://{addr}"),
            admin,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `kill -9`: no chance to clean up.
    pub fn kill9(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
    }

    /// Waits for the process to exit, and returns its exit code.
    pub fn wait_exit(&mut self) -> Option<i32> {
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the fixture did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }
}

impl Drop for Fixture {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One test's scratch folder, and the fixture processes it starts: each on a
/// state folder inside it (`state` unless told), with the flags given.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("a scratch folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A file (or folder) in the scratch folder, as a string for flags.
    pub fn file(&self, name: &str) -> String {
        self.dir.path().join(name).to_string_lossy().into_owned()
    }

    /// Starts the fixture on the state folder `state` with `flags`.
    pub fn start(&self, flags: &[(&str, &str)]) -> Fixture {
        self.start_on("state", flags)
    }

    /// Starts the fixture on the state folder `state` (in the scratch folder).
    pub fn start_on(&self, state: &str, flags: &[(&str, &str)]) -> Fixture {
        self.start_env(state, flags, &[])
    }

    /// [`Scratch::start_on`] with environment variables.
    pub fn start_env(&self, state: &str, flags: &[(&str, &str)], env: &[(&str, &str)]) -> Fixture {
        let state = self.file(state);
        let mut all = vec![("--state", state.as_str())];
        all.extend_from_slice(flags);
        Fixture::start_env(self.path(), &args(&all), env)
    }
}

impl Default for Scratch {
    fn default() -> Scratch {
        Scratch::new()
    }
}

/// `--job` and friends as a list of arguments.
pub fn args(pairs: &[(&str, &str)]) -> Vec<String> {
    pairs
        .iter()
        .flat_map(|(k, v)| [k.to_string(), v.to_string()])
        .collect()
}

/// One request the recorder received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// An HTTP server on 127.0.0.1 that answers 200 `{"uid": "abc"}` to everything
/// and records what it received (it outlives the fixture processes).
#[derive(Clone)]
pub struct Recorder {
    pub addr: SocketAddr,
    pub received: Arc<Mutex<Vec<Recorded>>>,
}

impl Recorder {
    pub async fn start() -> Recorder {
        let received: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let app = axum::Router::new()
            .fallback(record)
            .with_state(received.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Recorder { addr, received }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.received.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}

async fn record(State(received): State<Arc<Mutex<Vec<Recorded>>>>, req: Request) -> String {
    let (parts, body) = req.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .map(|b| b.to_vec())
        .unwrap_or_default();
    let headers = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    received.lock().unwrap().push(Recorded {
        path: parts.uri.path().to_string(),
        headers,
        body,
    });
    r#"{"uid":"abc"}"#.to_string()
}

/// Waits until `check` gives `Some`, for up to [`PATIENCE`]; panics with `what`.
pub async fn wait_for<T, F, Fut>(what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + PATIENCE;
    loop {
        if let Some(v) = check().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A plain HTTP client for the tests.
pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("a client")
}

/// A client that does not follow redirects (to see a form's 303).
pub fn browser() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// `GET /runs/{id}` as JSON.
pub async fn run_detail(base: &str, id: i64) -> Value {
    let resp = client()
        .get(format!("{base}/runs/{id}"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .expect("GET /runs/{id}");
    assert_eq!(resp.status(), 200, "GET /runs/{id}");
    serde_json::from_slice(&resp.bytes().await.expect("body")).expect("JSON")
}

/// `POST /runs/{id}/replay[?force=true]` with the token: status and body.
pub async fn replay(base: &str, id: i64, force: bool) -> (u16, Value) {
    let force = if force { "?force=true" } else { "" };
    let resp = client()
        .post(format!("{base}/runs/{id}/replay{force}"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .expect("POST replay");
    let status = resp.status().as_u16();
    let body = serde_json::from_slice(&resp.bytes().await.expect("body")).unwrap_or(Value::Null);
    (status, body)
}

/// POSTs `body` to `url`; status and JSON body.
pub async fn post(url: &str, body: &str) -> (u16, Value) {
    let resp = client()
        .post(url)
        .body(body.to_string())
        .send()
        .await
        .expect("POST");
    let status = resp.status().as_u16();
    let body = serde_json::from_slice(&resp.bytes().await.expect("body")).unwrap_or(Value::Null);
    (status, body)
}

/// The operator token the fixture is started with.
pub const OPERATOR_TOKEN: &str = "fixture-operator-token";

/// `GET /runs?query` as JSON.
pub async fn runs(base: &str, query: &str) -> Vec<Value> {
    let resp = client()
        .get(format!("{base}/runs?{query}"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .expect("GET /runs");
    let body: Value = serde_json::from_slice(&resp.bytes().await.expect("body")).expect("JSON");
    body["runs"].as_array().cloned().unwrap_or_default()
}

/// Waits until `/runs?query` lists a run for which `pred` holds, and returns it.
pub async fn wait_run(base: &str, query: &str, what: &str, pred: impl Fn(&Value) -> bool) -> Value {
    wait_for(what, || async {
        runs(base, query).await.into_iter().find(|r| pred(r))
    })
    .await
}

/// `GET /metrics`.
pub async fn metrics(base: &str) -> String {
    client()
        .get(format!("{base}/metrics"))
        .bearer_auth(OPERATOR_TOKEN)
        .send()
        .await
        .expect("GET /metrics")
        .text()
        .await
        .expect("text")
}

/// The value of one series in a metrics text (0 if absent).
pub fn metric(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}
