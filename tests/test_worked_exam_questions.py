"""Exam questions typed into `dlquiz example` as a student would, each answer computed independently here.

Every row is (the command line after `dlquiz example`, the value asked for, an independent computation).
The independent answers use plain Python/NumPy loops and the textbook formulas, never dlquiz's code.
"""

from __future__ import annotations

import json
import math
import shlex
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from dlquiz.cli import cli


def _sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


# --------------------------------------------------------------------------- independent answers


def mazur() -> dict[str, float]:
    """Matt Mazur's 'A Step by Step Backpropagation Example': E_total and the updated w1, w5 (η = 0.5)."""
    i1, i2 = 0.05, 0.10
    w1, w2, w3, w4, w5, w6, w7, w8 = 0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55
    b1, b2, t1, t2 = 0.35, 0.60, 0.01, 0.99
    h1, h2 = _sig(w1 * i1 + w2 * i2 + b1), _sig(w3 * i1 + w4 * i2 + b1)
    o1, o2 = _sig(w5 * h1 + w6 * h2 + b2), _sig(w7 * h1 + w8 * h2 + b2)
    e = 0.5 * (t1 - o1) ** 2 + 0.5 * (t2 - o2) ** 2
    d1, d2 = (o1 - t1) * o1 * (1 - o1), (o2 - t2) * o2 * (1 - o2)
    dw5 = d1 * h1
    dw1 = (d1 * w5 + d2 * w7) * h1 * (1 - h1) * i1
    return {"E": e, "w5": w5 - 0.5 * dw5, "w1": w1 - 0.5 * dw1}


RNN_ARGS = (
    "rnn.bptt --set x=1,0.5,-1 --set 'U=0.5;-0.3' --set 'W=0.1,0.2;0.3,0.4' --set V=1,-1 --set b=0,0.1 "
    "--set c=0.2 --set h0=0.1,0.2 --set output=linear --set loss=mse --set y=0.5,0,1"
)


RNN_SOFTMAX = (
    "rnn.bptt --set 'x=1,0;0,1' --set 'U=1,0;0,1' --set 'W=0.5,0;0,0.5' --set 'V=1,-1;-1,1;0.5,0.5' "
    "--set output=softmax --set loss=ce --set y=2,0"
)


def rnn(params: dict[str, np.ndarray] | None = None) -> tuple[float, np.ndarray]:
    """The 3-step RNN hₜ = tanh(U xₜ + W hₜ₋₁ + b), oₜ = V hₜ + c, L = Σ ½(oₜ − yₜ)²: (L, h₃)."""
    p = params or {
        "U": np.array([0.5, -0.3]),
        "W": np.array([[0.1, 0.2], [0.3, 0.4]]),
        "V": np.array([1.0, -1.0]),
        "b": np.array([0.0, 0.1]),
    }
    h = np.array([0.1, 0.2])
    loss = 0.0
    for xt, yt in zip([1, 0.5, -1], [0.5, 0, 1], strict=True):
        h = np.array(
            [math.tanh(p["U"][r] * xt + sum(p["W"][r][k] * h[k] for k in range(2)) + p["b"][r]) for r in range(2)]
        )
        o = sum(p["V"][k] * h[k] for k in range(2)) + 0.2
        loss += 0.5 * (o - yt) ** 2
    return loss, h


def rnn_dw(r: int, k: int) -> float:
    """∂L/∂W[r][k] by central differences."""
    base = {
        "U": np.array([0.5, -0.3]),
        "W": np.array([[0.1, 0.2], [0.3, 0.4]]),
        "V": np.array([1.0, -1.0]),
        "b": np.array([0.0, 0.1]),
    }
    eps = 1e-6
    hi = {k2: v.copy() for k2, v in base.items()}
    lo = {k2: v.copy() for k2, v in base.items()}
    hi["W"][r][k] += eps
    lo["W"][r][k] -= eps
    return (rnn(hi)[0] - rnn(lo)[0]) / (2 * eps)


