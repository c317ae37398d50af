"""The `dlquiz` command line: a thin Click layer over the library.

Commands live in sibling modules and are imported only when used, so that
`dlquiz --help` does not pay for SymPy or NumPy.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any

import click

from dlquiz import __version__
from dlquiz.cli.common import ASKED_LANG, default_lang, group_lang_option, lang_in_args
from dlquiz.cli.help import HelpContext, speak, usage_errors_in
from dlquiz.i18n import N_

# command name -> "module:attribute"; the order is the order of `dlquiz --help`.
COMMANDS: dict[str, str] = {
    "quiz": "dlquiz.cli.quiz_cmd:quiz",
    "grade": "dlquiz.cli.grade_cmd:grade",
    "review": "dlquiz.cli.review_cmd:review",
    "exam": "dlquiz.cli.exam_cmd:exam",
    "topics": "dlquiz.cli.bank_cmd:topics",
    "show": "dlquiz.cli.bank_cmd:show",
    "search": "dlquiz.cli.search_cmd:search",
    "bank": "dlquiz.cli.bank_cmd:bank",
    "equiv": "dlquiz.cli.equiv_cmd:equiv",
    "check": "dlquiz.cli.engine_cmd:check",
    "derive": "dlquiz.cli.engine_cmd:derive",
    "example": "dlquiz.cli.worked_cmd:example",
    "worksheet": "dlquiz.cli.worked_cmd:worksheet",
    "plot": "dlquiz.cli.worked_cmd:plot",
    "stats": "dlquiz.cli.plan_cmd:stats",
    "plan": "dlquiz.cli.plan_cmd:plan",
    "export": "dlquiz.cli.export_cmd:export",
    "doctor": "dlquiz.cli.doctor_cmd:doctor",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use, and whose help and usage errors (its own and
    its commands') speak the language `--lang` asks for anywhere on the command line (see `cli.help`)."""

    context_class = HelpContext

    def make_context(
        self, info_name: str | None, args: list[str], parent: click.Context | None = None, **extra: Any
    ) -> click.Context:
        with usage_errors_in(lang_in_args(args) or default_lang()):
            return super().make_context(info_name, args, parent, **extra)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[ASKED_LANG] = lang_in_args(args)  # before --help, which is eager, is seen
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        with usage_errors_in(default_lang()):
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [name for name in COMMANDS if self._load(name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._load(cmd_name)

    @staticmethod
    def _load(name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module_name, attr = target.split(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # the part is not built yet
                return None
            raise
        command = getattr(module, attr, None)
        return speak(command) if isinstance(command, click.Command) else None


def _show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """--version, in the language of the command line or the locale (Click's own text is English)."""
    if not value or ctx.resilient_parsing:
        return
    from dlquiz.i18n import t

    lang = default_lang()  # the root group has read --lang from the command line already
    click.echo(t("{prog}, version {version}", lang, prog="dlquiz", version=__version__))
    ctx.exit()


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=N_(
        "dlquiz: exam prep for neural networks and deep learning.\n"
        "\n"
        "\b\n"
        "Start with a quiz, then let spaced repetition bring items back:\n"
        "  dlquiz quiz --topic act.sigmoid --n 5\n"
        "  dlquiz review\n"
        "  dlquiz check examples/derivations/sigmoid.txt\n"
        "  dlquiz example conv.output-size --random"
    ),
)
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help=N_("Show the version and exit."),
)
@group_lang_option
def cli() -> None:
    pass  # the help text is in the decorator, where the catalog finds it


EXIT_OUTPUT_ERROR = 74  # the output could not be written (EX_IOERR): disk full, a closed device


class _GuardedStdout:
    """Standard output that a closed pipe or a full disk cannot turn into a traceback.

    A reader that goes away (`dlquiz grade … | head -1`) only stops the output: the command
    finishes and exits with its own code (a right answer stays exit 0). Any other write error
    ends the command with one line on stderr and exit 74.
    """

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._closed = False

    def write(self, text: str) -> int:
        if not self._closed:
            try:
                return int(self._stream.write(text))
            except OSError as exc:
                self._failed(exc)
        return len(text)

    def flush(self) -> None:
        if not self._closed:
            try:
                self._stream.flush()
            except OSError as exc:
                self._failed(exc)

    def _failed(self, exc: OSError) -> None:
        self._closed = True
        try:  # later writes, and the interpreter's last flush, go nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._stream.fileno())
        except (OSError, ValueError):
            pass
        if not isinstance(exc, BrokenPipeError):
            from dlquiz.i18n import spaced, t
            from dlquiz.i18n.oserrors import os_reason

            lang = lang_in_args(sys.argv[1:]) or default_lang()
            message = t("cannot write the output ({reason})", lang, reason=os_reason(exc))
            sys.stderr.write(spaced(t("Error:", lang)) + message + "\n")
            sys.stderr.flush()
            raise SystemExit(EXIT_OUTPUT_ERROR)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> Any:
    """Entry point of the console script."""
    if not isinstance(sys.stdout, _GuardedStdout) and hasattr(sys.stdout, "fileno"):
        sys.stdout = _GuardedStdout(sys.stdout)
    return cli.main(args=argv, prog_name="dlquiz")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
