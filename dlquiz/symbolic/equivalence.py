"""Answer equivalence: is the student's formula the reference formula?

Cheap checks first, then proof:

1. Both sides are parsed (whitelist grammar) and named functions are rewritten into
   elementary ones (σ -> 1/(1+e^(−x)), softplus -> ln(1+e^x), ...); derivatives are carried out.
2. Numeric sampling at 40 significant digits: 30 reproducible points (from `seed`), each
   variable drawn from its own domain (reals by default; ``x>0``, ``0<p<1``, ``y1 in {0,1}``,
   ``y1+y2+y3=1`` (solved for one variable), integers; sum limits such as K take whole values
   2..8, so a sum with a symbolic limit is checked for K = 2..8 concretely). Values are rounded
   to 3 significant digits so counterexamples read well. Every third point reaches out to
   |x| ≤ 10^4 on unbounded domains (whole numbers too), and 4 probe points go within 10^-3 and
   10^-6 of 0 or of a domain bound: those points can refute (a kink like relu(x − 50), a change
   near p = 0) but never count as agreement, since saturating functions agree far out to any
   precision.
   Two values differ when their difference exceeds 1e-25 relative (absolute below 1); a
   difference is confirmed at 90 digits, so rounding in a cancellation never refutes.
   A differing point gives NOT_EQUAL with that counterexample; agreement at some moderate
   points and not at others gives DOMAIN_ONLY ("equal for x > 0; differs at x = -0.785").
   Points where both sides are undefined (complex, division by zero) or both vanish are skipped.
3. Symbolic proof of ``expected − given = 0`` (expand, cancel, rewrite to exp, simplify) with
   the assumptions as SymPy symbol assumptions, under a hard time limit. A proof that ends in a
   nonzero constant (``x`` vs ``x + 10^-30``) is NOT_EQUAL.

Policy: EQUAL when the proof succeeds, or -- when it fails or runs out of time -- when at least
12 moderate random points agree to 25 significant digits and none differs (the message says
"numerically"). For analytic formulas agreement on many random points implies identity; for
piecewise ones a kink outside the sampled range (|x| > 10^4) can escape. With fewer defined
points and no proof the verdict is UNDECIDED. A near miss (a factor off by 1e-12, a sign on a
sub-domain, a missing ε) differs at some point and is never EQUAL. Formulas that depend on an
unknown function (∂L/∂o_i with L undefined) on one side only are UNDECIDED.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import sympy

from dlquiz.errors import ParseError
from dlquiz.symbolic.assumptions import Context, Domain, build_context, sympy_assumptions
from dlquiz.symbolic.functions import elementary, softmax
from dlquiz.symbolic.limits import TimeLimit, can_signal, run_limited, time_limit
from dlquiz.symbolic.numeric import (
    Num,
    Point,
    Undefined,
    Unsupported,
    close,
    defined,
    evaluate,
    fmt,
    negligible,
)
from dlquiz.symbolic.parse import Parsed, parse_math, to_unicode

N_POINTS = 30
MIN_AGREE = 12
PROOF_SECONDS = 0.4
SUM_LIMIT_DOMAIN = Domain(low=sympy.Integer(2), high=sympy.Integer(8), low_strict=False,
                          high_strict=False, integer=True)
INDEX_DOMAIN = Domain(low=sympy.Integer(1), high=sympy.Integer(3), low_strict=False,
                      high_strict=False, integer=True)
OPAQUE_DOMAIN = Domain(low=sympy.Integer(0), high=sympy.Integer(1))


class Verdict(str, Enum):  # noqa: UP042 - the interface promises (str, Enum)
    """The outcome of an equivalence check."""

    EQUAL = "equal"
    NOT_EQUAL = "not_equal"
    DOMAIN_ONLY = "domain_only"
    UNDECIDED = "undecided"
    ERROR = "error"


@dataclass(frozen=True)
class AnswerCheck:
    """What a check found: the verdict, the candidate as understood, and why."""

    verdict: Verdict
    interpreted: str = ""
    message: str = ""
    counterexample: dict[str, Any] | None = None
    mistake: int | None = None
    rule: str | None = None
    rule_message: str = ""
    rule_message_zh: str = ""
    ms: float = 0.0
    column: int | None = None  # for ERROR: 1-based column of the problem in the candidate
    reference: str = ""  # unicode echo of the reference
    proved: bool = False  # EQUAL by symbolic proof (False: by the numeric policy)

    @property
    def ok(self) -> bool:
        """The candidate is accepted."""
        return self.verdict is Verdict.EQUAL

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "verdict": self.verdict.value,
            "interpreted": self.interpreted,
            "reference": self.reference,
            "message": self.message,
            "counterexample": self.counterexample,
            "mistake": self.mistake,
            "rule": self.rule,
            "rule_message": self.rule_message,
            "rule_message_zh": self.rule_message_zh,
            "column": self.column,
            "proved": self.proved,
            "ms": round(self.ms, 2),
        }


# --------------------------------------------------------------------------- sampling


@dataclass
class Sampling:
    """Results of the numeric stage."""

    agree: list[Point] = field(default_factory=list)
    differ: list[tuple[Point, Num, Num]] = field(default_factory=list)
    skipped: int = 0
    unsupported: str = ""


def _implicit_domains(*exprs: sympy.Basic) -> dict[str, Domain]:
    out: dict[str, Domain] = {}
    for e in exprs:
        for s in e.atoms(sympy.Sum):
            for _k, lo, hi in s.limits:
                for sym in (lo.free_symbols | hi.free_symbols):
                    out[str(sym)] = SUM_LIMIT_DOMAIN
        for f in e.atoms(softmax):
            out[f"softmax({f.args[0]})"] = OPAQUE_DOMAIN
        for d in e.atoms(sympy.KroneckerDelta):  # indices i, j: whole numbers, often equal
            for sym in d.free_symbols:
                out.setdefault(str(sym), INDEX_DOMAIN)
    return out


def _solutions(ctx: Context) -> list[tuple[str, sympy.Expr]]:
    sols: list[tuple[str, sympy.Expr]] = []
    used: set[str] = set()
    for eq in ctx.equations:
        names = sorted((str(s) for s in eq.free_symbols), reverse=True)
        for name in names:
            if name in used:
                continue
            sym = sympy.Symbol(name)
            coeff = eq.coeff(sym)
            if coeff != 0 and not coeff.free_symbols and sympy.expand(eq - coeff * sym).coeff(
                    sym) == 0 and not (eq - coeff * sym).has(sym):
                sols.append((name, -(eq - coeff * sym) / coeff))
                used.add(name)
                break
        else:
            raise ParseError(f"cannot use the equation {eq} = 0: it must be linear in a variable",
                             column=None, text=str(eq))
    return sols


WIDE_EVERY = 3  # every 3rd point reaches far out (|x| up to 10^4) on unbounded domains
CONFIRM_DPS = 90


PROBES = (1e-3, 1e-6)  # extra points this close to 0 or to a bound (refute only)


def _point(ctx: Context, seed: int, index: int, fixed: dict[str, Domain],
           sols: list[tuple[str, sympy.Expr]], probe: float | None = None) -> Point | None:
    for attempt in range(200):
        p = Point(ctx, seed, index * 1000 + attempt, fixed,
                  wide=probe is None and index % WIDE_EVERY == WIDE_EVERY - 1, cycle=index,
                  cyclic=frozenset(n for n, d in fixed.items() if d is SUM_LIMIT_DOMAIN),
                  probe=probe)
        ok = True
        for name, sol in sols:
            try:
                v = evaluate(sol, p)
            except (Undefined, Unsupported):
                ok = False
                break
            if not defined(v) or not ctx.domain(name).contains(float(v.real)):
                ok = False
                break
            p.values[name] = v
        if ok:
            return p
    return None


def sample(expected: sympy.Expr, given: sympy.Expr, ctx: Context, seed: int,
           n: int = N_POINTS, deadline: float | None = None) -> Sampling:
    """Evaluate both expressions at n reproducible points and sort the points."""
    res = Sampling()
    fixed = _implicit_domains(expected, given)
    sols = _solutions(ctx)
    plan: list[tuple[int, float | None]] = [(i, None) for i in range(n)]
    plan += [(n + j, PROBES[j % len(PROBES)]) for j in range(2 * len(PROBES))]
    for i, probe in plan:
        if deadline is not None and time.monotonic() > deadline:
            break
        p = _point(ctx, seed, i, fixed, sols, probe)
        if p is None:
            res.unsupported = "could not draw a point that meets the assumptions"
            break
        try:
            ev, gv = _value_at(expected, p), _value_at(given, p)
        except Unsupported as exc:
            res.unsupported = str(exc)
            break
        e_ok = ev is not None and defined(ev)
        g_ok = gv is not None and defined(gv)
        if not e_ok and not g_ok:
            res.skipped += 1
        elif e_ok and g_ok and close(ev, gv):
            if p.wide or p.probe is not None or \
                    (negligible(ev) and negligible(gv) and not (ev == 0 and gv == 0)):
                # far out, saturating functions agree to any precision (tanh and 2σ(x) − 1 are
                # both 1 at x = 5000): such points may refute, never support
                res.skipped += 1
            else:
                res.agree.append(p)
        elif e_ok and g_ok and _cancellation(expected, given, p):
            res.skipped += 1
        else:
            res.differ.append((p, ev, gv))
    return res


def _value_at(expr: sympy.Expr, p: Point) -> Any:
    """The value of `expr` at `p`, or None where it is undefined (Unsupported propagates)."""
    try:
        return evaluate(expr, p)
    except Undefined:
        return None


def _cancellation(expected: sympy.Expr, given: sympy.Expr, p: Point) -> bool:
    """Whether a difference disappears at 90 digits (it was rounding, not a real difference)."""
    try:
        return close(evaluate(expected, p, CONFIRM_DPS), evaluate(given, p, CONFIRM_DPS), 1e-60,
                     CONFIRM_DPS)
    except (Undefined, Unsupported):
        return False


def numerically_equal(a: sympy.Expr, b: sympy.Expr, ctx: Context, seed: int = 0,
                      n: int = 16) -> bool:
    """Whether two prepared expressions agree at every sampled point (used to match mistakes)."""
    try:
        s = sample(a, b, ctx, seed, n)
    except ParseError:
        return False
    return not s.differ and not s.unsupported and len(s.agree) >= min(4, n)


# --------------------------------------------------------------------------- proof


def _with_assumptions(expr: sympy.Expr, ctx: Context) -> sympy.Expr:
    repl = {}
    for s in expr.free_symbols:
        if isinstance(s, sympy.Symbol) and not isinstance(s, sympy.Dummy):
            repl[s] = sympy.Symbol(s.name, **sympy_assumptions(ctx.domain(s.name)))
    return expr.xreplace(repl)


def _proof_job(d: sympy.Expr) -> tuple[str, str]:
    """("zero", "") when d simplifies to 0, ("constant", c) for a nonzero constant, else
    ("unknown", "")."""
    if d == 0:
        return "zero", ""
    r = d.rewrite(sympy.exp) if d.has(sympy.tanh, sympy.sinh, sympy.cosh) else d
    steps: tuple[Any, ...] = (
        sympy.expand,
        lambda x: sympy.factor_terms(sympy.together(sympy.expand(r))),
        lambda x: sympy.cancel(sympy.expand(r)),
        lambda x: sympy.cancel(sympy.powsimp(sympy.expand(r))),
    )
    if not d.has(sympy.Piecewise, sympy.Max, sympy.Min, sympy.floor, sympy.ceiling):
        steps += (lambda x: sympy.simplify(r), sympy.simplify)  # slow; piecewise ones slower
    for step in steps:
        try:
            out = step(d)
        except (TypeError, ValueError, NotImplementedError, RecursionError,
                AttributeError, ZeroDivisionError, sympy.PolynomialError):
            continue
        if out == 0:
            return "zero", ""
        if out.is_number and out.is_real and out.is_zero is False:
            return "constant", to_unicode(out)
    return "unknown", ""


def prove_equal(expected: sympy.Expr, given: sympy.Expr, ctx: Context,
                seconds: float) -> bool | None | str:
    """True if expected − given simplifies to 0 in time, None when time ran out, False when no
    proof was found, or the text of a nonzero constant difference."""
    if expected.has(sympy.Sum) or given.has(sympy.Sum):
        return False  # sums with symbolic limits are checked for K = 2..8 numerically
    d = expected - given
    for name, sol in _solutions(ctx):
        d = d.subs(sympy.Symbol(name), sol)
    d = _with_assumptions(d, ctx)
    try:
        status, value = run_limited(_proof_job, d, seconds=seconds)
    except TimeLimit:
        return None
    except RuntimeError:
        return False
    if status == "zero":
        return True
    return value if status == "constant" else False


# --------------------------------------------------------------------------- checks


def _parse_side(value: str | sympy.Expr, which: str, latex: bool | None,
                let: Mapping[str, str] | None, timeout: float) -> Parsed:
    if isinstance(value, sympy.Basic):  # an expression built by code, not typed text
        if not isinstance(value, sympy.Expr):
            raise ParseError(f"{which}: expected an expression, got a {type(value).__name__}", column=None)
        return Parsed(expr=value, text=to_unicode(value), syntax="calc", pretty=to_unicode(value))
    if not isinstance(value, str):
        raise ParseError(f"{which}: expected a text or a SymPy expression", column=None)
    return parse_math(value, latex=latex, let=let, timeout=min(timeout, 1.0))


def prepare(expr: sympy.Expr, seconds: float = 1.0) -> sympy.Expr:
    """Named functions rewritten to elementary ones, derivatives carried out (time-limited)."""
    try:
        with time_limit(seconds):
            out = elementary(expr)
            if out.has(sympy.Sum):
                out = out.replace(lambda e: isinstance(e, sympy.Sum) and
                                  all(not (a.free_symbols | b.free_symbols)
                                      for _k, a, b in e.limits),
                                  lambda e: e.doit())
            return out
    except TimeLimit:
        raise
    except (TypeError, ValueError, NotImplementedError, RecursionError):
        return expr


def _counterexample(p: Point, ev: Num | None, gv: Num | None) -> dict[str, Any]:
    point = {k: fmt(v, 6) for k, v in sorted(p.values.items()) if not k.startswith("opaque:")}
    digits = 10
    e_txt = "undefined" if ev is None else fmt(ev, digits)
    g_txt = "undefined" if gv is None else fmt(gv, digits)
    while e_txt == g_txt and digits < 36 and ev is not None and gv is not None:
        digits += 4  # a near miss: show enough digits to see the difference
        e_txt, g_txt = fmt(ev, digits), fmt(gv, digits)
    return {"point": point, "expected": e_txt, "given": g_txt}


def _point_text(p: Point) -> str:
    from dlquiz.symbolic.parse import unicode_name

    return ", ".join(f"{unicode_name(k)} = {fmt(v, 6)}" for k, v in sorted(p.values.items())
                     if not k.startswith("opaque:"))


def _num(v: float) -> str:
    return f"{v:.3g}"


def _where(s: Sampling) -> str:
    names = sorted(set().union(*(p.values for p in s.agree)))
    from dlquiz.symbolic.parse import unicode_name

    for i, a in enumerate(names):  # equal on the diagonal: i = j
        for b in names[i + 1:]:
            pts = [p for p in s.agree] + [p for p, _, _ in s.differ]
            if not all(a in p.values and b in p.values for p in pts):
                continue
            if all(p.values[a] == p.values[b] for p in s.agree) and \
                    all(p.values[a] != p.values[b] for p, _, _ in s.differ):
                return f"{unicode_name(a)} = {unicode_name(b)}"
            if all(p.values[a] != p.values[b] for p in s.agree) and \
                    all(p.values[a] == p.values[b] for p, _, _ in s.differ):
                return f"{unicode_name(a)} ≠ {unicode_name(b)}"
    for name in names:
        try:
            av = [float(p.values[name].real) for p in s.agree if name in p.values]
            dv = [float(p.values[name].real) for p, _, _ in s.differ if name in p.values]
        except (TypeError, AttributeError):
            continue
        if len(av) != len(s.agree) or len(dv) != len(s.differ):
            continue
        from dlquiz.symbolic.parse import unicode_name

        if set(av).isdisjoint(dv) and len(set(av)) == 1 and float(av[0]).is_integer():
            return f"{unicode_name(name)} = {int(av[0])}"
        if all(a > 0 for a in av) and all(d < 0 for d in dv):
            return f"{unicode_name(name)} > 0"
        if all(a < 0 for a in av) and all(d > 0 for d in dv):
            return f"{unicode_name(name)} < 0"
        if av and dv and min(av) > max(dv):
            return f"the sampled points with {unicode_name(name)} > {_num(max(dv))}"
        if av and dv and max(av) < min(dv):
            return f"the sampled points with {unicode_name(name)} < {_num(min(dv))}"
    return ""


def _unknown_functions(e: sympy.Expr) -> set[sympy.Basic]:
    return {f.func for f in e.atoms(sympy.core.function.AppliedUndef)}


def _decide(e: sympy.Expr, g: sympy.Expr, ctx: Context, seed: int,
            deadline: float) -> tuple[Verdict, str, dict[str, Any] | None, bool]:
    if e == g:
        return Verdict.EQUAL, "identical after rewriting", None, True
    ue, ug = _unknown_functions(e), _unknown_functions(g)
    if ue != ug:
        names = ", ".join(sorted(str(f) for f in ue ^ ug))
        return Verdict.UNDECIDED, f"depends on an unknown function ({names}); define it with " \
            "an abbreviation (let)", None, False
    s = sample(e, g, ctx, seed, N_POINTS, deadline)
    if s.differ:
        p, ev, gv = s.differ[0]
        cx = _counterexample(p, ev, gv)
        at = _point_text(p) or "a sampled point"
        values = f"expected {cx['expected']}, given {cx['given']}"
        if len(s.agree) >= 2:
            where = _where(s)
            head = f"equal for {where}" if where else \
                f"equal at {len(s.agree)} of {len(s.agree) + len(s.differ)} sampled points"
            return Verdict.DOMAIN_ONLY, f"{head}; differs at {at} ({values})", cx, False
        return Verdict.NOT_EQUAL, f"differs at {at} ({values})", cx, False
    remaining = deadline - time.monotonic()
    proved = prove_equal(e, g, ctx, min(PROOF_SECONDS, remaining)) if remaining > 0.05 else None
    if proved is True:
        return Verdict.EQUAL, "proved symbolically", None, True
    if isinstance(proved, str):
        return Verdict.NOT_EQUAL, f"the two differ by the constant {proved} (too small to " \
            "see at the sampled points)", None, False
    if s.unsupported:
        return Verdict.UNDECIDED, f"cannot evaluate numerically ({s.unsupported}) and no proof " \
            "was found", None, False
    if len(s.agree) >= MIN_AGREE:
        how = "no symbolic proof within the time limit" if proved is None else \
            "no symbolic proof found"
        return Verdict.EQUAL, f"numerically equal at {len(s.agree)} random points to 25 " \
            f"significant digits ({how})", None, False
    return Verdict.UNDECIDED, f"only {len(s.agree)} sampled points are defined for both and no " \
        "proof was found", None, False


def check_equivalence(*, expected: str | sympy.Expr, given: str | sympy.Expr,
                      assumptions: Sequence[str] = (), latex: bool | None = None,
                      let: Mapping[str, str] | None = None, timeout: float = 3.0,
                      seed: int = 0) -> AnswerCheck:
    """Decide whether `given` equals `expected` under the assumptions.

    Returns an AnswerCheck; a candidate that cannot be read gives verdict ERROR with the
    message and column (never an exception). The whole check runs under a hard time limit:
    a timer signal in the main thread, a child process elsewhere.
    """
    args = (expected, given, tuple(assumptions), latex, dict(let) if let else None, timeout, seed)
    if can_signal():
        return _check(*args)
    t0 = time.perf_counter()
    try:
        return run_limited(_check, *args, seconds=timeout + 2.0)
    except (TimeLimit, RuntimeError) as exc:
        return AnswerCheck(verdict=Verdict.UNDECIDED, ms=(time.perf_counter() - t0) * 1000,
                           message="time limit reached" if isinstance(exc, TimeLimit) else
                           f"the check failed: {exc}")


def _check(expected: str | sympy.Expr, given: str | sympy.Expr, assumptions: tuple[str, ...],
           latex: bool | None, let: dict[str, str] | None, timeout: float,
           seed: int) -> AnswerCheck:
    t0 = time.perf_counter()
    deadline = time.monotonic() + timeout

    def done(**kw: Any) -> AnswerCheck:
        return AnswerCheck(ms=(time.perf_counter() - t0) * 1000, **kw)

    try:
        ctx = build_context(assumptions)
    except ParseError as exc:
        return done(verdict=Verdict.ERROR, message=str(exc))
    try:
        ref = _parse_side(expected, "reference", latex, let, timeout)
    except ParseError as exc:
        return done(verdict=Verdict.ERROR, message=f"reference: {exc}")
    try:
        cand = _parse_side(given, "candidate", latex, let, timeout)
    except ParseError as exc:
        return done(verdict=Verdict.ERROR, message=str(exc), column=exc.column,
                    reference=ref.pretty)
    try:
        with time_limit(max(0.05, deadline - time.monotonic())):
            e = prepare(ref.expr, max(0.05, deadline - time.monotonic()))
            g = prepare(cand.expr, max(0.05, deadline - time.monotonic()))
            verdict, msg, cx, proved = _decide(e, g, ctx, seed, deadline)
    except TimeLimit:
        return done(verdict=Verdict.UNDECIDED, message="time limit reached",
                    interpreted=cand.pretty, reference=ref.pretty)
    except ParseError as exc:
        return done(verdict=Verdict.ERROR, message=str(exc), interpreted=cand.pretty,
                    reference=ref.pretty)
    return done(verdict=verdict, message=msg, counterexample=cx, interpreted=cand.pretty,
                reference=ref.pretty, proved=proved)


def check_answer(*, expected: str, given: str, assumptions: Sequence[str] = (),
                 let: Mapping[str, str] | None = None, mistakes: Sequence[str] = (),
                 latex: bool | None = None, timeout: float = 3.0, seed: int = 0) -> AnswerCheck:
    """check_equivalence, then for a wrong answer: which known mistake and which catalogue rule.

    `mistakes` are formulas of known wrong answers; `mistake` in the result is the index of the
    one the candidate is equivalent to. `rule` names the deep-learning wrong rule that matches.
    """
    t0 = time.perf_counter()
    res = check_equivalence(expected=expected, given=given, assumptions=assumptions,
                            latex=latex, let=let, timeout=timeout, seed=seed)
    if res.verdict not in (Verdict.NOT_EQUAL, Verdict.DOMAIN_ONLY):
        return res
    from dataclasses import replace

    try:
        with time_limit(max(0.2, timeout - res.ms / 1000)):
            mistake, rule = _diagnose(expected, given, assumptions, let, mistakes, latex, seed)
    except (ParseError, TimeLimit):
        return res
    out = replace(res, mistake=mistake)
    if rule is not None:
        out = replace(out, rule=rule.name, rule_message=rule.en, rule_message_zh=rule.zh)
    return replace(out, ms=(time.perf_counter() - t0) * 1000)


def _diagnose(expected: str, given: str, assumptions: Sequence[str],
              let: Mapping[str, str] | None, mistakes: Sequence[str], latex: bool | None,
              seed: int) -> tuple[int | None, Any]:
    """The index of the known mistake the candidate equals, and the matching catalogue rule."""
    from dlquiz.symbolic import rules

    ctx = build_context(assumptions)
    g = prepare(parse_math(given, latex=latex, let=let).expr)
    mistake: int | None = None
    for i, m in enumerate(mistakes):
        try:
            me = prepare(parse_math(m, let=let).expr)
        except ParseError:
            continue
        if numerically_equal(me, g, ctx, seed):
            mistake = i
            break
    ref = parse_math(expected, latex=latex, let=let).expr
    return mistake, rules.match(ref, g, ctx)
