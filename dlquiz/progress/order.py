"""The order items come in: by the syllabus, and each item's expected answer time."""

from __future__ import annotations

from typing import Any


def items_times(items: Any) -> dict[str, float]:
    """Expected seconds per item id, as the store needs them."""
    return {i.id: float(i.time) for i in items}


def syllabus_order(bank: Any, items: Any) -> list[Any]:
    """Items by chapter, syllabus topic, difficulty, then bank order (how new items come)."""
    rank = {t.id: k for k, t in enumerate(bank.syllabus.topics)}
    pos = {i.id: k for k, i in enumerate(bank.items)}
    return sorted(items, key=lambda i: (i.chapter, rank.get(i.topic, 10**6), i.difficulty, pos.get(i.id, 0)))
