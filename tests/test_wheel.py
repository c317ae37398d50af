"""The built wheel carries the whole bank, and an install from it finds every question."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if proc.returncode != 0:  # no hatchling in this environment: build in isolation
        proc = subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(out), str(ROOT)],
            capture_output=True,
            text=True,
            timeout=600,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return next(out.glob("dlquiz-*.whl"))


def test_wheel_contains_every_bank_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    bank_files = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "questions").rglob("*.toml"))
    assert bank_files, "no bank files in the source tree"
    missing = [f for f in bank_files if f"dlquiz/{f}" not in names]
    assert missing == []
    assert "dlquiz/bank/syllabus.toml" in names
    assert "dlquiz/i18n/zh.toml" in names  # the Chinese catalog
    assert "dlquiz/py.typed" in names


def test_installed_wheel_loads_the_bank_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    code = (
        "import dlquiz.bank as b, pathlib; bank = b.load_bank(); "
        f"print(len(bank.items), pathlib.Path(b.__file__).is_relative_to(pathlib.Path(r'{target}')))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(target), "PATH": "/usr/bin:/bin"},
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    count, inside = proc.stdout.split()
    expected = len(list((ROOT / "questions").rglob("*.toml")))
    assert inside == "True" and int(count) >= expected
