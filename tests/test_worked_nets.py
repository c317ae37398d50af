"""Network generators against independent computations: plain-Python loops, two-sided finite differences,
textbook values, odd shapes and bad shapes (mlp.forward-backward, rnn.bptt, lstm.step, gru.step, rnn.params)."""

# ruff: noqa: E741  (l is the layer index, as in the notes' W[l])

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner

from dlquiz.cli import cli
from dlquiz.errors import ParamError
from dlquiz.worked import explain_text, generate_example

Mat = list[list[float]]
EPS = 1e-6


def _sig(z: float) -> float:
    return 1 / (1 + math.exp(-z))


def _act(name: str, alpha: float = 0.01) -> Callable[[float], float]:
    return {
        "sigmoid": _sig,
        "tanh": math.tanh,
        "relu": lambda z: max(0.0, z),
        "leaky_relu": lambda z: z if z > 0 else alpha * z,
        "linear": lambda z: z,
    }[name]


def _matmul(a: Mat, b: Mat) -> Mat:
    return [[sum(a[i][k] * b[k][j] for k in range(len(b))) for j in range(len(b[0]))] for i in range(len(a))]


def _copy(m: Mat) -> Mat:
    return [list(r) for r in m]


def _fd(f: Callable[[], float], m: Mat) -> Mat:
    """Two-sided differences of f() with respect to every entry of m (changed in place, restored)."""
    out = [[0.0] * len(m[0]) for _ in m]
    for i in range(len(m)):
        for j in range(len(m[0])):
            old = m[i][j]
            m[i][j] = old + EPS
            up = f()
            m[i][j] = old - EPS
            down = f()
            m[i][j] = old
            out[i][j] = (up - down) / (2 * EPS)
    return out


def _close(a: Any, b: Any, tol: float = 1e-6) -> bool:
    if isinstance(a, list) or isinstance(b, list):
        a = a if isinstance(a, list) else [a]
        b = b if isinstance(b, list) else [b]
        return len(a) == len(b) and all(_close(x, y, tol) for x, y in zip(a, b, strict=True))
    return abs(float(a) - float(b)) <= tol * max(1.0, abs(float(b)))


def _as_mat(v: Any) -> Mat:
    """A value as a matrix: a number is 1×1, a flat list a column."""
    if not isinstance(v, list):
        return [[float(v)]]
    if not isinstance(v[0], list):
        return [[float(x)] for x in v]
    return [[float(x) for x in r] for r in v]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


# =========================================================================== mlp.forward-backward


def _mlp_cost(p: dict[str, Any], x: Mat, y: Mat, ws: list[Mat], bs: list[Mat]) -> float:
    """J by loops: every unit, every sample, no matrix code."""
    alpha = p["alpha"] if p.get("alpha") is not None else 0.01
    m, big_l = len(x[0]), len(ws)
    total = 0.0
    for s in range(m):
        a = [row[s] for row in x]
        for l in range(big_l):
            z = [sum(ws[l][i][k] * a[k] for k in range(len(a))) + bs[l][i][0] for i in range(len(ws[l]))]
            per_layer = p["activations"].split(",") if p.get("activations") else None
            g = (per_layer[l] if per_layer else p["activation"]) if l < big_l - 1 else p["output"]
            if g == "softmax":
                top = max(z)
                e = [math.exp(v - top) for v in z]
                a = [v / sum(e) for v in e]
            else:
                a = [_act(g, alpha)(v) for v in z]
        t = [row[s] for row in y]
        if p["loss"] == "bce":
            total += -sum(ti * math.log(ai) + (1 - ti) * math.log(1 - ai) for ai, ti in zip(a, t, strict=True))
        elif p["loss"] == "ce":
            total += -sum(ti * math.log(ai) for ai, ti in zip(a, t, strict=True))
        else:
            total += (0.5 if p["half"] else 1.0) * sum((ai - ti) ** 2 for ai, ti in zip(a, t, strict=True))
    factor = {"mean": 1 / m, "sum": 1.0, "mean_all": 1 / (m * len(y))}[p["reduction"]]
    return factor * total


def _check_mlp(ex: Any) -> None:
    p, v = ex.params, ex.values
    big_l = max(int(k[1:]) for k in v if k.startswith("W") and k[1:].isdigit())
    x, y = _copy(v["X"]), _copy(v["Y"])
    ws = [_copy(v[f"W{l}"]) for l in range(1, big_l + 1)]
    bs = [_copy(v[f"b{l}"]) for l in range(1, big_l + 1)]

    def j() -> float:
        return _mlp_cost(p, x, y, ws, bs)

    assert ex.values["loss"] == pytest.approx(j(), rel=1e-9, abs=1e-12)
    for l in range(1, big_l + 1):
        assert _close(v[f"dW{l}"], _fd(j, ws[l - 1])), f"dW{l}"
        assert _close(v[f"db{l}"], _fd(j, bs[l - 1])), f"db{l}"
    assert _close(v["dX"], _fd(j, x)), "dX"
    # dA[L] is the per-sample derivative of the loss with respect to the outputs (note 004's da[L])
    out = _copy(v[f"A{big_l}"])

    def ell() -> float:
        if p["loss"] == "bce":
            return -sum(
                t * math.log(a) + (1 - t) * math.log(1 - a)
                for ra, rt in zip(out, y, strict=True)
                for a, t in zip(ra, rt, strict=True)
            )
        if p["loss"] == "ce":
            return -sum(t * math.log(a) for ra, rt in zip(out, y, strict=True) for a, t in zip(ra, rt, strict=True))
        half = 0.5 if p["half"] else 1.0
        return half * sum((a - t) ** 2 for ra, rt in zip(out, y, strict=True) for a, t in zip(ra, rt, strict=True))

    assert _close(v[f"dA{big_l}"], _fd(ell, out), 1e-5), f"dA{big_l}"
    # the vectorised forward pass agrees with loops: Z1 = W1·X + b1 entry by entry
    z1 = _matmul(ws[0], x)
    assert _close(v["Z1"], [[z1[i][s] + bs[0][i][0] for s in range(len(x[0]))] for i in range(len(z1))], 1e-9)


@pytest.mark.parametrize("seed", range(30))
def test_mlp_random_variants_against_loops_and_finite_differences(seed: int) -> None:
    _check_mlp(generate_example("mlp.forward-backward", seed=seed))


