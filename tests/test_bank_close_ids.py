"""Suggestions for an item id that does not exist: a close id of the same topic or area, or none."""

from __future__ import annotations

import pytest

from dlquiz.bank import close_ids, load_bank

IDS = [
    "act.relu.eval",
    "act.relu.range",
    "act.relu.dying",
    "act.elu.eval",
    "act.sigmoid.derivative",
    "act.sigmoid.range",
    "loss.ce.fixed",
    "loss.ce.zero",
    "loss.mse.eval",
    "conv.size.valid-same",
]


@pytest.mark.parametrize(
    ("wanted", "first", "allowed"),
    [
        ("nope.id", None, set()),  # nothing alike: no suggestion (it was loss.ce.fixed)
        ("zzz", None, set()),
        ("act.relu.evl", "act.relu.eval", {"act.relu.eval", "act.relu.range", "act.relu.dying"}),  # same topic only
        ("act.relu.x", None, set()),  # the right topic, but nothing after it alike
        ("act.relu.eval-sum", "act.relu.eval", {"act.relu.eval"}),  # one id begins the other
        ("act.relu.", "act.relu.eval", {"act.relu.eval", "act.relu.range", "act.relu.dying"}),
        ("act", None, set()),  # an area alone is too broad to suggest from
        ("act.relu", "act.relu.eval", {"act.relu.eval", "act.relu.range", "act.relu.dying"}),  # a topic: its items
        ("act.rleu.eval", "act.relu.eval", {"act.relu.eval", "act.elu.eval"}),  # a typo in the topic: same area
        ("atc.relu.eval", "act.relu.eval", {"act.relu.eval", "act.elu.eval"}),  # a typo in the area itself
        ("loss.ce.fixd", "loss.ce.fixed", {"loss.ce.fixed", "loss.ce.zero"}),
        ("Act.Sigmoid.Derivative", "act.sigmoid.derivative", {"act.sigmoid.derivative"}),  # case is ignored
        ("conv.size.valid-same.x", "conv.size.valid-same", {"conv.size.valid-same"}),
        ("act.sigmoid.lol", None, set()),  # the right topic, but no id alike
    ],
)
def test_close_ids(wanted: str, first: str | None, allowed: set[str]) -> None:
    close = close_ids(wanted, IDS)
    assert (close[0] if close else None) == first
    assert set(close) <= allowed
    assert len(close) == len(set(close)) <= 5


def test_at_most_n_suggestions() -> None:
    ids = [f"act.relu.eval{k}" for k in range(9)]
    assert len(close_ids("act.relu.eval", ids)) == 5
    assert len(close_ids("act.relu.eval", ids, n=2)) == 2


def test_the_shipped_bank_suggests_within_the_topic() -> None:
    bank = load_bank()
    assert bank.close_ids("nope.id") == []
    close = bank.close_ids("act.sigmoid.derivativ")
    assert close[0] == "act.sigmoid.derivative"
    assert all(i.startswith("act.sigmoid.") for i in close)
