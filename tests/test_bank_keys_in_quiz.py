"""Every formula item of the shipped bank, graded as the quiz grades it: the key and its
canonical form are accepted, and each listed mistake is marked wrong with its own message."""

from __future__ import annotations

import pytest

from dlquiz.bank import load_bank
from dlquiz.quiz.grade import grade

FORMULAS = [i for i in load_bank().items if i.kind == "formula"]


@pytest.mark.parametrize("item", FORMULAS, ids=[i.id for i in FORMULAS])
def test_formula_item_grades_key_canonical_and_mistakes(item) -> None:  # type: ignore[no-untyped-def]
    assert grade(item, str(item.answer)).status == "correct"
    if item.canonical:
        assert grade(item, item.canonical).status == "correct"
    for mistake in item.mistakes:
        result = grade(item, str(mistake.answer))
        assert result.status == "wrong", (mistake.answer, result)
        assert result.mistake == mistake.message, mistake.answer
