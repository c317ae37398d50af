"""High-precision numeric evaluation of SymPy trees (mpmath) and reproducible sampling.

The evaluator walks the tree itself (no lambdify, no generated code). Variables are sampled
lazily from their domain, so indexed names met inside a sum (y_1 ... y_K) get values too.
"""

from __future__ import annotations

import math
import random
import time
import zlib
from collections.abc import Callable
from typing import Any

import mpmath
import sympy
from mpmath import mp, mpc, mpf

from dlquiz.i18n import lazy
from dlquiz.symbolic.assumptions import Context, Domain
from dlquiz.symbolic.functions import softmax
from dlquiz.symbolic.parse import SUBSCRIPTS

DPS = 40
MAX_SUM_TERMS = 2000
MAX_TERMS_PER_POINT = 20_000
Num = Any  # mpf | mpc


class Undefined(Exception):
    """The expression has no value at this point (division by zero, overflow...)."""


class Underflow(Undefined):
    """No value at this precision: an argument rounded to 0 (log(1 − σ(250)) at 40 digits).
    The sampler tries again with more digits; when even the most digits do not tell, `arg`
    (the argument, with `bound` the values of the summation indices) is checked for an exact
    0 at the point (exactly_zero) before the point is called undefined."""

    def __init__(
        self, message: str, arg: sympy.Basic | None = None, bound: dict[sympy.Symbol, int] | None = None
    ) -> None:
        super().__init__(message)
        self.arg = arg
        self.bound = dict(bound or {})


class Unsupported(Exception):
    """The evaluator does not know a node type."""


class BeyondReach(Unsupported):
    """A value this evaluator will not compute at this point (more terms in a sum or product than
    MAX_SUM_TERMS, or than MAX_TERMS_PER_POINT in all): a limit of ours, not of the mathematics,
    so the point is evidence of nothing -- never "undefined". The sampler skips such a point (or
    draws one with smaller whole numbers); every other caller treats it as Unsupported.
    `doubt`: whether the value might also be undefined (an argument too close to 0 to tell, and
    no exact answer): the sampling then gives no numeric "equal"."""

    def __init__(self, message: str, doubt: bool = False, terms: bool = False) -> None:
        super().__init__(message)
        self.doubt = doubt
        self.terms = terms  # too many terms: smaller whole numbers may bring the point within reach


class OutOfTime(BeyondReach):
    """The check's deadline passed while a value was being computed (a long sum at many digits):
    the point is not evaluated, and the sampler stops."""


def _nice(v: float) -> float:
    """Round to 3 significant digits so counterexamples read well."""
    if v == 0:
        return 0.0
    digits = 2 - int(math.floor(math.log10(abs(v))))
    return round(v, digits)


