"""The start-up gate between workers: shut until worker 0 opens it, or dies."""

from __future__ import annotations

import os
import time

from cloudlet.gateway.workers import Gate


def test_the_gate_opens_when_worker_0_says_so_and_stays_open() -> None:
    gate = Gate()
    pid = os.fork()
    if pid == 0:  # worker 0: recovers, opens, then serves on
        time.sleep(0.3)
        gate.open()
        time.sleep(3)
        os._exit(0)
    try:
        gate.open()  # the supervisor drops its write end once worker 0 holds one
        started = time.monotonic()
        gate.wait()
        waited = time.monotonic() - started
        assert 0.25 < waited < 2.5
        started = time.monotonic()
        gate.wait()  # a worker started later passes at once
        assert time.monotonic() - started < 0.1
    finally:
        os.kill(pid, 9)
        os.waitpid(pid, 0)


def test_the_gate_opens_when_worker_0_dies() -> None:
    gate = Gate()
    pid = os.fork()
    if pid == 0:
        time.sleep(0.2)
        os._exit(1)
    gate.open()
    gate.wait()
    os.waitpid(pid, 0)
