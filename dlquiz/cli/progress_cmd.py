"""`dlquiz review | exam | stats | plan | export | doctor`: the learning loop's commands."""

from __future__ import annotations

import json
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

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

# what `dlquiz doctor` names: its checks and the rows it counts
DOCTOR_WORDS = (N_("home"), N_("disk"), N_("file"), N_("format"), N_("identity"), N_("schema"), N_("integrity"),
                N_("reviews"), N_("read"), N_("write"), N_("answers"), N_("cards"), N_("exams"), N_("settings"))

# a fixed "now" for trying things out and for tests: --now 2026-12-01T09:00 or DLQUIZ_NOW
now_option = click.option(
    "--now", "now_text", envvar="DLQUIZ_NOW", default=None, hidden=True,
    help="Pretend the current time is this ISO date-time (UTC unless it has an offset).",
)


def make_clock(now_text: str | None) -> Callable[[], datetime]:
    """The wall clock, or one that starts at `now_text` and runs on from there."""
    if not now_text:
        return lambda: datetime.now(UTC)
    try:
        start = datetime.fromisoformat(now_text)
    except ValueError as exc:
        raise click.BadParameter(
            f"{now_text!r} is not an ISO date-time like 2026-12-01T09:00", param_hint="--now"
        ) from exc
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    start = start.astimezone(UTC)
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


def _items_times(items: Any) -> dict[str, float]:
    return {i.id: float(i.time) for i in items}


def syllabus_order(bank: Any, items: Any) -> list[Any]:
    """Items by chapter, syllabus topic, difficulty, then bank order (how new items come)."""
    rank = {t.id: k for k, t in enumerate(bank.syllabus.topics)}
    pos = {i.id: k for k, i in enumerate(bank.items)}
    return sorted(items, key=lambda i: (i.chapter, rank.get(i.topic, 10**6), i.difficulty,
                                        pos.get(i.id, 0)))


def _print_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


# -- review -----------------------------------------------------------------------------------

