"""Several worker processes on one listening socket: the GIL binds one process to one core.

The parent prepares the data directory once (root account, service index) and holds the
port (bound, not listening), then forks workers that each build their own cloud and
listen on the port with SO_REUSEPORT; the kernel spreads connections among them. Worker 0
is the primary: it alone runs the scheduler and the start-up cleanup, and the others take
requests only once that is done (a ``Gate``). Workers die with the parent
(``PR_SET_PDEATHSIG``), so a ``kill -9`` of the server leaves no worker behind; a worker
that dies is restarted.
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


class Gate:
    """Shut until worker 0 has done its start-up recovery; then open for good.

    A pipe whose write end only the first worker 0 keeps: ``open`` closes it, and every
    ``wait`` (in workers running now, or forked later) reads end-of-file. If worker 0 dies
    first, the gate opens too (its replacement does no recovery).
    """

    def __init__(self) -> None:
        self._read, write = os.pipe()
        self._write: int | None = write

    def open(self) -> None:
        """Let the workers in (worker 0); elsewhere: drop this process's write end."""
        if self._write is not None:
            os.close(self._write)
            self._write = None

    def wait(self) -> None:
        """Return once the gate is open (at once if it is already)."""
        self.open()  # a write end of our own would keep the pipe open for ever
        while os.read(self._read, 1):  # nobody writes: this returns b"" at end-of-file
            pass


def supervise(count: int, run_worker: Callable[[int, bool, Gate], None]) -> int:
    """Fork ``count`` workers running ``run_worker(index, first_start, gate)``; forward
    SIGTERM and SIGINT to them; restart one that dies (with ``first_start`` False).

    The first worker 0 opens ``gate`` once its start-up recovery is done; the others wait
    for it before they serve (connections wait in their backlog meanwhile)."""
    children: dict[int, int] = {}
    stopping = False
    gate = Gate()

    def spawn(index: int, first_start: bool) -> None:
        pid = os.fork()
        if pid == 0:
            _die_with_parent()
            if index != 0 or not first_start:
                gate.open()  # not the one to open it: only worker 0's first start holds it
            code = 0
            try:
                run_worker(index, first_start, gate)
            except BaseException:
                code = 1
                import traceback

                traceback.print_exc()
            finally:
                os._exit(code)
        children[pid] = index
        if index == 0:
            gate.open()  # worker 0 holds the write end now; nobody else may

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
