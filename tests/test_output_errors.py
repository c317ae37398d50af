"""A closed pipe or a full device on stdout: no traceback, and the exit code still means what it says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, subprocess_env

GRADE = [sys.executable, "-m", "dlquiz", "grade", "act.sigmoid.derivative"]


def _run_into_closed_pipe(args: list[str]) -> subprocess.CompletedProcess[str]:
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody reads: every write gets EPIPE
    try:
        return subprocess.run(
            args, stdout=write_end, stderr=subprocess.PIPE, text=True, env=subprocess_env(), cwd=ROOT, timeout=120
        )
    finally:
        os.close(write_end)


@pytest.mark.parametrize(("answer", "code"), [("s*(1-s)", 0), ("s*(1+s)", 1)])
def test_a_reader_that_goes_away_does_not_change_the_verdict(answer: str, code: int) -> None:
    proc = _run_into_closed_pipe([*GRADE, answer])
    assert proc.returncode == code
    assert "Traceback" not in proc.stderr and proc.stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full here")
@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Error: cannot write the output (no space left on the device)\n"),
        ("zh", "错误：无法写出输出（设备上没有剩余空间）\n"),
    ],
)
def test_a_full_device_is_one_line_and_exit_74(lang: str, said: str) -> None:
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [*GRADE, "s*(1-s)", "--lang", lang],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=subprocess_env(),
            cwd=ROOT,
            timeout=120,
        )
    assert proc.returncode == 74
    assert proc.stderr == said
