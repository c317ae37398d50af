"""One way to speak Chinese: every user-facing message goes through `t`.

Code words its messages in English and calls ``t("Nothing to review today.", lang)``;
``{name}`` placeholders are filled from keyword arguments: ``t("{n} items in {root}", lang, n=3, root=p)``.
With ``lang == "zh"`` the message is looked up in the one Chinese catalog, ``dlquiz/i18n/zh.toml`` and its
area files ``zh-*.toml`` (English msgid = Chinese text); other languages get the English. Which language a
command speaks is decided in one place, ``dlquiz.cli.common.default_lang`` (``--lang`` overrides it).

Messages kept in tables (rating names, column headings) are marked with ``N_("...")`` where they are
written and translated with ``t(value, lang)`` where they are shown. Library code that does not know the
language raises its errors with ``lazy("{path}: cannot ...", path=p)``; the CLI shows them translated.

``tests/test_i18n.py`` extracts every literal passed to ``t``/``N_``/``lazy`` across ``dlquiz/`` and fails
on one without a Chinese form, and on catalog entries that no code uses.

How to add a message: write ``t("English text with {field}", lang, field=value)`` in the code, add
``"English text with {field}" = "中文 {field}"`` to ``zh.toml`` (same placeholders), run the test.

Each area keeps its messages together in its own catalog file (``zh-reader.toml`` for the formula reader,
``zh-worked*.toml`` for worked examples, ``zh-cli.toml`` for help texts, ...); a message has one entry over all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

LANGS = ("en", "zh")


@dataclass(frozen=True)
class Text:
    """A text in both languages (bank content, derivation titles): data, not a catalog message."""

    en: str
    zh: str

    def __call__(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


def catalog_files() -> list[tuple[str, dict[str, str]]]:
    """(file name, entries) of each part of the Chinese catalog: ``zh.toml`` and one ``zh-AREA.toml`` per area
    (the formula reader, the worked examples, help texts), so that each area's messages sit together."""
    import tomllib
    from importlib.resources import files

    here = files(__package__)
    names = ["zh.toml"] + sorted(
        p.name for p in here.iterdir() if p.name.startswith("zh-") and p.name.endswith(".toml")
    )
    return [
        (name, {str(k): str(v) for k, v in tomllib.loads(here.joinpath(name).read_text(encoding="utf-8")).items()})
        for name in names
    ]


@cache
def catalog() -> Mapping[str, str]:
    """The Chinese catalog: English msgid -> Chinese text, over all its files (a msgid has one entry)."""
    out: dict[str, str] = {}
    for _, entries in catalog_files():
        out.update(entries)
    return out


def chinese(message: str) -> str | None:
    """The Chinese form of `message`, or None when the catalog has none."""
    return catalog().get(message)


def t(message: str, lang: str, /, **fields: Any) -> str:
    """`message` in `lang` ("zh" or "en"), with its ``{name}`` placeholders filled from `fields`.

    A message the catalog lacks comes out in English (the catalog test keeps that from happening)."""
    text = (chinese(message) or message) if lang == "zh" else message
    if not fields:
        return text
    return text.format(**{k: v.text(lang) if isinstance(v, Lazy) else v for k, v in fields.items()})


def N_(message: str) -> str:  # noqa: N802 - the gettext name for "mark for translation, translate later"
    """Mark `message` for the catalog where it is written (a table); `t(value, lang)` translates it later."""
    return message


class Lazy(str):
    """A message that is English now and in the reader's language later: library code, which does not know
    the language, raises its errors with one (it is the English string, so ``str(exc)`` is unchanged);
    the CLI shows ``localized(exc, lang)``."""

    msgid: str
    fields: dict[str, Any]

    def __new__(cls, msgid: str, fields: dict[str, Any]) -> Lazy:
        obj = super().__new__(cls, msgid.format(**fields) if fields else msgid)
        obj.msgid, obj.fields = msgid, fields
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        # pickled as the message and its fields (a check's result crosses from its worker process)
        return (type(self), (self.msgid, self.fields))

    def text(self, lang: str) -> str:
        """The message in `lang`; a field that is itself a `Lazy` message is translated too."""
        return t(self.msgid, lang, **{k: v.text(lang) if isinstance(v, Lazy) else v for k, v in self.fields.items()})


def lazy(message: str, /, **fields: Any) -> Lazy:
    """`message` with its fields, to be translated when it is shown (see `Lazy`)."""
    return Lazy(message, fields)


def in_lang(message: str, lang: str) -> str:
    """`message` in `lang` where it was made with `lazy`, else as it is."""
    return message.text(lang) if isinstance(message, Lazy) else message


def message_of(exc: BaseException) -> str:
    """The message of `exc` as it was made: a `lazy` message stays one (its English is ``str(exc)``), so it can
    still be translated where it is shown; any other message is ``str(exc)``."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return first if isinstance(first, Lazy) else str(exc)


def localized(exc: BaseException, lang: str) -> str:
    """The message of `exc` in `lang` where it was made with `lazy`, else as it is."""
    return in_lang(message_of(exc), lang)


def spaced(label: str) -> str:
    """`label` (a word or a sentence) ready to be followed by its text: "Rule: " in English; after full-width
    punctuation ("规则：", "请重试。") no space, it is built in."""
    return label if label.endswith(("：", "；", "。", "？", "！")) else label + " "


_LIST_SEPARATORS = {"items": (", ", "、"), "values": (", ", "，"), "clauses": ("; ", "；"), "sentences": (" ", "")}


def listing(parts: Sequence[str], lang: str, kind: str = "items") -> str:
    """`parts` joined as a list in `lang`: "a, b" (Chinese 、 for items, ， for values such as "x = 1"),
    for clauses "a; b" (Chinese ；), for sentences "A. B." (Chinese sentences follow each other without a space)."""
    en, zh = _LIST_SEPARATORS[kind]
    return (zh if lang == "zh" else en).join(parts)


def translate(message: str, table: Sequence[tuple[str, str]]) -> str:
    """The first `(pattern, replacement)` of `table` that matches the whole message, applied;
    "" when none matches. (For messages whose wording comes from a library, not from our code.)"""
    for pattern, replacement in table:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return ""
