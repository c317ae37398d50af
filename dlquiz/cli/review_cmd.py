"""`dlquiz review`: today's spaced-repetition session."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import click

from dlquiz.cli.common import (
    EXIT_INTERRUPTED,
    FloatRange,
    bank_option,
    default_lang,
    handle_errors,
    home_option,
    lang_option,
)
from dlquiz.cli.progress_common import make_clock, now_option
from dlquiz.i18n import N_, listing, t


@click.command(
    help=N_(
        "Review what spaced repetition says is due today, then some new items.\n"
        "\n"
        "\b\n"
        "Due items come first, most overdue first; then new items up to the daily\n"
        "limit (20 unless `dlquiz plan --new-per-day N` or an exam date says otherwise).\n"
        "With --minutes (or an exam date: `dlquiz plan --exam DATE`), the queue fits\n"
        "the time, and on the last 3 days before the exam it is for cramming: your\n"
        "weak topics first, then the chapters the exam weights most, new items as\n"
        "the time allows (`dlquiz plan` shows the day's plan).\n"
        "\b\n"
        "After each answer: Enter keeps the automatic rating (wrong → Again; right →\n"
        "Good, or Hard when slow or hinted, Easy when fast), 1 Again, 2 Hard, 3 Good,\n"
        "4 Easy override it, u undoes the answer (also typed instead of the next\n"
        "answer). Items rated Again come back later in the session.\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz review\n"
        "  dlquiz review --minutes 20               a 20-minute session\n"
        "  dlquiz review --limit 15 --new 0         only what is due, at most 15\n"
        "  dlquiz review --topic conv. --lang zh"
    )
)
@click.option(
    "--minutes",
    "-m",
    type=FloatRange(min=0, min_open=True, max=24 * 60),
    default=None,
    help=N_(
        "Study this long: the queue fits the items' estimated times, and the session "
        "ends when the time is up (default: with an exam date, the minutes a day left today)."
    ),
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=None,
    help=N_("At most this many items in all (default: every due item)."),
)
@click.option(
    "--new",
    "new",
    type=click.IntRange(min=0),
    default=None,
    help=N_("New items for this session (default: the daily limit left; see `dlquiz plan`)."),
)
@click.option(
    "--topic", "-t", "topics", multiple=True, metavar="ID", help=N_("Only topics with this id or prefix (repeatable).")
)
@click.option(
    "--rate/--no-rate",
    default=None,
    help=N_("Ask for Again/Hard/Good/Easy after each answer (default: on a terminal)."),
)
@click.option(
    "--relearn/--no-relearn", default=True, help=N_("Bring items rated Again back later in the session (default: on).")
)
@click.option("--seed", type=int, default=None, help=N_("Seed for the numbers of parametric items."))
@lang_option
@bank_option
@home_option
@now_option
@handle_errors
def review(
    minutes: float | None,
    limit: int | None,
    new: int | None,
    topics: tuple[str, ...],
    rate: bool | None,
    relearn: bool,
    seed: int | None,
    lang: str | None,
    bank_dir: Path | None,
    home: Path | None,
    now_text: str | None,
) -> None:
    from dlquiz.symbolic.worker import prestart

    prestart()  # the checking process loads the engine while this command reads its input
    from dlquiz.bank import load_bank
    from dlquiz.progress import open_store
    from dlquiz.progress.review_loop import ReviewSession
    from dlquiz.progress.today import next_due, todays_queue
    from dlquiz.quiz import make_reader, summary_table
    from dlquiz.render import console as make_console

    clock = make_clock(now_text)
    lang = lang or default_lang()
    bank = load_bank(bank_dir)
    from dlquiz.progress.order import items_times, syllabus_order  # progress loads the store: not at start-up

    items = syllabus_order(bank, bank.select(topics=topics))
    out = make_console()
    with open_store(home, now=clock, item_times=items_times(bank.items)) as store:
        cards, settings = store.cards(), store.settings()
        today = todays_queue(
            items, cards, settings, store.answers, bank.syllabus, clock(), minutes=minutes, limit=limit, new=new
        )
        budget, entries, session = today.budget_s, today.entries, today.session
        n_due, n_weak, n_new = today.n_due, today.n_weak, today.n_new
        if session is not None:
            from dlquiz.progress.plan_render import left_out_text

            notes = (
                [t("Cramming: weak topics first, then the chapters the exam weights most.", lang)]
                if session.cram
                else []
            )
            if session.left_out and limit is None:
                notes.append(left_out_text(session, lang))
            if notes:
                from rich.markup import escape

                out.print(f"[dim]{escape(listing(notes, lang, 'sentences'))}[/dim]")
        if not entries:
            if budget is not None and budget <= 0:
                msg = t("Today's study time is used up.", lang)
            else:
                msg = t("Nothing to review today.", lang)
            upcoming = next_due(items, today)
            if upcoming is not None:
                nxt, count = upcoming
                msg += " " + (
                    t("Next: {day} (1 item).", lang, day=nxt.isoformat())
                    if count == 1
                    else t("Next: {day} ({count} items).", lang, day=nxt.isoformat(), count=count)
                )
            if today.new_allowed == 0 and len(cards) < len(items) and budget is None:
                msg += " " + t("Today's new items are done (dlquiz review --new N for more).", lang)
            out.print(msg)
            return
        seed = seed if seed is not None else random.randrange(10**6)
        title = (
            t("Review · {due} due · {weak} weak · {new} new", lang, due=n_due, weak=n_weak, new=n_new)
            if n_weak
            else t("Review · {due} due · {new} new", lang, due=n_due, new=n_new)
        )
        if budget is not None:
            title += " · " + t("{minutes:.0f} min", lang, minutes=budget / 60)
        out.print(f"[bold]{title}[/bold]")
        if rate is None:
            rate = sys.stdin.isatty()
        runner = ReviewSession(
            entries,
            store=store,
            lang=lang,
            seed=seed,
            console=out,
            read_line=make_reader(out),
            rate=rate,
            budget_s=budget,
            now=clock,
            relearn=relearn,
        )
        result = runner.run()
    out.print()
    if result.events:
        out.print(summary_table(result, lang))
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
