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
            g = p["activation"] if l < big_l - 1 else p["output"]
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
    {"X": "1;2", "W1": "1,0.5;-0.5,1", "W2": "0.3,-0.2", "Y": "0.2", "activation": "relu", "loss": "mse",
     "output": "tanh"},
    # softmax output with mse (the softmax Jacobian path), linear hidden
    {"X": "1;0", "W1": "1,0;0,1", "W2": "1,2;3,4;5,6", "Y": "0;1;0", "activation": "linear", "loss": "mse",
     "output": "softmax"},
    # sigmoid output with ce on one unit (−y log a only)
    {"X": "1;1", "W1": "0.2,0.3", "Y": "1", "loss": "ce", "output": "sigmoid"},
]


@pytest.mark.parametrize("params", MLP_CASES)
def test_mlp_given_networks_against_loops_and_finite_differences(params: dict[str, Any]) -> None:
    ex = generate_example("mlp.forward-backward", params)
    _check_mlp(ex)
    assert ex.values["grad_check"] < 1e-7


def test_mlp_class_indices_become_one_hot_columns() -> None:
    ex = generate_example("mlp.forward-backward", {"X": "1,2;0,1", "W1": "1,-1;0.5,0.2;-0.3,0.4", "Y": "2,0",
                                                   "loss": "ce"})
    assert ex.values["Y"] == [[0, 1], [0, 0], [1, 0]]


def test_mlp_mazur_worked_example() -> None:
    # Matt Mazur's "A step by step backpropagation example": E_total = 0.298371109,
    # ∂E/∂w5 = 0.082167041, ∂E/∂w1 = 0.000438568 (sigmoid everywhere, E = Σ ½(target − out)²)
    ex = generate_example(
        "mlp.forward-backward",
        {"X": "0.05;0.10", "W1": "0.15,0.20;0.25,0.30", "b1": "0.35,0.35", "W2": "0.40,0.45;0.50,0.55",
         "b2": "0.60,0.60", "Y": "0.01;0.99", "loss": "mse", "output": "sigmoid", "reduction": "sum"},
    )
    assert ex.values["loss"] == pytest.approx(0.298371109, abs=1e-9)
    assert ex.values["A1"][0][0] == pytest.approx(0.593269992, abs=1e-9)
    assert ex.values["A2"][0][0] == pytest.approx(0.75136507, abs=1e-8)
    assert ex.values["dW2"][0][0] == pytest.approx(0.082167041, abs=1e-9)
    assert ex.values["dW1"][0][0] == pytest.approx(0.000438568, abs=1e-9)


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
    ({"X": "1;2;3;4", "W1": "1,2;3,4;5,6"},
     "mlp.forward-backward: parameter W1 is 3×2 but X has 4 rows: W1 needs 4 columns (W[l] is n[l] × n[l−1]), "
     "or X needs 2 rows"),
    ({"X": "1,2", "W1": "1,2;3,4"},
     "parameter W1 is 2×2 but X has 1 row: W1 needs 1 column (W[l] is n[l] × n[l−1]), or X needs 2 rows "
     "(X's columns are samples: one sample goes in as a column)"),
    ({"X": "1;2", "W1": "1,2;3,4", "W2": "1,2,3", "Y": "1"},
     "parameter W2 is 1×3 but W1 has 2 rows: W2 needs 2 columns (W[l] is n[l] × n[l−1]), or W1 needs 3 rows"),
    ({"X": "1;2", "W1": "1,2;3,4", "b1": "1,2,3", "Y": "1"},
     "parameter b1 has 3 numbers but W1 is 2×2: b1 needs 2 (one per unit of layer 1)"),
    ({"X": "1;2", "W1": "1,2", "Y": "1,0"},
     "parameter Y is 1×2 but the output layer has 1 unit and X has 1 column (sample): Y must be 1×1"),
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
        "example", "mlp.forward-backward", "--set", "X=1;2", "--set", "W1=1,2;3,4;5,6", "--set", "W2=1,1,1",
        "--set", "Y=1", "--json",
    )
    assert code == 0
    values = json.loads(out)["values"]
    for name in ("Z1", "A1", "Z2", "A2", "dZ2", "dW2", "db2", "dA1", "dZ1", "dW1", "db1", "dA0", "dX", "loss"):
        assert name in values, name
    assert len(values["dW1"]) == 3 and len(values["dW1"][0]) == 2


def test_mlp_chinese_text_has_the_convention() -> None:
    text = explain_text(generate_example("mlp.forward-backward", seed=4), "zh")
    assert "每列是一个样本" in text
