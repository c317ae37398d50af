"""Activation functions, each forward rule beside its derivative."""

from __future__ import annotations

import math
from collections.abc import Callable

from dlquiz.worked._core import Out, Params, ParamSpec, Step, fv, register

ACTIVATIONS: tuple[str, ...] = (
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "elu",
    "swish",
    "gelu",
    "softplus",
)


def sigmoid(x: float) -> float:
    """σ(x) = 1/(1 + e⁻ˣ), computed without overflow."""
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def phi(x: float) -> float:
    """Standard normal CDF Φ(x)."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def activation(
    name: str, gamma: float = 0.01, beta: float = 1.0
) -> tuple[Callable[[float], float], Callable[[float], float]]:
    """(f, f′) of an activation; γ for leaky ReLU / ELU, β for swish."""
    if name == "sigmoid":
        return sigmoid, lambda x: sigmoid(x) * (1 - sigmoid(x))  # σ′ = σ(1 − σ)
    if name == "tanh":
        return math.tanh, lambda x: 1 - math.tanh(x) ** 2  # tanh′ = 1 − tanh²
    if name == "relu":
        return (lambda x: max(0.0, x)), (lambda x: 1.0 if x > 0 else 0.0)
    if name == "leaky_relu":
        return (lambda x: x if x > 0 else gamma * x), (lambda x: 1.0 if x > 0 else gamma)
    if name == "elu":
        return (lambda x: x if x > 0 else gamma * (math.exp(x) - 1)), (lambda x: 1.0 if x > 0 else gamma * math.exp(x))
    if name == "swish":
        # x·σ(βx); derivative σ(βx) + βx·σ(βx)(1 − σ(βx))
        return (lambda x: x * sigmoid(beta * x)), (
            lambda x: sigmoid(beta * x) + beta * x * sigmoid(beta * x) * (1 - sigmoid(beta * x))
        )
    if name == "gelu":
        # x·Φ(x); derivative Φ(x) + x·φ(x)
        return (lambda x: x * phi(x)), (lambda x: phi(x) + x * math.exp(-x * x / 2) / math.sqrt(2 * math.pi))
    if name == "softplus":
        # log(1 + eˣ); softplus′ = σ
        return (lambda x: max(x, 0.0) + math.log1p(math.exp(-abs(x)))), sigmoid
    raise ValueError(name)


_FORMULA: dict[str, tuple[str, str]] = {
    "sigmoid": ("σ(x) = 1/(1 + e⁻ˣ)", "σ′(x) = σ(x)(1 − σ(x))"),
    "tanh": ("tanh(x) = (eˣ − e⁻ˣ)/(eˣ + e⁻ˣ)", "tanh′(x) = 1 − tanh²(x)"),
    "relu": ("ReLU(x) = max(0, x)", "ReLU′(x) = 1 if x > 0 else 0"),
    "leaky_relu": ("x if x > 0 else γx", "1 if x > 0 else γ"),
    "elu": ("x if x > 0 else γ(eˣ − 1)", "1 if x > 0 else γeˣ"),
    "swish": ("x·σ(βx)", "σ(βx) + βx·σ(βx)(1 − σ(βx))"),
    "gelu": ("x·Φ(x)", "Φ(x) + x·φ(x)"),
    "softplus": ("log(1 + eˣ)", "σ(x)"),
}


def _prepare(p: Params) -> Params:
    if p.get("gamma") is None:
        p = {**p, "gamma": 1.0 if p["fn"] == "elu" else 0.01}
    return p


@register(
    "act.eval",
    "act.sigmoid",
    "An activation and its derivative at a point",
    "激活函数及其导数在某点的值",
    [
        ParamSpec("fn", "activation", "sigmoid", "choice", choices=ACTIVATIONS),
        ParamSpec("x", "input", 0.5, "float", min=-50, max=50),
        ParamSpec("gamma", "γ: slope of leaky ReLU (0.01) or scale of ELU (1.0)", None, "float", min=0, max=10),
        ParamSpec("beta", "β of swish", 1.0, "float", min=0, max=10),
    ],
    ["derivative"],
    draw=lambda d: {"fn": d.pick("fn", list(ACTIVATIONS)), "x": d.pick("x", [-2, -1, -0.5, 0, 0.5, 1, 2, 1.5, -1.5])},
    prepare=_prepare,
)
def _act_eval(p: Params) -> Out:
    name, x = p["fn"], float(p["x"])
    gamma, beta = float(p["gamma"]), float(p["beta"])
    f, df = activation(name, gamma, beta)
    y, dy = f(x), df(x)
    fwd, bwd = _FORMULA[name]
    sub = (
        f"x = {fv(x)}"
        + (f", γ = {fv(gamma)}" if name in ("leaky_relu", "elu") else "")
        + (f", β = {fv(beta)}" if name == "swish" else "")
    )
    steps = [
        Step("Value", f"{fwd} at {sub}: {fv(y)}", y),
        Step("Derivative", f"{bwd} at {sub}: {fv(dy)}", dy),
    ]
    conv = "GELU exact (Φ = standard normal CDF); ReLU′(0) taken as 0" if name in ("gelu", "relu") else ""
    return Out(steps, y, {"derivative": dy}, conv)