MLP_CASES: list[dict[str, Any]] = [
    # 1×1 network, one sample
    {"X": "2", "W1": "0.5", "b1": "0.1", "Y": "1"},
    # depth 1, rectangular, three samples, softmax-CE with one-hot labels
    {"X": "1,2,0;0,1,-1", "W1": "1,-1;0.5,0.2;-0.3,0.4", "Y": "1,0,0;0,1,0;0,0,1", "loss": "ce"},
    # softmax-CE with class indices
    {"X": "1,2;0,1", "W1": "1,-1;0.5,0.2;-0.3,0.4", "Y": "2,0", "loss": "ce"},
    # depth 4, hidden size 5 somewhere, tanh, mse without ½, summed
    {
        "X": "1;-1",
        "W1": "0.1,0.2;0.3,-0.4;0.5,0.6;-0.7,0.8;0.9,-1",
        "W2": "0.1,0.2,0.3,0.4,0.5;-0.5,0.4,-0.3,0.2,-0.1",
        "W3": "1,-1;0.5,0.5;0.2,-0.2",
        "W4": "0.3,-0.6,0.9",
        "Y": "0.5",
        "activation": "tanh",
        "loss": "mse",
        "half": "false",
        "reduction": "sum",
    },
    # leaky ReLU hidden, sigmoid output with mse, mean over all elements
    {
        "X": "1,-2;3,0.5",
        "W1": "0.5,-0.5;-1,0.25",
        "b1": "0.1,-0.2",
        "W2": "1,2;-1,0.5",
        "Y": "0,1;1,0",
        "activation": "leaky_relu",
        "alpha": "0.1",
        "loss": "mse",
        "output": "sigmoid",
        "reduction": "mean_all",
    },
    # relu hidden, tanh output with mse (the general dA ⊙ g′ path)
    {
        "X": "1;2",
        "W1": "1,0.5;-0.5,1",
        "W2": "0.3,-0.2",
        "Y": "0.2",
        "activation": "relu",
        "loss": "mse",
        "output": "tanh",
    },
    # softmax output with mse (the softmax Jacobian path), linear hidden
    {
        "X": "1;0",
        "W1": "1,0;0,1",
        "W2": "1,2;3,4;5,6",
        "Y": "0;1;0",
        "activation": "linear",
        "loss": "mse",
        "output": "softmax",
    },
    # a different activation in each hidden layer
    {
        "X": "1,-1;0.5,2",
        "W1": "0.3,-0.2;0.1,0.4;-0.5,0.2",
        "b1": "0.1,0,-0.1",
        "W2": "1,0.5,-0.5;0.2,-0.3,0.4",
        "W3": "0.7,-0.6",
        "Y": "1,0",
        "activations": "leaky_relu,tanh",
        "alpha": 0.2,
    },
    # sigmoid output with ce on one unit (−y log a only)
    {"X": "1;1", "W1": "0.2,0.3", "Y": "1", "loss": "ce", "output": "sigmoid"},
]


@pytest.mark.parametrize("params", MLP_CASES)
def test_mlp_given_networks_against_loops_and_finite_differences(params: dict[str, Any]) -> None:
    ex = generate_example("mlp.forward-backward", params)
    _check_mlp(ex)
    assert ex.values["grad_check"] < 1e-7


def test_mlp_class_indices_become_one_hot_columns() -> None:
    ex = generate_example(
        "mlp.forward-backward", {"X": "1,2;0,1", "W1": "1,-1;0.5,0.2;-0.3,0.4", "Y": "2,0", "loss": "ce"}
    )
    assert ex.values["Y"] == [[0, 1], [0, 0], [1, 0]]


