#!/usr/bin/env python3
"""The mapping benchmark: 100,000 CommCare form submissions mapped to DHIS2 tracked
entities by a Ferry job built with `ferry build`, side by side with hand-written
Rust (typed serde structs, and serde_json::Value), Node and jq. Every program's
output must be identical (compared after parsing). Prints wall time and peak
memory for each, with the ratios to the typed Rust program; then the startup of a
trivial built job and `ferry build` times for the examples.

    python3 benches/mapping/run.py [--count 100000] [--runs 3]

Needs: the Rust toolchain, python3, node, jq (Debian's package; installed if missing
and this runs as root).
"""
import argparse, json, os, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HERE = os.path.join(ROOT, "benches", "mapping")
OUT = os.path.join(HERE, "out")


def sh(*args, **kw):
    subprocess.run(args, check=True, **kw)


def measure(cmd, stdout_path):
    """Wall time (s) and peak resident memory (MB) of one run."""
    with open(stdout_path, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err = proc.stderr.read().decode()
    if status != 0:
        sys.exit(f"{cmd[0]} failed ({status}):\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def canonical(path):
    with open(path) as f:
        return json.dumps(json.load(f), sort_keys=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)

    forms = os.path.join(OUT, f"forms-{a.count}.json")
    if not os.path.exists(forms):
        print(f"generating {a.count} forms…", file=sys.stderr)
        gen = os.path.join(HERE, "gen_commcare.py")
        sh(sys.executable, gen, "--count", str(a.count), "--out", forms)
    if shutil.which("jq") is None and os.geteuid() == 0:
        sh("apt-get", "install", "-y", "-qq", "jq", stdout=subprocess.DEVNULL)

    print("building…", file=sys.stderr)
    sh("cargo", "build", "--release", "-q", "--bin", "ferry", cwd=ROOT)
    ferry = os.path.join(ROOT, "target", "release", "ferry")
    mapping_exe = os.path.join(OUT, "mapping-ferry")
    sh(ferry, "build", os.path.join(ROOT, "examples", "mapping.ferry"), "-o", mapping_exe)
    target = os.path.join(OUT, "target")
    sh("cargo", "build", "--release", "-q", "--manifest-path", os.path.join(HERE, "reference", "Cargo.toml"), "--target-dir", target)

    programs = [
        ("ferry (built)", [mapping_exe, "--input", forms]),
        ("rust typed serde", [os.path.join(target, "release", "typed"), forms]),
        ("rust serde_json::Value", [os.path.join(target, "release", "value"), forms]),
        ("node", ["node", "--max-old-space-size=8192", os.path.join(HERE, "mapping.js"), forms]),
    ]
    if shutil.which("jq"):
        programs.append(("jq", ["jq", "-c", "-f", os.path.join(HERE, "mapping.jq"), forms]))

    results = {}
    for name, cmd in programs:
        out = os.path.join(OUT, name.split()[0] + ("-typed" if "typed" in name else "-value" if "Value" in name else "") + ".json")
        runs = [measure(cmd, out) for _ in range(a.runs)]
        results[name] = (min(t for t, _ in runs), max(m for _, m in runs), out)
        print(f"  {name}: {results[name][0]:.2f} s", file=sys.stderr)

    reference = canonical(results["rust typed serde"][2])
    count = len(json.loads(reference)["trackedEntities"])
    for name, (_, _, out) in results.items():
        if canonical(out) != reference:
            sys.exit(f"{name}'s output differs from the typed Rust program's")

    typed_time, typed_mem, _ = results["rust typed serde"]
    print(f"\nmapping {a.count:,} forms ({os.path.getsize(forms) / 1e6:.0f} MB) to {count:,} tracked entities; every output identical")
    print(f"best of {a.runs} runs\n")
    print(f"| program | wall time | vs typed | peak memory | vs typed |")
    print(f"|---|---:|---:|---:|---:|")
    for name, (t, m, _) in results.items():
        print(f"| {name} | {t:.2f} s | {t / typed_time:.2f}x | {m:.0f} MB | {m / typed_mem:.2f}x |")

    # Startup of a trivial built job.
    trivial = os.path.join(OUT, "trivial")
    sh(ferry, "build", os.path.join(ROOT, "tests", "run", "let_var_assign.ferry"), "-o", trivial)
    times = []
    for _ in range(50):
        start = time.perf_counter()
        subprocess.run([trivial], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - start)
    print(f"\nstartup of a trivial built job: median {statistics.median(times) * 1000:.1f} ms, best {min(times) * 1000:.1f} ms (aim: under 5 ms)")

    # `ferry build` of the examples.
    print("\n| `ferry build` | time |\n|---|---:|")
    examples = sorted(f for f in os.listdir(os.path.join(ROOT, "examples")) if f.endswith(".ferry"))
    for example in examples:
        exe = os.path.join(OUT, "example-" + example[:-6])
        best = None
        for _ in range(3):
            start = time.perf_counter()
            sh(ferry, "build", os.path.join(ROOT, "examples", example), "-o", exe)
            elapsed = time.perf_counter() - start
            best = elapsed if best is None else min(best, elapsed)
        print(f"| {example} | {best * 1000:.0f} ms |")
    print("\n(aim: under 1 s each)")


if __name__ == "__main__":
    main()
