"""Options and error handling shared by the commands."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from dlquiz.errors import DlquizError, UsageError
from dlquiz.i18n import N_

F = TypeVar("F", bound=Callable[..., Any])

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


# where the root group keeps the language asked on the command line (ctx.meta is shared by the subcommands)
ASKED_LANG = "dlquiz.asked_lang"


def lang_in_args(args: list[str]) -> str | None:
    """The language `--lang zh|en` (or `--lang=zh`) asks for anywhere on the command line, the last one
    winning as with Click; None when none is given (or `--lang both`, a language only exports have)."""
    asked = None
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            break
        value = (
            next(rest, None) if arg == "--lang" else arg.removeprefix("--lang=") if arg.startswith("--lang=") else None
        )
        if value in ("en", "zh"):  # a later, invalid --lang (a usage error) does not undo a valid one
            asked = value
    return asked


def default_lang() -> str:
    """zh when the command line or the locale asks for Chinese, else en: the one rule every command follows.

    `--lang zh|en` on the command line of this invocation decides first (before or after the command's
    name, and already while Click reads the options, so `--help` and usage errors follow it too).
    Then, as gettext does: LANGUAGE (a colon-separated list; its first zh or en entry decides),
    then the first of LC_ALL, LC_MESSAGES, LANG that is set to something other than C/POSIX.
    """
    ctx = click.get_current_context(silent=True)
    asked = ctx.meta.get(ASKED_LANG) if ctx is not None else None
    if asked in ("en", "zh"):
        return str(asked)
    for entry in os.environ.get("LANGUAGE", "").split(":"):
        entry = entry.strip().lower()
        if entry.startswith(("zh", "en")):
            return entry[:2]
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX"):
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class FloatRange(click.FloatRange):
    """Click's FloatRange that also refuses nan: nan compares false with every bound, so Click lets it through
    (and a time limit of nan minutes or seconds then breaks deep inside)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:  # nan
            from dlquiz.i18n import t

            self.fail(t("{value} is not a number", default_lang(), value=value), param, ctx)
        return number


def fail(message: str, code: int = 1, lang: str | None = None) -> NoReturn:
    """Print `Error: message` on stderr (the word in `lang`, default: the locale's) and exit with `code`."""
    from dlquiz.i18n import spaced, t
    from dlquiz.render import error_console

    word = t("Error:", lang or default_lang())
    gap = spaced(word)[len(word) :]  # none after a full-width colon
    error_console().print(f"[bold red]{word}[/bold red]{gap}{_escape(message)}")
    sys.exit(code)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _message(exc: BaseException, lang: str | None) -> str:
    from dlquiz.i18n import localized

    return localized(exc, lang or default_lang())


def handle_errors(func: F) -> F:
    """Turn library errors into a clean message and exit code, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        lang = kwargs.get("lang") if kwargs.get("lang") in ("en", "zh") else None  # the command's --lang
        try:
            return func(*args, **kwargs)
        except UsageError as exc:
            fail(_message(exc, lang), EXIT_USAGE, lang)
        except DlquizError as exc:
            fail(_message(exc, lang), 1, lang)
        except KeyboardInterrupt:
            from dlquiz.i18n import t

            sys.stderr.write("\n" + t("interrupted", lang or default_lang()) + "\n")
            sys.exit(EXIT_INTERRUPTED)

    return wrapper  # type: ignore[return-value]


bank_option = click.option(
    "--bank",
    "bank_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar="DLQUIZ_BANK",
    default=None,
    help=N_("Question bank folder (default: the bank shipped with dlquiz; env DLQUIZ_BANK)."),
)
lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    help=N_("Language of messages, tables and questions (default: from the locale)."),
)
# a group's --lang: the language of the commands under it (default_lang reads it from the command line)
group_lang_option = click.option(
    "--lang",
    type=click.Choice(["zh", "en"]),
    default=None,
    expose_value=False,
    help=N_("Language of every command's messages, help and errors (default: from the locale)."),
)
home_option = click.option(
    "--home",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="DLQUIZ_HOME",
    default=None,
    help=N_("Folder of the progress database (default: the user data folder; env DLQUIZ_HOME)."),
)
