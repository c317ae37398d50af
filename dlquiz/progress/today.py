"""What `dlquiz review` serves today: the plain due-then-new queue, or, with a time budget (given
minutes, or an exam date), the session that fits the time; and when the next items fall due."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from dlquiz.progress.plan import Session, chapter_weights, minutes_per_day, session_for, studied_seconds
from dlquiz.progress.scheduler import build_queue, effective_due, exam_plan, local_day

if TYPE_CHECKING:
    from dlquiz.bank.model import Item
    from dlquiz.bank.syllabus import Syllabus
    from dlquiz.progress.cards import AnswerRow, CardRow


@dataclass(frozen=True)
class Today:
    """Today's queue: (item, reason) entries, reason one of "due", "weak", "new"."""

    entries: list[tuple[Item, str]]
    n_due: int
    n_weak: int
    n_new: int
    new_allowed: int  # > 0: more new items would be allowed today
    budget_s: float | None  # the time budget in seconds, None for the plain queue
    session: Session | None  # the time-fitted session (cram day, what was left out), None for the plain queue
    cards: Mapping[str, CardRow]
    settings: Mapping[str, str]
    now: datetime


def todays_queue(
    items: Sequence[Item],
    cards: Mapping[str, CardRow],
    settings: Mapping[str, str],
    answers: Callable[[], list[AnswerRow]],
    syllabus: Syllabus,
    now: datetime,
    *,
    minutes: float | None,
    limit: int | None,
    new: int | None,
) -> Today:
    """The queue for today. With `minutes`, or an exam date set, the session fits a time budget
    (`minutes`, else the minutes a day less what was already studied today); otherwise due items,
    most overdue first, then new ones up to the daily limit. `answers` is read only when needed."""
    if minutes is not None or exam_plan(settings, local_day(now)) is not None:
        log = answers()
        if minutes is not None:
            budget = minutes * 60
        else:
            budget = max(0.0, minutes_per_day(settings) * 60 - studied_seconds(log, local_day(now)))
        session = session_for(
            items, cards, log, settings, now, chapter_weights(syllabus, settings), budget_s=budget, new_allowed=new
        )
        picks = list(session.picks)[:limit] if limit is not None else list(session.picks)
        entries = [(p.item, p.reason) for p in picks]
        n_due = sum(1 for _, k in entries if k == "due")
        n_weak = sum(1 for _, k in entries if k == "weak")
        return Today(
            entries,
            n_due,
            n_weak,
            len(entries) - n_due - n_weak,
            1 if session.left_out else 0,
            budget,
            session,
            cards,
            settings,
            now,
        )
    queue = build_queue(items, cards, settings, now, limit=limit, new_limit=new)
    entries = [(i, "due") for i in queue.due] + [(i, "new") for i in queue.new]
    return Today(entries, len(queue.due), 0, len(queue.new), queue.new_allowed, None, None, cards, settings, now)


def next_due(items: Sequence[Item], today: Today) -> tuple[date, int] | None:
    """The next day any of `items` falls due (exam plan applied) and how many then; None: no cards."""
    plan = exam_plan(today.settings, local_day(today.now))
    ids = {i.id for i in items}
    upcoming = sorted(effective_due(c, plan) for i, c in today.cards.items() if i in ids)
    if not upcoming:
        return None
    nxt = local_day(upcoming[0])
    return nxt, sum(1 for d in upcoming if local_day(d) == nxt)
