"""Optimisers on vector weights against loops written here, per method and convention; gradcheck of typed functions."""

from __future__ import annotations

import math
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from dlquiz.errors import ParamError
from dlquiz.worked import explain_text, generate_example

Vec = list[float]

# objectives with their gradients written by hand (independent of the graph engine)
OBJECTIVES: dict[str, tuple[Callable[[Vec], Vec], int]] = {
    "(w1 - 3)^2 + 10*w2^2": (lambda w: [2 * (w[0] - 3), 20 * w[1]], 2),
    "(w - 3)^2": (lambda w: [2 * (w[0] - 3)], 1),
    "w1^2*w2 + exp(w2/4)": (lambda w: [2 * w[0] * w[1], w[0] ** 2 + math.exp(w[1] / 4) / 4], 2),
    "w^2-10w+25": (lambda w: [2 * w[0] - 10], 1),
}


def reference(method: str, grad: Callable[[int, Vec], Vec], w0: Vec, k: int, **h: Any) -> list[Vec]:
    """Every w, step by step, by the textbook update rules (one loop per method)."""
    lr = h.get("lr", 0.1)
    w = list(w0)
    n = len(w)
    v = list(h.get("v0") or [0.0] * n)
    s = list(h.get("s0") or [0.0] * n)
    m = list(h.get("m0") or [0.0] * n)
    eps, inside = h.get("eps", 1e-8), h.get("eps_inside", False)
    out = [list(w)]
    for t in range(1, k + 1):
        if method == "nesterov":
            beta, conv = h.get("beta", 0.9), h.get("convention", "notes")
            ahead = [w[i] + beta * v[i] if conv == "cs231n" else w[i] - lr * beta * v[i] for i in range(n)]
            g = grad(t, ahead)
        else:
            g = grad(t, w)
        for i in range(n):
            if method == "sgd":
                w[i] -= lr * g[i]
            elif method in ("momentum", "nesterov"):
                beta, conv = h.get("beta", 0.9), h.get("convention", "notes")
                if conv == "notes":
                    v[i] = beta * v[i] + (1 - beta) * g[i]
                    w[i] -= lr * v[i]
                elif conv == "framework":
                    v[i] = beta * v[i] + g[i]
                    w[i] -= lr * v[i]
                else:
                    v[i] = beta * v[i] - lr * g[i]
                    w[i] += v[i]
            elif method in ("adagrad", "rmsprop"):
                if method == "adagrad":
                    s[i] += g[i] ** 2
                else:
                    beta = h.get("beta", 0.999)
                    s[i] = beta * s[i] + (1 - beta) * g[i] ** 2
                den = math.sqrt(s[i] + eps) if inside else math.sqrt(s[i]) + eps
                if den > 0:
                    w[i] -= lr * g[i] / den
            else:  # adam
                b1, b2 = h.get("beta1", 0.9), h.get("beta2", 0.999)
                m[i] = b1 * m[i] + (1 - b1) * g[i]
                v[i] = b2 * v[i] + (1 - b2) * g[i] ** 2
                mh, vh = (m[i] / (1 - b1**t), v[i] / (1 - b2**t)) if h.get("bias_correction", True) else (m[i], v[i])
                den = math.sqrt(vh + eps) if inside else math.sqrt(vh) + eps
                if den > 0:
                    w[i] -= lr * mh / den
        out.append(list(w))
    return out


CASES: list[tuple[str, dict[str, Any]]] = [
    ("sgd", {}),
    ("momentum", {"convention": "notes"}),
    ("momentum", {"convention": "framework", "beta": 0.5}),
    ("momentum", {"convention": "cs231n", "v0": [0.5, -0.25]}),
    ("nesterov", {"convention": "notes"}),
    ("nesterov", {"convention": "framework"}),
    ("nesterov", {"convention": "cs231n", "beta": 0.8}),
    ("adagrad", {}),
    ("adagrad", {"eps_inside": True, "eps": 1e-4, "s0": [1.0, 2.0]}),
    ("rmsprop", {"beta": 0.9}),
    ("rmsprop", {"beta": 0.99, "eps_inside": True, "s0": [0.5, 0.5]}),
    ("adam", {}),
    ("adam", {"bias_correction": False}),
    ("adam", {"eps_inside": True, "m0": [0.1, -0.1], "v0": [0.01, 0.02], "beta1": 0.8}),
]


def _as_vec(x: Any) -> Vec:
    return [float(v) for v in x] if isinstance(x, list) else [float(x)]


def _params(h: dict[str, Any], n: int) -> dict[str, Any]:
    out = dict(h)
    for name in ("v0", "s0", "m0"):
        if name in out:
            out[name] = out[name][:n]
    return out


