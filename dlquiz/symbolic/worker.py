"""One execution model for every check with a time limit: worker processes killed at the deadline.

A check (an equivalence, a derivation, the parse and echo of a typed formula, a bank key) is sent
as plain data -- a module-level function and its arguments, pickled -- to a worker process that
has SymPy and the engine imported. The caller waits at most ``seconds``; past that the worker is
killed (SIGKILL, so a long C-level loop such as big-integer arithmetic stops too), a fresh one
takes its place, and the caller gets `TimeLimit`. Nothing here depends on SIGALRM or on the
calling thread: the main thread, a web server's threads and a notebook all get the same limit.

Workers are reused (a small pool, last used first, so caches stay warm): the cost of a check is
one round trip through a pipe, well under a millisecond on top of the check itself. Several
threads calling at once each get a worker of their own (up to `max_workers`, then they queue).
Workers are forked from a "zygote" process that imported the engine once (see below), so a new
worker is ready in milliseconds, and a fork never copies a lock held by another thread. A worker
is retired after `MAX_TASKS` checks, so caches cannot grow without bound over a long batch.
A worker's address space is capped (DLQUIZ_WORKER_MEMORY_MB, default 2048): a formula that
would fill the memory ends in MemoryError, undecided, instead of taking the machine down.

Inside a worker, and with ``DLQUIZ_CHECK_WORKERS=0`` in the environment, a call runs in the
calling process (the old mechanism of limits.py: a timer signal in the main thread).

API for the rest of dlquiz (and for other front ends); limited.py builds on it for reading a
formula (``limited.parse_math``) and for derivations (``limited.derivation``):

- ``run(fn, *args, seconds=...)``: ``fn(*args)`` in a worker; raises `TimeLimit` at the deadline,
  `WorkerFailed` when the computation died or raised something that is not a DlquizError
  (a DlquizError such as ParseError is raised again here, column and all).
- ``map_ordered(fn, items, jobs=...)``: ``fn`` over an iterable with `jobs` threads (each check in
  ``fn`` then runs in its own worker), results in input order, at most ``2 × jobs`` in flight.
- ``prestart()``: start the zygote now, e.g. when a command or a quiz session begins.
- ``GRACE``: seconds a worker gets past the check's own limit before it is killed.
"""

from __future__ import annotations

import atexit
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from dlquiz.errors import DlquizError
from dlquiz.i18n import lazy, message_of
from dlquiz.symbolic import limits
from dlquiz.symbolic.limits import GRACE, TimeLimit

T = TypeVar("T")
R = TypeVar("R")

MAX_TASKS = 500  # checks per worker before it is replaced (bounds cache growth)
STARTUP_SECONDS = 120.0  # a worker that is not ready by then is a failure, not a hang
MEMORY_MB = int(os.environ.get("DLQUIZ_WORKER_MEMORY_MB", "2048") or 0)  # address space per worker

__all__ = [
    "GRACE",
    "MAX_TASKS",
    "TimeLimit",
    "WorkerFailed",
    "enabled",
    "in_worker",
    "map_ordered",
    "prestart",
    "reason",
    "run",
    "shutdown",
]


class WorkerFailed(RuntimeError):
    """The check's process stopped or the check raised an unexpected error (message says which)."""


_IN_WORKER = False  # set by zygote.py in the zygote and so in every worker it forks


def in_worker() -> bool:
    """Whether this process is a check worker (calls then run here, under the caller's limit)."""
    return _IN_WORKER


def enabled() -> bool:
    """Whether checks go to worker processes (``DLQUIZ_CHECK_WORKERS=0`` turns it off).

    Off also where there is no fork or no descriptor passing (Windows): checks then run in the
    calling process under the timer-signal limit of limits.py.
    """
    import socket

    return os.environ.get("DLQUIZ_CHECK_WORKERS", "1") != "0" and hasattr(os, "fork") and hasattr(socket, "send_fds")


# ----------------------------------------------------------------------------- the worker side


def _limit_memory() -> None:
    if MEMORY_MB <= 0:
        return
    try:
        import resource

        limit = MEMORY_MB * 1024 * 1024
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        if soft == resource.RLIM_INFINITY or soft > limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):  # pragma: no cover - not on this platform
        pass


def _serve(conn: Any) -> None:
    """A worker's loop: receive (fn, args), send back the outcome, until the pipe closes."""
    global _IN_WORKER
    _IN_WORKER = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the caller's to handle
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the zygote ignores it; a check may wait on a child
    _limit_memory()
    conn.send(("ready", os.getpid()))
    import pickle

    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            return
        reply: tuple[Any, ...]
        try:
            msg = pickle.loads(data)
        except Exception as exc:  # e.g. a function of the caller's __main__
            conn.send(
                (
                    "fail",
                    lazy(
                        "the job cannot be run in a checking process ({error}); "
                        "send a function defined in an importable module",
                        error=_describe(exc),
                    ),
                )
            )
            continue
        if msg is None:
            return
        fn, args = msg
        try:
            reply = ("ok", fn(*args))
        except DlquizError as exc:
            reply = ("raise", type(exc), exc.args, dict(exc.__dict__))
        except BaseException as exc:  # reported to the caller as WorkerFailed
            reply = ("fail", _describe(exc))
        try:
            conn.send(reply)
        except Exception as exc:  # e.g. a result that cannot be pickled
            conn.send(("fail", lazy("the result could not be sent back ({error})", error=_describe(exc))))


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:
        text = ""
    text = text if len(text) <= 300 else text[:300] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ----------------------------------------------------------------------------- the zygote

