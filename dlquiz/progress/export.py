"""Exports of the bank: an Anki deck (.apkg, via genanki) and a printable Markdown set."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from dlquiz.bank.load import LETTERS
from dlquiz.errors import DlquizError, UsageError
from dlquiz.i18n import N_, Text, t
from dlquiz.i18n.oserrors import os_reason

if TYPE_CHECKING:
    from dlquiz.bank.model import Item
    from dlquiz.quiz.session import Question

ExportLang = Literal["en", "zh", "both"]

# stable ids: re-importing an updated export updates the same deck and note type in Anki
MODEL_ID = 1_735_201_801
DECK_IDS: dict[str, int] = {"en": 1_735_201_811, "zh": 1_735_201_812, "both": 1_735_201_813}
DECK_NAMES: dict[str, str] = {
    "en": "dlquiz::Neural networks and deep learning",
    "zh": t("dlquiz::Neural networks and deep learning", "zh"),
    "both": "dlquiz::Neural networks and deep learning (en + " + t("Chinese", "zh") + ")",
}
CSS = """.card { font-family: sans-serif; font-size: 18px; text-align: left; }
.choices { margin-top: .5em; } .meta { color: #888; font-size: 13px; }
pre { white-space: pre-wrap; } .zh { margin-top: .8em; }"""


def _langs(lang: ExportLang) -> tuple[str, ...]:
    if lang not in DECK_IDS:
        raise UsageError(f"--lang must be en, zh or both, got {lang!r}")
    return ("en", "zh") if lang == "both" else (lang,)


def question_for(item: Item) -> Question:
    """The item as one fixed showing (a parametric item with the numbers of seed 0)."""
    from dlquiz.quiz.session import prepare

    return prepare(item, number=1, seed=0)


def formula_latex(text: str) -> str | None:
    """LaTeX of a formula key through the symbolic engine, or None when it cannot be read."""
    from dlquiz.symbolic import formula_latex as latex_of

    result: str | None = latex_of(text)
    return result


def _html(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def _answer_html(question: Question, lang: str, latex: bool) -> str:
    item = question.item
    key = question.key_text(lang)
    if item.kind == "formula":
        tex = formula_latex(str(item.answer)) if latex else None
        if tex is not None:
            return f"\\({html.escape(tex)}\\)<br><span class=meta>{html.escape(key)}</span>"
        return f"<code>{html.escape(key)}</code>"
    if item.kind == "derivation":
        return f"<pre>{html.escape(key)}</pre>"
    return _html(key)


def _front(question: Question, lang: str) -> str:
    item = question.item
    parts = [_html(question.prompt_text(lang))]
    if item.choices:
        choices = "".join(
            f"<div>{letter}) {_html(c(lang))}</div>" for letter, c in zip(LETTERS, item.choices, strict=False)
        )
        parts.append(f"<div class=choices>{choices}</div>")
    if item.kind == "derivation" and item.given:
        parts.append("<pre>" + html.escape("\n".join(item.given)) + "</pre>")
    return "".join(parts)


def _back(question: Question, lang: str, latex: bool) -> str:
    return f"<b>{_answer_html(question, lang, latex)}</b><br><br>{_html(question.explanation_text(lang))}"


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    path: Path
    notes: int
    lang: str


def export_anki(items: Sequence[Item], path: Path, *, lang: ExportLang = "en", latex: bool = True) -> ExportResult:
    """Write `items` as an Anki package: one note per item, front = question, back = answer.

    Raises:
        UsageError: no items or a bad language.
        DlquizError: the file cannot be written.
    """
    import genanki

    langs = _langs(lang)
    if not items:
        raise UsageError(t("no item to export (check --topic)", langs[0]))
    model = genanki.Model(
        MODEL_ID,
        "dlquiz item",
        fields=[{"name": "Front"}, {"name": "Back"}, {"name": "Item"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}<div class=meta>{{Item}}</div>",
            }
        ],
        css=CSS,
    )
    deck = genanki.Deck(DECK_IDS[lang], DECK_NAMES[lang])
    for item in items:
        question = question_for(item)
        fronts = [f"<div class={x}>{_front(question, x)}</div>" for x in langs]
        backs = [f"<div class={x}>{_back(question, x, latex)}</div>" for x in langs]
        deck.add_note(
            genanki.Note(
                model=model,
                fields=["".join(fronts), "<hr>".join(backs), html.escape(f"{item.id} · {item.topic}")],
                guid=genanki.guid_for("dlquiz", item.id, lang),
                tags=[item.topic, item.kind, f"chapter{item.chapter}"],
            )
        )
    try:  # a missing folder is not made (a typo would scatter folders): the write fails and says so
        genanki.Package(deck).write_to_file(str(path))
    except OSError as exc:
        raise DlquizError(
            t("{path}: cannot write the Anki package ({reason})", langs[0], path=path, reason=os_reason(exc))
        ) from exc
    return ExportResult(path, len(items), lang)


def export_markdown(
    items: Sequence[Item], *, lang: ExportLang = "en", chapter_titles: Mapping[int, str | Text] | None = None
) -> str:
    """A printable question set: the questions by chapter, then every answer with its reason.
    With both languages, each heading is given in both (English · 中文)."""
    langs = _langs(lang)
    if not items:
        raise UsageError(t("no item to export (check --topic)", langs[0]))

    def heading(message: str, **fields: object) -> str:
        return " · ".join(t(message, x, **fields) for x in langs)

    def chapter_heading(chapter: int) -> str:
        name = (chapter_titles or {}).get(chapter)
        if name is None:
            return heading(N_("Chapter {n}"), n=chapter)
        return " · ".join(
            t("Chapter {n}. {name}", x, n=chapter, name=name(x) if callable(name) else name) for x in langs
        )

    title = heading(N_("Neural networks and deep learning: practice set"))
    out = [f"# {title}", ""]
    questions = [question_for(i) for i in items]
    chapter = None
    for n, q in enumerate(questions, 1):
        if q.item.chapter != chapter:
            chapter = q.item.chapter
            out += [f"## {chapter_heading(chapter)}", ""]
        out.append(f"**{n}.** `{q.item.id}`")
        out.append("")
        for x in langs:
            out.append(q.prompt_text(x))
            out.append("")
            for letter, c in zip(LETTERS, q.item.choices, strict=False):
                out.append(f"- {letter}) {c(x)}")
            if q.item.choices:
                out.append("")
            if q.item.kind == "derivation" and q.item.given:
                out += ["```", *q.item.given, "```", ""]
    out += ["---", "", "## " + heading(N_("Answers")), ""]
    for n, q in enumerate(questions, 1):
        for x in langs:
            key = q.key_text(x)
            if q.item.kind in ("derivation", "formula"):
                out += [f"**{n}.** " if x == langs[0] else "", "```", key, "```"]
            else:
                out.append((f"**{n}.** " if x == langs[0] else "") + key)
            out += ["", q.explanation_text(x), ""]
    return "\n".join(out).rstrip() + "\n"
