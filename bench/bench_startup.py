"""Start-up benchmark: `dlquiz --help` against `python -c "import click, rich.console"`.

Both run in the same process tree on the same machine, interleaved, so the ratio is fair.
Target: the median of `dlquiz --help` is at most 1.5 x the baseline's median.

    python bench/bench_startup.py [--runs 20]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--target", type=float, default=1.5)
    args = parser.parse_args()
    baseline_cmd = [sys.executable, "-c", "import click, rich.console"]
    help_cmd = [sys.executable, "-m", "dlquiz", "--help"]
    wall(baseline_cmd), wall(help_cmd)  # warm the file cache
    base, ours = [], []
    for _ in range(args.runs):
        base.append(wall(baseline_cmd))
        ours.append(wall(help_cmd))
    b, o = statistics.median(base), statistics.median(ours)
    ratio = o / b
    print(f"baseline  import click, rich.console  median {b * 1000:7.1f} ms")
    print(f"dlquiz --help                         median {o * 1000:7.1f} ms")
    print(f"ratio {ratio:.2f} (target <= {args.target})  {'OK' if ratio <= args.target else 'SLOW'}")
    return 0 if ratio <= args.target else 1


if __name__ == "__main__":
    sys.exit(main())
