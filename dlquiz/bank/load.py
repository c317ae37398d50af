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

from dlquiz.bank.bilingual import Both, both
from dlquiz.bank.fields import LETTERS as LETTERS
from dlquiz.bank.fields import Problem as Problem
from dlquiz.bank.fields import _Reader
from dlquiz.bank.model import Item
from dlquiz.bank.syllabus import Syllabus, load_syllabus
from dlquiz.errors import BankError
from dlquiz.i18n import N_, lazy, t
from dlquiz.i18n.oserrors import os_reason


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
                lazy("a symbolic link loop")
                if exc.errno == errno.ELOOP
                else lazy("a link to a missing file")
                if p.is_symlink() and exc.errno == errno.ENOENT
                else os_reason(exc)
            )
            problems.append(Problem(name, 0, "", "", lazy("cannot read: {why}", why=why)))
            continue
        if p.is_file():
            files.append(p)
        else:
            problems.append(Problem(name, 0, "", "", lazy("cannot read: {why}", why=lazy("not a regular file"))))
    return files, problems


def _item_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(text.splitlines(), 1) if line.strip() == "[[item]]"]


def read_file(path: Path, root: Path, syllabus: Syllabus) -> tuple[list[Item], list[Problem]]:
    """Items and problems of one bank file."""
    name = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        raw_bytes = path.read_bytes()
    except OSError as exc:
        return [], [Problem(name, 0, "", "", lazy("cannot read: {why}", why=os_reason(exc)))]
    try:
        text = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw_bytes[: exc.start].count(b"\n") + 1
        reason = Both(exc.reason, t(_UTF8_REASONS.get(exc.reason, N_("an invalid byte")), "zh"))
        return [], [
            Problem(
                name,
                line,
                "",
                "",
                lazy(
                    "not UTF-8 text (byte {byte}: {reason}); save the file as UTF-8", byte=exc.start + 1, reason=reason
                ),
            )
        ]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 0
        return [], [Problem(name, line, "", "", lazy("not valid TOML: {error}", error=toml_error(exc)))]
    except RecursionError:
        return [], [
            Problem(name, 0, "", "", lazy("not readable: {why}", why=lazy("arrays or tables nested too deeply")))
        ]
    except (ValueError, OverflowError, MemoryError) as exc:  # e.g. an integer of 5 000 digits
        why = lazy("a number has more than 4300 digits") if "digits" in str(exc) else _python_error(exc)
        return [], [Problem(name, _long_number_line(text), "", "", lazy("not readable: {why}", why=why))]
    reader = _Reader(name, syllabus)
    raw_items = data.get("item", [])
    others = set(data) - {"item"}
    if others:
        reader.problem(
            "", lazy("unexpected top-level key(s) {keys} (items are [[item]] tables)", keys=str(sorted(others)))
        )
    if not isinstance(raw_items, list) or not raw_items:
        reader.problem("", lazy("no [[item]] tables"))
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
                    lazy("cannot read this item: {error}", error=_python_error(exc)),
                )
            )
            item = None
        if item is not None:
            items.append(item)
    return items, reader.problems


def _short(exc: BaseException) -> str:
    text = str(exc)
    return text if len(text) <= 160 else text[:160] + "…"


def _python_error(exc: BaseException) -> Both:
    """Python's words for a value it cannot handle, in English; our own in Chinese."""
    why = (
        N_("nested too deeply") if isinstance(exc, RecursionError) else N_("a value of a type or size it cannot handle")
    )
    return Both(_short(exc), t(why, "zh"))


# how Python names the fault of bytes that are not UTF-8 (UnicodeDecodeError.reason)
_UTF8_REASONS = {
    "invalid start byte": N_("invalid start byte"),
    "invalid continuation byte": N_("invalid continuation byte"),
    "unexpected end of data": N_("unexpected end of data"),
}

# tomllib's messages (the English is tomllib's own): matched to say them in Chinese from the catalog
_TOML_MESSAGES = (
    N_("Invalid statement"),
    N_("Expected newline or end of document after a statement"),
    N_("Found invalid character {char}"),
    N_("Cannot declare {key} twice"),
    N_("Cannot overwrite a value"),
    N_("Expected ']' at the end of a table declaration"),
    N_("Expected ']]' at the end of an array declaration"),
    N_("Cannot mutate immutable namespace {key}"),
    N_("Cannot redefine namespace {key}"),
    N_("Expected '=' after a key in a key/value pair"),
    N_("Invalid initial character for a key part"),
    N_("Unclosed array"),
    N_("Duplicate inline table key {key}"),
    N_("Unclosed inline table"),
    N_("Unescaped '\\' in a string"),
    N_("Invalid hex value"),
    N_("Escaped character is not a Unicode scalar value"),
    N_("Unterminated string"),
    N_("Illegal character {char}"),
    N_("Invalid date or datetime"),
    N_("Invalid value"),
    N_("Expected {what}"),  # last: the messages above that begin "Expected" are more precise
)
_TOML_PLACE = re.compile(
    r"(?P<what>.*) \(at (?:line (?P<line>\d+), column (?P<column>\d+)|(?P<end>end of document))\)", re.S
)


def _template(template: str, message: str) -> dict[str, str] | None:
    """The fields of `message` when it is `template` filled in, else None."""
    import string

    pattern = "".join(
        re.escape(literal) + (f"(?P<{name}>.+)" if name is not None else "")
        for literal, name, _spec, _conv in string.Formatter().parse(template)
    )
    m = re.fullmatch(pattern, message, re.S)
    return m.groupdict() if m else None


def toml_error(exc: tomllib.TOMLDecodeError) -> Both:
    """tomllib's message in English as it is; in Chinese, the place and what is wrong in our own words
    (or, for a message this version of tomllib words otherwise, that the syntax is wrong there)."""
    english = str(exc)
    m = _TOML_PLACE.fullmatch(english)
    what = m["what"] if m else english
    said = next(
        (
            t(template, "zh", **fields)
            for template in _TOML_MESSAGES
            if (fields := _template(template, what)) is not None
        ),
        t(N_("the TOML syntax is wrong here"), "zh"),
    )
    if m is None:
        return Both(english, said)
    if m["end"]:
        return Both(english, t(N_("{what} (at end of document)"), "zh", what=said))
    return Both(
        english, t(N_("{what} (at line {line}, column {column})"), "zh", what=said, line=m["line"], column=m["column"])
    )


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
        problems.append(Problem(str(root), 0, "", "", lazy("no .toml files")))
    for path in files:
        file_items, file_problems = read_file(path, root, syllabus)
        problems.extend(file_problems)
        for item in file_items:
            if item.id in seen:
                first = seen[item.id]
                problems.append(
                    Problem(
                        item.file,
                        item.line,
                        item.id,
                        "id",
                        lazy("duplicate id (first defined at {place})", place=first.where),
                    )
                )
                continue
            seen[item.id] = item
            items.append(item)
    return items, problems


def format_problems(problems: Iterable[Problem]) -> str:
    """The problems one a line, in the reader's language when shown (a `Lazy` message: English now)."""
    shown = list(problems)
    return both(lambda lang: "\n".join(p.text(lang) for p in shown))
