"""Sentences of a model answer are counted at their ends, not at decimal points or abbreviations."""

from __future__ import annotations

import pytest

from dlquiz.bank.check import count_sentences


@pytest.mark.parametrize(
    ("text", "n"),
    [
        ("IoU thresholds of 0.5 and 0.95 are used. Then mAP is their mean.", 2),
        ("Use e.g. a 3×3 kernel. It works! Why? Because.", 4),
        ("Compare i.e. the two. A vs. B differ; etc. is fine too. Done.", 3),
        ("梯度消失。门控缓解它！为什么？", 3),
        ("The cell state is additive: c_t = f_t ⊙ c_{t−1} + i_t ⊙ c̃_t. So gradients survive.", 2),
        ("No full stop at the end", 1),
        ("Ends with dots... and goes on. End.", 3),
    ],
)
def test_count_sentences(text: str, n: int) -> None:
    assert count_sentences(text) == n
