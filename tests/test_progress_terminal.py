"""Sessions in a real pseudo-terminal: rating override, undo, Ctrl-C; the exam's live countdown."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pexpect
import pytest
from conftest import ROOT, subprocess_env
from test_progress_bank import RIGHT, WRONG, write_bank

from dlquiz.progress import open_store

SHOWN = re.compile(r"Question (\S+)\?")
DAY = "2026-11-25T12:00:00+00:00"


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    return write_bank(tmp_path / "bank")


def spawn(args: list[str], **env: str) -> pexpect.spawn:
    return pexpect.spawn(
        sys.executable,
        args,
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
        env=subprocess_env(TERM="xterm-256color", COLUMNS="110", **env),
        dimensions=(40, 110),
    )


def test_review_override_undo_and_ctrl_c(bank: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    child = spawn(
        ["-m", "dlquiz", "review", "--bank", str(bank), "--new", "3", "--lang", "en", "--now", DAY, "--home", str(home)]
    )
    child.expect(r"due 0 · new 3 · learning 0")
    child.expect(SHOWN)
    first = child.match.group(1)
    child.expect("> ")
    child.sendline(RIGHT[first])
    child.expect("Correct")
    child.expect("Enter keeps it")
    child.expect("> ")
    child.sendline("1")  # I did not really know it: Again
    child.expect("Rated Again.")
    child.expect(r"due 0 · new 2 · learning 1")  # the card shown counts; it comes back later
    child.expect(SHOWN)
    second = child.match.group(1)
    child.expect("> ")
    child.sendline(WRONG[second])  # a slip
    child.expect("Incorrect")
    child.expect("Enter keeps it")
    child.expect("> ")
    child.sendline("u")
    child.expect(rf"Undone:(\x1b\[[0-9;]*m)* {re.escape(second)}; asked again.")
    child.expect(SHOWN)
    assert child.match.group(1) == second
    child.expect("> ")
    child.sendline(RIGHT[second])
    child.expect("Correct")
    child.expect("> ")
    child.sendline("")
    child.expect(SHOWN)
    child.expect("> ")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    with open_store(home) as store:
        answers = [(a.item_id, a.result, a.rating, a.self_rating) for a in store.answers()]
    assert answers[0] == (first, "correct", 1, 1)
    assert [a[:2] for a in answers[1:]] == [(second, "correct")]  # the slip was taken back


def test_exam_countdown_redraws_while_typing_and_ctrl_u_keeps_the_prompt(bank: Path, tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    child = spawn(
        [
            "-m",
            "dlquiz",
            "exam",
            "--bank",
            str(bank),
            "--n",
            "1",
            "--minutes",
            "1",
            "--seed",
            "3",
            "--lang",
            "en",
            "--no-save",
            "--report",
            str(report),
        ]
    )
    child.expect(SHOWN)
    item = child.match.group(1)
    child.expect(r"⏱ (\d):(\d\d) left ")
    child.send("zz")  # typing, no Enter
    # the countdown's seconds are redrawn (only the changed digits) every second while typing
    seconds = []
    for _ in range(2):
        child.expect(r"\x1b\[[0-9;]*m(\d)", timeout=3)
        seconds.append(child.match.group(1))
    assert seconds[0] != seconds[1]
    child.sendcontrol("u")  # erases "zz", not the prompt
    child.sendline(RIGHT[item])
    child.expect("Wrote the report")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert [(q["item_id"], q["response"], q["result"]) for q in data["questions"]] == [(item, RIGHT[item], "correct")]


def test_the_terminal_reader_ends_the_wait_at_time_up() -> None:
    script = (
        "import time\n"
        "from rich.console import Console\n"
        "from dlquiz.quiz.lineedit import terminal_reader\n"
        "class Up(Exception): pass\n"
        "start = time.monotonic()\n"
        "read = terminal_reader(Console(), deadline=start + 1.5, on_time_up=Up)\n"
        "try:\n"
        "    read('> ')\n"
        "except Up:\n"
        "    print('TIME-UP after %.1f s' % (time.monotonic() - start))\n"
    )
    child = spawn(["-c", script])
    child.expect("> ")
    child.send("abc")
    child.expect(r"TIME-UP after (\d+\.\d) s", timeout=10)
    assert 1.4 <= float(child.match.group(1)) <= 3.0
    child.expect(pexpect.EOF)
