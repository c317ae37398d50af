"""Regression tests for defects found by using the worked examples: each failed before its fix."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest
from click.testing import CliRunner

from dlquiz.cli import cli
from dlquiz.worked import format_value, generate_example
from dlquiz.worked.render import render_text, to_latex, to_markdown

X2 = [[[1, 2, 0], [0, 1, 3], [2, 1, 0]], [[1, 0, 1], [2, 2, 0], [0, 1, 1]]]
K2 = [[[[1, 0], [0, 1]], [[0, 1], [1, 0]]], [[[1, 1], [0, 0]], [[0, 0], [1, 1]]]]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def _xcorr_loops(x: list[Any], k: list[Any]) -> np.ndarray:
    xs, ks = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    c_out, c_in, kh, kw = ks.shape
    oh, ow = xs.shape[1] - kh + 1, xs.shape[2] - kw + 1
    y = np.zeros((c_out, oh, ow))
    for o in range(c_out):
        for i in range(oh):
            for j in range(ow):
                y[o, i, j] = sum(
                    xs[c, i + a, j + b] * ks[o, c, a, b] for c in range(c_in) for a in range(kh) for b in range(kw)
                )
    return y


# --------------------------------------------------------------------------- 1. tensors of rank 3 and 4


@pytest.mark.parametrize(
    ("value", "lines"),
    [
        ([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], ["[0]", "[1, 2]", "[3, 4]", "[1]", "[5, 6]", "[7, 8]"]),
        ([[[[1]], [[2]]]], ["[0][0]", "[1]", "[0][1]", "[2]"]),
        ([[1, -2], [3, 4]], ["[ 1, -2]", "[ 3,  4]"]),
    ],
)
def test_format_value_prints_channel_blocks(value: Any, lines: list[str]) -> None:
    assert format_value(value).splitlines() == lines
    assert format_value(np.asarray(value)).splitlines() == lines


@pytest.mark.parametrize("fmt", ["text", "md", "latex", "json"])
def test_multi_channel_convolution_prints_in_every_format(fmt: str) -> None:
    code, out, err = run("example", "conv.by-hand", "--set", f"X={X2}", "--set", f"K={K2}", "--format", fmt)
    assert code == 0, err
    assert "Traceback" not in out + err


def test_multi_channel_convolution_boxes_the_tensor() -> None:
    ex = generate_example("conv.by-hand", {"X": X2, "K": K2})
    want = _xcorr_loops(X2, K2)
    assert np.asarray(ex.answer, dtype=float).shape == want.shape == (2, 2, 2)
    assert np.asarray(ex.answer, dtype=float) == pytest.approx(want)
    assert ex.asked == "Y"
    md = to_markdown(ex)
    assert "[0]\n[4, 8]\n[3, 2]\n[1]\n[7, 4]\n[2, 6]" in md.split("**Answer:**")[1]
    assert "[1][1]" in to_latex(ex) or "[1]" in to_latex(ex)
    assert "│ 7 │ 4 │" in render_text(ex, width=100)


def test_multi_channel_pool_ask_entry_and_worksheet() -> None:
    x = [
        [[1, 2, 0, 1], [0, 1, 3, 2], [2, 1, 0, 1], [1, 0, 2, 3]],
        [[1, 0, 1, 0], [2, 2, 0, 1], [0, 1, 1, 4], [3, 0, 0, 1]],
    ]
    code, out, err = run("example", "pool", "--set", f"X={x}", "--ask", "Y[1][1][1]", "--json")
    assert code == 0, err
    assert json.loads(out)["answer"] == max(1, 4, 0, 1)
    code, out, err = run("example", "pool", "--set", f"X={x}", "--ask", "Y", "--format", "md")
    assert code == 0, err
    assert "[1]\n[2, 1]\n[3, 4]" in out


# --------------------------------------------------------------------------- 2. a fixed dim steers the draw


@pytest.mark.parametrize("seed", range(1, 13))
@pytest.mark.parametrize("dim", ["1", "2"])
def test_fixed_dim_steers_the_draw(seed: int, dim: str) -> None:
    ex = generate_example("conv.by-hand", {"dim": dim}, seed=seed)
    x = np.asarray(ex.params["X"])
    assert ex.params["dim"] == dim
    assert x.ndim in ((1, 2) if dim == "1" else (2, 3))
    assert np.asarray(ex.answer).ndim == int(dim)


def test_fixed_dim_cli_seed_1() -> None:
    code, out, err = run("example", "conv.by-hand", "--set", "dim=1", "--seed", "1", "--json")
    assert code == 0, err
    assert json.loads(out)["params"]["dim"] == "1"


# --------------------------------------------------------------------------- 3. max/min at a tie


@pytest.mark.parametrize(
    ("f", "at", "tied", "grad"),
    [
        ("max(x, y)*z", "x=2, y=2, z=3", True, [3, 0, 2]),
        ("min(x, y)*z", "x=-1, y=-1, z=2", True, [2, 0, -1]),
        ("max(x, y)*z", "x=1, y=2, z=3", False, [0, 3, 2]),
    ],
)
def test_tie_at_max_is_flagged_in_both_languages(f: str, at: str, tied: bool, grad: list[float]) -> None:
    ex = generate_example("backprop.graph", {"f": f, "at": at})
    assert ex.answer == grad
    assert bool(ex.warnings) == tied
    if tied:
        assert "no derivative" in ex.warnings[0] and "first of them, x" in ex.warnings[0]
        zh = render_text(ex, lang="zh", width=200)
        assert "不可导" in zh and "no derivative" not in zh


# --------------------------------------------------------------------------- 4. optimisers on a vector w


def _adam(w: list[float], grad: Any, k: int, lr: float = 0.001) -> list[list[float]]:
    """Adam with bias correction, plain Python: the iterates w0 … wk."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    m = [0.0] * len(w)
    v = [0.0] * len(w)
    out = [list(w)]
    for t in range(1, k + 1):
        g = grad(w)
        m = [b1 * a + (1 - b1) * x for a, x in zip(m, g, strict=True)]
        v = [b2 * a + (1 - b2) * x * x for a, x in zip(v, g, strict=True)]
        w = [
            wi - lr * (mi / (1 - b1**t)) / ((vi / (1 - b2**t)) ** 0.5 + eps) for wi, mi, vi in zip(w, m, v, strict=True)
        ]
        out.append(list(w))
    return out


