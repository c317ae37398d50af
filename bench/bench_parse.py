"""Benchmark of the math reader (tokenize, grammar, echo) over the formulas of
bench/equiv_cases.jsonl, the bank and the derivation library, read without the reader's
result cache (SymPy's own caches warmed by a first pass).

Reports the median, p95 and max time per formula against the targets (median < 2 ms,
p95 < 10 ms, none over 100 ms): the reader runs for every answer.

    .venv/bin/python bench/bench_parse.py [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TARGETS = {"median_ms": 2.0, "p95_ms": 10.0, "max_ms": 100.0}


def formulas() -> list[str]:
    """Every formula the benchmark reads."""
    out: list[str] = []
    cases = HERE / "equiv_cases.jsonl"
    if cases.exists():
        for line in cases.read_text(encoding="utf-8").splitlines():
            if line.strip():
                case = json.loads(line)
                out += [v for k, v in case.items() if k in ("reference", "candidate") and isinstance(v, str)]
    for f in sorted((ROOT / "questions").rglob("*.toml")):
        data = tomllib.loads(f.read_text(encoding="utf-8"))
        for item in data.get("item", []):
            if item.get("kind") == "formula" and isinstance(item.get("answer"), str):
                out.append(item["answer"])
    for f in sorted((ROOT / "dlquiz" / "symbolic" / "library").glob("*.toml")):
        for step in tomllib.loads(f.read_text(encoding="utf-8")).get("step", []):
            line = re.sub(r"^let\s+[^=]+=", "", step["line"].strip())
            out += [p.strip() for p in line.split("=") if p.strip()]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    from dlquiz.errors import ParseError
    from dlquiz.symbolic import parse as reader

    texts = formulas()
    for text in texts:  # imports and SymPy's own caches warm outside the timing
        try:
            reader.parse_math(text)
        except ParseError:
            pass
    times: list[float] = []
    for _ in range(args.repeat):
        for text in texts:
            reader._CACHE.clear()
            t0 = time.perf_counter()
            try:
                reader.parse_math(text)
            except ParseError:
                pass
            times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    got = {"median_ms": statistics.median(times), "p95_ms": times[int(0.95 * (len(times) - 1))], "max_ms": times[-1]}
    print(f"{len(texts)} formulas × {args.repeat}")
    ok = True
    for key, target in TARGETS.items():
        mark = "ok" if got[key] <= target else "OVER"
        ok = ok and got[key] <= target
        print(f"{key:10} {got[key]:8.2f}  (target {target:g})  {mark}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
