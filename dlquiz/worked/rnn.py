"""Recurrent networks: BPTT over a few steps, one LSTM step (note 000's notation)."""

from __future__ import annotations

from typing import Any

import numpy as np

from dlquiz.errors import ParamError
from dlquiz.worked._core import Draw, Out, Params, ParamSpec, Step, fp, fv, linear, operands, paren, register


def _sig(z: Any) -> Any:
    return 1 / (1 + np.exp(-z))


def _f(name: str, s: np.ndarray) -> np.ndarray:
    return _sig(s) if name == "sigmoid" else np.tanh(s)  # type: ignore[no-any-return]


def _df(name: str, h: np.ndarray) -> np.ndarray:
    # derivative written with the output h = f(s): σ′ = h(1 − h), tanh′ = 1 − h²
    out: np.ndarray = h * (1 - h) if name == "sigmoid" else 1 - h**2
    return out


def _mat(v: Any, shape: tuple[int, int]) -> np.ndarray:
    a = np.array(v, dtype=float)
    return a.reshape(shape)


def rnn_loss(
    w: np.ndarray, u: np.ndarray, v: np.ndarray, xs: list[float], ys: list[float], act: str, h0: np.ndarray
) -> float:
    """L = Σₜ BCE(yₜ, σ(V hₜ)) with hₜ = f(U xₜ + W hₜ₋₁)."""
    h = h0
    total = 0.0
    for x, y in zip(xs, ys, strict=True):
        h = _f(act, u * x + w @ h)
        o = float(_sig(v @ h)[0, 0])
        total += -(y * np.log(o) + (1 - y) * np.log(1 - o))
    return float(total)


def _shapes(p: Params) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    hdim = p["hidden"]
    if hdim == 1:
        return _mat(p["w"], (1, 1)), _mat(p["u"], (1, 1)), _mat(p["v"], (1, 1))
    w = p["W"] if p["W"] is not None else [[0.5, -0.3], [0.2, 0.4]]
    u = p["U"] if p["U"] is not None else [[1.0], [-0.5]]
    v = p["V"] if p["V"] is not None else [[1.0, -1.0]]
    return _mat(w, (2, 2)), _mat(u, (2, 1)), _mat(v, (1, 2))


def _check_rnn(p: Params) -> None:
    if len(p["x"]) != p["T"] or len(p["y"]) != p["T"]:
        raise ParamError(
            f"rnn.bptt: parameters x and y need T = {p['T']} entries each (got {len(p['x'])} and {len(p['y'])})"
        )
    if any(t not in (0, 1) for t in p["y"]):
        raise ParamError(f"rnn.bptt: parameter y: targets must be 0 or 1, got {fv(p['y'])}")
    try:
        _shapes(p)
    except ValueError:
        raise ParamError("rnn.bptt: parameters W, U, V must be 2×2, 2×1 and 1×2 for hidden = 2") from None


def _prepare_rnn(p: Params) -> Params:
    t = p["T"]
    if len(p["x"]) != t and p["x"] == [1, 0.5, -1][: len(p["x"])]:
        p = {**p, "x": [[1, 0.5, -1, 2, 0][i % 5] for i in range(t)]}
    if len(p["y"]) != t and p["y"] == [1, 0, 1][: len(p["y"])]:
        p = {**p, "y": [(i + 1) % 2 for i in range(t)]}
    return p


def _draw_rnn(d: Draw) -> Params:
    t = d.int("T", 3, 3)
    hidden = d.pick("hidden", [1, 1, 1, 2])
    extra: Params = {}
    if hidden == 2:
        extra = {
            "W": d.value("W", lambda: [d.decimals(2, -1, 1) for _ in range(2)]),
            "U": d.value("U", lambda: [d.decimals(1, -1, 1) for _ in range(2)]),
            "V": d.value("V", lambda: [d.decimals(2, -1, 1)]),
        }
    return {
        **extra,
        "T": t,
        "hidden": hidden,
        "w": d.pick("w", [0.5, -0.5, 1, 0.8, 0.2]),
        "u": d.pick("u", [1, 0.5, -1, 2]),
        "v": d.pick("v", [1, 2, -1, 0.5]),
        "x": d.value("x", lambda: [float(v) for v in d.rng.choice([-1, -0.5, 0.5, 1, 2], size=t)]),
        "y": d.value("y", lambda: [int(v) for v in d.rng.integers(0, 2, size=t)]),
        "activation": d.pick("activation", ["tanh", "sigmoid"]),
    }