def adam(w: float, steps: int, lr: float) -> float:
    m = v = 0.0
    for t in range(1, steps + 1):
        g = 2 * w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= lr * (m / (1 - 0.9**t)) / (math.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def sgd_decay(w: float, grads: list[float], lr: float, lam: float) -> float:
    """w ← w − α(g + λw): SGD on the loss plus (λ/2)w²."""
    for g in grads:
        w -= lr * (g + lam * w)
    return w


def momentum(w: float, steps: int, lr: float, beta: float) -> float:
    """v = βv + (1 − β)g, w = w − αv (the notes' form), on f(w) = w²."""
    v = 0.0
    for _ in range(steps):
        v = beta * v + (1 - beta) * 2 * w
        w -= lr * v
    return w


X2 = [
    [[1, 2, 0, 1], [0, 1, 3, 2], [2, 1, 0, 1], [1, 0, 2, 3]],
    [[1, 0, 1, 0], [2, 2, 0, 1], [0, 1, 1, 4], [3, 0, 0, 1]],
]
K2 = [[[1, 0], [0, -1]], [[2, 1], [0, 1]]]


def conv2ch() -> list[list[float]]:
    return [
        [sum(X2[c][i + a][j + b] * K2[c][a][b] for c in range(2) for a in range(2) for b in range(2)) for j in range(3)]
        for i in range(3)
    ]


POOL_X = [[1, 3, 2, 4], [5, 6, 1, 2], [7, 2, 3, 0], [1, 8, 4, 5]]


def maxpool() -> list[list[float]]:
    return [[max(POOL_X[2 * i + a][2 * j + b] for a in range(2) for b in range(2)) for j in range(2)] for i in range(2)]


def macro_f1(cm: list[list[int]]) -> float:
    k = len(cm)
    f1s = []
    for c in range(k):
        tp = cm[c][c]
        p = tp / sum(cm[r][c] for r in range(k))
        r = tp / sum(cm[c])
        f1s.append(2 * p * r / (p + r))
    return sum(f1s) / k


def softmax_ce(o: list[float], y: int) -> float:
    z = sum(math.exp(v) for v in o)
    return -math.log(math.exp(o[y]) / z)


def bce2(y: list[int], p: list[float]) -> float:
    return -sum(a * math.log2(b) + (1 - a) * math.log2(1 - b) for a, b in zip(y, p, strict=True)) / len(y)


def gelu_tanh(x: float) -> float:
    return 0.5 * x * (1 + math.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))


def lstm_weights_h() -> list[float]:
    """One LSTM step, n_x = n_h = 2, gates σ(W h + U x + b), c̃ = tanh(…), written out unit by unit."""
    x, h, c = [1.0, 2.0], [0.1, -0.2], [0.5, -0.5]
    w = {
        "f": [[0.1, 0.2], [0.3, 0.4]],
        "i": [[0.2, 0], [0, 0.2]],
        "c": [[0.5, -0.5], [0.1, 0.1]],
        "o": [[0, 0.1], [0.1, 0]],
    }
    u = {
        "f": [[0.1, 0.1], [0.2, -0.1]],
        "i": [[0.3, 0.1], [0, 0.2]],
        "c": [[0.2, 0.2], [-0.1, 0.3]],
        "o": [[0.1, 0], [0, 0.1]],
    }
    b = {"f": [1, 1], "i": [0, 0], "c": [0, 0], "o": [0, 0]}
    out = []
    for r in range(2):
        a = {g: sum(w[g][r][k] * h[k] + u[g][r][k] * x[k] for k in range(2)) + b[g][r] for g in "fico"}
        cn = _sig(a["f"]) * c[r] + _sig(a["i"]) * math.tanh(a["c"])
        out.append(_sig(a["o"]) * math.tanh(cn))
    return out


