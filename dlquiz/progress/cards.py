"""What the store holds, as values: a card's FSRS state and one stored answer.

Below both the scheduler (pure functions over cards) and the store (SQLite), so that neither
imports the other for its types.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class CardRow:
    """The stored FSRS state of one item."""

    card_id: int
    item_id: str
    topic: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    introduced_at: datetime


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer (a review when `rating` is set)."""

    answer_id: int
    item_id: str
    topic: str
    kind: str
    result: str
    response: str
    duration_s: float
    answered_at: datetime
    hints_used: int
    self_rating: int | None
    card_id: int | None
    rating: int | None
    exam_id: int | None
