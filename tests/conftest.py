"""Shared fixtures: a tiny bank, a clean environment for rendering."""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

# The property tests draw the same examples on every run (CI and a student's clone see the same suite);
# DLQUIZ_HYPOTHESIS_EXPLORE=1 draws fresh ones, to look for new counterexamples on purpose.
settings.register_profile("reproducible", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile("explore" if os.environ.get("DLQUIZ_HYPOTHESIS_EXPLORE") == "1" else "reproducible")

ROOT = Path(__file__).resolve().parent.parent
# an English sentence left in Chinese output: three words of letters in a row (names, ids, paths and option
# values are single words)
ENGLISH = re.compile(r"[A-Za-z]{2,}[ ,]+[A-Za-z]{2,}[ ,]+[A-Za-z]{3,}")
FIXTURE_BANK = Path(__file__).resolve().parent / "fixtures" / "bank"


@pytest.fixture(autouse=True)
def _plain_env(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """No colour forcing, English, and a private progress folder for every test."""
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("DLQUIZ_BANK", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path_factory.mktemp("home")))


@pytest.fixture
def tiny_bank(tmp_path: Path) -> Path:
    """A writable copy of the fixture bank."""
    dest = tmp_path / "bank"
    shutil.copytree(FIXTURE_BANK, dest)
    return dest


def dlquiz_cmd() -> list[str]:
    """The command that runs dlquiz with this interpreter."""
    return [sys.executable, "-m", "dlquiz"]


def subprocess_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR")}
    env.update(extra)
    return env