VEC = ["--set", "f=(w1-3)^2+10*w2^2", "--set", "w0=1,1", "--set", "k=2", "--set", "lr=0.1"]


@pytest.mark.parametrize(("name", "step", "coord"), [("w2[1]", 2, 1), ("w2[0]", 2, 0), ("w1[1]", 1, 1)])
def test_optimiser_coordinates_are_askable(name: str, step: int, coord: int) -> None:
    want = _adam([1.0, 1.0], lambda w: [2 * (w[0] - 3), 20 * w[1]], 2, lr=0.1)[step][coord]
    code, out, err = run("example", "opt.adam", *VEC, "--ask", name, "--json")
    assert code == 0, err
    assert json.loads(out)["answer"] == pytest.approx(want, rel=1e-9)
    # the bank's `ask = "w2[1]"` goes through the same lookup
    from dlquiz.worked._core import lookup_value

    ex = generate_example("opt.adam", {"f": "(w1-3)^2+10*w2^2", "w0": [1, 1], "k": 2, "lr": 0.1})
    assert lookup_value("opt.adam", ex.values, name) == pytest.approx(want, rel=1e-9)


def test_params_shapes_follow_the_given_parameters() -> None:
    code, out, err = run("example", "opt.adam", *VEC, "--params", "--json")
    assert code == 0, err
    desc = json.loads(out)
    shapes = {v["name"]: v["shape"] for v in desc["values"]}
    assert desc["shapes_from"] == "given"
    assert shapes["w2"] == [2] and shapes["g1"] == [2] and shapes["ws"] == [3, 2]
    code, out, _ = run("example", "opt.adam", "--params", "--json")
    assert json.loads(out)["shapes_from"] == "default"
    code, out, _ = run("example", "opt.adam", "--params")
    assert "NAME[i]" in out and "shapes of the default run" in out