def test_mlp_mazur_worked_example() -> None:
    # Matt Mazur's "A step by step backpropagation example": E_total = 0.298371109,
    # ∂E/∂w5 = 0.082167041, ∂E/∂w1 = 0.000438568 (sigmoid everywhere, E = Σ ½(target − out)²)
    ex = generate_example(
        "mlp.forward-backward",
        {
            "X": "0.05;0.10",
            "W1": "0.15,0.20;0.25,0.30",
            "b1": "0.35,0.35",
            "W2": "0.40,0.45;0.50,0.55",
            "b2": "0.60,0.60",
            "Y": "0.01;0.99",
            "loss": "mse",
            "output": "sigmoid",
            "reduction": "sum",
        },
    )
    assert ex.values["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert ex.values["A1"][0][0] == pytest.approx(0.593269992, abs=1e-9)
    assert ex.values["A2"][0][0] == pytest.approx(0.75136507, abs=1e-8)
    assert ex.values["dW2"][0][0] == pytest.approx(0.082167041, abs=1e-9)
    assert ex.values["dW1"][0][0] == pytest.approx(0.000438568, abs=1e-9)
    # one sample of a small layer: every weighted sum is written out, as on the worked example's page
    text = explain_text(ex, "en")
    assert "z₁ = 0.15·0.05 + 0.2·0.1 + 0.35 = 0.3775; z₂ = 0.25·0.05 + 0.3·0.1 + 0.35 = 0.3925" in text
    assert "sigmoid(0.3775) = 0.5933" in text


def test_mlp_hand_values_one_unit() -> None:
    # z = 0.5·2 + 0.1 = 1.1, a = σ(1.1), J = −log a, dZ = a − 1, dW = (a − 1)·2, dX = (a − 1)·0.5
    ex = generate_example("mlp.forward-backward", {"X": "2", "W1": "0.5", "b1": "0.1", "Y": "1"})
    a = _sig(1.1)
    assert ex.values["loss"] == pytest.approx(-math.log(a))
    assert ex.values["dW1"] == [[pytest.approx((a - 1) * 2)]]
    assert ex.values["dX"] == [[pytest.approx((a - 1) * 0.5)]]


def test_mlp_drawn_networks_keep_the_old_defaults() -> None:
    ex = generate_example("mlp.forward-backward")
    assert ex.params["sizes"] == [2, 3, 1] and ex.params["m"] == 2 and ex.params["init_seed"] == 0
    assert len(ex.values["Z1"]) == 3 and len(ex.values["Z1"][0]) == 2
    assert len(ex.values["dW1"]) == 3 and len(ex.values["dW1"][0]) == 2
    assert len(ex.values["dZ2"]) == 1 and len(ex.values["dZ2"][0]) == 2


MLP_ERRORS = [
    (
        {"X": "1;2;3;4", "W1": "1,2;3,4;5,6"},
        "mlp.forward-backward: parameter W1 is 3×2 but X has 4 rows: W1 needs 4 columns (W[l] is n[l] × n[l−1]), "
        "or X needs 2 rows",
    ),
    (
        {"X": "1,2", "W1": "1,2;3,4"},
        "parameter W1 is 2×2 but X has 1 row: W1 needs 1 column (W[l] is n[l] × n[l−1]), or X needs 2 rows "
        "(X's columns are samples: one sample goes in as a column)",
    ),
    (
        {"X": "1;2", "W1": "1,2;3,4", "W2": "1,2,3", "Y": "1"},
        "parameter W2 is 1×3 but W1 has 2 rows: W2 needs 2 columns (W[l] is n[l] × n[l−1]), or W1 needs 3 rows",
    ),
    (
        {"X": "1;2", "W1": "1,2;3,4", "b1": "1,2,3", "Y": "1"},
        "parameter b1 has 3 numbers but W1 is 2×2: b1 needs 2 (one per unit of layer 1)",
    ),
    (
        {"X": "1;2", "W1": "1,2", "Y": "1,0"},
        "parameter Y is 1×2 but the output layer has 1 unit and X has 1 column (sample): Y must be 1×1",
    ),
    ({"X": "1;2", "W1": "1,2", "W3": "1", "Y": "1"}, "parameter W3 is given but W2 is not"),
    ({"W1": "1,2", "Y": "1"}, "parameter X is needed when weights are given"),
    ({"X": "1;2", "Y": "1"}, "parameter W1 is needed when X is given"),
    ({"X": "1;2", "W1": "1,2"}, "parameter Y is needed for the loss (1 × 1, one column per sample)"),
    ({"X": "1;2", "W1": "1,2", "Y": "1", "init_seed": 3}, "init_seed draws X, Y and the weights"),
    ({"X": "1;2", "W1": "1,2", "Y": "1", "sizes": "2,3"}, "sizes is [2, 3] but the given X and W1 … W1 make [2, 1]"),
    ({"X": "1,0;2,1", "W1": "1,2;3,4", "Y": "5,0", "loss": "ce"}, "class indices 0 … 1 for softmax-CE; got [5, 0]"),
    ({"X": "1;2", "W1": "1,2", "Y": "2"}, "binary cross-entropy needs labels between 0 and 1"),
    ({"alpha": 0.1}, "parameter alpha is the slope of leaky_relu"),
    ({"half": "true"}, "parameter half applies to loss mse only"),
    ({"loss": "bce", "output": "linear"}, "loss bce takes logs of the outputs"),
    ({"reduction": "mean_all"}, "mean_all (÷ m·n_L, as PyTorch's MSELoss) applies to loss mse only"),
    ({"X": "1;2", "W1": "1,2", "Y": "1", "output": "softmax"}, "softmax over one unit is always 1; W1 has 1 row"),
    ({"loss": "ce"}, "parameter sizes: a softmax output needs at least 2 output units"),
    ({"activations": "relu,tanh"}, "parameter activations has 2 names but the network has 1 hidden layer"),
    (
        {"activations": "relu", "activation": "tanh"},
        "parameters activation (one for every hidden layer) and activations",
    ),
    ({"activations": "relux"}, "parameter activations: 'relux' is not an activation"),
]


@pytest.mark.parametrize(("params", "message"), MLP_ERRORS)
def test_mlp_bad_shapes_name_the_parameters(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example("mlp.forward-backward", params)
    assert message in str(err.value)


def test_mlp_bad_shape_on_the_command_line_exits_2_without_traceback() -> None:
    code, out, err = run("example", "mlp.forward-backward", "--set", "X=1;2;3;4", "--set", "W1=1,2;3,4;5,6")
    assert code == 2
    assert "parameter W1 is 3×2 but X has 4 rows" in err
    assert "Traceback" not in out + err


def test_mlp_json_carries_every_layer() -> None:
    code, out, _ = run(
        "example",
        "mlp.forward-backward",
        "--set",
        "X=1;2",
        "--set",
        "W1=1,2;3,4;5,6",
        "--set",
        "W2=1,1,1",
        "--set",
        "Y=1",
        "--json",
    )
    assert code == 0
    values = json.loads(out)["values"]
    for name in ("Z1", "A1", "Z2", "A2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0", "dX", "loss"):
        assert name in values, name
    assert len(values["dW1"]) == 3 and len(values["dW1"][0]) == 2


def test_mlp_chinese_text_has_the_convention() -> None:
    text = explain_text(generate_example("mlp.forward-backward", seed=4), "zh")
    assert "每列是一个样本" in text


# =========================================================================== rnn.bptt


def _fn(name: str) -> Callable[[float], float]:
    return _act(name)


def _rnn_oracle(ex: Any) -> tuple[Callable[[], float], dict[str, Mat], Mat]:
    """L of the example's RNN by loops, and the matrices it reads (to perturb): U, W, V, b, c, h0, and x."""
    p = ex.params
    rec, inp = p["recurrent"], ("U" if p["recurrent"] == "W" else "W")
    xv = p["x"]
    x = [list(map(float, xv))] if not isinstance(xv[0], list) else _copy(xv)  # n_x × T
    r = _as_mat(p[rec])
    n_h = len(r)

    def given(v: Any, cols: int) -> Mat:  # a list is a row where its length fits the columns, else a column
        if isinstance(v, list) and not isinstance(v[0], list) and len(v) == cols:
            return [[float(e) for e in v]]
        return _as_mat(v)

    a, v = given(p[inp], len(x)), given(p["V"], n_h)
    n_y = len(v)
    mats = {
        rec: r,
        inp: a,
        "V": v,
        "b": _as_mat(p["b"]) if p["b"] is not None else [[0.0] for _ in range(n_h)],
        "c": _as_mat(p["c"]) if p["c"] is not None else [[0.0] for _ in range(n_y)],
        "h0": _as_mat(p["h0"]) if p["h0"] is not None else [[0.0] for _ in range(n_h)],
    }
    big_t = len(x[0])
    steps = [big_t] if p["loss_at"] == "last" else list(range(1, big_t + 1))
    yv = p["y"]
    if not isinstance(yv, list):
        yv = [yv]
    if not isinstance(yv[0], list):
        if p["output"] == "softmax" and p["loss"] == "ce":
            yv = [[1.0 if int(k) == j else 0.0 for k in yv] for j in range(n_y)]
        else:
            yv = [list(map(float, yv))]
    cols = len(yv[0])
    ys = {t: [row[k if cols == len(steps) else t - 1] for row in yv] for k, t in enumerate(steps)}
    f = _fn(p["activation"])

    def loss() -> float:
        h = [row[0] for row in mats["h0"]]
        total = 0.0
        for t in range(1, big_t + 1):
            xt = [row[t - 1] for row in x]
            s = [
                sum(mats[inp][j][k] * xt[k] for k in range(len(xt)))
                + sum(mats[rec][j][k] * h[k] for k in range(n_h))
                + mats["b"][j][0]
                for j in range(n_h)
            ]
            h = [f(sj) for sj in s]
            z = [sum(mats["V"][i][j] * h[j] for j in range(n_h)) + mats["c"][i][0] for i in range(n_y)]
            if p["output"] == "sigmoid":
                o = [_sig(zi) for zi in z]
            elif p["output"] == "softmax":
                e = [math.exp(zi - max(z)) for zi in z]
                o = [ei / sum(e) for ei in e]
            else:
                o = z
            if t not in ys:
                continue
            y = ys[t]
            if p["loss"] == "mse":
                total += 0.5 * sum((oi - yi) ** 2 for oi, yi in zip(o, y, strict=True))
            elif p["output"] == "sigmoid":
                total += -sum(yi * math.log(oi) + (1 - yi) * math.log(1 - oi) for oi, yi in zip(o, y, strict=True))
            else:
                total += -sum(yi * math.log(oi) for oi, yi in zip(o, y, strict=True))
        return total / big_t if p["reduction"] == "mean" else total

    return loss, mats, x


def _flat(v: Any) -> list[float]:
    if not isinstance(v, list):
        return [float(v)]
    out: list[float] = []
    for e in v:
        out.extend(_flat(e))
    return out


def _check_rnn(ex: Any) -> None:
    loss, mats, x = _rnn_oracle(ex)
    assert ex.values["loss"] == pytest.approx(loss(), rel=1e-9, abs=1e-12)
    for name, m in mats.items():
        assert _close(_flat(ex.values[f"d{name}"]), _flat(_fd(loss, m))), name
    assert _close(_flat(ex.values["dx"]), _flat(_fd(loss, x))), "dx"
    assert ex.answer == ex.values[f"d{ex.params['recurrent']}"]


@pytest.mark.parametrize("seed", range(20))
def test_rnn_random_variants_against_loops_and_finite_differences(seed: int) -> None:
    _check_rnn(generate_example("rnn.bptt", seed=seed))


RNN_CASES: list[dict[str, Any]] = [
    {},  # the notes' scalar example
    {"x": "2", "y": "1", "U": 0.5, "W": 0.3, "V": -1},  # T = 1
    # hidden size 5, two inputs, three softmax outputs with class indices, biases and h0
    {
        "x": "1,0,-1;0.5,2,1",
        "y": "0,2,1",
        "U": "0.1,0.2;-0.3,0.4;0.5,-0.6;0.7,0.1;-0.2,0.3",
        "W": "0.1,0,0,0.2,0;0,0.1,0.3,0,0;-0.2,0,0.1,0,0.1;0,0.2,0,-0.1,0;0.1,0,0,0,0.2",
        "V": "0.5,-0.5,0.2,0.1,0;0.3,0.3,-0.3,0.2,0.1;-0.1,0.4,0.2,-0.2,0.5",
        "b": "0.1,-0.1,0.2,0,0.05",
        "c": "0.1,0,-0.1",
        "h0": "0.2,-0.1,0,0.3,0.1",
        "output": "softmax",
    },
    # linear output, ½-squared loss at the last step only, sigmoid hidden
    {
        "x": "1,2,3",
        "y": "0.5",
        "U": "1;-1",
        "W": "0.5,0.1;-0.2,0.3",
        "V": "1,1",
        "loss": "mse",
        "output": "linear",
        "loss_at": "last",
        "activation": "sigmoid",
    },
    # Qiu's letters: U multiplies h_{t−1}, W multiplies x_t
    {"x": "1,-1", "y": "1,0", "U": "0.5,0.2;-0.1,0.4", "W": "1;0.5", "V": "1,-1", "recurrent": "U"},
    # sigmoid output with mse, relu hidden
    {"x": "1,0.5,-0.5", "y": "0.2,0.8,0.5", "U": 1.5, "W": 0.4, "V": 2, "b": 0.1, "loss": "mse", "activation": "relu"},
    # softmax output with mse; one-hot targets as a matrix
    {
        "x": "1,2",
        "y": "1,0;0,1",
        "U": "1;0.5",
        "W": "0.1,0.2;0.3,0.1",
        "V": "1,0;0,1",
        "loss": "mse",
        "output": "softmax",
    },
    # the mean of the step losses
    {"x": "1,0.5,-0.5", "y": "1,0,1", "U": 0.7, "W": -0.4, "V": 1.5, "reduction": "mean"},
    # three inputs, one hidden unit
    {"x": "1,0;0,1;1,1", "y": "1,1", "U": "0.2,-0.4,0.6", "W": 0.9, "V": 1.2, "h0": 0.5},
]


@pytest.mark.parametrize("params", RNN_CASES)
def test_rnn_given_networks_against_loops_and_finite_differences(params: dict[str, Any]) -> None:
    _check_rnn(generate_example("rnn.bptt", params))


def test_rnn_one_step_by_hand() -> None:
    # s = 0.5·2 = 1, h = tanh 1, o = σ(−h), L = −log o, δ = −1·(o − 1)·(1 − h²); dU = δ·x, dW = δ·h0 = 0
    ex = generate_example("rnn.bptt", {"x": "2", "y": "1", "U": 0.5, "W": 0.3, "V": -1})
    h = math.tanh(1.0)
    o = _sig(-h)
    delta = -1 * (o - 1) * (1 - h * h)
    assert ex.values["h1"] == pytest.approx(h)
    assert ex.values["loss"] == pytest.approx(-math.log(o))
    assert ex.values["dU"] == pytest.approx(delta * 2)
    assert ex.values["dW"] == 0
    assert ex.values["dh0"] == pytest.approx(0.3 * delta)


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "relu"])
def test_rnn_without_v_is_the_forward_pass_only(act: str) -> None:
    # h_t = f(U x_t + W h_{t−1} + b) by hand, vector inputs and two hidden units
    u, w, b, h0 = [[1.0, 0.0], [0.5, -1.0]], [[0.2, -0.1], [0.3, 0.4]], [0.1, -0.2], [0.0, 0.5]
    xs = [[1.0, 2.0], [-1.0, 0.5], [0.0, 1.0]]
    ex = generate_example(
        "rnn.bptt",
        {
            "x": "1,-1,0;2,0.5,1",
            "U": "1,0;0.5,-1",
            "W": "0.2,-0.1;0.3,0.4",
            "b": "0.1,-0.2",
            "h0": "0,0.5",
            "activation": act,
        },
    )
    f = _act(act)
    h = h0
    for t, xt in enumerate(xs, 1):
        h = [f(sum(u[j][k] * xt[k] for k in range(2)) + sum(w[j][k] * h[k] for k in range(2)) + b[j]) for j in range(2)]
        assert _close(ex.values[f"h{t}"], h, 1e-9)
    assert ex.answer == ex.values["h_T"] and "loss" not in ex.values


