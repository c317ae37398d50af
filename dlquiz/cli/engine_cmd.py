"""`dlquiz check` and `dlquiz derive`: the derivation checker and the derivation library."""

from __future__ import annotations

import json
import sys
from enum import IntEnum
from typing import IO, Any

import click

from dlquiz.cli.common import FloatRange, default_lang, fail, handle_errors, lang_option
from dlquiz.i18n import N_, listing, message_of, spaced, t


class CheckExit(IntEnum):
    """Exit codes of `dlquiz check` and `dlquiz derive`."""

    OK = 0
    FAILED = 1
    INPUT = 2
    UNDECIDED = 3


_MARK = {
    "ok": ("✓", "green"),
    "fail": ("✗", "red"),
    "error": ("✗", "red"),
    "undecided": ("?", "yellow"),
    "given": ("·", "dim"),
}


def _exit_code(report: Any) -> CheckExit:
    if report.ok:
        return CheckExit.OK
    if report.first_failure is not None:
        return CheckExit.FAILED
    if any(s.status == "error" for s in report.steps):
        return CheckExit.INPUT
    return CheckExit.UNDECIDED


def _exc_text(exc: BaseException, lang: str) -> str:
    """An error of the formula reader in `lang`."""
    from dlquiz.symbolic.report import step_message

    return step_message(message_of(exc), lang)


def _report_json(report: Any) -> dict[str, Any]:
    """The report as JSON, each step's message and slip also in Chinese (message_zh, rule_zh)."""
    from dlquiz.symbolic.report import step_message
    from dlquiz.symbolic.slips import slip_name

    out: dict[str, Any] = report.to_dict()
    for row, step in zip(out["steps"], report.steps, strict=True):
        row["message_zh"] = step_message(step.message, "zh") if step.message else ""
        row["rule_zh"] = slip_name(step.rule, "zh") if step.rule else None
    return out


def _step_lines(step: Any, lang: str) -> list[str]:
    """Rich markup for one step: mark, line number, interpreted form, and details."""
    from rich.markup import escape

    from dlquiz.symbolic.report import step_message
    from dlquiz.symbolic.steps import SHAPE, rule_message

    mark, colour = _MARK[step.status]
    out = [f"[{colour}]{mark}[/{colour}] [dim]{step.line:>3}[/dim]  {escape(step.pretty)}"]
    if step.status == "ok" and step.message.startswith("follows"):
        out.append(f"        [dim]{escape(step_message(step.message, lang))}[/dim]")
    if step.status in ("fail", "error", "undecided") and step.message:
        out.append(f"        [{colour}]{escape(step_message(step.message, lang))}[/{colour}]")
    if step.status == "fail" and step.rule and step.rule != SHAPE:
        out.append(f"        [bold]{spaced(t('known slip:', lang))}[/bold]{escape(rule_message(step.rule, lang))}")
    return out


def _failure_panel(step: Any, lang: str) -> Any:
    from rich.markup import escape
    from rich.panel import Panel

    from dlquiz.symbolic.slips import slip_name
    from dlquiz.symbolic.steps import rule_message

    rows = [f"[bold]{spaced(t('line {n}:', lang, n=step.line))}[/bold]{escape(step.text.strip())}"]
    if step.counterexample:
        cex = step.counterexample
        at = listing([f"{k} = {v}" for k, v in cex.get("at", {}).items()], lang, "values")
        rows.append(f"[bold]{spaced(t('counterexample:', lang))}[/bold]{escape(at)}")
        values = [f"{t('previous step', lang)} = {cex.get('previous')}", f"{t('this step', lang)} = {cex.get('this')}"]
        rows.append("  " + listing(values, lang, "values"))
    elif step.message:
        from dlquiz.symbolic.report import step_message

        rows.append(escape(step_message(step.message, lang)))
    if step.culprit:
        rows.append(f"[bold]{spaced(t('changed part:', lang))}[/bold]{escape(step.culprit)}")
    if step.rule:
        rows.append(
            f"[bold]{spaced(t('rule:', lang))}[/bold]{escape(slip_name(step.rule, lang))} — "
            f"{escape(rule_message(step.rule, lang))}"
        )
    title = t("first break", lang)
    return Panel("\n".join(rows), title=title, border_style="red", expand=False)


