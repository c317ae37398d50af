"""The one sampler: where two prepared expressions are compared numerically.

`equiv`, quiz grading, `bank check` and the derivation checker (`check`) all sample through
`sample` (and decide through `policy.decide`), so "equal" means one thing everywhere.

Points (all reproducible from `seed`):

- 30 random points, every variable drawn from its own domain (numeric.sample_value); every third
  reaches out to |x| ≤ 10^4 on unbounded domains, and 4 probes go within 10^-3 and 10^-6 of 0 or
  of a domain bound. A derivation's concrete cases (sizes K = 2…8, indices, unrolled
  recursions) are cycled through the points, one case per point.
- When fewer than MIN_AGREE points are defined for both sides and none differs, 30 more points
  with every unconstrained real variable positive (log x, √x without an assumption).
- Integer variables (declared integer, not sum limits) are checked exhaustively over every
  residue modulo M, the lcm of the moduli in floor/ceil/Mod and of the denominators of the
  rational coefficients inside them (2 for (−1)^n): a block of 2M consecutive whole numbers per
  variable, or all values of a finite range. More than MAX_RESIDUE_POINTS combinations cannot
  be covered: the sampling is then marked incomplete and no numeric "equal" is given. A modulus
  that is itself a variable (floor(n/s)) is not enumerated: random points cover it.
- An odd or even variable (``n odd``) takes values of its parity only, at random points and in
  the exhaustive check. An index with a symbolic range (``1 <= k <= K``, ``0 <= t < T``) is
  drawn after its size, inside the range; the exhaustive check keeps the combinations that meet
  the range and moves the others by whole periods until they do (residues.py), or is marked
  incomplete.
- Kinks of piecewise functions (|u|, sign, Heaviside, max/min, relu, Piecewise conditions,
  floor/ceil at whole values of their argument) are located on a variable the argument is
  linear in and probed on both sides, 10^-3 and 10^-8 (relative) away.

Values are computed at 40 significant digits. A point where a value underflows (log of a value
that rounds to 0, 1 − σ(250)) is evaluated again at 90, 250, 700, 2000 and 5000 digits; if it
still underflows it is undefined only where the argument is exactly 0 at the point (SymPy,
exact values): otherwise the point is skipped (a limit of ours, not of the mathematics), and
when SymPy cannot tell no numeric "equal" is given.
A point where a sum or product has more terms than the evaluator computes (numeric.BeyondReach)
is no evidence either: it is drawn again with its whole numbers within 1000, 100, then 10 of
their lowest value (so far-out points still refute), and skipped if still out of reach. Sums
and the precision ladder look at the deadline (numeric.OutOfTime): the sampling then stops,
unfinished, and keeps a difference it found; after a confirmed difference, points that can
only refute are not evaluated.
A difference is confirmed at increasing precision (the values must be
stable across two precisions and still differ); a difference that vanishes at higher precision
was rounding. Wide, probe and kink points may refute but never count as agreement (saturating
functions agree far out to any precision), nor do points where both values are below 1e-15.

Size: the point plan, kink and residue probes and the precision ladder are one procedure; the
integer-range helpers live in residues.py.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import product
from typing import Any

import sympy
from mpmath import mp, mpf

from dlquiz.errors import ParseError
from dlquiz.i18n import lazy, message_of
from dlquiz.symbolic.assumptions import Context, Domain
from dlquiz.symbolic.functions import softmax
from dlquiz.symbolic.numeric import (
    DPS,
    BeyondReach,
    Num,
    OutOfTime,
    Point,
    Undefined,
    Underflow,
    Unsupported,
    close,
    defined,
    evaluate,
    exactly_zero,
    negligible,
)
from dlquiz.symbolic.residues import modulus, named_bounds_hold, point_meets_bounds, repair

N_POINTS = 30
MIN_AGREE = 12
WIDE_EVERY = 3  # every 3rd point reaches far out (|x| up to 10^4) on unbounded domains
PROBES = (1e-3, 1e-6)  # extra points this close to 0 or to a bound (refute only)
KINK_OFFSETS = (mpf("1e-3"), mpf("1e-8"))  # relative distance of kink probes to the kink
KINK_BASES = 3  # kinks are located from this many random points
MAX_KINK_POINTS = 48
MAX_RESIDUE_POINTS = 400
PRECISIONS = (90, 250, 700, 2000, 5000)  # adaptive precision for underflow and confirmation
REACHES = (1000, 100, 10)  # a point a sum cannot be evaluated at is drawn again, whole numbers within these

SUM_LIMIT_DOMAIN = Domain(
    low=sympy.Integer(2), high=sympy.Integer(8), low_strict=False, high_strict=False, integer=True
)
INDEX_DOMAIN = Domain(low=sympy.Integer(1), high=sympy.Integer(3), low_strict=False, high_strict=False, integer=True)
OPAQUE_DOMAIN = Domain(low=sympy.Integer(0), high=sympy.Integer(1))
POSITIVE = Domain(low=sympy.Integer(0))


@dataclass(frozen=True)
class Case:
    """One concrete instance of a comparison: fixed whole-number values (sizes, indices) and the
    expressions with those values put in; `onehot` lists groups of names of which exactly one
    is 1 and the others 0 (a one-hot label over the classes)."""

    expected: sympy.Expr
    given: sympy.Expr
    values: tuple[tuple[str, int], ...] = ()
    onehot: tuple[tuple[str, ...], ...] = ()


@dataclass
class Sampling:
    """Results of the numeric stage: points that agree, points that differ (with the case and
    both values), points skipped, and why sampling could not finish (if so)."""

    agree: list[Point] = field(default_factory=list)
    differ: list[tuple[Point, Num, Num]] = field(default_factory=list)
    skipped: int = 0
    beyond: str = ""  # why some points could not be evaluated (a limit of the evaluator): skipped, not evidence
    unsupported: str = ""
    incomplete: str = ""  # the integer residues could not all be covered
    finished: bool = False  # every planned point was tried (not cut short by the deadline)
    cases: dict[int, Case] = field(default_factory=dict)  # id(point) -> its case


# --------------------------------------------------------------------------- values


def _at_precision(p: Point, dps: int) -> Point:
    """The point with the names it solved from equations (y3 = 1 − y1 − y2) computed again at
    `dps` digits, so that more digits do not meet a value rounded at 40."""
    if not p.solved or dps <= DPS:
        return p
    q = Point(p.ctx, p.seed, p.index, p.fixed, p.wide, p.cycle, p.cyclic, p.probe, p.positive, p.refute_only, p.reach)
    q.values = dict(p.values)
    for name, sol in p.solved:
        q.values[name] = evaluate(sol, q, dps)
    return q


def value_at(expr: sympy.Basic, p: Point, start: int = DPS, deadline: float | None = None) -> Num | None:
    """The value of `expr` at `p`, at the precision it needs; None where it is undefined.

    A value that underflows at `start` digits is computed again at each of PRECISIONS before
    the point is called undefined. Unsupported (and BeyondReach: a sum with too many terms, which
    is no evidence that the value is undefined) propagates; OutOfTime when `deadline` (a
    time.monotonic() value) passes before the value is known.
    """
    last: Underflow | None = None
    for dps in (start, *[d for d in PRECISIONS if d > start]):
        if dps > start and deadline is not None and time.monotonic() > deadline:
            raise OutOfTime(lazy("ran out of time before every sample point was checked"))
        try:
            v = evaluate(expr, _at_precision(p, dps), dps, deadline)
        except Underflow as exc:
            last = exc
            continue
        except Undefined:
            return None
        return v if defined(v) else None
    # still too close to 0 at the most digits: undefined only where that argument is exactly 0
    zero = exactly_zero(last, p.values, p.solved) if last is not None else True
    if zero:
        return None
    reason = lazy("a value too close to 0 to evaluate at {digits} digits", digits=max(start, *PRECISIONS))
    raise BeyondReach(reason, doubt=zero is None)


def _confirm(
    expected: sympy.Expr,
    given: sympy.Expr,
    p: Point,
    first: tuple[Num, Num] | None = None,
    deadline: float | None = None,
) -> bool | None:
    """Whether a difference seen at 40 digits (`first`: the two values there) is real: True
    (stable across two precisions and different), False (it vanishes at higher precision:
    rounding), None (undecidable here: skip the point)."""
    if first is not None and (first[0] is None) != (first[1] is None):
        return True  # value_at already tried every precision: one side is undefined here
    last: tuple[Num, Num] | None = first
    for dps in PRECISIONS:
        try:
            ev, gv = value_at(expected, p, dps, deadline), value_at(given, p, dps, deadline)
        except Unsupported:
            return None
        if ev is None and gv is None:
            return None
        if ev is None or gv is None:
            if last is not None and (last[0] is None) == (ev is None):
                return True  # one side undefined at two precisions
            last = (ev, gv)
            continue
        tol = 10.0 ** -(dps * 2 // 3)
        if close(ev, gv, tol, dps):
            return False
        if (
            last is not None
            and last[0] is not None
            and last[1] is not None
            and close(ev, last[0], 1e-20, dps)
            and close(gv, last[1], 1e-20, dps)
        ):
            return True
        last = (ev, gv)
    return None


def _far_apart(ev: Num, gv: Num) -> bool:
    """Two defined values that differ by more than 10^-12 relative: at 40 digits that is no
    rounding at a moderate point (the first difference of a sampling is still confirmed)."""
    if ev is None or gv is None:
        return False
    scale = max(abs(ev), abs(gv))
    return bool(scale > 1e-10 and abs(ev - gv) > 1e-12 * scale)


# --------------------------------------------------------------------------- domains


def implicit_domains(*exprs: sympy.Basic) -> dict[str, Domain]:
    """Domains the formula itself implies: sum limits 2…8, Kronecker indices 1…3, softmax
    outputs in (0, 1)."""
    out: dict[str, Domain] = {}
    for e in exprs:
        for s in e.atoms(sympy.Sum, sympy.Product):
            for _k, lo, hi in s.limits:
                # a limit bound by an outer sum (the i of ∑_i ∑_{j ≤ i}) is no variable of the formula
                for sym in (lo.free_symbols | hi.free_symbols) & e.free_symbols:
                    out[str(sym)] = SUM_LIMIT_DOMAIN
        for f in e.atoms(softmax):
            out[f"softmax({f.args[0]})"] = OPAQUE_DOMAIN
        for d in e.atoms(sympy.KroneckerDelta):  # indices i, j: whole numbers, often equal
            for sym in d.free_symbols:
                out.setdefault(str(sym), INDEX_DOMAIN)
    return out


def solutions(ctx: Context) -> list[tuple[str, sympy.Expr]]:
    """Each assumed equation (y1 + y2 + y3 = 1) solved for one variable."""
    sols: list[tuple[str, sympy.Expr]] = []
    used: set[str] = set()
    for eq in ctx.equations:
        names = sorted((str(s) for s in eq.free_symbols), reverse=True)
        for name in names:
            if name in used:
                continue
            sym = sympy.Symbol(name)
            coeff = eq.coeff(sym)
            if (
                coeff != 0
                and not coeff.free_symbols
                and sympy.expand(eq - coeff * sym).coeff(sym) == 0
                and not (eq - coeff * sym).has(sym)
            ):
                sols.append((name, -(eq - coeff * sym) / coeff))
                used.add(name)
                break
        else:
            raise ParseError(
                lazy("cannot use the equation {equation} = 0: it must be linear in a variable", equation=str(eq)),
                column=None,
                text=str(eq),
            )
    return sols


# --------------------------------------------------------------------------- integer residues


def _int_block(d: Domain, m: int, rng: random.Random) -> list[int]:
    """Whole numbers of a domain covering every residue modulo m twice (all of a small range);
    for an odd or even variable only the numbers of its parity (every residue modulo m that
    such a number can have)."""
    if d.parity is not None:
        m = math.lcm(m, 2)
    lo = None if d.low is None else math.ceil(float(d.low))
    if lo is not None and d.low is not None and d.low_strict and float(d.low).is_integer():
        lo += 1
    hi = None if d.high is None else math.floor(float(d.high))
    if hi is not None and d.high is not None and d.high_strict and float(d.high).is_integer():
        hi -= 1
    if lo is not None and hi is not None:
        if hi - lo + 1 <= 2 * m:
            block = list(range(lo, hi + 1))
        else:
            start = rng.randint(lo, hi - 2 * m + 1)
            block = list(range(start, start + 2 * m))
    elif lo is not None:
        block = list(range(lo, lo + 2 * m))
    elif hi is not None:
        block = list(range(hi - 2 * m + 1, hi + 1))
    else:
        block = list(range(-m, m))
    if d.parity is not None:
        block = [v for v in block if v % 2 == (1 if d.parity == "odd" else 0)]
    return block


def residue_plan(
    exprs: Sequence[sympy.Basic], ctx: Context, fixed: dict[str, Domain], rng: random.Random
) -> tuple[list[dict[str, int]], str]:
    """Values of the integer variables that cover every residue (and an excuse if they can't).

    Odd and even variables take only values of their parity; values that break a symbolic
    bound (``1 <= k <= K``) are left out, or moved by whole periods until they meet it.
    """
    names = sorted(
        {
            s.name
            for e in exprs
            for s in e.free_symbols
            if isinstance(s, sympy.Symbol)
            and s.name not in fixed
            and ctx.domain(s.name).integer
            and not ctx.domain(s.name).values
        }
    )
    if not names:
        return [], ""
    m = modulus(*exprs)
    if m == 1 and not any(e.has(sympy.floor, sympy.ceiling, sympy.Mod) for e in exprs):
        return [], ""  # polynomial and analytic in whole numbers: random points suffice
    blocks = [_int_block(ctx.domain(n), m, rng) for n in names]
    present = frozenset(str(x) for e in exprs for x in e.free_symbols)
    named = any(ctx.domain(n).low_name is not None or ctx.domain(n).high_name is not None for n in names)
    if len(names) == 1:
        return [{names[0]: v} for v in blocks[0]], ""
    # several variables: every combination of residues, each at one value of its block
    period = math.lcm(m, 2) if any(ctx.domain(n).parity for n in names) else m
    residues = [sorted({v % period: v for v in b}.items()) for b in blocks]
    total = math.prod(len(r) for r in residues)
    if total > MAX_RESIDUE_POINTS:
        return [], lazy(
            "{total} combinations of residues modulo {modulus} of {names} are too many to check",
            total=total,
            modulus=m,
            names=", ".join(names),
        )
    plan = [{n: v for n, (_r, v) in zip(names, combo, strict=True)} for combo in product(*residues)]
    if not named:
        return plan, ""
    # symbolic bounds: every combination of values that meets them (when few), then each
    # combination of residues not yet covered, moved by whole periods until it meets them
    out: list[dict[str, int]] = []
    if math.prod(len(b) for b in blocks) <= MAX_RESIDUE_POINTS:
        combos = [dict(zip(names, vs, strict=True)) for vs in product(*blocks)]
        out = [c for c in combos if named_bounds_hold(c, ctx, names, present) is True]
    covered = {tuple(c[n] % period for n in names) for c in out}
    for c in plan:
        if tuple(c[n] % period for n in names) in covered:
            continue
        fixed_c = repair(c, ctx, names, period, present)
        if fixed_c is None:
            return [], lazy(
                "the ranges of {names} leave residues modulo {modulus} that cannot be checked",
                names=", ".join(names),
                modulus=m,
            )
        out.append(fixed_c)
    return out, ""


# --------------------------------------------------------------------------- kinks


def kinks(expr: sympy.Basic) -> list[tuple[sympy.Expr, bool]]:
    """(argument, at whole values) of every kink: |u|, sign(u), H(u) at u = 0, max/min where two
    arguments meet, a Piecewise condition's boundary, floor/ceil where u is a whole number."""
    out: list[tuple[sympy.Expr, bool]] = []
    for node in sympy.preorder_traversal(expr):
        if isinstance(node, (sympy.Abs, sympy.sign, sympy.Heaviside)):
            out.append((node.args[0], False))
        elif isinstance(node, (sympy.Max, sympy.Min)):
            args = node.args
            out += [(a - b, False) for i, a in enumerate(args) for b in args[i + 1 :]]
        elif isinstance(node, sympy.Piecewise):
            for _val, cond in node.args:
                for rel in (
                    [cond]
                    if isinstance(cond, sympy.core.relational.Relational)
                    else cond.atoms(sympy.core.relational.Relational)
                ):
                    out.append((rel.lhs - rel.rhs, False))
        elif isinstance(node, (sympy.floor, sympy.ceiling)):
            out.append((node.args[0], True))
    return out


def _kink_points(
    case: Case,
    bases: Sequence[Point],
    ctx: Context,
    fixed: dict[str, Domain],
    sols: list[tuple[str, sympy.Expr]],
    seed: int,
    first: int,
) -> list[Point]:
    """Points on both sides of each kink, from the values of `bases`."""
    found = {k for e in (case.expected, case.given) for k in kinks(e)}
    held = {n for n, _ in case.values} | {n for g in case.onehot for n in g} | {n for n, _ in sols}
    out: list[Point] = []
    for arg, whole in sorted(found, key=str):
        for sym in sorted(arg.free_symbols, key=str):
            if (
                not isinstance(sym, sympy.Symbol)
                or isinstance(sym, sympy.Dummy)
                or sym.name in fixed
                or sym.name in held
                or ctx.domain(sym.name).integer
            ):
                continue
            slope = sympy.diff(arg, sym)
            if slope.has(sym) or slope == 0:
                continue
            rest = arg.xreplace({sym: sympy.Integer(0)})
            for base in bases:
                try:
                    a, b = evaluate(slope, base), evaluate(rest, base)
                    target = mp.nint(evaluate(arg, base)) if whole else mpf(0)
                except (Undefined, Unsupported):
                    continue
                if not defined(a) or not defined(b) or a == 0:
                    continue
                with mp.workdps(DPS):
                    root = (target - b.real) / a.real
                    # on both sides of the kink, and at the kink itself (sign(x)² is 0 there, not 1)
                    for off, side in [(mpf(0), 0)] + [(o, d) for o in KINK_OFFSETS for d in (-1, 1)]:
                        v = root + side * off * max(mpf(1), abs(root))
                        if not ctx.domain(sym.name).contains(float(v)):
                            continue
                        p = Point(ctx, seed, first + len(out), fixed, refute_only=True)
                        p.at_kink = side == 0
                        p.values = {k: x for k, x in base.values.items() if k not in dict(sols)}
                        p.values[sym.name] = v
                        if _fill(p, sols, ctx):
                            out.append(p)
                if len(out) >= MAX_KINK_POINTS:
                    return out
    return out


# --------------------------------------------------------------------------- sampling


def _fill(p: Point, sols: list[tuple[str, sympy.Expr]], ctx: Context) -> bool:
    p.solved = sols
    for name, sol in sols:
        try:
            v = evaluate(sol, p)
        except (Undefined, Unsupported):
            return False
        if not defined(v) or not ctx.domain(name).contains(float(v.real)):
            return False
        p.values[name] = v
    return True


def _preset(p: Point, case: Case) -> None:
    for name, v in case.values:
        p.values[name] = mpf(v)
    for g, group in enumerate(case.onehot):
        rng = random.Random(p.seed * 7919 + p.index * 31 + g)
        hot = rng.randrange(len(group))
        for k, name in enumerate(group):
            p.values[name] = mpf(1 if k == hot else 0)


def _draw(
    ctx: Context,
    seed: int,
    index: int,
    fixed: dict[str, Domain],
    sols: list[tuple[str, sympy.Expr]],
    case: Case,
    *,
    probe: float | None = None,
    positive: bool = False,
    preset: dict[str, int] | None = None,
    reach: int | None = None,
) -> Point | None:
    for attempt in range(200):
        p = Point(
            ctx,
            seed,
            index * 1000 + attempt,
            fixed,
            wide=probe is None and not positive and not preset and index % WIDE_EVERY == WIDE_EVERY - 1,
            cycle=index,
            cyclic=frozenset(n for n, d in fixed.items() if d is SUM_LIMIT_DOMAIN),
            probe=probe,
            positive=positive,
            reach=reach,
        )
        _preset(p, case)
        for name, v in (preset or {}).items():
            p.values[name] = mpf(v)
        if _fill(p, sols, ctx):
            return p
        if preset:
            return None  # a fixed whole-number point that the equations exclude
    return None


def sample(
    expected: sympy.Expr,
    given: sympy.Expr,
    ctx: Context,
    seed: int,
    n: int = N_POINTS,
    deadline: float | None = None,
    cases: Sequence[Case] | None = None,
) -> Sampling:
    """Evaluate both expressions at reproducible points and sort the points (module docstring).

    Without `cases` the two expressions are compared as they are; with `cases`, point i uses
    cases[i mod len(cases)].
    """
    res = Sampling()
    all_cases = list(cases) if cases else [Case(expected, given)]
    fixed = implicit_domains(*[e for c in all_cases for e in (c.expected, c.given)])
    sols = solutions(ctx)

    def run(p: Point, case: Case) -> bool | None:
        """Evaluate at one point; False stops the sampling (unsupported), None: a sum or product
        at the point has more terms than the evaluator computes (skipped; smaller whole numbers
        may do). A value too close to 0 to evaluate is skipped too."""
        refute_only = p.wide or p.probe is not None or p.refute_only
        if res.differ and refute_only:
            res.cases[id(p)] = case
            res.skipped += 1  # a difference is already confirmed: far-out points add nothing
            return True
        try:
            ev, gv = value_at(case.expected, p, deadline=deadline), value_at(case.given, p, deadline=deadline)
        except OutOfTime:
            res.skipped += 1
            return False  # the sampling stops here, unfinished
        except BeyondReach as exc:
            res.skipped += 1
            res.beyond = res.beyond or message_of(exc)
            if exc.doubt:  # maybe undefined there, maybe not: no numeric "equal" either way
                res.incomplete = res.incomplete or message_of(exc)
            return None if exc.terms else True
        except Unsupported as exc:
            res.unsupported = message_of(exc)
            return False
        res.cases[id(p)] = case
        if ev is None and gv is None:
            res.skipped += 1
        elif ev is not None and gv is not None and close(ev, gv):
            if refute_only or (negligible(ev) and negligible(gv) and not (ev == 0 and gv == 0)):
                res.skipped += 1  # far out, saturating functions agree to any precision
            else:
                res.agree.append(p)
        elif res.differ and _far_apart(ev, gv):
            res.differ.append((p, ev, gv))  # a second difference this large is no rounding
        else:
            confirmed = _confirm(case.expected, case.given, p, (ev, gv), deadline)
            if confirmed and p.at_kink:
                # a value at the kink itself is often a convention (relu′(0), H(0)): not a
                # refutation, but no longer a numeric "equal" either
                res.incomplete = res.incomplete or lazy(
                    "the two differ exactly at a kink ({point})",
                    point=", ".join(f"{k} = {float(mp.re(v)):.6g}" for k, v in point_values(p).items()),
                )
            elif confirmed:
                res.differ.append((p, ev, gv))
            elif confirmed is False and not refute_only and ev is not None:
                res.agree.append(p)  # rounding at 40 digits: equal at the precision it needs
            else:
                res.skipped += 1
        return True

    def out_of_time() -> bool:
        return deadline is not None and time.monotonic() > deadline

    plan: list[tuple[int, float | None, bool]] = [(i, None, False) for i in range(n)]
    plan += [(n + j, PROBES[j % len(PROBES)], False) for j in range(2 * len(PROBES))]
    extra = [(n + 10 + i, None, True) for i in range(n)]
    i = 0
    while i < len(plan):
        if out_of_time():
            return res
        index, probe, positive = plan[i]
        i += 1
        case = all_cases[index % len(all_cases)]
        p = _draw(ctx, seed, index, fixed, sols, case, probe=probe, positive=positive)
        if p is None:
            res.unsupported = lazy("could not draw a point that meets the assumptions")
            return res
        done = run(p, case)
        for reach in REACHES if done is None else ():
            # a sum or product too long to evaluate: the same kind of point with smaller whole numbers
            q = _draw(ctx, seed, index, fixed, sols, case, probe=probe, positive=positive, reach=reach)
            if q is None or out_of_time():
                break
            res.skipped -= 1  # the point is tried again, not skipped
            done = run(q, case)
            if done is not None:
                break
        if done is False:
            return res
        if i == len(plan) and extra and len(res.agree) < MIN_AGREE and not res.differ:
            plan += extra  # too few points defined for both: try positive values
            extra = []
    rng = random.Random(seed * 65_537 + 11)
    for c, case in enumerate(all_cases[:16]):
        presets, why = residue_plan((case.expected, case.given), ctx, fixed, rng)
        res.incomplete = res.incomplete or why
        for k, preset in enumerate(presets):
            if out_of_time():
                return res
            p = _draw(ctx, seed, 5000 + c * 1000 + k, fixed, sols, case, preset=preset)
            if p is not None and not point_meets_bounds(
                p, preset, {str(x) for e in (case.expected, case.given) for x in e.free_symbols}
            ):
                res.incomplete = res.incomplete or lazy(
                    "whole values of {names} within their ranges could not all be checked", names=", ".join(preset)
                )
                continue
            if p is not None and run(p, case) is False:
                return res
    by_case: dict[int, list[Point]] = {}
    for p in res.agree:
        by_case.setdefault(id(res.cases[id(p)]), []).append(p)
    for k, pts in enumerate(by_case.values()):
        if out_of_time() or k >= 4:
            break
        case = res.cases[id(pts[0])]
        for p in _kink_points(case, pts[:KINK_BASES], ctx, fixed, sols, seed, 100_000 + 1000 * k):
            if run(p, case) is False:
                return res
    res.finished = not out_of_time()
    return res


def numerically_equal(
    a: sympy.Expr,
    b: sympy.Expr,
    ctx: Context,
    seed: int = 0,
    n: int = 16,
    cases: Sequence[Case] | None = None,
    deadline: float | None = None,
) -> bool:
    """Whether two prepared expressions agree at every sampled point (used to match mistakes
    and slips; never to call an answer equal)."""
    try:
        s = sample(a, b, ctx, seed, n, deadline, cases)
    except ParseError:
        return False
    return not s.differ and not s.unsupported and len(s.agree) >= min(4, n)


def point_values(p: Point) -> dict[str, Any]:
    """The values a point drew (the hidden ones of unknown functions left out)."""
    return {k: v for k, v in sorted(p.values.items()) if not k.startswith("opaque:")}
