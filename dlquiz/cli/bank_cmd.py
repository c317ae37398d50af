"""`dlquiz topics`, `dlquiz show`, `dlquiz bank check`: browse and verify the question bank."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from dlquiz.cli.common import bank_option, default_lang, handle_errors, lang_option


@click.command()
@click.option("--json", "as_json", is_flag=True,
              help='Print {"topic id": {"kind": count, ...}, ...} over every syllabus topic.')
@lang_option
@bank_option
@handle_errors
def topics(as_json: bool, lang: str | None, bank_dir: Path | None) -> None:
    """List the syllabus topics with item counts per kind, by chapter.

    \b
    Examples:
      dlquiz topics
      dlquiz topics --json | python -m json.tool
    """
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
    zh = (lang or default_lang()) == "zh"
    for chapter in bank.syllabus.chapters:
        t = Table(title=f"{chapter.number}. {chapter.title}", title_justify="left", expand=False)
        t.add_column("主题" if zh else "topic")
        for letter, name, name_zh in (("C", "concept", "概念"), ("F", "formula", "公式"), ("N", "numeric", "计算"),
                                      ("D", "derivation", "推导"), ("E", "explain", "简答")):
            t.add_column(f"{letter} {name_zh if zh else name}", justify="right")
        t.add_column("合计" if zh else "total", justify="right")
        t.add_column("需要" if zh else "needs")
        for topic in (x for x in bank.syllabus.topics if x.chapter == chapter.number):
            counts = table[topic.id]
            by_letter = {lt: sum(n for k, n in counts.items() if KIND_LETTER[k] == lt) for lt in "CFNDE"}
            cells = [
                str(by_letter[lt]) if by_letter[lt] or lt not in topic.kinds
                else "[red]0[/red]" for lt in "CFNDE"
            ]
            t.add_row(topic.id, *cells, str(sum(counts.values())), ",".join(topic.kinds))
        out.print(t)
    out.print(f"共 {len(bank.items)} 题，位于 {bank.root}" if zh else f"{len(bank.items)} items in {bank.root}")


@click.command()
@click.argument("item_id")
@lang_option
@click.option("--json", "as_json", is_flag=True, help="Print the item as JSON.")
@bank_option
@handle_errors
def show(item_id: str, lang: str | None, as_json: bool, bank_dir: Path | None) -> None:
    """Show one item with its answer and explanation.

    \b
    Example:
      dlquiz show act.sigmoid.derivative --lang zh
    """
    import dataclasses
    import difflib

    from rich.panel import Panel
    from rich.text import Text

    from dlquiz.bank import load_bank
    from dlquiz.errors import UsageError
    from dlquiz.quiz.session import KIND_NAMES, Question
    from dlquiz.render import console

    bank = load_bank(bank_dir)
    item = bank.get(item_id)
    if item is None:
        close = difflib.get_close_matches(item_id, [i.id for i in bank.items], n=5, cutoff=0.5)
        hint = f"; did you mean: {', '.join(close)}" if close else ""
        raise UsageError(f"no item with id {item_id!r}{hint}")
    if as_json:
        click.echo(json.dumps(dataclasses.asdict(item), ensure_ascii=False, indent=2, default=str))
        return
    lang = lang or default_lang()
    q = Question(item, 1)
    if item.generator:
        from dlquiz.quiz.session import prepare

        q = prepare(item, number=1, seed=0)
    body = Text(q.prompt_text(lang))
    for letter, choice in zip("abcdefgh", item.choices, strict=False):
        body.append(f"\n  {letter}) {choice(lang)}")
    body.append("\n\n")
    body.append("答案：" if lang == "zh" else "Answer: ", style="bold")
    body.append(q.key_text(lang))
    for n, point in enumerate(item.rubric, 1):
        body.append(f"\n  {n}. {point(lang)}")
    for m in item.mistakes:
        body.append(f"\n  ✗ {m.answer}: {m.message(lang)}", style="dim")
    body.append("\n\n")
    body.append(q.explanation_text(lang))
    kind = KIND_NAMES[item.kind][1 if lang == "zh" else 0]
    level = ("难度" if lang == "zh" else "difficulty") + f" {item.difficulty}"
    title = f"{item.id} · {item.topic} · {kind} · {level}"
    console().print(Panel(body, title=title, title_align="left",
                          subtitle=f"{item.where} · {'出处' if lang == 'zh' else 'source'} {item.source}",
                          subtitle_align="right"))


@click.group()
def bank() -> None:
    """Check the question bank (for authors and teachers)."""


@bank.command("check")
@click.option("--format-only", is_flag=True, help="Check only the file format, not the keys.")
@click.option("--no-coverage", is_flag=True, help="Do not require syllabus coverage.")
@click.option("--jobs", type=click.IntRange(1, 64), default=None, help="Worker processes (default: cores).")
@click.option("--json", "as_json", is_flag=True, help="Print the problems as a JSON list.")
@bank_option
@handle_errors
def bank_check(format_only: bool, no_coverage: bool, jobs: int | None, as_json: bool,
               bank_dir: Path | None) -> None:
    """List every problem in the bank; exit 1 if there is any.

    Checks the format of every file, syllabus coverage, and every key: formula keys
    and their known mistakes are proved (not) equivalent, generator-backed numeric
    keys are recomputed, derivation solutions are run through the checker.

    \b
    Examples:
      dlquiz bank check
      dlquiz bank check --bank my-questions/ --no-coverage
    """
    from dlquiz.bank import default_root, read_bank
    from dlquiz.bank.check import check_keys, content_problems, coverage_problems
    from dlquiz.bank.syllabus import load_syllabus
    from dlquiz.render import console, error_console

    root = bank_dir or default_root()
    items, problems = read_bank(root)
    problems += content_problems(items)
    if not no_coverage:
        problems += coverage_problems(items, load_syllabus())
    if not format_only:
        err = error_console()
        if err.is_terminal:
            from rich.progress import Progress

            with Progress(console=err, transient=True) as bar:
                task = bar.add_task("checking keys", total=None)
                problems += check_keys(items, jobs=jobs, progress=lambda n: bar.advance(task, n))
        else:
            problems += check_keys(items, jobs=jobs)
    if as_json:
        click.echo(json.dumps([p.__dict__ for p in problems], ensure_ascii=False, indent=2))
    else:
        out = console()
        for p in problems:
            out.print(str(p), markup=False, highlight=False)
        status = "ok" if not problems else f"{len(problems)} problem(s)"
        out.print(f"{len(items)} items checked in {root}: {status}", markup=False)
    sys.exit(1 if problems else 0)
