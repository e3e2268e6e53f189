"""The SQLite store: migrations applied once, transactions that commit or roll back whole."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cloudlet.core.store import Store, _split_sql

SCHEMA_1 = """
CREATE TABLE buckets (
    name TEXT PRIMARY KEY,
    created REAL NOT NULL
);
INSERT INTO buckets VALUES ('seed', 0);
"""
SCHEMA_2 = """
-- a comment; with a semicolon
CREATE TABLE objects (
    bucket TEXT NOT NULL REFERENCES buckets(name) DEFERRABLE INITIALLY DEFERRED,
    key TEXT NOT NULL,
    PRIMARY KEY (bucket, key)
);
CREATE TRIGGER count_objects AFTER INSERT ON objects BEGIN
    UPDATE buckets SET created = created + 1 WHERE name = NEW.bucket;
END;
"""


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "meta.db"


@pytest.fixture
def store(path: Path) -> Iterator[Store]:
    opened = Store(path, [SCHEMA_1, SCHEMA_2])
    yield opened
    opened.close()


def in_other_thread(fn: Any) -> Any:
    """Run ``fn`` on another thread, so it reads through another connection."""
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(fn()))
    thread.start()
    thread.join()
    return result[0]


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("PRAGMA user_version").fetchone()[0]


def test_migrations_apply_in_order_and_record_the_version(store: Store, path: Path) -> None:
    assert user_version(path) == 2
    tables = {r["name"] for r in store.query("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"buckets", "objects"}
    assert store.query_one("SELECT journal_mode FROM pragma_journal_mode")[0] == "wal"  # type: ignore[index]


def test_migrations_are_applied_once(path: Path) -> None:
    Store(path, [SCHEMA_1]).close()
    assert user_version(path) == 1
    # Reopening with one more script applies only the new one: the seed row is not
    # inserted twice (it would violate the primary key).
    store = Store(path, [SCHEMA_1, SCHEMA_2])
    try:
        assert user_version(path) == 2
        assert [r["name"] for r in store.query("SELECT name FROM buckets")] == ["seed"]
    finally:
        store.close()
    Store(path, [SCHEMA_1, SCHEMA_2]).close()
    assert user_version(path) == 2


def test_a_failing_migration_changes_nothing(path: Path) -> None:
    Store(path, [SCHEMA_1]).close()
    broken = "CREATE TABLE fine (x);\nCREATE TABLE broken (;\n"
    with pytest.raises(sqlite3.OperationalError):
        Store(path, [SCHEMA_1, SCHEMA_2, broken])
    assert user_version(path) == 1
    with sqlite3.connect(path) as conn:
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert names == {"buckets"}


def test_trigger_with_semicolons_in_its_body(store: Store) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO objects VALUES ('seed', 'a')")
        conn.execute("INSERT INTO objects VALUES ('seed', 'b')")
    assert store.query_one("SELECT created FROM buckets WHERE name='seed'")[0] == 2  # type: ignore[index]


def test_split_sql() -> None:
    assert _split_sql("SELECT 1;\nSELECT 2;\n") == ["SELECT 1;", "SELECT 2;"]
    # The comment rides with the table; the trigger's inner ';' does not end it.
    assert [s.split("\n")[-1] for s in _split_sql(SCHEMA_2)] == [");", "END;"]
    assert _split_sql("CREATE TABLE t (x)") == ["CREATE TABLE t (x)"]
    assert _split_sql("\n\n") == []


def test_write_commits_and_other_connections_see_it(store: Store) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO buckets VALUES ('b1', 1)")
    assert (
        in_other_thread(lambda: store.query_one("SELECT created FROM buckets WHERE name='b1'")[0])
        == 1
    )


def test_write_rolls_back_on_an_exception(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as conn:
        conn.execute("INSERT INTO buckets VALUES ('b1', 1)")
        raise RuntimeError("handler failed")
    assert store.query("SELECT name FROM buckets WHERE name='b1'") == []
    assert not store.conn.in_transaction
    with store.write() as conn:
        conn.execute("INSERT INTO buckets VALUES ('b2', 2)")
    assert in_other_thread(lambda: len(store.query("SELECT * FROM buckets"))) == 2


def test_nested_write_joins_the_outer_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError), store.write() as outer:
        outer.execute("INSERT INTO buckets VALUES ('outer', 1)")
        with store.write() as inner:
            inner.execute("INSERT INTO buckets VALUES ('inner', 1)")
        raise RuntimeError("after the nested write")
    assert store.query("SELECT name FROM buckets WHERE name IN ('outer', 'inner')") == []


def test_uncommitted_writes_are_invisible_to_readers(store: Store) -> None:
    with store.write() as conn:
        conn.execute("INSERT INTO buckets VALUES ('pending', 1)")
        assert (
            in_other_thread(lambda: store.query("SELECT * FROM buckets WHERE name='pending'")) == []
        )
    assert (
        len(in_other_thread(lambda: store.query("SELECT * FROM buckets WHERE name='pending'"))) == 1
    )


def test_a_failed_commit_does_not_leave_the_transaction_open(store: Store) -> None:
    """A deferred foreign key fails at COMMIT; later writes must not join the dead transaction."""
    with pytest.raises(sqlite3.IntegrityError), store.write() as conn:
        conn.execute("INSERT INTO objects VALUES ('no-such-bucket', 'k')")
    assert not store.conn.in_transaction
    with store.write() as conn:
        conn.execute("INSERT INTO buckets VALUES ('after', 1)")
    assert in_other_thread(
        lambda: [r["name"] for r in store.query("SELECT name FROM buckets ORDER BY name")]
    ) == ["after", "seed"]
    assert store.query("SELECT * FROM objects") == []


def test_group_commit_jobs(store: Store) -> None:
    def insert(name: str) -> Any:
        def job(conn: sqlite3.Connection) -> str:
            conn.execute("INSERT INTO buckets VALUES (?, 0)", (name,))
            return name

        return job

    def fail(conn: sqlite3.Connection) -> None:
        conn.execute("INSERT INTO buckets VALUES ('doomed', 0)")
        raise ValueError("job failed")

    futures = [store.submit(insert(f"g{i}")) for i in range(20)]
    failing = store.submit(fail)
    duplicate = store.submit(insert("g0"))
    assert [f.result(timeout=10) for f in futures] == [f"g{i}" for i in range(20)]
    with pytest.raises(ValueError):
        failing.result(timeout=10)
    with pytest.raises(sqlite3.IntegrityError):
        duplicate.result(timeout=10)
    rows = in_other_thread(lambda: [r["name"] for r in store.query("SELECT name FROM buckets")])
    assert sorted(rows) == sorted([*(f"g{i}" for i in range(20)), "seed"])


def test_foreign_keys_are_enforced(store: Store) -> None:
    assert store.query_one("PRAGMA foreign_keys")[0] == 1  # type: ignore[index]


def test_a_thread_closes_its_connections_to_every_store(store: Store, tmp_path: Path) -> None:
    other = Store(tmp_path / "other.db", [SCHEMA_1])
    used: list[sqlite3.Connection] = []

    def work() -> None:
        used.extend([store.conn, other.conn])
        store.query("SELECT * FROM buckets")
        other.query("SELECT * FROM buckets")
        Store.close_thread_connections()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    for conn in used:
        with pytest.raises(sqlite3.ProgrammingError):  # closed
            conn.execute("SELECT 1")
        assert conn not in store._all and conn not in other._all
    assert store.query("SELECT name FROM buckets")[0]["name"] == "seed"  # others keep theirs
    Store.close_thread_connections()
    assert store.query("SELECT name FROM buckets")[0]["name"] == "seed"  # and reconnect
    other.close()


def _open_at(path: Path, start: float, errors: Any) -> None:
    while time.time() < start:  # every process opens at the same moment
        pass
    try:
        Store(path, [SCHEMA_1]).close()
    except Exception as exc:
        errors.put(repr(exc))


def test_processes_opening_a_fresh_database_together(tmp_path: Path) -> None:
    """Workers starting on a new data directory all switch it to WAL at once; unserialised,
    SQLite refused about one in three such starts with "database is locked"."""
    errors: Any = multiprocessing.Queue()
    for trial in range(15):
        path = tmp_path / f"fresh-{trial}.db"
        start = time.time() + 0.2
        processes = [
            multiprocessing.Process(target=_open_at, args=(path, start, errors)) for _ in range(4)
        ]
        for process in processes:
            process.start()
        for process in processes:
            process.join(30)
            assert process.exitcode == 0
    assert errors.empty(), errors.get()


def test_after_commit_waits_for_the_commit(store: Store) -> None:
    ran: list[str] = []
    store.after_commit(lambda: ran.append("outside"))
    assert ran == ["outside"]
    with store.write() as conn:
        conn.execute("INSERT INTO buckets VALUES ('a', 1)")
        with store.write():  # a nested write joins the outer transaction
            store.after_commit(lambda: ran.append("committed"))
        assert ran == ["outside"]
    assert ran == ["outside", "committed"]
    with pytest.raises(RuntimeError), store.write():
        store.after_commit(lambda: ran.append("rolled back"))
        raise RuntimeError
    assert ran == ["outside", "committed"]
