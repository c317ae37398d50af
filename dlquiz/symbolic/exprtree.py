"""The plain expression tree of a formula: frozen dataclasses, no SymPy, importable anywhere.

`dlquiz.symbolic.tree` fills these from typed text (through the whitelist parser); code can also
build them directly (`V`, `C`, `node`), e.g. for a generator's preset formulas, without importing
SymPy at all.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# the operations a tree can hold
UNARY = ("neg", "exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "sin", "cos")
OPS = ("var", "const", "add", "mul", "div", "pow", "max", "min", *UNARY)


@dataclass(frozen=True)
class Expr:
    """One node: `op` (see OPS), its children, and for leaves a symbol name or a constant.

    ``var``: `name` is the symbol's canonical name (``w_1``); ``const``: `value`; ``add``:
    `signs` holds +1 or −1 per child (a − b is add with signs (1, −1)); ``pow``: two children,
    base and exponent; ``div``: numerator, denominator; ``max``/``min``/``mul``: two or more.
    """

    op: str
    args: tuple[Expr, ...] = ()
    name: str = ""
    value: float = 0.0
    signs: tuple[int, ...] = ()


@dataclass(frozen=True)
class Formula:
    """A parsed formula: its tree, its variables (sorted canonical names), labels and echo."""

    root: Expr
    variables: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]
    text: str
    pretty: str

    def label(self, name: str) -> str:
        """The readable form of a variable (``w_1`` -> ``w₁``)."""
        return dict(self.labels).get(name, name)


def make_formula(root: Expr, text: str, pretty: str = "") -> Formula:
    """A formula from its tree: variables in natural order (w_2 before w_10) with readable labels."""
    names = _variables(root)
    return Formula(root, names, tuple((n, variable_label(n)) for n in names), text, pretty or text)


def V(name: str) -> Expr:  # noqa: N802 - reads like the math
    """A variable by its canonical name (``w_1``, ``theta``)."""
    return Expr("var", name=name)


def C(value: float) -> Expr:  # noqa: N802
    """A constant."""
    return Expr("const", value=float(value))


def node(op: str, *args: Expr, signs: tuple[int, ...] = ()) -> Expr:
    """An operation on its children (an ``add`` without `signs` adds them all)."""
    if op == "add" and not signs:
        signs = (1,) * len(args)
    return Expr(op, tuple(args), signs=signs)


def _variables(root: Expr) -> tuple[str, ...]:
    seen: set[str] = set()
    stack = [root]
    while stack:
        n = stack.pop()
        if n.op == "var":
            seen.add(n.name)
        stack.extend(n.args)
    return tuple(sorted(seen, key=_natural))


def _natural(name: str) -> tuple[tuple[int, str], ...]:
    """Sort key: w_2 before w_10."""
    return tuple((int(p), "") if p.isdigit() else (0, p) for p in re.split(r"(\d+)", name))


_GREEK = dict(
    zip(
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi rho sigma tau upsilon phi chi "
        "psi omega Gamma Delta Theta Lambda Xi Sigma Phi Psi Omega".split(),
        "αβγδεζηθικλμνξρστυφχψωΓΔΘΛΞΣΦΨΩ",
        strict=True,
    )
)
_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def variable_label(name: str) -> str:
    """The readable form of a canonical variable name (``beta_1`` -> ``β₁``, ``yhat`` -> ``ŷ``)."""
    base, _, sub = name.partition("_")
    for acc, mark in _ACCENTS.items():
        if base.endswith(acc) and len(base) > len(acc):
            stem = base[: -len(acc)]
            base = unicodedata.normalize("NFC", _GREEK.get(stem, stem) + mark)
            break
    else:
        base = _GREEK.get(base, base)
    if not sub:
        return base
    if sub.isdigit():
        return base + sub.translate(_SUBSCRIPT)
    return f"{base}_{_GREEK.get(sub, sub)}"
