"""The progress store: one SQLite file holding every answer, the FSRS cards and the settings.

The file identifies itself with `PRAGMA application_id` (``DLQZ``) and carries its schema version
in `PRAGMA user_version`; a file that is not ours is refused, never written to. Each answer is
committed in its own transaction the moment it is recorded (WAL journal, `synchronous=FULL`), so
killing the process loses nothing already answered, and a busy timeout lets two sessions write
to the same file.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dlquiz.errors import ProgressError
from dlquiz.i18n import lazy
from dlquiz.progress.cards import AnswerRow, CardRow
from dlquiz.quiz.events import AnswerEvent

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
        return lazy("{path}: the progress database is read-only, so answers cannot be saved ({reason}). Make "
                    "the file and its folder writable, or use another --home / DLQUIZ_HOME (or --no-save).",
                    path=path, reason=exc)
    if "full" in text or errno == codes.ENOSPC:
        return lazy("{path}: the disk is full, so answers cannot be saved ({reason}). Free some space and "
                    "start again; every answer saved so far is kept.", path=path, reason=exc)
    if "locked" in text or "busy" in text:
        return lazy("{path}: another dlquiz session kept the progress database locked for more than {s} s "
                    "({reason}); try again when it has finished.", path=path, s=BUSY_TIMEOUT_MS // 1000, reason=exc)
    if "i/o" in text or errno == codes.EIO:
        return lazy("{path}: the disk reported an error while saving ({reason}); every answer saved so far "
                    "is kept. Run `dlquiz doctor`.", path=path, reason=exc)
    return lazy("{path}: the progress database could not be written ({reason}). Run `dlquiz doctor`.", path=path,
                reason=exc)


def _check_file(path: Path) -> None:
    """Refuse a file that is not an SQLite database, before SQLite touches it."""
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except OSError as exc:
        raise ProgressError(lazy("{path}: cannot read the progress database ({reason})", path=path,
                                 reason=exc.strerror)) from exc
    if head != SQLITE_HEADER:
        raise ProgressError(lazy(
            "{path}: not an SQLite database (corrupt or some other file); it was left untouched. Move it away, "
            "or use another --home / DLQUIZ_HOME.", path=path))


def _inspect(path: Path) -> tuple[int, int, int]:
    """(application_id, user_version, number of tables) read through a read-only connection."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            tables = int(
                con.execute("SELECT count(*) FROM sqlite_master WHERE type='table'").fetchone()[0]
            )
            if app_id == APPLICATION_ID:
                check = con.execute("PRAGMA quick_check").fetchone()[0]
                if check != "ok":
                    raise ProgressError(lazy(
                        "{path}: the progress database is damaged ({check}); it was left untouched. "
                        "Run `dlquiz doctor` for details.", path=path, check=check))
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise ProgressError(lazy(
            "{path}: cannot read the progress database ({reason}); it was left untouched. "
            "Run `dlquiz doctor`, or move the file away to start afresh.", path=path, reason=exc)) from exc
    return app_id, version, tables