@click.command()
@click.option("--minutes", "-m", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Study this long: the queue fits the items' estimated times, and the session "
                   "ends when the time is up (default: with an exam date, the minutes a day left today).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="At most this many items in all (default: every due item).")
@click.option("--new", "new", type=click.IntRange(min=0), default=None,
              help="New items for this session (default: the daily limit left; see `dlquiz plan`).")
@click.option("--topic", "-t", "topics", multiple=True, metavar="ID",
              help="Only topics with this id or prefix (repeatable).")
@click.option("--rate/--no-rate", default=None,
              help="Ask for Again/Hard/Good/Easy after each answer (default: on a terminal).")
@click.option("--relearn/--no-relearn", default=True,
              help="Bring items rated Again back later in the session (default: on).")
@click.option("--seed", type=int, default=None, help="Seed for the numbers of parametric items.")
@lang_option
@bank_option
@home_option
@now_option
@handle_errors
def review(minutes: float | None, limit: int | None, new: int | None, topics: tuple[str, ...],
           rate: bool | None, relearn: bool, seed: int | None, lang: str | None, bank_dir: Path | None,
           home: Path | None, now_text: str | None) -> None:
    """Review what spaced repetition says is due today, then some new items.

    \b
    Due items come first, most overdue first; then new items up to the daily
    limit (20 unless `dlquiz plan --new-per-day N` or an exam date says otherwise).
    With --minutes (or an exam date: `dlquiz plan --exam DATE`), the queue fits
    the time, and on the last 3 days before the exam it is for cramming: your
    weak topics first, then the chapters the exam weights most, new items as
    the time allows (`dlquiz plan` shows the day's plan).
    \b
    After each answer: Enter keeps the automatic rating (wrong → Again; right →
    Good, or Hard when slow or hinted, Easy when fast), 1 Again, 2 Hard, 3 Good,
    4 Easy override it, u undoes the answer (also typed instead of the next
    answer). Items rated Again come back later in the session.
    \b
    Examples:
      dlquiz review
      dlquiz review --minutes 20               a 20-minute session
      dlquiz review --limit 15 --new 0         only what is due, at most 15
      dlquiz review --topic conv. --lang zh
    """
    from dlquiz.symbolic.worker import prestart

    prestart()  # the checking process loads the engine while this command reads its input
    from dlquiz.bank import load_bank
    from dlquiz.progress import open_store
    from dlquiz.progress.plan import chapter_weights, minutes_per_day, session_for, studied_seconds
    from dlquiz.progress.review_loop import ReviewSession
    from dlquiz.progress.scheduler import build_queue, effective_due, exam_plan, local_day
    from dlquiz.quiz import make_reader, summary_table
    from dlquiz.render import console as make_console

    clock = make_clock(now_text)
    lang = lang or default_lang()
    bank = load_bank(bank_dir)
    items = syllabus_order(bank, bank.select(topics=topics))
    out = make_console()
    with open_store(home, now=clock, item_times=_items_times(bank.items)) as store:
        cards, settings = store.cards(), store.settings()
        now = clock()
        budget: float | None = None
        if minutes is not None or exam_plan(settings, local_day(now)) is not None:
            answers = store.answers()
            if minutes is not None:
                budget = minutes * 60
            else:
                budget = max(0.0, minutes_per_day(settings) * 60 - studied_seconds(answers, local_day(now)))
            session = session_for(items, cards, answers, settings, now,
                                  chapter_weights(bank.syllabus, settings), budget_s=budget, new_allowed=new)
            picks = list(session.picks)[:limit] if limit is not None else list(session.picks)
            entries = [(p.item, p.reason) for p in picks]
            n_due = sum(1 for _, k in entries if k == "due")
            n_weak = sum(1 for _, k in entries if k == "weak")
            n_new = len(entries) - n_due - n_weak
            new_allowed = 1 if session.left_out else 0
            from dlquiz.progress.plan_render import left_out_text

            notes = [t("Cramming: weak topics first, then the chapters the exam weights most.", lang)
                     ] if session.cram else []
            if session.left_out and limit is None:
                notes.append(left_out_text(session, lang))
            if notes:
                from rich.markup import escape

                out.print(f"[dim]{escape(' '.join(notes))}[/dim]")
        else:
            queue = build_queue(items, cards, settings, now, limit=limit, new_limit=new)
            entries = [(i, "due") for i in queue.due] + [(i, "new") for i in queue.new]
            n_due, n_new, new_allowed = len(queue.due), len(queue.new), queue.new_allowed
            n_weak = 0
        if not entries:
            plan = exam_plan(settings, local_day(now))
            ids = {i.id for i in items}
            upcoming = sorted(effective_due(c, plan) for i, c in cards.items() if i in ids)
            if budget is not None and budget <= 0:
                msg = t("Today's study time is used up.", lang)
            else:
                msg = t("Nothing to review today.", lang)
            if upcoming:
                nxt = local_day(upcoming[0])
                count = sum(1 for d in upcoming if local_day(d) == nxt)
                msg += " " + (t("Next: {day} (1 item).", lang, day=nxt.isoformat()) if count == 1
                              else t("Next: {day} ({count} items).", lang, day=nxt.isoformat(), count=count))
            if new_allowed == 0 and len(cards) < len(items) and budget is None:
                msg += " " + t("Today's new items are done (dlquiz review --new N for more).", lang)
            out.print(msg)
            return
        seed = seed if seed is not None else random.randrange(10**6)
        title = (t("Review · {due} due · {weak} weak · {new} new", lang, due=n_due, weak=n_weak, new=n_new)
                 if n_weak else t("Review · {due} due · {new} new", lang, due=n_due, new=n_new))
        if budget is not None:
            title += " · " + t("{minutes:.0f} min", lang, minutes=budget / 60)
        out.print(f"[bold]{title}[/bold]")
        if rate is None:
            rate = sys.stdin.isatty()
        runner = ReviewSession(entries, store=store, lang=lang, seed=seed, console=out,
                               read_line=make_reader(out), rate=rate, budget_s=budget, now=clock,
                               relearn=relearn)
        result = runner.run()
    out.print()
    if result.events:
        out.print(summary_table(result, lang))
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)


# -- exam -------------------------------------------------------------------------------------

