"""Numeric keys of chapters 1, 2, 3 and 9 against calculations written here.

Each oracle recomputes an item's key from the numbers in its prompt, in plain Python or NumPy,
without calling dlquiz. A new fixed-number item in these chapters needs an oracle here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import numpy as np
import pytest

from dlquiz.bank import Bank, load_bank
from dlquiz.bank.model import Item


def _sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _softmax(o: list[float]) -> np.ndarray:
    e = np.exp(np.array(o, dtype=float))
    return e / e.sum()


def _least_squares_intercept() -> float:
    """Best b of y = a·x + b through (−1, 5), (0, 0), (1, 5)."""
    x = np.array([-1.0, 0.0, 1.0])
    a, b = np.polyfit(x, 5 * x**2, 1)
    return float(b)


def _logreg_step_w2() -> float:
    w, b, x, y, lr = np.zeros(2), 0.0, np.array([1.0, 2.0]), 1.0, 0.1
    a = _sig(float(w @ x) + b)
    return float((w - lr * (a - y) * x)[1])


def _mse_grad_w() -> float:
    """∂/∂w of J = 1/(2m) Σ (w·x + b − y)² at w = 1, b = 0, by a central difference."""
    x, y = np.array([1.0, 2.0]), np.array([2.0, 3.0])

    def cost(w: float) -> float:
        return float(((w * x - y) ** 2).sum() / (2 * len(x)))
    e = 1e-6
    return (cost(1 + e) - cost(1 - e)) / (2 * e)


def _perceptron_one_update_w1() -> float:
    w, b, x, y = np.zeros(2), 0.0, np.array([2.0, 1.0]), -1.0
    if y * (w @ x + b) <= 0:
        w, b = w + y * x, b + y
    return float(w[0])


def _softmax_grad_first() -> float:
    """d/do₀ of −log softmax(o)₀ at o = (1, 2, 3), by a central difference."""
    def loss(o0: float) -> float:
        return float(-math.log(_softmax([o0, 2.0, 3.0])[0]))
    e = 1e-6
    return (loss(1 + e) - loss(1 - e)) / (2 * e)


ORACLES: dict[str, Callable[[], float]] = {
    # chapter 2
    "ml.fit.feature-z": lambda: 5.0 * (-2.0) ** 2,
    "ml.fit.best-line": _least_squares_intercept,
    # chapter 3
    "logreg.predict-number": lambda: _sig(2 * 1 + (-1) * 3 + 0.5),
    "logreg.gd-step": _logreg_step_w2,
    "loss.bce.fixed": lambda: -math.log(0.8),
    "loss.bce.batch-mean": lambda: (-math.log(0.9) - math.log(1 - 0.3)) / 2,
    "loss.ce.fixed": lambda: float(-np.log(np.array([0.7, 0.2, 0.1]) @ np.array([1, 0, 0]))),
    "loss.mse.fixed": lambda: float(((np.array([0.5, 0.8]) - np.array([1, 0])) ** 2).sum() / 4),
    "loss.mse.grad-w": _mse_grad_w,
    "perceptron.bound-number": lambda: (1**2 + 1) / 0.1**2,
    "perceptron.one-update": _perceptron_one_update_w1,
    "softmax.def.pmax-fixed": lambda: float(_softmax([1, 2, 3])[2]),
    "softmax.grad.fixed": _softmax_grad_first,
}


@cache
def _bank() -> Bank:
    return load_bank()


def _fixed_numeric_items() -> list[Item]:
    return [i for i in _bank().items
            if i.chapter in (1, 2, 3, 9) and i.kind == "numeric" and i.answer is not None]


def _accepts(item: Item, value: float) -> bool:
    key = float(item.answer)
    if item.tolerance is not None:
        return abs(value - key) <= item.tolerance + 1e-12
    if item.rel_tolerance is not None:
        return abs(value - key) <= item.rel_tolerance * abs(key)
    if key == int(key):  # exact for an integer key (up to float rounding of the oracle)
        return abs(value - key) < 1e-6
    return abs(value - key) <= 0.001 * abs(key)


def _four_significant(value: float) -> float:
    return float(f"{value:.4g}")


def test_every_fixed_numeric_item_of_chapters_1_2_3_9_has_an_oracle() -> None:
    ids = {i.id for i in _fixed_numeric_items()}
    assert ids, "no numeric items found in chapters 1, 2, 3, 9"
    assert ids == set(ORACLES), (ids - set(ORACLES), set(ORACLES) - ids)


@pytest.mark.parametrize("item_id", sorted(ORACLES))
def test_numeric_key_matches_an_independent_calculation(item_id: str) -> None:
    item = _bank().get(item_id)
    assert item is not None, item_id
    value = float(ORACLES[item_id]())
    assert _accepts(item, value), f"{item.where}: key {item.answer}, recomputed {value}"


@pytest.mark.parametrize("item_id", sorted(ORACLES))
def test_the_true_value_to_four_significant_figures_is_accepted(item_id: str) -> None:
    item = _bank().get(item_id)
    assert item is not None
    value = _four_significant(float(ORACLES[item_id]()))
    assert _accepts(item, value), f"{item.where}: {value} (4 significant figures) counts as wrong"


@pytest.mark.parametrize("item_id", sorted(ORACLES))
def test_no_listed_mistake_would_be_accepted(item_id: str) -> None:
    item = _bank().get(item_id)
    assert item is not None
    for m in item.mistakes:
        assert not _accepts(item, float(m.answer)), f"{item.where}: mistake {m.answer} counts as right"
