"""Shown work in a derivation: forms found in lines, trivial lines, milestones that show nothing."""

from __future__ import annotations

import pytest

from dlquiz.symbolic.milestones import assess_work, contains_form, milestone_problems
from dlquiz.symbolic.parse import parse_math


def _e(text: str):  # type: ignore[no-untyped-def]
    return parse_math(text).expr


@pytest.mark.parametrize(
    ("line", "form", "found"),
    [
        ("x*sigma(z)*(1 - sigma(z))*(sigma(z) - y)", "sigma(z)*(1 - sigma(z))", True),  # a sub-product
        ("sigma(z)^2*(1 - sigma(z))", "sigma(z)*(1 - sigma(z))", True),  # a higher power holds the factor
        ("sigma(z)*(1 + sigma(z))", "sigma(z)*(1 - sigma(z))", False),
        ("-(y*(1 - a) - (1 - y)*a)", "y*(1 - a) - (1 - y)*a", True),  # up to the sign
        ("y*(1 - a) - (1 - y)*a + c", "y*(1 - a) - (1 - y)*a", True),  # a sub-sum
        ("y*(1 - a) + (1 - y)*a", "y*(1 - a) - (1 - y)*a", False),
        ("log(exp(x)*(1 + exp(-x)))", "exp(x)*(1 + exp(-x))", True),  # inside a function
        ("exp(-x)/(1 + exp(-x))^2", "exp(-x)/(1 + exp(-x))", False),  # the square is not the fraction
        ("(sigma(z) - y)*(d/dz sigma(z))", "d/dz sigma(z)", True),
        ("(sigma(z) - y)*sigma(z)*(1 - sigma(z))", "d/dz sigma(z)", False),
    ],
)
def test_a_form_is_found_in_a_line(line: str, form: str, found: bool) -> None:
    assert contains_form(_e(line), _e(form)) is found


START = "d/dz (-(y*log(sigma(z)) + (1 - y)*log(1 - sigma(z))))"
GOAL = "sigma(z) - y"
GIVEN = ["a = sigma(z)"]
MILESTONES = [["a*(1 - a)", "y*(1 - a) - (1 - y)*a"]]


@pytest.mark.parametrize(
    ("lines", "intermediate", "shown"),
    [
        ([GOAL, GOAL], 0, False),  # the goal twice
        ([START, GOAL], 0, False),  # the start, then the goal
        (["-y + sigma(z)", "a - y"], 0, False),  # reorderings and the prompt's notation of the goal
        (["= -(y/a - (1 - y)/(1 - a))*a*(1 - a)", "= a - y"], 1, True),  # in the prompt's notation
        (["let s = sigma(z)", "= -(y*(1 - s) - (1 - y)*s)", "= s - y"], 1, True),  # a student's own name
        (
            ["= -(y*sigma(z)*(1-sigma(z))/sigma(z) - (1-y)*sigma(z)*(1-sigma(z))/(1-sigma(z)))", "= sigma(z) - y"],
            1,
            True,
        ),  # SymPy cancels on reading: the cancelled form is the alternative
        (["= -(y/a - (1 - y)/(1 - a))*(d/dz a)", "= a - y"], 1, False),  # work, but not the σ′ factor
    ],
)
def test_work_is_counted_and_milestones_found(lines: list[str], intermediate: int, shown: bool) -> None:
    work = assess_work(given=GIVEN, start=START, goal=GOAL, lines=lines, milestones=MILESTONES)
    assert work.intermediate == intermediate
    assert (work.shown == (0,)) is shown


def test_an_unreadable_line_is_reported_not_counted() -> None:
    work = assess_work(given=GIVEN, start=START, goal=GOAL, lines=["= (a - y"], milestones=MILESTONES)
    assert not work.readable and not work.complete


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ("sigma(z) - y", "already appears"),  # the goal itself
        ("log(1 - sigma(z))", "already appears"),  # part of the start
        ("y", "single symbol"),
        ("a*(1 - a", "cannot read"),
        ("a*(1 - a)", ""),
    ],
)
def test_a_milestone_must_show_work(form: str, problem: str) -> None:
    found = milestone_problems(given=GIVEN, start=START, goal=GOAL, milestones=[[form]])
    if problem:
        assert len(found) == 1 and problem in found[0][1]
    else:
        assert found == []
