"""Study for the time left: a daily time budget, and cramming on the last days before the exam.

Every item has an estimated time (bank field `time`, seconds). A day's session is filled with
items until their estimates fill the day's budget (`minutes_per_day`, default 60, less what was
already studied that day). What goes in, in order:

* In the weeks before the exam (or with no exam date): the due reviews, most overdue first,
  then new items in syllabus order (by exam weight instead when the days left cannot cover the
  whole bank), up to the daily limit of new items.
* On the last `CRAM_DAYS` days: first the items of the student's *weak* topics (from their own
  history: a recency-weighted error rate, plus how much of the item the forgetting curve says is
  lost by the exam), weakest × most weighted first; then the chapters the exam weights most
  first: in each chapter weight its due reviews, then its new items, as far as the budget allows
  (so the night before, a due review of a lightly weighted chapter waits behind the heavy
  chapters). Items already solid are left alone.

One definition of *due* everywhere (`review`, `stats`, `plan`, `quiz --due`): the card's due time
(pulled forward in exam mode, `effective_due`) falls on today or earlier. A weak item that is due
counts as due; *weak* names only the items cramming pulls forward although they are not due yet.

Chapter weights come from the syllabus (`weight` of each `[[chapter]]`, 1 = a typical chapter)
and can be changed with the `chapter_weights` setting ("5=2,1=0.5"; `dlquiz plan --weight`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from dlquiz.errors import UsageError
from dlquiz.i18n import lazy
from dlquiz.progress.scheduler import (
    DEFAULT_NEW_PER_DAY,
    NEW_PER_DAY,
    card_retrievability,
    day_start,
    effective_due,
    exam_plan,
    local_day,
)

if TYPE_CHECKING:
    from dlquiz.bank.model import Item
    from dlquiz.bank.syllabus import Syllabus
    from dlquiz.progress.cards import AnswerRow, CardRow

DEFAULT_MINUTES_PER_DAY = 60
CRAM_DAYS = 3  # the last days before the exam are for cramming
WEAK_AT = 0.3  # a topic (or item) at least this weak is studied first when cramming
HALF_LIFE_DAYS = 7.0  # an answer's weight in the weakness halves every week
RELEARN_SHARE = 0.5  # a new item comes back once before the exam, at this share of its time

# settings keys
MINUTES_PER_DAY = "minutes_per_day"
CHAPTER_WEIGHTS = "chapter_weights"


# -- weights -----------------------------------------------------------------------------------


def parse_weights(text: str, *, where: str = "--weight") -> dict[int, float]:
    """ "5=2,1=0.5" (or several such parts) as {chapter: weight}; a bad part is a UsageError."""
    out: dict[int, float] = {}
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        chapter, sep, value = part.partition("=")
        try:
            if not sep:
                raise ValueError
            number, weight = int(chapter), float(value)
        except ValueError:
            raise UsageError(
                lazy("{where}: {part} is not CHAPTER=WEIGHT, e.g. 5=2", where=where, part=repr(part))
            ) from None
        if not math.isfinite(weight) or weight < 0:
            raise UsageError(lazy("{where}: {part}: the weight must be a number ≥ 0", where=where, part=repr(part)))
        out[number] = weight
    return out


def format_weights(weights: Mapping[int, float]) -> str:
    return ",".join(f"{k}={v:g}" for k, v in sorted(weights.items()))


def chapter_weights(syllabus: Syllabus, settings: Mapping[str, str]) -> dict[int, float]:
    """The exam weight of every chapter: the syllabus's, overridden by the setting."""
    weights = {c.number: c.weight for c in syllabus.chapters}
    text = settings.get(CHAPTER_WEIGHTS)
    if text:
        try:
            weights.update(parse_weights(text, where=f"setting {CHAPTER_WEIGHTS}"))
        except UsageError:
            pass  # a damaged setting falls back to the syllabus
    return weights


# -- the student's history ---------------------------------------------------------------------


def topic_weakness(answers: Iterable[AnswerRow], now: datetime) -> dict[str, float]:
    """Per topic with graded answers: the recency-weighted error rate, pulled toward ½ by one
    imaginary answer (one wrong answer gives 0.75, one right 0.25). Higher is weaker."""
    wrong: dict[str, float] = {}
    total: dict[str, float] = {}
    for a in answers:
        if a.result not in ("correct", "wrong"):
            continue
        age = max(0.0, (now - a.answered_at).total_seconds() / 86400)
        w = 0.5 ** (age / HALF_LIFE_DAYS)
        total[a.topic] = total.get(a.topic, 0.0) + w
        if a.result == "wrong" or (a.rating == 1):
            wrong[a.topic] = wrong.get(a.topic, 0.0) + w
    return {t: (wrong.get(t, 0.0) + 0.5) / (n + 1) for t, n in total.items()}


