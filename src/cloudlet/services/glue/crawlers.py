"""Crawlers, their runs (crawls), log lines and the folders incremental crawls have seen.

A crawler's configuration is its API shape (``doc``); its run state (READY, RUNNING,
STOPPING), the next scheduled run and the process running it are columns, changed with
compare-and-set updates so that two worker processes never start one crawler twice.

A run changes the crawler only while its own ``crawls`` row is RUNNING: once the run has
been failed as interrupted (its process died, or the server restarted), a thread still
working on it must not write the catalog nor make the crawler READY under a newer run.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from typing import Any

from cloudlet.core.store import Store
from cloudlet.services.glue.errors import (
    AlreadyExistsException,
    CrawlerNotRunningException,
    CrawlerRunningException,
    CrawlerStoppingException,
    EntityNotFoundException,
)

READY, RUNNING, STOPPING = "READY", "RUNNING", "STOPPING"
LOG_GROUP = "/aws-glue/crawlers"
#: Log lines kept per crawler (oldest dropped first).
MAX_LOG_LINES = 5000


def not_found(name: str) -> EntityNotFoundException:
    return EntityNotFoundException(f"Crawler entry with name {name} does not exist")


class Crawlers:
    def __init__(self, store: Store, now: Callable[[], float]) -> None:
        self.store = store
        self.now = now

    # -- configuration ----------------------------------------------------------------------

    def get(self, account: str, region: str, name: str) -> dict[str, Any] | None:
        """The configuration plus ``_state``, ``_next_run`` and ``_stop`` (run state)."""
        row = self.store.query_one(
            "SELECT * FROM crawlers WHERE account_id=? AND region=? AND name=?",
            (account, region, name),
        )
        return _crawler(row) if row else None

    def require(self, account: str, region: str, name: str) -> dict[str, Any]:
        found = self.get(account, region, name)
        if found is None:
            raise not_found(name)
        return found

    def all(self, account: str, region: str) -> list[dict[str, Any]]:
        rows = self.store.query(
            "SELECT * FROM crawlers WHERE account_id=? AND region=? ORDER BY name",
            (account, region),
        )
        return [_crawler(r) for r in rows]

    def create(
        self, account: str, region: str, doc: dict[str, Any], next_run: float | None
    ) -> None:
        with self.store.write() as conn:
            try:
                conn.execute(
                    "INSERT INTO crawlers (account_id, region, name, doc, state, next_run) "
                    "VALUES (?,?,?,?,?,?)",
                    (account, region, doc["Name"], json.dumps(doc), READY, next_run),
                )
            except sqlite3.IntegrityError:
                raise AlreadyExistsException(f"{doc['Name']} already exists") from None

    def replace(
        self, account: str, region: str, doc: dict[str, Any], next_run: float | None
    ) -> None:
        """Store a changed configuration; refused while the crawler runs."""
        with self.store.write() as conn:
            cursor = conn.execute(
                "UPDATE crawlers SET doc=?, next_run=? "
                "WHERE account_id=? AND region=? AND name=? AND state=?",
                (json.dumps(doc), next_run, account, region, doc["Name"], READY),
            )
        if cursor.rowcount == 0:
            self.require(account, region, doc["Name"])
            raise CrawlerRunningException(f"Crawler with name {doc['Name']} is running")

    def delete(self, account: str, region: str, name: str) -> None:
        with self.store.write() as conn:
            row = conn.execute(
                "SELECT state FROM crawlers WHERE account_id=? AND region=? AND name=?",
                (account, region, name),
            ).fetchone()
            if row is None:
                raise not_found(name)
            if row[0] != READY:
                raise CrawlerRunningException(f"Crawler with name {name} is running")
            key = (account, region, name)
            conn.execute("DELETE FROM crawlers WHERE account_id=? AND region=? AND name=?", key)
            for table in ("crawls", "crawl_logs", "crawled_folders"):
                conn.execute(
                    f"DELETE FROM {table} WHERE account_id=? AND region=? AND crawler=?", key
                )

    # -- runs ---------------------------------------------------------------------------------

    def claim(self, account: str, region: str, name: str, crawl_id: str) -> None:
        """READY -> RUNNING and a new crawl row, or CrawlerRunningException."""
        now = self.now()
        with self.store.write() as conn:
            cursor = conn.execute(
                "UPDATE crawlers SET state=?, owner_pid=?, stop_requested=0 "
                "WHERE account_id=? AND region=? AND name=? AND state=?",
                (RUNNING, os.getpid(), account, region, name, READY),
            )
            if cursor.rowcount == 0:
                exists = conn.execute(
                    "SELECT 1 FROM crawlers WHERE account_id=? AND region=? AND name=?",
                    (account, region, name),
                ).fetchone()
                if exists is None:
                    raise not_found(name)
                raise CrawlerRunningException(f"Crawler with name {name} has already started")
            conn.execute(
                "INSERT INTO crawls (account_id, region, crawler, crawl_id, state, started) "
                "VALUES (?,?,?,?,?,?)",
                (account, region, name, crawl_id, RUNNING, now),
            )

    def request_stop(self, account: str, region: str, name: str) -> None:
        with self.store.write() as conn:
            row = conn.execute(
                "SELECT state FROM crawlers WHERE account_id=? AND region=? AND name=?",
                (account, region, name),
            ).fetchone()
            if row is None:
                raise not_found(name)
            if row[0] == READY:
                raise CrawlerNotRunningException(f"Crawler with name {name} is not running")
            if row[0] == STOPPING:
                raise CrawlerStoppingException(f"Crawler with name {name} is stopping")
            conn.execute(
                "UPDATE crawlers SET state=?, stop_requested=1 "
                "WHERE account_id=? AND region=? AND name=?",
                (STOPPING, account, region, name),
            )

    def stop_requested(self, account: str, region: str, name: str) -> bool:
        row = self.store.query_one(
            "SELECT stop_requested FROM crawlers WHERE account_id=? AND region=? AND name=?",
            (account, region, name),
        )
        return bool(row is None or row[0])

    def begin_writing(self, account: str, region: str, name: str, crawl_id: str) -> bool:
        """RUNNING -> STOPPING for the catalog writes, in one step with the checks: False when
        StopCrawler came first or the run is no longer the crawler's current one."""
        with self.store.write() as conn:
            cursor = conn.execute(
                "UPDATE crawlers SET state=? "
                "WHERE account_id=? AND region=? AND name=? AND state=? AND stop_requested=0 "
                "AND EXISTS (SELECT 1 FROM crawls WHERE account_id=? AND region=? "
                "AND crawler=? AND crawl_id=? AND state=?)",
                (STOPPING, account, region, name, RUNNING,
                 account, region, name, crawl_id, RUNNING),
            )  # fmt: skip
        return cursor.rowcount > 0

    def finish(
        self,
        account: str,
        region: str,
        name: str,
        crawl_id: str,
        status: str,
        error: str | None,
        summary: dict[str, Any],
    ) -> None:
        """The crawl ends (SUCCEEDED, CANCELLED or FAILED) and the crawler is READY again,
        unless the run was already failed as interrupted: then neither changes."""
        with self.store.write() as conn:
            cursor = conn.execute(
                "UPDATE crawls SET state=?, ended=?, error=?, summary=? "
                "WHERE account_id=? AND region=? AND crawler=? AND crawl_id=? AND state=?",
                (status, self.now(), error, json.dumps(summary),
                 account, region, name, crawl_id, RUNNING),
            )  # fmt: skip
            if cursor.rowcount == 0:
                return
            conn.execute(
                "UPDATE crawlers SET state=?, owner_pid=NULL, stop_requested=0 "
                "WHERE account_id=? AND region=? AND name=?",
                (READY, account, region, name),
            )

    def crawls(self, account: str, region: str, name: str) -> list[dict[str, Any]]:
        """Every crawl of the crawler, newest first."""
        rows = self.store.query(
            "SELECT * FROM crawls WHERE account_id=? AND region=? AND crawler=? "
            "ORDER BY started DESC",
            (account, region, name),
        )
        return [
            {
                "crawl_id": r["crawl_id"],
                "state": r["state"],
                "started": r["started"],
                "ended": r["ended"],
                "error": r["error"],
                "summary": json.loads(r["summary"]) if r["summary"] else {},
            }
            for r in rows
        ]

    def recover_interrupted(self, since: float) -> None:
        """At server start (primary worker, first start only): runs claimed before ``since``
        (this server's start, on the cloud's clock) or by a process that is gone end FAILED.

        The other workers start serving while this one still starts up: a run one of them
        claimed in the meantime is live, and must not be failed.
        """
        self._fail_interrupted(
            lambda pid, started: (
                pid is None or started is None or started < since or not _alive(pid)
            )
        )

    def fail_orphans(self) -> None:
        """Crawls whose process died (a worker crashed) end FAILED."""
        if self.store.query_one("SELECT 1 FROM crawlers WHERE state<>? LIMIT 1", (READY,)):
            self._fail_interrupted(lambda pid, started: pid is not None and not _alive(pid))

    def _fail_interrupted(self, interrupted: Callable[[int | None, float | None], bool]) -> None:
        """Fail the running crawls ``interrupted(owner_pid, started)`` picks, in one transaction
        (no run can finish or start between the look and the change)."""
        message = "Crawl was interrupted: the server stopped while it ran."
        with self.store.write() as conn:
            running = conn.execute(
                "SELECT c.account_id, c.region, c.name, c.owner_pid, r.crawl_id, r.started "
                "FROM crawlers c LEFT JOIN crawls r ON r.account_id=c.account_id "
                "AND r.region=c.region AND r.crawler=c.name AND r.state=? WHERE c.state<>?",
                (RUNNING, READY),
            ).fetchall()
            for account, region, name, pid, crawl_id, started in running:
                if not interrupted(pid, started):
                    continue
                if crawl_id is not None:
                    conn.execute(
                        "UPDATE crawls SET state='FAILED', ended=?, error=? "
                        "WHERE account_id=? AND region=? AND crawler=? AND crawl_id=?",
                        (self.now(), message, account, region, name, crawl_id),
                    )
                conn.execute(
                    "UPDATE crawlers SET state=?, owner_pid=NULL, stop_requested=0 "
                    "WHERE account_id=? AND region=? AND name=?",
                    (READY, account, region, name),
                )

    # -- schedules --------------------------------------------------------------------------

    def due(self, now: float) -> list[tuple[str, str, str, float]]:
        rows = self.store.query(
            "SELECT account_id, region, name, next_run FROM crawlers "
            "WHERE next_run IS NOT NULL AND next_run <= ?",
            (now,),
        )
        return [(r[0], r[1], r[2], r[3]) for r in rows]

    def advance(
        self, account: str, region: str, name: str, seen: float, next_run: float | None
    ) -> bool:
        """Move the next run on, if no other worker did first (True: this one fires it)."""
        with self.store.write() as conn:
            cursor = conn.execute(
                "UPDATE crawlers SET next_run=? "
                "WHERE account_id=? AND region=? AND name=? AND next_run=?",
                (next_run, account, region, name, seen),
            )
        return cursor.rowcount > 0

    def set_schedule(
        self, account: str, region: str, name: str, doc: dict[str, Any], next_run: float | None
    ) -> None:
        """Change the schedule only (allowed while a crawl runs)."""
        with self.store.write() as conn:
            conn.execute(
                "UPDATE crawlers SET doc=?, next_run=? WHERE account_id=? AND region=? AND name=?",
                (json.dumps(doc), next_run, account, region, name),
            )

    # -- logs and incremental state ---------------------------------------------------------

    def add_log(self, account: str, region: str, name: str, messages: list[str]) -> None:
        now = self.now()
        with self.store.write() as conn:
            conn.executemany(
                "INSERT INTO crawl_logs (account_id, region, crawler, at, message) "
                "VALUES (?,?,?,?,?)",
                [(account, region, name, now, m) for m in messages],
            )
            conn.execute(
                "DELETE FROM crawl_logs WHERE account_id=? AND region=? AND crawler=? AND seq <= "
                "(SELECT seq FROM crawl_logs WHERE account_id=? AND region=? AND crawler=? "
                "ORDER BY seq DESC LIMIT 1 OFFSET ?)",
                (account, region, name, account, region, name, MAX_LOG_LINES),
            )

    def log(self, account: str, region: str, name: str) -> list[dict[str, Any]]:
        rows = self.store.query(
            "SELECT at, message FROM crawl_logs WHERE account_id=? AND region=? AND crawler=? "
            "ORDER BY seq",
            (account, region, name),
        )
        return [{"timestamp": r[0], "message": r[1]} for r in rows]

    def folders(self, account: str, region: str, name: str) -> set[str]:
        rows = self.store.query(
            "SELECT folder FROM crawled_folders WHERE account_id=? AND region=? AND crawler=?",
            (account, region, name),
        )
        return {r[0] for r in rows}

    def add_folders(self, account: str, region: str, name: str, folders: set[str]) -> None:
        with self.store.write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO crawled_folders VALUES (?,?,?,?)",
                [(account, region, name, f) for f in sorted(folders)],
            )

    # -- tags (crawlers, databases, connections: any Glue ARN) -------------------------------

    def tags(self, arn: str) -> dict[str, str]:
        rows = self.store.query("SELECT tag_key, tag_value FROM tags WHERE arn=?", (arn,))
        return {r[0]: r[1] for r in rows}

    def put_tags(self, arn: str, tags: dict[str, str]) -> None:
        with self.store.write() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO tags VALUES (?,?,?)", [(arn, k, v) for k, v in tags.items()]
            )

    def remove_tags(self, arn: str, keys: list[str]) -> None:
        with self.store.write() as conn:
            conn.executemany("DELETE FROM tags WHERE arn=? AND tag_key=?", [(arn, k) for k in keys])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _crawler(row: sqlite3.Row) -> dict[str, Any]:
    doc = json.loads(row["doc"])
    doc["_state"] = row["state"]
    doc["_next_run"] = row["next_run"]
    doc["_stop"] = bool(row["stop_requested"])
    return doc
