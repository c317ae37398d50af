"""Sizes typed for the convolution generators: a negative size or a missing side is named, never misread."""

from __future__ import annotations

import pytest

from dlquiz.errors import ParamError
from dlquiz.worked import generate_example


@pytest.mark.parametrize(
    ("n", "message"),
    [
        ("-5", "-5 is too small (allowed: ≥ 1)"),
        ("0", "0 is too small (allowed: ≥ 1)"),
        ("3x", "'3x' has a side missing"),
        ("x5", "'x5' has a side missing"),
        ("2.5", "expected an integer, got 2.5"),
    ],
)
def test_bad_sizes_are_named(n: str, message: str) -> None:
    with pytest.raises(ParamError, match="parameter n: ") as exc:
        generate_example("conv.output-size", {"n": n, "f": 3})
    assert message in str(exc.value)


@pytest.mark.parametrize(("n", "answer"), [("32", 30), ("32x24", [30, 22]), ("32 × 24", [30, 22])])
def test_good_sizes(n: str, answer: object) -> None:
    assert generate_example("conv.output-size", {"n": n, "f": 3}).answer == answer
