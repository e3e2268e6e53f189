"""WalSync: every waiter returns after a sync that began after its commit; syncs are shared."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from cloudlet.core.walsync import WalSync


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    return conn


def test_concurrent_commits_share_syncs(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    setup = connect(db)
    setup.execute("CREATE TABLE t (n INTEGER)")
    sync = WalSync(db)
    lock = threading.Lock()
    durable: list[int] = []

    def writer(base: int) -> None:
        conn = connect(db)
        for i in range(20):
            with lock:  # one writer at a time, as Store's lock does
                conn.execute("INSERT INTO t VALUES (?)", (base + i,))
                ticket = sync.committed()
            sync.wait(ticket)
            durable.append(ticket)
        conn.close()

    threads = [threading.Thread(target=writer, args=(n * 100,)) for n in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(durable) == list(range(1, 321))
    assert setup.execute("SELECT count(*) FROM t").fetchone()[0] == 320
    assert 1 <= sync.syncs < 320
    sync.close()
    setup.close()


def test_a_new_log_file_is_followed(tmp_path: Path) -> None:
    db = tmp_path / "x.db"
    sync = WalSync(db)
    conn = connect(db)
    conn.execute("CREATE TABLE t (n INTEGER)")
    sync.wait(sync.committed())
    conn.close()  # the last connection: SQLite checkpoints and deletes the log
    assert not os.path.exists(sync.path)
    sync.wait(sync.committed())  # nothing to sync, and no error
    conn = connect(db)
    conn.execute("INSERT INTO t VALUES (1)")
    sync.wait(sync.committed())
    assert sync._fd is not None
    held = os.fstat(sync._fd)
    assert held.st_nlink == 1  # the live log, not the deleted one
    assert held.st_ino == os.stat(sync.path).st_ino
    conn.close()
    sync.close()
