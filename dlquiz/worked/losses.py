"""Softmax and the losses: binary and multi-class cross-entropy, mean squared error."""

from __future__ import annotations

import math

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fv, operand, register


def softmax(o: np.ndarray) -> np.ndarray:
    """exp(o − max) / Σ exp(o − max): the shift leaves the result unchanged and avoids overflow."""
    e = np.exp(o - o.max())
    return e / e.sum()  # type: ignore[no-any-return]


def _check_index(kind: str, vec: str, p: Params) -> None:
    n = len(p[vec])
    if not 0 <= p["y"] < n:
        raise ParamError(f"{kind}: parameter y: class {p['y']} does not exist (allowed: 0 … {n - 1}, 0-based)")


def _draw_softmax(d: Draw) -> Params:
    k = len(d.fixed["o"]) if "o" in d.fixed else d.int("classes", 3, 4)
    o = d.value("o", lambda: [int(v) for v in d.rng.integers(-2, 4, size=k)])
    return {"o": o, "y": d.int("y", 0, len(o) - 1)}


@register(
    "softmax",
    "softmax.grad",
    "Softmax, its cross-entropy and the gradient",
    "softmax、交叉熵与梯度",
    [
        ParamSpec("o", "logits (scores) o", [1, 2, 3], "floatlist", min=-50, max=50),
        ParamSpec("y", "index of the true class (0-based)", 0, "int", min=0),
    ],
    ["p_max", "p_y", "loss", "grad_y", "grad", "argmax"],
    draw=_draw_softmax,
    check=lambda p: _check_index("softmax", "o", p),
)
def _softmax(p: Params) -> Out:
    o = np.array(p["o"], dtype=float)
    y = p["y"]
    shifted = o - o.max()
    e = np.exp(shifted)
    prob = e / e.sum()
    grad = prob.copy()
    grad[y] -= 1
    loss = -math.log(prob[y])
    top = int(prob.argmax())
    tops = [i for i in range(len(o)) if o[i] == o.max()]
    steps = [
        Step(
            "Shift by the maximum",
            f"o − max(o) = {fv(shifted)}",
            shifted.tolist(),
            "softmax(o) = softmax(o − c) for any constant c",
        ),
        Step("Exponentials", f"exp(o − max) = {fv(e)}", e.tolist()),
        Step("Sum of exponentials", f"Σ = {fv(float(e.sum()))}", float(e.sum())),
        Step("Probabilities", f"ŷ = exp(oᵢ)/Σₖ exp(oₖ) = {fv(prob)}", prob.tolist(), "they sum to 1"),
        Step(
            "Largest probability",
            "max ŷ = " + " = ".join(f"ŷ_{i}" for i in tops) + f" = {fv(float(prob[top]))}",
            float(prob[top]),
            f"class {top} has the largest score"
            if len(tops) == 1
            else f"classes {', '.join(map(str, tops))} share the largest score",
        ),
        # the loss and its gradient need a true class: the given y (0-based), named in every step
        Step(
            "Loss",
            f"true class y = {y}: l = −log ŷ_{y} = "
            f"−log {operand(float(prob[y]), lambda v: -math.log(v), loss)} = {fv(loss)}",
            loss,
        ),
        Step(
            "Gradient",
            f"true class y = {y}: ∂l/∂oᵢ = ŷᵢ − [i = {y}] = {fv(grad)}",
            grad.tolist(),
            f"only the true class {y} gets ŷ − 1",
        ),
    ]
    return Out(
        steps,
        prob.tolist(),
        {
            "p_max": float(prob.max()),
            "p_y": float(prob[y]),
            "loss": loss,
            "grad_y": float(prob[y] - 1),
            "grad": grad.tolist(),
            "argmax": int(prob.argmax()),
        },
        "natural log; y is a 0-based class index (one-hot label)",
    )


def _check_bce(p: Params) -> None:
    if not 0 < p["p"] < 1:
        raise ParamError(f"loss.bce: parameter p: {p['p']} must lie strictly between 0 and 1")


