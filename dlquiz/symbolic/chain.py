"""The scalar context of a derivation: what its givens define, and its concrete cases.

`let` lines define names (plain, indexed such as p_i, recursive such as h_t with base cases
h_0), `assume` lines give domains and one-hot labels. Subscripted symbols become indexed
objects (o_i -> o[i]); a comparison is carried out on concrete cases: sizes K, T = 2…8,
indices 1…size, recursions unrolled down to their base cases, definitions expanded.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy
from sympy import Indexed, IndexedBase, Integer, Symbol
from sympy.core.function import AppliedUndef

from dlquiz.errors import ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.assumptions import Context, build_context, parse_assumption
from dlquiz.symbolic.functions import elementary
from dlquiz.symbolic.lines import LET, Line, LineError
from dlquiz.symbolic.messages import columns_removed
from dlquiz.symbolic.parse import SUBSCRIPTS, parse_math
from dlquiz.symbolic.sampling import Case

# ----------------------------------------------------------------------------- scalar context

_INDEX_SUB = re.compile(r"^(?P<base>.+?)_\{?(?P<idx>[A-Za-z]|\d+|[A-Za-z]\s*[-+]\s*\d+)\}?$")
_INDEX_LETTERS = set("ijkntTK")


@dataclass
class ScalarContext:
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

    def context(self) -> Context:
        """The assumptions as the sampler's context (domains and equations)."""
        if self._context is None:
            self._context = build_context(self.parsed) if self.parsed else Context()
        return self._context  # type: ignore[no-any-return]


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


def indexify(expr: sympy.Expr, ctx: ScalarContext) -> sympy.Expr:
    """Turn subscripted symbols o_i, h_{t-1}, x_2 into indexed objects o[i], h[t-1], x[2]."""
    bound: set[str] = set()
    for s in expr.atoms(sympy.Sum, sympy.Product):
        bound |= {str(lim[0]) for lim in s.limits}
    letters = ctx.index_vars | bound | ctx.integers
    # a default index letter (i, j, k, n, t, T, K) is a whole number only where it is used as
    # one here: in a subscript, a Kronecker delta or a sum's limits; elsewhere (n alone, t in
    # β^t) it is a real variable, as in `dlquiz equiv`
    used = set(bound) | (ctx.index_vars - _INDEX_LETTERS) | ctx.integers
    for sym in expr.atoms(Symbol):
        _b, sub = subscript_of(sym.name)
        if sub is not None:
            used |= {str(x) for x in sub.free_symbols}
    for node in expr.atoms(sympy.KroneckerDelta, sympy.Sum, sympy.Product):
        if isinstance(node, sympy.KroneckerDelta):
            used |= {str(x) for x in node.free_symbols}
        else:
            used |= {str(x) for lim in node.limits for b in lim[1:] for x in b.free_symbols}
    mapping: dict[Any, Any] = {}
    for sym in expr.atoms(Symbol):
        if not isinstance(sym, Symbol):
            continue
        name = sym.name
        if name in letters and name in used and not sym.is_integer:
            mapping[sym] = Symbol(name, integer=True)
            continue
        base, sub = subscript_of(name)
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


def subscript_of(name: str) -> tuple[str | None, sympy.Expr | None]:
    """(base, subscript) of a parser symbol name such as o_i or h_{t-1}."""
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


def _mentions(expr: sympy.Expr, base: str) -> bool:
    """Whether an expression refers to the sequence `base` (v[t-1], v_{t-1})."""
    return any(isinstance(a, Indexed) and str(a.base) == base for a in expr.atoms(Indexed)) or any(
        subscript_of(s.name)[0] == base for s in expr.atoms(Symbol)
    )


def declared_names(ctx: ScalarContext) -> frozenset[str]:
    """Names the givens declare (let lines, assumptions): one name whatever their length (pad, lr)."""
    names = {str(s) for s in ctx.plain} | set(ctx.indexed) | set(ctx.recursive) | set(ctx.base_cases)
    names |= ctx.integers | ctx.onehot
    for a in ctx.parsed:
        names.update(a.names)
    return frozenset(names)


def read_expr(text: str, ctx: ScalarContext, line: int, col: int, timeout: float) -> tuple[sympy.Expr, str]:
    """Parse one expression with the shared parser, then index its subscripts."""
    try:
        parsed = parse_math(text, timeout=max(timeout, 2.0), names=declared_names(ctx))
    except ParseError as exc:
        c = (col + exc.column - 1) if exc.column else col
        raise LineError(line, c, columns_removed(exc.args[0]), text) from None  # the column is in front now
    expr = indexify(parsed.expr, ctx)
    return expr, getattr(parsed, "pretty", "") or str(expr)


_ONEHOT = re.compile(r"(?P<name>\w+)\s+(?:is\s+)?one[- ]hot(?:\s+over\s+(?P<K>\w+)(?:\s+classes)?)?$")


