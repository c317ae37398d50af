"""Transitions of a scalar derivation: does each step follow from the one before?

Each transition is decided by the one policy of "equal" (policy.decide, the sampler of
sampling.py) on the derivation's concrete cases (chain.cases: sizes K = 2…8, indices, unrolled
recursions, one-hot labels), so `check` and `equiv` agree on every single-step chain. A step
that does not follow is tried against the slip catalogue (slips.py) and its changed part is
pointed out.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import sympy
from sympy import Indexed

from dlquiz.errors import ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.chain import (
    ScalarContext,
    assume,
    cases,
    define,
    expand_defs,
    read_expr,
    to_elementary,
)
from dlquiz.symbolic.limits import TimeLimit, time_limit
from dlquiz.symbolic.lines import Line, LineError, ReaderError, Status, StepResult, pieces
from dlquiz.symbolic.numeric import fmt
from dlquiz.symbolic.policy import Decision, Verdict, decide
from dlquiz.symbolic.sampling import numerically_equal
from dlquiz.symbolic.slips import find_slip


@dataclass(frozen=True)
class Outcome:
    """The verdict on one transition."""

    status: Status
    message: str = ""
    counterexample: dict[str, Any] | None = None


def _number(v: Any) -> int | float | str:
    text = fmt(v, 6)
    try:
        return int(text) if text.lstrip("-").isdigit() else float(text)
    except ValueError:
        return text


def _step_counterexample(d: Decision) -> dict[str, Any] | None:
    if d.point is None or d.values is None:
        return None
    at: dict[str, Any] = {}
    if d.case is not None:
        at.update({k: v for k, v in d.case.values})
    at.update({k: _number(v) for k, v in d.point.items() if k not in at})
    ev, gv = d.values
    return {
        "at": at,
        "previous": "undefined" if ev is None else _number(ev),
        "this": "undefined" if gv is None else _number(gv),
    }


def compare(prev: sympy.Expr, cur: sympy.Expr, ctx: ScalarContext, timeout: float, seed: int) -> Outcome:
    """Whether `cur` follows from `prev` under the givens (the shared policy of "equal")."""
    deadline = time.monotonic() + timeout
    try:
        with time_limit(max(timeout, 0.05)):
            cs, sizes, top = cases(prev, cur, ctx, seed)
            a, b = to_elementary(expand_defs(prev, ctx)), to_elementary(expand_defs(cur, ctx))
            recursive = set(ctx.recursive) | set(ctx.base_cases)
            unrolled = any(str(x.base) in recursive for e in (a, b) for x in e.atoms(Indexed))
            d = decide(a, b, ctx.context(), seed, deadline, cases=cs, proof=not unrolled)
    except TimeLimit:
        return Outcome("undecided", lazy("no verdict within the time limit ({seconds:g} s)", seconds=timeout))
    except ParseError as exc:
        return Outcome("undecided", lazy("could not compare the steps ({error})", error=ReaderError(exc)))
    except (TypeError, ValueError, AttributeError, ZeroDivisionError, RecursionError, NotImplementedError) as exc:
        return Outcome("undecided", lazy("could not compare the steps ({error})", error=type(exc).__name__))
    if d.verdict is Verdict.EQUAL:
        if d.proved:
            return Outcome("ok", d.message)
        what = d.message
        if sizes:
            what = lazy("{reason} ({sizes})", reason=d.message, sizes=", ".join(f"{s} = 2…{top}" for s in sizes))
        return Outcome("ok", what)
    if d.verdict in (Verdict.NOT_EQUAL, Verdict.DOMAIN_ONLY):
        return Outcome("fail", d.message, _step_counterexample(d))
    return Outcome("undecided", d.message)


def match_slip(prev: sympy.Expr, cur: sympy.Expr, ctx: ScalarContext, seed: int, seconds: float = 6.0) -> str | None:
    """The slip of the catalogue that explains why `cur` does not follow from `prev`."""
    deadline = time.monotonic() + seconds
    sctx = ctx.context()

    def same(a: sympy.Expr, b: sympy.Expr) -> bool:
        left = deadline - time.monotonic()
        if left <= 0:
            return False
        try:
            with time_limit(min(left, 3.0)):
                cs, _, _ = cases(a, b, ctx, seed, limit=1)  # a quick look rejects most pairs
                if not numerically_equal(cs[0].expected, cs[0].given, sctx, seed, n=4, cases=cs, deadline=deadline):
                    return False
                cs, _, _ = cases(a, b, ctx, seed)
                return numerically_equal(cs[0].expected, cs[0].given, sctx, seed, cases=cs, deadline=deadline)
        except (
            TimeLimit,
            ParseError,
            TypeError,
            ValueError,
            AttributeError,
            ZeroDivisionError,
            RecursionError,
            NotImplementedError,
        ):
            return False

    try:
        found = find_slip(expand_defs(prev, ctx), expand_defs(cur, ctx), same, deadline)
    except (TypeError, ValueError, AttributeError, RecursionError):
        return None
    return found.name if found is not None else None


# ----------------------------------------------------------------------------- changed part


def _culprit(a: sympy.Expr, b: sympy.Expr, depth: int = 0) -> tuple[Any, Any] | None:
    """The smallest pair of sub-expressions where the two trees part."""
    if a == b:
        return None
    if depth > 30 or a.func != b.func or not a.args or not b.args:
        return (a, b)
    if a.func in (sympy.Add, sympy.Mul):
        ra = [x for x in a.args if x not in b.args]
        rb = [x for x in b.args if x not in a.args]
        if len(ra) == 1 and len(rb) == 1:
            return _culprit(ra[0], rb[0], depth + 1)
        if ra and rb:
            return (a.func(*ra), b.func(*rb))
        return (a, b)
    if len(a.args) == len(b.args):
        diffs = [(x, y) for x, y in zip(a.args, b.args, strict=True) if x != y]
        if len(diffs) == 1:
            return _culprit(*diffs[0], depth=depth + 1)
    return (a, b)


def _show(e: Any) -> str:
    return re.sub(r"(\w+)\[([^\]]+)\]", r"\1_\2", sympy.sstr(e))


def culprit_text(prev: sympy.Expr, cur: sympy.Expr) -> str | None:
    """ "X (where the previous step has Y)" for the part of the step that changed."""
    pair = _culprit(prev, cur)
    if pair is None or (pair[0] == prev and pair[1] == cur):
        return None
    return lazy("{part} (where the previous step has {previous})", part=_show(pair[1]), previous=_show(pair[0]))


# ----------------------------------------------------------------------------- a chain


def fail_message(o: Outcome) -> str:
    """The message of a failing step, with its counterexample."""
    if o.counterexample:
        cx = o.counterexample
        return lazy(
            "does not follow from the previous step: at {point} the previous step is {previous} but this one is {this}",
            point=", ".join(f"{k} = {v}" for k, v in cx["at"].items()),
            previous=_value_word(cx["previous"]),
            this=_value_word(cx["this"]),
        )
    if o.message.startswith("the two differ by the constant"):
        return lazy("does not follow from the previous step: {reason}", reason=o.message)
    return lazy("does not follow from the previous step")


def _value_word(value: str) -> str:
    """A value of a counterexample in a message: "undefined" is a word, shown in the reader's language."""
    return lazy("undefined") if value == "undefined" else value


