"""`dlquiz search TEXT`: find items by id, topic, tags and text, in English and Chinese."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dlquiz.cli.common import bank_option, default_lang, handle_errors, home_option, lang_option
from dlquiz.i18n import N_, t

if TYPE_CHECKING:
    from dlquiz.bank.model import Item

# where a term is found, and what that is worth
FIELD_SCORES = (("id", 4.0), ("topic", 3.0), ("tags", 3.0), ("prompt", 2.0), ("choices", 1.0), ("explanation", 0.5))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def _fields(item: Item) -> dict[str, str]:
    return {
        "id": item.id,
        "topic": item.topic,
        "tags": " ".join(item.tags),
        "prompt": f"{item.prompt.en}\n{item.prompt.zh}",
        "choices": "\n".join(f"{c.en}\n{c.zh}" for c in item.choices),
        "explanation": f"{item.explanation.en}\n{item.explanation.zh}",
    }


@dataclass(frozen=True)
class Hit:
    item: Item
    score: float
    where: tuple[str, ...]  # the fields that matched


def search_items(items: Sequence[Item], text: str) -> list[Hit]:
    """Items in which every word of `text` occurs (in either language; case and full-width
    forms ignored), best first: a word in the id counts most, then topic and tags, the prompt,
    the choices, the explanation."""
    terms = [_norm(t) for t in text.split() if t.strip()]
    if not terms:
        return []
    hits: list[Hit] = []
    for item in items:
        fields = {k: _norm(v) for k, v in _fields(item).items()}
        score = 0.0
        where: list[str] = []
        for term in terms:
            found = [(name, weight) for name, weight in FIELD_SCORES if term in fields[name]]
            if not found:
                break
            score += max(w for _, w in found)
            where += [name for name, _ in found if name not in where]
        else:
            hits.append(Hit(item, score, tuple(where)))
    hits.sort(key=lambda h: (-h.score, h.item.id))
    return hits


def shown_prompt(item: Item, lang: str) -> str:
    """The question as `dlquiz show` gives it: a parametric item with its seed-0 numbers (its
    placeholders as ⟨name⟩ if the numbers cannot be drawn), never a raw `{x}`."""
    if not item.generator:
        return item.prompt(lang)
    from dlquiz.errors import DlquizError
    from dlquiz.quiz.session import prepare

    try:
        return prepare(item, number=1, seed=0).prompt_text(lang)
    except (DlquizError, ArithmeticError, ValueError):
        import re

        return re.sub(r"\{(\w+)(?:[:!][^{}]*)?\}", "⟨\\1⟩", item.prompt(lang))


def _snippet(text: str, width: int = 70) -> str:
    """The question on one line, at most `width` terminal cells (not characters: Chinese takes two each)."""
    from dlquiz.render import crop

    return crop(text, width)


@click.command(
    help=N_(
        "Find items by id, topic, tags and the text of the question, in English or Chinese.\n"
        "\n"
        "\b\n"
        "Every word must occur (case ignored); the hits come best first, with the\n"
        "command that quizzes them, or --quiz to start at once. Exit status 1 when\n"
        "nothing matches.\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz search sigmoid derivative\n"
        "  dlquiz search \u5377\u79ef --lang zh\n"
        "  dlquiz search dropout --quiz\n"
        "  dlquiz search relu --json | jq '.[].id'"
    )
)
@click.argument("text", nargs=-1, required=True)
@click.option(
    "--n",
    "-n",
    "count",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help=N_("Show at most this many hits."),
)
@click.option("--quiz", "start_quiz", is_flag=True, help=N_("Quiz the hits shown, in order."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print machine-readable JSON."))
@lang_option
@bank_option
@home_option
@handle_errors
@click.pass_context
def search(
    ctx: click.Context,
    text: tuple[str, ...],
    count: int,
    start_quiz: bool,
    as_json: bool,
    lang: str | None,
    bank_dir: Path | None,
    home: Path | None,
) -> None:
    import sys

    from dlquiz.bank import load_bank
    from dlquiz.render import console as make_console

    lang = lang or default_lang()
    zh = lang == "zh"
    query = " ".join(text)
    bank = load_bank(bank_dir)
    hits = search_items(bank.items, query)
    shown = hits[:count]
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "id": h.item.id,
                        "topic": h.item.topic,
                        "kind": h.item.kind,
                        "score": h.score,
                        "matched": list(h.where),
                        "prompt": shown_prompt(h.item, lang),
                    }
                    for h in shown
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        if not hits:
            sys.exit(1)
        return
    out = make_console()
    if not hits:
        out.print(t("No item matches {query}.", lang, query=query if zh else repr(query)))
        sys.exit(1)
    if start_quiz:
        from dlquiz.cli.quiz_cmd import quiz

        ctx.invoke(quiz, item_ids=tuple(h.item.id for h in shown), lang=lang, bank_dir=bank_dir, home=home)
        return
    from rich.table import Table

    from dlquiz.quiz.session import kind_name

    shown_query = query if zh else repr(query)
    title = (
        t("{query}: 1 hit", lang, query=shown_query)
        if len(hits) == 1
        else t("{query}: {n} hits", lang, query=shown_query, n=len(hits))
    )
    if len(hits) > len(shown):
        title += t(" (first {n} shown)", lang, n=len(shown))
    table = Table(title=title, title_justify="left", show_edge=False)
    for name in (N_("id"), N_("kind"), N_("question")):
        table.add_column(t(name, lang), overflow="fold")
    for h in shown:
        table.add_row(h.item.id, kind_name(h.item.kind, lang), _snippet(shown_prompt(h.item, lang)))
    out.print(table)
    ids = " ".join(f"--id {h.item.id}" for h in shown)
    out.print(t("Quiz them: ", lang) + f"dlquiz quiz {ids}", soft_wrap=True)
