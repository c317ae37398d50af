"""The progress database file: its schema and migrations, where it lives, the identity checks
made before SQLite writes to it, connecting, and the plain sentence for a write that failed.

The file identifies itself with `PRAGMA application_id` (``DLQZ``) and carries its schema version
in `PRAGMA user_version`; a file that is not ours is refused, never written to. Connections use the
WAL journal with `synchronous=FULL` and a busy timeout, so two sessions can write to the same file.
"""

from __future__ import annotations

import os
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

from dlquiz.errors import ProgressError
from dlquiz.i18n import lazy
from dlquiz.i18n.oserrors import os_reason

APPLICATION_ID = 0x444C515A  # "DLQZ"
SCHEMA_VERSION = 1
DB_NAME = "progress.sqlite3"
BUSY_TIMEOUT_MS = 10_000
SQLITE_HEADER = b"SQLite format 3\x00"

# schema version -> statements that bring the previous version up to it
MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)""",
        """CREATE TABLE cards (
            card_id INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL UNIQUE,
            topic TEXT NOT NULL,
            state INTEGER NOT NULL,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due TEXT NOT NULL,
            last_review TEXT,
            introduced_at TEXT NOT NULL
        )""",
        """CREATE TABLE exams (
            exam_id INTEGER PRIMARY KEY,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            seed INTEGER NOT NULL,
            minutes REAL NOT NULL,
            n_items INTEGER NOT NULL,
            correct INTEGER,
            chapters TEXT NOT NULL DEFAULT '',
            report TEXT
        )""",
        # every answer; rows with a rating are the FSRS review log (card_id, rating,
        # review datetime, duration in ms), the form the FSRS optimizer reads
        """CREATE TABLE answers (
            answer_id INTEGER PRIMARY KEY,
            item_id TEXT NOT NULL,
            topic TEXT NOT NULL,
            kind TEXT NOT NULL,
            result TEXT NOT NULL,
            response TEXT NOT NULL,
            duration_s REAL NOT NULL,
            answered_at TEXT NOT NULL,
            hints_used INTEGER NOT NULL DEFAULT 0,
            params TEXT,
            self_rating INTEGER,
            card_id INTEGER REFERENCES cards(card_id),
            rating INTEGER,
            review_duration_ms INTEGER,
            exam_id INTEGER REFERENCES exams(exam_id)
        )""",
        "CREATE INDEX answers_item ON answers(item_id)",
        "CREATE INDEX answers_time ON answers(answered_at)",
        "CREATE INDEX cards_due ON cards(due)",
    ),
}


def resolve_home(home: Path | None) -> Path:
    """The data directory: `home` if given, else `$DLQUIZ_HOME`, else the platform's user data dir."""
    if home is not None:
        return Path(home).expanduser()
    env = os.environ.get("DLQUIZ_HOME", "").strip()
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("dlquiz", appauthor=False))


def db_path(home: Path | None) -> Path:
    """The progress database file inside the data directory."""
    return resolve_home(home) / DB_NAME


def iso(dt: datetime) -> str:
    """A datetime as a sortable UTC ISO string (fixed width, so text order is time order)."""
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    """The inverse of `iso`: a timezone-aware UTC datetime."""
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoreWriteError(ProgressError):
    """An answer could not be saved (read-only, disk full, busy); everything saved before stays."""


