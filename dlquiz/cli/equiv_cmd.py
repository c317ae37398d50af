"""`dlquiz equiv`: is a candidate formula equal to a reference formula?"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from enum import IntEnum
from typing import IO, Any

import click

from dlquiz.cli.common import FloatRange, default_lang, handle_errors
from dlquiz.i18n import N_, Lazy, lazy, listing, spaced, t


class ExitCode(IntEnum):
    """Exit codes of `dlquiz equiv`."""

    EQUAL = 0
    DIFFERENT = 1  # not equal, or equal only on part of the domain
    INPUT_ERROR = 2
    UNDECIDED = 3


VERDICT_WORDS = {
    "equal": N_("equal"),
    "not_equal": N_("not equal"),
    "domain_only": N_("domain only"),
    "undecided": N_("undecided"),
    "error": N_("error"),
}
_EXIT = {
    "equal": ExitCode.EQUAL,
    "not_equal": ExitCode.DIFFERENT,
    "domain_only": ExitCode.DIFFERENT,
    "error": ExitCode.INPUT_ERROR,
    "undecided": ExitCode.UNDECIDED,
}


def _parse_let(values: tuple[str, ...], lang: str = "en") -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values:
        name, sep, expr = v.partition("=")
        if not sep or not name.strip() or not expr.strip():
            raise click.BadParameter(t("expected NAME=EXPR, got {value}", lang, value=repr(v)), param_hint="'--let'")
        out[name.strip()] = expr.strip()
    return out


def _error_row(ident: Any, lineno: int, message: str, message_zh: str) -> dict[str, Any]:
    """A batch line that could not be checked: its message in English and in Chinese, as a verdict row has."""
    return {"id": ident, "line": lineno, "verdict": "error", "ms": 0.0, "message": message, "message_zh": message_zh}


def _lazy_row(ident: Any, lineno: int, message: Lazy) -> dict[str, Any]:
    return _error_row(ident, lineno, str(message), message.text("zh"))


# what is wrong with a field of a batch line
_FIELD_PROBLEMS = {
    "id": N_("'id' must be a string or a number"),
    "reference": N_("'reference' must be a string"),
    "candidate": N_("'candidate' must be a string"),
    "assume": N_("'assume' must be a list of strings"),
    "latex": N_("'latex' must be true or false"),
    "let": N_("'let' must map names to strings"),
}


def _check_line(job: tuple[int, str | None, float, int]) -> dict[str, Any]:
    """Check one JSON line of a batch (runs in a batch thread; the check in a worker process)."""
    lineno, line, timeout, seed = job
    if line is None:
        return _lazy_row(None, lineno, lazy("line {line}: not UTF-8 text", line=lineno))
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:  # Python's words in English, as before; ours in Chinese
        return _error_row(
            None,
            lineno,
            f"line {lineno}: invalid JSON: {exc.msg} (column {exc.colno})",
            t("line {line}: not valid JSON at column {column}", "zh", line=lineno, column=exc.colno),
        )
    except (ValueError, RecursionError) as exc:  # a 5 000-digit number, 3 000 nested arrays
        why = lazy("a number with too many digits") if "digits" in str(exc) else lazy("nested too deeply")
        return _lazy_row(None, lineno, lazy("line {line}: invalid JSON: {why}", line=lineno, why=why))
    if not isinstance(data, dict):
        return _lazy_row(None, lineno, lazy("line {line}: expected a JSON object", line=lineno))
    ident = data.get("id")
    problems = []
    if not isinstance(ident, str | int | float | None):
        problems.append("id")
        ident = None
    for key in ("reference", "candidate"):
        if not isinstance(data.get(key), str):
            problems.append(key)
    assume = data.get("assume", [])
    if not isinstance(assume, list) or not all(isinstance(a, str) for a in assume):
        problems.append("assume")
    latex = data.get("latex")
    if latex is not None and not isinstance(latex, bool):
        problems.append("latex")
    let = data.get("let") or {}
    if not isinstance(let, dict) or not all(isinstance(v, str) for v in let.values()):
        problems.append("let")
    if problems:

        def said(lang: str) -> str:
            listed = listing([t(_FIELD_PROBLEMS[p], lang) for p in problems], lang, "clauses")
            return t("line {line}: {message}", lang, line=lineno, message=listed)

        return _error_row(ident, lineno, said("en"), said("zh"))
    from dlquiz.symbolic.equivalence import check_equivalence

    res = check_equivalence(
        expected=data["reference"],
        given=data["candidate"],
        assumptions=assume,
        latex=latex,
        let=let,
        timeout=timeout,
        seed=seed,
    )
    out: dict[str, Any] = {"id": ident, "line": lineno, **res.to_dict()}
    return out


def _numbered(stream: IO[str]) -> Iterator[tuple[int, str | None]]:
    """The lines of `stream` with their numbers; None for a line that is not UTF-8 text."""
    buffer = getattr(stream, "buffer", None)
    if buffer is None:  # already text (a StringIO)
        yield from enumerate(stream, start=1)
        return
    for n, raw in enumerate(iter(buffer.readline, b""), start=1):
        try:
            yield n, raw.decode("utf-8-sig" if n == 1 else "utf-8")  # a byte-order mark is fine
        except UnicodeDecodeError:
            yield n, None


def run_batch(
    stream: IO[str], jobs: int, timeout: float, seed: int, out: IO[str], tally: dict[str, int] | None = None
) -> int:
    """Check every JSON line of `stream`, writing one result line each, in input order.

    Returns the number of lines written; `tally`, if given, counts them by verdict.

    Lines are read and written as they go (memory stays bounded over any number of lines);
    with `jobs` > 1 that many checks run at once, each in its own worker process, so a slow
    line is undecided at its limit while the others go on. Verdicts do not depend on `jobs`.
    """
    from dlquiz.symbolic.worker import map_ordered

    work = ((i, line, timeout, seed) for i, line in _numbered(stream) if line is None or line.strip())
    n = 0
    for r in map_ordered(_check_line, work, jobs=jobs):
        out.write(json.dumps(r, ensure_ascii=False) + "\n")
        out.flush()
        n += 1
        if tally is not None:
            tally[str(r.get("verdict"))] = tally.get(str(r.get("verdict")), 0) + 1
    return n


def _show(res: Any, lang: str) -> None:
    from rich.cells import cell_len
    from rich.table import Table

    from dlquiz.render import console, plain

    con = console()
    labels = {
        k: t(k, lang)
        for k in (N_("reference interpreted as:"), N_("candidate interpreted as:"), N_("verdict:"), N_("known slip:"))
    }
    width = max(cell_len(x) for x in labels.values()) + 2  # aligned by cells: a Chinese character takes two

    def label(key: str) -> str:
        return labels[key] + " " * (width - cell_len(labels[key]))

    con.print(f"{label('reference interpreted as:')}{plain(res.reference)}", soft_wrap=True)
    for note in res.reference_notes_in(lang):  # how a name was read (pad as p·a·d), under its echo
        con.print(f"{' ' * width}{plain(note)}", soft_wrap=True, style="dim")
    con.print(f"{label('candidate interpreted as:')}{plain(res.interpreted)}", soft_wrap=True)
    for note in res.notes_in(lang):
        con.print(f"{' ' * width}{plain(note)}", soft_wrap=True, style="dim")
    styles = {
        "equal": "bold green",
        "not_equal": "bold red",
        "domain_only": "bold yellow",
        "undecided": "bold magenta",
        "error": "bold red",
    }
    v = res.verdict.value
    con.print(
        f"{label('verdict:')}[{styles[v]}]{t(VERDICT_WORDS.get(v, v), lang).upper()}[/] — "
        f"{plain(res.message_in(lang))}",
        soft_wrap=True,
    )
    if res.rule:
        msg = res.rule_message_zh if lang == "zh" else res.rule_message
        slip = t("{label}: ", lang, label=plain(res.rule_name_in(lang)))
        con.print(f"{label('known slip:')}{slip}{plain(msg)}", soft_wrap=True)
    cx = res.counterexample
    if cx:
        table = Table(title=t("counterexample", lang), show_header=True, header_style="bold")
        table.add_column(t("name", lang))
        table.add_column(t("value", lang), justify="right")
        from dlquiz.symbolic.parse import unicode_name

        for k, val in cx["point"].items():
            table.add_row(plain(unicode_name(k)), plain(val))
        table.add_row(f"[bold]{t('reference', lang)}[/]", plain(cx["expected"]))
        table.add_row(f"[bold]{t('candidate', lang)}[/]", plain(cx["given"]))
        con.print(table)


@click.command(
    "equiv",
    context_settings={"ignore_unknown_options": True},
    help=N_(
        "Check whether CANDIDATE equals REFERENCE (symbolically, with counterexamples).\n"
        "\n"
        "Exit status: 0 equal, 1 not equal or equal only on part of the domain, 2 input error,\n"
        "3 undecided. With --batch: 0 when every line was read (whatever its verdict), 2 when one\n"
        "could not be.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz equiv 'sigma(x)*(1-sigma(x))' 'exp(-x)/(1+exp(-x))^2'\n"
        "  dlquiz equiv 'x' 'sqrt(x^2)' --assume 'x>0'\n"
        "  dlquiz equiv '\\frac{1}{1+\\exp(-x)}' 'sigma(x)' --json\n"
        "  dlquiz equiv --batch cases.jsonl --jobs 2"
    ),
)
@click.argument("reference", required=False)
@click.argument("candidate", required=False)
@click.option(
    "--latex", is_flag=True, default=None, help=N_("Read both formulas as LaTeX (default: a backslash means LaTeX).")
)
@click.option(
    "--assume",
    "-a",
    multiple=True,
    metavar="A",
    help=N_("An assumption: 'x>0', '0<p<1', 'n positive integer', 'y1+y2=1', 'y in {0,1}'. Repeatable."),
)
@click.option(
    "--let",
    "lets",
    multiple=True,
    metavar="NAME=EXPR",
    help=N_("An abbreviation, e.g. --let 's=sigma(x)'. Repeatable."),
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print the result as one JSON object."))
@click.option(
    "--batch",
    type=click.File("r", encoding="utf-8"),
    default=None,
    metavar="FILE|-",
    help=N_("JSON lines {id, reference, candidate, latex, assume}; one result line each."),
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1, 256),
    default=None,
    help=N_("Checks at a time for --batch (default: the number of cores)."),
)
@click.option(
    "--timeout", type=FloatRange(0.1, 60), default=3.0, show_default=True, help=N_("Seconds allowed per check.")
)
@click.option("--seed", type=int, default=0, show_default=True, help=N_("Seed of the sample points."))
@click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help=N_("Language of explanations (default: from the locale)."),
)
@handle_errors
def equiv(
    reference: str | None,
    candidate: str | None,
    latex: bool | None,
    assume: tuple[str, ...],
    lets: tuple[str, ...],
    as_json: bool,
    batch: IO[str] | None,
    jobs: int | None,
    timeout: float,
    seed: int,
    lang: str | None,
) -> None:
    from dlquiz.symbolic.worker import prestart

    prestart()  # the checking process imports the engine while this one reads the input
    if batch is not None:
        if reference is not None or candidate is not None:
            raise click.UsageError(t("--batch takes no REFERENCE/CANDIDATE arguments", lang or default_lang()))
        tally: dict[str, int] = {}
        run_batch(batch, jobs or os.cpu_count() or 1, timeout, seed, sys.stdout, tally)
        sys.exit(2 if tally.get("error") else 0)  # as `grade --batch`: 2 when a line could not be read
    if reference is None or candidate is None:
        raise click.UsageError(t("give REFERENCE and CANDIDATE (or --batch FILE)", lang or default_lang()))
    from dlquiz.symbolic.equivalence import check_answer

    let = _parse_let(lets, lang or default_lang())
    res = check_answer(
        expected=reference,
        given=candidate,
        assumptions=assume,
        let=let,
        latex=latex or None,
        timeout=timeout,
        seed=seed,
    )
    if as_json:
        click.echo(json.dumps(res.to_dict(), ensure_ascii=False))
    elif res.verdict.value == "error":
        from dlquiz.render import error_console, plain

        lang = lang or default_lang()
        message = res.message_in(lang)
        in_reference = res.message.startswith("reference")
        # the assumptions are read before either formula: an error with no reference read is theirs
        in_assume = not in_reference and not res.reference
        if not in_reference:  # name the side, as a reference error does ("reference: …")
            side = "--assume" if in_assume else t("candidate", lang)
            message = t("{name}: {error}", lang, name=side, error=message)
        word = t("Error:", lang)
        error_console().print(f"[bold red]{word}[/bold red]{spaced(word).removeprefix(word)}{plain(message)}")
        if res.column is not None and not in_assume:
            text = reference if in_reference else candidate
            error_console().print(f"  {plain(text)}\n  {' ' * (res.column - 1)}^")
    else:
        _show(res, lang or default_lang())
    sys.exit(int(_EXIT[res.verdict.value]))
