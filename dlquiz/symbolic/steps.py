"""The step-by-step derivation checker: the first line of a derivation that does not follow.

A derivation is plain text, one line each (format: examples/derivations/README.md)::

    # sigmoid derivative
    let s = sigma(x)
        d/dx s
      = exp(-x)/(1 + exp(-x))^2
      = s*(1 - s)

Every transition (a step against the step before it) is checked under the givens: first a
symbolic proof under a time limit, then numeric sampling; sums over a symbolic number of
classes K are expanded for K = 2…8 with concrete indexed symbols, and recursions such as
h_t = tanh(W h_{t-1} + U x_t) are unrolled. Files that declare shapes (`matrix W: n1 x n0`)
are checked as matrix algebra by `matrices.py`.
"""

from __future__ import annotations

import math
import random
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

import sympy
from sympy import Indexed, IndexedBase, Integer, Symbol
from sympy.core.function import AppliedUndef

from dlquiz.errors import DlquizError, ParseError
from dlquiz.i18n import translate
from dlquiz.symbolic.limits import TimeLimit, time_limit
from dlquiz.symbolic.numeric import sample_value

Status = Literal["ok", "fail", "error", "undecided", "given"]


@dataclass(frozen=True)
class StepResult:
    """One line of a derivation and whether it follows from the line before."""

    line: int
    text: str
    pretty: str
    status: Status
    message: str = ""
    counterexample: dict[str, Any] | None = None
    rule: str | None = None
    culprit: str | None = None


@dataclass(frozen=True)
class DerivationReport:
    """Every line's verdict; `first_failure` is the line number of the first break."""

    ok: bool
    steps: tuple[StepResult, ...]
    first_failure: int | None

    @property
    def undecided(self) -> bool:
        """No step fails or is unreadable, but at least one could not be decided."""
        return (self.first_failure is None
                and not any(s.status == "error" for s in self.steps)
                and any(s.status == "undecided" for s in self.steps))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "first_failure": self.first_failure,
            "undecided": self.undecided,
            "steps": [asdict(s) for s in self.steps],
        }


# Rules: the classic slips a failing step is matched against. Names are those of the shared
# catalogue (rules.py) where it has the rule, so the quiz shows one message for one slip.
SIGN_FLIP = "sign flip"
MISSING_SIGMA_PRIME = "missing σ′ factor"
SOFTMAX_DIAGONAL = "softmax Jacobian without off-diagonal terms"
FORGOTTEN_TRANSPOSE = "forgotten transpose"
BPTT_RANGE = "wrong BPTT time range"
NO_BIAS_CORRECTION = "missing bias correction in Adam"
FACTOR_TWO = "missing ½ / factor 2 in the MSE gradient"
SHAPE = "shape mismatch"

_OWN_RULES: dict[str, tuple[str, str]] = {
    SIGN_FLIP: ("A sign flipped: this step is minus the previous one.",
                "符号错误：这一步等于上一步的相反数。"),
    FORGOTTEN_TRANSPOSE: ("A transpose is missing or misplaced: a gradient has the shape of its "
                          "variable, so dW = dz a_prevᵀ (n[l]×n[l−1]) and da_prev = Wᵀ dz.",
                          "漏了或放错了转置：梯度与变量同形，所以 dW = dz a_prevᵀ（n[l]×n[l−1]），"
                          "da_prev = Wᵀ dz。"),
    BPTT_RANGE: ("Wrong time range in the BPTT sum: every time step t = 1…T contributes.",
                 "BPTT 求和的时间范围错了：t = 1…T 的每一步都有贡献。"),
    SHAPE: ("The shapes do not fit.", "形状不匹配。"),
}


def rule_message(rule: str, lang: str = "en") -> str:
    """The explanation of a rule, in `lang` (the shared catalogue's text where it has one)."""
    if rule in _OWN_RULES:
        en, zh = _OWN_RULES[rule]
        return zh if lang == "zh" else en
    from dlquiz.symbolic.rules import BY_NAME

    found = BY_NAME.get(rule)
    return found.message(lang) if found is not None else rule


# ----------------------------------------------------------------------------- time limits


_Timeout = TimeLimit
_time_limit = time_limit


# ----------------------------------------------------------------------------- lines


@dataclass(frozen=True)
class _Line:
    no: int
    kind: Literal["let", "assume", "shape", "step", "cont"]
    text: str  # the line without its comment
    col: int  # 1-based column where `text` starts in the raw line


_EQ = re.compile(r"(?<![<>!=:])=(?!=)")
_LET = re.compile(r"let\s+(?P<name>[^=]+?)\s*(?::=|=)\s*(?P<rhs>.+)$")
_SHAPE = re.compile(
    r"(?P<kind>matrix|vector|scalar)\s+(?P<names>[\w′',\s]+?)\s*(?::\s*(?P<dims>.+))?$"
)


def _strip_comment(raw: str) -> str:
    if raw.lstrip().startswith("#"):
        return ""
    m = re.search(r"\s#\s", raw)
    return raw[: m.start()] if m else raw


def _split_lines(text: str, first_line: int = 1) -> list[_Line]:
    out: list[_Line] = []
    for i, raw in enumerate(text.splitlines()):
        no = i + first_line
        body = _strip_comment(raw).rstrip()
        stripped = body.lstrip()
        if not stripped:
            continue
        col = len(body) - len(stripped) + 1
        word = stripped.split(None, 1)[0]
        if word == "let":
            out.append(_Line(no, "let", stripped, col))
        elif word == "assume":
            out.append(_Line(no, "assume", stripped, col))
        elif word in ("matrix", "vector", "scalar"):
            out.append(_Line(no, "shape", stripped, col))
        elif stripped.startswith("="):
            out.append(_Line(no, "cont", stripped, col))
        else:
            out.append(_Line(no, "step", stripped, col))
    return out