def last_results(answers: Iterable[AnswerRow]) -> dict[str, str]:
    """The latest graded result of every item ("correct" or "wrong"; an Again rating is wrong)."""
    out: dict[str, str] = {}
    for a in answers:  # in the order given
        if a.result in ("correct", "wrong"):
            out[a.item_id] = "wrong" if a.result == "wrong" or a.rating == 1 else "correct"
    return out


def recently_missed(answers: Sequence[AnswerRow]) -> list[str]:
    """Item ids whose latest graded answer was wrong, most recently missed first."""
    latest: dict[str, tuple[datetime, int, str]] = {}
    for a in answers:
        if a.result in ("correct", "wrong"):
            wrong = a.result == "wrong" or a.rating == 1
            mark = (a.answered_at, a.answer_id, "wrong" if wrong else "correct")
            if a.item_id not in latest or mark[:2] > latest[a.item_id][:2]:
                latest[a.item_id] = mark
    missed = [(at, aid, i) for i, (at, aid, r) in latest.items() if r == "wrong"]
    return [i for _, _, i in sorted(missed, reverse=True)]


def studied_seconds(answers: Iterable[AnswerRow], day: date) -> float:
    """Seconds spent answering on `day` (mock exams included)."""
    return sum(a.duration_s for a in answers if local_day(a.answered_at) == day)


# -- one day's session -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pick:
    """An item chosen (or left out) for a session, and why."""

    item: Item
    reason: str  # "due" (due today, as in `stats`), "weak" (not due, pulled forward when cramming) or "new"
    weakness: float  # 0 (solid or unknown) … 1
    weight: float  # the chapter's exam weight

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.item.id,
            "topic": self.item.topic,
            "chapter": self.item.chapter,
            "reason": self.reason,
            "weakness": round(self.weakness, 3),
            "weight": self.weight,
            "seconds": self.item.time,
        }


@dataclass(frozen=True)
class Session:
    """What one day's study holds, in the order to study it."""

    picks: tuple[Pick, ...]
    left_out: tuple[Pick, ...]  # candidates that did not fit the time (or the new-item limit)
    budget_s: float
    cram: bool

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(p.item for p in self.picks)

    @property
    def used_s(self) -> int:
        return sum(p.item.time for p in self.picks)

    def count(self, reason: str) -> int:
        return sum(1 for p in self.picks if p.reason == reason)


def is_cram_day(settings: Mapping[str, str], today: date) -> bool:
    """Whether `today` is one of the last `CRAM_DAYS` days before the exam (or the exam day)."""
    plan = exam_plan(settings, today)
    return plan is not None and (plan.day - today).days <= CRAM_DAYS


def minutes_per_day(settings: Mapping[str, str]) -> float:
    try:
        value = float(settings.get(MINUTES_PER_DAY, DEFAULT_MINUTES_PER_DAY))
    except ValueError:
        return float(DEFAULT_MINUTES_PER_DAY)
    return value if math.isfinite(value) and value > 0 else float(DEFAULT_MINUTES_PER_DAY)


def _new_limit(settings: Mapping[str, str]) -> int:
    try:
        return max(0, int(settings.get(NEW_PER_DAY, DEFAULT_NEW_PER_DAY)))
    except ValueError:
        return DEFAULT_NEW_PER_DAY


