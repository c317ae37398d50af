"""Mock exam: paper assembly, timing with an injected clock, the graded report."""

from __future__ import annotations

import io
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_progress_bank import RIGHT, WRONG, write_bank

from dlquiz.bank import load_bank
from dlquiz.bank.model import KIND_LETTER, Item, Text
from dlquiz.errors import UsageError
from dlquiz.progress import open_store
from dlquiz.progress.exam import assemble_paper
from dlquiz.progress.exam_report import build_report, report_markdown

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def mk(item_id: str, chapter: int, kind: str, difficulty: int = 1, seconds: int = 60) -> Item:
    return Item(
        id=item_id,
        topic=f"t{chapter}",
        kind=kind,
        difficulty=difficulty,
        source="000_ffe98cf169f07fd8",
        prompt=Text(item_id, item_id),
        explanation=Text("e", "e"),
        answer="a",
        chapter=chapter,
        time=seconds,
    )


POOL = [
    mk(
        f"c{ch}.{kind}.{k}",
        ch,
        kind,
        difficulty=1 + k % 3,
        seconds={"single": 45, "truefalse": 30, "formula": 90, "numeric": 120, "derivation": 300}[kind],
    )
    for ch in (1, 2, 3, 4)
    for kind in ("single", "truefalse", "formula", "numeric", "derivation")
    if not (kind == "derivation" and ch != 3)
    for k in range(4)
]


def test_same_seed_same_paper() -> None:
    a = assemble_paper(POOL, seed=11, minutes=30)
    b = assemble_paper(list(reversed(POOL)), seed=11, minutes=30)
    assert [i.id for i in a.items] == [i.id for i in b.items]
    others = {tuple(i.id for i in assemble_paper(POOL, seed=s, minutes=30).items) for s in range(12, 20)}
    assert len(others) > 1


def test_paper_is_balanced_and_fits_the_time() -> None:
    paper = assemble_paper(POOL, seed=3, minutes=30)
    assert paper.planned_seconds <= 30 * 60
    assert paper.planned_seconds > 30 * 60 - 300  # nearly full: nothing left unused that fits
    letters = Counter(i.letter for i in paper.items)
    assert set(letters) == {"C", "F", "N", "D"}
    assert letters["D"] >= 1
    chapters = Counter(i.chapter for i in paper.items)
    assert set(chapters) == {1, 2, 3, 4}
    assert max(chapters.values()) - min(chapters.values()) <= 1
    levels = Counter(i.difficulty for i in paper.items)
    assert max(levels.values()) - min(levels.values()) <= 2
    # asked concepts first, derivations last
    order = [("C", "F", "N", "D").index(i.letter) for i in paper.items]
    assert order == sorted(order)
    assert len({i.id for i in paper.items}) == len(paper.items)


def test_n_and_chapters() -> None:
    paper = assemble_paper(POOL, seed=5, n=6, chapters=[1, 3])
    assert len(paper.items) == 6
    assert {i.chapter for i in paper.items} == {1, 3}
    assert any(i.kind == "derivation" for i in paper.items)
    # with only n, the limit is the paper's estimated time, rounded up to minutes
    assert paper.minutes * 60 >= paper.planned_seconds > (paper.minutes - 1) * 60


def test_errors_name_the_option() -> None:
    with pytest.raises(UsageError, match="--chapters: chapter 9"):
        assemble_paper(POOL, seed=1, chapters=[9])
    with pytest.raises(UsageError, match="--n"):
        assemble_paper(POOL, seed=1, n=0)
    with pytest.raises(UsageError, match="--minutes"):
        assemble_paper(POOL, seed=1, minutes=-5)
    with pytest.raises(UsageError, match="fits"):
        assemble_paper(POOL, seed=1, minutes=0.4)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10**6), minutes=st.integers(1, 120), n=st.none() | st.integers(1, 40))
def test_assembly_properties(seed: int, minutes: int, n: int | None) -> None:
    paper = assemble_paper(POOL, seed=seed, minutes=minutes, n=n)
    assert paper.planned_seconds <= minutes * 60
    assert n is None or len(paper.items) <= n
    assert len({i.id for i in paper.items}) == len(paper.items)
    if minutes >= 3 * 5:
        # a derivation (5 min here) comes first when it takes at most a third of the time
        assert any(i.kind == "derivation" for i in paper.items)
    if n is not None and minutes * 60 >= n * 120:
        assert len(paper.items) == n  # short items fill the paper; no derivation crowds them out
    # no kind is starved while another has twice its share
    letters = Counter(KIND_LETTER[i.kind] for i in paper.items)
    if len(paper.items) >= 10:
        assert letters["C"] >= 2 and letters["N"] >= 1 and letters["F"] >= 1


# -- timing through the runner, with an injected clock -----------------------------------------