def _pieces(line: _Line) -> list[tuple[str, int]]:
    """Split a step line on `=` into (text, 1-based column) pieces."""
    pieces: list[tuple[str, int]] = []
    start = 0
    for m in _EQ.finditer(line.text):
        pieces.append((line.text[start: m.start()], line.col + start))
        start = m.end()
    pieces.append((line.text[start:], line.col + start))
    out = []
    for text, col in pieces:
        lead = len(text) - len(text.lstrip())
        out.append((text.strip(), col + lead))
    return out


def _line_error(line: int, col: int | None, msg: str, text: str) -> ParseError:
    where = f"line {line}" + (f", column {col}" if col else "")
    err = ParseError(f"{where}: {msg}", column=col, text=text)
    err.line = line  # type: ignore[attr-defined]
    return err


# ----------------------------------------------------------------------------- scalar context

_INDEX_SUB = re.compile(r"^(?P<base>.+?)_\{?(?P<idx>[A-Za-z]|\d+|[A-Za-z]\s*[-+]\s*\d+)\}?$")
_INDEX_LETTERS = set("ijkntTK")


@dataclass
class _Ctx:
    """What the givens establish: definitions, assumptions, index and size symbols."""

    plain: dict[Symbol, sympy.Expr] = field(default_factory=dict)
    indexed: dict[str, tuple[Symbol, sympy.Expr]] = field(default_factory=dict)
    recursive: dict[str, tuple[Symbol, sympy.Expr]] = field(default_factory=dict)
    base_cases: dict[str, list[tuple[sympy.Expr, sympy.Expr]]] = field(default_factory=dict)
    onehot: set[str] = field(default_factory=set)
    parsed: list[Any] = field(default_factory=list)  # assumptions.Assumption
    integers: set[str] = field(default_factory=set)
    classes: Symbol | None = None
    index_vars: set[str] = field(default_factory=lambda: set(_INDEX_LETTERS))
    let_text: dict[str, str] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)
    cache: dict[Any, sympy.Expr] = field(default_factory=dict)
    _context: Any = None

    def domain(self, name: str) -> Any:
        """The sampling domain the assumptions give a name (None: no assumption about it)."""
        if not self.parsed:
            return None
        if self._context is None:
            from dlquiz.symbolic.assumptions import build_context

            self._context = build_context(self.parsed)
        from dlquiz.symbolic.assumptions import Domain

        d = self._context.domain(name)
        return None if d == Domain() else d


def _idx_expr(idx: str) -> sympy.Expr:
    idx = idx.replace(" ", "")
    if idx.isdigit():
        return Integer(int(idx))
    m = re.fullmatch(r"([A-Za-z])([-+]\d+)?", idx)
    if not m:
        raise ValueError(idx)
    base: sympy.Expr = Symbol(m.group(1), integer=True)
    if m.group(2):
        base = base + int(m.group(2))
    return base


def _indexify(expr: sympy.Expr, ctx: _Ctx) -> sympy.Expr:
    """Turn subscripted symbols o_i, h_{t-1}, x_2 into indexed objects o[i], h[t-1], x[2]."""
    bound: set[str] = set()
    for s in expr.atoms(sympy.Sum, sympy.Product):
        bound |= {str(lim[0]) for lim in s.limits}
    letters = ctx.index_vars | bound | ctx.integers
    mapping: dict[Any, Any] = {}
    for sym in expr.atoms(Symbol):
        if not isinstance(sym, Symbol):
            continue
        name = sym.name
        if name in letters and not sym.is_integer:
            mapping[sym] = Symbol(name, integer=True)
            continue
        base, sub = _subscript_of(name)
        if base is None or sub is None:
            continue
        letters_in = {str(x) for x in sub.free_symbols}
        if not (sub.is_Integer or (letters_in and letters_in <= letters)):
            continue
        ints = {x: Symbol(str(x), integer=True) for x in sub.free_symbols}
        mapping[sym] = IndexedBase(base)[sub.xreplace(ints)]
    if not mapping:
        return expr
    out = expr.xreplace(mapping)
    # summation variables themselves must be integer symbols
    lim_map = {}
    for s in out.atoms(sympy.Sum, sympy.Product):
        for v in s.variables:
            if not v.is_integer:
                lim_map[v] = Symbol(v.name, integer=True)
    return out.xreplace(lim_map) if lim_map else out


def _subscript_of(name: str) -> tuple[str | None, sympy.Expr | None]:
    """(base, subscript) of a parser symbol name such as o_i or h_{t-1}."""
    from dlquiz.symbolic.parse import SUBSCRIPTS

    info = SUBSCRIPTS.get(name)
    if info is not None:
        return info[0], info[1]
    m = _INDEX_SUB.match(name)
    if not m:
        return None, None
    try:
        return m.group("base"), _idx_expr(m.group("idx"))
    except ValueError:
        return None, None


def _parse(text: str, ctx: _Ctx, line: int, col: int, timeout: float) -> tuple[sympy.Expr, str]:
    """Parse one expression with the shared parser, then index its subscripts."""
    from dlquiz.symbolic.parse import parse_math

    try:
        parsed = parse_math(text, timeout=max(timeout, 2.0))
    except ParseError as exc:
        c = (col + exc.column - 1) if exc.column else col
        msg = re.sub(r"\s*\(?at column \d+\)?", "", str(exc))  # the column is in front now
        raise _line_error(line, c, msg, text) from None
    expr = _indexify(parsed.expr, ctx)
    return expr, getattr(parsed, "pretty", "") or str(expr)


