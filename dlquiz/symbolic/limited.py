"""Checks under the worker's hard limit, in the engine's terms: reading a formula, a derivation.

worker.py is the mechanism (processes, pipes, the kill); this module says what a check that ran
out of time or failed becomes:

- ``parse_math``: dlquiz.symbolic.parse.parse_math (the reading and its "interpreted as" echo)
  in a worker; a text that takes too long is refused with a ParseError, never a hang. A text that
  ran past a limit is remembered (``known_slow``), so the next reader of the same answer in this
  process (grading reads an answer in several steps) refuses it at once.
- ``derivation``: a derivation check in a worker, limited to timeout × (transitions + 1) + GRACE;
  past it every step is undecided ("the time budget of the derivation is used up").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Mapping
from typing import TYPE_CHECKING, Any

from dlquiz.errors import ParseError
from dlquiz.i18n import lazy
from dlquiz.symbolic.limits import GRACE, TimeLimit
from dlquiz.symbolic.messages import at_column
from dlquiz.symbolic.worker import WorkerFailed, run

if TYPE_CHECKING:
    from dlquiz.symbolic.parse import Parsed

__all__ = ["derivation", "known_slow", "parse_math", "transitions", "undecided_report"]

_SLOW_LOCK = threading.Lock()


# ----------------------------------------------------------------------------- derivations

_GIVEN_WORDS = ("let", "assume", "matrix", "vector", "scalar")


def transitions(text: str) -> int:
    """An upper bound on the transitions of a derivation: its '=' signs, at least 1."""
    return max(1, text.count("="))


def derivation(
    fn: Callable[..., Any], args: tuple[Any, ...], timeout: float, text: str, *, start: str | None = None
) -> Any:
    """A derivation check in a worker, limited to `timeout` × (transitions + 1) + GRACE.

    Past that (or when the worker stops) the report has every step undecided with the reason.
    """
    seconds = timeout * (transitions(text) + 1) + GRACE
    try:
        return run(fn, *args, seconds=seconds)
    except (TimeLimit, WorkerFailed) as exc:
        message = (
            lazy("the time budget of the derivation is used up")
            if isinstance(exc, TimeLimit)
            else lazy("the check stopped: {reason}", reason=exc.args[0] if len(exc.args) == 1 else str(exc))
        )
        return undecided_report(text, message, start=start)


def undecided_report(text: str, message: str, *, start: str | None = None) -> Any:
    """A report with every step of `text` undecided (`message`), givens as givens."""
    from dlquiz.symbolic.lines import DerivationReport, StepResult

    steps: list[StepResult] = []
    if start is not None:
        steps.append(StepResult(0, start, start, "given", "start"))
    for no, raw in enumerate(text.lstrip("\ufeff").splitlines(), start=1):
        body = raw.split("#", 1)[0].strip()
        if not body:
            continue
        if body.split(None, 1)[0] in _GIVEN_WORDS:
            steps.append(StepResult(no, body, body, "given"))
        else:
            steps.append(StepResult(no, body, body, "undecided", message))
    return DerivationReport(False, tuple(steps), None)


# ----------------------------------------------------------------------------- parse and echo


_SLOW: dict[tuple[str, bool | None, tuple[tuple[str, str], ...]], float] = {}  # text -> limit it ran past
_SLOW_MAX = 256


def _slow_key(
    text: str, latex: bool | None, let: Mapping[str, str] | None
) -> tuple[str, bool | None, tuple[tuple[str, str], ...]]:
    return text, latex, tuple(sorted((let or {}).items()))


def known_slow(
    text: object, latex: bool | None = None, let: Mapping[str, str] | None = None, timeout: float = 1.0
) -> str:
    """The reason, when reading `text` already ran past a limit of at least `timeout` in this
    process (so a second check of the same answer does not wait for it again); else ""."""
    if not isinstance(text, str):
        return ""
    with _SLOW_LOCK:
        past = _SLOW.get(_slow_key(text, latex, let))
    if past is None or past < timeout:
        return ""
    return lazy("time limit reached (reading the formula took over {seconds:g} s)", seconds=past)


def _parse(
    text: str,
    latex: bool | None,
    let: dict[str, str] | None,
    timeout: float,
    names: frozenset[str] = frozenset(),
    any_names: bool = False,
) -> Parsed:
    from dlquiz.symbolic.parse import parse_math as parse_here

    return parse_here(text, latex=latex, let=let, timeout=timeout, names=names, any_names=any_names)


def parse_math(
    text: str,
    *,
    latex: bool | None = None,
    let: Mapping[str, str] | None = None,
    timeout: float = 1.0,
    names: Collection[str] = (),
    any_names: bool = False,
) -> Parsed:
    """`dlquiz.symbolic.parse.parse_math` (reading and the "interpreted as" echo) under a hard limit.

    `names` (declared multi-letter names, e.g. a reference's ``Parsed.names``) and `any_names`
    (every letter run is one name) mean what they mean there; the worker caches the result per
    process for each combination.

    Raises ParseError for unreadable text (with the column) and also when reading takes longer
    than `timeout` (+ GRACE) or fails inside the engine -- the text is then refused, never a hang.
    """
    if known_slow(text, latex, let, timeout):  # it ran past this limit before: refuse at once
        raise ParseError(_too_slow(timeout), column=None, text=text)
    t0 = time.monotonic()
    try:
        return run(
            _parse,
            text,
            latex,
            dict(let) if let else None,
            timeout,
            frozenset(names),
            bool(any_names),
            seconds=timeout + GRACE,
        )
    except TimeLimit:
        _remember_slow(text, latex, let, timeout)
        raise ParseError(_too_slow(timeout), column=None, text=text) from None
    except WorkerFailed as exc:
        raise ParseError(
            at_column(lazy("this formula cannot be read ({reason})", reason=str(exc)), None), column=None, text=text
        ) from None
    except ParseError:
        if time.monotonic() - t0 >= 0.8 * timeout:  # the parser's own deadline stopped it
            _remember_slow(text, latex, let, timeout)
        raise


def _too_slow(timeout: float) -> str:
    """The message of a formula that takes longer than `timeout` seconds to read."""
    return at_column(
        lazy("this formula takes too long to read (over {seconds:g} s)", seconds=timeout),
        None,
        lazy("write it in a simpler form"),
    )


def _remember_slow(text: str, latex: bool | None, let: Mapping[str, str] | None, timeout: float) -> None:
    with _SLOW_LOCK:
        if len(_SLOW) >= _SLOW_MAX:
            _SLOW.pop(next(iter(_SLOW)))
        key = _slow_key(text, latex, let)
        _SLOW[key] = max(timeout, _SLOW.get(key, 0.0))
