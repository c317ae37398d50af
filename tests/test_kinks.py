"""Exactly at a kink: a difference there is never hidden by random points, and never a false "equal"."""

from __future__ import annotations

import pytest

from dlquiz.symbolic import Verdict, check_equivalence


@pytest.mark.parametrize(
    ("expected", "given", "verdict"),
    [
        # differs only at x = 0: no random point lands there
        ("s*(1 - s)", "s*(1 - s)*sign(x)^2", Verdict.UNDECIDED),
        ("x^2", "x^2*sign(x)^2 + (1 - sign(x)^2)", Verdict.UNDECIDED),
        # H(0) is a convention (1/2 in SymPy, 0 or 1 in courses): not a refutation, not "equal"
        ("Heaviside(x)", "Piecewise((1, x > 0), (0, True))", Verdict.UNDECIDED),
        # equal at the kink too
        ("x", "x*sign(x)^2", Verdict.EQUAL),
        ("abs(x)", "x*sign(x)", Verdict.EQUAL),
        ("relu(x)", "max(x, 0)", Verdict.EQUAL),
        # a difference away from the kink still refutes ("equal only where x < 5")
        ("relu(x - 5)", "0", Verdict.DOMAIN_ONLY),
        ("max(x, 3)", "3", Verdict.DOMAIN_ONLY),
    ],
)
def test_kink_points(expected: str, given: str, verdict: Verdict) -> None:
    result = check_equivalence(expected=expected, given=given, assumptions=("x real",))
    assert result.verdict == verdict, result.message


def test_a_crafted_answer_is_not_graded_correct() -> None:
    from dlquiz.bank import load_bank
    from dlquiz.quiz.grade import grade

    item = load_bank().get("act.sigmoid.derivative")
    assert item is not None
    assert grade(item, "s*(1-s)*sign(x)^2").status != "correct"
    assert grade(item, "s*(1-s)").status == "correct"
