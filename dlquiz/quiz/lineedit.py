"""Reading answers in a terminal with prompt_toolkit: line editing that keeps the prompt, and a
countdown in the prompt that redraws every second while the student types.

prompt_toolkit is imported here only, when a terminal session reads its first line, so that start-up
(`dlquiz --help`) does not pay for it. Without a terminal the quiz reads plain lines instead.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

ReadLine = Callable[[str], str]
WATCH_S = 0.2  # how often time-up is checked while waiting


def countdown(left: float, lang: str) -> str:
    """ "2:53 left", in `lang`."""
    from dlquiz.i18n import t

    minutes, seconds = divmod(max(0, math.ceil(left)), 60)
    return t("{minutes}:{seconds:02d} left", lang, minutes=minutes, seconds=seconds)


def terminal_reader(
    console: Console,
    *,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    lang: str = "en",
    on_time_up: Callable[[], BaseException] | None = None,
) -> ReadLine:
    """A `read_line(prompt)` for a terminal.

    Ctrl-U erases the typed text, never the prompt; ← → and history work as in a shell. With a
    `deadline` (a `clock()` value), the prompt starts with the time left, redrawn every second,
    and when the time is up the wait ends with the exception `on_time_up()` returns. Ctrl-C
    raises KeyboardInterrupt and Ctrl-D on an empty line EOFError, as `input()` does.
    """
    # no cursor-position requests: nothing here needs them, and a terminal that does not answer
    # them would make every prompt wait
    os.environ.setdefault("PROMPT_TOOLKIT_NO_CPR", "1")
    from prompt_toolkit import PromptSession
    from prompt_toolkit.formatted_text import FormattedText

    session: PromptSession[str] = PromptSession()

    def read(prompt: str) -> str:
        console.file.flush()
        # a colour of its own (the default one), so that the renderer writes the trailing space (a blank
        # cell in the default style is skipped with a cursor move, and scripts wait for "> ")
        shown = ("fg:ansidefault", prompt)
        if deadline is None:
            return session.prompt(FormattedText([shown]))

        def message() -> Any:
            return FormattedText([("bold fg:ansiyellow", f"⏱ {countdown(deadline - clock(), lang)} "), shown])

        async def watch() -> None:
            import asyncio

            while clock() < deadline:
                await asyncio.sleep(min(WATCH_S, max(0.0, deadline - clock())))
            session.app.exit(exception=on_time_up() if on_time_up is not None else TimeoutError())

        def pre_run() -> None:
            session.app.create_background_task(watch())

        return session.prompt(message, refresh_interval=1.0, pre_run=pre_run)

    return read