_ONEHOT = re.compile(
    r"(?P<name>\w+)\s+(?:is\s+)?one[- ]hot(?:\s+over\s+(?P<K>\w+)(?:\s+classes)?)?$")


def _assume(text: str, ctx: _Ctx, line: _Line) -> None:
    """`assume …`: one-hot labels here, everything else in the language of `dlquiz equiv`."""
    from dlquiz.symbolic.assumptions import parse_assumption

    body = text[len("assume"):].strip()
    offset = line.col + len(text) - len(text[len("assume"):].lstrip())
    for part in re.split(r"\s*;\s*|\s+and\s+|,\s*(?![^{(\[]*[})\]])", body):
        part = part.strip()
        if not part:
            continue
        if m := _ONEHOT.match(part):
            ctx.onehot.add(m.group("name"))
            if m.group("K"):
                ctx.classes = Symbol(m.group("K"), integer=True, positive=True)
                ctx.integers.add(m.group("K"))
            ctx.assumptions.append(part)
            continue
        try:
            a = parse_assumption(part)
        except ParseError as exc:
            col = offset + body.find(part) + ((exc.column or 1) - 1)
            raise _line_error(line.no, col, f"cannot read the assumption {part!r}: {exc} "
                              "(e.g. 'x > 0', '0 < p < 1', 'T positive integer', "
                              "'y one-hot over K classes')", text) from None
        ctx.parsed.append(a)
        ctx._context = None
        if a.integer and a.kind == "type":
            ctx.integers.update(a.names)
        ctx.assumptions.append(part)


def _define(line: _Line, ctx: _Ctx, timeout: float) -> str:
    m = _LET.match(line.text)
    if not m:
        raise _line_error(line.no, line.col, "expected 'let NAME = expression'", line.text)
    name = m.group("name").strip()
    rhs_col = line.col + m.start("rhs")
    rhs, pretty = _parse(m.group("rhs"), ctx, line.no, rhs_col, timeout)
    bad = _line_error(line.no, line.col + m.start("name"), f"cannot define {name!r}: write a "
                      "name such as s, beta, p_i, h_t or h_0", line.text)
    from dlquiz.symbolic.parse import parse_math

    try:
        sym = parse_math(name, timeout=2.0).expr
    except ParseError:
        raise bad from None
    if not isinstance(sym, Symbol):
        raise bad
    base, sub = _subscript_of(sym.name)
    ints = {x: Symbol(str(x), integer=True) for x in (sub.free_symbols if sub is not None else ())}
    if base is None or sub is None:
        ctx.plain[Symbol(sym.name)] = rhs
    elif sub.is_Integer or (isinstance(sub, Symbol) and (sub.name in ctx.integers
                                                          or sub.name in ("T", "K"))):
        # a base case: h_0 = 0, or P_T = 1 at the last time step
        ctx.base_cases.setdefault(base, []).append((sub.xreplace(ints), rhs))
    elif isinstance(sub, Symbol):
        var = Symbol(sub.name, integer=True)
        ctx.index_vars.add(var.name)
        rhs = _indexify(rhs, ctx)
        if any(isinstance(a, Indexed) and str(a.base) == base for a in rhs.atoms(Indexed)):
            ctx.recursive[base] = (var, rhs)
        else:
            ctx.indexed[base] = (var, rhs)
    else:
        raise bad
    ctx.let_text[name] = m.group("rhs").strip()
    return f"{name} = {pretty}"


def _expand_defs(expr: sympy.Expr, ctx: _Ctx) -> sympy.Expr:
    """Replace defined names by their definitions (not recursive ones at symbolic indices)."""
    out = expr
    for _ in range(12):
        before = out
        if ctx.plain:
            out = out.xreplace({s: v for s, v in ctx.plain.items() if s in out.free_symbols}) \
                if any(s in out.free_symbols for s in ctx.plain) else out
            # plain names may also appear with assumptions attached
            names = {s.name: v for s, v in ctx.plain.items()}
            extra = {s: names[s.name] for s in out.free_symbols
                     if isinstance(s, Symbol) and s.name in names}
            if extra:
                out = out.xreplace(extra)
            # \frac{\partial L}{\partial o_i} reads L as a function L(o_i): use its definition
            applied = {f: names[type(f).__name__] for f in out.atoms(AppliedUndef)
                       if type(f).__name__ in names}
            if applied:
                out = out.xreplace(applied)
        for base, (var, rhs) in ctx.indexed.items():
            out = out.replace(
                lambda e, base=base: isinstance(e, Indexed) and str(e.base) == base,
                lambda e, var=var, rhs=rhs: rhs.xreplace({var: e.indices[0]}),
            )
        if out == before:
            break
    return out


def _unroll(expr: sympy.Expr, ctx: _Ctx, sizes: dict[str, Integer] | None = None
            ) -> sympy.Expr:
    """Expand recursive definitions at concrete indices, down to their base cases."""
    out = expr
    sizes = sizes or {}
    bases: dict[str, dict[int, sympy.Expr]] = {}
    for b, cases in ctx.base_cases.items():
        for key, rhs in cases:
            k = key.xreplace({s: sizes[s.name] for s in key.free_symbols if s.name in sizes})
            if k.is_Integer:
                bases.setdefault(b, {})[int(k)] = rhs
    for _ in range(80):
        before = out

        def concrete(e: Any) -> bool:
            if not isinstance(e, Indexed):
                return False
            b = str(e.base)
            return (b in ctx.recursive or b in bases) and e.indices[0].is_Integer

        def expand(e: Any) -> Any:
            b = str(e.base)
            n = int(e.indices[0])
            if n in bases.get(b, {}):
                return bases[b][n]
            if b in ctx.recursive and 1 <= n <= 12:
                var, rhs = ctx.recursive[b]
                return rhs.xreplace({var: Integer(n)})
            return e

        out = out.replace(concrete, expand)
        out = _expand_defs(out, ctx)
        if out == before:
            break
    return out