def _print_report(report: Any, lang: str, prose: dict[int, str] | None = None) -> None:
    from rich.markup import escape

    from dlquiz.render import console, print_indented

    out = console()
    for step in report.steps:
        if prose and step.line in prose:
            out.print(f"\n[italic]{escape(prose[step.line])}[/italic]")
        for row in _step_lines(step, lang):
            print_indented(out, row)  # a long (Chinese) message wraps under itself
    if report.first_failure is not None:
        first = next(s for s in report.steps if s.line == report.first_failure and s.status in ("fail", "error"))
        out.print(_failure_panel(first, lang))
    if report.ok:
        out.print("[green]" + t("Every step holds.", lang) + "[/green]")
    elif report.first_failure is not None:
        out.print("[red]" + t("The derivation breaks at line {n}.", lang, n=report.first_failure) + "[/red]")
    elif any(s.status == "undecided" and s.message.startswith("cannot check this line") for s in report.steps):
        out.print(
            "[yellow]"
            + t("Some lines cannot be checked (a construct matrix mode does not support).", lang)
            + "[/yellow]"
        )
    else:
        out.print("[yellow]" + t("Some steps could not be decided in time.", lang) + "[/yellow]")


def _run(func: Any, *args: Any, lang: str = "en", **kwargs: Any) -> Any:
    """Run a check with a Rich status spinner on an interactive terminal."""
    from dlquiz.render import error_console

    err = error_console()
    if not err.is_terminal:
        return func(*args, **kwargs)
    with err.status(t("checking the steps…", lang)):
        return func(*args, **kwargs)


@click.command(
    help=N_(
        "Check a derivation step by step: ✓ or ✗ for every line.\n"
        "\n"
        "FILE holds one step per line ('-' reads standard input); see\n"
        "examples/derivations/README.md for the format. Every step is judged by\n"
        "the same definition of equal as `dlquiz equiv`.\n"
        "\n"
        "\b\n"
        "Exit status:\n"
        "  0  every step holds\n"
        "  1  a step fails (does not follow from the one before)\n"
        "  2  bad input (an unreadable line: the message names line and column)\n"
        "  3  undecided: some step could not be decided in time, or a line cannot\n"
        "     be checked (matrix mode: a construct it does not know, e.g. A^2 of\n"
        "     a square matrix or det(A)); nothing failed\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz check examples/derivations/sigmoid.txt\n"
        "  printf 'let s = sigma(x)\\n d/dx s\\n = s*(1-s)\\n' | dlquiz check -\n"
        "  dlquiz check steps.txt --json"
    )
)
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--json", "as_json", is_flag=True, help=N_("Print the report as JSON."))
@lang_option
@click.option(
    "--timeout",
    type=FloatRange(0.001, 60),
    default=10.0,
    show_default=True,
    help=N_("Seconds allowed for each step."),
)
@click.option("--seed", type=int, default=0, show_default=True, help=N_("Seed of the random sample points."))
@handle_errors
def check(file: IO[str], as_json: bool, lang: str | None, timeout: float, seed: int) -> None:
    from dlquiz.symbolic.worker import prestart

    prestart()  # the checking process loads the engine while this command reads its input
    from dlquiz.errors import DlquizError
    from dlquiz.symbolic.steps import check_derivation

    lang = lang or default_lang()
    name = getattr(file, "name", "-")
    name = "<stdin>" if name in ("-", "<stdin>") else name
    try:
        text = file.read()
    except UnicodeDecodeError as exc:
        fail(
            t("{name}: not UTF-8 text (at byte {byte}); save the file as UTF-8", lang, name=name, byte=exc.start + 1),
            CheckExit.INPUT,
            lang,
        )
    try:
        report = _run(check_derivation, text, timeout=timeout, seed=seed, lang=lang)
    except DlquizError as exc:
        if as_json:  # scripts get JSON on stdout for input errors too
            error = {
                "error": f"{name}: {exc}",
                "error_zh": t("{name}: {error}", "zh", name=name, error=_exc_text(exc, "zh")),
            }
            click.echo(json.dumps({"ok": False, **error, "column": getattr(exc, "column", None)}, ensure_ascii=False))
            sys.exit(CheckExit.INPUT)
        fail(t("{name}: {error}", lang, name=name, error=_exc_text(exc, lang)), CheckExit.INPUT, lang)
    except (
        RecursionError,
        MemoryError,
        ValueError,
        TypeError,
        ArithmeticError,
        KeyError,
        IndexError,
        AttributeError,
        NotImplementedError,
    ) as exc:
        why = f"{type(exc).__name__}: {exc}"
        msg, msg_zh = (
            t("{name}: could not check this derivation ({why})", x, name=name, why=why) for x in ("en", "zh")
        )
        if as_json:
            click.echo(json.dumps({"ok": False, "error": msg, "error_zh": msg_zh, "column": None}, ensure_ascii=False))
            sys.exit(CheckExit.UNDECIDED)
        fail(msg_zh if lang == "zh" else msg, CheckExit.UNDECIDED, lang)
    if as_json:
        click.echo(json.dumps(_report_json(report), ensure_ascii=False, indent=2))
    else:
        _print_report(report, lang)
    raise SystemExit(int(_exit_code(report)))


