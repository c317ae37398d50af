"""The step-by-step derivation checker: the first line of a derivation that does not follow.

A derivation is plain text, one line each (format: examples/derivations/README.md)::

    # sigmoid derivative
    let s = sigma(x)
        d/dx s
      = exp(-x)/(1 + exp(-x))^2
      = s*(1 - s)

Every transition (a step against the step before it) is decided by the one policy of "equal"
that `dlquiz equiv` uses (policy.py, sampling.py); sums over a symbolic number of classes K are
expanded for K = 2…8 with concrete indexed symbols, and recursions such as
h_t = tanh(W h_{t-1} + U x_t) are unrolled (chain.py, transitions.py). Files that declare
shapes (`matrix W: n1 x n0`) are checked as matrix algebra (matrices.py). A failing step is
named by the slip catalogue (slips.py).

Stages, each importing only those before it: lines (text and results) → chain (givens and
concrete cases) → transitions (scalar steps) / matrices (matrix steps) → steps (this module,
the public entry points) → report (text).
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy

from dlquiz.errors import DlquizError, ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.chain import ScalarContext, assume, define, expand_defs, read_expr
from dlquiz.symbolic.limits import TimeLimit, time_limit
from dlquiz.symbolic.lines import (
    DerivationReport,
    Line,
    LineError,
    ReaderError,
    StepResult,
    as_continuation,
    make_report,
    split_lines,
)
from dlquiz.symbolic.matrices import check_matrix_lines
from dlquiz.symbolic.report import format_report, rule_message
from dlquiz.symbolic.slips import (
    BPTT_RANGE,
    FACTOR_TWO,
    FORGOTTEN_TRANSPOSE,
    MISSING_SIGMA_PRIME,
    NO_BIAS_CORRECTION,
    SHAPE,
    SIGN_FLIP,
    SOFTMAX_DIAGONAL,
)
from dlquiz.symbolic.transitions import check_scalar, compare

__all__ = [
    "BPTT_RANGE",
    "FACTOR_TWO",
    "FORGOTTEN_TRANSPOSE",
    "MISSING_SIGMA_PRIME",
    "NO_BIAS_CORRECTION",
    "SHAPE",
    "SIGN_FLIP",
    "SOFTMAX_DIAGONAL",
    "DerivationReport",
    "StepResult",
    "check_derivation",
    "check_item_derivation",
    "format_report",
    "rule_message",
]


def _is_matrix(lines: Sequence[Line]) -> bool:
    return any(ln.kind == "shape" for ln in lines)


def check_derivation(text: str, *, timeout: float = 3.0, seed: int = 0) -> DerivationReport:
    """Check every transition of a derivation written in the plain-text format.

    Runs in a worker process (limited.py) killed after `timeout` × (transitions + 1) + GRACE;
    then every step is undecided ("the time budget of the derivation is used up").

    Raises:
        ParseError: a malformed line (the message names the line and column).
    """
    from dlquiz.symbolic import limited

    report: DerivationReport = limited.derivation(_check_derivation, (text, timeout, seed), timeout, text)
    return report


def _check_derivation(text: str, timeout: float = 3.0, seed: int = 0) -> DerivationReport:
    lines = split_lines(text.lstrip("\ufeff"))  # a byte-order mark from some editors
    if not any(ln.kind in ("step", "cont") for ln in lines):
        if not _is_matrix(lines):
            check_scalar(lines, timeout, seed)  # a malformed let or assume line is the first thing to say
        raise DlquizError(
            lazy("the derivation has no steps (every line is a comment, let, assume or shape declaration)")
        )
    if _is_matrix(lines):
        results = check_matrix_lines(lines, timeout=timeout, seed=seed)
    else:
        results = check_scalar(lines, timeout, seed)[0]
    return make_report(results)


def check_item_derivation(
    *, given: Sequence[str], start: str, goal: str, steps: str | Sequence[str], timeout: float = 3.0
) -> DerivationReport:
    """Check a student's chain for a derivation item: from `start`, every step, to `goal`.

    The student's first line may be `start` itself or its first rewriting; malformed student
    lines become steps with status "error" (the givens are the bank's and must be valid).
    Runs in a worker process, like check_derivation.
    """
    from dlquiz.symbolic import limited

    report: DerivationReport = limited.derivation(
        _check_item_derivation,
        (tuple(given), start, goal, steps, timeout),
        timeout,
        steps if isinstance(steps, str) else "\n".join(steps),
        start=start,
    )
    return report


def _check_item_derivation(
    given: Sequence[str], start: str, goal: str, steps: str | Sequence[str], timeout: float = 3.0
) -> DerivationReport:
    body = steps if isinstance(steps, str) else "\n".join(steps)
    ctx = ScalarContext()
    keep = ("let", "assume", "matrix", "vector", "scalar")
    given_text = "\n".join(g if g.split(None, 1)[0] in keep else f"let {g}" for g in given if g.strip())
    pre = split_lines(given_text)
    if _is_matrix(pre):
        return _check_matrix_item(pre, start, goal, split_lines(body), timeout)
    for ln in pre:
        if ln.kind == "let":
            define(ln, ctx, timeout)
        elif ln.kind == "assume":
            assume(ln.text, ctx, ln)
    start_expr, start_pretty = read_expr(start, ctx, 0, 1, timeout)
    student = split_lines(body)
    results: list[StepResult] = [StepResult(0, start, start_pretty, "given", "start")]
    if not student:
        return DerivationReport(False, tuple(results), None)
    lines = [ln if ln.kind in ("let", "assume", "shape") else as_continuation(ln) for ln in student]
    try:
        checked, final = check_scalar(lines, timeout, 0, ctx=ctx, chain_start=start_expr, soft=True)
    except LineError as exc:
        bad = next((ln for ln in student if ln.no == exc.line), None)
        text = bad.text if bad else ""
        results.append(StepResult(exc.line, text, text, "error", ReaderError(exc)))
        return make_report(results)
    results.extend(checked)
    steps_done = [r for r in checked if r.status != "given"]
    if steps_done and all(r.status in ("ok", "given") for r in checked) and final is not None:
        goal_expr, goal_pretty = read_expr(goal, ctx, 0, 1, timeout)
        o = compare(goal_expr, final, ctx, timeout, 0)
        last = steps_done[-1]
        if o.status != "ok":
            results.append(
                StepResult(
                    last.line,
                    goal,
                    goal_pretty,
                    "fail" if o.status == "fail" else o.status,
                    lazy(
                        "every step holds, but the chain ends at {last}, not at the goal {goal}",
                        last=last.pretty.lstrip("= "),
                        goal=goal_pretty,
                    ),
                    o.counterexample,
                )
            )
        elif not _same_form(goal_expr, final, ctx):
            results.append(
                StepResult(
                    last.line,
                    goal,
                    goal_pretty,
                    "fail",
                    lazy(
                        "every step holds, but the chain stops at {last}: bring it to the goal's form {goal}",
                        last=last.pretty.lstrip("= "),
                        goal=goal_pretty,
                    ),
                )
            )
    return make_report(results)


def _check_matrix_item(pre: list[Line], start: str, goal: str, student: list[Line], timeout: float) -> DerivationReport:
    """`check_item_derivation` for items whose givens declare shapes."""
    givens = [Line(-1, ln.kind, ln.text, ln.col) for ln in pre]
    chain = [as_continuation(ln) for ln in student]
    if not any(ln.kind == "cont" for ln in chain):
        return DerivationReport(False, (StepResult(0, start, start, "given", "start"),), None)
    goal_no = max(ln.no for ln in chain) + 1
    lines = givens + [Line(0, "step", start, 1)] + chain + [Line(goal_no, "cont", "= " + goal, 1)]
    try:
        checked = check_matrix_lines(lines, timeout=timeout)
    except LineError as exc:
        if exc.line <= 0 or exc.line == goal_no:
            raise  # the bank's givens, start or goal are malformed
        bad = next(ln for ln in student if ln.no == exc.line)
        return make_report([StepResult(exc.line, bad.text, bad.text, "error", ReaderError(exc))])
    results = [r for r in checked if r.line >= 0 and r.line != goal_no]
    goal_result = next(r for r in checked if r.line == goal_no)
    if all(r.status in ("ok", "given") for r in results) and goal_result.status != "ok":
        last = results[-1]
        results.append(
            StepResult(
                last.line,
                goal,
                goal_result.pretty.lstrip("= "),
                "fail",
                lazy(
                    "every step holds, but the chain ends at {last}, not at the goal {goal}",
                    last=last.pretty.lstrip("= "),
                    goal=goal,
                ),
                goal_result.counterexample,
            )
        )
    return make_report(results)


def _same_form(goal: sympy.Expr, final: sympy.Expr, ctx: ScalarContext) -> bool:
    """Whether the last step is written as the goal (up to expanding products, no calculus)."""
    a, b = expand_defs(goal, ctx), expand_defs(final, ctx)
    if b.has(sympy.Derivative) and not a.has(sympy.Derivative):
        return False
    try:
        with time_limit(1.0):
            return bool(sympy.expand(a - b) == 0)
    except (TimeLimit, TypeError, ValueError, AttributeError, RecursionError, ParseError):
        return True  # do not insist on the form