@pytest.mark.parametrize(("method", "h"), CASES)
@pytest.mark.parametrize("f", list(OBJECTIVES))
def test_typed_objective_against_reference_loops(method: str, h: dict[str, Any], f: str) -> None:
    grad, n = OBJECTIVES[f]
    w0 = [0.5, -1.0][:n]
    k = 6
    params = {"f": f, "w0": w0, "k": k, "lr": 0.05, **_params(h, n)}
    ex = generate_example(f"opt.{method}", params)
    ref = reference(method, lambda t, w: grad(w), w0, k, lr=0.05, **_params(h, n))
    for t in range(1, k + 1):
        assert _as_vec(ex.values[f"w{t}"]) == pytest.approx(ref[t], rel=1e-9, abs=1e-12), (method, t)
    assert _as_vec(ex.answer) == pytest.approx(ref[-1], rel=1e-9, abs=1e-12)
    assert _as_vec(ex.values["w_k"]) == pytest.approx(ref[-1], rel=1e-9, abs=1e-12)


@pytest.mark.parametrize(("method", "h"), CASES)
def test_given_gradients_against_reference_loops(method: str, h: dict[str, Any]) -> None:
    rows = [[1.0, -2.0], [0.5, 0.25], [-1.5, 3.0], [0.0, 1.0]]
    ex = generate_example(f"opt.{method}", {"grads": rows, "w0": [1, 2], **h})
    ref = reference(method, lambda t, w: rows[t - 1], [1.0, 2.0], len(rows), **h)
    assert ex.params["k"] == 4
    for t in range(1, 5):
        assert ex.values[f"g{t}"] == rows[t - 1]
        assert ex.values[f"w{t}"] == pytest.approx(ref[t], rel=1e-9, abs=1e-12)


def test_the_course_momentum_numbers() -> None:
    # notes: dJ/dw = 2w − 10 from 0 with α = 0.1, β = 0.9: w = 0.1, 0.288, 0.55144
    ex = generate_example("opt.momentum", {"f": "(w - 5)^2", "w0": 0, "k": 3})
    assert [ex.values[f"w{t}"] for t in (1, 2, 3)] == pytest.approx([0.1, 0.288, 0.55144])
    assert ex.values["v1"] == pytest.approx(-1.0) and ex.values["g2"] == pytest.approx(-9.8)


def test_first_adam_step_is_alpha_times_sign_and_without_correction_it_is_not() -> None:
    a = generate_example("opt.adam", {"f": "(w1 - 3)^2 + 10*w2^2", "w0": "0, 1", "k": 1})
    assert a.answer == pytest.approx([0.1, 0.9], rel=1e-6)
    b = generate_example("opt.adam", {"f": "(w1 - 3)^2 + 10*w2^2", "w0": "0, 1", "k": 1, "bias_correction": False})
    # m = 0.1g, v = 0.001g²: the step is α·0.1/√0.001 = 0.316·α per weight
    assert b.answer == pytest.approx([0.1 * 0.1 / math.sqrt(0.001), 1 - 0.1 * 0.1 / math.sqrt(0.001)], rel=1e-6)
    assert "mhat1" in a.values and "mhat1" not in b.values


def test_hundred_steps_one_variable() -> None:
    ex = generate_example("opt.sgd", {"f": "(w - 3)^2", "w0": 0, "k": 100, "lr": 0.1})
    # w_t − 3 = (1 − 2α)^t (w_0 − 3)
    assert ex.answer == pytest.approx(3 - 3 * 0.8**100, rel=1e-12)
    assert len(ex.values["ws"]) == 101 and len(ex.values["gs"]) == 100
    assert ex.values["w100"] == ex.answer


@pytest.mark.parametrize("method", ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam"])
def test_zero_gradient_leaves_w(method: str) -> None:
    ex = generate_example(f"opt.{method}", {"grads": "0, 0, 0", "w0": 2})
    assert ex.values["ws"] == [2, 2, 2, 2]


def test_a_single_starting_value_serves_every_weight() -> None:
    ex = generate_example("opt.sgd", {"f": "(w1 - 3)^2 + 10*w2^2", "w0": 1, "k": 1})
    assert ex.answer == pytest.approx([1 + 0.1 * 4, 1 - 0.1 * 20])


@pytest.mark.parametrize(
    ("kind", "params", "fragment"),
    [
        ("opt.adam", {"f": "foo(w)"}, "unknown name 'foo'"),
        ("opt.adam", {"f": "erf(w)"}, "'erf' is not supported"),
        ("opt.sgd", {"f": "(w1 - 3)^2 + w2^2", "w0": "1,2,3"}, "f has 2 variables"),
        ("opt.sgd", {"grads": "1,2;3,4", "w0": "1,2,3"}, "each step's gradient has 2 entries but w0 has 3"),
        ("opt.rmsprop", {"f": "(w1 - 3)^2 + w2^2", "w0": "1,2", "s0": "1,2,3"}, "parameter s0: 3 values"),
        ("opt.sgd", {"f": "ln(w)", "w0": -1, "k": 1}, "ln needs a positive argument"),
        ("opt.sgd", {"f": "exp(1)"}, "has no variable"),
    ],
)
def test_bad_input_is_named(kind: str, params: dict[str, Any], fragment: str) -> None:
    with pytest.raises(ParamError) as err:
        generate_example(kind, params)
    assert fragment in str(err.value)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["opt.adam", "--set", "f=foo(w)"], "unknown name 'foo'"),
        (["opt.sgd", "--set", "f=(w1-3)^2+w2^2", "--set", "w0=1,2,3"], "but w0 has 3 values"),
        (["opt.lr-decay", "--set", "schedule=exponential", "--set", "decay_rate=0.5"], "decay_rate"),
        (["gradcheck", "--set", "f=x*y", "--set", "theta=1,2,3"], "f has 2 variables"),
    ],
)
def test_cli_bad_input_exits_2_without_traceback(args: list[str], fragment: str) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "dlquiz", "example", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"NO_COLOR": "1", "PATH": ""},
    )
    assert r.returncode == 2, r.stdout + r.stderr
    assert fragment in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_lr_decay_exponential_uses_base() -> None:
    ex = generate_example("opt.lr-decay", {"schedule": "exponential", "base": 0.5, "epoch": 3, "alpha0": 0.2})
    assert ex.answer == pytest.approx(0.2 * 0.5**3)


