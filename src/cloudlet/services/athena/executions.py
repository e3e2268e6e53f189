"""Query executions: their rows, and the state machine QUEUED -> RUNNING -> done.

Transitions are conditional updates (``WHERE state IN (...)``), so a stop that lands while
the query finishes leaves exactly one outcome: whichever committed first.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

from cloudlet.core.store import Store

UNFINISHED = ("QUEUED", "RUNNING")
FINISHED = ("SUCCEEDED", "FAILED", "CANCELLED")


@dataclass(slots=True)
class Execution:
    id: str
    account_id: str
    region: str
    workgroup: str
    query: str
    submitted: float
    state: str = "QUEUED"
    database: str | None = None
    catalog: str | None = None
    output_location: str | None = None
    encryption: dict[str, Any] | None = None
    client_token: str | None = None
    parameters: list[str] | None = None
    statement_type: str | None = None
    substatement_type: str | None = None
    state_reason: str | None = None
    error_type: str | None = None
    started: float | None = None
    planned: float | None = None
    executed: float | None = None
    completed: float | None = None
    scanned_bytes: int = 0
    result_columns: list[dict[str, Any]] = field(default_factory=list)
    result_rows: int | None = None
    result_file: str | None = None
    has_header: bool = True
    update_count: int | None = None
    owner_pid: int | None = None


_JSON = ("encryption", "parameters", "result_columns")
_FIELDS = tuple(Execution.__dataclass_fields__)


def _row(execution: Execution) -> tuple[Any, ...]:
    values = []
    for name in _FIELDS:
        value = getattr(execution, name)
        if name in _JSON:
            value = json.dumps(value) if value is not None else None
        elif name == "has_header":
            value = int(value)
        values.append(value)
    return tuple(values)


def _execution(row: Any) -> Execution:
    data = {name: row[name] for name in _FIELDS}
    for name in _JSON:
        data[name] = json.loads(data[name]) if data[name] is not None else None
    data["result_columns"] = data["result_columns"] or []
    data["has_header"] = bool(data["has_header"])
    return Execution(**data)


class Executions:
    def __init__(self, store: Store) -> None:
        self.store = store

    def insert(self, execution: Execution) -> Execution:
        """Store a new execution; with a client token already used, answer that one."""
        columns = ", ".join(_FIELDS)
        marks = ", ".join("?" for _ in _FIELDS)
        with self.store.write() as conn:
            if execution.client_token is not None:
                row = conn.execute(
                    "SELECT * FROM executions WHERE account_id=? AND region=? AND client_token=?",
                    (execution.account_id, execution.region, execution.client_token),
                ).fetchone()
                if row is not None:
                    return _execution(row)
            conn.execute(f"INSERT INTO executions ({columns}) VALUES ({marks})", _row(execution))
        return execution

    def get(self, account_id: str, region: str, execution_id: str) -> Execution | None:
        row = self.store.query_one(
            "SELECT * FROM executions WHERE id=? AND account_id=? AND region=?",
            (execution_id, account_id, region),
        )
        return _execution(row) if row else None

    def by_id(self, execution_id: str) -> Execution | None:
        row = self.store.query_one("SELECT * FROM executions WHERE id=?", (execution_id,))
        return _execution(row) if row else None

    def list_ids(
        self, account_id: str, region: str, workgroup: str, offset: int, limit: int
    ) -> list[str]:
        rows = self.store.query(
            "SELECT id FROM executions WHERE account_id=? AND region=? AND workgroup=? "
            "ORDER BY submitted DESC, id LIMIT ? OFFSET ?",
            (account_id, region, workgroup, limit, offset),
        )
        return [row["id"] for row in rows]

    def update(self, execution_id: str, states: tuple[str, ...], **fields: Any) -> bool:
        """Set fields if the execution is in one of ``states``; False if it was not."""
        for name in _JSON:
            if name in fields and fields[name] is not None:
                fields[name] = json.dumps(fields[name])
        if "has_header" in fields:
            fields["has_header"] = int(fields["has_header"])
        assignments = ", ".join(f"{name}=?" for name in fields)
        marks = ", ".join("?" for _ in states)
        with self.store.write() as conn:
            cursor = conn.execute(
                f"UPDATE executions SET {assignments} WHERE id=? AND state IN ({marks})",
                (*fields.values(), execution_id, *states),
            )
        return cursor.rowcount > 0

    def fail_orphans(self, now: float, before: float | None = None) -> int:
        """Fail unfinished executions whose process is gone, or (on a fresh start) that were
        submitted ``before`` the server started: no process runs those any more."""
        rows = self.store.query(
            "SELECT id, owner_pid, submitted FROM executions WHERE state IN ('QUEUED', 'RUNNING')"
        )
        failed = 0
        for row in rows:
            stale = before is not None and row["submitted"] < before
            if not stale and row["owner_pid"] and _alive(row["owner_pid"]):
                continue
            failed += self.update(
                row["id"],
                UNFINISHED,
                state="FAILED",
                state_reason="GENERIC_INTERNAL_ERROR: the server stopped while the query ran",
                error_type="GENERIC_INTERNAL_ERROR",
                completed=now,
            )
        return failed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