class Store:
    """Read and write a student's progress. Create it with `open_store`."""

    def __init__(
        self,
        path: Path,
        con: sqlite3.Connection,
        *,
        now: Callable[[], datetime] = utc_now,
        item_times: Mapping[str, float] | None = None,
    ) -> None:
        self.path = path
        self._con = con
        self.now = now
        self.item_times: dict[str, float] = dict(item_times or {})

    # -- lifecycle ---------------------------------------------------------------------------

    def close(self) -> None:
        """Close the database (everything recorded is already committed)."""
        self._con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """An immediate (write-locking) transaction, committed on exit."""
        con = self._con
        try:
            con.execute("BEGIN IMMEDIATE")
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StoreWriteError(explain(exc, self.path)) from exc
        try:
            yield con
            con.execute("COMMIT")
        except BaseException as exc:
            try:
                con.execute("ROLLBACK")  # only this transaction is undone
            except sqlite3.DatabaseError:
                pass  # SQLite already rolled back (e.g. after a full disk)
            if isinstance(exc, sqlite3.DatabaseError | OSError):
                raise StoreWriteError(explain(exc, self.path)) from exc
            raise

    def check_writable(self) -> str | None:
        """None when the database can take a write (tried in a transaction that is rolled back),
        else what is wrong."""
        con = self._con
        try:
            con.execute("BEGIN IMMEDIATE")
            try:
                con.execute("CREATE TABLE main.dlquiz_write_check (x INTEGER)")
            finally:
                con.execute("ROLLBACK")
        except (sqlite3.DatabaseError, OSError) as exc:
            return explain(exc, self.path)
        return None

    # -- settings ----------------------------------------------------------------------------

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        row = self._con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return default if row is None else str(row[0])

    def set_setting(self, key: str, value: str | None) -> None:
        """Store a setting (None deletes it)."""
        with self.transaction() as con:
            if value is None:
                con.execute("DELETE FROM settings WHERE key = ?", (key,))
            else:
                con.execute(
                    "INSERT INTO settings(key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def settings(self) -> dict[str, str]:
        return {str(k): str(v) for k, v in self._con.execute("SELECT key, value FROM settings")}

    # -- recording ---------------------------------------------------------------------------

    def record(self, event: AnswerEvent, *, exam_id: int | None = None) -> int:
        """Store one answer and, when it is graded, review its FSRS card; committed at once.

        Returns the answer's id (what `rerate` and `undo` take)."""
        from dlquiz.progress import scheduler

        answered_at = event.answered_at
        if answered_at.tzinfo is None:
            answered_at = answered_at.replace(tzinfo=UTC)
        answered_at = answered_at.astimezone(UTC)
        expected = self.item_times.get(event.item_id)
        rating = scheduler.rating_for(event, expected_s=expected)
        params = json.dumps(event.params, default=str, sort_keys=True) if event.params else None
        duration_ms = max(0, round(event.duration_s * 1000))
        with self.transaction() as con:
            card_id: int | None = None
            late = False
            if rating is not None:
                row = con.execute(
                    "SELECT * FROM cards WHERE item_id = ?", (event.item_id,)
                ).fetchone()
                card = _card_row(row) if row is not None else None
                late = (card is not None and card.last_review is not None
                        and answered_at < card.last_review)
                new = scheduler.review(card, rating, answered_at, duration_ms)
                if late:
                    assert card is not None
                    card_id = card.card_id  # another session stored a later review first
                elif card is None:
                    cur = con.execute(
                        "INSERT INTO cards(item_id, topic, state, step, stability, difficulty,"
                        " due, last_review, introduced_at) VALUES (?,?,?,?,?,?,?,?,?)",
                        (event.item_id, event.topic, new.state, new.step, new.stability,
                         new.difficulty, iso(new.due), iso(answered_at), iso(answered_at)),
                    )
                    card_id = int(cur.lastrowid or 0)
                else:
                    card_id = card.card_id
                    con.execute(
                        "UPDATE cards SET topic=?, state=?, step=?, stability=?, difficulty=?,"
                        " due=?, last_review=? WHERE card_id=?",
                        (event.topic, new.state, new.step, new.stability, new.difficulty,
                         iso(new.due), iso(answered_at), card_id),
                    )
            cur = con.execute(
                "INSERT INTO answers(item_id, topic, kind, result, response, duration_s,"
                " answered_at, hints_used, params, self_rating, card_id, rating,"
                " review_duration_ms, exam_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (event.item_id, event.topic, event.kind, event.result, event.response,
                 float(event.duration_s), iso(answered_at), int(event.hints_used), params,
                 event.self_rating, card_id, None if rating is None else int(rating),
                 duration_ms if rating is not None else None, exam_id),
            )
            if late and card_id is not None:
                _replay(con, card_id)
            return int(cur.lastrowid or 0)

    def rerate(self, answer_id: int, rating: int) -> None:
        """Change the FSRS rating of a stored review (the student's Again/Hard/Good/Easy over the
        automatic grade) and recompute its card from the log."""
        if not 1 <= rating <= 4:
            raise ProgressError(f"rating {rating}: must be 1 (Again) to 4 (Easy)")
        with self.transaction() as con:
            row = con.execute("SELECT card_id, rating FROM answers WHERE answer_id = ?",
                              (answer_id,)).fetchone()
            if row is None or row[0] is None or row[1] is None:
                raise ProgressError(f"answer {answer_id} is not a stored review; it cannot be rated")
            con.execute("UPDATE answers SET rating = ?, self_rating = ? WHERE answer_id = ?",
                        (rating, rating, answer_id))
            _replay(con, int(row[0]))

    def undo(self, answer_id: int) -> None:
        """Take back a stored answer: its row leaves the log and its card is recomputed from the
        reviews left (a card with none left is removed, as before its first review)."""
        with self.transaction() as con:
            row = con.execute("SELECT card_id FROM answers WHERE answer_id = ?", (answer_id,)).fetchone()
            if row is None:
                raise ProgressError(f"answer {answer_id} is not stored; nothing to undo")
            con.execute("DELETE FROM answers WHERE answer_id = ?", (answer_id,))
            if row[0] is None:
                return
            card_id = int(row[0])
            left = con.execute("SELECT count(*) FROM answers WHERE card_id = ? AND rating IS NOT NULL",
                               (card_id,)).fetchone()[0]
            if left:
                _replay(con, card_id)
            else:
                con.execute("UPDATE answers SET card_id = NULL WHERE card_id = ?", (card_id,))
                con.execute("DELETE FROM cards WHERE card_id = ?", (card_id,))


    # -- exams -------------------------------------------------------------------------------

    def start_exam(self, *, started_at: datetime, seed: int, minutes: float, n_items: int,
                   chapters: str = "") -> int:
        """Open an exam row (answers then point to it); returns its id."""
        with self.transaction() as con:
            cur = con.execute(
                "INSERT INTO exams(started_at, seed, minutes, n_items, chapters)"
                " VALUES (?,?,?,?,?)",
                (iso(started_at), seed, minutes, n_items, chapters),
            )
            return int(cur.lastrowid or 0)

    def finish_exam(self, exam_id: int, *, finished_at: datetime, correct: int,
                    report: Mapping[str, Any]) -> None:
        with self.transaction() as con:
            con.execute(
                "UPDATE exams SET finished_at=?, correct=?, report=? WHERE exam_id=?",
                (iso(finished_at), correct, json.dumps(report, ensure_ascii=False), exam_id),
            )

    def exams(self) -> list[dict[str, Any]]:
        rows = self._con.execute(
            "SELECT exam_id, started_at, finished_at, seed, minutes, n_items, correct, chapters"
            " FROM exams ORDER BY exam_id"
        ).fetchall()
        keys = ("exam_id", "started_at", "finished_at", "seed", "minutes", "n_items", "correct",
                "chapters")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    # -- reading -----------------------------------------------------------------------------

    def cards(self) -> dict[str, CardRow]:
        """Every FSRS card, by item id."""
        rows = self._con.execute("SELECT * FROM cards ORDER BY card_id").fetchall()
        return {r[1]: _card_row(r) for r in rows}

    def card(self, item_id: str) -> CardRow | None:
        row = self._con.execute("SELECT * FROM cards WHERE item_id = ?", (item_id,)).fetchone()
        return None if row is None else _card_row(row)

    def answers(self, *, since: datetime | None = None) -> list[AnswerRow]:
        """Every stored answer in the order given (optionally only those at or after `since`)."""
        sql = (
            "SELECT answer_id, item_id, topic, kind, result, response, duration_s, answered_at,"
            " hints_used, self_rating, card_id, rating, exam_id FROM answers"
        )
        args: tuple[Any, ...] = ()
        if since is not None:
            sql += " WHERE answered_at >= ?"
            args = (iso(since),)
        rows = self._con.execute(sql + " ORDER BY answered_at, answer_id", args).fetchall()
        return [
            AnswerRow(int(r[0]), r[1], r[2], r[3], r[4], r[5], float(r[6]), from_iso(r[7]),
                      int(r[8]), r[9], r[10], r[11], r[12])
            for r in rows
        ]

    def review_logs(self) -> list[Any]:
        """The review log as `fsrs.ReviewLog` objects (what `fsrs.Optimizer` takes)."""
        from fsrs import Rating, ReviewLog

        rows = self._con.execute(
            "SELECT card_id, rating, answered_at, review_duration_ms FROM answers"
            " WHERE rating IS NOT NULL ORDER BY answered_at, answer_id"
        ).fetchall()
        return [ReviewLog(card_id=int(r[0]), rating=Rating(int(r[1])),
                          review_datetime=from_iso(r[2]), review_duration=r[3]) for r in rows]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        out = {}
        for table in ("answers", "cards", "exams", "settings"):
            out[table] = int(self._con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        out["reviews"] = int(
            self._con.execute("SELECT count(*) FROM answers WHERE rating IS NOT NULL").fetchone()[0]
        )
        return out


def _replay(con: sqlite3.Connection, card_id: int) -> None:
    """Recompute a card from its review log in review-time order (a review arrived late)."""
    from dlquiz.progress import scheduler

    row = con.execute("SELECT * FROM cards WHERE card_id = ?", (card_id,)).fetchone()
    base = _card_row(row)
    card: CardRow | None = None
    log = con.execute("SELECT rating, answered_at, review_duration_ms FROM answers WHERE card_id = ? "
                      "AND rating IS NOT NULL ORDER BY answered_at, answer_id", (card_id,)).fetchall()
    last = None
    for rating, at_text, ms in log:
        at = from_iso(at_text)
        new = scheduler.review(card, scheduler_rating(int(rating)), at, ms)
        card = CardRow(card_id=card_id, item_id=base.item_id, topic=base.topic, state=new.state,
                       step=new.step, stability=new.stability, difficulty=new.difficulty,
                       due=new.due, last_review=at, introduced_at=base.introduced_at)
        last = at
    if card is None or last is None:
        return
    con.execute("UPDATE cards SET state=?, step=?, stability=?, difficulty=?, due=?, last_review=? "
                "WHERE card_id=?", (card.state, card.step, card.stability, card.difficulty,
                                    iso(card.due), iso(last), card_id))


def scheduler_rating(value: int) -> Any:
    """The FSRS Rating of a stored rating number."""
    from fsrs import Rating

    return Rating(value)


def _card_row(r: Any) -> CardRow:
    return CardRow(
        card_id=int(r[0]), item_id=r[1], topic=r[2], state=int(r[3]), step=r[4],
        stability=r[5], difficulty=r[6], due=from_iso(r[7]),
        last_review=from_iso(r[8]) if r[8] else None, introduced_at=from_iso(r[9]),
    )


def _migrate(con: sqlite3.Connection, path: Path, version: int) -> None:
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
        con.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES ('application', 'dlquiz')"
        )
        con.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        con.execute("ROLLBACK")
        raise ProgressError(lazy("{path}: could not upgrade the progress database: {reason}", path=path,
                                 reason=exc)) from exc


