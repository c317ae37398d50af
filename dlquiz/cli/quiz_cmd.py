"""`dlquiz quiz`: drill questions by topic and kind."""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dlquiz.cli.common import (
    EXIT_INTERRUPTED,
    bank_option,
    default_lang,
    handle_errors,
    home_option,
    lang_option,
)
from dlquiz.i18n import N_, t

if TYPE_CHECKING:
    from dlquiz.bank import Bank, Item


def open_recorder(home: Path | None, save: bool, item_times: dict[str, int]):  # type: ignore[no-untyped-def]
    """The progress store (answers are committed as given), or None when not saving."""
    if not save:
        return None
    from dlquiz.progress import open_store

    return open_store(home, item_times=item_times)


def _named_items(
    bank: Bank, item_ids: tuple[str, ...], topics: tuple[str, ...], kinds: tuple[str, ...], lang: str = "en"
) -> list[Item]:
    """The items named by --id, in the order given (an unknown id is a usage error)."""

    from dlquiz.errors import UsageError

    if topics or kinds:
        raise UsageError(t("--id names the items itself: give no --topic or --kind with it", lang))
    items: list[Item] = []
    for item_id in item_ids:
        item = bank.get(item_id)
        if item is None:
            close = bank.close_ids(item_id)
            hint = (
                t("; did you mean: {ids}", lang, ids=", ".join(close))
                if close
                else t(" (`dlquiz show ID` shows one item)", lang)
            )
            raise UsageError(t("--id {id}: no such item{hint}", lang, id=repr(item_id), hint=hint))
        if item not in items:
            items.append(item)
    return items


@click.command(
    help=N_(
        "Answer questions in the terminal, with feedback after each one.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz quiz                              10 questions from the whole course\n"
        "  dlquiz quiz --topic act. --n 5           activation functions\n"
        "  dlquiz quiz --topic conv --kind numeric  convolution arithmetic\n"
        "  dlquiz quiz --kind formula --lang zh     formulas, in Chinese\n"
        "  dlquiz quiz --id act.sigmoid.range --id loss.ce.fixed   exactly these items\n"
        "  dlquiz quiz --wrong                      drill what you last got wrong\n"
        "  dlquiz quiz --due --topic conv.          what is due today, convolution only\n"
        "  printf 'b\\nt\\n' | dlquiz quiz --n 2 --seed 1   scripted (no terminal)\n"
        "\b\n"
        "Answer with a letter (ac for several), t/f, a number (3/4 works), a formula\n"
        "(s*(1-s) or \\sigma(x)(1-\\sigma(x))), or letters in order. ? shows a hint,\n"
        "s skips, Ctrl-C ends with the score so far."
    )
)
@click.option(
    "--topic",
    "-t",
    "topics",
    multiple=True,
    metavar="ID",
    help=N_("Topic id or prefix (repeatable): act.sigmoid, act., conv."),
)
@click.option(
    "--kind",
    "-k",
    "kinds",
    multiple=True,
    metavar="KIND",
    help=N_(
        "single, multi, truefalse, short, ordering, numeric, formula, derivation, explain, "
        "or a syllabus letter C/F/N/D/E (repeatable)."
    ),
)
@click.option(
    "--n",
    "-n",
    "count",
    type=int,
    default=None,
    help=N_("Number of questions (default 10; with --id, every item named)."),
)
@click.option(
    "--id",
    "item_ids",
    multiple=True,
    metavar="ID",
    help=N_("Quiz exactly this item (repeatable; asked in the order given)."),
)
@click.option("--wrong", is_flag=True, help=N_("The items you most recently missed (latest answer wrong)."))
@click.option("--due", is_flag=True, help=N_("The items spaced repetition says are due today."))
@click.option(
    "--seed", type=int, default=None, help=N_("Same seed, same questions in the same order (and the same numbers).")
)
@click.option("--no-save", is_flag=True, help=N_("Do not record answers in the progress store."))
@lang_option
@bank_option
@home_option
@handle_errors
def quiz(
    topics: tuple[str, ...],
    kinds: tuple[str, ...],
    count: int | None,
    item_ids: tuple[str, ...],
    wrong: bool,
    due: bool,
    seed: int | None,
    no_save: bool,
    lang: str | None,
    bank_dir: Path | None,
    home: Path | None,
) -> None:
    from dlquiz.symbolic.worker import prestart

    prestart()  # the checking process loads the engine while this command reads its input
    from dlquiz.bank import load_bank
    from dlquiz.quiz import make_reader, pick_items, run_session, summary_table
    from dlquiz.render import console as make_console

    lang = lang or default_lang()
    bank = load_bank(bank_dir)
    seed = seed if seed is not None else random.randrange(10**6)
    if wrong or due:
        from dlquiz.cli.progress_common import make_clock
        from dlquiz.progress.drill import drill_items

        if item_ids:
            raise click.UsageError(t("--id names the items itself: give no --wrong or --due with it", lang))
        items = drill_items(
            bank.select(topics=topics, kinds=kinds),
            home,
            wrong=wrong,
            due=due,
            n=10 if count is None else count,
            now=make_clock(os.environ.get("DLQUIZ_NOW"))(),
            lang=lang,
        )
    elif item_ids:
        items = _named_items(bank, item_ids, topics, kinds, lang)
        if count is not None:
            items = items[: max(count, 1)]
    else:
        items = pick_items(bank.select(topics=topics, kinds=kinds), n=10 if count is None else count, seed=seed)
    if count is not None and 0 < len(items) < count:  # say so, on stderr (the quiz goes on)
        from dlquiz.render import error_console

        error_console().print(
            t("Only 1 item matches: 1 question, not {n}.", lang, n=count)
            if len(items) == 1
            else t("Only {have} items match: {have} questions, not {n}.", lang, have=len(items), n=count),
            style="yellow",
            soft_wrap=True,
            markup=False,
        )
    store = open_recorder(home, not no_save, {i.id: i.time for i in bank.items})
    out = make_console()
    try:
        result = run_session(
            items,
            lang=lang,
            seed=seed,
            console=out,
            read_line=make_reader(out),
            recorder=store.record if store is not None else None,
            title=t("Quiz · {n} · seed {seed}", lang, n=len(items), seed=seed),
        )
    finally:
        if store is not None:
            store.close()
    out.print()
    if result.events:
        out.print(summary_table(result, lang))
        right, total = result.score
        out.print(f"{right}/{total}")
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