# --------------------------------------------------------------------------- gradcheck


@pytest.mark.parametrize(
    ("f", "theta", "exact"),
    [
        ("theta^3", [1.0], [3.0]),
        ("x^2*y + exp(y)", [1.0, 2.0], [4.0, 1 + math.exp(2)]),
        ("sigmoid(w)", [0.5], [math.exp(-0.5) / (1 + math.exp(-0.5)) ** 2]),
        ("ln(a) + a*b", [2.0, 3.0], [0.5 + 3, 2.0]),
    ],
)
def test_gradcheck_of_typed_functions(f: str, theta: list[float], exact: list[float]) -> None:
    eps = 1e-4
    ex = generate_example("gradcheck", {"f": f, "theta": theta, "eps": eps})
    assert _as_vec(ex.values["exact"]) == pytest.approx(exact, rel=1e-12)
    two = _as_vec(ex.values["two_sided"])
    assert two == pytest.approx(exact, rel=1e-6)
    num = math.sqrt(sum((a - b) ** 2 for a, b in zip(two, exact, strict=True)))
    den = math.sqrt(sum(a * a for a in two)) + math.sqrt(sum(b * b for b in exact))
    # from the 12 shown digits of the differences: the relative error to about 3 digits
    assert ex.values["rel_error"] == pytest.approx(num / den, rel=1e-2, abs=1e-13)
    assert ex.values["rel_error"] < 1e-7 and "the gradient is right" in ex.steps[-1].note


def test_gradcheck_presets_and_typed_agree() -> None:
    a = generate_example("gradcheck", {"f": "cube", "theta": 2, "eps": 0.01})
    b = generate_example("gradcheck", {"f": "theta^3", "theta": 2, "eps": 0.01})
    for name in ("one_sided", "two_sided", "exact"):
        assert a.values[name] == pytest.approx(b.values[name], rel=1e-12)


def test_gradcheck_one_sided_only() -> None:
    ex = generate_example("gradcheck", {"sided": "one"})
    assert ex.answer == ex.values["one_sided"]
    assert [s.name for s in ex.steps] == ["One-sided", "Exact", "Relative error"]


def test_texts_in_both_languages() -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("opt.nesterov", {"f": "(w1 - 3)^2 + 10*w2^2", "w0": "0,0", "convention": "cs231n"}),
        ("opt.adagrad", {"grads": "1,2;3,4", "w0": "1,1"}),
        ("opt.adam", {"bias_correction": False}),
        ("opt.sgd", {}),
    ]
    for kind, params in cases:
        ex = generate_example(kind, params)
        en, zh = explain_text(ex, "en"), explain_text(ex, "zh")
        assert en != zh and "Step 1" in en and "第 1 步" in zh


def test_adam_continues_a_run_with_t0() -> None:
    # two steps from zero, then one more step given the state after them, agree with three steps from zero
    rows = [[0.5, -1.0], [0.25, 2.0], [-1.0, 0.5]]
    full = generate_example("opt.adam", {"grads": rows, "w0": "0, 0"})
    head = generate_example("opt.adam", {"grads": rows[:2], "w0": "0, 0"})
    tail = generate_example(
        "opt.adam",
        {"grads": rows[2:], "w0": head.values["w2"], "m0": head.values["m2"], "v0": head.values["v2"], "t0": 2},
    )
    assert tail.answer == pytest.approx(full.answer, rel=1e-9)
    assert tail.values["mhat1"] == pytest.approx(full.values["mhat3"], rel=1e-9)


def test_gradcheck_point_by_name() -> None:
    by_name = generate_example("gradcheck", {"f": "x^2*y", "at": "y=2, x=1", "eps": 1e-3})
    by_order = generate_example("gradcheck", {"f": "x^2*y", "theta": "1, 2", "eps": 1e-3})
    assert by_name.values == by_order.values
    assert by_name.values["exact"] == [4, 1]  # ∂/∂x = 2xy, ∂/∂y = x²
    with pytest.raises(ParamError, match="parameter at: the preset cube"):
        generate_example("gradcheck", {"at": "theta=1"})
    with pytest.raises(ParamError, match="theta has no effect"):
        generate_example("gradcheck", {"f": "x^2*y", "at": "y=2, x=1", "theta": 3})
