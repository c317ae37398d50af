"""`dlquiz export anki | md`: the question bank as an Anki deck or printable Markdown."""

from __future__ import annotations

from pathlib import Path

import click

from dlquiz.cli.common import (
    bank_option,
    default_lang,
    handle_errors,
)
from dlquiz.cli.progress_common import check_folder
from dlquiz.i18n import t


@click.group()
def export() -> None:
    """Export the question bank: an Anki deck or a printable Markdown set.

    \b
    Examples:
      dlquiz export anki dl.apkg --lang both
      dlquiz export md -o sigmoid.md --topic act.sigmoid
    """


topic_option = click.option(
    "--topic", "-t", "topics", multiple=True, metavar="ID", help="Only topics with this id or prefix (repeatable)."
)


@export.command("anki")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@topic_option
@click.option(
    "--lang",
    type=click.Choice(["en", "zh", "both"]),
    default=None,
    help="Language of the cards (default: from the locale).",
)
@bank_option
@handle_errors
def export_anki_cmd(file: Path, topics: tuple[str, ...], lang: str | None, bank_dir: Path | None) -> None:
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
    check_folder(file, lang, "FILE")
    bank = load_bank(bank_dir)
    items = sorted(bank.select(topics=topics), key=lambda i: i.chapter)
    result = export_anki(items, file, lang=lang)  # type: ignore[arg-type]
    click.echo(t("Wrote {n} cards to {path}", lang, n=result.notes, path=result.path), err=True)


@export.command("md")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file (default: standard output).",
)
@topic_option
@click.option(
    "--lang", type=click.Choice(["en", "zh", "both"]), default=None, help="Language (default: from the locale)."
)
@bank_option
@handle_errors
def export_md_cmd(output: Path | None, topics: tuple[str, ...], lang: str | None, bank_dir: Path | None) -> None:
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
        check_folder(output, lang, "-o/--output")
    bank = load_bank(bank_dir)
    items = sorted(bank.select(topics=topics), key=lambda i: i.chapter)
    titles = {c.number: c.name(lang) for c in bank.syllabus.chapters}
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
        raise DlquizError(
            t("{path}: cannot write ({reason})", lang or default_lang(), path=output, reason=exc.strerror)
        ) from exc
    click.echo(t("Wrote {n} questions to {path}", lang or default_lang(), n=len(items), path=output), err=True)
