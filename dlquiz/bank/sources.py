"""Where an item's facts come from: the course notes by file name, or a book or course section.

Part 1 of the syllabus cites a note file (`004_96e5ea7d078c6618`); part 2 cites a section of a
textbook or course (`book:nndl §7.7`, `book:d2l §8.7`, `course:dlai C2W1`). Students see a
readable title, never the bare file name.
"""

from __future__ import annotations

import re

from dlquiz.bank.bilingual import both, listed
from dlquiz.bank.model import SOURCES
from dlquiz.i18n import N_, lazy, listing, t

# titles are catalog messages: the English here, the Chinese in dlquiz/i18n/zh-bank.toml
NOTES: dict[str, str] = {
    "000_ffe98cf169f07fd8": N_("review notes on Qiu's textbook, ch. 1–6"),
    "001_5341a1bc78b11cf8": N_("notes on Dive into Deep Learning (d2l)"),
    "002_84c513d9e61824c6": N_("Q&A articles on deep vs. shallow learning"),
    "003_af4b22134ec6ff82": N_("notes on Lee Hung-yi's ML course"),
    "004_96e5ea7d078c6618": N_("summary of Andrew Ng's Deep Learning specialisation"),
}
assert set(NOTES) == set(SOURCES)

BOOKS: dict[str, str] = {
    "nndl": N_("Qiu Xipeng, Neural Networks and Deep Learning"),
    "d2l": N_("Zhang et al., Dive into Deep Learning"),
    "dlbook": N_("Goodfellow, Bengio, Courville, Deep Learning"),
}
COURSES: dict[str, str] = {
    "dlai": N_("Andrew Ng, Deep Learning Specialization"),
    "cs231n": N_("Stanford CS231n"),
}

# `book:nndl §7.7`, `book:d2l §8.7`, `course:dlai C2W1`
_CITATION = re.compile(r"(?P<type>book|course):(?P<work>[a-z0-9]+)\s+(?P<section>\S.*)")


def source_problem(source: object) -> str:
    """Why `source` is not a valid citation, a `lazy` message ("" when it is valid)."""
    if isinstance(source, str) and source in NOTES:
        return ""
    if isinstance(source, str):
        m = _CITATION.fullmatch(source.strip())
        if m:
            table = BOOKS if m["type"] == "book" else COURSES
            if m["work"] in table:
                return ""
            return lazy(
                "unknown {type} {work} (expected one of: {works})",
                type=m["type"],
                work=repr(m["work"]),
                works=listed(sorted(table)),
            )
    books = [f"book:{k} §N.N" for k in sorted(BOOKS)]
    return lazy(
        "unknown source {source} (expected a note file: {notes}; or {books}; or {courses})",
        source=repr(source),
        notes=listed(SOURCES, "values"),
        books=listed(books, "values"),
        courses=both(
            lambda lang: listing([f"course:{k} {t(_SECTION, lang)}" for k in sorted(COURSES)], lang, "values")
        ),
    )


# what follows a course's name in a citation
_SECTION = N_("SECTION")


def source_title(source: str, lang: str = "en") -> str:
    """A readable title of a citation: the note's subject, or the book/course and its section."""
    note = NOTES.get(source)
    if note is not None:
        return t(note, lang)
    m = _CITATION.fullmatch(source.strip())
    if m is None:
        return source
    work = (BOOKS if m["type"] == "book" else COURSES).get(m["work"])
    if work is None:
        return source
    return f"{t(work, lang)} {m['section']}"


def beyond_the_notes(source: str) -> bool:
    """Whether the item follows a book or course rather than the notes (syllabus part 2)."""
    return source not in NOTES
