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

API for the rest of dlquiz (and for other front ends):

- ``run(fn, *args, seconds=...)``: ``fn(*args)`` in a worker; raises `TimeLimit` at the deadline,
  `WorkerFailed` when the computation died or raised something that is not a DlquizError
  (a DlquizError such as ParseError is raised again here, column and all).
- ``map_ordered(fn, items, jobs=...)``: ``fn`` over an iterable with `jobs` threads (each check in
  ``fn`` then runs in its own worker), results in input order, at most ``2 × jobs`` in flight.
- ``parse_math(text, latex=..., let=..., timeout=...)``: the parser and its echo under the limit.
- ``derivation(fn, args, timeout, text)``: a derivation check, limited to timeout × (transitions
  + 1) + GRACE, every step undecided past it.
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
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from dlquiz.errors import DlquizError, ParseError
from dlquiz.symbolic.limits import GRACE, TimeLimit

if TYPE_CHECKING:
    from dlquiz.symbolic.parse import Parsed

T = TypeVar("T")
R = TypeVar("R")

MAX_TASKS = 500  # checks per worker before it is replaced (bounds cache growth)
STARTUP_SECONDS = 120.0  # a worker that is not ready by then is a failure, not a hang
MEMORY_MB = int(os.environ.get("DLQUIZ_WORKER_MEMORY_MB", "2048") or 0)  # address space per worker

__all__ = ["GRACE", "MAX_TASKS", "TimeLimit", "WorkerFailed", "derivation", "enabled", "in_worker",
           "known_slow", "map_ordered", "parse_math", "prestart", "reason", "run", "shutdown"]


class WorkerFailed(RuntimeError):
    """The check's process stopped or the check raised an unexpected error (message says which)."""


_IN_WORKER = False
_SLOW_LOCK = threading.Lock()


def in_worker() -> bool:
    """Whether this process is a check worker (calls then run here, under the caller's limit)."""
    return _IN_WORKER


def enabled() -> bool:
    """Whether checks go to worker processes (``DLQUIZ_CHECK_WORKERS=0`` turns it off).

    Off also where there is no fork or no descriptor passing (Windows): checks then run in the
    calling process under the timer-signal limit of limits.py.
    """
    import socket

    return (os.environ.get("DLQUIZ_CHECK_WORKERS", "1") != "0" and hasattr(os, "fork")
            and hasattr(socket, "send_fds"))


# ----------------------------------------------------------------------------- the worker side


def _warm_up() -> None:
    """Import the engine and run one small check of each kind, so the first real check is fast
    (in the zygote, whose forks inherit the warm caches)."""
    assert _IN_WORKER, "checks here would start a pool of their own"
    try:
        from dlquiz.symbolic.equivalence import check_answer
        from dlquiz.symbolic.steps import check_derivation

        check_answer(expected="sigma(x)*(1-sigma(x))", given="exp(-x)/(1+exp(-x))^2", timeout=3.0)
        check_answer(expected="2*x", given="x^2", mistakes=["x"], timeout=3.0)
        check_derivation("let s = sigma(x)\n d/dx s\n = s*(1 - s)\n", timeout=3.0)
    except Exception:  # noqa: BLE001 - a warm-up is an optimisation; the real check reports
        pass


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
        except Exception as exc:  # noqa: BLE001 - e.g. a function of the caller's __main__
            conn.send(("fail", f"the job cannot be run in a checking process ({_describe(exc)}); "
                               "send a function defined in an importable module"))
            continue
        if msg is None:
            return
        fn, args = msg
        try:
            reply = ("ok", fn(*args))
        except DlquizError as exc:
            reply = ("raise", type(exc), exc.args, dict(exc.__dict__))
        except BaseException as exc:  # noqa: BLE001 - reported to the caller as WorkerFailed
            reply = ("fail", _describe(exc))
        try:
            conn.send(reply)
        except Exception as exc:  # noqa: BLE001 - e.g. a result that cannot be pickled
            conn.send(("fail", f"the result could not be sent back ({_describe(exc)})"))


