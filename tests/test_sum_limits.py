"""Sums and products over a whole number n: a point our evaluator cannot compute (more terms than
it evaluates) is no evidence, nested sums are evaluated in the right order, and wrong closed
forms are still refuted at a small n.

The oracle of each row is the mathematics: textbook closed forms, and plain Python loops for the
values of a counterexample.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from fractions import Fraction

import pytest
import sympy
from mpmath import mpf

from dlquiz.symbolic.assumptions import Domain
from dlquiz.symbolic.equivalence import Verdict, check_equivalence
from dlquiz.symbolic.numeric import (
    MAX_SUM_TERMS,
    BeyondReach,
    OutOfTime,
    Undefined,
    Underflow,
    evaluate,
    exactly_zero,
    sample_value,
)

EQ, NE, DOM, UND = Verdict.EQUAL, Verdict.NOT_EQUAL, Verdict.DOMAIN_ONLY, Verdict.UNDECIDED
POS = ("n positive integer",)


def _sum(f: Callable[[int], Fraction | int], lo: int, hi: int) -> Fraction:
    return sum((Fraction(f(k)) for k in range(lo, hi + 1)), Fraction(0))


def _prod(f: Callable[[int], Fraction | int], lo: int, hi: int) -> Fraction:
    return math.prod((Fraction(f(k)) for k in range(lo, hi + 1)), start=Fraction(1))


# true for every positive whole n: EQUAL, or UNDECIDED at worst -- never a difference
TRUE = [
    ("sum(k, k, 1, n)", "n*(n+1)/2", POS),  # the issue: n = 8138 used to be "undefined"
    ("sum(k^2, k, 1, n)", "n*(n+1)*(2n+1)/6", POS),
    ("sum(k^3, k, 1, n)", "(n*(n+1)/2)^2", POS),
    ("sum(2k - 1, k, 1, n)", "n^2", POS),
    ("sum(2^k, k, 0, n)", "2^(n+1) - 1", POS),
    ("sum(1/(k*(k+1)), k, 1, n)", "1 - 1/(n+1)", POS),
    ("sum(k, k, 1, n^2)", "n^2*(n^2+1)/2", POS),  # a limit that grows faster than n
    ("sum(floor(k/2), k, 1, n)", "floor(n^2/4)", POS),  # every residue of n mod 2
    ("sum((-1)^k*k, k, 1, n)", "(-1)^n*floor((n+1)/2)", POS),
    ("sum(k, k, m, n)", "(n-m+1)*(n+m)/2", ("m, n positive integer", "1 <= m <= n")),
    ("sum(k, k, 1, n)", "n*(n+1)/2", ("n integer", "1 <= n <= 1000000")),
    # nested: ∑_{i=1}^{n} ∑_{j=1}^{i} j = n(n+1)(n+2)/6 (the inner limit is the outer index)
    ("sum(sum(j, j, 1, i), i, 1, n)", "n*(n+1)*(n+2)/6", POS),
    ("sum(sum(i*j, j, 1, n), i, 1, n)", "(n*(n+1)/2)^2", POS),
    ("sum(sum(1, j, 1, i), i, 1, n)", "n*(n+1)/2", POS),
    # products
    ("prod(2, k, 1, n)", "2^n", POS),
    ("prod(1 + 1/k, k, 1, n)", "n + 1", POS),
    ("prod(k/(k+1), k, 1, n)", "1/(n+1)", POS),
    ("prod(prod(2, j, 1, i), i, 1, n)", "2^(n*(n+1)/2)", POS),
]


@pytest.mark.parametrize(("expected", "given", "assume"), TRUE, ids=[f"{r[0]} = {r[1]}" for r in TRUE])
def test_true_identities_are_never_a_difference(expected: str, given: str, assume: tuple[str, ...]) -> None:
    res = check_equivalence(expected=expected, given=given, assumptions=assume)
    assert res.verdict in (EQ, UND), res.message
    assert res.counterexample is None


def test_the_issue_is_equal() -> None:
    res = check_equivalence(expected="sum(k,k,1,n)", given="n*(n+1)/2", assumptions=POS)
    assert res.verdict is EQ, res.message


# (expected, given, assumptions, python value of expected at n, python value of given at n)
FALSE: list[tuple[str, str, tuple[str, ...], Callable[[int], Fraction], Callable[[int], Fraction]]] = [
    ("sum(k, k, 1, n)", "n^2/2", POS, lambda n: _sum(lambda k: k, 1, n), lambda n: Fraction(n * n, 2)),
    ("sum(k, k, 1, n)", "n*(n-1)/2", POS, lambda n: _sum(lambda k: k, 1, n), lambda n: Fraction(n * (n - 1), 2)),
    (
        "sum(k^2, k, 1, n)",
        "n*(n+1)*(2n+1)/3",
        POS,
        lambda n: _sum(lambda k: k * k, 1, n),
        lambda n: Fraction(n * (n + 1) * (2 * n + 1), 3),
    ),
    (
        "sum(sum(j, j, 1, i), i, 1, n)",
        "n*(n+1)*(n+2)/3",
        POS,
        lambda n: _sum(lambda i: _sum(lambda j: j, 1, i), 1, n),
        lambda n: Fraction(n * (n + 1) * (n + 2), 3),
    ),
    ("prod(2, k, 1, n)", "2^(n+1)", POS, lambda n: _prod(lambda k: 2, 1, n), lambda n: Fraction(2 ** (n + 1))),
    (
        "prod(1 + 1/k, k, 1, n)",
        "n",
        POS,
        lambda n: _prod(lambda k: 1 + Fraction(1, k), 1, n),
        lambda n: Fraction(n),
    ),
]


@pytest.mark.parametrize(
    ("expected", "given", "assume", "py_expected", "py_given"), FALSE, ids=[f"{r[0]} vs {r[1]}" for r in FALSE]
)
def test_wrong_closed_forms_differ_at_a_small_n(
    expected: str,
    given: str,
    assume: tuple[str, ...],
    py_expected: Callable[[int], Fraction],
    py_given: Callable[[int], Fraction],
) -> None:
    res = check_equivalence(expected=expected, given=given, assumptions=assume)
    assert res.verdict is NE, res.message
    cx = res.counterexample
    assert cx is not None
    n = int(cx["point"]["n"])
    assert 1 <= n <= 20  # small enough to check by hand
    e, g = py_expected(n), py_given(n)
    assert e != g
    assert math.isclose(float(cx["expected"]), float(e), rel_tol=1e-6)
    assert math.isclose(float(cx["given"]), float(g), rel_tol=1e-6)


def test_a_closed_form_right_for_even_n_only_is_rejected() -> None:
    res = check_equivalence(expected="sum(floor(k/2), k, 1, n)", given="n^2/4", assumptions=POS)
    assert res.verdict in (NE, DOM), res.message
    cx = res.counterexample
    assert cx is not None
    n = int(cx["point"]["n"])
    assert n % 2 == 1 and _sum(lambda k: k // 2, 1, n) != Fraction(n * n, 4)


def test_a_closed_form_right_only_for_small_n_is_rejected() -> None:
    # n(n+1)/2 + (n-1)(n-2)…(n-8) agrees with the sum at n = 1…8 only: the far-out points are
    # drawn again with fewer terms instead of being skipped, so the difference is still seen
    given = "n*(n+1)/2 + (n-1)*(n-2)*(n-3)*(n-4)*(n-5)*(n-6)*(n-7)*(n-8)"
    res = check_equivalence(expected="sum(k, k, 1, n)", given=given, assumptions=POS)
    assert res.verdict in (NE, DOM), res.message
    cx = res.counterexample
    assert cx is not None
    n = int(cx["point"]["n"])
    assert n > 8
    assert float(cx["given"]) != pytest.approx(n * (n + 1) / 2)


def test_an_empty_sum_is_still_a_real_domain_difference() -> None:
    # for whole n < 1 the sum is empty (0), while n(n+1)/2 is 1 at n = -2: a real difference
    res = check_equivalence(expected="sum(k, k, 1, n)", given="n*(n+1)/2", assumptions=("n integer",))
    assert res.verdict is DOM, res.message
    cx = res.counterexample
    assert cx is not None
    n = int(cx["point"]["n"])
    assert _sum(lambda k: k, 1, n) != Fraction(n * (n + 1), 2)


def test_only_sums_out_of_reach_are_undecided() -> None:
    # every admissible n needs more terms than the evaluator computes: nothing to compare
    res = check_equivalence(
        expected="sum(k, k, 1, n)", given="n*(n+1)/2", assumptions=("n integer", "500000 <= n <= 1000000")
    )
    assert res.verdict is UND, res.message
    assert "too large" in res.message


# --------------------------------------------------------------------------- the evaluator


def _at(values: dict[str, int]) -> Callable[[str], mpf]:
    return lambda name: mpf(values[name])


@pytest.mark.parametrize("n", [1, 2, 5, 9])
def test_nested_sum_follows_sympy_order_of_limits(n: int) -> None:
    i, j, m = sympy.symbols("i j n")
    # SymPy lists the innermost limit first: ∑_{i=1}^{n} ∑_{j=1}^{i} j·10^i
    merged = sympy.Sum(j * 10**i, (j, 1, i), (i, 1, m))
    nested = sympy.Sum(sympy.Sum(j * 10**i, (j, 1, i)), (i, 1, m))
    want = _sum(lambda a: _sum(lambda b: b * 10**a, 1, a), 1, n)
    assert evaluate(merged, _at({"n": n})) == want
    assert evaluate(nested, _at({"n": n})) == want


@pytest.mark.parametrize("n", [0, 1, 4, 7])
def test_products_are_evaluated_term_by_term(n: int) -> None:
    k, m = sympy.symbols("k n")
    value = evaluate(sympy.Product(1 + sympy.Integer(1) / k, (k, 1, m)), _at({"n": n}))
    assert value == pytest.approx(float(_prod(lambda a: 1 + Fraction(1, a), 1, n)))


@pytest.mark.parametrize("kind", [sympy.Sum, sympy.Product])
def test_too_many_terms_is_beyond_reach_not_undefined(kind: type) -> None:
    k, m = sympy.symbols("k n")
    with pytest.raises(BeyondReach):
        evaluate(kind(1, (k, 1, m)), _at({"n": MAX_SUM_TERMS + 1}))
    with pytest.raises(BeyondReach):  # each sum short enough, all of them together too many
        evaluate(sympy.Sum(kind(1, (k, 1, m)), (sympy.Symbol("i"), 1, m)), _at({"n": 1000}))
    assert evaluate(kind(1, (k, 1, m)), _at({"n": MAX_SUM_TERMS})) in (MAX_SUM_TERMS, 1)


def test_limits_that_are_not_whole_numbers_stay_undefined() -> None:
    k, x = sympy.symbols("k x")
    with pytest.raises(Undefined) as info:
        evaluate(sympy.Sum(k, (k, 1, x)), lambda name: mpf("2.5"))
    assert not isinstance(info.value, BeyondReach)


@pytest.mark.parametrize(
    ("domain", "low", "high", "distinct"),
    [
        (Domain(low=sympy.Integer(0), low_strict=True, integer=True), 1, 101, 20),
        (Domain(high=sympy.Integer(-3), high_strict=False, integer=True), -103, -3, 3),  # -5…-3 without reach
        (Domain(integer=True), -50, 50, 20),
        (
            Domain(low=sympy.Integer(1), high=sympy.Integer(10**6), low_strict=False, high_strict=False, integer=True),
            1,
            101,
            20,
        ),
    ],
)
def test_reach_keeps_whole_numbers_near_their_lowest_value(domain: Domain, low: int, high: int, distinct: int) -> None:
    rng = random.Random(3)
    values = [int(sample_value(domain, rng, wide=True, reach=100)) for _ in range(200)]
    assert all(low <= v <= high for v in values)
    assert len(set(values)) >= distinct


# --------------------------------------------------------------------------- values too close to 0

# a value no precision tried resolves (1 − σ(x²) at x = 546 is e^-298116) is a limit of ours:
# skipped like a long sum; an argument that is exactly 0 at the point is still undefined there
UNDERFLOW = [
    ("log(1 - sigma(x^2))", "-log(1 + exp(x^2))", (), (EQ, UND)),  # equal for every real x
    ("log(1 - sigma(x))", "-log(1 + exp(x))", (), (EQ,)),
    ("(x^2 - 1)/(x - 1)", "x + 1", ("x integer",), (DOM,)),  # undefined at x = 1
    ("sin(2*pi*n)/sin(pi*n)", "2*cos(pi*n)", ("n integer",), (NE,)),  # 0/0 at every whole n
    ("1/(y1 + y2 + y3 - 1)", "0", ("y1+y2+y3=1",), (NE,)),  # 1/0 wherever the equation holds
    ("log(x^2)", "2*log(x)", (), (DOM,)),
    ("x", "sqrt(x^2)", (), (DOM,)),
]


@pytest.mark.parametrize(
    ("expected", "given", "assume", "verdicts"), UNDERFLOW, ids=[f"{r[0]} vs {r[1]}" for r in UNDERFLOW]
)
def test_too_close_to_zero_is_not_undefined(
    expected: str, given: str, assume: tuple[str, ...], verdicts: tuple[Verdict, ...]
) -> None:
    res = check_equivalence(expected=expected, given=given, assumptions=assume)
    assert res.verdict in verdicts, res.message


def _underflow(arg: sympy.Expr, bound: dict[sympy.Symbol, int] | None = None) -> Underflow:
    return Underflow("test", arg, bound)


def test_exactly_zero_tells_a_zero_from_a_rounded_value() -> None:
    x, k, y1, y2 = sympy.symbols("x k y1 y2")
    at = {"x": mpf(546), "y1": mpf("0.25")}
    assert exactly_zero(_underflow(1 - 1 / (1 + sympy.exp(-(x**2)))), at, []) is False
    assert exactly_zero(_underflow(x - 546), at, []) is True
    assert (
        exactly_zero(
            _underflow(x - 545 - k),
            at,
            [],
        )
        is None
    )  # k has no value
    assert exactly_zero(_underflow(x - 545 - k, {k: 1}), at, []) is True  # k a summation index
    # y2 solved from an equation: put in as its formula, not as a rounded number
    assert exactly_zero(_underflow(y1 + y2 - sympy.Rational(1, 3)), at, [("y2", 1 / sympy.Integer(12))]) is True
    assert exactly_zero(_underflow(sympy.Sum(k - x, (k, 1, 3))), at, []) is None


# --------------------------------------------------------------------------- time


def test_a_deadline_stops_a_long_sum() -> None:
    k, m = sympy.symbols("k n")
    long_sum = sympy.Sum(sympy.exp(-k), (k, 1, m))
    with pytest.raises(OutOfTime):
        evaluate(long_sum, _at({"n": 1500}), deadline=time.monotonic() - 1)
    assert evaluate(long_sum, _at({"n": 3}), deadline=time.monotonic() - 1) > 0  # too short to look at the clock


def _log_geometric(n: int, x: float) -> float:
    return math.log(sum(math.exp(-j * x * x) for j in range(1, n + 1)))


def test_a_difference_found_before_a_slow_point_is_kept() -> None:
    # far-out points make this sum slow (e^(-k·x²) for k up to 1000 at x ≈ 5000, at up to
    # 5000 digits); a difference found first is reported, not lost to the time limit
    closed = "log(exp(-x^2)*(1 - exp(-n*x^2))/(1 - exp(-x^2)))"
    res = check_equivalence(expected="log(sum(exp(-k*x^2), k, 1, n))", given=f"{closed} + 1", assumptions=POS)
    assert res.verdict is NE, res.message
    cx = res.counterexample
    assert cx is not None
    n, x = int(cx["point"]["n"]), float(cx["point"]["x"])
    assert math.isclose(float(cx["expected"]), _log_geometric(n, x), rel_tol=1e-4)
    assert math.isclose(float(cx["given"]), _log_geometric(n, x) + 1, rel_tol=1e-4)
    res = check_equivalence(expected="log(sum(exp(-k*x^2), k, 1, n))", given=closed, assumptions=POS)
    assert res.verdict in (EQ, UND), res.message
