//! The HTTP benchmark: jobs built with `ferry build` send 10,000 requests, one
//! after another, to a local server (bearer auth, JSON answers checked against the
//! op's type), and the table shows requests per second and peak memory. A Node
//! script doing the same with `fetch` runs alongside when `node` is installed.
//!
//!     cargo bench --bench http [-- --count 10000]
//!
//! The server runs in this process on its own threads and counts what it receives;
//! each run must have sent exactly `count` requests and printed the expected answer.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// `GET /items/{id}` answers `{ "id": id, "value": 2 * id }`; `POST /readings`
/// answers its body. Anything else is a 404.
async fn answer(
    State(count): State<Arc<AtomicUsize>>,
    request: Request,
) -> axum::response::Response {
    count.fetch_add(1, Ordering::Relaxed);
    let (parts, body) = request.into_parts();
    let body = axum::body::to_bytes(body, 1 << 20)
        .await
        .unwrap_or_default();
    let json = match (parts.method.as_str(), parts.uri.path()) {
        ("GET", path) if path.starts_with("/items/") => {
            let id: i64 = path["/items/".len()..].parse().unwrap_or(0);
            Some(format!("{{\"id\":{id},\"value\":{}}}", id * 2).into_bytes())
        }
        ("POST", "/readings") => Some(body.to_vec()),
        _ => None,
    };
    let mut response = axum::response::Response::new(Body::from(json.clone().unwrap_or_default()));
    if json.is_some() {
        response
            .headers_mut()
            .insert("content-type", "application/json".parse().unwrap());
    } else {
        *response.status_mut() = axum::http::StatusCode::NOT_FOUND;
    }
    response
}

fn start_server(runtime: &tokio::runtime::Runtime) -> (SocketAddr, Arc<AtomicUsize>) {
    let count = Arc::new(AtomicUsize::new(0));
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(count.clone());
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    runtime.spawn(async move { axum::serve(listener, app).await });
    (addr, count)
}

/// Wall time and peak resident memory (MB) of a command; panics unless it printed `expected`.
// The child is reaped by `wait4`, which clippy does not know.
#[allow(clippy::zombie_processes)]
fn measure(command: &mut Command, expected: &str) -> (Duration, f64) {
    let start = Instant::now();
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    let elapsed = start.elapsed();
    assert_eq!(waited, pid, "wait4 failed");
    let mut stdout = String::new();
    let mut stderr = String::new();
    use std::io::Read;
    child.stdout.unwrap().read_to_string(&mut stdout).unwrap();
    child.stderr.unwrap().read_to_string(&mut stderr).unwrap();
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed:\n{stderr}"
    );
    assert_eq!(
        stdout.trim(),
        expected,
        "{command:?} printed something else:\n{stderr}"
    );
    (elapsed, usage.ru_maxrss as f64 / 1024.0)
}

fn build(job: &str, out: &Path) -> PathBuf {
    let exe = out.join(job);
    let status = Command::new(env!("CARGO_BIN_EXE_ferry"))
        .current_dir(root())
        .args([
            "build",
            &format!("benches/http/{job}.ferry"),
            "--adaptor-path",
            "benches/http/adaptors",
            "-o",
        ])
        .arg(&exe)
        .status()
        .unwrap();
    assert!(status.success(), "ferry build {job} failed");
    exe
}

const NODE_SCRIPT: &str = r#"
const [base, token, count, method] = [process.argv[2], process.argv[3], +process.argv[4], process.argv[5]];
(async () => {
  let total = 0;
  for (let id = 0; id < count; id++) {
    const post = method === "post";
    const res = await fetch(post ? `${base}/readings` : `${base}/items/${id}`, {
      method: post ? "POST" : "GET",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: post ? JSON.stringify({ id, value: id * 3 }) : undefined,
    });
    if (res.status >= 400) throw new Error(`status ${res.status}`);
    const body = await res.json();
    if (typeof body.id !== "number" || typeof body.value !== "number") throw new Error("bad body");
    total += post ? 1 : body.value;
  }
  console.log(total);
})();
"#;

fn main() {
    let mut count = 10_000usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--count" {
            count = args.next().and_then(|n| n.parse().ok()).expect("--count N");
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (addr, received) = start_server(&runtime);
    let base = format!("http://{addr}");
    let dir = tempfile::tempdir().unwrap();
    let ids: Vec<usize> = (0..count).collect();
    let input = dir.path().join("input.json");
    std::fs::write(&input, serde_json::json!({ "ids": ids }).to_string()).unwrap();
    let config = dir.path().join("config.json");
    std::fs::write(
        &config,
        serde_json::json!({ "bench_api": { "baseUrl": base, "token": "bench-token" } }).to_string(),
    )
    .unwrap();
    let node_script = dir.path().join("bench.js");
    std::fs::write(&node_script, NODE_SCRIPT).unwrap();
    let has_node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());

    let get_sum = (0..count).map(|id| 2 * id).sum::<usize>().to_string();
    let post_count = count.to_string();
    println!("{count} sequential requests to a local server (bearer auth, JSON answers)\n");
    println!(
        "{:<28} {:>10} {:>12} {:>14}",
        "program", "time (s)", "requests/s", "peak memory"
    );
    for (job, expected) in [("get", &get_sum), ("post", &post_count)] {
        let exe = build(job, dir.path());
        let mut runs: Vec<(String, Command)> = Vec::new();
        let mut ferry = Command::new(&exe);
        ferry
            .arg("--input")
            .arg(&input)
            .arg("--config")
            .arg(&config);
        runs.push((format!("ferry build ({})", job.to_uppercase()), ferry));
        if has_node {
            let mut node = Command::new("node");
            node.arg(&node_script)
                .arg(&base)
                .arg("bench-token")
                .arg(count.to_string())
                .arg(job);
            runs.push((format!("node fetch ({})", job.to_uppercase()), node));
        }
        for (name, mut command) in runs {
            let before = received.load(Ordering::SeqCst);
            let (elapsed, memory) = measure(&mut command, expected);
            let sent = received.load(Ordering::SeqCst) - before;
            assert_eq!(sent, count, "{name} sent {sent} requests, not {count}");
            println!(
                "{name:<28} {:>10.2} {:>12.0} {:>11.1} MB",
                elapsed.as_secs_f64(),
                count as f64 / elapsed.as_secs_f64(),
                memory
            );
        }
    }
}
