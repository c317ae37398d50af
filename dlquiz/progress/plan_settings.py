"""What `dlquiz plan` keeps: the exam date and target, the daily limits and the chapter weights,
written to the store's settings (a weight equal to the syllabus default is not stored)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from dlquiz.progress.plan import CHAPTER_WEIGHTS, MINUTES_PER_DAY, chapter_weights, format_weights
from dlquiz.progress.scheduler import EXAM_DATE, EXAM_TARGET, NEW_PER_DAY

if TYPE_CHECKING:
    from dlquiz.bank.syllabus import Syllabus
    from dlquiz.progress.store import Store


def save_plan_settings(
    store: Store,
    syllabus: Syllabus,
    *,
    clear: bool = False,
    exam_day: date | None = None,
    target: float | None = None,
    new_per_day: int | None = None,
    minutes_per_day: float | None = None,
    weights: dict[int, float] | None = None,
) -> None:
    """Store what was given (None: unchanged); `clear` forgets the exam date and target first.
    `weights` update the kept ones; only weights that differ from the syllabus's are stored."""
    if clear:
        store.set_setting(EXAM_DATE, None)
        store.set_setting(EXAM_TARGET, None)
    if exam_day is not None:
        store.set_setting(EXAM_DATE, exam_day.isoformat())
    if target is not None:
        store.set_setting(EXAM_TARGET, f"{target:g}")
    if new_per_day is not None:
        store.set_setting(NEW_PER_DAY, str(new_per_day))
    if minutes_per_day is not None:
        store.set_setting(MINUTES_PER_DAY, f"{minutes_per_day:g}")
    if weights:
        kept = {**chapter_weights(syllabus, {}), **chapter_weights(syllabus, store.settings())}
        defaults = chapter_weights(syllabus, {})
        kept.update(weights)
        changed = {k: v for k, v in kept.items() if defaults.get(k) != v}
        store.set_setting(CHAPTER_WEIGHTS, format_weights(changed) or None)
