"""Time limits for SymPy work.

Two layers:

- The hard limit of every check (worker.py): the check runs in a worker process that is killed
  at its limit + GRACE, whatever it is doing (a C-level big-integer loop included), in any thread.
- Soft limits inside a check (`time_limit`, `run_limited`): a SIGALRM interval timer interrupts
  Python code in the main thread -- which is where a worker runs its checks -- so a part of a
  check (a proof attempt, one derivation step) can stop early and leave time for the rest.
  Called outside the main thread, `run_limited` sends the call to a worker process (worker.py
  registers itself here).

Default limits (the documented ones; the CLI options show them too):

- a formula check (``dlquiz equiv``, quiz grading, `check_equivalence`): EQUIV_SECONDS = 3 s;
  `check_answer` (the check and the diagnosis of a wrong answer) keeps that limit + GRACE in all;
  in quiz grading one formula answer, read and checked, has ANSWER_SECONDS = 5 s in all
  (dlquiz/quiz/formulas.py);
- a derivation: each transition STEP_SECONDS = 3 s in the library, 10 s in ``dlquiz check``
  (CHECK_CLI_SECONDS; a person waits for one file), 8 s in quiz grading; the whole derivation
  at most its limit × (transitions + 1), then every step not yet decided is undecided;
- a bank key proof (``dlquiz bank check``): 10 s per check (KEY_TIMEOUT in bank/check.py).

A check that hits its limit is "undecided" with the reason, never "wrong" and never a hang.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

GRACE = 0.5  # seconds a worker gets past a check's own limit before it is killed
EQUIV_SECONDS = 3.0
STEP_SECONDS = 3.0
CHECK_CLI_SECONDS = 10.0


class TimeLimit(Exception):
    """A computation ran past its time limit."""


def can_signal() -> bool:
    """Whether SIGALRM timers work here (Unix, main thread)."""
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _raise(signum: int, frame: Any) -> None:
    raise TimeLimit()


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise TimeLimit in the block after `seconds` (main thread only; nests with outer limits)."""
    if seconds <= 0:
        raise TimeLimit()
    if not can_signal():
        yield
        return
    old_left, _ = signal.getitimer(signal.ITIMER_REAL)
    if old_left and old_left <= seconds:
        yield  # an outer, shorter limit is already running
        return
    old_handler = signal.signal(signal.SIGALRM, _raise)
    start = time.monotonic()
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old_handler)
        if old_left:
            left = old_left - (time.monotonic() - start)
            signal.setitimer(signal.ITIMER_REAL, max(left, 0.001))


def _child(conn: Any, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", fn(*args)))
    except BaseException as exc:  # reported to the parent
        try:
            conn.send(("err", repr(exc)))
        except Exception:
            pass
    finally:
        conn.close()


def run_limited(fn: Callable[..., T], *args: Any, seconds: float) -> T:
    """Run fn(*args) with a time limit; raise TimeLimit when it is exceeded.

    In the main thread (and so inside a check worker) a timer signal; in any other thread the
    call goes to a worker process (worker.run), which is killed at the limit.
    """
    if seconds <= 0:
        raise TimeLimit()
    if can_signal():
        with time_limit(seconds):
            return fn(*args)
    if _delegate is not None:
        return _delegate(fn, *args, seconds=seconds)  # type: ignore[no-any-return]
    return run_in_process(fn, *args, seconds=seconds)


_delegate: Callable[..., Any] | None = None


def register_delegate(run: Callable[..., Any]) -> None:
    """Where `run_limited` sends work outside the main thread: worker.run registers itself on
    import (so this module, below the worker in the layers, does not import it)."""
    global _delegate
    _delegate = run


def run_in_process(fn: Callable[..., T], *args: Any, seconds: float) -> T:
    """The mechanism before worker processes (``DLQUIZ_CHECK_WORKERS=0``; benchmarks compare).

    A timer signal in the main thread (it cannot stop a long C-level loop); elsewhere a forked
    child (which can deadlock on a lock another thread held at the fork).
    """
    if seconds <= 0:
        raise TimeLimit()
    if can_signal():
        with time_limit(seconds):
            return fn(*args)
    if os.name != "posix":  # pragma: no cover - no fork: best effort in-process
        return fn(*args)
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, fn, args), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(seconds):
            raise TimeLimit()
        status, value = parent.recv()
    except EOFError:
        raise TimeLimit() from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join(1)
        parent.close()
    if status != "ok":
        raise RuntimeError(value)
    return value  # type: ignore[no-any-return]
