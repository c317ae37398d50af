"""`dlquiz stats | plan`: progress numbers and the study plan up to the exam."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from dlquiz.cli.common import (
    FloatRange,
    bank_option,
    default_lang,
    handle_errors,
    home_option,
    lang_option,
)
from dlquiz.cli.progress_common import make_clock, now_option, print_json
from dlquiz.i18n import N_, t

# -- stats ------------------------------------------------------------------------------------


@click.command(
    help=N_(
        "Show progress: per chapter and topic what is learned, shaky and untouched, the recall\n"
        "forecast on the exam day, a due forecast, the streak, weak spots.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz stats\n"
        "  dlquiz stats --json | jq '.topics[] | select(.due > 0)'"
    )
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print machine-readable JSON."))
@lang_option
@bank_option
@home_option
@now_option
@handle_errors
def stats(as_json: bool, lang: str | None, bank_dir: Path | None, home: Path | None, now_text: str | None) -> None:
    from dlquiz.bank import load_bank
    from dlquiz.progress import open_store
    from dlquiz.progress.stats import compute_stats, render_stats
    from dlquiz.render import console as make_console

    clock = make_clock(now_text)
    bank = load_bank(bank_dir)
    with open_store(home, now=clock) as store:
        result = compute_stats(bank, store.cards(), store.answers(), store.settings(), clock(), exams=store.exams())
    if as_json:
        print_json(result.to_dict())
        return
    out = make_console()
    lang = lang or default_lang()
    if result.empty:
        out.print(
            t("No answers yet. Start with `dlquiz quiz` or `dlquiz review`; progress shows here afterwards.", lang)
        )
        return
    for part in render_stats(result, lang):
        out.print(part)
        out.print()


# -- plan -------------------------------------------------------------------------------------


def _weights_option(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> dict[int, float]:
    from dlquiz.errors import UsageError
    from dlquiz.progress.plan import parse_weights

    out: dict[int, float] = {}
    for text in value:
        try:
            out.update(parse_weights(text))
        except UsageError as exc:
            from dlquiz.i18n import localized

            message = localized(exc, ctx.params.get("lang") or default_lang())  # --lang if it came first
            raise click.BadParameter(
                message.removeprefix("--weight: ").removeprefix("--weight："), ctx=ctx, param=param
            ) from None
    return out


@click.command(
    help=N_(
        "Set or show the exam date and the study plan toward it, day by day.\n"
        "\n"
        "\b\n"
        "Each day's session fits the minutes a day, using the items' estimated\n"
        "times. In the weeks before the exam: due reviews, then new items at the\n"
        "pace the time allows. On the last 3 days: cramming, your weak topics\n"
        "first (from your answers), then the chapters the exam weights most, new\n"
        "items only as the time allows. The plan says what will not fit.\n"
        "`dlquiz review` serves today's session.\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz plan --exam 2027-01-08 --minutes-per-day 60\n"
        "  dlquiz plan                      show the plan\n"
        "  dlquiz plan --weight 5=3 --weight 1=0   weigh convolution more, skip chapter 1\n"
        "  dlquiz plan --clear"
    )
)
@click.option(
    "--exam",
    "exam_date",
    default=None,
    metavar="YYYY-MM-DD",
    help=N_("Set the exam date: scheduling then aims at recall on that day."),
)
@click.option(
    "--minutes-per-day",
    type=FloatRange(min=0, min_open=True, max=24 * 60),
    default=None,
    help=N_("Study time a day (kept; default 60): each day's session fits it."),
)
@click.option(
    "--weight",
    "weights",
    multiple=True,
    callback=_weights_option,
    metavar="CH=W",
    help=N_(
        "Exam weight of a chapter, e.g. 5=2 (kept; repeatable; 1 is a typical chapter; the syllabus has defaults)."
    ),
)
@click.option(
    "--target",
    type=FloatRange(0.5, 0.99),
    default=None,
    help=N_("Recall to reach on the exam day (default 0.9)."),
)
@click.option(
    "--new-per-day",
    type=click.IntRange(min=0),
    default=None,
    help=N_("Daily limit of new items outside exam mode (default 20)."),
)
@click.option("--clear", is_flag=True, help=N_("Forget the exam date."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print machine-readable JSON."))
@lang_option
@bank_option
@home_option
@now_option
@handle_errors
def plan(
    exam_date: str | None,
    minutes_per_day: float | None,
    weights: dict[int, float],
    target: float | None,
    new_per_day: int | None,
    clear: bool,
    as_json: bool,
    lang: str | None,
    bank_dir: Path | None,
    home: Path | None,
    now_text: str | None,
) -> None:
    from dlquiz.bank import load_bank
    from dlquiz.progress import open_store
    from dlquiz.progress.plan import chapter_weights, study_plan
    from dlquiz.progress.plan_settings import save_plan_settings
    from dlquiz.progress.scheduler import local_day
    from dlquiz.progress.stats import compute_stats
    from dlquiz.render import console as make_console

    clock = make_clock(now_text)
    today = local_day(clock())
    lang = lang or default_lang()
    if clear and exam_date:
        raise click.UsageError(t("--clear and --exam exclude each other", lang))
    day: date | None = None
    if exam_date is not None:
        try:
            day = date.fromisoformat(exam_date)
        except ValueError:
            raise click.BadParameter(
                t("{text} is not a date like 2027-01-08", lang, text=repr(exam_date)), param_hint="--exam"
            ) from None
        if day < today:
            raise click.BadParameter(
                t("{day} is in the past (today is {today})", lang, day=exam_date, today=today), param_hint="--exam"
            )
    bank = load_bank(bank_dir)
    present = sorted({i.chapter for i in bank.items})
    unknown = sorted(set(weights) - set(present))
    if unknown:  # a weight for a chapter the bank does not have would be kept and never used
        raise click.BadParameter(
            t(
                "there is no chapter {chapter} (chapters with items: {present})",
                lang,
                chapter=", ".join(map(str, unknown)),
                present=", ".join(map(str, present)),
            ),
            param_hint="--weight",
        )
    out = make_console()
    with open_store(home, now=clock) as store:
        if clear:
            save_plan_settings(store, bank.syllabus, clear=True)
            if not as_json:
                out.print(t("Exam date cleared: back to steady spaced repetition.", lang))
        save_plan_settings(
            store,
            bank.syllabus,
            exam_day=day,
            target=target,
            new_per_day=new_per_day,
            minutes_per_day=minutes_per_day,
            weights=weights,
        )
        settings = store.settings()
        now = clock()
        result = compute_stats(bank, store.cards(), store.answers(), settings, now)
        from dlquiz.progress.order import syllabus_order  # progress loads the store: not at start-up

        study = study_plan(
            syllabus_order(bank, bank.items),
            store.cards(),
            store.answers(),
            settings,
            now,
            chapter_weights(bank.syllabus, settings),
        )
    data = result.to_dict()
    if as_json:
        print_json(
            {
                **{k: data[k] for k in ("exam", "new_per_day", "unseen", "due_today", "forecast")},
                "plan": study.to_dict(),
            }
        )
        return
    from dlquiz.progress.plan_render import render_plan

    for part in render_plan(study, result, n_items=len(bank.items), lang=lang):
        out.print(part)