def gru() -> float:
    """hₜ = z·hₜ₋₁ + (1 − z)·h̃ₜ, r and z sigmoids, h̃ₜ = tanh(W_h (r·hₜ₋₁) + U_h x + b_h) (Cho et al. 2014)."""
    x, h = 1.0, 0.5
    r = _sig(0.2 * h + 0.5 * x)
    z = _sig(0.3 * h - 0.5 * x + 0.1)
    return z * h + (1 - z) * math.tanh(0.4 * r * h + x)


def perceptron_w() -> list[float]:
    """Li Hang's example: cycle through the samples, update on y(w·x + b) ≤ 0, η = 1."""
    data = [((3, 3), 1), ((4, 3), 1), ((1, 1), -1)]
    w, b = [0.0, 0.0], 0.0
    changed = True
    while changed:
        changed = False
        for x, y in data:
            if y * (w[0] * x[0] + w[1] * x[1] + b) <= 0:
                w = [w[0] + y * x[0], w[1] + y * x[1]]
                b += y
                changed = True
                break
    return w


def attention(q: list[list[float]], k: list[list[float]], v: list[list[float]]) -> list[list[float]]:
    """softmax(q·kᵀ/√d)·v row by row, in loops."""
    d = len(q[0])
    out = []
    for qi in q:
        s = [sum(a * b for a, b in zip(qi, kj, strict=True)) / math.sqrt(d) for kj in k]
        e = [math.exp(x - max(s)) for x in s]
        w = [x / sum(e) for x in e]
        out.append([sum(w[j] * v[j][c] for j in range(len(v))) for c in range(len(v[0]))])
    return out


def perceptron_updates(w: list[float], b: float) -> int:
    """Epochs over the samples in order, an update at every y(w·x + b) ≤ 0, until an epoch has none."""
    data = [((3, 3), 1), ((4, 3), 1), ((1, 1), -1)]
    n = 0
    while True:
        mistakes = 0
        for x, y in data:
            if y * (w[0] * x[0] + w[1] * x[1] + b) <= 0:
                w, b = [w[0] + y * x[0], w[1] + y * x[1]], b + y
                mistakes += 1
        n += mistakes
        if not mistakes:
            return n


def rnn_softmax_loss(wscale: float = 0.5, dv: tuple[int, int, float] | None = None) -> float:
    """Two steps, x₁ = e₁, x₂ = e₂, U = I, W = wscale·I, V given, softmax outputs, CE for classes 2 then 0."""
    v = [[1.0, -1.0], [-1.0, 1.0], [0.5, 0.5]]
    if dv is not None:
        v[dv[0]][dv[1]] += dv[2]
    h = [0.0, 0.0]
    total = 0.0
    for t, y in enumerate((2, 0)):
        h = [math.tanh((1.0 if r == t else 0.0) + wscale * h[r]) for r in range(2)]
        o = [sum(v[c][k] * h[k] for k in range(2)) for c in range(3)]
        total -= o[y] - math.log(sum(math.exp(z) for z in o))
    return total


def rnn_softmax_dv() -> list[list[float]]:
    e = 1e-6
    return [
        [(rnn_softmax_loss(dv=(c, k, e)) - rnn_softmax_loss(dv=(c, k, -e))) / (2 * e) for k in range(2)]
        for c in range(3)
    ]


LSTM_W = (
    "lstm.step --set x=1,2 --set h_prev=0.1,-0.2 --set c_prev=0.5,-0.5 --set 'W_f=0.1,0.2;0.3,0.4' "
    "--set 'W_i=0.2,0;0,0.2' --set 'W_c=0.5,-0.5;0.1,0.1' --set 'W_o=0,0.1;0.1,0' --set 'U_f=0.1,0.1;0.2,-0.1' "
    "--set 'U_i=0.3,0.1;0,0.2' --set 'U_c=0.2,0.2;-0.1,0.3' --set 'U_o=0.1,0;0,0.1' --set b_f=1,1"
)
GRU_G = "gru.cell --set z=0.3 --set h_tilde=-0.4 --set h_prev=0.5"
LSTM_G = (
    "lstm.cell --set f=0.8 --set i=0.5 --set c_tilde=0.6 --set o=0.9 --set c_prev=0.4 --set dh=1 --set x=2 "
    "--set h_prev=0.5"
)


