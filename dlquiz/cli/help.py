"""`--help` and Click's usage errors in the reader's language, through the one catalog.

Help texts stay English literals in the decorators, marked with ``N_`` (``help=N_("...")``) so that the
catalog test finds them; their Chinese lives in ``dlquiz/i18n/zh-cli.toml``. Every command the root group
loads makes its contexts with `HelpContext`, whose help (and usage line) is the English Click writes, or
in Chinese the same parts rebuilt from the command's own data (usage pieces, option names and metavars,
``get_help_extra``) with each text looked up by `t`, wrapped by cell width (a Chinese character takes two).

Click writes its usage errors in English with ``gettext`` at the moment it raises them. Rather than
patch Click's ``gettext`` or ship a second (``.mo``) catalog, the root group turns a usage error into
`ShownUsageError` on its way out when the reader asked for Chinese: its message is rebuilt from the
exception's fields (``NoSuchOption.option_name``/``possibilities``, ``BadParameter.param``/``param_hint``,
``MissingParameter.param_type``, ``BadOptionUsage.option_name``) through the catalog; only where Click
hands over finished text (a type's "'x' is not a valid integer.", "Got unexpected extra argument (...)")
is Click's own wording recognised, with the parameter's type supplying the known part. Anything else
(our own messages are already in the reader's language) is shown as it is; the exit code stays 2.
"""

from __future__ import annotations

import inspect
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import IO, Any

import click

from dlquiz.cli.common import default_lang
from dlquiz.i18n import N_, chinese, spaced, t
from dlquiz.i18n.oserrors import os_reason_text

# the help texts Click writes itself (the help and version options): catalog messages like ours
CLICK_HELP = (N_("Show this message and exit."), N_("Show the version and exit."))
PATH_KINDS = {"File": N_("File"), "Directory": N_("Directory"), "Path": N_("Path")}
# what Click says of a path that will not do, after "File 'x'"
PATH_PROBLEMS = (
    ("does not exist.", N_("{kind} {filename} does not exist.")),
    ("is a file.", N_("{kind} {filename} is a file.")),
    ("is a directory.", N_("{kind} {filename} is a directory.")),
    ("is not readable.", N_("{kind} {filename} is not readable.")),
    ("is not writable.", N_("{kind} {filename} is not writable.")),
)
NUMBER_TYPES = {"integer": N_("{value} is not a valid integer."), "float": N_("{value} is not a valid float.")}


class HelpContext(click.Context):
    """A context whose help and usage line speak the language of the invocation (`default_lang`)."""

    def get_help(self) -> str:
        with self.scope(cleanup=False):
            lang = default_lang()
        return help_text(self, lang) if lang == "zh" else super().get_help()

    def get_usage(self) -> str:
        with self.scope(cleanup=False):
            lang = default_lang()
        return usage_text(self, lang) if lang == "zh" else super().get_usage()


def speak(command: click.Command) -> click.Command:
    """Let `command` (and a group's subcommands) show its help through `HelpContext`."""
    command.context_class = HelpContext
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            speak(sub)
    return command


# ---- help -------------------------------------------------------------------------------------------------


def usage_text(ctx: click.Context, lang: str) -> str:
    formatter = CellFormatter(width=ctx.terminal_width, max_width=ctx.max_content_width)
    pieces = ctx.command.collect_usage_pieces(ctx)
    formatter.write_usage(ctx.command_path, " ".join(pieces), spaced(t("Usage:", lang)))
    return formatter.getvalue().rstrip("\n")


def help_text(ctx: click.Context, lang: str) -> str:
    """The help of `ctx.command` in `lang`: Click's layout, every text through the catalog."""
    command = ctx.command
    formatter = CellFormatter(width=ctx.terminal_width, max_width=ctx.max_content_width)
    formatter.write_usage(ctx.command_path, " ".join(command.collect_usage_pieces(ctx)), spaced(t("Usage:", lang)))
    if command.help:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(inspect.cleandoc(t(command.help, lang)).partition("\f")[0])
    params = command.get_params(ctx)
    arguments = [p for p in params if isinstance(p, click.Argument)]
    if any(a.help for a in arguments):
        _section(formatter, t("Positional arguments:", lang), [_argument_row(a, ctx, lang) for a in arguments])
    options = [row for p in params if isinstance(p, click.Option) and (row := _option_row(p, ctx, lang))]
    _section(formatter, t("Options:", lang), options)
    if isinstance(command, click.Group):
        _section(formatter, t("Commands:", lang), _command_rows(command, ctx, formatter, lang))
    if command.epilog:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(inspect.cleandoc(t(command.epilog, lang)))
    return formatter.getvalue().rstrip("\n")