def assume(text: str, ctx: ScalarContext, line: Line) -> None:
    """`assume …`: one-hot labels here, everything else in the language of `dlquiz equiv`."""
    body = text[len("assume") :].strip()
    offset = line.col + len(text) - len(text[len("assume") :].lstrip())
    parts: list[str] = []
    for chunk in re.split(r"\s*;\s*|\s+and\s+", body):
        try:  # "n, p, f, s positive integer" is one assumption about four names
            parse_assumption(chunk.strip())
            parts.append(chunk)
        except ParseError:
            parts += re.split(r",\s*(?![^{(\[]*[})\]])", chunk)
    for part in parts:
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
            raise LineError(
                line.no,
                col,
                lazy(
                    "cannot read the assumption {assumption}: {message} (e.g. {examples})",
                    assumption=repr(part),
                    message=exc.args[0],
                    examples="'x > 0', '0 < p < 1', 'T positive integer', 'y one-hot over K classes'",
                ),
                text,
            ) from None
        ctx.parsed.append(a)
        ctx._context = None
        if a.integer and a.kind == "type":
            ctx.integers.update(a.names)
        ctx.assumptions.append(part)


def define(line: Line, ctx: ScalarContext, timeout: float) -> str:
    m = LET.match(line.text)
    if not m:
        raise LineError(line.no, line.col, lazy("expected 'let NAME = expression'"), line.text)
    name = m.group("name").strip()
    rhs_col = line.col + m.start("rhs")
    rhs, pretty = read_expr(m.group("rhs"), ctx, line.no, rhs_col, timeout)
    bad = LineError(
        line.no,
        line.col + m.start("name"),
        lazy(
            "cannot define {name}: write a name such as {names} or {last}",
            name=repr(name),
            names="s, beta, p_i, h_t",
            last="h_0",
        ),
        line.text,
    )
    try:
        sym = parse_math(name, timeout=2.0, any_names=True).expr  # the let line declares the name
    except ParseError:
        raise bad from None
    if not isinstance(sym, Symbol):
        raise bad
    base, sub = subscript_of(sym.name)
    ints = {x: Symbol(str(x), integer=True) for x in (sub.free_symbols if sub is not None else ())}
    if base is None or sub is None:
        ctx.plain[Symbol(sym.name)] = rhs
    elif sub.is_Integer or (
        isinstance(sub, Symbol) and (sub.name in ctx.integers or sub.name in ("T", "K")) and not _mentions(rhs, base)
    ):  # v_t = 0.9 v_{t-1} + 1 recurs
        # a base case: h_0 = 0, or P_T = 1 at the last time step
        ctx.base_cases.setdefault(base, []).append((sub.xreplace(ints), rhs))
    elif isinstance(sub, Symbol):
        var = Symbol(sub.name, integer=True)
        ctx.index_vars.add(var.name)
        rhs = indexify(rhs, ctx)
        if any(isinstance(a, Indexed) and str(a.base) == base for a in rhs.atoms(Indexed)):
            ctx.recursive[base] = (var, rhs)
        else:
            ctx.indexed[base] = (var, rhs)
    else:
        raise bad
    ctx.let_text[name] = m.group("rhs").strip()
    return f"{name} = {pretty}"


def expand_defs(expr: sympy.Expr, ctx: ScalarContext) -> sympy.Expr:
    """Replace defined names by their definitions (not recursive ones at symbolic indices)."""
    out = expr
    for _ in range(12):
        before = out
        if ctx.plain:
            out = (
                out.xreplace({s: v for s, v in ctx.plain.items() if s in out.free_symbols})
                if any(s in out.free_symbols for s in ctx.plain)
                else out
            )
            # plain names may also appear with assumptions attached
            names = {s.name: v for s, v in ctx.plain.items()}
            extra = {s: names[s.name] for s in out.free_symbols if isinstance(s, Symbol) and s.name in names}
            if extra:
                out = out.xreplace(extra)
            # \frac{\partial L}{\partial o_i} reads L as a function L(o_i): use its definition
            applied = {f: names[type(f).__name__] for f in out.atoms(AppliedUndef) if type(f).__name__ in names}
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


def unroll(expr: sympy.Expr, ctx: ScalarContext, sizes: dict[str, Integer] | None = None) -> sympy.Expr:
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
        out = expand_defs(out, ctx)
        if out == before:
            break
    return out


def to_elementary(expr: sympy.Expr) -> sympy.Expr:
    return elementary(expr.doit())


# ----------------------------------------------------------------------------- concrete cases


