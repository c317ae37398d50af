"""State faults: read-only and full stores, a locked database, late reviews, doctor, hostile bank files.

Faults are injected (the tests run as any user, root included, so file modes cannot be relied
on): SQLite's own read-only mode, a connection that raises SQLite's "disk is full" error, a
write lock held by another connection. Each time: a clear message, nothing stored before lost.
"""

from __future__ import annotations

import errno
import io
import itertools
import json
import os
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_BANK, dlquiz_cmd, subprocess_env
from rich.console import Console

from dlquiz.errors import ProgressError
from dlquiz.progress import db_path, open_store
from dlquiz.progress.store import SCHEMA_VERSION, Store, StoreWriteError, diagnose
from dlquiz.quiz.events import AnswerEvent

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def event(item_id: str, result: str = "correct", *, at: datetime = T0) -> AnswerEvent:
    return AnswerEvent(
        item_id=item_id,
        topic="act.sigmoid",
        kind="single",
        result=result,  # type: ignore[arg-type]
        response="b",
        duration_s=20.0,
        answered_at=at,
    )


class Faulty:
    """A connection that raises `error` on statements containing `marker` once armed."""

    def __init__(self, con: sqlite3.Connection, marker: str, error: str) -> None:
        self.con, self.marker, self.error, self.armed = con, marker, error, False

    def execute(self, sql: str, *args: Any) -> Any:
        if self.armed and self.marker in sql:
            raise sqlite3.OperationalError(self.error)
        return self.con.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.con, name)


def stored(home: Path) -> list[str]:
    con = sqlite3.connect(db_path(home))
    try:
        return [r[0] for r in con.execute("SELECT item_id FROM answers ORDER BY answer_id")]
    finally:
        con.close()


# --------------------------------------------------------------------------- the store


@pytest.mark.parametrize(
    ("marker", "error", "words"),
    [
        ("INSERT INTO answers", "database or disk is full", "disk is full"),
        ("COMMIT", "database or disk is full", "disk is full"),
        ("BEGIN IMMEDIATE", "attempt to write a readonly database", "read-only"),
        ("INSERT INTO answers", "disk I/O error", "disk reported an error"),
    ],
)
def test_write_fault_is_a_clear_error_and_keeps_what_was_stored(
    tmp_path: Path, marker: str, error: str, words: str
) -> None:
    store = open_store(tmp_path)
    store.record(event("a.one"))
    faulty = Faulty(store._con, marker, error)
    store._con = faulty  # type: ignore[assignment]
    faulty.armed = True
    with pytest.raises(StoreWriteError, match=words) as info:
        store.record(event("a.two", at=T0 + timedelta(minutes=1)))
    assert str(tmp_path) in str(info.value)  # names the file
    faulty.armed = False  # the fault clears (space freed): the store goes on
    store.record(event("a.three", at=T0 + timedelta(minutes=2)))
    store.close()
    assert stored(tmp_path) == ["a.one", "a.three"]  # nothing lost, the failed answer not half-stored


def test_read_only_database_file(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    store = open_store(tmp_path)
    store.record(event("a.one"))
    store.close()
    path = db_path(tmp_path)
    ro = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None)
    store = Store(path, ro)
    assert store.check_writable() is not None
    with pytest.raises(StoreWriteError, match="read-only"):
        store.record(event("a.two"))
    store.close()
    assert stored(tmp_path) == ["a.one"]


