"""Benchmark of the math reader on malformed formulas: the time to refuse a formula with its message.

Reads every line of bench/reader_errors.txt (one hostile formula per line, ``\\n`` for a line break,
``\\uXXXX`` escapes) in calculator and LaTeX syntax, and the valid formulas of bench_parse.py, without
the reader's result cache, and reports the total and the median per formula for each set: building an
error message must cost no more than the f-string it replaced (messages are built, never translated,
while reading).

    .venv/bin/python bench/bench_reader_errors.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))


def hostile() -> list[str]:
    """The malformed formulas (one a line; escapes decoded)."""
    lines = (HERE / "reader_errors.txt").read_text(encoding="utf-8").splitlines()
    return [ln.encode("latin-1", "backslashreplace").decode("unicode_escape") if "\\u" in ln else ln for ln in lines]


def timed(texts: list[str], repeat: int) -> list[float]:
    """Best-of-`repeat` milliseconds per text, read both ways (parse_math with an empty cache each time)."""
    from dlquiz.errors import ParseError
    from dlquiz.symbolic import parse

    best = [float("inf")] * len(texts)
    for _ in range(repeat):
        for i, text in enumerate(texts):
            t0 = time.perf_counter()
            for latex in (None, True):
                parse._CACHE.clear()
                try:
                    parse.parse_math(text, latex=latex)
                except ParseError:
                    pass
            best[i] = min(best[i], (time.perf_counter() - t0) * 1000)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    from bench_parse import formulas

    for name, texts in (("malformed", hostile()), ("valid", formulas())):
        timed(texts, 1)  # SymPy's caches
        ms = timed(texts, args.repeat)
        print(f"{name:9} {len(texts):5} formulas  total {sum(ms):8.1f} ms  median {statistics.median(ms):.3f} ms")


if __name__ == "__main__":
    main()