def _connect(path: Path) -> sqlite3.Connection:
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
                raise ProgressError(lazy("{path}: cannot open the progress database ({reason})", path=path,
                                         reason=exc)) from exc
            time.sleep(0.05)
        except sqlite3.DatabaseError as exc:
            raise ProgressError(lazy("{path}: cannot open the progress database ({reason})", path=path,
                                     reason=exc)) from exc


def open_store(
    home: Path | None = None,
    *,
    now: Callable[[], datetime] = utc_now,
    item_times: Mapping[str, float] | None = None,
) -> Store:
    """Open (creating if needed) the progress database in `home`.

    Args:
        home: the data directory; None means `$DLQUIZ_HOME` or the platform's user data dir.
        now: the clock used for "today" (injectable for tests).
        item_times: estimated seconds per item id, used to rate fast/slow answers.

    Raises:
        ProgressError: the file is corrupt, foreign, from a newer dlquiz, or not writable.
    """
    path = db_path(home)
    fresh = not path.exists() or path.stat().st_size == 0
    if fresh:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ProgressError(lazy("{path}: cannot create the data directory ({reason})", path=path.parent,
                                     reason=exc)) from exc
        version = 0
    else:
        _check_file(path)
        app_id, version, tables = _inspect(path)
        if app_id != APPLICATION_ID and (app_id != 0 or version != 0 or tables != 0):
            raise ProgressError(lazy(
                "{path}: this SQLite file is not a dlquiz progress database (application_id {app_id}, {tables} "
                "tables); it was left untouched. Use another --home or DLQUIZ_HOME, or move the file away.",
                path=path, app_id=f"{app_id:#x}", tables=tables))
        if version > SCHEMA_VERSION:
            raise ProgressError(lazy(
                "{path}: progress database schema {version} is newer than this dlquiz understands ({current}); "
                "upgrade dlquiz.", path=path, version=version, current=SCHEMA_VERSION))
    con = _connect(path)
    if version < SCHEMA_VERSION:
        _migrate(con, path, version)
    return Store(path, con, now=now, item_times=item_times)