def test_query_only_database_is_read_only(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    assert store.check_writable() is None
    store._con.execute("PRAGMA query_only = ON")
    assert "read-only" in (store.check_writable() or "")
    with pytest.raises(StoreWriteError, match="read-only"):
        store.record(event("a.one"))
    store.close()


def test_database_locked_beyond_the_timeout(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.record(event("a.one"))
    store._con.execute("PRAGMA busy_timeout = 200")
    other = sqlite3.connect(db_path(tmp_path), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreWriteError, match="locked"):
            store.record(event("a.two"))
    finally:
        other.execute("ROLLBACK")
        other.close()
    store.record(event("a.three"))
    store.close()
    assert stored(tmp_path) == ["a.one", "a.three"]


def test_newer_database_is_refused_untouched(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    con = sqlite3.connect(db_path(tmp_path))
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    before = db_path(tmp_path).read_bytes()
    with pytest.raises(ProgressError, match="newer"):
        open_store(tmp_path)
    assert db_path(tmp_path).read_bytes() == before


def test_late_review_keeps_review_time_order(tmp_path: Path) -> None:
    """Two sessions answer the same card; the earlier answer is committed second."""
    early, late = event("a.one", "wrong", at=T0), event("a.one", "correct", at=T0 + timedelta(hours=2))
    in_order = open_store(tmp_path / "a")
    in_order.record(early)
    in_order.record(late)
    raced = open_store(tmp_path / "b")
    raced.record(late)
    raced.record(early)  # arrives late
    a, b = in_order.card("a.one"), raced.card("a.one")
    assert a is not None and b is not None
    assert b.last_review == late.answered_at
    assert (b.state, b.step, b.due, b.stability, b.difficulty) == (a.state, a.step, a.due, a.stability, a.difficulty)
    assert len(raced.answers()) == 2  # both stay in the log
    in_order.close()
    raced.close()


# --------------------------------------------------------------------------- a session


@pytest.mark.timeout(60)
def test_session_ends_cleanly_when_an_answer_cannot_be_saved(tmp_path: Path) -> None:
    from dlquiz.bank import load_bank
    from dlquiz.quiz import run_session

    bank = load_bank(FIXTURE_BANK)
    items = bank.select(kinds=["single", "truefalse"])
    assert len(items) >= 2
    store = open_store(tmp_path)
    faulty = Faulty(store._con, "INSERT INTO answers", "database or disk is full")
    store._con = faulty  # type: ignore[assignment]
    calls = 0

    def recorder(e: AnswerEvent) -> None:
        nonlocal calls
        calls += 1
        faulty.armed = calls >= 2  # the disk fills after the first answer
        store.record(e)

    out = io.StringIO()
    typed = itertools.cycle(["a", "t"])  # one of the two is valid for each kind
    result = run_session(
        items,
        lang="en",
        seed=1,
        console=Console(file=out, width=100),
        read_line=lambda prompt: next(typed),
        recorder=recorder,
    )
    store.close()
    text = out.getvalue()
    assert result.interrupted
    assert len(result.events) == 1  # the score so far: the one saved answer
    assert "could not be saved" in text and "disk is full" in text
    assert stored(tmp_path) == [result.events[0].item_id]


# --------------------------------------------------------------------------- doctor


def names(checks: list[Any]) -> dict[str, bool]:
    return {c.name: c.ok for c in checks}


def test_doctor_ok_home_tries_a_write_and_changes_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.record(event("a.one"))
    store.close()
    _, checks, counts = diagnose(tmp_path)
    assert all(c.ok for c in checks), checks
    assert {"home", "disk", "write"} <= set(names(checks))
    assert counts["answers"] == 1
    con = sqlite3.connect(db_path(tmp_path))
    tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    con.close()
    assert "dlquiz_write_check" not in tables


def test_doctor_fails_on_a_symlink_loop_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.symlink_to(home)
    _, checks, _ = diagnose(home)
    assert not all(c.ok for c in checks)
    with pytest.raises(ProgressError):
        open_store(home)  # and a session fails there too


def test_doctor_fails_on_a_dangling_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.symlink_to(tmp_path / "gone")
    _, checks, _ = diagnose(home)
    assert names(checks) == {"home": False}


def test_doctor_fails_on_a_database_symlink_loop(tmp_path: Path) -> None:
    db_path(tmp_path).symlink_to(db_path(tmp_path))
    _, checks, _ = diagnose(tmp_path)
    assert names(checks).get("file") is False


def test_doctor_fails_on_a_read_only_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tempfile

    def refuse(*args: Any, **kw: Any) -> Any:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "NamedTemporaryFile", refuse)
    _, checks, _ = diagnose(tmp_path)
    assert names(checks) == {"home": False}
    assert "read-only" in checks[0].message


def test_doctor_fails_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    real = shutil.disk_usage
    monkeypatch.setattr(shutil, "disk_usage", lambda p: real(p)._replace(free=4096))
    _, checks, _ = diagnose(tmp_path)
    assert names(checks)["disk"] is False


def test_doctor_cli_exit_status(tmp_path: Path) -> None:
    home = tmp_path / "loop"
    home.symlink_to(home)
    proc = subprocess.run(
        [*dlquiz_cmd(), "doctor", "--home", str(home), "--json"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["ok"] is False
    assert "Traceback" not in proc.stderr
    good = subprocess.run(
        [*dlquiz_cmd(), "doctor", "--home", str(tmp_path / "fresh")],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=60,
    )
    assert good.returncode == 0, good.stdout + good.stderr


# --------------------------------------------------------------------------- hostile bank files


HOSTILE_FILES: list[tuple[str, Any, str]] = [
    ("deep.toml", '[[item]]\nid = "x.deep"\nanswer = ' + "[" * 3000 + "]" * 3000 + "\n", "nested too deeply"),
    ("big.toml", '[[item]]\nid = "x.big"\nkind = "numeric"\nanswer = ' + "7" * 5000 + "\n", "4300 digits"),
    ("latin.toml", '[[item]]\nid = "x.l"\nprompt = "caf\u00e9"\n'.encode("latin-1"), "not UTF-8"),
    ("loop.toml", None, "symbolic link loop"),
    ("dangling.toml", Path("missing.toml"), "missing file"),
]


@pytest.mark.parametrize(("name", "content", "words"), HOSTILE_FILES)
def test_malformed_bank_file_is_reported_with_its_reason(tiny_bank: Path, name: str, content: Any, words: str) -> None:
    from dlquiz.bank.load import read_bank

    path = tiny_bank / name
    if content is None:
        path.symlink_to(path)
    elif isinstance(content, Path):
        path.symlink_to(tiny_bank / content)
    elif isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    items, problems = read_bank(tiny_bank)
    mine = [p for p in problems if p.file.endswith(name)]
    assert len(mine) == 1, problems
    assert words in mine[0].message
    assert items  # the other files are still read


def test_bank_check_fails_on_a_symlink_loop(tiny_bank: Path) -> None:
    (tiny_bank / "loop.toml").symlink_to(tiny_bank / "loop.toml")
    proc = subprocess.run(
        [*dlquiz_cmd(), "bank", "check", "--bank", str(tiny_bank), "--format-only", "--no-coverage"],
        capture_output=True,
        text=True,
        env=subprocess_env(),
        timeout=120,
    )
    assert proc.returncode == 1
    assert "loop.toml" in proc.stdout + proc.stderr and "Traceback" not in proc.stderr


def test_bank_files_lists_only_readable_files(tiny_bank: Path) -> None:
    from dlquiz.bank.load import bank_files

    (tiny_bank / "loop.toml").symlink_to(tiny_bank / "loop.toml")
    assert all(p.is_file() for p in bank_files(tiny_bank))
    assert os.path.islink(tiny_bank / "loop.toml")