def _describe(exc: BaseException) -> str:
    try:
        text = str(exc)
    except Exception:  # noqa: BLE001
        text = ""
    text = text if len(text) <= 300 else text[:300] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# ----------------------------------------------------------------------------- the zygote

# Workers are forked by a "zygote": a process started fresh (python -c ...) that imports the
# engine, warms it up and then forks one worker per request. It is single-threaded, so a fork
# never copies a lock held by another thread; it never imports the caller's __main__ (a script
# is not run again, as it would be with multiprocessing's spawn or forkserver). The caller
# passes each new worker's end of a socket pair to the zygote (SCM_RIGHTS) and gets its pid.


def _zygote(fd: int) -> None:  # pragma: no cover - runs in its own process
    import socket
    import struct
    from multiprocessing.connection import Connection

    global _IN_WORKER
    _IN_WORKER = True
    sock = socket.socket(fileno=fd)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    _warm_up()
    children: list[int] = []
    try:
        while True:
            try:
                _msg, fds, _flags, _addr = socket.recv_fds(sock, 16, 1)
            except OSError:
                break
            if not fds:
                break  # the caller closed its end: it has exited
            pid = os.fork()
            if pid == 0:
                sock.close()
                for extra in fds[1:]:
                    os.close(extra)
                try:
                    _serve(Connection(fds[0]))
                finally:
                    os._exit(0)
            for f in fds:
                os.close(f)
            children = [c for c in children if _alive(c)] + [pid]
            sock.sendall(struct.pack("!q", pid))
    finally:
        for c in children:  # the caller is gone: so is any check it started
            try:
                os.kill(c, signal.SIGKILL)
            except OSError:
                pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


class _Zygote:
    def __init__(self) -> None:
        import socket
        import subprocess
        import sys

        ours, theirs = socket.socketpair()
        code = (f"import sys; sys.path[:0] = {[p for p in sys.path if p]!r}; "
                f"from dlquiz.symbolic.worker import _zygote; _zygote({theirs.fileno()})")
        quiet = None if os.environ.get("DLQUIZ_WORKER_STDERR") else subprocess.DEVNULL
        self.proc = subprocess.Popen([sys.executable, "-c", code], pass_fds=[theirs.fileno()],
                                     stdin=subprocess.DEVNULL, stdout=quiet, stderr=quiet,
                                     close_fds=True)
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
        raise WorkerFailed("the checking process did not start")

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
                raise WorkerFailed(f"the checking process did not start ({exc})") from exc
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
                raise WorkerFailed("the checking process could not be reached") from None
    try:
        if not w.conn.poll(seconds):
            _POOL.discard(w)
            raise TimeLimit()
        data = w.conn.recv_bytes()
    except (EOFError, OSError) as exc:
        _POOL.discard(w)
        raise WorkerFailed("the checking process stopped (out of memory?)") from exc
    except TimeLimit:
        raise
    except BaseException:  # Ctrl-C while waiting: the worker's state is unknown
        _POOL.discard(w)
        raise
    _POOL.release(w)
    try:
        reply = _loads(data)
    except Exception as exc:  # noqa: BLE001
        raise WorkerFailed(f"the result could not be read ({_describe(exc)})") from exc
    status = reply[0]
    if status == "ok":
        return reply[1]  # type: ignore[no-any-return]
    if status == "raise":
        _kind, cls, exc_args, attrs = reply
        err = cls.__new__(cls)
        Exception.__init__(err, *exc_args)
        err.__dict__.update(attrs)
        raise err
    raise WorkerFailed(str(reply[1]))


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
        return f"time limit reached ({seconds:g} s)"
    return f"the check failed: {exc}"


# ----------------------------------------------------------------------------- derivations

_GIVEN_WORDS = ("let", "assume", "matrix", "vector", "scalar")


def transitions(text: str) -> int:
    """An upper bound on the transitions of a derivation: its '=' signs, at least 1."""
    return max(1, text.count("="))