# --------------------------------------------------------------------------- 5. rnn.params draws a plain layer


@pytest.mark.parametrize("seed", range(1, 21))
@pytest.mark.parametrize("fixed", [{"cell": "gru"}, {"input_size": 100, "hidden_size": 128}, {"bias": "two"}])
def test_rnn_params_with_a_fixed_parameter_is_one_plain_layer(seed: int, fixed: dict[str, Any]) -> None:
    ex = generate_example("rnn.params", fixed, seed=seed)
    assert ex.params["layers"] == 1 and ex.params["bidirectional"] is False and ex.params["outputs"] == 0
    p = ex.params
    gates = {"rnn": 1, "gru": 3, "lstm": 4}[p["cell"]]
    nb = {"one": 1, "two": 2, "none": 0}[p["bias"]]
    h, n = p["hidden_size"], p["input_size"]
    assert ex.answer == gates * (h * n + h * h + nb * h)


def test_rnn_params_fully_random_still_varies_the_structure() -> None:
    shapes = {
        (
            generate_example("rnn.params", seed=s).params["layers"],
            generate_example("rnn.params", seed=s).params["bidirectional"],
        )
        for s in range(1, 40)
    }
    assert len(shapes) > 1
    stacked = generate_example("rnn.params", {"cell": "lstm", "layers": 2}, seed=3)
    assert stacked.params["layers"] == 2


# --------------------------------------------------------------------------- 6. long Chinese cells wrap


def test_chinese_cells_wrap_instead_of_being_cut() -> None:
    ex = generate_example("cnn.summary")
    zh = render_text(ex, lang="zh", width=80)
    assert "…" not in zh
    assert "偏置 10;" in zh and "浮点运算" in zh
    import re

    code, out, _ = run("example", "cnn.summary", "--params", "--lang", "zh")
    assert code == 0
    cut = [line for line in out.splitlines() if re.search(r"…\s*│\s*$", line)]
    assert not cut, cut


# --------------------------------------------------------------------------- 7. params copied in compute


def _copying_generators() -> None:
    from dlquiz.worked._core import Out, ParamSpec, Step, register

    specs = [
        ParamSpec("a", "first number", 1.0, "float"),
        ParamSpec("b", "second number", 2.0, "float"),
        ParamSpec("mode", "sum or first", "sum", "choice", choices=("sum", "first")),
    ]

    def body(q: dict[str, Any]) -> Out:
        total = q["a"] + q["b"] if q["mode"] == "sum" else q["a"]
        return Out([Step("Result", "a + b" if q["mode"] == "sum" else "a", total)], total, {})

    register("test.copy-dict", "t", "dict(p)", specs, [])(lambda p: body(dict(p)))
    register("test.copy-star", "t", "{**p}", specs, [])(lambda p: body({**p}))
    register("test.copy-method", "t", "p.copy()", specs, [])(lambda p: body(p.copy()))


@pytest.fixture
def copying() -> Any:
    from dlquiz.worked import _core

    _core._load()
    saved = dict(_core._REGISTRY)
    _copying_generators()
    yield
    _core._REGISTRY.clear()
    _core._REGISTRY.update(saved)


@pytest.mark.parametrize("kind", ["test.copy-dict", "test.copy-star", "test.copy-method"])
def test_a_parameter_read_through_a_copy_is_used(copying: Any, kind: str) -> None:
    assert generate_example(kind, {"b": 5}).answer == 6
    assert generate_example(kind, {"a": 3, "b": 5, "mode": "sum"}).answer == 8
    # still refused where it truly has no effect: b in mode 'first'
    from dlquiz.errors import ParamError

    with pytest.raises(ParamError, match="parameter b has no effect"):
        generate_example(kind, {"b": 5, "mode": "first"})


