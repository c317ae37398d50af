"""Consoles shared by every command: results to stdout, errors to stderr.

Colour follows the terminal: no ANSI codes when output is not a TTY or when NO_COLOR is set.
When output is not a terminal, messages are not hard-wrapped, COLUMNS sets the layout width, and no line
ends in spaces (Rich pads table cells and wrapped lines to the width; a script or a diff should not see that).
"""

from __future__ import annotations

import os
import re
import sys
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from rich.console import Console


_TRAILING = re.compile(r"[ \t]+(?=\n)")


class _NoTrailingSpaces:
    """A text stream that drops the spaces ending each line written to `stream` (Rich writes whole
    lines per print; a prompt such as "> " written without its newline keeps its space)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(_TRAILING.sub("", text))
        return len(text)

    def __getattr__(self, name: str) -> Any:  # flush, isatty, fileno, encoding: the stream's own
        return getattr(self.stream, name)


# Where a line may break: Rich breaks only at spaces, so a Chinese paragraph with one inline formula broke
# at the formula's spaces and left a short line. Here each CJK character is a word of its own (Chinese breaks
# between any two characters), except that closing punctuation stays with the character before it and
# opening punctuation with the one after it (no line starts with ，or ends with （).
_CJK = "\u2e80-\u2fff\u3001-\u303f\u3040-\u9fff\uac00-\ud7af\uf900-\ufaff\uff01-\uff60"
_OPEN = "（「『【〈《"
_CLOSE = "，。、；：！？）」』】〉》"
_WORD = re.compile(rf"\s*(?:[{_OPEN}]*[{_CJK}][{_CLOSE}]*|[^\s{_CJK}]+[{_CLOSE}]*)\s*")


def _words(text: str) -> Any:
    """rich._wrap.words with the break opportunities of Chinese text: (start, end, word) for each word."""
    match = _WORD.match(text, 0)
    while match is not None:
        start, end = match.span()
        yield start, end, match.group(0)
        match = _WORD.match(text, end)


def _wrap_chinese_by_cells() -> None:
    import rich._wrap

    rich._wrap.words = _words  # the one function Rich's line breaking asks where words are


def _make(stderr: bool, width: int | None = None) -> Console:
    from rich.console import Console

    _wrap_chinese_by_cells()

    class _Console(Console):
        """Plain strings are never hard-wrapped when the stream is not a terminal: a script reads
        one message per line. Panels and tables still lay out at the console's width."""

        def print(self, *objects: Any, **kwargs: Any) -> None:
            if not self.is_terminal and objects and all(isinstance(o, str) for o in objects):
                kwargs.setdefault("soft_wrap", True)
            super().print(*objects, **kwargs)

    stream = sys.stderr if stderr else sys.stdout
    is_tty = stream.isatty()
    no_color = "NO_COLOR" in os.environ or not is_tty
    if width is None and not is_tty and not os.environ.get("COLUMNS", "").isdigit():
        width = 100  # layout width of panels and tables when piped; COLUMNS overrides it
    return _Console(
        file=stream if is_tty else _NoTrailingSpaces(stream),  # type: ignore[arg-type]
        stderr=stderr,
        no_color=no_color,
        color_system=None if no_color else "auto",
        force_terminal=is_tty and not no_color,
        highlight=False,
        emoji=False,
        soft_wrap=False,  # soft wrap would crop long lines inside panels
        width=width,
    )


def text_console(file: TextIO, width: int) -> Console:
    """A console that writes plain text at a fixed width to `file` (snapshots, exports), breaking lines
    as every other console does."""
    from rich.console import Console

    _wrap_chinese_by_cells()
    return Console(
        file=file,
        width=width,
        no_color=True,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        legacy_windows=False,
    )


def console(width: int | None = None) -> Console:
    """A console on stdout (plain text when not a TTY or when NO_COLOR is set)."""
    return _make(stderr=False, width=width)


def error_console() -> Console:
    """A console on stderr for errors and warnings."""
    return _make(stderr=True)


def plain(text: str) -> str:
    """Escape text so Rich shows it literally (bank text may contain [brackets])."""
    from rich.markup import escape

    return escape(text)


def crop(text: str, cells: int) -> str:
    """`text` on one line, at most `cells` terminal cells wide (a Chinese character takes two cells,
    so counting characters would make a Chinese line twice too wide), ending in … where it is cut."""
    from rich.cells import cell_len, set_cell_size

    line = " ".join(text.split())
    if cell_len(line) <= cells:
        return line
    return set_cell_size(line, max(cells - 1, 0)).rstrip() + "…"


def hanging(rows: list[tuple[str, Any]], indent: int = 2) -> Any:
    """Marked lines (`(marker, text)`: "a)", "1.", "✗") `indent` cells in, each text wrapping under
    itself: Rich wraps by cell width, so a Chinese line breaks at the edge and keeps its indent
    (a string with spaces in front would lose it on the next line)."""
    from rich.padding import Padding
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")  # Chinese has no spaces to wrap at: fold by cells
    for marker, text in rows:
        grid.add_row(marker, Text(text) if isinstance(text, str) else text)
    return Padding(grid, (0, 0, 0, indent))


def print_indented(console: Console, row: str) -> None:
    """Print a markup line whose leading spaces are its indent. On a terminal the lines it wraps into keep
    the indent (Rich wraps by cells, so Chinese breaks at the edge); elsewhere it stays one line."""
    from rich.padding import Padding

    text = row.lstrip(" ")
    indent = len(row) - len(text)
    if indent and console.is_terminal:
        console.print(Padding(text, (0, 0, 0, indent)))
    else:
        console.print(row)
