"""The syllabus: every topic id the bank covers, by chapter.

A copy of shared/syllabus.md (chapters 1-9, drawn from the notes) and shared/syllabus-beyond.md
(chapter 10, what finals ask beyond the notes, marked `beyond`). Kind letters: C concept,
F formula, N numeric, D derivation, E explain-why.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Topic:
    id: str
    chapter: int
    kinds: tuple[str, ...]  # syllabus letters: C, F, N, D, E
    title: str
    beyond: bool = False  # part 2: taught from books and courses, not from the notes


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str
    beyond: bool = False
    weight: float = 1.0  # how much the exam asks of it, relative to a typical chapter (1)
    title_zh: str = ""

    def name(self, lang: str = "en") -> str:
        """The chapter's title in `lang` (English where no Chinese title is given)."""
        return self.title_zh if lang == "zh" and self.title_zh else self.title


@dataclass(frozen=True)
class Syllabus:
    chapters: tuple[Chapter, ...]
    topics: tuple[Topic, ...]

    def topic(self, topic_id: str) -> Topic | None:
        return self._by_id().get(topic_id)

    def _by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}

    def chapter_title(self, number: int, lang: str = "en") -> str:
        return next((c.name(lang) for c in self.chapters if c.number == number), str(number))


@lru_cache(maxsize=1)
def load_syllabus() -> Syllabus:
    """The syllabus shipped with the package."""
    text = resources.files("dlquiz.bank").joinpath("syllabus.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    chapters = tuple(
        Chapter(
            c["number"],
            c["title"],
            bool(c.get("beyond", False)),
            float(c.get("weight", 1.0)),
            str(c.get("title_zh", "")),
        )
        for c in data["chapter"]
    )
    beyond = {c.number for c in chapters if c.beyond}
    return Syllabus(
        chapters=chapters,
        topics=tuple(
            Topic(t["id"], t["chapter"], tuple(t["kinds"]), t["title"], t["chapter"] in beyond) for t in data["topic"]
        ),
    )