def _elementary(expr: sympy.Expr) -> sympy.Expr:
    try:
        from dlquiz.symbolic.functions import elementary
    except ImportError:  # pragma: no cover - the functions module ships with the parser
        return expr.doit()
    return elementary(expr.doit())


# ----------------------------------------------------------------------------- comparing


@dataclass(frozen=True)
class _Outcome:
    status: Status
    message: str = ""
    counterexample: dict[str, Any] | None = None
    rule: str | None = None


def _size_symbols(exprs: Sequence[sympy.Expr], ctx: _Ctx) -> list[Symbol]:
    sizes: dict[str, Symbol] = {}
    for e in exprs:
        free = e.free_symbols
        for s in e.atoms(sympy.Sum, sympy.Product):
            for lim in s.limits:
                for bound in lim[1:]:
                    for sym in bound.free_symbols:
                        if isinstance(sym, Symbol) and sym in free:
                            sizes[sym.name] = sym
        for sym in e.free_symbols:
            if isinstance(sym, Symbol) and sym.name in ctx.integers:
                sizes[sym.name] = sym
    if ctx.classes is not None and ctx.onehot and any(
            isinstance(a, Indexed) and str(a.base) in ctx.onehot
            for e in exprs for a in e.atoms(Indexed)):
        sizes[ctx.classes.name] = ctx.classes
    return [sizes[k] for k in sorted(sizes)]


def _index_symbols(exprs: Sequence[sympy.Expr], sizes: Sequence[Symbol]) -> list[Symbol]:
    idx: dict[str, Symbol] = {}
    size_names = {s.name for s in sizes}
    for e in exprs:
        free = e.free_symbols
        for ind in e.atoms(Indexed):
            for i in ind.indices:
                for sym in i.free_symbols:
                    if isinstance(sym, Symbol) and sym.name not in size_names and sym in free:
                        idx[sym.name] = sym
        for sym in e.free_symbols:
            if isinstance(sym, Symbol) and sym.is_integer and sym.name not in size_names:
                idx[sym.name] = sym
        for d in e.atoms(sympy.Derivative):  # d/do_j: j is free although o_j is "bound"
            for v in d.variables:
                if isinstance(v, Indexed):
                    for sym in v.indices[0].free_symbols:
                        if isinstance(sym, Symbol) and sym.name not in size_names:
                            idx[sym.name] = sym
    return [idx[k] for k in sorted(idx)]


def _assignments(sizes: Sequence[Symbol], indices: Sequence[Symbol], rng: random.Random,
                 top_size: int = 8) -> list[dict[Symbol, int]]:
    """Concrete sizes (2…8) and indices (1…size): the cases a sum is expanded for."""
    out: list[dict[Symbol, int]] = []
    # without a size, indices run over 2…5 (an index 1 would reach below a recursion's start)
    size_values = list(range(2, top_size + 1)) if sizes else [3, 5]
    for n in size_values:
        base = {s: n for s in sizes}
        # recursions indexed by time are unrolled from 1; shorter ranges for several sizes
        if len(sizes) > 1:
            base = {s: max(1, n - k) for k, s in enumerate(sizes)}
        top = min(base.values()) if base else n
        if not indices:
            out.append(base)
            continue
        low = 1 if sizes else 2
        same = {**base, **{i: max(low, min(1 + n % 3, top)) for i in indices}}
        out.append(same)
        if len(indices) > 1:
            diff = dict(base)
            for k, i in enumerate(indices):
                diff[i] = 1 + (k + n) % top
            out.append(diff)
        elif top > 1:
            out.append({**base, indices[0]: rng.randint(low, top)})
    return out


def _point(atoms: Sequence[Any], ctx: _Ctx, rng: random.Random, positive: bool,
           assign: dict[Symbol, int] | None = None) -> dict[Any, sympy.Expr]:
    values: dict[Any, sympy.Expr] = {}
    onehot_groups: dict[str, list[Any]] = {}
    for a in atoms:
        name = str(a.base) if isinstance(a, Indexed) else str(a)
        if name in ctx.onehot:
            onehot_groups.setdefault(name, []).append(a)
            continue
        domain = ctx.domain(name)
        if domain is not None:
            values[a] = sympy.Float(float(sample_value(domain, rng)), 30)
            continue
        lo, hi = (0.1, 2.0) if positive else (-2.0, 2.0)
        values[a] = sympy.Float(round(rng.uniform(lo, hi), 6), 30)
    classes = next((v for s, v in (assign or {}).items()
                    if ctx.classes is not None and s.name == ctx.classes.name), None)
    for group in onehot_groups.values():
        positions = [a.indices[0] for a in group if isinstance(a, Indexed)]
        top = classes or max([int(p) for p in positions if p.is_Integer] or [len(group)])
        hot = rng.randint(1, max(top, 1))
        for a in group:
            values[a] = Integer(1 if isinstance(a, Indexed) and a.indices[0] == hot else 0)
    return values


def _num(expr: sympy.Expr) -> complex | None:
    try:
        v = complex(sympy.N(expr, 30))
    except (TypeError, ValueError, ZeroDivisionError, OverflowError):
        return None
    if math.isnan(v.real) or math.isnan(v.imag) or math.isinf(abs(v)):
        return None
    return v


def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= 1e-8 * (1 + max(abs(a), abs(b)))


