"""Quiz grading shows how a formula was read where the student may not expect it (Parsed.notes)."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import FIXTURE_BANK

from dlquiz.bank import load_bank
from dlquiz.quiz.grade import grade

BANK = load_bank(FIXTURE_BANK)
BASE = next(i for i in BANK.items if i.id == "act.sigmoid.derivative")
# an item whose key uses the letters p, a, d and x (no abbreviations, no constraints)
ITEM = replace(
    BASE, id="test.pad-notes", answer="p*a*d + x", canonical=None, let={}, mistakes=(), assume=(), require=(), forbid=()
)


@pytest.mark.parametrize(
    ("typed", "status", "run"),
    [
        ("pad + x", "correct", "pad"),
        ("x + dap", "correct", "dap"),
        ("pad - x", "wrong", "pad"),
        ("p*a*d + x", "correct", None),  # written as a product: nothing to note
    ],
)
def test_a_letter_run_read_as_a_product_is_noted_in_both_languages(typed: str, status: str, run: str | None) -> None:
    g = grade(ITEM, typed)
    assert g.status == status
    if run is None:
        assert g.notes == ()
        return
    assert len(g.notes) == 1
    product = "·".join(run)
    assert g.notes[0]("en").startswith(f"'{run}' is read as the product {product}")
    assert g.notes[0]("zh").startswith(f"'{run}' 被理解为乘积 {product}")
    assert product in g.interpreted
