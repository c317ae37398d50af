"""What a session reports for every question: the record the progress store keeps."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Literal

Result = Literal["correct", "wrong", "skipped", "timeout"]


@dataclass(frozen=True)
class AnswerEvent:
    """One answered (or skipped) question, reported the moment it is graded."""

    item_id: str
    topic: str
    kind: str
    result: Result
    response: str  # what the student typed (for derivations: the lines joined by newlines)
    duration_s: float  # seconds from showing the question to the answer
    answered_at: datetime  # timezone-aware UTC
    hints_used: int = 0
    params: dict[str, Any] | None = None  # the drawn numbers of a parametric item
    self_rating: int | None = None  # optional 1..4 (Again, Hard, Good, Easy) typed by the student

    @property
    def correct(self) -> bool:
        return self.result == "correct"

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["answered_at"] = self.answered_at.isoformat()
        return d
