"""`dlquiz quiz`: drill questions by topic and kind."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import click

from dlquiz.cli.common import (
    EXIT_INTERRUPTED,
    bank_option,
    default_lang,
    handle_errors,
    home_option,
    lang_option,
)


def open_recorder(home: Path | None, save: bool, item_times: dict[str, int]):  # type: ignore[no-untyped-def]
    """The progress store (answers are committed as given), or None when not saving."""
    if not save:
        return None
    from dlquiz.progress import open_store

    return open_store(home, item_times=item_times)


@click.command()
@click.option("--topic", "-t", "topics", multiple=True, metavar="ID",
              help="Topic id or prefix (repeatable): act.sigmoid, act., conv.")
@click.option("--kind", "-k", "kinds", multiple=True, metavar="KIND",
              help="single, multi, truefalse, short, ordering, numeric, formula, derivation, "
                   "or a syllabus letter C/F/N/D (repeatable).")
@click.option("--n", "-n", "count", type=int, default=10, show_default=True,
              help="Number of questions.")
@click.option("--seed", type=int, default=None,
              help="Same seed, same questions in the same order (and the same numbers).")
@click.option("--no-save", is_flag=True, help="Do not record answers in the progress store.")
@lang_option
@bank_option
@home_option
@handle_errors
def quiz(topics: tuple[str, ...], kinds: tuple[str, ...], count: int, seed: int | None,
         no_save: bool, lang: str | None, bank_dir: Path | None, home: Path | None) -> None:
    """Answer questions in the terminal, with feedback after each one.

    \b
    Examples:
      dlquiz quiz                              10 questions from the whole course
      dlquiz quiz --topic act. --n 5           activation functions
      dlquiz quiz --topic conv --kind numeric  convolution arithmetic
      dlquiz quiz --kind formula --lang zh     formulas, in Chinese
      printf 'b\\nt\\n' | dlquiz quiz --n 2 --seed 1   scripted (no terminal)
    \b
    Answer with a letter (ac for several), t/f, a number (3/4 works), a formula
    (s*(1-s) or \\sigma(x)(1-\\sigma(x))), or letters in order. ? shows a hint,
    s skips, Ctrl-C ends with the score so far.
    """
    from dlquiz.bank import load_bank
    from dlquiz.quiz import make_reader, pick_items, run_session, summary_table
    from dlquiz.render import console as make_console

    lang = lang or default_lang()
    bank = load_bank(bank_dir)
    seed = seed if seed is not None else random.randrange(10**6)
    items = pick_items(bank.select(topics=topics, kinds=kinds), n=count, seed=seed)
    store = open_recorder(home, not no_save, {i.id: i.time for i in bank.items})
    out = make_console()
    try:
        result = run_session(
            items, lang=lang, seed=seed, console=out, read_line=make_reader(out),
            recorder=store.record if store is not None else None,
            title=("练习" if lang == "zh" else "Quiz") + f" · {len(items)} · seed {seed}",
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
