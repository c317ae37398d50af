"""The structure a formula was written with: a small tree the grammar builds and the printer shows.

Each node keeps its meaning (a SymPy expression, built as the node is read) and how it was written
(kind, children, operators), so the "interpreted as" echo prints the student's structure —
``2*(a - y)`` stays ``2·(a − y)`` — while verdicts use the meaning.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sympy

Kind = Literal[
    "num",  # a number literal; text as written (``0.01``, ``½``)
    "name",  # a symbol (or an abbreviation); text is its display form
    "const",  # e, π
    "add",  # args with ops ("", "+", "-")
    "neg",  # unary minus
    "mul",  # args with ops ("", "*", "/", " ": implicit)
    "div",  # LaTeX \frac: numerator, denominator
    "pow",  # base, exponent
    "call",  # a function applied: text is its display name (with primes), args
    "abs",  # |x|
    "paren",  # written parentheses or brackets
    "group",  # LaTeX braces: no visible parentheses
    "sqrt",  # √x
    "deriv",  # d/dx f: args (variable, f); text "d" or "∂"; ops (order,)
    "dfrac",  # ∂L/∂w: args (numerator name, variable); text "d" or "∂"; ops (order,)
    "sum",  # ∑_{k=lo}^{hi} body: args (k, lo, hi, body)
    "prod",  # ∏_{k=lo}^{hi} body
    "indicator",  # 1[a op b]: args (a, b); text op
    "piecewise",  # Piecewise((e, cond), ...): args alternate value, condition (or const True)
    "relation",  # a op b inside a condition; text op
    "raw",  # printed from the meaning (a form with no better written shape)
]


@dataclass(frozen=True, eq=False)
class Node:
    """One piece of a formula as written, with its meaning."""

    kind: Kind
    expr: sympy.Expr
    args: tuple[Node, ...] = ()
    text: str = ""
    ops: tuple[str, ...] = ()


def leaf(kind: Kind, expr: sympy.Expr, text: str) -> Node:
    """A node without children."""
    return Node(kind, expr, (), text)