def lstm_gate_grad(g: str) -> float:
    """∂L/∂a_g for the gates of LSTM_G, by the chain rule written out: σ′ = s(1 − s), tanh′ = 1 − t²."""
    f, i, ct, o, cp, dh = 0.8, 0.5, 0.6, 0.9, 0.4, 1.0
    c = f * cp + i * ct
    dc = dh * o * (1 - math.tanh(c) ** 2)
    return {
        "f": dc * cp * f * (1 - f),
        "i": dc * ct * i * (1 - i),
        "c": dc * i * (1 - ct**2),
        "o": dh * math.tanh(c) * o * (1 - o),
    }[g]


MAZUR = (
    "mlp.forward-backward --set 'X=0.05;0.10' --set 'Y=0.01;0.99' --set 'W1=0.15,0.20;0.25,0.30' "
    "--set b1=0.35,0.35 --set 'W2=0.40,0.45;0.50,0.55' --set b2=0.60,0.60 --set loss=mse --set output=sigmoid "
    "--set reduction=sum --set lr=0.5"
)

# (id, arguments after `dlquiz example`, --ask or None for the boxed answer, expected value)
QUESTIONS: list[tuple[str, str, str | None, Callable[[], Any]]] = [
    ("mazur-total-error", MAZUR, "loss", lambda: mazur()["E"]),
    ("mazur-updated-w5", MAZUR, "W2_new[0][0]", lambda: mazur()["w5"]),
    ("mazur-updated-w1", MAZUR, "W1_new[0][0]", lambda: mazur()["w1"]),
    ("rnn-3-steps-h3", RNN_ARGS, "h3", lambda: rnn()[1].tolist()),
    ("rnn-3-steps-loss", RNN_ARGS, "loss", lambda: rnn()[0]),
    ("rnn-3-steps-dW", RNN_ARGS, "dW", lambda: [[rnn_dw(r, k) for k in range(2)] for r in range(2)]),
    ("rnn-softmax-ce-loss", RNN_SOFTMAX, "loss", rnn_softmax_loss),
    ("rnn-softmax-ce-dV", RNN_SOFTMAX, "dV", rnn_softmax_dv),
    (
        "lstm-given-gates",
        "lstm.cell --set f=0.8 --set i=0.5 --set c_tilde=0.6 --set o=0.9 --set c_prev=0.4",
        None,
        lambda: 0.9 * math.tanh(0.8 * 0.4 + 0.5 * 0.6),
    ),
    ("lstm-given-weights", LSTM_W, "h", lstm_weights_h),
    ("alexnet-conv1-size", "conv.output-size --set n=227 --set f=11 --set s=4", None, lambda: (227 - 11) // 4 + 1),
    (
        "alexnet-conv1-params",
        "conv.params --set f=11 --set c_in=3 --set c_out=96",
        None,
        lambda: (11 * 11 * 3 + 1) * 96,
    ),
    (
        "alexnet-conv1-macs",
        "cnn.summary --set input=3x227x227 --set 'layers=conv(96,11,s=4)'",
        "total_macs",
        lambda: 55 * 55 * 96 * 11 * 11 * 3,
    ),
    (
        "vgg-block-params",
        "cnn.summary --set input=64x112x112 --set 'layers=conv(128,3,p=1);conv(128,3,p=1);pool(2)'",
        None,
        lambda: (3 * 3 * 64 + 1) * 128 + (3 * 3 * 128 + 1) * 128,
    ),
    ("conv-2-channels", f"conv.by-hand --set 'X={X2}' --set 'K={K2}'", None, conv2ch),
    ("maxpool-2x2", "pool --set 'X=1,3,2,4;5,6,1,2;7,2,3,0;1,8,4,5' --set mode=max --set f=2 --set s=2", None, maxpool),
    ("adam-2-steps", "opt.adam --set f=w^2 --set w0=1 --set lr=0.1 --set k=2", None, lambda: adam(1.0, 2, 0.1)),
    (
        "sgd-weight-decay",
        "opt.sgd --set grads=0.5,0.2 --set w0=1 --set lr=0.1 --set weight_decay=0.01",
        None,
        lambda: sgd_decay(1.0, [0.5, 0.2], 0.1, 0.01),
    ),
    (
        "momentum-0.9",
        "opt.momentum --set f=w^2 --set w0=1 --set lr=0.1 --set beta=0.9 --set k=3",
        None,
        lambda: momentum(1.0, 3, 0.1, 0.9),
    ),
    (
        "f1-from-counts",
        "eval.metrics --set TP=40 --set FP=10 --set FN=20 --set TN=30",
        "f1",
        lambda: 2 * 0.8 * (40 / 60) / (0.8 + 40 / 60),
    ),
    (
        "macro-f1-3-classes",
        "eval.metrics --set 'cm=5,1,0;2,6,2;0,1,3'",
        "macro_f1",
        lambda: macro_f1([[5, 1, 0], [2, 6, 2], [0, 1, 3]]),
    ),
    ("softmax-ce", "softmax --set o=2,1,0.1 --set y=0", None, lambda: softmax_ce([2, 1, 0.1], 0)),
    (
        "bce-log2",
        "loss.bce --set y=1,0,1 --set p=0.8,0.3,0.6 --set log_base=2",
        None,
        lambda: bce2([1, 0, 1], [0.8, 0.3, 0.6]),
    ),
    ("gelu-tanh", "act.eval --set fn=gelu --set gelu=tanh --set x=1", None, lambda: gelu_tanh(1.0)),
    (
        "grad-(xy+z)^2",
        "backprop.graph --set 'f=(x*y + z)^2' --set 'at=x=1, y=2, z=-1'",
        None,
        lambda: [2 * (1 * 2 - 1) * 2, 2 * (1 * 2 - 1) * 1, 2 * (1 * 2 - 1)],
    ),
    (
        "cs231n-sigmoid-neuron",
        "backprop.graph --set 'f=1/(1 + exp(-(w0*x0 + w1*x1 + w2)))' --set 'at=w0=2, x0=-1, w1=-3, x1=-2, w2=-3'",
        None,
        lambda: [g * v for g in [_sig(1.0) * (1 - _sig(1.0))] for v in (-1, 2, -2, -3, 1)],
    ),
    (
        "gradcheck-cube",
        "gradcheck --set f=theta^3 --set theta=1 --set eps=0.01",
        "two_sided",
        lambda: (1.01**3 - 0.99**3) / 0.02,
    ),
    ("receptive-field-3x3-3x3", "conv.receptive-field --set kernels=3,3", None, lambda: 1 + 2 + 2),
    (
        "lstm-layer-params",
        "rnn.params --set cell=lstm --set input_size=100 --set hidden_size=128",
        None,
        lambda: 4 * (128 * 100 + 128 * 128 + 128),
    ),
    (
        "lstm-layer-params-pytorch",
        "rnn.params --set cell=lstm --set input_size=100 --set hidden_size=128 --set bias=two",
        None,
        lambda: 4 * (128 * 100 + 128 * 128 + 2 * 128),
    ),
    (
        "gru-step-scalar",
        "gru.step --set x=1 --set h_prev=0.5 --set W_r=0.2 --set W_z=0.3 --set W_h=0.4 --set U_r=0.5 --set U_z=-0.5 "
        "--set U_h=1 --set b_r=0 --set b_z=0.1 --set b_h=0",
        None,
        gru,
    ),
    ("perceptron-li-hang", "perceptron.trace --set 'data=3,3,1;4,3,1;1,1,-1' --set lr=1", "w", perceptron_w),
    (
        "attention-2-queries-3-keys",
        "attn.dot --set 'Q=1,0;0,1' --set 'K=1,0;0,1;1,1' --set 'V=1,2;3,4;5,6'",
        None,
        lambda: attention([[1, 0], [0, 1]], [[1, 0], [0, 1], [1, 1]], [[1, 2], [3, 4], [5, 6]]),
    ),
    ("mha-params-512-8", "attn.params --set d_model=512 --set heads=8", None, lambda: 4 * (512 * 512 + 512)),
    ("clip-by-norm", "grad.clip --set g=3,4 --set threshold=1", None, lambda: [0.6, 0.8]),
    ("clip-by-value", "grad.clip --set g=3,-4,0.5 --set threshold=1 --set mode=value", None, lambda: [1, -1, 0.5]),
    (
        "batch-norm-test-time",
        "norm.batch --set x=1,2,3 --set running_mean=1.5 --set running_var=4 --set gamma=2 --set beta=1 --set eps=0",
        None,
        lambda: [2 * (v - 1.5) / math.sqrt(4) + 1 for v in (1, 2, 3)],
    ),
    (
        "batch-norm-train-time",
        "norm.batch --set x=1,2,3,6 --set gamma=2 --set beta=0.5 --set eps=0",
        None,
        lambda: [2 * (v - 3) / math.sqrt(3.5) + 0.5 for v in (1, 2, 3, 6)],
    ),
    (
        "xavier-uniform-limit",
        "init.variance --set scheme=xavier --set n_in=256 --set n_out=128",
        "uniform_limit",
        lambda: math.sqrt(6 / (256 + 128)),
    ),
    ("he-std", "init.variance --set scheme=he --set n_in=512", "std", lambda: math.sqrt(2 / 512)),
    (
        "perceptron-from-w0",
        "perceptron.trace --set 'data=3,3,1;4,3,1;1,1,-1' --set w0=1,1 --set b0=-1",
        "updates",
        lambda: perceptron_updates([1.0, 1.0], -1.0),
    ),
    ("conv-same-size", "conv.output-size --set n=32 --set f=5 --set p=2 --set s=1", None, lambda: 32 + 4 - 5 + 1),
    # the classic worked example keeps its biases: Mazur's published w5⁺, w1⁺ (8 decimals as printed)
    ("mazur-no-bias-update-w5", MAZUR + " --set update_biases=false", "W2_new[0][0]", lambda: mazur()["w5"]),
    ("mazur-no-bias-update-b2", MAZUR + " --set update_biases=false", "b2_new[0][0]", lambda: 0.60),
    # GRU with the gate values printed (no weights): hₜ and the gradients, both update conventions
    ("gru-given-gates-h", GRU_G, None, lambda: 0.3 * 0.5 + 0.7 * (-0.4)),
    ("gru-given-gates-h-z-new", GRU_G + " --set update=z_new", None, lambda: 0.7 * 0.5 + 0.3 * (-0.4)),
    ("gru-given-gates-dz", GRU_G + " --set dh=2", "dz", lambda: 2 * (0.5 - (-0.4))),
    ("gru-given-gates-dz-z-new", GRU_G + " --set dh=2 --set update=z_new", "dz", lambda: 2 * (-0.4 - 0.5)),
    ("gru-given-gates-dh-tilde", GRU_G + " --set dh=2", "dh_tilde", lambda: 2 * 0.7),
    ("gru-given-gates-dh-prev", GRU_G + " --set dh=2", "dh_prev", lambda: 2 * 0.3),
    (
        "gru-given-gates-dr",
        GRU_G + " --set dh=2 --set r=0.6 --set W_h=0.8",
        "dr",
        lambda: 0.8 * (2 * 0.7 * (1 - 0.16)) * 0.5,
    ),
    # LSTM weight gradients from the printed gate values, x and hₜ₋₁ (note 000: W_f multiplies hₜ₋₁)
    ("lstm-given-gates-dW-f", LSTM_G, "dW_f", lambda: lstm_gate_grad("f") * 0.5),
    ("lstm-given-gates-dU-o", LSTM_G, "dU_o", lambda: lstm_gate_grad("o") * 2),
    ("lstm-given-gates-db-c", LSTM_G, "db_c", lambda: lstm_gate_grad("c")),
]


# answers found by central differences (ε = 1e-6) agree to about 1e-9 relative, not to rounding
_FINITE_DIFFERENCES = {"rnn-3-steps-dW": 1e-6, "rnn-softmax-ce-dV": 1e-6}


def _run(args: str, ask: str | None) -> dict[str, Any]:
    argv = ["example", *shlex.split(args), "--json"] + (["--ask", ask] if ask else [])
    result = CliRunner().invoke(cli, argv)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.parametrize(("qid", "args", "ask", "expected"), QUESTIONS, ids=[q[0] for q in QUESTIONS])
def test_exam_question(qid: str, args: str, ask: str | None, expected: Callable[[], Any]) -> None:
    got = _run(args, ask)["answer"]
    want = expected()
    rel = _FINITE_DIFFERENCES.get(qid, 1e-9)
    assert np.asarray(got, dtype=float) == pytest.approx(np.asarray(want, dtype=float), rel=rel, abs=1e-12), qid


def test_mazur_check_my_working_marks_the_first_wrong_value() -> None:
    text = "loss = 0.2984\ndW2[0][0] = 0.0822\ndW2[0][1] = 0.0800\n"
    argv = ["example", *shlex.split(MAZUR), "--mine", "-"]
    result = CliRunner().invoke(cli, argv, input=text)
    assert result.exit_code == 1
    assert "✓ loss" in result.stdout and "✗ dW2[0][1]" in result.stdout
    right = mazur()  # dW2[0][1] = δ₁·h₂ = ∂E/∂w6
    assert "First wrong: dW2[0][1]" in result.stdout and right["E"] == pytest.approx(0.298371109, rel=1e-8)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ("loss.bce --set yhat=0.8", "did you mean p"),
        ("opt.adam --set steps=2", "did you mean k"),
        ("conv.output-size --set stride=2", "did you mean s"),
        ("lstm.cell --set g=0.5", "did you mean c_tilde"),
        ("eval.metrics --set TP=4 --set FP=1", "FN, TN missing"),
        ("norm.batch --set running_mean=1", "running_var missing"),
        ("attn.dot --set Q=1,0,1 --set 'K=1,0;0,1'", "queries and keys need the same length d_k"),
        ("attn.dot --set 'V=1,2;3,4'", "one value row per key"),
        ("attn.params --set d_model=100 --set heads=3", "not divisible by heads"),
    ],
)
def test_what_a_student_types_first_gets_a_useful_error(args: str, fragment: str) -> None:
    result = CliRunner().invoke(cli, ["example", *shlex.split(args)])
    assert result.exit_code == 2
    assert fragment in result.output


