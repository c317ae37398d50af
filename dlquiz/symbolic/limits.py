"""Hard time limits for SymPy work.

In the main thread a SIGALRM interval timer interrupts the computation (cheap, in-process);
elsewhere (a worker thread) the call runs in a forked child process that is killed on time-out.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")


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
    except BaseException as exc:  # noqa: BLE001 - reported to the parent
        try:
            conn.send(("err", repr(exc)))
        except Exception:  # noqa: BLE001
            pass
    finally:
        conn.close()


def run_limited(fn: Callable[..., T], *args: Any, seconds: float) -> T:
    """Run fn(*args) with a hard time limit; raise TimeLimit when it is exceeded."""
    if seconds <= 0:
        raise TimeLimit()
    if can_signal():
        with time_limit(seconds):
            return fn(*args)
    if os.name != "posix":  # pragma: no cover - no fork: best effort in-process
        return fn(*args)
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
