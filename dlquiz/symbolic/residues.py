"""Whole-number variables in the one sampler: the period of floor/ceil/Mod (`modulus`) and the
symbolic ranges of indices (``1 <= k <= K``) that the exhaustive integer check must respect
(`named_bounds_hold`, `repair`). sampling.py draws the values; this module only reasons about them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import sympy

from dlquiz.symbolic.assumptions import Context
from dlquiz.symbolic.numeric import Point, Undefined, Unsupported, defined, evaluate

__all__ = ["modulus", "named_bounds_hold", "point_meets_bounds", "repair"]


def modulus(*exprs: sympy.Basic) -> int:
    """The period in whole numbers of the floor/ceil/Mod parts of the expressions."""
    m = 1
    for e in exprs:
        for node in sympy.preorder_traversal(e):
            if isinstance(node, (sympy.floor, sympy.ceiling)):
                parts = [node.args[0]]
            elif isinstance(node, sympy.Mod):
                parts = [node.args[0] / node.args[1]]
                if node.args[1].is_Integer:
                    m = math.lcm(m, abs(int(node.args[1])))
            elif isinstance(node, sympy.Pow) and node.base == -1:
                m = math.lcm(m, 2)
                continue
            else:
                continue
            for part in parts:
                for r in part.atoms(sympy.Rational):
                    if r.q > 1:
                        m = math.lcm(m, int(r.q))
    return min(m, 10_000)


def named_bounds_hold(
    values: dict[str, int], ctx: Context, names: Sequence[str], present: frozenset[str]
) -> bool | None:
    """Whether the whole numbers in `values` meet the symbolic bounds of `names` (1 <= k <= K);
    None when a bound uses a name `values` does not give. A bound on a size the expressions do
    not use (`present`) bounds nothing they can see and is left out."""
    for n in names:
        d = ctx.domain(n)
        for bound, is_low in ((d.low_name, True), (d.high_name, False)):
            if bound is None or not {str(x) for x in bound.free_symbols} <= present:
                continue
            if not {str(x) for x in bound.free_symbols} <= set(values):
                return None
            b = bound.xreplace({sympy.Symbol(k): sympy.Integer(v) for k, v in values.items()})
            if not b.is_number:
                return None
            v, strict = values[n], d.low_strict if is_low else d.high_strict
            ok = (v > b if strict else v >= b) if is_low else (v < b if strict else v <= b)
            if not bool(ok):
                return False
    return True


def repair(
    values: dict[str, int], ctx: Context, names: Sequence[str], m: int, present: frozenset[str]
) -> dict[str, int] | None:
    """`values` moved by multiples of `m` (so every residue stays) until the symbolic bounds hold:
    a size below its index is raised (k = 7, K = 3 -> K = 9 when m = 2); None if that fails."""
    out = dict(values)
    for _ in range(4 * len(names) + 4):
        held = named_bounds_hold(out, ctx, names, present)
        if held is not False:
            return out if held else None
        for n in names:
            d = ctx.domain(n)
            for bound, is_low in ((d.low_name, True), (d.high_name, False)):
                if bound is None or not isinstance(bound, sympy.Symbol) or bound.name not in out:
                    continue
                v, b = out[n], out[bound.name]
                strict = d.low_strict if is_low else d.high_strict
                if is_low and (v < b or (strict and v == b)):
                    out[n] = v + m * (-(-(b - v + strict) // m))  # raise the index above its low
                elif not is_low and (v > b or (strict and v == b)):
                    out[bound.name] = b + m * (-(-(v - b + strict) // m))  # raise the size
        for n, v in out.items():
            if not ctx.domain(n).contains(float(v)):
                return None
    return None


def point_meets_bounds(p: Point, preset: dict[str, int], present: set[str]) -> bool:
    """Whether the whole numbers preset at `p` meet their symbolic bounds there (a size the
    plan did not fix, such as a real K, is drawn at the point to compare); bounds on names the
    expressions do not use (not in `present`) are left out."""
    for n, v in preset.items():
        d = p.ctx.domain(n)
        for bound, is_low in ((d.low_name, True), (d.high_name, False)):
            if bound is None or not {str(x) for x in bound.free_symbols} <= present:
                continue
            try:
                b = evaluate(bound, p)
            except (Undefined, Unsupported):
                return False
            if not defined(b):
                return False
            b = b.real
            strict = d.low_strict if is_low else d.high_strict
            if not ((v > b if strict else v >= b) if is_low else (v < b if strict else v <= b)):
                return False
    return True