def _fmt_num(v: complex) -> float | str:
    if abs(v.imag) < 1e-12:
        return float(f"{v.real:.6g}")
    return f"{v.real:.6g}{v.imag:+.6g}i"


def _concrete(expr: sympy.Expr, assign: dict[Symbol, int], ctx: _Ctx) -> sympy.Expr:
    key = (expr, tuple(sorted((s.name, v) for s, v in assign.items())))
    hit = ctx.cache.get(key)
    if hit is None:
        hit = ctx.cache[key] = _concrete_uncached(expr, assign, ctx)
    return hit


def _concrete_uncached(expr: sympy.Expr, assign: dict[Symbol, int], ctx: _Ctx) -> sympy.Expr:
    by_name = {s.name: Integer(v) for s, v in assign.items()}

    def sub(e: sympy.Expr) -> sympy.Expr:
        rule = {f: by_name[f.name] for f in e.atoms(Symbol) if f.name in by_name}
        return e.xreplace(rule) if rule else e

    out = sub(expr)
    for _ in range(20):
        before = out
        out = sub(_expand_defs(out, ctx))
        out = out.replace(lambda e: isinstance(e, (sympy.Sum, sympy.Product))
                          and all(b.is_Integer for lim in e.limits for b in lim[1:]),
                          lambda e: e.doit(deep=False))
        out = sub(_unroll(out, ctx, by_name))
        if out == before:
            break
    return _elementary(out.doit())


def _sample(prev: sympy.Expr, cur: sympy.Expr, ctx: _Ctx, seed: int, deadline: float,
            points: int = 2, complete: bool = False) -> _Outcome:
    """Compare two expressions at concrete sizes, indices and random points."""
    rng = random.Random(seed)
    full = [_expand_defs(prev, ctx), _expand_defs(cur, ctx)]
    sizes = _size_symbols(full, ctx)
    indices = _index_symbols(full, sizes)
    checked = 0
    top = 5 if ctx.recursive else 8  # unrolled recursions grow with every step
    for assign in _assignments(sizes, indices, rng, top):
        if time.monotonic() > deadline:
            if complete:
                return _Outcome("undecided", "ran out of time")
            break
        a = _concrete(prev, assign, ctx)
        b = _concrete(cur, assign, ctx)
        atoms = sorted(
            (a.atoms(Indexed) | b.atoms(Indexed))
            | {s for s in (a.free_symbols | b.free_symbols)
               if isinstance(s, Symbol) and not any(s == i.base.label for i in
                                                     (a.atoms(Indexed) | b.atoms(Indexed)))},
            key=str,
        )
        atoms = [x for x in atoms if not isinstance(x, sympy.IndexedBase)]
        for _ in range(points):
            for positive in (False, True):
                vals = _point(atoms, ctx, rng, positive, assign)
                va, vb = _num(a.xreplace(vals)), _num(b.xreplace(vals))
                if va is None or vb is None:
                    continue
                if not _close(va, vb):
                    at: dict[str, Any] = {str(k): int(v) for k, v in assign.items()}
                    at.update({_show(k): _fmt_num(complex(v)) for k, v in vals.items()})
                    return _Outcome("fail", "", {"at": at, "previous": _fmt_num(va),
                                                 "this": _fmt_num(vb)})
                checked += 1
                break
    if checked == 0:
        return _Outcome("undecided", "could not evaluate the two steps at any sample point")
    what = f"checked at {checked} sample points"
    if sizes:
        what += " (" + ", ".join(f"{s} = 2…{top}" for s in sizes) + ")"
    return _Outcome("ok", what)


def _symbolic_equal(prev: sympy.Expr, cur: sympy.Expr, ctx: _Ctx, seconds: float) -> bool:
    try:
        with _time_limit(seconds):
            a, b = _expand_defs(prev, ctx), _expand_defs(cur, ctx)
            recursive = set(ctx.recursive) | set(ctx.base_cases)
            if any(str(x.base) in recursive for e in (a, b) for x in e.atoms(Indexed)):
                return False  # recursions are only unrolled at concrete indices
            a, b = _elementary(a), _elementary(b)
            if a == b:
                return True
            d = sympy.simplify(a - b)
            return bool(d == 0)
    except _Timeout:
        return False
    except Exception:  # noqa: BLE001 - SymPy may fail in many ways; the numeric check decides
        return False


def _compare(prev: sympy.Expr, cur: sympy.Expr, ctx: _Ctx, timeout: float, seed: int
             ) -> _Outcome:
    start = time.monotonic()
    if _symbolic_equal(prev, cur, ctx, min(1.0, timeout / 3)):
        return _Outcome("ok", "proved symbolically")
    left = timeout - (time.monotonic() - start)
    try:
        with _time_limit(max(left, 0.05)):
            return _sample(prev, cur, ctx, seed, time.monotonic() + left * 0.9)
    except _Timeout:
        return _Outcome("undecided", f"no verdict within the time limit ({timeout:g} s)")
    except Exception as exc:  # noqa: BLE001
        return _Outcome("undecided", f"could not compare the steps ({type(exc).__name__})")


def _equal_quick(a: sympy.Expr, b: sympy.Expr, ctx: _Ctx, seed: int) -> bool:
    try:
        with _time_limit(3.0):
            return _sample(a, b, ctx, seed, time.monotonic() + 2.5, points=1,
                           complete=True).status == "ok"
    except Exception:  # noqa: BLE001
        return False


