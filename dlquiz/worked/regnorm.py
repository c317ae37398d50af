"""Batch normalisation, inverted dropout and initialisation variances."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, count_of, fp, fv, register


def _draw_bn(d: Draw) -> Params:
    n = int(d.rng.integers(3, 6))
    return {
        "x": d.value("x", lambda: [int(v) for v in d.rng.integers(0, 10, size=n)]),
        "gamma": d.pick("gamma", [1, 1, 2, 0.5]),
        "beta": d.pick("beta", [0, 0, 1, -1]),
    }


def _check_bn(p: Params) -> None:
    if (p["running_mean"] is None) != (p["running_var"] is None):
        given, missing = (
            ("running_mean", "running_var") if p["running_var"] is None else ("running_var", "running_mean")
        )
        raise ParamError(
            lazy(
                "norm.batch: {given} given but {missing} missing; test time needs both running statistics",
                given=given,
                missing=missing,
            )
        )


@register(
    "norm.batch",
    "norm.batch",
    "Batch normalisation of one feature",
    [
        ParamSpec("x", "the feature's values over the mini-batch", [1, 2, 3, 6], "floatlist"),
        ParamSpec("gamma", "scale γ", 1, "float", min=-100, max=100),
        ParamSpec("beta", "shift β", 0, "float", min=-100, max=100),
        ParamSpec("eps", "ε, added to the variance (no division by 0)", 1e-8, "float", min=0, max=1),
        ParamSpec(
            "running_mean",
            "test time: the running mean μ used instead of the batch's (give running_var too)",
            None,
            "float",
        ),
        ParamSpec(
            "running_var",
            "test time: the running variance σ² used instead of the batch's",
            None,
            "float",
            min=0,
        ),
    ],
    ["mean", "var", "std", "x_hat", "y0"],
    draw=_draw_bn,
    check=_check_bn,
)
def _batch_norm(p: Params) -> Out:
    x = np.array(p["x"], dtype=float)
    g, b, eps = float(p["gamma"]), float(p["beta"]), float(p["eps"])
    m = len(x)
    inference = p["running_mean"] is not None
    if inference:
        mu, var = float(p["running_mean"]), float(p["running_var"])
        first = [
            Step(
                "Mean",
                lazy("μ = running mean = {mu}", mu=fv(mu)),
                mu,
                "given: test time uses the training statistics",
                key="mean",
            ),
            Step("Variance", lazy("σ² = running variance = {var}", var=fv(var)), var, key="var"),
        ]
    else:
        mu = float(x.mean())
        var = float(((x - mu) ** 2).mean())
        first = [
            Step("Mean", f"μ = (1/m) Σ xᵢ = {fv(float(x.sum()))}/{m} = {fv(mu)}", mu, key="mean"),
            Step("Variance", f"σ² = (1/m) Σ (xᵢ − μ)² = {fv(var)}", var, "divide by m, not m − 1", key="var"),
        ]
    std = math.sqrt(var + eps)
    xh = (x - mu) / std
    y = g * xh + b
    steps = [
        *first,
        Step(
            "Normalised",
            f"x̂ = (x − μ)/√(σ² + ε) = {fv(xh)}",
            xh.tolist(),
            "" if inference else N_("mean 0, variance 1"),
            key="x_hat",
        ),
        Step("Scale and shift", f"y = γx̂ + β = {fv(g)}·x̂ + {fp(b)} = {fv(y)}", y.tolist(), key="y"),
    ]
    return Out(
        steps,
        y.tolist(),
        {"mean": mu, "var": var, "std": std, "x_hat": xh.tolist(), "y0": float(y[0])},
        N_("test time: the running mean and variance from training, not the batch's; applied before the activation")
        if inference
        else N_("batch statistics over the mini-batch, variance divided by m; applied before the activation"),
    )


def _draw_dropout(d: Any) -> dict[str, Any]:
    """A drawn variant drops at least one unit and keeps at least one (else nothing to practise)."""
    a = d.value("a", lambda: d.decimals(int(d.rng.integers(4, 7)), 0, 2))
    keep_prob = d.pick("keep_prob", [0.5, 0.8, 0.8, 0.9])
    seed = d.int("seed", 0, 999)
    if "seed" not in d.fixed and "mask" not in d.fixed and keep_prob < 1:
        for _ in range(1000):
            if 0 < sum(dropout_mask(len(a), keep_prob, seed)) < len(a):
                break
            seed = (seed + 1) % 1000
    return {"a": a, "keep_prob": keep_prob, "seed": seed}


def dropout_mask(n: int, keep_prob: float, seed: int) -> list[int]:
    """The 0/1 mask: unit i is kept when a uniform draw is below keep_prob."""
    rng = np.random.default_rng(seed)
    return [int(v) for v in (rng.random(n) < keep_prob)]


@register(
    "reg.dropout",
    "reg.dropout",
    "Inverted dropout on one layer",
    [
        ParamSpec("a", "activations", [1, 2, 3, 4, 5], "floatlist"),
        ParamSpec("keep_prob", "probability of keeping a unit", 0.8, "float", min=0.01, max=1),
        ParamSpec("seed", "seed of the mask", 0, "int", min=0, applies="when no mask is given"),
        ParamSpec(
            "mask",
            "an explicit 0/1 mask instead of the seed",
            None,
            "intlist",
            min=0,
            max=1,
        ),
    ],
    ["mask", "scale", "kept"],
    draw=lambda d: _draw_dropout(d),
    check=lambda p: _check_mask(p),
)
def _dropout(p: Params) -> Out:
    a = np.array(p["a"], dtype=float)
    kp = float(p["keep_prob"])
    mask = p["mask"] if p["mask"] is not None else dropout_mask(len(a), kp, int(p["seed"]))
    masked = a * np.array(mask)
    out = masked / kp
    steps = [
        Step("Mask", lazy("dᵢ = 1 with probability {kp}: {mask}", kp=fv(kp), mask=fv(mask)), mask, key="mask"),
        Step("Drop", f"a ⊙ d = {fv(masked)}", masked.tolist(), key="dropped"),
        Step(
            "Scale",
            f"÷ keep_prob = ×{fv(1 / kp)}: {fv(out)}",
            out.tolist(),
            "keeps the expected activation unchanged, so nothing changes at test time",
            key="out",
        ),
    ]
    return Out(
        steps,
        out.tolist(),
        {"mask": mask, "scale": 1 / kp, "kept": int(sum(mask))},
        N_("inverted dropout: a = a ⊙ d / keep_prob during training only"),
    )


def _check_mask(p: Params) -> None:
    from dlquiz.errors import ParamError

    if p["mask"] is not None and len(p["mask"]) != len(p["a"]):
        raise ParamError(
            lazy(
                "reg.dropout: parameter mask has {count} but a has {m}",
                count=count_of(len(p["mask"]), "entry"),
                m=len(p["a"]),
            )
        )


SCHEMES = ("lecun", "xavier", "he")


@register(
    "init.variance",
    "init",
    "Variance of the initial weights",
    [
        ParamSpec("n_in", "inputs of the layer (fan-in)", 256, "int", min=1),
        ParamSpec(
            "scheme",
            "lecun 1/n_in, xavier 2/(n_in + n_out), he 2/n_in",
            "lecun",
            "choice",
            choices=SCHEMES,
        ),
        ParamSpec(
            "n_out",
            "outputs of the layer (fan-out, xavier only)",
            128,
            "int",
            min=1,
            applies="with scheme=xavier",
        ),
    ],
    ["std"],
    draw=lambda d: {
        "n_in": d.pick("n_in", [64, 100, 128, 256, 400, 512]),
        "scheme": d.pick("scheme", list(SCHEMES)),
        "n_out": d.pick("n_out", [10, 64, 100, 128]),
    },
)
def _init_variance(p: Params) -> Out:
    n, s = p["n_in"], p["scheme"]
    if s == "lecun":
        var, text, frac = 1 / n, f"1/n = 1/{n}", f"1/{n}"
    elif s == "xavier":
        o = p["n_out"]  # the fan-out counts only for Xavier/Glorot
        var, text, frac = 2 / (n + o), f"2/(n_in + n_out) = 2/({n} + {o})", f"2/{n + o}"
    else:
        var, text, frac = 2 / n, f"2/n = 2/{n}", f"2/{n}"
    std = math.sqrt(var)
    # the root of the exact fraction: a rounded variance need not give the shown std
    steps = [
        Step("Variance", f"Var(w) = {text} = {fv(var)}", var, key="var"),
        Step(
            "Standard deviation",
            f"√Var(w) = √({frac}) = {fv(std)}",
            std,
            "w = np.random.randn(n_out, n_in) · std",
            key="std",
        ),
    ]
    limit = math.sqrt(3 * var)
    steps.append(
        Step(
            "Uniform range",
            lazy("U(−a, a) has variance a²/3, so a = √(3·Var(w)) = √(3·{frac}) = {a}", frac=frac, a=fv(limit)),
            limit,
            "the same variance from a uniform draw (Glorot's √(6/(n_in + n_out)) for Xavier)",
            key="uniform_limit",
        )
    )
    note = {
        "lecun": N_("Var(w) = 1/n (the notes on Andrew Ng's course; suits tanh)"),
        "xavier": N_("Xavier/Glorot: 2/(n_in + n_out)"),
        "he": N_("He: 2/n (suits ReLU)"),
    }[s]
    return Out(steps, var, {"std": std, "uniform_limit": limit}, note)
