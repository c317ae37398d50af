"""Feed-forward networks: parameter counts, a forward and backward pass, perceptron, XOR.

Size: the general network's forward and backward pass side by side, per activation and loss
convention, with their step text.
"""

# ruff: noqa: E741  (l is the layer index, as in the notes' W[l], b[l])

from __future__ import annotations

from dlquiz.errors import ParamError
from dlquiz.i18n import N_, Lazy, lazy
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, register


def _check_sizes(kind: str, sizes: list[int]) -> None:
    if len(sizes) < 2:
        raise ParamError(
            lazy(
                "{kind}: parameter sizes: need at least an input and an output layer, got {sizes}",
                kind=kind,
                sizes=sizes,
            )
        )


@register(
    "mlp.params",
    "mlp.shapes",
    "Parameters of a fully connected network",
    [ParamSpec("sizes", "layer sizes from input to output", [784, 128, 10], "intlist", min=1)],
    ["weights", "biases"],
    draw=lambda d: {
        "sizes": d.value(
            "sizes",
            lambda: (
                [int(d.rng.choice([2, 3, 4, 10, 784, 100]))]
                + [int(d.rng.choice([3, 4, 5, 16, 64, 128])) for _ in range(int(d.rng.integers(1, 3)))]
                + [int(d.rng.choice([1, 2, 10]))]
            ),
        )
    },
    check=lambda p: _check_sizes("mlp.params", p["sizes"]),
)
def _mlp_params(p: Params) -> Out:
    sizes = p["sizes"]
    steps: list[Step] = []
    tw = tb = 0
    for l in range(1, len(sizes)):
        w, b = sizes[l] * sizes[l - 1], sizes[l]
        steps.append(
            Step(
                lazy("Layer {n}", n=l),
                lazy(
                    "W[{l}] is {rows}×{cols} = {w}, b[{l}] is {rows}×1 = {b}",
                    l=l,
                    rows=sizes[l],
                    cols=sizes[l - 1],
                    w=w,
                    b=b,
                ),
                w + b,
            )
        )
        tw, tb = tw + w, tb + b
    steps.append(Step("Total", lazy("weights {w} + biases {b} = {total}", w=tw, b=tb, total=tw + tb), tw + tb))
    return Out(steps, tw + tb, {"weights": tw, "biases": tb}, N_("W[l] is n[l] × n[l−1], b[l] is n[l] × 1"))


# --------------------------------------------------------------------------- forward and backward

import re  # noqa: E402

import numpy as np  # noqa: E402

from dlquiz.worked import _nets  # noqa: E402
from dlquiz.worked._core import count_of, fv, operand, operands, paren  # noqa: E402

KIND_FB = "mlp.forward-backward"
MAX_LAYERS = 6  # W1 … W6
MAX_UNITS = 16
MAX_M = 16
HIDDEN = _nets.ACTIVATIONS
PAIRED = {("bce", "sigmoid"), ("ce", "softmax"), ("mse", "linear")}  # dZ[L] = A[L] − Y (×2 without the ½)
OUTPUTS = ("sigmoid", "softmax", "linear", "tanh", "relu", "leaky_relu")
LOSSES = ("bce", "ce", "mse")
DEFAULT_OUTPUT = {"bce": "sigmoid", "ce": "softmax", "mse": "linear"}
_GIVEN = ("X", "Y", *(f"W{l}" for l in range(1, MAX_LAYERS + 1)), *(f"b{l}" for l in range(1, MAX_LAYERS + 1)))


def network(
    sizes: list[int], m: int, seed: int, loss: str = "bce"
) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Exam-sized inputs X (n0 × m), labels Y (n_L × m; one-hot columns for ce), W[l] and b[l] (one decimal)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(sizes[0], m)).astype(float)
    if loss == "ce":
        y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], size=m)]
    else:
        y = rng.integers(0, 2, size=(sizes[-1], m)).astype(float)
    ws = [np.round(rng.uniform(-1, 1, size=(sizes[l], sizes[l - 1])), 1) for l in range(1, len(sizes))]
    bs = [np.round(rng.uniform(-0.5, 0.5, size=(sizes[l], 1)), 1) for l in range(1, len(sizes))]
    return x, y, ws, bs


def _layer_act(hidden: str | list[str], l: int) -> str:
    """The activation of hidden layer l (1-based): one name for all, or one per layer."""
    return hidden if isinstance(hidden, str) else hidden[l - 1]


def _hidden(p: Params, depth: int) -> str | list[str]:
    """`activations` (one per hidden layer) or `activation` (the same for all), checked against the depth."""
    if p["activations"] is None:
        return str(p["activation"])
    names = [a for a in re.split(r"[,\s]+", str(p["activations"]).strip()) if a]
    bad = [a for a in names if a not in HIDDEN]
    if bad:
        raise ParamError(
            lazy(
                "{kind}: parameter activations: {name} is not an activation (choose from: {choices})",
                kind=KIND_FB,
                name=repr(bad[0]),
                choices=", ".join(HIDDEN),
            )
        )
    if len(names) != depth - 1:
        raise ParamError(
            lazy(
                "{kind}: parameter activations has {names} but the network has {layers}:"
                " give one per hidden layer, input side first",
                kind=KIND_FB,
                names=count_of(len(names), "name"),
                layers=count_of(depth - 1, "hidden layer"),
            )
        )
    return names


def _factor(reduction: str, m: int, n_out: int) -> float:
    return {"mean": 1 / m, "sum": 1.0, "mean_all": 1 / (m * n_out)}[reduction]