def test_kinds_list_headings_in_chinese() -> None:
    code, out, _ = run("example", "--lang", "zh")
    assert code == 0
    assert out.splitlines()[0].split() == ["类型", "主题", "标题"]


# --------------------------------------------------------------------------- lstm.cell: gates given


@pytest.mark.parametrize(
    "given",
    [
        {"f": 0.8, "i": 0.5, "c_tilde": 0.6, "o": 0.9, "c_prev": 0.4, "dh": 1},
        {
            "f": [0.2, 0.7],
            "i": [0.4, 0.1],
            "c_tilde": [-0.6, 0.3],
            "o": [0.3, 0.9],
            "c_prev": [2, -1],
            "dh": [0.5, -1],
            "dc": [0.1, 0.2],
        },
    ],
)
def test_lstm_cell_gradients_against_finite_differences(given: dict[str, Any]) -> None:
    ex = generate_example("lstm.cell", given)
    names = ("f", "i", "c_tilde", "o", "c_prev")
    base = {k: np.atleast_1d(np.asarray(given[k], dtype=float)) for k in names}
    dh = np.atleast_1d(np.asarray(given["dh"], dtype=float))
    dc = np.atleast_1d(np.asarray(given.get("dc", 0.0), dtype=float))

    def loss(v: dict[str, np.ndarray]) -> float:
        c = v["f"] * v["c_prev"] + v["i"] * v["c_tilde"]
        return float((dh * v["o"] * np.tanh(c)).sum() + (dc * c).sum())  # linear in h and c: upstream dh, dc

    assert np.atleast_1d(ex.values["h"]) == pytest.approx(
        base["o"] * np.tanh(base["f"] * base["c_prev"] + base["i"] * base["c_tilde"])
    )
    for name, key in (("f", "df"), ("i", "di"), ("c_tilde", "dc_tilde"), ("o", "do"), ("c_prev", "dc_prev")):
        num = []
        for j in range(base[name].size):
            hi = {k: v.copy() for k, v in base.items()}
            lo = {k: v.copy() for k, v in base.items()}
            hi[name][j] += 1e-6
            lo[name][j] -= 1e-6
            num.append((loss(hi) - loss(lo)) / 2e-6)
        assert np.atleast_1d(ex.values[key]) == pytest.approx(num, rel=1e-6, abs=1e-9), key


@pytest.mark.parametrize(
    ("given", "fragment"),
    [
        ({"f": 1.2}, "a sigmoid gate lies in [0, 1]"),
        ({"c_tilde": -2}, "a tanh candidate lies in [−1, 1]"),
        ({"f": [0.1, 0.2], "o": [0.1, 0.2, 0.3]}, "every vector needs n_h"),
        ({"dc": 1}, "needs dh"),
    ],
)
def test_lstm_cell_bad_input(given: dict[str, Any], fragment: str) -> None:
    from dlquiz.errors import ParamError

    with pytest.raises(ParamError, match=re_escape(fragment)):
        generate_example("lstm.cell", given)


def re_escape(text: str) -> str:
    import re

    return re.escape(text)


def test_mine_with_a_wrong_channel_names_its_step() -> None:
    result = CliRunner().invoke(
        cli,
        ["example", "conv.by-hand", "--set", f"X={X2}", "--set", f"K={K2}", "--mine", "-"],
        input="Y0 = 4,8;3,2\nY1 = 7,4;2,7\n",
    )
    assert result.exit_code == 1
    right = _xcorr_loops(X2, K2)
    assert right[1, 1, 1] == 6  # the typed 7 is wrong
    assert "✓ Y0" in result.stdout and "✗ Y1" in result.stdout
    assert "Output (channel 1)" in result.stdout


def test_mine_heading_says_one_value() -> None:
    result = CliRunner().invoke(cli, ["example", "lstm.cell", "--mine", "-"], input="c = 0.62\n")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == "Checking your working: lstm.cell (1 value)"
