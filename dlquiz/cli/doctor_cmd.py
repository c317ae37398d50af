"""`dlquiz doctor`: checks the home folder, the disk and the progress database."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dlquiz.cli.common import (
    default_lang,
    handle_errors,
    home_option,
    lang_option,
)
from dlquiz.cli.progress_common import print_json
from dlquiz.i18n import N_, t

# what `dlquiz doctor` names: its checks and the rows it counts
DOCTOR_WORDS = (
    N_("home"),
    N_("disk"),
    N_("file"),
    N_("format"),
    N_("identity"),
    N_("schema"),
    N_("integrity"),
    N_("reviews"),
    N_("read"),
    N_("write"),
    N_("answers"),
    N_("cards"),
    N_("exams"),
    N_("settings"),
)


@click.command(
    help=N_(
        "Check what a session needs: the home folder, free disk, and the progress database.\n"
        "\n"
        "\b\n"
        "Exit status 1 where a session would fail: a home that cannot be reached or written, a full\n"
        "disk, a database that is damaged, foreign, newer, or cannot take a write. Nothing is\n"
        "changed (the trial write is rolled back).\n"
        "\b\n"
        "Examples:\n"
        "  dlquiz doctor\n"
        "  dlquiz doctor --home ~/exam-prep --json"
    )
)
@click.option("--json", "as_json", is_flag=True, help=N_("Print machine-readable JSON."))
@lang_option
@home_option
@handle_errors
def doctor(as_json: bool, lang: str | None, home: Path | None) -> None:
    from dlquiz.progress.doctor import diagnose
    from dlquiz.render import console as make_console

    lang = lang or default_lang()
    path, checks, counts = diagnose(home, "en" if as_json else lang)
    ok = all(c.ok for c in checks)
    if as_json:
        print_json(
            {
                "path": str(path),
                "ok": ok,
                "checks": [{"name": c.name, "ok": c.ok, "message": c.message} for c in checks],
                "counts": counts,
            }
        )
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
