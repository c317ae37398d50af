"""lstm.cell with x and h_prev: pre-activation and weight gradients from given gate values (note 000's letters:
a_g = W_g·hₜ₋₁ + U_g·xₜ + b_g, dW_g = ∂L/∂a_g·hₜ₋₁ᵀ, dU_g = ∂L/∂a_g·xₜᵀ, db_g = ∂L/∂a_g)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from dlquiz.errors import ParamError
from dlquiz.worked import explain_text, generate_example

EPS = 1e-6
GATES = ("f", "i", "c", "o")


def _sig(a: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1 / (1 + np.exp(-a))
    return out


class Net:
    """A whole LSTM step with weights written in the test: gates from weights, loss linear in h and c."""

    def __init__(self, n_h: int, n_x: int, seed: int) -> None:
        rng = np.random.default_rng(seed)
        self.W = {g: rng.uniform(-1, 1, (n_h, n_h)) for g in GATES}
        self.U = {g: rng.uniform(-1, 1, (n_h, n_x)) for g in GATES}
        self.b = {g: rng.uniform(-0.5, 0.5, n_h) for g in GATES}
        self.x = rng.uniform(-1, 1, n_x).round(2)
        self.hp = rng.uniform(-1, 1, n_h).round(2)
        self.cp = rng.uniform(-1, 1, n_h).round(2)
        self.dh = rng.uniform(-1, 1, n_h).round(2)
        self.dc = rng.uniform(-1, 1, n_h).round(2)

    def gates(self) -> dict[str, np.ndarray]:
        out = {}
        for g in GATES:
            a = self.W[g] @ self.hp + self.U[g] @ self.x + self.b[g]
            out[g] = np.tanh(a) if g == "c" else _sig(a)
        return out

    def loss(self) -> float:
        v = self.gates()
        c = v["f"] * self.cp + v["i"] * v["c"]
        h = v["o"] * np.tanh(c)
        return float(self.dh @ h + self.dc @ c)

    def numeric(self, table: dict[str, np.ndarray], g: str) -> np.ndarray:
        m = table[g]
        out = np.zeros_like(m)
        for idx in np.ndindex(m.shape):
            keep = m[idx]
            m[idx] = keep + EPS
            hi = self.loss()
            m[idx] = keep - EPS
            lo = self.loss()
            m[idx] = keep
            out[idx] = (hi - lo) / (2 * EPS)
        return out


def _text(v: np.ndarray) -> str:
    return ",".join(repr(float(t)) for t in v)


@pytest.mark.parametrize(("n_h", "n_x", "seed"), [(1, 1, 0), (1, 3, 1), (2, 1, 2), (2, 3, 3), (3, 2, 4)])
def test_weight_gradients_against_finite_differences(n_h: int, n_x: int, seed: int) -> None:
    net = Net(n_h, n_x, seed)
    v = net.gates()
    given = {
        "f": _text(v["f"]),
        "i": _text(v["i"]),
        "c_tilde": _text(v["c"]),
        "o": _text(v["o"]),
        "c_prev": _text(net.cp),
        "dh": _text(net.dh),
        "dc": _text(net.dc),
        "x": _text(net.x),
        "h_prev": _text(net.hp),
    }
    ex = generate_example("lstm.cell", given)
    for g in GATES:
        dw, du, db = (np.asarray(ex.values[f"{m}_{g}"], dtype=float) for m in ("dW", "dU", "db"))
        assert dw.reshape(n_h, n_h) == pytest.approx(net.numeric(net.W, g), rel=1e-5, abs=1e-8), f"dW_{g}"
        assert du.reshape(n_h, n_x) == pytest.approx(net.numeric(net.U, g), rel=1e-5, abs=1e-8), f"dU_{g}"
        num_b = net.numeric(net.b, g)
        assert db.reshape(n_h) == pytest.approx(num_b, rel=1e-5, abs=1e-8), f"db_{g}"
        # the pre-activation gradient is the bias gradient (a_g is linear in b_g)
        assert np.atleast_1d(ex.values[f"da_{g}"]) == pytest.approx(num_b, rel=1e-5, abs=1e-8), f"da_{g}"


@pytest.mark.parametrize(
    ("extra", "present", "absent"),
    [
        ({}, ["da_f", "da_i", "da_c", "da_o"], ["dW_f", "dU_f", "db_f"]),
        ({"x": "1,2"}, ["dU_f", "dU_o", "db_c"], ["dW_f"]),
        ({"h_prev": "0.5"}, ["dW_f", "dW_c", "db_i"], ["dU_f"]),
        ({"x": "1", "h_prev": "0.5"}, ["dW_o", "dU_i", "db_o"], []),
    ],
)
def test_which_values_each_given_input_gives(extra: dict[str, Any], present: list[str], absent: list[str]) -> None:
    ex = generate_example("lstm.cell", {"dh": 1, **extra})
    for name in present:
        assert name in ex.values
        assert generate_example("lstm.cell", {"dh": 1, **extra}, ask=name).answer == ex.values[name]
    for name in absent:
        assert name not in ex.values


def test_one_unit_by_hand() -> None:
    # f = 0.8, i = 0.5, c̃ = 0.6, o = 0.9, cₜ₋₁ = 0.4, dh = 1, x = 2, hₜ₋₁ = 0.5, written out here:
    c = 0.8 * 0.4 + 0.5 * 0.6
    dct = 0.9 * (1 - np.tanh(c) ** 2)
    da = {
        "f": dct * 0.4 * 0.8 * 0.2,
        "i": dct * 0.6 * 0.5 * 0.5,
        "c": dct * 0.5 * (1 - 0.36),
        "o": np.tanh(c) * 0.9 * 0.1,
    }
    ex = generate_example(
        "lstm.cell", {"f": 0.8, "i": 0.5, "c_tilde": 0.6, "o": 0.9, "c_prev": 0.4, "dh": 1, "x": 2, "h_prev": 0.5}
    )
    for g in GATES:
        assert ex.values[f"da_{g}"] == pytest.approx(da[g], abs=1e-12)
        assert ex.values[f"dW_{g}"] == pytest.approx(da[g] * 0.5, abs=1e-12)
        assert ex.values[f"dU_{g}"] == pytest.approx(da[g] * 2, abs=1e-12)
        assert ex.values[f"db_{g}"] == pytest.approx(da[g], abs=1e-12)


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ({"x": 1}, "parameter x has no effect"),
        ({"h_prev": 1}, "parameter h_prev has no effect"),
        ({"dh": "1,1", "f": "0.5,0.5", "h_prev": "1,2,3"}, "parameter h_prev has 3 numbers but the gates have n_h = 2"),
        ({"dh": 1, "x": ",".join(["1"] * 9)}, "parameter x has 9 numbers"),
    ],
)
def test_bad_input_names_the_parameter(given: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example("lstm.cell", given)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    ("lang", "fragment"),
    [
        ("en", "the notes on Qiu's textbook: W multiplies hₜ₋₁, U multiplies xₜ"),
        ("zh", "邱锡鹏书的复习笔记：W 乘 hₜ₋₁，U 乘 xₜ"),
        ("en", "dW_f: dW_f = ∂L/∂a_f·hₜ₋₁ᵀ = "),
        ("zh", "dU_o: dU_o = ∂L/∂a_o·xₜᵀ = "),
    ],
)
def test_convention_and_steps_in_both_languages(lang: str, fragment: str) -> None:
    ex = generate_example("lstm.cell", {"dh": 1, "x": 2, "h_prev": 0.5})
    assert fragment in explain_text(ex, lang)


def test_no_english_left_in_the_chinese_convention() -> None:
    ex = generate_example("lstm.cell", {"dh": 1, "x": 2, "h_prev": 0.5})
    line = explain_text(ex, "zh").splitlines()[1]
    assert not any(w in line for w in ("given", "weights", "multiplies", "pre-activation")), line
