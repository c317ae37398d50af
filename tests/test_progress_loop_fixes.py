"""The study loop as a new user meets it: the commands agree with each other and say what they do.

Each test is one finding of a QA pass (issue 12 follow-up): counts that must agree across commands,
refusals that must name what is wrong.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_progress_bank import write_bank
from test_progress_plan import NIGHT_BEFORE, NOW, make_home

from dlquiz.bank.model import Item
from dlquiz.cli import cli

HEADER = re.compile(r"Review · (\d+) due(?: · (\d+) weak)? · (\d+) new")
COUNTER = re.compile(r"due (\d+)(?: · weak (\d+))? · new (\d+) · learning (\d+)")


@pytest.fixture(scope="module")
def bank_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_bank(tmp_path_factory.mktemp("loop") / "bank")


def invoke(args: list[str], stdin: str = "", env: dict[str, str] | None = None) -> tuple[int, str]:
    res = CliRunner().invoke(cli, args, input=stdin, env=env)
    return res.exit_code, res.output


def common(bank_dir: Path, home: Path) -> list[str]:
    return ["--bank", str(bank_dir), "--home", str(home), "--now", NOW.isoformat(), "--lang", "en"]


# -- 1. one definition of due (and weak) -------------------------------------------------------


@pytest.mark.parametrize(
    ("exam_in", "history_age"),
    [
        (0, 3),  # the exam is today: cramming
        (1, 3),  # tomorrow: cramming
        (2, 1),  # cramming, answers of yesterday (nothing due yet, the weak ones are pulled forward)
        (None, 3),  # no exam date: steady
    ],
)
def test_due_counts_agree_across_review_stats_plan_and_quiz(
    bank_dir: Path, tmp_path: Path, exam_in: int | None, history_age: int
) -> None:
    home = make_home(tmp_path, NIGHT_BEFORE, exam_in, at=NOW - timedelta(days=history_age))
    base = common(bank_dir, home)
    code, out = invoke(["stats", "--json", *base[:-2]])
    assert code == 0, out
    due_stats = json.loads(out)["due_today"]
    code, out = invoke(["plan", "--json", "--minutes-per-day", "600", *base[:-2]])
    assert code == 0, out
    picks = json.loads(out)["plan"]["today"]["items"]
    due_plan = sum(1 for p in picks if p["reason"] == "due")
    weak_plan = sum(1 for p in picks if p["reason"] == "weak")
    code, out = invoke(["plan", *base])
    assert f"{weak_plan} weak, {due_plan} due" in out
    code, out = invoke(
        ["review", "--no-rate", "--no-relearn", "--new", "0", "--minutes", "600", *base], stdin="s\n" * 20
    )
    assert code == 0, out
    header = HEADER.search(out)
    assert header is not None, out
    assert int(header[1]) == due_stats == due_plan
    assert int(header[2] or 0) == weak_plan
    code, out = invoke(
        ["quiz", "--due", "--no-save", *base[:2], *base[2:4], "--lang", "en", "--n", "50"],
        stdin="s\n" * 20,
        env={"DLQUIZ_NOW": NOW.isoformat()},
    )
    if due_stats:
        assert code == 0, out
        assert out.count("╭─ ") == due_stats
    else:
        assert code == 1 and "nothing is due today; next: " in out  # nothing to drill: exit 1, not a usage error
    assert due_stats > 0 or weak_plan > 0  # every case has something to count


def test_weak_items_are_named_weak_not_due(bank_dir: Path, tmp_path: Path) -> None:
    # items of a weak topic answered right yesterday are not due, yet cramming brings them: "weak"
    home = make_home(tmp_path, NIGHT_BEFORE, 1, at=NOW - timedelta(days=1))
    code, out = invoke(
        ["review", "--no-rate", "--new", "0", "--minutes", "600", *common(bank_dir, home)], stdin="s\n" * 20
    )
    header = HEADER.search(out)
    assert header is not None and int(header[2] or 0) > 0, out
    code, out = invoke(
        ["review", "--no-rate", "--new", "0", "--minutes", "600", *common(bank_dir, home)[:-1], "zh"], stdin="s\n" * 20
    )
    assert "薄弱" in out


def test_left_out_line_is_the_same_in_plan_and_review(bank_dir: Path, tmp_path: Path) -> None:
    home = make_home(tmp_path, NIGHT_BEFORE, 0)
    base = common(bank_dir, home)
    code, plan_out = invoke(["plan", "--minutes-per-day", "2", *base])
    assert code == 0, plan_out
    code, review_out = invoke(["review", "--no-rate", *base], stdin="s\n" * 20)
    assert code == 0, review_out
    line = re.search(r"Not today \(2 min do not hold them\): \d+ due, \d+ weak, \d+ new items\.", plan_out)
    assert line is not None, plan_out
    assert line[0] in review_out.replace("\n", " ")


# -- 7. the live counter counts the card shown ----------------------------------------------


@pytest.mark.parametrize(("exam_in", "new"), [(None, 3), (None, 0), (1, 2)])
def test_live_counter_agrees_with_the_header(bank_dir: Path, tmp_path: Path, exam_in: int | None, new: int) -> None:
    home = make_home(tmp_path, NIGHT_BEFORE, exam_in)
    code, out = invoke(
        ["review", "--no-rate", "--no-relearn", "--new", str(new), *common(bank_dir, home)], stdin="s\n" * 20
    )
    assert code == 0, out
    header, counters = HEADER.search(out), COUNTER.findall(out)
    assert header is not None and counters, out
    first = counters[0]
    assert (int(first[0]), int(first[1] or 0), int(first[2]), int(first[3])) == (
        int(header[1]),
        int(header[2] or 0),
        int(header[3]),
        0,
    )
    # one fewer before each next card, down to 1 on the last
    totals = [sum(int(x or 0) for x in c) for c in counters]
    assert totals == list(range(totals[0], 0, -1))


# -- 2. doctor: a home below a file can never be created ----------------------------------------


@pytest.mark.parametrize(
    ("below", "lang", "reason"),
    [
        ("sub", "en", "is a file, not a folder"),
        ("sub/deeper", "en", "is a file, not a folder"),
        ("sub", "zh", "是文件，不是文件夹"),
    ],
)
def test_doctor_refuses_a_home_below_a_file(tmp_path: Path, below: str, lang: str, reason: str) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    home = afile / below
    code, out = invoke(["doctor", "--home", str(home), "--lang", lang])
    assert code == 1, out
    assert reason in out.replace("\n", "") and "created with the first answer" not in out
    code, out = invoke(["doctor", "--home", str(home), "--json"])
    data = json.loads(out)
    assert code == 1 and not data["ok"] and str(afile) in data["checks"][0]["message"]


def test_doctor_still_accepts_a_home_to_be_made(tmp_path: Path) -> None:
    code, out = invoke(["doctor", "--home", str(tmp_path / "new" / "home"), "--lang", "en"])
    assert code == 0 and "created with the first answer" in out, out


# -- 5. plan --weight names a chapter the bank has ----------------------------------------------


@pytest.mark.parametrize(
    ("weights", "lang", "refused", "named"),
    [
        (["99=2"], "en", True, "there is no chapter 99 (chapters with items: 3, 4, 5)"),
        (["3=2,42=1"], "en", True, "there is no chapter 42"),
        (["0=1"], "zh", True, "没有第 0 章（有题的章节：3, 4, 5）"),
        (["5=2"], "en", False, ""),
    ],
)
def test_plan_weight_refuses_an_unknown_chapter(
    bank_dir: Path, tmp_path: Path, weights: list[str], lang: str, refused: bool, named: str
) -> None:
    home = tmp_path / "home"
    args = [
        "plan",
        "--exam",
        "2026-12-20",
        *[x for w in weights for x in ("--weight", w)],
        *common(bank_dir, home)[:-1],
        lang,
    ]
    code, out = invoke(args)
    if refused:
        assert code == 2 and named in out.replace("\n", " ") and "--weight" in out, out
        assert not home.exists()  # refused before anything is kept (the exam date included)
    else:
        assert code == 0, out


# -- 6. export: a missing folder is refused the same way for anki and md --------------------------


@pytest.mark.parametrize(
    ("args", "lang", "said"),
    [
        (["export", "anki", "{missing}/x.apkg", "--topic", "act."], "en", "the folder {folder} does not exist"),
        (["export", "md", "-o", "{missing}/x.md", "--topic", "act."], "en", "the folder {folder} does not exist"),
        (["export", "anki", "{missing}/x.apkg", "--topic", "act."], "zh", "文件夹 {folder} 不存在"),
        (["export", "md", "-o", "{missing}/x.md", "--topic", "act."], "zh", "文件夹 {folder} 不存在"),
    ],
)
def test_export_refuses_a_missing_folder(tmp_path: Path, args: list[str], lang: str, said: str) -> None:
    missing = tmp_path / "no" / "dir"
    code, out = invoke([a.format(missing=missing) for a in args] + ["--lang", lang])
    assert code == 2, out
    assert said.format(folder=missing) in out.replace("\n", "")
    assert not missing.exists() and not missing.parent.exists()


@pytest.mark.parametrize("args", [["export", "anki", "{folder}/x.apkg"], ["export", "md", "-o", "{folder}/x.md"]])
def test_export_writes_into_an_existing_folder(tmp_path: Path, args: list[str]) -> None:
    code, out = invoke([a.format(folder=tmp_path) for a in args] + ["--topic", "act.relu", "--lang", "en"])
    assert code == 0, out
    assert len(list(tmp_path.iterdir())) == 1


# -- 3. search shows parametric prompts with their numbers ---------------------------------------

PLACEHOLDER = re.compile(r"(?<!\{)\{[A-Za-z_]\w*(?:[:!][^{}]*)?\}(?!\})")


@pytest.mark.parametrize(("query", "lang"), [("LSTM", "en"), ("LSTM", "zh"), ("GRU", "en")])
def test_search_fills_parametric_prompts_as_show_does(query: str, lang: str) -> None:
    from dlquiz.bank import load_bank
    from dlquiz.cli.search_cmd import search_items

    hits = search_items(load_bank(None).items, query)
    parametric = [h.item for h in hits[:50] if h.item.generator and PLACEHOLDER.search(h.item.prompt(lang))]
    assert parametric, "the bank has parametric items for this query"
    code, out = invoke(["search", query, "--json", "--n", "50", "--lang", lang])
    assert code == 0, out
    prompts = {x["id"]: x["prompt"] for x in json.loads(out)}
    for item in parametric[:4]:
        assert not PLACEHOLDER.search(prompts[item.id]), prompts[item.id]
        code, shown = invoke(["show", item.id, "--lang", lang])  # the same numbers as `dlquiz show`
        assert code == 0, shown

        def squeeze(text: str) -> str:
            return "".join(text.replace("│", " ").split())

        assert squeeze(prompts[item.id])[:60] in squeeze(shown)
    code, out = invoke(["search", query, "--n", "50", "--lang", lang])
    assert code == 0 and not PLACEHOLDER.search(out), out


def test_search_falls_back_to_readable_placeholders(monkeypatch: pytest.MonkeyPatch) -> None:
    from dlquiz.bank import load_bank
    from dlquiz.cli import search_cmd
    from dlquiz.errors import DlquizError

    item = next(i for i in load_bank(None).items if i.id == "lstm.gates.step-drawn")

    def broken(*args: object, **kwargs: object) -> object:
        raise DlquizError("cannot draw")

    monkeypatch.setattr("dlquiz.quiz.session.prepare", broken)
    text = search_cmd.shown_prompt(item, "en")
    assert "x = ⟨x⟩, h_prev = ⟨h_prev⟩" in text and not PLACEHOLDER.search(text)


# -- 4. the exam prompt offers no hint -----------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "lang", "hint_shown", "skip"),
    [
        (["exam", "--n", "3", "--seed", "1", "--no-save"], "en", False, "s skip"),
        (["exam", "--n", "3", "--seed", "1", "--no-save"], "zh", False, "s 跳过"),
        (["quiz", "--n", "3", "--seed", "1", "--no-save"], "en", True, "s skip"),
        (["quiz", "--n", "3", "--seed", "1", "--no-save"], "zh", True, "s 跳过"),
    ],
)
def test_hint_is_offered_only_where_there_are_hints(
    bank_dir: Path, tmp_path: Path, command: list[str], lang: str, hint_shown: bool, skip: str
) -> None:
    code, out = invoke(
        [*command, "--bank", str(bank_dir), "--home", str(tmp_path / "home"), "--lang", lang], stdin="s\n" * 10
    )
    assert code == 0, out
    assert skip in out
    assert (("? hint" in out) or ("? 提示" in out)) == hint_shown, out


# -- 9. quiz --n larger than the selection says so ---------------------------------------------


@pytest.mark.parametrize(
    ("args", "n", "lang", "said"),
    [
        (["--topic", "pool"], 5, "en", "Only 3 items match: 3 questions, not 5."),
        (["--topic", "pool"], 5, "zh", "只有 3 题符合：出 3 题，而不是 5 题。"),
        (["--id", "pool.p1"], 3, "en", "Only 1 item matches: 1 question, not 3."),
        (["--topic", "pool"], 3, "en", None),
        (["--topic", "pool"], 2, "en", None),
    ],
)
def test_quiz_n_beyond_the_selection_says_so(
    bank_dir: Path, tmp_path: Path, args: list[str], n: int, lang: str, said: str | None
) -> None:
    from dlquiz.bank import load_bank

    have = len(load_bank(bank_dir).select(topics=("pool",)))
    assert have == 3  # the tiny bank's pooling items, counted independently of the quiz
    res = CliRunner().invoke(
        cli,
        [
            "quiz",
            *args,
            "--n",
            str(n),
            "--no-save",
            "--bank",
            str(bank_dir),
            "--home",
            str(tmp_path / "home"),
            "--lang",
            lang,
        ],
        input="s\n" * 10,
    )
    assert res.exit_code == 0, res.output
    asked = min(n, 1 if "--id" in args else have)
    assert res.output.count("╭─ ") == asked
    if said is None:
        assert "Only" not in res.output and "只有" not in res.output
    else:
        assert said in res.output.replace("\n", "")


# -- 8. the mock exam: explain-why items, self-graded after it; per-part lines in the report -----


def _pool_with_explains() -> list[Item]:
    from test_exam import POOL, mk

    return [*POOL, *(mk(f"c{ch}.explain.{k}", ch, "explain", seconds=240) for ch in (1, 2, 3, 4) for k in range(3))]


@pytest.mark.parametrize(("seed", "n", "minutes"), [(0, 10, None), (1, 20, None), (2, None, 60), (3, None, 30)])
def test_exam_papers_include_explain_items(seed: int, n: int | None, minutes: float | None) -> None:
    from dlquiz.progress.exam import assemble_paper

    paper = assemble_paper(_pool_with_explains(), seed=seed, n=n, minutes=minutes)
    kinds = [i.kind for i in paper.items]
    assert kinds.count("explain") >= 1
    assert kinds.index("explain") > max(k for k, x in enumerate(kinds) if x != "explain")  # asked last
    assert kinds.count("explain") <= max(1, round(0.1 * len(kinds)) + 1)  # about its share, not flooding


@pytest.mark.parametrize(
    ("lang", "points", "result"),
    [
        ("en", "1 3", "correct"),  # half the key points or more: right
        ("en", "none", "wrong"),
        ("zh", "all", "correct"),
    ],
)
def test_exam_explain_answer_is_self_graded_after_the_exam(tmp_path: Path, lang: str, points: str, result: str) -> None:
    from dlquiz.bank import load_bank
    from dlquiz.progress import open_store
    from dlquiz.progress.exam import assemble_paper

    paper = assemble_paper(load_bank(None).items, seed=0, n=10)
    kinds = [i.kind for i in paper.items]
    assert kinds[-1] == "explain" and kinds.count("explain") == 1
    explain = paper.items[-1]
    stdin = "s\n" * (len(kinds) - 1) + "it adds varied copies of the data\n\n" + points + "\n"
    home = tmp_path / "home"
    code, out = invoke(
        ["exam", "--n", "10", "--seed", "0", "--home", str(home), "--lang", lang, "--report", str(tmp_path / "r.json")],
        stdin=stdin,
    )
    assert code == 0, out
    assert ("Grade your explain-why answers" if lang == "en" else "请对照要点给你的简答题打分") in out
    report = json.loads((tmp_path / "r.json").read_text())
    row = next(q for q in report["questions"] if q["item_id"] == explain.id)
    assert row["result"] == result and row["response"].startswith("it adds varied")
    assert row["parts"] and row["parts"][0].startswith("Points made: " if lang == "en" else "做到的要点：")
    with open_store(home) as store:
        answers = [a for a in store.answers() if a.item_id == explain.id]
        assert [a.result for a in answers] == [result] and answers[0].exam_id is not None
        assert explain.id in store.cards()  # a graded answer is a review


def test_exam_explain_left_empty_stays_skipped(tmp_path: Path) -> None:
    code, out = invoke(
        ["exam", "--n", "10", "--seed", "0", "--no-save", "--lang", "en", "--report", str(tmp_path / "r.json")],
        stdin="s\n" * 10,
    )
    assert code == 0, out
    assert "Grade your explain-why answers" not in out
    assert json.loads((tmp_path / "r.json").read_text())["questions"][-1]["result"] == "skipped"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_exam_report_shows_one_line_per_part(lang: str) -> None:
    import io
    from datetime import UTC, datetime

    from rich.console import Console

    from dlquiz.bank import load_bank
    from dlquiz.progress.exam import Paper
    from dlquiz.progress.exam_report import build_report, render_report, report_markdown
    from dlquiz.quiz import run_session
    from dlquiz.quiz.session import prepare

    item = next(i for i in load_bank(None).items if i.id == "ml.loss-cost.total-and-cost")
    keys = prepare(item, number=1, seed=5).part_keys
    assert len(keys) == 2
    typed = iter([str(keys[0].value), "12345"])  # the first part right, the second wrong
    out = io.StringIO()
    paper = Paper((item,), 5.0, 5)
    result = run_session(
        list(paper.items),
        lang=lang,
        seed=5,
        console=Console(file=out, width=100),
        read_line=lambda prompt: next(typed),
        recorder=None,
        feedback=False,
    )
    t0 = datetime(2026, 12, 1, tzinfo=UTC)
    report = build_report(paper, result, lang=lang, started_at=t0, finished_at=t0)
    q = report.questions[0]
    assert q.result == "wrong" and len(q.parts) == 2
    assert q.parts[0].startswith("✓ (1)") and q.parts[1].startswith("✗ (2)")
    md = report_markdown(report)
    assert "  - ✓ (1)" in md and "  - ✗ (2)" in md
    screen = io.StringIO()
    console = Console(file=screen, width=120)
    for part in render_report(report):
        console.print(part)
    assert "✓ (1)" in screen.getvalue() and "✗ (2)" in screen.getvalue()


@pytest.mark.parametrize(
    ("typed", "kept"), [(["line one", "line two"], "line one\nline two"), (["only one"], "only one")]
)
def test_exam_explain_cut_off_at_time_up_keeps_its_lines_and_is_self_graded(typed: list[str], kept: str) -> None:
    """Time runs out while the student is still writing an explain-why answer (the alarm interrupts
    the read): what was written counts, and it is offered for grading after the exam like a finished one."""
    import io

    from rich.console import Console

    from dlquiz.bank import load_bank
    from dlquiz.progress.exam import Paper
    from dlquiz.progress.exam_report import self_grade_explains
    from dlquiz.quiz import run_session
    from dlquiz.quiz.runner import TimeUp

    item = next(i for i in load_bank(None).items if i.kind == "explain")
    lines = iter(typed)

    def read_line(prompt: str) -> str:
        try:
            return next(lines)
        except StopIteration:
            raise TimeUp from None  # what the alarm does mid-read

    out = io.StringIO()
    result = run_session(
        [item], lang="en", seed=1, console=Console(file=out, width=100), read_line=read_line, feedback=False
    )
    assert [e.result for e in result.events] == ["timeout"]
    assert result.events[0].response == kept
    graded = self_grade_explains(
        Paper((item,), minutes=1, seed=1),
        result,
        console=Console(file=out, width=100),
        read_line=lambda p: "all",
        lang="en",
    )
    assert graded == [0]
    assert result.events[0].result == "correct" and result.events[0].response == kept