class FakeClock:
    """A monotonic clock that moves only when the student "types"."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def test_time_up_ends_the_exam_and_marks_the_rest(tmp_path: Path) -> None:
    from rich.console import Console

    from dlquiz.quiz import run_session

    bank = load_bank(write_bank(tmp_path / "bank"))
    paper = assemble_paper(bank.items, seed=4, n=5)
    ids = [i.id for i in paper.items]
    clock = FakeClock()
    deadline = clock() + 100
    typed = iter([RIGHT[ids[0]], WRONG[ids[1]], RIGHT[ids[2]], RIGHT[ids[3]], RIGHT[ids[4]]])
    prompts: list[str] = []

    def read_line(prompt: str) -> str:
        prompts.append(prompt)
        clock.t += 40  # every answer takes 40 s: the third comes after the deadline
        return next(typed)

    out = io.StringIO()
    store = open_store(tmp_path / "home", item_times={i.id: i.time for i in bank.items})
    exam_id = store.start_exam(started_at=T0, seed=4, minutes=paper.minutes, n_items=5)
    result = run_session(
        paper.items,
        lang="en",
        seed=4,
        console=Console(file=out, width=100),
        read_line=read_line,
        recorder=lambda e: store.record(e, exam_id=exam_id),
        feedback=False,
        deadline=deadline,
        clock=clock,
        now=lambda: T0 + timedelta(seconds=clock.t - 1000),
    )
    report = build_report(paper, result, lang="en", started_at=T0, finished_at=T0 + timedelta(seconds=120))
    store.finish_exam(exam_id, finished_at=report.finished_at, correct=report.correct, report=report.to_dict())
    text = out.getvalue()
    assert "1:40 left" in text and "1:00 left" in text  # the countdown in the header
    assert "Correct" not in text and "Incorrect" not in text  # no feedback during the exam
    assert result.timed_out
    assert [q.result for q in report.questions] == ["correct", "wrong", "timeout", "timeout", "timeout"]
    assert [q.duration_s for q in report.questions[:3]] == [40, 40, 40]
    assert report.correct == 1 and report.total == 5
    answers = store.answers()
    assert [a.item_id for a in answers] == ids
    assert all(a.exam_id == exam_id for a in answers)
    # the two answered questions are reviews; timed-out ones leave the cards alone
    assert [a.rating is not None for a in answers] == [True, True, False, False, False]
    assert set(store.cards()) == set(ids[:2])
    assert store.exams()[0]["correct"] == 1
    store.close()

    md = report_markdown(report)
    assert "**Score: 1/5 (20%)**" in md
    assert "Time ran out" in md
    for q in report.questions[1:]:
        assert f"### {q.number}. {q.item_id}" in md
        assert f"Because of {q.item_id}." in md  # each mistake with its explanation
    assert f"### 1. {ids[0]}" not in md


# -- the countdown: one rounding everywhere ------------------------------------------------------


@pytest.mark.parametrize(
    ("left", "en", "zh"),
    [
        (180.0, "3:00 left", "剩余 3:00"),  # a fresh 3-minute exam
        (179.999, "3:00 left", "剩余 3:00"),  # a moment later: still the whole minutes asked for
        (179.0, "2:59 left", "剩余 2:59"),
        (178.2, "2:59 left", "剩余 2:59"),  # rounded up: a second that has begun is still left
        (60.0, "1:00 left", "剩余 1:00"),
        (59.01, "1:00 left", "剩余 1:00"),
        (9.5, "0:10 left", "剩余 0:10"),
        (0.4, "0:01 left", "剩余 0:01"),  # 0:00 only when time is up
        (0.0, "0:00 left", "剩余 0:00"),
        (-3.0, "0:00 left", "剩余 0:00"),  # past the deadline: never negative
        (3600.0, "60:00 left", "剩余 60:00"),  # minutes are not folded into hours
    ],
)
def test_countdown_text(left: float, en: str, zh: str) -> None:
    from dlquiz.quiz.lineedit import countdown

    assert countdown(left, "en") == en
    assert countdown(left, "zh") == zh


class TickingClock(FakeClock):
    """A clock that moves a millisecond each time it is read, as a real one does between two reads."""

    def __call__(self) -> float:
        self.t += 0.001
        return self.t


def test_a_fresh_exam_shows_its_whole_minutes_everywhere(tmp_path: Path) -> None:
    import re

    from rich.console import Console

    from dlquiz.quiz import run_session

    bank = load_bank(write_bank(tmp_path / "bank"))
    paper = assemble_paper(bank.items, seed=4, n=1)
    clock = TickingClock()
    out = io.StringIO()
    run_session(
        paper.items,
        lang="en",
        seed=4,
        console=Console(file=out, width=100),
        read_line=lambda prompt: RIGHT[paper.items[0].id],
        feedback=False,
        deadline=clock() + 180,
        clock=clock,
    )
    shown = re.findall(r"\d+:\d\d left", out.getvalue())
    assert len(shown) >= 2  # the question's title and its prompt line
    assert set(shown) == {"3:00 left"}
