"""Linear models: one gradient step of logistic regression; a feature that makes y = c·x² linear."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fp, fv, operand, paren, register, require_shape


def _draw_logreg(d: Draw) -> Params:
    return {
        "x": d.value("x", lambda: [float(v) for v in d.rng.choice([-2, -1, 0.5, 1, 2, 3], size=2)]),
        "y": d.int("y", 0, 1),
        "w": d.value("w", lambda: [float(v) for v in d.rng.choice([-0.5, -0.25, 0.25, 0.5, 1], size=2)]),
        "b": d.pick("b", [0.0, 0.0, 0.5, -0.5]),
        "lr": d.pick("lr", [0.1, 0.5, 1.0]),
    }


def _check_logreg(p: Params) -> None:
    x = np.array(p["x"], dtype=float)
    n = x.shape[0]
    if len(p["w"]) != n:
        what = (
            lazy("x has {n} features", n=n)
            if x.ndim == 1
            else lazy("X has {n} rows (features; one column per sample)", n=n)
        )
        require_shape("logreg.step", "w", p["w"], (n,), because=what)
    m = 1 if x.ndim == 1 else x.shape[1]
    y = np.atleast_1d(np.array(p["y"], dtype=float))
    if y.size != m:
        raise ParamError(
            lazy(
                "logreg.step: y has {n} labels but X has {m} samples (columns); give one label per sample",
                n=y.size,
                m=m,
            )
        )
    if np.any((y != 0) & (y != 1)):
        raise ParamError(lazy("logreg.step: parameter y: labels are 0 or 1, got {y}", y=fv(p["y"])))


@register(
    "logreg.step",
    "logreg",
    "One gradient-descent step of logistic regression",
    [
        ParamSpec(
            "x",
            "features of one sample (a vector), or X with one column per sample",
            [1.0, 2.0],
            "tensor",
            rank=(1, 2),
            shape="n or n×m",
        ),
        ParamSpec(
            "y",
            "label 0 or 1 (a vector of m labels for X)",
            1,
            "tensor",
            rank=(0, 1),
        ),
        ParamSpec("w", "weights (one per feature)", [0.5, -0.25], "floatlist"),
        ParamSpec("b", "bias", 0.0, "float"),
        ParamSpec("lr", "learning rate α", 0.1, "float", min=0),
        ParamSpec(
            "l2",
            "L2 regularisation λ: J + λ/(2m)·‖w‖², dw + (λ/m)·w (the bias is not regularised)",
            0.0,
            "float",
            min=0,
        ),
    ],
    ["z", "a", "loss", "dz", "dw", "db", "w_new", "b_new", "w1_new"],
    draw=_draw_logreg,
    check=_check_logreg,
)
def _logreg(p: Params) -> Out:
    x = np.array(p["x"], dtype=float)
    w = np.array(p["w"], dtype=float)
    b, lr, lam = float(p["b"]), float(p["lr"]), float(p["l2"])
    if x.ndim == 2 or lam != 0:
        xs = x if x.ndim == 2 else x[:, None]  # one sample is a batch of m = 1
        return _logreg_batch(xs, np.atleast_1d(np.array(p["y"], dtype=float)), w, b, lr, lam, single=x.ndim == 1)
    y = int(np.atleast_1d(p["y"])[0])
    # forward: z = wᵀx + b, a = σ(z); backward: dz = a − y, dw = dz·x, db = dz
    z = float(w @ x + b)
    a = sigmoid(z)
    loss = -(y * math.log(a) + (1 - y) * math.log(1 - a)) if 0 < a < 1 else _bce_from_z(z, y)
    dz = a - y
    dw = dz * x
    w_new = w - lr * dw
    b_new = b - lr * dz
    db_shown = operand(dz, lambda v: b - lr * v, b_new)  # digits enough to give the shown new b
    products = " + ".join(f"{paren(fv(wi))}·{paren(fv(xi))}" for wi, xi in zip(w, x, strict=True))
    steps = [
        Step("Linear part", f"z = wᵀx + b = {products} + {fv(b)} = {fv(z)}", z, key="z"),
        Step("Prediction", f"a = σ(z) = 1/(1 + e^(−z)) = {fv(a)}", a, key="a"),
        Step(
            "Loss",
            f"L = −[y log a + (1 − y) log(1 − a)] = −log {_log_arg(a, y, loss)} = {fv(loss)}",
            loss,
            "natural log",
            key="loss",
        ),
        Step(
            "Gradient dz",
            f"dz = a − y = {operand(a, lambda v: v - y, dz)} − {y} = {fv(dz)}",
            dz,
            "the σ′ factor cancels against the derivative of the log",
            key="dz",
        ),
        Step("Gradient dw", f"dw = dz·x = {paren(fv(dz))}·{fv(list(x))} = {fv(list(dw))}", list(dw), key="dw"),
        Step("Gradient db", f"db = dz = {fv(dz)}", dz, key="db"),
        Step(
            "Updated weights",
            f"w ← w − α·dw = {fv(list(w))} − {fv(lr)}·{fv(list(dw))} = {fv(list(w_new))}",
            list(w_new),
            key="w_new",
        ),
        Step("Updated bias", f"b ← b − α·db = {fv(b)} − {fv(lr)}·{paren(db_shown)} = {fv(b_new)}", b_new, key="b_new"),
    ]
    return Out(steps, None, {"w1_new": float(w_new[0])}, N_("cross-entropy loss, natural log"), asked="dw")


def _bce_from_z(z: float, y: int) -> float:
    """−[y log σ(z) + (1 − y) log(1 − σ(z))] = softplus(z) − y·z, finite for any z."""
    return max(z, 0.0) + math.log1p(math.exp(-abs(z))) - y * z


def sigmoid(z: float) -> float:
    """σ(z) without overflow."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _logreg_batch(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, b: float, lr: float, lam: float = 0.0, *, single: bool = False
) -> Out:
    """The batch step (one column of X per sample); `single`: one sample given as a vector, shown as numbers."""
    m = x.shape[1]

    def per(arr: np.ndarray) -> Any:
        return float(arr[0]) if single else arr.tolist()

    z = w @ x + b
    a = np.array([sigmoid(float(v)) for v in z])
    losses = np.array([_bce_from_z(float(zi), int(yi)) for zi, yi in zip(z, y, strict=True)])
    data_loss = float(losses.mean())
    penalty = lam / (2 * m) * float(w @ w)
    loss = data_loss + penalty
    dz = a - y
    dw_data = x @ dz / m
    dw = dw_data + lam / m * w
    db = float(dz.mean())
    w_new = w - lr * dw
    b_new = b - lr * db
    steps = [
        Step("Linear part", f"z = wᵀX + b = {fv(per(z))}", per(z), "one entry per sample (column of X)", key="z"),
        Step("Prediction", f"a = σ(z) = {fv(per(a))}", per(a), key="a"),
        Step(
            "Loss per sample",
            f"Lᵢ = −[yᵢ log aᵢ + (1 − yᵢ) log(1 − aᵢ)] = {fv(per(losses))}",
            per(losses),
            "natural log",
            key="losses",
        ),
        *(
            [
                Step("Cost", f"J = (1/{m})·Σ Lᵢ = {fv(loss)}", loss, key="loss"),
                Step("Gradient dz", f"dz = a − y = {fv(per(dz))}", per(dz), key="dz"),
                Step("Gradient dw", f"dw = (1/{m})·X·dzᵀ = {fv(dw.tolist())}", dw.tolist(), key="dw"),
            ]
            if lam == 0
            else [
                Step("Cost without the penalty", f"(1/{m})·Σ Lᵢ = {fv(data_loss)}", data_loss, key="data_loss"),
                Step(
                    "L2 penalty",
                    f"λ/(2m)·‖w‖² = {fv(lam)}/(2·{m})·{fv(float(w @ w))} = {fv(penalty)}",
                    penalty,
                    "the bias is not regularised",
                    key="penalty",
                ),
                Step("Cost", f"J = {fv(data_loss)} + {fv(penalty)} = {fv(loss)}", loss, key="loss"),
                Step("Gradient dz", f"dz = a − y = {fv(per(dz))}", per(dz), key="dz"),
                Step(
                    "Gradient dw",
                    f"dw = (1/{m})·X·dzᵀ + (λ/m)·w = {fv(dw_data.tolist())} + "
                    f"{fv(lam / m)}·{fv(w.tolist())} = {fv(dw.tolist())}",
                    dw.tolist(),
                    "weight decay: the penalty pulls every weight towards 0",
                    key="dw",
                ),
            ]
        ),
        Step("Gradient db", f"db = (1/{m})·Σ dzᵢ = {fv(db)}", db, key="db"),
        Step(
            "Updated weights",
            f"w ← w − α·dw = {fv(w.tolist())} − {fv(lr)}·{fv(dw.tolist())} = {fv(w_new.tolist())}",
            w_new.tolist(),
            key="w_new",
        ),
        Step("Updated bias", f"b ← b − α·db = {fv(b)} − {fv(lr)}·{fp(db)} = {fv(b_new)}", b_new, key="b_new"),
    ]
    return Out(
        steps,
        None,
        {"w1_new": float(w_new[0])},
        lazy("cross-entropy cost averaged over m = {m} samples, natural log; X has one column per sample", m=m),
        asked="dw",
    )


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
        raise ParamError(lazy("ml.fit-feature: parameter xs needs at least two different x values"))


