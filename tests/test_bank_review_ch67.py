"""Numeric keys of chapters 6 (RNN) and 7 (optimisation) against calculations written here.

Each oracle recomputes an item's key from the numbers in its prompt, step by step in plain
Python, without calling dlquiz. A new fixed-number item in these chapters needs an oracle here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import cache

import pytest

from dlquiz.bank import Bank, load_bank
from dlquiz.bank.model import Item


def _sig(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def _rnn_scalar(u: float, w: float, xs: list[float], f: Callable[[float], float]) -> list[float]:
    hs = [0.0]
    for x in xs:
        hs.append(f(u * x + w * hs[-1]))
    return hs


def _linear_rnn_grads() -> tuple[float, float]:
    """∂L/∂u and ∂L/∂w of h_t = w·h_{t−1} + u·x_t, L = ½(h_2 − y)², by finite differences."""
    def loss(u: float, w: float) -> float:
        h2 = _rnn_scalar(u, w, [1.0, 2.0], lambda s: s)[2]
        return 0.5 * (h2 - 1.0) ** 2
    e = 1e-6
    du = (loss(0.5 + e, 0.8) - loss(0.5 - e, 0.8)) / (2 * e)
    dw = (loss(0.5, 0.8 + e) - loss(0.5, 0.8 - e)) / (2 * e)
    return du, dw


def _descent(step: Callable[[float, int], float], k: int) -> float:
    """Run k steps from w = 0 on J(w) = w² − 10w + 25; step(g, t) returns the move."""
    w = 0.0
    for t in range(1, k + 1):
        w -= step(2 * w - 10, t)
    return w


def _momentum(lr: float, beta: float, k: int) -> float:
    v = 0.0

    def step(g: float, t: int) -> float:
        nonlocal v
        v = beta * v + (1 - beta) * g
        return lr * v
    return _descent(step, k)


def _rmsprop(lr: float, beta: float, k: int, eps: float = 1e-8) -> float:
    s = 0.0

    def step(g: float, t: int) -> float:
        nonlocal s
        s = beta * s + (1 - beta) * g * g
        return lr * g / (math.sqrt(s) + eps)
    return _descent(step, k)


def _adam(lr: float, k: int, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> float:
    v = s = 0.0

    def step(g: float, t: int) -> float:
        nonlocal v, s
        v = b1 * v + (1 - b1) * g
        s = b2 * s + (1 - b2) * g * g
        return lr * (v / (1 - b1**t)) / (math.sqrt(s / (1 - b2**t)) + eps)
    return _descent(step, k)


def _ewma(thetas: list[float], beta: float) -> list[float]:
    vs, v = [], 0.0
    for th in thetas:
        v = beta * v + (1 - beta) * th
        vs.append(v)
    return vs


def _bn(z: list[float]) -> tuple[float, float]:
    mu = sum(z) / len(z)
    var = sum((x - mu) ** 2 for x in z) / len(z)
    return var, (z[0] - mu) / math.sqrt(var + 1e-8)


ORACLES: dict[str, Callable[[], float]] = {
    # chapter 6
    "rnn.forward.param-count": lambda: 4 * 3 + 4 * 4 + 2 * 4,
    "rnn.forward.h2-numeric": lambda: _rnn_scalar(0.5, 1.0, [1.0, 2.0], _sig)[2],
    "rnn.bptt.linear-du-numeric": lambda: _linear_rnn_grads()[0],
    "rnn.bptt.linear-dw-numeric": lambda: _linear_rnn_grads()[1],
    "rnn.gradients.power-numeric": lambda: math.prod([0.9] * 50),
    "lstm.gates.step-numeric": lambda: 0.9 * math.tanh(0.5 * 2 + 0.8 * -0.5),
    "lstm.gates.param-count": lambda: 4 * (20 * 20 + 20 * 10 + 20),
    # chapter 7
    "opt.minibatch.notes-example": lambda: len(range(0, 50_000, 100)),
    "opt.minibatch.ceil": lambda: len(range(0, 1000, 64)),
    "opt.minibatch.total-updates": lambda: 20 * len(range(0, 50_000, 100)),
    "opt.minibatch.epochs-ceil": lambda: 10 * len(range(0, 1000, 64)),
    "opt.ewma.corrected-numeric": lambda: _ewma([10, 12, 11], 0.9)[-1] / (1 - 0.9**3),
    "opt.ewma.oldest-weight": lambda: _ewma([1, 0, 0], 0.9)[-1],
    "opt.momentum.notes-cost": lambda: _momentum(0.1, 0.9, 3),
    "opt.rmsprop.notes-cost": lambda: _rmsprop(0.1, 0.9, 2),
    "opt.adam.notes-cost": lambda: _adam(0.1, 2),
    "opt.lr-decay.inverse-numeric": lambda: 0.2 / (1 + 1 * 4),
    "opt.lr-decay.exponential-numeric": lambda: 0.2 * 0.95 * 0.95 * 0.95,
    "opt.lr-decay.sqrt-numeric": lambda: 1 / math.sqrt(100) * 0.2,
    "opt.lr-decay.half-life": lambda: next(n for n in range(100) if 0.95**n < 0.5),
    "opt.hyper.log-fraction": lambda: (-3 - -4) / (0 - -4),
    "gradcheck.one-sided-cube": lambda: (1.01**3 - 1) / 0.01,
    "gradcheck.two-sided-cube": lambda: (1.01**3 - 0.99**3) / 0.02,
    "gradcheck.one-sided-error": lambda: (2.1**3 - 8) / 0.1 - 12,
    "norm.batch.variance": lambda: _bn([1, 2, 3, 6])[0],
    "norm.batch.first-output": lambda: _bn([1, 2, 3, 6])[1],
    "reg.dropout.scale-one": lambda: 2.0 / 0.8,
    "reg.dropout.expected-dropped": lambda: 50 * (1 - 0.8),
    "reg.dropout.expected-value": lambda: 0.8 * (3 / 0.8) + 0.2 * 0,
}


@cache
def _bank() -> Bank:
    return load_bank()


def _fixed_numeric_items() -> list[Item]:
    return [i for i in _bank().items
            if i.chapter in (6, 7) and i.kind == "numeric" and i.answer is not None]


def _accepts(item: Item, value: float) -> bool:
    key = float(item.answer)
    if item.tolerance is not None:
        return abs(value - key) <= item.tolerance + 1e-12
    if item.rel_tolerance is not None:
        return abs(value - key) <= item.rel_tolerance * abs(key)
    if key == int(key):  # exact for an integer key (up to float rounding of the oracle)
        return abs(value - key) < 1e-9
    return abs(value - key) <= 0.001 * abs(key)


def test_every_fixed_numeric_item_of_chapters_6_and_7_has_an_oracle() -> None:
    ids = {i.id for i in _fixed_numeric_items()}
    assert ids, "no numeric items found in chapters 6-7"
    assert ids == set(ORACLES), (ids - set(ORACLES), set(ORACLES) - ids)


@pytest.mark.parametrize("item_id", sorted(ORACLES))
def test_numeric_key_matches_an_independent_calculation(item_id: str) -> None:
    item = _bank().get(item_id)
    assert item is not None, item_id
    value = float(ORACLES[item_id]())
    assert _accepts(item, value), f"{item.where}: key {item.answer}, recomputed {value}"


@pytest.mark.parametrize("item_id", sorted(ORACLES))
def test_no_listed_mistake_would_be_accepted(item_id: str) -> None:
    item = _bank().get(item_id)
    assert item is not None
    for m in item.mistakes:
        assert not _accepts(item, float(m.answer)), f"{item.where}: mistake {m.answer} counts as right"
