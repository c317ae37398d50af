"""What `dlquiz doctor` reports: the home folder, free disk and the progress database, inspected
without changing anything (the trial write is rolled back)."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from dlquiz.errors import ProgressError
from dlquiz.i18n import in_lang, localized, t
from dlquiz.i18n.oserrors import os_reason
from dlquiz.progress.db import (
    APPLICATION_ID,
    BUSY_TIMEOUT_MS,
    SCHEMA_VERSION,
    check_file,
    db_path,
    explain,
)


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

    path = db_path(home)
    checks: list[Check] = _home_checks(path.parent, lang)
    if not all(c.ok for c in checks):
        return path, checks, {}
    try:
        exists = path.exists()
        size = path.stat().st_size if exists else 0
    except OSError as exc:  # a symlink loop, a dangling link, no permission
        checks.append(
            Check("file", False, t("{path}: cannot be opened ({reason})", lang, path=path, reason=os_reason(exc)))
        )
        return path, checks, {}
    if path.is_symlink() and not exists:
        checks.append(Check("file", False, t("{path} is a link to a missing file", lang, path=path)))
        return path, checks, {}
    if not exists:
        checks.append(
            Check(
                "file",
                True,
                t("no progress database yet at {path}; it is created with the first answer", lang, path=path),
            )
        )
        return path, checks, {}
    if not path.is_file():
        checks.append(Check("file", False, t("{path} is not a file", lang, path=path)))
        return path, checks, {}
    checks.append(Check("file", True, t("{path} ({size:,} bytes)", lang, path=path, size=size)))
    if size == 0:
        checks.append(Check("format", True, t("empty file; it will be initialised on first use", lang)))
        return path, checks, {}
    try:
        check_file(path)
    except ProgressError as exc:
        checks.append(Check("format", False, localized(exc, lang)))
        return path, checks, {}
    checks.append(Check("format", True, t("SQLite 3 database", lang)))
    uri = f"{path.resolve().as_uri()}?mode=ro"
    counts: dict[str, int] = {}
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            app_id = int(con.execute("PRAGMA application_id").fetchone()[0])
            if app_id != APPLICATION_ID:
                checks.append(
                    Check(
                        "identity",
                        False,
                        (
                            f"application_id is {app_id:#x}, not dlquiz's {APPLICATION_ID:#x}: this is "
                            "some other program's database. Point --home / DLQUIZ_HOME elsewhere or "
                            "move the file away."
                        ),
                    )
                )
                return path, checks, {}
            checks.append(Check("identity", True, t("a dlquiz progress database", lang)))
            version = int(con.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                checks.append(
                    Check(
                        "schema",
                        False,
                        t(
                            "schema version {version} is newer than this dlquiz ({current}); upgrade dlquiz",
                            lang,
                            version=version,
                            current=SCHEMA_VERSION,
                        ),
                    )
                )
            elif version < SCHEMA_VERSION:
                checks.append(
                    Check(
                        "schema",
                        True,
                        t(
                            "schema version {version}; it is upgraded to {current} when opened",
                            lang,
                            version=version,
                            current=SCHEMA_VERSION,
                        ),
                    )
                )
            else:
                checks.append(Check("schema", True, t("schema version {version} (current)", lang, version=version)))
            problems = [r[0] for r in con.execute("PRAGMA integrity_check(20)").fetchall()]
            if problems == ["ok"]:
                checks.append(Check("integrity", True, t("integrity_check: ok", lang)))
            else:
                checks.append(
                    Check(
                        "integrity",
                        False,
                        (
                            "integrity_check found damage: "
                            + "; ".join(problems[:5])
                            + ". Keep a copy of the file; `sqlite3 progress.sqlite3 .recover` may "
                            "rescue the answers."
                        ),
                    )
                )
            if version >= 1:
                for table in ("answers", "cards", "exams", "settings"):
                    counts[table] = int(con.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
                counts["reviews"] = int(
                    con.execute("SELECT count(*) FROM answers WHERE rating IS NOT NULL").fetchone()[0]
                )
                orphans = int(
                    con.execute(
                        "SELECT count(*) FROM answers WHERE rating IS NOT NULL AND card_id NOT IN "
                        "(SELECT card_id FROM cards)"
                    ).fetchone()[0]
                )
                checks.append(
                    Check(
                        "reviews",
                        orphans == 0,
                        (
                            t("every review belongs to a card", lang)
                            if orphans == 0
                            else t("{n} reviews point to missing cards", lang, n=orphans)
                        ),
                    )
                )
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

    try:
        resolved = home.resolve(strict=False)
        if home.is_symlink() and not home.exists():
            return [Check("home", False, t("{home} is a link to a missing folder", lang, home=home))]
        if home.exists() and not home.is_dir():
            return [Check("home", False, t("{home} is not a folder", lang, home=home))]
    except (OSError, RuntimeError) as exc:  # RuntimeError: a symlink loop (Python < 3.13)
        return [Check("home", False, t("{home}: cannot be reached ({reason})", lang, home=home, reason=os_reason(exc)))]
    if not home.exists():
        parent = next((p for p in resolved.parents if p.exists()), None)
        if parent is not None and not parent.is_dir():  # mkdir would fail: "Not a directory"
            return [
                Check(
                    "home",
                    False,
                    t("{home} cannot be created: {parent} is a file, not a folder", lang, home=home, parent=parent),
                )
            ]
        if parent is None or not os.access(parent, os.W_OK | os.X_OK):
            return [Check("home", False, t("{home} does not exist and cannot be created", lang, home=home))]
        return [
            Check("home", True, t("{home} does not exist yet; it is created with the first answer", lang, home=home))
        ]
    checks = []
    try:
        with tempfile.NamedTemporaryFile(dir=home, prefix=".dlquiz-write-check-") as fh:
            fh.write(b"\0" * 65536)
            fh.flush()
            os.fsync(fh.fileno())
        checks.append(Check("home", True, t("{home} is writable", lang, home=home)))
    except OSError as exc:
        reason = os_reason(exc)
        message = t(
            "{home}: cannot write in this folder ({reason}), so answers could not be saved. "
            "Make it writable, or use another --home / DLQUIZ_HOME.",
            lang,
            home=home,
            reason=reason,
        )
        return [Check("home", False, message)]
    try:
        free = shutil.disk_usage(home).free
    except OSError:
        return checks
    if free < MIN_FREE_BYTES:
        checks.append(
            Check(
                "disk",
                False,
                t(
                    "only {free:,} bytes free on the disk of {home}: a session could not save its answers",
                    lang,
                    free=free,
                    home=home,
                ),
            )
        )
    else:
        checks.append(Check("disk", True, t("{gib:.1f} GiB free", lang, gib=free / 2**30)))
    return checks


def _write_check(path: Path, lang: str = "en") -> Check:
    """Whether the database takes a write: one made in a transaction that is rolled back."""

    try:
        con = sqlite3.connect(str(path), timeout=2.0, isolation_level=None)
    except sqlite3.DatabaseError as exc:
        return Check("write", False, in_lang(explain(exc, path), lang))
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            con.execute("CREATE TABLE main.dlquiz_write_check (x INTEGER)")
        finally:
            con.execute("ROLLBACK")
    except (sqlite3.DatabaseError, OSError) as exc:
        if "locked" in str(exc).lower() or "busy" in str(exc).lower():
            return Check(
                "write",
                True,
                t(
                    "busy now: another session is writing (a session waits up to {s} s for it)",
                    lang,
                    s=BUSY_TIMEOUT_MS // 1000,
                ),
            )
        return Check("write", False, in_lang(explain(exc, path), lang))
    finally:
        con.close()
    return Check("write", True, t("takes a write (tried and rolled back)", lang))
