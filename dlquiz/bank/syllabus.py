"""The syllabus: every topic id the bank covers, by chapter (a copy of shared/syllabus.md)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources


@dataclass(frozen=True)
class Topic:
    id: str
    chapter: int
    kinds: tuple[str, ...]  # syllabus letters: C, F, N, D
    title: str


@dataclass(frozen=True)
class Chapter:
    number: int
    title: str


@dataclass(frozen=True)
class Syllabus:
    chapters: tuple[Chapter, ...]
    topics: tuple[Topic, ...]

    def topic(self, topic_id: str) -> Topic | None:
        return self._by_id().get(topic_id)

    def _by_id(self) -> dict[str, Topic]:
        return {t.id: t for t in self.topics}

    def chapter_title(self, number: int) -> str:
        return next((c.title for c in self.chapters if c.number == number), str(number))


@lru_cache(maxsize=1)
def load_syllabus() -> Syllabus:
    """The syllabus shipped with the package."""
    text = resources.files("dlquiz.bank").joinpath("syllabus.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    return Syllabus(
        chapters=tuple(Chapter(c["number"], c["title"]) for c in data["chapter"]),
        topics=tuple(
            Topic(t["id"], t["chapter"], tuple(t["kinds"]), t["title"]) for t in data["topic"]
        ),
    )
