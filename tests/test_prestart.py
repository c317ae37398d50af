"""Commands that check formulas start the checking process first, so the first check does not pay
for loading the engine; `dlquiz --help` still loads neither SymPy nor NumPy."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import FIXTURE_BANK


@pytest.mark.parametrize(
    "args",
    [
        ["check", "{file}"],
        ["grade", "no.such-item", "x"],
        ["quiz", "--id", "no.such-item", "--no-save"],
        ["review", "--limit", "1"],
        ["exam", "--n", "1", "--minutes", "1"],
        ["bank", "check"],
        ["equiv", "x", "x"],
    ],
)
def test_checking_commands_prestart_the_worker(
    args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dlquiz.cli import cli
    from dlquiz.symbolic import worker

    calls: list[int] = []
    monkeypatch.setattr(worker, "prestart", lambda: calls.append(1))
    (tmp_path / "empty-bank").mkdir()
    monkeypatch.setenv("DLQUIZ_BANK", str(tmp_path / "empty-bank"))  # each command stops early
    file = tmp_path / "d.txt"
    file.write_text("x = x\n", encoding="utf-8")
    CliRunner().invoke(cli, [a.format(file=file) for a in args], input="")
    assert calls, f"{args[0]} did not prestart the checking process"


def test_help_loads_no_heavy_library() -> None:
    # listing the commands imports each command's module: the parts they drive load only when run
    code = (
        "import sys; from click.testing import CliRunner; from dlquiz.cli import cli; "
        "r = CliRunner().invoke(cli, ['--help']); assert r.exit_code == 0, r.output; "
        "print(sorted(m for m in ('sympy', 'numpy', 'mpmath', 'prompt_toolkit', 'dlquiz.progress', "
        "'dlquiz.quiz', 'dlquiz.symbolic', 'dlquiz.worked') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=str(Path(FIXTURE_BANK).parents[2]),
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