def candidates(
    items: Sequence[Item],
    cards: Mapping[str, CardRow],
    answers: Sequence[AnswerRow],
    settings: Mapping[str, str],
    now: datetime,
    weights: Mapping[int, float],
    *,
    cram: bool,
    weight_new: bool = False,
) -> list[Pick]:
    """Every item worth studying today, in priority order (see the module's notes).

    `items` come in syllabus order; that order breaks every tie.
    """
    today = local_day(now)
    plan = exam_plan(settings, today)
    at = day_start(plan.day) if plan is not None else now + timedelta(days=1)
    topics = topic_weakness(answers, now)
    last = last_results(answers)
    weak: list[tuple[float, int, Pick]] = []
    due: list[tuple[Any, int, Pick]] = []
    new: list[tuple[Any, int, Pick]] = []
    for index, item in enumerate(items):
        weight = float(weights.get(item.chapter, 1.0))
        card = cards.get(item.id)
        if card is None:
            pick = Pick(item, "new", topics.get(item.topic, 0.0), weight)
            key: tuple[Any, ...] = (-weight, 1) if cram else (-weight,) if weight_new else ()
            new.append((key, index, pick))
            continue
        lost = 1.0 - card_retrievability(card, at)
        weakness = max(topics.get(item.topic, 0.0), lost)
        if last.get(item.id) == "wrong":
            weakness = max(weakness, 0.75)
        is_due = local_day(effective_due(card, plan)) <= today
        if cram and weakness >= WEAK_AT and weight > 0:  # first, and named "due" if it is due (one definition)
            weak.append((-weakness * weight, index, Pick(item, "due" if is_due else "weak", weakness, weight)))
        elif is_due:
            when = effective_due(card, plan)
            key = (-weight, 0, when) if cram else (when,)
            due.append((key, index, Pick(item, "due", weakness, weight)))
    weak.sort(key=lambda t: (t[0], t[1]))
    if cram:  # by chapter weight; in a weight, reviews before new items
        rest = sorted(due + new, key=lambda t: (t[0][:2], t[0][2:], t[1]))
        return [p for _, _, p in weak] + [p for _, _, p in rest]
    due.sort(key=lambda t: (t[0], t[1]))
    new.sort(key=lambda t: (t[0], t[1]))
    return [p for _, _, p in weak] + [p for _, _, p in due] + [p for _, _, p in new]


def fill(picks: Sequence[Pick], budget_s: float, new_allowed: int | None = None) -> tuple[list[Pick], list[Pick]]:
    """Take picks in order while their times fit the budget (an item too long for what is left
    is passed over for shorter ones after it); new items only up to `new_allowed`."""
    chosen: list[Pick] = []
    left: list[Pick] = []
    used = 0.0
    new_taken = 0
    for p in picks:
        if p.reason == "new" and new_allowed is not None and new_taken >= new_allowed:
            left.append(p)
            continue
        if used + p.item.time <= budget_s:
            chosen.append(p)
            used += p.item.time
            new_taken += p.reason == "new"
        else:
            left.append(p)
    return chosen, left


def session_for(
    items: Sequence[Item],
    cards: Mapping[str, CardRow],
    answers: Sequence[AnswerRow],
    settings: Mapping[str, str],
    now: datetime,
    weights: Mapping[int, float],
    *,
    budget_s: float,
    new_allowed: int | None = None,
) -> Session:
    """Today's session: the candidates in priority order, cut to the time budget.

    `new_allowed` caps the new items (None: no cap when cramming, the daily limit otherwise,
    less the items already introduced today).
    """
    today = local_day(now)
    cram = is_cram_day(settings, today)
    if new_allowed is None and not cram and exam_plan(settings, today) is None:
        introduced = sum(1 for c in cards.values() if local_day(c.introduced_at) == today)
        new_allowed = max(0, _new_limit(settings) - introduced)
    picks = candidates(
        items,
        cards,
        answers,
        settings,
        now,
        weights,
        cram=cram,
        weight_new=_short_of_time(items, cards, settings, today, budget_s),
    )
    chosen, left = fill(picks, max(0.0, budget_s), new_allowed)
    return Session(tuple(chosen), tuple(left), max(0.0, budget_s), cram)


def _short_of_time(
    items: Sequence[Item], cards: Mapping[str, CardRow], settings: Mapping[str, str], today: date, budget_s: float
) -> bool:
    """Whether the days left cannot introduce every unseen item (so new items go by weight)."""
    plan = exam_plan(settings, today)
    if plan is None:
        return False
    days = max(1, (plan.day - today).days)
    unseen = sum(i.time for i in items if i.id not in cards)
    return unseen > days * budget_s


# -- the days to the exam ----------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    day: date
    cram: bool
    reviews: int
    new: int
    review_s: float
    new_s: float
    budget_s: float

    @property
    def used_s(self) -> float:
        return self.review_s + self.new_s

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "cram": self.cram,
            "reviews": self.reviews,
            "new": self.new,
            "minutes": round(self.used_s / 60, 1),
            "budget_minutes": round(self.budget_s / 60, 1),
        }


