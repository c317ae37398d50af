"""Hinge loss: the binary max(0, Δ − y·s) and the multi-class SVM loss Σ_(j≠y) max(0, s_j − s_y + Δ),
for one sample or several, with the gradient with respect to the scores."""

from __future__ import annotations

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import lazy
from dlquiz.worked._core import Out, Params, ParamSpec, Step, fp, fv, register
from dlquiz.worked.losses import _index_list


def _check_hinge(p: Params) -> None:
    s = np.atleast_1d(np.array(p["s"], dtype=float))
    y = np.atleast_1d(np.array(p["y"], dtype=float))
    if p["mode"] == "binary":
        if np.any((y != 1) & (y != -1)):
            raise ParamError(lazy("loss.hinge: parameter y: binary labels are +1 or −1, got {y}", y=fv(p["y"])))
        if s.shape != y.shape:
            raise ParamError(
                lazy("loss.hinge: s has {n} scores but y has {m} labels; give one label per score", n=s.size, m=y.size)
            )
    else:
        if np.ndim(p["s"]) not in (1, 2):
            raise ParamError(
                lazy(
                    "loss.hinge: multiclass: parameter s is the score vector of one sample (3.2,5.1,-1.7) "
                    "or a matrix with one row of scores per sample"
                )
            )
        rows = np.atleast_2d(np.array(p["s"], dtype=float))
        _index_list("loss.hinge", "y", p["y"], rows.shape[1], rows.shape[0])


@register(
    "loss.hinge",
    "loss.choice",
    "Hinge loss: binary and multi-class SVM",
    [
        ParamSpec(
            "mode",
            "multiclass: Σ_(j≠y) max(0, s_j − s_y + Δ); binary: max(0, Δ − y·s)",
            "multiclass",
            "choice",
            choices=("multiclass", "binary"),
        ),
        ParamSpec(
            "s",
            "scores: one per class (multiclass; a row per sample for several) or one per sample (binary)",
            [3.2, 5.1, -1.7],
            "tensor",
            rank=(0, 1, 2),
        ),
        ParamSpec(
            "y",
            "true class index (multiclass), or labels ±1 (binary)",
            0,
            "tensor",
            rank=(0, 1),
        ),
        ParamSpec("margin", "margin Δ", 1.0, "float", min=0),
        ParamSpec(
            "reduction",
            "binary with several samples: mean or sum",
            "mean",
            "choice",
            choices=("mean", "sum"),
            applies="with mode=binary and several samples",
        ),
    ],
    ["loss", "grad"],
    draw=lambda d: {
        "s": d.value("s", lambda: [round(float(v), 1) for v in d.rng.uniform(-3, 6, size=3)]),
        "y": d.int("y", 0, 2),
    },
    check=_check_hinge,
)
def _hinge(p: Params) -> Out:
    delta = float(p["margin"])
    if p["mode"] == "binary":
        s = np.atleast_1d(np.array(p["s"], dtype=float))
        y = np.atleast_1d(np.array(p["y"], dtype=float))
        ys = y * s
        terms = np.maximum(0.0, delta - ys)
        m = s.size
        red = p["reduction"] if m > 1 else "sum"
        loss = float(terms.mean() if red == "mean" else terms.sum())
        active = (ys < delta).astype(float)
        grad = -y * active / (m if red == "mean" else 1)
        steps = [
            Step("Margins y·s", f"y·s = {fv(ys.tolist())}", ys.tolist(), key="ys"),
            Step(
                "Hinge terms",
                f"max(0, {fv(delta)} − y·s) = {fv(terms.tolist())}",
                terms.tolist(),
                "zero once a sample is beyond the margin",
                key="terms",
            ),
            Step("Loss", (f"L = (1/{m})·Σ = {fv(loss)}" if red == "mean" else f"L = Σ = {fv(loss)}"), loss, key="loss"),
            Step(
                "Gradient",
                lazy("∂L/∂s = −y where y·s < Δ, else 0, divided by {m} = {grad}", m=m, grad=fv(grad.tolist()))
                if red == "mean"
                else lazy("∂L/∂s = −y where y·s < Δ, else 0 = {grad}", grad=fv(grad.tolist())),
                grad.tolist(),
                key="grad",
            ),
        ]
        return Out(
            steps, None, {}, lazy("binary hinge max(0, Δ − y·s), Δ = {delta}, labels ±1", delta=fv(delta)), asked="loss"
        )
    if np.ndim(p["s"]) == 2:
        return _hinge_rows(np.array(p["s"], dtype=float), p["y"], delta)
    s = np.array(p["s"], dtype=float)
    c = _index_list("loss.hinge", "y", p["y"], s.size, 1)[0]
    margins = s - s[c] + delta
    margins[c] = 0.0
    terms = np.maximum(0.0, margins)
    loss = float(terms.sum())
    grad = (terms > 0).astype(float)
    grad[c] = -grad.sum()
    parts = " + ".join(f"max(0, {fv(float(s[j]))} − {fp(float(s[c]))} + {fv(delta)})" for j in range(s.size) if j != c)
    steps = [
        Step(
            "Margins",
            f"s_j − s_y + Δ (j ≠ y = {c}) = {fv(margins.tolist())}",
            margins.tolist(),
            "the true class itself is left out",
            key="margins",
        ),
        Step("Loss", f"L = Σ_(j≠y) max(0, s_j − s_y + Δ) = {parts} = {fv(loss)}", loss, key="loss"),
        Step(
            "Gradient",
            lazy(
                "∂L/∂s_j = 1 for each violating j; ∂L/∂s_y = −(number of violations) = {grad}", grad=fv(grad.tolist())
            ),
            grad.tolist(),
            key="grad",
        ),
    ]
    return Out(
        steps,
        None,
        {"violations": int((terms > 0).sum())},
        lazy("multi-class SVM loss, Δ = {delta}; y is a 0-based class index", delta=fv(delta)),
        asked="loss",
    )


def _hinge_rows(s: np.ndarray, y: object, delta: float) -> Out:
    """The multi-class SVM loss of several samples (one row of scores each) and its mean."""
    m, k = s.shape
    ys = _index_list("loss.hinge", "y", y, k, m)
    margins = s - s[np.arange(m), ys][:, None] + delta
    margins[np.arange(m), ys] = 0.0
    terms = np.maximum(0.0, margins)
    losses = terms.sum(axis=1)
    loss = float(losses.mean())
    grad = (terms > 0).astype(float)
    grad[np.arange(m), ys] = -grad.sum(axis=1)
    grad /= m
    steps = [
        Step(
            "Margins",
            lazy("s_j − s_y + Δ per sample, y = {y} = {margins}", y=fv(ys), margins=fv(margins.tolist())),
            margins.tolist(),
            "the true class itself is left out",
            key="margins",
        ),
        Step(
            "Loss per sample",
            f"lᵢ = Σ_(j≠yᵢ) max(0, s_ij − s_(i,yᵢ) + Δ) = {fv(losses.tolist())}",
            losses.tolist(),
            key="losses",
        ),
        Step("Mean loss", f"L = (1/{m})·Σ lᵢ = {fv(loss)}", loss, key="loss"),
        Step(
            "Gradient",
            lazy("∂L/∂s = (violations, with −count at yᵢ)/{m} = {grad}", m=m, grad=fv(grad.tolist())),
            grad.tolist(),
            key="grad",
        ),
    ]
    return Out(
        steps,
        None,
        {"violations": int((terms > 0).sum())},
        lazy("multi-class SVM loss, Δ = {delta}; one sample per row; y is a 0-based class index", delta=fv(delta)),
        asked="loss",
    )
