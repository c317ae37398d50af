"""Spaced repetition with FSRS (the `fsrs` package), plus an exam-date mode.

Ratings. Every graded answer becomes one FSRS review:

* wrong → Again;
* correct → Good, unless the student rated themself (`AnswerEvent.self_rating`: 2 Hard, 3 Good,
  4 Easy; a 1 on a correct answer counts as Hard), or the answer time says otherwise: with the
  item's estimated time T (bank field `time`), an answer taking ≥ 1.5·T, or using a hint, is
  Hard; one taking ≤ 0.25·T with no hint is Easy;
* skipped and timeout → stored in the log, but no review (the card is untouched).

Scheduling works in whole days: the scheduler has no same-day learning steps and no fuzz, so a
card's interval is FSRS's own interval for 90 % desired retention (at least one day), and an
item is *due* on the local calendar day its due time falls on. Parametric items are cards by
item id; each showing draws fresh numbers.

Exam-date mode (see `effective_due` and `new_per_day`) aims for the highest recall on the exam
day instead of steady retention.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from dlquiz.bank.model import DEFAULT_TIME, KIND_LETTER
from dlquiz.quiz.events import AnswerEvent

if TYPE_CHECKING:
    from fsrs import Rating, Scheduler

    from dlquiz.bank.model import Item
    from dlquiz.progress.cards import CardRow

SLOW_FACTOR = 1.5  # duration ≥ SLOW_FACTOR × estimated time → Hard
FAST_FACTOR = 0.25  # duration ≤ FAST_FACTOR × estimated time (no hints) → Easy
DESIRED_RETENTION = 0.9
DEFAULT_NEW_PER_DAY = 20
DEFAULT_EXAM_TARGET = 0.9
EXAM_MIN_NEW = 5  # exam mode introduces at least this many new items a day

# settings keys
NEW_PER_DAY = "new_per_day"
EXAM_DATE = "exam_date"
EXAM_TARGET = "exam_target"

_SCHEDULER: Scheduler | None = None


def fsrs_scheduler() -> Scheduler:
    """The one FSRS scheduler: default FSRS-6 weights, whole-day intervals, no fuzz."""
    global _SCHEDULER
    if _SCHEDULER is None:
        from fsrs import Scheduler

        _SCHEDULER = Scheduler(
            desired_retention=DESIRED_RETENTION,
            learning_steps=(),
            relearning_steps=(),
            enable_fuzzing=False,
        )
    return _SCHEDULER


def rating_for(event: AnswerEvent, *, expected_s: float | None = None) -> Rating | None:
    """The FSRS rating of an answer (None when it is not a review: skipped or timed out)."""
    from fsrs import Rating

    if event.result in ("skipped", "timeout"):
        return None
    if event.result != "correct":
        return Rating.Again
    if event.self_rating is not None and 1 <= event.self_rating <= 4:
        return Rating(max(2, int(event.self_rating)))
    if expected_s is None:
        expected_s = float(DEFAULT_TIME[KIND_LETTER.get(event.kind, "C")])
    if event.hints_used > 0 or event.duration_s >= SLOW_FACTOR * expected_s:
        return Rating.Hard
    if event.duration_s <= FAST_FACTOR * expected_s:
        return Rating.Easy
    return Rating.Good


@dataclass(frozen=True)
class CardState:
    """The FSRS state after a review."""

    state: int
    step: int | None
    stability: float
    difficulty: float
    due: datetime


def review(card: CardRow | None, rating: Rating, at: datetime, duration_ms: int | None = None) -> CardState:
    """Apply one FSRS review to a card (None: the item's first review)."""
    from fsrs import Card, State

    if card is None:
        fcard = Card(card_id=0, due=at)
    else:
        fcard = Card(
            card_id=card.card_id,
            state=State(card.state),
            step=card.step,
            stability=card.stability,
            difficulty=card.difficulty,
            due=card.due,
            last_review=card.last_review,
        )
    new, _ = fsrs_scheduler().review_card(fcard, rating, at.astimezone(UTC), duration_ms)
    assert new.stability is not None and new.difficulty is not None
    return CardState(int(new.state), new.step, float(new.stability), float(new.difficulty), new.due)


# -- the forgetting curve --------------------------------------------------------------------


def _curve() -> tuple[float, float]:
    decay = -float(fsrs_scheduler().parameters[20])
    factor = 0.9 ** (1 / decay) - 1
    return decay, factor


def retrievability(stability: float, elapsed_days: float) -> float:
    """FSRS-6 forgetting curve R(t, S) = (1 + f·t/S)^(−w₂₀), f chosen so that R(S, S) = 0.9."""
    decay, factor = _curve()
    return float((1 + factor * max(0.0, elapsed_days) / stability) ** decay)


def interval_for(stability: float, target: float) -> float:
    """Days until R falls to `target`: the inverse of `retrievability`."""
    decay, factor = _curve()
    return float(stability / factor * (target ** (1 / decay) - 1))


def card_retrievability(card: CardRow, at: datetime) -> float:
    """Predicted recall probability of a card at `at` (0 for a card never reviewed)."""
    if card.stability is None or card.last_review is None:
        return 0.0
    return retrievability(card.stability, (at - card.last_review).total_seconds() / 86400)


# -- days ------------------------------------------------------------------------------------


def local_day(dt: datetime) -> date:
    """The calendar day of `dt` in the local time zone."""
    return dt.astimezone().date()


def day_start(day: date) -> datetime:
    """Local midnight starting `day`, as UTC."""
    return datetime.combine(day, time(0, 0)).astimezone().astimezone(UTC)


# -- exam-date mode --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExamPlan:
    """The exam-date setting: the day and the recall to reach on it."""

    day: date
    target: float = DEFAULT_EXAM_TARGET


def exam_plan(settings: Mapping[str, str], today: date) -> ExamPlan | None:
    """The active exam plan from the settings (None if unset or the exam is over)."""
    text = settings.get(EXAM_DATE)
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
        target = float(settings.get(EXAM_TARGET, DEFAULT_EXAM_TARGET))
    except ValueError:
        return None
    if day < today:
        return None
    return ExamPlan(day, target)


def effective_due(card: CardRow, plan: ExamPlan | None) -> datetime:
    """The card's due time, pulled forward in exam-date mode.

    Without a plan this is FSRS's due time. With an exam on day E and a target recall R*: if
    FSRS schedules the next review on or after E and the forgetting curve predicts a recall
    below R* on E (R(E − last review, S) < R*), the review is moved to day E − g, where
    g = ⌊interval_for(S, R*)⌋ (at least 1) is how long the current stability S keeps recall at
    or above R*. A review then leaves at most g days to the exam with a stability ≥ S (a Good
    answer never lowers S), so the recall on E stays ≥ R*; a failed review gets a short FSRS
    interval and is capped again. The moved date is never earlier than a day after the last
    review, so a card last seen the day before the exam comes back on the exam morning (recall
    is measured at the start of day E; a review on E itself counts as before the exam). Cards
    FSRS already brings back before E are left alone.
    """
    if plan is None or card.stability is None or card.last_review is None:
        return card.due
    exam_at = day_start(plan.day)
    if card.due < exam_at or card.last_review >= exam_at:
        return card.due
    elapsed = (exam_at - card.last_review).total_seconds() / 86400
    if retrievability(card.stability, elapsed) >= plan.target:
        return card.due
    gap = max(1, math.floor(interval_for(card.stability, plan.target)))
    pulled = day_start(plan.day - timedelta(days=gap))
    earliest = day_start(local_day(card.last_review) + timedelta(days=1))
    return min(card.due, max(pulled, earliest))


def new_per_day(settings: Mapping[str, str], *, unseen: int, today: date) -> int:
    """How many new items to introduce a day.

    Normally the `new_per_day` setting (default 20). In exam-date mode, the pace that covers
    every unseen item before the exam: ⌈unseen / days left⌉ with days left = E − today (the
    exam day itself is for revision), and at least `EXAM_MIN_NEW`.
    """
    try:
        base = int(settings.get(NEW_PER_DAY, DEFAULT_NEW_PER_DAY))
    except ValueError:
        base = DEFAULT_NEW_PER_DAY
    plan = exam_plan(settings, today)
    if plan is None:
        return base
    days_left = max(1, (plan.day - today).days)
    return max(EXAM_MIN_NEW, math.ceil(unseen / days_left))


# -- what to review --------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewQueue:
    """Items to serve: due ones (most overdue first), then new ones."""

    due: tuple[Item, ...]
    new: tuple[Item, ...]
    due_total: int  # due items before the limit was applied
    new_allowed: int  # new items still allowed today

    @property
    def items(self) -> tuple[Item, ...]:
        return self.due + self.new


def introduced_on(cards: Iterable[CardRow], day: date) -> int:
    """Number of cards whose first review fell on `day`."""
    return sum(1 for c in cards if local_day(c.introduced_at) == day)


def build_queue(
    items: Sequence[Item],
    cards: Mapping[str, CardRow],
    settings: Mapping[str, str],
    now: datetime,
    *,
    limit: int | None = None,
    new_limit: int | None = None,
) -> ReviewQueue:
    """Choose today's review: due cards first (most overdue first), then new items.

    Args:
        items: the candidate items (already filtered by topic), in syllabus order.
        cards: the stored cards by item id.
        settings: the store's settings (daily new limit, exam date).
        now: the current time.
        limit: the most items to serve in all (None: no limit).
        new_limit: new items for today, overriding the daily limit (None: from the settings,
            minus those already introduced today).
    """
    today = local_day(now)
    plan = exam_plan(settings, today)
    due: list[tuple[datetime, int, Item]] = []
    unseen: list[Item] = []
    for index, item in enumerate(items):
        card = cards.get(item.id)
        if card is None:
            unseen.append(item)
            continue
        when = effective_due(card, plan)
        if local_day(when) <= today:
            due.append((when, index, item))
    due.sort(key=lambda t: (t[0], t[1]))
    if new_limit is None:
        all_unseen = len(unseen)
        per_day = new_per_day(settings, unseen=all_unseen, today=today)
        new_allowed = max(0, per_day - introduced_on(cards.values(), today))
    else:
        new_allowed = max(0, new_limit)
    due_items = [t[2] for t in due]
    if limit is not None:
        due_items = due_items[: max(0, limit)]
        room = max(0, limit - len(due_items))
    else:
        room = len(unseen)
    new_items = unseen[: min(new_allowed, room)]
    return ReviewQueue(tuple(due_items), tuple(new_items), len(due), new_allowed)


def forecast(cards: Iterable[CardRow], now: datetime, plan: ExamPlan | None, days: int = 14) -> list[int]:
    """Cards due on each of the next `days` days; day 0 (today) includes the overdue ones."""
    today = local_day(now)
    counts = [0] * days
    for card in cards:
        offset = (local_day(effective_due(card, plan)) - today).days
        if offset < days:
            counts[max(0, offset)] += 1
    return counts


def summary(card: CardRow, now: datetime) -> dict[str, Any]:
    """A JSON-ready description of a card."""
    return {
        "item_id": card.item_id,
        "stability": card.stability,
        "difficulty": card.difficulty,
        "due": card.due.isoformat(),
        "retrievability": round(card_retrievability(card, now), 4),
    }