# Workers are forked by a "zygote" (zygote.py): a process started fresh (python -c ...) that
# imports the engine, warms it up and then forks one worker per request. It is single-threaded, so a fork
# never copies a lock held by another thread; it never imports the caller's __main__ (a script
# is not run again, as it would be with multiprocessing's spawn or forkserver). The caller
# passes each new worker's end of a socket pair to the zygote (SCM_RIGHTS) and gets its pid.


class _Zygote:
    def __init__(self) -> None:
        import socket
        import subprocess
        import sys

        ours, theirs = socket.socketpair()
        code = (
            f"import sys; sys.path[:0] = {[p for p in sys.path if p]!r}; "
            f"from dlquiz.symbolic.zygote import main; main({theirs.fileno()})"
        )
        quiet = None if os.environ.get("DLQUIZ_WORKER_STDERR") else subprocess.DEVNULL
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
            stdout=quiet,
            stderr=quiet,
            close_fds=True,
        )
        theirs.close()
        self.sock = ours
        self.lock = threading.Lock()

    def fork(self) -> tuple[int, Any]:
        import socket
        import struct
        from multiprocessing.connection import Connection

        mine, child = socket.socketpair()
        try:
            with self.lock:
                self.sock.settimeout(STARTUP_SECONDS)
                socket.send_fds(self.sock, [b"w"], [child.fileno()])
                data = b""
                while len(data) < 8:
                    chunk = self.sock.recv(8 - len(data))
                    if not chunk:
                        raise OSError("the zygote stopped")
                    data += chunk
        except OSError:
            mine.close()
            raise
        finally:
            child.close()
        return struct.unpack("!q", data)[0], Connection(mine.detach())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def close(self) -> None:
        try:
            self.sock.close()
        except OSError:  # pragma: no cover
            pass


# ----------------------------------------------------------------------------- the caller side


class _Worker:
    def __init__(self, pid: int, conn: Any) -> None:
        self.pid = pid
        self.conn = conn
        self.tasks = 0

    def wait_ready(self, seconds: float) -> None:
        try:
            if self.conn.poll(seconds):
                msg = self.conn.recv()
                if isinstance(msg, tuple) and msg and msg[0] == "ready":
                    return
        except (EOFError, OSError):
            pass
        self.kill()
        raise WorkerFailed(lazy("the checking process did not start"))

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.conn.close()
        except OSError:  # pragma: no cover
            pass

    def retire(self) -> None:
        try:
            self.conn.send(None)
            self.conn.close()
        except OSError:
            pass


class _Pool:
    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.idle: list[_Worker] = []
        self.count = 0
        self.pid = os.getpid()
        self.max_workers = max(4, 2 * (os.cpu_count() or 1))
        self.zygote: _Zygote | None = None
        self.zlock = threading.Lock()

    def _reset_if_forked(self) -> None:
        if self.pid != os.getpid():  # a forked copy: the parent's workers and zygote are not ours
            self.idle, self.count, self.pid, self.zygote = [], 0, os.getpid(), None
            self.lock = threading.Condition()
            self.zlock = threading.Lock()

    def _zygote(self, fresh: bool = False) -> _Zygote:
        with self.zlock:
            if fresh or self.zygote is None or not self.zygote.alive():
                if self.zygote is not None:
                    self.zygote.close()
                self.zygote = _Zygote()
            return self.zygote

    def acquire(self) -> _Worker:
        self._reset_if_forked()
        with self.lock:
            while not self.idle and self.count >= self.max_workers:
                self.lock.wait()
            if self.idle:
                return self.idle.pop()
            self.count += 1
        try:
            try:
                pid, conn = self._zygote().fork()
            except OSError:  # the zygote stopped (killed?): one more try with a fresh one
                pid, conn = self._zygote(fresh=True).fork()
            w = _Worker(pid, conn)
            w.wait_ready(STARTUP_SECONDS)
        except BaseException as exc:
            with self.lock:
                self.count -= 1
                self.lock.notify()
            if isinstance(exc, OSError):
                raise WorkerFailed(lazy("the checking process did not start ({error})", error=str(exc))) from exc
            raise
        return w

    def release(self, w: _Worker) -> None:
        w.tasks += 1
        if w.tasks >= MAX_TASKS:
            w.retire()
            self.discard(w, kill=False)
            return
        with self.lock:
            self.idle.append(w)
            self.lock.notify()

    def discard(self, w: _Worker, kill: bool = True) -> None:
        if kill:
            w.kill()
        with self.lock:
            self.count -= 1
            self.lock.notify()

    def shutdown(self) -> None:
        if self.pid != os.getpid():
            return
        with self.lock:
            idle, self.idle = self.idle, []
            self.count -= len(idle)
        for w in idle:
            w.retire()


