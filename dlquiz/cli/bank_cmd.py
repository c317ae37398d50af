"""`dlquiz topics`, `dlquiz show`, `dlquiz bank check`: browse and verify the question bank."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from dlquiz.cli.common import bank_option, default_lang, group_lang_option, handle_errors, lang_option
from dlquiz.i18n import N_, t

# the kinds by syllabus letter, as `dlquiz topics` heads its columns
KIND_COLUMNS = (
    ("C", N_("concept")),
    ("F", N_("formula")),
    ("N", N_("numeric")),
    ("D", N_("derivation")),
    ("E", N_("explain")),
)


@click.command(
    help=N_(
        "List the syllabus topics with item counts per kind, by chapter.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz topics\n"
        "  dlquiz topics --json | python -m json.tool"
    )
)
@click.option(
    "--json",
    "as_json",
    is_flag=True,
    help=N_('Print {"topic id": {"kind": count, ...}, ...} over every syllabus topic.'),
)
@lang_option
@bank_option
@handle_errors
def topics(as_json: bool, lang: str | None, bank_dir: Path | None) -> None:
    from dlquiz.bank import load_bank
    from dlquiz.bank.check import coverage
    from dlquiz.bank.model import KIND_LETTER

    bank = load_bank(bank_dir)
    table = coverage(bank.items, bank.syllabus)
    if as_json:
        click.echo(json.dumps(table, ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    from dlquiz.render import console

    out = console()
    lang = lang or default_lang()
    for chapter in bank.syllabus.chapters:
        grid = Table(title=f"{chapter.number}. {chapter.name(lang)}", title_justify="left", expand=False)
        grid.add_column(t("topic", lang))
        for letter, name in KIND_COLUMNS:
            grid.add_column(f"{letter} {t(name, lang)}", justify="right")
        grid.add_column(t("total", lang), justify="right")
        grid.add_column(t("needs", lang))
        for topic in (x for x in bank.syllabus.topics if x.chapter == chapter.number):
            counts = table[topic.id]
            by_letter = {lt: sum(n for k, n in counts.items() if KIND_LETTER[k] == lt) for lt in "CFNDE"}
            cells = [str(by_letter[lt]) if by_letter[lt] or lt not in topic.kinds else "[red]0[/red]" for lt in "CFNDE"]
            grid.add_row(topic.id, *cells, str(sum(counts.values())), ",".join(topic.kinds))
        out.print(grid)
    out.print(t("{n} items in {root}", lang, n=len(bank.items), root=bank.root), markup=False)


@click.command(
    help=N_(
        "Show one item with its answer and explanation.\n\n\b\nExample:\n  dlquiz show act.sigmoid.derivative --lang zh"
    )
)
@click.argument("item_id")
@lang_option
@click.option("--json", "as_json", is_flag=True, help=N_("Print the item as JSON."))
@bank_option
@handle_errors
def show(item_id: str, lang: str | None, as_json: bool, bank_dir: Path | None) -> None:
    import dataclasses

    from rich.console import Group
    from rich.panel import Panel
    from rich.text import Text

    from dlquiz.bank import load_bank
    from dlquiz.bank.sources import source_title
    from dlquiz.errors import UsageError
    from dlquiz.quiz.session import Question, kind_name
    from dlquiz.render import console, hanging

    lang = lang or default_lang()
    bank = load_bank(bank_dir)
    item = bank.get(item_id)
    if item is None:
        close = bank.close_ids(item_id)
        hint = t("; did you mean: {ids}", lang, ids=", ".join(close)) if close else ""
        raise UsageError(t("no item with id {id}{hint}", lang, id=repr(item_id), hint=hint))
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(item), ensure_ascii=False, indent=2, default=str))
        return
    q = Question(item, 1)
    if item.generator:
        from dlquiz.quiz.session import prepare

        q = prepare(item, number=1, seed=0)
    # lists as hanging lines: a long (Chinese) choice or point wraps under its own text, not under the marker
    parts: list[Any] = [Text(q.prompt_text(lang))]
    if item.choices:
        parts.append(
            hanging([(f"{letter})", choice(lang)) for letter, choice in zip("abcdefgh", item.choices, strict=False)])
        )
    answer = Text("\n")
    answer.append(t("Answer: ", lang), style="bold")
    answer.append(q.key_text(lang))
    parts.append(answer)
    if item.rubric:
        parts.append(hanging([(f"{n}.", point(lang)) for n, point in enumerate(item.rubric, 1)]))
    if item.mistakes:
        parts.append(hanging([("✗", Text(f"{m.answer}: {m.message(lang)}", style="dim")) for m in item.mistakes]))
    parts.append(Text("\n" + q.explanation_text(lang)))
    kind = kind_name(item.kind, lang)
    level = t("difficulty", lang) + f" {item.difficulty}"
    title = f"{item.id} · {item.topic} · {kind} · {level}"
    source = source_title(item.source, lang) or item.source
    console().print(
        Panel(
            Group(*parts),
            title=title,
            title_align="left",
            subtitle=f"{item.where} · {t('source', lang)} {source}",
            subtitle_align="right",
        )
    )


@click.group(help=N_("Check the question bank (for authors and teachers)."))
@group_lang_option
def bank() -> None:
    pass  # the help text is in the decorator, where the catalog finds it


@bank.command(
    "check",
    help=N_(
        "List every problem in the bank; exit 1 if there is any.\n"
        "\n"
        "Checks the format of every file, syllabus coverage, and every key: formula keys\n"
        "and their known mistakes are proved (not) equivalent, generator-backed numeric\n"
        "keys are recomputed, derivation solutions are run through the checker.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz bank check\n"
        "  dlquiz bank check --bank my-questions/ --no-coverage"
    ),
)
@click.option("--format-only", is_flag=True, help=N_("Check only the file format, not the keys."))
@click.option("--no-coverage", is_flag=True, help=N_("Do not require syllabus coverage."))
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help=N_("Worker processes (default: cores)."))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the problems as a JSON list."))
@lang_option
@bank_option
@handle_errors
def bank_check(
    format_only: bool, no_coverage: bool, jobs: int | None, as_json: bool, lang: str | None, bank_dir: Path | None
) -> None:
    from dlquiz.symbolic.worker import prestart

    prestart()  # the checking process loads the engine while this command reads its input
    from dlquiz.bank import default_root, read_bank
    from dlquiz.bank.check import check_keys, content_problems, coverage_problems, duplicate_problems
    from dlquiz.bank.syllabus import load_syllabus
    from dlquiz.render import console, error_console

    lang = lang or default_lang()
    root = bank_dir or default_root()
    items, problems = read_bank(root)
    problems += content_problems(items)
    problems += duplicate_problems(items)
    if not no_coverage:
        problems += coverage_problems(items, load_syllabus())
    if not format_only:
        err = error_console()
        if err.is_terminal:
            from rich.progress import Progress

            with Progress(console=err, transient=True) as bar:
                task = bar.add_task(t("checking keys", lang), total=None)
                problems += check_keys(items, jobs=jobs, progress=lambda n: bar.advance(task, n))
        else:
            problems += check_keys(items, jobs=jobs)
    if as_json:
        click.echo(json.dumps([p.__dict__ for p in problems], ensure_ascii=False, indent=2))
    else:
        out = console()
        for p in problems:
            out.print(p.text(lang), markup=False, highlight=False)
        status = t("ok", lang) if not problems else t("{n} problem(s)", lang, n=len(problems))
        out.print(
            t("{n} items checked in {root}: {status}", lang, n=len(items), root=root, status=status), markup=False
        )
    sys.exit(1 if problems else 0)