def _chapters(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[int, ...]:
    out: list[int] = []
    for text in value:
        for part in text.replace(" ", ",").split(","):
            if not part:
                continue
            try:
                out.append(int(part))
            except ValueError:
                raise click.BadParameter(  # in --lang if it came first, else the locale's
                    t("{part} is not a chapter number (use e.g. 3,4)", ctx.params.get("lang") or default_lang(),
                      part=repr(part)), ctx=ctx, param=param) from None
    return tuple(out)


@click.command()
@click.option("--minutes", "-m", type=float, default=None,
              help="Time limit in minutes (default 60; with only --n: the paper's estimated time).")
@click.option("--n", "-n", "count", type=int, default=None,
              help="Number of questions (default: as many as fit the time).")
@click.option("--chapters", "-c", multiple=True, callback=_chapters, metavar="LIST",
              help="Only these chapters, e.g. 3,4 (repeatable).")
@click.option("--seed", type=int, default=None, help="Same seed, same paper.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              default=None,
              help="Also write the graded report to this file: Markdown, or JSON if it ends in .json.")
@click.option("--no-save", is_flag=True, help="Do not record the exam in the progress store.")
@lang_option
@bank_option
@home_option
@now_option
@handle_errors
def exam(minutes: float | None, count: int | None, chapters: tuple[int, ...], seed: int | None,
         report_path: Path | None, no_save: bool, lang: str | None, bank_dir: Path | None,
         home: Path | None, now_text: str | None) -> None:
    """Sit a timed mock exam: no feedback until the end, then a graded report.

    \b
    The paper mixes chapters and kinds (concepts, formulas, numeric items, a
    derivation when there is one, explain-why items) to fit the time; the
    countdown shows with each question. Time up ends the exam; unanswered
    questions count as wrong in the score but do not touch spaced repetition.
    Explain-why answers are written during the exam; after it, each is shown
    with the model answer and key points and you type the points you made.
    \b
    Examples:
      dlquiz exam --minutes 30
      dlquiz exam --n 12 --chapters 3,4 --seed 7 --report exam.md
      dlquiz exam --minutes 20 --report exam.json       the report for scripts
    """
    from dlquiz.symbolic.worker import prestart

    prestart()  # the checking process loads the engine while this command reads its input
    from dlquiz.bank import load_bank
    from dlquiz.progress.exam import (
        assemble_paper,
        build_report,
        render_report,
        report_markdown,
        self_grade_explains,
        shortfall,
    )
    from dlquiz.quiz import make_reader, run_session
    from dlquiz.render import console as make_console

    clock = make_clock(now_text)
    lang = lang or default_lang()
    if report_path is not None and not report_path.resolve().parent.is_dir():
        raise click.BadParameter(t("{path}: the folder {folder} does not exist", lang, path=report_path,
                                   folder=report_path.resolve().parent), param_hint="--report")
    bank = load_bank(bank_dir)
    seed = seed if seed is not None else random.randrange(10**6)
    paper = assemble_paper(bank.items, seed=seed, minutes=minutes, n=count, chapters=chapters, lang=lang)
    out = make_console()
    if count is not None and len(paper.items) < count:
        from dlquiz.render import error_console, plain

        error_console().print(f"[yellow]{plain(shortfall(bank.items, paper, count, chapters, lang))}[/yellow]",
                              soft_wrap=True)
    store = None
    exam_id: int | None = None
    started = clock()
    if not no_save:
        from dlquiz.progress import open_store

        store = open_store(home, now=clock, item_times=_items_times(bank.items))
        exam_id = store.start_exam(started_at=started, seed=seed, minutes=paper.minutes,
                                   n_items=len(paper.items),
                                   chapters=",".join(map(str, paper.chapters)))
    answer_ids: list[int] = []
    try:
        recorder = None
        if store is not None:
            active = store

            def recorder(event: Any) -> None:
                answer_ids.append(active.record(event, exam_id=exam_id))

        title = t("Mock exam · {n} questions · {minutes:g} min · seed {seed}", lang, n=len(paper.items),
                  minutes=paper.minutes, seed=seed)
        mono = time.monotonic
        deadline = mono() + paper.minutes * 60
        reader = make_reader(out, deadline=deadline, clock=mono, lang=lang)
        if sys.stdin.isatty() and sys.stdout.isatty():
            # the terminal reader ends the wait itself at time-up (its countdown redraws every
            # second), so the loop's alarm signal is not armed: a clock other than time.monotonic
            def session_clock() -> float:
                return mono()
        else:
            session_clock = mono
        result = run_session(paper.items, lang=lang, seed=seed, console=out,
                             read_line=reader, recorder=recorder, feedback=False,
                             deadline=deadline, clock=session_clock, now=clock,
                             title=title)
        finished = clock()
        if not result.interrupted:  # explain-why answers: graded by the student, now that time is over
            graded = self_grade_explains(paper, result, console=out, read_line=make_reader(out), lang=lang)
            if store is not None and len(answer_ids) == len(result.events):
                for k in graded:  # the skipped row becomes the graded answer (and a review of its card)
                    store.undo(answer_ids[k])
                    answer_ids[k] = store.record(result.events[k], exam_id=exam_id)
        report = build_report(paper, result, lang=lang, started_at=started, finished_at=finished)
        if store is not None and exam_id is not None:
            store.finish_exam(exam_id, finished_at=report.finished_at, correct=report.correct,
                              report=report.to_dict())
    finally:
        if store is not None:
            store.close()
    out.print()
    for part in render_report(report):
        out.print(part)
    if report_path is not None:
        if report_path.suffix.lower() == ".json":
            text = json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
        else:
            text = report_markdown(report)
        try:
            report_path.write_text(text, encoding="utf-8")
        except OSError as exc:
            from dlquiz.errors import DlquizError

            raise DlquizError(t("{path}: cannot write the report ({reason})", lang, path=report_path,
                                reason=exc.strerror)) from exc
        from dlquiz.render import error_console

        error_console().print(t("Wrote the report to {path}", lang, path=report_path),
                              soft_wrap=True, markup=False)
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)


