"""A change counter shared by every worker process of one data directory.

Workers cache what every request reads (buckets, credentials, policies). A worker that
changes such state bumps the counter after its transaction commits; every worker checks the
counter (an 8-byte read from a memory-mapped file) at the start of each request and drops
its caches when it moved. One process alone pays the same read and never misses.
"""

from __future__ import annotations

import fcntl
import mmap
import os
from pathlib import Path

_SIZE = 8


class Generation:
    def __init__(self, path: Path) -> None:
        self.path = path
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            if os.fstat(fd).st_size < _SIZE:
                os.ftruncate(fd, _SIZE)
            self._map = mmap.mmap(fd, _SIZE)
        finally:
            os.close(fd)
        self._seen = self.current()

    def current(self) -> int:
        return int.from_bytes(self._map[:_SIZE], "little")

    def bump(self) -> None:
        """Record a change; the file lock makes concurrent bumps from two workers both count."""
        with open(self.path, "rb") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                self._map[:_SIZE] = (self.current() + 1).to_bytes(_SIZE, "little")
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def changed(self) -> bool:
        """True once after each change made anywhere since the last call (in this process)."""
        now = self.current()
        if now == self._seen:
            return False
        self._seen = now
        return True