@click.command(
    help=N_(
        "Show a verified derivation, every step checked live; no NAME lists them.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz derive\n"
        "  dlquiz derive softmax-ce-gradient --lang zh\n"
        "  dlquiz derive bptt-rnn --json"
    )
)
@click.argument("name", required=False)
@lang_option
@click.option(
    "--json", "as_json", is_flag=True, help=N_("Print the list, or the derivation with its live report, as JSON.")
)
@click.option(
    "--timeout",
    type=FloatRange(0.1, 120),
    default=15.0,
    show_default=True,
    help=N_("Seconds allowed for each step."),
)
@handle_errors
def derive(name: str | None, lang: str | None, as_json: bool, timeout: float) -> None:
    from dlquiz.symbolic.library import list_derivations, load_derivation

    lang = lang or default_lang()
    if name is None:
        items = list_derivations()
        if as_json:
            click.echo(
                json.dumps(
                    [
                        {
                            "name": d.name,
                            "topic": d.topic,
                            "source": d.source,
                            "title": {"en": d.title.en, "zh": d.title.zh},
                        }
                        for d in items
                    ],
                    ensure_ascii=False,
                    indent=2,
                )
            )
            return
        from rich.table import Table

        from dlquiz.render import console

        table = Table(title=t("derivations", lang), title_justify="left")
        table.add_column(t("name", lang), no_wrap=True)
        table.add_column(t("topic", lang), no_wrap=True)
        table.add_column(t("title", lang))
        for d in items:
            table.add_row(d.name, d.topic, d.title(lang))
        console().print(table)
        return

    from dlquiz.symbolic.steps import check_derivation

    d = load_derivation(name)
    report = _run(check_derivation, d.text, timeout=timeout, lang=lang)
    prose: dict[int, str] = {}
    line = 1
    for step in d.steps:
        if step.prose is not None:
            prose[line] = step.prose(lang)
        line += len(step.line.splitlines()) or 1
    if as_json:
        data = {
            "name": d.name,
            "topic": d.topic,
            "source": d.source,
            "title": {"en": d.title.en, "zh": d.title.zh},
            "steps": [
                {"line": s.line, "prose": None if s.prose is None else {"en": s.prose.en, "zh": s.prose.zh}}
                for s in d.steps
            ],
            "report": report.to_dict(),
        }
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        from rich.markup import escape

        from dlquiz.render import console

        out = console()
        from dlquiz.bank.sources import source_title

        out.print(
            f"[bold]{escape(d.title(lang))}[/bold]  [dim]{d.topic} · {escape(source_title(d.source, lang))}[/dim]"
        )
        if d.intro is not None:
            out.print(escape(d.intro(lang)))
        _print_report(report, lang, prose)
        if d.summary is not None:
            out.print("\n" + escape(d.summary(lang)))
    raise SystemExit(int(_exit_code(report)))