# -- stats ------------------------------------------------------------------------------------

@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@lang_option
@bank_option
@home_option
@now_option
@handle_errors
def stats(as_json: bool, lang: str | None, bank_dir: Path | None, home: Path | None, now_text: str | None) -> None:
    """Show progress: per chapter and topic what is learned, shaky and untouched, the recall
    forecast on the exam day, a due forecast, the streak, weak spots.

    \b
    Examples:
      dlquiz stats
      dlquiz stats --json | jq '.topics[] | select(.due > 0)'
    """
    from dlquiz.bank import load_bank
    from dlquiz.progress import open_store
    from dlquiz.progress.stats import compute_stats, render_stats
    from dlquiz.render import console as make_console

    clock = make_clock(now_text)
    bank = load_bank(bank_dir)
    with open_store(home, now=clock) as store:
        result = compute_stats(bank, store.cards(), store.answers(), store.settings(), clock(),
                               exams=store.exams())
    if as_json:
        _print_json(result.to_dict())
        return
    out = make_console()
    lang = lang or default_lang()
    if result.empty:
        out.print(t("No answers yet. Start with `dlquiz quiz` or `dlquiz review`; progress shows here afterwards.",
                    lang))
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
            raise click.BadParameter(message.removeprefix("--weight: ").removeprefix("--weight："), ctx=ctx,
                                     param=param) from None
    return out


@click.command()
@click.option("--exam", "exam_date", default=None, metavar="YYYY-MM-DD",
              help="Set the exam date: scheduling then aims at recall on that day.")
