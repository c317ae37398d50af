"""Explain-why answers: the student grades their own words against the key points (`parse_points`,
`grade_points`), which gives the spaced-repetition rating."""

from __future__ import annotations

import re
import unicodedata

from dlquiz.bank.model import Item
from dlquiz.i18n import Text, lazy, t
from dlquiz.quiz.outcome import Grade, Status
from dlquiz.quiz.words import ALL_WORDS, NONE_WORDS


def parse_points(text: str, n_points: int) -> list[int] | str:
    """Key points a student says they made: `1 3`, `1,3`, `all`, `none` (1-based); a string is an
    error message."""
    s = unicodedata.normalize("NFKC", text).strip().lower()
    if s in ALL_WORDS:
        return list(range(1, n_points + 1))
    if s in NONE_WORDS:
        return []
    parts = [p for p in re.split(r"[\s,;、，]+", s) if p]
    if not parts or not all(p.isdigit() for p in parts):
        return lazy("type the numbers of the points you made (1 to {n}), all or none", n=n_points)
    points = sorted({int(p) for p in parts})
    bad = [p for p in points if not 1 <= p <= n_points]
    if bad:
        return lazy("there is no point {point}: type numbers from 1 to {n}, all or none", point=bad[0], n=n_points)
    return points


def rating_for_points(made: int, total: int) -> int:
    """The spaced-repetition rating of a self-graded answer: 1 Again (under half the points),
    2 Hard (half or more), 3 Good (all)."""
    if total and made >= total:
        return 3
    if total and 2 * made >= total:
        return 2
    return 1


def grade_points(item: Item, points: list[int]) -> Grade:
    """The verdict of a self-graded explain item: correct with half the key points or more."""
    rating = rating_for_points(len(points), len(item.rubric))

    def made_in(lang: str) -> str:
        listed = t(", ", lang).join(map(str, points)) or t("none", lang)
        return t("Points made: {points} of {total}", lang, points=listed, total=len(item.rubric))

    made = Text(made_in("en"), made_in("zh"))
    return Grade(Status.CORRECT if rating >= 2 else Status.WRONG, notes=(made,), self_rating=rating)


def _grade_explain(item: Item, response: str) -> Grade:
    """An explain item is graded by the student against the rubric (`grade_points`)."""
    return Grade(Status.UNDECIDED, lazy("write your answer in words, then rate it against the key points"))


# ----------------------------------------------------------------------------- multi-part numeric items