def derivation(fn: Callable[..., Any], args: tuple[Any, ...], timeout: float, text: str, *,
               start: str | None = None) -> Any:
    """A derivation check in a worker, limited to `timeout` × (transitions + 1) + GRACE.

    Past that (or when the worker stops) the report has every step undecided with the reason.
    """
    seconds = timeout * (transitions(text) + 1) + GRACE
    try:
        return run(fn, *args, seconds=seconds)
    except (TimeLimit, WorkerFailed) as exc:
        message = ("the time budget of the derivation is used up" if isinstance(exc, TimeLimit)
                   else f"the check stopped: {exc}")
        return undecided_report(text, message, start=start)


def undecided_report(text: str, message: str, *, start: str | None = None) -> Any:
    """A report with every step of `text` undecided (`message`), givens as givens."""
    try:
        from dlquiz.symbolic.lines import DerivationReport, StepResult
    except ImportError:  # pragma: no cover - before the derivation checker was split up
        from dlquiz.symbolic.steps import DerivationReport, StepResult

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


def _slow_key(text: str, latex: bool | None, let: Mapping[str, str] | None
              ) -> tuple[str, bool | None, tuple[tuple[str, str], ...]]:
    return text, latex, tuple(sorted((let or {}).items()))


def known_slow(text: object, latex: bool | None = None, let: Mapping[str, str] | None = None,
               timeout: float = 1.0) -> str:
    """The reason, when reading `text` already ran past a limit of at least `timeout` in this
    process (so a second check of the same answer does not wait for it again); else ""."""
    if not isinstance(text, str):
        return ""
    with _SLOW_LOCK:
        past = _SLOW.get(_slow_key(text, latex, let))
    if past is None or past < timeout:
        return ""
    return f"time limit reached (reading the formula took over {past:g} s)"


def _parse(text: str, latex: bool | None, let: dict[str, str] | None, timeout: float) -> Parsed:
    from dlquiz.symbolic.parse import parse_math as parse_here

    return parse_here(text, latex=latex, let=let, timeout=timeout)


def parse_math(text: str, *, latex: bool | None = None, let: Mapping[str, str] | None = None,
               timeout: float = 1.0) -> Parsed:
    """`dlquiz.symbolic.parse.parse_math` (reading and the "interpreted as" echo) under a hard limit.

    Raises ParseError for unreadable text (with the column) and also when reading takes longer
    than `timeout` (+ GRACE) or fails inside the engine -- the text is then refused, never a hang.
    """
    if known_slow(text, latex, let, timeout):  # it ran past this limit before: refuse at once
        raise ParseError(f"this formula takes too long to read (over {timeout:g} s); "
                         "write it in a simpler form", column=None, text=text)
    t0 = time.monotonic()
    try:
        return run(_parse, text, latex, dict(let) if let else None, timeout, seconds=timeout + GRACE)
    except TimeLimit:
        _remember_slow(text, latex, let, timeout)
        raise ParseError(f"this formula takes too long to read (over {timeout:g} s); "
                         "write it in a simpler form", column=None, text=text) from None
    except WorkerFailed as exc:
        raise ParseError(f"this formula cannot be read ({exc})", column=None, text=text) from None
    except ParseError:
        if time.monotonic() - t0 >= 0.8 * timeout:  # the parser's own deadline stopped it
            _remember_slow(text, latex, let, timeout)
        raise


def _remember_slow(text: str, latex: bool | None, let: Mapping[str, str] | None, timeout: float) -> None:
    with _SLOW_LOCK:
        if len(_SLOW) >= _SLOW_MAX:
            _SLOW.pop(next(iter(_SLOW)))
        key = _slow_key(text, latex, let)
        _SLOW[key] = max(timeout, _SLOW.get(key, 0.0))


# ----------------------------------------------------------------------------- batches


def map_ordered(fn: Callable[[T], R], items: Iterable[T], *, jobs: int = 1,
                window: int | None = None) -> Iterator[R]:
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
