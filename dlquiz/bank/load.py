"""Reading the bank's TOML files: finding them, reporting a file that cannot be read (not UTF-8,
not valid TOML, a hostile value) with its place, and handing each item to the field validation
of `dlquiz.bank.fields`.

Every problem is reported with its place (file:line, item id) and field, and validation
goes on after the first problem so that `dlquiz bank check` lists all of them.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from dlquiz.bank.fields import LETTERS as LETTERS
from dlquiz.bank.fields import Problem as Problem
from dlquiz.bank.fields import _Reader
from dlquiz.bank.model import Item
from dlquiz.bank.syllabus import Syllabus, load_syllabus
from dlquiz.errors import BankError
from dlquiz.i18n import lazy


def default_root() -> Path:
    """The bank shipped with dlquiz: inside the installed package, else the source tree's."""
    package = Path(__file__).resolve().parent.parent
    for candidate in (package / "questions", package.parent / "questions"):
        if candidate.is_dir():
            return candidate
    raise BankError(lazy("no question bank found (looked in {path})", path=package / "questions"))


def bank_files(root: Path) -> list[Path]:
    return _bank_entries(root)[0]


def _bank_entries(root: Path) -> tuple[list[Path], list[Problem]]:
    """The bank's .toml files, and a problem for every .toml entry that is not a readable file
    (a symlink loop, a dangling link, a folder): none is skipped silently."""
    files: list[Path] = []
    problems: list[Problem] = []
    for p in sorted(root.rglob("*.toml")):
        name = str(p.relative_to(root.parent)) if p.is_relative_to(root.parent) else str(p)
        try:
            p.stat()
        except OSError as exc:
            import errno

            why = (
                "a symbolic link loop"
                if exc.errno == errno.ELOOP
                else "a link to a missing file"
                if p.is_symlink() and exc.errno == errno.ENOENT
                else exc.strerror or str(exc)
            )
            problems.append(Problem(name, 0, "", "", f"cannot read: {why}"))
            continue
        if p.is_file():
            files.append(p)
        else:
            problems.append(Problem(name, 0, "", "", "cannot read: not a regular file"))
    return files, problems


def _item_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[item]]"]


def read_file(path: Path, root: Path, syllabus: Syllabus) -> tuple[list[Item], list[Problem]]:
    """Items and problems of one bank file."""
    name = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        return [], [Problem(name, 0, "", "", f"cannot read: {exc.strerror or exc}")]
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        return [], [
            Problem(name, line, "", "", f"not UTF-8 text (byte {exc.start + 1}: {exc.reason}); save the file as UTF-8")
        ]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 0
        return [], [Problem(name, line, "", "", f"not valid TOML: {exc}")]
    except RecursionError:
        return [], [Problem(name, 0, "", "", "not readable: arrays or tables nested too deeply")]
    except (ValueError, OverflowError, MemoryError) as exc:  # e.g. an integer of 5 000 digits
        why = "a number has more than 4300 digits" if "digits" in str(exc) else _short(exc)
        return [], [Problem(name, _long_number_line(text), "", "", f"not readable: {why}")]
    reader = _Reader(name, syllabus)
    raw_items = data.get("item", [])
    others = set(data) - {"item"}
    if others:
        reader.problem("", f"unexpected top-level key(s) {sorted(others)} (items are [[item]] tables)")
    if not isinstance(raw_items, list) or not raw_items:
        reader.problem("", "no [[item]] tables")
        return [], reader.problems
    lines = _item_lines(text)
    items = []
    for n, raw in enumerate(raw_items):
        line = lines[n] if n < len(lines) else 0
        try:
            item = reader.item(raw, line) if isinstance(raw, dict) else None
        except (RecursionError, ValueError, TypeError, OverflowError) as exc:  # hostile values
            reader.problems.append(
                Problem(
                    name,
                    line,
                    str(raw.get("id", "")) if isinstance(raw, dict) else "",
                    "",
                    f"cannot read this item: {_short(exc)}",
                )
            )
            item = None
        if item is not None:
            items.append(item)
    return items, reader.problems


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:160] + "…"


def _long_number_line(text: str) -> int:
    """The line of the first run of over 4 000 digits (0 when there is none)."""
    match = re.search(r"\d{4000,}", text)
    return text.count("\n", 0, match.start()) + 1 if match else 0


def read_bank(root: Path, syllabus: Syllabus | None = None) -> tuple[list[Item], list[Problem]]:
    """Every valid item under `root` and every problem found (format only)."""
    syllabus = syllabus or load_syllabus()
    if not root.is_dir():
        raise BankError(lazy("{root}: not a directory (expected the question bank)", root=root))
    items: list[Item] = []
    problems: list[Problem] = []
    seen: dict[str, Item] = {}
    files, unreadable = _bank_entries(root)
    problems.extend(unreadable)
    if not files and not unreadable:
        problems.append(Problem(str(root), 0, "", "", "no .toml files"))
    for path in files:
        file_items, file_problems = read_file(path, root, syllabus)
        problems.extend(file_problems)
        for item in file_items:
            if item.id in seen:
                first = seen[item.id]
                problems.append(
                    Problem(item.file, item.line, item.id, "id", f"duplicate id (first defined at {first.where})")
                )
                continue
            seen[item.id] = item
            items.append(item)
    return items, problems


def format_problems(problems: Iterable[Problem]) -> str:
    return "\n".join(str(p) for p in problems)
