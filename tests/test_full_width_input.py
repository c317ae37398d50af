"""A Chinese input method in full-width mode types ｓ＊（１－ｓ）: the reader takes each full-width character as
its ASCII one (and the ideographic space as a space), so the formula means what the ASCII one means and a
mistake is reported at the column where it was typed."""

from __future__ import annotations

import pytest

from dlquiz.errors import ParseError
from dlquiz.symbolic.parse import parse_math

CASES = [
    ("ｓ＊（１－ｓ）", "s*(1-s)"),
    ("σ（ｘ）（1 − σ（ｘ））", "σ(x)(1 − σ(x))"),
    ("ｅｘｐ（－ｘ）／（１＋ｅｘｐ（－ｘ））＾２", "exp(-x)/(1+exp(-x))^2"),
    ("x　+　1", "x + 1"),
    ("ｍａｘ（０，ｚ）", "max(0,z)"),
]


@pytest.mark.parametrize(("typed", "ascii_"), CASES)
def test_full_width_means_what_ascii_means(typed: str, ascii_: str) -> None:
    names = ("s", "x", "z")
    assert parse_math(typed, names=names).expr == parse_math(ascii_, names=names).expr


def test_a_mistake_in_full_width_is_reported_at_its_column() -> None:
    with pytest.raises(ParseError) as full:
        parse_math("ｓ＊（１－ｓ", names=("s",))
    with pytest.raises(ParseError) as ascii_:
        parse_math("s*(1-s", names=("s",))
    assert str(full.value) == str(ascii_.value)
    assert "column 3" in str(full.value)