def _section(formatter: click.HelpFormatter, heading: str, rows: list[tuple[str, str]]) -> None:
    if rows:
        formatter.write_paragraph()
        formatter.write(f"{'':>{formatter.current_indent}}{heading}\n")
        with formatter.indentation():
            formatter.write_dl(rows)


def _argument_row(argument: click.Argument, ctx: click.Context, lang: str) -> tuple[str, str]:
    return argument.make_metavar(ctx), t(argument.help, lang) if argument.help else ""


def _option_row(option: click.Option, ctx: click.Context, lang: str) -> tuple[str, str] | None:
    """The option's names and metavar as Click writes them; its help and Click's notes on it translated."""
    if option.hidden:
        return None
    text = t(option.help, lang) if option.help else ""
    extra = option.get_help_extra(ctx)
    notes = []
    if "envvars" in extra:
        notes.append(t("env var: {var}", lang, var=", ".join(extra["envvars"])))
    if "default" in extra:
        notes.append(t("default: {default}", lang, default=extra["default"]))
    if "range" in extra:
        notes.append(extra["range"])
    if "required" in extra:
        notes.append(t("required", lang))
    if notes:
        text = f"{text}  [{'; '.join(notes)}]" if text else f"[{'; '.join(notes)}]"
    return option.get_help_spec(ctx), text


def _command_rows(
    group: click.Group, ctx: click.Context, formatter: click.HelpFormatter, lang: str
) -> list[tuple[str, str]]:
    commands = [(name, c) for name in group.list_commands(ctx) if (c := group.get_command(ctx, name)) and not c.hidden]
    if not commands:
        return []
    limit = formatter.width - 6 - max(len(name) for name, _ in commands)
    return [(name, short_help(c, limit, lang)) for name, c in commands]


def short_help(command: click.Command, limit: int, lang: str) -> str:
    """The line that stands for `command` in its group's list: the first sentence of its help, cut to
    `limit` cells. A help the catalog lacks gives Click's own short help."""
    if command.short_help:
        return t(command.short_help, lang)
    if not command.help or lang != "zh" or chinese(command.help) is None:
        return command.get_short_help_str(limit)
    first = inspect.cleandoc(t(command.help, lang)).split("\n\n")[0]
    sentence = first.split("。")[0].replace("\n", "")
    if cells(sentence) <= limit:
        return sentence
    out = ""
    for char in sentence:
        if cells(out + char) > limit - 1:
            break
        out += char
    return out + "…"


def cells(text: str) -> int:
    """Terminal cells of `text`: two for a wide (CJK) character."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# closing punctuation stays with the text before it, opening with the text after it
_CLOSING = set("，。、；：！？）」』”’》】,.;:!?)]")
_OPENING = set("（「『“‘《【")


def _tokens(text: str) -> list[str]:
    """Pieces a line may break between: a wide character, a run of other non-space characters, a space."""
    raw: list[str] = []
    for char in text:
        wide = unicodedata.east_asian_width(char) in "WF"
        if char.isspace():
            if raw and raw[-1].isspace():
                raw[-1] += char
            else:
                raw.append(char)
        elif not wide and raw and not raw[-1].isspace() and not _is_wide(raw[-1][-1]):
            raw[-1] += char
        else:
            raw.append(char)
    out: list[str] = []
    for piece in raw:
        if out and not out[-1].isspace() and not piece.isspace() and (piece[0] in _CLOSING or out[-1][-1] in _OPENING):
            out[-1] += piece
        else:
            out.append(piece)
    return out


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def fill(text: str, width: int, indent: str = "") -> list[str]:
    """`text` (one paragraph) broken into lines of at most `width` cells, each starting with `indent`."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if token.isspace():
            if line:
                line += " "
            continue
        if line.strip() and cells(indent + line + token) > width:
            lines.append(indent + line.rstrip())
            line = ""
        line += token
    if line.strip():
        lines.append(indent + line.rstrip())
    return lines


def _join(lines: Iterable[str]) -> str:
    """Lines of one paragraph as one text: a space between words, none between Chinese characters."""
    out = ""
    for line in lines:
        line = line.strip()
        if out and line and not (_is_wide(out[-1]) or _is_wide(line[0])):
            out += " "
        out += line
    return out


