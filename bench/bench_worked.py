"""Timing of the worked-example generators and renderings (not a test: run it by hand).

.venv/bin/python bench/bench_worked.py [--n 50]
"""

from __future__ import annotations

import argparse
import time

from dlquiz.worked import explain_text, generate_example, list_generators
from dlquiz.worked.render import render_text, to_latex, to_markdown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=50, help="seeds per generator")
    args = parser.parse_args()
    rows = []
    for g in list_generators():
        t0 = time.perf_counter()
        exs = [generate_example(g.name, seed=s) for s in range(args.n)]
        t1 = time.perf_counter()
        for ex in exs[:5]:
            explain_text(ex)
            to_markdown(ex)
            to_latex(ex)
            render_text(ex)
        t2 = time.perf_counter()
        rows.append((g.name, (t1 - t0) / args.n * 1e3, (t2 - t1) / 5 * 1e3))
    print(f"{'generator':24} {'generate ms':>12} {'render ms':>10}")
    for name, gen_ms, render_ms in sorted(rows, key=lambda r: -r[1]):
        print(f"{name:24} {gen_ms:12.2f} {render_ms:10.2f}")


if __name__ == "__main__":
    main()
