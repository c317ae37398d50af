"""Attention by hand (scaled dot-product, the rows of Q attending over the rows of K and V), the parameters
of a multi-head attention layer, and gradient clipping (by norm or by value)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, count_of, fv, register


def _rows(p: Params, name: str) -> np.ndarray:
    return np.atleast_2d(np.asarray(p[name], dtype=float))


def _shape(a: np.ndarray) -> str:
    return "×".join(str(v) for v in a.shape)


def _check_attn(p: Params) -> None:
    q, k, v = _rows(p, "Q"), _rows(p, "K"), _rows(p, "V")
    if q.shape[1] != k.shape[1]:
        raise ParamError(
            lazy(
                "{kind}: Q is {q} but K is {k}; queries and keys need the same length d_k (K must be m×{d_k})",
                kind="attn.dot",
                q=_shape(q),
                k=_shape(k),
                d_k=q.shape[1],
            )
        )
    if k.shape[0] != v.shape[0]:
        raise ParamError(
            lazy(
                "{kind}: K is {k} but V is {v}; one value row per key (V must be {m}×d_v)",
                kind="attn.dot",
                k=_shape(k),
                v=_shape(v),
                m=k.shape[0],
            )
        )
    if max(q.shape[0], k.shape[0]) > 8 or max(q.shape[1], v.shape[1]) > 8:
        raise ParamError(lazy("{kind}: at most 8 queries, 8 keys and 8 features by hand", kind="attn.dot"))
    if p["causal"] and q.shape[0] != k.shape[0]:
        raise ParamError(
            lazy(
                "{kind}: causal=true masks key j > query i, which needs as many queries as keys "
                "(Q has {n} rows, K {m})",
                kind="attn.dot",
                n=q.shape[0],
                m=k.shape[0],
            )
        )


def _draw_attn(d: Draw) -> Params:
    n = int(d.rng.integers(2, 4))
    dk = 2
    return {
        "Q": d.value("Q", lambda: d.ints((n, dk), -1, 2)),
        "K": d.value("K", lambda: d.ints((n, dk), -1, 2)),
        "V": d.value("V", lambda: d.ints((n, 2), 0, 4)),
    }


def _nums(a: np.ndarray) -> Any:
    return [[float(x) for x in row] for row in a]


@register(
    "attn.dot",
    "attn.basics",
    "Scaled dot-product attention by hand",
    [
        ParamSpec(
            "Q",
            "queries, one per row: n × d_k (a list is one query)",
            [[1, 0], [0, 1]],
            "tensor",
            rank=(1, 2),
            shape="n×d_k",
        ),
        ParamSpec(
            "K",
            "keys, one per row: m × d_k",
            [[1, 0], [0, 1], [1, 1]],
            "tensor",
            rank=(1, 2),
            shape="m×d_k",
        ),
        ParamSpec(
            "V",
            "values, one per row: m × d_v",
            [[1, 2], [3, 4], [5, 6]],
            "tensor",
            rank=(1, 2),
            shape="m×d_v",
        ),
        ParamSpec(
            "scaled",
            "divide the scores by √d_k (true, Transformer) or not (plain dot product)",
            True,
            "bool",
        ),
        ParamSpec(
            "causal",
            "mask key j > query i with −∞ (decoder self-attention)",
            False,
            "bool",
        ),
    ],
    ["scores", "weights", "context"],
    draw=_draw_attn,
    check=_check_attn,
)
def _attn(p: Params) -> Out:
    q, k, v = _rows(p, "Q"), _rows(p, "K"), _rows(p, "V")
    dk = q.shape[1]
    raw = q @ k.T
    scale = math.sqrt(dk) if p["scaled"] else 1.0
    scores = raw / scale
    steps = [Step("Dot products", N_("Q·Kᵀ: row i, column j is qᵢ·kⱼ"), _nums(raw), key="dots")]
    if p["scaled"]:
        steps.append(Step("Scores", f"S = Q·Kᵀ/√d_k = Q·Kᵀ/√{dk} = Q·Kᵀ/{fv(scale)}", _nums(scores), key="scores"))
    else:
        steps.append(Step("Scores", N_("S = Q·Kᵀ (not scaled)"), _nums(scores), key="scores"))
    masked = scores.copy()
    if p["causal"]:
        masked[np.triu_indices_from(masked, k=1)] = -np.inf
        shown = [["−∞" if x == -np.inf else float(x) for x in row] for row in masked]
        steps.append(Step("Mask", N_("key j > query i set to −∞ (it gets weight 0)"), shown))
    e = np.exp(masked - masked.max(axis=1, keepdims=True))
    w = e / e.sum(axis=1, keepdims=True)
    steps.append(
        Step("Attention weights", N_("A = softmax of each row of S (each row sums to 1)"), _nums(w), key="weights")
    )
    ctx = w @ v
    steps.append(
        Step("Context", N_("C = A·V: row i is Σⱼ aᵢⱼ·vⱼ, a weighted average of the values"), _nums(ctx), key="context")
    )
    conv = (
        N_("scaled dot-product attention softmax(Q·Kᵀ/√d_k)·V; queries, keys and values are rows")
        if p["scaled"]
        else N_("dot-product attention softmax(Q·Kᵀ)·V; queries, keys and values are rows")
    )
    return Out(steps, None, {}, conv, asked="context")


# --------------------------------------------------------------------------- multi-head attention parameters


def _check_mha(p: Params) -> None:
    if p["d_k"] is None and p["d_model"] % p["heads"]:
        raise ParamError(
            lazy(
                "{kind}: d_model = {d_model} is not divisible by heads = {heads}; "
                "give d_k (and d_v) per head, or a d_model that divides",
                kind="attn.params",
                d_model=p["d_model"],
                heads=p["heads"],
            )
        )


@register(
    "attn.params",
    "attn.basics",
    "Parameters of a multi-head attention layer",
    [
        ParamSpec(
            "d_model",
            "model width (input and output size)",
            512,
            "int",
            min=1,
            max=100_000,
        ),
        ParamSpec("heads", "number of heads h", 8, "int", min=1, max=1024),
        ParamSpec(
            "d_k",
            "query/key size per head (default d_model/h)",
            None,
            "int",
            min=1,
        ),
        ParamSpec("d_v", "value size per head (default d_k)", None, "int", min=1),
        ParamSpec(
            "bias",
            "biases in the four projections (PyTorch: true)",
            True,
            "bool",
        ),
    ],
    ["W_Q", "W_K", "W_V", "W_O", "total"],
    draw=lambda d: {"d_model": d.pick("d_model", [64, 128, 256, 512]), "heads": d.pick("heads", [1, 2, 4, 8])},
    check=_check_mha,
)
def _mha(p: Params) -> Out:
    dm, h = p["d_model"], p["heads"]
    dk = p["d_k"] if p["d_k"] is not None else dm // h
    dv = p["d_v"] if p["d_v"] is not None else dk
    b = 1 if p["bias"] else 0
    parts = {
        "W_Q": (dm * h * dk, h * dk * b, f"{dm}·{h}·{dk}"),
        "W_K": (dm * h * dk, h * dk * b, f"{dm}·{h}·{dk}"),
        "W_V": (dm * h * dv, h * dv * b, f"{dm}·{h}·{dv}"),
        "W_O": (h * dv * dm, dm * b, f"{h}·{dv}·{dm}"),
    }
    steps = []
    values: dict[str, Any] = {}
    for name, (w, bias, form) in parts.items():
        text = (
            lazy("{form} = {w}, bias {bias}: {w} + {bias} = {total}", form=form, w=w, bias=bias, total=w + bias)
            if b
            else f"{form} = {w}"
        )
        steps.append(Step(name, text, w + bias, key=name))
        values[name] = w + bias
    total = sum(w + bias for w, bias, _ in parts.values())
    steps.append(
        Step("Total", " + ".join(str(w + bias) for w, bias, _ in parts.values()) + f" = {total}", total, key="total")
    )
    conv = (
        lazy(
            "h = {heads} of d_k = {dk}, d_v = {dv}; W_Q, W_K, W_V map d_model → h·d_k (h·d_v), "
            "W_O maps h·d_v → d_model; each projection has a bias",
            heads=count_of(h, "head"),
            dk=dk,
            dv=dv,
        )
        if b
        else lazy(
            "h = {heads} of d_k = {dk}, d_v = {dv}; W_Q, W_K, W_V map d_model → h·d_k (h·d_v), "
            "W_O maps h·d_v → d_model; no biases",
            heads=count_of(h, "head"),
            dk=dk,
            dv=dv,
        )
    )
    return Out(steps, total, values, conv, asked="total")


# --------------------------------------------------------------------------- gradient clipping


@register(
    "grad.clip",
    "rnn.training",
    "Gradient clipping by norm or by value",
    [
        ParamSpec("g", "the gradient (a vector)", [3, 4], "floatlist"),
        ParamSpec(
            "threshold",
            "the threshold θ (norm) or c (value)",
            1,
            "float",
            min=0,
        ),
        ParamSpec(
            "mode",
            "norm: g·θ/‖g‖ when ‖g‖ > θ; value: each entry clipped to [−c, c]",
            "norm",
            "choice",
            choices=("norm", "value"),
        ),
    ],
    ["norm", "clipped"],
    draw=lambda d: {"g": d.value("g", lambda: d.ints((3,), -6, 6)), "threshold": d.pick("threshold", [1, 2, 5])},
)
def _clip(p: Params) -> Out:
    g = np.asarray(p["g"], dtype=float)
    th = float(p["threshold"])
    norm = float(np.sqrt((g * g).sum()))
    squares = " + ".join(f"{fv(float(x))}²" for x in g)
    steps = [Step("Norm", f"‖g‖ = √({squares}) = {fv(norm)}", norm, key="norm")]
    if p["mode"] == "norm":
        if norm > th:
            out = g * (th / norm)
            steps.append(
                Step(
                    "Clipped",
                    f"‖g‖ = {fv(norm)} > θ = {fv(th)}: g·θ/‖g‖ = g·{fv(th / norm)}",
                    [float(x) for x in out],
                    key="clipped",
                )
            )
        else:
            out = g
            steps.append(
                Step(
                    "Clipped",
                    lazy("‖g‖ = {norm} ≤ θ = {t}: unchanged", norm=fv(norm), t=fv(th)),
                    [float(x) for x in out],
                    key="clipped",
                )
            )
        conv = N_("clip by norm: the direction is kept, only the length is cut to θ")
    else:
        out = np.clip(g, -th, th)
        steps.append(
            Step(
                "Clipped",
                lazy("each entry clipped to [−{c}, {c}]", c=fv(th)),
                [float(x) for x in out],
                key="clipped",
            )
        )
        conv = N_("clip by value: each entry on its own (the direction may change)")
    return Out(steps, None, {}, conv, asked="clipped")