def _match_rule(prev: sympy.Expr, cur: sympy.Expr, ctx: _Ctx, seed: int,
                seconds: float = 6.0) -> str | None:
    """The classic slip that explains why `cur` does not follow from `prev`, if any.

    Candidates are tried in order until one matches or `seconds` have passed.
    """
    deadline = time.monotonic() + seconds
    from dlquiz.symbolic import functions as F

    candidates: list[tuple[str, Callable[[], bool]]] = []

    def same(a: sympy.Expr, b: sympy.Expr) -> Callable[[], bool]:
        return lambda: _equal_quick(a, b, ctx, seed)

    candidates.append((SIGN_FLIP, same(prev, -cur)))
    full_prev, full_cur = _expand_defs(prev, ctx), _expand_defs(cur, ctx)
    for e in (full_prev, full_cur):
        for app in e.atoms(F.sigma):
            s_u = F.sigma(app.args[0])
            candidates.append((MISSING_SIGMA_PRIME, same(prev, cur * s_u * (1 - s_u))))
        for app in e.atoms(sympy.tanh):
            candidates.append((MISSING_SIGMA_PRIME, same(prev, cur * (1 - app ** 2))))
    # β-like decay rates and the step counters they are raised to
    free = full_prev.free_symbols | full_cur.free_symbols
    betas: set[Any] = set()
    for e in (full_prev, full_cur):
        betas |= {a for a in e.atoms(Symbol) if "beta" in a.name or "β" in a.name}
        betas |= {a for a in e.atoms(Indexed) if "beta" in str(a.base) or "β" in str(a.base)}
    steps_t = [x for x in free if isinstance(x, Symbol) and x.name in ("t", "T", "n")]
    for b in betas:
        for t in steps_t:
            corr = 1 - b ** t
            candidates.append((NO_BIAS_CORRECTION, same(prev, cur * corr)))
            candidates.append((NO_BIAS_CORRECTION, same(prev, cur / corr)))
    for sm in cur.atoms(sympy.Sum):
        var, lo, hi = sm.limits[0]
        for d_lo, d_hi in ((0, 1), (-1, 0), (0, -1), (1, 0)):
            fixed = sympy.Sum(sm.function, (var, lo + d_lo, hi + d_hi), *sm.limits[1:])
            candidates.append((BPTT_RANGE, same(prev, cur.xreplace({sm: fixed}))))
    idx = [s for s in (prev.atoms(Symbol) | cur.atoms(Symbol)) if s.name in ("i", "j")]
    if len({s.name for s in idx}) == 2:
        i = next(s for s in idx if s.name == "i")
        j = next(s for s in idx if s.name == "j")

        def diagonal_only() -> bool:
            return _equal_quick(prev.xreplace({j: i}), cur.xreplace({j: i}), ctx, seed)

        candidates.append((SOFTMAX_DIAGONAL, diagonal_only))
    candidates.append((FACTOR_TWO, same(prev, 2 * cur)))
    candidates.append((FACTOR_TWO, same(2 * prev, cur)))
    for rule, test in candidates:
        if time.monotonic() > deadline:
            return None
        try:
            if test():
                return rule
        except Exception:  # noqa: BLE001
            continue
    if time.monotonic() > deadline:
        return None
    return _catalogue_rule(full_prev, full_cur, ctx)


def _catalogue_rule(prev: sympy.Expr, cur: sympy.Expr, ctx: _Ctx) -> str | None:
    """The shared catalogue (rules.py) for scalar steps without indexed quantities."""
    if any(e.has(Indexed, sympy.Sum, sympy.Product) for e in (prev, cur)):
        return None
    from dlquiz.symbolic.assumptions import build_context
    from dlquiz.symbolic.equivalence import prepare
    from dlquiz.symbolic.rules import match

    try:
        with _time_limit(2.0):
            reference = prev.doit()
            found = match(reference, prepare(cur), build_context(ctx.parsed))
    except Exception:  # noqa: BLE001 - TimeLimit or SymPy trouble: no rule
        return None
    return found.name if found is not None else None


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
    text = sympy.sstr(e)
    return re.sub(r"(\w+)\[([^\]]+)\]", r"\1_\2", text)


def _culprit_text(prev: sympy.Expr, cur: sympy.Expr) -> str | None:
    pair = _culprit(prev, cur)
    if pair is None or (pair[0] == prev and pair[1] == cur):
        return None
    return f"{_show(pair[1])} (where the previous step has {_show(pair[0])})"


# ----------------------------------------------------------------------------- the checker


def _fail_message(o: _Outcome) -> str:
    if o.counterexample:
        at = ", ".join(f"{k} = {v}" for k, v in o.counterexample["at"].items())
        return (f"does not follow from the previous step: at {at} the previous step is "
                f"{o.counterexample['previous']} but this one is {o.counterexample['this']}")
    return "does not follow from the previous step"


class _Budget:
    def __init__(self, per_step: float, total: float) -> None:
        self.per_step = per_step
        self.end = time.monotonic() + total

    def slice(self) -> float:
        return min(self.per_step, self.end - time.monotonic())


