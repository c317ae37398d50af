"""Speed targets of the worked examples (not a test: run it by hand; exits 1 if a target is missed).

    .venv/bin/python bench/bench_worked.py [--variants 1000] [--workers 2] [--runs 7] [--render]

1. Random variants to JSON: `--variants` seeded examples drawn in turn from every kind (so every kind
   is represented), each generated and dumped to JSON, on `--workers` processes: under 10 s.
2. Start-up: one `dlquiz example KIND` call (text and JSON) costs at most 1.5× `python -c "import numpy,
   rich.console, click"`, both measured here as the median of `--runs` runs.

The slowest kinds per variant are listed, so a regression points at its generator.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

VARIANTS_LIMIT_S = 10.0
STARTUP_RATIO = 1.5


def _chunk(job: tuple[list[str], int, int]) -> tuple[int, dict[str, float]]:
    """Generate the variants start, start + step, … of the cycle over `kinds`; bytes of JSON and time per kind."""
    from dlquiz.worked import generate_example

    kinds, start, stop = job
    size = 0
    per_kind: dict[str, float] = {}
    for i in range(start, stop):
        kind = kinds[i % len(kinds)]
        t0 = time.perf_counter()
        size += len(json.dumps(generate_example(kind, seed=i).to_dict(), ensure_ascii=False))
        per_kind[kind] = per_kind.get(kind, 0.0) + time.perf_counter() - t0
    return size, per_kind


def bench_variants(n: int, workers: int) -> tuple[float, dict[str, float]]:
    from dlquiz.worked import list_generators

    kinds = [g.name for g in list_generators()]
    bounds = [(kinds, n * w // workers, n * (w + 1) // workers) for w in range(workers)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(_chunk, bounds))
    wall = time.perf_counter() - t0
    per_kind: dict[str, float] = {}
    for _, d in results:
        for k, v in d.items():
            per_kind[k] = per_kind.get(k, 0.0) + v
    counts = {k: sum(1 for i in range(n) if kinds[i % len(kinds)] == k) for k in kinds}
    return wall, {k: per_kind.get(k, 0.0) / max(counts[k], 1) for k in kinds}


def _median_run(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_startup(runs: int) -> list[tuple[str, float, float]]:
    exe = str(Path(sys.executable).parent / "dlquiz")
    base = _median_run([sys.executable, "-c", "import numpy, rich.console, click"], runs)
    rows = [("python -c 'import numpy, rich.console, click'", base, 1.0)]
    for args in (["example", "softmax"], ["example", "softmax", "--json"], ["example", "conv.output-size"]):
        t = _median_run([exe, *args], runs)
        rows.append(("dlquiz " + " ".join(args), t, t / base))
    return rows


def bench_render(n: int) -> None:
    from dlquiz.worked import explain_text, generate_example, list_generators
    from dlquiz.worked.render import render_text, to_latex, to_markdown

    print(f"\n{'generator':24} {'render ms':>10}")
    for g in list_generators():
        exs = [generate_example(g.name, seed=s) for s in range(n)]
        t0 = time.perf_counter()
        for ex in exs:
            explain_text(ex)
            to_markdown(ex)
            to_latex(ex)
            render_text(ex)
        print(f"{g.name:24} {(time.perf_counter() - t0) / n * 1e3:10.2f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", type=int, default=1000, help="random variants in all (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="processes (default 2, the machine's cores)")
    parser.add_argument("--runs", type=int, default=7, help="runs per start-up measurement (median)")
    parser.add_argument("--render", action="store_true", help="also time the renderings of each kind")
    args = parser.parse_args()
    ok = True

    wall, per_kind = bench_variants(args.variants, args.workers)
    verdict = "ok" if wall < VARIANTS_LIMIT_S else "MISSED"
    ok &= wall < VARIANTS_LIMIT_S
    print(
        f"{args.variants} random variants of {len(per_kind)} kinds to JSON on {args.workers} processes: "
        f"{wall:.2f} s (target < {VARIANTS_LIMIT_S:g} s) {verdict}"
    )
    print("slowest kinds (ms per variant):")
    for kind, sec in sorted(per_kind.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {kind:24} {sec * 1e3:8.2f}")

    print(f"\nstart-up, median of {args.runs} runs:")
    for label, t, ratio in bench_startup(args.runs):
        mark = "" if ratio == 1.0 else (" ok" if ratio <= STARTUP_RATIO else " MISSED")
        ok &= ratio <= STARTUP_RATIO
        print(f"  {label:48} {t * 1e3:8.1f} ms  ×{ratio:.2f}{mark}")
    print(f"(target: at most ×{STARTUP_RATIO:g})")

    if args.render:
        bench_render(5)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