def sample_value(
    d: Domain,
    rng: random.Random,
    wide: bool = False,
    probe: float | None = None,
    positive: bool = False,
    reach: int | None = None,
) -> mpf:
    """One value from a domain (reals by default), 3 significant digits; `wide` reaches out to
    10^4 where the domain is unbounded (so that kinks like relu(x - 50) are seen); `probe`
    (a small number) goes that close to 0 or to a bound of the domain; `positive` draws
    unconstrained reals from x > 0; `reach` keeps whole numbers within that many of their
    lowest value (of 0 when unbounded, of the upper bound when only that is given), so that a
    sum up to n has few enough terms to be evaluated."""
    if positive and not d.values and not d.integer and d.low is None and d.high is None:
        d = Domain(low=sympy.Integer(0))
    if d.values:
        return _exact(rng.choice(d.values))
    lo = None if d.low is None else float(d.low)
    hi = None if d.high is None else float(d.high)
    if probe is not None and not d.integer:
        if lo is None and hi is None:
            return rng.choice((-1, 1)) * mpf(probe)
        use_low = lo is not None and (hi is None or rng.random() < 0.5)
        bound = d.low if use_low else d.high
        if bound is not None and bound.is_Rational:
            step = mpf(probe) if use_low else -mpf(probe)
            v = _exact(bound) + step
            if d.contains(float(v)):
                return v
    if d.integer or d.parity is not None:
        a = math.ceil(lo) if lo is not None else (-10_000 if wide and hi is None else -5)
        if lo is not None and d.low_strict and float(lo).is_integer():
            a += 1
        b = math.floor(hi) if hi is not None else a + (10_000 if wide else 7)
        if hi is not None and d.high_strict and float(hi).is_integer():
            b -= 1
        if reach is not None and b - a > reach:
            if lo is None and hi is None:
                a, b = -(reach // 2), reach // 2
            elif lo is None:
                a = b - reach
            else:
                b = a + reach
        if b < a:
            raise Undefined("no integer in the domain")
        v = rng.randint(a, b)
        if d.parity is not None and v % 2 != (1 if d.parity == "odd" else 0):
            v = v + 1 if v + 1 <= b else v - 1  # the neighbour has the parity asked for
            if v < a:
                raise Undefined(f"no {d.parity} integer in the domain")
        return mpf(v)
    for _ in range(50):
        top = math.log(1e4) if wide else math.log(10.0)
        if lo is not None and hi is not None:
            v = lo + (hi - lo) * rng.uniform(0.02, 0.98)
        elif lo is not None:
            v = lo + math.exp(rng.uniform(math.log(0.05), top))
        elif hi is not None:
            v = hi - math.exp(rng.uniform(math.log(0.05), top))
        elif top > math.log(10.0):
            v = rng.choice((-1, 1)) * math.exp(rng.uniform(math.log(10.0), top))
        elif rng.random() < 0.7:
            v = rng.uniform(-3.0, 3.0)
        else:
            v = rng.choice((-1, 1)) * math.exp(rng.uniform(math.log(0.05), math.log(10.0)))
        v = _nice(v)
        if v in (0.0, 1.0, -1.0) or not d.contains(v):
            continue
        return mpf(repr(v))
    return mpf(repr(v))


def _exact(x: sympy.Expr) -> mpf:
    r = sympy.Rational(x)
    return mpf(int(r.p)) / int(r.q)


class Point:
    """One sample point: values drawn on first use from each name's domain."""

    def __init__(
        self,
        ctx: Context,
        seed: int,
        index: int,
        fixed: dict[str, Domain] | None = None,
        wide: bool = False,
        cycle: int | None = None,
        cyclic: frozenset[str] = frozenset(),
        probe: float | None = None,
        positive: bool = False,
        refute_only: bool = False,
        reach: int | None = None,
    ) -> None:
        self.ctx = ctx
        self.seed = seed
        self.index = index
        self.fixed = fixed or {}
        self.wide = wide
        self.probe = probe  # a point close to 0 or to a bound: refutes only, like `wide`
        self.positive = positive  # unconstrained reals drawn positive
        self.refute_only = refute_only  # e.g. next to a kink: may refute, never support
        self.reach = reach  # whole numbers drawn within this many of their lowest value (sample_value)
        self.at_kink = False  # exactly at a kink: a difference there leaves the verdict undecided
        self.solved: list[tuple[str, sympy.Expr]] = []  # names computed from equations
        self.cycle = cycle  # names in `cyclic` (sum limits) take low, low+1, ... in turn
        self.cyclic = cyclic
        self.values: dict[str, Num] = {}
        self._bounding: set[str] = set()  # names whose symbolic bounds are being evaluated

    def domain(self, name: str) -> Domain:
        if name in self.fixed and name not in self.ctx.domains:
            return self.fixed[name]
        return self.ctx.domain(name)

    def is_integer_name(self, name: str) -> bool:
        return self.domain(name).integer

    def __call__(self, name: str) -> Num:
        v = self.values.get(name)
        if v is None and self.cycle is not None and name in self.cyclic and name not in self.ctx.domains:
            d = self.fixed[name]
            lo, hi = int(d.low or 0), int(d.high or 0)
            v = self.values[name] = mpf(lo + self.cycle % (hi - lo + 1))
        if v is None:
            rng = random.Random((self.seed * 1_000_003 + self.index) * 4_294_967_311 + zlib.crc32(name.encode()))
            d = self.domain(name)
            if d.low_name is not None or d.high_name is not None:
                d = self.bounded(name, d)
            v = sample_value(d, rng, self.wide, self.probe, self.positive, self.reach)
            self.values[name] = v
        return v

    def bounded(self, name: str, d: Domain) -> Domain:
        """`d` with its symbolic bounds (``1 <= k <= K``) replaced by their values at this point
        (the sizes are drawn first), the tighter of a numeric and a named bound kept."""
        if name in self._bounding:  # k <= K and K <= k: a cycle, no value to take
            raise Undefined(f"the bounds of {name} depend on {name}")
        self._bounding.add(name)
        try:
            low, high = d.low, d.high
            low_strict, high_strict = d.low_strict, d.high_strict
            if d.low_name is not None:
                v = sympy.Integer(int(mpmath.ceil(_real(evaluate(d.low_name, self)))))
                if low is None or v > low:
                    low = v
            if d.high_name is not None:
                v = sympy.Integer(int(mpmath.floor(_real(evaluate(d.high_name, self)))))
                if high is None or v < high:
                    high = v
        finally:
            self._bounding.discard(name)
        return Domain(low=low, high=high, low_strict=low_strict, high_strict=high_strict, integer=True, parity=d.parity)


def evaluate(expr: sympy.Basic, lookup: Callable[[str], Num], dps: int = DPS, deadline: float | None = None) -> Num:
    """Value of expr at a point given by `lookup(name)`; raises Undefined (Underflow when more
    digits may help) or Unsupported (BeyondReach for sums with too many terms, OutOfTime when
    `deadline`, a time.monotonic() value, passes during a sum)."""
    with mp.workdps(dps):
        return _Eval(lookup, dps, deadline).ev(expr, {})


_FUNCS: dict[type, Callable[[Num], Num]] = {
    sympy.exp: mpmath.exp,
    sympy.log: mpmath.log,
    sympy.tanh: mpmath.tanh,
    sympy.sinh: mpmath.sinh,
    sympy.cosh: mpmath.cosh,
    sympy.sin: mpmath.sin,
    sympy.cos: mpmath.cos,
    sympy.tan: mpmath.tan,
    sympy.erf: mpmath.erf,
    sympy.atan: mpmath.atan,
    sympy.asinh: mpmath.asinh,
    sympy.floor: mpmath.floor,
    sympy.ceiling: mpmath.ceil,
}


def _real(v: Num) -> mpf:
    if isinstance(v, mpc):
        if abs(v.imag) > mpf(10) ** (-DPS + 8) * max(1, abs(v.real)):
            raise Undefined("complex value")
        return v.real
    return v


class _Eval:
    def __init__(self, lookup: Callable[[str], Num], dps: int = DPS, deadline: float | None = None) -> None:
        self.lookup = lookup
        self.deadline = deadline
        self.tiny = mpf(10) ** -(dps - 8)  # below this a value may be a rounded-off 0
        self.terms = 0
        self.memo: dict[sympy.Basic, Num] = {}
        self.integer_names: Callable[[str], bool] = getattr(lookup, "is_integer_name", lambda name: False)

    def is_integer(self, sub: sympy.Expr, bound: dict[sympy.Symbol, int]) -> bool:
        return all(s in bound or self.integer_names(str(s)) for s in sub.free_symbols)

    def ev(self, e: sympy.Basic, bound: dict[sympy.Symbol, int]) -> Num:
        if bound or e.is_Atom:
            return self._ev(e, bound)
        v = self.memo.get(e)  # repeated subtrees (σ(z) three times in a gradient) once
        if v is None:
            v = self.memo[e] = self._ev(e, bound)
        return v

    def _ev(self, e: sympy.Basic, bound: dict[sympy.Symbol, int]) -> Num:
        if e.is_Integer:
            return mpf(int(e))
        if e.is_Rational:
            return mpf(int(e.p)) / int(e.q)
        if e.is_Float:
            return mpf(str(e))
        if e is sympy.E:
            return mp.e
        if e is sympy.pi:
            return +mp.pi
        if e is sympy.S.Half:  # pragma: no cover - Rational above
            return mpf(1) / 2
        if isinstance(e, sympy.Symbol):
            if e in bound:
                return mpf(bound[e])
            info = SUBSCRIPTS.get(e.name)
            if info is not None and info[1].free_symbols and self.is_integer(info[1], bound):
                # y_K with K a whole number (a sum limit): the same variable as y_3 when K = 3
                v = _real(self.ev(info[1], bound))
                if v == int(v):
                    return self.lookup(f"{info[0]}_{int(v)}")
            return self.lookup(e.name)
        if isinstance(e, sympy.Indexed):
            idx = []
            for i in e.indices:
                if i.free_symbols <= set(bound):
                    v = _real(self.ev(i, bound))
                    if v != int(v):
                        raise Undefined("non-integer index")
                    idx.append(str(int(v)))
                else:
                    idx.append(str(i).replace(" ", ""))
            sub = ",".join(idx)
            return self.lookup(
                f"{e.base}_{sub}" if len(idx) == 1 and (sub.isdigit() or sub.isalpha()) else f"{e.base}_{{{sub}}}"
            )
        if isinstance(e, sympy.Add):
            total: Num = mpf(0)
            for a in e.args:
                total += self.ev(a, bound)
            return total
        if isinstance(e, sympy.Mul):
            prod: Num = mpf(1)
            for a in e.args:
                prod *= self.ev(a, bound)
            return prod
        if isinstance(e, sympy.Pow):
            b = self.ev(e.base, bound)
            x = self.ev(e.exp, bound)
            try:
                if (x.real if isinstance(x, mpc) else x) < 0 and abs(b) <= self.tiny:
                    raise Underflow("division by (nearly) zero", e.base, bound)
                if not isinstance(b, mpc) and b < 0 and not isinstance(x, mpc) and x == int(x):
                    return b ** int(x)
                return mpmath.power(b, x)
            except (ZeroDivisionError, OverflowError, ValueError):
                raise Undefined("power") from None
        f = _FUNCS.get(type(e))
        if f is not None:
            v = self.ev(e.args[0], bound)
            try:
                if isinstance(e, sympy.log) and abs(v) <= self.tiny:
                    raise Underflow("log of (nearly) 0", e.args[0], bound)
                return f(v)
            except (ZeroDivisionError, OverflowError, ValueError):
                raise Undefined(type(e).__name__) from None
        if isinstance(e, sympy.Mod):
            a, m = (_real(self.ev(x, bound)) for x in e.args)
            if m == 0:
                raise Undefined("mod 0")
            return a - m * mpmath.floor(a / m)
        if isinstance(e, sympy.Abs):
            return abs(self.ev(e.args[0], bound))
        if isinstance(e, (sympy.Max, sympy.Min)):
            vals = [_real(self.ev(a, bound)) for a in e.args]
            return max(vals) if isinstance(e, sympy.Max) else min(vals)
        if isinstance(e, sympy.sign):
            v = _real(self.ev(e.args[0], bound))
            return mpf(0 if v == 0 else (1 if v > 0 else -1))
        if isinstance(e, sympy.Heaviside):
            v = _real(self.ev(e.args[0], bound))
            return mpf(1) if v > 0 else (mpf(0) if v < 0 else mpf(1) / 2)
        if isinstance(e, sympy.Piecewise):
            for val, cond in e.args:
                if self.truth(cond, bound):
                    return self.ev(val, bound)
            raise Undefined("no branch of a piecewise function applies")
        if isinstance(e, sympy.KroneckerDelta):
            i, j = e.args
            if self.is_integer(i, bound) and self.is_integer(j, bound):
                return mpf(1) if self.ev(i, bound) == self.ev(j, bound) else mpf(0)
            return mpf(1) if i == j else mpf(0)
        if isinstance(e, (sympy.Sum, sympy.Product)):
            return self.sum(e, bound)
        if isinstance(e, softmax):
            return self.lookup(f"softmax({e.args[0]})")
        if isinstance(e, (sympy.Derivative, sympy.core.function.AppliedUndef, sympy.Subs)):
            return self.lookup(f"opaque:{sympy.srepr(e)}")
        if e.is_number:
            try:
                v = sympy.N(e, DPS)
                return mpmath.mpmathify(complex(v)) if not v.is_real else mpf(str(v))
            except (TypeError, ValueError):
                raise Unsupported(type(e).__name__) from None
        raise Unsupported(type(e).__name__)

    def truth(self, c: sympy.Basic, bound: dict[sympy.Symbol, int]) -> bool:
        if c is sympy.true:
            return True
        if c is sympy.false:
            return False
        if isinstance(c, sympy.And):
            return all(self.truth(a, bound) for a in c.args)
        if isinstance(c, sympy.Or):
            return any(self.truth(a, bound) for a in c.args)
        if isinstance(c, sympy.Not):
            return not self.truth(c.args[0], bound)
        if isinstance(c, sympy.core.relational.Relational):
            a = _real(self.ev(c.lhs, bound))
            b = _real(self.ev(c.rhs, bound))
            op = c.rel_op
            return bool({"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[op])
        raise Unsupported(type(c).__name__)

    def sum(self, e: sympy.Sum | sympy.Product, bound: dict[sympy.Symbol, int]) -> Num:
        """A sum or product term by term (empty: 0 or 1). SymPy lists the limits innermost first
        (Sum(f, (j, 1, i), (i, 1, n)) is the sum over i of the sum over j ≤ i), so they are
        walked from the last. Too many terms raise BeyondReach, not Undefined."""
        body = e.function
        limits = list(reversed(e.limits))
        is_product = isinstance(e, sympy.Product)

        def rec(i: int, env: dict[sympy.Symbol, int]) -> Num:
            if i == len(limits):
                return self.ev(body, env)
            k, lo, hi = limits[i]
            a = _real(self.ev(lo, env))
            b = _real(self.ev(hi, env))
            if a != int(a) or b != int(b):
                raise Undefined("sum limits are not whole numbers")
            if b - a + 1 > MAX_SUM_TERMS:
                raise BeyondReach(lazy("sums too large to evaluate"), terms=True)
            total: Num = mpf(1) if is_product else mpf(0)
            for kv in range(int(a), int(b) + 1):
                self.terms += 1
                if self.terms > MAX_TERMS_PER_POINT:
                    raise BeyondReach(lazy("sums too large to evaluate"), terms=True)
                if self.deadline is not None and self.terms % 64 == 0 and time.monotonic() > self.deadline:
                    raise OutOfTime(lazy("ran out of time before every sample point was checked"))
                if is_product:
                    total *= rec(i + 1, {**env, k: kv})
                else:
                    total += rec(i + 1, {**env, k: kv})
            return total

        return rec(0, bound)


MAX_EXACT_OPS = 400  # exactly_zero leaves larger arguments alone (SymPy may take long)


def _rational(v: Num) -> sympy.Rational | None:
    """The exact value of a real, finite mpf (its binary fraction); None otherwise."""
    if isinstance(v, mpc) or not isinstance(v, mpf) or not mpmath.isfinite(v):
        return None
    man, exp = v.man_exp
    return sympy.Integer(int(man)) * sympy.Integer(2) ** int(exp)


def exactly_zero(u: Underflow, values: dict[str, Num], solved: list[tuple[str, sympy.Expr]]) -> bool | None:
    """Whether the argument that underflowed (`u.arg`) is exactly 0 at the point: True (the
    mathematics is undefined there, (x² − 1)/(x − 1) at x = 1), False (a tiny nonzero value no
    precision tried could resolve, 1 − σ(x²) at x = 546: a limit of ours), None (cannot tell:
    sums, indexed or hidden names, an argument too large, SymPy undecided). The point's drawn
    values are put in exactly, names solved from equations as their formulas."""
    arg = u.arg
    if not isinstance(arg, sympy.Expr) or arg.has(sympy.Sum, sympy.Product, sympy.Indexed, softmax):
        return None
    if arg.atoms(sympy.Derivative, sympy.Subs, sympy.core.function.AppliedUndef):
        return None
    try:
        if sympy.count_ops(arg) > MAX_EXACT_OPS:
            return None
        arg = arg.xreplace({k: sympy.Integer(v) for k, v in u.bound.items()})
        arg = arg.xreplace({sympy.Symbol(name): sol for name, sol in solved})
        repl: dict[sympy.Basic, sympy.Basic] = {}
        for sym in arg.free_symbols:
            info = SUBSCRIPTS.get(str(sym))
            if not isinstance(sym, sympy.Symbol) or (info is not None and info[1].free_symbols):
                return None  # y_K: which y it is depends on K
            r = _rational(values.get(sym.name))
            if r is None:
                return None
            repl[sym] = r
        z = arg.xreplace(repl)
        if z.free_symbols:
            return None
        zero = z.is_zero
    except (TypeError, ValueError, ArithmeticError, RecursionError, AttributeError):
        return None
    return None if zero is None else bool(zero)


def defined(v: Num) -> bool:
    """A real, finite value."""
    if isinstance(v, mpc):
        if abs(v.imag) > mpf(10) ** (-DPS + 8) * max(1, abs(v.real)):
            return False
        v = v.real
    return bool(mpmath.isfinite(v))


def close(a: Num, b: Num, rel: float = 1e-25, dps: int = DPS) -> bool:
    """Equal up to a relative tolerance far below any real slip (1e-25 at 40 digits)."""
    with mp.workdps(dps):
        ra = a.real if isinstance(a, mpc) else a
        rb = b.real if isinstance(b, mpc) else b
        scale = max(mpf(1), abs(ra), abs(rb))
        return bool(abs(ra - rb) <= mpf(rel) * scale)


def negligible(v: Num) -> bool:
    """Too close to 0 to tell two formulas apart (|v| < 1e-15)."""
    with mp.workdps(DPS):
        return bool(abs(v) < mpf(10) ** -15)


def fmt(v: Num, digits: int = 6) -> str:
    """A short text of a value (or 'undefined')."""
    if not defined(v):
        return "undefined"
    with mp.workdps(DPS):
        r = v.real if isinstance(v, mpc) else v
        out = str(mpmath.nstr(r, digits, strip_zeros=True))
        return out[:-2] if out.endswith(".0") else out
