"""The learning-loop commands end to end: review today and tomorrow, stats, plan, doctor, exam."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pexpect
import pytest
from click.testing import CliRunner
from conftest import ROOT, subprocess_env
from test_progress_bank import ITEMS, RIGHT, WRONG, write_bank

from dlquiz.cli import cli

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
DAY1 = "2026-11-25T12:00:00+00:00"
DAY2 = "2026-11-26T12:00:00+00:00"
MISSED = {"loss.bce.p2", "act.relu.p1", "pool.p2"}
SHOWN = re.compile(r"Question (\S+)\?")


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank")


def invoke(args: list[str], home: Path, stdin: str = "") -> tuple[int, str]:
    res = CliRunner().invoke(cli, [*args, "--home", str(home)], input=stdin)
    return res.exit_code, res.output


def answer_all(bank: Path, home: Path, now: str, pick: dict[str, str], extra: list[str]) -> str:
    """Run `dlquiz review`, answering each question shown from `pick` (by the id in its prompt).

    The input has to be given up front, so a first dry run (with --new/--limit unchanged and
    every question skipped in a throw-away copy of the store) learns the order. Day to day only:
    a missed item is not brought back within the session (--no-relearn).
    """
    extra = [*extra, "--no-relearn"]
    import shutil

    probe = home.parent / (home.name + "-probe")
    shutil.rmtree(probe, ignore_errors=True)
    if home.exists():
        shutil.copytree(home, probe)
    code, out = invoke(["review", "--bank", str(bank), "--now", now, "--lang", "en", *extra], probe, stdin="s\n" * 50)
    assert code == 0, out
    order = SHOWN.findall(out)
    code, out = invoke(
        ["review", "--bank", str(bank), "--now", now, "--lang", "en", *extra],
        home,
        stdin="".join(pick[i] + "\n" for i in order),
    )
    assert code == 0, out
    assert SHOWN.findall(out) == order
    return out


def test_quiz_today_come_back_tomorrow(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = {i: (WRONG[i] if i in MISSED else RIGHT[i]) for i in RIGHT}
    out = answer_all(bank, home, DAY1, first, ["--new", "20"])
    assert "Review · 0 due · 10 new" in out
    assert sorted(SHOWN.findall(out)) == sorted(RIGHT)
    # the same day, nothing is due any more
    code, out = invoke(["review", "--bank", str(bank), "--now", DAY1, "--new", "0"], home)
    assert code == 0 and "Nothing to review today. Next: 2026-11-26 (3 items)." in out
    # tomorrow: exactly the missed items (quick right answers are Easy: days away)
    out = answer_all(bank, home, DAY2, RIGHT, ["--new", "0"])
    assert "Review · 3 due · 0 new" in out
    assert set(SHOWN.findall(out)) == MISSED
    # stats, as JSON, against counts made by hand
    code, out = invoke(["stats", "--json", "--bank", str(bank), "--now", DAY2], home)
    assert code == 0
    data = json.loads(out)
    assert data["answers_total"] == 13 and data["answers_today"] == 3
    assert data["streak_days"] == 2
    topics = {t["key"]: t for t in data["topics"]}
    assert topics["loss.bce"]["seen"] == 2 and topics["loss.bce"]["total"] == 2
    assert topics["loss.bce"]["answered"] == 3 and topics["loss.bce"]["correct"] == 2
    assert topics["loss.mse"]["accuracy"] == 1.0
    assert topics["pool"]["correct"] == 3 and topics["pool"]["answered"] == 4
    assert data["due_today"] == 0
    assert {w["topic"] for w in data["weakest"]} <= {"loss.bce", "act.relu", "pool"}
    assert all(w["command"] == f"dlquiz quiz --topic {w['topic']}" for w in data["weakest"])


def test_review_respects_the_daily_new_limit(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, out = invoke(["plan", "--new-per-day", "4", "--bank", str(bank), "--now", DAY1], home)
    assert code == 0
    out = answer_all(bank, home, DAY1, RIGHT, [])
    assert "Review · 0 due · 4 new" in out
    code, out = invoke(["review", "--bank", str(bank), "--now", DAY1], home)
    assert code == 0 and "Today's new items are done" in out
    out = answer_all(bank, home, DAY2, RIGHT, [])
    assert "0 due · 4 new" in out


def test_stats_without_history(bank: Path, tmp_path: Path) -> None:
    code, out = invoke(["stats", "--bank", str(bank)], tmp_path / "home")
    assert code == 0
    assert out.startswith("No answers yet.")


def test_stats_shows_tables_and_charts(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    answer_all(bank, home, DAY1, {i: (WRONG[i] if i in MISSED else RIGHT[i]) for i in RIGHT}, ["--new", "20"])
    code, out = invoke(["stats", "--bank", str(bank), "--now", DAY1], home)
    assert code == 0, out
    assert "By chapter and topic" in out and "Accuracy per topic" in out
    bar = re.search(r"act\.relu +([█▏▎▍▌▋▊▉]+) +67% of 3", out)
    assert bar is not None and len(bar.group(1)) == 14  # 2/3 of 20 cells: 13 full + a part
    assert "Due in the next 14 days" in out
    assert "dlquiz quiz --topic" in out


def test_plan_sets_shows_and_clears(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, out = invoke(["plan", "--exam", "2026-12-05", "--bank", str(bank), "--now", DAY1], home)
    assert code == 0
    assert "Exam on 2026-12-05: 10 days left" in out
    # the bank's 10 items take 11 minutes by their estimates: all fit today's 60
    assert "Today (steady): 0 weak, 0 due, 10 new ≈ 11 min of 60 min" in out
    assert "Everything fits" in out
    code, out = invoke(["plan", "--json", "--bank", str(bank), "--now", DAY1], home)
    data = json.loads(out)
    assert data["exam"]["date"] == "2026-12-05" and data["exam"]["days_left"] == 10
    assert data["new_per_day"] == 5
    code, out = invoke(["stats", "--json", "--bank", str(bank), "--now", DAY1], home)
    assert json.loads(out)["exam"]["target"] == 0.9
    code, out = invoke(["plan", "--clear", "--bank", str(bank), "--now", DAY1], home)
    assert code == 0 and "cleared" in out
    code, out = invoke(["plan", "--bank", str(bank), "--now", DAY1], home)
    assert "No exam date set" in out


@pytest.mark.parametrize(
    ("value", "message"),
    [("2026-13-01", "is not a date like"), ("2026-11-01", "is in the past")],
)
def test_plan_rejects_bad_dates(bank: Path, tmp_path: Path, value: str, message: str) -> None:
    code, out = invoke(["plan", "--exam", value, "--bank", str(bank), "--now", DAY1], tmp_path / "home")
    assert code == 2
    assert "--exam" in out and message in out


def test_doctor(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, out = invoke(["doctor"], home)
    assert code == 0 and "no progress database yet" in out
    answer_all(bank, home, DAY1, RIGHT, ["--new", "2"])
    code, out = invoke(["doctor", "--json"], home)
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["counts"]["answers"] == 2
    assert data["path"] == str(home / "progress.sqlite3")
    code, out = invoke(["doctor"], home)
    assert "integrity_check: ok" in out and "schema version 1 (current)" in out


def test_doctor_and_commands_on_a_foreign_file(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    path = home / "progress.sqlite3"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = path.read_bytes()
    code, out = invoke(["doctor"], home)
    assert code == 1 and "FAIL identity" in out
    # a real process, to see the clean one-line error on stderr
    proc = subprocess.run(
        [sys.executable, "-m", "dlquiz", "stats", "--bank", str(bank), "--home", str(home)],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("Error: ") and "not a dlquiz progress database" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\x00garbage" * 500, "not an SQLite database"), (b"", "empty file")],
)
def test_doctor_on_odd_files(tmp_path: Path, content: bytes, message: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "progress.sqlite3").write_bytes(content)
    code, out = invoke(["doctor"], home)
    assert message in out
    assert code == (0 if not content else 1)
    assert (home / "progress.sqlite3").read_bytes() == content


@pytest.mark.parametrize("name", ["review", "exam", "stats", "plan", "export", "doctor"])
def test_help_has_an_example(name: str) -> None:
    res = CliRunner().invoke(cli, [name, "--help"])
    assert res.exit_code == 0
    assert "Example" in res.output and f"dlquiz {name}" in res.output


def test_commands_do_not_import_sympy_or_numpy() -> None:
    code = (
        "import sys, dlquiz.cli.review_cmd, dlquiz.cli.exam_cmd, dlquiz.cli.plan_cmd, dlquiz.progress.store, dlquiz.progress.stats;"
        "print(sorted(m for m in ('sympy', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=subprocess_env(), timeout=60
    )
    assert out.stdout.strip() == "[]", out.stderr


# -- in a real terminal --------------------------------------------------------------------------


def spawn(args: list[str], home: Path) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        ["-m", "dlquiz", *args, "--home", str(home)],
        cwd=str(ROOT),
        env=subprocess_env(TERM="xterm-256color", COLUMNS="110"),
        encoding="utf-8",
        timeout=60,
    )


def test_exam_in_a_terminal(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    report = tmp_path / "exam.md"
    child = spawn(
        [
            "exam",
            "--bank",
            str(bank),
            "--n",
            "3",
            "--seed",
            "2",
            "--minutes",
            "10",
            "--lang",
            "en",
            "--report",
            str(report),
        ],
        home,
    )
    seen = []
    for k in range(3):
        child.expect(rf"{k + 1}/3 [^\n]*? (\d+):(\d\d) left")  # pexpect is DOTALL: stay on the title line
        assert int(child.match.group(1)) <= 10
        child.expect(SHOWN)
        item_id = child.match.group(1)
        seen.append(item_id)
        child.expect("> ")
        child.sendline(RIGHT[item_id] if k != 1 else WRONG[item_id])
        child.expect("Answer recorded")
    child.expect(r"Score: 2/3 \(67%\)")
    child.expect("Wrote the report to")  # on stderr, like every "Wrote …"
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    text = ANSI.sub("", child.before or "")
    assert "Traceback" not in text
    md = report.read_text(encoding="utf-8")
    assert "**Score: 2/3 (67%)**" in md
    assert f"### 2. {seen[1]} (wrong)" in md and f"Because of {seen[1]}." in md
    assert {i[2] for i in ITEMS} >= set(seen)
    code, out = invoke(["stats", "--json", "--bank", str(bank)], home)
    data = json.loads(out)
    assert data["answers_total"] == 3
    # the same paper again (same seed), scripted, with the report as JSON
    jreport = tmp_path / "exam.json"
    code, out = invoke(
        [
            "exam",
            "--bank",
            str(bank),
            "--n",
            "3",
            "--seed",
            "2",
            "--minutes",
            "10",
            "--lang",
            "en",
            "--report",
            str(jreport),
            "--no-save",
        ],
        home,
        stdin="".join(RIGHT[i] + "\n" for i in seen),
    )
    assert code == 0, out
    assert SHOWN.findall(out)[:3] == seen
    rep = json.loads(jreport.read_text(encoding="utf-8"))
    assert rep["score"] == {"correct": 3, "total": 3, "percent": 100.0}
    assert [q["item_id"] for q in rep["questions"]] == seen
    assert [(e["correct"], e["total"], e["seed"]) for e in data["exams"]] == [(2, 3, 2)]
    code, out = invoke(["stats", "--bank", str(bank)], home)
    assert "Mock exams" in out and "2/3 (67%)" in out


def test_kill_9_during_review_loses_no_answer(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    child = spawn(["review", "--bank", str(bank), "--new", "10", "--lang", "en"], home)
    answered = []
    for k in range(3):
        child.expect(rf"{k + 1}/10")
        child.expect(SHOWN)
        answered.append(child.match.group(1))
        child.expect("> ")
        child.sendline(RIGHT[answered[-1]])
        child.expect("Correct")
        child.expect("Enter keeps it")  # the rating prompt of a terminal: keep the automatic one
        child.sendline("")
    child.expect("4/10")
    child.kill(9)
    child.close(force=True)
    code, out = invoke(["stats", "--json", "--bank", str(bank)], home)
    assert code == 0
    data = json.loads(out)
    assert data["answers_total"] == 3
    assert sum(t["seen"] for t in data["topics"]) == 3
    code, out = invoke(["doctor"], home)
    assert code == 0, out


def test_stats_in_a_terminal(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    answer_all(bank, home, DAY1, RIGHT, ["--new", "3"])
    child = spawn(["stats", "--bank", str(bank), "--now", DAY1], home)
    child.expect("By chapter and topic")
    child.expect("Accuracy per topic")
    child.expect("Due in the next 14 days")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
