"""Linear-model generators against independent oracles: finite differences and exact fits."""

from __future__ import annotations

import math

import pytest

from dlquiz.worked import generate_example


def _bce(w: list[float], b: float, x: list[float], y: int) -> float:
    z = sum(wi * xi for wi, xi in zip(w, x, strict=True)) + b
    a = 1 / (1 + math.exp(-z))
    return -(y * math.log(a) + (1 - y) * math.log(1 - a))


@pytest.mark.parametrize("seed", range(25))
def test_logistic_regression_gradients_match_two_sided_differences(seed: int) -> None:
    ex = generate_example("logreg.step", None, seed=seed)
    p, v = ex.params, ex.values
    x, y, w, b, lr = p["x"], p["y"], p["w"], p["b"], p["lr"]
    h = 1e-6
    db = (_bce(w, b + h, x, y) - _bce(w, b - h, x, y)) / (2 * h)
    dw1 = (_bce([w[0] + h, *w[1:]], b, x, y) - _bce([w[0] - h, *w[1:]], b, x, y)) / (2 * h)
    assert v["loss"] == pytest.approx(_bce(w, b, x, y), abs=1e-9)
    assert v["db"] == pytest.approx(db, abs=1e-6)
    assert v["b_new"] == pytest.approx(b - lr * db, abs=1e-6)
    assert v["w1_new"] == pytest.approx(w[0] - lr * dw1, abs=1e-6)


def test_logistic_regression_textbook_numbers() -> None:
    # z = 0.5·1 − 0.25·2 = 0, a = 1/2, L = ln 2, dz = −1/2, b ← 0 + 0.1·0.5
    ex = generate_example("logreg.step", {"x": [1, 2], "y": 1, "w": [0.5, -0.25], "b": 0, "lr": 0.1})
    assert ex.values["a"] == pytest.approx(0.5)
    assert ex.values["loss"] == pytest.approx(math.log(2))
    assert ex.answer == pytest.approx([-0.5, -1.0])  # the question asks for dw = dz·x by default
    assert ex.values["b_new"] == pytest.approx(0.05)


@pytest.mark.parametrize("seed", range(20))
def test_the_squared_feature_fits_exactly_and_the_line_does_not(seed: int) -> None:
    ex = generate_example("ml.fit-feature", None, seed=seed)
    c = ex.params["c"]
    assert ex.answer == pytest.approx(c)
    assert ex.values["mse_z"] == pytest.approx(0, abs=1e-12)
    xs = ex.params["xs"]
    ys = [c * x * x for x in xs]
    # the straight line's error is what least squares leaves: residuals orthogonal to (x, 1)
    k, d = ex.values["slope_x"], ex.values["intercept_x"]
    residuals = [k * x + d - yv for x, yv in zip(xs, ys, strict=True)]
    assert sum(residuals) == pytest.approx(0, abs=1e-9)
    assert sum(r * x for r, x in zip(residuals, xs, strict=True)) == pytest.approx(0, abs=1e-9)
    assert ex.values["mse_x"] == pytest.approx(sum(r * r for r in residuals) / len(xs))
