"""The progress store: one SQLite file holding every answer, the FSRS cards and the settings.

Each answer is committed in its own transaction the moment it is recorded, so killing the
process loses nothing already answered; an undone or re-rated review recomputes its card from
the review log. The file itself (schema, identity checks, connecting) is `progress.db`; what
`dlquiz doctor` reports is `progress.doctor`. Their public names are re-exported here.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dlquiz.errors import ProgressError
from dlquiz.i18n import lazy
from dlquiz.i18n.oserrors import os_reason
from dlquiz.progress.cards import AnswerRow, CardRow
from dlquiz.progress.db import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    DB_NAME,
    SCHEMA_VERSION,
    StoreWriteError,
    check_file,
    connect,
    db_path,
    explain,
    from_iso,
    inspect_file,
    iso,
    migrate,
    resolve_home,
    utc_now,
)
from dlquiz.progress.doctor import Check, diagnose
from dlquiz.quiz.events import AnswerEvent

__all__ = [
    "APPLICATION_ID",
    "BUSY_TIMEOUT_MS",
    "DB_NAME",
    "SCHEMA_VERSION",
    "Check",
    "Store",
    "StoreWriteError",
    "db_path",
    "diagnose",
    "explain",
    "from_iso",
    "iso",
    "open_store",
    "resolve_home",
    "scheduler_rating",
    "utc_now",
]


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
                row = con.execute("SELECT * FROM cards WHERE item_id = ?", (event.item_id,)).fetchone()
                card = _card_row(row) if row is not None else None
                late = card is not None and card.last_review is not None and answered_at < card.last_review
                new = scheduler.review(card, rating, answered_at, duration_ms)
                if late:
                    assert card is not None
                    card_id = card.card_id  # another session stored a later review first
                elif card is None:
                    cur = con.execute(
                        "INSERT INTO cards(item_id, topic, state, step, stability, difficulty,"
                        " due, last_review, introduced_at) VALUES (?,?,?,?,?,?,?,?,?)",
                        (
                            event.item_id,
                            event.topic,
                            new.state,
                            new.step,
                            new.stability,
                            new.difficulty,
                            iso(new.due),
                            iso(answered_at),
                            iso(answered_at),
                        ),
                    )
                    card_id = int(cur.lastrowid or 0)
                else:
                    card_id = card.card_id
                    con.execute(
                        "UPDATE cards SET topic=?, state=?, step=?, stability=?, difficulty=?,"
                        " due=?, last_review=? WHERE card_id=?",
                        (
                            event.topic,
                            new.state,
                            new.step,
                            new.stability,
                            new.difficulty,
                            iso(new.due),
                            iso(answered_at),
                            card_id,
                        ),
                    )
            cur = con.execute(
                "INSERT INTO answers(item_id, topic, kind, result, response, duration_s,"
                " answered_at, hints_used, params, self_rating, card_id, rating,"
                " review_duration_ms, exam_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    event.item_id,
                    event.topic,
                    event.kind,
                    event.result,
                    event.response,
                    float(event.duration_s),
                    iso(answered_at),
                    int(event.hints_used),
                    params,
                    event.self_rating,
                    card_id,
                    None if rating is None else int(rating),
                    duration_ms if rating is not None else None,
                    exam_id,
                ),
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
            row = con.execute("SELECT card_id, rating FROM answers WHERE answer_id = ?", (answer_id,)).fetchone()
            if row is None or row[0] is None or row[1] is None:
                raise ProgressError(f"answer {answer_id} is not a stored review; it cannot be rated")
            con.execute(
                "UPDATE answers SET rating = ?, self_rating = ? WHERE answer_id = ?", (rating, rating, answer_id)
            )
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
            left = con.execute(
                "SELECT count(*) FROM answers WHERE card_id = ? AND rating IS NOT NULL", (card_id,)
            ).fetchone()[0]
            if left:
                _replay(con, card_id)
            else:
                con.execute("UPDATE answers SET card_id = NULL WHERE card_id = ?", (card_id,))
                con.execute("DELETE FROM cards WHERE card_id = ?", (card_id,))

    # -- exams -------------------------------------------------------------------------------

    def start_exam(self, *, started_at: datetime, seed: int, minutes: float, n_items: int, chapters: str = "") -> int:
        """Open an exam row (answers then point to it); returns its id."""
        with self.transaction() as con:
            cur = con.execute(
                "INSERT INTO exams(started_at, seed, minutes, n_items, chapters) VALUES (?,?,?,?,?)",
                (iso(started_at), seed, minutes, n_items, chapters),
            )
            return int(cur.lastrowid or 0)

    def finish_exam(self, exam_id: int, *, finished_at: datetime, correct: int, report: Mapping[str, Any]) -> None:
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
        keys = ("exam_id", "started_at", "finished_at", "seed", "minutes", "n_items", "correct", "chapters")
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
            AnswerRow(
                int(r[0]),
                r[1],
                r[2],
                r[3],
                r[4],
                r[5],
                float(r[6]),
                from_iso(r[7]),
                int(r[8]),
                r[9],
                r[10],
                r[11],
                r[12],
            )
            for r in rows
        ]

    def review_logs(self) -> list[Any]:
        """The review log as `fsrs.ReviewLog` objects (what `fsrs.Optimizer` takes)."""
        from fsrs import Rating, ReviewLog

        rows = self._con.execute(
            "SELECT card_id, rating, answered_at, review_duration_ms FROM answers"
            " WHERE rating IS NOT NULL ORDER BY answered_at, answer_id"
        ).fetchall()
        return [
            ReviewLog(card_id=int(r[0]), rating=Rating(int(r[1])), review_datetime=from_iso(r[2]), review_duration=r[3])
            for r in rows
        ]

    def counts(self) -> dict[str, int]:
        """Row counts of the main tables."""
        out = {}
        for table in ("answers", "cards", "exams", "settings"):
            out[table] = int(self._con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        out["reviews"] = int(self._con.execute("SELECT count(*) FROM answers WHERE rating IS NOT NULL").fetchone()[0])
        return out


def _replay(con: sqlite3.Connection, card_id: int) -> None:
    """Recompute a card from its review log in review-time order (a review arrived late)."""
    from dlquiz.progress import scheduler

    row = con.execute("SELECT * FROM cards WHERE card_id = ?", (card_id,)).fetchone()
    base = _card_row(row)
    card: CardRow | None = None
    log = con.execute(
        "SELECT rating, answered_at, review_duration_ms FROM answers WHERE card_id = ? "
        "AND rating IS NOT NULL ORDER BY answered_at, answer_id",
        (card_id,),
    ).fetchall()
    last = None
    for rating, at_text, ms in log:
        at = from_iso(at_text)
        new = scheduler.review(card, scheduler_rating(int(rating)), at, ms)
        card = CardRow(
            card_id=card_id,
            item_id=base.item_id,
            topic=base.topic,
            state=new.state,
            step=new.step,
            stability=new.stability,
            difficulty=new.difficulty,
            due=new.due,
            last_review=at,
            introduced_at=base.introduced_at,
        )
        last = at
    if card is None or last is None:
        return
    con.execute(
        "UPDATE cards SET state=?, step=?, stability=?, difficulty=?, due=?, last_review=? WHERE card_id=?",
        (card.state, card.step, card.stability, card.difficulty, iso(card.due), iso(last), card_id),
    )


def scheduler_rating(value: int) -> Any:
    """The FSRS Rating of a stored rating number."""
    from fsrs import Rating

    return Rating(value)


def _card_row(r: Any) -> CardRow:
    return CardRow(
        card_id=int(r[0]),
        item_id=r[1],
        topic=r[2],
        state=int(r[3]),
        step=r[4],
        stability=r[5],
        difficulty=r[6],
        due=from_iso(r[7]),
        last_review=from_iso(r[8]) if r[8] else None,
        introduced_at=from_iso(r[9]),
    )


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
            raise ProgressError(
                lazy("{path}: cannot create the data directory ({reason})", path=path.parent, reason=os_reason(exc))
            ) from exc
        version = 0
    else:
        check_file(path)
        app_id, version, tables = inspect_file(path)
        if app_id != APPLICATION_ID and (app_id != 0 or version != 0 or tables != 0):
            raise ProgressError(
                lazy(
                    "{path}: this SQLite file is not a dlquiz progress database (application_id {app_id}, {tables} "
                    "tables); it was left untouched. Use another --home or DLQUIZ_HOME, or move the file away.",
                    path=path,
                    app_id=f"{app_id:#x}",
                    tables=tables,
                )
            )
        if version > SCHEMA_VERSION:
            raise ProgressError(
                lazy(
                    "{path}: progress database schema {version} is newer than this dlquiz understands ({current}); "
                    "upgrade dlquiz.",
                    path=path,
                    version=version,
                    current=SCHEMA_VERSION,
                )
            )
    con = connect(path)
    if version < SCHEMA_VERSION:
        migrate(con, path, version)
    return Store(path, con, now=now, item_times=item_times)