def test_rnn_without_v_refuses_loss_settings() -> None:
    with pytest.raises(ParamError) as err:
        generate_example("rnn.bptt", {"U": 0.5, "W": 1, "x": "1,2", "loss": "mse"})
    assert "parameter loss has no effect" in str(err.value) and "it applies when V is given" in str(err.value)


def test_rnn_notes_example_keeps_its_numbers() -> None:
    # s1 = 1·1 + 0.5·0 = 1, h1 = tanh 1 = 0.7616; s2 = 0.5 + 0.5·h1; h2 = tanh s2
    ex = generate_example("rnn.bptt")
    h1 = math.tanh(1)
    assert ex.values["h1"] == pytest.approx(h1)
    assert ex.values["h2"] == pytest.approx(math.tanh(0.5 + 0.5 * h1))
    assert ex.params["U"] == 1 and ex.params["W"] == 0.5 and ex.params["V"] == 1


RNN_ERRORS = [
    (
        {"x": "1,2;3,4", "U": "1;2", "W": "1,0;0,1", "V": "1,1", "y": "1,0"},
        "rnn.bptt: parameter U is 2×1 but x has 2 rows (n_x = 2, one column per time step) and W is 2×2 (n_h = 2): "
        "U must be 2×2",
    ),
    ({"U": "1;2", "W": "1,0", "V": "1,1"}, "parameter W is 1×2 but it multiplies hₜ₋₁ and gives sₜ: it must be square"),
    (
        {"U": "1;2", "W": "1,0;0,1", "V": "1,1,1"},
        "rnn.bptt: parameter V is a vector of 3 but n_h = 2: V must be n_y×2",
    ),
    ({"U": "1;2", "W": "1,0;0,1", "V": "1,1", "b": "1,2,3"}, "parameter b has 3 numbers but needs 2"),
    ({"U": "1;2", "W": "1,0;0,1", "V": "1,1", "h0": "1"}, "parameter h0 has 1 number but needs 2"),
    ({"U": "1", "V": "1"}, "parameters U and W go together (V too, for outputs and a loss): W missing"),
    ({"y": "1,0"}, "parameters x and y need T = 3 entries each (y is 1×2"),
    ({"x": "1,2", "T": 3}, "need T = 3 entries"),
    ({"output": "linear"}, "cross-entropy takes the log of the outputs"),
    ({"output": "softmax"}, "a softmax output needs at least 2 outputs"),
    ({"y": "1,2,0"}, "targets must be between 0 and 1 for a sigmoid output"),
    ({"hidden": 2, "U": 1, "W": 1, "V": 1}, "parameter hidden is 2 but W is 1×1"),
    ({"reduction": "mean", "loss_at": "last"}, "reduction=mean averages the losses of every step"),
]


