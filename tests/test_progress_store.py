"""The progress store: durability, concurrency, refusing corrupt or foreign files."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dlquiz.errors import ProgressError
from dlquiz.progress import db_path, open_store, resolve_home
from dlquiz.progress.store import APPLICATION_ID, SCHEMA_VERSION
from dlquiz.quiz.events import AnswerEvent

T0 = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


def event(
    item_id: str,
    result: str = "correct",
    *,
    at: datetime = T0,
    duration: float = 30.0,
    kind: str = "single",
    **kw: object,
) -> AnswerEvent:
    return AnswerEvent(
        item_id=item_id,
        topic="act.sigmoid",
        kind=kind,
        result=result,  # type: ignore[arg-type]
        response="b",
        duration_s=duration,
        answered_at=at,
        **kw,
    )  # type: ignore[arg-type]


def test_record_persists_and_reopens(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    store.record(event("a.one", "correct"))
    store.record(event("a.two", "wrong"))
    store.record(event("a.three", "skipped"))
    store.close()
    store = open_store(tmp_path)
    try:
        answers = store.answers()
        assert [a.item_id for a in answers] == ["a.one", "a.two", "a.three"]
        assert [a.result for a in answers] == ["correct", "wrong", "skipped"]
        # the skipped answer is logged but is no review and makes no card
        assert set(store.cards()) == {"a.one", "a.two"}
        assert answers[2].rating is None and answers[2].card_id is None
        assert store.counts() == {"answers": 3, "cards": 2, "exams": 0, "settings": 0, "reviews": 2}
    finally:
        store.close()


def test_file_identifies_itself(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    con = sqlite3.connect(db_path(tmp_path))
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()


def test_review_log_is_what_the_fsrs_optimizer_reads(tmp_path: Path) -> None:
    from fsrs import Rating, ReviewLog

    with open_store(tmp_path) as store:
        store.record(event("a.one", "wrong", duration=12.5))
        store.record(event("a.one", "correct", at=T0 + timedelta(days=1), duration=20.0))
        logs = store.review_logs()
        card_id = store.cards()["a.one"].card_id
    assert [(log.card_id, log.rating, log.review_datetime, log.review_duration) for log in logs] == [
        (card_id, Rating.Again, T0, 12500),
        (card_id, Rating.Good, T0 + timedelta(days=1), 20000),
    ]
    assert [ReviewLog.from_dict(log.to_dict()) for log in logs] == logs


def test_resolve_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DLQUIZ_HOME", str(tmp_path / "env"))
    assert resolve_home(None) == tmp_path / "env"
    assert resolve_home(tmp_path / "arg") == tmp_path / "arg"
    monkeypatch.delenv("DLQUIZ_HOME")
    assert resolve_home(None).name.lower() == "dlquiz"


def test_settings_round_trip(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.set_setting("new_per_day", "7")
        store.set_setting("exam_date", "2026-12-20")
        store.set_setting("exam_date", None)
    with open_store(tmp_path) as store:
        assert store.settings() == {"new_per_day": "7"}


# -- refusing files that are not ours ---------------------------------------------------------


def _assert_refused(tmp_path: Path, match: str) -> None:
    path = db_path(tmp_path)
    before = path.read_bytes()
    listing = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(ProgressError, match=match) as info:
        open_store(tmp_path)
    assert str(path) in str(info.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == listing  # no -wal/-shm left behind


def test_garbage_file_is_refused_untouched(tmp_path: Path) -> None:
    db_path(tmp_path).write_bytes(b"this is not a database\n" * 100)
    _assert_refused(tmp_path, "not an SQLite database")


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    con = sqlite3.connect(db_path(tmp_path))
    con.execute("CREATE TABLE songs (title TEXT)")
    con.execute("INSERT INTO songs VALUES ('la')")
    con.commit()
    con.close()
    _assert_refused(tmp_path, "not a dlquiz progress database")


def test_damaged_dlquiz_file_is_refused_untouched(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        for i in range(300):
            store.record(event(f"a.{i}", "wrong", duration=1.0))
    path = db_path(tmp_path)
    con = sqlite3.connect(path)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 4 * page
    data[2 * page : 4 * page] = b"\xa5" * (2 * page)  # smash two b-tree pages
    path.write_bytes(bytes(data))
    _assert_refused(tmp_path, "damaged|cannot read")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    open_store(tmp_path).close()
    con = sqlite3.connect(db_path(tmp_path))
    con.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    con.commit()
    con.close()
    with pytest.raises(ProgressError, match="newer"):
        open_store(tmp_path)


def test_empty_sqlite_file_is_adopted(tmp_path: Path) -> None:
    sqlite3.connect(db_path(tmp_path)).close()  # zero bytes
    with open_store(tmp_path) as store:
        store.record(event("a.one"))
        assert store.counts()["answers"] == 1


# -- durability and concurrency ---------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import UTC, datetime, timedelta
    from pathlib import Path
    from dlquiz.progress import open_store
    from dlquiz.quiz.events import AnswerEvent
    home, tag, n, pause = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    store = open_store(home)
    t0 = datetime(2026, 11, 25, 12, tzinfo=UTC)
    for i in range(n):
        store.record(AnswerEvent(f"{tag}.{i}", "act.relu", "single",
                                 "correct" if i % 3 else "wrong", "a", 5.0,
                                 t0 + timedelta(seconds=i)))
        print(f"recorded {tag}.{i}", flush=True)
        time.sleep(pause)
    store.close()
    """
)


