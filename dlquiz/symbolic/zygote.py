"""The checks' zygote: a fresh process that loads the engine once and forks check workers.

Started by worker.py as ``python -c "from dlquiz.symbolic.zygote import main; main(FD)"`` (so no
module imports this one). It imports the engine and runs one small check of each kind, so every
worker it forks starts with warm caches, then serves fork requests on the socket FD: each request
carries one end of a socket pair (SCM_RIGHTS), the new worker serves checks on it
(worker._serve), and the zygote answers with the worker's pid. The zygote is single-threaded, so
a fork never copies a lock held by another thread; when the caller goes away (end of file on the
socket), the zygote ends every worker it started and exits.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
from multiprocessing.connection import Connection

from dlquiz.symbolic import worker


def _warm_up() -> None:
    """Import the engine and run one small check of each kind (in-process: this is a worker)."""
    try:
        from dlquiz.symbolic.equivalence import check_answer
        from dlquiz.symbolic.steps import check_derivation

        check_answer(expected="sigma(x)*(1-sigma(x))", given="exp(-x)/(1+exp(-x))^2", timeout=3.0)
        check_answer(expected="2*x", given="x^2", mistakes=["x"], timeout=3.0)
        check_derivation("let s = sigma(x)\n d/dx s\n = s*(1 - s)\n", timeout=3.0)
    except Exception:  # a warm-up is an optimisation; the real check reports
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True


def main(fd: int) -> None:  # pragma: no cover - runs in its own process
    """Serve fork requests on the socket `fd` until the caller closes it."""
    worker._IN_WORKER = True  # checks made here (the warm-up) and in the forks run in-process
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
                    worker._serve(Connection(fds[0]))
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