class _Budget:
    def __init__(self, per_step: float, total: float) -> None:
        self.per_step = per_step
        self.end = time.monotonic() + total

    def slice(self) -> float:
        return min(self.per_step, self.end - time.monotonic())


def check_scalar(
    lines: list[Line],
    timeout: float,
    seed: int,
    ctx: ScalarContext | None = None,
    chain_start: sympy.Expr | None = None,
    soft: bool = False,
) -> tuple[list[StepResult], sympy.Expr | None]:
    """Check the lines of a scalar derivation; `soft` turns unreadable lines into "error"
    results instead of raising (a student's chain). Returns the results and the last step."""
    ctx = ctx or ScalarContext()
    budget = _Budget(timeout, max(20.0, timeout * 4))
    results: list[StepResult] = []
    prev: sympy.Expr | None = chain_start
    broken = False
    for ln in lines:
        if ln.kind == "let":
            pretty = define(ln, ctx, timeout)
            results.append(StepResult(ln.no, ln.text, "let " + pretty, "given"))
            continue
        if ln.kind == "assume":
            assume(ln.text, ctx, ln)
            results.append(StepResult(ln.no, ln.text, ln.text, "given"))
            continue
        if ln.kind == "shape":
            raise LineError(ln.no, ln.col, lazy("shape declarations need matrix steps"), ln.text)
        parts = pieces(ln)
        if ln.kind == "cont":
            parts = parts[1:]
            if prev is None:
                raise LineError(
                    ln.no, ln.col, lazy("a step starting with '=' needs a previous expression to continue"), ln.text
                )
        exprs: list[tuple[sympy.Expr, str]] = []
        try:
            for text, col in parts:
                if not text:
                    raise LineError(ln.no, col, lazy("empty side of '='"), ln.text)
                exprs.append(read_expr(text, ctx, ln.no, col, timeout))
        except ParseError as exc:
            if not soft:
                raise
            results.append(StepResult(ln.no, ln.text, ln.text, "error", ReaderError(exc)))
            broken = True
            continue
        todo = exprs
        if ln.kind == "step":
            prev = exprs[0][0]
            todo = exprs[1:]
        pretty = " = ".join(p for _, p in exprs)
        if ln.kind == "cont":
            pretty = "= " + pretty
        if not todo:
            results.append(StepResult(ln.no, ln.text, pretty, "given"))
            continue
        outcome = Outcome("ok")
        rule = culprit = None
        for expr, _ in todo:
            assert prev is not None
            left = budget.slice()
            outcome = (
                compare(prev, expr, ctx, left, seed)
                if left > 0
                else Outcome("undecided", lazy("the time budget of the derivation is used up"))
            )
            if outcome.status == "fail":
                rule = match_slip(prev, expr, ctx, seed, max(2.0, min(timeout, 6.0)))
                culprit = culprit_text(prev, expr)
                prev = expr
                break
            prev = expr
        msg = outcome.message
        if outcome.status == "fail":
            msg = fail_message(outcome)
        elif outcome.status == "ok" and broken:
            msg = lazy("follows from the previous step (the chain broke earlier)")
        results.append(StepResult(ln.no, ln.text, pretty, outcome.status, msg, outcome.counterexample, rule, culprit))
        broken = broken or outcome.status == "fail"
    return results, prev