@click.option("--minutes-per-day", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Study time a day (kept; default 60): each day's session fits it.")
@click.option("--weight", "weights", multiple=True, callback=_weights_option, metavar="CH=W",
              help="Exam weight of a chapter, e.g. 5=2 (kept; repeatable; 1 is a typical chapter; "
                   "the syllabus has defaults).")
@click.option("--target", type=click.FloatRange(0.5, 0.99), default=None,
              help="Recall to reach on the exam day (default 0.9).")
@click.option("--new-per-day", type=click.IntRange(min=0), default=None,
              help="Daily limit of new items outside exam mode (default 20).")
@click.option("--clear", is_flag=True, help="Forget the exam date.")
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@lang_option
@bank_option
@home_option
@now_option
@handle_errors
def plan(exam_date: str | None, minutes_per_day: float | None, weights: dict[int, float],
         target: float | None, new_per_day: int | None, clear: bool, as_json: bool, lang: str | None,
         bank_dir: Path | None, home: Path | None, now_text: str | None) -> None:
    """Set or show the exam date and the study plan toward it, day by day.

    \b
    Each day's session fits the minutes a day, using the items' estimated
    times. In the weeks before the exam: due reviews, then new items at the
    pace the time allows. On the last 3 days: cramming, your weak topics
    first (from your answers), then the chapters the exam weights most, new
    items only as the time allows. The plan says what will not fit.
    `dlquiz review` serves today's session.
    \b
    Examples:
      dlquiz plan --exam 2027-01-08 --minutes-per-day 60
      dlquiz plan                      show the plan
      dlquiz plan --weight 5=3 --weight 1=0   weigh convolution more, skip chapter 1
      dlquiz plan --clear
    """
    from dlquiz.bank import load_bank
    from dlquiz.progress import open_store
    from dlquiz.progress.plan import CHAPTER_WEIGHTS, MINUTES_PER_DAY, chapter_weights, format_weights, study_plan
    from dlquiz.progress.scheduler import EXAM_DATE, EXAM_TARGET, NEW_PER_DAY, local_day
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
            raise click.BadParameter(t("{text} is not a date like 2027-01-08", lang, text=repr(exam_date)),
                                     param_hint="--exam") from None
        if day < today:
            raise click.BadParameter(t("{day} is in the past (today is {today})", lang, day=exam_date,
                                       today=today), param_hint="--exam")
    bank = load_bank(bank_dir)
    present = sorted({i.chapter for i in bank.items})
    unknown = sorted(set(weights) - set(present))
    if unknown:  # a weight for a chapter the bank does not have would be kept and never used
        raise click.BadParameter(t("there is no chapter {chapter} (chapters with items: {present})", lang,
                                   chapter=", ".join(map(str, unknown)), present=", ".join(map(str, present))),
                                 param_hint="--weight")
    out = make_console()
    with open_store(home, now=clock) as store:
        if clear:
            store.set_setting(EXAM_DATE, None)
            store.set_setting(EXAM_TARGET, None)
            if not as_json:
                out.print(t("Exam date cleared: back to steady spaced repetition.", lang))
        if day is not None:
            store.set_setting(EXAM_DATE, day.isoformat())
        if target is not None:
            store.set_setting(EXAM_TARGET, f"{target:g}")
        if new_per_day is not None:
            store.set_setting(NEW_PER_DAY, str(new_per_day))
        if minutes_per_day is not None:
            store.set_setting(MINUTES_PER_DAY, f"{minutes_per_day:g}")
        if weights:
            kept = {**chapter_weights(bank.syllabus, {}), **chapter_weights(bank.syllabus, store.settings())}
            defaults = chapter_weights(bank.syllabus, {})
            kept.update(weights)
            changed = {k: v for k, v in kept.items() if defaults.get(k) != v}
            store.set_setting(CHAPTER_WEIGHTS, format_weights(changed) or None)
        settings = store.settings()
        now = clock()
        result = compute_stats(bank, store.cards(), store.answers(), settings, now)
        study = study_plan(syllabus_order(bank, bank.items), store.cards(), store.answers(), settings, now,
                           chapter_weights(bank.syllabus, settings))
    data = result.to_dict()
    if as_json:
        _print_json({**{k: data[k] for k in ("exam", "new_per_day", "unseen", "due_today", "forecast")},
                     "plan": study.to_dict()})
        return
    from dlquiz.progress.plan_render import render_plan

    for part in render_plan(study, result, n_items=len(bank.items), lang=lang):
        out.print(part)


# -- export -----------------------------------------------------------------------------------

def _check_folder(path: Path, lang: str, hint: str) -> None:
    """Refuse a file whose folder does not exist (no folders are made), as `exam --report` does."""
    folder = path.resolve().parent
    if not folder.is_dir():
        raise click.BadParameter(t("{path}: the folder {folder} does not exist", lang, path=path, folder=folder),
                                 param_hint=hint)


@click.group()
def export() -> None:
    """Export the question bank: an Anki deck or a printable Markdown set.

    \b
    Examples:
      dlquiz export anki dl.apkg --lang both
      dlquiz export md -o sigmoid.md --topic act.sigmoid
    """


topic_option = click.option("--topic", "-t", "topics", multiple=True, metavar="ID",
                             help="Only topics with this id or prefix (repeatable).")


@export.command("anki")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@topic_option
@click.option("--lang", type=click.Choice(["en", "zh", "both"]), default=None,
              help="Language of the cards (default: from the locale).")
@bank_option
@handle_errors
def export_anki_cmd(file: Path, topics: tuple[str, ...], lang: str | None,
                    bank_dir: Path | None) -> None:
    """Write an Anki package (.apkg): one card per item, answer and explanation on the back.

    \b
    Importing a newer export into Anki updates the same deck.
    \b
    Examples:
      dlquiz export anki dl.apkg
      dlquiz export anki conv.apkg --topic conv. --lang both
    """
    from dlquiz.bank import load_bank
    from dlquiz.progress.export import export_anki

    lang = lang or default_lang()
    _check_folder(file, lang, "FILE")
    bank = load_bank(bank_dir)
    items = sorted(bank.select(topics=topics), key=lambda i: i.chapter)
    result = export_anki(items, file, lang=lang)  # type: ignore[arg-type]
    click.echo(t("Wrote {n} cards to {path}", lang, n=result.notes, path=result.path), err=True)


@export.command("md")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write to this file (default: standard output).")
@topic_option
@click.option("--lang", type=click.Choice(["en", "zh", "both"]), default=None,
              help="Language (default: from the locale).")
@bank_option
@handle_errors
def export_md_cmd(output: Path | None, topics: tuple[str, ...], lang: str | None,
                  bank_dir: Path | None) -> None:
    """Write a printable question set with the answers at the end (Markdown).

    \b
    Examples:
      dlquiz export md -o practice.md
      dlquiz export md --topic act. --lang zh > activations.md
    """
    from dlquiz.bank import load_bank
    from dlquiz.errors import DlquizError
    from dlquiz.progress.export import export_markdown

    lang = lang or default_lang()
    if output is not None:
        _check_folder(output, lang, "-o/--output")
    bank = load_bank(bank_dir)
    items = sorted(bank.select(topics=topics), key=lambda i: i.chapter)
    titles = {c.number: c.name(lang) for c in bank.syllabus.chapters}
    text = export_markdown(items, lang=lang,  # type: ignore[arg-type]
                           chapter_titles=titles)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DlquizError(t("{path}: cannot write ({reason})", lang or default_lang(), path=output,
                            reason=exc.strerror)) from exc
    click.echo(t("Wrote {n} questions to {path}", lang or default_lang(), n=len(items), path=output), err=True)


# -- doctor -----------------------------------------------------------------------------------

@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
@lang_option
@home_option
@handle_errors
def doctor(as_json: bool, lang: str | None, home: Path | None) -> None:
    """Check what a session needs: the home folder, free disk, and the progress database.

    \b
    Exit status 1 where a session would fail: a home that cannot be reached or written, a full
    disk, a database that is damaged, foreign, newer, or cannot take a write. Nothing is
    changed (the trial write is rolled back).
    \b
    Examples:
      dlquiz doctor
      dlquiz doctor --home ~/exam-prep --json
    """
    from dlquiz.progress.store import diagnose
    from dlquiz.render import console as make_console

    lang = lang or default_lang()
    path, checks, counts = diagnose(home, "en" if as_json else lang)
    ok = all(c.ok for c in checks)
    if as_json:
        _print_json({"path": str(path), "ok": ok,
                     "checks": [{"name": c.name, "ok": c.ok, "message": c.message}
                                for c in checks],
                     "counts": counts})
    else:
        from rich.markup import escape

        out = make_console()
        for c in checks:
            mark = f"[green]{t('ok', lang)}[/green]  " if c.ok else f"[bold red]{t('FAIL', lang)}[/bold red]"
            out.print(f"{mark} " + t("{name}: {message}", lang, name=t(c.name, lang), message=escape(c.message)))
        if counts:
            out.print(t("counts: ", lang) + ", ".join(f"{t(k, lang)} {v}" for k, v in counts.items()))
    if not ok:
        sys.exit(1)