def per_sample_loss(a: np.ndarray, y: np.ndarray, loss: str, half: bool) -> np.ndarray:
    """ℓ for each column (sample), summed over the output units."""
    if loss == "bce":
        out: np.ndarray = -np.sum(y * np.log(a) + (1 - y) * np.log(1 - a), axis=0)
    elif loss == "ce":
        out = -np.sum(y * np.log(a), axis=0)
    else:
        out = (0.5 if half else 1.0) * np.sum((a - y) ** 2, axis=0)
    return out


def forward(
    ws: list[np.ndarray],
    bs: list[np.ndarray],
    x: np.ndarray,
    hidden: str | list[str],
    output: str,
    alpha: float,
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Z[1..L] and A[0..L] (A[0] = X)."""
    zs: list[np.ndarray] = []
    acts = [x]
    for l, (w, b) in enumerate(zip(ws, bs, strict=True), 1):
        z = w @ acts[-1] + b
        zs.append(z)
        acts.append(_nets.act(_layer_act(hidden, l) if l < len(ws) else output, z, alpha))
    return zs, acts


def cost(
    ws: list[np.ndarray],
    bs: list[np.ndarray],
    x: np.ndarray,
    y: np.ndarray,
    hidden: str | list[str],
    output: str,
    loss: str,
    *,
    half: bool = True,
    reduction: str = "mean",
    alpha: float = 0.01,
) -> float:
    """J of the network (the forward pass; also what gradient checking differentiates)."""
    _, acts = forward(ws, bs, x, hidden, output, alpha)
    return float(_factor(reduction, x.shape[1], y.shape[0]) * per_sample_loss(acts[-1], y, loss, half).sum())


def _given_mode(p: Params) -> bool:
    return any(p.get(k) is not None for k in _GIVEN)


def _draw_fb(d: Draw) -> Params:
    if any(k in d.fixed for k in _GIVEN):  # the student's own network: draw nothing of it
        return {}
    one_out = "sizes" in d.fixed and list(d.fixed["sizes"])[-1] < 2  # softmax-CE needs 2 or more outputs
    loss = d.pick("loss", ["bce", "mse"] if one_out else ["bce", "mse", "ce"])
    out_n = 1 if loss != "ce" else int(d.rng.integers(2, 4))
    sizes = d.value("sizes", lambda: [int(d.rng.integers(1, 4)), int(d.rng.integers(2, 4)), out_n])
    m = d.int("m", 1, 3)
    act = d.pick("activation", ["sigmoid", "tanh", "relu", "leaky_relu"])
    if "activations" in d.fixed:  # the student's own per-layer activations: the draws only check kinks with one
        act = str(d.fixed["activations"]).split(",")[0].strip()

    def seed_without_kink() -> int:
        seed = int(d.rng.integers(0, 10000))
        for _ in range(50):
            x, _, ws, bs = network(sizes, m, seed, loss)
            zs, _ = forward(ws[:-1], bs[:-1], x, act, act, 0.01) if len(ws) > 1 else ([], [])
            if not any(_nets.kinked(act, z) for z in zs):
                break
            seed = int(d.rng.integers(0, 10000))
        return seed

    seed = d.value("init_seed", seed_without_kink)
    out: Params = {"loss": loss}
    if "activations" not in d.fixed:
        out["activation"] = act
    if "init_seed" in d.fixed:  # the network of that seed, as before
        return {**out, "sizes": sizes, "m": m, "init_seed": seed}
    # the drawn numbers themselves, so a printed question (worksheet, quiz) shows X, Y and every W, b
    x, y, ws, bs = network(sizes, m, seed, loss)
    out.update({"X": x.tolist(), "Y": y.tolist()})
    for l, (w, b) in enumerate(zip(ws, bs, strict=True), 1):
        out[f"W{l}"], out[f"b{l}"] = w.tolist(), b.ravel().tolist()
    return out


def _prepare_fb(p: Params) -> Params:
    p = dict(p)
    if not _given_mode(p):
        p["sizes"] = p["sizes"] if p["sizes"] is not None else [2, 3, 1]
        p["m"] = p["m"] if p["m"] is not None else 2
        p["init_seed"] = p["init_seed"] if p["init_seed"] is not None else 0
    if p["activation"] is None and p["activations"] is None:
        p["activation"] = "sigmoid"
    if p["output"] is None:
        p["output"] = DEFAULT_OUTPUT[p["loss"]]
    if p["loss"] == "mse" and p["half"] is None:
        p["half"] = True
    return p


def _given_network(p: Params) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray], list[str]]:
    """X, Y, W[l], b[l] as typed, with every shape checked; notes on what was filled in."""
    if p["init_seed"] is not None:
        raise ParamError(
            lazy(
                "{kind}: parameter init_seed draws X, Y and the weights; it cannot be combined with given X/Y/W/b",
                kind=KIND_FB,
            )
        )
    if p["X"] is None:
        raise ParamError(
            lazy(
                "{kind}: parameter X is needed when weights are given (n[0] × m, one column per sample)",
                kind=KIND_FB,
            )
        )
    x = _nets.matrix(KIND_FB, "X", p["X"])
    depth = 0
    while depth < MAX_LAYERS and p[f"W{depth + 1}"] is not None:
        depth += 1
    if depth == 0:
        raise ParamError(
            lazy(
                "{kind}: parameter W1 is needed when X is given (W[l] is n[l] × n[l−1])",
                kind=KIND_FB,
            )
        )
    for l in range(depth + 1, MAX_LAYERS + 1):
        if p[f"W{l}"] is not None:
            raise ParamError(
                lazy(
                    "{kind}: parameter W{l} is given but W{next} is not: the layers are W1 … W{depth}, without a gap",
                    kind=KIND_FB,
                    l=l,
                    next=depth + 1,
                    depth=depth,
                )
            )
        if p[f"b{l}"] is not None:
            raise ParamError(
                lazy(
                    "{kind}: parameter b{l} is given but there is no W{l}: the network has {depth} layer(s)",
                    kind=KIND_FB,
                    l=l,
                    depth=depth,
                )
            )
    notes: list[str] = []
    ws: list[np.ndarray] = []
    bs: list[np.ndarray] = []
    rows_in, src = x.shape[0], "X"
    for l in range(1, depth + 1):
        w = _nets.matrix(KIND_FB, f"W{l}", p[f"W{l}"])
        if w.shape[1] != rows_in:
            prev = "X" if l == 1 else f"W{l - 1}"
            hint = (
                lazy(" (X's columns are samples: one sample goes in as a column)")
                if l == 1 and x.shape[0] == 1 and x.shape[1] == w.shape[1]
                else ""
            )
            raise ParamError(
                lazy(
                    "{kind}: parameter W{l} is {shape} but {src} has {rows}: W{l} needs {cols} (W[l] is n[l] × n[l−1]),"
                    " or {prev} needs {prev_rows}{hint}",
                    kind=KIND_FB,
                    l=l,
                    shape=_nets.shape_text(w.shape),
                    src=src,
                    rows=count_of(rows_in, "row"),
                    cols=count_of(rows_in, "column"),
                    prev=prev,
                    prev_rows=count_of(w.shape[1], "row"),
                    hint=hint,
                )
            )
        if p[f"b{l}"] is None:
            b = np.zeros((w.shape[0], 1))
            notes.append(f"b{l}")
        else:
            b = _nets.column(KIND_FB, f"b{l}", p[f"b{l}"])
            if b.shape[0] != w.shape[0]:
                raise ParamError(
                    lazy(
                        "{kind}: parameter b{l} has {count} but W{l} is {shape}: b{l} needs {n} (one"
                        " per unit of layer {l})",
                        kind=KIND_FB,
                        l=l,
                        count=count_of(b.shape[0], "number"),
                        shape=_nets.shape_text(w.shape),
                        n=w.shape[0],
                    )
                )
        ws.append(w)
        bs.append(b)
        rows_in, src = w.shape[0], f"W{l}"
    if p["Y"] is None:
        raise ParamError(
            lazy(
                "{kind}: parameter Y is needed for the loss ({n_out} × {m}, one column per sample)",
                kind=KIND_FB,
                n_out=ws[-1].shape[0],
                m=x.shape[1],
            )
        )
    y = _nets.matrix(KIND_FB, "Y", p["Y"])
    n_out, m = ws[-1].shape[0], x.shape[1]
    if p["loss"] == "ce" and n_out > 1 and y.shape == (1, m):
        labels = y.ravel()
        if not all(v.is_integer() and 0 <= v < n_out for v in labels):
            raise ParamError(
                lazy(
                    "{kind}: parameter Y: a single row of Y holds class indices 0 … {last} for softmax-CE; got"
                    " {labels}",
                    kind=KIND_FB,
                    last=n_out - 1,
                    labels=fv(labels.tolist()),
                )
            )
        y = np.eye(n_out)[:, labels.astype(int)]
        notes.append("Y-indices")
    if y.shape != (n_out, m):
        raise ParamError(
            lazy(
                "{kind}: parameter Y is {shape} but the output layer has {units} and X has {samples}: Y must"
                " be {n_out}×{m}",
                kind=KIND_FB,
                shape=_nets.shape_text(y.shape),
                units=count_of(n_out, "unit"),
                samples=count_of(m, "column (sample)"),
                n_out=n_out,
                m=m,
            )
        )
    if p["sizes"] is not None:
        sizes = [x.shape[0], *(w.shape[0] for w in ws)]
        if list(p["sizes"]) != sizes:
            raise ParamError(
                lazy(
                    "{kind}: parameter sizes is {given} but the given X and W1 … W{depth} make {sizes}",
                    kind=KIND_FB,
                    given=fv(p["sizes"]),
                    depth=depth,
                    sizes=fv(sizes),
                )
            )
    if p["m"] is not None and p["m"] != m:
        raise ParamError(
            lazy(
                "{kind}: parameter m is {given} but X has {m} column(s) (samples)",
                kind=KIND_FB,
                given=p["m"],
                m=m,
            )
        )
    return x, y, ws, bs, notes


def _check_limits(sizes: list[int], m: int) -> None:
    if len(sizes) < 2:
        _check_sizes(KIND_FB, sizes)
    if len(sizes) > MAX_LAYERS + 1 or max(sizes) > MAX_UNITS or m > MAX_M:
        raise ParamError(
            lazy(
                "{kind}: {sizes} with m = {m} is too big to work by hand"
                " (at most {layers} layers of at most {units} units, at most {samples} samples)",
                kind=KIND_FB,
                sizes=fv(sizes),
                m=m,
                layers=MAX_LAYERS,
                units=MAX_UNITS,
                samples=MAX_M,
            )
        )


def _check_fb(p: Params) -> None:
    loss, out = p["loss"], p["output"]
    if p["activations"] is not None and p["activation"] is not None:
        raise ParamError(
            lazy(
                "{kind}: parameters activation (one for every hidden layer) and activations (one each) cannot"
                " both be set",
                kind=KIND_FB,
            )
        )
    named = [p["activation"], out, *re.split(r"[,\s]+", str(p["activations"] or ""))]
    uses_leaky = "leaky_relu" in named
    if p["alpha"] is not None and not uses_leaky:
        raise ParamError(
            lazy(
                "{kind}: parameter alpha is the slope of leaky_relu, which neither activation nor output uses",
                kind=KIND_FB,
            )
        )
    if p["half"] is not None and loss != "mse":
        raise ParamError(
            lazy(
                "{kind}: parameter half applies to loss mse only (loss is {loss})",
                kind=KIND_FB,
                loss=loss,
            )
        )
    if p["reduction"] == "mean_all" and loss != "mse":
        raise ParamError(
            lazy(
                "{kind}: parameter reduction: mean_all (÷ m·n_L, as PyTorch's MSELoss) applies to loss mse only",
                kind=KIND_FB,
            )
        )
    if loss in ("bce", "ce") and out not in ("sigmoid", "softmax"):
        raise ParamError(
            lazy(
                "{kind}: parameter output: loss {loss} takes logs of the outputs, which need sigmoid or"
                " softmax (got {out})",
                kind=KIND_FB,
                loss=loss,
                out=out,
            )
        )
    if not _given_mode(p):
        _check_limits(list(p["sizes"]), int(p["m"]))
        if out == "softmax" and p["sizes"][-1] < 2:
            raise ParamError(
                lazy(
                    "{kind}: parameter sizes: a softmax output needs at least 2 output units (use sigmoid for one)",
                    kind=KIND_FB,
                )
            )
        return
    x, y, ws, _, _ = _given_network(p)
    _check_limits([x.shape[0], *(w.shape[0] for w in ws)], x.shape[1])
    if out == "softmax" and ws[-1].shape[0] < 2:
        raise ParamError(
            lazy(
                "{kind}: parameter output: softmax over one unit is always 1; W{n} has 1 row (use sigmoid for"
                " one output)",
                kind=KIND_FB,
                n=len(ws),
            )
        )
    if loss == "bce" and np.any((y < 0) | (y > 1)):
        raise ParamError(
            lazy(
                "{kind}: parameter Y: binary cross-entropy needs labels between 0 and 1, got {y}",
                kind=KIND_FB,
                y=fv(y.tolist()),
            )
        )
    if loss == "ce" and np.any(y < 0):
        raise ParamError(
            lazy(
                "{kind}: parameter {name}: cross-entropy needs non-negative targets, got {y}",
                kind=KIND_FB,
                name="Y",
                y=fv(y.tolist()),
            )
        )


def _gradients(
    ws: list[np.ndarray],
    zs: list[np.ndarray],
    acts: list[np.ndarray],
    y: np.ndarray,
    p: Params,
) -> dict[str, np.ndarray]:
    """dA, dZ (per sample), dW, db (× the loss factor), dA0 and dX: the backward pass."""
    hidden, output, loss, alpha = p["_hidden"], p["output"], p["loss"], _alpha(p)
    c = 1.0 if (loss != "mse" or p["half"]) else 2.0
    big_l = len(ws)
    a, z = acts[-1], zs[-1]
    k = _factor(p["reduction"], acts[0].shape[1], a.shape[0])
    out: dict[str, np.ndarray] = {}
    with np.errstate(all="ignore"):
        if loss == "bce":
            da = -y / a + (1 - y) / (1 - a)
        elif loss == "ce":
            da = -y / a
        else:
            da = c * (a - y)
    if bool(np.all(np.isfinite(da))):  # an output saturated to exactly 0 or 1 has no finite dA (dZ still is)
        out[f"dA{big_l}"] = da
    if (loss, output) == ("bce", "sigmoid"):
        dz = a - y
    elif (loss, output) == ("ce", "softmax"):
        dz = a * y.sum(axis=0, keepdims=True) - y
    elif (loss, output) == ("mse", "linear"):
        dz = c * (a - y)
    else:
        if output == "softmax":
            dz = a * (da - np.sum(a * da, axis=0, keepdims=True))
        else:
            dz = da * _nets.dact(output, z, alpha)
    out[f"dZ{big_l}"] = dz
    for l in range(big_l, 0, -1):
        out[f"dW{l}"] = k * dz @ acts[l - 1].T
        out[f"db{l}"] = k * dz.sum(axis=1, keepdims=True)
        da_prev = ws[l - 1].T @ dz
        out[f"dA{l - 1}"] = da_prev
        if l > 1:
            dz = da_prev * _nets.dact(_layer_act(hidden, l - 1), zs[l - 2], alpha)
            out[f"dZ{l - 1}"] = dz
    out["dX"] = k * out["dA0"]
    return out


def _alpha(p: Params) -> float:
    return float(p["alpha"]) if p["alpha"] is not None else 0.01


_LOSS_TEXT = {
    "bce": "−Σ [y log a + (1 − y) log(1 − a)]",
    "ce": "−Σ y log a",
    "mse": "Σ (a − y)²",
}


def _cost_text(p: Params, n_out: int) -> tuple[str, str]:
    """The factor in front of the sum over the samples ("(1/m)", "" for sum) and the per-sample loss."""
    per = _LOSS_TEXT[p["loss"]]
    if p["loss"] == "mse" and p["half"]:
        per = "½ Σ (a − y)²"
    return {"mean": "(1/m)", "sum": "", "mean_all": f"1/(m·{n_out})"}[p["reduction"]], per


def _convention(p: Params, n_out: int) -> Lazy:
    scale, per = _cost_text(p, n_out)
    j = lazy("J = {scale}·Σ_samples {per}", scale=scale, per=per) if scale else lazy("J = Σ_samples {per}", per=per)
    return lazy(
        "{j}; W[l] is n[l] × n[l−1], columns are samples; dZ[l], dA[l] are per-sample derivatives (column by column, "
        "the notes on Andrew Ng's course); dW[l] = {k}dZ[l]·A[l−1]ᵀ, db[l] = {k}Σ dZ[l], dX = ∂J/∂X = {k}W[1]ᵀ·dZ[1]",
        j=j,
        k=f"{scale}·" if scale else "",
    )


def _written_sums(w: np.ndarray, b: np.ndarray, a_prev: np.ndarray, z: np.ndarray) -> str:
    """z_i = w_i1·a_1 + … + b_i = value for each unit, with digits enough that the shown numbers give the result."""
    parts = []
    n = w.shape[1]
    for i in range(w.shape[0]):
        texts = operands(
            [*w[i].tolist(), *a_prev[:, 0].tolist(), float(b[i, 0])],
            lambda v: sum(v[k] * v[n + k] for k in range(n)) + v[2 * n],
            float(z[i, 0]),
        )
        terms = " + ".join(f"{texts[k]}·{paren(texts[n + k])}" for k in range(n))
        parts.append(f"z{_sub(i + 1)} = {terms} + {paren(texts[2 * n])} = {fv(float(z[i, 0]))}")
    return "; ".join(parts)


def _sub(n: int) -> str:
    """12 -> "₁₂": the unit index of z and a inside a layer."""
    return str(n).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


def _written_acts(g: str, z: np.ndarray, a: np.ndarray, alpha: float) -> str:
    """g(z_i) = a_i for each unit, z_i with digits enough to give the shown a_i."""
    out = []
    for i in range(z.shape[0]):

        def f(v: float) -> float:
            return float(_nets.act(g, np.array([[v]]), alpha)[0, 0])

        zt = fv(float(z[i, 0]))
        if fv(f(float(zt))) != fv(float(a[i, 0])):
            zt = operand(float(z[i, 0]), f, float(a[i, 0]))
        out.append(f"{g}({zt}) = {fv(float(a[i, 0]))}")
    return ", ".join(out)


@register(
    "mlp.forward-backward",
    "backprop.layer",
    "Forward and backward pass of a network",
    [
        ParamSpec(
            "sizes",
            "layer sizes from input to output (drawn network; default 2,3,1)",
            None,
            "intlist",
            min=1,
            shape="n0,n1,…,nL",
        ),
        ParamSpec("m", "batch size of the drawn network (default 2)", None, "int", min=1),
        ParamSpec(
            "activation",
            "hidden activation of every hidden layer (default sigmoid)",
            None,
            "choice",
            choices=HIDDEN,
        ),
        ParamSpec("activations", "one hidden activation per hidden layer, input side first: relu,tanh", None, "str"),
        ParamSpec("loss", "bce, ce (softmax cross-entropy) or mse", "bce", "choice", choices=LOSSES),
        ParamSpec(
            "output",
            "output activation (default: sigmoid for bce, softmax for ce, linear for mse)",
            None,
            "choice",
            choices=OUTPUTS,
        ),
        ParamSpec("half", "mse: ½ in front of the squares (default true)", None, "bool"),
        ParamSpec(
            "reduction",
            "mean (÷ m samples), sum, or mean_all (÷ m·n_L, mse only)",
            "mean",
            "choice",
            choices=("mean", "sum", "mean_all"),
        ),
        ParamSpec("alpha", "slope of leaky_relu for z < 0 (default 0.01)", None, "float", min=0, max=1),
        ParamSpec("init_seed", "seed of the drawn inputs, labels and weights (default 0)", None, "int", min=0),
        ParamSpec("X", "inputs n[0] × m, one column per sample", None, "matrix", shape="n0×m"),
        ParamSpec("Y", "labels n[L] × m (for ce also one row of class indices)", None, "matrix", shape="nL×m"),
        *(
            ParamSpec(
                f"W{l}",
                lazy("weights of layer {l}, n[{l}] × n[{prev}]", l=l, prev=l - 1),
                None,
                "matrix",
                shape=f"n{l}×n{l - 1}",
            )
            for l in range(1, 7)
        ),
        *(
            ParamSpec(
                f"b{l}",
                lazy("biases of layer {l}, n[{l}] numbers (default 0)", l=l),
                None,
                "floatlist",
                shape=f"n{l}",
            )
            for l in range(1, 7)
        ),
        ParamSpec(
            "lr",
            "learning rate α: also one update W[l] − α·dW[l], b[l] − α·db[l] (values W1_new, b1_new, …)",
            None,
            "float",
            min=0,
        ),
        ParamSpec(
            "update_biases",
            "with lr: false keeps b[l] as given (the classic worked example: biases are not updated)",
            None,
            "bool",
            applies="with lr",
        ),
    ],
    ["loss", "grad_check", "X", "Y", "Z1", "A1", "dZ1", "dW1", "db1", "dA0", "dX"],
    draw=lambda d: _draw_fb(d),
    check=_check_fb,
    prepare=_prepare_fb,
)
def _forward_backward(p: Params) -> Out:
    output, loss, alpha = p["output"], p["loss"], _alpha(p)
    half = bool(p["half"]) if loss == "mse" else True
    notes: list[str] = []
    if _given_mode(p):
        x, y, ws, bs, notes = _given_network(p)
    else:
        x, y, ws, bs = network(list(p["sizes"]), int(p["m"]), int(p["init_seed"]), loss)
    big_l, m, n_out = len(ws), x.shape[1], ws[-1].shape[0]
    hidden = _hidden(p, big_l)
    steps: list[Step] = [
        Step("X", lazy("inputs, {rows}×{m} (one column per sample)", rows=x.shape[0], m=m), x.tolist()),
        Step(
            "Y",
            lazy("labels, {rows}×{m}", rows=n_out, m=m),
            y.tolist(),
            N_("class indices as one-hot columns") if "Y-indices" in notes else "",
        ),
    ]
    values: dict[str, object] = {"X": x.tolist(), "Y": y.tolist()}
    zs, acts = forward(ws, bs, x, hidden, output, alpha)
    for l in range(1, big_l + 1):
        w, b = ws[l - 1], bs[l - 1]
        g = _layer_act(hidden, l) if l < big_l else output
        steps.append(Step(f"W{l}", f"{w.shape[0]}×{w.shape[1]}", w.tolist()))
        steps.append(Step(f"b{l}", f"{b.shape[0]}×1", b.tolist(), N_("not given: 0") if f"b{l}" in notes else ""))
        z_form, a_form = f"Z{l} = W{l}·A{l - 1} + b{l}", f"A{l} = {g}(Z{l})"
        if m == 1 and w.shape[0] <= 4 and w.shape[1] <= 4:  # one sample of a small layer: every sum written out
            z_form += ": " + _written_sums(w, b, acts[l - 1], zs[l - 1])
            if g != "softmax":
                a_form += ": " + _written_acts(g, zs[l - 1], acts[l], alpha)
        steps.append(Step(f"Z{l}", z_form, zs[l - 1].tolist()))
        steps.append(Step(f"A{l}", a_form, acts[l].tolist()))
        values.update(
            {f"W{l}": w.tolist(), f"b{l}": b.tolist(), f"Z{l}": zs[l - 1].tolist(), f"A{l}": acts[l].tolist()}
        )
    j = cost(ws, bs, x, y, hidden, output, loss, half=half, reduction=p["reduction"], alpha=alpha)
    conv = _convention(p, n_out)
    scale, per = _cost_text(p, n_out)
    loss_form = (
        lazy("J = {scale}·Σ_samples {per} = {J}", scale=scale, per=per, J=fv(j))
        if scale
        else lazy("J = Σ_samples {per} = {J}", per=per, J=fv(j))
    )
    steps.append(Step("Loss", loss_form, j))
    grads = _gradients(ws, zs, acts, y, {**p, "half": half, "_hidden": hidden})
    paired = (loss, output) in PAIRED
    if f"dA{big_l}" in grads:
        da_text = {
            "bce": f"−Y/A{big_l} + (1 − Y)/(1 − A{big_l})",
            "ce": f"−Y/A{big_l}",
            "mse": f"A{big_l} − Y" if half else f"2·(A{big_l} − Y)",
        }[loss]
        steps.append(Step(f"dA{big_l}", f"dA{big_l} = ∂ℓ/∂A{big_l} = {da_text}", grads[f"dA{big_l}"].tolist()))
    if not paired:
        g_out = f"dZ{big_l} = dA{big_l} ⊙ {output}′(Z{big_l})"
        if output == "softmax":
            g_out = f"dZ{big_l} = A{big_l} ⊙ (dA{big_l} − Σ_k A{big_l}·dA{big_l})"
        steps.append(
            Step(
                f"dZ{big_l}", g_out, grads[f"dZ{big_l}"].tolist(), N_("softmax Jacobian") if output == "softmax" else ""
            )
        )
    else:
        form = {
            "bce": (f"dZ{big_l} = A{big_l} − Y", N_("sigmoid output with cross-entropy")),
            "ce": (f"dZ{big_l} = A{big_l} − Y", N_("softmax output with cross-entropy")),
            "mse": (
                (f"dZ{big_l} = A{big_l} − Y", N_("linear output with ½ squared error"))
                if half
                else (f"dZ{big_l} = 2·(A{big_l} − Y)", N_("linear output with squared error"))
            ),
        }[loss]
        steps.append(Step(f"dZ{big_l}", form[0], grads[f"dZ{big_l}"].tolist(), form[1]))
    k = {"mean": "(1/m)·", "sum": "", "mean_all": f"1/(m·{n_out})·"}[p["reduction"]]
    for l in range(big_l, 0, -1):
        steps.append(Step(f"dW{l}", f"dW{l} = {k}dZ{l}·A{l - 1}ᵀ", grads[f"dW{l}"].tolist()))
        steps.append(Step(f"db{l}", lazy("db{l} = {k}Σ dZ{l} over the batch", l=l, k=k), grads[f"db{l}"].tolist()))
        steps.append(Step(f"dA{l - 1}", f"dA{l - 1} = W{l}ᵀ·dZ{l}", grads[f"dA{l - 1}"].tolist()))
        if l > 1:
            steps.append(
                Step(
                    f"dZ{l - 1}",
                    f"dZ{l - 1} = dA{l - 1} ⊙ {_layer_act(hidden, l - 1)}′(Z{l - 1})",
                    grads[f"dZ{l - 1}"].tolist(),
                )
            )
    steps.append(Step("dX", f"dX = ∂J/∂X = {k}dA0" if k else "dX = ∂J/∂X = dA0", grads["dX"].tolist()))
    values.update({name: g.tolist() for name, g in grads.items()})
    # gradient check: two-sided differences on every weight, bias and input

    def j_now() -> float:
        return cost(ws, bs, x, y, hidden, output, loss, half=half, reduction=p["reduction"], alpha=alpha)

    analytic = [grads[f"dW{l}"] for l in range(1, big_l + 1)] + [grads[f"db{l}"] for l in range(1, big_l + 1)]
    numeric = [_nets.numeric_grad(j_now, w) for w in ws] + [_nets.numeric_grad(j_now, b) for b in bs]
    check = _nets.rel_error([*analytic, grads["dX"]], [*numeric, _nets.numeric_grad(j_now, x)])
    kinks = any(_nets.kinked(_layer_act(hidden, l), z) for l, z in enumerate(zs[:-1], 1)) or _nets.kinked(
        output, zs[-1]
    )
    steps.append(
        Step(
            "Gradient check",
            f"‖dθ − dθ_approx‖/(‖dθ‖ + ‖dθ_approx‖) = {fv(check)}",
            check,
            N_("a pre-activation is exactly 0, on the ReLU kink: the derivative there is taken as 0")
            if kinks
            else N_("two-sided differences with ε = 1e-6; below 1e-7 means the backward pass is right"),
        )
    )
    values["grad_check"] = check
    values["loss"] = j
    if p["lr"] is not None:  # one gradient-descent update, as the classic worked examples end
        lr = float(p["lr"])
        move_b = p["update_biases"] is None or bool(p["update_biases"])
        for l in range(1, big_l + 1):
            for name, old, grad in ((f"W{l}", ws[l - 1], grads[f"dW{l}"]), (f"b{l}", bs[l - 1], grads[f"db{l}"])):
                if name.startswith("b") and not move_b:
                    kept = lazy("{name}_new = {name} (kept: b is not updated)", name=name)
                    steps.append(Step(f"{name}_new", kept, old.tolist()))
                    values[f"{name}_new"] = old.tolist()
                    continue
                new = old - lr * grad
                steps.append(Step(f"{name}_new", f"{name}_new = {name} − α·d{name} (α = {fv(lr)})", new.tolist()))
                values[f"{name}_new"] = new.tolist()
        if move_b:
            conv = lazy("{conv}; update with α = {lr}: W[l] − α·dW[l], b[l] − α·db[l]", conv=conv, lr=fv(lr))
        else:
            conv = lazy("{conv}; update with α = {lr}: W[l] − α·dW[l], b[l] kept (not updated)", conv=conv, lr=fv(lr))
    return Out(steps, j, values, conv, asked="loss")


# --------------------------------------------------------------------------- perceptron


def perceptron(
    data: list[list[float]], lr: float, epochs: int, w0: list[float] | None = None, b0: float = 0.0
) -> tuple[list[tuple[int, int, list[float], float]], list[float], float, bool]:
    """Run the perceptron from w0, b0 (default 0); returns (updates as (epoch, i, w, b)), w, b, converged."""
    dim = len(data[0]) - 1
    w, b = (list(w0) if w0 is not None else [0.0] * dim), float(b0)
    updates: list[tuple[int, int, list[float], float]] = []
    for e in range(1, epochs + 1):
        mistakes = 0
        for i, row in enumerate(data):
            x, y = row[:-1], row[-1]
            if y * (sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b) <= 0:
                w = [wi + lr * y * xi for wi, xi in zip(w, x, strict=True)]
                b = b + lr * y
                mistakes += 1
                updates.append((e, i, list(w), b))
        if mistakes == 0:
            return updates, w, b, True
    return updates, w, b, False


_MIN_UPDATES, _MAX_UPDATES = 3, 8


def _draw_perceptron(d: Draw) -> Params:
    def make() -> list[list[int]]:
        while True:
            wstar = [int(v) for v in d.rng.integers(-2, 3, size=2)]
            if wstar == [0, 0]:
                continue
            bstar = int(d.rng.integers(-1, 2))
            rows: list[list[int]] = []
            tries = 0
            while len(rows) < int(d.rng.integers(3, 6)) and tries < 100:
                tries += 1
                x = [int(v) for v in d.rng.integers(-3, 4, size=2)]
                s = wstar[0] * x[0] + wstar[1] * x[1] + bstar
                if s != 0 and x not in [r[:2] for r in rows]:
                    rows.append([*x, 1 if s > 0 else -1])
            if len({r[2] for r in rows}) != 2:
                continue
            ups, _, _, ok = perceptron([[float(v) for v in r] for r in rows], 1, 10)
            if ok and _MIN_UPDATES <= len(ups) <= _MAX_UPDATES:  # not trivial, still a page by hand
                return rows

    return {"data": d.value("data", make), "lr": d.pick("lr", [1, 1, 0.5]), "epochs": d.pick("epochs", [10])}


def _check_perceptron(p: Params) -> None:
    for i, row in enumerate(p["data"]):
        if row[-1] not in (1, -1):
            raise ParamError(
                lazy(
                    "{kind}: parameter data row {row}: the last column is the label, which must be 1 or -1"
                    " (got {value})",
                    kind="perceptron.trace",
                    row=i + 1,
                    value=fv(row[-1]),
                )
            )
    if len(p["data"][0]) < 2:
        raise ParamError(lazy("{kind}: parameter data: each row is x1,…,xd,y", kind="perceptron.trace"))


@register(
    "perceptron.trace",
    "perceptron",
    "Perceptron training trace",
    [
        ParamSpec("data", "one sample per row: x1,x2,y with y = ±1", [[3, 3, 1], [4, 3, 1], [1, 1, -1]], "matrix"),
        ParamSpec("lr", "learning rate (1 in the notes)", 1, "float", min=0.001, max=10),
        ParamSpec("epochs", "maximum passes over the data", 10, "int", min=1, max=10),
        ParamSpec(
            "w0",
            "starting weights, one per feature (default 0)",
            None,
            "floatlist",
        ),
        ParamSpec("b0", "starting bias (default 0)", None, "float"),
    ],
    ["updates", "w", "b", "converged", "epochs_run"],
    draw=_draw_perceptron,
    check=_check_perceptron,
)
def _perceptron(p: Params) -> Out:
    data, lr, epochs = p["data"], float(p["lr"]), p["epochs"]
    dim = len(data[0]) - 1
    w0 = [float(v) for v in p["w0"]] if p["w0"] is not None else [0.0] * dim
    b0 = float(p["b0"]) if p["b0"] is not None else 0.0
    if len(w0) != dim:
        raise ParamError(
            lazy(
                "{kind}: w0 has {n} weights but the samples have {dim} features",
                kind="perceptron.trace",
                n=len(w0),
                dim=dim,
            )
        )
    ups, w, b, ok = perceptron(data, lr, epochs, w0, b0)
    start = (
        N_("w = 0, b = 0; visit the samples in order; update when y(⟨w, x⟩ + b) ≤ 0")
        if not any(w0) and b0 == 0
        else lazy("w = {w}, b = {b}; visit the samples in order; update when y(⟨w, x⟩ + b) ≤ 0", w=fv(w0), b=fv(b0))
    )
    steps = [Step("Start", start, w0)]
    for n, (e, i, wu, bu) in enumerate(ups, 1):
        x, y = data[i][:-1], data[i][-1]
        steps.append(
            Step(
                lazy("Update {n}", n=n),
                lazy(
                    "epoch {e}, sample {i} x = {x}, y = {y} misclassified: "
                    "w ← w + {lr}·y·x = {w}, b ← b + {lr}·y = {b}",
                    e=e,
                    i=i,
                    x=fv(x),
                    y=fv(y),
                    lr=fv(lr),
                    w=fv(wu),
                    b=fv(bu),
                ),
                wu,
            )
        )
    epochs_run = (ups[-1][0] + 1 if ups else 1) if ok else epochs
    steps.append(
        Step(
            "Result",
            lazy("converged after {n} updates: w = {w}, b = {b}", n=len(ups), w=fv(w), b=fv(b))
            if ok
            else lazy("not converged after {n} updates: w = {w}, b = {b}", n=len(ups), w=fv(w), b=fv(b)),
            len(ups),
            N_("an epoch without mistakes ends training") if ok else lazy("stopped after {n} epochs", n=epochs),
        )
    )
    return Out(
        steps,
        len(ups),
        {"updates": len(ups), "w": w, "b": b, "converged": int(ok), "epochs_run": epochs_run},
        N_("sign(⟨w, x⟩ + b); on a mistake w ← w + η·y·x, b ← b + η·y (the d2l notes, η = 1)"),
    )


# --------------------------------------------------------------------------- XOR


@register(
    "mlp.xor",
    "mlp.xor",
    "An MLP that computes XOR",
    [
        ParamSpec(
            "activation",
            "relu (Goodfellow's weights) or step (OR and AND units)",
            "relu",
            "choice",
            choices=("relu", "step"),
        ),
        ParamSpec("W", "relu: 2×2 hidden weights", [[1, 1], [1, 1]], "matrix"),
        ParamSpec("c", "relu: hidden biases", [0, -1], "floatlist"),
        ParamSpec("w", "relu: output weights", [1, -2], "floatlist"),
        ParamSpec("b", "relu: output bias", 0, "float"),
    ],
    ["H", "hidden", "solves_xor"],
    draw=lambda d: {"activation": d.pick("activation", ["relu", "step"])},
    check=lambda p: _check_xor(p),
)
def _xor(p: Params) -> Out:
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    if p["activation"] == "relu":
        w, c = np.array(p["W"], dtype=float), np.array(p["c"], dtype=float)
        v, b = np.array(p["w"], dtype=float), float(p["b"])
        h = np.maximum(0, x @ w.T + c)
        out = h @ v + b
        desc = (f"h = ReLU(W·x + c), W = {fv(p['W'])}, c = {fv(p['c'])}", f"y = wᵀh + b, w = {fv(p['w'])}, b = {fv(b)}")
    else:
        h = np.stack([(x.sum(axis=1) - 0.5 > 0), (x.sum(axis=1) - 1.5 > 0)], axis=1).astype(float)
        out = (h[:, 0] - h[:, 1] - 0.5 > 0).astype(float)
        desc = (N_("h1 = step(x1 + x2 − 0.5) (OR), h2 = step(x1 + x2 − 1.5) (AND)"), "y = step(h1 − h2 − 0.5)")
    steps = [
        Step("Hidden layer", desc[0], h.tolist(), "one row per input (0,0), (0,1), (1,0), (1,1)"),
        Step("Output", desc[1], out.tolist(), "XOR: a single linear split cannot do this; two can"),
    ]
    solves = int(np.allclose(out, [0, 1, 1, 0]))
    outs = [_int_if_whole(v) for v in out]
    return Out(steps, outs, {"H": h.tolist(), "hidden": h.tolist(), "solves_xor": solves})


def _int_if_whole(v: float) -> int | float:
    return int(round(v)) if abs(v - round(v)) < 1e-9 else float(v)


def _check_xor(p: Params) -> None:
    if len(p["W"]) != 2 or len(p["W"][0]) != 2 or len(p["c"]) != 2 or len(p["w"]) != 2:
        raise ParamError(
            lazy(
                "{kind}: parameters W (2×2), c (2 numbers) and w (2 numbers) describe 2 hidden units",
                kind="mlp.xor",
            )
        )
