"""Feed-forward networks: parameter counts, a forward and backward pass, perceptron, XOR."""

# ruff: noqa: E741  (l is the layer index, as in the notes' W[l], b[l])

from __future__ import annotations

from dlquiz.errors import ParamError
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, register


def _check_sizes(kind: str, sizes: list[int]) -> None:
    if len(sizes) < 2:
        raise ParamError(f"{kind}: parameter sizes: need at least an input and an output layer, got {sizes}")


@register(
    "mlp.params",
    "mlp.shapes",
    "Parameters of a fully connected network",
    "全连接网络的参数个数",
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
            Step(f"Layer {l}", f"W[{l}] is {sizes[l]}×{sizes[l - 1]} = {w}, b[{l}] is {sizes[l]}×1 = {b}", w + b)
        )
        tw, tb = tw + w, tb + b
    steps.append(Step("Total", f"weights {tw} + biases {tb} = {tw + tb}", tw + tb))
    return Out(steps, tw + tb, {"weights": tw, "biases": tb}, "W[l] is n[l] × n[l−1], b[l] is n[l] × 1")


# --------------------------------------------------------------------------- forward and backward

import numpy as np  # noqa: E402

from dlquiz.worked._core import fv  # noqa: E402

HIDDEN = ("sigmoid", "relu", "tanh")