@register(
    "rnn.bptt",
    "rnn.bptt",
    "Back-propagation through time",
    "随时间反向传播（BPTT）",
    [
        ParamSpec("T", "time steps", 3, "int", min=1, max=6),
        ParamSpec("hidden", "hidden size: 1 (scalars) or 2", 1, "int", min=1, max=2),
        ParamSpec("w", "recurrent weight W (hidden = 1)", 0.5, "float", min=-10, max=10),
        ParamSpec("u", "input weight U (hidden = 1)", 1, "float", min=-10, max=10),
        ParamSpec("v", "output weight V (hidden = 1)", 1, "float", min=-10, max=10),
        ParamSpec("W", "2×2 recurrent matrix (hidden = 2)", None, "matrix"),
        ParamSpec("U", "2×1 input matrix (hidden = 2)", None, "matrix"),
        ParamSpec("V", "1×2 output matrix (hidden = 2)", None, "matrix"),
        ParamSpec("x", "input sequence x₁ … x_T", [1, 0.5, -1], "floatlist"),
        ParamSpec("y", "targets y₁ … y_T (0 or 1)", [1, 0, 1], "floatlist"),
        ParamSpec("activation", "hidden activation f", "tanh", "choice", choices=("tanh", "sigmoid")),
    ],
    ["h1", "h2", "h3", "h_T", "loss", "dW", "dU", "dV", "hs", "os"],
    draw=_draw_rnn,
    check=_check_rnn,
    prepare=_prepare_rnn,
)
def _bptt(p: Params) -> Out:
    w, u, v = _shapes(p)
    act = p["activation"]
    xs, ys = [float(x) for x in p["x"]], [float(y) for y in p["y"]]
    hdim = w.shape[0]
    scalar = hdim == 1

    def show(a: np.ndarray) -> Any:
        return float(a.ravel()[0]) if scalar else a.ravel().tolist()

    hs = [np.zeros((hdim, 1))]
    os_: list[float] = []
    steps: list[Step] = []
    values: dict[str, Any] = {}
    for t, x in enumerate(xs, 1):
        s = u * x + w @ hs[-1]
        h = _f(act, s)
        o = float(_sig(v @ h)[0, 0])
        hs.append(h)
        os_.append(o)
        if scalar:
            # h_{t−1} and s_t with enough digits that the shown numbers give the shown s_t and h_t
            s_txt = operands([float(s[0, 0])], lambda v: float(_f(act, np.array([[v[0]]]))[0, 0]), show(h))[0]
            uu, ww = float(u[0, 0]), float(w[0, 0])
            hp_txt = operands([show(hs[-2])], linear([ww], uu * x), float(s[0, 0]), s_txt)[0]
            form = f"s{t} = U·x{t} + W·h{t - 1} = {fv(uu)}·{fp(x)} + {fv(ww)}·{paren(hp_txt)} = {s_txt}"
        else:
            form = f"s{t} = U·x{t} + W·h{t - 1} = {fv(show(s))}"
        steps.append(Step(f"h{t}", f"{form}; h{t} = {act}(s{t}) = {fv(show(h))}", show(h)))
        steps.append(Step(f"o{t}", f"o{t} = σ(V·h{t}) = {fv(o)}", o))
        values[f"h{t}"] = show(h)
    loss = rnn_loss(w, u, v, xs, ys, act, hs[0])
    steps.append(Step("Loss", "L = Σₜ −[yₜ log oₜ + (1 − yₜ) log(1 − oₜ)] = " + fv(loss), loss))
    dw, du, dv = np.zeros_like(w), np.zeros_like(u), np.zeros_like(v)
    dh_next = np.zeros((hdim, 1))
    for t in range(len(xs), 0, -1):
        e = os_[t - 1] - ys[t - 1]  # ∂Lₜ/∂(V hₜ) for sigmoid + cross-entropy
        dv += e * hs[t].T
        dh = v.T * e + dh_next  # from the output at t and from s_{t+1}
        delta = dh * _df(act, hs[t])  # ∂L/∂sₜ
        dw += delta @ hs[t - 1].T
        du += delta * xs[t - 1]
        dh_next = w.T @ delta
        if t == len(xs):  # the last step: nothing comes back from a step T + 1
            form = f"∂L/∂s{t} = Vᵀ(o{t} − y{t}) ⊙ f′(s{t}) = {fv(show(delta))}"
            note = f"last step, nothing flows back from a later step; adds δ{t}·h{t - 1}ᵀ to dW and δ{t}·x{t} to dU"
        else:
            form = f"∂L/∂s{t} = (Vᵀ(o{t} − y{t}) + Wᵀδ{t + 1}) ⊙ f′(s{t}) = {fv(show(delta))}"
            note = f"adds δ{t}·h{t - 1}ᵀ to dW and δ{t}·x{t} to dU"
        steps.append(Step(f"δ{t}", form, show(delta), note))
    dW = float(dw[0, 0]) if scalar else dw.tolist()
    dU = float(du[0, 0]) if scalar else du.ravel().tolist()
    dV = float(dv[0, 0]) if scalar else dv.ravel().tolist()
    steps.append(Step("dL/dW", f"Σₜ δₜ·hₜ₋₁ᵀ = {fv(dW)}", dW))
    steps.append(Step("dL/dU", f"Σₜ δₜ·xₜ = {fv(dU)}", dU))
    steps.append(Step("dL/dV", f"Σₜ (oₜ − yₜ)·hₜᵀ = {fv(dV)}", dV))
    values.update(
        {"h_T": show(hs[-1]), "loss": loss, "dW": dW, "dU": dU, "dV": dV, "hs": [show(h) for h in hs[1:]], "os": os_}
    )
    return Out(
        steps,
        dW,
        values,
        "sₜ = U xₜ + W hₜ₋₁, hₜ = f(sₜ), oₜ = σ(V hₜ), Lₜ = cross-entropy, h₀ = 0 (note 000; "
        "a sigmoid output stands in for softmax with one output)",
    )


