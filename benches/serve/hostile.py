#!/usr/bin/env python3
"""`ferry serve` against hostile clients: memory and the connection limit.

    cargo build --release && python3 benches/serve/hostile.py [--ferry target/release/ferry]

Two measurements, each on a fresh `serve` of tests/fixtures/serve/registration.ferry
(a webhook with `auth api_key("X-Api-Key")`):

1. 24 clients at once POST a 15 MiB body each, without the key. Serve answers
   401 from the headers, before reading the body, so its memory should stay
   where it was: the table shows serve's resident memory (VmRSS) before, its peak
   (VmHWM) after, the answers and how much of each body the client managed to
   send before the answer (the kernel's socket buffers take some of it).
2. `--max-connections 4`: 4 idle connections hold every slot, then 8 more
   connections each send `GET /healthz`. Each of the 8 is closed without an
   answer (not answered 503), and `ferry_connections_refused_total` counts them.

Prints markdown tables; nothing is asserted (tests/serve.rs and
runtime/tests/serve_webhook.rs assert the behaviour).
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JOB = os.path.join(ROOT, "tests/fixtures/serve/registration.ferry")
TOKEN = "bench-operator-token-0123456789abcdef"
CLIENTS = 24
BODY = 15 * 1024 * 1024
CHUNK = 64 * 1024


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def status_kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


class Serve:
    def __init__(self, ferry, workdir, extra):
        self.port = free_port()
        state = tempfile.mkdtemp(dir=workdir)
        config = os.path.join(state, "config.json")
        with open(config, "w") as f:
            json.dump(
                {
                    "dhis2": {"hostUrl": "http://127.0.0.1:9", "username": "u", "password": "p"},
                    "trigger": {"key": "the-webhook-key"},
                },
                f,
            )
        self.log = open(os.path.join(state, "serve.log"), "w")
        self.process = subprocess.Popen(
            [ferry, "serve", JOB, "--state", state, "--config", config,
             "--listen", f"127.0.0.1:{self.port}", "--admin-token", TOKEN] + extra,
            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=self.log,
        )
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"serve exited: see {self.log.name}")
            try:
                if self.get("/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        sys.exit("serve did not answer /healthz within 30 s")

    def get(self, path, headers=""):
        with socket.create_connection(("127.0.0.1", self.port), timeout=10) as s:
            s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n{headers}\r\n".encode())
            data = read_all(s)
        status = int(data.split(b" ", 2)[1]) if data else None
        return status, data.split(b"\r\n\r\n", 1)[-1].decode(errors="replace")

    def metric(self, name):
        _, body = self.get("/metrics", f"Authorization: Bearer {TOKEN}\r\n")
        for line in body.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return None

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)
        self.log.close()


def read_all(s):
    chunks = []
    while True:
        try:
            chunk = s.recv(65536)
        except (ConnectionResetError, socket.timeout):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def unauthenticated_post(port, results, index, start):
    """POSTs a 15 MiB body without the key; records the answer and bytes sent."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    start.wait()
    began = time.time()
    s.sendall(
        (f"POST /hooks/registration HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         f"Content-Length: {BODY}\r\n\r\n").encode()
    )
    sent = 0
    chunk = b"[" + b"1," * (CHUNK // 2 - 1) + b"1"
    s.setblocking(False)
    answer = b""
    # As fast as the socket takes it, reading only when it takes no more.
    while sent < BODY:
        try:
            sent += s.send(chunk[: min(CHUNK, BODY - sent)])
            continue
        except BlockingIOError:
            pass
        except (ConnectionResetError, BrokenPipeError):
            break
        try:
            answer += s.recv(65536)
            break  # the server answered (or closed): stop sending
        except BlockingIOError:
            time.sleep(0.001)
        except (ConnectionResetError, BrokenPipeError):
            break
    s.setblocking(True)
    s.settimeout(10)
    try:
        answer += read_all(s)
    except OSError:
        pass
    s.close()
    status = answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/") else "closed"
    results[index] = (status, sent, time.time() - began)


def bodies(ferry, workdir):
    serve = Serve(ferry, workdir, [])
    pid = serve.process.pid
    before, hwm_before = status_kib(pid, "VmRSS"), status_kib(pid, "VmHWM")
    results = [None] * CLIENTS
    start = threading.Barrier(CLIENTS)
    threads = [threading.Thread(target=unauthenticated_post, args=(serve.port, results, i, start))
               for i in range(CLIENTS)]
    began = time.time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.time() - began
    time.sleep(0.2)
    peak, after = status_kib(pid, "VmHWM"), status_kib(pid, "VmRSS")
    serve.stop()
    statuses = {}
    for status, _, _ in results:
        statuses[status] = statuses.get(status, 0) + 1
    sent = sorted(r[1] for r in results)
    print(f"### {CLIENTS} concurrent unauthenticated {BODY // (1024 * 1024)} MiB POSTs\n")
    print("| measure | value |")
    print("|---|---:|")
    print(f"| serve's resident memory before (VmRSS) | {mib(before)} |")
    print(f"| serve's peak before (VmHWM) | {mib(hwm_before)} |")
    print(f"| serve's peak after the {CLIENTS} bodies (VmHWM) | {mib(peak)} |")
    print(f"| serve's resident memory after (VmRSS) | {mib(after)} |")
    print(f"| answers | {', '.join(f'{n} x {s}' for s, n in sorted(statuses.items()))} |")
    print(f"| body bytes sent before the answer, min / median / max | "
          f"{sent[0] // 1024} / {sent[len(sent) // 2] // 1024} / {sent[-1] // 1024} KiB of {BODY // 1024} KiB |")
    print(f"| wall time, all {CLIENTS} answered | {wall:.2f} s |")
    print()


def connection_limit(ferry, workdir):
    limit, extra = 4, 8
    serve = Serve(ferry, workdir, ["--max-connections", str(limit)])
    time.sleep(1)  # the start-up probe's connection is closed by now
    held = [socket.create_connection(("127.0.0.1", serve.port)) for _ in range(limit)]
    time.sleep(0.3)
    outcomes = {}
    began = time.time()
    for _ in range(extra):
        s = socket.create_connection(("127.0.0.1", serve.port), timeout=5)
        try:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            data = read_all(s)
        except (BrokenPipeError, ConnectionResetError):
            data = b""
        s.close()
        outcome = ("answered " + data.split(b" ", 2)[1].decode()) if data else "closed without an answer"
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    wall = time.time() - began
    # Whether serve kept every held connection (a closed one reads as b"").
    kept = 0
    for h in held:
        h.setblocking(False)
        try:
            kept += 1 if h.recv(1) else 0
        except BlockingIOError:
            kept += 1
        except ConnectionResetError:
            pass
    for h in held:
        h.close()
    time.sleep(0.3)
    # The held connections' slots come back once serve sees them closed.
    deadline = time.time() + 10
    refused = None
    while time.time() < deadline:
        try:
            refused = serve.metric("ferry_connections_refused_total")
            break
        except OSError:
            time.sleep(0.05)
    serve.stop()
    print(f"### --max-connections {limit}: {limit} idle connections, then {extra} requests\n")
    print("| measure | value |")
    print("|---|---:|")
    for outcome, n in sorted(outcomes.items()):
        print(f"| requests beyond the limit {outcome} | {n} of {extra} |")
    print(f"| idle connections serve kept open meanwhile | {kept} of {limit} |")
    print(f"| wall time of the {extra} requests | {wall:.2f} s |")
    print(f"| `ferry_connections_refused_total` | {refused:.0f} |" if refused is not None
          else "| `ferry_connections_refused_total` | not read |")
    print()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ferry", default=os.path.join(ROOT, "target/release/ferry"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as workdir:
        bodies(args.ferry, workdir)
        connection_limit(args.ferry, workdir)


if __name__ == "__main__":
    main()