def _check_scalar(lines: list[_Line], timeout: float, seed: int, ctx: _Ctx | None = None,
                  chain_start: sympy.Expr | None = None, soft: bool = False
                  ) -> tuple[list[StepResult], sympy.Expr | None]:
    ctx = ctx or _Ctx()
    budget = _Budget(timeout, max(20.0, timeout * 4))
    results: list[StepResult] = []
    prev: sympy.Expr | None = chain_start
    broken = False
    for ln in lines:
        if ln.kind == "let":
            pretty = _define(ln, ctx, timeout)
            results.append(StepResult(ln.no, ln.text, "let " + pretty, "given"))
            continue
        if ln.kind == "assume":
            _assume(ln.text, ctx, ln)
            results.append(StepResult(ln.no, ln.text, ln.text, "given"))
            continue
        if ln.kind == "shape":
            raise _line_error(ln.no, ln.col, "shape declarations need matrix steps", ln.text)
        pieces = _pieces(ln)
        if ln.kind == "cont":
            pieces = pieces[1:]
            if prev is None:
                raise _line_error(ln.no, ln.col, "a step starting with '=' needs a previous "
                                  "expression to continue", ln.text)
        exprs: list[tuple[sympy.Expr, str]] = []
        try:
            for text, col in pieces:
                if not text:
                    raise _line_error(ln.no, col, "empty side of '='", ln.text)
                exprs.append(_parse(text, ctx, ln.no, col, timeout))
        except ParseError as exc:
            if not soft:
                raise
            results.append(StepResult(ln.no, ln.text, ln.text, "error", str(exc)))
            broken = True
            continue
        if ln.kind == "step":
            prev = exprs[0][0]
            exprs_to_check = exprs[1:]
        else:
            exprs_to_check = exprs
        pretty = " = ".join(p for _, p in exprs)
        if ln.kind == "cont":
            pretty = "= " + pretty
        if not exprs_to_check:
            results.append(StepResult(ln.no, ln.text, pretty, "given"))
            continue
        outcome = _Outcome("ok")
        rule = culprit = None
        for expr, _ in exprs_to_check:
            assert prev is not None
            left = budget.slice()
            if left <= 0:
                outcome = _Outcome("undecided", "the time budget of the derivation is used up")
            else:
                outcome = _compare(prev, expr, ctx, left, seed)
            if outcome.status == "fail":
                rule = _match_rule(prev, expr, ctx, seed, max(2.0, min(timeout, 6.0)))
                culprit = _culprit_text(prev, expr)
                prev = expr
                break
            prev = expr
        msg = outcome.message
        if outcome.status == "fail":
            msg = _fail_message(outcome)
        elif outcome.status == "ok" and broken:
            msg = "follows from the previous step (the chain broke earlier)"
        results.append(StepResult(ln.no, ln.text, pretty, outcome.status, msg,
                                  outcome.counterexample, rule, culprit))
        broken = broken or outcome.status == "fail"
    return results, prev


def _report(results: list[StepResult]) -> DerivationReport:
    fail = next((r.line for r in results if r.status == "fail"), None)
    ok = all(r.status in ("ok", "given") for r in results) and any(
        r.status == "ok" for r in results)
    return DerivationReport(ok, tuple(results), fail)


def _is_matrix(lines: Sequence[_Line]) -> bool:
    return any(ln.kind == "shape" for ln in lines)


def check_derivation(text: str, *, timeout: float = 3.0, seed: int = 0) -> DerivationReport:
    """Check every transition of a derivation written in the plain-text format.

    Raises:
        ParseError: a malformed line (the message names the line and column).
    """
    lines = _split_lines(text.lstrip("\ufeff"))  # a byte-order mark from some editors
    if _is_matrix(lines):
        from dlquiz.symbolic.matrices import check_matrix_lines

        results = check_matrix_lines(lines, timeout=timeout, seed=seed)
    else:
        results = _check_scalar(lines, timeout, seed)[0]
    if not any(ln.kind in ("step", "cont") for ln in lines):
        raise DlquizError("the derivation has no steps (every line is a comment, let, assume "
                          "or shape declaration)")
    return _report(results)


def check_item_derivation(*, given: Sequence[str], start: str, goal: str,
                          steps: str | Sequence[str], timeout: float = 3.0) -> DerivationReport:
    """Check a student's chain for a derivation item: from `start`, every step, to `goal`.

    The student's first line may be `start` itself or its first rewriting; malformed student
    lines become steps with status "error" (the givens are the bank's and must be valid).
    """
    body = steps if isinstance(steps, str) else "\n".join(steps)
    ctx = _Ctx()
    keep = ("let", "assume", "matrix", "vector", "scalar")
    given_text = "\n".join(g if g.split(None, 1)[0] in keep else f"let {g}"
                           for g in given if g.strip())
    pre = _split_lines(given_text)
    if _is_matrix(pre):
        return _check_matrix_item(pre, start, goal, _split_lines(body), timeout)
    for ln in pre:
        if ln.kind == "let":
            _define(ln, ctx, timeout)
        elif ln.kind == "assume":
            _assume(ln.text, ctx, ln)
    start_expr, start_pretty = _parse(start, ctx, 0, 1, timeout)
    student = [ln for ln in _split_lines(body)]
    results: list[StepResult] = [StepResult(0, start, start_pretty, "given", "start")]
    if not student:
        return DerivationReport(False, tuple(results), None)
    lines: list[_Line] = []
    for ln in student:
        if ln.kind in ("let", "assume", "shape"):
            lines.append(ln)
            continue
        if ln.kind == "cont":
            lines.append(ln)
        else:  # every line continues the chain from the start
            lines.append(_Line(ln.no, "cont", "= " + ln.text, ln.col - 2))
    try:
        checked, final = _check_scalar(lines, timeout, 0, ctx=ctx, chain_start=start_expr,
                                       soft=True)
    except ParseError as exc:
        line = getattr(exc, "line", 0)
        bad = next((ln for ln in student if ln.no == line), None)
        text = bad.text if bad else ""
        results.append(StepResult(line, text, text, "error", str(exc)))
        return _report(results)
    results.extend(checked)
    steps_done = [r for r in checked if r.status != "given"]
    if steps_done and all(r.status in ("ok", "given") for r in checked) and final is not None:
        goal_expr, goal_pretty = _parse(goal, ctx, 0, 1, timeout)
        o = _compare(goal_expr, final, ctx, timeout, 0)
        last = steps_done[-1]
        if o.status != "ok":
            results.append(StepResult(
                last.line, goal, goal_pretty, "fail" if o.status == "fail" else o.status,
                f"every step holds, but the chain ends at {last.pretty.lstrip('= ')}, "
                f"not at the goal {goal_pretty}", o.counterexample))
        elif not _same_form(goal_expr, final, ctx):
            results.append(StepResult(
                last.line, goal, goal_pretty, "fail",
                f"every step holds, but the chain stops at {last.pretty.lstrip('= ')}: "
                f"bring it to the goal's form {goal_pretty}"))
    return _report(results)