@dataclass(frozen=True)
class Check:
    """One finding of `diagnose`."""

    name: str
    ok: bool
    message: str


def diagnose(home: Path | None, lang: str = "en") -> tuple[Path, list[Check], dict[str, int]]:
    """Inspect the progress database without changing it: what `dlquiz doctor` reports.

    Returns the path, the checks (a failed one says what is wrong and what to do) and the row
    counts (empty when the file cannot be read). The messages are in `lang`.
    """
    from dlquiz.i18n import t

    path = db_path(home)
    checks: list[Check] = _home_checks(path.parent, lang)
    if not all(c.ok for c in checks):
        return path, checks, {}
    try:
        exists = path.exists()
        size = path.stat().st_size if exists else 0
    except OSError as exc:  # a symlink loop, a dangling link, no permission
        checks.append(Check("file", False, t("{path}: cannot be opened ({reason})", lang, path=path,
                                                 reason=exc.strerror or exc)))
        return path, checks, {}
    if path.is_symlink() and not exists:
        checks.append(Check("file", False, t("{path} is a link to a missing file", lang, path=path)))
        return path, checks, {}
    if not exists:
        checks.append(Check("file", True, t("no progress database yet at {path}; it is created with the first answer",
                                            lang, path=path)))
        return path, checks, {}
    if not path.is_file():
        checks.append(Check("file", False, t("{path} is not a file", lang, path=path)))
        return path, checks, {}
    checks.append(Check("file", True, t("{path} ({size:,} bytes)", lang, path=path, size=size)))
    if size == 0:
        checks.append(Check("format", True, t("empty file; it will be initialised on first use", lang)))
        return path, checks, {}
    try:
        _check_file(path)
    except ProgressError as exc:
        checks.append(Check("format", False, str(exc)))
        return path, checks, {}
    checks.append(Check("format", True, t("SQLite 3 database", lang)))
    uri = f"{path.resolve().as_uri()}?mode=ro"
    counts: dict[str, int] = {}
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
            if app_id != APPLICATION_ID:
                checks.append(Check("identity", False, (
                    f"application_id is {app_id:#x}, not dlquiz's {APPLICATION_ID:#x}: this is "
                    "some other program's database. Point --home / DLQUIZ_HOME elsewhere or "
                    "move the file away.")))
                return path, checks, {}
            checks.append(Check("identity", True, t("a dlquiz progress database", lang)))
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                checks.append(Check("schema", False, t(
                    "schema version {version} is newer than this dlquiz ({current}); upgrade dlquiz", lang,
                    version=version, current=SCHEMA_VERSION)))
            elif version < SCHEMA_VERSION:
                checks.append(Check("schema", True, t(
                    "schema version {version}; it is upgraded to {current} when opened", lang,
                    version=version, current=SCHEMA_VERSION)))
            else:
                checks.append(Check("schema", True, t("schema version {version} (current)", lang, version=version)))
            problems = [r[0] for r in con.execute("PRAGMA integrity_check(20)").fetchall()]
            if problems == ["ok"]:
                checks.append(Check("integrity", True, t("integrity_check: ok", lang)))
            else:
                checks.append(Check("integrity", False, (
                    "integrity_check found damage: " + "; ".join(problems[:5])
                    + ". Keep a copy of the file; `sqlite3 progress.sqlite3 .recover` may "
                    "rescue the answers.")))
            if version >= 1:
                for table in ("answers", "cards", "exams", "settings"):
                    counts[table] = int(
                        con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                counts["reviews"] = int(con.execute(
                    "SELECT count(*) FROM answers WHERE rating IS NOT NULL").fetchone()[0])
                orphans = int(con.execute(
                    "SELECT count(*) FROM answers WHERE rating IS NOT NULL AND card_id NOT IN "
                    "(SELECT card_id FROM cards)").fetchone()[0])
                checks.append(Check("reviews", orphans == 0, (
                    t("every review belongs to a card", lang) if orphans == 0
                    else t("{n} reviews point to missing cards", lang, n=orphans))))
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        checks.append(Check("read", False, f"cannot read the database: {exc}"))
    if all(c.ok for c in checks):
        checks.append(_write_check(path, lang))
    return path, checks, counts


MIN_FREE_BYTES = 1 << 20  # a session needs a little room for its answers and the journal


def _home_checks(home: Path, lang: str = "en") -> list[Check]:
    """The data directory: reachable, a directory, writable, with free space."""
    import shutil
    import tempfile

    from dlquiz.i18n import t

    try:
        resolved = home.resolve(strict=False)
        if home.is_symlink() and not home.exists():
            return [Check("home", False, t("{home} is a link to a missing folder", lang, home=home))]
        if home.exists() and not home.is_dir():
            return [Check("home", False, t("{home} is not a folder", lang, home=home))]
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        return [Check("home", False, f"{home}: cannot be reached ({getattr(exc, 'strerror', None) or exc})")]
    if not home.exists():
        parent = next((p for p in resolved.parents if p.exists()), None)
        if parent is not None and not parent.is_dir():  # mkdir would fail: "Not a directory"
            return [Check("home", False, t("{home} cannot be created: {parent} is a file, not a folder", lang,
                                           home=home, parent=parent))]
        if parent is None or not os.access(parent, os.W_OK | os.X_OK):
            return [Check("home", False, t("{home} does not exist and cannot be created", lang, home=home))]
        return [Check("home", True, t("{home} does not exist yet; it is created with the first answer", lang,
                                       home=home))]
    checks = []
    try:
        with tempfile.NamedTemporaryFile(dir=home, prefix=".dlquiz-write-check-") as fh:
            fh.write(b"\0" * 65536)
            fh.flush()
            os.fsync(fh.fileno())
        checks.append(Check("home", True, t("{home} is writable", lang, home=home)))
    except OSError as exc:
        return [Check("home", False, explain(exc, home).replace("the progress database", "the folder"))]
    try:
        free = shutil.disk_usage(home).free
    except OSError:
        return checks
    if free < MIN_FREE_BYTES:
        checks.append(Check("disk", False, t("only {free:,} bytes free on the disk of {home}: a session could not "
                                             "save its answers", lang, free=free, home=home)))
    else:
        checks.append(Check("disk", True, t("{gib:.1f} GiB free", lang, gib=free / 2**30)))
    return checks


def _write_check(path: Path, lang: str = "en") -> Check:
    """Whether the database takes a write: one made in a transaction that is rolled back."""
    from dlquiz.i18n import t
    try:
        con = sqlite3.connect(str(path), timeout=2.0, isolation_level=None)
    except sqlite3.DatabaseError as exc:
        return Check("write", False, explain(exc, path))
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("CREATE TABLE main.dlquiz_write_check (x INTEGER)")
        finally:
            con.execute("ROLLBACK")
    except (sqlite3.DatabaseError, OSError) as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return Check("write", True, t("busy now: another session is writing (a session waits up to {s} s for it)",
                                          lang, s=BUSY_TIMEOUT_MS // 1000))
        return Check("write", False, explain(exc, path))
    finally:
        con.close()
    return Check("write", True, t("takes a write (tried and rolled back)", lang))
