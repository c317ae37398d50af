"""Reviewing like Anki: rating over the automatic grade, undo from the log, relearning, a time box.

The session runs on the tiny bank with a scripted `read_line` and a clock that moves 20 s per
line typed (20 s of an item's 45 is a Good answer: neither slow nor fast).
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from rich.console import Console
from test_progress_bank import RIGHT, WRONG, write_bank

from dlquiz.bank import load_bank
from dlquiz.cli import cli
from dlquiz.progress import open_store
from dlquiz.progress.review_loop import ReviewSession
from dlquiz.progress.scheduler import review as fsrs_review
from dlquiz.quiz.events import AnswerEvent

SHOWN = re.compile(r"Question (\S+)\?")
START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
STEP_S = 20.0


@pytest.fixture(scope="module")
def bank_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bank(tmp_path_factory.mktemp("review") / "bank")


class Script:
    """Typed lines in order (then end of input), with a clock that moves as the student types."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = list(lines)
        self.t = 1000.0
        self.prompts: list[str] = []

    def clock(self) -> float:
        return self.t

    def now(self) -> datetime:
        return START + timedelta(seconds=self.t - 1000.0)

    def read(self, prompt: str) -> str:
        self.prompts.append(prompt)
        self.t += STEP_S
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)


def run(
    bank_dir: Path, home: Path, ids: list[str], lines: list[str], *, budget_s: float | None = None, rate: bool = True
) -> tuple[ReviewSession, list[str], str]:
    bank = load_bank(bank_dir)
    items = [bank.get(i) for i in ids]
    script = Script(lines)
    out = io.StringIO()
    with open_store(home, item_times={i.id: float(i.time) for i in bank.items}) as store:
        session = ReviewSession(
            [(i, "new") for i in items if i is not None],
            store=store,
            lang="en",
            seed=1,
            console=Console(file=out, width=100),
            read_line=script.read,
            rate=rate,
            budget_s=budget_s,
            clock=script.clock,
            now=script.now,
        )
        session.run()
    text = out.getvalue()
    return session, SHOWN.findall(text), text


def record(home: Path, item_id: str, result: str, at: datetime) -> None:
    with open_store(home, item_times={}) as store:
        store.record(AnswerEvent(item_id, item_id.rsplit(".", 1)[0], "single", result, "x", 20.0, at))  # type: ignore[arg-type]


def card_of(home: Path, item_id: str) -> object:
    with open_store(home) as store:
        return store.card(item_id)


def ratings(home: Path) -> list[tuple[str, int | None, int | None]]:
    with open_store(home) as store:
        return [(a.item_id, a.rating, a.self_rating) for a in store.answers()]


@pytest.mark.parametrize("history", [None, "correct", "wrong"])
@pytest.mark.parametrize("answer", ["right", "wrong"])
@pytest.mark.parametrize("where", ["rating prompt", "next answer"])
def test_undo_restores_the_exact_card(
    bank_dir: Path, tmp_path: Path, history: str | None, answer: str, where: str
) -> None:
    home = tmp_path / "home"
    item = "loss.mse.p1"
    if history is not None:
        record(home, item, history, START - timedelta(days=3))
    before = card_of(home, item)
    typed = RIGHT[item] if answer == "right" else WRONG[item]
    # undo at the rating prompt, or keep the rating and type u instead of the next answer
    lines = [typed, "u"] if where == "rating prompt" else [typed, "", "u"]
    session, shown, text = run(bank_dir, home, [item, "loss.mse.p2"], lines)
    assert "Undone: loss.mse.p1" in text
    assert card_of(home, item) == before  # every field, as before the answer
    assert len(ratings(home)) == (history is not None)
    assert session.result.events == []
    # it is asked again straight away
    assert shown[-1] == item


