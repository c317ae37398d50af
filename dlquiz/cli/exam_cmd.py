"""`dlquiz exam`: a timed mock exam and its report."""

from __future__ import annotations

import json
import random
import sys
import time
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
from dlquiz.cli.progress_common import check_folder, make_clock, now_option
from dlquiz.i18n import N_, t
from dlquiz.i18n.oserrors import os_reason


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
                    t(
                        "{part} is not a chapter number (use e.g. 3,4)",
                        ctx.params.get("lang") or default_lang(),
                        part=repr(part),
                    ),
                    ctx=ctx,
                    param=param,
                ) from None
    return tuple(out)


@click.command(
    help=N_(
        "Sit a timed mock exam: no feedback until the end, then a graded report.\n"
        "\n"
        "\b\n"
        "The paper mixes chapters and kinds (concepts, formulas, numeric items, a\n"
        "derivation when there is one, explain-why items) to fit the time; the\n"
        "countdown shows with each question. Time up ends the exam; unanswered\n"
        "questions count as wrong in the score but do not touch spaced repetition.\n"
        "Explain-why answers are written during the exam; after it, each is shown\n"
        "with the model answer and key points and you type the points you made.\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz exam --minutes 30\n"
        "  dlquiz exam --n 12 --chapters 3,4 --seed 7 --report exam.md\n"
        "  dlquiz exam --minutes 20 --report exam.json       the report for scripts"
    )
)
@click.option(
    "--minutes",
    "-m",
    type=float,
    default=None,
    help=N_("Time limit in minutes (default 60; with only --n: the paper's estimated time)."),
)
@click.option(
    "--n", "-n", "count", type=int, default=None, help=N_("Number of questions (default: as many as fit the time).")
)
@click.option(
    "--chapters",
    "-c",
    multiple=True,
    callback=_chapters,
    metavar="LIST",
    help=N_("Only these chapters, e.g. 3,4 (repeatable)."),
)
@click.option("--seed", type=int, default=None, help=N_("Same seed, same paper."))
@click.option(
    "--report",
    "report_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Also write the graded report to this file: Markdown, or JSON if it ends in .json."),
)
@click.option("--no-save", is_flag=True, help=N_("Do not record the exam in the progress store."))
@lang_option
@bank_option
@home_option
@now_option
@handle_errors
def exam(
    minutes: float | None,
    count: int | None,
    chapters: tuple[int, ...],
    seed: int | None,
    report_path: Path | None,
    no_save: bool,
    lang: str | None,
    bank_dir: Path | None,
    home: Path | None,
    now_text: str | None,
) -> None:
    from dlquiz.symbolic.worker import prestart

    prestart()  # the checking process loads the engine while this command reads its input
    from dlquiz.bank import load_bank
    from dlquiz.progress.exam import assemble_paper, shortfall
    from dlquiz.progress.exam_log import ExamLog
    from dlquiz.progress.exam_report import build_report, render_report, report_markdown, self_grade_explains
    from dlquiz.quiz import make_reader, run_session
    from dlquiz.render import console as make_console

    clock = make_clock(now_text)
    lang = lang or default_lang()
    if report_path is not None:
        check_folder(report_path, lang, "--report")
    bank = load_bank(bank_dir)
    seed = seed if seed is not None else random.randrange(10**6)
    paper = assemble_paper(bank.items, seed=seed, minutes=minutes, n=count, chapters=chapters, lang=lang)
    out = make_console()
    if count is not None and len(paper.items) < count:
        from dlquiz.render import error_console, plain

        error_console().print(
            f"[yellow]{plain(shortfall(bank.items, paper, count, chapters, lang))}[/yellow]", soft_wrap=True
        )
    store = None
    started = clock()
    if not no_save:
        from dlquiz.progress import open_store
        from dlquiz.progress.order import items_times  # progress loads the store: not at start-up

        store = open_store(home, now=clock, item_times=items_times(bank.items))
    log = ExamLog(store, paper, seed=seed, started_at=started)
    try:
        title = t(
            "Mock exam · {n} questions · {minutes:g} min · seed {seed}",
            lang,
            n=len(paper.items),
            minutes=paper.minutes,
            seed=seed,
        )
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
        result = run_session(
            paper.items,
            lang=lang,
            seed=seed,
            console=out,
            read_line=reader,
            recorder=log.recorder,
            feedback=False,
            deadline=deadline,
            clock=session_clock,
            now=clock,
            title=title,
        )
        finished = clock()
        if not result.interrupted:  # explain-why answers: graded by the student, now that time is over
            graded = self_grade_explains(paper, result, console=out, read_line=make_reader(out), lang=lang)
            log.regrade(graded, result.events)
        report = build_report(paper, result, lang=lang, started_at=started, finished_at=finished)
        log.finish(report)
    finally:
        log.close()
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

            raise DlquizError(
                t("{path}: cannot write the report ({reason})", lang, path=report_path, reason=os_reason(exc))
            ) from exc
        from dlquiz.render import error_console

        error_console().print(t("Wrote the report to {path}", lang, path=report_path), soft_wrap=True, markup=False)
    if result.interrupted:
        sys.exit(EXIT_INTERRUPTED)
