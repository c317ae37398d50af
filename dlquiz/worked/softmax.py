"""Softmax with its cross-entropy and gradient: a vector or a matrix of samples, class indices or soft
labels, any log base.

Logits of any size are handled through the log-sum-exp: log ŷᵢ = (oᵢ − max o) − ln Σ exp(o − max o),
so a probability that underflows to 0 still has a finite loss.
"""

from __future__ import annotations

import math

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fp, fv, operand, register
from dlquiz.worked.losses import _LOG_NAME, _base_note, _index_list, _log_param, _probabilities, log_factor


def _draw_softmax(d: Draw) -> Params:
    k = len(d.fixed["o"]) if "o" in d.fixed else d.int("classes", 3, 4)
    o = d.value("o", lambda: [int(v) for v in d.rng.integers(-2, 4, size=k)])
    return {"o": o, "y": d.int("y", 0, len(o) - 1)}


def _softmax_shape(p: Params) -> tuple[np.ndarray, bool, bool]:
    """The logits as samples × classes, whether they were a matrix, and whether samples are columns."""
    o = np.array(p["o"], dtype=float)
    if o.ndim == 1:
        return o[None, :], False, False
    cols = p["samples"] == "columns"
    return (o.T if cols else o), True, cols


def _convention(base: str, layout: str, labels: str) -> str:
    """The convention: the log base, how a matrix holds its samples ("", "row", "column") and the labels
    ("", "soft", "index"), one message each."""
    b = _base_note(base)
    if labels == "soft":
        if layout == "row":
            return lazy("{base}; one sample per row; soft labels t (a probability vector per sample)", base=b)
        if layout == "column":
            return lazy("{base}; one sample per column; soft labels t (a probability vector per sample)", base=b)
        return lazy("{base}; soft labels t (a probability vector per sample)", base=b)
    if labels == "index":
        if layout == "row":
            return lazy("{base}; one sample per row; y is a 0-based class index (one-hot label)", base=b)
        if layout == "column":
            return lazy("{base}; one sample per column; y is a 0-based class index (one-hot label)", base=b)
        return lazy("{base}; y is a 0-based class index (one-hot label)", base=b)
    if layout == "row":
        return lazy("{base}; one sample per row", base=b)
    if layout == "column":
        return lazy("{base}; one sample per column", base=b)
    return b


def _check_softmax(p: Params) -> None:
    o, _, _ = _softmax_shape(p)
    m, k = o.shape
    if p["target"] is not None:
        t = np.array(p["target"], dtype=float)
        t2 = t[None, :] if t.ndim == 1 else (t.T if p["samples"] == "columns" else t)
        if t2.shape != o.shape:
            raise ParamError(
                lazy(
                    "softmax: target is {target} but o is {o}; "
                    "target must have the shape of o (one probability per class and sample)",
                    target="×".join(map(str, t.shape)),
                    o="×".join(map(str, np.shape(p["o"]))),
                )
            )
        for row in t2.tolist():
            _probabilities("softmax", "target", row, strict=False)
    elif p["y"] is not None:
        _index_list("softmax", "y", p["y"], k, m)


