"""Partitions and column statistics of catalog tables: SQL, and Glue's rules for them.

A partition is named by its values, in the order of the table's partition keys; its row
key is those values as a JSON list. Column statistics belong to a table (empty values
key) or to one partition.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from typing import Any

from cloudlet.core.store import Store
from cloudlet.services.glue.common import jsonable
from cloudlet.services.glue.errors import (
    AlreadyExistsException,
    EntityNotFoundException,
    InvalidInputException,
)
from cloudlet.services.glue.expression import compile_expression

_PARTITION_INPUT = ("LastAccessTime", "StorageDescriptor", "Parameters", "LastAnalyzedTime")
NOT_FOUND = "Cannot find partition."
EXISTS = "Partition already exists."


def values_key(values: list[str]) -> str:
    return json.dumps(list(values))


def error_detail(exc: Exception) -> dict[str, str]:
    code = getattr(exc, "code", "InternalServiceException")
    return {"ErrorCode": code, "ErrorMessage": str(getattr(exc, "message", exc))}


class Partitions:
    def __init__(self, store: Store, now: Callable[[], float]) -> None:
        self.store = store
        self.now = now

    def _key(self, account: str, region: str, table: dict[str, Any]) -> tuple[str, ...]:
        return (account, region, table["DatabaseName"], table["Name"])

    def check_values(self, table: dict[str, Any], values: Any) -> list[str]:
        if not isinstance(values, list) or len(values) != len(table.get("PartitionKeys", [])):
            raise InvalidInputException(
                "The number of partition keys do not match the number of partition values."
            )
        return [str(v) for v in values]

    def get(
        self, account: str, region: str, table: dict[str, Any], values: list[str]
    ) -> dict[str, Any] | None:
        row = self.store.query_one(
            "SELECT doc FROM partitions WHERE account_id=? AND region=? AND database=? "
            "AND table_name=? AND part_values=?",
            (*self._key(account, region, table), values_key(values)),
        )
        return json.loads(row[0]) if row else None

    def list(
        self, account: str, region: str, table: dict[str, Any], expression: str | None = None
    ) -> list[dict[str, Any]]:
        """Every partition, ordered by values, that the ``Expression`` (if any) selects."""
        keys = table.get("PartitionKeys", [])
        predicate = compile_expression(expression, keys) if expression else None
        rows = self.store.query(
            "SELECT doc FROM partitions WHERE account_id=? AND region=? AND database=? "
            "AND table_name=? ORDER BY part_values",
            self._key(account, region, table),
        )
        found = []
        names = [k["Name"].lower() for k in keys]
        for row in rows:
            doc = json.loads(row[0])
            if predicate is None or predicate(dict(zip(names, doc["Values"], strict=False))):
                found.append(doc)
        return found

    def create_many(
        self, account: str, region: str, table: dict[str, Any], inputs: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """Insert what can be inserted; the others come back as PartitionError entries."""
        errors: list[dict[str, Any]] = []
        now = self.now()
        key = self._key(account, region, table)
        with self.store.write() as conn:
            for data in inputs:
                values = data.get("Values") or []
                try:
                    values = self.check_values(table, values)
                    doc = self._doc(account, table, values, data, now)
                    conn.execute(
                        "INSERT INTO partitions VALUES (?,?,?,?,?,?)",
                        (*key, values_key(values), json.dumps(doc)),
                    )
                except sqlite3.IntegrityError:
                    errors.append(_error(values, AlreadyExistsException(EXISTS)))
                except InvalidInputException as exc:
                    errors.append(_error(values, exc))
        return errors

    def update(
        self,
        account: str,
        region: str,
        table: dict[str, Any],
        values: list[str],
        data: dict[str, Any],
    ) -> None:
        old = self.get(account, region, table, values)
        if old is None:
            raise EntityNotFoundException(NOT_FOUND)
        new_values = self.check_values(table, data.get("Values") or values)
        doc = self._doc(account, table, new_values, data, old["CreationTime"])
        key = self._key(account, region, table)
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM partitions WHERE account_id=? AND region=? AND database=? "
                "AND table_name=? AND part_values=?",
                (*key, values_key(values)),
            )
            try:
                conn.execute(
                    "INSERT INTO partitions VALUES (?,?,?,?,?,?)",
                    (*key, values_key(new_values), json.dumps(doc)),
                )
            except sqlite3.IntegrityError:
                raise AlreadyExistsException(EXISTS) from None

    def delete(self, account: str, region: str, table: dict[str, Any], values: list[str]) -> bool:
        key = (*self._key(account, region, table), values_key(values))
        with self.store.write() as conn:
            cursor = conn.execute(
                "DELETE FROM partitions WHERE account_id=? AND region=? AND database=? "
                "AND table_name=? AND part_values=?",
                key,
            )
            conn.execute(
                "DELETE FROM column_statistics WHERE account_id=? AND region=? AND database=? "
                "AND table_name=? AND part_values=?",
                key,
            )
        return cursor.rowcount > 0

    def _doc(
        self,
        account: str,
        table: dict[str, Any],
        values: list[str],
        data: dict[str, Any],
        created: float,
    ) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "Values": values,
            "DatabaseName": table["DatabaseName"],
            "TableName": table["Name"],
            "CreationTime": created,
            "CatalogId": account,
        }
        doc.update({k: jsonable(data[k]) for k in _PARTITION_INPUT if data.get(k) is not None})
        doc.setdefault("Parameters", {})
        return doc

    # -- column statistics ------------------------------------------------------------------

    def statistics(
        self, account: str, region: str, table: dict[str, Any], values: list[str] | None
    ) -> dict[str, dict[str, Any]]:
        rows = self.store.query(
            "SELECT column_name, doc FROM column_statistics WHERE account_id=? AND region=? "
            "AND database=? AND table_name=? AND part_values=?",
            (*self._key(account, region, table), _stats_key(values)),
        )
        return {r[0]: json.loads(r[1]) for r in rows}

    def put_statistics(
        self,
        account: str,
        region: str,
        table: dict[str, Any],
        values: list[str] | None,
        stats: list[dict[str, Any]],
    ) -> None:
        key = (*self._key(account, region, table), _stats_key(values))
        with self.store.write() as conn:
            for item in stats:
                conn.execute(
                    "INSERT OR REPLACE INTO column_statistics VALUES (?,?,?,?,?,?,?)",
                    (*key, item["ColumnName"], json.dumps(jsonable(item))),
                )

    def delete_statistics(
        self,
        account: str,
        region: str,
        table: dict[str, Any],
        values: list[str] | None,
        column: str,
    ) -> bool:
        with self.store.write() as conn:
            cursor = conn.execute(
                "DELETE FROM column_statistics WHERE account_id=? AND region=? AND database=? "
                "AND table_name=? AND part_values=? AND column_name=?",
                (*self._key(account, region, table), _stats_key(values), column),
            )
        return cursor.rowcount > 0


def _stats_key(values: list[str] | None) -> str:
    return "" if values is None else values_key(values)


def _error(values: Any, exc: Exception) -> dict[str, Any]:
    return {"PartitionValues": list(values or []), "ErrorDetail": error_detail(exc)}