@pytest.mark.parametrize(("base", "divisor"), [("log2", math.log(2)), ("log10", math.log(10)), ("lg", math.log(10))])
def test_log_base_as_a_student_writes_it(base: str, divisor: float) -> None:
    got = _run(f"softmax --set o=2,1,0.1 --set y=0 --set log_base={base}", None)["answer"]
    assert got == pytest.approx(softmax_ce([2, 1, 0.1], 0) / divisor, rel=1e-9)


@pytest.mark.parametrize(("epoch", "rate"), [(0, 0.5), (2, 0.5), (3, 0.1)])
def test_natural_exponential_decay(epoch: int, rate: float) -> None:
    args = f"opt.lr-decay --set schedule=exp --set alpha0=0.1 --set decay_rate={rate} --set epoch={epoch}"
    assert _run(args, None)["answer"] == pytest.approx(0.1 * math.exp(-rate * epoch), rel=1e-9)


def test_pooling_stride_defaults_to_the_window() -> None:
    x = [[(3 * r + 5 * c) % 7 for c in range(6)] for r in range(6)]
    got = _run(f"pool --set 'X={x}' --set f=3", None)["answer"]
    want = [[max(x[3 * i + a][3 * j + b] for a in range(3) for b in range(3)) for j in range(2)] for i in range(2)]
    assert got == want
