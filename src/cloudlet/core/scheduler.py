"""The one scheduler: background work (lifecycle, schedules, expiries) runs here, on the clock.

Jobs are plain callables run on one thread, in turn; each decides what is due by reading
the clock, so moving the clock forward and calling ``run_now`` makes due work happen
at once, which is how tests fast-forward days without sleeping.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger("cloudlet.scheduler")


@dataclass(slots=True)
class Job:
    name: str
    interval: float
    fn: Callable[[], None]
    next_run: float = 0.0


class Scheduler:
    def __init__(self, tick: float = 1.0) -> None:
        self._jobs: list[Job] = []
        self._lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._tick = tick

    def every(self, interval: float, name: str, fn: Callable[[], None]) -> None:
        """Run ``fn`` every ``interval`` real seconds, and whenever ``run_now`` is called."""
        with self._lock:
            self._jobs.append(Job(name, interval, fn))

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="cloudlet-scheduler", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def run_now(self) -> None:
        """Run every job once, now, in the caller's thread (after a clock change)."""
        with self._run_lock:
            for job in list(self._jobs):
                self._run(job)

    def _loop(self) -> None:
        import time

        while not self._stop.is_set():
            now = time.monotonic()
            with self._run_lock:
                for job in list(self._jobs):
                    if now >= job.next_run:
                        self._run(job)
                        job.next_run = now + job.interval
            self._wake.wait(self._tick)
            self._wake.clear()

    def _run(self, job: Job) -> None:
        try:
            job.fn()
        except Exception:
            log.exception("scheduled job %s failed", job.name)
