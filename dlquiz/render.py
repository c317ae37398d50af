"""Consoles shared by every command: results to stdout, errors to stderr.

Colour follows the terminal: no ANSI codes when output is not a TTY or when NO_COLOR is set.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console


def _make(stderr: bool, width: int | None = None) -> Console:
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    is_tty = stream.isatty()
    no_color = "NO_COLOR" in os.environ or not is_tty
    return Console(
        file=stream,
        stderr=stderr,
        no_color=no_color,
        color_system=None if no_color else "auto",
        force_terminal=is_tty and not no_color,
        highlight=False,
        emoji=False,
        soft_wrap=False,  # soft wrap would crop long lines inside panels
        width=width if width is not None else (None if is_tty else 100),
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
