"""A mock exam kept in the progress store as it is taken: the exam row, each answer at once, the
explain-why answers the student grades afterwards, and the result. Without a store (`--no-save`)
it keeps nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dlquiz.progress.exam import Paper
    from dlquiz.progress.exam_report import ExamReport
    from dlquiz.progress.store import Store
    from dlquiz.quiz.events import AnswerEvent


class ExamLog:
    """Opens the exam row in `store` (None: nothing is saved); answers then point to it."""

    def __init__(self, store: Store | None, paper: Paper, *, seed: int, started_at: datetime) -> None:
        self.store = store
        self.exam_id: int | None = None
        self.answer_ids: list[int] = []
        if store is not None:
            self.exam_id = store.start_exam(
                started_at=started_at,
                seed=seed,
                minutes=paper.minutes,
                n_items=len(paper.items),
                chapters=",".join(map(str, paper.chapters)),
            )

    @property
    def recorder(self) -> Callable[[AnswerEvent], None] | None:
        """What the session calls with each answer (None when nothing is saved)."""
        return self.record if self.store is not None else None

    def record(self, event: AnswerEvent) -> None:
        """Save one answer, committed at once."""
        if self.store is not None:
            self.answer_ids.append(self.store.record(event, exam_id=self.exam_id))

    def regrade(self, graded: Iterable[int], events: Sequence[AnswerEvent]) -> None:
        """The skipped rows of the self-graded answers become the graded answers (and reviews of their
        cards); only when every answer of the session was saved, so the positions line up."""
        if self.store is None or len(self.answer_ids) != len(events):
            return
        for k in graded:
            self.store.undo(self.answer_ids[k])
            self.answer_ids[k] = self.store.record(events[k], exam_id=self.exam_id)

    def finish(self, report: ExamReport) -> None:
        """Store the result and the report with the exam row."""
        if self.store is not None and self.exam_id is not None:
            self.store.finish_exam(
                self.exam_id, finished_at=report.finished_at, correct=report.correct, report=report.to_dict()
            )

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
