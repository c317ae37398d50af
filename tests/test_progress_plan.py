"""Study plans for the time left: queue order over synthetic histories, at a fixed clock.

The tiny bank (tests/test_progress_bank.py) has chapters 3 (loss.mse, loss.bce), 4 (act.relu) and
5 (pool); items take 45 s, the numeric ones 120 s. The tests give the chapters their own weights,
3: 1, 4: 2, 5: 3, so the expected orders below follow from the rules by hand:

* cramming: weak items by weakness × weight, then due items by weight, then new items by weight;
* steady: due items, then new ones in syllabus order;
* a topic's weakness is (wrong + ½) / (answers + 1) over recency-weighted answers, so one wrong
  and one right answer of the same age give exactly ½ and two wrong ones less than 1;
* an item last answered wrong is at least 0.75 weak.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_progress_bank import write_bank

from dlquiz.bank import load_bank
from dlquiz.cli import cli
from dlquiz.progress import open_store
from dlquiz.progress.plan import (
    CHAPTER_WEIGHTS,
    parse_weights,
    recently_missed,
    session_for,
    study_plan,
    topic_weakness,
)
from dlquiz.progress.scheduler import EXAM_DATE
from dlquiz.quiz.events import AnswerEvent

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
WEIGHTS = {3: 1.0, 4: 2.0, 5: 3.0}
TIMES = {"loss.bce.p1": 120, "act.relu.p3": 120, "pool.p2": 120}
KIND = {
    "loss.mse.p1": "single",
    "loss.mse.p2": "truefalse",
    "act.relu.p1": "single",
    "act.relu.p2": "truefalse",
    "pool.p1": "single",
    "pool.p3": "truefalse",
}

# (item, result, seconds taken): 30 s of 45 is Good, 5 s is Easy; all three days before NOW
NIGHT_BEFORE: list[tuple[str, str, float]] = [
    ("loss.mse.p1", "wrong", 30),
    ("loss.mse.p2", "wrong", 30),
    ("act.relu.p1", "wrong", 30),
    ("act.relu.p2", "correct", 30),
    ("pool.p1", "correct", 5),
]


@pytest.fixture(scope="module")
def bank_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bank(tmp_path_factory.mktemp("plan") / "bank")


def event(item_id: str, result: str, seconds: float, at: datetime) -> AnswerEvent:
    topic = item_id.rsplit(".", 1)[0]
    return AnswerEvent(
        item_id=item_id,
        topic=topic,
        kind=KIND.get(item_id, "numeric"),
        result=result,
        response="x",
        duration_s=seconds,
        answered_at=at,
    )  # type: ignore[arg-type]


def make_home(
    tmp_path: Path, history: list[tuple[str, str, float]], exam_in: int | None, at: datetime = NOW - timedelta(days=3)
) -> Path:
    home = tmp_path / "home"
    with open_store(home, item_times={}) as store:
        for k, (item_id, result, seconds) in enumerate(history):
            store.record(event(item_id, result, seconds, at + timedelta(minutes=k)))
        if exam_in is not None:
            store.set_setting(EXAM_DATE, (NOW.date() + timedelta(days=exam_in)).isoformat())
    return home


def today_session(bank_dir: Path, home: Path, minutes: float) -> tuple[list[str], list[str], bool]:
    bank = load_bank(bank_dir)
    from dlquiz.progress.order import syllabus_order

    items = syllabus_order(bank, bank.items)
    with open_store(home) as store:
        s = session_for(items, store.cards(), store.answers(), store.settings(), NOW, WEIGHTS, budget_s=minutes * 60)
    return [p.item.id for p in s.picks], sorted(p.item.id for p in s.left_out), s.cram


@pytest.mark.parametrize(
    ("history", "exam_in", "minutes", "order", "left_out", "cram"),
    [
        # the night before: weak (act.relu.p1 0.75×2, act.relu.p2 ½×2, loss.mse ~0.8×1), nothing
        # else due (pool.p1 was easy), then new items by weight: pool, act.relu, loss.bce
        (
            NIGHT_BEFORE,
            1,
            60,
            [
                "act.relu.p1",
                "act.relu.p2",
                "loss.mse.p1",
                "loss.mse.p2",
                "pool.p2",
                "pool.p3",
                "act.relu.p3",
                "loss.bce.p1",
                "loss.bce.p2",
            ],
            [],
            True,
        ),
        # the same in 5 minutes (300 s): 4 × 45 + 120 fill it exactly; the rest is left out
        (
            NIGHT_BEFORE,
            1,
            5,
            ["act.relu.p1", "act.relu.p2", "loss.mse.p1", "loss.mse.p2", "pool.p2"],
            ["act.relu.p3", "loss.bce.p1", "loss.bce.p2", "pool.p3"],
            True,
        ),
        # no history, exam tomorrow: new items by weight only (45+120+45+45+45 = 300 s)
        (
            [],
            1,
            5,
            ["pool.p1", "pool.p2", "pool.p3", "act.relu.p1", "act.relu.p2"],
            ["act.relu.p3", "loss.bce.p1", "loss.bce.p2", "loss.mse.p1", "loss.mse.p2"],
            True,
        ),
        # 4.5 minutes (270 s): pool.p2 (120 s) no longer fits after the weak ones (180 s), so the
        # shorter items after it take the room
        (
            NIGHT_BEFORE,
            1,
            4.5,
            ["act.relu.p1", "act.relu.p2", "loss.mse.p1", "loss.mse.p2", "pool.p3", "loss.bce.p2"],
            ["act.relu.p3", "loss.bce.p1", "pool.p2"],
            True,
        ),
        # no history, no exam: syllabus order (the syllabus lists loss.bce before loss.mse)
        (
            [],
            None,
            5,
            ["loss.bce.p1", "loss.bce.p2", "loss.mse.p1", "loss.mse.p2", "act.relu.p1"],
            ["act.relu.p2", "act.relu.p3", "pool.p1", "pool.p2", "pool.p3"],
            False,
        ),
        ([], None, 3, ["loss.bce.p1", "loss.bce.p2"], None, False),
        # the weak items the night before come first even when the exam is 3 days away (cramming)
        (NIGHT_BEFORE, 3, 2, ["act.relu.p1", "act.relu.p2"], None, True),
    ],
)
def test_queue_order(
    bank_dir: Path,
    tmp_path: Path,
    history: list[tuple[str, str, float]],
    exam_in: int | None,
    minutes: float,
    order: list[str],
    left_out: list[str] | None,
    cram: bool,
) -> None:
    home = make_home(tmp_path, history, exam_in)
    got, left, is_cram = today_session(bank_dir, home, minutes)
    assert got == order
    if left_out is not None:
        assert left == left_out
    assert is_cram is cram


def test_weakness_by_hand() -> None:
    """(wrong + ½) / (n + 1), each answer weighted 2^(−age / 7 days)."""
    from dlquiz.progress.cards import AnswerRow

    def row(k: int, topic: str, result: str, days_ago: float) -> AnswerRow:
        return AnswerRow(
            k, f"{topic}.x", topic, "single", result, "", 1.0, NOW - timedelta(days=days_ago), 0, None, None, None, None
        )

    rows = [row(1, "a", "wrong", 0), row(2, "a", "correct", 7), row(3, "b", "correct", 0)]
    got = topic_weakness(rows, NOW)
    assert got["a"] == pytest.approx((1 + 0.5) / (1 + 0.5 + 1))
    assert got["b"] == pytest.approx(0.5 / 2)
    assert recently_missed(rows) == ["a.x"]


@pytest.mark.parametrize(
    ("text", "expected"), [("5=2", {5: 2.0}), ("1=0, 4=1.5", {1: 0.0, 4: 1.5}), ("3=2;3=4", {3: 4.0})]
)
def test_parse_weights(text: str, expected: dict[int, float]) -> None:
    assert parse_weights(text) == expected


@pytest.mark.parametrize("text", ["5", "x=1", "5=-1", "5=nan"])
def test_parse_weights_refuses(text: str) -> None:
    from dlquiz.errors import UsageError

    with pytest.raises(UsageError, match="--weight"):
        parse_weights(text)


def test_plan_days_fit_the_minutes_and_say_what_does_not_fit(bank_dir: Path, tmp_path: Path) -> None:
    home = make_home(tmp_path, [], 2)
    bank = load_bank(bank_dir)
    with open_store(home) as store:
        plan = study_plan(bank.items, store.cards(), store.answers(), store.settings(), NOW, WEIGHTS, minutes=3)
    assert [d.day.isoformat() for d in plan.days] == ["2026-12-01", "2026-12-02"]
    assert all(d.used_s <= 180 for d in plan.days)
    met = sum(d.new for d in plan.days)
    assert met + len(plan.not_fitting) == 10
    assert plan.not_fitting_s == sum(i.time for i in plan.not_fitting) > 0


def invoke(args: list[str], env: dict[str, str] | None = None, stdin: str = "") -> tuple[int, str]:
    res = CliRunner().invoke(cli, args, input=stdin, env=env)
    return res.exit_code, res.output


def test_exam_tomorrow_60_minutes_real_bank(tmp_path: Path) -> None:
    """The issue's case: exam tomorrow, 60 minutes a day, a student weak in convolutions and sure
    of the history items. Today's session fits 60 minutes, starts with the convolution items
    missed, and no chapter-1 item comes before the chapters the exam weights more."""
    bank = load_bank(None)
    conv = [i for i in bank.items if i.topic.startswith("conv.") and i.kind == "single"][:3]
    intro = [i for i in bank.items if i.chapter == 1 and i.kind == "single"][:3]
    home = tmp_path / "home"
    with open_store(home) as store:
        at = NOW - timedelta(days=2)
        for k, item in enumerate(conv):
            store.record(AnswerEvent(item.id, item.topic, item.kind, "wrong", "x", 20.0, at + timedelta(minutes=k)))
        for k, item in enumerate(intro):
            store.record(
                AnswerEvent(item.id, item.topic, item.kind, "correct", "x", 20.0, at + timedelta(minutes=10 + k))
            )
    now = NOW.isoformat()
    code, out = invoke(
        ["plan", "--exam", "2026-12-02", "--minutes-per-day", "60", "--json", "--home", str(home), "--now", now]
    )
    assert code == 0, out
    today = json.loads(out)["plan"]["today"]
    ids = [x["id"] for x in today["items"]]
    assert today["cram"] and sum(x["seconds"] for x in today["items"]) <= 3600
    assert set(ids[:3]) == {i.id for i in conv}
    weights = {c.number: c.weight for c in bank.syllabus.chapters}
    chapters = [x["chapter"] for x in today["items"]]
    assert (
        chapters.index(1) > max(k for k, c in enumerate(chapters) if weights[c] > weights[1]) if 1 in chapters else True
    )
    # review serves exactly that session (every question skipped: the order is what matters)
    code, out = invoke(
        ["review", "--home", str(home), "--now", now, "--no-rate", "--lang", "en"], stdin="s\n" * (len(ids) + 5)
    )
    assert code == 0, out
    assert f"· {len(ids) - 3} new · 60 min" in out
    shown = [line.split(" · ")[1] for line in out.splitlines() if line.startswith("╭─ ")]
    assert shown == [x["topic"] for x in today["items"]]


def test_plan_text_in_both_languages(bank_dir: Path, tmp_path: Path) -> None:
    home = make_home(tmp_path, NIGHT_BEFORE, 1)
    base = ["plan", "--bank", str(bank_dir), "--home", str(home), "--now", NOW.isoformat(), "--minutes-per-day", "2"]
    code, out = invoke([*base, "--lang", "en"])
    assert code == 0, out
    assert "Today (cramming): 0 weak, 2 due, 0 new" in out and "Will not fit before the exam: 5 new items" in out
    code, out = invoke([*base, "--lang", "zh"])
    assert code == 0, out
    assert "今天（冲刺）：薄弱 0 题，到期 2 题" in out and "考前放不下：5 道新题" in out
    code, out = invoke(base, env={"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"})
    assert "今天（冲刺）" in out


def test_weights_are_kept_and_change_the_order(bank_dir: Path, tmp_path: Path) -> None:
    home = make_home(tmp_path, [], 1)
    base = ["plan", "--bank", str(bank_dir), "--home", str(home), "--now", NOW.isoformat(), "--json"]
    code, out = invoke([*base, "--weight", "3=9", "--minutes-per-day", "1"])
    assert code == 0, out
    first = json.loads(out)["plan"]["today"]["items"][0]
    assert first["chapter"] == 3
    with open_store(home) as store:
        assert store.get_setting(CHAPTER_WEIGHTS) == "3=9"
    code, out = invoke([*base, "--weight", "3=x"])
    assert code == 2 and "CHAPTER=WEIGHT" in out