def _paragraphs(text: str) -> Iterator[tuple[int, bool, list[str]]]:
    """(indent, keep as written, lines) of each paragraph, as Click reads them: a blank line ends one, and
    one that starts with a line holding only ``\\b`` is not rewrapped."""
    block: list[str] = []
    for line in [*text.expandtabs().splitlines(), ""]:
        if line.strip():
            block.append(line)
            continue
        if block:
            indent = len(block[0]) - len(block[0].lstrip())
            if block[0].strip() == "\b":
                yield indent, True, block[1:]
            else:
                yield indent, False, block
            block = []


def wrap(text: str, width: int, indent: str = "") -> str:
    """Click's `wrap_text` with paragraphs, measured in terminal cells."""
    out = []
    for extra, raw, lines in _paragraphs(text):
        prefix = indent + " " * extra
        if raw:
            out.append("\n".join(prefix + line for line in lines))
        else:
            out.append("\n".join(fill(_join(lines), width, prefix)))
    return "\n\n".join(out)


class CellFormatter(click.HelpFormatter):
    """Click's help layout, with widths counted in terminal cells, so Chinese wraps and keeps its indent."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        head = f"{'':>{self.current_indent}}{prefix or ''}{prog} "
        if not args:
            self.write(head.rstrip(" ") + "\n")
            return
        text_width = self.width - self.current_indent
        if text_width >= cells(head) + 20:
            lines = fill(args, self.width, " " * cells(head))
            self.write(head + lines[0].lstrip(" ") + "\n")
            self.write("".join(line + "\n" for line in lines[1:]))
        else:
            self.write(head.rstrip(" ") + "\n")
            self.write("\n".join(fill(args, self.width, " " * (self.current_indent + 4))) + "\n")

    def write_text(self, text: str) -> None:
        self.write(wrap(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_col = min(max(cells(first) for first, _ in rows), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if cells(first) <= first_col - col_spacing:
                self.write(" " * (first_col - cells(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap(second, max(self.width - first_col - 2, 10)).splitlines() or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


# ---- usage errors -----------------------------------------------------------------------------------------


class ShownUsageError(click.UsageError):
    """A usage error of Click shown in `lang`: the usage line, the hint and the message, as Click lays
    them out, through the catalog. Exit code 2, like every usage error."""

    def __init__(self, original: click.UsageError, lang: str) -> None:
        super().__init__(original.message, original.ctx)
        self.original = original
        self.lang = lang

    def format_message(self) -> str:
        return usage_error_message(self.original, self.lang)

    def show(self, file: IO[Any] | None = None) -> None:
        ctx = self.ctx
        color = None
        if ctx is not None:
            color = ctx.color
            hint = ""
            if ctx.command.get_help_option(ctx) is not None:
                option = max(ctx.command.get_help_option_names(ctx), key=len)
                hint = t("Try '{command} {option}' for help.", self.lang, command=ctx.command_path, option=option)
                hint += "\n"
            click.echo(f"{usage_text(ctx, self.lang)}\n{hint}", file=file, err=True, color=color)
        click.echo(spaced(t("Error:", self.lang)) + self.format_message(), file=file, err=True, color=color)


@contextmanager
def usage_errors_in(lang: str) -> Iterator[None]:
    """Show the usage errors Click raises inside the block in `lang` (Click's own English otherwise)."""
    try:
        yield
    except click.exceptions.NoArgsIsHelpError:
        raise  # its message is the help, already in the language
    except click.UsageError as exc:
        if lang != "zh" or isinstance(exc, ShownUsageError):
            raise
        raise ShownUsageError(exc, lang) from exc


def _between(text: str, head: str, tail: str) -> str | None:
    """The part of `text` between `head` and `tail`, or None when it does not have that shape."""
    if len(text) >= len(head) + len(tail) and text.startswith(head) and text.endswith(tail):
        return text[len(head) : len(text) - len(tail)]
    return None


def _hint(exc: click.BadParameter) -> str | None:
    hint: Sequence[str] | str | None = exc.param_hint
    if hint is None and exc.param is not None:
        hint = exc.param.get_error_hint(exc.ctx)
    if hint is None or isinstance(hint, str):
        return hint
    return " / ".join(repr(x) for x in hint)


def _possibilities(message: str, possibilities: list[str] | None, lang: str) -> str:
    if not possibilities:
        return message
    names = ", ".join(repr(p) for p in sorted(possibilities))
    if len(possibilities) == 1:
        return spaced(message) + t("Did you mean {possibility}?", lang, possibility=names)
    return spaced(message) + t("(Did you mean one of: {possibilities}?)", lang, possibilities=names)


def _value_message(exc: click.BadParameter, lang: str) -> str:
    """What Click's parameter type said of the value, in `lang`; the message as it is when it is not one
    of Click's (our own callbacks write theirs in the reader's language already)."""
    message = exc.message
    kind = exc.param.type if exc.param is not None else None
    if isinstance(kind, click.IntRange | click.FloatRange):
        value = _between(message, "", f" is not in the range {kind._describe_range()}.")
        if value is not None:
            return t("{value} is not in the range {range}.", lang, value=value, range=kind._describe_range())
    if isinstance(kind, click.types.IntParamType | click.types.FloatParamType):
        value = _between(message, "", f" is not a valid {kind.name}.")  # "integer", "float range", ...
        if value is not None:
            template = NUMBER_TYPES["integer" if isinstance(kind, click.types.IntParamType) else "float"]
            return t(template, lang, value=value)
    if isinstance(kind, click.Choice):
        choices = ", ".join(repr(c) for c in kind.choices)
        value = _between(message, "", f" is not one of {choices}.")
        if value is not None:
            return t("{value} is not one of {choices}.", lang, value=value, choices=choices)
        value = _between(message, "", f" is not {choices}.")
        if value is not None:
            return t("{value} is not {choice}.", lang, value=value, choice=choices)
    if isinstance(kind, click.File) and message.startswith("'") and "': " in message:
        quoted, reason = message.rsplit("': ", 1)  # Click: "'{filename}': {strerror}"
        return t("{filename}: {reason}", lang, filename=quoted + "'", reason=os_reason_text(reason, lang))
    if isinstance(kind, click.Path):
        name = kind.name.title()
        for tail, template in PATH_PROBLEMS:
            filename = _between(message, f"{name} ", f" {tail}")
            if filename is not None and name in PATH_KINDS:
                return t(template, lang, kind=t(PATH_KINDS[name], lang), filename=filename)
    return message


def _missing(exc: click.MissingParameter, lang: str) -> str:
    kind = exc.param_type or (exc.param.param_type_name if exc.param is not None else "parameter")
    hint = _hint(exc)
    hint = f" {hint}" if hint else ""
    if kind == "argument":
        text = t("Missing argument{hint}.", lang, hint=hint)
    elif kind == "option":
        text = t("Missing option{hint}.", lang, hint=hint)
    else:
        text = t("Missing parameter{hint}.", lang, hint=hint)
    extra = exc.message
    if exc.param is not None and isinstance(exc.param.type, click.Choice):
        choices = ",\n\t".join(str(c) for c in exc.param.type.choices)
        choose = t("Choose from:\n\t{choices}", lang, choices=choices)
        extra = f"{extra}. {choose}" if extra else choose
    return f"{text} {extra}" if extra else text


def usage_error_message(exc: click.UsageError, lang: str) -> str:
    """The message of Click's usage error `exc` in `lang`, rebuilt from its fields."""
    message = exc.message
    if isinstance(exc, click.NoSuchOption) and message == f"No such option {exc.option_name!r}.":
        text = t("No such option {name}.", lang, name=repr(exc.option_name))
        return _possibilities(text, exc.possibilities, lang)
    if isinstance(exc, click.exceptions.NoSuchCommand) and message == f"No such command {exc.command_name!r}.":
        text = t("No such command {name}.", lang, name=repr(exc.command_name))
        return _possibilities(text, exc.possibilities, lang)
    if isinstance(exc, click.MissingParameter):
        return _missing(exc, lang)
    if isinstance(exc, click.BadParameter):
        hint = _hint(exc)
        value = _value_message(exc, lang)
        if hint is None:
            return t("Invalid value: {message}", lang, message=value)
        return t("Invalid value for {param_hint}: {message}", lang, param_hint=hint, message=value)
    if isinstance(exc, click.BadOptionUsage):
        name = repr(exc.option_name)
        if message == f"Option {name} requires an argument.":
            return t("Option {name} requires an argument.", lang, name=name)
        if message == f"Option {name} does not take a value.":
            return t("Option {name} does not take a value.", lang, name=name)
    if message == "Missing command.":
        return t("Missing command.", lang)
    extra = _between(message, "Got unexpected extra argument (", ")")
    if extra is not None:
        return t("Got unexpected extra argument ({args})", lang, args=extra)
    extra = _between(message, "Got unexpected extra arguments (", ")")
    if extra is not None:
        return t("Got unexpected extra arguments ({args})", lang, args=extra)
    return exc.format_message()