def explain(exc: BaseException, path: Path) -> str:
    """A clear sentence for an SQLite or OS error met while writing the progress database."""
    text = str(exc).lower()
    errno = getattr(exc, "errno", None)
    import errno as codes

    if "readonly" in text or "read-only" in text or errno in (codes.EROFS, codes.EACCES, codes.EPERM):
        return lazy(
            "{path}: the progress database is read-only, so answers cannot be saved ({reason}). Make "
            "the file and its folder writable, or use another --home / DLQUIZ_HOME (or --no-save).",
            path=path,
            reason=os_reason(exc),
        )
    if "full" in text or errno == codes.ENOSPC:
        return lazy(
            "{path}: the disk is full, so answers cannot be saved ({reason}). Free some space and "
            "start again; every answer saved so far is kept.",
            path=path,
            reason=os_reason(exc),
        )
    if "locked" in text or "busy" in text:
        return lazy(
            "{path}: another dlquiz session kept the progress database locked for more than {s} s "
            "({reason}); try again when it has finished.",
            path=path,
            s=BUSY_TIMEOUT_MS // 1000,
            reason=os_reason(exc),
        )
    if "i/o" in text or errno == codes.EIO:
        return lazy(
            "{path}: the disk reported an error while saving ({reason}); every answer saved so far "
            "is kept. Run `dlquiz doctor`.",
            path=path,
            reason=os_reason(exc),
        )
    return lazy(
        "{path}: the progress database could not be written ({reason}). Run `dlquiz doctor`.",
        path=path,
        reason=os_reason(exc),
    )


def check_file(path: Path) -> None:
    """Refuse a file that is not an SQLite database, before SQLite touches it."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ProgressError(
            lazy("{path}: cannot read the progress database ({reason})", path=path, reason=os_reason(exc))
        ) from exc
    if head != SQLITE_HEADER:
        raise ProgressError(
            lazy(
                "{path}: not an SQLite database (corrupt or some other file); it was left untouched. Move it away, "
                "or use another --home / DLQUIZ_HOME.",
                path=path,
            )
        )


def inspect_file(path: Path) -> tuple[int, int, int]:
    """(application_id, user_version, number of tables) read through a read-only connection."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            tables = int(con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0])
            if app_id == APPLICATION_ID:
                check = con.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise ProgressError(
                        lazy(
                            "{path}: the progress database is damaged ({check}); it was left untouched. "
                            "Run `dlquiz doctor` for details.",
                            path=path,
                            check=check,
                        )
                    )
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise ProgressError(
            lazy(
                "{path}: cannot read the progress database ({reason}); it was left untouched. "
                "Run `dlquiz doctor`, or move the file away to start afresh.",
                path=path,
                reason=os_reason(exc),
            )
        ) from exc
    return app_id, version, tables


def migrate(con: sqlite3.Connection, path: Path, version: int) -> None:
    con.execute("BEGIN IMMEDIATE")
    try:
        # re-read under the write lock: another process may have migrated meanwhile
        version = int(con.execute("PRAGMA user_version").fetchone()[0])
        if version == 0:
            con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target]:
                con.execute(statement)
            con.execute(f"PRAGMA user_version = {target}")
        con.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('application', 'dlquiz')")
        con.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        con.execute("ROLLBACK")
        raise ProgressError(
            lazy("{path}: could not upgrade the progress database: {reason}", path=path, reason=os_reason(exc))
        ) from exc


def connect(path: Path) -> sqlite3.Connection:
    """Connect in WAL mode; switching the journal mode does not wait on the busy handler, so a
    second process opening a new database at the same moment retries until the timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        con = None
        try:
            con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if str(mode).lower() != "wal":  # e.g. a file system without shared memory
                con.execute("PRAGMA journal_mode = DELETE")
            con.execute("PRAGMA synchronous = FULL")
            con.execute("PRAGMA foreign_keys = ON")
            return con
        except sqlite3.OperationalError as exc:
            if con is not None:
                con.close()
            if "locked" not in str(exc) or time.monotonic() > deadline:
                if "readonly" in str(exc) or "locked" in str(exc):
                    raise StoreWriteError(explain(exc, path)) from exc
                raise ProgressError(
                    lazy("{path}: cannot open the progress database ({reason})", path=path, reason=os_reason(exc))
                ) from exc
            time.sleep(0.05)
        except sqlite3.DatabaseError as exc:
            raise ProgressError(
                lazy("{path}: cannot open the progress database ({reason})", path=path, reason=os_reason(exc))
            ) from exc