# --------------------------------------------------------------------------- LSTM

GATES = ("f", "i", "c", "o")


def lstm_step(x: float, h_prev: float, c_prev: float, weights: list[list[float]]) -> dict[str, float]:
    """One scalar LSTM step; weights rows [W, U, b] for the gates f, i, c̃, o."""
    pre = {g: weights[k][0] * h_prev + weights[k][1] * x + weights[k][2] for k, g in enumerate(GATES)}
    f, i, o = float(_sig(pre["f"])), float(_sig(pre["i"])), float(_sig(pre["o"]))
    ct = float(np.tanh(pre["c"]))
    c = f * c_prev + i * ct
    h = o * float(np.tanh(c))
    return {"f": f, "i": i, "o": o, "c_tilde": ct, "c": c, "h": h}


def _draw_lstm(d: Draw) -> Params:
    # redraw until no gate input is 0 and the new cell state is not 0 (no degenerate exam numbers)
    for _ in range(50):
        out = {
            "x": d.pick("x", [1, -1, 0.5, 2]),
            "h_prev": d.pick("h_prev", [0, 0.5, -0.5]),
            "c_prev": d.pick("c_prev", [0, 0.5, 1, -1]),
            "weights": d.value(
                "weights",
                lambda: [
                    [
                        float(d.rng.choice([-1, -0.5, 0.5, 1])),
                        float(d.rng.choice([-1, 0.5, 1, 2])),
                        float(d.rng.choice([0, 0, 1, -1])),
                    ]
                    for _ in range(4)
                ],
            ),
        }
        pre = [w * out["h_prev"] + u * out["x"] + b for w, u, b in out["weights"]]
        if (
            all(abs(v) > 1e-9 for v in pre)
            and abs(lstm_step(out["x"], out["h_prev"], out["c_prev"], out["weights"])["c"]) > 1e-6
        ):
            return out
    return out


