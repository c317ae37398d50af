"""Choice, ordering and short answers: the letters typed for choices, and words compared
after normalising (variants, plurals, articles), with a near miss by spelling sent back."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from dlquiz.bank.load import LETTERS
from dlquiz.bank.model import Item
from dlquiz.i18n import lazy, t
from dlquiz.quiz.outcome import Grade, Status, _mistake
from dlquiz.quiz.words import VARIANT_PAIRS


def _letters(text: str, n_choices: int) -> list[str] | str:
    """Letters typed for choices (`ac`, `a c`, `A,C`); a string is an error message."""
    cleaned = re.sub(r"[\s,;/、，→>-]+", "", unicodedata.normalize("NFKC", text).lower())
    valid = LETTERS[:n_choices]
    if not cleaned:
        return lazy("type the letter of a choice")
    bad = [c for c in cleaned if c not in valid]
    if bad:
        return lazy(
            "{letter} is not a choice; type letters from {first} to {last}",
            letter=repr(bad[0]),
            first=valid[0],
            last=valid[-1],
        )
    return list(cleaned)


# ----------------------------------------------------------------------------- short answers

_VARIANTS = str.maketrans(dict(zip(VARIANT_PAIRS[0::2], VARIANT_PAIRS[1::2], strict=True)))
_ARTICLES = {"a", "an", "the"}
_CJK = re.compile(r"[\u3400-\u9fff]")


def _words(text: str) -> list[str]:
    s = unicodedata.normalize("NFKC", text).lower().translate(_VARIANTS)
    s = "".join(c if unicodedata.category(c)[0] in "LN" else " " for c in s)
    return [w for w in s.split() if w not in _ARTICLES]


def _singular(word: str) -> set[str]:
    """A word and its possible singulars (accepting a singular where the key has a plural)."""
    out = {word}
    if len(word) > 3 and not _CJK.search(word):
        if word.endswith("ies"):
            out.add(word[:-3] + "y")
        if word.endswith("es"):
            out.add(word[:-2])
        if word.endswith("s") and not word.endswith("ss"):
            out.add(word[:-1])
    return out


def normalize_text(text: str) -> str:
    """Lower case, full-width folded, variant characters unified, without articles, spaces,
    hyphens and punctuation (for short answers)."""
    return "".join(_words(text))


def _short_forms(text: str) -> set[str]:
    """Every normal form a short answer may take: the text and the singular of each word."""
    words = _words(text)
    if not words:
        return set()
    forms = {"".join(words)}
    for n, word in enumerate(words):
        for single in _singular(word):
            forms.add("".join([*words[:n], single, *words[n + 1 :]]))
    return forms


def _edit_distance(a: str, b: str) -> int:
    """Levenshtein distance with adjacent transpositions (a typo is one edit)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def _near_miss(given: str, accepted: set[str]) -> bool:
    """A Latin-letter answer one typo (two for long words) away from an accepted form."""
    if _CJK.search(given) or len(given) < 5:
        return False
    allowed = 1 if len(given) < 9 else 2
    return any(
        not _CJK.search(a) and abs(len(a) - len(given)) <= allowed and _edit_distance(given, a) <= allowed
        for a in accepted
    )


def _grade_short(item: Item, response: str, key: Any) -> Grade:
    given = _short_forms(response)
    if not given:
        return Grade(Status.INVALID, lazy("type a word or phrase"))
    accepted = set().union(*(_short_forms(a) for a in key))
    exact = normalize_text(response)
    mistake = _mistake(item, lambda m: normalize_text(str(m)) == exact)
    if mistake is None and given & accepted:
        return Grade(Status.CORRECT)
    if mistake is None and _near_miss(exact, accepted):
        return Grade(
            Status.SENT_BACK,
            lazy("check the spelling: {answer} is close to an accepted answer", answer=repr(response.strip())),
        )
    return Grade(Status.WRONG, mistake=mistake)


def _grade_choices(item: Item, response: str, key: Any) -> Grade:
    letters = _letters(response, len(item.choices))
    if isinstance(letters, str):
        return Grade(Status.INVALID, letters)
    if item.kind == "single":
        if len(letters) != 1:
            return Grade(Status.INVALID, lazy("pick one letter"))
        if letters[0] == key:
            return Grade(Status.CORRECT)
        return Grade(Status.WRONG, mistake=_mistake(item, lambda m: m == letters[0]))
    if item.kind == "multi":
        chosen = tuple(sorted(set(letters)))
        if chosen == tuple(key):
            return Grade(Status.CORRECT)
        missing = sorted(set(key) - set(chosen))
        extra = sorted(set(chosen) - set(key))
        return Grade(
            Status.WRONG,
            choices_missed(missing, extra, "en"),
            message_zh=choices_missed(missing, extra, "zh"),
            mistake=_mistake(item, lambda m: tuple(sorted(m)) == chosen),
        )
    # ordering: any defensible order passes, and the student learns which convention it follows
    if sorted(letters) != sorted(key):
        return Grade(
            Status.INVALID, lazy("give every letter exactly once, e.g. {example}", example="".join(sorted(key)))
        )
    orders = [(o.answer, o.note) for o in item.orders] or [(tuple(key), None)]
    for order, note in orders:
        if tuple(letters) == tuple(order):
            return Grade(Status.CORRECT, notes=(note,) if note is not None and len(orders) > 1 else ())
    return Grade(Status.WRONG, mistake=_mistake(item, lambda m: tuple(m) == tuple(letters)))


def choices_missed(missing: list[str], extra: list[str], lang: str) -> str:
    """What a wrong multiple-choice answer left out and chose too many ("missing b; not c")."""
    parts = [
        t("missing {letters}", lang, letters=", ".join(missing)) if missing else "",
        t("not {letters}", lang, letters=", ".join(extra)) if extra else "",
    ]
    return t("; ", lang).join(p for p in parts if p)
