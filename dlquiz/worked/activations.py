"""Activation functions, each forward rule beside its derivative."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Out, Params, ParamSpec, Step, fv, register

ACTIVATIONS: tuple[str, ...] = (
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "swish",
    "gelu",
    "softplus",
    "identity",
)
GELU_FORMS = ("exact", "tanh", "sigmoid")
_GELU_C = math.sqrt(2.0 / math.pi)


def sigmoid(x: float) -> float:
    """σ(x) = 1/(1 + e⁻ˣ), computed without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def phi(x: float) -> float:
    """Standard normal CDF Φ(x)."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def _tanh_prime(x: float) -> float:
    """1 − tanh²(x) = 1/cosh²(x), without cancellation for large |x|."""
    if abs(x) > 300:
        return 4.0 * math.exp(-2.0 * abs(x))
    return 1.0 / math.cosh(x) ** 2


def _gelu_tanh(x: float) -> tuple[float, float]:
    """0.5x(1 + tanh(√(2/π)(x + 0.044715x³))) and its derivative."""
    u = _GELU_C * (x + 0.044715 * x**3)
    t = math.tanh(u)
    du = _GELU_C * (1 + 3 * 0.044715 * x**2)
    return 0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * du


def activation(
    name: str, gamma: float = 0.01, beta: float = 1.0, gelu: str = "exact"
) -> tuple[Callable[[float], float], Callable[[float], float]]:
    """(f, f′) of an activation; γ for leaky ReLU / PReLU / ELU, β for swish, the GELU form."""
    if name == "sigmoid":
        return sigmoid, lambda x: sigmoid(x) * sigmoid(-x)  # σ′ = σ(1 − σ), and 1 − σ(x) = σ(−x) keeps the tail
    if name == "tanh":
        return math.tanh, _tanh_prime  # tanh′ = 1 − tanh²
    if name == "relu":
        return (lambda x: max(0.0, x)), (lambda x: 1.0 if x > 0 else 0.0)
    if name in ("leaky_relu", "prelu"):
        return (lambda x: x if x > 0 else gamma * x), (lambda x: 1.0 if x > 0 else gamma)
    if name == "elu":
        return (lambda x: x if x > 0 else gamma * (math.exp(x) - 1)), (lambda x: 1.0 if x > 0 else gamma * math.exp(x))
    if name == "swish":
        # x·σ(βx); derivative σ(βx) + βx·σ(βx)(1 − σ(βx))
        return (lambda x: x * sigmoid(beta * x)), (
            lambda x: sigmoid(beta * x) + beta * x * sigmoid(beta * x) * (1 - sigmoid(beta * x))
        )
    if name == "gelu" and gelu == "tanh":
        return (lambda x: _gelu_tanh(x)[0]), (lambda x: _gelu_tanh(x)[1])
    if name == "gelu" and gelu == "sigmoid":
        # x·σ(1.702x), derivative σ(1.702x) + 1.702x·σ(1.702x)(1 − σ(1.702x))
        return (lambda x: x * sigmoid(1.702 * x)), (
            lambda x: sigmoid(1.702 * x) + 1.702 * x * sigmoid(1.702 * x) * (1 - sigmoid(1.702 * x))
        )
    if name == "gelu":
        # x·Φ(x); derivative Φ(x) + x·φ(x)
        return (lambda x: x * phi(x)), (lambda x: phi(x) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi))
    if name == "softplus":
        # log(1 + eˣ); softplus′ = σ
        return (lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x)))), sigmoid
    if name == "identity":
        return (lambda x: x), (lambda x: 1.0)
    raise ValueError(name)


# (f, f′) as formulas; the ones with words are messages
_FORMULA: dict[str, tuple[str, str]] = {
    "sigmoid": ("σ(x) = 1/(1 + e⁻ˣ)", "σ′(x) = σ(x)(1 − σ(x))"),
    "tanh": ("tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)", "tanh′(x) = 1 − tanh²(x)"),
    "relu": ("ReLU(x) = max(0, x)", lazy("ReLU′(x) = 1 if x > 0 else 0")),
    "leaky_relu": (lazy("x if x > 0 else γx"), lazy("1 if x > 0 else γ")),
    "prelu": (lazy("x if x > 0 else γx"), lazy("1 if x > 0 else γ")),
    "elu": (lazy("x if x > 0 else γ(eˣ − 1)"), lazy("1 if x > 0 else γeˣ")),
    "swish": ("x·σ(βx)", "σ(βx) + βx·σ(βx)(1 − σ(βx))"),
    "gelu": ("x·Φ(x)", "Φ(x) + x·φ(x)"),
    "gelu/tanh": ("0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))", "0.5(1 + tanh u) + 0.5x(1 − tanh² u)·u′"),
    "gelu/sigmoid": ("x·σ(1.702x)", "σ(1.702x) + 1.702x·σ(1.702x)(1 − σ(1.702x))"),
    "softplus": ("log(1 + eˣ)", "σ(x)"),
    "identity": ("x", "1"),
}


_GAMMA = {"leaky_relu": 0.01, "prelu": 0.25, "elu": 1.0}


def _prepare(p: Params) -> Params:
    # read without recording: γ is used only by the functions that have it (an explicit γ elsewhere is refused)
    if dict.get(p, "gamma") is None:
        p = {**p, "gamma": _GAMMA.get(dict.__getitem__(p, "fn"), 0.01)}
    return p


@register(
    "act.eval",
    "act.sigmoid",
    "An activation and its derivative at a point",
    [
        ParamSpec("fn", "activation", "sigmoid", "choice", choices=ACTIVATIONS),
        ParamSpec(
            "x",
            "input: a number, a vector or a matrix",
            0.5,
            "tensor",
            rank=(0, 1, 2),
            min=-1e6,
            max=1e6,
        ),
        ParamSpec(
            "gamma",
            "γ: slope of leaky ReLU (0.01) or PReLU (0.25), scale of ELU (1.0)",
            None,
            "float",
            min=0,
            max=10,
            applies="with fn=leaky_relu, prelu or elu",
        ),
        ParamSpec("beta", "β of swish", 1.0, "float", min=0, max=10, applies="with fn=swish"),
        ParamSpec(
            "gelu",
            "GELU form: exact x·Φ(x), tanh approximation, or x·σ(1.702x)",
            "exact",
            "choice",
            choices=GELU_FORMS,
            applies="with fn=gelu",
        ),
    ],
    ["value", "derivative"],
    draw=lambda d: {"fn": d.pick("fn", list(ACTIVATIONS)), "x": d.pick("x", [-2, -1, -0.5, 0, 0.5, 1, 2, 1.5, -1.5])},
    prepare=_prepare,
)
def _act_eval(p: Params) -> Out:
    name = p["fn"]
    gamma = float(p["gamma"]) if name in _GAMMA else 0.0
    beta = float(p["beta"]) if name == "swish" else 1.0
    form = p["gelu"] if name == "gelu" else "exact"
    f, df = activation(name, gamma, beta, form)
    key = f"gelu/{form}" if name == "gelu" and form != "exact" else name
    fwd, bwd = _FORMULA[key]
    x = p["x"]
    if isinstance(x, list):
        arr = np.array(x, dtype=float)
        y = np.vectorize(f, otypes=[float])(arr).tolist()
        dy = np.vectorize(df, otypes=[float])(arr).tolist()
    else:
        y, dy = f(float(x)), df(float(x))
    steps = [
        Step("Value", _at(fwd, x, name, gamma, beta, fv(y)), y, key="value"),
        Step("Derivative", _at(bwd, x, name, gamma, beta, fv(dy)), dy, key="derivative"),
    ]
    conv = ""
    if name == "gelu":
        conv = {
            "exact": N_("GELU exact (Φ = standard normal CDF)"),
            "tanh": N_("GELU tanh approximation, u = √(2/π)(x + 0.044715x³)"),
            "sigmoid": N_("GELU sigmoid approximation x·σ(1.702x)"),
        }[form]
    elif name == "relu":
        conv = N_("ReLU′(0) taken as 0")
    return Out(steps, None, {}, conv, asked="value")


def _at(formula: str, x: Any, name: str, gamma: float, beta: float, value: str) -> str:
    """The formula at the point x (or at each entry of x), with γ or β where the function has one, and its value."""
    if isinstance(x, list):
        if name in _GAMMA:
            return lazy("{f} at each entry of x, γ = {gamma}: {value}", f=formula, gamma=fv(gamma), value=value)
        if name == "swish":
            return lazy("{f} at each entry of x, β = {beta}: {value}", f=formula, beta=fv(beta), value=value)
        return lazy("{f} at each entry of x: {value}", f=formula, value=value)
    point = fv(float(x))
    if name in _GAMMA:
        return lazy("{f} at x = {x}, γ = {gamma}: {value}", f=formula, x=point, gamma=fv(gamma), value=value)
    if name == "swish":
        return lazy("{f} at x = {x}, β = {beta}: {value}", f=formula, x=point, beta=fv(beta), value=value)
    return lazy("{f} at x = {x}: {value}", f=formula, x=point, value=value)