def _check_matrix_item(pre: list[_Line], start: str, goal: str, student: list[_Line],
                       timeout: float) -> DerivationReport:
    """`check_item_derivation` for items whose givens declare shapes."""
    from dlquiz.symbolic.matrices import check_matrix_lines

    givens = [_Line(-1, ln.kind, ln.text, ln.col) for ln in pre]
    chain = [ln if ln.kind != "step" else _Line(ln.no, "cont", "= " + ln.text, ln.col - 2)
             for ln in student]
    if not any(ln.kind == "cont" for ln in chain):
        return DerivationReport(False, (StepResult(0, start, start, "given", "start"),), None)
    goal_no = max(ln.no for ln in chain) + 1
    lines = givens + [_Line(0, "step", start, 1)] + chain + [_Line(goal_no, "cont", "= " + goal,
                                                                    1)]
    try:
        checked = check_matrix_lines(lines, timeout=timeout)
    except ParseError as exc:
        line = getattr(exc, "line", 0)
        if line <= 0 or line == goal_no:
            raise  # the bank's givens, start or goal are malformed
        bad = next(ln for ln in student if ln.no == line)
        return _report([StepResult(line, bad.text, bad.text, "error", str(exc))])
    results = [r for r in checked if r.line >= 0 and r.line != goal_no]
    goal_result = next(r for r in checked if r.line == goal_no)
    if all(r.status in ("ok", "given") for r in results) and goal_result.status != "ok":
        last = results[-1]
        results.append(StepResult(last.line, goal, goal_result.pretty.lstrip("= "), "fail",
                                  f"every step holds, but the chain ends at "
                                  f"{last.pretty.lstrip('= ')}, not at the goal {goal}",
                                  goal_result.counterexample))
    return _report(results)


def _same_form(goal: sympy.Expr, final: sympy.Expr, ctx: _Ctx) -> bool:
    """Whether the last step is written as the goal (up to expanding products, no calculus)."""
    a, b = _expand_defs(goal, ctx), _expand_defs(final, ctx)
    if b.has(sympy.Derivative) and not a.has(sympy.Derivative):
        return False
    try:
        with _time_limit(1.0):
            return bool(sympy.expand(a - b) == 0)
    except Exception:  # noqa: BLE001 - _Timeout or SymPy trouble: do not insist on the form
        return True


# ----------------------------------------------------------------------------- text report

_MARK = {"ok": "✓", "fail": "✗", "error": "✗", "undecided": "?", "given": "·"}


# Chinese for the step messages of a report (parse errors keep the parser's English)
_STEP_MESSAGES_ZH: list[tuple[str, str]] = [
    (r"does not follow from the previous step: at (.*) the previous step is (.*) but this one is (.*)",
     r"与上一步不相等：在 \1 处，上一步的值为 \2，这一步为 \3"),
    (r"does not follow from the previous step: with random matrices, entry (.*) is (.*) before and (.*) here",
     r"与上一步不相等：用随机矩阵检验，元素 \1 上一步为 \2，这一步为 \3"),
    (r"does not follow: with random matrices the true ∂(.*)/∂(.*) \(finite differences\) has entry (.*) = (.*), "
     r"this step gives (.*)", r"不成立：用随机矩阵检验，真实的 ∂\1/∂\2（有限差分）元素 \3 = \4，这一步给出 \5"),
    (r"does not follow from the previous step", "与上一步不相等"),
    (r"follows from the previous step \(the chain broke earlier\)", "由上一步可得（但推导链在前面已断开）"),
    (r"no verdict within the time limit \((.*)\)", r"在时限（\1）内未能判定"),
    (r"ran out of time", "超时"),
    (r"the time budget of the derivation is used up", "整个推导的检查时间已用完"),
]


def format_report(report: DerivationReport, *, lang: str = "en") -> str:
    """Plain text: one line per step with ✓/✗, then the details of the first failure."""
    zh = lang == "zh"
    out: list[str] = []
    for s in report.steps:
        out.append(f"{_MARK[s.status]} {s.line:>3}  {s.pretty}")
        if s.message and (s.status in ("fail", "error", "undecided")
                          or s.message.startswith("follows")):
            shown = (translate(s.message, _STEP_MESSAGES_ZH) or s.message) if zh else s.message
            out.append(f"        {shown}")
        if s.culprit:
            out.append(("        改动出错处：" if zh else "        changed part: ") + s.culprit)
        if s.rule:
            out.append(("        常见错误：" if zh else "        known slip: ")
                       + rule_message(s.rule, lang))
    if report.ok:
        out.append("每一步都成立。" if zh else "Every step holds.")
    elif report.first_failure is not None:
        out.append(f"第 {report.first_failure} 行不成立。" if zh
                   else f"The derivation breaks at line {report.first_failure}.")
    elif any(s.status == "error" for s in report.steps):
        out.append("有一行无法读取。" if zh else "A line could not be read.")
    elif report.undecided:
        out.append("有的步骤无法判定。" if zh else "Some steps could not be decided.")
    else:
        out.append("还没有任何步骤。" if zh else "There are no steps yet.")
    return "\n".join(out)
