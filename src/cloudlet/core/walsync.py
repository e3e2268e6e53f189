"""Durable commits with the fsync outside SQLite's write lock.

With ``PRAGMA synchronous=FULL`` SQLite syncs the write-ahead log inside COMMIT, while it
holds the database's one write lock: every worker process waits for the others' syncs in
turn, so a few milliseconds of fsync cap the whole server at a few hundred commits a
second however they are grouped. Instead the connections commit with
``synchronous=NORMAL`` (frames reach the log, unsynced) and each committer then waits
here, outside the lock, until an ``fdatasync`` of the log that began after its commit
has returned. Whoever arrives first syncs for everyone waiting; commits made meanwhile,
by this process or another, ride on the next sync. The write is acknowledged only after
that, so an acknowledged write is as durable as with FULL; what changes is that a commit
is visible to readers a moment before it is durable.

SQLite deletes the log when the last connection to the database closes (after
checkpointing it into the database file, synced); a new log is a new file, so the
descriptor is reopened when the name points at a different file.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path


class WalSync:
    def __init__(self, database: Path) -> None:
        self.path = f"{database}-wal"
        self._cond = threading.Condition()
        self._fd: int | None = None
        self._committed = 0  # commits announced so far (this process)
        self._synced = 0  # commits known durable
        self._syncing = False
        #: fdatasync calls made: fewer than commits when they share syncs.
        self.syncs = 0

    def committed(self) -> int:
        """Announce a commit that just returned; the ticket to pass to ``wait``."""
        with self._cond:
            self._committed += 1
            return self._committed

    def wait(self, ticket: int) -> None:
        """Return once the commit holding ``ticket`` is on disk."""
        with self._cond:
            while self._synced < ticket:
                if self._syncing:
                    self._cond.wait()
                    continue
                self._syncing = True
                target = self._committed
                self._cond.release()
                try:
                    self._sync()
                finally:
                    self._cond.acquire()
                    self._syncing = False
                    self._cond.notify_all()
                self._synced = max(self._synced, target)

    def _sync(self) -> None:
        fd = self._current_fd()
        if fd is not None:
            os.fdatasync(fd)
            self.syncs += 1

    def _current_fd(self) -> int | None:
        try:
            named = os.stat(self.path)
        except FileNotFoundError:
            # No log: the last connection closed and checkpointed it into the (synced)
            # database file.
            return None
        if self._fd is not None:
            held = os.fstat(self._fd)
            if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
                return self._fd
            os.close(self._fd)
            self._fd = None
        try:
            self._fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        return self._fd

    def close(self) -> None:
        with self._cond:
            if self._fd is not None:
                os.close(self._fd)
                self._fd = None
