"""Time-limit benchmark: what the worker processes cost per check, and the worst inputs' wall time.

1. Per-check overhead: an empty job through the worker pool (one pipe round trip), and typical
   equivalence checks through the pool against the same checks run in this process with the
   old timer-signal limit (``_check`` called directly, as check_equivalence did in the main
   thread). Target: the round trip is under 1 ms (median); the difference on typical checks is
   printed too (a few ms on a loaded machine, where the caller waits for a free core).
2. The worst inputs of issue 15 (they ran 2 to over 15 minutes, or crashed): wall time of
   ``check_answer`` with a 1 s limit. Target: every one returns within 1 s + 1 s.
   ``--old`` also runs each with the old in-process mechanism in a child process capped at
   ``--old-cap`` seconds, to show what it was.
3. ``--batch-lines N``: ``equiv --batch`` over N generated lines (every 500th one slow) with
   ``--jobs``; reports lines per second and the parent's peak memory (it must not grow with N).

    python bench/bench_limits.py [--runs 30] [--old] [--batch-lines 2000 --jobs 2]
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator

PAIRS = [
    ("sigma(x)*(1-sigma(x))", "exp(-x)/(1+exp(-x))^2"),
    ("x", "x^2"),
    ("tanh(x)", "2 sigma(2x) - 1"),
    ("log(1+exp(x))", "softplus(x)"),
    ("x", "sqrt(x^2)"),
]
WORST = [
    "x+sum(k^k,k,1,1000)",
    "step(x^999)",
    "heaviside(z^1000)",
    "relu'(z^1000)",
    "tanh(" * 45 + "x" + ")" * 45,
    "*".join(["10^1000"] * 5),
    "sum(k^k,k,1,5000)",  # still slow once the parser reads the ones above fast
    "exp(exp(exp(exp(x))))",
]
CHAIN = """matrix A: 5000 x 5000
matrix B: 5000 x 5000
matrix C: 5000 x 5000
A B C A B C A B C
 = A (B C) (A B) (C A) (B C)
 = (A B) (C A) (B C) (A B) C
"""


def ms(values: list[float]) -> str:
    p95 = sorted(values)[int(0.95 * (len(values) - 1))]
    return f"median {statistics.median(values) * 1000:7.2f} ms  p95 {p95 * 1000:7.2f} ms"


def overhead(runs: int) -> float:
    from dlquiz.symbolic import worker
    from dlquiz.symbolic.equivalence import _check, check_equivalence

    worker.run(os.getpid, seconds=30)  # start and warm the pool
    trips = []
    for _ in range(runs * 10):
        t0 = time.perf_counter()
        worker.run(os.getpid, seconds=30)
        trips.append(time.perf_counter() - t0)
    print(f"empty job through the pool              {ms(trips)}")
    pooled, local = [], []
    for _ in range(runs):
        for a, b in PAIRS:
            t0 = time.perf_counter()
            check_equivalence(expected=a, given=b)
            pooled.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            _check(a, b, (), None, None, 3.0, 0)  # the old main-thread path: in process, SIGALRM
            local.append(time.perf_counter() - t0)
    print(f"typical checks, worker process          {ms(pooled)}")
    print(f"typical checks, in process (old)        {ms(local)}")
    extra = statistics.median(pooled) - statistics.median(local)
    print(
        f"overhead per check (median difference)  {extra * 1000:7.2f} ms  (load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores: on a busy machine the wait for the "
        "worker's answer includes waiting for a core)"
    )
    return statistics.median(trips)


def worst(limit: float) -> bool:
    from dlquiz.symbolic.equivalence import check_answer
    from dlquiz.symbolic.steps import check_derivation

    ok = True
    for text in WORST:
        t0 = time.perf_counter()
        res = check_answer(expected="x", given=text, timeout=limit)
        took = time.perf_counter() - t0
        ok &= took < limit + 1.0
        print(f"{took:6.2f} s  {res.verdict.value:<10} {text[:40]:<40}  {res.message[:50]}")
    t0 = time.perf_counter()
    report = check_derivation(CHAIN, timeout=limit)
    took = time.perf_counter() - t0
    from dlquiz.symbolic.limited import transitions
    from dlquiz.symbolic.limits import GRACE

    budget = limit * (transitions(CHAIN) + 1) + GRACE
    ok &= took < budget + 1.0 and not report.ok
    state = "ok" if report.ok else "fail" if report.first_failure else "undecided"
    print(f"{took:6.2f} s  {state:<10} 5000×5000 matrix chain (budget {budget:g} s)")
    return ok


_OLD = """
import sys, time
from dlquiz.symbolic.equivalence import _check
t0 = time.perf_counter()
try:
    r = _check("x", sys.argv[1], (), None, None, {limit}, 0)
    print(f"{{time.perf_counter() - t0:.2f}} {{r.verdict.value}}")
except BaseException as exc:
    print(f"{{time.perf_counter() - t0:.2f}} crash:{{type(exc).__name__}}")
"""


def old(limit: float, cap: float) -> None:
    for text in WORST:
        t0 = time.perf_counter()
        try:
            out = subprocess.run(
                [sys.executable, "-c", _OLD.format(limit=limit), text], capture_output=True, text=True, timeout=cap
            ).stdout.strip()
        except subprocess.TimeoutExpired:
            out = f"> {cap:g} s (killed)"
        print(f"old  {time.perf_counter() - t0:6.2f} s  {text[:40]:<40}  {out}")


def batch(lines: int, jobs: int, limit: float) -> None:
    from dlquiz.cli.equiv_cmd import run_batch

    class Lines(io.TextIOBase):
        def __iter__(self) -> Iterator[str]:  # type: ignore[override]  # a text stream yields str
            for i in range(lines):
                cand = "step(x^999)" if i % 500 == 499 else f"x + {i % 7}"
                yield json.dumps({"id": i, "reference": "x + 3", "candidate": cand}) + "\n"

    class Count(io.TextIOBase):
        n = 0

        def write(self, s: str) -> int:
            self.n += 1
            return len(s)

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    out = Count()
    n = run_batch(Lines(), jobs, limit, 0, out)  # type: ignore[arg-type]
    took = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"batch {n} lines, jobs {jobs}: {took:.1f} s, {n / took:.0f} lines/s, "
        f"parent peak memory {before / 1024:.0f} -> {after / 1024:.0f} MiB"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--limit", type=float, default=1.0)
    parser.add_argument("--old", action="store_true", help="also run the worst inputs the old way")
    parser.add_argument("--old-cap", type=float, default=20.0)
    parser.add_argument("--batch-lines", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    extra = overhead(args.runs)
    print()
    ok = worst(args.limit)
    if args.old:
        print()
        old(args.limit, args.old_cap)
    if args.batch_lines:
        print()
        batch(args.batch_lines, args.jobs, args.limit)
    good = ok and extra < 0.001
    print("\nOK" if good else "\nSLOW")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