@register(
    "softmax",
    "softmax.grad",
    "Softmax, its cross-entropy and the gradient",
    [
        ParamSpec(
            "o",
            "logits (scores) o: a vector, or a matrix of samples",
            [1, 2, 3],
            "tensor",
            rank=(1, 2),
        ),
        ParamSpec(
            "y",
            "true class index (0-based; one per sample for a matrix)",
            0,
            "tensor",
            rank=(0, 1),
            applies="when no target is given",
        ),
        ParamSpec(
            "target",
            "soft labels: a probability vector (or matrix) instead of y",
            None,
            "tensor",
            rank=(1, 2),
        ),
        _log_param(),
        ParamSpec(
            "samples",
            "for a matrix o: one sample per row or per column",
            "rows",
            "choice",
            choices=("rows", "columns"),
            applies="when o is a matrix",
        ),
    ],
    ["probs", "p_max", "p_y", "loss", "grad_y", "grad", "argmax"],
    draw=_draw_softmax,
    check=_check_softmax,
)
def _softmax(p: Params) -> Out:
    o, matrix, cols = _softmax_shape(p)
    m, k = o.shape
    base = p["log_base"]
    ln, f = _LOG_NAME[base], log_factor(base)
    shifted = o - o.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    total = e.sum(axis=1)
    prob = e / total[:, None]
    logp = shifted - np.log(total)[:, None]

    def shown(a: np.ndarray) -> object:
        """A per-sample array as the user laid it out (a vector, or rows/columns of a matrix)."""
        if not matrix:
            return a[0].tolist() if a.ndim == 2 else float(a[0])
        return (a.T if cols and a.ndim == 2 else a).tolist()

    tops = [[i for i in range(k) if o[r, i] == o[r].max()] for r in range(m)]
    steps = [
        Step(
            "Shift by the maximum",
            f"o − max(o) = {fv(shown(shifted))}",
            shown(shifted),
            "softmax(o) = softmax(o − c) for any constant c",
            key="shifted",
        ),
        Step("Exponentials", f"exp(o − max) = {fv(shown(e))}", shown(e), key="exp"),
        Step("Sum of exponentials", f"Σ = {fv(shown(total))}", shown(total), key="sum_exp"),
        Step("Probabilities", f"ŷ = exp(oᵢ)/Σₖ exp(oₖ) = {fv(shown(prob))}", shown(prob), "they sum to 1", key="probs"),
    ]
    pmax = prob.max(axis=1)
    if not matrix:
        top = tops[0]
        steps.append(
            Step(
                "Largest probability",
                "max ŷ = " + " = ".join(f"ŷ_{i}" for i in top) + f" = {fv(float(pmax[0]))}",
                float(pmax[0]),
                lazy("class {c} has the largest score", c=top[0])
                if len(top) == 1
                else lazy("classes {cs} share the largest score", cs=", ".join(map(str, top))),
                key="p_max",
            )
        )
    else:
        steps.append(
            Step(
                "Largest probability",
                lazy("max ŷ per sample = {p}", p=fv(pmax.tolist())),
                pmax.tolist(),
                key="p_max",
            )
        )
    values: dict[str, object] = {"argmax": prob.argmax(axis=1).tolist() if matrix else int(prob.argmax())}
    layout = ("column" if cols else "row") if matrix else ""
    target = p["target"]
    if target is None and p["y"] is None:
        return Out(steps, None, values, _convention(base, layout, ""), asked="probs")
    natural = base in ("e", "ln")
    b = 2 if ln == "log₂" else 10  # the factor 1/ln b of another base
    if target is not None:
        t = np.array(p["target"], dtype=float)
        t2 = t[None, :] if t.ndim == 1 else (t.T if cols else t)
        losses = -(t2 * logp).sum(axis=1) * f
        grad = (prob - t2) * f
    else:
        ys = _index_list("softmax", "y", p["y"], k, m)
        onehot = np.zeros_like(prob)
        onehot[np.arange(m), ys] = 1
        losses = -logp[np.arange(m), ys] * f
        grad = (prob - onehot) * f
    lv = fv(losses.tolist()) if matrix else fv(float(losses[0]))  # the loss as the formula ends
    gv = fv(shown(grad))
    lead: str
    gradient: str
    if target is not None:
        terms = " + ".join(
            f"{fv(float(ti))}·{ln} {fv(float(pi))}" for ti, pi in zip(t2[0], prob[0], strict=True) if ti != 0
        )
        lead = f"l = −Σ tᵢ {ln} ŷᵢ" + (f" = −({terms})" if not matrix and len(terms) < 160 else "") + f" = {lv}"
        gradient = (
            f"∂l/∂oᵢ = ŷᵢ − tᵢ = {gv}" if natural else lazy("∂l/∂oᵢ = ŷᵢ − tᵢ, times 1/ln {b} = {grad}", b=b, grad=gv)
        )
        labels = "soft"
        label_note = N_("every class contributes in proportion to its label tᵢ")
    else:
        yi = ys[0]
        if matrix:
            lead = lazy("l = −{ln} ŷ_y per sample, y = {y} = {losses}", ln=ln, y=fv(ys), losses=lv)
            gradient = (
                f"∂l/∂oᵢ = ŷᵢ − [i = y] = {gv}"
                if natural
                else lazy("∂l/∂oᵢ = ŷᵢ − [i = y], times 1/ln {b} = {grad}", b=b, grad=gv)
            )
        else:
            if prob[0, yi] > 1e-6:
                arg = operand(float(prob[0, yi]), lambda v: -math.log(v) * f, float(losses[0]))
                lead = lazy("true class y = {y}: l = −{ln} ŷ_{y} = −{ln} {arg} = {loss}", y=yi, ln=ln, arg=arg, loss=lv)
            elif natural:  # ŷ_y underflows: the log-sum-exp form
                lead = lazy(
                    "true class y = {y}: l = −{ln} ŷ_{y} = ln Σ exp(o − max) − (o_{y} − max) = {lse} − {shift}"
                    " = {loss}",
                    y=yi,
                    ln=ln,
                    lse=fv(float(np.log(total[0]))),
                    shift=fp(float(shifted[0, yi])),
                    loss=lv,
                )
            else:
                lead = lazy(
                    "true class y = {y}: l = −{ln} ŷ_{y} = ln Σ exp(o − max) − (o_{y} − max) = {lse} − {shift},"
                    " divided by ln {b} = {loss}",
                    y=yi,
                    ln=ln,
                    lse=fv(float(np.log(total[0]))),
                    shift=fp(float(shifted[0, yi])),
                    b=b,
                    loss=lv,
                )
            gradient = (
                lazy("true class y = {y}: ∂l/∂oᵢ = ŷᵢ − [i = {y}] = {grad}", y=yi, grad=gv)
                if natural
                else lazy("true class y = {y}: ∂l/∂oᵢ = ŷᵢ − [i = {y}], times 1/ln {b} = {grad}", y=yi, b=b, grad=gv)
            )
        steps.insert(5, Step("One-hot label", f"y = {fv(shown(onehot))}", shown(onehot), key="onehot"))
        values["p_y"] = shown(prob[np.arange(m), ys]) if matrix else float(prob[0, yi])
        values["grad_y"] = shown(grad[np.arange(m), ys]) if matrix else float(grad[0, yi])
        labels = "index"
        label_note = N_("only the true class contributes")
    if matrix:
        steps.append(Step("Loss per sample", lead, losses.tolist(), label_note, key="losses"))
        loss = float(losses.mean())
        steps.append(Step("Mean loss", f"l = (1/{m})·Σ lᵢ = {fv(loss)}", loss, key="loss"))
        steps.append(Step("Gradient", gradient, shown(grad), "the gradient of each sample's loss", key="grad"))
        gm = grad / m
        steps.append(
            Step("Gradient of the mean loss", f"∂l/∂o = (ŷ − y)/{m} = {fv(shown(gm))}", shown(gm), key="grad_mean")
        )
    else:
        loss = float(losses[0])
        steps.append(Step("Loss", lead, loss, label_note, key="loss"))
        note = lazy("only the true class {y} gets ŷ − 1", y=p["y"]) if target is None else "ŷ − t"
        steps.append(Step("Gradient", gradient, shown(grad), note, key="grad"))
    return Out(steps, None, values, _convention(base, layout, labels), asked="loss")
