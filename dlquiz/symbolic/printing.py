"""The echo: formulas printed for people, in a form the reader reads back to the same expression.

- ``show(node)`` prints a parsed formula with the structure it was written with (the "interpreted
  as" echo): no expansion, no reordering; only names and notation made pretty (σ, β₁, ŷ, x², ·, −,
  ∂/∂x). Implicit products are shown with ``·`` so the reading of ``pad`` (p·a·d or one name) is
  visible.
- ``to_unicode(expr)`` prints a SymPy expression (after the engine has worked on it), one line.
- ``unicode_name(name)`` is a symbol name's readable form (``beta_1`` -> ``β₁``).
"""

from __future__ import annotations

import unicodedata

import sympy
from sympy import Indexed, Symbol

from dlquiz.symbolic.names import GREEK
from dlquiz.symbolic.syntax import Node

_SUBDIGITS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPER = str.maketrans("0123456789-+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺")
_ACCENT_CHAR = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303"}
_REL_SHOWN = {"=": "=", "!=": "≠", "<": "<", ">": ">", "<=": "≤", ">=": "≥"}

ADD, MUL, POW, ATOM = 1, 2, 3, 4


def unicode_name(name: str) -> str:
    """Readable form of a symbol name: ``beta_1`` -> ``β₁``, ``yhat_i`` -> ``ŷ_i``."""
    base, _, sub = name.partition("_")
    layer = ""
    if "^[" in base:
        base, _, rest = base.partition("^")
        layer = "^" + rest
    for acc, mark in _ACCENT_CHAR.items():
        if base.endswith(acc) and len(base) > len(acc):
            stem = base[: -len(acc)]
            base = unicodedata.normalize("NFC", GREEK.get(stem, stem) + mark)
            break
    else:
        base = GREEK.get(base, base)
    base += layer
    if not sub:
        return base
    if sub.isdigit() and not layer:
        return base + sub.translate(_SUBDIGITS)
    if sub in GREEK:
        sub = GREEK[sub]
    return f"{base}_{sub}"


# --------------------------------------------------------------------------- the written structure


def _prec(n: Node) -> int:
    k = n.kind
    if k == "group":
        return _prec(n.args[0])
    if k == "add":
        return ADD
    if k in ("neg", "mul", "div"):
        return MUL
    if k == "pow":
        return POW
    if k in ("deriv", "sum", "prod", "relation"):
        return ADD
    if k == "raw":
        e = n.expr
        return (
            ADD
            if e.is_Add
            else MUL
            if (e.is_Mul or (e.is_Rational and not e.is_Integer) or (e.is_Number and e < 0))
            else POW
            if e.is_Pow
            else ATOM
        )
    return ATOM


def _wrap(n: Node, at_least: int) -> str:
    s = show(n)
    return s if _prec(n) >= at_least else f"({s})"


def _operand(n: Node) -> str:
    """The term after d/dx or ∑_{…}: the reader takes a whole product there."""
    s = show(n)
    if n.kind == "paren" or (_prec(n) >= MUL and not s.startswith("(") and n.kind not in ("neg",)):
        return s
    return f"({s})"


def _sup(n: Node) -> str | None:
    """An integer exponent as superscript digits (x², x⁻¹), else None."""
    while n.kind in ("paren", "group"):
        n = n.args[0]
    inner = n.args[0] if n.kind == "neg" else n
    while inner.kind in ("paren", "group"):
        inner = inner.args[0]
    if inner.kind == "num" and inner.text.isdigit() and len(inner.text) <= 3:
        return (("-" if n.kind == "neg" else "") + inner.text).translate(_SUPER)
    return None


def show(n: Node) -> str:
    """The formula as written, made pretty (σ, β₁, x², ·, −); reads back to the same meaning."""
    k = n.kind
    if k in ("num", "name", "const"):
        return n.text
    if k == "raw":
        return to_unicode(n.expr)
    if k == "group":
        return show(n.args[0])
    if k == "paren":
        return f"({show(n.args[0])})"
    if k == "add":
        out = [_wrap(n.args[0], MUL)]
        for op, a in zip(n.ops[1:], n.args[1:], strict=True):
            out.append(f" {'−' if op == '-' else '+'} {_wrap(a, MUL)}")
        return "".join(out)
    if k == "neg":
        return "−" + _wrap(n.args[0], MUL if n.args[0].kind == "neg" else POW)
    if k == "mul":
        out = [_wrap(n.args[0], MUL)]
        for op, a in zip(n.ops[1:], n.args[1:], strict=True):
            s = show(a)
            if not (_prec(a) >= POW or a.kind == "neg"):
                s = f"({s})"
            out.append(("/" if op == "/" else "·") + s)
        return "".join(out)
    if k == "div":
        num, den = n.args
        d = show(den)
        return f"{_wrap(num, MUL)}/{d if _prec(den) >= POW else f'({d})'}"
    if k == "pow":
        base, ex = n.args
        b = _wrap(base, ATOM)
        sup = _sup(ex)
        if sup is not None:
            return b + sup
        return f"{b}^{_wrap(ex, ATOM)}"
    if k == "call":
        return f"{n.text}({', '.join(show(a) for a in n.args)})"
    if k == "abs":
        s = show(n.args[0])
        return f"abs({s})" if "|" in s else f"|{s}|"
    if k == "sqrt":
        return "√" + _wrap(n.args[0], ATOM)
    if k == "deriv":
        var, f = n.args
        order = n.ops[0] if n.ops else "1"
        o = "" if order == "1" else order.translate(_SUPER)
        return f"{n.text}{o}/{n.text}{show(var)}{o} {_operand(f)}"
    if k == "dfrac":
        num, var = n.args
        order = n.ops[0] if n.ops else "1"
        o = "" if order == "1" else order.translate(_SUPER)
        return f"{n.text}{o}{show(num)}/{n.text}{show(var)}{o}"
    if k in ("sum", "prod"):
        idx, lo, hi, body = n.args
        sign = "∑" if k == "sum" else "∏"
        return f"{sign}_{{{show(idx)}={show(lo)}}}^{{{show(hi)}}} {_operand(body)}"
    if k == "indicator":
        return f"1[{show(n.args[0])} {_REL_SHOWN[n.text]} {show(n.args[1])}]"
    if k == "relation":
        return f"{show(n.args[0])} {_REL_SHOWN[n.text]} {show(n.args[1])}"
    if k == "piecewise":
        pairs = [f"({show(n.args[i])}, {show(n.args[i + 1])})" for i in range(0, len(n.args), 2)]
        return f"Piecewise({', '.join(pairs)})"
    raise AssertionError(f"unknown node kind {k}")  # pragma: no cover - Kind is closed


