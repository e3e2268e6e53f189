"""Several worker processes on one listening socket: the GIL binds one process to one core.

The parent prepares the data directory once (root account, service index) and holds the
port (bound, not listening), then forks workers that each build their own cloud and
listen on the port with SO_REUSEPORT; the kernel spreads connections among them. Worker 0
is the primary: it alone runs the scheduler and the start-up cleanup. Workers die with the
parent (``PR_SET_PDEATHSIG``), so a ``kill -9`` of the server leaves no worker behind; a
worker that dies is restarted.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import signal
import socket
import sys
import time
from collections.abc import Callable

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL("libc.so.6", use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except OSError:
            pass


def listen(host: str, port: int, reuse_port: bool = False, backlog: int = 2048) -> socket.socket:
    """A listening socket; with ``reuse_port`` every worker binds its own and the kernel
    spreads connections across them evenly (one shared socket would wake the same worker
    for most connections)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if reuse_port:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    if backlog:
        sock.listen(backlog)
    return sock


#: How long start-up waits for the workers of a server that just died to be gone.
SETTLE_SECONDS = 5.0


def claim_port(host: str, port: int) -> None:
    """Fail if anything listens on the port: SO_REUSEPORT would otherwise let a second
    server (or the lingering workers of a stopped one) silently share it."""
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        try:
            listen(host, port, reuse_port=False, backlog=0).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def lock_data_dir(path: str) -> int:
    """One server per data directory: held (by the parent and its workers) until exit."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + SETTLE_SECONDS
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return fd
        except BlockingIOError:
            if time.monotonic() > deadline:
                os.close(fd)
                raise RuntimeError(
                    f"another cloudlet server is using this data directory ({path})"
                ) from None
            time.sleep(0.1)


def supervise(count: int, run_worker: Callable[[int, bool], None]) -> int:
    """Fork ``count`` workers running ``run_worker(index, first_start)``; forward SIGTERM and
    SIGINT to them; restart one that dies (with ``first_start`` False)."""
    children: dict[int, int] = {}
    stopping = False

    def spawn(index: int, first_start: bool) -> None:
        pid = os.fork()
        if pid == 0:
            _die_with_parent()
            code = 0
            try:
                run_worker(index, first_start)
            except BaseException:
                code = 1
                import traceback

                traceback.print_exc()
            finally:
                os._exit(code)
        children[pid] = index

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for pid in list(children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for index in range(count):
        spawn(index, True)
    while children:
        try:
            pid, _status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        index = children.pop(pid, None)
        if index is not None and not stopping:
            time.sleep(0.5)  # a crash loop must not spin
            spawn(index, False)
    return 0
