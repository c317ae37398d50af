"""Random parameters of the worked examples: drawn from a seed, explicit values always kept."""

from __future__ import annotations

import builtins
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np


class Draw:
    """Random parameter drawing that keeps the explicitly given values."""

    def __init__(self, rng: np.random.Generator, fixed: Mapping[str, Any]) -> None:
        self.rng = rng
        self.fixed = dict(fixed)

    def int(self, name: str, lo: int, hi: int) -> int:
        """An integer in [lo, hi], unless `name` was given."""
        if name in self.fixed:
            return int(self.fixed[name])
        return int(self.rng.integers(lo, hi + 1))

    def pick(self, name: str, options: Sequence[Any]) -> Any:
        """One of `options`, unless `name` was given."""
        if name in self.fixed:
            return self.fixed[name]
        return options[int(self.rng.integers(0, len(options)))]

    def value(self, name: str, make: Callable[[], Any]) -> Any:
        """`make()`, unless `name` was given."""
        if name in self.fixed:
            return self.fixed[name]
        return make()

    def ints(self, shape: tuple[builtins.int, ...], lo: builtins.int, hi: builtins.int) -> list[Any]:
        """A nested list of integers in [lo, hi] (not tied to a parameter)."""
        arr = self.rng.integers(lo, hi + 1, size=shape)
        out: list[Any] = arr.tolist()
        return out

    def decimals(self, n: builtins.int, lo: float, hi: float, places: builtins.int = 1) -> list[float]:
        """`n` short decimals in [lo, hi]."""
        return [round(float(v), places) for v in self.rng.uniform(lo, hi, size=n)]


# --------------------------------------------------------------------------- parsing
