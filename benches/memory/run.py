#!/usr/bin/env python3
"""The memory benchmark: jobs that accumulate, run by `ferry run`, with their wall
time, CPU time and peak resident memory at several sizes; beside them the same
accumulation in Node (`rows.push(x)`, and `rows = rows.concat([x])`, which is
quadratic, under a timeout) and the rows kept in a Rust `Vec` of structs.
Medians of several runs.

    python3 benches/memory/run.py [--sizes 10000,40000,1000000] [--runs 3]
        [--timeout 60] [--reference OLD_FERRY] [--cap-mb 4096]

`--reference` runs the same jobs with another `ferry` binary (e.g. a build of an
older commit), its memory capped at `--cap-mb` (a run past the cap or the timeout
is shown as such).

Needs: the Rust toolchain, python3, node (optional).
"""
import argparse, http.server, json, os, resource, shutil, statistics, subprocess
import sys, tempfile, threading, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "benches", "memory")
JOBS = ["accumulate", "text", "group_by"]
PAGED_RECORDS = 100_000
PAGE = 1000

NODE_PUSH = """
const n = +process.argv[2]; let rows = [];
for (let i = 0; i < n; i++) rows.push({ i, name: `row ${i}` });
console.log(rows.length);
"""
NODE_CONCAT = NODE_PUSH.replace("rows.push({ i, name: `row ${i}` })",
                                "rows = rows.concat([{ i, name: `row ${i}` }])")
RUST_VEC = """
struct Row { i: i64, name: String }
fn main() {
    let n: i64 = std::env::args().nth(1).unwrap().parse().unwrap();
    let mut rows: Vec<Row> = Vec::new();
    for i in 0..n { rows.push(Row { i, name: format!("row {i}") }); }
    let s: i64 = rows.iter().map(|r| r.i + r.name.len() as i64).sum();
    println!("{} {}", rows.len(), s);
}
"""


def measure(cmd, timeout, cap_mb=None):
    """(wall s, cpu s, peak MB) of one run, or a word for a run that did not end."""
    def limit():
        if cap_mb:
            resource.setrlimit(resource.RLIMIT_AS, (cap_mb << 20, cap_mb << 20))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=limit)
    deadline = start + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            os.wait4(proc.pid, 0)
            return f"> {timeout} s"
        time.sleep(0.005)
    wall = time.perf_counter() - start
    if status != 0:
        return "out of memory" if cap_mb else f"failed ({proc.stderr.read().decode()[:200]})"
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def median(cmd, runs, timeout, cap_mb=None):
    results = []
    for _ in range(runs):
        r = measure(cmd, timeout, cap_mb)
        if isinstance(r, str):
            return r
        results.append(r)
    return tuple(statistics.median(x[i] for x in results) for i in range(3))


def cell(r):
    if isinstance(r, str):
        return f"| {r} | | |"
    wall, cpu, mb = r
    return f"| {wall:.2f} s | {cpu:.2f} s | {mb:,.0f} MB |"


class Pages(http.server.BaseHTTPRequestHandler):
    """`/records?n=N&page=K`: records K*PAGE.. of N, and a link to the next page."""

    def do_GET(self):
        from urllib.parse import urlparse, parse_qs
        q = parse_qs(urlparse(self.path).query)
        n, page = int(q["n"][0]), int(q["page"][0])
        start = page * PAGE
        items = [{"id": i, "value": i % 10} for i in range(start, min(n, start + PAGE))]
        nxt = f"/records?n={n}&page={page + 1}" if start + PAGE < n else None
        body = json.dumps({"items": items, "next": nxt}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,40000,1000000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--reference")
    ap.add_argument("--cap-mb", type=int, default=4096)
    a = ap.parse_args()
    sizes = [int(s) for s in a.sizes.split(",")]
    work = tempfile.mkdtemp(prefix="ferry-memory-")

    print("building…", file=sys.stderr)
    subprocess.run(["cargo", "build", "--release", "-q", "--bin", "ferry"], cwd=ROOT, check=True)
    ferry = os.path.join(ROOT, "target", "release", "ferry")
    rust = os.path.join(work, "rows")
    with open(rust + ".rs", "w") as f:
        f.write(RUST_VEC)
    subprocess.run(["rustc", "-O", "-o", rust, rust + ".rs"], check=True)
    node = shutil.which("node")
    scripts = {}
    for name, text in [("push", NODE_PUSH), ("concat", NODE_CONCAT)]:
        scripts[name] = os.path.join(work, f"{name}.js")
        with open(scripts[name], "w") as f:
            f.write(text)

    def input_of(n):
        path = os.path.join(work, f"n{n}.json")
        with open(path, "w") as f:
            json.dump({"n": n}, f)
        return path

    print(f"Medians of {a.runs} runs; wall time, CPU time (user + system), peak RSS.\n")
    head = "| job | n | ferry: wall | cpu | peak |"
    rule = "|---|---:|---:|---:|---:|"
    if a.reference:
        head += " reference: wall | cpu | peak |"
        rule += "---:|---:|---:|"
    print(head)
    print(rule)
    for job in JOBS:
        path = os.path.join(HERE, f"{job}.ferry")
        for n in sizes:
            cmd = [ferry, "run", path, "--input", input_of(n)]
            row = f"| `{job}` | {n:,} " + cell(median(cmd, a.runs, a.timeout))
            if a.reference:
                ref = [a.reference, "run", path, "--input", input_of(n)]
                row += cell(median(ref, 1, a.timeout, a.cap_mb))[1:]
            print(row, flush=True)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = os.path.join(work, "config.json")
    with open(config, "w") as f:
        json.dump({"local_pages": {"baseUrl": f"http://127.0.0.1:{server.server_port}"}}, f)
    cmd = [ferry, "run", os.path.join(HERE, "paged.ferry"), "--input",
           input_of(PAGED_RECORDS), "--config", config]
    print(f"| `paged` ({PAGED_RECORDS // PAGE} pages) | {PAGED_RECORDS:,} "
          + cell(median(cmd, a.runs, a.timeout)))
    server.shutdown()

    print("\nThe accumulation idiom beside Node and a Rust `Vec` of structs "
          "(the same rows: `{ i, name: \"row ${i}\" }`).\n")
    print("| n | ferry `rows = rows + [x]` | | | Rust `Vec::push` | | | "
          "Node `rows.push(x)` | | | Node `rows = rows.concat([x])` | | |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in sorted(set(sizes + [100_000])):
        row = f"| {n:,} "
        row += cell(median([ferry, "run", os.path.join(HERE, "accumulate.ferry"),
                            "--input", input_of(n)], a.runs, a.timeout))
        row += cell(median([rust, str(n)], a.runs, a.timeout))[1:]
        if node:
            row += cell(median([node, scripts["push"], str(n)], a.runs, a.timeout))[1:]
            concat = "| > 100,000 (not run) | | |" if n > 100_000 else cell(
                median([node, scripts["concat"], str(n)], 1, a.timeout))
            row += concat[1:]
        print(row, flush=True)


if __name__ == "__main__":
    main()