def _writer(tmp_path: Path, tag: str, n: int, pause: float) -> subprocess.Popen[str]:
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, str(script), str(tmp_path / "home"), tag, str(n), str(pause)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_sigkill_mid_session_keeps_every_committed_answer(tmp_path: Path) -> None:
    proc = _writer(tmp_path, "k", 10_000, 0.01)
    assert proc.stdout is not None
    reported: list[str] = []
    while len(reported) < 25:
        line = proc.stdout.readline()
        assert line, "writer died early"
        reported.append(line.split()[1])
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reported += [line.split()[1] for line in proc.stdout.read().splitlines()]
    proc.stdout.close()
    with open_store(tmp_path / "home") as store:
        stored = [a.item_id for a in store.answers()]
        assert set(store.cards()) == set(stored)
    assert len(stored) >= len(reported) >= 25
    assert stored[: len(reported)] == reported


def test_two_writers_at_once(tmp_path: Path) -> None:
    procs = [_writer(tmp_path, tag, 60, 0.0) for tag in ("x", "y")]
    for proc in procs:
        out, _ = proc.communicate(timeout=120)
        assert proc.returncode == 0
        assert len(out.splitlines()) == 60
    with open_store(tmp_path / "home") as store:
        ids = [a.item_id for a in store.answers()]
        assert sorted(ids) == sorted([f"x.{i}" for i in range(60)] + [f"y.{i}" for i in range(60)])
        assert len(store.cards()) == 120
    con = sqlite3.connect(db_path(tmp_path / "home"))
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_parametric_items_are_one_card_by_id(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        store.record(event("conv.size.p", "correct", kind="numeric", params={"n": 32, "f": 5}))
        store.record(event("conv.size.p", "wrong", kind="numeric", params={"n": 7, "f": 3}, at=T0 + timedelta(days=3)))
        assert list(store.cards()) == ["conv.size.p"]
        assert [a.rating for a in store.answers()] == [4, 1]  # 30 s of 120 s: Easy; then Again
    con = sqlite3.connect(db_path(tmp_path))
    params = [r[0] for r in con.execute("SELECT params FROM answers ORDER BY answer_id")]
    con.close()
    assert params == ['{"f": 5, "n": 32}', '{"f": 3, "n": 7}']
