"""SQLite metadata store: one database file per service, WAL, versioned migrations.

Reads use one connection per thread; a thread that ends (a crawl, say) closes its own with
``Store.close_thread_connections()``, or they stay open until the store closes. Writes are
serialised through one lock per file (SQLite allows one writer anyway) so that
``BEGIN IMMEDIATE`` never waits on busy retries.

A durable write (FULL) commits under the lock and syncs the log after releasing it, so
the workers' syncs overlap instead of queueing (``walsync``).

Hot writers use ``submit``: jobs queue for one writer thread, which runs every job waiting
at that moment in one transaction (each in its own savepoint, so one failing job does not
undo the others) and commits once: concurrent requests share one durable sync (group
commit) instead of taking turns for the lock and a sync each.
"""

from __future__ import annotations

import fcntl
import os
import queue
import sqlite3
import threading
import weakref
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from cloudlet.core.walsync import WalSync


class Store:
    """A SQLite file with its schema migrations applied.

    ``migrations`` is an ordered list of SQL scripts; ``PRAGMA user_version`` records how
    many have been applied, so adding a script to the end of the list migrates old data
    directories on the next start.
    """

    #: Every open store, for ``close_thread_connections``.
    _open: weakref.WeakSet[Store] = weakref.WeakSet()
    _open_lock = threading.Lock()

    def __init__(self, path: Path, migrations: Sequence[str], synchronous: str = "FULL") -> None:
        """``synchronous``: "FULL", a write returns once it is on disk (synced outside the
        write lock, see ``walsync``); "NORMAL", once it is in the log (survives a crash of
        the process, not of the machine); "OFF" for tests."""
        self.path = path
        self._wal_sync = WalSync(path) if synchronous == "FULL" else None
        self._synchronous = "NORMAL" if synchronous == "FULL" else synchronous
        self._local = threading.local()
        self._write_lock = threading.RLock()
        self._all: list[sqlite3.Connection] = []
        self._all_lock = threading.Lock()
        self._jobs: queue.SimpleQueue[
            tuple[Callable[[sqlite3.Connection], Any], Future[Any]] | None
        ] = queue.SimpleQueue()
        self._writer: threading.Thread | None = None
        self._lock_fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        self._migrate(migrations)
        with Store._open_lock:
            Store._open.add(self)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
        conn.row_factory = sqlite3.Row
        # Several workers starting on a fresh data directory switch it to WAL at the same
        # moment: each holds a shared lock and wants an exclusive one, and SQLite answers
        # one of them "database is locked" at once (a deadlock, so no busy wait). They take
        # turns on a lock file of their own: the writers' lock could be held by a thread
        # that waits for this one.
        fd = os.open(f"{self.path}.open-lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            conn.execute("PRAGMA journal_mode=WAL")
        finally:
            os.close(fd)  # releases the lock
        conn.execute(f"PRAGMA synchronous={self._synchronous}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=30000")
        with self._all_lock:
            self._all.append(conn)
        return conn

    @property
    def conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._local.conn = self._connect()
        return conn

    def close_thread(self) -> None:
        """Close the calling thread's connection to this store (the next use opens another)."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            return
        self._local.conn = None
        with self._all_lock, suppress(ValueError):
            self._all.remove(conn)
        with suppress(sqlite3.ProgrammingError):
            conn.close()

    @classmethod
    def close_thread_connections(cls) -> None:
        """Close the calling thread's connections to every store: call it when a thread that
        used stores ends, or its connections (three or four descriptors each) stay open for
        as long as the store does."""
        with cls._open_lock:
            stores = list(cls._open)
        for store in stores:
            store.close_thread()

    def _migrate(self, migrations: Sequence[str]) -> None:
        with self.write() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            for index in range(version, len(migrations)):
                for statement in _split_sql(migrations[index]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version={index + 1}")

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed on normal exit, rolled back on an exception; with
        FULL durability the exit waits until the commit is on disk."""
        ticket = None
        after: list[Callable[[], None]] = []
        with self._write_lock:
            conn = self.conn
            if conn.in_transaction:  # nested use inside one write: join it
                yield conn
                return
            # Other worker processes write to the same file: wait for them on a file lock,
            # which wakes us the moment it is free, rather than in SQLite's busy handler,
            # which sleeps and retries (milliseconds of latency under contention).
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
            self._local.after = after
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                    conn.execute("COMMIT")
                    if self._wal_sync is not None:
                        ticket = self._wal_sync.committed()
                except BaseException:
                    # A COMMIT can fail and leave the transaction open (a deferred foreign
                    # key): roll it back, or every later write would join it and never commit.
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
            finally:
                fcntl.flock(self._lock_fd, fcntl.LOCK_UN)
                self._local.after = None
        for callback in after:  # reached only when the transaction committed
            callback()
        if ticket is not None and self._wal_sync is not None:
            # Outside both locks: other threads and processes commit meanwhile, and share
            # this sync or the next.
            self._wal_sync.wait(ticket)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run ``callback`` once the calling thread's write transaction has committed (never,
        if it rolls back); at once outside one. Caches are dropped here: dropped inside the
        transaction, another thread (or worker) could cache the old row again before the
        commit."""
        pending = getattr(self._local, "after", None)
        if pending is None:
            callback()
        else:
            pending.append(callback)

    def submit(self, job: Callable[[sqlite3.Connection], Any]) -> Future[Any]:
        """Run ``job(conn)`` in the next group transaction; the future resolves after COMMIT."""
        future: Future[Any] = Future()
        if self._writer is None:
            with self._all_lock:
                if self._writer is None:
                    self._writer = threading.Thread(
                        target=self._write_loop, name=f"store-{self.path.name}", daemon=True
                    )
                    self._writer.start()
        self._jobs.put((job, future))
        return future

    MAX_GROUP = 256

    def _write_loop(self) -> None:
        while True:
            first = self._jobs.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.MAX_GROUP:
                try:
                    item = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._jobs.put(None)
                    break
                batch.append(item)
            self._run_group(batch)

    def _run_group(
        self, batch: list[tuple[Callable[[sqlite3.Connection], Any], Future[Any]]]
    ) -> None:
        outcomes: list[tuple[Future[Any], bool, Any]] = []
        try:
            with self.write() as conn:
                for job, future in batch:
                    if not future.set_running_or_notify_cancel():
                        continue
                    conn.execute("SAVEPOINT job")
                    try:
                        result = job(conn)
                    except BaseException as exc:
                        conn.execute("ROLLBACK TO job")
                        conn.execute("RELEASE job")
                        outcomes.append((future, False, exc))
                        continue
                    conn.execute("RELEASE job")
                    outcomes.append((future, True, result))
        except BaseException as exc:  # the COMMIT itself failed: nothing in the group holds
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for future, ok, value in outcomes:
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[sqlite3.Row]:
        return self.conn.execute(sql, params).fetchall()

    def query_one(
        self, sql: str, params: Sequence[Any] | dict[str, Any] = ()
    ) -> sqlite3.Row | None:
        return self.conn.execute(sql, params).fetchone()

    def close(self) -> None:
        with Store._open_lock:
            Store._open.discard(self)
        if self._writer is not None:
            self._jobs.put(None)
            self._writer.join(timeout=30)
        with self._all_lock:
            for conn in self._all:
                with suppress(sqlite3.ProgrammingError):
                    conn.close()
            self._all.clear()
        if self._wal_sync is not None:
            self._wal_sync.close()


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit implicitly)."""
    statements: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
