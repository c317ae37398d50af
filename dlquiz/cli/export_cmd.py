"""`dlquiz export anki | md`: the question bank as an Anki deck or printable Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from dlquiz.cli.common import (
    bank_option,
    default_lang,
    group_lang_option,
    handle_errors,
)
from dlquiz.cli.progress_common import check_folder
from dlquiz.i18n import N_, Text, t
from dlquiz.i18n.oserrors import os_reason


@click.group(
    help=N_(
        "Export the question bank: an Anki deck or a printable Markdown set.\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz export anki dl.apkg --lang both\n"
        "  dlquiz export md -o sigmoid.md --topic act.sigmoid"
    )
)
@group_lang_option
def export() -> None:
    pass  # the help text is in the decorator, where the catalog finds it


topic_option = click.option(
    "--topic", "-t", "topics", multiple=True, metavar="ID", help=N_("Only topics with this id or prefix (repeatable).")
)


@export.command(
    "anki",
    help=N_(
        "Write an Anki package (.apkg): one card per item, answer and explanation on the back.\n"
        "\n"
        "\b\n"
        "Importing a newer export into Anki updates the same deck.\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz export anki dl.apkg\n"
        "  dlquiz export anki conv.apkg --topic conv. --lang both"
    ),
)
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@topic_option
@click.option(
    "--lang",
    type=click.Choice(["en", "zh", "both"]),
    default=None,
    help=N_("Language of the cards (default: from the locale)."),
)
@bank_option
@handle_errors
def export_anki_cmd(file: Path, topics: tuple[str, ...], lang: str | None, bank_dir: Path | None) -> None:
    from dlquiz.bank import load_bank
    from dlquiz.progress.export import export_anki

    lang = lang or default_lang()
    ui = lang if lang in ("en", "zh") else default_lang()  # the language of messages (not "both")
    check_folder(file, ui, "FILE")
    bank = load_bank(bank_dir)
    items = sorted(bank.select(topics=topics), key=lambda i: i.chapter)
    result = export_anki(items, file, lang=lang)  # type: ignore[arg-type]
    click.echo(t("Wrote {n} cards to {path}", ui, n=result.notes, path=result.path), err=True)


@export.command(
    "md",
    help=N_(
        "Write a printable question set with the answers at the end (Markdown).\n"
        "\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz export md -o practice.md\n"
        "  dlquiz export md --topic act. --lang zh > activations.md"
    ),
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help=N_("Write to this file (default: standard output)."),
)
@topic_option
@click.option(
    "--lang", type=click.Choice(["en", "zh", "both"]), default=None, help=N_("Language (default: from the locale).")
)
@bank_option
@handle_errors
def export_md_cmd(output: Path | None, topics: tuple[str, ...], lang: str | None, bank_dir: Path | None) -> None:
    from dlquiz.bank import load_bank
    from dlquiz.errors import DlquizError
    from dlquiz.progress.export import export_markdown

    lang = lang or default_lang()
    ui = lang if lang in ("en", "zh") else default_lang()  # the language of messages (not "both")
    if output is not None:
        check_folder(output, ui, "-o/--output")
    bank = load_bank(bank_dir)
    items = sorted(bank.select(topics=topics), key=lambda i: i.chapter)
    titles = {c.number: Text(c.name("en"), c.name("zh")) for c in bank.syllabus.chapters}
    text = export_markdown(
        items,
        lang=lang,  # type: ignore[arg-type]
        chapter_titles=titles,
    )
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise DlquizError(t("{path}: cannot write ({reason})", ui, path=output, reason=os_reason(exc))) from exc
    click.echo(t("Wrote {n} questions to {path}", ui, n=len(items), path=output), err=True)
