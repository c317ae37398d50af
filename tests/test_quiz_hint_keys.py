""" "?" asks for the hint, also typed twice or as the full-width "？" of a Chinese input method; anything
else with a question mark is read as an answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import subprocess_env

ARGS = ["quiz", "--topic", "act.sigmoid", "--kind", "formula", "--n", "1", "--seed", "1", "--no-save"]


def quiz(typed: str, lang: str, tmp: Path) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "dlquiz", *ARGS, "--lang", lang],
        input=f"{typed}\ns\n",
        capture_output=True,
        text=True,
        env=subprocess_env(DLQUIZ_HOME=str(tmp)),
        timeout=120,
    )
    assert "Traceback" not in proc.stderr
    return proc.stdout


@pytest.mark.parametrize(
    ("typed", "lang", "hint"),
    [
        ("?", "en", True),
        ("???", "en", True),
        ("？", "zh", True),
        (" ？？ ", "zh", True),
        ("?s", "en", False),
        ("s?", "en", False),
    ],
)
def test_question_marks_ask_for_the_hint(tmp_path: Path, typed: str, lang: str, hint: bool) -> None:
    out = quiz(typed, lang, tmp_path)
    said = "提示：" if lang == "zh" else "Hint: "
    assert (said in out) is hint, out