def size_symbols(exprs: Sequence[sympy.Expr], ctx: ScalarContext) -> list[Symbol]:
    sizes: dict[str, Symbol] = {}
    for e in exprs:
        free = e.free_symbols
        for s in e.atoms(sympy.Sum, sympy.Product):
            for lim in s.limits:
                for bound in lim[1:]:
                    for sym in bound.free_symbols:
                        if isinstance(sym, Symbol) and sym in free:
                            sizes[sym.name] = sym
        # a declared whole number is a size where it indexes (h_T, P_T = 1); elsewhere the
        # sampler checks it at every residue like `dlquiz equiv` does
        in_index = {str(x) for a in e.atoms(Indexed) for i in a.indices for x in i.free_symbols}
        for sym in e.free_symbols:
            if isinstance(sym, Symbol) and sym.name in ctx.integers and sym.name in in_index:
                sizes[sym.name] = sym
    if (
        ctx.classes is not None
        and ctx.onehot
        and any(isinstance(a, Indexed) and str(a.base) in ctx.onehot for e in exprs for a in e.atoms(Indexed))
    ):
        sizes[ctx.classes.name] = ctx.classes
    return [sizes[k] for k in sorted(sizes)]


def index_symbols(exprs: Sequence[sympy.Expr], sizes: Sequence[Symbol]) -> list[Symbol]:
    idx: dict[str, Symbol] = {}
    size_names = {s.name for s in sizes}
    for e in exprs:
        free = e.free_symbols
        for ind in e.atoms(Indexed):
            for i in ind.indices:
                for sym in i.free_symbols:
                    if isinstance(sym, Symbol) and sym.name not in size_names and sym in free:
                        idx[sym.name] = sym
        for d in e.atoms(sympy.KroneckerDelta):
            for sym in d.free_symbols:
                if isinstance(sym, Symbol) and sym.name not in size_names and sym in free:
                    idx[sym.name] = sym
        for d in e.atoms(sympy.Derivative):  # d/do_j: j is free although o_j is "bound"
            for v in d.variables:
                if isinstance(v, Indexed):
                    for sym in v.indices[0].free_symbols:
                        if isinstance(sym, Symbol) and sym.name not in size_names:
                            idx[sym.name] = sym
    return [idx[k] for k in sorted(idx)]


def assignments(
    sizes: Sequence[Symbol], indices: Sequence[Symbol], rng: random.Random, top_size: int = 8
) -> list[dict[Symbol, int]]:
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


def concrete(expr: sympy.Expr, assign: dict[Symbol, int], ctx: ScalarContext) -> sympy.Expr:
    key = (expr, tuple(sorted((s.name, v) for s, v in assign.items())))
    hit = ctx.cache.get(key)
    if hit is None:
        hit = ctx.cache[key] = _concrete_uncached(expr, assign, ctx)
    return hit


def _concrete_uncached(expr: sympy.Expr, assign: dict[Symbol, int], ctx: ScalarContext) -> sympy.Expr:
    by_name = {s.name: Integer(v) for s, v in assign.items()}

    def sub(e: sympy.Expr) -> sympy.Expr:
        rule = {f: by_name[f.name] for f in e.atoms(Symbol) if f.name in by_name}
        return e.xreplace(rule) if rule else e

    out = sub(expr)
    for _ in range(20):
        before = out
        out = sub(expand_defs(out, ctx))
        out = out.replace(
            lambda e: (
                isinstance(e, (sympy.Sum, sympy.Product)) and all(b.is_Integer for lim in e.limits for b in lim[1:])
            ),
            lambda e: e.doit(deep=False),
        )
        out = sub(unroll(out, ctx, by_name))
        if out == before:
            break
    return to_elementary(out.doit())


def cases(
    prev: sympy.Expr, cur: sympy.Expr, ctx: ScalarContext, seed: int, limit: int | None = None
) -> tuple[list[Case], list[Symbol], int]:
    """The concrete cases to sample two steps on (sizes, indices, one-hot labels), the size
    symbols and the largest size used; `limit` keeps only the first few (a quick look)."""
    rng = random.Random(seed)
    full = [expand_defs(prev, ctx), expand_defs(cur, ctx)]
    sizes = size_symbols(full, ctx)
    indices = index_symbols(full, sizes)
    top = 5 if ctx.recursive else 8  # unrolled recursions grow with every step
    out: list[Case] = []
    for assign in assignments(sizes, indices, rng, top)[:limit]:
        a, b = concrete(prev, assign, ctx), concrete(cur, assign, ctx)
        groups: list[tuple[str, ...]] = []
        for base in sorted(ctx.onehot):
            seen = [
                int(x.indices[0])
                for e in (a, b)
                for x in e.atoms(Indexed)
                if str(x.base) == base and x.indices[0].is_Integer
            ]
            k = next((v for s, v in assign.items() if ctx.classes is not None and s.name == ctx.classes.name), None)
            n = k or max(seen or [0])
            if n:
                groups.append(tuple(f"{base}_{i}" for i in range(1, n + 1)))
        out.append(Case(a, b, tuple(sorted((s.name, v) for s, v in assign.items())), tuple(groups)))
    return out, sizes, top
