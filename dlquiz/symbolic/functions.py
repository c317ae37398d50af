"""Named deep-learning functions as SymPy functions, each with its derivative and elementary form.

Each class knows its derivative (``fdiff``) and how to rewrite itself into elementary functions
(``elementary``), so that σ′ = σ(1 − σ), softplus′ = σ and tanh(x) = 2σ(2x) − 1 are provable.
``softmax`` is opaque: ``softmax(o_i)`` stands for the i-th output of softmax over the logits o,
a value in (0, 1); its derivative by its own logit is the diagonal p_i(1 − p_i).
"""

from __future__ import annotations

from typing import Any

import sympy
from sympy import Function, Piecewise, Rational, S, exp, log


class Named(Function):  # type: ignore[misc]
    """Base of the named functions: subclasses give their elementary rewrite."""

    def elementary(self) -> sympy.Expr:  # pragma: no cover - overridden
        raise NotImplementedError

    def _eval_evalf(self, prec: int) -> Any:
        return self.elementary()._eval_evalf(prec)

    def _eval_rewrite_as_exp(self, *args: Any, **kwargs: Any) -> sympy.Expr:
        return self.elementary()

    def _eval_is_real(self) -> bool | None:
        return all(a.is_real for a in self.args) or None


class sigma(Named):
    """The logistic sigmoid σ(x) = 1 / (1 + e^(−x))."""

    nargs = 1

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x == 0:
            return S.Half
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        s = sigma(self.args[0])
        return s * (1 - s)

    def elementary(self) -> sympy.Expr:
        return 1 / (1 + exp(-self.args[0]))

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None


class softplus(Named):
    """softplus(x) = ln(1 + e^x); its derivative is σ(x)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        return sigma(self.args[0])

    def elementary(self) -> sympy.Expr:
        return log(1 + exp(self.args[0]))

    def _eval_is_positive(self) -> bool | None:
        return True if self.args[0].is_real else None


class Phi(Named):
    """The standard normal CDF Φ(x) = (1 + erf(x/√2)) / 2."""

    nargs = 1

    @classmethod
    def eval(cls, x: sympy.Expr) -> sympy.Expr | None:
        if x == 0:
            return S.Half
        return None

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        x = self.args[0]
        return exp(-(x**2) / 2) / sympy.sqrt(2 * sympy.pi)

    def elementary(self) -> sympy.Expr:
        return (1 + sympy.erf(self.args[0] / sympy.sqrt(2))) / 2


class leaky_relu(Named):
    """Leaky ReLU: x for x ≥ 0, γx below (γ defaults to 0.01)."""

    nargs = (1, 2)

    @classmethod
    def eval(cls, x: sympy.Expr, g: sympy.Expr | None = None) -> sympy.Expr | None:
        return None

    @property
    def slope(self) -> sympy.Expr:
        return self.args[1] if len(self.args) > 1 else Rational(1, 100)

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        x = self.args[0]
        if argindex == 1:
            return Piecewise((1, x > 0), (self.slope, True))
        return Piecewise((0, x > 0), (x, True))

    def elementary(self) -> sympy.Expr:
        x = self.args[0]
        return Piecewise((x, x >= 0), (self.slope * x, True))


class elu(Named):
    """ELU: x for x > 0, γ(e^x − 1) otherwise (γ defaults to 1)."""

    nargs = (1, 2)

    @property
    def scale(self) -> sympy.Expr:
        return self.args[1] if len(self.args) > 1 else S.One

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        x = self.args[0]
        if argindex == 1:
            return Piecewise((1, x > 0), (self.scale * exp(x), True))
        return Piecewise((0, x > 0), (exp(x) - 1, True))

    def elementary(self) -> sympy.Expr:
        x = self.args[0]
        return Piecewise((x, x > 0), (self.scale * (exp(x) - 1), True))


class softmax(Function):  # type: ignore[misc]
    """softmax(o_i): the i-th softmax output, opaque, in (0, 1); ∂/∂o_i gives p_i(1 − p_i)."""

    nargs = 1

    def fdiff(self, argindex: int = 1) -> sympy.Expr:
        p = softmax(self.args[0])
        return p * (1 - p)

    def _eval_is_positive(self) -> bool | None:
        return True

    def _eval_is_real(self) -> bool | None:
        return True


NAMED: tuple[type[Named], ...] = (sigma, softplus, Phi, leaky_relu, elu)


def elementary(expr: sympy.Expr) -> sympy.Expr:
    """Rewrite every named function into elementary functions and carry out derivatives."""
    out = expr
    if out.has(sympy.Derivative):
        out = out.replace(lambda e: isinstance(e, sympy.Derivative), lambda e: sympy.diff(e.expr, *e.variable_count))
    for _ in range(8):
        if not out.atoms(Named):
            break
        out = out.replace(lambda e: isinstance(e, Named), lambda e: e.elementary())
    return out