@register(
    "ml.fit-feature",
    "ml.fit",
    "A new feature makes y = c·x² linear",
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
        Step("Targets", f"y = {fv(c)}·x² = {fv(list(y))}", list(y), key="y"),
        Step(
            "Best straight line",
            f"y ≈ {fv(float(slope))}·x + {paren(fv(float(intercept)))}",
            [float(slope), float(intercept)],
            "least squares",
            key="line",
        ),
        Step(
            "Error of the line",
            f"MSE = {fv(mse_x)}",
            mse_x,
            "no choice of slope and intercept removes it: the model is too simple (under-fitting)",
            key="mse_x",
        ),
        Step("New feature", f"z = x² = {fv(list(z))}", list(z), key="z"),
        Step("Fit on the feature", f"w = Σ z·y / Σ z² = {fv(float(z @ y))}/{fv(float(z @ z))} = {fv(w)}", w, key="w"),
        Step(
            "Error on the feature",
            f"MSE = {fv(mse_z)}",
            mse_z,
            "y is linear in z: the feature, not a bigger model, fixed the fit",
            key="mse_z",
        ),
    ]
    values = {"slope_x": float(slope), "intercept_x": float(intercept), "mse_x": mse_x, "w": w, "mse_z": mse_z}
    return Out(steps, w, values)
