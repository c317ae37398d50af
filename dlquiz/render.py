"""Consoles shared by every command: results to stdout, errors to stderr.

Colour follows the terminal: no ANSI codes when output is not a TTY or when NO_COLOR is set.
When output is not a terminal, messages are not hard-wrapped and COLUMNS sets the layout width.
"""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def _make(stderr: bool, width: int | None = None) -> Console:
    from rich.console import Console

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
        file=stream,
        stderr=stderr,
        no_color=no_color,
        color_system=None if no_color else "auto",
        force_terminal=is_tty and not no_color,
        highlight=False,
        emoji=False,
        soft_wrap=False,  # soft wrap would crop long lines inside panels
        width=width,
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