@register(
    "loss.bce",
    "loss.bce",
    "Binary cross-entropy of one sample",
    "单个样本的二元交叉熵",
    [
        ParamSpec("y", "label (0 or 1)", 1, "int", min=0, max=1),
        ParamSpec("p", "predicted probability ŷ of class 1", 0.8, "float"),
    ],
    [],
    draw=lambda d: {"y": d.int("y", 0, 1), "p": d.pick("p", [0.1, 0.2, 0.25, 0.4, 0.5, 0.6, 0.75, 0.8, 0.9])},
    check=_check_bce,
)
def _bce(p: Params) -> Out:
    y, q = p["y"], float(p["p"])
    loss = -(y * math.log(q) + (1 - y) * math.log(1 - q))
    term = f"−log {fv(q)}" if y == 1 else f"−log(1 − {fv(q)})"
    steps = [
        Step(
            "Loss",
            f"−[y log ŷ + (1 − y) log(1 − ŷ)] = −[{y}·log {fv(q)} + {1 - y}·log(1 − {fv(q)})] = {term} = {fv(loss)}",
            loss,
            "for y = 1 only −log ŷ remains; for y = 0 only −log(1 − ŷ)",
        ),
    ]
    return Out(steps, loss, {}, "natural log")


def _draw_ce(d: Draw) -> Params:
    def make() -> list[float]:
        k = int(d.rng.integers(3, 5))
        cuts = np.sort(d.rng.choice(np.arange(1, 20), size=k - 1, replace=False))
        parts = np.diff(np.concatenate([[0], cuts, [20]])) / 20
        return [round(float(v), 2) for v in parts]

    probs = d.value("p", make)
    return {"p": probs, "y": d.int("y", 0, len(probs) - 1)}


def _check_ce(p: Params) -> None:
    _check_index("loss.ce", "p", p)
    probs = p["p"]
    if any(q <= 0 or q > 1 for q in probs):
        raise ParamError(f"loss.ce: parameter p: every probability must be in (0, 1], got {fv(probs)}")
    if abs(sum(probs) - 1) > 1e-6:
        raise ParamError(f"loss.ce: parameter p: the probabilities {fv(probs)} sum to {fv(sum(probs))}, not 1")


@register(
    "loss.ce",
    "loss.ce",
    "Cross-entropy with a one-hot label",
    "独热标签的交叉熵",
    [
        ParamSpec("p", "predicted probabilities ŷ (sum 1)", [0.7, 0.2, 0.1], "floatlist"),
        ParamSpec("y", "index of the true class (0-based)", 0, "int", min=0),
    ],
    [],
    draw=_draw_ce,
    check=_check_ce,
)
def _ce(p: Params) -> Out:
    probs, y = p["p"], p["y"]
    onehot = [1 if i == y else 0 for i in range(len(probs))]
    loss = -math.log(probs[y])
    steps = [
        Step("One-hot label", f"y = {fv(onehot)}", onehot),
        Step(
            "Loss",
            f"l = −Σ yᵢ log ŷᵢ = −log ŷ_{y} = −log {fv(probs[y])} = {fv(loss)}",
            loss,
            "only the true class contributes",
        ),
    ]
    return Out(steps, loss, {}, "natural log; y is a 0-based class index")


def _draw_mse(d: Draw) -> Params:
    m = len(d.fixed["a"]) if "a" in d.fixed else (len(d.fixed["y"]) if "y" in d.fixed else int(d.rng.integers(2, 5)))
    a = d.value("a", lambda: d.decimals(m, 0, 1))
    y = d.value("y", lambda: [int(v) for v in d.rng.integers(0, 2, size=len(a))])
    return {"a": a, "y": y}


def _check_mse(p: Params) -> None:
    if len(p["a"]) != len(p["y"]):
        raise ParamError(f"loss.mse: parameters a and y have different lengths ({len(p['a'])} and {len(p['y'])})")


@register(
    "loss.mse",
    "loss.mse",
    "Mean squared error J = 1/(2m) Σ (a − y)²",
    "均方误差 J = 1/(2m) Σ (a − y)²",
    [
        ParamSpec("a", "predictions a", [0.5, 0.8], "floatlist"),
        ParamSpec("y", "targets y", [1, 0], "floatlist"),
    ],
    ["sum_sq", "m"],
    draw=_draw_mse,
    check=_check_mse,
)
def _mse(p: Params) -> Out:
    a = np.array(p["a"], dtype=float)
    y = np.array(p["y"], dtype=float)
    m = len(a)
    diff = a - y
    sq = diff**2
    total = float(sq.sum())
    j = total / (2 * m)
    steps = [
        Step("Errors", f"a − y = {fv(diff)}", diff.tolist()),
        Step("Squares", f"(a − y)² = {fv(sq)}", sq.tolist()),
        Step("Sum of squares", f"Σ (a − y)² = {fv(total)}", total),
        Step("Loss", f"J = 1/(2m) · Σ = 1/(2·{m}) · {fv(total)} = {fv(j)}", j, "the ½ cancels the 2 of the derivative"),
    ]
    return Out(steps, j, {"sum_sq": total, "m": m}, "J = 1/(2m) Σ (a − y)² (course notes)")
