"""Linear models: one gradient step of logistic regression; a feature that makes y = c·x² linear."""

from __future__ import annotations

import math

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fv, operand, paren, register


def _draw_logreg(d: Draw) -> Params:
    return {
        "x": d.value("x", lambda: [float(v) for v in d.rng.choice([-2, -1, 0.5, 1, 2, 3], size=2)]),
        "y": d.int("y", 0, 1),
        "w": d.value("w", lambda: [float(v) for v in d.rng.choice([-0.5, -0.25, 0.25, 0.5, 1], size=2)]),
        "b": d.pick("b", [0.0, 0.0, 0.5, -0.5]),
        "lr": d.pick("lr", [0.1, 0.5, 1.0]),
    }


def _check_logreg(p: Params) -> None:
    if len(p["x"]) != len(p["w"]):
        raise ParamError(f"logreg.step: parameters x and w need the same length, got {len(p['x'])} and {len(p['w'])}")
    if p["y"] not in (0, 1):
        raise ParamError(f"logreg.step: parameter y must be 0 or 1, got {p['y']}")


@register(
    "logreg.step",
    "logreg",
    "One gradient-descent step of logistic regression",
    "逻辑回归的一步梯度下降",
    [
        ParamSpec("x", "features of one sample", [1.0, 2.0], "floatlist"),
        ParamSpec("y", "label (0 or 1)", 1, "int", min=0, max=1),
        ParamSpec("w", "weights", [0.5, -0.25], "floatlist"),
        ParamSpec("b", "bias", 0.0, "float"),
        ParamSpec("lr", "learning rate α", 0.1, "float", min=0),
    ],
    ["z", "a", "loss", "dz", "db", "b_new", "w1_new"],
    draw=_draw_logreg,
    check=_check_logreg,
)
def _logreg(p: Params) -> Out:
    x = np.array(p["x"], dtype=float)
    w = np.array(p["w"], dtype=float)
    b, y, lr = float(p["b"]), int(p["y"]), float(p["lr"])
    # forward: z = wᵀx + b, a = σ(z); backward: dz = a − y, dw = dz·x, db = dz
    z = float(w @ x + b)
    a = 1 / (1 + math.exp(-z))
    loss = -(y * math.log(a) + (1 - y) * math.log(1 - a))
    dz = a - y
    dw = dz * x
    w_new = w - lr * dw
    b_new = b - lr * dz
    db_shown = operand(dz, lambda v: b - lr * v, b_new)  # digits enough to give the shown new b
    products = " + ".join(f"{paren(fv(wi))}·{paren(fv(xi))}" for wi, xi in zip(w, x, strict=True))
    steps = [
        Step("Linear part", f"z = wᵀx + b = {products} + {fv(b)} = {fv(z)}", z),
        Step("Prediction", f"a = σ(z) = 1/(1 + e^(−z)) = {fv(a)}", a),
        Step("Loss", f"L = −[y log a + (1 − y) log(1 − a)] = −log {_log_arg(a, y, loss)} = {fv(loss)}", loss,
             "natural log"),
        Step("Gradient dz", f"dz = a − y = {operand(a, lambda v: v - y, dz)} − {y} = {fv(dz)}", dz,
             "the σ′ factor cancels against the derivative of the log"),
        Step("Gradient dw", f"dw = dz·x = {paren(fv(dz))}·{fv(list(x))} = {fv(list(dw))}", list(dw)),
        Step("Gradient db", f"db = dz = {fv(dz)}", dz),
        Step("Updated weights", f"w ← w − α·dw = {fv(list(w))} − {fv(lr)}·{fv(list(dw))} = {fv(list(w_new))}",
             list(w_new)),
        Step("Updated bias", f"b ← b − α·db = {fv(b)} − {fv(lr)}·{paren(db_shown)} = {fv(b_new)}", b_new),
    ]
    values = {"z": z, "a": a, "loss": loss, "dz": dz, "db": dz, "b_new": b_new, "w1_new": float(w_new[0])}
    return Out(steps, loss, values, "cross-entropy loss, natural log")


def _log_arg(a: float, y: int, loss: float) -> str:
    """The argument of −log as shown: enough digits that −log of it gives the shown loss."""
    if y == 1:
        return operand(a, lambda v: -math.log(v), loss)
    return operand(1 - a, lambda v: -math.log(v), loss)


def _draw_fit(d: Draw) -> Params:
    return {
        "c": d.pick("c", [2, 3, 5, 0.5]),
        "xs": d.value("xs", lambda: sorted(float(v) for v in d.rng.choice([-2, -1, 1, 2, 3], size=3, replace=False))),
    }


def _check_fit(p: Params) -> None:
    if len(p["xs"]) < 2 or len(set(p["xs"])) < 2:
        raise ParamError("ml.fit-feature: parameter xs needs at least two different x values")


@register(
    "ml.fit-feature",
    "ml.fit",
    "A new feature makes y = c·x² linear",
    "构造新特征使 y = c·x² 变为线性",
    [
        ParamSpec("c", "coefficient of y = c·x²", 5, "float"),
        ParamSpec("xs", "inputs x", [1.0, 2.0, 3.0], "floatlist"),
    ],
    ["slope_x", "intercept_x", "mse_x", "w", "mse_z"],
    draw=_draw_fit,
    check=_check_fit,
)
def _fit(p: Params) -> Out:
    c = float(p["c"])
    x = np.array(p["xs"], dtype=float)
    y = c * x**2
    # least squares of y on (x, 1): the straight line that fits best still misses the curve
    slope, intercept = np.polyfit(x, y, 1)
    mse_x = float(np.mean((slope * x + intercept - y) ** 2))
    # with the feature z = x², the model y = w·z fits exactly: w = Σzy / Σz² = c
    z = x**2
    w = float(z @ y / (z @ z))
    mse_z = float(np.mean((w * z - y) ** 2))
    steps = [
        Step("Targets", f"y = {fv(c)}·x² = {fv(list(y))}", list(y)),
        Step("Best straight line", f"y ≈ {fv(float(slope))}·x + {paren(fv(float(intercept)))}",
             [float(slope), float(intercept)], "least squares"),
        Step("Error of the line", f"MSE = {fv(mse_x)}", mse_x,
             "no choice of slope and intercept removes it: the model is too simple (under-fitting)"),
        Step("New feature", f"z = x² = {fv(list(z))}", list(z)),
        Step("Fit on the feature", f"w = Σ z·y / Σ z² = {fv(float(z @ y))}/{fv(float(z @ z))} = {fv(w)}", w),
        Step("Error on the feature", f"MSE = {fv(mse_z)}", mse_z,
             "y is linear in z: the feature, not a bigger model, fixed the fit"),
    ]
    values = {"slope_x": float(slope), "intercept_x": float(intercept), "mse_x": mse_x, "w": w, "mse_z": mse_z}
    return Out(steps, w, values)
