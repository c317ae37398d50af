"""gru.cell: one GRU step from given gate values (r, z, h̃, hₜ₋₁; no weights), both update conventions."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from dlquiz.cli import cli
from dlquiz.errors import ParamError
from dlquiz.worked import explain_text, generate_example

EPS = 1e-6


def _arr(v: Any) -> np.ndarray:
    return np.atleast_1d(np.asarray(v, dtype=float))


def _h(z: np.ndarray, ht: np.ndarray, hp: np.ndarray, update: str) -> np.ndarray:
    """The GRU's last line written unit by unit (a loop, not the generator's vector code)."""
    out = []
    for k in range(max(z.size, ht.size, hp.size)):
        zk, tk, pk = z[k % z.size], ht[k % ht.size], hp[k % hp.size]
        out.append(zk * pk + (1 - zk) * tk if update == "z_old" else (1 - zk) * pk + zk * tk)
    return np.array(out)


CASES = [
    # one unit, as an exam prints it
    {"z": 0.4, "h_tilde": 0.6, "h_prev": 0.2, "dh": 1},
    {"z": 0.4, "h_tilde": 0.6, "h_prev": 0.2, "dh": 1, "update": "z_new"},
    {"z": 0.9, "h_tilde": -0.7, "h_prev": 1.5, "dh": -0.5, "update": "z_old"},
    # two and three units, with a scalar broadcast
    {"z": [0.1, 0.8], "h_tilde": [0.3, -0.9], "h_prev": [-1, 0.5], "dh": [0.5, 2]},
    {"z": [0.1, 0.8], "h_tilde": [0.3, -0.9], "h_prev": [-1, 0.5], "dh": [0.5, 2], "update": "z_new"},
    {"z": [0.2, 0.5, 0.7], "h_tilde": 0.25, "h_prev": [0.1, -0.4, 0.9], "dh": 1, "update": "z_new"},
]


@pytest.mark.parametrize("given", CASES)
def test_h_against_a_loop(given: dict[str, Any]) -> None:
    ex = generate_example("gru.cell", given)
    want = _h(_arr(given["z"]), _arr(given["h_tilde"]), _arr(given["h_prev"]), given.get("update", "z_old"))
    assert _arr(ex.values["h"]) == pytest.approx(want, abs=1e-12)
    assert ex.asked == "h"


@pytest.mark.parametrize("given", CASES)
def test_gradients_against_finite_differences(given: dict[str, Any]) -> None:
    ex = generate_example("gru.cell", given)
    update = given.get("update", "z_old")
    n = _arr(ex.values["h"]).size
    base = {k: np.broadcast_to(_arr(given[k]), (n,)).copy() for k in ("z", "h_tilde", "h_prev")}
    dh = np.broadcast_to(_arr(given["dh"]), (n,))

    def loss(v: dict[str, np.ndarray]) -> float:  # linear in h: its gradient is the upstream dh
        return float((dh * _h(v["z"], v["h_tilde"], v["h_prev"], update)).sum())

    for name, key in (("z", "dz"), ("h_tilde", "dh_tilde"), ("h_prev", "dh_prev")):
        num = []
        for j in range(n):
            hi = {k: v.copy() for k, v in base.items()}
            lo = {k: v.copy() for k, v in base.items()}
            hi[name][j] += EPS
            lo[name][j] -= EPS
            num.append((loss(hi) - loss(lo)) / (2 * EPS))
        assert _arr(ex.values[key]) == pytest.approx(num, rel=1e-6, abs=1e-9), key
    # pre-activations: z = σ(a_z), h̃ = tanh(a_h); differentiate through a = logit(z), atanh(h̃)
    for name, key, inv, fwd in (
        ("z", "da_z", lambda s: math.log(s / (1 - s)), lambda a: 1 / (1 + math.exp(-a))),
        ("h_tilde", "da_h", math.atanh, math.tanh),
    ):
        num = []
        for j in range(n):
            a = inv(float(base[name][j]))
            hi = {k: v.copy() for k, v in base.items()}
            lo = {k: v.copy() for k, v in base.items()}
            hi[name][j], lo[name][j] = fwd(a + EPS), fwd(a - EPS)
            num.append((loss(hi) - loss(lo)) / (2 * EPS))
        assert _arr(ex.values[key]) == pytest.approx(num, rel=1e-6, abs=1e-9), key


@pytest.mark.parametrize(
    ("given", "w_h"),
    [
        ({"r": 0.5, "z": 0.4, "h_tilde": 0.6, "h_prev": 0.2, "dh": 1}, [[0.7]]),
        ({"r": 0.3, "z": 0.6, "h_tilde": -0.2, "h_prev": -0.8, "dh": 2, "update": "z_new"}, [[-1.5]]),
        (
            {"r": [0.3, 0.9], "z": [0.4, 0.6], "h_tilde": [0.6, -0.5], "h_prev": [0.2, 1.0], "dh": [1, -1]},
            [[1, 2], [3, 4]],
        ),
        (
            {
                "r": [0.3, 0.9],
                "z": [0.4, 0.6],
                "h_tilde": [0.6, -0.5],
                "h_prev": [0.2, 1.0],
                "dh": [1, -1],
                "update": "z_new",
            },
            [[0.5, -2], [0.25, 1]],
        ),
    ],
)
def test_reset_gate_gradient_through_w_h(given: dict[str, Any], w_h: list[list[float]]) -> None:
    """h̃ = tanh(W_h·(r ⊙ hₜ₋₁) + c) with c fixed by the given h̃; move r and recompute h̃ and hₜ."""
    text = ";".join(",".join(str(v) for v in row) for row in w_h)
    ex = generate_example("gru.cell", {**given, "W_h": text})
    update = given.get("update", "z_old")
    w = np.array(w_h, dtype=float)
    n = w.shape[0]
    r0, z, ht0, hp = (np.broadcast_to(_arr(given[k]), (n,)).copy() for k in ("r", "z", "h_tilde", "h_prev"))
    dh = np.broadcast_to(_arr(given["dh"]), (n,))
    rest = np.arctanh(ht0) - w @ (r0 * hp)

    def loss(r: np.ndarray) -> float:
        ht = np.tanh(w @ (r * hp) + rest)
        return float((dh * _h(z, ht, hp, update)).sum())

    num_r, num_ar = [], []
    for j in range(n):
        hi, lo = r0.copy(), r0.copy()
        hi[j] += EPS
        lo[j] -= EPS
        num_r.append((loss(hi) - loss(lo)) / (2 * EPS))
        a = math.log(r0[j] / (1 - r0[j]))
        hi[j], lo[j] = 1 / (1 + math.exp(-(a + EPS))), 1 / (1 + math.exp(-(a - EPS)))
        num_ar.append((loss(hi) - loss(lo)) / (2 * EPS))
    assert _arr(ex.values["dr"]) == pytest.approx(num_r, rel=1e-6, abs=1e-9)
    assert _arr(ex.values["da_r"]) == pytest.approx(num_ar, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("ask", ["h", "z_h_prev", "z_h_tilde", "dz", "dh_tilde", "dh_prev", "da_z", "da_h"])
def test_every_value_is_askable(ask: str) -> None:
    given = {"z": 0.4, "h_tilde": 0.6, "h_prev": 0.2, "dh": 1}
    ex = generate_example("gru.cell", given, ask=ask)
    assert ex.answer == pytest.approx(ex.values[ask])


@pytest.mark.parametrize("ask", ["dr", "da_r"])
def test_reset_values_are_askable_with_w_h(ask: str) -> None:
    ex = generate_example("gru.cell", {"r": 0.5, "z": 0.4, "h_tilde": 0.6, "h_prev": 0.2, "dh": 1, "W_h": 0.7}, ask=ask)
    assert ex.answer == pytest.approx(ex.values[ask])


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ({"z": 1.2}, "parameter z: a sigmoid gate lies in [0, 1]"),
        ({"h_tilde": -1.5}, "parameter h_tilde: a tanh candidate lies in [−1, 1]"),
        ({"z": [0.1, 0.2], "h_prev": [0.1, 0.2, 0.3]}, "every vector needs n_h = 3"),
        ({"r": 0.5, "dh": 1}, "parameter r has no effect here"),
        ({"dh": 1, "W_h": 0.5}, "parameter W_h gives ∂L/∂r and needs r"),
        ({"r": 0.5, "W_h": 0.5}, "needs dh"),
        ({"z": [0.1, 0.2], "r": 0.5, "dh": 1, "W_h": "1,2"}, "W_h is 2 numbers in one row but h_prev has 2"),
        ({"z": [0.1, 0.2], "r": 0.5, "dh": 1, "W_h": "1,2,3;4,5,6"}, "W_h is 2×3"),
        ({"update": "z"}, "update"),
    ],
)
def test_bad_input_names_the_parameter(given: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example("gru.cell", given)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    ("update", "lang", "fragment"),
    [
        ("z_old", "en", "Hidden state: hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃ = 0.08 + 0.36 = 0.44"),
        ("z_new", "en", "Hidden state: hₜ = (1 − z) ⊙ hₜ₋₁ + z ⊙ h̃ = 0.12 + 0.24 = 0.36"),
        ("z_old", "zh", "隐状态: hₜ = z ⊙ hₜ₋₁ + (1 − z) ⊙ h̃ = 0.08 + 0.36 = 0.44"),
        ("z_old", "zh", "；门值已给出（没有权重）；a_z、a_h 为 z 与 h̃ 的净输入"),
        ("z_new", "zh", "hₜ = (1 − z) ⊙ hₜ₋₁ + z ⊙ h̃ₜ；门值已给出"),
        ("z_old", "zh", "只含直接路径：经过 r、z、h̃ 的路径需要权重"),
        ("z_old", "en", "the direct path only"),
    ],
)
def test_steps_in_both_languages(update: str, lang: str, fragment: str) -> None:
    # 0.4·0.2 = 0.08, 0.6·0.6 = 0.36 (z_old); 0.6·0.2 = 0.12, 0.4·0.6 = 0.24 (z_new)
    ex = generate_example("gru.cell", {"z": 0.4, "h_tilde": 0.6, "h_prev": 0.2, "dh": 1, "update": update})
    assert fragment in explain_text(ex, lang)


def test_no_english_left_in_the_chinese_convention() -> None:
    ex = generate_example("gru.cell", {"dh": 1, "r": 0.5, "W_h": 0.7})
    line = explain_text(ex, "zh").splitlines()[1]
    assert not any(w in line for w in ("given", "weights", "pre-activation")), line


def test_cli_json_and_ask() -> None:
    import json

    res = CliRunner().invoke(
        cli,
        [
            "example",
            "gru.cell",
            "--set",
            "z=0.4",
            "--set",
            "h_tilde=0.6",
            "--set",
            "h_prev=0.2",
            "--set",
            "dh=1",
            "--ask",
            "dz",
            "--json",
        ],
    )
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["answer"] == pytest.approx(1 * (0.2 - 0.6))
    bad = CliRunner().invoke(cli, ["example", "gru.cell", "--set", "z=2"])
    assert bad.exit_code == 2 and "Traceback" not in bad.output and "parameter z" in bad.output