def _g(name: str, z: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        return 1 / (1 + np.exp(-z))  # type: ignore[no-any-return]
    if name == "tanh":
        return np.tanh(z)  # type: ignore[no-any-return]
    if name == "relu":
        return np.maximum(0, z)  # type: ignore[no-any-return]
    return z  # linear


def _dg(name: str, z: np.ndarray) -> np.ndarray:
    if name == "sigmoid":
        s = 1 / (1 + np.exp(-z))
        return s * (1 - s)  # type: ignore[no-any-return]  # σ′ = σ(1 − σ)
    if name == "tanh":
        return 1 - np.tanh(z) ** 2  # type: ignore[no-any-return]
    if name == "relu":
        return (z > 0).astype(float)
    return np.ones_like(z)


def network(sizes: list[int], m: int, seed: int) -> tuple[np.ndarray, np.ndarray, list[np.ndarray], list[np.ndarray]]:
    """Exam-sized inputs X (n0 × m), labels Y (n_L × m), weights W[l] and biases b[l] (one decimal)."""
    rng = np.random.default_rng(seed)
    x = rng.integers(-2, 3, size=(sizes[0], m)).astype(float)
    y = rng.integers(0, 2, size=(sizes[-1], m)).astype(float)
    ws = [np.round(rng.uniform(-1, 1, size=(sizes[l], sizes[l - 1])), 1) for l in range(1, len(sizes))]
    bs = [np.round(rng.uniform(-0.5, 0.5, size=(sizes[l], 1)), 1) for l in range(1, len(sizes))]
    return x, y, ws, bs


def cost(ws: list[np.ndarray], bs: list[np.ndarray], x: np.ndarray, y: np.ndarray, act: str, loss: str) -> float:
    """J of the network (used for the forward pass and for gradient checking)."""
    a = x
    for l, (w, b) in enumerate(zip(ws, bs, strict=True), 1):
        z = w @ a + b
        a = _g(act if l < len(ws) else ("sigmoid" if loss == "bce" else "linear"), z)
    m = x.shape[1]
    if loss == "bce":
        return float(-np.sum(y * np.log(a) + (1 - y) * np.log(1 - a)) / m)
    return float(np.sum((a - y) ** 2) / (2 * m))


def _has_kink(sizes: list[int], m: int, seed: int) -> bool:
    """Whether some hidden pre-activation is exactly 0 (ReLU's kink: no derivative there)."""
    x, _, ws, bs = network(sizes, m, seed)
    a = x
    for w, b in zip(ws[:-1], bs[:-1], strict=True):
        z = w @ a + b
        if np.any(np.abs(z) < 1e-9):
            return True
        a = np.maximum(0, z)
    return False


def _draw_fb(d: Draw) -> Params:
    sizes = d.value("sizes", lambda: [int(d.rng.integers(1, 4)), int(d.rng.integers(2, 4)), 1])
    m = d.int("m", 1, 3)
    act = d.pick("activation", list(HIDDEN))

    def seed_without_kink() -> int:
        seed = int(d.rng.integers(0, 10000))
        for _ in range(50):
            if act != "relu" or not _has_kink(sizes, m, seed):
                break
            seed = int(d.rng.integers(0, 10000))
        return seed

    return {
        "sizes": sizes,
        "m": m,
        "activation": act,
        "loss": d.pick("loss", ["bce", "mse"]),
        "init_seed": d.value("init_seed", seed_without_kink),
    }


def _check_fb(p: Params) -> None:
    _check_sizes("mlp.forward-backward", p["sizes"])
    if len(p["sizes"]) > 4 or max(p["sizes"]) > 5:
        raise ParamError(
            f"mlp.forward-backward: parameter sizes: {p['sizes']} is too big to work by hand "
            "(at most 4 layers of at most 5 units)"
        )


@register(
    "mlp.forward-backward",
    "backprop.layer",
    "Forward and backward pass of a small network",
    "小网络的前向与反向传播",
    [
        ParamSpec("sizes", "layer sizes from input to output", [2, 3, 1], "intlist", min=1, max=5),
        ParamSpec("m", "batch size", 2, "int", min=1, max=4),
        ParamSpec("activation", "hidden activation", "sigmoid", "choice", choices=HIDDEN),
        ParamSpec("loss", "bce (sigmoid output) or mse (linear output)", "bce", "choice", choices=("bce", "mse")),
        ParamSpec("init_seed", "seed of the inputs, labels and weights", 0, "int", min=0),
    ],
    ["loss", "grad_check", "X", "Y"],
    draw=lambda d: _draw_fb(d),
    check=_check_fb,
)
def _forward_backward(p: Params) -> Out:
    sizes, m, act, loss = p["sizes"], p["m"], p["activation"], p["loss"]
    x, y, ws, bs = network(sizes, m, p["init_seed"])
    big_l = len(ws)
    out_act = "sigmoid" if loss == "bce" else "linear"
    steps: list[Step] = [
        Step("X", f"inputs, {sizes[0]}×{m} (one column per sample)", x.tolist()),
        Step("Y", f"labels, {sizes[-1]}×{m}", y.tolist()),
    ]
    values: dict[str, object] = {"X": x.tolist(), "Y": y.tolist()}
    a_s, z_s = [x], []
    for l in range(1, big_l + 1):
        w, b = ws[l - 1], bs[l - 1]
        steps.append(Step(f"W{l}", f"{w.shape[0]}×{w.shape[1]}", w.tolist()))
        steps.append(Step(f"b{l}", f"{b.shape[0]}×1", b.tolist()))
        z = w @ a_s[-1] + b
        g = act if l < big_l else out_act
        a = _g(g, z)
        steps.append(Step(f"Z{l}", f"Z{l} = W{l}·A{l - 1} + b{l}", z.tolist()))
        steps.append(Step(f"A{l}", f"A{l} = {g}(Z{l})", a.tolist()))
        values.update({f"W{l}": w.tolist(), f"b{l}": b.tolist(), f"Z{l}": z.tolist(), f"A{l}": a.tolist()})
        z_s.append(z)
        a_s.append(a)
    j = cost(ws, bs, x, y, act, loss)
    jtext = "J = −(1/m) Σ [y log a + (1 − y) log(1 − a)]" if loss == "bce" else "J = 1/(2m) Σ (a − y)²"
    steps.append(Step("Loss", f"{jtext} = {fv(j)}", j))
    # backward: dZ[L] = A[L] − Y for sigmoid + BCE and for linear + MSE (cost per sample, ÷ m below)
    dz = a_s[-1] - y
    steps.append(
        Step(
            f"dZ{big_l}",
            f"dZ{big_l} = A{big_l} − Y",
            dz.tolist(),
            "sigmoid output with cross-entropy" if loss == "bce" else "linear output with ½ squared error",
        )
    )
    values[f"dZ{big_l}"] = dz.tolist()
    grads_w: list[np.ndarray] = [np.zeros(1)] * big_l
    grads_b: list[np.ndarray] = [np.zeros(1)] * big_l
    for l in range(big_l, 0, -1):
        dw = dz @ a_s[l - 1].T / m
        db = dz.sum(axis=1, keepdims=True) / m
        grads_w[l - 1], grads_b[l - 1] = dw, db
        steps.append(Step(f"dW{l}", f"dW{l} = (1/m)·dZ{l}·A{l - 1}ᵀ", dw.tolist()))
        steps.append(Step(f"db{l}", f"db{l} = (1/m)·Σ dZ{l} over the batch", db.tolist()))
        values.update({f"dW{l}": dw.tolist(), f"db{l}": db.tolist()})
        if l > 1:
            da = ws[l - 1].T @ dz
            dz = da * _dg(act, z_s[l - 2])
            steps.append(Step(f"dA{l - 1}", f"dA{l - 1} = W{l}ᵀ·dZ{l}", da.tolist()))
            steps.append(Step(f"dZ{l - 1}", f"dZ{l - 1} = dA{l - 1} ⊙ {act}′(Z{l - 1})", dz.tolist()))
            values.update({f"dA{l - 1}": da.tolist(), f"dZ{l - 1}": dz.tolist()})
    # gradient check: two-sided differences on every parameter
    eps = 1e-6
    analytic, numeric = [], []
    for params, grads in ((ws, grads_w), (bs, grads_b)):
        for t, g in zip(params, grads, strict=True):
            for idx in np.ndindex(t.shape):
                old = t[idx]
                t[idx] = old + eps
                jp = cost(ws, bs, x, y, act, loss)
                t[idx] = old - eps
                jm = cost(ws, bs, x, y, act, loss)
                t[idx] = old
                numeric.append((jp - jm) / (2 * eps))
                analytic.append(g[idx])
    an, nu = np.array(analytic), np.array(numeric)
    denom = np.linalg.norm(an) + np.linalg.norm(nu)
    check = float(np.linalg.norm(an - nu) / denom) if denom > 0 else 0.0
    steps.append(
        Step(
            "Gradient check",
            f"‖dθ − dθ_approx‖/(‖dθ‖ + ‖dθ_approx‖) = {fv(check)}",
            check,
            "two-sided differences with ε = 1e-6; below 1e-7 means the backward pass is right",
        )
    )
    values["grad_check"] = check
    values["loss"] = j
    return Out(steps, j, values, "columns are samples: Z[l] is n[l] × m; dW = (1/m)·dZ·A_prevᵀ (note 004 omits the ᵀ)")


# --------------------------------------------------------------------------- perceptron


def perceptron(
    data: list[list[float]], lr: float, epochs: int
) -> tuple[list[tuple[int, int, list[float], float]], list[float], float, bool]:
    """Run the perceptron; returns (updates as (epoch, i, w, b)), w, b, converged."""
    dim = len(data[0]) - 1
    w, b = [0.0] * dim, 0.0
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
                f"perceptron.trace: parameter data row {i + 1}: the last column is the label, "
                f"which must be 1 or -1 (got {fv(row[-1])})"
            )
    if len(p["data"][0]) < 2:
        raise ParamError("perceptron.trace: parameter data: each row is x1,…,xd,y")


