"""Pieces of the bank's problem messages made in both languages where they are found: a library's words
(tomllib's, Python's) in English with our own in Chinese, a list joined the way each language joins one,
the type of a TOML value. The field validation (`dlquiz.bank.fields`), the citations (`dlquiz.bank.sources`)
and the checks all use them, so they live apart from each of those.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from dlquiz.i18n import N_, Lazy, listing, t


class Both(Lazy):
    """A message made in both languages where it is found. Like a `lazy` message its value is the English
    (``str(both)``) and `text(lang)` gives it in `lang`; it crosses a worker process whole."""

    zh: str

    def __new__(cls, en: str, zh: str) -> Both:
        obj = cast(Both, super().__new__(cls, en, {}))
        obj.zh = zh
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Both, (str(self), self.zh))

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else str(self)


def both(render: Callable[[str], str]) -> Both:
    """`render(lang)` made in English and in Chinese."""
    return Both(render("en"), render("zh"))


def listed(parts: Sequence[str], kind: str = "items") -> Both:
    """`parts` listed as each language lists them: "a, b" and "a、b" (see `dlquiz.i18n.listing`)."""
    return both(lambda lang: listing(list(parts), lang, kind))


# the names Python gives the types of TOML values (as in "got str"), and the messages that say them in Chinese
_TYPE_NAMES = {
    "str": N_("str"),
    "int": N_("int"),
    "float": N_("float"),
    "bool": N_("bool"),
    "list": N_("list"),
    "dict": N_("dict"),
    "datetime": N_("datetime"),
    "date": N_("date"),
    "time": N_("time of day"),  # "time" alone is the catalog's time taken
}


def type_name(value: Any) -> str:
    """The type of a TOML value as Python names it (English) and in our words (Chinese)."""
    name = type(value).__name__
    return Both(name, t(_TYPE_NAMES[name], "zh")) if name in _TYPE_NAMES else name