# --------------------------------------------------------------------------- SymPy expressions


def to_unicode(expr: sympy.Basic) -> str:
    """A one-line readable form of a SymPy expression (σ, β₁, ŷ, ^, ·) that reads back."""
    from sympy.core.function import AppliedUndef
    from sympy.printing.str import StrPrinter

    class _Printer(StrPrinter):  # type: ignore[misc]
        printmethod = "_dlquiz_str"

        def _print_Symbol(self, e: Symbol) -> str:  # noqa: N802
            return unicode_name(e.name)

        def _print_Dummy(self, e: sympy.Dummy) -> str:  # noqa: N802
            return str(e.name)

        def _print_Indexed(self, e: Indexed) -> str:  # noqa: N802
            idx = ",".join(self._print(i) for i in e.indices)
            base = unicode_name(str(e.base))
            return f"{base}_{idx}" if len(idx) == 1 else f"{base}_{{{idx}}}"

        def _print_Exp1(self, e: sympy.Basic) -> str:  # noqa: N802
            return "e"

        def _print_Pi(self, e: sympy.Basic) -> str:  # noqa: N802
            return "π"

        def _print_Function(self, e: sympy.Function) -> str:  # noqa: N802
            name = {"sigma": "σ", "Phi": "Φ", "log": "ln", "Max": "max", "Min": "min", "KroneckerDelta": "δ"}.get(
                e.func.__name__, e.func.__name__
            )
            return f"{name}({', '.join(self._print(a) for a in e.args)})"

        def _print_Max(self, e: sympy.Max) -> str:  # noqa: N802
            return f"max({', '.join(self._print(a) for a in e.args)})"

        def _print_Min(self, e: sympy.Min) -> str:  # noqa: N802
            return f"min({', '.join(self._print(a) for a in e.args)})"

        def _print_Abs(self, e: sympy.Abs) -> str:  # noqa: N802
            inner = self._print(e.args[0])
            return f"abs({inner})" if "|" in inner else f"|{inner}|"

        def _print_Derivative(self, e: sympy.Derivative) -> str:  # noqa: N802
            if (
                isinstance(e.expr, AppliedUndef)
                and len(e.variable_count) == 1
                and e.expr.args == (e.variable_count[0][0],)
            ):
                v, n = e.variable_count[0]
                o = "" if n == 1 else str(n).translate(_SUPER)
                return f"∂{o}{unicode_name(e.expr.func.__name__)}/∂{self._print(v)}{o}"
            out = f"({self._print(e.expr)})"
            for v, n in e.variable_count:
                sym = "d" if len(e.expr.free_symbols) <= 1 else "∂"
                o = "" if n == 1 else str(n).translate(_SUPER)
                out = f"{sym}{o}/{sym}{self._print(v)}{o} {out}"
            return f"({out})"

        def _print_Sum(self, e: sympy.Sum) -> str:  # noqa: N802
            return self._big("∑", e)

        def _print_Product(self, e: sympy.Product) -> str:  # noqa: N802
            return self._big("∏", e)

        def _big(self, sign: str, e: sympy.Sum | sympy.Product) -> str:
            out = f"({self._print(e.function)})"
            for k, a, b in reversed(e.limits):
                out = f"{sign}_{{{self._print(k)}={self._print(a)}}}^{{{self._print(b)}}} {out}"
            return f"({out})"

        def _print_Pow(self, e: sympy.Pow, rational: bool = False) -> str:  # noqa: N802
            if e.exp == sympy.S.Half:
                return f"√({self._print(e.base)})"
            if e.base == sympy.E:
                return f"exp({self._print(e.exp)})"
            return str(super()._print_Pow(e, rational))

        def _print_BooleanTrue(self, e: sympy.Basic) -> str:  # noqa: N802
            return "True"

    s = str(_Printer().doprint(expr))
    return s.replace("**", "^").replace("*", "·")
