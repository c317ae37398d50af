"""The README documents every command, and its scripted session works as shown."""

from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT, subprocess_env

from dlquiz.cli import COMMANDS

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_documented() -> None:
    missing = [name for name in COMMANDS if f"dlquiz {name}" not in README]
    assert missing == []


def test_the_readme_test_command_is_what_ci_runs() -> None:
    command = next(line for line in README.splitlines() if 'pip install -e ".[test]"' in line)
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_scripted_session_in_the_readme_answers_every_question_right() -> None:
    line = next(ln for ln in README.splitlines() if ln.startswith("printf ") and "| dlquiz quiz" in ln)
    answers, args = re.fullmatch(r"printf '(.*)' \| dlquiz (.*)", line).groups()  # type: ignore[union-attr]
    stdin = answers.encode().decode("unicode_escape")
    proc = subprocess.run(
        [sys.executable, "-m", "dlquiz", *args.split(), "--no-save"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        env=subprocess_env(),
        cwd=ROOT,
    )
    assert proc.returncode == 0, proc.stderr
    asked = len(stdin.splitlines())
    assert proc.stdout.count("✓ Correct") == asked
    assert proc.stdout.rstrip().endswith(f"{asked}/{asked}")
