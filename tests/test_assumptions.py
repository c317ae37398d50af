"""Assumptions as written: property words combine (odd, even, positive, integer ...), integer
ranges up to a size, names of any length and case. Domains are checked against values chosen
by hand (the textbook meaning of each word), not against the code's own tables.
"""

from __future__ import annotations

import pytest
import sympy

from dlquiz.errors import ParseError
from dlquiz.symbolic.assumptions import build_context, parse_assumption, sympy_assumptions

# (assumption, name, values inside, values outside)
DOMAINS = [
    ("f odd positive integer", "f", [1, 3, 5, 11], [-1, 0, 2, 4, 1.5]),
    ("n even", "n", [-4, 0, 2, 8], [1, 3, 2.5]),
    ("k odd", "k", [-3, -1, 1, 7], [0, 2, 0.5]),
    ("t positive integer", "t", [1, 2, 30], [0, -1, 1.5]),
    ("T positive integer", "T", [1, 2, 30], [0, -1, 1.5]),
    ("pad nonnegative integer", "pad", [0, 1, 2], [-1, 0.5]),
    ("stride positive integer", "stride", [1, 2], [0]),
    ("lambda > 0", "lambda", [0.1, 3], [0, -1]),
    ("n natural", "n", [1, 2], [0, 1.5]),
    ("1 <= k <= K", "k", [1, 2, 3], [0, -2, 1.5]),
    ("0 <= t < T", "t", [0, 1, 5], [-1, 0.5]),
    ("x is a real", "x", [-3.5, 0, 2], []),
    ("0 < p < 1", "p", [0.2, 0.9], [0, 1, 1.2]),
]


@pytest.mark.parametrize("text,name,inside,outside", DOMAINS, ids=[d[0] for d in DOMAINS])
def test_domains(text: str, name: str, inside: list[float], outside: list[float]) -> None:
    a = parse_assumption(text)
    assert a.names == (name,)
    d = build_context([a]).domain(name)
    for v in inside:
        assert d.contains(v), (text, v)
    for v in outside:
        assert not d.contains(v), (text, v)


@pytest.mark.parametrize(
    "text,name,facts",
    [
        ("f odd positive integer", "f", {"odd": True, "integer": True, "positive": True}),
        ("n even", "n", {"even": True, "integer": True}),
        ("1 <= k <= K", "k", {"integer": True, "positive": True}),
    ],
)
def test_sympy_facts_follow(text: str, name: str, facts: dict[str, bool]) -> None:
    d = build_context([text]).domain(name)
    sym = sympy.Symbol(name, **sympy_assumptions(d))
    for fact, value in facts.items():
        assert getattr(sym, f"is_{fact}") is value


def test_range_keeps_the_size_by_name() -> None:
    d = build_context(["1 <= k <= K"]).domain("k")
    assert d.high_name == sympy.Symbol("K")
    assert d.describe("k") == "1 ≤ k ≤ K (integer)"


@pytest.mark.parametrize(
    "text,fragment",
    [
        ("k odd even", "odd and even"),
        ("x foo", "unknown property 'foo'"),
        ("1 <= k <= sin(K)", "not a number or a size"),
    ],
)
def test_bad_assumptions_say_why(text: str, fragment: str) -> None:
    with pytest.raises(ParseError, match=fragment):
        parse_assumption(text)


def test_odd_and_even_on_one_name_conflict() -> None:
    with pytest.raises(ParseError, match="both odd and even"):
        build_context(["n odd", "n even"])
