"""The one policy of "equal": a verdict from sampling (sampling.py) and a symbolic proof.

`equiv`, quiz grading, `bank check` and the derivation checker all decide through `decide`.

1. Both sides are prepared: named functions rewritten into elementary ones (σ -> 1/(1+e^(−x)),
   softplus -> ln(1+e^x), ...), derivatives carried out, sums with whole-number limits expanded.
2. Sampling (sampling.py): a point where the two differ (confirmed at higher precision) gives
   NOT_EQUAL with that counterexample; agreement at some moderate points and a difference at
   others gives DOMAIN_ONLY ("equal for x > 0; differs at x = -0.785").
3. Symbolic proof of ``expected − given = 0`` (expand, cancel, rewrite to exp, simplify) with
   the assumptions as SymPy symbol assumptions, under a hard time limit. A proof that ends in a
   nonzero constant (``x`` vs ``x + 10^-30``) is NOT_EQUAL.

EQUAL when the proof succeeds, or -- when it fails or runs out of time -- when at least
MIN_AGREE (12) moderate random points agree to 25 significant digits, none differs, the
integer residues were all covered and the first three agreeing points also agree to 150 digits
at 250-digit precision (the message says "numerically"; a stable difference there is
NOT_EQUAL, "differs by a tiny amount"). With that agreement the proof only tries the quick
rewritings (expand, together, cancel), not sympy.simplify, for QUICK_PROOF_SECONDS: it can then
only name the verdict ("proved"), since a constant difference would have shown at 250 digits --
unless a constant is extreme (10^-200, 1 + 10^-200, exp(-500): `extreme_constant`), when
agreement proves nothing and only a proof (full time) can say EQUAL, else UNDECIDED. For analytic formulas
agreement on many random points implies identity; piecewise ones are also probed on both sides
of each kink, and integer ones at every residue. With fewer defined points and no proof the
verdict is UNDECIDED. Formulas that depend on an unknown function (∂L/∂o_i with L undefined)
on one side only are UNDECIDED.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import sympy

from dlquiz.i18n import lazy
from dlquiz.symbolic.assumptions import Context, sympy_assumptions
from dlquiz.symbolic.functions import elementary
from dlquiz.symbolic.limits import TimeLimit, run_limited, time_limit
from dlquiz.symbolic.numeric import Num, Point, Unsupported, close, fmt
from dlquiz.symbolic.parse import to_unicode, unicode_name
from dlquiz.symbolic.parse import to_unicode as _to_unicode
from dlquiz.symbolic.sampling import (
    MIN_AGREE,
    N_POINTS,
    Case,
    Sampling,
    point_values,
    sample,
    solutions,
    value_at,
)

PROOF_SECONDS = 0.4
QUICK_PROOF_SECONDS = 0.02  # with agreement at 250 digits and no extreme constant: the proof only names it
SAMPLING_MARGIN = 0.25  # seconds the sampling leaves before the deadline (at most 10% of the time)
EXTREME = 30  # a constant below 10^-30 or above 10^30 (or a fraction with a 31-digit part) is extreme


class Verdict(str, Enum):  # noqa: UP042 - the interface promises (str, Enum)
    """The outcome of an equivalence check."""

    EQUAL = "equal"
    NOT_EQUAL = "not_equal"
    DOMAIN_ONLY = "domain_only"
    UNDECIDED = "undecided"
    ERROR = "error"


@dataclass(frozen=True)
class Decision:
    """A verdict with its reason; for a difference, the point and both values."""

    verdict: Verdict
    message: str
    counterexample: dict[str, Any] | None = None
    proved: bool = False
    point: dict[str, Any] | None = None  # the differing point's values (mpmath numbers)
    case: Case | None = None
    values: tuple[Num, Num] | None = None


# --------------------------------------------------------------------------- preparing


def prepare(expr: sympy.Expr, seconds: float = 1.0) -> sympy.Expr:
    """Named functions rewritten to elementary ones, derivatives carried out (time-limited)."""
    try:
        with time_limit(seconds):
            out = elementary(expr)
            if out.has(sympy.Sum):
                out = out.replace(
                    lambda e: (
                        isinstance(e, sympy.Sum) and all(not (a.free_symbols | b.free_symbols) for _k, a, b in e.limits)
                    ),
                    lambda e: e.doit(),
                )
            return out
    except TimeLimit:
        raise
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return expr


# --------------------------------------------------------------------------- proof


def _with_assumptions(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    repl = {}
    for s in expr.free_symbols:
        if isinstance(s, sympy.Symbol) and not isinstance(s, sympy.Dummy):
            repl[s] = sympy.Symbol(s.name, **sympy_assumptions(ctx.domain(s.name)))
    return expr.xreplace(repl)


def _proof_job(d: sympy.Expr, full: bool = True) -> tuple[str, str]:
    """("zero", "") when d simplifies to 0, ("constant", c) for a nonzero constant, else
    ("unknown", ""); without `full` only the quick rewritings (no sympy.simplify)."""
    if d == 0:
        return "zero", ""
    r = d.rewrite(sympy.exp) if d.has(sympy.tanh, sympy.sinh, sympy.cosh) else d
    steps: tuple[Any, ...] = (
        sympy.expand,
        lambda x: sympy.factor_terms(sympy.together(sympy.expand(r))),
        lambda x: sympy.cancel(sympy.expand(r)),
        lambda x: sympy.cancel(sympy.powsimp(sympy.expand(r))),
    )
    if full and not d.has(sympy.Piecewise, sympy.Max, sympy.Min, sympy.floor, sympy.ceiling):
        steps += (lambda x: sympy.simplify(r), sympy.simplify)  # slow; piecewise ones slower
    for step in steps:
        try:
            out = step(d)
        except (
            TypeError,
            ValueError,
            NotImplementedError,
            RecursionError,
            AttributeError,
            ZeroDivisionError,
            sympy.PolynomialError,
        ):
            continue
        if out == 0:
            return "zero", ""
        if out.is_number and out.is_real and out.is_zero is False:
            return "constant", to_unicode(out)
    return "unknown", ""


def prove_equal(
    expected: sympy.Expr, given: sympy.Expr, ctx: Context, seconds: float, full: bool = True
) -> bool | None | str:
    """True if expected − given simplifies to 0 in time, None when time ran out, False when no
    proof was found, or the text of a nonzero constant difference; `full=False` tries only the
    quick rewritings (expand, together, cancel)."""
    if expected.has(sympy.Sum) or given.has(sympy.Sum):
        return False  # sums with symbolic limits are checked for K = 2..8 numerically
    d = expected - given
    for name, sol in solutions(ctx):
        d = d.subs(sympy.Symbol(name), sol)
    d = _with_assumptions(d, ctx)
    try:
        status, value = run_limited(_proof_job, d, full, seconds=seconds)
    except TimeLimit:
        return None
    except RuntimeError:
        return False
    if status == "zero":
        return True
    return value if status == "constant" else False


FINE_DPS, FINE_CONFIRM_DPS, FINE_TOL = 250, 700, 1e-150


def fine_agreement(s: Sampling, k: int = 3) -> tuple[str, tuple[Point, Num, Num] | None]:
    """Agreement at 250 digits (to 1e-150) at the first `k` agreeing points: "fine"; a stable
    difference below the 40-digit tolerance (x vs x + 10^-40·x): "differ" with the point and
    values at 700 digits; otherwise "unclear"."""
    checked = 0
    for p in s.agree[:k]:
        case = s.cases[id(p)]
        try:
            ev, gv = value_at(case.expected, p, FINE_DPS), value_at(case.given, p, FINE_DPS)
        except Unsupported:
            return "unclear", None
        if ev is None or gv is None:
            continue
        if not close(ev, gv, FINE_TOL, FINE_DPS):
            try:
                e7 = value_at(case.expected, p, FINE_CONFIRM_DPS)
                g7 = value_at(case.given, p, FINE_CONFIRM_DPS)
            except Unsupported:
                return "unclear", None
            if (
                e7 is not None
                and g7 is not None
                and not close(e7, g7, FINE_TOL, FINE_CONFIRM_DPS)
                and close(e7, ev, 1e-180, FINE_CONFIRM_DPS)
                and close(g7, gv, 1e-180, FINE_CONFIRM_DPS)
            ):
                return "differ", (p, e7, g7)
            return "unclear", None
        checked += 1
    return ("fine" if checked else "unclear"), None


def extreme_constant(*exprs: sympy.Expr) -> str:
    """A constant part of the expressions so small or so large (10^-200, 1 + 10^-200, exp(-500))
    that a difference it makes may hide below the digits the sampler compares; "" if none.
    Agreement at sampled points then proves nothing: only a symbolic proof can say "equal"."""

    def to_unicode(c: sympy.Expr) -> str:
        text = _to_unicode(c)
        return text if len(text) <= 40 else text[:36] + " …"

    for e in exprs:
        for node in sympy.preorder_traversal(e):
            if isinstance(node, sympy.Rational):
                if max(abs(int(node.p)), int(node.q)) >= 10**EXTREME:
                    return to_unicode(node)
                continue
            if node.free_symbols or not isinstance(node, sympy.Expr) or node.is_Atom:
                continue
            try:
                v = abs(sympy.N(node, 15))
            except (TypeError, ValueError, ArithmeticError):
                return to_unicode(node)
            if not v.is_Number or v == 0:
                continue
            if v < sympy.Float(f"1e-{EXTREME}") or v > sympy.Float(f"1e{EXTREME}"):
                return to_unicode(node)
    return ""


# --------------------------------------------------------------------------- messages


def counterexample(p: Point, ev: Num | None, gv: Num | None) -> dict[str, Any]:
    """{point, expected, given} as short texts (enough digits to see a near miss)."""
    point = {k: fmt(v, 6) for k, v in point_values(p).items()}
    digits = 10
    e_txt = "undefined" if ev is None else fmt(ev, digits)
    g_txt = "undefined" if gv is None else fmt(gv, digits)
    while e_txt == g_txt and digits < 36 and ev is not None and gv is not None:
        digits += 4  # a near miss: show enough digits to see the difference
        e_txt, g_txt = fmt(ev, digits), fmt(gv, digits)
    return {"point": point, "expected": e_txt, "given": g_txt}


def _point_text(p: Point) -> str:
    return ", ".join(f"{unicode_name(k)} = {fmt(v, 6)}" for k, v in point_values(p).items())


def _value_text(text: str, value: Num | None) -> str:
    """A value of a counterexample in a message ("undefined" is a word, shown in the reader's language)."""
    return lazy("undefined") if value is None else text


def _num(v: float) -> str:
    return f"{v:.3g}"


def _where(s: Sampling) -> str:
    names = sorted(set().union(*(p.values for p in s.agree)))
    for i, a in enumerate(names):  # equal on the diagonal: i = j
        for b in names[i + 1 :]:
            pts = [p for p in s.agree] + [p for p, _, _ in s.differ]
            if not all(a in p.values and b in p.values for p in pts):
                continue
            if all(p.values[a] == p.values[b] for p in s.agree) and all(
                p.values[a] != p.values[b] for p, _, _ in s.differ
            ):
                return f"{unicode_name(a)} = {unicode_name(b)}"
            if all(p.values[a] != p.values[b] for p in s.agree) and all(
                p.values[a] == p.values[b] for p, _, _ in s.differ
            ):
                return f"{unicode_name(a)} ≠ {unicode_name(b)}"
    for name in names:
        try:
            av = [float(p.values[name].real) for p in s.agree if name in p.values]
            dv = [float(p.values[name].real) for p, _, _ in s.differ if name in p.values]
        except (TypeError, AttributeError):
            continue
        if len(av) != len(s.agree) or len(dv) != len(s.differ):
            continue
        if set(av).isdisjoint(dv) and len(set(av)) == 1 and float(av[0]).is_integer():
            return f"{unicode_name(name)} = {int(av[0])}"
        if all(a > 0 for a in av) and all(d < 0 for d in dv):
            return f"{unicode_name(name)} > 0"
        if all(a < 0 for a in av) and all(d > 0 for d in dv):
            return f"{unicode_name(name)} < 0"
        if av and dv and min(av) > max(dv):
            return lazy("the sampled points with {name} > {value}", name=unicode_name(name), value=_num(max(dv)))
        if av and dv and max(av) < min(dv):
            return lazy("the sampled points with {name} < {value}", name=unicode_name(name), value=_num(min(dv)))
    return ""


def _unknown_functions(e: sympy.Expr) -> set[sympy.Basic]:
    return {f.func for f in e.atoms(sympy.core.function.AppliedUndef)}


# --------------------------------------------------------------------------- the decision


def decide(
    e: sympy.Expr,
    g: sympy.Expr,
    ctx: Context,
    seed: int,
    deadline: float,
    cases: Sequence[Case] | None = None,
    proof: bool = True,
) -> Decision:
    """The verdict on two prepared expressions (module docstring); `cases` are concrete
    instances to sample instead of (e, g) (a derivation's sizes and indices); `proof=False`
    skips the symbolic proof (for expressions it cannot treat, such as unrolled recursions)."""
    if e == g:
        return Decision(Verdict.EQUAL, lazy("identical after rewriting"), proved=True)
    ue, ug = _unknown_functions(e), _unknown_functions(g)
    if ue != ug:
        names = ", ".join(sorted(str(f) for f in ue ^ ug))
        return Decision(
            Verdict.UNDECIDED,
            lazy("depends on an unknown function ({names}); define it with an abbreviation (let)", names=names),
        )
    # the sampling stops a little before the check's hard limit, so that a difference it found
    # is reported rather than lost when the limit interrupts a long value (a sum at 5000 digits)
    margin = min(SAMPLING_MARGIN, 0.1 * max(0.0, deadline - time.monotonic()))
    s = sample(e, g, ctx, seed, N_POINTS, deadline - margin, cases)
    if s.differ:
        p, ev, gv = s.differ[0]
        cx = counterexample(p, ev, gv)
        differs = {
            "point": _point_text(p) or lazy("a sampled point"),
            "expected": _value_text(cx["expected"], ev),
            "given": _value_text(cx["given"], gv),
        }
        pv, case = point_values(p), s.cases.get(id(p))
        if len(s.agree) >= 2:
            where = _where(s)
            message = (
                lazy(
                    "equal for {where}; differs at {point} (expected {expected}, given {given})", where=where, **differs
                )
                if where
                else lazy(
                    "equal at {agree} of {sampled} sampled points; "
                    "differs at {point} (expected {expected}, given {given})",
                    agree=len(s.agree),
                    sampled=len(s.agree) + len(s.differ),
                    **differs,
                )
            )
            return Decision(Verdict.DOMAIN_ONLY, message, cx, point=pv, case=case, values=(ev, gv))
        message = lazy("differs at {point} (expected {expected}, given {given})", **differs)
        return Decision(Verdict.NOT_EQUAL, message, cx, point=pv, case=case, values=(ev, gv))
    # many points agree: a check at 250 digits sees what 40 cannot (a difference of 10^-40
    # relative), and then the quick rewritings suffice for the proof (sympy.simplify, which can
    # take the whole proof time, would only turn "numerically equal" into "proved")
    strong = len(s.agree) >= MIN_AGREE and s.finished and not s.unsupported and not s.incomplete
    fine, tiny = fine_agreement(s) if strong else ("unclear", None)
    extreme = extreme_constant(e, g) if strong else ""
    remaining = deadline - time.monotonic()
    # with agreement to 150 digits and no extreme constant the proof decides nothing (a constant
    # difference would have shown): it only says "proved", so it gets a short time
    budget = QUICK_PROOF_SECONDS if fine == "fine" and not extreme else PROOF_SECONDS
    proved = (
        prove_equal(e, g, ctx, min(budget, remaining), full=fine == "unclear") if proof and remaining > 0.05 else None
    )
    if isinstance(proved, str):
        return Decision(
            Verdict.NOT_EQUAL,
            lazy("the two differ by the constant {constant} (too small to see at the sampled points)", constant=proved),
        )
    if tiny is not None:
        p, ev, gv = tiny
        cx = counterexample(p, ev, gv)
        return Decision(
            Verdict.NOT_EQUAL,
            lazy(
                "differs by a tiny amount at {point} (expected − given = {difference})",
                point=_point_text(p),
                difference=fmt(ev - gv, 3),
            ),
            cx,
            point=point_values(p),
            case=s.cases.get(id(p)),
            values=(ev, gv),
        )
    if proved is True:
        return Decision(Verdict.EQUAL, lazy("proved symbolically"), proved=True)
    if s.unsupported:
        return Decision(
            Verdict.UNDECIDED,
            lazy("cannot evaluate numerically ({reason}) and no proof was found", reason=s.unsupported),
        )
    if s.incomplete:
        return Decision(Verdict.UNDECIDED, lazy("{reason}, and no proof was found", reason=s.incomplete))
    if not s.finished:
        return Decision(Verdict.UNDECIDED, lazy("ran out of time before every sample point was checked"))
    if s.beyond and len(s.agree) < MIN_AGREE:
        # points beyond the evaluator's reach were skipped: too few others to say "equal"
        return Decision(
            Verdict.UNDECIDED,
            lazy("cannot evaluate numerically ({reason}) and no proof was found", reason=s.beyond),
        )
    if extreme:
        return Decision(
            Verdict.UNDECIDED,
            lazy(
                "the constant {constant} is too small or too large to compare numerically, and no proof was found",
                constant=extreme,
            ),
        )
    if len(s.agree) >= MIN_AGREE:
        message = (
            lazy(
                "numerically equal at {n} random points to 25 significant digits "
                "(no symbolic proof within the time limit)",
                n=len(s.agree),
            )
            if proved is None
            else lazy(
                "numerically equal at {n} random points to 25 significant digits (no symbolic proof found)",
                n=len(s.agree),
            )
        )
        return Decision(Verdict.EQUAL, message)
    return Decision(
        Verdict.UNDECIDED,
        lazy("only {n} sampled points are defined for both and no proof was found", n=len(s.agree)),
    )