_POOL = _Pool()
atexit.register(_POOL.shutdown)
limits.register_delegate(lambda fn, *args, seconds: run(fn, *args, seconds=seconds))


def prestart() -> None:
    """Start the zygote now (it imports the engine while the caller does other work); cheap."""
    if enabled() and not _IN_WORKER:
        _POOL._reset_if_forked()
        try:
            _POOL._zygote()
        except OSError:  # pragma: no cover - the first check will report it
            pass


def shutdown() -> None:
    """Stop the idle workers (new ones start on the next check)."""
    _POOL.shutdown()


def run(fn: Callable[..., T], *args: Any, seconds: float) -> T:
    """``fn(*args)`` in a worker process, killed after `seconds`.

    `fn` must be a module-level function and `args` picklable (texts, numbers, SymPy
    expressions). Raises TimeLimit at the deadline, WorkerFailed when the worker died or `fn`
    raised an error that is not a DlquizError; a DlquizError is raised again here.
    """
    if seconds <= 0:
        raise TimeLimit()
    if _IN_WORKER:
        return fn(*args)  # already under the caller's limit
    if not enabled():
        from dlquiz.symbolic.limits import run_in_process

        return run_in_process(fn, *args, seconds=seconds)
    from multiprocessing.reduction import ForkingPickler

    job = bytes(ForkingPickler.dumps((fn, args)))  # a job that cannot be pickled fails here
    for attempt in (1, 2):
        w = _POOL.acquire()
        try:
            w.conn.send_bytes(job)
            break
        except OSError:  # an idle worker that died meanwhile: take another one
            _POOL.discard(w)
            if attempt == 2:
                raise WorkerFailed(lazy("the checking process could not be reached")) from None
    try:
        if not w.conn.poll(seconds):
            _POOL.discard(w)
            raise TimeLimit()
        data = w.conn.recv_bytes()
    except (EOFError, OSError) as exc:
        _POOL.discard(w)
        raise WorkerFailed(lazy("the checking process stopped (out of memory?)")) from exc
    except TimeLimit:
        raise
    except BaseException:  # Ctrl-C while waiting: the worker's state is unknown
        _POOL.discard(w)
        raise
    _POOL.release(w)
    try:
        reply = _loads(data)
    except Exception as exc:
        raise WorkerFailed(lazy("the result could not be read ({error})", error=_describe(exc))) from exc
    status = reply[0]
    if status == "ok":
        return reply[1]  # type: ignore[no-any-return]
    if status == "raise":
        _kind, cls, exc_args, attrs = reply
        err = cls.__new__(cls)
        Exception.__init__(err, *exc_args)
        err.__dict__.update(attrs)
        raise err
    raise WorkerFailed(reply[1] if isinstance(reply[1], str) else str(reply[1]))


def _loads(data: bytes) -> Any:
    """Unpickle a worker's reply. SymPy objects are rebuilt without evaluation: they arrive in
    their final form, and evaluating again could take as long as the check itself (unpickling
    Heaviside(x**999) expands (re + i·im)**999 to find its imaginary part)."""
    import pickle

    if b"sympy" not in data:
        return pickle.loads(data)
    from sympy.core.parameters import evaluate

    with evaluate(False):
        return pickle.loads(data)


def reason(exc: BaseException, seconds: float) -> str:
    """The words for a check that ended without a verdict (time limit or a stopped process)."""
    if isinstance(exc, TimeLimit):
        return lazy("time limit reached ({seconds:g} s)", seconds=seconds)
    return lazy("the check failed: {reason}", reason=message_of(exc))


# ----------------------------------------------------------------------------- batches


def map_ordered(fn: Callable[[T], R], items: Iterable[T], *, jobs: int = 1, window: int | None = None) -> Iterator[R]:
    """``fn`` over `items`, results in input order, with `jobs` calls at a time.

    Items are read lazily and at most `window` (default 2 × jobs) results are held, so memory
    stays bounded over any number of items. `fn` runs in threads; the checks it makes each run
    in a worker process of their own, so one slow item does not hold up the others beyond its
    own limit. An exception from `fn` is raised when its result is due.
    """
    if jobs <= 1:
        for item in items:
            yield fn(item)
        return
    window = max(window or 2 * jobs, jobs)
    with ThreadPoolExecutor(max_workers=jobs, thread_name_prefix="dlquiz-batch") as pool:
        pending: deque[Future[R]] = deque()
        try:
            for item in items:
                pending.append(pool.submit(fn, item))
                if len(pending) >= window:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for f in pending:
                f.cancel()


def elapsed_ms(t0: float) -> float:
    """Milliseconds since `t0` (a time.perf_counter() value)."""
    return (time.perf_counter() - t0) * 1000