def _check_lstm(p: Params) -> None:
    w = p["weights"]
    if len(w) != 4 or any(len(r) != 3 for r in w):
        raise ParamError(
            f"lstm.step: parameter weights: need 4 rows (f, i, c̃, o) of 3 numbers W,U,b, got {len(w)} rows"
        )


@register(
    "lstm.step",
    "lstm.gates",
    "One LSTM step (and dc_prev)",
    "LSTM 的一步（及 dc_prev）",
    [
        ParamSpec("x", "input xₜ", 1, "float", min=-10, max=10),
        ParamSpec("h_prev", "hₜ₋₁", 0, "float", min=-1, max=1),
        ParamSpec("c_prev", "cₜ₋₁", 0.5, "float", min=-10, max=10),
        ParamSpec(
            "weights",
            "rows f, i, c̃, o: W (for h), U (for x), b",
            [[0.5, 1, 0], [0.5, 1, 0], [1, 1, 0], [0.5, 1, 0]],
            "matrix",
        ),
        ParamSpec("dh", "upstream gradient ∂L/∂hₜ", 1, "float", min=-10, max=10),
        ParamSpec("dc", "upstream gradient ∂L/∂cₜ from the next step", 0, "float", min=-10, max=10),
    ],
    ["f", "i", "o", "c_tilde", "c", "h", "dc_prev"],
    draw=lambda d: _draw_lstm(d),
    check=_check_lstm,
)
def _lstm(p: Params) -> Out:
    x, hp, cp, wts = float(p["x"]), float(p["h_prev"]), float(p["c_prev"]), p["weights"]
    r = lstm_step(x, hp, cp, wts)
    names = {"f": "forget gate f", "i": "input gate i", "c": "candidate c̃", "o": "output gate o"}
    steps: list[Step] = []
    for k, g in enumerate(GATES):
        wg, ug, bg = wts[k]
        pre = wg * hp + ug * x + bg
        fn = "tanh" if g == "c" else "σ"
        key = "c_tilde" if g == "c" else g
        steps.append(
            Step(
                names[g],
                f"{fn}(W·h + U·x + b) = {fn}({fv(wg)}·{fp(hp)} + {fp(ug)}·{fp(x)} + {fp(bg)}) "
                f"= {fn}({fv(pre)}) = {fv(r[key])}",
                r[key],
            )
        )
    # shown operands reproduce the shown result (a digit more where rounding would break it)
    f_, cp_, i_, ct_ = operands([r["f"], cp, r["i"], r["c_tilde"]], lambda v: v[0] * v[1] + v[2] * v[3], r["c"])
    steps.append(
        Step(
            "cell c",
            f"f·c_prev + i·c̃ = {f_}·{paren(cp_)} + {i_}·{paren(ct_)} = {fv(r['c'])}",
            r["c"],
            "the additive path",
        )
    )
    o_, c_ = operands([r["o"], r["c"]], lambda v: v[0] * float(np.tanh(v[1])), r["h"])
    steps.append(Step("hidden h", f"o·tanh(c) = {o_}·tanh({c_}) = {fv(r['h'])}", r["h"]))
    dh, dc = float(p["dh"]), float(p["dc"])
    dct = dh * r["o"] * (1 - np.tanh(r["c"]) ** 2) + dc
    dcp = float(dct * r["f"])
    steps.append(Step("dc", f"∂L/∂c = dh·o·(1 − tanh²c) + dc_next = {fv(float(dct))}", float(dct)))
    steps.append(
        Step(
            "dc_prev",
            "∂L/∂c_prev = ∂L/∂c · f = "
            + "·".join(paren(t) for t in operands([float(dct), r["f"]], lambda v: v[0] * v[1], dcp))
            + f" = {fv(dcp)}",
            dcp,
            "only a product with f: gradients survive many steps when f ≈ 1",
        )
    )
    return Out(
        steps,
        r["h"],
        {**r, "dc_prev": dcp},
        "fₜ = σ(W_f hₜ₋₁ + U_f xₜ + b_f), …, cₜ = fₜ cₜ₋₁ + iₜ c̃ₜ, hₜ = oₜ tanh(cₜ) (note 000)",
    )
