"""FSRS ratings, state updates, the daily queue and exam-date mode."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fsrs import Rating
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dlquiz.bank.model import Item, Text
from dlquiz.progress import open_store
from dlquiz.progress.cards import CardRow
from dlquiz.progress.scheduler import (
    ExamPlan,
    build_queue,
    card_retrievability,
    effective_due,
    forecast,
    interval_for,
    local_day,
    new_per_day,
    rating_for,
    retrievability,
    review,
)
from dlquiz.quiz.events import AnswerEvent

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
# the published FSRS-6 default weights w0..w5 (initial stabilities, initial difficulty)
W = (0.212, 1.2931, 2.3065, 8.2956, 6.4133, 0.8334)


def ev(
    result: str = "correct",
    *,
    duration: float = 30.0,
    kind: str = "single",
    hints: int = 0,
    self_rating: int | None = None,
    item_id: str = "x",
) -> AnswerEvent:
    return AnswerEvent(
        item_id=item_id,
        topic="act.relu",
        kind=kind,
        result=result,  # type: ignore[arg-type]
        response="a",
        duration_s=duration,
        answered_at=T0,
        hints_used=hints,
        self_rating=self_rating,
    )


def item(item_id: str, topic: str = "act.relu", chapter: int = 4, kind: str = "single") -> Item:
    return Item(
        id=item_id,
        topic=topic,
        kind=kind,
        difficulty=1,
        source="000_ffe98cf169f07fd8",
        prompt=Text("q", "问"),
        explanation=Text("e", "解"),
        answer="a",
        chapter=chapter,
    )


@pytest.mark.parametrize(
    ("event", "expected_s", "rating"),
    [
        (ev("wrong"), 45, Rating.Again),
        (ev("wrong", self_rating=4), 45, Rating.Again),
        (ev("correct", duration=30), 45, Rating.Good),
        (ev("correct", duration=67.5), 45, Rating.Hard),  # 1.5 × estimated time
        (ev("correct", duration=67.4), 45, Rating.Good),
        (ev("correct", duration=11.25), 45, Rating.Easy),  # 0.25 × estimated time
        (ev("correct", duration=11.3), 45, Rating.Good),
        (ev("correct", duration=5, hints=1), 45, Rating.Hard),
        (ev("correct", duration=30, self_rating=4), 45, Rating.Easy),
        (ev("correct", duration=5, self_rating=2), 45, Rating.Hard),
        (ev("correct", duration=30, self_rating=1), 45, Rating.Hard),
        (ev("correct", duration=200, kind="derivation"), None, Rating.Good),  # default 300 s
        (ev("skipped"), 45, None),
        (ev("timeout"), 45, None),
    ],
)
def test_rating_for(event: AnswerEvent, expected_s: float | None, rating: Rating | None) -> None:
    assert rating_for(event, expected_s=expected_s) == rating


def test_forgetting_curve_is_90_percent_after_s_days() -> None:
    for s in (0.5, 2.3065, 10.0, 123.0):
        assert retrievability(s, s) == pytest.approx(0.9, abs=1e-12)
        assert retrievability(s, 0) == 1.0
        assert retrievability(s, 2 * s) < 0.9
        for target in (0.8, 0.95):
            assert retrievability(s, interval_for(s, target)) == pytest.approx(target, abs=1e-12)


@pytest.mark.parametrize("rating", list(Rating))
def test_first_review_uses_the_initial_weights(rating: Rating) -> None:
    state = review(None, rating, T0)
    assert state.stability == pytest.approx(W[rating - 1])
    d0 = W[4] - math.exp(W[5] * (rating - 1)) + 1
    assert state.difficulty == pytest.approx(min(10.0, max(1.0, d0)))
    # at 90 % retention the interval is S days, rounded, at least one
    assert state.due == T0 + timedelta(days=max(1, round(W[rating - 1])))


def _card(state: object, at: datetime) -> CardRow:
    return CardRow(
        card_id=1,
        item_id="x",
        topic="act.relu",
        state=state.state,  # type: ignore[attr-defined]
        step=state.step,
        stability=state.stability,  # type: ignore[attr-defined]
        difficulty=state.difficulty,
        due=state.due,  # type: ignore[attr-defined]
        last_review=at,
        introduced_at=at,
    )


def test_second_review_moves_state_in_the_documented_direction() -> None:
    first = review(None, Rating.Good, T0)
    card = _card(first, T0)
    at = first.due  # reviewed on the due day: R ≈ 0.9
    again, hard, good, easy = (review(card, r, at) for r in Rating)
    # success raises stability, more for better ratings; a lapse lowers it
    assert again.stability < first.stability < hard.stability < good.stability < easy.stability
    # difficulty goes up on Again/Hard, stays (up to mean reversion) on Good, down on Easy
    assert again.difficulty > hard.difficulty > good.difficulty > easy.difficulty
    assert again.difficulty > first.difficulty > easy.difficulty
    # the next due date is the rounded stability in days after the review
    for state in (again, hard, good, easy):
        assert state.due == at + timedelta(days=max(1, round(state.stability)))


def test_come_back_tomorrow_gets_exactly_the_due_items(tmp_path: Path) -> None:
    items = [item(f"i{k}") for k in range(8)]
    times = {i.id: 45 for i in items}
    with open_store(tmp_path, item_times=times) as store:
        # today: i0, i1 wrong (Again → 1 day), i2 slow (Hard → 1 day), i3 Good (2 days)
        store.record(ev("wrong", item_id="i0"))
        store.record(ev("wrong", item_id="i1"))
        store.record(ev("correct", duration=80, item_id="i2"))
        store.record(ev("correct", duration=30, item_id="i3"))
        store.record(ev("skipped", item_id="i4"))
        cards, settings = store.cards(), store.settings()
    today = build_queue(items, cards, settings, T0 + timedelta(hours=1), new_limit=0)
    assert today.due == ()
    tomorrow = build_queue(items, cards, settings, T0 + timedelta(days=1), new_limit=0)
    assert [i.id for i in tomorrow.due] == ["i0", "i1", "i2"]
    later = build_queue(items, cards, settings, T0 + timedelta(days=2), new_limit=0)
    assert [i.id for i in later.due] == ["i0", "i1", "i2", "i3"]
    # new items follow, in bank order; the skipped one was never reviewed so it is new
    with_new = build_queue(items, cards, settings, T0 + timedelta(days=1), new_limit=2)
    assert [i.id for i in with_new.items] == ["i0", "i1", "i2", "i4", "i5"]
    capped = build_queue(items, cards, settings, T0 + timedelta(days=1), limit=2, new_limit=5)
    assert [i.id for i in capped.items] == ["i0", "i1"] and capped.due_total == 3


def test_most_overdue_first() -> None:
    items = [item("a"), item("b"), item("c")]
    s = review(None, Rating.Again, T0)
    cards = {
        "a": CardRow(1, "a", "act.relu", s.state, s.step, s.stability, s.difficulty, T0 + timedelta(days=1), T0, T0),
        "b": CardRow(
            2,
            "b",
            "act.relu",
            s.state,
            s.step,
            s.stability,
            s.difficulty,
            T0 - timedelta(days=3),
            T0 - timedelta(days=4),
            T0 - timedelta(days=4),
        ),
        "c": CardRow(
            3,
            "c",
            "act.relu",
            s.state,
            s.step,
            s.stability,
            s.difficulty,
            T0 - timedelta(days=1),
            T0 - timedelta(days=2),
            T0 - timedelta(days=2),
        ),
    }
    q = build_queue(items, cards, {}, T0 + timedelta(days=1), new_limit=0)
    assert [i.id for i in q.due] == ["b", "c", "a"]


def test_daily_new_limit_counts_what_was_introduced_today(tmp_path: Path) -> None:
    items = [item(f"n{k}") for k in range(10)]
    with open_store(tmp_path) as store:
        store.set_setting("new_per_day", "5")
        for k in range(3):
            store.record(ev("correct", item_id=f"n{k}"))
        cards, settings = store.cards(), store.settings()
    q = build_queue(items, cards, settings, T0 + timedelta(hours=2))
    assert q.new_allowed == 2 and [i.id for i in q.new] == ["n3", "n4"]
    q = build_queue(items, cards, settings, T0 + timedelta(days=1))
    assert q.new_allowed == 5 and len(q.new) == 5


def test_exam_mode_pulls_a_due_date_before_the_exam() -> None:
    first = review(None, Rating.Easy, T0)  # S ≈ 8.3 days
    card = _card(first, T0)
    exam_day = local_day(T0) + timedelta(days=6)
    plan = ExamPlan(exam_day, 0.95)
    # FSRS alone brings it back after the exam, when recall would be below 95 %
    assert local_day(card.due) > exam_day
    pulled = effective_due(card, plan)
    assert local_day(T0) < local_day(pulled) < exam_day
    # a Good review on the pulled day keeps the predicted recall on the exam day ≥ target
    after = review(card, Rating.Good, pulled)
    exam_at = datetime.combine(exam_day, datetime.min.time()).astimezone().astimezone(UTC)
    recall = retrievability(after.stability, (exam_at - pulled).total_seconds() / 86400)
    assert recall >= 0.95
    # without reviewing, it would not be
    assert card_retrievability(card, exam_at) < 0.95
    # a lower target that the card already meets leaves FSRS's date alone
    assert effective_due(card, ExamPlan(exam_day, 0.5)) == card.due
    assert effective_due(card, None) == card.due


def test_exam_mode_new_item_pace() -> None:
    today = date(2026, 11, 25)
    settings = {"exam_date": "2026-12-05"}  # 10 days left
    assert new_per_day(settings, unseen=100, today=today) == 10
    assert new_per_day(settings, unseen=101, today=today) == 11
    assert new_per_day(settings, unseen=12, today=today) == 5  # the minimum
    assert new_per_day({"exam_date": "2026-11-25"}, unseen=30, today=today) == 30
    assert new_per_day({"exam_date": "2026-11-01"}, unseen=30, today=today) == 20  # exam over
    assert new_per_day({"new_per_day": "7"}, unseen=100, today=today) == 7


def test_forecast_counts_overdue_today() -> None:
    s = review(None, Rating.Again, T0)
    cards = [
        CardRow(k, f"c{k}", "act.relu", s.state, s.step, s.stability, s.difficulty, T0 + timedelta(days=d), T0, T0)
        for k, d in enumerate([-3, 0, 1, 1, 5, 13, 14, 40])
    ]
    assert forecast(cards, T0, None) == [2, 2, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1]


@settings(max_examples=200, deadline=None)
@example(stability=0.2, reviewed_days_ago=0, exam_in=1, target=0.9)  # exam tomorrow: its morning
@example(stability=8.0, reviewed_days_ago=0, exam_in=6, target=0.95)
@given(
    stability=st.floats(0.2, 400),
    reviewed_days_ago=st.integers(0, 30),
    exam_in=st.integers(1, 90),
    target=st.floats(0.6, 0.98),
)
def test_exam_mode_keeps_recall_at_the_target(
    stability: float, reviewed_days_ago: int, exam_in: int, target: float
) -> None:
    """Whatever the card, a Good review on the pulled-forward day keeps recall ≥ target."""
    last = T0 - timedelta(days=reviewed_days_ago)
    fsrs_due = last + timedelta(days=max(1, round(stability)))
    card = CardRow(1, "x", "act.relu", 2, None, stability, 5.0, fsrs_due, last, last)
    exam_day = local_day(T0) + timedelta(days=exam_in)
    plan = ExamPlan(exam_day, target)
    due = effective_due(card, plan)
    assert due <= card.due  # only ever earlier
    assert local_day(due) > local_day(last)  # never the day of the last review
    exam_at = datetime.combine(exam_day, datetime.min.time()).astimezone().astimezone(UTC)
    if local_day(due) > exam_day:  # not before the exam: fine only if recall holds anyway
        assert card_retrievability(card, exam_at) >= target
    elif due != card.due:  # pulled: review then (at the latest on the exam morning)
        at = max(due, T0)
        after = review(card, Rating.Good, at)
        gap = max(0.0, (exam_at - at).total_seconds() / 86400)
        assert retrievability(after.stability, gap) >= target - 1e-9


@pytest.mark.parametrize(
    ("offsets", "expected"),
    [([], 0), ([0], 1), ([0, 1, 2], 3), ([1, 2], 2), ([0, 2, 3], 1), ([2, 3], 0), ([0, 0, 1], 2)],
)
def test_streak(offsets: list[int], expected: int) -> None:
    from dlquiz.progress.stats import streak

    today = date(2026, 11, 25)
    assert streak([today - timedelta(days=k) for k in offsets], today) == expected
