"""Benchmark of `dlquiz equiv --batch` over bench/equiv_cases.jsonl.

Reports wrong verdicts (false "equal" must be 0), the median, p95 and max time per check
against the targets (median < 50 ms, p95 < 50 ms as issue 10 asks, none over 3 s), and the
load average while it ran (the machine is shared: compare runs at similar load).

    .venv/bin/python bench/bench_equiv.py [--jobs N] [--cases FILE] [--repeat N]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = {"median_ms": 50.0, "p95_ms": 50.0, "max_ms": 3000.0}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=Path, default=HERE / "equiv_cases.jsonl")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--timeout", type=float, default=3.0)
    ap.add_argument("--repeat", type=int, default=1, help="runs in a row (the spread shows the noise)")
    args = ap.parse_args(argv)
    code = 0
    for run in range(args.repeat):
        if args.repeat > 1:
            print(f"--- run {run + 1} of {args.repeat}")
        code = max(code, _run(args))
    return code


def _run(args: argparse.Namespace) -> int:
    from dlquiz.symbolic import worker

    worker.shutdown()  # every run starts with fresh workers (no parse cache from the run before)
    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

    from dlquiz.cli.equiv_cmd import run_batch

    lines = args.cases.read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    out = io.StringIO()
    t0 = time.perf_counter()
    run_batch(io.StringIO("\n".join(lines) + "\n"), args.jobs, args.timeout, 0, out)
    wall = time.perf_counter() - t0
    results = [json.loads(r) for r in out.getvalue().splitlines()]
    assert len(results) == len(cases), "one result per case"

    wrong, false_equal = [], []
    for case, res in zip(cases, results, strict=True):
        if res["verdict"] != case["expect"]:
            wrong.append((case, res))
            if res["verdict"] == "equal":
                false_equal.append(case["id"])
    ms = sorted(r["ms"] for r in results)
    p95 = ms[min(len(ms) - 1, int(round(0.95 * (len(ms) - 1))))]
    stats = {"median_ms": statistics.median(ms), "p95_ms": p95, "max_ms": ms[-1]}

    load_after = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{len(cases)} cases, {args.jobs} jobs, {wall:.1f} s wall, load {load_before:.1f} -> {load_after:.1f}")
    print(f"wrong verdicts: {len(wrong)}   false equal: {len(false_equal)} (must be 0)")
    for case, res in wrong:
        print(
            f"  {case['id']}: expected {case['expect']}, got {res['verdict']}: "
            f"{case['reference']!r} vs {case['candidate']!r} -- {res.get('message', '')}"
        )
    ok = not false_equal
    for key, target in TARGETS.items():
        flag = "ok" if stats[key] < target else "OVER"
        ok = ok and stats[key] < target
        print(f"{key:>9}: {stats[key]:8.1f}   target < {target:.0f}   {flag}")
    by_ms = sorted(results, key=lambda r: -r["ms"])[:5]
    print("slowest:", ", ".join(f"{r['id']} {r['ms']:.0f} ms" for r in by_ms))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