@dataclass(frozen=True)
class StudyPlan:
    """Day by day to the exam, and what does not fit."""

    exam_day: date | None
    minutes_per_day: float
    today: Session
    days: tuple[Day, ...]
    not_fitting: tuple[Item, ...]  # unseen items no day has room for
    weights: dict[int, float] = field(default_factory=dict)

    @property
    def not_fitting_s(self) -> int:
        return sum(i.time for i in self.not_fitting)

    def to_dict(self) -> dict[str, Any]:
        by_chapter: dict[int, int] = {}
        for i in self.not_fitting:
            by_chapter[i.chapter] = by_chapter.get(i.chapter, 0) + 1
        return {
            "exam_date": None if self.exam_day is None else self.exam_day.isoformat(),
            "minutes_per_day": self.minutes_per_day,
            "chapter_weights": {str(k): v for k, v in sorted(self.weights.items())},
            "today": {
                "cram": self.today.cram,
                "minutes": round(self.today.used_s / 60, 1),
                "budget_minutes": round(self.today.budget_s / 60, 1),
                "items": [p.to_dict() for p in self.today.picks],
                "left_out": len(self.today.left_out),
            },
            "days": [d.to_dict() for d in self.days],
            "not_fitting": {
                "items": len(self.not_fitting),
                "minutes": round(self.not_fitting_s / 60, 1),
                "by_chapter": {str(k): v for k, v in sorted(by_chapter.items())},
            },
        }


def study_plan(
    items: Sequence[Item],
    cards: Mapping[str, CardRow],
    answers: Sequence[AnswerRow],
    settings: Mapping[str, str],
    now: datetime,
    weights: Mapping[int, float],
    *,
    minutes: float | None = None,
) -> StudyPlan:
    """Plan every day from today to the day before the exam (today only without an exam).

    Today is exactly the session `dlquiz review` serves. Later days are an estimate: the reviews
    FSRS (in exam mode) brings back on each day, the items first met during the plan once more
    two days later at `RELEARN_SHARE` of their time, and new items in the room left.
    """
    today = local_day(now)
    per_day = minutes if minutes is not None else minutes_per_day(settings)
    budget = per_day * 60
    plan = exam_plan(settings, today)
    first = session_for(
        items, cards, answers, settings, now, weights, budget_s=budget - studied_seconds(answers, today)
    )
    ids = {i.id for i in items}
    by_id = {i.id: i for i in items}
    introduced = {p.item.id for p in first.picks if p.reason == "new"}
    n_days = 1 if plan is None else max(1, (plan.day - today).days)
    days = [
        Day(
            today,
            first.cram,
            len(first.picks) - len(introduced),
            len(introduced),
            float(sum(p.item.time for p in first.picks if p.reason != "new")),
            float(sum(p.item.time for p in first.picks if p.reason == "new")),
            first.budget_s,
        )
    ]
    # the reviews already scheduled on later days
    scheduled: dict[date, float] = {}
    counts: dict[date, int] = {}
    for item_id, card in cards.items():
        if item_id not in ids:
            continue
        when = local_day(effective_due(card, plan))
        if when > today:
            scheduled[when] = scheduled.get(when, 0.0) + by_id[item_id].time
            counts[when] = counts.get(when, 0) + 1
    comeback: dict[date, float] = {}
    comeback_n: dict[date, int] = {}
    last_day = today + timedelta(days=n_days - 1)

    def schedule_comeback(day: date, new_items: Iterable[Item]) -> None:
        back = min(day + timedelta(days=2), last_day)
        if back <= day:
            return
        for i in new_items:
            comeback[back] = comeback.get(back, 0.0) + RELEARN_SHARE * i.time
            comeback_n[back] = comeback_n.get(back, 0) + 1

    schedule_comeback(today, (by_id[i] for i in introduced))
    short = _short_of_time(items, cards, settings, today, budget)
    unseen = [
        p.item
        for p in candidates(items, cards, answers, settings, now, weights, cram=first.cram, weight_new=short)
        if p.reason == "new" and p.item.id not in introduced
    ]
    for k in range(1, n_days):
        day = today + timedelta(days=k)
        cram = plan is not None and (plan.day - day).days <= CRAM_DAYS
        review_s = scheduled.get(day, 0.0) + comeback.get(day, 0.0)
        reviews = counts.get(day, 0) + comeback_n.get(day, 0)
        room = budget - review_s
        taken: list[Item] = []
        rest: list[Item] = []
        used = 0.0
        limit = None if plan is not None else _new_limit(settings)
        for i in unseen:
            if used + i.time <= room and (limit is None or len(taken) < limit):
                taken.append(i)
                used += i.time
            else:
                rest.append(i)
        unseen = rest
        schedule_comeback(day, taken)
        days.append(Day(day, cram, reviews, len(taken), review_s, used, budget))
    return StudyPlan(
        plan.day if plan else None,
        per_day,
        first,
        tuple(days),
        tuple(unseen) if plan is not None else (),
        dict(weights),
    )