@register(
    "perceptron.trace",
    "perceptron",
    "Perceptron training trace",
    "感知机训练过程",
    [
        ParamSpec("data", "one sample per row: x1,x2,y with y = ±1", [[3, 3, 1], [4, 3, 1], [1, 1, -1]], "matrix"),
        ParamSpec("lr", "learning rate (1 in the notes)", 1, "float", min=0.001, max=10),
        ParamSpec("epochs", "maximum passes over the data", 10, "int", min=1, max=10),
    ],
    ["updates", "w", "b", "converged", "epochs_run"],
    draw=_draw_perceptron,
    check=_check_perceptron,
)
def _perceptron(p: Params) -> Out:
    data, lr, epochs = p["data"], float(p["lr"]), p["epochs"]
    ups, w, b, ok = perceptron(data, lr, epochs)
    steps = [
        Step(
            "Start",
            "w = 0, b = 0; visit the samples in order; update when y(⟨w, x⟩ + b) ≤ 0",
            [0.0] * (len(data[0]) - 1),
        )
    ]
    for n, (e, i, wu, bu) in enumerate(ups, 1):
        x, y = data[i][:-1], data[i][-1]
        steps.append(
            Step(
                f"Update {n}",
                f"epoch {e}, sample {i} x = {fv(x)}, y = {fv(y)} misclassified: "
                f"w ← w + {fv(lr)}·y·x = {fv(wu)}, b ← b + {fv(lr)}·y = {fv(bu)}",
                wu,
            )
        )
    epochs_run = (ups[-1][0] + 1 if ups else 1) if ok else epochs
    steps.append(
        Step(
            "Result",
            f"{'converged' if ok else 'not converged'} after {len(ups)} updates: w = {fv(w)}, b = {fv(b)}",
            len(ups),
            "an epoch without mistakes ends training" if ok else f"stopped after {epochs} epochs",
        )
    )
    return Out(
        steps,
        len(ups),
        {"updates": len(ups), "w": w, "b": b, "converged": int(ok), "epochs_run": epochs_run},
        "sign(⟨w, x⟩ + b); on a mistake w ← w + η·y·x, b ← b + η·y (note 001, η = 1)",
    )


# --------------------------------------------------------------------------- XOR


@register(
    "mlp.xor",
    "mlp.xor",
    "An MLP that computes XOR",
    "用多层感知机实现异或",
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
        desc = ("h1 = step(x1 + x2 − 0.5) (OR), h2 = step(x1 + x2 − 1.5) (AND)", "y = step(h1 − h2 − 0.5)")
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
        raise ParamError("mlp.xor: parameters W (2×2), c (2 numbers) and w (2 numbers) describe 2 hidden units")