def test_undo_then_answer_again_is_one_review(bank_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    item = "act.relu.p1"
    _, shown, _ = run(bank_dir, home, [item], [WRONG[item], "u", RIGHT[item], ""])
    assert shown == [item, item]
    assert ratings(home) == [(item, 3, None)]


def test_a_failed_item_comes_back_in_the_session(bank_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ids = ["loss.mse.p1", "loss.bce.p2", "act.relu.p1", "pool.p1", "pool.p3"]
    lines = [WRONG[ids[0]], ""]
    for i in ids[1:4]:
        lines += [RIGHT[i], ""]
    lines += [RIGHT[ids[0]], "", RIGHT[ids[4]], ""]
    session, shown, text = run(bank_dir, home, ids, lines)
    # back after three other items (Anki's relearning), and once answered right it stays done
    assert shown == [ids[0], ids[1], ids[2], ids[3], ids[0], ids[4]]
    assert [r for r in ratings(home) if r[0] == ids[0]] == [(ids[0], 1, None), (ids[0], 3, None)]
    assert "learning 1" in text  # the live count while it waits
    assert len(session.result.events) == 6


def test_relearning_stops_after_three_returns(bank_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    item = "pool.p1"
    _, shown, _ = run(bank_dir, home, [item], [WRONG[item], ""] * 6)
    assert shown == [item] * 4


@pytest.mark.parametrize(
    ("typed", "stored", "self_rating"),
    [("", 3, None), ("1", 1, 1), ("h", 2, 2), ("3", 3, None), ("easy", 4, 4), ("１", 1, 1), ("Ｈ", 2, 2)],
)
def test_override_changes_the_stored_rating(
    bank_dir: Path, tmp_path: Path, typed: str, stored: int, self_rating: int | None
) -> None:
    from fsrs import Rating

    home = tmp_path / "home"
    item = "act.relu.p2"
    _, shown, _ = run(
        bank_dir,
        home,
        [item],
        [RIGHT[item], typed],
    )
    got = [r for r in ratings(home) if r[0] == item]
    assert got[0] == (item, stored, self_rating)
    # the card is what FSRS makes of that rating (the answer came 20 s after the start)
    expected = fsrs_review(None, Rating(stored), START + timedelta(seconds=STEP_S), int(STEP_S * 1000))
    card = card_of(home, item)
    assert card is not None
    assert (card.stability, card.difficulty, card.due) == (
        expected.stability,
        expected.difficulty,  # type: ignore[attr-defined]
        expected.due,
    )
    # Again brings it back in the session
    assert len(shown) == (2 if stored == 1 else 1)


def test_a_rating_prompt_that_cannot_be_read_asks_again(bank_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    item = "loss.mse.p2"
    _, _, text = run(bank_dir, home, [item], [RIGHT[item], "7", "2"])
    assert "Type 1, 2, 3 or 4" in text
    assert ratings(home) == [(item, 2, 2)]


def test_the_time_box_ends_the_session(bank_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    ids = ["loss.mse.p1", "loss.mse.p2", "act.relu.p1", "act.relu.p2"]
    # each answer takes two lines (40 s): after 2 answers 80 s are used of 70
    lines = [x for i in ids for x in (RIGHT[i], "")]
    session, shown, text = run(bank_dir, home, ids, lines, budget_s=70)
    assert shown == ids[:2]
    assert "Time is up." in text and "2 items left for next time" in text
    assert session.result.timed_out and len(ratings(home)) == 2


def invoke(args: list[str], stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, str]:
    res = CliRunner().invoke(cli, args, input=stdin, env=env)
    return res.exit_code, res.output


def test_quiz_wrong_and_due(bank_dir: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    record(home, "loss.mse.p1", "wrong", START - timedelta(days=2, hours=1))
    record(home, "pool.p1", "wrong", START - timedelta(days=2))
    record(home, "act.relu.p1", "correct", START - timedelta(days=2))
    record(home, "pool.p1", "correct", START - timedelta(days=1))
    base = ["--bank", str(bank_dir), "--home", str(home), "--no-save", "--seed", "1"]
    code, out = invoke(["quiz", "--wrong", *base], stdin="s\n" * 5)
    assert code == 0, out
    assert SHOWN.findall(out) == ["loss.mse.p1"]  # pool.p1 was put right since
    env = {"DLQUIZ_NOW": START.isoformat()}
    code, out = invoke(["quiz", "--due", *base], stdin="s\n" * 5, env=env)
    assert code == 0, out
    with open_store(home) as store:
        due = sorted((c.due, i) for i, c in store.cards().items() if c.due.date() <= START.date())
    assert SHOWN.findall(out) == [i for _, i in due] and due
    code, out = invoke(["quiz", "--wrong", "--topic", "act.", *base])
    assert code == 1 and "no item missed matches" in out  # nothing to drill: exit 1, as a search without hits


def test_search_in_both_languages(bank_dir: Path, tmp_path: Path) -> None:
    base = ["search", "--bank", str(bank_dir)]
    code, out = invoke([*base, "relu", "--lang", "en"])
    assert code == 0, out
    assert "3 hits" in out and "dlquiz quiz --id act.relu.p1 --id act.relu.p2 --id act.relu.p3" in out
    code, out = invoke([*base, "问题", "pool.p2", "--lang", "zh"])
    assert code == 0, out
    assert "1 个结果" in out and "问题 pool.p2？" in out and "dlquiz quiz --id pool.p2" in out
    code, out = invoke([*base, "QUESTION", "LOSS", "--json"])
    assert [h["id"] for h in json.loads(out)] == ["loss.bce.p1", "loss.bce.p2", "loss.mse.p1", "loss.mse.p2"]
    code, out = invoke([*base, "nothing-like-this"])
    assert code == 1 and "No item matches" in out
    code, out = invoke([*base, "pool.p3", "--quiz", "--home", str(tmp_path / "h"), "--lang", "en"], stdin="t\n")
    assert code == 0, out
    assert SHOWN.findall(out) == ["pool.p3"] and "1/1" in out


@pytest.mark.parametrize(
    ("n", "minutes", "asked", "message"),
    [
        # four 45-second items fit 3 minutes (the balanced first choice takes a 2-minute item)
        ("4", "3", 4, None),
        # 2 minutes: even the four quickest items (4 × 45 s) take 3 min; two fit
        (
            "4",
            "2",
            2,
            "Only 2 of 4 questions fit in 2 minutes: by the bank's estimates even the 4 quickest items "
            "take 3 min. What fits: --n 2 --minutes 2, or --n 4 --minutes 3.",
        ),
        ("20", "60", 10, "Only 10 of 20 questions: the chosen chapters have 10 items in all."),
    ],
)
def test_exam_n_and_minutes(
    bank_dir: Path, tmp_path: Path, n: str, minutes: str, asked: int, message: str | None
) -> None:
    res = CliRunner().invoke(
        cli,
        ["exam", "--bank", str(bank_dir), "--n", n, "--minutes", minutes, "--seed", "5", "--no-save", "--lang", "en"],
        input="s\n" * 30,
    )
    assert res.exit_code == 0, res.output
    assert f"Mock exam · {asked} questions · {minutes} min" in res.output
    assert len(re.findall(r"╭─ \d+/\d+ ", res.output)) == asked  # the panels asked (the report repeats prompts)
    if message is not None:
        assert message in res.output
    else:
        assert "Only" not in res.output


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({"LANGUAGE": "zh_CN:en", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANGUAGE": "en", "LC_ALL": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:zh", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANGUAGE": "", "LC_ALL": "zh_TW.UTF-8", "LANG": "en_US.UTF-8"}, "zh"),
        ({"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "C", "LANG": "zh_CN.UTF-8"}, "zh"),  # C/POSIX: not set
        ({"LANGUAGE": "", "LC_ALL": "POSIX", "LANG": ""}, "en"),
        ({"LANGUAGE": "", "LC_ALL": "", "LC_MESSAGES": "", "LANG": "zh_CN.UTF-8"}, "zh"),
    ],
)
def test_one_language_rule(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], lang: str) -> None:
    from dlquiz.cli.common import default_lang

    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert default_lang() == lang


@pytest.mark.parametrize(
    ("args", "env", "heading", "footer"),
    [
        (["--lang", "zh"], None, "C 概念", "共 10 题"),
        (["--lang", "en"], {"LANGUAGE": "zh"}, "C concept", "10 items in"),
        ([], {"LANGUAGE": "zh_CN", "LANG": "en_US.UTF-8"}, "C 概念", "共 10 题"),
    ],
)
def test_topics_speaks_the_language_asked(
    bank_dir: Path, args: list[str], env: dict[str, str] | None, heading: str, footer: str
) -> None:
    code, out = invoke(["topics", "--bank", str(bank_dir), *args], env=env)
    assert code == 0, out
    assert heading in out and footer in out


EXPLAIN = """
[[item]]
id = "act.relu.explain"
topic = "act.relu"
kind = "explain"
difficulty = 1
source = "004_96e5ea7d078c6618"
prompt.en = "Question act.relu.explain?"
prompt.zh = "问题 act.relu.explain？"
model_answer.en = "Because."
model_answer.zh = "因为。"
rubric = [{ en = "one", zh = "一" }, { en = "two", zh = "二" }, { en = "three", zh = "三" }, { en = "four", zh = "四" }]
explanation.en = "e"
explanation.zh = "解"
"""


@pytest.mark.parametrize(("points", "rating"), [("all", 3), ("1 2", 2), ("1", 1), ("none", 1)])
def test_explain_items_are_rated_by_their_points_not_asked_again(tmp_path: Path, points: str, rating: int) -> None:
    bank_dir = write_bank(tmp_path / "bank")
    with (bank_dir / "04-fnn" / "act.relu.toml").open("a", encoding="utf-8") as fh:
        fh.write(EXPLAIN)
    home = tmp_path / "home"
    # the answer, the empty line that ends it, the points made; no rating prompt follows
    _, shown, text = run(bank_dir, home, ["act.relu.explain"], ["my answer", "", points, "2"])
    assert ratings(home)[0][1] == rating
    assert "Enter keeps it" not in text
    assert len(shown) == (2 if rating == 1 else 1)  # Again comes back


@pytest.mark.parametrize(
    ("args", "env", "title"),
    [
        (["--lang", "zh"], None, "学习率衰减"),
        ([], {"LANGUAGE": "zh_CN:en"}, "学习率衰减"),
        (["--lang", "en"], {"LANGUAGE": "zh_CN"}, "learning-rate decay"),
    ],
)
def test_plot_titles_speak_the_language_asked(args: list[str], env: dict[str, str] | None, title: str) -> None:
    code, out = invoke(["plot", "lr-decay", "--epochs", "3", "--json", *args], env=env)
    assert code == 0, out
    assert json.loads(out)["title"].startswith(title)