@pytest.mark.parametrize(("params", "message"), RNN_ERRORS)
def test_rnn_bad_shapes_name_the_parameters(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example("rnn.bptt", params)
    assert message in str(err.value)


def test_rnn_bad_shape_on_the_command_line_exits_2() -> None:
    code, out, err = run("example", "rnn.bptt", "--set", "U=1;2", "--set", "W=1,0", "--set", "V=1,1")
    assert code == 2 and "it must be square" in err and "Traceback" not in out + err


# =========================================================================== lstm.step and gru.step


def _gate_mats(ex: Any, gates: str) -> tuple[dict[str, Mat], Mat, Mat]:
    p = ex.params
    x, hp = _as_mat(p["x"]), _as_mat(p["h_prev"])
    if ex.kind == "lstm.step" and p.get("weights") is not None:
        rec, inp = p["recurrent"], ("U" if p["recurrent"] == "W" else "W")
        mats = {}
        for k, g in enumerate(gates):
            w, u, b = p["weights"][k]
            mats[f"{rec}_{g}"], mats[f"{inp}_{g}"], mats[f"b_{g}"] = [[float(w)]], [[float(u)]], [[float(b)]]
        return mats, x, hp
    mats = {}
    for g in gates:
        mats[f"W_{g}"] = _as_mat(p[f"W_{g}"])
        mats[f"U_{g}"] = _as_mat(p[f"U_{g}"])
        mats[f"b_{g}"] = _as_mat(p[f"b_{g}"]) if p[f"b_{g}"] is not None else [[0.0] for _ in hp]
    return mats, x, hp


def _pre(mats: dict[str, Mat], rec: str, inp: str, g: str, h: list[float], x: list[float]) -> list[float]:
    r, a, b = mats[f"{rec}_{g}"], mats[f"{inp}_{g}"], mats[f"b_{g}"]
    if len(r[0]) != len(h):  # a 1×1 number given for a one-unit cell
        r = [[r[0][0]]]
    return [
        sum(r[j][k] * h[k] for k in range(len(h))) + sum(a[j][k] * x[k] for k in range(len(x))) + b[j][0]
        for j in range(len(h))
    ]


def _objective(p: dict[str, Any], h: list[float], c: list[float] | None) -> float:
    n = len(h)
    if p.get("y") is not None:
        y = _flat(p["y"])
        total = 0.5 * sum((hi - yi) ** 2 for hi, yi in zip(h, y, strict=True))
    else:
        dh = _flat(p["dh"]) if p.get("dh") is not None else [1.0] * n
        total = sum(d * hi for d, hi in zip(dh, h, strict=True))
    if c is not None:  # the upstream dc from the next step adds dcᵀ·c
        dc = _flat(p["dc"]) if p.get("dc") is not None else [0.0] * n
        total += sum(d * ci for d, ci in zip(dc, c, strict=True))
    return total


def _lstm_oracle(ex: Any) -> tuple[Callable[[], float], dict[str, Mat], Mat, Mat, Mat]:
    p = ex.params
    mats, x, hp = _gate_mats(ex, "fico")
    cp = _as_mat(p["c_prev"])
    rec, inp = p["recurrent"], ("U" if p["recurrent"] == "W" else "W")

    def run_cell() -> tuple[list[float], list[float]]:
        h_prev, xs = [r[0] for r in hp], [r[0] for r in x]
        f = [_sig(v) for v in _pre(mats, rec, inp, "f", h_prev, xs)]
        i = [_sig(v) for v in _pre(mats, rec, inp, "i", h_prev, xs)]
        ct = [math.tanh(v) for v in _pre(mats, rec, inp, "c", h_prev, xs)]
        o = [_sig(v) for v in _pre(mats, rec, inp, "o", h_prev, xs)]
        c = [f[j] * cp[j][0] + i[j] * ct[j] for j in range(len(h_prev))]
        return [o[j] * math.tanh(c[j]) for j in range(len(c))], c

    def loss() -> float:
        h, c = run_cell()
        return _objective(p, h, c)

    return loss, mats, x, hp, cp


def _check_gates(ex: Any, loss: Callable[[], float], mats: dict[str, Mat], x: Mat, hp: Mat) -> None:
    v = ex.values
    for name, m in mats.items():
        key = "d" + name if not name.startswith("b_") else "db_" + name[2:]
        assert _close(_flat(v[key]), _flat(_fd(loss, m))), key
    assert _close(_flat(v["dx"]), _flat(_fd(loss, x))), "dx"
    assert _close(_flat(v["dh_prev"]), _flat(_fd(loss, hp))), "dh_prev"


@pytest.mark.parametrize("seed", range(15))
def test_lstm_random_variants_against_finite_differences(seed: int) -> None:
    ex = generate_example("lstm.step", seed=seed)
    loss, mats, x, hp, cp = _lstm_oracle(ex)
    _check_gates(ex, loss, mats, x, hp)
    assert _close(_flat(ex.values["dc_prev"]), _flat(_fd(loss, cp)))


LSTM_CASES: list[dict[str, Any]] = [
    {},
    {"dh": 0.5, "dc": -0.3, "x": 2, "h_prev": -0.5, "c_prev": 1},
    {"y": 0.2},
    {"y": 0.2, "dc": 0.7},
    # two hidden units, three inputs, every gate given
    {
        "x": "1,-1,0.5",
        "h_prev": "0.2,-0.4",
        "c_prev": "0.5,-0.1",
        "W_f": "0.1,0.2;0.3,0.4",
        "W_i": "-0.1,0.2;0.1,0",
        "W_c": "0.5,-0.5;0.2,0.2",
        "W_o": "0.3,0;0,0.3",
        "U_f": "0.1,0,0.2;0,0.1,0",
        "U_i": "0.2,0.1,0;0,-0.2,0.3",
        "U_c": "1,0,0;0,1,0",
        "U_o": "0.1,0.1,0.1;0.2,0.2,0.2",
        "b_f": "1,1",
        "b_o": "0,-0.5",
        "dh": "1,-2",
        "dc": "0.1,0.2",
    },
    # hidden size 5, one input, Qiu's letters (U multiplies h_{t−1})
    {
        "x": "0.7",
        "h_prev": "0.1,0.2,-0.1,0,0.3",
        "c_prev": "0,0.5,-0.5,1,0.2",
        **{
            f"U_{g}": ";".join(
                ",".join(str(round(0.1 * ((i + j + k) % 5) - 0.2, 2)) for j in range(5)) for i in range(5)
            )
            for k, g in enumerate("fico")
        },
        **{f"W_{g}": "0.5;-0.5;0.3;0.1;-0.2" for g in "fico"},
        "recurrent": "U",
        "y": "0,0,0,0,1",
    },
]


@pytest.mark.parametrize("params", LSTM_CASES)
def test_lstm_given_cells_against_finite_differences(params: dict[str, Any]) -> None:
    ex = generate_example("lstm.step", params)
    loss, mats, x, hp, cp = _lstm_oracle(ex)
    _check_gates(ex, loss, mats, x, hp)
    assert _close(_flat(ex.values["dc_prev"]), _flat(_fd(loss, cp)))


def test_lstm_default_keeps_the_bank_numbers() -> None:
    # f = i = o = σ(1), c̃ = tanh 1, c = σ(1)·0.5 + σ(1)·tanh 1, h = σ(1)·tanh c
    ex = generate_example("lstm.step")
    s, t = _sig(1), math.tanh(1)
    assert ex.values["c"] == pytest.approx(s * 0.5 + s * t)
    assert ex.values["h"] == pytest.approx(s * math.tanh(s * 0.5 + s * t))
    assert ex.answer == ex.values["h"]


def _gru_oracle(ex: Any) -> tuple[Callable[[], float], dict[str, Mat], Mat, Mat]:
    p = ex.params
    mats, x, hp = _gate_mats(ex, "rzh")
    rec, inp = p["recurrent"], ("U" if p["recurrent"] == "W" else "W")
    after = p["reset"] == "after"
    if after:
        mats["b_hn"] = _as_mat(p["b_hn"]) if p["b_hn"] is not None else [[0.0] for _ in hp]

    def loss() -> float:
        h_prev, xs = [r[0] for r in hp], [r[0] for r in x]
        r = [_sig(v) for v in _pre(mats, rec, inp, "r", h_prev, xs)]
        z = [_sig(v) for v in _pre(mats, rec, inp, "z", h_prev, xs)]
        if after:  # tanh(U_h·x + b_h + r ⊙ (W_h·h + b_hn)), PyTorch's n_t
            zero = [0.0] * len(h_prev)
            inner = [
                v + mats["b_hn"][j][0]
                for j, v in enumerate(
                    _pre(
                        {**mats, f"{inp}_h": [[0.0] * len(xs) for _ in h_prev], "b_h": [[0.0] for _ in h_prev]},
                        rec,
                        inp,
                        "h",
                        h_prev,
                        xs,
                    )
                )
            ]
            outer = _pre({**mats, f"{rec}_h": [[0.0] * len(h_prev) for _ in h_prev]}, rec, inp, "h", zero, xs)
            ht = [math.tanh(outer[j] + r[j] * inner[j]) for j in range(len(h_prev))]
        else:
            rh = [r[j] * h_prev[j] for j in range(len(h_prev))]
            ht = [math.tanh(v) for v in _pre(mats, rec, inp, "h", rh, xs)]
        if p["update"] == "z_old":
            h = [z[j] * h_prev[j] + (1 - z[j]) * ht[j] for j in range(len(ht))]
        else:
            h = [(1 - z[j]) * h_prev[j] + z[j] * ht[j] for j in range(len(ht))]
        return _objective(p, h, None)

    return loss, mats, x, hp


@pytest.mark.parametrize("seed", range(15))
@pytest.mark.parametrize("update", ["z_old", "z_new"])
def test_gru_random_variants_against_finite_differences(seed: int, update: str) -> None:
    ex = generate_example("gru.step", {"update": update}, seed=seed)
    loss, mats, x, hp = _gru_oracle(ex)
    _check_gates(ex, loss, mats, x, hp)


GRU_CASES: list[dict[str, Any]] = [
    {},
    # hidden size 5, one input
    {
        "x": "0.3",
        "h_prev": "0.1,-0.2,0.3,-0.4,0.5",
        **{
            f"W_{g}": ";".join(
                ",".join(str(round(0.1 * ((2 * i + j + k) % 5) - 0.2, 2)) for j in range(5)) for i in range(5)
            )
            for k, g in enumerate("rzh")
        },
        **{f"U_{g}": "0.5;-0.5;0.25;1;-1" for g in "rzh"},
        "b_z": "0.1,0.2,0.3,0.4,0.5",
        "dh": "1,-1,0.5,0,2",
    },
    {"update": "z_new", "dh": -2},
    {"recurrent": "U", "y": 0.3},
    {"reset": "after", "b_hn": 0.2},
    {"reset": "after", "update": "z_new", "recurrent": "U", "dh": 0.5},
    {
        "reset": "after",
        "x": "1,0.5",
        "h_prev": "0.1,-0.3",
        "W_r": "0.2,0;0,0.2",
        "W_z": "0.1,0.1;0,0.1",
        "W_h": "0.5,-0.5;0.3,0.3",
        "U_r": "1,0;0,1",
        "U_z": "0.5,0;0,0.5",
        "U_h": "1,1;1,-1",
        "b_h": "0.1,0",
        "b_hn": "-0.2,0.4",
    },
    {
        "x": "1,-1",
        "h_prev": "0.5,-0.5,0.1",
        "W_r": "0.1,0,0.2;0,0.3,0;0.1,0.1,0.1",
        "W_z": "0.2,0.1,0;0,0.2,0.1;0.1,0,0.2",
        "W_h": "1,0,0;0,1,0;0,0,1",
        "U_r": "0.5,0;0,0.5;0.2,0.2",
        "U_z": "-0.5,0.1;0.1,-0.5;0,0",
        "U_h": "1,1;-1,1;0.5,0",
        "b_r": "0,0.1,0",
        "b_z": "1,1,1",
        "b_h": "0.1,0.2,0.3",
        "dh": "1,0.5,-1",
    },
]


@pytest.mark.parametrize("params", GRU_CASES)
def test_gru_given_cells_against_finite_differences(params: dict[str, Any]) -> None:
    ex = generate_example("gru.step", params)
    loss, mats, x, hp = _gru_oracle(ex)
    _check_gates(ex, loss, mats, x, hp)


def test_gru_conventions_by_hand() -> None:
    # one unit, zero weights on h: r = σ(x), z = σ(0.5x), h̃ = tanh(x) with U_r = U_h = 1, U_z = 0.5, all W 0
    base = {"x": 1, "h_prev": 0.4, "W_r": 0, "W_z": 0, "W_h": 0, "U_r": 1, "U_z": 0.5, "U_h": 1}
    z, ht = _sig(0.5), math.tanh(1)
    old = generate_example("gru.step", base)
    new = generate_example("gru.step", {**base, "update": "z_new"})
    assert old.values["h"] == pytest.approx(z * 0.4 + (1 - z) * ht)
    assert new.values["h"] == pytest.approx((1 - z) * 0.4 + z * ht)
    assert old.values["r"] == pytest.approx(_sig(1))


GATE_ERRORS = [
    ("lstm.step", {"weights": "1,2,3"}, "need 4 rows"),
    ("lstm.step", {"weights": "1,2,3", "W_f": 1}, "parameter weights (the one-unit form) and W_f (the per-gate form)"),
    ("lstm.step", {"W_f": 1}, "parameter W_i is missing"),
    (
        "lstm.step",
        {
            "x": "1,2",
            "h_prev": "0,0",
            "c_prev": "0,0",
            **{f"W_{g}": "1,0;0,1" for g in "fico"},
            **{f"U_{g}": "1,2;3,4;5,6" for g in "fico"},
        },
        "lstm.step: parameter U_f is 3×2 but x has 2 numbers and h_prev 2: U_f multiplies xₜ and must be 2×2",
    ),
    (
        "lstm.step",
        {
            "x": "1",
            "h_prev": "0,0",
            "c_prev": "0,0",
            **{f"W_{g}": "1,0" for g in "fico"},
            **{f"U_{g}": "1;1" for g in "fico"},
        },
        "lstm.step: parameter W_f is a vector of 2 but h_prev has 2 numbers: W_f must be 2×2",
    ),
    ("lstm.step", {"c_prev": "1,2"}, "parameter c_prev has 2 numbers but h_prev has 1: c_prev needs 1"),
    ("lstm.step", {"dh": 1, "y": 0}, "parameters y and dh both set the gradient"),
    ("gru.step", {"h_prev": "1,2"}, "parameter W_r is 1×1 but h_prev has 2 numbers"),
    ("gru.step", {"b_z": "1,2"}, "parameter b_z has 2 numbers but h_prev has 1"),
    ("gru.step", {"W_r": 1}, "parameter W_z is missing"),
    ("gru.step", {"b_hn": 1}, "parameter b_hn is the bias inside r ⊙ (…) of reset=after"),
    ("gru.step", {"reset": "after", "b_hn": "1,2"}, "parameter b_hn has 2 numbers but h_prev has 1"),
]


@pytest.mark.parametrize(("kind", "params", "message"), GATE_ERRORS)
def test_gate_bad_shapes_name_the_parameters(kind: str, params: dict[str, Any], message: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example(kind, params)
    assert message in str(err.value)


def test_gru_bad_shape_on_the_command_line_exits_2() -> None:
    code, out, err = run("example", "gru.step", "--set", "h_prev=1,2")
    assert code == 2 and "W_r is 1×1 but h_prev has 2 numbers" in err and "Traceback" not in out + err


# =========================================================================== rnn.params


def _torch_count(cell: str, n: int, h: int, layers: int, bidi: bool, biases: int) -> int:
    """PyTorch's weight_ih_l{k} (g·h × in), weight_hh_l{k} (g·h × h), bias_ih, bias_hh per layer and direction."""
    g = {"rnn": 1, "lstm": 4, "gru": 3}[cell]
    dirs = 2 if bidi else 1
    total = 0
    for k in range(layers):
        n_in = n if k == 0 else h * dirs
        total += dirs * (g * h * n_in + g * h * h + biases * g * h)
    return total


@pytest.mark.parametrize("cell", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bias", ["one", "two", "none"])
@pytest.mark.parametrize(
    ("n", "h", "layers", "bidi"),
    [(1, 1, 1, False), (10, 20, 1, False), (3, 5, 2, True), (28, 128, 3, False), (7, 4, 4, True)],
)
def test_rnn_params_against_the_per_tensor_count(cell: str, bias: str, n: int, h: int, layers: int, bidi: bool) -> None:
    ex = generate_example(
        "rnn.params",
        {"cell": cell, "input_size": n, "hidden_size": h, "bias": bias, "layers": layers, "bidirectional": bidi},
    )
    nb = {"one": 1, "two": 2, "none": 0}[bias]
    assert ex.answer == _torch_count(cell, n, h, layers, bidi, nb)
    assert ex.values["weights"] + ex.values["biases"] == ex.answer
    assert sum(ex.values["per_layer"]) == ex.answer


@pytest.mark.parametrize(
    ("params", "total"),
    [
        # torch.nn.LSTM(10, 20): 4·(20·10 + 20·20 + 20 + 20)
        ({"cell": "lstm", "input_size": 10, "hidden_size": 20, "bias": "two"}, 2560),
        # one bias per gate (Keras LSTM(20) on 10 features; the bank's lstm.gates.param-count)
        ({"cell": "lstm", "input_size": 10, "hidden_size": 20}, 2480),
        # torch.nn.GRU(10, 20) and nn.RNN(10, 20)
        ({"cell": "gru", "input_size": 10, "hidden_size": 20, "bias": "two"}, 1920),
        ({"cell": "rnn", "input_size": 10, "hidden_size": 20, "bias": "two"}, 640),
        # the bank's rnn.forward.param-count: U 4×3, W 4×4, V 2×4, no biases
        ({"cell": "rnn", "input_size": 3, "hidden_size": 4, "bias": "none", "outputs": 2}, 36),
        # a bidirectional output layer reads 2·n_h: V is 5×8 plus c
        ({"cell": "rnn", "input_size": 2, "hidden_size": 4, "bidirectional": True, "outputs": 5}, 2 * 28 + 45),
    ],
)
def test_rnn_params_textbook_counts(params: dict[str, Any], total: int) -> None:
    assert generate_example("rnn.params", params).answer == total


def test_rnn_params_show_each_part_in_both_languages() -> None:
    ex = generate_example(
        "rnn.params", {"cell": "gru", "input_size": 3, "hidden_size": 2, "layers": 2, "bidirectional": True}
    )
    text = explain_text(ex, "en")
    assert (
        "input 3·2·3 = 18 (n_x = 3); recurrent 3·2·2 = 12; biases 3·1·2 = 6; 18 + 12 + 6 = 36; ×2 directions: 2·36 = 72"
        in text
    )
    assert "input 3·2·4 = 24 (2·n_h = 4)" in text
    zh = explain_text(ex, "zh")
    assert "输入 3·2·3 = 18（n_x = 3）；循环 3·2·2 = 12；偏置 3·1·2 = 6；18 + 12 + 6 = 36；×2 个方向：2·36 = 72" in zh


# =========================================================================== rendering snapshots

SNAPSHOTS = __import__("pathlib").Path(__file__).resolve().parent / "snapshots"
NET_SNAPSHOTS: list[tuple[str, str, dict[str, Any], int | None, str]] = [
    (
        "mlp.mazur",
        "mlp.forward-backward",
        {
            "X": "0.05;0.10",
            "W1": "0.15,0.20;0.25,0.30",
            "b1": "0.35,0.35",
            "W2": "0.40,0.45;0.50,0.55",
            "b2": "0.60,0.60",
            "Y": "0.01;0.99",
            "loss": "mse",
            "output": "sigmoid",
            "reduction": "sum",
        },
        None,
        "en",
    ),
    (
        "rnn.bptt.vector",
        "rnn.bptt",
        {"x": "1,0;0,1", "y": "1,0", "U": "0.5,0;0,0.5", "W": "0.1,0.2;0,0.1", "V": "1,-1", "b": "0.1,0"},
        None,
        "en",
    ),
    ("gru.step", "gru.step", {}, 3, "zh"),
    (
        "rnn.params",
        "rnn.params",
        {"cell": "lstm", "input_size": 10, "hidden_size": 20, "layers": 2, "bidirectional": True, "bias": "two"},
        None,
        "zh",
    ),
]


@pytest.mark.parametrize(("name", "kind", "params", "seed", "lang"), NET_SNAPSHOTS)
def test_network_rendering_snapshot(name: str, kind: str, params: dict[str, Any], seed: int | None, lang: str) -> None:
    import os

    from rich.cells import cell_len

    from dlquiz.worked.render import render_text

    text = render_text(generate_example(kind, params, seed=seed), lang, width=80)
    assert "\x1b[" not in text
    assert all(cell_len(line) <= 80 for line in text.splitlines())
    path = SNAPSHOTS / f"{name}.{lang}.txt"
    if os.environ.get("DLQUIZ_UPDATE_SNAPSHOTS") == "1" or not path.exists():
        if os.environ.get("DLQUIZ_UPDATE_SNAPSHOTS") != "1":
            pytest.fail(f"missing snapshot {path.name}; run with DLQUIZ_UPDATE_SNAPSHOTS=1 and review it")
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")
